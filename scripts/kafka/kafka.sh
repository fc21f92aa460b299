# Kafka part of scripts/services.sh (sourced; uses its helpers). Node "single" is the test broker,
# nodes 1..CLUSTER_SIZE form the failover cluster. Each node's state lives in its own directory.

kafka_dir() { if [ "$1" = single ]; then echo "$RUN/kafka"; else echo "$RUN/cluster/$1"; fi; }
kafka_log() { if [ "$1" = single ]; then echo "$LOGS/kafka.log"; else echo "$LOGS/cluster-$1.log"; fi; }
kafka_pattern() { echo "kafka.Kafka $(kafka_dir "$1")/server.properties"; }
kafka_alive() { alive "$(kafka_dir "$1")/pid" "$(kafka_pattern "$1")"; }

cluster_node_arg() {
  case "$1" in 1 | 2 | 3) ;; *) die "expected a cluster broker number 1..$CLUSTER_SIZE, got '${1:-}'" ;; esac
  [ -f "$RUN/cluster/$1/server.properties" ] || die "cluster broker $1 was never started: run start-cluster first"
}

new_cluster_id() { node -e "process.stdout.write(require('node:crypto').randomBytes(16).toString('base64url'))"; }

# kafka_ports NODE MODE: makes sure DIR/port and DIR/ctrl-port hold usable ports.
kafka_ports() {
  local node="$1" mode="$2" dir p c s
  dir="$(kafka_dir "$node")"
  if [ "$mode" = restart ]; then
    [ -f "$dir/port" ] || die "Kafka node $node has no remembered port: use start first"
    for p in "$(cat "$dir/port")" "$(cat "$dir/ctrl-port")" $(cat "$dir/sasl-port" 2>/dev/null); do
      port_open "$p" && die "port $p of Kafka node $node is busy (another process holds it); cannot restart on the same port"
    done
    return 0
  fi
  p="$(choose_port "$dir/port" "$([ "$node" = single ] && echo "${KH_KAFKA_PORT:-}")")"
  c="$(choose_port "$dir/ctrl-port" "")"
  [ "$p" != "$c" ] || c="$(free_ports 2 | grep -vx "$p" | head -1)"
  echo "$p" >"$dir/port" && echo "$c" >"$dir/ctrl-port"
  # The single broker also listens with SASL/PLAIN (tests of the clients' SASL path).
  if [ "$node" = single ]; then
    s="$(choose_port "$dir/sasl-port" "")"
    [ "$s" != "$p" ] && [ "$s" != "$c" ] || s="$(free_ports 3 | grep -vx "$p" | grep -vx "$c" | head -1)"
    echo "$s" >"$dir/sasl-port"
  fi
}

# Test-only SASL/PLAIN user of the single broker (KH_KAFKA_SASL_* in .run/services.env).
KAFKA_SASL_USER=kh-test
KAFKA_SASL_PASSWORD=kh-test-secret

# kafka_sasl_listener DIR: the single broker's extra SASL_PLAINTEXT listener (later keys win).
kafka_sasl_listener() {
  local p c s
  p="$(cat "$1/port")" c="$(cat "$1/ctrl-port")" s="$(cat "$1/sasl-port")"
  printf '%s\n' \
    "listeners=PLAINTEXT://127.0.0.1:$p,SASL_PLAINTEXT://127.0.0.1:$s,CONTROLLER://127.0.0.1:$c" \
    "advertised.listeners=PLAINTEXT://127.0.0.1:$p,SASL_PLAINTEXT://127.0.0.1:$s" \
    "listener.security.protocol.map=CONTROLLER:PLAINTEXT,PLAINTEXT:PLAINTEXT,SASL_PLAINTEXT:SASL_PLAINTEXT" \
    "sasl.enabled.mechanisms=PLAIN" \
    "listener.name.sasl_plaintext.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required user_$KAFKA_SASL_USER=\"$KAFKA_SASL_PASSWORD\";"
}

