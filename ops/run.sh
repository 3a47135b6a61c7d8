#!/usr/bin/env bash
# Runs the contact centre on this machine: a local Redis with AOF persistence (data kept in .data/) and a
# password, the web host co-hosting the Orleans silo (silo and gateway on loopback only), and the seeded demo
# centre, all on 127.0.0.1 over plain http (Security:InsecureHttpOnLoopback; a real deployment is behind TLS:
# docker-compose.yml, docs/security.md). Ctrl-C stops everything it started.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"

port="${HOTLINE_PORT:-5080}"
redis_port="${HOTLINE_REDIS_PORT:-6390}"
data="$root/.data"

ensure_packages redis-server redis-tools curl
ensure_dotnet
ensure_npm
for p in "$port" 11111 30000; do
  if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
    echo "Port $p on 127.0.0.1 is already in use (is another ops/run.sh running?). Stop it, or set HOTLINE_PORT for the web port." >&2
    exit 1
  fi
done
mkdir -p "$data/redis" "$data/logs"
chmod 700 "$data"

# Secrets made once for this machine, kept with the data (mode 600), never committed or printed:
#   caller-hash.key    links repeat callers (HMAC); never rotated silently (the host refuses a changed one)
#   number-k1.key      encrypts the numbers kept for callbacks (AES-GCM, key id k1); a separate secret
#   redis-password     the app's Redis ACL user "hotline"; redis-admin-password the default user (shutdown)
#   dp-kek             encrypts the data-protection keys (which sign the sign-in cookies) at rest in Redis
key_encryption_key >/dev/null
redis_password="$(secret redis-password 33)"
redis_admin_password="$(secret redis-admin-password 33)"
export REDISCLI_AUTH="$redis_admin_password"

write_redis_conf "$data/redis.conf" "$redis_port" "$data/redis" "$data/logs/redis.log" "$redis_admin_password" "$redis_password" "900 1"

web=""
started_redis=""
cleanup() {
  trap - EXIT INT TERM
  echo "Stopping…"
  if [ -n "$web" ]; then
    # The silo leaves the cluster gracefully (it writes to Redis), so Redis stops last.
    kill -TERM "$web" 2>/dev/null || true
    for _ in $(seq 1 60); do kill -0 "$web" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$web" 2>/dev/null || true
  fi
  if [ -n "$started_redis" ]; then
    # SHUTDOWN makes Redis fsync and close the append-only file cleanly.
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown >/dev/null 2>&1 || kill "$started_redis" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" != "PONG" ]; then
  # Its own session: Ctrl-C reaches the web host first; Redis is shut down after it, cleanly.
  setsid redis-server "$data/redis.conf" --daemonize no &
  started_redis=$!
  wait_for_redis "$redis_port"
fi

# The keyed-hash secret that links repeat callers: made once, kept with the data, never committed.
if [ ! -s "$data/caller-hash.key" ]; then
  (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' > "$data/caller-hash.key")
fi
number_key="$(secret number-k1.key 48)"

# The key that signs the audit trail's checkpoints and sealed segments: made once, kept with the data, never committed.
if [ ! -s "$data/audit-checkpoint.key" ]; then
  (umask 077; head -c 48 /dev/urandom | base64 | tr -d '\n' > "$data/audit-checkpoint.key")
fi

# The demo accounts' password: made once for this machine, never the one a README could publish.
if [ ! -s "$data/demo-password" ]; then
  (umask 077; head -c 12 /dev/urandom | base64 | tr -d '/+=\n' > "$data/demo-password")
fi
demo_password="$(cat "$data/demo-password")"

echo "Building…"
dotnet publish "$root/src/HotlineCenter.Web/HotlineCenter.Web.csproj" -c Release -o "$root/artifacts/run" --nologo -v quiet

# The published folder is the content root: static assets (MudBlazor, app.css) are served from its wwwroot.
cd "$root/artifacts/run"
ConnectionStrings__Redis="127.0.0.1:$redis_port,user=hotline,password=$redis_password" \
Hotline__CallerHashKey="$(cat "$data/caller-hash.key")" \
Hotline__NumberKeys__k1="$number_key" Hotline__CurrentNumberKeyId=k1 \
DataProtection__KeyEncryptionKey="$(cat "$data/dp-kek")" \
Security__InsecureHttpOnLoopback=true \
Audit__CheckpointKey="$(cat "$data/audit-checkpoint.key")" \
Demo__Seed=true Demo__Enabled=true Demo__NotForRealCallers=true Demo__Password="$demo_password" \
Serilog__File__Path="$data/logs/hotline-.json" \
ASPNETCORE_URLS="http://127.0.0.1:$port" \
ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}" \
  dotnet HotlineCenter.Web.dll &
web=$!

for _ in $(seq 1 120); do
  if curl -fsS "http://127.0.0.1:$port/health/ready" >/dev/null 2>&1; then break; fi
  if ! kill -0 "$web" 2>/dev/null; then echo "The web host exited; see the log above." >&2; exit 1; fi
  sleep 0.5
done

cat <<MSG

  HotlineCenter is running: http://127.0.0.1:$port/
  Demo centre xa-12356 (西安市12356心理援助热线): queues 综合咨询 / 青少年 / 备用坐席.
  Demo province: sx-12356 (省级, number +862912356000 routes by the caller's region), baoji-12356 (宝鸡, open 06–24).

  Demo sign-ins (password for all: $demo_password — kept in $data/demo-password):
    s-zhou   值班督导 supervisor — the wallboard (/) with the demo call controls, the crisis board (/crisis), the handover (/handover)
    admin    administrator — centre, queues, prompts, counsellors, users, roster, escalation rules, green channel (/admin)
    s-tang   省级督导 provincial supervisor — the province board (/province): every centre, with demo calls to the province's number
    s-he     宝鸡督导 Baoji supervisor — Baoji's wallboard (/)
    auditor  审计员 auditor — the audit trail: search, verify the chain, export CSV (/audit)
    c-wang c-li c-zhang c-liu c-chen c-yang c-zhao c-huang   counsellors — their desk (/desk)
    c-gao c-lin (province)  c-baoji-sun c-baoji-ma (Baoji)      counsellors of the other centres

  Redis data: $data/redis (append-only, fsync always, password in $data/redis-password). Verify the audit trail:
  ops/audit-verify.sh. Ctrl-C stops everything.

MSG
wait "$web"
