"""bench/load.py: briefly against the session's real `bot serve` (no failure, no memory growth), and its
counting, bounds and failure detection against a stand-in server that speaks Gradio's queue protocol."""
from __future__ import annotations

import json
import os
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest

from bench import load
from bench.load import Result, _report, percentile, run_load
from tests.test_security import served  # noqa: F401  (one server for the session, shared with the security tests)

QUESTIONS = [{"q": "工作组第二次会议在哪里举行？"}, {"q": "那第三次会议呢？", "history": ["工作组第二次会议在哪里举行？"]}]


@pytest.mark.model
def test_ten_users_for_fifteen_seconds(served):
    report = run_load(served.url, served.pid, users=10, duration=15, warmup=15, max_requests=600, timeout=90)
    summary = "\n".join(report.lines())
    assert report.failures == 0, summary
    assert report.measured_requests >= 10, summary
    assert report.growth <= 0.10, summary
    assert report.peak_rss_mb > 200 and report.p95 >= report.p50 > 0


# -- a stand-in server ----------------------------------------------------------------------------------


class StandIn(BaseHTTPRequestHandler):
    """The three routes the load script uses; `reply` decides what every chat request gets."""

    reply: str = "答：见第2段。"
    status: int = 200
    seen: list[dict] = []
    delay: float = 0.0

    def log_message(self, *args):
        pass

    def _send(self, status: int, body: bytes, kind: str = "application/json") -> None:
        self.send_response(status)
        self.send_header("Content-Type", kind)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        if self.path.endswith("/config"):
            config = {"components": [{"id": 5, "type": "chatbot"}, {"id": 6, "type": "textbox"},
                                     {"id": 7, "type": "dropdown", "props": {"value": ""}}],
                      "dependencies": [{"id": 0, "targets": [[6, "submit"]], "inputs": [6, 5, 7]}]}
            self._send(200, json.dumps(config).encode())
        elif "/queue/data" in self.path:
            time.sleep(self.delay)
            message = {"msg": "process_completed", "event_id": "e1", "success": True, "output": {"data": [
                "", [{"role": "user", "content": [{"type": "text", "text": "q"}]},
                     {"role": "assistant", "content": [{"type": "text", "text": self.reply}]}], ""]}}
            self._send(200, f"data: {json.dumps(message, ensure_ascii=False)}\n\n".encode(), "text/event-stream")
        else:
            self._send(200, b"<html></html>", "text/html")

    def do_POST(self):
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        type(self).seen.append(body)
        self._send(self.status, json.dumps({"event_id": "e1"}).encode())


@pytest.fixture
def stand_in(monkeypatch):
    handler = type("Handler", (StandIn,), {"seen": []})
    server = ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    handler.url = f"http://127.0.0.1:{server.server_address[1]}/"
    yield handler
    server.shutdown()
    server.server_close()


def test_requests_are_sent_as_the_page_sends_them(stand_in):
    report = run_load(stand_in.url, os.getpid(), users=2, duration=0.5, questions=QUESTIONS)
    assert report.failures == 0 and report.requests == len(stand_in.seen) > 0
    body = stand_in.seen[0]
    assert body["fn_index"] == 0 and body["trigger_id"] == 6 and body["session_hash"]
    question, history, picked = body["data"]  # the document picker's value rides along, as the page sends it
    assert picked == ""
    assert question in {q["q"] for q in QUESTIONS}
    followups = [b["data"][1] for b in stand_in.seen if b["data"][0] == "那第三次会议呢？"]
    for history in followups:
        assert history[0] == {"role": "user", "content": [{"type": "text", "text": "工作组第二次会议在哪里举行？"}]}


def test_the_total_is_capped_and_users_stop_at_the_deadline(stand_in):
    began = time.monotonic()
    report = run_load(stand_in.url, os.getpid(), users=4, duration=30, max_requests=9, questions=QUESTIONS)
    assert report.requests == 9 and time.monotonic() - began < 10
    stand_in.delay = 0.2
    began = time.monotonic()
    report = run_load(stand_in.url, os.getpid(), users=3, duration=1.0, questions=QUESTIONS)
    assert time.monotonic() - began < 1.0 + 0.2 + 2
    assert 3 <= report.requests <= 3 * (1.0 / 0.2 + 1)


