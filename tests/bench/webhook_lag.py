#!/usr/bin/env python3
"""Webhook lag at a steady append rate: how long after an event is recorded its webhook arrives.

Starts perspectief-server on a fresh store with 20 webhook subscriptions (role intake, maxBatch
100) to bare_beast_server, plus one more to a receiver in this script that notes, for every
event, its arrival time minus the event's recordedAt (the same clock: one machine). Appends
RATE new cases per second for SECONDS from 8 keep-alive connections, paced to the schedule,
then prints the appends done, and the lag's median, 99th percentile and maximum.
Not part of the test suite.

Usage: tests/bench/webhook_lag.py [BUILD_DIR] [RATE] [SECONDS] [SUBSCRIPTIONS]
"""
import datetime
import http.client
import http.server
import json
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time

root = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
build = sys.argv[1] if len(sys.argv) > 1 else os.path.join(root, "build/release")
rate = int(sys.argv[2]) if len(sys.argv) > 2 else 1000
seconds = int(sys.argv[3]) if len(sys.argv) > 3 else 30
subs = int(sys.argv[4]) if len(sys.argv) > 4 else 20
work = tempfile.mkdtemp()
lags = []
lock = threading.Lock()


class Receiver(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        body = self.rfile.read(int(self.headers["content-length"]))
        now = time.time()
        events = json.loads(body)["events"]
        with lock:
            for e in events:
                recorded = datetime.datetime.fromisoformat(e["recordedAt"].replace("Z", "+00:00"))
                lags.append(now - recorded.timestamp())
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def started(cmd):
    out = open(os.path.join(work, os.path.basename(cmd[0]) + ".out"), "w+")
    proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.DEVNULL)
    for _ in range(100):
        out.seek(0)
        text = out.read()
        if "listening on" in text:
            return proc, text.split("listening on ")[1].split()[0]
        time.sleep(0.1)
    raise SystemExit("did not start: " + cmd[0])


def request(conn, method, path, body=None):
    conn.request(method, path, body=body, headers={
        "Authorization": "Bearer bench-intake", "Content-Type": "application/json"})
    r = conn.getresponse()
    r.read()
    return r.status


def main():
    tokens = os.path.join(work, "tokens.json")
    with open(tokens, "w") as f:
        json.dump([{"token": "bench-intake", "subject": "bench", "organisation": "bench",
                    "role": "intake"}], f)
    os.chmod(tokens, 0o600)
    sink, sink_url = started([os.path.join(build, "tests/bench/bare_beast_server"), "--threads", "1"])
    server, url = started([os.path.join(build, "services/perspectief-server"), "--tokens", tokens,
                           "--data-dir", os.path.join(work, "data"), "--listen", "127.0.0.1:0",
                           "--threads", "2", "--webhook-allow", "127.0.0.1/32",
                           "--webhook-allow-http"])
    receiver = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Receiver)
    threading.Thread(target=receiver.serve_forever, daemon=True).start()
    host, port = url.replace("http://", "").split(":")
    conn = http.client.HTTPConnection(host, int(port))
    hooks = [(f"sink-{i}", sink_url + "/hook") for i in range(subs)]
    hooks.append(("measured", f"http://127.0.0.1:{receiver.server_address[1]}/hook"))
    for sid, target in hooks:
        body = json.dumps({"subscriptionId": sid, "startAt": "end",
                           "delivery": {"kind": "webhook", "url": target}})
        assert request(conn, "POST", "/v1/subscriptions", body) == 201
    done = [0]

    def writer(w, writers=8):
        c = http.client.HTTPConnection(host, int(port))
        interval = writers / rate
        start = time.monotonic()
        i = 0
        while True:
            due = start + i * interval
            if due - start > seconds:
                return
            delay = due - time.monotonic()
            if delay > 0:
                time.sleep(delay)
            body = '{"type":"CaseRegistered","data":{"person":{"name":"Lag Bench"}}}'
            if request(c, "POST", f"/v1/cases/lag-{w}-{i}/events", body) == 201:
                with lock:
                    done[0] += 1
            i += 1

    threads = [threading.Thread(target=writer, args=(w,)) for w in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    deadline = time.time() + 30
    while time.time() < deadline:
        with lock:
            if len(lags) >= done[0]:
                break
        time.sleep(0.2)
    server.terminate()
    sink.terminate()
    server.wait()
    sink.wait()
    with lock:
        got = sorted(lags)
    print(f"appends {done[0]} in {seconds} s ({done[0] / seconds:.0f}/s) with {subs} + 1 webhook "
          f"subscriptions; measured subscription received {len(got)} events")
    if got:
        p99 = got[min(len(got) - 1, int(len(got) * 0.99))]
        print(f"lag (arrival - recordedAt): median {statistics.median(got) * 1000:.0f} ms, "
              f"p99 {p99 * 1000:.0f} ms, max {got[-1] * 1000:.0f} ms")


main()
