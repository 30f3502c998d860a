"""Check that the structure grammar recovers the numbering of real UN documents.

For every .txt file in a folder (default ../shared/un-docs/unfccc, the 90 UNFCCC reports and decisions) or
for the files named, prints the document's symbol, language and kind, its parts (the document body, each
decision, annex, appendix and article with numbered paragraphs), the paragraph count of each part and
whether the part's numbering runs 1..N without gaps or repeats; then every part that does not, with the
numbers where it breaks and why (the exceptions of the UNFCCC folder are explained by their text below), and a
summary line; the exit code is 1 when a break is unexplained. A part whose paragraphs restart in each section
is checked section by section (its sections are then in the paragraphs' paths).

    .venv/bin/python bench/structure_check.py                    # the UNFCCC folder
    .venv/bin/python bench/structure_check.py /tmp/cbd.txt -v    # one file, every part listed
"""
from __future__ import annotations

import argparse
import sys
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.structure import detect, parse  # noqa: E402

DEFAULT = ROOT.parent / "shared" / "un-docs" / "unfccc"
_CONTAINERS = ("decision", "resolution", "annex", "appendix", "article")
_PLURAL = {"decision": "decisions", "resolution": "resolutions", "annex": "annexes", "appendix": "appendices",
           "article": "articles"}

# Parts of the UNFCCC folder whose numbering breaks in the text itself, each checked by reading the file.
_CARRIED = "the converted text carries the list numbering on from the part before"
_AMENDS = "the annex amends another instrument and quotes its paragraphs with their own numbers"
EXPLAINED = {
    ("CMP2015_11_Decisions_1_to_5.txt", "decision:3/CMP.11 / annex:1"):
        "the text numbers two paragraphs 2 (one under 'General provisions', one under chapter I.B); the annex also "
        "quotes paragraphs of decision 13/CMP.1 with their own numbers (5, 8 bis, 30, 34, 36 …), read as sub-lists",
    ("cp2014_20 - 2014 - decision 2 to 12.txt", "decision:6/CP.20"): _CARRIED + ": its paragraphs start at 4",
    ("cp2014_20 - 2014 - decision 2 to 12.txt", "decision:12/CP.20"): _CARRIED + ": its paragraphs start at 7",
    ("cp2021_26 - 2021 - Decisions 12 to 23.txt", "decision:18/CP.26 / annex:1"):
        "the text numbers two paragraphs 23 and goes on at 25",
    ("cp2022_27 - 2022 - Decisions 24 to 27.txt", "resolution:1/CP.27"):
        _CARRIED + ": the resolution's two paragraphs are numbered 24 and 25",
    ("cp2024_29 - 2024 - Decisions 1 to 10.txt", "decision:3/CP.29 / annex:1"):
        _AMENDS + " (paras 3 and 16 of the arrangements with the Green Climate Fund)",
    ("cp2024_29 - 2024 - Decisions 1 to 10.txt", "decision:4/CP.29 / annex:1 / section:h1"):
        _AMENDS + " (para. 3 of the memorandum of understanding with the GEF)",
    ("sbi2024_13.txt", "annex:1"): _CARRIED + ": the annex goes on from the report, paragraphs 228… under chapter XXII…",
    ("sbsta2024_7.txt", "annex:1"): _CARRIED + ": the annex goes on from the report, paragraphs 201… under chapter XIX…",
    ("SBSTA50_report.txt", "body"): "the file is an excerpt of FCCC/SBSTA/2019/2 that starts at paragraph 11",
}


@dataclass
class Part:
    key: tuple[str, ...]  # the path of the part ("decision:1/CMA.5", "annex:1")
    numbers: list[int]

    @property
    def name(self) -> str:
        return " / ".join(self.key) or "body"

    @property
    def clean(self) -> bool:
        return self.numbers == list(range(1, len(self.numbers) + 1))

    def breaks(self) -> str:
        """Where the numbering leaves 1..N: the first few gaps and repeats."""
        out, expected = [], 1
        for number in self.numbers:
            if number != expected:
                out.append(f"{expected - 1}→{number}")
            expected = number + 1
        return ", ".join(out[:6]) + (" …" if len(out) > 6 else "")


def read(path: Path) -> str:
    data = path.read_bytes()
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    return data.decode("utf-8-sig", errors="replace")


def parts_of(passages) -> list[Part]:
    """Paragraph numbers grouped by part: the paragraph's path without its own segment."""
    parts: dict[tuple[str, ...], Part] = {}
    for passage in passages:
        if passage.kind == "paragraph":
            key = passage.path[:-1]
            parts.setdefault(key, Part(key, [])).numbers.append(int(passage.path[-1].split(":", 1)[1]))
    return list(parts.values())


def containers_of(passages) -> Counter:
    return Counter(p.path[-1].split(":", 1)[0] for p in passages
                   if p.path and p.kind in ("heading", "article") and p.path[-1].split(":", 1)[0] in _CONTAINERS)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("paths", nargs="*", type=Path, help=f"files or folders (default {DEFAULT})")
    parser.add_argument("-v", "--verbose", action="store_true", help="list every part, not only the broken ones")
    args = parser.parse_args()
    files = sorted(f for p in (args.paths or [DEFAULT]) for f in ([p] if p.is_file() else p.rglob("*.txt")))
    if not files:
        print("no .txt files found", file=sys.stderr)
        return 1
    total_parts = clean_parts = 0
    broken: list[tuple[str, Part]] = []
    started, size = time.perf_counter(), 0
    parse_time = 0.0
    for path in files:
        text = read(path)
        size += len(text.encode("utf-8"))
        tick = time.perf_counter()
        passages = parse(text)
        parse_time += time.perf_counter() - tick
        info = detect(text, path.name)
        parts = parts_of(passages)
        kinds = containers_of(passages)
        total_parts += len(parts)
        clean_parts += sum(part.clean for part in parts)
        broken += [(path.name, part) for part in parts if not part.clean]
        shape = ", ".join(f"{n} {_PLURAL[kind]}" for kind, n in sorted(kinds.items())) or "no decisions or annexes"
        status = "ok" if all(part.clean for part in parts) else "BROKEN"
        print(f"{status:6} {path.name[:48]:48} {info.symbol or '-':28} {info.language} {info.kind:14} "
              f"{len(passages):5} units, {shape}; {len(parts)} parts, {sum(len(p.numbers) for p in parts)} paras")
        for part in parts if args.verbose else [p for p in parts if not p.clean]:
            print(f"         {part.name:60} {len(part.numbers):4} paras  "
                  f"{'1..' + str(len(part.numbers)) if part.clean else 'breaks at ' + part.breaks()}")
    elapsed = time.perf_counter() - started
    unexplained = [(name, part) for name, part in broken if (name, part.name) not in EXPLAINED]
    if broken:
        print("\nparts whose numbering does not run 1..N, and why:")
        for name, part in broken:
            reason = EXPLAINED.get((name, part.name), "UNEXPLAINED")
            print(f"  {name[:42]:42} {part.name:44} {part.breaks()}\n      {reason}")
    print(f"\n{len(files)} documents checked ({size / 1e6:.1f} MB, parsed in {parse_time:.1f} s, {elapsed:.1f} s in all): "
          f"{total_parts} parts, {clean_parts} with clean numbering 1..N, {total_parts - clean_parts} not "
          f"({len(broken) - len(unexplained)} explained by the text itself, {len(unexplained)} unexplained)")
    return 1 if unexplained else 0


if __name__ == "__main__":
    raise SystemExit(main())
