"""The structure of UN documents, Chinese and English: what a document is, and its citation units.

    parse(text, language=None) -> list[Passage]   every unit with id, kind, label, path, text, footnote links
    detect(text, file_name) -> DocumentInfo       symbol, title, language, date and kind from the front matter

Steps: lines.py (line ends, pages, furniture, contents) → grammar.py (what each line is) → build.py
(lines → units under their scopes) → settle.py (paths, ids, labels, texts, links) with labels.py.
"""
from __future__ import annotations

import re

from bot.records import Passage
from bot.structure.build import Builder
from bot.structure.detect import DocumentInfo, detect, detect_language, is_cover_annex
from bot.structure.grammar import Token, classify
from bot.structure.lines import mark_contents, mark_furniture, split_lines, unwrap_pipes
from bot.structure.lookahead import mark_bare_numbered, mark_numbered_texts, mark_stray_numbers
from bot.structure.settle import Settler
from bot.structure.text import MARKER_CHAR, strip_markers

__all__ = ["PARSER_VERSION", "DocumentInfo", "detect", "detect_language", "parse", "strip_markers"]

PARSER_VERSION = "2"
_BODY_START = {"decision", "annex", "article", "section", "paragraph", "table"}
_RESOLUTIONS = re.compile(r"\bResolutions?\b|RESOLUTIONS?|决议")  # a record of resolutions, by its cover
_COVER_CHARS = 2000


def parse(text: str, language: str | None = None) -> list[Passage]:
    """The citation units of `text` in document order; never raises. `language` ("zh"/"en") is
    detected when not given; it decides labels and how wrapped lines are joined."""
    lines = split_lines(text)
    unwrap_pipes(lines)
    info = detect(text)
    mark_furniture(lines, lambda text: classify(text).kind != "plain", info.symbol, info.title)
    above: list[str] = []
    for line in lines:
        if line.text and not line.furniture:
            line.token = classify(line.text)
            if line.token.kind == "annex" and is_cover_annex(line.text, above):
                line.token = Token("plain")  # "Annex IV" under the symbol on the cover
            above.append(line.text)
    mark_contents(lines, _starts_body)
    mark_stray_numbers(lines)
    mark_bare_numbered(lines)
    mark_numbered_texts(lines, "resolution" if _RESOLUTIONS.search(text[:_COVER_CHARS]) else "decision")
    language = language if language in ("zh", "en") else detect_language(text)
    has_body = any(line.token is not None and line.token.kind in _BODY_START and not line.contents for line in lines)
    drafts = Builder(lines, language).run(has_body)
    return Settler(drafts, lines, language, bool(MARKER_CHAR.search(text))).passages()


def _starts_body(line) -> bool:
    token = line.token
    return token is not None and (token.kind == "decision" or (token.kind == "paragraph" and len(token.rest) > 80))