# kafka_render NODE VOTERS RF MIN_ISR: writes DIR/server.properties from the template.
kafka_render() {
  local node="$1" dir id
  dir="$(kafka_dir "$node")"
  id="$([ "$node" = single ] && echo 1 || echo "$node")"
  sed -e "s|@NODE_ID@|$id|" -e "s|@VOTERS@|$2|" -e "s|@PORT@|$(cat "$dir/port")|g" \
    -e "s|@CTRL_PORT@|$(cat "$dir/ctrl-port")|g" -e "s|@LOG_DIR@|$dir/data|" -e "s|@RF@|$3|g" \
    -e "s|@MIN_ISR@|$4|g" -e "s|@OFFSETS_PARTITIONS@|12|" "$KAFKA_TPL/server.properties.tmpl" >"$dir/server.properties"
  if [ "$node" = single ]; then kafka_sasl_listener "$dir" >>"$dir/server.properties"; fi
}

kafka_java() { java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 -XX:+ExitOnOutOfMemoryError \
  -Djava.awt.headless=true -Dlog4j2.configurationFile="$KAFKA_TPL/log4j2.xml" -cp "$KAFKA_LIBS/*" "$@"; }

# kafka_format NODE CLUSTER_ID: formats the node's log dir once (kept across restarts).
kafka_format() {
  local dir; dir="$(kafka_dir "$1")"
  [ -f "$dir/data/meta.properties" ] && return 0
  if ! kafka_java kafka.tools.StorageTool format -t "$2" -c "$dir/server.properties" --ignore-formatted \
    >>"$(kafka_log "$1")" 2>&1; then
    tail -n 30 "$(kafka_log "$1")" >&2
    die "formatting the storage of Kafka node $1 failed (log: $(kafka_log "$1"))"
  fi
}

kafka_launch() {
  local node="$1" dir log
  dir="$(kafka_dir "$node")"; log="$(kafka_log "$node")"
  echo "===== start $(date -u +%FT%TZ) port $(cat "$dir/port")" >>"$log"
  KH_KAFKA_LIBS="$KAFKA_LIBS" KH_LOG4J="$KAFKA_TPL/log4j2.xml" setsid bash -c \
    'echo $$ >"$0/pid"; exec java -Xms256m -Xmx512m -XX:+UseG1GC -XX:MaxGCPauseMillis=20 \
      -XX:+ExitOnOutOfMemoryError -Djava.awt.headless=true -Dlog4j2.configurationFile="$KH_LOG4J" \
      -cp "$KH_KAFKA_LIBS/*" kafka.Kafka "$0/server.properties"' "$dir" >>"$log" 2>&1 </dev/null 9>&- &
  local i
  for ((i = 0; i < 50; i++)); do [ -s "$dir/pid" ] && return 0; sleep 0.1; done
  die "Kafka node $node did not start (log: $log)"
}

# kafka_wait NODE BROKERS EXPECTED: waits until the node's port answers and the cluster is described.
kafka_wait() {
  local node="$1" dir log deadline timeout="$TIMEOUT"
  dir="$(kafka_dir "$node")"; log="$(kafka_log "$node")"
  # A cluster elects controllers and moves leaders before it answers: give it twice as long.
  [ "$node" = single ] || timeout="${KH_SERVICES_TIMEOUT:-120}"
  deadline=$((SECONDS + timeout))
  while ((SECONDS < deadline)); do
    if ! kafka_alive "$node"; then
      echo "----- last lines of $log" >&2; tail -n 40 "$log" >&2
      die "Kafka node $node exited during start (see $log)"
    fi
    if port_open "$(cat "$dir/port")" && node --no-warnings "$KAFKA_TPL/ready.mjs" "$2" "$3" 5000 >/dev/null 2>>"$LOGS/ready.log"; then
      return 0
    fi
    sleep 1
  done
  echo "----- last lines of $log" >&2; tail -n 40 "$log" >&2
  # Left running: a slow start (busy machine) may still finish; the next start waits for it again.
  die "Kafka node $node not ready after ${timeout}s (last probe: $(tail -n 1 "$LOGS/ready.log" 2>/dev/null)); still running: run the same command again to keep waiting, or stop it"
}

