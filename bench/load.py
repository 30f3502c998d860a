"""Load test: N simulated users chat with `bot serve` for D seconds; latency, failures and the server's memory.

Why: the chat must stay correct and bounded in memory when many people use it at once. This script starts
`bot serve` on a free 127.0.0.1 port (the real default model; BOT_CACHE_DIR / BOT_INDEX_DIR from the caller,
else a temporary folder), waits until the index is loaded, then lets each user ask questions from
bench/questions.jsonl (with their chat history, so follow-ups are follow-ups) exactly as the page does:
POST /gradio_api/queue/join, then read the event stream until the reply is complete. Every user stops at the
deadline, each request has a timeout, and the total number of requests is capped. The server's resident
memory (and CPU time) is sampled every 0.5 s.

The first --warmup seconds (default 30) are load that is not measured: a fresh server's memory climbs while
it meets its first questions (torch and tokenizer buffers), then levels off; growth after that is a leak.

    .venv/bin/python bench/load.py                       # 50 users, 30 s warm-up, 60 s measured
    .venv/bin/python bench/load.py --think 10            # each user reads a reply for 10 s on average
    .venv/bin/python bench/load.py --users 10 --duration 15 --warmup 15 --json
    .venv/bin/python bench/load.py --url http://127.0.0.1:7860/ --pid 1234   # a server already running
    .venv/bin/python bench/load.py --model-calls         # lock vs no lock vs batching, in this process
    .venv/bin/python bench/load.py --echo                # the same users against a page with no bot behind it

Exit code 1 when a request failed or the server's memory grew by more than 10 % from the first to the last
window of the measured time (10 s each, or a third of it when it is shorter than 30 s).
"""
from __future__ import annotations

import argparse
import itertools
import json
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from urllib.parse import urlsplit

PROJECT = Path(__file__).resolve().parents[1]
QUESTIONS = PROJECT / "bench" / "questions.jsonl"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
BUSY_WORDS = ("still loading", "正在建立索引", "正在加载模型")  # the reply while the index is loading
FAILED_WORDS = ("出错了", "Something went wrong")  # the reply when the server caught an unexpected error


# ---------------------------------------------------------------- the server


