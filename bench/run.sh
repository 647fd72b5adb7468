#!/usr/bin/env bash
# The Flamingo Sync benchmark, in one go, on one machine:
#   1. pgbench: the sync hot path as SQL (bench/pgbench), the database's own limit;
#   2. the one-JVM server (bin/standalone with its default JVM options, access log on as in production);
#   3. the cluster: gateway, auth-service, data-service, device-service as four JVMs from their fat jars on
#      loopback, the event bus on mutual TLS (bin/cluster-certs);
# each on the same mix (bench/mix.lua) and the same connections; then the app-boot and pairing-storm
# scenarios on both layouts, and the cluster scaled out to 2 gateways and 2 data-services. Prints the tables
# (markdown); --write also puts them into bench/RESULTS.md between its generated-section markers.
#
# Usage: bench/run.sh [--write] [seconds] [connections] [accounts]      (defaults: 20 16 1000)
# Needs wrk, pgbench, psql, curl, openssl, python3, a JDK 17 and Maven (to build the jars if missing), and
# PostgreSQL at 127.0.0.1:5432 (user postgres, trust). Every process it starts is stopped at the end and the
# databases it creates are dropped. Env: BENCH_NODE_JAVA_OPTS (the cluster JVMs' options, default: the same
# as bin/standalone's defaults), JAVA_OPTS (passed to bin/standalone as usual), BENCH_PGBENCH_DIR, BENCH_JFR=DIR
# (a JFR profile of every server JVM during the mix runs, DIR/<run>-<pid>.jfr), BENCH_CLUSTER=no (the one JVM and
# the bare server only: no cluster, scale-out or compose rows), BENCH_COMPOSE=no (no compose rows).
# The one JVM's mix also runs with a JFR recording (settings=default) for bytes allocated a request and the GC
# pauses' share of wall time; then the revisions rows (the mix with FLAMINGO_REVISIONS_KEEP=0, the storage 1,000
# PUTs leave with the defaults; skipped when the server does not know the setting) and the bare Vert.x server
# (bench/bare, built offline, never shipped) on the same data: `One JVM ÷ bare` and `p99 ÷ bare`.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/harness.sh
harness_init bench

write=no
if [ "${1:-}" = "--write" ]; then write=yes; shift; fi
secs=${1:-20}; conns=${2:-16}; accounts=${3:-1000}
ssecs=$(( secs / 2 > 5 ? secs / 2 : 5 ))   # app boot, pairing storm and the scale-out rows
cores=$(nproc)
storm_workers=$(( cores * 2 ))
pgdir=${BENCH_PGBENCH_DIR:-bench/pgbench}
node_opts=${BENCH_NODE_JAVA_OPTS:-$standalone_java_opts}   # the cluster's nodes as the one JVM

for tool in wrk pgbench psql curl openssl python3 java; do
  command -v "$tool" >/dev/null || { echo "bench: $tool is missing (apt-get install wrk postgresql-client postgresql-contrib curl openssl)" >&2; exit 2; }
done
[ -d "$pgdir" ] || { echo "bench: no pgbench scripts in $pgdir (BENCH_PGBENCH_DIR)" >&2; exit 2; }
psql -q -h 127.0.0.1 -U postgres -c "select 1" postgres >/dev/null || { echo "bench: PostgreSQL at 127.0.0.1:5432 (user postgres) does not answer" >&2; exit 2; }

report() { python3 bench/report.py "$@"; }

work=$(mktemp -d /tmp/flamingo-bench.XXXXXX)
db=flamingo_bench_$$
pgdb=flamingo_pgbench_$$
dbs=("$db" "$pgdb")
tokens=$work/tokens   # the accounts' session tokens (and tokens.blob, tokens.types): bench/setup.py writes them, the wrk scripts read them
on_cleanup() {
  if [ "$1" -ne 0 ] && [ -s "${rows:-}" ]; then echo; echo "What was measured before the failure:"; report table "$rows" "$meta" || true; fi
}
trap harness_cleanup EXIT
trap 'exit 130' INT TERM

# The jars: build when missing or older than the sources (as bin/standalone does).
jars=(standalone/target/standalone-0.1.0-SNAPSHOT-fat.jar gateway/target/gateway-0.1.0-SNAPSHOT-fat.jar
  auth-service/target/auth-service-0.1.0-SNAPSHOT-fat.jar data-service/target/data-service-0.1.0-SNAPSHOT-fat.jar
  device-service/target/device-service-0.1.0-SNAPSHOT-fat.jar)
