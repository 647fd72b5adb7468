"""The load of bin/upgrade-check: paired devices writing and reading blobs while the cluster is upgraded.

  python3 bin/lib/upgrade_load.py WORKDIR [ACCOUNTS] [DEVICES_PER_ACCOUNT]

WORKDIR/targets holds the gateways' base URLs, one per line (slot 0, slot 1); the check rewrites it when it
swaps a gateway (as a load balancer would drain the old one), and every worker picks the new URL up before
its next request. A 503 is tried again as a client would: after its Retry-After (at most 10 s; 1 s when it
names none), at most RETRIES_503 times; only the last answer counts. Set-up: ACCOUNTS accounts (default 4), each with DEVICES_PER_ACCOUNT devices (default 2)
paired by the real device flow; then WORKDIR/ready is written. Each device is one worker pinned to one
gateway slot, owning one data type of its account (the server's list, GET /api/sync/limits), in a loop: PUT its blob with If-Match: "<version it
last saw>" (a write acknowledged with 200 is recorded with its version and checksum), then GET it (a read
returning no blob, or an older version than the last acknowledged one, counts as a lost write). Every failed request
(a non-200 status after the retries, 412 included, or no answer) is recorded with when it started and ended. When
WORKDIR/stop appears, the workers stop and every acknowledged write is checked: the blob read at the end
has the last acknowledged version and checksum (or a later version, only when the write after it got no
answer and so may have committed).

Then the failures are matched against WORKDIR/windows (lines "NAME START END", epoch seconds: from
starting the new instance to a few seconds after the old one exited): each failure belongs to the swap
window it overlaps; a failure outside every window is an error, and so is a window with more than
BOUND failures (UPGRADE_FAILURE_BOUND, default 20). Never allowed, inside a window or not: a 500 (a fault of the
code: an unavailable peer or database is a 503) and a failed read (a GET answered other than 200/404 after the
retries, or not at all: reads go to another instance; only writes may fail inside a swap window). Prints one line
per window and a summary; exit 0 when nothing was lost, no 500 was answered, no read failed and the failures were
bounded and inside windows, 1 otherwise.
"""
import base64, json, os, sys, threading, time

from flamingo_http import Client, Unreachable, blob_body  # bin/lib, beside this file

work = sys.argv[1]
accounts = int(sys.argv[2]) if len(sys.argv) > 2 else 4
devices = int(sys.argv[3]) if len(sys.argv) > 3 else 2
bound = int(os.environ.get("UPGRADE_FAILURE_BOUND", "20"))
NAME = "upgrade-load"
LOAD_MAX_SECONDS = 1800  # the swaps take minutes; past this bin/upgrade-check has died
RETRIES_503 = 5          # a 503 tried again at most this often (after its Retry-After), as a client would
RETRY_AFTER_MAX = 10


def say(msg):
    print(f"{NAME}: {msg}", flush=True)


def targets():
    with open(os.path.join(work, "targets")) as f:
        return [line.strip() for line in f if line.strip()]


