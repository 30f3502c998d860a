"""Plain text: decoded as the corpus loader decodes it (a BOM's encoding, UTF-8, else GBK/GB18030).

Footnotes written the Markdown way (`[^1]` in the text, `[^1]: note` on a line of its own) become the
project's markup (`^{1}`, `^{1} note`) when the text defines at least one; a named footnote (`[^a]`) gets
the next free number; so do footnotes written `[1]` and `[1] note`, when every note is marked in the text. A table laid out with spaces gets tabs between its cells (see aligned)."""
from __future__ import annotations

import re

from bot.corpus import decode
from bot.sources.aligned import aligned_tables
from bot.sources.record import SourceText

__all__ = ["read_text", "markdown_footnotes", "bracket_footnotes"]

_DEFINITION = re.compile(r"^[ \t]{0,3}\[\^([^\]\s]+)\]:[ \t]*", re.M)
_REFERENCE = re.compile(r"\[\^([^\]\s]+)\]")


def read_text(data: bytes, name: str) -> SourceText:
    text = aligned_tables(bracket_footnotes(markdown_footnotes(decode(data, name))))
    return SourceText(text=text, pages=text.count("\f") + 1 if "\f" in text else None, kind="txt")


def markdown_footnotes(text: str) -> str:
    """`text` with its Markdown footnotes in the project's markup; unchanged when it defines none."""
    labels = list(dict.fromkeys(_DEFINITION.findall(text)))
    if not labels:
        return text
    used = {int(label) for label in labels if label.isdigit()}
    free = (n for n in range(1, 100000) if n not in used)
    numbers = {label: int(label) if label.isdigit() else next(free) for label in labels}
    text = _DEFINITION.sub(lambda m: f"^{{{numbers[m[1]]}}} ", text)
    return _REFERENCE.sub(lambda m: f"^{{{numbers[m[1]]}}}" if m[1] in numbers else m[0], text)


_BRACKET_NOTE = re.compile(r"^[ \t]*\[(\d{1,3})\][ \t]+(?=\S)", re.M)  # "[1] UNEP(DEPI)/MED IG.21/9, annex II."
_NOTES_HEADING = re.compile(r"^[ \t]*(?:Notes|NOTES|Footnotes|Endnotes|注释?|脚注)[:：]?[ \t]*\n(?=\s*\[1\][ \t])", re.M)
_BRACKET_MARK = re.compile(r"(?<=[^\s\[]) ?\[(\d{1,3})\]")  # "… worldwide,[1]", "… 2024–2025[2]", "… forests [1];"


def bracket_footnotes(text: str) -> str:
    """Footnotes as a Word file saved as text writes them, "[1]" after a word and "[1] note" on a line of its own,
    in the project's markup — when every note's number is also marked in the text, and no more than that."""
    notes = _BRACKET_NOTE.findall(text)
    if not notes or len(set(notes)) != len(notes):
        return text
    marked = set(_BRACKET_MARK.findall(_BRACKET_NOTE.sub("", text)))
    if set(notes) - marked or marked - set(notes):
        return text
    text = _NOTES_HEADING.sub("", text)  # "Notes" over the notes: a word of the layout, not of the text
    text = _BRACKET_NOTE.sub(lambda m: f"^{{{m[1]}}} ", text)
    return _BRACKET_MARK.sub(lambda m: f"^{{{m[1]}}}", text)
