#!/usr/bin/env bash
# A real Kubernetes control plane for tests, on 127.0.0.1 only, no Docker:
#   etcd v3.6.16, kube-apiserver / kube-scheduler / kube-controller-manager v1.35.4 and kwok v0.7.0
#   (fake Nodes whose Pods reach Running), built from the Go module proxy with `go` once.
# k8s.io/kubernetes cannot be `go install`ed (its go.mod replaces the staging modules with ./staging/…), so
# the build goes through a wrapper module that requires it and replaces every staging module with its
# v0.35.4 release (../shared/KUBE-API.md). Binaries: .cache/kube/<versions>/bin; Go module and build caches:
# .cache/go/ (a second build on the same machine takes seconds). State, certificates and data: .run/kube/;
# logs: .run/logs/kube-*.log; addresses, admin token and kubeconfig: .run/kube.env.
#
# Usage: bash scripts/kube.sh <command>
#   build                      build (or find cached) binaries
#   start                      build if needed, start everything, write .run/kube.env
#   stop | status | clean      stop all | show pids | stop and delete .run/kube
#   restart-apiserver [SIG]    stop the API server with SIG (TERM default, KILL for kill -9) and start it
#   stop-apiserver [SIG] | start-apiserver
#   compact [REV]              compact etcd (physical) at REV, default its current revision
#   revision                   print etcd's current revision
# Environment: KH_KUBE_TIMEOUT (readiness wait in seconds, default 60).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/lib.sh"
cd "$KH_ROOT"

K8S_VERSION=v1.35.4
STAGING_VERSION=v0.35.4
ETCD_VERSION=v3.6.16
KWOK_VERSION=v0.7.0
RUN="$KH_ROOT/.run"
KRUN="$RUN/kube"
LOGS="$RUN/logs"
CACHE="$KH_ROOT/.cache"
BIN="$CACHE/kube/k8s-$K8S_VERSION-etcd-$ETCD_VERSION-kwok-$KWOK_VERSION/bin"
TIMEOUT="${KH_KUBE_TIMEOUT:-60}"

say() { echo "[kube] $*" >&2; }
die() { echo "[kube] ERROR: $*" >&2; exit 1; }

go_env() {
  command -v go >/dev/null 2>&1 || PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null 2>&1 || die "go not found: Go 1.26 is needed once to build the control plane"
  export GOPATH="$CACHE/go/path" GOMODCACHE="$CACHE/go/mod" GOCACHE="$CACHE/go/build"
  export CGO_ENABLED=0 GOFLAGS=-mod=mod GOTOOLCHAIN=local
  mkdir -p "$GOPATH" "$GOMODCACHE" "$GOCACHE"
}

version_ldflags() {
  local f="-s -w" p
  for p in k8s.io/component-base/version k8s.io/client-go/pkg/version; do
    f+=" -X $p.gitVersion=$K8S_VERSION -X $p.gitMajor=1 -X $p.gitMinor=35 -X $p.gitTreeState=clean"
  done
  echo "$f"
}

# The wrapper module: requires k8s.io/kubernetes and replaces each ./staging/… module with its release.
build_kubernetes() {
  local src="$CACHE/kube/src-k8s-$K8S_VERSION" gomod mods m
  mkdir -p "$src"
  if [ ! -f "$src/go.mod" ]; then
    (cd "$src" && go mod init kube-herald.local/kube-build >/dev/null 2>&1)
    gomod="$(cd "$src" && go mod download -json "k8s.io/kubernetes@$K8S_VERSION" | sed -n 's/.*"GoMod": "\(.*\)",*/\1/p')"
    [ -f "$gomod" ] || die "could not download k8s.io/kubernetes@$K8S_VERSION's go.mod"
    mods="$(sed -n 's#^[[:space:]]*\(k8s.io/[^ ]*\) => ./staging/.*#\1#p' "$gomod")"
    [ -n "$mods" ] || die "no ./staging replaces found in $gomod"
    for m in $mods; do (cd "$src" && go mod edit "-replace=$m=$m@$STAGING_VERSION"); done
    cat >"$src/tools.go" <<'EOF'
//go:build tools

package tools

import (
	_ "k8s.io/kubernetes/cmd/kube-apiserver"
	_ "k8s.io/kubernetes/cmd/kube-controller-manager"
	_ "k8s.io/kubernetes/cmd/kube-scheduler"
)
EOF
    (cd "$src" && go get "k8s.io/kubernetes@$K8S_VERSION" >&2 && go mod tidy -e >&2) ||
      { rm -f "$src/go.mod"; die "go get k8s.io/kubernetes@$K8S_VERSION failed"; }
  fi
  for m in kube-apiserver kube-scheduler kube-controller-manager; do
    [ -x "$BIN/$m" ] && continue
    say "building $m $K8S_VERSION"
    (cd "$src" && go build -trimpath -ldflags "$(version_ldflags)" -o "$BIN/$m.tmp" "k8s.io/kubernetes/cmd/$m") ||
      die "building $m failed"
    mv "$BIN/$m.tmp" "$BIN/$m"
  done
}