@dataclass
class Server:
    """A `bot serve` process (started here, or one already running when `process` is None)."""

    url: str
    pid: int
    process: subprocess.Popen | None = None
    log: Path | None = None
    scratch: Path | None = None  # a temporary folder made for this server, removed when it stops

    @classmethod
    def start(cls, cache_dir: Path | None = None, index_dir: Path | None = None, state: Path | None = None,
              extra_env: dict | None = None, echo: bool = False) -> "Server":
        """`bot serve --port <free port>` (with `echo`, bench/echo_chat.py) in its own session, its output in a
        log file."""
        scratch = None if state else Path(tempfile.mkdtemp(prefix="bot-load-"))
        state = Path(state or scratch)
        port = free_port()
        env = dict(os.environ, PYTHONUNBUFFERED="1", **(extra_env or {}))
        env["BOT_CACHE_DIR"] = str(cache_dir or os.environ.get("BOT_CACHE_DIR") or state / "cache")
        env["BOT_INDEX_DIR"] = str(index_dir or os.environ.get("BOT_INDEX_DIR") or state / "index")
        log = state / f"serve-{port}.log"
        with log.open("w", encoding="utf-8") as sink:
            command = ([sys.executable, str(PROJECT / "bench" / "echo_chat.py")] if echo else
                       [sys.executable, "-m", "bot.cli", "serve", "--host", "127.0.0.1"])
            process = subprocess.Popen(
                [*command, "--port", str(port)],
                env=env, cwd=PROJECT, stdout=sink, stderr=subprocess.STDOUT, start_new_session=True)
        return cls(f"http://127.0.0.1:{port}/", process.pid, process, log, scratch)

    def log_tail(self, lines: int = 20) -> str:
        if self.log is None or not self.log.exists():
            return ""
        return "\n".join(self.log.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:])

    def check_alive(self) -> None:
        if self.process is not None and self.process.poll() is not None:
            raise RuntimeError(f"bot serve exited with code {self.process.returncode}:\n{self.log_tail()}")

    def wait_ready(self, timeout: float = 900) -> float:
        """Wait for the page, then for a real answer (the index may be built first); the seconds it took."""
        import httpx

        started = time.monotonic()
        deadline = started + timeout
        with httpx.Client(timeout=10) as client:
            while True:
                self.check_alive()
                if time.monotonic() > deadline:
                    raise TimeoutError(f"no page at {self.url} after {timeout} s:\n{self.log_tail()}")
                try:
                    if client.get(self.url).status_code == 200:
                        break
                except httpx.TransportError:
                    pass
                time.sleep(0.3)
            chat = Chat(self.url, client)
            while True:
                self.check_alive()
                result = chat.ask("第5段", [], timeout=max(5.0, deadline - time.monotonic()))
                if result.ok:
                    return time.monotonic() - started
                if not any(word in result.reply for word in BUSY_WORDS) or time.monotonic() > deadline:
                    raise RuntimeError(f"the server cannot answer: {result.error}\n{self.log_tail()}")
                time.sleep(1)

    def stop(self) -> None:
        """Stop a server this script started (its own process group only)."""
        if self.process is not None and self.process.poll() is None:
            try:
                os.killpg(self.process.pid, signal.SIGTERM)  # SIGINT may be ignored in a background job
                self.process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                os.killpg(self.process.pid, signal.SIGKILL)
                self.process.wait(timeout=20)
            except ProcessLookupError:
                pass
        if self.scratch is not None:
            shutil.rmtree(self.scratch, ignore_errors=True)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def require_loopback(url: str) -> None:
    host = urlsplit(url).hostname or ""
    if host not in LOOPBACK and not host.startswith("127."):
        raise SystemExit(f"refusing to load-test {url}: only loopback servers")


# ---------------------------------------------------------------- one chat request, as the page sends it


@dataclass
class Result:
    ok: bool
    seconds: float
    reply: str = ""
    error: str = ""
    started: float = 0.0  # seconds after the load began
    ended: float = 0.0


class Chat:
    """The page's chat event (the textbox's submit), called over Gradio's queue protocol."""

    def __init__(self, url: str, client) -> None:
        self.base = url.rstrip("/") + "/gradio_api"
        self.client = client
        self.session = uuid.uuid4().hex[:12]
        self.fn_index, self.trigger, self.more = self._submit_event(url)

    def _submit_event(self, url: str) -> tuple[int, int, list]:
        """The textbox's submit event, and the page's current values of its inputs after the question and the
        chat (the document picker: "" for all documents), sent as the page sends them."""
        config = self.client.get(url.rstrip("/") + "/config").json()
        kinds = {c["id"]: c.get("type") for c in config["components"]}
        values = {c["id"]: (c.get("props") or {}).get("value") for c in config["components"]}
        for n, dependency in enumerate(config["dependencies"]):
            for target, event in dependency.get("targets", []):
                if event == "submit" and kinds.get(target) == "textbox":
                    more = [values.get(i) for i in (dependency.get("inputs") or [])[2:]]
                    return dependency.get("id", n), target, more
        raise RuntimeError("the page has no textbox submit event")

    def ask(self, question: str, history: list[dict], timeout: float = 120) -> Result:
        started = time.monotonic()
        try:
            joined = self.client.post(self.base + "/queue/join", json={
                "data": [question, history, *self.more], "fn_index": self.fn_index, "trigger_id": self.trigger,
                "session_hash": self.session, "event_data": None}, timeout=timeout)
            if joined.status_code != 200:
                return Result(False, time.monotonic() - started, error=f"join: HTTP {joined.status_code}")
            event_id = joined.json()["event_id"]
            return self._read(event_id, started, timeout)
        except Exception as error:  # a dropped connection, a timeout, a malformed event: a failed request
            return Result(False, time.monotonic() - started, error=f"{type(error).__name__}: {error}"[:200])

    def _read(self, event_id: str, started: float, timeout: float) -> Result:
        import httpx

        limits = httpx.Timeout(timeout, connect=10)
        with self.client.stream("GET", self.base + "/queue/data", params={"session_hash": self.session},
                                timeout=limits) as stream:
            if stream.status_code != 200:
                return Result(False, time.monotonic() - started, error=f"data: HTTP {stream.status_code}")
            for line in stream.iter_lines():
                if time.monotonic() - started > timeout:
                    return Result(False, time.monotonic() - started, error="timeout")
                if not line.startswith("data:"):
                    continue
                message = json.loads(line[5:])
                if message.get("event_id") not in (None, event_id):
                    continue
                if message.get("msg") == "process_completed":
                    return self._completed(message, started)
                if message.get("msg") == "close_stream":
                    break
        return Result(False, time.monotonic() - started, error="the stream ended without a reply")

    @staticmethod
    def _completed(message: dict, started: float) -> Result:
        seconds = time.monotonic() - started
        output = message.get("output") or {}
        if not message.get("success"):
            return Result(False, seconds, error=f"server error: {json.dumps(message, ensure_ascii=False)[:300]}")
        messages = (output.get("data") or [None, []])[1] or []
        reply = reply_text(messages[-1]) if messages and messages[-1].get("role") == "assistant" else ""
        if not reply.strip():
            return Result(False, seconds, reply, "empty reply")
        for word in (*FAILED_WORDS, *BUSY_WORDS):
            if word in reply:
                return Result(False, seconds, reply, f"reply says: {reply[:120]}")
        return Result(True, seconds, reply)


