"""The default model's embedding paths side by side: sentence-transformers (torch), ONNX fp32, ONNX int8.

Why: answering a question should need neither torch nor transformers (bot/onnx_embedder.py), but only if
the ONNX path answers as the torch path does, and int8 only if it costs no retrieval quality. One run
measures, for each path, in the same conditions (these machines are shared and noisy):

* cold start: a fresh process that opens the bot (index built) and answers one question, as `bot ask`
  does, wall time and peak RSS (the child's own VmHWM), median of --runs; plus the `bot ask` command
  itself, timed from spawn to exit (its quick exit included), with whatever embedder it builds by default;
* query latency: embed_queries of each question of bench/questions.jsonl alone, after a warm-up;
* passages/s while the index is built (the seed's passages and sentences, "passage: " prefixed);
* cosine of every query and passage vector against the torch path's;
* top-5 agreement of Bot.search against the torch path (each path searching its own index);
* `bot eval`'s figures (bot.evaluate, as the CLI prints them) and the int8 rule: int8 may be the default
  only if hit@1, hit@5 and MRR@10 of every mode stay within 0.01 of fp32 and its declines are unchanged.

The model comes from BOT_CACHE_DIR (converted there if needed); indexes go to a temporary folder.

    .venv/bin/python bench/embedder.py [--runs 3] [--paths torch,fp32,int8] [--unprefixed] [--cold-only]

--unprefixed adds the torch path as it was before e5's "passage: " was written out (sentence-transformers'
encode_document, whose "document" prompt is empty), to show what the prefix changes.
"""
from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.config import Config  # noqa: E402
from bot.e5_model import ensure_default_model  # noqa: E402
from bot.embedder import SentenceTransformerEmbedder, make_embedder  # noqa: E402
from bot.evaluate import evaluate, format_report, load_questions  # noqa: E402

QUESTIONS = ROOT / "bench" / "questions.jsonl"
COLD_QUESTION = "工作组第二次会议在哪里举行？"
WARM_UP = 10
TOLERANCE = 0.01
MODEL_VALUES = {"torch": "default-torch", "fp32": "default-fp32", "int8": "default-int8"}

# A fresh process that answers one question as `bot ask` does, with the embedder named on its command line;
# it reports its own peak RSS (VmHWM: the process after exec, not the parent it was forked from).
COLD_CHILD = """
import json, resource, sys, time
started = time.perf_counter()
from bot.config import Config
from bot.embedder import make_embedder
from bot.engine import Bot
imported = time.perf_counter()
config = Config.from_env(progress=False)
embedder = make_embedder(sys.argv[1], config.cache_dir, False)
if sys.argv[3] == "preload":  # load the model in the background while the index opens
    embedder.preload()
bot = Bot.open(config, embedder=embedder, say=lambda line: None)
opened = time.perf_counter()
answer = bot.ask(sys.argv[2])
seconds = time.perf_counter() - started
usage = resource.getrusage(resource.RUSAGE_SELF)
hwm = next(int(line.split()[1]) for line in open("/proc/self/status") if line.startswith("VmHWM:"))
heavy = sorted({m.split(".")[0] for m in sys.modules} & {"torch", "transformers", "sentence_transformers"})
print(json.dumps({"seconds": seconds, "cpu": usage.ru_utime + usage.ru_stime, "rss_mib": hwm / 1024,
                  "phases": [imported - started, opened - imported, seconds - (opened - started)],
                  "first": answer.hits[0].passage.citation, "heavy": heavy}, ensure_ascii=False))
"""


class Unprefixed(SentenceTransformerEmbedder):
    """The torch path as it was: encode_query / encode_document with the model's own prompts."""

    def __init__(self, cache_dir: Path) -> None:
        super().__init__("default-torch", cache_dir, progress=False)
        self.name = "intfloat/multilingual-e5-small (no passage prefix)"

    def _encode(self, texts, query, progress):
        model = self.load()
        encode = model.encode_query if query else model.encode_document
        with self._lock:
            vectors = encode(texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True)
        return np.ascontiguousarray(vectors, dtype=np.float32)


class Recorder:
    """Passes an embedder through, timing embed_passages and keeping the texts and vectors."""

    def __init__(self, inner) -> None:
        self.inner, self.name = inner, inner.name
        self.passage_texts: list[str] = []
        self.passage_vectors = None
        self.passage_seconds = 0.0

    def embed_queries(self, texts):
        return self.inner.embed_queries(texts)

    def embed_passages(self, texts, progress=False):
        started = time.perf_counter()
        vectors = self.inner.embed_passages(texts, progress=False)
        self.passage_seconds += time.perf_counter() - started
        self.passage_texts += list(texts)
        self.passage_vectors = vectors if self.passage_vectors is None else np.vstack([self.passage_vectors, vectors])
        return vectors


