#!/usr/bin/env bash
# Routing benchmark against a throwaway Redis configured like production (AOF, fsync always).
# Usage: ops/bench.sh [--counselors 200] [--rate 50] [--seconds 20] [--warmup 5]
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

dotnet run --project "$root/tests/HotlineCenter.Benchmarks" -c Release -- --redis "127.0.0.1:$redis_port" "$@"
