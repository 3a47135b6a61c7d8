#!/usr/bin/env bash
# Runs the contact centre as a cluster on this machine: one Redis (AOF, fsync always, password), N HotlineCenter.Web
# nodes forming one Orleans cluster on loopback, and Debian's nginx in front — sticky for the consoles (Blazor
# circuits and the live hub stay on one node), any node for the provider's webhooks (with failover to the next
# node). Prints the URLs and the demo sign-ins; Ctrl-C stops everything it started.
#   ops/cluster.sh [N]        N nodes (default 3)
# Environment: HOTLINE_CLUSTER_PORT (nginx, default 8090), HOTLINE_CLUSTER_REDIS_PORT (default 6391),
# HOTLINE_CLUSTER_DATA (data directory, default .data/cluster; the failure drills use a fresh one each run).
# The cluster keeps its own data in .data/cluster (separate from ops/run.sh's).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
# shellcheck source=ops/lib.sh
source "$root/ops/lib.sh"

nodes="${1:-3}"
if ! [[ "$nodes" =~ ^[0-9]+$ ]] || [ "$nodes" -lt 1 ] || [ "$nodes" -gt 9 ]; then
  echo "usage: ops/cluster.sh [N]   (1–9 nodes)" >&2
  exit 2
fi
proxy_port="${HOTLINE_CLUSTER_PORT:-8090}"
redis_port="${HOTLINE_CLUSTER_REDIS_PORT:-6391}"
data="${HOTLINE_CLUSTER_DATA:-$root/.data/cluster}"
web_base=5100 silo_base=11200 gateway_base=30200

# Debian's nginx would start a system-wide server on :80 when installed; keep the install from starting anything.
if ! dpkg-query -W -f='${Status}' nginx 2>/dev/null | grep -q "install ok installed"; then
  policy=/usr/sbin/policy-rc.d
  created_policy=""
  if [ ! -e "$policy" ] && [ "$(id -u)" -eq 0 ]; then
    printf '#!/bin/sh\nexit 101\n' > "$policy" && chmod +x "$policy" && created_policy=1
  fi
  ensure_packages nginx
  [ -n "$created_policy" ] && rm -f "$policy"
fi
ensure_packages redis-server redis-tools curl
ensure_dotnet
ensure_npm

for i in $(seq 1 "$nodes"); do
  for p in $((web_base + i)) $((silo_base + i)) $((gateway_base + i)); do
    if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
      echo "Port $p on 127.0.0.1 is already in use (is another ops/cluster.sh running?)." >&2
      exit 1
    fi
  done
done
if (exec 3<>"/dev/tcp/127.0.0.1/$proxy_port") 2>/dev/null; then
  echo "Port $proxy_port is in use; set HOTLINE_CLUSTER_PORT." >&2
  exit 1
fi

mkdir -p "$data/redis" "$data/logs" "$data/nginx"
chmod 700 "$data"
redis_password="$(secret redis-password 33)"
redis_admin_password="$(secret redis-admin-password 33)"
caller_hash_key="$(secret caller-hash.key 48)"
number_key="$(secret number-k1.key 48)"
audit_key="$(secret audit-checkpoint.key 48)"
dp_kek="$(key_encryption_key)"
demo_password="$(secret demo-password 12)"
export REDISCLI_AUTH="$redis_admin_password"

write_redis_conf "$data/redis.conf" "$redis_port" "$data/redis" "$data/logs/redis.log" "$redis_admin_password" "$redis_password" ""

pids=()
redis_pid=""
nginx_started=""
cleanup() {
  trap - EXIT INT TERM
  echo "Stopping…"
  [ -n "$nginx_started" ] && nginx -p "$data/nginx" -c "$data/nginx/nginx.conf" -s quit 2>/dev/null || true
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do
    for _ in $(seq 1 60); do kill -0 "$pid" 2>/dev/null || break; sleep 0.5; done
    kill -KILL "$pid" 2>/dev/null || true
  done
  if [ -n "$redis_pid" ]; then
    redis-cli -h 127.0.0.1 -p "$redis_port" shutdown >/dev/null 2>&1 || kill "$redis_pid" 2>/dev/null || true
  fi
  wait 2>/dev/null || true
}
trap cleanup EXIT INT TERM

if [ "$(redis-cli -h 127.0.0.1 -p "$redis_port" ping 2>/dev/null)" != "PONG" ]; then
  setsid redis-server "$data/redis.conf" --daemonize no &
  redis_pid=$!
  wait_for_redis "$redis_port"
fi

echo "Building…"
dotnet publish "$root/src/HotlineCenter.Web/HotlineCenter.Web.csproj" -c Release -o "$root/artifacts/cluster" --nologo -v quiet

