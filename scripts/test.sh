#!/usr/bin/env bash
# The one test command: installs dependencies, starts Kafka and Redis, type-checks, lints, runs every test.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KH_ROOT"
kh_ensure_deps
kh_start_services
echo "[kube-herald] type-check"; tsc -b
echo "[kube-herald] lint"; eslint . && prettier --check . >/dev/null
bash scripts/run-tests.sh "$@"