def code_fingerprint() -> str:
    """A hash of bot/'s sources: paths are only comparable if the code did not change between them."""
    import hashlib

    digest = hashlib.sha256()
    for path in sorted((ROOT / "bot").rglob("*.py")):
        digest.update(path.read_bytes())
    return digest.hexdigest()


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(share * (len(ordered) - 1))))]


def measure_path(label: str, embedder, config: Config, questions) -> dict:
    from bot.engine import Bot

    recorder = Recorder(embedder)
    load_started = time.perf_counter()
    if hasattr(embedder, "load"):
        embedder.load()
    load_seconds = time.perf_counter() - load_started
    bot = Bot.open(replace(config, index_dir=config.index_dir / label), embedder=recorder, rebuild=True,
                   say=lambda line: None)
    for question in questions[:WARM_UP]:
        embedder.embed_queries([question.q])
    latencies, query_vectors = [], []
    for question in questions:
        started = time.perf_counter()
        query_vectors.append(embedder.embed_queries([question.q])[0])
        latencies.append(1000 * (time.perf_counter() - started))
    top5 = [[h.passage.id for h in bot.search(q.q, k=5, history=q.history)] for q in questions]
    report = evaluate(bot, questions)
    print(f"  {label}: load {load_seconds:.1f} s, {len(recorder.passage_texts)} passages in "
          f"{recorder.passage_seconds:.1f} s, eval done", file=sys.stderr)
    return {
        "label": label, "name": embedder.name, "load_s": load_seconds,
        "passages": len(recorder.passage_texts), "passage_texts": recorder.passage_texts,
        "passages_per_s": len(recorder.passage_texts) / recorder.passage_seconds,
        "passage_vectors": recorder.passage_vectors, "query_vectors": np.array(query_vectors),
        "latency_p50": statistics.median(latencies), "latency_p95": percentile(latencies, 0.95),
        "top5": top5, "report": report,
    }


def cold_runs(model_value: str | None, env: dict, runs: int, preload: bool = False) -> dict:
    """Median wall time and peak RSS of `runs` fresh processes answering one question (index built)."""
    results = []
    for _ in range(runs):
        if model_value is None:  # `bot ask` itself, as the CLI is wired: from spawn to exit, teardown included
            result = _cli_run(env)
        else:
            out = subprocess.run([sys.executable, "-c", COLD_CHILD, model_value, COLD_QUESTION,
                                  "preload" if preload else "-"], env=env, cwd=ROOT, capture_output=True, text=True)
            if out.returncode != 0:
                raise SystemExit(f"cold child ({model_value}) failed: {out.stderr.strip()[-500:]}")
            result = json.loads(out.stdout.strip().splitlines()[-1])
        results.append(result)
    summary = {"seconds": statistics.median(r["seconds"] for r in results),
               "rss_mib": statistics.median(r["rss_mib"] for r in results),
               "first": results[0].get("first", ""), "heavy": results[0].get("heavy", [])}
    if "cpu" in results[0]:
        summary["cpu"] = statistics.median(r["cpu"] for r in results)
        summary["phases"] = [statistics.median(r["phases"][i] for r in results) for i in range(3)]
    return summary


def _cli_run(env: dict) -> dict:
    """One `python -m bot.cli ask` process: wall time from spawn to exit and its peak RSS, read by a small
    launcher (a child forked from this heavy process would inherit its RSS high-water mark), and whether
    torch & co. were imported (a second run under -X importtime, which lists every module imported)."""
    command = [sys.executable, "-m", "bot.cli", "ask", COLD_QUESTION, "--json", "--quiet"]
    out = subprocess.run([sys.executable, "-c", _LAUNCHER, json.dumps(command)], env=env, cwd=ROOT,
                         capture_output=True, text=True)
    if out.returncode != 0:
        raise SystemExit(f"bot ask failed: {out.stderr.strip()[-500:]}")
    result = json.loads(out.stdout)
    traced = subprocess.run(command[:1] + ["-X", "importtime"] + command[1:], env=env, cwd=ROOT,
                            capture_output=True, text=True)
    imported = {line.rsplit("|", 1)[-1].strip().split(".")[0] for line in traced.stderr.splitlines() if "|" in line}
    result["heavy"] = sorted(imported & {"torch", "transformers", "sentence_transformers"})
    return result


