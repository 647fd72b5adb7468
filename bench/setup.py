"""Creates bench accounts through the public API, in parallel, and writes their session tokens, one a line.

  python3 bench/setup.py BASE_URL ACCOUNTS OUT [WORKERS]

Each account: register (Argon2id: the slow step) -> pair one device (init -> claim with the login cookie ->
token) -> store a master key -> PUT a 4 KiB blob of each of the five types (what "app boot" reads). Every
token is a real session from the real device flow. WORKERS parallel clients (default 4 x cores) keep the
server's cores busy. OUT.blob gets one upload body for the mix's PUTs."""
import base64, os, sys, time
from concurrent.futures import ThreadPoolExecutor

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from flamingo_client import Client, TYPES, blob_body  # noqa: E402

base, count, out = sys.argv[1], int(sys.argv[2]), sys.argv[3]
workers = int(sys.argv[4]) if len(sys.argv) > 4 else 4 * (os.cpu_count() or 2)
run = base64.b32encode(os.urandom(5)).decode().lower()  # a fresh e-mail namespace for each run


def account(i):
    c = Client(base)
    try:
        c.register(f"bench-{run}-{i}@example.com")
        token = c.pair(f"bench-{i}")
        c.call("PUT", "/api/sync/key", {"master_key": base64.b64encode(os.urandom(32)).decode()}, token)
        for t in TYPES:
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
print(f"setup: {count} accounts, each with a paired device and 5 blobs, in {time.time() - started:.1f} s "
      f"({workers} parallel clients)")
