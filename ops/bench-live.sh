#!/usr/bin/env bash
# Live-feed benchmark: the published web host (simulated telephony, demo centre seeded) on a throwaway Redis
# like production's; 300 SignalR clients of /hubs/live and then real Blazor circuits in Chromium, while
# simulated calls flow through the demo API. Measures push latency and server memory per connected client.
# Usage: ops/bench-live.sh [--clients 300] [--circuits 40] [--rate 1] [--seconds 60] [--warmup 10] [--circuit-seconds 30]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"
ensure_packages redis-server redis-tools curl chromium fonts-wqy-microhei
ensure_dotnet

work="$(mktemp -d)"
redis_port="$(free_port 6700 6799)"
web_port="$(free_port 5700 5799)"
silo_port="$(free_port 11400 11499)"
gateway_port="$(free_port 30400 30499)"
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --appendonly yes --appendfsync always \
  --save "" --daemonize no --logfile "$work/redis.log" &
redis_pid=$!
web_pid=""
cleanup() {
  if [ -n "$web_pid" ]; then
    kill -TERM "$web_pid" 2>/dev/null || true
    for _ in $(seq 1 40); do kill -0 "$web_pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$web_pid" 2>/dev/null || true
  fi
  redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$redis_pid" 2>/dev/null || true
  rm -rf "$work"
}
trap cleanup EXIT
wait_for_redis "$redis_port"

dotnet publish "$root/src/HotlineCenter.Web/HotlineCenter.Web.csproj" -c Release -o "$root/artifacts/bench-live-web" --nologo -v quiet
dotnet build "$root/tests/HotlineCenter.Benchmarks" -c Release --nologo -v quiet

# exec: the background job's pid is the host's own, which the benchmark reads memory from.
(
  cd "$root/artifacts/bench-live-web"
  ConnectionStrings__Redis="127.0.0.1:$redis_port" Hotline__CallerHashKey="bench-caller-hash-key-0123456789abcdef" \
  Hotline__NumberKeys__k1="bench-number-key-k1-0123456789abcdef" Hotline__CurrentNumberKeyId=k1 \
  DataProtection__KeyEncryptionKey="YmVuY2gtb25seS1rZXktZW5jcnlwdGlvbi1rZXktMzI=" Security__InsecureHttpOnLoopback=true Auth__ApiRequestsPerMinute=1000000 \
  Orleans__SiloPort="$silo_port" Orleans__GatewayPort="$gateway_port" Orleans__ServiceId="bench-live" \
  Demo__Seed=true Demo__NotForRealCallers=true Demo__Password=bench-demo-password-2026 Demo__Enabled=true Serilog__MinimumLevel__Default=Warning \
  ASPNETCORE_URLS="http://127.0.0.1:$web_port" exec dotnet HotlineCenter.Web.dll > "$work/web.log" 2>&1
) &
web_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$web_port/health/ready" >/dev/null 2>&1 && break
  if ! kill -0 "$web_pid" 2>/dev/null; then cat "$work/web.log" >&2; echo "The web host exited." >&2; exit 1; fi
  sleep 0.5
done

status=0
# BENCH_MODE=alerts (ops/bench-alerts.sh) measures crisis alerts instead of the live feed, on the same host.
dotnet run --project "$root/tests/HotlineCenter.Benchmarks" -c Release --no-build -- "--${BENCH_MODE:-live}" \
  --target "http://127.0.0.1:$web_port" --pid "$web_pid" --password bench-demo-password-2026 "$@" || status=$?
echo "web host log: $(grep -c '\[WRN\]' "$work/web.log" || true) warnings, $(grep -c '\[\(ERR\|FTL\)\]' "$work/web.log" || true) errors"
grep '\[\(WRN\|ERR\|FTL\)\]' "$work/web.log" | head -20 || true
exit "$status"
