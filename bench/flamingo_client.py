"""A small keep-alive HTTP client for the bench scripts: speaks the envelope, keeps the login cookie, and
does the device flow as the desktop app and the browser do (init -> claim with the cookie and password -> token)."""
import base64, http.client, json, os, time
from urllib.parse import urlsplit

TYPES = ("history", "environment", "secret", "collection", "setting")


class FlowError(Exception):
    def __init__(self, message, status=None):
        super().__init__(message)
        self.status = status


class Client:
    def __init__(self, base):
        u = urlsplit(base)
        self.base = base.rstrip("/")
        self.host, self.port = u.hostname, u.port or 80
        self.conn = None
        self.cookie = None
        self.password = None  # the account's, kept for the claims (they need it: key custody)

    def call(self, method, path, body=None, token=None, browser=False):
        headers = {"Content-Type": "application/json"}
        if token:
            headers["Authorization"] = "Bearer " + token
        if browser:  # what a browser on our own pages sends with the login cookie
            headers["Origin"] = self.base
            headers["Sec-Fetch-Site"] = "same-origin"
            if self.cookie:
                headers["Cookie"] = self.cookie
        data = None if body is None else (body if isinstance(body, (bytes, str)) else json.dumps(body))
        for attempt in (1, 2):
            if self.conn is None:
                self.conn = http.client.HTTPConnection(self.host, self.port, timeout=60)
            try:
                self.conn.request(method, path, body=data, headers=headers)
                r = self.conn.getresponse()
                raw = r.read()
                break
            except (http.client.HTTPException, ConnectionError):
                self.conn.close()
                self.conn = None
                if attempt == 2:
                    raise
        for name, value in r.getheaders():
            if name.lower() == "set-cookie" and value.split("=", 1)[0].endswith("flamingo_login"):
                self.cookie = value.split(";", 1)[0]
        if r.status != 200:
            raise FlowError(f"{method} {path}: {r.status} {raw[:200]!r}", r.status)
        return json.loads(raw).get("data")

    def register(self, email, password="bench password"):
        """Registers (signs in when an earlier attempt that timed out did register). Argon2id on a cold or busy
        service can outlast the bus timeout: a 503 "try again shortly" is retried, as a person would."""
        self.password = password
        path, body = "/api/auth/register", {"email": email, "password": password}
        for attempt in range(6):
            try:
                self.call("POST", path, body, browser=True)
                break
            except FlowError as e:
                if e.status == 409 and path.endswith("register"):
                    path = "/api/auth/login"
                elif e.status != 503 or attempt == 5:
                    raise
                else:
                    time.sleep(1 + attempt)
        if not self.cookie:
            raise FlowError("register set no login cookie")

    def pair(self, device_name):
        """init (the app) -> claim (the browser, with the login cookie and the password) -> token (the app): a
        session token."""
        temp = self.call("POST", "/api/sync/init", {"device_name": device_name, "device_type": "desktop"})["temp_token"]
        self.call("POST", "/api/sync/claim", {"temp_token": temp, "password": self.password}, browser=True)
        return self.call("POST", "/api/sync/token", {"temp_token": temp})["session_token"]

    def close(self):
        if self.conn is not None:
            self.conn.close()


def blob_body(size=4096):
    """A blob upload as the app sends it: ciphertext||tag and a 12-byte IV, base64 (the server never decrypts)."""
    return json.dumps({"encrypted_blob": base64.b64encode(os.urandom(size)).decode(),
                       "nonce": base64.b64encode(os.urandom(12)).decode(), "checksum": "bench"})
