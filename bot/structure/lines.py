"""From raw text to the lines the grammar reads: line ends unified, pages counted at form feeds,
page furniture (running symbol and headers, "2/32" page numbers, GE. job numbers) and the table of
contents marked, pipe-table cells split."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

_JOB_NUMBER = re.compile(r"^(?:GE\.\d{2}-\d{4,6}(?:\s*\(\w\))?|\*\d{7,}\*)(?:\s+.*)?$")
_PAGE_NUMBER = re.compile(r"^(?:\d{1,4}\s*/\s*\d{1,4}|-\s*\d{1,4}\s*-|Page\s+\d{1,4}(?:\s+of\s+\d{1,4})?)$")
_DIGITS = re.compile(r"\d+")
_TOC_ENTRY = re.compile(r"(?:\t\s*[\d–\-]*\s*\t\s*\d{1,3}|\t\s*\d{1,3}|\.{4,}\s*\|?\s*\d{1,3}\s*\|?)\s*$")
_PIPE_RULE = re.compile(r"^\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?$")
_EDGE_LINES = 2  # furniture is looked for among the first and last lines of each page


@dataclass
class Line:
    """One line of the source: its number (0-based), its page (1-based), its text without the
    line end and form feed, stripped text, and the cells when it is a table row."""

    number: int
    page: int
    raw: str
    text: str
    cells: list[str] | None = None  # pipe-table cells
    furniture: bool = False
    contents: bool = False  # part of the table of contents
    token: object = None  # the grammar's reading (grammar.Token), set once


def split_lines(text: str) -> list[Line]:
    """Lines with their page numbers; a form feed starts a new page and is removed."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    lines, page = [], 1
    for number, raw in enumerate(text.split("\n")):
        line_page = page + (1 if raw.startswith("\f") else 0)
        page += raw.count("\f")
        raw = raw.replace("\f", "")
        lines.append(Line(number, line_page if raw.strip() else page, raw, raw.strip()))
    return lines


def pipe_cells(text: str) -> list[str] | None:
    """The cells of a Markdown/pipe table row "| a | b |", else None."""
    if len(text) < 2 or not (text.startswith("|") and text.endswith("|")):
        return None
    return [cell.strip() for cell in text[1:-1].split("|")]


def mark_furniture(lines: list[Line], structural: callable) -> None:
    """Mark page furniture. Job numbers always; with form feeds, also page numbers and any line that
    stands at the top or bottom of two or more pages (digits ignored: the running symbol and header,
    "3/32") unless the grammar reads it as a unit (`structural`): a running header is never numbered."""
    for line in lines:
        if line.text and _JOB_NUMBER.match(line.text):
            line.furniture = True
    pages: dict[int, list[Line]] = {}
    for line in lines:
        if line.text:
            pages.setdefault(line.page, []).append(line)
    if len(pages) < 2:
        return
    for line in pages[min(pages)][-_EDGE_LINES:]:
        if _PAGE_NUMBER.match(line.text):
            line.furniture = True
    # page 1 has the cover, not running headers: its lines repeated at the top of later pages stay
    edges = {page: body[:_EDGE_LINES] + body[-_EDGE_LINES:] for page, body in pages.items() if page > 1}
    shapes = Counter(shape for edge in edges.values() for shape in {_shape(line.text) for line in edge})
    for edge in edges.values():
        for line in edge:
            repeated = shapes[_shape(line.text)] >= 2 and len(line.text) < 120 and not structural(line.text)
            if _PAGE_NUMBER.match(line.text) or repeated:
                line.furniture = True


def _shape(text: str) -> str:
    return _DIGITS.sub("#", " ".join(text.split()))


def mark_contents(lines: list[Line], is_body: callable) -> None:
    """Mark the table of contents: from a "Contents"/"目录" line to its last entry (a line ending in a
    page number), stopping at the first line the body would start with."""
    start = next((i for i, line in enumerate(lines) if line.text in ("Contents", "CONTENTS", "目录", "目 录")), None)
    if start is None:
        return
    last, quiet = start, 0
    for i in range(start + 1, len(lines)):
        text = lines[i].text
        if not text:
            continue
        if _TOC_ENTRY.search(lines[i].raw.rstrip()):
            last, quiet = i, 0
            continue
        quiet += 1
        if quiet > 6 or is_body(lines[i]):
            break
    for line in lines[start:last + 1]:
        line.contents = True


def is_pipe_rule(text: str) -> bool:
    return bool(_PIPE_RULE.match(text))
