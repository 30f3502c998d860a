"""Check what `bot.sources` makes of a PDF (or any source): pages, lines, footnotes paired, table rows, furniture left.

    .venv/bin/python bench/pdf_check.py ../shared/un-docs/CBD-COP-DEC-16-31.en.pdf [--show]

A footnote is paired when a `^{n}` marker in the text cites it and a `^{n} text` line gives its text;
the check lists the markers without a text and the texts without a marker. A table row is a line with
a tab. A line "looks like furniture" when it is a page number, a job number, the document symbol past
page 1 (page 1's masthead keeps it on purpose), or a page's first or last line repeated so on three
pages or more. `--show` prints the markup too, pages numbered.
"""
from __future__ import annotations

import argparse
import re
import sys
import time
from collections import Counter
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bot.errors import CorpusError  # noqa: E402
from bot.sources import read_source  # noqa: E402

_NOTE = re.compile(r"^\^\{(\d+)\}\s")
_MARKER = re.compile(r"\^\{([\d,]+)\}")
_FURNITURE = re.compile(
    r"^(?:[-–—]\s*)?(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*[-–—])?$"
    r"|^(?:GE|NY|V)\.\d{2}-\d{4,6}|^\*\d{6,9}\*$|^Please recycle|^[A-Z]{2,}(?:/[A-Za-z0-9.]+){2,}\*?$", re.I)
_SYMBOL = re.compile(r"^[A-Z]{2,}(?:/[A-Za-z0-9.]+){2,}\*?$")  # page 1's masthead symbol is kept on purpose


def _furniture(pages: list[str]) -> list[tuple[int, str]]:
    """Lines a reader would call page furniture: a page number or job number anywhere, the document
    symbol past page 1, or a page's first or last line repeated at the edge of three pages or more."""
    edges: Counter[str] = Counter()
    for page in pages:
        lines = [line for line in page.split("\n") if line.strip()]
        edges.update({_key(line) for line in lines[:1] + lines[-1:] if "\t" not in line and not _NOTE.match(line)})
    found = []
    for p, page in enumerate(pages, 1):
        lines = [line for line in page.split("\n") if line.strip()]
        for k, line in enumerate(lines):
            text = line.strip()
            if len(text) > 60 or "\t" in text:
                continue
            at_edge = k in (0, len(lines) - 1)
            if (_FURNITURE.match(text) and (p > 1 or not _SYMBOL.match(text))) or (at_edge and edges[_key(text)] >= 3):
                found.append((p, line))
    return found


def _key(line: str) -> str:
    return re.sub(r"\d+", "#", line.strip().lower())


def check(path: Path, show: bool = False) -> int:
    start = time.perf_counter()
    try:
        source = read_source(path)
    except CorpusError as error:
        print(f"error: {error}")
        return 1
    seconds = time.perf_counter() - start
    pages = source.text.split("\f")
    lines = [(p, line) for p, page in enumerate(pages, 1) for line in page.split("\n") if line.strip()]
    notes: dict[int, int] = {}
    markers: dict[int, list[int]] = {}
    for p, line in lines:
        note = _NOTE.match(line)
        if note:
            notes.setdefault(int(note[1]), p)
        body = line[note.end():] if note else line
        for match in _MARKER.finditer(body):
            for n in match[1].split(","):
                markers.setdefault(int(n), []).append(p)
    rows = [(p, line) for p, line in lines if "\t" in line]
    furniture = _furniture(pages)
    paired = sorted(set(notes) & set(markers))
    print(f"{path.name}: {source.kind}, {source.pages} pages, read in {seconds:.2f} s")
    print(f"lines: {len(lines)} ({len(source.text)} characters)")
    print(f"footnote markers: {len(markers)} numbers cited; footnote texts: {len(notes)}; paired: {len(paired)}")
    if paired:
        print("  paired: " + ", ".join(f"{n} (p. {markers[n][0]}→{notes[n]})" for n in paired))
    for n in sorted(set(markers) - set(notes)):
        print(f"  marker without a text: ^{{{n}}} on page {markers[n][0]}")
    for n in sorted(set(notes) - set(markers)):
        print(f"  text without a marker: ^{{{n}}} on page {notes[n]}")
    widths = Counter(line.count("\t") + 1 for _, line in rows)
    print(f"table rows: {len(rows)} (cells per row: "
          + ", ".join(f"{w}: {n}" for w, n in sorted(widths.items())) + ")")
    continued = sum(1 for _, line in rows if line.startswith("\t"))
    print(f"  rows continuing the row before (empty first cell): {continued}")
    print(f"lines that look like furniture: {len(furniture)}")
    for p, line in furniture[:20]:
        print(f"  p. {p}: {line[:100]}")
    if show:
        for p, page in enumerate(pages, 1):
            print(f"\n===== page {p} =====")
            print(page.rstrip("\n"))
    return 0


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("paths", nargs="+", type=Path)
    parser.add_argument("--show", action="store_true", help="print the markup, pages numbered")
    args = parser.parse_args()
    return max(check(path, args.show) for path in args.paths)


if __name__ == "__main__":
    raise SystemExit(main())