_LAUNCHER = """
import json, os, subprocess, sys, tempfile, time
with tempfile.TemporaryFile() as errors:  # a file, not a pipe: the child never waits on a full pipe
    began = time.perf_counter()
    child = subprocess.Popen(json.loads(sys.argv[1]), stdout=subprocess.DEVNULL, stderr=errors)
    _, status, usage = os.wait4(child.pid, 0)
    seconds = time.perf_counter() - began
    if os.waitstatus_to_exitcode(status) != 0:
        errors.seek(0)
        sys.exit(errors.read().decode(errors="replace"))
print(json.dumps({"seconds": seconds, "rss_mib": usage.ru_maxrss / 1024}))
"""



def cosine_summary(a: np.ndarray, b: np.ndarray) -> str:
    cos = (a * b).sum(axis=1)
    return f"min {cos.min():.6f}  p1 {np.percentile(cos, 1):.6f}  mean {cos.mean():.6f}"


def overall_figures(report: dict) -> dict:
    return {mode: report[mode]["overall"] for mode in ("hybrid", "lexical", "dense")}


def int8_verdict(fp32: dict, int8: dict) -> tuple[bool, list[str]]:
    """The rule: every mode's hit@1, hit@5, MRR@10 within TOLERANCE of fp32, and declines unchanged."""
    reasons = []
    for mode in ("hybrid", "lexical", "dense"):
        a, b = fp32[mode]["overall"], int8[mode]["overall"]
        for key in ("hit@1", "hit@5", "mrr@10"):
            if abs(a[key] - b[key]) > TOLERANCE + 1e-9:
                reasons.append(f"{mode} {key} {a[key]:.3f} -> {b[key]:.3f}")
        for key in ("declined_unanswerable", "declined_answerable"):
            if a[key] != b[key]:
                reasons.append(f"{mode} {key} {a[key]} -> {b[key]}")
    return not reasons, reasons


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="cold-start runs per path (median)")
    parser.add_argument("--paths", default="torch,fp32,int8", help="comma-separated: torch, fp32, int8")
    parser.add_argument("--unprefixed", action="store_true", help="also the torch path without the passage prefix")
    parser.add_argument("--no-cli", action="store_true", help="skip the `bot ask` CLI cold runs")
    parser.add_argument("--cold-only", action="store_true", help="build each index and time cold answers only")
    args = parser.parse_args()
    paths = [p for p in args.paths.split(",") if p]
    if "torch" not in paths and not args.cold_only:
        raise SystemExit("--paths must include torch: it is the reference")

    questions = load_questions(QUESTIONS)
    code_at_start = code_fingerprint()
    with tempfile.TemporaryDirectory(prefix="bot-bench-embedder-") as tmp:
        config = Config.from_env(index_dir=Path(tmp), progress=False)
        started = time.perf_counter()
        ensure_default_model(config.cache_dir, progress=False)
        print(f"model ready in {config.cache_dir} ({time.perf_counter() - started:.1f} s)", file=sys.stderr)
        results: dict[str, dict] = {}
        cold: dict[str, dict] = {}
        for label in paths:
            embedder = make_embedder(MODEL_VALUES[label], config.cache_dir, progress=False)
            if args.cold_only:
                from bot.engine import Bot

                Bot.open(replace(config, index_dir=config.index_dir / label), embedder=embedder, say=lambda line: None)
            else:
                results[label] = measure_path(label, embedder, config, questions)
            env = dict(os.environ, BOT_INDEX_DIR=str(config.index_dir / label), BOT_CACHE_DIR=str(config.cache_dir))
            cold[label] = cold_runs(MODEL_VALUES[label], env, args.runs)
            if label != "torch":
                cold[label + "+preload"] = cold_runs(MODEL_VALUES[label], env, args.runs, preload=True)
        if args.unprefixed:
            results["unprefixed"] = measure_path("unprefixed", Unprefixed(config.cache_dir), config, questions)
        cli = None
        shared = next((label for label in ("torch", "fp32") if label in paths), None)
        if not args.no_cli and shared:
            # that path's index: the CLI reuses it (the default model has the same manifest name), else rebuilds
            env = dict(os.environ, BOT_INDEX_DIR=str(config.index_dir / shared), BOT_CACHE_DIR=str(config.cache_dir))
            subprocess.run([sys.executable, "-m", "bot.cli", "index", "--quiet"], env=env, cwd=ROOT, check=True,
                           capture_output=True)
            cli = cold_runs(None, env, args.runs)

    if code_fingerprint() != code_at_start:
        print("WARNING: bot/ changed during this run; differences between paths may come from the code, "
              "not the embedder. Run again.\n")
    if args.cold_only:
        print_cold(cold, args.runs)
    else:
        report_all(results, cold, cli, questions, args.runs)
    if cli is not None:
        print()
        print(f"bot ask (the command as wired now, spawn to exit), cold, median of {args.runs}: {cli['seconds']:.2f} s, "
              f"peak RSS {cli['rss_mib']:.0f} MiB, torch imported: {'yes' if cli['heavy'] else 'no'}")


