#!/usr/bin/env bash
# The cost of mutual TLS on the clustered event bus: bench/bus-tls.sh [requests]
# Two clustered nodes in one JVM on loopback, 4 KiB request/reply, plain bus vs mutual TLS.
set -euo pipefail
cd "$(dirname "$0")/.."
cpfile=$(mktemp)
trap 'rm -f "$cpfile"' EXIT
# in one reactor, so that the sibling modules resolve to their target/classes (standalone is written last)
mvn -B -q -pl standalone -am test-compile dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$cpfile" -Dmdep.includeScope=test
cp=$(cat "$cpfile")
opens="--add-modules java.se --add-exports java.base/jdk.internal.ref=ALL-UNNAMED --add-opens java.base/java.lang=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED --add-opens java.management/sun.management=ALL-UNNAMED --add-opens jdk.management/com.sun.management.internal=ALL-UNNAMED"
cd standalone
exec java $opens -Xmx512m -Dhazelcast.logging.type=slf4j -Dlogback.configurationFile=/dev/null \
  -cp "target/test-classes:target/classes:$cp" dev.flamingo.sync.standalone.bench.BusTlsBench "$@"
