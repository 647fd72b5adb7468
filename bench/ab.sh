#!/usr/bin/env bash
# A/B of two builds of the one-JVM server on the same data, interleaved (A B B A A B …), for changes to the hot
# path: each round starts a build with bin/standalone's default JVM options, warms it (10 s of the mix), measures
# the mix (bench/mix.lua) with a JFR recording (settings=default: bytes allocated a request, GC pause share) and
# stops it. Prints one line a round and each build's median req/s, p99 and bytes a request.
#
# Usage: bench/ab.sh JAR_A JAR_B [rounds] [seconds] [connections] [accounts]   (defaults 3 10 16 100)
# The accounts are made once, through B. Needs wrk, psql, python3; the database it makes is dropped.
# AB_PROFILE=DIR records with settings=profile instead (CPU samples, allocation by site; throughput drops) and
# keeps each round's recording as DIR/<round>-<A|B>.jfr. AB_WARM=SECONDS sets the warm-up (default 10): the one JVM's
# C2 compiler is still busy 10-30 s into the mix, so a CPU-per-request comparison of the steady state wants AB_WARM=30.
# AB_ENV_A / AB_ENV_B: settings for one side only, e.g. the same jar twice with AB_ENV_A=FLAMINGO_REVISIONS_KEEP=0.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/harness.sh
harness_init ab
jar_a=$(realpath "$1"); jar_b=$(realpath "$2")
rounds=${3:-3}; secs=${4:-10}; conns=${5:-16}; accounts=${6:-100}
work=$(mktemp -d /tmp/flamingo-ab.XXXXXX)
db=flamingo_ab_$$
dbs=("$db")
trap harness_cleanup EXIT
trap 'exit 130' INT TERM
psql_admin -c "drop database if exists $db with (force)" -c "create database $db"
http=$(free_ports 1)
base="http://127.0.0.1:$http"
jwt=$(openssl rand -hex 32); kek=$(openssl rand -base64 32)
tokens=$work/tokens
jfr_settings=default
if [ -n "${AB_PROFILE:-}" ]; then jfr_settings=profile; fi
start() {  # start JAR [NAME=VALUE ...]: extra settings for this side (AB_ENV_A / AB_ENV_B)
  local jar=$1; shift
  # shellcheck disable=SC2086
  env "$@" FLAMINGO_DB_URL="postgresql://postgres@127.0.0.1:5432/$db" FLAMINGO_JWT_SECRET="$jwt" FLAMINGO_KEK="$kek" \
    FLAMINGO_SECRETS_DIR="$work/secrets" "${unlimited_rates[@]}" FLAMINGO_HTTP_PORT="$http" FLAMINGO_PUBLIC_URL="$base" \
    java $standalone_java_opts -jar "$jar" >> "$work/server.log" 2>&1 &
  pid[server]=$!
  await "$base/health/ready" 120 "${pid[server]}"
}
mix() {  # mix SECONDS OUT
  BENCH_TOKENS="$tokens" BENCH_BLOB="$tokens.blob" BENCH_TYPES="$tokens.types" \
    wrk -t2 -c"$conns" -d"$1s" --latency -s bench/mix.lua "$base" > "$2"
}
start "$jar_b"
log "setup: $accounts accounts through B"
python3 bench/setup.py "$base" "$accounts" "$tokens" > /dev/null
stop "${pid[server]}"; unset 'pid[server]'
psql -q -h 127.0.0.1 -U postgres -c "vacuum analyze" "$db"
: > "$work/results"
for r in $(seq 1 "$rounds"); do
  if [ $(( r % 2 )) -eq 1 ]; then order="A B"; else order="B A"; fi
  for which in $order; do
    # shellcheck disable=SC2086
    if [ "$which" = A ]; then start "$jar_a" ${AB_ENV_A:-}; else start "$jar_b" ${AB_ENV_B:-}; fi
    # JFR first, then the warm-up: starting a recording makes the JVM compile its hot code again (a cold start's
    # CPU for the next 15-30 s); the measured one, with the same settings, starts nothing new
    jcmd "${pid[server]}" JFR.start name=warm settings="$jfr_settings" > /dev/null
    mix "${AB_WARM:-10}" "$work/warm.wrk"
    jcmd "${pid[server]}" JFR.start name=ab settings="$jfr_settings" filename="$work/ab.jfr" > /dev/null
    c0=$(python3 bench/report.py cpu "${pid[server]}")
    mix "$secs" "$work/run.wrk"
    c1=$(python3 bench/report.py cpu "${pid[server]}")
    jcmd "${pid[server]}" JFR.stop name=ab > /dev/null
    jcmd "${pid[server]}" JFR.stop name=warm > /dev/null
    read -r rps p50 p99 requests errors < <(python3 bench/report.py wrk "$work/run.wrk")
    jfr print --json --events jdk.ThreadAllocationStatistics,jdk.GarbageCollection "$work/ab.jfr" > "$work/ab.json"
    read -r bytes gc pauses full < <(python3 bench/report.py jfr "$work/ab.json" "$requests")
    if [ -n "${AB_PROFILE:-}" ]; then mkdir -p "$AB_PROFILE"; cp "$work/ab.jfr" "$AB_PROFILE/$r-$which.jfr"; fi
    cpu_req=$(( (c1 - c0) / (requests > 0 ? requests : 1) ))
    printf '%s %s %s %s %s %s %s %s\n' "$which" "$rps" "$p50" "$p99" "$bytes" "$gc" "$cpu_req" "$errors" >> "$work/results"
    log "round $r $which: $rps req/s, p50 $p50 ms, p99 $p99 ms, $bytes B/req, GC $gc %, $cpu_req µs CPU/req, $errors errors"
    stop "${pid[server]}"; unset 'pid[server]'
  done
done
python3 - "$work/results" <<'PY'
import statistics, sys
rows = [l.split() for l in open(sys.argv[1])]
for which in ("A", "B"):
    r = [x for x in rows if x[0] == which]
    med = lambda i: statistics.median(float(x[i]) for x in r)
    print(f"{which}: median {med(1):,.0f} req/s, p99 {med(3):.2f} ms, {med(4):,.0f} B/req, GC {med(5):.2f} %, "
          f"{med(6):.0f} µs CPU/req ({len(r)} rounds)")
PY
