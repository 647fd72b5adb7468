"""The one HTTP client of the scripts in bin/ and bench/ (Python 3 standard library only): a keep-alive
connection (http:// or https://), the JSON envelope, the login cookie, the browser's Origin, Content-Type:
application/json on every body (the server answers 415 without it), retry of 503 honouring Retry-After, the
device flow as the desktop app and the browser do it (init -> claim with the cookie and password -> token),
and the server's list of data types.

A script finds it with one line:  sys.path.insert(0, os.path.join(<the repository>, "bin", "lib"))"""
import base64, http.client, json, os, socket, ssl, time
from urllib.parse import urlsplit

# the login cookie's names (plain http, and __Host- on https)
COOKIE_NAMES = ("flamingo_login", "__Host-flamingo_login")
RETRY_AFTER_MAX_SECONDS = 10


class Unreachable(Exception):
    """No answer: refused, reset, broken off, TLS failed or timed out (a write may or may not have applied)."""

    def __init__(self, reason, timed_out=False):
        super().__init__(reason)
        self.timed_out = timed_out


class HttpError(Exception):
    """An answer other than 200: its status, envelope (a dict, or None) and error text."""

    def __init__(self, method, path, answer):
        env = answer.envelope or {}
        self.status, self.envelope = answer.status, answer.envelope
        self.error = env.get("error") or env.get("message") or f"HTTP {answer.status}"
        super().__init__(f"{method} {path}: {answer.status} {answer.raw[:200]!r}")


class Answer:
    def __init__(self, status, raw, headers):
        self.status, self.raw, self.headers = status, raw, headers
        try:
            envelope = json.loads(raw) if raw else None
        except ValueError:
            envelope = None
        self.envelope = envelope if isinstance(envelope, dict) else None

    @property
    def data(self):
        return self.envelope.get("data") if self.envelope else None

    def header(self, name, default=None):
        return next((v for k, v in self.headers if k.lower() == name.lower()), default)