# kafka_start NODE [restart]
kafka_start() {
  local node="$1" mode="${2:-start}" dir id
  dir="$(kafka_dir "$node")"
  ensure_kafka_jars
  mkdir -p "$dir/data"
  if kafka_alive "$node"; then
    say "Kafka node $node already running on 127.0.0.1:$(cat "$dir/port")"
  else
    kafka_ports "$node" "$mode"
    if [ "$node" = single ]; then
      kafka_render single "1@127.0.0.1:$(cat "$dir/ctrl-port")" 1 1
      [ -f "$dir/cluster-id" ] || new_cluster_id >"$dir/cluster-id"
      kafka_format single "$(cat "$dir/cluster-id")"
    fi
    rm -f "$dir/pid"
    say "starting Kafka $KAFKA_VERSION node $node on 127.0.0.1:$(cat "$dir/port")"
    kafka_launch "$node"
  fi
  if [ "$node" = single ]; then kafka_wait single "127.0.0.1:$(cat "$dir/port")" 1
  else kafka_wait "$node" "127.0.0.1:$(cat "$dir/port")" "$CLUSTER_SIZE"; fi
}

# kafka_stop NODE [SIGNAL]
kafka_stop() {
  local dir; dir="$(kafka_dir "$1")"
  if kafka_alive "$1"; then say "stopping Kafka node $1${2:+ with SIG$2}"; fi
  stop_pid "$dir/pid" "$(kafka_pattern "$1")" "${2:-TERM}"
}

cluster_start() {
  local n voters="" cid all=""
  ensure_kafka_jars
  mkdir -p "$RUN/cluster"
  for ((n = 1; n <= CLUSTER_SIZE; n++)); do
    mkdir -p "$RUN/cluster/$n/data"
    kafka_alive "$n" || kafka_ports "$n" start
    voters="$voters${voters:+,}$n@127.0.0.1:$(cat "$RUN/cluster/$n/ctrl-port")"
    all="$all${all:+,}127.0.0.1:$(cat "$RUN/cluster/$n/port")"
  done
  [ -f "$RUN/cluster/cluster-id" ] || new_cluster_id >"$RUN/cluster/cluster-id"
  cid="$(cat "$RUN/cluster/cluster-id")"
  for ((n = 1; n <= CLUSTER_SIZE; n++)); do
    if kafka_alive "$n"; then say "cluster broker $n already running"; continue; fi
    kafka_render "$n" "$voters" 3 2
    kafka_format "$n" "$cid"
    rm -f "$RUN/cluster/$n/pid"
    say "starting cluster broker $n on 127.0.0.1:$(cat "$RUN/cluster/$n/port")"
    kafka_launch "$n"
  done
  for ((n = 1; n <= CLUSTER_SIZE; n++)); do kafka_wait "$n" "127.0.0.1:$(cat "$RUN/cluster/$n/port")" "$CLUSTER_SIZE"; done
  cat >"$RUN/cluster.env" <<EOC
# Written by scripts/services.sh start-cluster; source it before running failover tests.
export KH_KAFKA_CLUSTER_BROKERS=$all
EOC
}

cluster_stop() {
  local n pid pids=() i
  for ((n = 1; n <= CLUSTER_SIZE; n++)); do
    if kafka_alive "$n"; then pids+=("$(cat "$RUN/cluster/$n/pid")"); kill -TERM "${pids[-1]}" 2>/dev/null || true; fi
  done
  [ "${#pids[@]}" -gt 0 ] && say "stopping ${#pids[@]} cluster broker(s)"
  for ((i = 0; i < 300; i++)); do
    local left=0
    for pid in "${pids[@]}"; do kill -0 "$pid" 2>/dev/null && left=1; done
    [ "$left" = 0 ] && break
    sleep 0.1
  done
  for ((n = 1; n <= CLUSTER_SIZE; n++)); do kafka_stop "$n" KILL; done
  rm -f "$RUN/cluster.env"
}
