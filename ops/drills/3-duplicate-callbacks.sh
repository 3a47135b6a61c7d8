#!/usr/bin/env bash
# Failure drill 3 (docs/reliability.md): every Twilio callback delivered three times and out of order ends in the same
# state as a clean run. A host test (the real host in Twilio mode, the fake Twilio) on a throwaway Redis; it is also an
# ordinary test in ops/test.sh. Exit 0 = pass.
#   ops/drills/3-duplicate-callbacks.sh
set -uo pipefail
root="$(cd "$(dirname "$0")/../.." && pwd)"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"
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
dotnet build tests/HotlineCenter.Web.Tests -c Release --nologo -v quiet || exit 1
HOTLINE_TEST_REDIS="127.0.0.1:$redis_port" dotnet test tests/HotlineCenter.Web.Tests -c Release --no-build --nologo \
  --filter "FullyQualifiedName~HotlineCenter.Web.Tests.DuplicateCallbackDrillTests" --logger "console;verbosity=normal"
rc=$?
[ $rc -eq 0 ] && echo "drill: PASS" || echo "drill: FAIL"
exit $rc
