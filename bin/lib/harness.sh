# The harness of the scripts that start Flamingo Sync nodes on this machine (bench/run.sh, bin/upgrade-check):
#   . bin/lib/harness.sh; harness_init NAME   (from the repository root, after `set -euo pipefail`)
# then: log, psql_admin, free_ports N, await URL SECONDS [PID], start_jar KEY JAR [VAR=VALUE...], stop PID,
# and `trap harness_cleanup EXIT`. The caller fills pid[KEY] (start_jar does), dbs (databases dropped at the
# end) and work (a temporary directory, removed at the end; node logs are $work/KEY.log); node_env (an array)
# node_opts (JVM options, a string) and node_flags (an array) are what start_jar passes to every node. An optional function on_cleanup RC
# runs at the end, after the processes stopped and before $work is removed.

# Hazelcast's flags for a JVM that does not start from our fat jars' manifest (which carries them since the
# shade plugin's Add-Opens): -cp launches, and the jars of a release built before that.
hazelcast_opens=(--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED
  --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED
  --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED
  -Dhazelcast.logging.type=slf4j -Dvertx.logger-delegate-factory-class-name=io.vertx.core.logging.SLF4JLogDelegateFactory)
# bin/standalone's JVM defaults, read off the script itself (the one place they are written): the one JVM of the
# bench scripts runs as a newcomer's would
standalone_java_opts=$(sed -n 's/^default_java_opts="\(.*\)"$/\1/p' bin/standalone)
[ -n "$standalone_java_opts" ] || { echo "harness: no default_java_opts line in bin/standalone" >&2; exit 2; }
# the rate limits out of the way: the scripts register and pair many accounts from one address
unlimited_rates=(FLAMINGO_RATE_LIMIT_REGISTER=1000000/60 FLAMINGO_RATE_LIMIT_INIT=1000000/60
  FLAMINGO_RATE_LIMIT_TOKEN=1000000/60 FLAMINGO_RATE_LIMIT_LOGIN=1000000/60 FLAMINGO_RATE_LIMIT_LOGIN_EMAIL=1000000/60)

harness_init() {  # harness_init NAME [LOG_PREFIX]: the name in error lines; LOG_PREFIX starts every log line
  me=$1
  log_prefix=${2:-}
  t0=$(date +%s)
  declare -gA pid=()
  dbs=()
  work=
  node_env=()
  node_opts=
  node_flags=()
  stop_grace=${stop_grace:-30}
  stopped_rc=0
}

log() { printf '%s[%4ss] %s\n' "$log_prefix" "$(( $(date +%s) - t0 ))" "$*"; }

psql_admin() { PGOPTIONS="-c client_min_messages=warning" psql -q -h 127.0.0.1 -U postgres -v ON_ERROR_STOP=1 "$@" postgres; }

stop() {  # stop PID: SIGTERM, up to $stop_grace seconds to finish, then SIGKILL; its exit status in stopped_rc
  local p=$1
  stopped_rc=0
  kill "$p" 2>/dev/null || return 0
  for _ in $(seq 1 $(( stop_grace * 2 ))); do kill -0 "$p" 2>/dev/null || break; sleep 0.5; done
  kill -9 "$p" 2>/dev/null || true
  wait "$p" 2>/dev/null || stopped_rc=$?
  return 0
}

harness_cleanup() {  # the EXIT trap: every process in pid[] stopped, every database in dbs dropped, $work removed
  local rc=$? p d f
  trap - EXIT INT TERM
  set +e   # clean up everything, whatever fails here
  for p in "${pid[@]}"; do kill "$p" 2>/dev/null; done
  for p in "${pid[@]}"; do stop "$p"; done
  jobs -p | while read -r p; do kill "$p" 2>/dev/null; done
  for d in "${dbs[@]}"; do psql_admin -c "drop database if exists $d with (force)" 2>/dev/null; done
  if [ "$rc" -ne 0 ] && [ "$rc" -ne 2 ] && [ -n "$work" ]; then
    echo "$me: failed (exit $rc); the last lines of the logs:" >&2
    for f in "$work"/*.log; do [ -f "$f" ] && { echo "== $f" >&2; grep -v '^\s*at ' "$f" | tail -n 12 >&2; }; done
  fi
  declare -F on_cleanup >/dev/null && on_cleanup "$rc"
  [ -n "$work" ] && rm -rf "$work"
  exit "$rc"
}

await() {  # await URL SECONDS [PID]: until URL answers 2xx; fails early if PID died
  local url=$1 limit=$2 p=${3:-}
  for _ in $(seq 1 $(( limit * 2 ))); do
    curl -sf -o /dev/null "$url" && return 0
    if [ -n "$p" ] && ! kill -0 "$p" 2>/dev/null; then echo "$me: process $p died while waiting for $url" >&2; return 1; fi
    sleep 0.5
  done
  echo "$me: $url not up after $limit s" >&2
  return 1
}

free_ports() {  # free_ports N: N ports that are free now and below the ephemeral range, which outgoing connections draw from
  python3 -c '
import random, socket, sys
low = int(open("/proc/sys/net/ipv4/ip_local_port_range").read().split()[0])
ports, port = [], random.randrange(10000, max(10001, low - 2000))
while len(ports) < int(sys.argv[1]) and port < low:
    s = socket.socket()
    try:
        s.bind(("127.0.0.1", port)); ports.append(port)
    except OSError:
        pass
    finally:
        s.close()
    port += 1
print(" ".join(map(str, ports)))' "$1"; }

start_jar() {  # start_jar KEY JAR [VAR=VALUE...]: java -jar JAR with node_env, the VARs and node_opts; log $work/KEY.log
  local key=$1 jar=$2; shift 2
  # shellcheck disable=SC2086
  env "${node_env[@]}" "$@" java $node_opts "${node_flags[@]}" -jar "$jar" > "$work/$key.log" 2>&1 &
  pid[$key]=$!
}
