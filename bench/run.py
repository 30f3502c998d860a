"""The benchmark: retrieval quality, latency, build time, cold start and memory, printed in one run.

Why one run: these machines are noisy, so figures are only comparable when measured side by side.
It uses the real default model (converted into BOT_CACHE_DIR, default ~/.cache/bot) and builds a fresh
index in a temporary folder, so it never touches the user's index.

    .venv/bin/python bench/run.py            # or: make bench
"""
from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from bot.config import Config
from bot.engine import Bot
from bot.evaluate import format_report, evaluate, load_questions

HERE = Path(__file__).resolve().parent
WARM_UP = 10


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def run_sampling_rss(command: list[str], env: dict) -> tuple[str, float]:
    """Run a command; its stdout and its peak RSS in MB, sampled every 20 ms (ru_maxrss of a forked child
    would report the parent's size)."""
    import psutil

    with tempfile.TemporaryFile() as out:
        process = subprocess.Popen(command, env=env, stdout=out, stderr=subprocess.DEVNULL)
        watched, peak = psutil.Process(process.pid), 0
        while process.poll() is None:
            try:
                peak = max(peak, watched.memory_info().rss)
            except psutil.Error:
                break
            time.sleep(0.02)
        if process.wait() != 0:
            raise SystemExit(f"{' '.join(command)} failed with exit code {process.returncode}")
        out.seek(0)
        return out.read().decode(), peak / 2**20


def main() -> None:
    questions = load_questions(HERE / "questions.jsonl")
    with tempfile.TemporaryDirectory(prefix="bot-bench-") as tmp:
        config = Config.from_env(index_dir=Path(tmp) / "index", progress=False)
        Bot.open(config, say=lambda line: None)  # converts the model if needed (not part of the build time)
        started = time.perf_counter()
        bot = Bot.open(config, rebuild=True, say=lambda line: None)
        build_seconds = time.perf_counter() - started

        report = evaluate(bot, questions)
        for question in questions[:WARM_UP]:
            bot.ask(question.q, history=question.history)
        latencies = []
        for question in questions:
            began = time.perf_counter()
            bot.ask(question.q, history=question.history)
            latencies.append((time.perf_counter() - began) * 1000)

        env = dict(os.environ, BOT_INDEX_DIR=str(config.index_dir), BOT_CACHE_DIR=str(config.cache_dir))
        began = time.perf_counter()
        output, child_rss_mb = run_sampling_rss(
            [sys.executable, "-m", "bot.cli", "ask", "工作组第二次会议在哪里举行？", "--json", "--quiet"], env)
        cold_start = time.perf_counter() - began
        first = json.loads(output)["passages"][0]["citation"]

    print(f"questions: {len(questions)} ({HERE / 'questions.jsonl'})")
    print(format_report(report))
    print()
    print(f"query latency (bot.ask, {len(latencies)} questions after {WARM_UP} warm-up): "
          f"p50 {statistics.median(latencies):.1f} ms, p95 {percentile(latencies, 0.95):.1f} ms")
    print(f"index build ({bot.index.manifest['passage_count']} passages, {bot.index.manifest['sentence_count']} sentences): "
          f"{build_seconds:.1f} s")
    print(f"cold start to first answer (bot ask, index built): {cold_start:.1f} s -> {first}")
    print(f"peak RSS: this process {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB, "
          f"cold-start process {child_rss_mb:.0f} MB")
    overall = {mode: report[mode]["overall"] for mode in ("hybrid", "lexical", "dense")}
    print("overall hit@1 / hit@5 / MRR@10: " + "; ".join(
        f"{mode} {f['hit@1']:.3f} / {f['hit@5']:.3f} / {f['mrr@10']:.3f}" for mode, f in overall.items()))


if __name__ == "__main__":
    main()
