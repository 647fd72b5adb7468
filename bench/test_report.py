"""Tests of bench/report.py's parsing and RESULTS.md writing:  python3 -m unittest bench/test_report.py"""
import os, sys, tempfile, threading, unittest
from http.server import BaseHTTPRequestHandler, HTTPServer

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import report  # noqa: E402

WRK = """Running 5s test @ http://127.0.0.1:8080
  2 threads and 8 connections
  Thread Stats   Avg      Stdev     Max   +/- Stdev
    Latency     3.10ms    5.00ms 208.38ms   97.00%
  Latency Distribution
     50%  {p50}
     75%    3.00ms
     90%    5.00ms
     99%  {p99}
  14277 requests in 5.02s, 60.00MB read
{extra}Requests/sec:   {rps}
Transfer/sec:     11.95MB
"""


def wrk_file(directory, name, p50, p99, rps, requests_extra=""):
    path = os.path.join(directory, name)
    with open(path, "w") as f:
        f.write(WRK.format(p50=p50, p99=p99, rps=rps, extra=requests_extra))
    return path


class WrkTest(unittest.TestCase):
    def test_units_become_milliseconds(self):
        with tempfile.TemporaryDirectory() as d:
            out = report.wrk([wrk_file(d, "a", "870.00us", "1.20s", "2844.60")])
        self.assertEqual("2844.6 0.87 1200.00 14277 0", out)

    def test_two_gateways_add_up_and_keep_the_worse_latency(self):
        with tempfile.TemporaryDirectory() as d:
            a = wrk_file(d, "a", "2.00ms", "40.00ms", "1000.00",
                         "  Socket errors: connect 0, read 1, write 0, timeout 2\n  Non-2xx or 3xx responses: 3\n")
            b = wrk_file(d, "b", "3.00ms", "30.00ms", "500.50")
            out = report.wrk([a, b])
        self.assertEqual("1500.5 3.00 40.00 28554 6", out)


    def test_warm_up_rounds_add_up_throughput(self):
        with tempfile.TemporaryDirectory() as d:
            out = report.rps([wrk_file(d, "a", "1.00ms", "2.00ms", "100.25"), wrk_file(d, "b", "1.00ms", "2.00ms", "50.50")])
        self.assertEqual("150.8", out)


class MetricsTest(unittest.TestCase):
    def serve(self, pages):
        class Handler(BaseHTTPRequestHandler):
            def do_GET(self):
                body = pages[self.path].encode()
                self.send_response(200)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)

            def log_message(self, *args):
                pass

        server = HTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        self.addCleanup(server.shutdown)
        return f"http://127.0.0.1:{server.server_port}"

    def test_the_sql_client_count_of_every_pool_is_summed_over_nodes_and_labels(self):
        base = self.serve({
            "/a": '# TYPE vertx_sql_processing_time_seconds_count counter\n'
                  'vertx_sql_processing_time_seconds_count{client_namespace="data"} 10.0\n'
                  'vertx_sql_processing_time_seconds_count{client_namespace="auth"} 5.0\nflamingo_db_statements_total 99\n',
            "/b": "vertx_sql_processing_time_seconds_count 7.0\n"})
        self.assertEqual("vertx_sql_processing_time_seconds_count 22", report.statements([base + "/a", base + "/b"]))

    def test_without_the_sql_client_count_data_services_counter_is_named(self):
        base = self.serve({"/a": "flamingo_db_statements_total{service=\"data\"} 20770\n"})
        self.assertEqual("flamingo_db_statements_total 20770", report.statements([base + "/a"]))

    def test_no_counter_and_unreachable_pages_say_none(self):
        base = self.serve({"/a": "jvm_info 1\n"})
        self.assertEqual("none 0", report.statements([base + "/a", "http://127.0.0.1:1/metrics"]))


class WriteTest(unittest.TestCase):
    def test_only_the_generated_section_is_replaced(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "RESULTS.md")
            with open(path, "w") as f:
                f.write(f"# Title\nkept\n{report.GEN_BEGIN}\nold table\n{report.GEN_END}\n## Where the time goes\nlead's notes\n")
            report.write(path, "new table\n")
            text = open(path).read()
        self.assertEqual(f"# Title\nkept\n{report.GEN_BEGIN}\nnew table\n{report.GEN_END}\n## Where the time goes\nlead's notes\n", text)

    def test_a_file_without_markers_is_refused(self):
        with tempfile.TemporaryDirectory() as d:
            path = os.path.join(d, "RESULTS.md")
            with open(path, "w") as f:
                f.write("hand-written\n")
            with self.assertRaises(SystemExit):
                report.write(path, "table\n")
            self.assertEqual("hand-written\n", open(path).read())


if __name__ == "__main__":
    unittest.main()