class Worker(threading.Thread):
    def __init__(self, account, device, slot, token, dtype):
        super().__init__(daemon=True)
        self.account, self.device, self.slot, self.token, self.dtype = account, device, slot, token, dtype
        self.http, self.base = None, None
        self.version = None          # the version this worker last saw (None: no blob yet)
        self.acked = None            # (version, checksum) of the last acknowledged write
        self.unknown = []            # checksums of writes after it that got no answer (may have committed)
        self.failures = []           # (start, end, what)
        self.overran = False         # still running past LOAD_MAX_SECONDS: the script that stops it died
        self.writes = self.acks = self.reads = self.lost = 0
        self.errors_500 = []         # (start, what): never allowed
        self.failed_reads = []       # (start, what): never allowed
        self.retried = 0             # 503s tried again
        self.n = 0

    def attempt(self, method, path, data, headers):
        base = targets()[self.slot]
        if base != self.base:        # the gateway of this slot was swapped: talk to the new one
            if self.http:
                self.http.close()
            self.http, self.base = Client(base, timeout=30, retries=0), base
        try:
            answer = self.http.request(method, path, data, token=self.token, headers=headers)
            return answer.status, answer.raw, answer.header("Retry-After")
        except Unreachable as e:
            return None, repr(e).encode(), None

    def request(self, method, path, data=None, headers=None):
        """The last answer (status, body, whether an earlier attempt got a 503): a 503 is tried again after its
        Retry-After, as a client would; no answer at all is not (a write may have applied)."""
        t0, retried = time.time(), False
        for n in range(RETRIES_503 + 1):
            status, raw, after = self.attempt(method, path, data, headers)
            if status == 500:
                self.errors_500.append((t0, f"{method} 500 {raw[:120]!r}"))
            if status != 503 or n == RETRIES_503:
                break
            retried = True
            self.retried += 1
            time.sleep(min(int(after), RETRY_AFTER_MAX) if after and after.isdigit() else 1)
        if method == "GET" and status not in (200, 404):
            self.failed_reads.append((t0, f"GET {status} {raw[:120]!r}"))
        return status, raw, retried

    def fail(self, t0, what):
        self.failures.append((t0, time.time(), what))

    def check(self, status, item):
        """A read after an acknowledged write: the blob is there, at that version or a later one."""
        if self.acked is None:
            return
        v, c = self.acked
        if status == 404 or item["version"] < v or (item["version"] == v and item["checksum"] != c):
            self.lost += 1
            held = "nothing" if status == 404 else f"version {item['version']}"
            say(f"LOST: account {self.account} {self.dtype}: read {held} after version {v} was acknowledged")
            self.acked = None    # counted once; the chain goes on from what the server holds

    def sync_version(self):
        t0 = time.time()
        status, raw, _ = self.request("GET", f"/api/sync/data/{self.dtype}")
        if status in (200, 404):
            item = json.loads(raw)["data"] if status == 200 else None
            self.check(status, item)
            self.version = item["version"] if item else None
            return True
        self.fail(t0, f"GET {status} {raw[:120]!r}")
        return False

    def step(self):
        self.n += 1
        checksum = f"a{self.account}-d{self.device}-{self.n}"
        headers = {} if self.version is None else {"If-Match": f'"{self.version}"'}
        t0 = time.time()
        status, raw, retried = self.request("PUT", f"/api/sync/data/{self.dtype}", blob_body(512, checksum), headers)
        self.writes += 1
        if status == 200:
            v = json.loads(raw)["data"]["version"]
            self.version, self.acked, self.unknown = v, (v, checksum), []
            self.acks += 1
        else:
            self.fail(t0, f"PUT {status} {raw[:120]!r}")
            if status is None or status >= 500 or retried:  # an attempt may have applied before its 503
                self.unknown.append(checksum)
            self.sync_version()
            return
        t0 = time.time()
        status, raw, _ = self.request("GET", f"/api/sync/data/{self.dtype}")
        self.reads += 1
        if status not in (200, 404):
            self.fail(t0, f"GET {status} {raw[:120]!r}")
            return
        if status == 404:
            self.fail(t0, f"GET {status} {raw[:120]!r}")
        self.check(status, json.loads(raw)["data"] if status == 200 else None)

    def run(self):
        deadline = time.time() + LOAD_MAX_SECONDS
        while not os.path.exists(os.path.join(work, "stop")):
            if time.time() > deadline:  # bin/upgrade-check stops the load long before: it must have died
                self.overran = True
                return
            self.step()
            time.sleep(0.05)

    def verify(self):
        """The last acknowledged write is what the server holds (or a later one that got no answer)."""
        if self.acked is None:   # none at all, or the loss was counted already
            return None if self.acks else "no write was acknowledged"
        for _ in range(5):
            status, raw, _ = self.request("GET", f"/api/sync/data/{self.dtype}")
            if status == 200:
                break
            time.sleep(1)
        else:
            return f"final read failed: {status} {raw[:120]!r}"
        item = json.loads(raw)["data"]
        v, c = self.acked
        if item["version"] == v and item["checksum"] == c:
            return None
        if item["version"] > v and item["checksum"] in self.unknown:
            return None
        return f"holds version {item['version']} ({item['checksum']}), acknowledged version {v} ({c})"


