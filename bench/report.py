"""Helpers of bench/run.sh: parse wrk/pgbench output, read counters, print the tables, write RESULTS.md.

  report.py wrk FILE...             -> "req/s p50_ms p99_ms requests errors" (several files: one wrk per
                                       gateway; req/s and requests add up, p50/p99 are the worst of them)
  report.py rps FILE...             -> req/s of wrk runs added up
  report.py pgbench FILE            -> "tps latency_avg_ms"
  report.py cpu PID...              -> utime+stime of the processes, in microseconds
  report.py rss PID...              -> VmRSS of the processes together, MiB
  report.py statements URL...       -> "SOURCE COUNT": the Vert.x SQL client's query count summed over the
                                       /metrics pages (every pool of every service: each statement, BEGIN and
                                       COMMIT is one), else flamingo_db_statements_total (every service's own
                                       count, the outbox relays' polling left out), else "none 0"
  report.py memory URL              -> heap, non-heap, metaspace and direct memory the JVM reports
  report.py jfr JSON REQUESTS       -> "bytes_per_request gc_pause_percent pauses full_gcs" from `jfr print --json
                                       --events jdk.ThreadAllocationStatistics,jdk.GarbageCollection` of a
                                       recording (settings=default) that spanned the measured run
  report.py table ROWS META [--write RESULTS.md]
"""
import os, re, sys, urllib.request

UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0, "m": 60000.0}
GEN_BEGIN, GEN_END = "<!-- bench:generated -->", "<!-- /bench:generated -->"


def ms(text):
    m = re.match(r"([\d.]+)(us|ms|s|m)$", text)
    return float(m.group(1)) * UNITS[m.group(2)]


def wrk(paths):
    rps = requests = errors = 0
    p50 = p99 = 0.0
    for path in paths:
        text = open(path).read()
        rps += float(re.search(r"Requests/sec:\s+([\d.]+)", text).group(1))
        requests += int(re.search(r"(\d+) requests in", text).group(1))
        p50 = max(p50, ms(re.search(r"^\s+50%\s+(\S+)", text, re.M).group(1)))
        p99 = max(p99, ms(re.search(r"^\s+99%\s+(\S+)", text, re.M).group(1)))
        bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", text)
        errors += int(bad.group(1)) if bad else 0
        sock = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", text)
        errors += sum(int(x) for x in sock.groups()) if sock else 0
    return f"{rps:.1f} {p50:.2f} {p99:.2f} {requests} {errors}"


def rps(paths):
    total = sum(float(re.search(r"Requests/sec:\s+([\d.]+)", open(p).read()).group(1)) for p in paths)
    return f"{total:.1f}"


def pgbench(path):
    text = open(path).read()
    tps = re.search(r"^tps = ([\d.]+)", text, re.M).group(1)
    lat = re.search(r"^latency average = ([\d.]+) ms", text, re.M)
    return f"{tps} {lat.group(1) if lat else 'nan'}"