def reply_text(message: dict) -> str:
    content = message.get("content")
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        return " ".join(part.get("text", "") for part in content if isinstance(part, dict))
    return str(content or "")


def history_of(previous: list[str]) -> list[dict]:
    """A chat history as the page holds it: the earlier questions, each with a reply."""
    turns: list[dict] = []
    for question in previous:
        turns += [{"role": "user", "content": [{"type": "text", "text": question}]},
                  {"role": "assistant", "content": [{"type": "text", "text": "（上一轮的回答）"}]}]
    return turns


def load_questions(path: Path = QUESTIONS) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


# ---------------------------------------------------------------- memory


class MemorySampler(threading.Thread):
    """The resident memory of the server (and any child of it) every `every` seconds."""

    def __init__(self, pid: int, every: float = 0.5) -> None:
        super().__init__(name="rss-sampler", daemon=True)
        import psutil

        self.process = psutil.Process(pid)
        self.every = every
        self.samples: list[tuple[float, int]] = []  # (seconds since start, bytes)
        self.cpu_start = self.cpu_seconds()
        self._halt = threading.Event()
        self.started = time.monotonic()

    def rss(self) -> int:
        import psutil

        total = self.process.memory_info().rss
        for child in self.process.children(recursive=True):
            try:
                total += child.memory_info().rss
            except psutil.Error:
                pass
        return total

    def cpu_seconds(self) -> float:
        times = self.process.cpu_times()
        return times.user + times.system

    def run(self) -> None:
        import psutil

        while not self._halt.is_set():
            try:
                self.samples.append((time.monotonic() - self.started, self.rss()))
            except psutil.Error:
                return
            self._halt.wait(self.every)

    def stop(self) -> float:
        """Stop sampling; the server's CPU seconds since the sampler was made."""
        self._halt.set()
        self.join(timeout=5)
        return self.cpu_seconds() - self.cpu_start


# ---------------------------------------------------------------- the run