def setup():
    gws = targets()
    run = base64.b32encode(os.urandom(5)).decode().lower()
    workers = []
    types = None
    for a in range(accounts):
        c = Client(gws[a % len(gws)], resend=True)
        c.register(f"upgrade-{run}-{a}@example.com", "upgrade load password")
        for d in range(devices):
            token = c.pair(f"upgrade-{a}-{d}")
            if types is None:
                types = c.data_types(token)
                if devices > len(types):
                    raise SystemExit(f"{NAME}: {devices} devices per account, but the server stores {len(types)} types")
            workers.append(Worker(a, d, (a + d) % len(gws), token, types[d]))
        c.close()
    return workers


def main():
    started = time.time()
    workers = setup()
    say(f"{accounts} accounts x {devices} paired devices in {time.time() - started:.1f} s; load running")
    open(os.path.join(work, "ready"), "w").close()
    for w in workers:
        w.start()
    for w in workers:
        w.join()
    ran = time.time() - started
    problems = []
    for w in workers:
        p = w.verify()
        if p:
            problems.append(f"account {w.account} {w.dtype}: {p}")
    lost = sum(w.lost for w in workers) + len(problems)
    windows = []
    wf = os.path.join(work, "windows")
    if os.path.exists(wf):
        with open(wf) as f:
            for line in f:
                name, s, e = line.split()
                windows.append((name, float(s), float(e)))
    failures = sorted((f for w in workers for f in w.failures), key=lambda f: f[0])
    per = {name: 0 for name, _, _ in windows}
    outside = []
    for t0, t1, what in failures:
        hit = next((name for name, s, e in windows if t0 <= e and t1 >= s), None)
        if hit is None:
            outside.append((t0, what))
        else:
            per[hit] += 1
    ok = True
    for name, s, e in windows:
        over = per[name] > bound
        ok &= not over
        say(f"swap {name}: {per[name]} failed requests in its {e - s:.1f} s window (bound {bound})"
            + (" -- OVER THE BOUND" if over else ""))
    for t0, what in outside[:10]:
        say(f"failure outside every swap window at {time.strftime('%H:%M:%S', time.gmtime(t0))}: {what}")
    for p in problems:
        say(f"LOST: {p}")
    errors_500 = sorted(e for w in workers for e in w.errors_500)
    failed_reads = sorted(e for w in workers for e in w.failed_reads)
    for t0, what in errors_500[:10]:
        say(f"500 at {time.strftime('%H:%M:%S', time.gmtime(t0))}: {what}")
    for t0, what in failed_reads[:10]:
        say(f"FAILED READ at {time.strftime('%H:%M:%S', time.gmtime(t0))}: {what}")
    ok &= not errors_500 and not failed_reads
    for t0, _, what in failures[:20]:
        say(f"  failure at {time.strftime('%H:%M:%S', time.gmtime(t0))}.{int(t0 % 1 * 1000):03d}: {what}")
    writes = sum(w.writes for w in workers)
    reads = sum(w.reads for w in workers)
    ok &= lost == 0 and not outside
    if any(w.overran for w in workers):
        ok = False
        say(f"the load was not stopped within {LOAD_MAX_SECONDS} s")
    say(f"{writes} writes ({sum(w.acks for w in workers)} acknowledged; the last one of each of the {len(workers)} "
        f"blobs read back at the end), {reads} reads, {len(failures)} failed requests ({len(outside)} outside swap windows), "
        f"{lost} lost writes, {len(errors_500)} x 500, {len(failed_reads)} failed reads, "
        f"{sum(w.retried for w in workers)} 503s tried again, {ran:.0f} s")
    sys.exit(0 if ok else 1)


main()
