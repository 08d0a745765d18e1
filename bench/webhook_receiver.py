#!/usr/bin/env python3
"""A webhook receiver for bench/http_vs_alertmanager.sh: answers every POST 200 and appends
one line per alert it carries (its summary annotation) to FILE, so the load generator
can time alert -> webhook the way it times event -> notification for baton.

    webhook_receiver.py PORT FILE
"""
import json
import sys
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

port, path = int(sys.argv[1]), sys.argv[2]
out = open(path, "a", buffering=1)


class Receiver(BaseHTTPRequestHandler):
    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        try:
            for alert in json.loads(body).get("alerts", []):
                out.write(alert.get("annotations", {}).get("summary", "") + "\n")
        except ValueError:
            pass
        self.send_response(200)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


ThreadingHTTPServer(("127.0.0.1", port), Receiver).serve_forever()
