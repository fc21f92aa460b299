# Redis part of scripts/services.sh (sourced; uses its helpers). Debian's redis-server, own port,
# appendonly yes, maxmemory-policy noeviction, daemonized with a pidfile in .run/redis.

redis_alive() { [ -f "$RUN/redis/port" ] && alive "$RUN/redis/redis.pid" "redis-server"; }

need_redis() {
  command -v redis-server >/dev/null 2>&1 && command -v redis-cli >/dev/null 2>&1 && return 0
  say "redis-server not found; installing Debian's redis-server"
  if ! { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq redis-server; } >"$LOGS/apt.log" 2>&1; then
    tail -n 20 "$LOGS/apt.log" >&2
    die "redis-server is missing and 'apt-get install -y redis-server' failed (log: .run/logs/apt.log)"
  fi
  command -v redis-server >/dev/null 2>&1 || die "redis-server still missing after apt-get install"
  # The package may start a system instance on 6379; we never use it (our own port and config below).
}

# redis_start [restart]
redis_start() {
  local mode="${1:-start}" dir="$RUN/redis" port i
  need_redis
  mkdir -p "$dir/data"
  if redis_alive; then say "Redis already running on 127.0.0.1:$(cat "$dir/port")"; return 0; fi
  if [ "$mode" = restart ]; then
    [ -f "$dir/port" ] || die "Redis has no remembered port: use start first"
    port="$(cat "$dir/port")"
    port_open "$port" && die "port $port of Redis is busy (another process holds it); cannot restart on the same port"
  else
    port="$(choose_port "$dir/port" "${KH_REDIS_PORT:-}")"
    echo "$port" >"$dir/port"
  fi
  cat >"$dir/redis.conf" <<EOC
bind 127.0.0.1
port $port
protected-mode yes
daemonize yes
pidfile "$dir/redis.pid"
logfile "$LOGS/redis.log"
dir "$dir/data"
appendonly yes
appendfsync everysec
maxmemory-policy noeviction
save ""
EOC
  rm -f "$dir/redis.pid"
  say "starting Redis on 127.0.0.1:$port"
  redis-server "$dir/redis.conf" >>"$LOGS/redis.log" 2>&1 9>&- || { tail -n 20 "$LOGS/redis.log" >&2; die "redis-server failed to start"; }
  for ((i = 0; i < 100; i++)); do
    [ "$(redis-cli -h 127.0.0.1 -p "$port" ping 2>/dev/null)" = PONG ] && return 0
    sleep 0.1
  done
  tail -n 20 "$LOGS/redis.log" >&2
  die "Redis did not answer PING on 127.0.0.1:$port within 10 s (log: .run/logs/redis.log)"
}

redis_stop() {
  if redis_alive; then say "stopping Redis"; fi
  stop_pid "$RUN/redis/redis.pid" "redis-server" TERM
}

# A replica of the running Redis (.run/redis-replica), for failover tests: redis-start-replica starts it,
# redis-promote kills the primary with SIGKILL, promotes the replica (REPLICAOF NO ONE) and makes it the
# primary of .run/redis (services.env rewritten); redis-start-replica then brings the old one back as replica.
redis_replica_alive() { [ -f "$RUN/redis-replica/port" ] && alive "$RUN/redis-replica/redis.pid" "redis-server"; }

redis_replica_start() {
  local dir="$RUN/redis-replica" port primary i
  need_redis
  redis_alive || die "start Redis first (scripts/services.sh start)"
  if redis_replica_alive; then say "Redis replica already running on 127.0.0.1:$(cat "$dir/port")"; return 0; fi
  primary="$(cat "$RUN/redis/port")"
  mkdir -p "$dir/data"
  port="$(choose_port "$dir/port" "")"
  echo "$port" >"$dir/port"
  sed -e "s/^port .*/port $port/" -e "s#^pidfile .*#pidfile \"$dir/redis.pid\"#" \
    -e "s#^logfile .*#logfile \"$LOGS/redis-replica.log\"#" -e "s#^dir .*#dir \"$dir/data\"#" \
    "$RUN/redis/redis.conf" | grep -v '^replicaof ' >"$dir/redis.conf"
  echo "replicaof 127.0.0.1 $primary" >>"$dir/redis.conf"
  rm -f "$dir/redis.pid"
  say "starting a Redis replica of 127.0.0.1:$primary on 127.0.0.1:$port"
  redis-server "$dir/redis.conf" >>"$LOGS/redis-replica.log" 2>&1 9>&- || die "redis-server (replica) failed to start"
  for ((i = 0; i < 200; i++)); do
    redis-cli -p "$port" info replication 2>/dev/null | grep -q '^master_link_status:up' && return 0
    sleep 0.1
  done
  die "the Redis replica did not sync within 20 s (log: .run/logs/redis-replica.log)"
}

redis_promote() {
  redis_replica_alive || die "no Redis replica running (scripts/services.sh redis-start-replica)"
  local old="$RUN/redis" new="$RUN/redis-replica" port
  port="$(cat "$new/port")"
  if redis_alive; then say "killing the Redis primary (SIGKILL)"; stop_pid "$old/redis.pid" "redis-server" KILL; fi
  redis-cli -p "$port" replicaof no one >/dev/null || die "REPLICAOF NO ONE failed on 127.0.0.1:$port"
  sed -i '/^replicaof /d' "$new/redis.conf"
  rm -rf "$RUN/redis-old" && mv "$old" "$RUN/redis-old" && mv "$new" "$old" && mv "$RUN/redis-old" "$new"
  # the running processes keep their files; only the config of the next start moves with the directory
  sed -i -e "s#^pidfile .*#pidfile \"$old/redis.pid\"#" -e "s#^dir .*#dir \"$old/data\"#" "$old/redis.conf"
  rm -f "$new/redis.pid"
  say "Redis replica promoted: primary now 127.0.0.1:$port (redis-start-replica brings the old one back)"
}

redis_replica_stop() {
  if redis_replica_alive; then say "stopping the Redis replica"; fi
  stop_pid "$RUN/redis-replica/redis.pid" "redis-server" TERM
}
