# Shared shell helpers: repository root, project-supplied Node 24 first on PATH.
KH_ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export KH_ROOT
kh_ensure_deps() {
  if [ ! -x "$KH_ROOT/node_modules/.bin/node" ] || [ ! -d "$KH_ROOT/node_modules/tsx" ]; then
    echo "[kube-herald] installing npm dependencies (npm ci)…" >&2
    (cd "$KH_ROOT" && npm ci --no-audit --no-fund) || { echo "[kube-herald] npm ci failed" >&2; return 1; }
  fi
  export PATH="$KH_ROOT/node_modules/.bin:$PATH"
  # kafkajs 2.2.4 schedules a negative timeout on Node >= 24 (tulios/kafkajs#1751, harmless): silence that one warning.
  export NODE_OPTIONS="${NODE_OPTIONS:+$NODE_OPTIONS }--disable-warning=TimeoutNegativeWarning"
  local v; v="$(node --version)"
  case "$v" in v24.*) ;; *) echo "[kube-herald] expected Node 24 from node_modules/.bin, got $v" >&2; return 1;; esac
}
# Starts Kafka and Redis (scripts/services.sh) and exports their addresses from .run/services.env.
kh_start_services() {
  bash "$KH_ROOT/scripts/services.sh" start
  # shellcheck disable=SC1091
  source "$KH_ROOT/.run/services.env"
}
