#!/usr/bin/env bash
# Failure drill 1 (docs/reliability.md): kill -9 one of 3 nodes mid-load — the one hosting the general queue.
# Pass (exit 0): every call the API acknowledged is found and ended, crisis calls keep their case, no call offered to
# two counsellors at once, and routing is normal again within 20 s of the kill. Starts and stops its own cluster.
#   ops/drills/1-kill-node.sh
source "$(dirname "$0")/lib.sh"
start_cluster
start_driver --rate 0.7 --seconds 70 --crisis-every 40 --normal 3 --max-recovery 20 --drain 60
sleep 25
victim="$(queue_node)"
pid="$(pid_on_port $((web_base + victim)))"
log "kill -9 node $victim (pid $pid), which routes the general queue"
mark_event
kill -KILL "$pid"
wait_driver
rc=$?
grep -h "declared dead\|Declaring\|dead silo\|DeclareDead" "$data"/logs/node*.out 2>/dev/null | tail -3
[ $rc -eq 0 ] && log "PASS" || log "FAIL"
exit $rc