def cpu(pids):
    tick = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()
        total += int(fields[11]) + int(fields[12])  # utime, stime (fields 14 and 15 of stat)
    return str(total * 1_000_000 // tick)


def rss(pids):
    kib = 0
    for pid in pids:
        for line in open(f"/proc/{pid}/status"):
            if line.startswith("VmRSS:"):
                kib += int(line.split()[1])
    return str(kib // 1024)


def statements(urls):
    # the SQL client's count first: flamingo_db_statements_total leaves out the outbox relays' polling
    sums = {"vertx_sql_processing_time_seconds_count": 0.0, "flamingo_db_statements_total": 0.0}
    seen = set()
    for url in urls:
        try:
            text = urllib.request.urlopen(url, timeout=10).read().decode()
        except OSError:
            continue
        for line in text.splitlines():
            name = re.split(r"[{ ]", line, 1)[0]
            if name in sums:
                sums[name] += float(line.rsplit(" ", 1)[1])
                seen.add(name)
    for name in sums:
        if name in seen:
            return f"{name} {sums[name]:.0f}"
    return "none 0"


def memory(url):
    """What the JVM says it holds (Micrometer's jvm_* gauges), next to the RSS that the OS sees."""
    text = urllib.request.urlopen(url, timeout=10).read().decode()
    used = {"heap": 0.0, "nonheap": 0.0, "Metaspace": 0.0, "direct": 0.0}
    pauses = pause_s = pause_max = 0.0
    for line in text.splitlines():
        if line.startswith("jvm_gc_pause_seconds_count{"):
            pauses += float(line.rsplit(" ", 1)[1])
        elif line.startswith("jvm_gc_pause_seconds_sum{"):
            pause_s += float(line.rsplit(" ", 1)[1])
        elif line.startswith("jvm_gc_pause_seconds_max{"):
            pause_max = max(pause_max, float(line.rsplit(" ", 1)[1]))
        if line.startswith("jvm_memory_used_bytes{"):
            value = float(line.rsplit(" ", 1)[1])
            used["heap" if 'area="heap"' in line else "nonheap"] += value
            if 'id="Metaspace"' in line:
                used["Metaspace"] += value
        elif line.startswith("jvm_buffer_memory_used_bytes{") and 'id="direct"' in line:
            used["direct"] += float(line.rsplit(" ", 1)[1])
    mib = {k: v / 1048576 for k, v in used.items()}
    return (f"heap used {mib['heap']:.0f} MiB, non-heap {mib['nonheap']:.0f} MiB (metaspace {mib['Metaspace']:.0f}), "
            f"direct buffers {mib['direct']:.0f} MiB; GC since start: {pauses:.0f} pauses, {pause_s * 1000:.0f} ms in all, "
            f"the longest of the last minutes {pause_max * 1000:.0f} ms")


def seconds(iso):
    """An ISO-8601 duration as JFR prints it (PT0.0123S, PT1M2.5S) in seconds."""
    m = re.match(r"PT(?:([\d.]+)H)?(?:([\d.]+)M)?(?:([\d.]+)S)?$", iso)
    h, mi, sec = (float(x) if x else 0.0 for x in m.groups())
    return h * 3600 + mi * 60 + sec


def instant(iso):
    from datetime import datetime
    whole, _, frac = iso.rstrip("Z").partition(".")
    return datetime.fromisoformat(whole).timestamp() + (float("0." + frac) if frac else 0.0)


def jfr_figures(text, requests):
    """Bytes allocated a request: each thread's growth between the recording's first ThreadAllocationStatistics
    (at its start) and its last (at its end); a thread first seen later was born inside the window and counts
    from 0. And the GC pauses' share of that wall time, the pauses and how many were full collections."""
    import json
    samples, pause, pauses, full = {}, 0.0, 0, 0
    for e in json.loads(text)["recording"]["events"]:
        v = e["values"]
        if e["type"] == "jdk.ThreadAllocationStatistics":
            samples.setdefault(v["thread"]["javaThreadId"], []).append((instant(v["startTime"]), v["allocated"]))
        elif e["type"] == "jdk.GarbageCollection":
            pause += seconds(v["sumOfPauses"])
            pauses += 1
            full += 1 if "Full" in v["name"] else 0
    times = [t for s in samples.values() for t, _ in s]
    t0, t1 = (min(times), max(times)) if times else (0.0, 0.0)
    grown = 0
    for s in samples.values():
        s.sort()
        grown += s[-1][1] - (s[0][1] if s[0][0] - t0 < 0.5 else 0)
    share = 100.0 * pause / (t1 - t0) if t1 > t0 else 0.0
    return f"{grown // max(requests, 1)} {share:.2f} {pauses} {full}"


def fmt(value, digits=0):
    if value in (None, "", "-"):
        return "—"
    v = float(value)
    return f"{v:,.{digits}f}"


def table(rows_path, meta_path):
    meta = dict(line.rstrip("\n").split("\t", 1) for line in open(meta_path) if "\t" in line)
    rows = [line.rstrip("\n").split("\t") for line in open(rows_path) if line.strip()]
    by = {r[0]: r for r in rows}

    def f(key, i):
        r = by.get(key)
        return r[i] if r and len(r) > i and r[i] not in ("", "-") else None

    pg = f("pgbench", 2)
    one = f("mix-standalone", 2)
    out = []
    out.append(f"Run: {meta['when']} · `bench/run.sh {meta['args']}` · commit `{meta['commit']}`"
               f"{' (uncommitted changes)' if meta.get('dirty') == 'yes' else ''}")
    out.append(f"Machine: {meta['cores']} cores ({meta['cpu']}), {meta['mem']} memory, {meta['os']}; "
               f"PostgreSQL {meta['pg']}, Java {meta['java']}. Server, wrk and Postgres share the machine.")
    out.append("")
    out.append(f"**The sync hot path** (bench/mix.lua: 70 % GET a 4 KiB blob, 20 % PUT one, 10 % GET config; "
               f"{meta['conns']} connections, {meta['secs']} s, {meta['accounts']} accounts)")
    out.append("")
    out.append("| run | req/s | p50 ms | p99 ms | × pgbench | RSS MiB | CPU µs/req | stmt/req | errors |")
    out.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|")
    labels = [("pgbench", "pgbench, the same mix in SQL (`bench/pgbench`)"),
              ("mix-standalone", "one JVM (`bin/standalone`, access log on)"),
              ("mix-norev", "revisions off (`FLAMINGO_REVISIONS_KEEP=0`)"),
              ("mix-bare", "bare Vert.x (`bench/bare`: the same routes and tables; no bus, metrics or access log)"),
              ("mix-cluster", "cluster: gateway, auth, data, device JVMs, bus on mutual TLS")]
    for key, label in labels:
        r = by.get(key)
        if not r:
            continue
        ratio = f"{float(r[2]) / float(pg):.3f}" if pg and r[2] not in ("", "-") else "—"
        out.append(f"| {label} | {fmt(r[2])} | {fmt(r[3], 2)} | {fmt(r[4], 2)} | {ratio} | {fmt(r[5])} | "
                   f"{fmt(r[6])} | {fmt(r[7], 2) if r[7] not in ('', '-') else 'n/a'} | {r[8] if r[8] else '—'} |")
    cl = f("mix-cluster", 2)
    if one and cl:
        out.append("")
        out.append(f"Cluster ÷ one JVM: **{float(cl) / float(one):.3f}** (target ≥ 0.85, issue 25). "
                   f"One JVM ÷ pgbench: **{float(one) / float(pg):.3f}** (issue 11's 0.60 is beyond any Vert.x server here: "
                   f"the yardstick is the bare server below)." if pg else "")
    bare = f("mix-bare", 2)
    if one and bare:
        out.append("")
        out.append(f"One JVM ÷ bare: {float(one) / float(bare):.2f} (target ≥ 0.85)  ")
        out.append(f"p99 ÷ bare: {float(f('mix-standalone', 4)) / float(f('mix-bare', 4)):.2f} (target ≤ 2)")
    if meta.get("jfr_standalone"):
        b, share, pauses, full = meta["jfr_standalone"].split()
        out.append("")
        out.append(f"One JVM during the mix (JFR, settings=default): {int(b) / 1000:.1f} KB allocated a request; "
                   f"GC pauses {share} % of wall time ({pauses} pauses, {full} full).")
    if meta.get("revisions"):
        out.append("")
        out.append(f"Revisions: {meta['revisions']}")
    if meta.get("revisions_storage"):
        puts, before, after = (int(x) for x in meta["revisions_storage"].split())
        out.append("")
        out.append(f"Revisions' storage: {puts:,} PUTs of a 4 KiB blob (revisions on, the defaults): data-service's "
                   f"tables grew by {(after - before) // 1024:,} KiB (from {before // 1024:,} KiB to {after // 1024:,} KiB; "
                   "`pg_total_relation_size` of every table in its schema).")
    out.append("")
    out.append(f"pgbench's p50/p99 are not measured (it reports an average: {fmt(f('pgbench', 9), 2)} ms; one statement a transaction). "
               "RSS: after the run, of the JVM (cluster: the four JVMs together). CPU µs/req: utime+stime of "
               "the server JVM(s) from /proc during the measured run ÷ requests. stmt/req: "
               + meta.get("stmt_source", "n/a") + ". errors: non-2xx answers and socket errors seen by wrk.")
    out.append("")
    out.append("**Scenarios**")
    out.append("")
    out.append("| scenario | layout | throughput | p50 ms | p99 ms | CPU µs/op | RSS MiB | event loop blocked |")
    out.append("|---|---|--:|--:|--:|--:|--:|--:|")
    for key, scen, layout, unit in [("boot-standalone", "app boot: GET the five types, 4 KiB each", "one JVM", "req/s"),
                                    ("boot-cluster", "app boot: GET the five types, 4 KiB each", "cluster", "req/s"),
                                    ("storm-standalone", f"pairing storm: init → claim → token, {meta['storm_workers']} in parallel", "one JVM", "pairs/s"),
                                    ("storm-cluster", f"pairing storm: init → claim → token, {meta['storm_workers']} in parallel", "cluster", "pairs/s")]:
        r = by.get(key)
        if not r:
            continue
        blocked = r[9] if len(r) > 9 and r[9] else "—"
        errs = f" ({r[8]} errors)" if r[8] not in ("", "0", "-") else ""
        out.append(f"| {scen} | {layout} | {fmt(r[2])} {unit}{errs} | {fmt(r[3], 2)} | {fmt(r[4], 2)} | {fmt(r[6])} | "
                   f"{fmt(r[5])} | {blocked} |")
    out.append("")
    out.append(f"App boot: {meta['conns']} connections for {meta['ssecs']} s; each wrk thread takes an account and GETs "
               "its five types in turn (bench/boot.lua). Pairing storm: bench/storm.py for "
               f"{meta['ssecs']} s, one signed-in browser per worker; p50/p99 of a whole pairing (three requests); "
               "\"event loop blocked\" counts Vert.x's \"has been blocked\" warnings in the server logs of the whole run.")
    out.append("")
    out.append("**Scaling out** (cluster, the same mix and connections, on this machine)")
    out.append("")
    out.append("| gateways × data-services | req/s | p99 ms | × 1 × 1 | errors |")
    out.append("|---|--:|--:|--:|--:|")
    base = f("scale-1x1", 2) or f("mix-cluster", 2)
    for key, label in [("mix-cluster", "1 × 1 (the cluster row above)"), ("scale-2x1", "2 × 1"), ("scale-2x2", "2 × 2"),
                       ("scale-1x2", "1 × 2"), ("scale-1x1", "1 × 1 again, at the end")]:
        r = by.get(key)
        if not r:
            continue
        ratio = f"{float(r[2]) / float(base):.2f}" if base else "—"
        out.append(f"| {label} | {fmt(r[2])} | {fmt(r[4], 2)} | {ratio} | {r[8] if r[8] else '—'} |")
    out.append("")
    out.append(f"In this order: each added or stopped JVM (SIGTERM), a warm-up, then {meta['ssecs']} s. Two gateways: two "
               f"wrk processes, one per gateway, with the {meta['conns']} connections split between them (req/s added, p99 "
               "the worse of the two). × 1 × 1 is against the last row, measured as warm as the others; the first "
               "row is lower when the JVMs were still compiling.")
    props = [(k, meta.get(f"propagation_{k}")) for k in ("revoke", "device", "logout")]
    if any(v for _, v in props):
        out.append("")
        out.append("**Revocation reaching the other gateway** (bench/propagation.py at 2 × 1, both gateways holding the "
                   "token or login in their auth cache; from the first gateway's answer to the second's first 401)")
        out.append("")
        out.append("| what is revoked | trials | p50 ms | max ms |")
        out.append("|---|--:|--:|--:|")
        labels = {"revoke": "the calling session (`POST /api/sync/revoke`)",
                  "device": "another device (`DELETE /api/devices/{id}`: device-service → auth-service)",
                  "logout": "a browser login (`POST /api/auth/logout`)"}
        for k, v in props:
            if v:
                n, p50, mx = v.split()
                out.append(f"| {labels[k]} | {n} | {p50} | {mx} |")
    if any(by.get(k) for k in ("compose-1x1", "compose-2x1", "compose-2x2")):
        out.append("")
        out.append("**The compose stack** (`docker-compose.yml` as deployed: containers on Podman, nginx in front, the "
                   "bus on mutual TLS; the same mix and connections, through nginx)")
        out.append("")
        out.append("| gateways × data-services | req/s | p50 ms | p99 ms | × one JVM | RSS MiB | CPU µs/req | errors |")
        out.append("|---|--:|--:|--:|--:|--:|--:|--:|")
        for key, label in [("compose-1x1", "1 × 1"), ("compose-2x1", "2 × 1"), ("compose-2x2", "2 × 2")]:
            r = by.get(key)
            if not r:
                continue
            ratio = f"{float(r[2]) / float(one):.2f}" if one else "—"
            out.append(f"| {label} | {fmt(r[2])} | {fmt(r[3], 2)} | {fmt(r[4], 2)} | {ratio} | {fmt(r[5])} | "
                       f"{fmt(r[6])} | {r[8] if r[8] else '—'} |")
        out.append("")
        out.append("In this order, scaled up with `docker-compose up --scale`, nginx restarted to resolve the gateways "
                   f"anew, a warm-up, then {meta['ssecs']} s. RSS and CPU: the service JVMs in the containers (not "
                   "PostgreSQL or nginx), from /proc on the host.")
    return "\n".join(out) + "\n"


def write(results_path, generated):
    text = open(results_path).read() if os.path.exists(results_path) else f"{GEN_BEGIN}\n{GEN_END}\n"
    if GEN_BEGIN not in text or GEN_END not in text:
        raise SystemExit(f"{results_path} has no {GEN_BEGIN} … {GEN_END} markers")
    head, rest = text.split(GEN_BEGIN, 1)
    _, tail = rest.split(GEN_END, 1)
    with open(results_path, "w") as f:
        f.write(head + GEN_BEGIN + "\n" + generated + GEN_END + tail)


if __name__ == "__main__":
    cmd, args = sys.argv[1], sys.argv[2:]
    if cmd == "wrk":
        print(wrk(args))
    elif cmd == "rps":
        print(rps(args))
    elif cmd == "pgbench":
        print(pgbench(args[0]))
    elif cmd == "cpu":
        print(cpu(args))
    elif cmd == "rss":
        print(rss(args))
    elif cmd == "memory":
        print(memory(args[0]))
    elif cmd == "statements":
        print(statements(args))
    elif cmd == "jfr":
        print(jfr_figures(open(args[0]).read(), int(args[1])))
    elif cmd == "table":
        generated = table(args[0], args[1])
        print(generated)
        if len(args) > 3 and args[2] == "--write":
            write(args[3], generated)
            print(f"(written to {args[3]})")
    else:
        raise SystemExit(__doc__)