def print_cold(cold: dict, runs: int) -> None:
    print(f"cold answer: a fresh process opens the bot (index built) and answers {COLD_QUESTION} "
          f"(median of {runs}; {os.cpu_count()} cores, load average {os.getloadavg()[0]:.1f})")
    print("  (wall = imports + Bot.open + first ask, which loads the model and jieba; CPU = user + system, all threads)")
    for label, figures in cold.items():
        phases = " + ".join(f"{x:.2f}" for x in figures["phases"])
        print(f"  {label:14} wall {figures['seconds']:5.2f} s ({phases})  CPU {figures['cpu']:5.2f} s  "
              f"peak RSS {figures['rss_mib']:4.0f} MiB  torch imported: {'yes' if figures['heavy'] else 'no'}"
              f"  -> {figures['first']}")


def report_all(results: dict, cold: dict, cli: dict | None, questions, runs: int) -> None:
    reference = results["torch"]
    labels = list(results)
    print(f"questions: {len(questions)} ({QUESTIONS.relative_to(ROOT)}); passages embedded per index: "
          f"{reference['passages']}; cores: {os.cpu_count()}, load average {os.getloadavg()[0]:.1f}")
    print()
    print(f"{'':34}" + "".join(f"{label:>20}" for label in labels))
    rows = [
        ("manifest name", lambda r: r["name"].replace("intfloat/multilingual-e5-small", "e5-small")[:19]),
        ("model load (s)", lambda r: f"{r['load_s']:.2f}"),
        ("query latency p50 (ms)", lambda r: f"{r['latency_p50']:.1f}"),
        ("query latency p95 (ms)", lambda r: f"{r['latency_p95']:.1f}"),
        ("passages/s (index build)", lambda r: f"{r['passages_per_s']:.1f}"),
    ]
    for title, cell in rows:
        print(f"{title:34}" + "".join(f"{cell(results[label]):>20}" for label in labels))
    print()
    print_cold(cold, runs)
    top1_reference = [ids[:1] for ids in reference["top5"]]
    for label in labels:
        if label == "torch":
            continue
        result = results[label]
        same_texts = result["passage_texts"] == reference["passage_texts"]
        print()
        print(f"{label} against torch:")
        print(f"  query cosine   ({len(questions)}): {cosine_summary(result['query_vectors'], reference['query_vectors'])}")
        if same_texts:
            print(f"  passage cosine ({result['passages']}): "
                  f"{cosine_summary(result['passage_vectors'], reference['passage_vectors'])}")
        same5 = sum(a == b for a, b in zip(result["top5"], reference["top5"]))
        same1 = sum(a[:1] == b for a, b in zip(result["top5"], top1_reference))
        print(f"  Bot.search top-5 ids identical: {same5}/{len(questions)} ({same5 / len(questions):.1%}); "
              f"top-1 identical: {same1}/{len(questions)}")
    print()
    print("overall hit@1 / hit@5 / MRR@10, declined unanswerable / answerable (bot eval's figures):")
    for label in labels:
        figures = overall_figures(results[label]["report"])
        print(f"  {label:11}" + "; ".join(
            f"{mode} {f['hit@1']:.3f} / {f['hit@5']:.3f} / {f['mrr@10']:.3f} "
            f"({f['declined_unanswerable']}/{f['unanswerable']}, {f['declined_answerable']}/{f['answerable']})"
            for mode, f in figures.items()))
    if "fp32" in results and "int8" in results:
        ok, reasons = int8_verdict(results["fp32"]["report"], results["int8"]["report"])
        print()
        print("int8 as the default: " + ("qualifies (within 0.01 of fp32, declines unchanged)" if ok else
                                         "does not qualify: " + "; ".join(reasons)))
    for label in labels:
        print()
        print(f"--- bot eval, {label} ---")
        print(format_report(results[label]["report"]))


if __name__ == "__main__":
    main()