@dataclass
class Report:
    users: int
    duration: float
    requests: int
    failures: int
    p50: float
    p95: float
    max_latency: float
    throughput: float
    peak_rss_mb: float
    first_rss_mb: float
    last_rss_mb: float
    window: float
    growth: float
    errors: list[str] = field(default_factory=list)
    server_cpu_per_request: float = 0.0  # CPU seconds the server spent per request
    warmup: float = 0.0  # seconds of load before the measured window
    measured_requests: int = 0  # requests begun in the measured window (the latencies are theirs)
    think: float = 0.0  # each user's mean pause between a reply and the next question (0: back to back)
    samples: list[tuple[float, float]] = field(default_factory=list, repr=False)  # (seconds, RSS MB)

    @property
    def ok(self) -> bool:
        return self.failures == 0 and self.requests > 0 and self.growth <= 0.10

    def lines(self) -> list[str]:
        return [
            f"users {self.users}, {self.duration:.0f} s measured after {self.warmup:.0f} s of warm-up, "
            + (f"a pause of {self.think:g} s on average between a reply and the next question" if self.think
               else "each asking again as soon as a reply is complete"),
            f"requests {self.requests} ({self.measured_requests} begun in the measured window), "
            f"failures {self.failures}",
            f"latency p50 {self.p50:.2f} s, p95 {self.p95:.2f} s, max {self.max_latency:.2f} s",
            f"throughput {self.throughput:.2f} requests/s; server CPU {self.server_cpu_per_request:.2f} s per request",
            f"server RSS peak {self.peak_rss_mb:.0f} MB; mean first {self.window:.0f} s {self.first_rss_mb:.0f} MB, "
            f"last {self.window:.0f} s {self.last_rss_mb:.0f} MB ({self.growth:+.1%})",
            *(f"error: {error}" for error in self.errors[:5]),
        ]


def percentile(values: list[float], fraction: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(fraction * (len(ordered) - 1))))]


