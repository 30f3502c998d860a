"""From raw text to the lines the grammar reads: line ends unified, pages counted at form feeds,
page furniture (running symbol and headers, "2/32" page numbers, GE. job numbers) and the table of
contents marked, pipe-table cells split."""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass

# "GE.26-15402 3", "2 GE.26-15402" (a page's number and its job number on the footer's line), "K2700456 150327",
# "K2525871", "25-06789 (E) 120325"
# and, beside them, the page's number as "2/3": "2/3    25-21873", "25-21873    3/3"
_JOB_NUMBER = re.compile(r"^(?:\d{1,4}(?:\s*/\s*\d{1,4})?\s+)?(?:GE\.\d{2}-\d{4,6}(?:\s*\(\w\))?|\*\d{7,}\*)(?:\s+.*)?$"
                         r"|^[A-Z]\d{7}(?:\s+\d{6})?$"
                         r"|^(?:\d{1,4}\s*/\s*\d{1,4}\s+)?\d{2}-\d{5}(?:\s*\([A-Z]\))?(?:\s+\d{6})?(?:\s+\d{1,4}\s*/\s*\d{1,4})?$")
# the UN print footer's recycling note, and the rule printed over a page's footnotes
_FOOTER = re.compile(r"^(?:Please recycle|请回收|Merci de recycler|_{5,}|[─━]{5,})$")
# pages are numbered from 1: "0/0" is no page's number
_PAGE_NUMBER = re.compile(r"^(?:[1-9]\d{0,3}\s*/\s*[1-9]\d{0,3}|-\s*[1-9]\d{0,3}\s*-|Page\s+[1-9]\d{0,3}(?:\s+of\s+[1-9]\d{0,3})?)$")
_DIGITS = re.compile(r"\d+")
_PAGE_WORD = re.compile(r"^Page\s+\d{1,4}(?:\s+of\s+\d{1,4})?$")
_TOC_ENTRY = re.compile(r"(?:\t\s*[\d–\-]*\s*\t\s*\d{1,3}|\t\s*\d{1,3}|\.{4,}\s*\|?\s*\d{1,3}\s*\|?"
                        r"|(?:\.\s){4,}\.?\s*(?:\d{1,3}\s*[–-]\s*\d{1,3}\s+)?\d{1,3})\s*$")  # ". . . . 1-3 2" in a PDF
_PIPE_RULE = re.compile(r"^\|?(?:\s*:?-{2,}:?\s*\|)+\s*:?-*:?\s*\|?$")
_EDGE_LINES = 2  # furniture is looked for among the first and last lines of each page


@dataclass
class Line:
    """One line of the source: its number (0-based), its page (1-based), its text without the
    line end and form feed, and its stripped text."""

    number: int
    page: int
    raw: str
    text: str
    furniture: bool = False
    contents: bool = False  # part of the table of contents
    token: object = None  # the grammar's reading (grammar.Token), set once
    unpiped: str | None = None  # a bare table row's text before its outer pipes were added (see _close_bare_rows)


