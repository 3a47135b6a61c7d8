#!/usr/bin/env python3
"""Call load for the failure drills (docs/reliability.md), against a running ops/cluster.sh.

Simulated callers place calls through the demo API (the cluster runs the simulated provider), spread over the nodes and
moving to the next node when one does not answer; simulated counsellors answer: every counsellor of the demo centre is
made available, accepts what it is offered, talks for a few seconds, ends the call and finishes wrap-up at once. After the
load the driver waits for the calls to end, then reads every call it placed back from the cluster and reports:

  placed / acknowledged   calls the API acknowledged (201) — only those count as "created"
  lost                    acknowledged calls the cluster does not know, or that never reached an end (ended/abandoned)
  crisis                  crisis calls placed and how many have their crisis case on the timeline
  offered twice           calls whose timeline shows a second counsellor offered while the first offer was still open
  recovery                after the event time (written by the drill into --event-file), the time until calls are routed
                          normally again: when the last call placed after it that was not acknowledged, or not offered
                          to a counsellor within --normal seconds, was finally placed or offered

Exit code 0 when nothing was lost (and, with --max-recovery, recovery was within it), else 1. Only the standard library.
"""
import argparse
import html
import http.cookiejar
import json
import random
import re
import sys
import threading
import time
import urllib.error
import urllib.parse
import urllib.request

CENTRE = "xa-12356"


class Node:
    """One signed-in session per node (the cookie is valid on every node; one session each keeps it simple)."""

    def __init__(self, base, password):
        self.base = base.rstrip("/")
        self.password = password
        self.jar = http.cookiejar.CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar), NoRedirect())
        self.signed_in = False

    def sign_in(self):
        page = self.opener.open(self.base + "/login", timeout=5).read().decode()
        token = re.search(r'name="__RequestVerificationToken" value="([^"]+)"', page).group(1)
        form = urllib.parse.urlencode({"__RequestVerificationToken": html.unescape(token),
                                       "Username": "s-zhou", "Password": self.password, "ReturnUrl": "/"}).encode()
        try:
            self.opener.open(urllib.request.Request(self.base + "/account/login", data=form), timeout=5)
        except urllib.error.HTTPError as e:
            if e.code != 302 or "/login" in (e.headers.get("Location") or ""):
                raise RuntimeError(f"sign-in at {self.base} failed: {e.code} {e.headers.get('Location')}")
        self.signed_in = True

    def call(self, method, path, body=None, timeout=5):
        if not self.signed_in:
            self.sign_in()
        data = None if body is None else json.dumps(body).encode()
        req = urllib.request.Request(self.base + path, data=data, method=method, headers={"Content-Type": "application/json"})
        try:
            with self.opener.open(req, timeout=timeout) as r:
                text = r.read().decode()
                return r.status, (json.loads(text) if text else None)
        except urllib.error.HTTPError as e:
            text = e.read().decode(errors="replace")
            try:
                return e.code, json.loads(text) if text else None
            except ValueError:
                return e.code, None


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


class Cluster:
    """Round-robin over the nodes; a node that cannot be reached is skipped for a few seconds."""

    def __init__(self, bases, password):
        self.nodes = [Node(b, password) for b in bases]
        self.down_until = [0.0] * len(self.nodes)
        self.next = 0
        self.lock = threading.Lock()
        self.errors = {}

    def note(self, what):
        with self.lock:
            self.errors[what] = self.errors.get(what, 0) + 1

    def request(self, method, path, body=None, idempotent=True, timeout=5):
        for _ in range(len(self.nodes) * 2):
            with self.lock:
                i = self.next % len(self.nodes)
                self.next += 1
            if self.down_until[i] > time.time():
                continue
            try:
                return self.nodes[i].call(method, path, body, timeout)
            except (urllib.error.URLError, ConnectionError, TimeoutError, OSError) as e:
                reason = getattr(e, "reason", e)
                timed_out = isinstance(reason, TimeoutError) or "timed out" in str(reason)
                self.note(f"{'timeout' if timed_out else 'connect'} {self.nodes[i].base}")
                self.down_until[i] = time.time() + 3
                if timed_out and not idempotent:
                    # It may have been carried out: not repeated (a second call), reported as unacknowledged.
                    return 0, None
            except RuntimeError:
                self.note(f"sign-in {self.nodes[i].base}")
                self.down_until[i] = time.time() + 3
        return 0, None


