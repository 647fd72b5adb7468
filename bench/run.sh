#!/usr/bin/env bash
# Benchmark: the standalone server under wrk (the sync hot path mix) next to the pgbench baseline of
# ../shared/bench/pgbench, in the same run, and prints both with their ratio and the server's memory.
# Usage: bench/run.sh [seconds] [connections] [accounts]
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-15}; conns=${2:-16}; accounts=${3:-50}
port=18080
work=$(mktemp -d)
pg="postgresql://postgres@127.0.0.1:5432"
psql -q -h 127.0.0.1 -U postgres -c "drop database if exists flamingo_bench with (force)" -c "create database flamingo_bench" postgres
[ -f standalone/target/standalone-0.1.0-SNAPSHOT-fat.jar ] || mvn -B -q -DskipTests package

FLAMINGO_DB_URL="$pg/flamingo_bench" FLAMINGO_HTTP_PORT=$port FLAMINGO_SECRETS_DIR="$work/secrets" \
FLAMINGO_RATE_LIMIT_REGISTER=100000/60 FLAMINGO_RATE_LIMIT_INIT=100000/60 FLAMINGO_RATE_LIMIT_TOKEN=100000/60 \
FLAMINGO_RATE_LIMIT_LOGIN=100000/60 FLAMINGO_LOG_LEVEL=WARN JAVA_OPTS="-Xmx1g" \
  bin/standalone > "$work/server.log" 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true; wait $server 2>/dev/null || true; rm -rf "$work"' EXIT
for _ in $(seq 1 120); do curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null && break; sleep 0.5; done
curl -sf "http://127.0.0.1:$port/health/ready" >/dev/null || { cat "$work/server.log"; exit 1; }

python3 bench/setup.py "http://127.0.0.1:$port" "$accounts" "$work/tokens"
# warm up the JIT, then measure
BENCH_TOKENS="$work/tokens" BENCH_BLOB="$work/tokens.blob" wrk -t2 -c"$conns" -d5s -s bench/mix.lua "http://127.0.0.1:$port" >/dev/null
BENCH_TOKENS="$work/tokens" BENCH_BLOB="$work/tokens.blob" wrk -t2 -c"$conns" -d"${secs}s" --latency -s bench/mix.lua "http://127.0.0.1:$port" > "$work/wrk.txt"; cat "$work/wrk.txt"
rss=$(ps -o rss= -p "$(pgrep -f standalone-0.1.0-SNAPSHOT-fat.jar | head -n 1)")

# the database baseline, same machine, same run
psql -q -h 127.0.0.1 -U postgres -c "drop database if exists flamingo_pgbench with (force)" -c "create database flamingo_pgbench" postgres
psql -q -h 127.0.0.1 -U postgres flamingo_pgbench <<'SQL'
create table blobs(account_id bigint, data_type text, encrypted_blob text not null,
  nonce text not null, version bigint not null, checksum text, blob_size_bytes int,
  updated_at timestamptz not null default now(), primary key(account_id, data_type));
create table sessions(token_hash bytea primary key, account_id bigint not null,
  device_id bigint, expires_at timestamptz, revoked_at timestamptz);
insert into blobs select a, t, repeat(md5(a::text), 128), 'AAAAAAAAAAAAAAAA', 1, 'x', 4096, now()
  from generate_series(1, 10000) a, unnest(array['history','environment','secret','collection','setting']) t;
insert into sessions select sha256(a::text::bytea), a, a, now() + interval '90 days', null from generate_series(1, 10000) a;
analyze;
SQL
b=../shared/bench/pgbench
pgbench -h 127.0.0.1 -U postgres -n -M prepared -c "$conns" -j 2 -T "$secs" \
  -f $b/read.sql@7 -f $b/write.sql@2 -f $b/auth.sql@1 flamingo_pgbench 2>/dev/null | tee "$work/pgbench.txt"
psql -q -h 127.0.0.1 -U postgres -c "drop database if exists flamingo_pgbench with (force)" -c "drop database if exists flamingo_bench with (force)" postgres 2>/dev/null || true

server_rps=$(awk '/Requests\/sec/ {print $2}' "$work/wrk.txt")
pg_tps=$(awk '/^tps/ {print $3; exit}' "$work/pgbench.txt")
echo
echo "== Flamingo Sync bench: ${secs}s, ${conns} connections, ${accounts} accounts =="
echo "server (HTTP, 70/20/10 mix): ${server_rps} req/s"
echo "pgbench baseline (same mix): ${pg_tps} tps"
echo "ratio server/pgbench: $(python3 -c "print(round(${server_rps}/${pg_tps}, 3))")"
echo "server RSS after the run: $((rss / 1024)) MiB"