def split_lines(text: str) -> list[Line]:
    """Lines with their page numbers; a form feed starts a new page and is removed. A text without form feeds
    (copied out of a PDF) starts a new page after each page's foot: its job number or "2/3" page number."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    feeds = "\f" in text
    lines, page, after_foot = [], 1, False
    for number, raw in enumerate(text.split("\n")):
        stripped = raw.strip()
        if not feeds and stripped:
            foot = bool(_JOB_NUMBER.match(stripped) or _PAGE_OF.match(stripped))
            page += after_foot and not foot
            after_foot = foot
        line_page = page + (1 if raw.startswith("\f") else 0)
        page += raw.count("\f")
        raw = raw.replace("\f", "")
        lines.append(Line(number, line_page if raw.strip() else page, raw, raw.strip()))
    return lines


_PAGE_OF = re.compile(r"^[1-9]\d{0,3}\s*/\s*[1-9]\d{0,3}$")  # "2/3"


def pipe_cells(text: str) -> list[str] | None:
    """The cells of a Markdown/pipe table row "| a | b |", else None."""
    if len(text) < 2 or not (text.startswith("|") and text.endswith("|")):
        return None
    return [cell.strip() for cell in text[1:-1].split("|")]


def mark_furniture(lines: list[Line], structural: callable, symbol: str | None = None, title: str | None = None) -> None:
    """Mark page furniture. Job numbers, the recycling note and footnote rules always; with form feeds, also page numbers, the document's
    symbol at the top or bottom of a page after the first, and any line that stands there on two or
    more pages (digits ignored: the running header, "3/32") unless the grammar reads it as a unit
    (`structural`): a running header is never numbered; and the document's `title` alone there."""
    previous = None
    for line in lines:
        if line.text and (_JOB_NUMBER.match(line.text) or _FOOTER.match(line.text)):
            line.furniture = True
        if line.text and _PAGE_WORD.match(line.text):  # "Page 4" is no text's, wherever it stands, nor the
            line.furniture = True  # symbol right above it: a page's head copied without its page break
            if previous is not None and symbol is not None and previous.text == symbol:
                previous.furniture = True
        previous = line if line.text else previous
    pages: dict[int, list[Line]] = {}
    for line in lines:
        if line.text:
            pages.setdefault(line.page, []).append(line)
    if len(pages) < 2:
        return
    for line in pages[min(pages)][-_EDGE_LINES:]:
        if _PAGE_NUMBER.match(line.text):
            line.furniture = True
    for page, body in pages.items():  # the page's own number closing it, above only its job number: "1"
        last = next((line for line in reversed(body) if not line.furniture), None)
        if last is not None and last.text == str(page):
            last.furniture = True
    # page 1 has the cover, not running headers: its lines repeated at the top of later pages stay
    edges = {page: body[:_EDGE_LINES] + body[-_EDGE_LINES:] for page, body in pages.items() if page > 1}
    shapes = Counter(shape for edge in edges.values() for shape in {_shape(line.text) for line in edge})
    for page, edge in edges.items():
        body = pages[page]
        for line in edge:
            at = body.index(line)
            under_heading = at > 0 and structural(body[at - 1].text)  # "(Agenda item 14)" under "V. …": its heading's
            repeated = shapes[_shape(line.text)] >= 2 and len(line.text) < 120 and not structural(line.text) \
                and not under_heading
            running_symbol = symbol is not None and (line.text.rstrip("* ") == symbol or _beside(symbol, line.raw))
            running_title = title is not None and line.text == title and not structural(line.text)
            if _PAGE_NUMBER.match(line.text) or repeated or running_symbol or running_title:
                line.furniture = True


def _beside(symbol: str, raw: str) -> bool:
    """A running head of two parts set apart by a wide space, one of them the symbol: "A/RES/80/163      防治沙尘暴"."""
    parts = [part.strip() for part in re.split(r"\s{3,}|\t", raw.strip()) if part.strip()]
    return len(parts) == 2 and symbol in parts and max(len(part) for part in parts) <= 60


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


def unwrap_pipes(lines: list[Line]) -> None:
    """A one-cell pipe row is a line put in a box by a converter: read its cell; rules are dropped.
    A row broken over lines ("| United Kingdom of" … "Northern Ireland | 4.5 |") is read as one; rows
    written without their outer pipes ("国家 | 监测网络" then "尼泊尔 | 12.5") are given them."""
    _join_broken_rows(lines)
    _close_bare_rows(lines)
    for line in lines:
        cells = pipe_cells(line.text)
        if cells is None:
            continue
        filled = [cell for cell in cells if cell]
        if is_pipe_rule(line.text):
            line.text = ""
        elif len(filled) <= 1:
            line.text = filled[0] if filled else ""


def _close_bare_rows(lines: list[Line]) -> None:
    """Two lines or more in a row, each with the same number (1+) of " | " between non-empty cells and no outer
    pipe: a table typed without its outer pipes."""
    def bare_pipes(text: str) -> int:
        if text.startswith("|") or text.endswith("|") or is_pipe_rule(text):
            return 0
        cells = text.split("|")
        return len(cells) - 1 if len(cells) > 1 and all(cell.strip() for cell in cells) else 0

    run: list[Line] = []
    for line in [*lines, None]:
        count = bare_pipes(line.text) if line is not None else 0
        if run and (count != bare_pipes(run[-1].text) or not count):
            if len(run) >= 2:
                for row in run:
                    row.unpiped, row.text = row.text, f"| {row.text} |"
            run = []
        if count:
            run.append(line)


def _join_broken_rows(lines: list[Line]) -> None:
    start = None
    for i, line in enumerate(lines):
        text = line.text
        if start is None:
            if text.startswith("|") and not text.endswith("|") and len(text) > 1:
                start = i
            continue
        if not text or i - start > 8:  # a row is never that long: not a table after all
            start = None
            continue
        lines[start].text += " " + text
        line.text = ""
        if text.endswith("|"):
            start = None
