#!/usr/bin/env bash
# Crisis-alert benchmark: the same published host as ops/bench-live.sh; 50 wallboards on /hubs/live while general
# calls flow, and a caller pressing "I am in danger" every few seconds. Reports trigger → alert on every wallboard.
# Usage: ops/bench-alerts.sh [--clients 50] [--rate 1] [--seconds 60] [--crisis-every 5]
set -euo pipefail
BENCH_MODE=alerts exec "$(cd "$(dirname "$0")" && pwd)/bench-live.sh" "$@"
