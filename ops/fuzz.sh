#!/usr/bin/env bash
# The long fuzz run: thousands of malformed, oversized, wrongly signed, wrong-method, wrongly encoded and replayed
# requests at every webhook and API endpoint of the real host (Twilio mode) on a throwaway Redis.
#   ops/fuzz.sh [requests] [seed]      defaults: 12000 requests, a fresh seed (printed; pass it again to repeat a run)
# Fails on any 5xx, any error logged, any refused request that changed stored state. ops/test.sh runs a short
# round (2,000 requests, seed 12356) of the same test.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"

requests="${1:-12000}"
seed="${2:-$RANDOM$RANDOM}"
ensure_packages redis-server redis-tools
ensure_dotnet
ensure_npm

work="$(mktemp -d)"
redis_port="$(free_port 6400 6499)" || exit 1
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --save "" --appendonly no --daemonize no --logfile "$work/redis.log" &
redis_pid=$!
trap 'redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$redis_pid" 2>/dev/null; wait "$redis_pid" 2>/dev/null; rm -rf "$work"' EXIT
wait_for_redis "$redis_port" || exit 1

cd "$root"
echo "fuzz: $requests requests, seed $seed"
dotnet build tests/HotlineCenter.Web.Tests -c Release --nologo -v quiet || exit 1
HOTLINE_TEST_REDIS="127.0.0.1:$redis_port" HOTLINE_FUZZ_REQUESTS="$requests" HOTLINE_FUZZ_SEED="$seed" \
  dotnet test tests/HotlineCenter.Web.Tests -c Release --no-build --nologo --filter "FullyQualifiedName~HotlineCenter.Web.Tests.FuzzTests" \
  --logger "console;verbosity=normal"
