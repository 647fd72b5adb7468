"""Creates bench accounts through the public API, in parallel, and writes their session tokens, one a line.

  python3 bench/setup.py BASE_URL ACCOUNTS OUT [WORKERS]

Each account: register (Argon2id: the slow step) -> pair one device (init -> claim with the login cookie ->
token) -> store a master key -> PUT a 4 KiB blob of each data type the server stores (what "app boot"
reads; OUT.types lists them, one a line, for the wrk scripts). Every
token is a real session from the real device flow. WORKERS parallel clients (default 4 x cores) keep the
server's cores busy. OUT.blob gets one upload body for the mix's PUTs."""
import base64, os, sys, time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bin", "lib"))
from flamingo_http import Client, blob_body  # noqa: E402

base, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
workers = int(sys.argv[4]) if len(sys.argv) > 4 else 4 * (os.cpu_count() or 2)
run = base64.b32encode(os.urandom(5)).decode().lower()  # a fresh e-mail namespace for each run


types = []


def account(i):
    c = Client(base, resend=True)
    try:
        c.register(f"bench-{run}-{i}@example.com", "bench password")
        token = c.pair(f"bench-{i}")
        c.call("PUT", "/api/sync/key", {"master_key": base64.b64encode(os.urandom(32)).decode()}, token)
        if not types:
            types[:] = c.data_types(token)
        for t in types:
            c.call("PUT", f"/api/sync/data/{t}", blob_body(), token)
        return token
    finally:
        c.close()


started = time.time()
with ThreadPoolExecutor(max_workers=workers) as pool:
    tokens = list(pool.map(account, range(count)))
with open(out, "w") as f:
    f.write("\n".join(tokens) + "\n")
with open(out + ".blob", "w") as f:
    f.write(blob_body())
with open(out + ".types", "w") as f:
    f.write("\n".join(types) + "\n")
print(f"setup: {count} accounts, each with a paired device and {len(types)} blobs, in {time.time() - started:.1f} s "
      f"({workers} parallel clients)")