stale=no
for j in "${jars[@]}"; do
  if [ ! -f "$j" ] || [ -n "$(find . -path '*/target' -prune -o \( -name '*.java' -o -name '*.sql' -o -name 'pom.xml' -o -name '*.html' -o -name '*.css' -o -name '*.js' -o -name '*.xml' \) -newer "$j" -print -quit)" ]; then stale=yes; fi
done
if [ "$stale" = yes ]; then log "building the jars (mvn -DskipTests package)"; mvn -B -q -DskipTests package; fi
bare_jar=bench/bare/target/bare.jar   # the yardstick: its own Maven project, outside the reactor
if [ ! -f "$bare_jar" ] || [ -n "$(find bench/bare/src bench/bare/pom.xml -newer "$bare_jar" -print -quit)" ]; then
  log "building the bare server (mvn -o -f bench/bare/pom.xml package)"; mvn -o -B -q -f bench/bare/pom.xml -DskipTests package
fi

# --- run facts
meta=$work/meta.tsv
rows=$work/rows.tsv
: > "$rows"
{
  printf 'when\t%s\n' "$(date -u '+%Y-%m-%d %H:%M UTC')"
  printf 'args\t%s\n' "$secs $conns $accounts"
  printf 'secs\t%s\nssecs\t%s\nconns\t%s\naccounts\t%s\nstorm_workers\t%s\n' "$secs" "$ssecs" "$conns" "$accounts" "$storm_workers"
  printf 'commit\t%s\n' "$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  printf 'dirty\t%s\n' "$([ -n "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] && echo yes || echo no)"
  printf 'cores\t%s\n' "$cores"
  printf 'cpu\t%s\n' "$(awk -F': ' '/^model name/ {print $2; exit}' /proc/cpuinfo)"
  printf 'mem\t%s\n' "$(awk '/^MemTotal/ {printf "%.1f GiB", $2 / 1048576}' /proc/meminfo)"
  printf 'os\t%s\n' "$(. /etc/os-release 2>/dev/null && echo "$PRETTY_NAME" || uname -sr)"
  printf 'pg\t%s\n' "$(psql -h 127.0.0.1 -U postgres -tAc 'show server_version' postgres | awk '{print $1}')"
  printf 'java\t%s\n' "$(java -version 2>&1 | head -n 1 | sed 's/.*version "\([^"]*\)".*/\1/')"
} > "$meta"

# --- measuring: globals server_pids (the server JVMs) and metric_urls (their /metrics pages)
server_pids=()
metric_urls=()
stmt_source=
warm() {  # warm SCRIPT MAX_SECONDS URL...: 5 s rounds (JIT, caches, pools) until req/s moves by less than 10 %
  local script=$1 max=$2; shift 2
  local prev=0 cur=0 round=0
  while [ $(( (round + 1) * 5 )) -le "$max" ]; do
    local i=0 ws=() files=()
    for url in "$@"; do
      BENCH_SEED=$((round * 10 + i + 50)) BENCH_TOKENS="$tokens" BENCH_BLOB="$tokens.blob" BENCH_TYPES="$tokens.types" \
        wrk -t1 -c$(( conns / $# > 0 ? conns / $# : 1 )) -d5s -s "bench/$script" "$url" > "$work/warm.$i.wrk" &
      ws+=($!); files+=("$work/warm.$i.wrk"); i=$((i + 1))
    done
    wait "${ws[@]}"
    cur=$(report rps "${files[@]}")
    round=$((round + 1))
    python3 -c "import sys; sys.exit(0 if $prev > 0 and abs($cur - $prev) < 0.1 * $prev else 1)" && break
    prev=$cur
  done
  log "warm-up: $(( round * 5 )) s, the last 5 s at $cur req/s"
}
measure() {  # measure KEY SCRIPT SECONDS URL...: one wrk per URL, the connections split between them
  local key=$1 script=$2 dur=$3; shift 3
  local n=$# i=0 ws=() files=()
  local cpu0 st0 cpu1 st1 rps p50 p99 requests errors src
  if [ -n "${BENCH_JFR:-}" ] && [ "${key#mix-}" != "$key" ]; then   # a profile of each JVM during the mix
    mkdir -p "$BENCH_JFR"
    for p in "${server_pids[@]}"; do
      jcmd "$p" JFR.start name=bench duration="${dur}s" settings=profile filename="$(realpath "$BENCH_JFR")/$key-$p.jfr" >/dev/null || true
    done
  fi
  if [ "$key" = mix-standalone ]; then   # bytes allocated a request and GC pauses, at JFR's default (low) overhead
    jcmd "${server_pids[0]}" JFR.start name=alloc settings=default filename="$work/alloc.jfr" >/dev/null || true
  fi
  cpu0=$(report cpu "${server_pids[@]}")
  read -r src st0 < <(report statements "${metric_urls[@]}")
  for url in "$@"; do
    local c=$(( conns / n + (i < conns % n ? 1 : 0) ))
    local t=$(( n == 1 && c >= 2 ? 2 : 1 ))
    BENCH_SEED=$i BENCH_TOKENS="$tokens" BENCH_BLOB="$tokens.blob" BENCH_TYPES="$tokens.types" \
      wrk -t$t -c$c -d"${dur}s" --latency -s "bench/$script" "$url" > "$work/$key.$i.wrk" &
    ws+=($!); files+=("$work/$key.$i.wrk"); i=$((i + 1))
  done
  wait "${ws[@]}"
  cpu1=$(report cpu "${server_pids[@]}")
  read -r src st1 < <(report statements "${metric_urls[@]}")
  read -r rps p50 p99 requests errors < <(report wrk "${files[@]}")
  if [ "$key" = mix-standalone ] && jcmd "${server_pids[0]}" JFR.stop name=alloc >/dev/null 2>&1 \
      && jfr print --json --events jdk.ThreadAllocationStatistics,jdk.GarbageCollection "$work/alloc.jfr" > "$work/alloc.json"; then
    local jfr_figures; jfr_figures=$(report jfr "$work/alloc.json" "$requests")
    printf 'jfr_standalone\t%s\n' "$jfr_figures" >> "$meta"
    log "$key (JFR): bytes allocated a request, GC pause % of wall time, pauses, full GCs: $jfr_figures"
  fi
  local cpu_req stmt_req
  cpu_req=$(python3 -c "print(round(($cpu1 - $cpu0) / max($requests, 1), 1))")
  [ ${#server_pids[@]} -gt 0 ] || cpu_req=-
  if [ "$src" = none ]; then stmt_req=-; else
    stmt_req=$(python3 -c "print(round(($st1 - $st0) / max($requests, 1), 2))")
    [ -n "$stmt_source" ] || stmt_source=$src
  fi
  local rss=-
  [ ${#server_pids[@]} -eq 0 ] || rss=$(report rss "${server_pids[@]}")
  printf '%s\t-\t%s\t%s\t%s\t%s\t%s\t%s\t%s\t\n' "$key" "$rps" "$p50" "$p99" "$rss" \
    "$cpu_req" "$stmt_req" "$errors" >> "$rows"
  log "$key: $rps req/s, p50 $p50 ms, p99 $p99 ms, $requests requests, $errors errors, $cpu_req µs CPU/req, stmt/req $stmt_req"
}
storm() {  # storm KEY URL LOGS...
  local key=$1 url=$2; shift 2
  local pairs pps p50 p99 errors cpu_us blocked
  read -r pairs pps p50 p99 errors cpu_us < <(python3 bench/storm.py "$url" "$ssecs" "$storm_workers" "${server_pids[@]}")
  blocked=$(cat "$@" | grep -c 'has been blocked' || true)
  printf '%s\t-\t%s\t%s\t%s\t%s\t%s\t-\t%s\t%s\n' "$key" "$pps" "$p50" "$p99" "$(report rss "${server_pids[@]}")" \
    "$(python3 -c "print(round($cpu_us / max($pairs, 1)))")" "$errors" "$blocked" >> "$rows"
  log "$key: $pairs pairings, $pps pairs/s, p50 $p50 ms, p99 $p99 ms, $errors errors, blocked-thread warnings $blocked"
}
scenarios() {  # scenarios KEY LABEL WARM_MAX URL LOG...: the mix after a warm-up, app boot, the pairing storm
  local key=$1 label=$2 warm_max=$3 url=$4; shift 4
  log "$label: warm-up (up to $warm_max s), then the mix ${secs}s"
  # the allocation recording's settings on before the warm-up: starting JFR makes the JVM compile its hot code again
  # (15-30 s of a cold start's CPU), which the warm-up then absorbs instead of the measured mix
  if [ "$key" = standalone ]; then jcmd "${server_pids[0]}" JFR.start name=prewarm settings=default >/dev/null || true; fi
  warm mix.lua "$warm_max" "$url"
  measure "mix-$key" mix.lua "$secs" "$url"
  if [ "$key" = standalone ]; then jcmd "${server_pids[0]}" JFR.stop name=prewarm >/dev/null || true; fi
  log "$label: app boot ${ssecs}s"
  measure "boot-$key" boot.lua "$ssecs" "$url"
  log "$label: pairing storm ${ssecs}s, $storm_workers in parallel"
  storm "storm-$key" "$url" "$@"
}
vacuum() { psql -q -h 127.0.0.1 -U postgres -c "vacuum analyze" "$db" 2>/dev/null || true; }

jwt=$(openssl rand -hex 32)
kek=$(openssl rand -base64 32)
common_env=(FLAMINGO_DB_URL="postgresql://postgres@127.0.0.1:5432/$db" FLAMINGO_JWT_SECRET="$jwt" FLAMINGO_KEK="$kek"
  FLAMINGO_SECRETS_DIR="$work/secrets" "${unlimited_rates[@]}")

# ---------------------------------------------------------------- 1. pgbench, the database's limit
log "pgbench: loading 10,000 accounts x 5 blobs of 4 KiB"
psql_admin -c "drop database if exists $pgdb with (force)" -c "create database $pgdb"
psql -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 "$pgdb" <<'SQL'
create table blobs(account_id bigint, data_type text, encrypted_blob text not null,
  nonce text not null, version bigint not null, checksum text, blob_size_bytes int,
  updated_at timestamptz not null default now(), primary key(account_id, data_type));
create table sessions(token_hash bytea primary key, account_id bigint not null,
  device_id bigint, expires_at timestamptz, revoked_at timestamptz);
insert into blobs select a, t, repeat(md5(a::text), 128), 'AAAAAAAAAAAAAAAA', 1, 'x', 4096, now()
  from generate_series(1, 10000) a, unnest(array['history','environment','secret','collection','setting']) t;
insert into sessions select sha256(a::text::bytea), a, a, now() + interval '90 days', null from generate_series(1, 10000) a;
vacuum analyze;
SQL
log "pgbench: ${secs}s at $conns connections"
pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$conns" -j 2 -T "$secs" \
  -f "$pgdir/read.sql@7" -f "$pgdir/write.sql@2" -f "$pgdir/auth.sql@1" "$pgdb" > "$work/pgbench.txt" 2>&1
read -r tps lat < <(report pgbench "$work/pgbench.txt")
printf 'pgbench\t-\t%s\t-\t-\t-\t-\t1\t0\t%s\n' "$tps" "$lat" >> "$rows"
log "pgbench: $tps tps, latency average $lat ms"
psql_admin -c "drop database if exists $pgdb with (force)"

# ---------------------------------------------------------------- 2. the one-JVM server
psql_admin -c "drop database if exists $db with (force)" -c "create database $db"
http=$(free_ports 1)
log "one JVM: starting bin/standalone${JAVA_OPTS:+ (JAVA_OPTS=$JAVA_OPTS)}"
env "${common_env[@]}" FLAMINGO_HTTP_PORT="$http" FLAMINGO_PUBLIC_URL="http://127.0.0.1:$http" \
  bin/standalone > "$work/standalone.log" 2>&1 &
pid[standalone]=$!   # bin/standalone execs java: this is the JVM
base="http://127.0.0.1:$http"
await "$base/health/ready" 120 "${pid[standalone]}"
log "setup: $accounts accounts through the API (register, pair a device, key, five 4 KiB blobs)"
python3 bench/setup.py "$base" "$accounts" "$tokens"
vacuum
server_pids=("${pid[standalone]}")
metric_urls=("$base/metrics")
scenarios standalone "one JVM" 20 "$base" "$work/standalone.log"
log "one JVM: RSS $(report rss "${pid[standalone]}") MiB; $(report memory "$base/metrics" || echo 'no JVM memory metrics')"

# ---------------------------------------------------------------- 2b. revisions on (above) and off; their storage
data_bytes() { psql -h 127.0.0.1 -U postgres -tAc "select coalesce(sum(pg_total_relation_size(c.oid)), 0) from pg_class c
  join pg_namespace n on n.oid = c.relnamespace where n.nspname = 'data' and c.relkind in ('r', 'p')" "$db"; }
if python3 -c 'import sys, zipfile; z = zipfile.ZipFile(sys.argv[1])
sys.exit(0 if any(b"FLAMINGO_REVISIONS_KEEP" in z.read(n) for n in z.namelist() if n.endswith("config/Setting.class")) else 1)' \
    standalone/target/standalone-0.1.0-SNAPSHOT-fat.jar; then
  vacuum
  before=$(data_bytes)
  puts=$(python3 bench/puts.py "$base" "$tokens" 1000)
  vacuum
  after=$(data_bytes)
  printf 'revisions_storage\t%s %s %s\n' "$puts" "$before" "$after" >> "$meta"
  log "revisions: $puts PUTs of a 4 KiB blob with the defaults: data-service's tables $before -> $after bytes"
  stop "${pid[standalone]}"; unset 'pid[standalone]'
  log "revisions off: bin/standalone with FLAMINGO_REVISIONS_KEEP=0, the mix ${secs}s"
  env "${common_env[@]}" FLAMINGO_HTTP_PORT="$http" FLAMINGO_PUBLIC_URL="$base" FLAMINGO_REVISIONS_KEEP=0 \
    bin/standalone > "$work/standalone-norev.log" 2>&1 &
  pid[standalone]=$!
  await "$base/health/ready" 120 "${pid[standalone]}"
  server_pids=("${pid[standalone]}")
  warm mix.lua 20 "$base"
  measure mix-norev mix.lua "$secs" "$base"
else
  printf 'revisions\t%s\n' "skipped: the server does not know FLAMINGO_REVISIONS_KEEP (branch w23/revisions-data not merged)" >> "$meta"
  log "revisions rows skipped: the server does not know FLAMINGO_REVISIONS_KEEP (branch w23/revisions-data not merged)"
fi
stop "${pid[standalone]}"; unset 'pid[standalone]'

# ---------------------------------------------------------------- 2c. the bare Vert.x server on the same data
log "bare: bench/bare on the same database (JAVA options: $node_opts)"
# shellcheck disable=SC2086
BARE_PORT="$http" BARE_DB_URL="postgresql://postgres@127.0.0.1:5432/$db" java $node_opts -jar "$bare_jar" > "$work/bare.log" 2>&1 &
pid[bare]=$!
await_bare() { for _ in $(seq 1 120); do grep -q 'listening' "$work/bare.log" && return 0; sleep 0.5; done; return 1; }
await_bare || { echo "bench: the bare server did not start" >&2; exit 1; }
server_pids=("${pid[bare]}")
metric_urls=()
warm mix.lua 20 "$base"
measure mix-bare mix.lua "$secs" "$base"
stop "${pid[bare]}"; unset 'pid[bare]'
python3 - "$rows" <<'PY'
import sys
by = {r.split("\t")[0]: r.split("\t") for r in open(sys.argv[1]) if r.strip()}
one, bare = by["mix-standalone"], by["mix-bare"]
print(f"One JVM ÷ bare: {float(one[2]) / float(bare[2]):.2f}")
print(f"p99 ÷ bare: {float(one[4]) / float(bare[4]):.2f}")
PY
if [ "${BENCH_CLUSTER:-yes}" = no ]; then
  log "BENCH_CLUSTER=no: no cluster, scale-out or compose rows"
  echo
  if [ "$write" = yes ]; then report table "$rows" "$meta" --write bench/RESULTS.md; else report table "$rows" "$meta"; fi
  exit 0
fi

# ---------------------------------------------------------------- 3. the cluster: four JVMs, bus on mutual TLS
bin/cluster-certs "$work/certs" >/dev/null
rm -f "$work/certs/ca.key"   # as on real nodes
vacuum
read -r hz_auth hz_device hz_data1 hz_data2 hz_gw1 hz_gw2 gw1 gw2 ops_auth ops_data1 ops_data2 ops_device < <(free_ports 12)
members="127.0.0.1:$hz_auth,127.0.0.1:$hz_device,127.0.0.1:$hz_data1,127.0.0.1:$hz_data2,127.0.0.1:$hz_gw1,127.0.0.1:$hz_gw2"
node_env=("${common_env[@]}" FLAMINGO_CLUSTER_NAME="flamingo-bench-$$" FLAMINGO_CLUSTER_HOST=127.0.0.1
  FLAMINGO_CLUSTER_MEMBERS="$members" FLAMINGO_CLUSTER_TLS_DIR="$work/certs")
node() {  # node NAME MODULE VAR=VALUE...
  local name=$1 module=$2; shift 2
  start_jar "$name" "$module/target/$module-0.1.0-SNAPSHOT-fat.jar" "$@"
}
log "cluster: starting auth, device, data, gateway (JAVA options: $node_opts)"
node auth auth-service FLAMINGO_CLUSTER_PORT="$hz_auth" FLAMINGO_OPS_PORT="$ops_auth"
node device device-service FLAMINGO_CLUSTER_PORT="$hz_device" FLAMINGO_OPS_PORT="$ops_device"
node data-1 data-service FLAMINGO_CLUSTER_PORT="$hz_data1" FLAMINGO_OPS_PORT="$ops_data1"
node gateway-1 gateway FLAMINGO_CLUSTER_PORT="$hz_gw1" FLAMINGO_HTTP_PORT="$gw1" FLAMINGO_PUBLIC_URL="http://127.0.0.1:$gw1"
g1="http://127.0.0.1:$gw1"; g2="http://127.0.0.1:$gw2"
await "http://127.0.0.1:$ops_auth/health/ready" 180 "${pid[auth]}"
await "http://127.0.0.1:$ops_data1/health/ready" 180 "${pid[data-1]}"
await "http://127.0.0.1:$ops_device/health/ready" 180 "${pid[device]}"
await "$g1/health/ready" 180 "${pid[gateway-1]}"   # ready: auth, data and device answer
server_pids=("${pid[gateway-1]}" "${pid[auth]}" "${pid[data-1]}" "${pid[device]}")
services_metrics=("http://127.0.0.1:$ops_auth/metrics" "http://127.0.0.1:$ops_data1/metrics" "http://127.0.0.1:$ops_device/metrics")
metric_urls=("$g1/metrics" "${services_metrics[@]}")
scenarios cluster cluster 90 "$g1" "$work"/auth.log "$work"/device.log "$work"/data-1.log "$work"/gateway-1.log
log "cluster: RSS MiB gateway $(report rss "${pid[gateway-1]}"), auth $(report rss "${pid[auth]}"), data $(report rss "${pid[data-1]}"), device $(report rss "${pid[device]}")"

# ---------------------------------------------------------------- 4. scaling out on this machine
log "scale-out: a second gateway"
node gateway-2 gateway FLAMINGO_CLUSTER_PORT="$hz_gw2" FLAMINGO_HTTP_PORT="$gw2" FLAMINGO_PUBLIC_URL="http://127.0.0.1:$gw2"
await "$g2/health/ready" 180 "${pid[gateway-2]}"
server_pids+=("${pid[gateway-2]}")
metric_urls+=("$g2/metrics")
warm mix.lua 15 "$g1" "$g2"
measure scale-2x1 mix.lua "$ssecs" "$g1" "$g2"
log "scale-out: how long a revocation takes to reach the other gateway (bench/propagation.py)"
if python3 bench/propagation.py "$g1" "$g2" 10 > "$work/propagation.out" 2>&1; then
  while read -r kind n p50 max; do printf 'propagation_%s\t%s %s %s\n' "$kind" "$n" "$p50" "$max" >> "$meta"; done < "$work/propagation.out"
  log "propagation (trials, p50 ms, max ms): $(tr '\n' ';' < "$work/propagation.out")"
else
  log "propagation: failed: $(tail -n 1 "$work/propagation.out")"
fi
log "scale-out: a second data-service"
node data-2 data-service FLAMINGO_CLUSTER_PORT="$hz_data2" FLAMINGO_OPS_PORT="$ops_data2"
await "http://127.0.0.1:$ops_data2/health/ready" 180 "${pid[data-2]}"
server_pids+=("${pid[data-2]}")
metric_urls+=("http://127.0.0.1:$ops_data2/metrics")
sleep 2   # its consumers' registrations reach every node
warm mix.lua 15 "$g1" "$g2"
measure scale-2x2 mix.lua "$ssecs" "$g1" "$g2"
log "scale-out: the second gateway stops (SIGTERM)"
stop "${pid[gateway-2]}"; unset 'pid[gateway-2]'
server_pids=("${pid[gateway-1]}" "${pid[auth]}" "${pid[data-1]}" "${pid[device]}" "${pid[data-2]}")
metric_urls=("$g1/metrics" "${services_metrics[@]}" "http://127.0.0.1:$ops_data2/metrics")
warm mix.lua 5 "$g1"
measure scale-1x2 mix.lua "$ssecs" "$g1"
log "scale-out: the second data-service stops (SIGTERM): 1 x 1 again, as warm as the rows before"
stop "${pid[data-2]}"; unset 'pid[data-2]'
server_pids=("${pid[gateway-1]}" "${pid[auth]}" "${pid[data-1]}" "${pid[device]}")
metric_urls=("$g1/metrics" "${services_metrics[@]}")
sleep 2   # its registrations leave every node
warm mix.lua 5 "$g1"
measure scale-1x1 mix.lua "$ssecs" "$g1"

# ---------------------------------------------------------------- 5. the compose stack: containers, through nginx
# docker-compose.yml as deployed (bin/cluster-check --serve: Podman's Docker API with docker-compose, or Docker),
# the same mix through nginx at 1 x 1, 2 x 1 and 2 x 2 (gateways x data-services); BENCH_COMPOSE=no leaves it out.
if [ "${BENCH_COMPOSE:-yes}" = yes ]; then
  log "compose: the cluster's JVMs stop; the compose stack comes up (images from the jars; a few minutes)"
  for n in gateway-1 auth data-1 device; do stop "${pid[$n]}"; unset "pid[$n]"; done
  mkdir -p "$work/compose"
  compose_project=flamingobench$$
  env FLAMINGO_CHECK_PROJECT=$compose_project "${unlimited_rates[@]}" \
    bin/cluster-check --serve "$work/compose" "1x1 2x1 2x2" > "$work/compose.log" 2>&1 &
  pid[compose]=$!
  tokens=$work/compose-tokens
  metric_urls=()
  first=yes
  for scale in 1x1 2x1 2x2; do
    deadline=$(( $(date +%s) + 900 ))
    until [ "$(cut -d' ' -f1 "$work/compose/ready" 2>/dev/null)" = "$scale" ]; do
      kill -0 "${pid[compose]}" 2>/dev/null || { tail -n 20 "$work/compose.log" >&2; echo "bench: the compose stack stopped" >&2; exit 1; }
      [ "$(date +%s)" -lt "$deadline" ] || { echo "bench: the compose stack is not up at $scale after 900 s" >&2; exit 1; }
      sleep 2
    done
    url=$(cut -d' ' -f2 "$work/compose/ready")
    engine=$(cut -d' ' -f3 "$work/compose/ready")   # the engine bin/cluster-check chose (Docker when one answers)
    server_pids=()
    for c in $("$engine" ps -q --filter "label=com.docker.compose.project=$compose_project" 2>/dev/null); do
      case "$("$engine" inspect --format '{{index .Config.Labels "com.docker.compose.service"}}' "$c")" in
        postgres|proxy) ;;
        *) p=$("$engine" inspect --format '{{.State.Pid}}' "$c"); [ -r "/proc/$p/stat" ] && server_pids+=("$p") ;;
      esac
    done
    if [ "$first" = yes ]; then
      log "compose: setup of $accounts accounts through nginx ($url)"
      python3 bench/setup.py "$url" "$accounts" "$tokens"
      first=no
      warm mix.lua 90 "$url"
    else
      warm mix.lua 30 "$url"
    fi
    measure "compose-$scale" mix.lua "$ssecs" "$url"
    touch "$work/compose/done.$scale"
  done
  wait "${pid[compose]}" || true
  unset 'pid[compose]'
fi

# ---------------------------------------------------------------- the tables
case "$stmt_source" in
  vertx_sql_processing_time_seconds_count) s="delta of the Vert.x SQL client's query count (\`vertx_sql_processing_time_seconds_count\`: every pool of every service on every node, each statement, BEGIN and COMMIT one round trip) ÷ requests" ;;
  flamingo_db_statements_total) s="the SQL client's count is absent: delta of \`flamingo_db_statements_total\` (every service's statements but the outbox relays' polling) ÷ requests" ;;
  *) s="n/a (no statement counter on /metrics)" ;;
esac
printf 'stmt_source\t%s\n' "$s" >> "$meta"
log "done in $(( $(date +%s) - t0 )) s"
echo
if [ "$write" = yes ]; then report table "$rows" "$meta" --write bench/RESULTS.md; else report table "$rows" "$meta"; fi
