"""What a document is, read from its front matter: UN symbol, title, language, date and kind."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.structure import grammar_en as en
from bot.structure import grammar_zh as zh
from bot.structure.lines import pipe_cells

_SYMBOL = re.compile(r"(?<![\w/])((?:[A-Z][A-Z0-9]*|A|E|S)(?:/(?:[A-Z0-9][A-Za-z0-9.\-]*)){2,})(?![\w/])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
_NUMBERED_TITLE = re.compile(r"^(?:\d{1,3}|[IVXL]{1,6})/\d{1,3}\.\s+(\S.*)$")
_REPORT = re.compile(r"^(Report|Draft report|报告|.{2,40}的报告)")
_FRONT_LINES = 60  # the front matter is read from the first lines only
_SAMPLE = 50_000
_LANGUAGE_SAMPLE = 20_000


@dataclass(frozen=True)
class DocumentInfo:
    """A document as its front matter describes it."""

    symbol: str | None  # "CBD/WG2020/REC/1/1", "FCCC/PA/CMA/2023/16/Add.1"
    title: str | None  # the document's own title line(s)
    language: str  # "zh" | "en"
    date: str | None  # ISO date of issue, "2019-08-30"
    kind: str  # decision | recommendation | resolution | report | treaty | document
    file_name: str = ""


def detect_language(text: str) -> str:
    """"zh" when Chinese characters make up a fair share of the letters, else "en"."""
    sample = text[:_LANGUAGE_SAMPLE]
    cjk, latin = len(_CJK.findall(sample)), len(_LATIN.findall(sample))
    return "zh" if cjk and cjk * 3 >= latin else "en"


def detect(text: str, file_name: str = "") -> DocumentInfo:
    """Symbol, title, language, date and kind of `text`; fields the front matter lacks are None."""
    front = _front_lines(text)
    language = detect_language(text)
    symbol = _symbol(front, file_name)
    title = _title(front)
    return DocumentInfo(symbol, title, language, _date(front), _kind(symbol, title, text), file_name)


def _front_lines(text: str) -> list[str]:
    lines = []
    for raw in text.removeprefix("\ufeff")[:_SAMPLE].replace("\r\n", "\n").replace("\f", "\n").split("\n"):
        cells = pipe_cells(raw.strip())
        line = " ".join(cell for cell in cells if cell) if cells is not None else raw.strip()
        lines.append(" ".join(line.split()))  # blank lines kept: they end a wrapped title
        if len(lines) >= _FRONT_LINES:
            break
    return lines


def _symbol(front: list[str], file_name: str) -> str | None:
    for line in front:
        match = _SYMBOL.search(line)
        if match:
            return match[1].rstrip(".")
    guess = re.sub(r"\.(zh|en|fr|es|ru|ar)?\.?\w*$", "", file_name.rsplit("/", 1)[-1]).replace("-", "/")
    match = _SYMBOL.fullmatch(guess) if guess.count("/") >= 2 else None
    return match[1] if match else None


def _title(front: list[str]) -> str | None:
    """The numbered title of a decision or recommendation ("1/1. 编制…"), else a report's title, else
    the title under a lone "Decision x/y" heading."""
    for i, line in enumerate(front):
        match = _NUMBERED_TITLE.match(line)
        if match:
            return _with_continuation(front, i, match[1] if len(match[1]) > 3 else line)
    for i, line in enumerate(front):
        if _REPORT.match(line):
            return _with_continuation(front, i, line)
    for i, line in enumerate(front[:-1]):
        if en.DECISION.match(line) or zh.DECISION.match(line):
            return next((later for later in front[i + 1:] if later), None)
    return None


_FUNCTION_WORDS = ("of", "on", "the", "in", "its", "from", "and", "for", "to", "at", "with", "by")


def _with_continuation(front: list[str], i: int, title: str) -> str:
    """A title wrapped over lines goes on while the next line starts in lower case or with a digit,
    follows a dangling function word, or is a short tail of a long (margin-wrapped) line; a blank
    line or a chapeau ends it."""
    previous = front[i]
    for line in front[i + 1:i + 4]:
        if not line or line.endswith((",", "，")):
            break
        words = title.split()
        tail = len(line.split()) <= 2 and len(previous) >= 60
        if line[:1].islower() or line[:1].isdigit() or (words and words[-1] in _FUNCTION_WORDS) or tail:
            title, previous = f"{title} {line}", line
        else:
            break
    return title


def _date(front: list[str]) -> str | None:
    for line in front:
        match = en.DATE.search(line)
        if match:
            return f"{match[3]}-{en.MONTHS.index(match[2]) + 1:02d}-{int(match[1]):02d}"
    for line in front:
        match = zh.DATE.search(line)
        if match:
            return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
    return None


def _kind(symbol: str | None, title: str | None, text: str) -> str:
    parts = set((symbol or "").upper().split("/"))
    if "REC" in parts:
        return "recommendation"
    if "DEC" in parts:
        return "decision"
    if "RES" in parts:
        return "resolution"
    if title and _REPORT.match(title):
        return "report"
    head = text[:_SAMPLE]
    if re.search(r"^\s*(?:Article 1|第一条)\s*$", head, re.MULTILINE) and not re.search(
            r"^\s*(?:Decision|第\s*\d)", head, re.MULTILINE):
        return "treaty"
    if title and _NUMBERED_TITLE.match(title or ""):
        return "decision"
    return "document"
