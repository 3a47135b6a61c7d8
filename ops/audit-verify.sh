#!/usr/bin/env bash
# Verifies the audit trail stored in the Redis the running system uses (started by ops/run.sh): every entry's hash
# link, every segment seal and the purge checkpoint. It joins the running cluster as an Orleans client.
#   ops/audit-verify.sh                 the demo centre xa-12356 and the host chain (_host)
#   ops/audit-verify.sh bj-12356 …      the named centres' chains
# Exits 0 when every chain is intact, 2 when one is broken (it names the first broken sequence), 1 when it could
# not check (nothing running, no key). Settings as for ops/run.sh: HOTLINE_REDIS_PORT, or ConnectionStrings__Redis
# and Audit__CheckpointKey in the environment (a deployment: run the same verb inside a web container, see README).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
data="$root/.data"
redis_port="${HOTLINE_REDIS_PORT:-6390}"
published="$root/artifacts/run"

if [ ! -f "$published/HotlineCenter.Web.dll" ]; then
  echo "No build in $published: start the system with ops/run.sh first (it builds it)." >&2
  exit 1
fi

key="${Audit__CheckpointKey:-}"
if [ -z "$key" ]; then
  if [ ! -s "$data/audit-checkpoint.key" ]; then
    echo "No audit checkpoint key: set Audit__CheckpointKey, or run ops/run.sh once (it keeps one in $data/audit-checkpoint.key)." >&2
    exit 1
  fi
  key="$(cat "$data/audit-checkpoint.key")"
fi

chains=("$@")
if [ ${#chains[@]} -eq 0 ]; then
  chains=(xa-12356 _host)
fi
args=()
for chain in "${chains[@]}"; do args+=(--centre "$chain"); done

redis="${ConnectionStrings__Redis:-}"
if [ -z "$redis" ]; then
  # ops/run.sh's Redis takes the app's ACL user "hotline" with the password it keeps in .data/.
  if [ ! -s "$data/redis-password" ]; then
    echo "No Redis password in $data/redis-password: set ConnectionStrings__Redis, or run ops/run.sh first." >&2
    exit 1
  fi
  redis="127.0.0.1:$redis_port,user=hotline,password=$(cat "$data/redis-password")"
fi

cd "$published"
ConnectionStrings__Redis="$redis" \
Audit__CheckpointKey="$key" \
  exec dotnet HotlineCenter.Web.dll audit-verify "${args[@]}"
