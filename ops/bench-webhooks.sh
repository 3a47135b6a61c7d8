#!/usr/bin/env bash
# Webhook benchmark: the published web host in Twilio mode (test credentials, nothing leaves this machine)
# on a throwaway Redis like production's, hit with signed incoming-call webhooks at a fixed rate.
# Usage: ops/bench-webhooks.sh [--rate 200] [--seconds 20] [--warmup 5]
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"
ensure_packages redis-server redis-tools curl
ensure_dotnet

work="$(mktemp -d)"
redis_port="$(free_port 6600 6699)"
web_port="$(free_port 5600 5699)"
token="bench-auth-token-0123456789abcdef"
redis-server --bind 127.0.0.1 --port "$redis_port" --dir "$work" --appendonly yes --appendfsync always \
  --save "" --daemonize no --logfile "$work/redis.log" &
redis_pid=$!
web_pid=""
cleanup() {
  [ -n "$web_pid" ] && kill "$web_pid" 2>/dev/null && wait "$web_pid" 2>/dev/null
  redis-cli -h 127.0.0.1 -p "$redis_port" shutdown nosave >/dev/null 2>&1 || kill "$redis_pid"
  rm -rf "$work"
}
trap cleanup EXIT
wait_for_redis "$redis_port"

dotnet publish "$root/src/HotlineCenter.Web/HotlineCenter.Web.csproj" -c Release -o "$root/artifacts/bench-web" --nologo -v quiet
(
  cd "$root/artifacts/bench-web"
  ConnectionStrings__Redis="127.0.0.1:$redis_port" Hotline__CallerHashKey="bench-caller-hash-key-0123456789abcdef" \
  Hotline__NumberKeys__k1="bench-number-key-k1-0123456789abcdef" Hotline__CurrentNumberKeyId=k1 \
  DataProtection__KeyEncryptionKey="YmVuY2gtb25seS1rZXktZW5jcnlwdGlvbi1rZXktMzI=" Security__InsecureHttpOnLoopback=true Auth__ApiRequestsPerMinute=1000000 \
  Orleans__SiloPort=11311 Orleans__GatewayPort=30311 Demo__Seed=true Demo__NotForRealCallers=true Demo__Password=bench-demo-password-2026 Serilog__MinimumLevel__Default=Warning \
  Telephony__Provider=Twilio Twilio__AccountSid=AC0123456789abcdef0123456789abcdef Twilio__AuthToken="$token" \
  Twilio__ApiKeySid=SK0123456789abcdef0123456789abcdef Twilio__ApiKeySecret=bench-api-key-secret-0123456789abcdef \
  Twilio__PhoneNumber=+862912356 Twilio__FallbackNumber=+862988880000 Twilio__DefaultCentreId=xa-12356 \
  Twilio__PublicBaseUrl="http://127.0.0.1:$web_port" Twilio__ApiBaseUrl="http://127.0.0.1:9" \
  ASPNETCORE_URLS="http://127.0.0.1:$web_port" exec dotnet HotlineCenter.Web.dll > "$work/web.log" 2>&1
) &
web_pid=$!
for _ in $(seq 1 120); do
  curl -fsS "http://127.0.0.1:$web_port/health/ready" >/dev/null 2>&1 && break
  sleep 0.5
done

dotnet run --project "$root/tests/HotlineCenter.Benchmarks" -c Release -- --webhooks \
  --target "http://127.0.0.1:$web_port" --public-base "http://127.0.0.1:$web_port" --auth-token "$token" "$@"