def run_load(url: str, pid: int, users: int = 50, duration: float = 60, max_requests: int = 20_000,
             timeout: float = 120, warmup: float = 0.0, seed: int = 0, questions: list[dict] | None = None,
             think: float = 0.0) -> Report:
    """`users` threads ask until the deadline (or the cap); every reply is checked.

    The first `warmup` seconds are load like the rest but not measured (a failure then still counts): the
    server's memory rises while it meets its first questions and then levels off. The cap counts only the
    requests begun after the warm-up, so a fast server cannot spend it before anything is measured.
    `think` > 0 makes each user pause after a reply, for a random time of that mean (exponential), as a
    person reads the answer; 0 asks again at once, which measures the server's saturation, not people.
    """
    import httpx

    require_loopback(url)
    questions = questions or load_questions()
    sampler = MemorySampler(pid)
    results: list[Result] = []
    lock = threading.Lock()
    budget = itertools.count()
    start = sampler.started
    deadline = start + warmup + duration
    sampler.start()

    def user(n: int) -> None:
        order = random.Random(seed + n)
        with httpx.Client(timeout=timeout) as client:
            try:
                chat = Chat(url, client)
            except Exception as error:
                with lock:
                    results.append(Result(False, 0.0, error=f"config: {type(error).__name__}: {error}"))
                return
            while time.monotonic() < deadline:
                began = time.monotonic() - start
                if began >= warmup and next(budget) >= max_requests:
                    break
                record = order.choice(questions)
                result = chat.ask(record["q"], history_of(record.get("history", [])), timeout=timeout)
                result.started, result.ended = began, time.monotonic() - start
                with lock:
                    results.append(result)
                if think > 0:
                    time.sleep(max(0.0, min(order.expovariate(1 / think), deadline - time.monotonic())))

    threads = [threading.Thread(target=user, args=(n,), name=f"user-{n}", daemon=True) for n in range(users)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(max(1.0, deadline + timeout + 30 - time.monotonic()))
    cpu = sampler.stop()
    return replace(_report(users, warmup, duration, results, sampler.samples, cpu), think=think)


def _report(users: int, warmup: float, duration: float, results: list[Result], samples: list[tuple[float, int]],
            cpu: float = 0.0) -> Report:
    """Figures over the measured window [warmup, warmup + duration]; memory in its first and last seconds."""
    end = warmup + duration
    measured = [r for r in results if r.started >= warmup]
    latencies = [r.seconds for r in measured if r.ok]
    failures = [r for r in results if not r.ok]
    window = min(10.0, duration / 3)
    inside = [(t, rss) for t, rss in samples if warmup <= t <= end] or samples or [(0.0, 0)]
    first = [rss for t, rss in inside if t <= warmup + window] or [inside[0][1]]
    last = [rss for t, rss in inside if t >= end - window] or [inside[-1][1]]
    first_mean, last_mean = statistics.fmean(first), statistics.fmean(last)
    mb = 1 << 20
    return Report(
        users=users, duration=duration, requests=len(results), failures=len(failures),
        p50=percentile(latencies, 0.50), p95=percentile(latencies, 0.95), max_latency=max(latencies, default=0.0),
        throughput=sum(1 for r in results if r.ok and warmup <= r.ended <= end) / duration,
        peak_rss_mb=max((rss for _, rss in samples), default=0) / mb,
        first_rss_mb=first_mean / mb, last_rss_mb=last_mean / mb, window=window,
        growth=(last_mean - first_mean) / first_mean if first_mean else 0.0,
        errors=sorted({r.error for r in failures}),
        server_cpu_per_request=cpu / len(results) if results else 0.0,
        warmup=warmup, measured_requests=len(measured),
        samples=[(round(t, 2), round(rss / mb, 1)) for t, rss in samples],
    )


# ---------------------------------------------------------------- model calls: lock, no lock, batches


def compare_model_calls(threads: int = 8, count: int = 96, rounds: int = 3, cache_dir: Path | None = None,
                        torch_threads: int | None = None) -> list[str]:
    """Embed `count` questions from `threads` threads: the embedder's lock, no lock, and grouped batches.

    The variants take turns for `rounds` rounds (the machine's other load drifts); the median round is shown.
    `torch_threads` sets torch's intra-op threads in every calling thread (default: torch's own choice).
    """
    from concurrent.futures import ThreadPoolExecutor

    import torch

    from bot.config import Config
    from bot.embedder import SentenceTransformerEmbedder

    def set_threads() -> None:
        if torch_threads:
            torch.set_num_threads(torch_threads)

    set_threads()
    config = Config.from_env(cache_dir=cache_dir)
    embedder = SentenceTransformerEmbedder(config.model, config.cache_dir, progress=False)
    model = embedder.load()
    texts = [record["q"] for record in load_questions()]
    texts = (texts * (count // len(texts) + 1))[:count]
    for _ in range(3):
        embedder.embed_queries(texts[:16])  # warm up

    def one_by_one() -> list[float]:
        return [_seconds(embedder.embed_queries, [text]) for text in texts]

    def concurrently(one) -> list[float]:
        with ThreadPoolExecutor(threads, initializer=set_threads) as pool:
            return list(pool.map(lambda text: _seconds(one, [text]), texts))

    def unlocked(batch: list[str]):
        return model.encode_query(batch, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)

    def batched(size: int):
        def run() -> list[float]:
            latencies = []
            for i in range(0, count, size):
                chunk = texts[i:i + size]
                latencies += [_seconds(embedder.embed_queries, chunk)] * len(chunk)
            return latencies
        return run

    variants = {
        "one thread, one question at a time": one_by_one,
        f"{threads} threads, lock (as shipped)": lambda: concurrently(embedder.embed_queries),
        f"{threads} threads, no lock": lambda: concurrently(unlocked),
        **{f"batches of {size}": batched(size) for size in (4, 8, 16)},
    }
    rates: dict[str, list[tuple[float, list[float]]]] = {name: [] for name in variants}
    for round_ in range(rounds):
        names = list(variants)
        for name in names[round_ % len(names):] + names[:round_ % len(names)]:
            started = time.perf_counter()
            latencies = variants[name]()
            rates[name].append((count / (time.perf_counter() - started), latencies))
    lines = [f"torch threads {torch.get_num_threads()}, {os.cpu_count()} CPUs, {threads} client threads, "
             f"{count} questions, median of {rounds} rounds"]
    for name, runs in rates.items():
        rate, latencies = sorted(runs, key=lambda run: run[0])[len(runs) // 2]
        lines.append(f"{name:<36} {rate:6.1f} questions/s   p50 {statistics.median(latencies) * 1000:5.0f} ms"
                     f"   p95 {percentile(latencies, 0.95) * 1000:5.0f} ms")
    return lines


def _seconds(function, *args) -> float:
    began = time.perf_counter()
    function(*args)
    return time.perf_counter() - began


# ---------------------------------------------------------------- command line


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--duration", type=float, default=60, help="seconds of load")
    parser.add_argument("--max-requests", type=int, default=20_000, help="hard cap on the requests begun after the warm-up")
    parser.add_argument("--timeout", type=float, default=120, help="seconds one request may take")
    parser.add_argument("--think", type=float, default=0.0,
                        help="each user's mean pause in seconds between a reply and the next question (default 0: back to back)")
    parser.add_argument("--warmup", type=float, default=30,
                        help="seconds of load before the measured window (not counted in latency or memory)")
    parser.add_argument("--url", help="a running loopback server instead of starting one")
    parser.add_argument("--pid", type=int, help="with --url: the server's pid, for its memory")
    parser.add_argument("--cache-dir", type=Path, help="model cache for the server [env BOT_CACHE_DIR]")
    parser.add_argument("--index-dir", type=Path, help="index folder for the server [env BOT_INDEX_DIR]")
    parser.add_argument("--ready-timeout", type=float, default=900, help="seconds to wait for the index")
    parser.add_argument("--server-env", action="append", default=[], metavar="KEY=VALUE",
                        help="an environment variable for the started server, e.g. GRADIO_DEFAULT_CONCURRENCY_LIMIT=8")
    parser.add_argument("--echo", action="store_true",
                        help="load bench/echo_chat.py instead: the same chat event with a fixed reply (Gradio's own ceiling)")
    parser.add_argument("--json", action="store_true", help="print the report as one JSON object")
    parser.add_argument("--samples", type=Path, help="write the server's RSS samples here (seconds,MB per line)")
    parser.add_argument("--model-calls", action="store_true", help="compare lock, no lock and batching instead")
    parser.add_argument("--torch-threads", type=int, help="with --model-calls: torch's intra-op threads")
    args = parser.parse_args(argv)
    if args.users < 1 or args.duration <= 0 or args.max_requests < 1:
        parser.error("--users, --duration and --max-requests must be positive")
    if args.think < 0:
        parser.error("--think must be 0 or more seconds")
    if args.model_calls:
        print("\n".join(compare_model_calls(cache_dir=args.cache_dir, torch_threads=args.torch_threads)))
        return 0
    if args.url:
        if not args.pid:
            parser.error("--url needs --pid (the server's memory is measured)")
        require_loopback(args.url)
        server = Server(args.url, args.pid)
    else:
        extra = dict(item.split("=", 1) for item in args.server_env)
        server = Server.start(args.cache_dir, args.index_dir, extra_env=extra, echo=args.echo)
    try:
        ready = server.wait_ready(args.ready_timeout)
        if not args.json:
            print(f"server {server.url} (pid {server.pid}) ready after {ready:.1f} s", file=sys.stderr)
        report = run_load(server.url, server.pid, args.users, args.duration, args.max_requests, args.timeout,
                          args.warmup, think=args.think)
    except (RuntimeError, TimeoutError) as error:  # the server never answered: no load to measure
        if args.json:
            print(json.dumps({"ok": False, "error": str(error).splitlines()[0]}, ensure_ascii=False))
        print(f"error: {error}", file=sys.stderr)
        return 1
    finally:
        server.stop()
    if args.samples:
        args.samples.write_text("".join(f"{t},{mb}\n" for t, mb in report.samples), encoding="utf-8")
    if args.json:
        summary = {key: value for key, value in asdict(report).items() if key != "samples"}
        print(json.dumps(summary | {"ok": report.ok}, ensure_ascii=False))
    else:
        print("\n".join(report.lines()))
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
