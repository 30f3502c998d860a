"""Time the parse + tokenize phase of an index build, and check that two versions of the code give the same output.

    python bench/parse_speed.py CORPUS_DIR --old OLD_CHECKOUT [--new NEW_CHECKOUT]

runs, for each checkout in its own process (old first), `[index._new_part(doc, tokenizer) for doc in documents]`
over CORPUS_DIR and prints the time; then compares everything each produced: every document's passages,
contexts, tokens and sentences, normalize() of every passage text and context, and normalize() and the tokens
of every question in bench/*.jsonl (and of the turns of their histories). It prints the number of differing
texts of each kind; all must be 0.

    python bench/parse_speed.py CORPUS_DIR --profile

profiles the phase with this checkout's code (cProfile, sorted by cumulative time). --old-result FILE keeps the
old code's output (and time) in FILE, or reads it from there when it exists.
"""
from __future__ import annotations

import argparse
import json
import os
import pickle
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _questions() -> list[str]:
    """Every question of bench/*.jsonl, with the earlier turns of its history."""
    texts = []
    for path in sorted((ROOT / "bench").glob("*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            if not line.strip():
                continue
            record = json.loads(line)
            texts.append(record["q"])
            for turn in record.get("history") or []:
                texts += [turn] if isinstance(turn, str) else [v for v in turn.values() if isinstance(v, str)]
    return texts


def _phase(documents, tokenizer):
    from bot import index

    return [index._new_part(document, tokenizer) for document in documents]


def worker(corpus: Path, out: Path | None, profile: bool) -> None:
    import dataclasses

    from bot.corpus import load_corpus
    from bot.textnorm import normalize
    from bot.tokenize import Tokenizer

    documents, _ = load_corpus(corpus)
    tokenizer = Tokenizer()
    tokenizer("warm up: load jieba's dictionary 加载词典")  # its ~1 s start is not the phase measured
    if profile:
        import cProfile
        import pstats

        profiler = cProfile.Profile()
        parts = profiler.runcall(_phase, documents, tokenizer)
        pstats.Stats(profiler).sort_stats("cumulative").print_stats(45)
        return
    started = time.perf_counter()
    parts = _phase(documents, tokenizer)
    seconds = time.perf_counter() - started
    print(f"{sys.modules['bot'].__file__}: {len(documents)} documents, {sum(len(p.passages) for p in parts)} "
          f"passages: parse + tokenize {seconds:.1f} s", flush=True)
    questions = _questions()
    result = {
        "seconds": seconds,
        "documents": [d.id for d in documents],
        "passages": [dataclasses.asdict(p) for part in parts for p in part.passages],
        "contexts": [c for part in parts for c in part.contexts],
        "tokens": [t for part in parts for t in part.tokens],
        "sentences": [(d, n, s) for d, part in enumerate(parts) for n, s in part.sentences],
        "normalized_texts": [normalize(p.text) for part in parts for p in part.passages],
        "normalized_contexts": [normalize(c) for part in parts for c in part.contexts],
        "questions": questions,
        "normalized_questions": [normalize(q) for q in questions],
        "question_tokens": [tokenizer(q) for q in questions],
    }
    out.write_bytes(pickle.dumps(result))


def compare(corpus: Path, old: Path, new: Path, saved: Path | None = None) -> int:
    results = {}
    with tempfile.TemporaryDirectory() as folder:
        for name, checkout in (("old", old), ("new", new)):
            out = saved if name == "old" and saved else Path(folder) / f"{name}.pickle"
            if not out.exists():
                environment = dict(os.environ, PYTHONPATH=str(checkout))
                subprocess.run([sys.executable, str(Path(__file__).resolve()), str(corpus), "--worker", str(out)],
                               cwd=checkout, env=environment, check=True)
            results[name] = pickle.loads(out.read_bytes())
    before, after = results["old"], results["new"]
    print(f"parse + tokenize: old {before['seconds']:.1f} s, new {after['seconds']:.1f} s "
          f"({before['seconds'] / after['seconds']:.1f}x)")
    failed = 0
    for key in ("documents", "passages", "contexts", "tokens", "sentences", "normalized_texts",
                "normalized_contexts", "questions", "normalized_questions", "question_tokens"):
        a, b = before[key], after[key]
        differing = sum(x != y for x, y in zip(a, b)) + abs(len(a) - len(b))
        failed += differing
        print(f"{key}: {len(b)} compared, {differing} differ")
        for x, y in [(x, y) for x, y in zip(a, b) if x != y][:3]:
            print(f"  old {str(x)[:300]!r}\n  new {str(y)[:300]!r}")
    return 1 if failed else 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("corpus", type=Path)
    parser.add_argument("--old", type=Path, help="a checkout of the code to compare with")
    parser.add_argument("--new", type=Path, default=ROOT, help="the checkout to test (default: this one)")
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--old-result", type=Path, help="keep the old code's output in this file, or reuse it")
    parser.add_argument("--worker", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.worker or args.profile:
        worker(args.corpus, args.worker, args.profile)
        return 0
    if not args.old:
        parser.error("--old or --profile is needed")
    return compare(args.corpus.resolve(), args.old.resolve(), args.new.resolve(), args.old_result)


if __name__ == "__main__":
    sys.exit(main())