class Client:
    """One connection to one server. browser=True sends every request as the browser on the server's own
    pages does (Origin, Sec-Fetch-Site, the login cookie); a call can say browser=True on its own.
    retries: how many times a 503 is tried again (after its Retry-After, at most 10 s; else 1, 2, 3... s).
    resend: a request whose kept-alive connection broke before any answer is sent once more (only for
    callers that do not count such a failure)."""

    def __init__(self, base, timeout=60, origin=None, browser=False, retries=5, resend=False, user_agent=None):
        u = urlsplit(base)
        self.base = base.rstrip("/")
        self.origin = origin or f"{u.scheme}://{u.netloc.rsplit('@', 1)[-1]}"
        self.prefix = u.path.rstrip("/")  # a server behind a path (https://example.com/sync)
        self.https = u.scheme == "https"
        self.host, self.port = u.hostname, u.port or (443 if self.https else 80)
        self.timeout, self.browser, self.retries, self.resend = timeout, browser, retries, resend
        self.user_agent = user_agent
        self.conn = None
        self.cookie = None
        self.password = None  # the account's, kept for the claims (they need it: key custody)

    def _connect(self):
        if self.https:  # the system's CAs; SSL_CERT_FILE (OpenSSL's variable) names another CA file to trust
            return http.client.HTTPSConnection(self.host, self.port, timeout=self.timeout,
                                               context=ssl.create_default_context())
        return http.client.HTTPConnection(self.host, self.port, timeout=self.timeout)

    def _send(self, method, path, data, headers):
        fresh = self.conn is None
        if fresh:
            self.conn = self._connect()
        try:
            self.conn.request(method, self.prefix + path, body=data, headers=headers)
            r = self.conn.getresponse()
            raw = r.read()
        except (socket.timeout, TimeoutError):
            self.close()
            raise Unreachable(f"did not answer within {self.timeout} s", timed_out=True)
        except ssl.SSLError as e:
            self.close()
            raise Unreachable(f"TLS failed ({e})")
        except (OSError, http.client.HTTPException) as e:
            self.close()
            if self.resend and not fresh:  # the server closed the idle kept-alive connection
                return self._send(method, path, data, headers)
            raise Unreachable(getattr(e, "strerror", None) or str(e) or repr(e))
        if (r.getheader("Connection") or "").lower() == "close":
            self.close()
        for header in r.msg.get_all("Set-Cookie") or []:
            name, _, rest = header.partition("=")
            if name.strip() in COOKIE_NAMES:
                value = rest.split(";", 1)[0].strip()
                self.cookie = f"{name.strip()}={value}" if value else None
        return Answer(r.status, raw, r.getheaders())

    def request(self, method, path, body=None, token=None, browser=None, headers=None):
        """One request (a 503 tried again per `retries`); the Answer whatever its status. Raises Unreachable."""
        h = {"Accept": "application/json"}
        if self.user_agent:
            h["User-Agent"] = self.user_agent
        if token:
            h["Authorization"] = "Bearer " + token
        if self.browser if browser is None else browser:  # what a browser on our own pages sends
            h["Origin"] = self.origin
            h["Sec-Fetch-Site"] = "same-origin"
            if self.cookie:
                h["Cookie"] = self.cookie
        data = None
        if body is not None:
            data = body if isinstance(body, (bytes, str)) else json.dumps(body)
            h["Content-Type"] = "application/json"
        h.update(headers or {})
        for attempt in range(self.retries + 1):
            answer = self._send(method, path, data, h)
            if answer.status != 503 or attempt == self.retries:
                return answer
            after = answer.header("Retry-After")
            time.sleep(min(int(after), RETRY_AFTER_MAX_SECONDS) if after and after.isdigit() else 1 + attempt)
        return answer

    def call(self, method, path, body=None, token=None, browser=None, headers=None):
        """The `data` of a 200 answer; any other status raises HttpError."""
        answer = self.request(method, path, body, token, browser, headers)
        if answer.status != 200:
            raise HttpError(method, path, answer)
        return answer.data

    def register(self, email, password):
        """Registers, or signs in when an earlier attempt that timed out did register."""
        self.password = password
        try:
            self.call("POST", "/api/auth/register", {"email": email, "password": password}, browser=True)
        except HttpError as e:
            if e.status != 409:
                raise
            self.call("POST", "/api/auth/login", {"email": email, "password": password}, browser=True)
        if not self.cookie:
            raise HttpError("POST", "/api/auth/register", Answer(200, b"set no login cookie", []))

    def pair(self, device_name):
        """init (the app) -> claim (the browser, with the login cookie and the password) -> token (the app):
        a device's session token."""
        temp = self.call("POST", "/api/sync/init", {"device_name": device_name, "device_type": "desktop"},
                         browser=False)["temp_token"]
        self.call("POST", "/api/sync/claim", {"temp_token": temp, "password": self.password}, browser=True)
        return self.call("POST", "/api/sync/token", {"temp_token": temp}, browser=False)["session_token"]

    def data_types(self, token):
        """The names of the data types the server stores: GET /api/sync/limits' data_types (a list of names;
        every release since the previous one lists them there; objects with a name are read too)."""
        limits = self.call("GET", "/api/sync/limits", token=token) or {}
        listed = limits.get("data_types")
        if not listed:
            raise RuntimeError("GET /api/sync/limits lists no data_types")
        return tuple(t if isinstance(t, str) else t["name"] for t in listed)

    def close(self):
        if self.conn is not None:
            self.conn.close()
            self.conn = None


def blob_body(size=4096, checksum="bench"):
    """A blob upload as the app sends it: ciphertext||tag and a 12-byte IV, base64 (the server never decrypts)."""
    return json.dumps({"encrypted_blob": base64.b64encode(os.urandom(size)).decode(),
                       "nonce": base64.b64encode(os.urandom(12)).decode(), "checksum": checksum})
