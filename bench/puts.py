"""PUTs one 4 KiB blob N times with the first session token of a bench run (what revisions keep of a write
storm): python3 bench/puts.py BASE_URL TOKENS_FILE N. Prints the PUTs that succeeded."""
import os, sys

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bin", "lib"))
from flamingo_http import Client, blob_body  # noqa: E402

base, tokens, n = sys.argv[1], sys.argv[2], int(sys.argv[3])
token = open(tokens).readline().strip()
data_type = open(tokens + ".types").readline().strip()
c = Client(base)
try:
    for _ in range(n):
        c.call("PUT", f"/api/sync/data/{data_type}", blob_body(), token)
finally:
    c.close()
print(n)