def main():
    p = argparse.ArgumentParser()
    p.add_argument("--nodes", default="http://127.0.0.1:5101,http://127.0.0.1:5102,http://127.0.0.1:5103")
    p.add_argument("--password", required=True)
    p.add_argument("--rate", type=float, default=1.0, help="calls per second")
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--talk", type=float, default=3.0, help="seconds a counsellor talks")
    p.add_argument("--crisis-every", type=int, default=0, help="every n-th call chooses the danger option (0: none)")
    p.add_argument("--drain", type=float, default=60, help="seconds to wait for the calls to end")
    p.add_argument("--event-file", help="the drill writes the event's epoch seconds here")
    p.add_argument("--normal", type=float, default=3.0, help="offered to a counsellor within this many seconds counts as normal routing")
    p.add_argument("--max-recovery", type=float)
    p.add_argument("--out", help="write every call read back here (JSON)")
    a = p.parse_args()

    cluster = Cluster(a.nodes.split(","), a.password)
    placed = []  # (callId, placed_at, crisis)
    unacknowledged = [0]
    refused = {}
    failed_at = []  # placements the cluster did not acknowledge (an error or no answer)
    stop_load = threading.Event()
    stop_all = threading.Event()

    live = None
    for _ in range(60):
        status, live = cluster.request("GET", f"/api/centres/{CENTRE}/live")
        if status == 200:
            break
        time.sleep(1)
    if not live:
        print("drill: the cluster does not answer the live API", file=sys.stderr)
        return 1
    counselors = [c["counselorId"] for c in live["counselors"]]
    for c in counselors:
        cluster.request("POST", f"/api/counselors/{c}/presence", {"state": "Available"})

    def callers():
        n = 0
        start = time.time()
        while not stop_load.is_set() and time.time() - start < a.seconds:
            n += 1
            crisis = a.crisis_every > 0 and n % a.crisis_every == 0
            at = time.time()
            status, body = cluster.request("POST", "/api/demo/calls", {"digits": "1" if crisis else "2"}, idempotent=False)
            if status == 201:
                placed.append((body["callId"], at, crisis))
            elif status == 0:
                unacknowledged[0] += 1
                failed_at.append(at)
            else:
                refused[status] = refused.get(status, 0) + 1
                failed_at.append(at)
            time.sleep(max(0.0, start + n / a.rate - time.time()))

    talking = {}
    busy = set()  # counsellors with an action in flight: each acts on its own thread, so one slow node stalls nobody else
    busy_lock = threading.Lock()

    def act(cid, method, path, body=None):
        try:
            cluster.request(method, path, body, timeout=3)
        finally:
            with busy_lock:
                busy.discard(cid)

    def counsellors():
        while not stop_all.is_set():
            status, snap = cluster.request("GET", f"/api/centres/{CENTRE}/live", timeout=2)
            if status != 200:
                time.sleep(0.25)
                continue
            now = time.time()
            for c in snap["counselors"]:
                cid, state, call = c["counselorId"], c["state"], c.get("callId")
                action = None
                if state == "Offered" and call:
                    action = ("POST", f"/api/counselors/{cid}/accept", {"callId": call})
                    talking[cid] = (call, now)
                elif state == "OnCall" and call:
                    since = talking.setdefault(cid, (call, now))
                    if since[0] != call:
                        talking[cid] = (call, now)
                    elif now - since[1] >= a.talk:
                        action = ("POST", f"/api/counselors/{cid}/end", {"callId": call})
                elif state == "WrapUp":
                    action = ("POST", f"/api/counselors/{cid}/wrap-up/complete", None)
                elif state in ("NotResponding", "Offline"):
                    action = ("POST", f"/api/counselors/{cid}/presence", {"state": "Available"})
                if action:
                    with busy_lock:
                        if cid in busy:
                            continue
                        busy.add(cid)
                    threading.Thread(target=act, args=(cid, *action), daemon=True).start()
            time.sleep(0.25)

    threads = [threading.Thread(target=callers, daemon=True), threading.Thread(target=counsellors, daemon=True)]
    for t in threads:
        t.start()
    threads[0].join()
    print(f"drill: load over: {len(placed)} calls acknowledged, {unacknowledged[0]} unacknowledged, refused {refused}", flush=True)

    def read(call_id):
        status, body = cluster.request("GET", f"/api/calls/{call_id}")
        return body if status == 200 else None

    deadline = time.time() + a.drain
    open_calls = [c for c, _, _ in placed]
    while open_calls and time.time() < deadline:
        open_calls = [c for c in open_calls if (read(c) or {}).get("status") not in ("Ended", "Abandoned")]
        if open_calls:
            time.sleep(1)
    stop_all.set()

    calls = []
    for call_id, at, crisis in placed:
        calls.append((call_id, at, crisis, read(call_id)))
    lost = [c for c, _, _, s in calls if s is None]
    unfinished = [(c, s["status"]) for c, _, _, s in calls if s is not None and s["status"] not in ("Ended", "Abandoned")]
    crisis_calls = [(c, s) for c, _, cr, s in calls if cr]
    crisis_cases = sum(1 for _, s in crisis_calls if s and any(t["kind"] == "CrisisCaseOpened" for t in s["timeline"]))

    def epoch(text):
        return time_from_iso(text) if text else None

    answered_in = []
    routed_in = []
    for c, at, _, s in calls:
        if s and s.get("connectedAt"):
            answered_in.append((at, epoch(s["connectedAt"]) - at))
        offered = [t for t in (s or {}).get("timeline", []) if t["kind"] == "Offered"]
        if offered:
            routed_in.append((at, epoch(offered[0]["at"]) - at))
    twice = 0
    for c, _, _, s in calls:
        if not s:
            continue
        open_offer = None
        for t in s["timeline"]:
            if t["kind"] == "Offered":
                if open_offer and open_offer != t.get("counselorId"):
                    twice += 1
                open_offer = t.get("counselorId")
            elif t["kind"] in ("OfferDeclined", "OfferTimedOut", "RingFailed", "Connected", "Queued", "Requeued"):
                open_offer = None

    # A counsellor on two calls at once (their connected spells overlap): a split brain would show here.
    spells = {}
    for c, _, _, s in calls:
        if s and s.get("connectedAt") and s.get("counselorId"):
            spells.setdefault(s["counselorId"], []).append((epoch(s["connectedAt"]), epoch(s.get("endedAt")) or time.time()))
    double_booked = 0
    for spans in spells.values():
        spans.sort()
        for (a0, a1), (b0, b1) in zip(spans, spans[1:]):
            if b0 < a1 - 0.001:
                double_booked += 1

    recovery = None
    event_at = None
    if a.event_file:
        try:
            event_at = float(open(a.event_file).read().split()[0])
        except (OSError, ValueError, IndexError):
            event_at = None
    if event_at:
        after = sorted(x for x in routed_in if x[0] >= event_at - 30)
        recovery = 0.0
        for at, took in after:
            if took > a.normal:
                recovery = max(recovery, at + took - event_at)
        for at in failed_at:
            if at >= event_at - 1:
                recovery = max(recovery, at + 1.0 / a.rate - event_at)
    routes = sorted(t for _, t in routed_in)
    waits = sorted(t for _, t in answered_in)
    p50 = waits[len(waits) // 2] if waits else None
    p99 = waits[min(len(waits) - 1, int(len(waits) * 0.99))] if waits else None
    report = {
        "acknowledged": len(placed),
        "unacknowledged": unacknowledged[0],
        "refused": refused,
        "lost": len(lost),
        "unfinished": len(unfinished),
        "answered": sum(1 for _, _, _, s in calls if s and s["status"] == "Ended" and s.get("connectedAt")),
        "abandoned": sum(1 for _, _, _, s in calls if s and s["status"] == "Abandoned"),
        "crisisPlaced": len(crisis_calls),
        "crisisCases": crisis_cases,
        "offeredTwiceAtOnce": twice,
        "counsellorOnTwoCallsAtOnce": double_booked,
        "routedSecondsP50": routes and round(routes[len(routes) // 2], 2),
        "routedSecondsMax": routes and round(routes[-1], 2),
        "answerSecondsP50": p50 and round(p50, 2),
        "answerSecondsP99": p99 and round(p99, 2),
        "answerSecondsMax": waits and round(waits[-1], 2),
        "recoverySeconds": None if recovery is None else round(recovery, 1),
        "failedPlacementsAfterEvent": [round(t - event_at, 1) for t in failed_at] if event_at else None,
        "clientErrors": cluster.errors,
    }
    print("drill: " + json.dumps(report, ensure_ascii=False), flush=True)
    if lost:
        print(f"drill: LOST {lost[:10]}", flush=True)
    if unfinished:
        print(f"drill: UNFINISHED {unfinished[:10]}", flush=True)
    if a.out:
        with open(a.out, "w") as f:
            json.dump({"report": report, "calls": [s for _, _, _, s in calls]}, f)
    ok = not lost and not unfinished and crisis_cases == len(crisis_calls) and twice == 0 and double_booked == 0 and len(placed) > 0
    if a.max_recovery is not None and (recovery is None or recovery > a.max_recovery):
        ok = False
    return 0 if ok else 1


def time_from_iso(text):
    # .NET writes e.g. 2026-12-02T05:40:01.1234567+00:00; Python's fromisoformat takes up to 6 fraction digits.
    from datetime import datetime
    m = re.match(r"^(.*?T\d\d:\d\d:\d\d)(\.\d+)?(.*)$", text)
    frac = (m.group(2) or ".0")[:7]
    tz = m.group(3) or "+00:00"
    if tz == "Z":
        tz = "+00:00"
    return datetime.fromisoformat(m.group(1) + frac + tz).timestamp()


if __name__ == "__main__":
    sys.exit(main())
