"""The structure of UN documents, Chinese and English: what a document is, and its citation units.

    parse(text, language=None) -> list[Passage]   every unit with id, kind, label, path, text, footnote links
    detect(text, file_name) -> DocumentInfo       symbol, title, language, date and kind from the front matter

Steps: lines.py (line ends, pages, furniture, contents) → grammar.py (what each line is) → build.py
(lines → units under their scopes) → settle.py (paths, ids, labels, texts, links) with labels.py.
"""
from __future__ import annotations

import re

from bot.records import Passage
from bot.structure.build import Builder, before_paragraph, lone_letters
from bot.structure.detect import DocumentInfo, detect, detect_language
from bot.structure.grammar import Token, classify
from bot.structure.lines import is_pipe_rule, mark_contents, mark_furniture, pipe_cells, split_lines
from bot.structure.settle import Settler
from bot.structure.text import strip_markers

__all__ = ["PARSER_VERSION", "DocumentInfo", "detect", "detect_language", "parse", "strip_markers"]

PARSER_VERSION = "2"
_BODY_START = {"decision", "annex", "article", "section", "paragraph", "table"}
_BARE_HEADING = re.compile(r"^\s*[IVXLA-Z一二三四五六七八九十]{1,6}\s*[.．、]\s*$")


def parse(text: str, language: str | None = None) -> list[Passage]:
    """The citation units of `text` in document order; never raises. `language` ("zh"/"en") is
    detected when not given; it decides labels and how wrapped lines are joined."""
    lines = split_lines(text)
    _unwrap_pipes(lines)
    mark_furniture(lines, lambda text: classify(text).kind != "plain")
    for line in lines:
        if line.text and not line.furniture:
            line.token = classify(line.text)
    mark_contents(lines, _starts_body)
    _stray_numbers(lines)
    language = language if language in ("zh", "en") else detect_language(text)
    has_body = any(line.token is not None and line.token.kind in _BODY_START and not line.contents for line in lines)
    drafts = Builder(lines, language, lone_letters(lines), before_paragraph(lines)).run(has_body)
    return Settler(drafts, lines, language).passages()


def _unwrap_pipes(lines) -> None:
    """A one-cell pipe row is a line put in a box by a converter: read its cell; rules are dropped.
    A row broken over lines ("| United Kingdom of" … "Northern Ireland | 4.5 |") is read as one."""
    _join_broken_rows(lines)
    for line in lines:
        cells = pipe_cells(line.text)
        if cells is None:
            continue
        filled = [cell for cell in cells if cell]
        if is_pipe_rule(line.text):
            line.text = ""
        elif len(filled) <= 1:
            line.text = filled[0] if filled else ""


def _join_broken_rows(lines) -> None:
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


def _stray_numbers(lines) -> None:
    """A bare "1." or "II." followed by a heading or another number holds nothing: a converter's empty
    list entry, read as plain text. (Followed by plain text, its words wrapped to the next line.)"""
    following = None
    for line in reversed(lines):
        token = line.token
        if token is None or line.contents:
            continue
        bare = (token.kind == "paragraph" and not token.rest) or (token.kind == "section" and _BARE_HEADING.match(line.text))
        if bare and (following is None or following.kind != "plain"):
            line.token = Token("plain", rest=line.text)
        following = line.token


def _starts_body(line) -> bool:
    token = line.token
    return token is not None and (token.kind == "decision" or (token.kind == "paragraph" and len(token.rest) > 80))
