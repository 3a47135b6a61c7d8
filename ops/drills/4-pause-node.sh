#!/usr/bin/env bash
# Failure drill 4 (docs/reliability.md): SIGSTOP the node hosting the general queue for 30 s mid-load, then SIGCONT.
# Pass (exit 0): no acknowledged call lost or left unfinished, no call offered to two counsellors at once, no counsellor
# on two calls at once, and the resumed node does not serve alongside the activations that moved (it was declared dead
# and stopped itself, or rejoined without a second activation: both show as no double offer / no double booking).
#   ops/drills/4-pause-node.sh
source "$(dirname "$0")/lib.sh"
start_cluster
start_driver --rate 0.7 --seconds 80 --crisis-every 40 --normal 3 --drain 60
sleep 20
victim="$(queue_node)"
pid="$(pid_on_port $((web_base + victim)))"
log "SIGSTOP node $victim (pid $pid) for 30 s"
mark_event
kill -STOP "$pid"
sleep 30
kill -CONT "$pid"
log "SIGCONT node $victim"
sleep 5
if kill -0 "$pid" 2>/dev/null; then
  log "node $victim is still running after its pause ($(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$((web_base + victim))/health/ready") on /health/ready)"
else
  log "node $victim stopped itself after its pause (declared dead while paused)"
fi
wait_driver
rc=$?
[ $rc -eq 0 ] && log "PASS" || log "FAIL"
exit $rc
