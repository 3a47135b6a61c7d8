#!/usr/bin/env bash
# Shared by the failure drills (docs/reliability.md): start a fresh 3-node ops/cluster.sh in the background, find a
# node's process by its port, run the load driver, stop the cluster. Sourced, not run.
set -uo pipefail
drills="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$drills/../.." && pwd)"
# A fresh cluster each run (its own Redis data and logs), so no earlier run's calls or counsellors in decompression count.
data="$root/.data/drills/cluster"
export HOTLINE_CLUSTER_DATA="$data"
web_base=5100
redis_port="${HOTLINE_CLUSTER_REDIS_PORT:-6391}"
work="$root/.data/drills/$(basename "$0" .sh)-$(date +%Y%m%d-%H%M%S)"
mkdir -p "$work"
cluster_pid=""

log() { echo "drill: $(date +%T) $*"; }

# The process listening on a loopback TCP port (a node's HTTP port, Redis), by its id.
pid_on_port() {
  ss -ltnpH "sport = :$1" 2>/dev/null | grep -o 'pid=[0-9]*' | head -1 | cut -d= -f2
}

stop_cluster() {
  if [ -n "$cluster_pid" ] && kill -0 "$cluster_pid" 2>/dev/null; then
    log "stopping the cluster"
    # A paused node would hold the stop up: let it run first.
    for i in 1 2 3; do p="$(pid_on_port $((web_base + i)))"; [ -n "$p" ] && kill -CONT "$p" 2>/dev/null; done
    kill -TERM "$cluster_pid" 2>/dev/null
    for _ in $(seq 1 90); do kill -0 "$cluster_pid" 2>/dev/null || break; sleep 1; done
  fi
}

# Starts ops/cluster.sh 3 (building it first) and waits until every node is ready.
start_cluster() {
  for i in 1 2 3; do
    if [ -n "$(pid_on_port $((web_base + i)))" ]; then
      echo "Port $((web_base + i)) is in use: stop the running ops/cluster.sh first (a drill starts its own and kills nodes)." >&2
      exit 1
    fi
  done
  rm -rf "$data"
  trap stop_cluster EXIT
  log "starting ops/cluster.sh 3 (log: $work/cluster.log)"
  setsid "$root/ops/cluster.sh" 3 > "$work/cluster.log" 2>&1 &
  cluster_pid=$!
  for _ in $(seq 1 600); do
    if grep -q "cluster of 3 nodes is running" "$work/cluster.log" 2>/dev/null; then
      password="$(cat "$data/demo-password")"
      log "cluster up"
      return 0
    fi
    if ! kill -0 "$cluster_pid" 2>/dev/null; then
      cat "$work/cluster.log" >&2
      echo "ops/cluster.sh stopped before the cluster was up." >&2
      exit 1
    fi
    sleep 1
  done
  echo "The cluster did not come up in 10 minutes; see $work/cluster.log." >&2
  exit 1
}

# The node that most recently routed a call of the demo centre's general queue (it hosts the queue grain): the one whose
# loss hurts. Falls back to node 2.
queue_node() {
  local best=2 best_line=0 n
  for i in 1 2 3; do
    n="$(grep -h "offered to counsellor" "$data"/logs/node$i-*.json 2>/dev/null | wc -l)"
    if [ "$n" -gt "$best_line" ]; then best=$i; best_line=$n; fi
  done
  echo "$best"
}

# Runs the load driver in the background; its report and exit code come from wait_driver.
start_driver() {
  python3 "$drills/loaddriver.py" --password "$password" --event-file "$work/event" --out "$work/calls.json" "$@" &
  driver_pid=$!
}

wait_driver() {
  wait "$driver_pid"
  local rc=$?
  log "calls read back: $work/calls.json"
  return $rc
}

mark_event() { date +%s.%N > "$work/event"; }
