#!/usr/bin/env bash
# The fault suite (RELIABILITY.md): kills, restarts and outages on a PRIVATE Kafka and Redis started under
# .run/bench/ (never the shared ones of scripts/services.sh), collectors and notifiers as child processes.
# Usage: bash scripts/faults.sh [--short|--long] [--case <name>]... [--tag <t>]   (default --short)
#   --tag names the report artifacts/faults-<mode>-<t>.json (runs of disjoint case sets side by side)
# Needs the Kafka jars once: bash scripts/services.sh start (fetches them into .cache/).
set -euo pipefail
source "$(dirname "$0")/lib.sh"
cd "$KH_ROOT"
kh_ensure_deps
[ -d ".cache/kafka/${KH_KAFKA_VERSION:-4.1.1}/libs" ] || bash scripts/services.sh start
exec node --conditions=source --import tsx bench/src/faults/main.ts "$@"
