"""Tests of the retry of a 503 in the scripts' one HTTP client (bin/lib/flamingo_http.py), which bench/setup.py
(the compose rows' setup through nginx included) and bin/upgrade-check's load rely on:
python3 -m unittest bench/test_client.py"""
import os, sys, threading, unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "bin", "lib"))
from flamingo_http import Client, HttpError  # noqa: E402


class Server:
    """A server that answers the statuses in `script` in turn (then 200), each 503 with `Retry-After: 0`."""

    def __init__(self, script, retry_after="0"):
        self.script, self.seen = list(script), []
        outer = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def answer(self):
                length = int(self.headers.get("Content-Length") or 0)
                outer.seen.append((self.command, self.rfile.read(length)))
                status = outer.script.pop(0) if outer.script else 200
                body = b'{"success":true,"data":{"n":%d}}' % len(outer.seen) if status == 200 \
                    else b'{"success":false,"error":"busy"}'
                self.send_response(status)
                if status == 503 and retry_after is not None:
                    self.send_header("Retry-After", retry_after)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            do_GET = do_PUT = do_POST = answer

        self.httpd = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=self.httpd.serve_forever, daemon=True).start()
        self.url = f"http://127.0.0.1:{self.httpd.server_port}"

    def close(self):
        self.httpd.shutdown()
        self.httpd.server_close()


class RetryTest(unittest.TestCase):
    def serve(self, script, retry_after="0"):
        server = Server(script, retry_after)
        self.addCleanup(server.close)
        return server

    def test_a_503_is_tried_again_after_its_retry_after_and_the_same_request_is_sent(self):
        server = self.serve([503, 503])
        c = Client(server.url, retries=5)
        self.addCleanup(c.close)
        self.assertEqual({"n": 3}, c.call("PUT", "/api/sync/data/history", {"x": 1}, token="t"))
        self.assertEqual([("PUT", b'{"x": 1}')] * 3, server.seen)

    def test_the_last_503_is_the_answer_once_the_retries_are_spent(self):
        server = self.serve([503, 503, 503])
        c = Client(server.url, retries=2)
        self.addCleanup(c.close)
        with self.assertRaises(HttpError) as e:
            c.call("POST", "/api/sync/init", {"device_name": "d", "device_type": "desktop"})
        self.assertEqual(503, e.exception.status)
        self.assertEqual(3, len(server.seen))

    def test_a_500_is_not_tried_again(self):
        server = self.serve([500])
        c = Client(server.url, retries=5)
        self.addCleanup(c.close)
        with self.assertRaises(HttpError) as e:
            c.call("GET", "/api/sync/config", token="t")
        self.assertEqual(500, e.exception.status)
        self.assertEqual(1, len(server.seen))


if __name__ == "__main__":
    unittest.main()
