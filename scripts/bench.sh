#!/usr/bin/env bash
# Benchmarks (BENCHMARKS.md) on a PRIVATE Kafka and Redis started under .run/bench/.
# Usage: bash scripts/bench.sh <collector|collector-rates|notifier|e2e|storm|all> [--sizes 1000,10000,100000] [--runs 3]
#          [--e2e-events 120 --e2e-rate 2] [--storm-events 100000 --storm-seconds 300]
#          collector-rates: [--idle-seconds 60] [--rate 500] [--rate-seconds 40] [--publish-linger <ms>] [--enrich-pods 500] [--watched-pods 10000]
# Fetches once: the broker jars (scripts/services.sh) and kafka-tools (ProducerPerformance) into .cache/.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KH_ROOT"
kh_ensure_deps
KAFKA_VERSION="${KH_KAFKA_VERSION:-4.1.1}"
[ -d ".cache/kafka/$KAFKA_VERSION/libs" ] || bash scripts/services.sh start
TOOLS=".cache/kafka-tools/$KAFKA_VERSION/libs"
if [ ! -f "$TOOLS/kafka-tools-$KAFKA_VERSION.jar" ]; then
  echo "[bench] fetching kafka-tools $KAFKA_VERSION into $TOOLS" >&2
  rm -rf "$TOOLS.tmp" && mkdir -p "$TOOLS.tmp"
  mvn -B -q -f bench/kafka-tools/pom.xml -Dkafka.version="$KAFKA_VERSION" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KH_ROOT/$TOOLS.tmp" >&2
  rm -rf "$TOOLS" && mv "$TOOLS.tmp" "$TOOLS"
fi
# The measured services run compiled (dist/), as in the image.
tsc -b services/collector services/notifier bench
exec node --conditions=source --import tsx bench/src/bench/main.ts "$@"