build_etcd() {
  local src="$CACHE/kube/src-etcd-$ETCD_VERSION"
  [ -x "$BIN/etcd" ] && return 0
  mkdir -p "$src"
  if [ ! -f "$src/go.mod" ]; then
    (cd "$src" && go mod init kube-herald.local/etcd-build >/dev/null 2>&1)
    (cd "$src" && go get "go.etcd.io/etcd/server/v3@$ETCD_VERSION" >&2) ||
      { rm -f "$src/go.mod"; die "go get go.etcd.io/etcd/server/v3@$ETCD_VERSION failed"; }
  fi
  say "building etcd $ETCD_VERSION"
  (cd "$src" && go build -trimpath -ldflags "-s -w" -o "$BIN/etcd.tmp" go.etcd.io/etcd/server/v3) || die "building etcd failed"
  mv "$BIN/etcd.tmp" "$BIN/etcd"
}

build_kwok() {
  [ -x "$BIN/kwok" ] && return 0
  say "building kwok $KWOK_VERSION"
  GOBIN="$BIN/.kwok" go install -trimpath -ldflags "-s -w" "sigs.k8s.io/kwok/cmd/kwok@$KWOK_VERSION" >&2 || die "building kwok failed"
  mv "$BIN/.kwok/kwok" "$BIN/kwok" && rmdir "$BIN/.kwok"
}

cmd_build() {
  local all=1 b
  for b in etcd kube-apiserver kube-scheduler kube-controller-manager kwok; do [ -x "$BIN/$b" ] || all=0; done
  [ "$all" = 1 ] && return 0
  go_env
  mkdir -p "$BIN" "$LOGS"
  exec 8>"$CACHE/kube/.build.lock"
  flock 8
  local t0=$SECONDS
  build_etcd
  build_kubernetes
  build_kwok
  say "binaries ready in ${BIN#"$KH_ROOT"/} ($((SECONDS - t0)) s)"
  flock -u 8
}

