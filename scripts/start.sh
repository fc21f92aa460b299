#!/usr/bin/env bash
# The main job: installs what is missing, starts Kafka and Redis, then runs the end-to-end demo
# (three simulated clusters, collectors, notifiers, DingTalk stand-in page) — or a real cluster and
# robot when KUBECONFIG / --kubeconfig and a webhook are configured. Ctrl-C stops everything.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KH_ROOT"
kh_ensure_deps
kh_start_services
exec node --conditions=source --import tsx services/cli/src/entry.ts demo "$@"
