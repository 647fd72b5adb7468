#!/usr/bin/env bash
# GC during hashing storms at bin/standalone's default heap (issue 25): the one-JVM server with its default JVM
# options plus -Xlog:gc*, then a sign-up storm (bench/setup.py: register, sign in, claim a pairing, per account,
# in parallel) and a pairing storm (bench/storm.py: every claim runs key custody's Argon2id). Prints the full
# collections, the pauses and their share of wall time, the humongous allocations G1 saw, and the heap's peak.
#
# Usage: bench/gc-storm.sh [accounts] [storm seconds] [jar]   (defaults 100 20, standalone's fat jar)
# Needs PostgreSQL at 127.0.0.1:5432 (user postgres, trust) and python3; the database it makes is dropped.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/harness.sh
harness_init gc-storm
accounts=${1:-100}; secs=${2:-20}
jar=${3:-standalone/target/standalone-0.1.0-SNAPSHOT-fat.jar}
work=$(mktemp -d /tmp/flamingo-gc.XXXXXX)
db=flamingo_gc_$$
dbs=("$db")
trap harness_cleanup EXIT
trap 'exit 130' INT TERM
psql_admin -c "drop database if exists $db with (force)" -c "create database $db"
http=$(free_ports 1)
base="http://127.0.0.1:$http"
log "one JVM ($jar) with the default options and -Xlog:gc*"
# shellcheck disable=SC2086
env FLAMINGO_DB_URL="postgresql://postgres@127.0.0.1:5432/$db" FLAMINGO_JWT_SECRET="$(openssl rand -hex 32)" \
  FLAMINGO_KEK="$(openssl rand -base64 32)" FLAMINGO_SECRETS_DIR="$work/secrets" "${unlimited_rates[@]}" \
  FLAMINGO_HTTP_PORT="$http" FLAMINGO_PUBLIC_URL="$base" \
  java $standalone_java_opts "-Xlog:gc*,gc+humongous=debug:file=$work/gc.log:uptime" -jar "$jar" > "$work/server.log" 2>&1 &
pid[server]=$!
await "$base/health/ready" 120 "${pid[server]}"
mark() { wc -l < "$work/gc.log"; }
figures() {  # figures FROM_LINE SECONDS LABEL: what the GC log says after line FROM_LINE
  tail -n +"$(( $1 + 1 ))" "$work/gc.log" | python3 -c '
import re, sys
text = sys.stdin.read()
secs, label = float(sys.argv[1]), sys.argv[2]
pauses = [float(m) for m in re.findall(r"GC\(\d+\) Pause .* (\d+\.\d+)ms$", text, re.M)]
full = len(re.findall(r"GC\(\d+\) Pause Full .*ms$", text, re.M))
humongous = [int(m) for m in re.findall(r"Humongous regions: \d+->(\d+)", text)]
heap = [int(m) for m in re.findall(r"Pause .*->(\d+)M\(\d+M\)", text)]
print(f"{label}: {full} full GCs, {len(pauses)} pauses, {sum(pauses):.0f} ms paused ({100 * sum(pauses) / 1000 / secs:.2f} % of {secs:.0f} s), "
      f"longest {max(pauses, default=0):.0f} ms, humongous regions after GC up to {max(humongous, default=0)}, "
      f"heap after GC up to {max(heap, default=0)} MiB")
' "$2" "$3"
}
m0=$(mark); t=$(date +%s)
log "sign-up storm: $accounts accounts (register, sign in, pair a device, store a key, five blobs each)"
python3 bench/setup.py "$base" "$accounts" "$work/tokens"
figures "$m0" "$(( $(date +%s) - t ))" "sign-ups"
m1=$(mark); t=$(date +%s)
log "pairing storm: ${secs}s, $(( $(nproc) * 2 )) in parallel"
python3 bench/storm.py "$base" "$secs" "$(( $(nproc) * 2 ))" "${pid[server]}"
figures "$m1" "$(( $(date +%s) - t ))" "pairing storm"
figures 0 "$(( $(date +%s) - t0 ))" "whole run"
