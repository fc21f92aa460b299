#!/usr/bin/env bash
# Real services for tests and the demo, on 127.0.0.1 only, no Docker:
#   - Apache Kafka 4.1.x (KRaft, combined broker+controller) from Maven Central jars, assembled with
#     maven-dependency-plugin 3.8.1 from scripts/kafka/pom.xml into .cache/kafka/<version>/libs.
#     kafkajs 2.2.4 works against it (proved by libs/bus/test/kafka-roundtrip.test.ts).
#   - Debian's redis-server on its own port (appendonly yes, maxmemory-policy noeviction).
# State, ports and data live in .run/ (logs in .run/logs/); both .run/ and .cache/ are git-ignored.
#
# Usage: bash scripts/services.sh <command>
#   start | stop | status | clean        single Kafka + Redis; start writes .run/services.env
#   start-cluster | stop-cluster         3-broker Kafka cluster; writes .run/cluster.env
#   kafka-restart | kafka-kill           graceful restart on the same port | kill -9 the broker
#   redis-restart                        shutdown (AOF kept) and start again on the same port
#   redis-start-replica | redis-promote  a replica of Redis | SIGKILL the primary, promote the replica
#   cluster-kill-broker <n> | cluster-start-broker <n>   n in 1..3 (kill -9 | start again)
# Environment: KH_KAFKA_VERSION (default 4.1.1), KH_KAFKA_PORT / KH_REDIS_PORT (fixed ports; error if busy),
#   KH_SERVICES_TIMEOUT (readiness wait in seconds, default 60 for the single broker, 120 per cluster node).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$KH_ROOT"

KAFKA_VERSION="${KH_KAFKA_VERSION:-4.1.1}"
RUN="$KH_ROOT/.run"
LOGS="$RUN/logs"
KAFKA_LIBS="$KH_ROOT/.cache/kafka/$KAFKA_VERSION/libs"
KAFKA_TPL="$KH_ROOT/scripts/kafka"
TIMEOUT="${KH_SERVICES_TIMEOUT:-60}"
CLUSTER_SIZE=3

say() { echo "[services] $*" >&2; }
die() { echo "[services] ERROR: $*" >&2; exit 1; }

need_node() { kh_ensure_deps >/dev/null || die "Node 24 from node_modules is required (npm ci failed)"; }

need_java() {
  command -v java >/dev/null 2>&1 || die "java not found: install OpenJDK 17 (apt-get install -y openjdk-17-jre-headless)"
  local v; v="$(java -version 2>&1 | sed -n 's/.*version "\([0-9]*\).*/\1/p' | head -1)"
  [ -n "$v" ] && [ "$v" -ge 17 ] || die "Kafka $KAFKA_VERSION needs Java 17+, found: $(java -version 2>&1 | head -1)"
}

ensure_kafka_jars() {
  need_java
  if [ -f "$KAFKA_LIBS/kafka_2.13-$KAFKA_VERSION.jar" ]; then return 0; fi
  command -v mvn >/dev/null 2>&1 || die "mvn not found: needed once to fetch Kafka jars (apt-get install -y maven)"
  say "fetching Kafka $KAFKA_VERSION jars into ${KAFKA_LIBS#"$KH_ROOT"/}"
  mkdir -p "$LOGS" "$KAFKA_LIBS.tmp"
  if ! mvn -B -q -f "$KAFKA_TPL/pom.xml" -Dkafka.version="$KAFKA_VERSION" \
    org.apache.maven.plugins:maven-dependency-plugin:3.8.1:copy-dependencies \
    -DincludeScope=runtime -DoutputDirectory="$KAFKA_LIBS.tmp" >"$LOGS/mvn.log" 2>&1; then
    tail -n 30 "$LOGS/mvn.log" >&2
    rm -rf "$KAFKA_LIBS.tmp"
    rmdir "$(dirname "$KAFKA_LIBS")" 2>/dev/null || true
    die "mvn could not fetch Kafka $KAFKA_VERSION jars (log: .run/logs/mvn.log)"
  fi
  rm -rf "$KAFKA_LIBS" && mv "$KAFKA_LIBS.tmp" "$KAFKA_LIBS"
}

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_ports() { node "$KAFKA_TPL/freeport.mjs" "$1"; }

# alive PIDFILE PATTERN: true when the pid in PIDFILE runs and its command line contains PATTERN.
alive() {
  local pid
  [ -f "$1" ] || return 1
  pid="$(cat "$1")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$2"
}

