"""Pairing storm: WORKERS parallel pairings (init -> claim with the browser's login cookie -> token), again and
again for SECONDS.  python3 bench/storm.py BASE_URL SECONDS WORKERS [SERVER_PID...]
Each worker first registers an account (its browser login; not timed), then pairs devices to it until the time
is up. Prints "pairs pairs_per_s p50_ms p99_ms errors server_cpu_us" (the CPU the server processes spent
during the timed part, from /proc)."""
import os, sys, threading, time

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bin", "lib"))
from flamingo_http import Client, HttpError, Unreachable  # noqa: E402
from report import cpu  # noqa: E402

base, seconds, workers = sys.argv[1], float(sys.argv[2]), int(sys.argv[3])
pids = sys.argv[4:]
run = os.urandom(4).hex()
clients = [Client(base, resend=True) for _ in range(workers)]
for i, c in enumerate(clients):
    c.register(f"storm-{run}-{i}@example.com", "bench password")
    c.retries = 0  # a 503 while pairing counts as an error, not a retry

latencies, errors, lock = [], [0], threading.Lock()
cpu0 = int(cpu(pids)) if pids else 0
start = time.monotonic()
deadline = start + seconds


def worker(c, i):
    n = 0
    while time.monotonic() < deadline:
        t = time.monotonic()
        try:
            c.pair(f"storm-{i}-{n}")
            with lock:
                latencies.append(time.monotonic() - t)
        except (HttpError, Unreachable, OSError):
            with lock:
                errors[0] += 1
        n += 1


threads = [threading.Thread(target=worker, args=(c, i)) for i, c in enumerate(clients)]
for t in threads:
    t.start()
for t in threads:
    t.join()
elapsed = time.monotonic() - start
cpu_us = int(cpu(pids)) - cpu0 if pids else 0
latencies.sort()


def pct(p):
    return latencies[min(len(latencies) - 1, int(len(latencies) * p))] * 1000 if latencies else float("nan")


print(f"{len(latencies)} {len(latencies) / elapsed:.1f} {pct(0.50):.2f} {pct(0.99):.2f} {errors[0]} {cpu_us}")