def test_users_who_pause_to_read_ask_less_often(stand_in):
    reading = run_load(stand_in.url, os.getpid(), users=2, duration=1.0, questions=QUESTIONS, think=0.5)
    # the better of two back-to-back seconds: a test process still busy with the test before it once made one
    # such second as slow as the readers' (1 s a reply, in a CI run)
    back_to_back = max((run_load(stand_in.url, os.getpid(), users=2, duration=1.0, questions=QUESTIONS) for _ in range(2)),
                       key=lambda report: report.requests)
    assert reading.think == 0.5 and "pause of 0.5 s" in reading.lines()[0]
    assert 2 <= reading.requests < back_to_back.requests / 3  # about 3 each in a second against dozens


def test_the_warm_up_does_not_spend_the_cap(stand_in):
    # a window long enough for 5 requests even when one stalls (it ends at the cap, not at the deadline)
    report = run_load(stand_in.url, os.getpid(), users=2, duration=3.0, warmup=0.5, max_requests=5,
                      questions=QUESTIONS)
    assert report.measured_requests == 5 and report.requests > 5  # the warm-up asked freely, the window 5 times


@pytest.mark.parametrize("reply, status, error", [
    ("出错了：RuntimeError。详情已写入服务器日志。(Something went wrong; see the server log.)", 200, "reply says"),
    ("正在建立索引… 索引准备好后即可提问。(The index is still loading; please wait.)", 200, "reply says"),
    ("", 200, "empty reply"),
    ("答", 503, "HTTP 503"),
])
def test_a_bad_reply_is_a_failure_and_the_exit_code_says_so(stand_in, reply, status, error, capsys):
    stand_in.reply, stand_in.status = reply, status
    report = run_load(stand_in.url, os.getpid(), users=1, duration=0.3, questions=QUESTIONS)
    assert report.failures == report.requests > 0 and not report.ok
    assert any(error in line for line in report.errors)
    code = load.main(["--url", stand_in.url, "--pid", str(os.getpid()), "--users", "1", "--duration", "0.3",
                      "--warmup", "0", "--ready-timeout", "1", "--json"])
    assert code == 1
    printed = json.loads(capsys.readouterr().out)
    assert printed["ok"] is False and (printed.get("failures") or printed.get("error"))


def test_a_healthy_run_exits_zero_and_prints_the_figures(stand_in, capsys):
    code = load.main(["--url", stand_in.url, "--pid", str(os.getpid()), "--users", "2", "--duration", "0.5",
                      "--warmup", "0"])
    out = capsys.readouterr().out
    assert code == 0
    for words in ("requests", "failures 0", "p50", "p95", "throughput", "RSS peak", "first", "last"):
        assert words in out


def test_only_loopback_servers_are_loaded():
    with pytest.raises(SystemExit, match="only loopback"):
        run_load("http://192.0.2.1:7860/", os.getpid(), users=1, duration=0.1)
    with pytest.raises(SystemExit, match="only loopback"):
        load.main(["--url", "http://example.com/", "--pid", "1"])


# -- the figures -----------------------------------------------------------------------------------------


def _result(ok: bool, seconds: float, started: float) -> Result:
    return Result(ok, seconds, started=started, ended=started + seconds)


def test_report_windows_and_growth():
    samples = [(t / 2, int((100 + (t / 2 > 20) * 20) * 2**20)) for t in range(0, 80)]  # 100 MB, 120 MB after 20 s
    results = [_result(True, 1.0, s) for s in range(5, 38)] + [_result(False, 2.0, 1.0)]
    report = _report(users=3, warmup=5, duration=30, results=results, samples=samples)
    assert report.window == 10 and report.first_rss_mb == 100 and report.last_rss_mb == 120
    assert report.growth == pytest.approx(0.2) and not report.ok
    assert report.failures == 1  # a failure in the warm-up counts
    assert report.measured_requests == 33 and report.p50 == 1.0
    assert report.throughput == pytest.approx(30 / 30)  # completed between 5 s and 35 s
    assert report.peak_rss_mb == 120


def test_percentile():
    assert percentile([], 0.5) == 0.0
    assert percentile([3.0, 1.0, 2.0], 0.5) == 2.0
    assert percentile(list(range(101)), 0.95) == 95
