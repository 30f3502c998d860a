"""Many documents at once: the seed's figures alone and with the 90 UNFCCC texts beside it, and the UN question set.

    .venv/bin/python bench/multidoc.py [--shared ../shared] [--work /tmp/bot-multidoc] [--cache-dir DIR]

Builds (or updates: unchanged documents keep their vectors) three indexes under --work: the bundled document
alone, the bundled document with every text of ../shared/un-docs/unfccc/, and the bundled document with the
official CBD PDF (CBD/COP/DEC/16/31). Then prints, in one run, hit@1 / hit@5 / MRR@10 per kind for
bench/questions.jsonl on the first two, for bench/un_questions.jsonl (dev and heldout apart),
bench/un_dev2_questions.jsonl, bench/un_reports_questions.jsonl (dev, dev2 and fresh apart) and
bench/seed_en_questions.jsonl on the large corpus, and for bench/pdf_questions.jsonl on the third, with how
often the top passage is from the right document. Decisions are made on dev; heldout is only reported.

The bundled document's question sets give gold as its local ids ("p4"), which `bot eval` finds in any loaded
document: with the UNFCCC texts beside it, another report's paragraph 4 would count. Those sets are also
reported with their gold held to the bundled document ("gold in the bundled document only").
"""
from __future__ import annotations

import argparse
import dataclasses
import shutil
import time
from pathlib import Path

from bot.config import PROJECT_DIR, Config
from bot.engine import Bot
from bot.evaluate import evaluate, load_questions

BENCH = PROJECT_DIR / "bench"


def corpus_folder(work: Path, shared: Path) -> Path:
    """The bundled document and the UNFCCC texts in one folder (a file name met twice is the same text)."""
    folder = work / "corpus-unfccc"
    folder.mkdir(parents=True, exist_ok=True)
    shutil.copy(PROJECT_DIR / "corpus" / SEED_FILE, folder)
    for path in sorted((shared / "un-docs" / "unfccc").rglob("*.txt")):
        target = folder / path.name
        if not target.exists() or target.read_bytes() != path.read_bytes():
            shutil.copy(path, target)
    return folder


SEED_FILE = "CBD-WG2020-REC-1-1.zh.txt"


def report(title: str, bot: Bot, questions_file: Path, split: str | None = None, doc: str | None = None) -> None:
    """Figures for one question set; `doc` names the file whose passages bare gold ids mean."""
    questions = [q for q in load_questions(questions_file) if split is None or q.split == split]
    if doc is not None:
        questions = [q if q.doc else dataclasses.replace(q, doc=doc) for q in questions]
    started = time.perf_counter()
    figures = evaluate(bot, questions, modes=("hybrid",))["hybrid"]
    seconds = time.perf_counter() - started
    print(f"\n{title}: {len(questions)} questions ({seconds / max(len(questions), 1) * 1000:.0f} ms each)")
    print(f"{'kind':<14}{'n':>5}{'hit@1':>8}{'hit@5':>8}{'MRR@10':>8}{'doc@1':>7}   declined")
    for kind, f in figures.items():
        declined = []
        if f["unanswerable"]:
            declined.append(f"{f['declined_unanswerable']}/{f['unanswerable']} unanswerable")
        if f["answerable"]:
            declined.append(f"{f['declined_answerable']}/{f['answerable']} answerable (wrongly)")
        print(f"{kind:<14}{f['answerable'] + f['unanswerable']:>5}{f['hit@1']:>8.3f}{f['hit@5']:>8.3f}"
              f"{f['mrr@10']:>8.3f}{f['right_document@1']:>7.3f}   {', '.join(declined)}")


def open_bot(corpus: Path, index: Path, cache: Path | None) -> tuple[Bot, float]:
    started = time.perf_counter()
    config = Config.from_env(corpus_dir=corpus, index_dir=index, cache_dir=cache, progress=True)
    bot = Bot.open(config, say=lambda line: print(f"  {line}", flush=True))
    return bot, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--shared", type=Path, default=PROJECT_DIR.parent / "shared")
    parser.add_argument("--work", type=Path, default=Path("/tmp/bot-multidoc"))
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    if not (args.shared / "un-docs" / "unfccc").is_dir():
        raise SystemExit(f"no {args.shared / 'un-docs' / 'unfccc'}: give --shared")

    alone, seconds = open_bot(PROJECT_DIR / "corpus", args.work / "index-seed", args.cache_dir)
    print(f"bundled document alone: {len(alone.passages)} passages, opened in {seconds:.1f} s")
    report("bench/questions.jsonl, bundled document alone", alone, BENCH / "questions.jsonl")
    del alone

    corpus = corpus_folder(args.work, args.shared)
    many, seconds = open_bot(corpus, args.work / "index-unfccc", args.cache_dir)
    print(f"\nbundled document + UNFCCC: {len(many.documents)} documents, {len(many.passages)} passages, "
          f"opened in {seconds:.1f} s")
    report("bench/questions.jsonl, with the UNFCCC texts loaded", many, BENCH / "questions.jsonl")
    report("bench/questions.jsonl, with the UNFCCC texts loaded, gold in the bundled document only", many,
           BENCH / "questions.jsonl", doc=SEED_FILE)
    report("bench/seed_en_questions.jsonl (English over the Chinese document)", many, BENCH / "seed_en_questions.jsonl")
    report("bench/seed_en_questions.jsonl, gold in the bundled document only", many,
           BENCH / "seed_en_questions.jsonl", doc=SEED_FILE)
    report("bench/un_questions.jsonl, dev", many, BENCH / "un_questions.jsonl", "dev")
    report("bench/un_questions.jsonl, heldout (never tuned on)", many, BENCH / "un_questions.jsonl", "heldout")
    report("bench/un_dev2_questions.jsonl (written later, by a helper given only the documents)", many,
           BENCH / "un_dev2_questions.jsonl")
    report("bench/un_reports_questions.jsonl, dev", many, BENCH / "un_reports_questions.jsonl", "dev")
    report("bench/un_reports_questions.jsonl, dev2 (content questions, written later)", many,
           BENCH / "un_reports_questions.jsonl", "dev2")
    report("bench/un_reports_questions.jsonl, fresh (never tuned on)", many, BENCH / "un_reports_questions.jsonl", "fresh")
    del many

    pdf = args.shared / "un-docs" / "CBD-COP-DEC-16-31.en.pdf"
    if pdf.is_file():
        folder = args.work / "corpus-cbd"
        folder.mkdir(parents=True, exist_ok=True)
        for path in (PROJECT_DIR / "corpus" / SEED_FILE, pdf):
            if not (folder / path.name).is_file():
                shutil.copy(path, folder)
        cbd, seconds = open_bot(folder, args.work / "index-cbd", args.cache_dir)
        print(f"\nbundled document + the CBD PDF: {len(cbd.passages)} passages, opened in {seconds:.1f} s")
        report("bench/pdf_questions.jsonl, dev", cbd, BENCH / "pdf_questions.jsonl", "dev")
        report("bench/pdf_questions.jsonl, heldout (never tuned on)", cbd, BENCH / "pdf_questions.jsonl", "heldout")


if __name__ == "__main__":
    main()
