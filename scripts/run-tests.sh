#!/usr/bin/env bash
# Runs the node:test suites (services must already be started; see scripts/services.sh).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KH_ROOT"
export PATH="$KH_ROOT/node_modules/.bin:$PATH"
[ -f .run/services.env ] && source .run/services.env
# The real control plane of scripts/kube.sh (libs/cluster-tests fail without it).
[ -f .run/kube.env ] && source .run/kube.env
mkdir -p artifacts
if [ "$#" -gt 0 ]; then files=("$@"); else
  shopt -s nullglob
  files=(libs/*/test/*.test.ts services/*/test/*.test.ts bench/test/*.test.ts)
fi
if [ "${#files[@]}" -eq 0 ]; then echo "no test files found" >&2; exit 1; fi
exec node --conditions=source --import tsx --test --test-timeout=600000 --test-concurrency=1 \
  --test-reporter=spec "${files[@]}"
