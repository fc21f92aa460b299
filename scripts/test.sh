#!/usr/bin/env bash
# The one test command: installs dependencies, starts Kafka and Redis and a real Kubernetes control plane
# (scripts/kube.sh: built from the Go module proxy once, ~10 min cold on 2 cores, seconds when cached),
# type-checks, lints, runs every test.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KH_ROOT"
kh_ensure_deps
kh_start_services
bash scripts/kube.sh start
source .run/kube.env
echo "[kube-herald] type-check"; tsc -b
echo "[kube-herald] lint"; eslint . && prettier --check . >/dev/null
bash scripts/run-tests.sh "$@"
