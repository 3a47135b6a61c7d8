#!/usr/bin/env bash
# Full-path load test against the floor (issue 13): the published web host in Twilio mode (test credentials, nothing
# leaves this machine) on a throwaway Redis like production's (AOF, appendfsync always), its Twilio REST API played by
# the load program at scale; simulated callers post every webhook and callback of a call's life, simulated counsellors
# answer the legs the host rings, SignalR consoles watch the live feed. In the same run the floor: a bare endpoint
# (in the load program, its own process) with the same webhooks, the minimum fsynced writes, on its own Redis.
# Usage: ops/bench-fullpath.sh [--rate 10] [--seconds 30] [--warmup 5] [--counselors 200] [--consoles 50]
#                              [--handle-seconds 2] [--answer-ms 300] [--push-sample 1] [--contract on|off]
# Ports: free ones are picked; set REDIS_PORT FLOOR_REDIS_PORT WEB_PORT FLOOR_PORT TWILIO_PORT SILO_PORT GATEWAY_PORT to fix them.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"
ensure_packages redis-server redis-tools curl
ensure_dotnet

work="$(mktemp -d)"
redis_port="${REDIS_PORT:-$(free_port 6800 6849)}"
floor_redis_port="${FLOOR_REDIS_PORT:-$(free_port 6850 6899)}"
web_port="${WEB_PORT:-$(free_port 5800 5849)}"
floor_port="${FLOOR_PORT:-$(free_port 5850 5879)}"
twilio_port="${TWILIO_PORT:-$(free_port 5880 5899)}"
silo_port="${SILO_PORT:-$(free_port 11500 11599)}"
gateway_port="${GATEWAY_PORT:-$(free_port 30500 30599)}"
token="bench-auth-token-0123456789abcdef"
password="bench-demo-password-2026"
mkdir -p "$work/redis" "$work/floor-redis"
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work/redis" --appendonly yes --appendfsync always \
  --save "" --daemonize no --logfile "$work/redis.log" &
redis_pid=$!
redis-server --bind 127.0.0.1 --port "$floor_redis_port" --dir "$work/floor-redis" --appendonly yes --appendfsync always \
  --save "" --daemonize no --logfile "$work/floor-redis.log" &
floor_redis_pid=$!
web_pid=""
cleanup() {
  if [ -n "$web_pid" ]; then
    kill -TERM "$web_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$web_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$web_pid" 2>/dev/null || true
  fi
  redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$redis_pid" 2>/dev/null || true
  redis-cli -h 127.0.0.1 -p "$floor_redis_port" shutdown nosave >/dev/null 2>&1 || kill "$floor_redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
wait_for_redis "$redis_port"
wait_for_redis "$floor_redis_port"

dotnet publish "$root/src/HotlineCenter.Web/HotlineCenter.Web.csproj" -c Release -o "$root/artifacts/bench-fullpath-web" --nologo -v quiet
dotnet build "$root/tests/HotlineCenter.Benchmarks" -c Release --nologo -v quiet

# exec: the background job's pid is the host's own, which the benchmark reads CPU and memory from.
(
  cd "$root/artifacts/bench-fullpath-web"
  ConnectionStrings__Redis="127.0.0.1:$redis_port" Hotline__CallerHashKey="bench-caller-hash-key-0123456789abcdef" \
  Hotline__NumberKeys__k1="bench-number-key-k1-0123456789abcdef" Hotline__CurrentNumberKeyId=k1 \
  DataProtection__KeyEncryptionKey="YmVuY2gtb25seS1rZXktZW5jcnlwdGlvbi1rZXktMzI=" Security__InsecureHttpOnLoopback=true Auth__ApiRequestsPerMinute=1000000 Audit__CheckpointKey="bench-audit-checkpoint-key-0123456789abcdef" \
  Orleans__SiloPort="$silo_port" Orleans__GatewayPort="$gateway_port" Orleans__ServiceId="bench-fullpath" \
  Demo__Seed=true Demo__NotForRealCallers=true Demo__Password="$password" Serilog__MinimumLevel__Default=Warning \
  Telephony__Provider=Twilio Twilio__AccountSid=AC0123456789abcdef0123456789abcdef Twilio__AuthToken="$token" \
  Twilio__ApiKeySid=SK0123456789abcdef0123456789abcdef Twilio__ApiKeySecret=bench-api-key-secret-0123456789abcdef \
  Twilio__PhoneNumber=+862912356 Twilio__FallbackNumber=+862988880000 Twilio__DefaultCentreId=xa-12356 \
  Twilio__PublicBaseUrl="http://127.0.0.1:$web_port" Twilio__ApiBaseUrl="http://127.0.0.1:$twilio_port" \
  ASPNETCORE_URLS="http://127.0.0.1:$web_port" exec dotnet HotlineCenter.Web.dll > "$work/web.log" 2>&1
) &
web_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$web_port/health/ready" >/dev/null 2>&1 && break
  if ! kill -0 "$web_pid" 2>/dev/null; then cat "$work/web.log" >&2; echo "The web host exited." >&2; exit 1; fi
  sleep 0.5
done

status=0
dotnet run --project "$root/tests/HotlineCenter.Benchmarks" -c Release --no-build -- --fullpath \
  --target "http://127.0.0.1:$web_port" --pid "$web_pid" --redis-pid "$redis_pid" --auth-token "$token" --password "$password" \
  --twilio-port "$twilio_port" --gateway "$gateway_port" --service-id bench-fullpath \
  --floor-redis "127.0.0.1:$floor_redis_port" --floor-redis-pid "$floor_redis_pid" --floor-port "$floor_port" "$@" || status=$?
echo "web host log: $(grep -c '\[WRN\]' "$work/web.log" || true) warnings, $(grep -c '\[\(ERR\|FTL\)\]' "$work/web.log" || true) errors"
grep '\[\(WRN\|ERR\|FTL\)\]' "$work/web.log" | head -20 || true
exit "$status"
