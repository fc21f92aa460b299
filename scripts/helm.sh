#!/usr/bin/env bash
# Prints the path of a helm binary, building it into .cache/bin once (go install; a few minutes on 2 cores).
# Usage: bash scripts/helm.sh            -> prints the path
#        bash scripts/helm.sh <args...>  -> runs helm with the arguments
set -euo pipefail
source "$(dirname "$0")/lib.sh"
HELM_VERSION="${KH_HELM_VERSION:-v3.21.4}"
# What helm's own Makefile stamps in: its version, and the Kubernetes version of its client-go (v0.36 ->
# 1.36) used by `helm template`/`helm lint` as the default cluster version.
K8S_MINOR=36
BUILD_ID="$HELM_VERSION+k8s1.$K8S_MINOR"
bin_dir="$KH_ROOT/.cache/bin"
helm_bin="$bin_dir/helm"
stamp="$bin_dir/helm.version"

installed_version() { [ -x "$helm_bin" ] && [ -f "$stamp" ] && cat "$stamp"; }
ldflags="-s -w -X helm.sh/helm/v3/internal/version.version=$HELM_VERSION"
for pkg in pkg/lint/rules pkg/chartutil; do
  ldflags+=" -X helm.sh/helm/v3/$pkg.k8sVersionMajor=1 -X helm.sh/helm/v3/$pkg.k8sVersionMinor=$K8S_MINOR"
done

if [ "$(installed_version || true)" != "$BUILD_ID" ]; then
  command -v go >/dev/null 2>&1 || PATH="$PATH:/usr/local/go/bin"
  command -v go >/dev/null 2>&1 || { echo "[kube-herald] go is needed to build helm" >&2; exit 1; }
  mkdir -p "$bin_dir"
  exec 9>"$bin_dir/.helm.lock"
  flock 9
  if [ "$(installed_version || true)" != "$BUILD_ID" ]; then
    echo "[kube-herald] building helm $HELM_VERSION into $bin_dir (go install, once)…" >&2
    GOBIN="$bin_dir" GOFLAGS=-mod=mod CGO_ENABLED=0 \
      go install -ldflags "$ldflags" "helm.sh/helm/v3/cmd/helm@$HELM_VERSION" >&2
    echo "$BUILD_ID" >"$stamp"
  fi
  flock -u 9
fi

if [ "$#" -eq 0 ]; then echo "$helm_bin"; else exec "$helm_bin" "$@"; fi
