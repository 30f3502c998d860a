"""Adding and removing one document against a built index: the time of that update beside the full build's.

    .venv/bin/python bench/incremental.py --corpus-dir DIR --index-dir DIR [--add FILE] [--cache-dir DIR]

Works on copies (the corpus folder and the index are copied to a temporary folder first), so the index
given is left as it is. Prints the full build's time (from its manifest), then the time to add FILE
(default: the CBD PDF in ../shared/un-docs) and to remove it again, with the passage counts, and checks
that removing drops exactly the passages that adding brought.
"""
from __future__ import annotations

import argparse
import json
import shutil
import tempfile
import time
from pathlib import Path

from bot.config import PROJECT_DIR, Config
from bot.engine import Bot
from bot.library import add_files, remove_document


def timed_open(config: Config) -> tuple[Bot, float]:
    started = time.perf_counter()
    bot = Bot.open(config, say=lambda line: print(f"  {line}", flush=True))
    return bot, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus-dir", type=Path, required=True)
    parser.add_argument("--index-dir", type=Path, required=True)
    parser.add_argument("--add", type=Path, default=PROJECT_DIR.parent / "shared" / "un-docs" / "CBD-COP-DEC-16-31.en.pdf")
    parser.add_argument("--cache-dir", type=Path, default=None)
    args = parser.parse_args()
    manifest = json.loads((args.index_dir / "manifest.json").read_text(encoding="utf-8"))
    with tempfile.TemporaryDirectory() as work:
        corpus, index = Path(work) / "corpus", Path(work) / "index"
        shutil.copytree(args.corpus_dir, corpus)
        shutil.copytree(args.index_dir, index)
        config = Config.from_env(corpus_dir=corpus, index_dir=index, cache_dir=args.cache_dir, progress=False)
        before, opened = timed_open(config)
        print(f"full build of {len(before.documents)} documents, {len(before.passages)} passages: "
              f"{manifest.get('built_seconds')} s (from its manifest); opening it: {opened:.1f} s")
        ids_before = [p.id for p in before.passages]
        del before
        add_files(corpus, [args.add])
        after, added = timed_open(config)
        new = [p for p in after.passages if p.id not in set(ids_before)]
        print(f"add {args.add.name}: {added:.1f} s for {len(new)} new passages "
              f"(the other {len(ids_before)} kept)")
        doc = new[0].doc if new else args.add.stem
        del after
        remove_document(corpus, doc)
        again, removed = timed_open(config)
        same = [p.id for p in again.passages] == ids_before
        print(f"remove {doc}: {removed:.1f} s; passages back to the {len(ids_before)} before: {same}")


if __name__ == "__main__":
    main()
