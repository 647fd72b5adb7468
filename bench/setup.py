"""Creates bench accounts through the public API and writes their session tokens, one a line."""
import base64, json, os, sys, urllib.request, http.cookiejar

base = sys.argv[1]
count = int(sys.argv[2])
out = sys.argv[3]

def call(opener, method, path, body=None, token=None):
    data = None if body is None else json.dumps(body).encode()
    req = urllib.request.Request(base + path, data=data, method=method)
    req.add_header("Content-Type", "application/json")
    if token:
        req.add_header("Authorization", "Bearer " + token)
    with opener.open(req) as r:
        return json.loads(r.read())

def blob_body():
    iv = os.urandom(12)
    ct = os.urandom(4096)  # stands in for ciphertext||tag: the server never decrypts
    return {"encrypted_blob": base64.b64encode(ct).decode(), "nonce": base64.b64encode(iv).decode(), "checksum": "bench"}

tokens = []
for i in range(count):
    jar = http.cookiejar.CookieJar()
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
    call(opener, "POST", "/api/auth/register", {"email": f"bench{i}@example.com", "password": "bench password"})
    temp = call(opener, "POST", "/api/sync/init", {"device_name": f"bench-{i}", "device_type": "desktop"})["data"]["temp_token"]
    call(opener, "POST", "/api/sync/claim", {"temp_token": temp})
    session = call(opener, "POST", "/api/sync/token", {"temp_token": temp})["data"]["session_token"]
    call(opener, "PUT", "/api/sync/key", {"master_key": base64.b64encode(os.urandom(32)).decode()}, session)
    call(opener, "PUT", "/api/sync/data/history", blob_body(), session)
    tokens.append(session)
with open(out, "w") as f:
    f.write("\n".join(tokens) + "\n")
with open(out + ".blob", "w") as f:
    f.write(json.dumps(blob_body()))
