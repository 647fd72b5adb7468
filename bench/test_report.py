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


def jfr_json(events):
    import json
    return json.dumps({"recording": {"events": events}})


def alloc(thread_id, when, allocated):
    return {"type": "jdk.ThreadAllocationStatistics",
            "values": {"startTime": when, "allocated": allocated, "thread": {"javaThreadId": thread_id}}}


def gc(name, when, pauses):
    return {"type": "jdk.GarbageCollection", "values": {"startTime": when, "name": name, "sumOfPauses": pauses}}


class JfrTest(unittest.TestCase):
    def test_allocation_is_each_threads_growth_over_the_window_per_request(self):
        text = jfr_json([alloc(1, "2026-12-07T19:00:00Z", 1000), alloc(2, "2026-12-07T19:00:00Z", 50),
                         alloc(1, "2026-12-07T19:00:10Z", 301000), alloc(2, "2026-12-07T19:00:10Z", 100050),
                         alloc(3, "2026-12-07T19:00:10Z", 99000)])  # thread 3 started inside the window
        bytes_per_request, _, _, _ = report.jfr_figures(text, 1000).split()
        self.assertEqual("499", bytes_per_request)

    def test_gc_share_is_the_pauses_over_the_windows_wall_time_and_full_gcs_are_counted(self):
        text = jfr_json([alloc(1, "2026-12-07T19:00:00Z", 0), alloc(1, "2026-12-07T19:00:20Z", 10),
                         gc("G1New", "2026-12-07T19:00:05Z", "PT0.1S"), gc("G1New", "2026-12-07T19:00:06Z", "PT0.3S"),
                         gc("G1Full", "2026-12-07T19:00:07Z", "PT1M0.0S")])
        self.assertEqual("1 302.00 3 1", report.jfr_figures(text, 10))


def rows_file(directory, rows):
    path = os.path.join(directory, "rows.tsv")
    with open(path, "w") as f:
        for key, rps_, p50, p99 in rows:
            f.write(f"{key}\t-\t{rps_}\t{p50}\t{p99}\t250\t100\t1.0\t0\t\n")
    return path


def meta_file(directory, extra):
    path = os.path.join(directory, "meta.tsv")
    base = {"when": "now", "args": "20 16 1000", "commit": "abc", "cores": "2", "cpu": "x", "mem": "1 GiB", "os": "y",
            "pg": "15", "java": "17", "conns": "16", "secs": "20", "ssecs": "10", "accounts": "1000",
            "storm_workers": "4"}
    base.update(extra)
    with open(path, "w") as f:
        f.write("".join(f"{k}\t{v}\n" for k, v in base.items()))
    return path


class TableTest(unittest.TestCase):
    def test_the_one_jvm_is_compared_with_the_bare_server_of_the_same_run(self):
        with tempfile.TemporaryDirectory() as d:
            out = report.table(rows_file(d, [("mix-standalone", "5000.0", "2.80", "20.60"),
                                             ("mix-bare", "10000.0", "1.50", "5.00")]),
                               meta_file(d, {"jfr_standalone": "63000 3.10 80 0"}))
        self.assertIn("One JVM ÷ bare: 0.50", out)
        self.assertIn("p99 ÷ bare: 4.12", out)
        self.assertIn("| bare Vert.x", out)
        self.assertIn("63.0 KB allocated a request", out)
        self.assertIn("GC pauses 3.10 % of wall time (80 pauses, 0 full)", out)

    def test_revisions_rows_show_off_against_on_or_why_they_were_skipped(self):
        with tempfile.TemporaryDirectory() as d:
            on_off = report.table(rows_file(d, [("mix-standalone", "5000.0", "2.80", "20.60"),
                                                ("mix-norev", "5500.0", "2.50", "18.00")]),
                                  meta_file(d, {"revisions_storage": "1000 4194304 8388608"}))
            skipped = report.table(rows_file(d, [("mix-standalone", "5000.0", "2.80", "20.60")]),
                                   meta_file(d, {"revisions": "skipped: the server does not know FLAMINGO_REVISIONS_KEEP"}))
        self.assertIn("| revisions off (`FLAMINGO_REVISIONS_KEEP=0`) | 5,500 |", on_off)
        self.assertIn("1,000 PUTs of a 4 KiB blob (revisions on, the defaults): data-service's tables grew by 4,096 KiB"
                      " (from 4,096 KiB to 8,192 KiB;", on_off)
        self.assertIn("Revisions: skipped: the server does not know FLAMINGO_REVISIONS_KEEP", skipped)


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