# stop_pid PIDFILE PATTERN [SIGNAL]: TERM (or SIGNAL), wait up to 30 s, then KILL.
stop_pid() {
  local pidfile="$1" pattern="$2" sig="${3:-TERM}" pid i
  if ! alive "$pidfile" "$pattern"; then rm -f "$pidfile"; return 0; fi
  pid="$(cat "$pidfile")"
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then say "pid $pid did not stop in 30 s; killing"; kill -KILL "$pid" 2>/dev/null || true; sleep 0.5; fi
  rm -f "$pidfile"
}

# choose_port STATEFILE ENVVALUE: prints the port to use (env > remembered if free > new free one).
choose_port() {
  local state="$1" fixed="$2" p
  if [ -n "$fixed" ]; then
    port_open "$fixed" && die "port $fixed is busy (set by environment); free it or unset the variable"
    echo "$fixed"; return
  fi
  if [ -f "$state" ]; then
    p="$(cat "$state")"
    if ! port_open "$p"; then echo "$p"; return; fi
    say "remembered port $p is busy (not ours); choosing another"
  fi
  free_ports 1
}

source "$KH_ROOT/scripts/kafka/kafka.sh"
source "$KH_ROOT/scripts/kafka/redis.sh"

write_services_env() {
  cat >"$RUN/services.env" <<EOF
# Written by scripts/services.sh start; source it before running tests.
export KH_KAFKA_BROKERS=127.0.0.1:$(cat "$RUN/kafka/port")
export KH_KAFKA_SASL_BROKERS=127.0.0.1:$(cat "$RUN/kafka/sasl-port")
export KH_KAFKA_SASL_USERNAME=$KAFKA_SASL_USER
export KH_KAFKA_SASL_PASSWORD=$KAFKA_SASL_PASSWORD
export KH_REDIS_URL=redis://127.0.0.1:$(cat "$RUN/redis/port")
$(redis_replica_alive && echo "export KH_REDIS_REPLICA_URL=redis://127.0.0.1:$(cat "$RUN/redis-replica/port")")
export KH_KAFKA_VERSION=$KAFKA_VERSION
EOF
}

cmd_status() {
  local rc=0 n
  if kafka_alive single; then echo "kafka: running 127.0.0.1:$(cat "$RUN/kafka/port") pid $(cat "$RUN/kafka/pid")"
  else echo "kafka: stopped"; rc=3; fi
  if redis_alive; then echo "redis: running 127.0.0.1:$(cat "$RUN/redis/port") pid $(cat "$RUN/redis/redis.pid")"
  else echo "redis: stopped"; rc=3; fi
  for ((n = 1; n <= CLUSTER_SIZE; n++)); do
    if kafka_alive "$n"; then echo "cluster broker $n: running 127.0.0.1:$(cat "$RUN/cluster/$n/port")"
    elif [ -d "$RUN/cluster/$n" ]; then echo "cluster broker $n: stopped"; fi
  done
  return "$rc"
}

main() {
  mkdir -p "$RUN" "$LOGS"
  local cmd="${1:-}"
  # Colleagues share one checkout: one services.sh at a time.
  exec 9>"$RUN/services.lock"
  flock -w 300 9 || die "another scripts/services.sh holds .run/services.lock for over 300 s"
  case "$cmd" in
    start) need_node; kafka_start single; redis_start; write_services_env; say "ready; source .run/services.env" ;;
    stop) redis_replica_stop; redis_stop; kafka_stop single ;;
    status) cmd_status ;;
    clean) redis_replica_stop; redis_stop; kafka_stop single; cluster_stop; rm -rf "$RUN/kafka" "$RUN/redis" "$RUN/redis-replica" "$RUN/cluster" "$RUN"/*.env ;;
    start-cluster) need_node; cluster_start; say "cluster ready; source .run/cluster.env" ;;
    stop-cluster) cluster_stop ;;
    kafka-restart) need_node; kafka_stop single; kafka_start single restart ;;
    kafka-kill) kafka_stop single KILL ;;
    redis-restart) redis_stop; redis_start restart ;;
    redis-start-replica) redis_replica_start; write_services_env ;;
    redis-promote) redis_promote; write_services_env ;;
    cluster-kill-broker) cluster_node_arg "${2:-}"; kafka_stop "$2" KILL ;;
    cluster-start-broker) need_node; cluster_node_arg "${2:-}"; kafka_start "$2" restart ;;
    *) die "usage: $0 start|stop|status|clean|start-cluster|stop-cluster|kafka-restart|kafka-kill|redis-restart|redis-start-replica|redis-promote|cluster-kill-broker <n>|cluster-start-broker <n>" ;;
  esac
}

main "$@"
