#!/usr/bin/env bash
# Runs every test: installs what the tests need, starts a throwaway Redis on a free loopback port,
# runs `dotnet test HotlineCenter.sln`, stops Redis, and ends with one line of totals.
set -uo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"

# Chromium (Debian's; Playwright never downloads one) and a CJK font for the browser tests.
ensure_packages redis-server redis-tools chromium fonts-wqy-microhei docker-compose
ensure_dotnet
ensure_npm

work="$(mktemp -d)"
redis_port="$(free_port 6400 6499)" || exit 1
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --save "" --appendonly no \
  --daemonize no --logfile "$work/redis.log" &
redis_pid=$!
cleanup() {
  redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$redis_pid" 2>/dev/null
  wait "$redis_pid" 2>/dev/null
  rm -rf "$work"
}
trap cleanup EXIT
wait_for_redis "$redis_port" || exit 1
export HOTLINE_TEST_REDIS="127.0.0.1:$redis_port"

cd "$root"
# The deployment file must stay valid even though no Docker engine runs here.
ops/check-compose.sh || exit 1
dotnet restore HotlineCenter.sln --nologo -v quiet || exit 1
dotnet build HotlineCenter.sln --no-restore --nologo -v quiet -c Release || exit 1
dotnet test HotlineCenter.sln --no-build -c Release --nologo 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}

# One plain totals line across all test projects, from each project's summary line.
grep -E '^(Passed|Failed)!' "$work/test.log" | sed -E 's/.*Failed: *([0-9]+), Passed: *([0-9]+), Skipped: *([0-9]+).*/\1 \2 \3/' |
  awk -v status="$status" '{ f += $1; p += $2; s += $3; n++ }
    END {
      if (n == 0) { print "0 passed, 1 failed"; exit }
      if (status != 0 && f == 0) f = 1
      printf "%d passed, %d failed, %d skipped\n", p, f, s
    }'
exit "$status"
