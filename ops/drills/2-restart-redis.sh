#!/usr/bin/env bash
# Failure drill 2 (docs/reliability.md): kill Redis (AOF, fsync always) mid-load and start it again 5 s later.
# Pass (exit 0): every call the API acknowledged (201) survives and ends, and the cluster recovers by itself: calls
# placed after Redis is back are routed normally within 30 s. The voice-webhook bound while Redis is down (the backup
# line's TwiML within 2 s) is an ordinary test: VoiceWebhookTimeoutTests (ops/test.sh).
#   ops/drills/2-restart-redis.sh
source "$(dirname "$0")/lib.sh"
start_cluster
start_driver --rate 0.7 --seconds 70 --crisis-every 40 --normal 3 --max-recovery 30 --drain 60
sleep 25
pid="$(pid_on_port "$redis_port")"
log "kill -9 Redis (pid $pid); restarting it in 5 s"
kill -KILL "$pid"
sleep 5
mark_event
redis-server "$data/redis.conf" --daemonize yes
for _ in $(seq 1 50); do [ -n "$(pid_on_port "$redis_port")" ] && break; sleep 0.1; done
log "Redis is back (pid $(pid_on_port "$redis_port"))"
wait_driver
rc=$?
[ $rc -eq 0 ] && log "PASS" || log "FAIL"
exit $rc