# port_open PORT: true when something accepts TCP connections on 127.0.0.1:PORT.
port_open() { (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }
free_ports() { kh_ensure_deps >/dev/null && node "$KH_ROOT/scripts/kafka/freeport.mjs" "$1"; }

# alive NAME: true when the pid in .run/kube/NAME.pid runs and its command line names NAME's binary.
alive() {
  local pidfile="$KRUN/$1.pid" pid
  [ -f "$pidfile" ] || return 1
  pid="$(cat "$pidfile")"
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null && tr '\0' ' ' <"/proc/$pid/cmdline" 2>/dev/null | grep -q -- "$BIN/$1"
}

# stop_one NAME [SIGNAL]: SIGNAL (TERM default), wait up to 30 s, then KILL.
stop_one() {
  local name="$1" sig="${2:-TERM}" pid i
  if ! alive "$name"; then rm -f "$KRUN/$name.pid"; return 0; fi
  pid="$(cat "$KRUN/$name.pid")"
  kill "-$sig" "$pid" 2>/dev/null || true
  for ((i = 0; i < 300; i++)); do
    kill -0 "$pid" 2>/dev/null || break
    sleep 0.1
  done
  if kill -0 "$pid" 2>/dev/null; then
    say "$name (pid $pid) did not stop in 30 s; killing"
    kill -KILL "$pid" 2>/dev/null || true
    sleep 0.3
  fi
  rm -f "$KRUN/$name.pid"
}

# launch NAME ARGS...: starts bin/NAME in the background, its output in .run/logs/kube-NAME.log.
launch() {
  local name="$1"
  shift
  alive "$name" && return 0
  # 8/9 are this script's lock descriptors: a daemon must not hold the lock after the script exits
  setsid "$BIN/$name" "$@" >>"$LOGS/kube-$name.log" 2>&1 </dev/null 8>&- 9>&- &
  echo $! >"$KRUN/$name.pid"
}

port_of() { cat "$KRUN/ports/$1"; }

# The ports are chosen once per .run/kube and kept, so a restarted component comes back on its address.
ensure_ports() {
  local n p
  mkdir -p "$KRUN/ports"
  for n in etcd etcd-peer apiserver scheduler controller-manager kwok; do
    if [ -f "$KRUN/ports/$n" ]; then
      p="$(cat "$KRUN/ports/$n")"
      if alive "${n%-peer}" || ! port_open "$p"; then continue; fi
      say "remembered port $p of $n is busy; choosing another"
    fi
    free_ports 1 >"$KRUN/ports/$n"
  done
}

# One CA (the API server's serving certificate, the client CA, cluster signing), the service account key
# pair and the admin token.
ensure_pki() {
  local pki="$KRUN/pki"
  [ -f "$pki/done" ] && return 0
  rm -rf "$pki" && mkdir -p "$pki"
  (
    cd "$pki"
    openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.crt -days 3650 \
      -subj "/CN=kube-herald-test-ca" -addext "basicConstraints=critical,CA:TRUE" \
      -addext "keyUsage=critical,keyCertSign,cRLSign,digitalSignature"
    openssl req -newkey rsa:2048 -nodes -keyout apiserver.key -out apiserver.csr -subj "/CN=kube-apiserver"
    printf '%s\n' "subjectAltName=IP:127.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,IP:10.0.0.1" \
      "extendedKeyUsage=serverAuth" >apiserver.ext
    openssl x509 -req -in apiserver.csr -CA ca.crt -CAkey ca.key -CAcreateserial -out apiserver.crt \
      -days 3650 -extfile apiserver.ext
    openssl genrsa -out sa.key 2048
    openssl rsa -in sa.key -pubout -out sa.pub
    head -c 24 /dev/urandom | od -An -tx1 | tr -d ' \n' >admin.token
    printf '%s,admin,admin,"system:masters"\n' "$(cat admin.token)" >tokens.csv
    chmod 600 ./*.key admin.token tokens.csv
  ) >>"$LOGS/kube-pki.log" 2>&1 || die "openssl failed (log: .run/logs/kube-pki.log)"
  touch "$pki/done"
}

write_env() {
  local server token
  server="https://127.0.0.1:$(port_of apiserver)"
  token="$(cat "$KRUN/pki/admin.token")"
  printf '%s\n' "apiVersion: v1" "kind: Config" "clusters:" "  - name: kube-herald-test" "    cluster:" \
    "      server: $server" "      certificate-authority: $KRUN/pki/ca.crt" "users:" "  - name: admin" \
    "    user:" "      token: $token" "contexts:" "  - name: kube-herald-test" \
    "    context: { cluster: kube-herald-test, user: admin }" "current-context: kube-herald-test" \
    >"$KRUN/admin.kubeconfig"
  chmod 600 "$KRUN/admin.kubeconfig"
  printf '%s\n' "# Written by scripts/kube.sh start; source it for the tests that need a real control plane." \
    "export KH_KUBE_SERVER=$server" "export KH_KUBE_CA=$KRUN/pki/ca.crt" "export KH_KUBE_TOKEN=$token" \
    "export KH_KUBE_KUBECONFIG=$KRUN/admin.kubeconfig" "export KH_KUBE_ETCD=http://127.0.0.1:$(port_of etcd)" \
    "export KH_KUBE_VERSION=$K8S_VERSION" >"$RUN/kube.env"
  chmod 600 "$RUN/kube.env"
}

# wait_ok NAME URL [CURL ARGS]: until URL answers 2xx (fails at once when NAME's process died).
wait_ok() {
  local name="$1" url="$2" i
  shift 2
  for ((i = 0; i < TIMEOUT * 5; i++)); do
    if curl -fsS -o /dev/null --max-time 2 "$@" "$url" 2>/dev/null; then return 0; fi
    alive "$name" || { tail -n 30 "$LOGS/kube-$name.log" >&2; die "$name exited (log: .run/logs/kube-$name.log)"; }
    sleep 0.2
  done
  tail -n 30 "$LOGS/kube-$name.log" >&2
  die "$name not ready on $url after ${TIMEOUT} s (log: .run/logs/kube-$name.log)"
}

start_etcd() {
  local client="http://127.0.0.1:$(port_of etcd)" peer="http://127.0.0.1:$(port_of etcd-peer)"
  mkdir -p "$KRUN/etcd"
  launch etcd --name kh --data-dir "$KRUN/etcd" --unsafe-no-fsync --log-level warn \
    --listen-client-urls "$client" --advertise-client-urls "$client" \
    --listen-peer-urls "$peer" --initial-advertise-peer-urls "$peer" --initial-cluster "kh=$peer"
  wait_ok etcd "$client/health"
}

cmd_start_apiserver() {
  local pki="$KRUN/pki" port
  port="$(port_of apiserver)"
  launch kube-apiserver --etcd-servers "http://127.0.0.1:$(port_of etcd)" \
    --bind-address 127.0.0.1 --advertise-address 127.0.0.1 --secure-port "$port" --cert-dir "$KRUN/apiserver" \
    --tls-cert-file "$pki/apiserver.crt" --tls-private-key-file "$pki/apiserver.key" \
    --client-ca-file "$pki/ca.crt" --token-auth-file "$pki/tokens.csv" --authorization-mode RBAC \
    --service-account-issuer "https://127.0.0.1:$port" --service-account-key-file "$pki/sa.pub" \
    --service-account-signing-key-file "$pki/sa.key" --service-cluster-ip-range 10.0.0.0/24 \
    --disable-admission-plugins ServiceAccount --endpoint-reconciler-type none --allow-privileged=true
  wait_ok kube-apiserver "https://127.0.0.1:$port/readyz" --cacert "$pki/ca.crt" \
    -H "Authorization: Bearer $(cat "$pki/admin.token")"
}

start_controllers() {
  local kc="$KRUN/admin.kubeconfig" pki="$KRUN/pki"
  local common=(--kubeconfig "$kc" --authentication-kubeconfig "$kc" --authorization-kubeconfig "$kc"
    --bind-address 127.0.0.1 --leader-elect=false)
  launch kube-scheduler "${common[@]}" --secure-port "$(port_of scheduler)"
  launch kube-controller-manager "${common[@]}" --secure-port "$(port_of controller-manager)" \
    --service-account-private-key-file "$pki/sa.key" --root-ca-file "$pki/ca.crt" \
    --cluster-signing-cert-file "$pki/ca.crt" --cluster-signing-key-file "$pki/ca.key" \
    --node-monitor-period 2s --node-monitor-grace-period 20s
  # Manages only Nodes annotated kwok.x-k8s.io/node=fake: removing the annotation stops a Node's
  # heartbeats, and the node-lifecycle controller then marks it NotReady.
  launch kwok --kubeconfig "$kc" --manage-all-nodes=false \
    --manage-nodes-with-annotation-selector kwok.x-k8s.io/node=fake --server-address "127.0.0.1:$(port_of kwok)"
  wait_ok kube-scheduler "https://127.0.0.1:$(port_of scheduler)/healthz" -k
  wait_ok kube-controller-manager "https://127.0.0.1:$(port_of controller-manager)/healthz" -k
  wait_ok kwok "http://127.0.0.1:$(port_of kwok)/healthz"
}

cmd_start() {
  local t0=$SECONDS
  cmd_build
  ensure_ports
  ensure_pki
  write_env
  start_etcd
  cmd_start_apiserver
  start_controllers
  say "control plane ready in $((SECONDS - t0)) s; source .run/kube.env"
}

cmd_stop() {
  local n
  for n in kwok kube-controller-manager kube-scheduler kube-apiserver etcd; do stop_one "$n"; done
}

cmd_status() {
  local rc=0 n
  for n in etcd kube-apiserver kube-scheduler kube-controller-manager kwok; do
    if alive "$n"; then echo "$n: running pid $(cat "$KRUN/$n.pid")"; else
      echo "$n: stopped"
      rc=3
    fi
  done
  return "$rc"
}

# etcd's current revision, through its HTTP gateway.
cmd_revision() {
  local rev
  rev="$(curl -fsS -X POST "http://127.0.0.1:$(port_of etcd)/v3/kv/range" -d '{"key":"AA=="}' |
    sed -n 's/.*"revision":"\([0-9]*\)".*/\1/p')"
  [ -n "$rev" ] || die "could not read etcd's revision"
  echo "$rev"
}

# Physical compaction of etcd at REV (default: the current revision); prints the revision.
cmd_compact() {
  local rev="${1:-}"
  [ -n "$rev" ] || rev="$(cmd_revision)"
  curl -fsS -X POST "http://127.0.0.1:$(port_of etcd)/v3/kv/compaction" \
    -d "{\"revision\":\"$rev\",\"physical\":true}" >/dev/null
  echo "$rev"
}

main() {
  mkdir -p "$RUN" "$LOGS" "$CACHE/kube" "$KRUN"
  # Colleagues share one checkout: one kube.sh start/stop at a time (build has a lock of its own).
  case "${1:-}" in build | status | revision) ;; *)
    exec 9>"$RUN/kube.lock"
    flock -w 300 9 || die "another scripts/kube.sh holds .run/kube.lock for over 300 s"
    ;;
  esac
  case "${1:-}" in
    build) cmd_build ;;
    start) cmd_start ;;
    stop) cmd_stop ;;
    status) cmd_status ;;
    clean) cmd_stop; rm -rf "$KRUN" "$RUN/kube.env" ;;
    stop-apiserver) stop_one kube-apiserver "${2:-TERM}" ;;
    start-apiserver) cmd_start_apiserver ;;
    restart-apiserver) stop_one kube-apiserver "${2:-TERM}"; cmd_start_apiserver ;;
    compact) cmd_compact "${2:-}" ;;
    revision) cmd_revision ;;
    *) die "usage: $0 build|start|stop|status|clean|restart-apiserver [SIG]|stop-apiserver [SIG]|start-apiserver|compact" ;;
  esac
}

main "$@"
