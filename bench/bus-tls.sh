#!/usr/bin/env bash
# The cost of mutual TLS on the clustered event bus: bench/bus-tls.sh [requests]
# Two clustered nodes in one JVM on loopback, 4 KiB request/reply, plain bus vs mutual TLS.
set -euo pipefail
cd "$(dirname "$0")/.."
. bin/lib/harness.sh   # hazelcast_opens: a -cp launch does not read the jars' manifest
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
# in one reactor, so that the sibling modules resolve to their target/classes (standalone is written last)
mvn -B -q -pl standalone -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test
cp=$(cat "$cpfile")
cd standalone
exec java "${hazelcast_opens[@]}" -Xmx512m -Dlogback.configurationFile=/dev/null \
  -cp "target/test-classes:target/classes:$cp" dev.flamingo.sync.standalone.bench.BusTlsBench "$@"
