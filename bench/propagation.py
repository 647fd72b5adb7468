"""How long a revocation takes to reach another gateway: python3 bench/propagation.py G1 G2 [TRIALS].

For each trial the token (or login cookie) is first used on both gateways, so both hold it in their auth
cache; then it is revoked through G1 and G2 is polled (every ~2 ms) until it answers 401. Three kinds:
  revoke   POST /api/sync/revoke (the calling session; auth-service publishes the eviction)
  device   DELETE /api/devices/{id} of another device (device-service -> auth-service -> eviction)
  logout   POST /api/auth/logout of a browser login (auth-service publishes the ended login)
Prints one line per kind: KIND TRIALS P50_MS MAX_MS, milliseconds from G1's answer to G2's first 401.
The tests only check that revocations arrive within generous deadlines; the times are measured here.
"""
import os, sys, time
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bin", "lib"))
from flamingo_http import Client, HttpError  # noqa: E402

PASSWORD = "propagation bench password"


def until_refused(client, path, deadline_s=30, **kw):
    """ms until `client` gets 401 for GET path (the time of G1's answer is the caller's t0)."""
    t0 = time.perf_counter()
    while time.perf_counter() - t0 < deadline_s:
        try:
            client.call("GET", path, **kw)
        except HttpError as e:
            if e.status == 401:
                return (time.perf_counter() - t0) * 1000
            raise
        time.sleep(0.002)
    raise SystemExit(f"propagation: {path} still accepted on the second gateway after {deadline_s} s")


def main():
    g1, g2 = sys.argv[1], sys.argv[2]
    trials = int(sys.argv[3]) if len(sys.argv) > 3 else 10
    run = os.urandom(4).hex()
    a, b = Client(g1, resend=True), Client(g2, resend=True)
    a.register(f"propagation-{run}@example.com", PASSWORD)
    b.cookie = a.cookie
    results = {"revoke": [], "device": [], "logout": []}
    for i in range(trials):
        # revoke: the calling session
        token = a.pair(f"revoke-{i}")
        a.call("GET", "/api/sync/config", token=token)
        b.call("GET", "/api/sync/config", token=token)
        a.call("POST", "/api/sync/revoke", {}, token=token)
        results["revoke"].append(until_refused(b, "/api/sync/config", token=token))
        # device: one device revokes another
        keeper, victim = a.pair(f"keeper-{i}"), a.pair(f"victim-{i}")
        devices = a.call("GET", "/api/devices", token=victim)
        victim_id = next(d["id"] for d in devices if d.get("is_current"))
        a.call("GET", "/api/sync/config", token=victim)
        b.call("GET", "/api/sync/config", token=victim)
        a.call("DELETE", f"/api/devices/{victim_id}", token=keeper)
        results["device"].append(until_refused(b, "/api/sync/config", token=victim))
        a.call("POST", "/api/sync/revoke", {}, token=keeper)
        # logout: a browser login, used on both gateways
        login = Client(g1, resend=True)
        login.call("POST", "/api/auth/login", {"email": f"propagation-{run}@example.com", "password": PASSWORD},
                   browser=True)
        other = Client(g2, resend=True)
        other.cookie = login.cookie
        login.call("GET", "/api/auth/me", browser=True)
        other.call("GET", "/api/auth/me", browser=True)
        login.call("POST", "/api/auth/logout", {}, browser=True)
        login.cookie = other.cookie  # the browser deletes its cookie; the copy is what an attacker would keep
        results["logout"].append(until_refused(other, "/api/auth/me", browser=True))
        login.close()
        other.close()
    for kind, values in results.items():
        values.sort()
        print(kind, len(values), f"{values[len(values) // 2]:.1f}", f"{values[-1]:.1f}")


if __name__ == "__main__":
    main()
