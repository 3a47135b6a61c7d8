#!/usr/bin/env bash
# Month-report benchmark against a throwaway Redis configured like production (AOF, fsync always): a centre with
# 100,000 calls in a month (one day through the real counting path, the rest as the day-grain state it produces),
# then the month report read from a fresh silo and rendered, and its Excel and CSV written.
# Usage: ops/bench-reports.sh [--calls 100000] [--repeats 20]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"
ensure_packages redis-server redis-tools
ensure_dotnet

work="$(mktemp -d)"
redis_port="$(free_port 6500 6599)"
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --appendonly yes --appendfsync "${HOTLINE_BENCH_FSYNC:-always}" \
  --save "" --daemonize no --logfile "$work/redis.log" &
redis_pid=$!
trap 'redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$redis_pid"; rm -rf "$work"' EXIT
wait_for_redis "$redis_port"

dotnet run --project "$root/tests/HotlineCenter.Benchmarks" -c Release -- --reports --redis "127.0.0.1:$redis_port" "$@"