start_node() {
  local i=$1
  (
    cd "$root/artifacts/cluster"
    ConnectionStrings__Redis="127.0.0.1:$redis_port,user=hotline,password=$redis_password" \
    Orleans__ClusterId=hotline-cluster Orleans__ServiceId=hotline-cluster \
    Orleans__SiloPort=$((silo_base + i)) Orleans__GatewayPort=$((gateway_base + i)) \
    Orleans__AdvertisedHost=127.0.0.1 Orleans__ListenAddress=127.0.0.1 \
    Hotline__CallerHashKey="$caller_hash_key" Hotline__NumberKeys__k1="$number_key" Hotline__CurrentNumberKeyId=k1 \
    DataProtection__KeyEncryptionKey="$dp_kek" \
    Audit__CheckpointKey="$audit_key" \
    Security__InsecureHttpOnLoopback=true \
    ForwardedHeaders__KnownProxies=127.0.0.1 \
    Demo__Seed=$([ "$i" -eq 1 ] && echo true || echo false) Demo__Enabled=true Demo__NotForRealCallers=true Demo__Password="$demo_password" \
    Serilog__File__Path="$data/logs/node$i-.json" \
    ASPNETCORE_URLS="http://127.0.0.1:$((web_base + i))" \
    ASPNETCORE_ENVIRONMENT="${ASPNETCORE_ENVIRONMENT:-Production}" \
      exec dotnet HotlineCenter.Web.dll > "$data/logs/node$i.out" 2>&1
  ) &
  pids+=($!)
}

# The first node seeds the demo centre; the others join once it is ready.
start_node 1
wait_ready() {
  for _ in $(seq 1 240); do
    curl -fsS "http://127.0.0.1:$1/health/ready" >/dev/null 2>&1 && return 0
    sleep 0.5
  done
  echo "The node on port $1 did not become ready; see $data/logs/." >&2
  return 1
}
wait_ready $((web_base + 1))
for i in $(seq 2 "$nodes"); do start_node "$i"; done
for i in $(seq 2 "$nodes"); do wait_ready $((web_base + i)); done

servers=""
for i in $(seq 1 "$nodes"); do servers+="        server 127.0.0.1:$((web_base + i)) max_fails=1 fail_timeout=5s;"$'\n'; done
cat > "$data/nginx/nginx.conf" <<CONF
daemon off;
worker_processes 1;
pid $data/nginx/nginx.pid;
error_log $data/logs/nginx-error.log warn;
events { worker_connections 4096; }
http {
    access_log $data/logs/nginx-access.log;
    client_body_temp_path $data/nginx/body;
    proxy_temp_path $data/nginx/proxy;
    fastcgi_temp_path $data/nginx/fastcgi;
    uwsgi_temp_path $data/nginx/uwsgi;
    scgi_temp_path $data/nginx/scgi;
    map \$http_upgrade \$connection_upgrade { default upgrade; '' close; }

    # Consoles: a Blazor circuit and a hub connection live on one node, so each client stays on one.
    upstream hotline_sticky {
        ip_hash;
$servers    }

    # Webhooks carry their state in the request and are idempotent by event key: any node, the next one if it fails.
    upstream hotline_any {
$servers    }

    server {
        listen 127.0.0.1:$proxy_port;
        client_max_body_size 1m;
        proxy_http_version 1.1;
        proxy_set_header Host \$http_host;
        proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;
        proxy_set_header X-Forwarded-Proto \$scheme;
        proxy_set_header Upgrade \$http_upgrade;
        proxy_set_header Connection \$connection_upgrade;

        location = /metrics { return 404; }

        location /webhooks/ {
            proxy_pass http://hotline_any;
            proxy_next_upstream error timeout http_502 http_503;
            proxy_connect_timeout 1s;
            proxy_read_timeout 12s;
        }

        location / {
            proxy_pass http://hotline_sticky;
            proxy_read_timeout 1h;
            proxy_send_timeout 1h;
        }
    }
}
CONF
nginx -p "$data/nginx" -c "$data/nginx/nginx.conf" -t -q
nginx -p "$data/nginx" -c "$data/nginx/nginx.conf" &
pids+=($!)
nginx_started=1

cat <<MSG

  HotlineCenter cluster of $nodes nodes is running.
    Consoles and webhooks (nginx):  http://127.0.0.1:$proxy_port/
$(for i in $(seq 1 "$nodes"); do echo "    node $i: http://127.0.0.1:$((web_base + i))/   (silo $((silo_base + i)), metrics http://127.0.0.1:$((web_base + i))/metrics)"; done)

  Demo sign-ins (password for all: $demo_password — kept in $data/demo-password):
    s-zhou (supervisor), admin (administrator), auditor, c-wang c-li c-zhang … (counsellors)

  Redis: 127.0.0.1:$redis_port (append-only, fsync always; data in $data/redis). Logs: $data/logs/. Ctrl-C stops everything.

MSG
# A node that dies (or is killed in a drill) leaves the others serving; Ctrl-C stops everything.
wait
