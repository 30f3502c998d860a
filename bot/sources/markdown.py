"""Read Markdown into the project's markup, line by line (CommonMark's common cases, GFM tables and footnotes).

Headings lose their `#` (or setext underline); paragraphs become one line; list items keep their
bullet ("- ") or number ("1.", "2)"), and a line opening with a UN label ("(a)", "(iv)", "II.", "B.")
starts a new paragraph too; emphasis, links (their text kept), images (their alt text kept), HTML
tags and escapes are removed; pipe tables become tab-separated rows, header first, delimiter row
dropped; fenced code is kept as it stands. Footnotes `[^n]` become `^{n}` (a named footnote gets the
next free number) and each definition `[^n]: text` follows the block that first cites it as
`^{n} text`. Markdown has no pages: `pages` is None.
"""
from __future__ import annotations

import html
import re

from bot.corpus import decode
from bot.sources.record import SourceText

__all__ = ["read_markdown", "markdown_to_markup"]

_FRONT_MATTER = re.compile(r"\A---[ \t]*\n.*?\n(?:---|\.\.\.)[ \t]*(?:\n|\Z)", re.S)
_COMMENT = re.compile(r"<!--.*?-->", re.S)
_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})")
_ATX = re.compile(r"^ {0,3}(#{1,6})(?:[ \t]+(.*?))?(?:[ \t]+#+)?[ \t]*$")
_SETEXT = re.compile(r"^ {0,3}(?:=+|-+)[ \t]*$")
_HR = re.compile(r"^ {0,3}([-*_])(?:[ \t]*\1){2,}[ \t]*$")
_BULLET = re.compile(r"^[ \t]*[-*+][ \t]+(.*)$")
_ORDERED = re.compile(r"^[ \t]*(\d{1,9}[.)])[ \t]+(.*)$")
_UN_LABEL = re.compile(r"^[ \t]*(?:\((?:[a-z]{1,2}|[ivxlc]{1,6}|\d{1,3})\)|[IVXLC]{1,6}\.|[A-Z]\.)[ \t]+\S")
_QUOTE = re.compile(r"^[ \t]{0,3}>[ \t]?")
_DEFINITION = re.compile(r"^ {0,3}\[\^([^\]\s]+)\]:[ \t]*(.*)$")
_LINK_DEF = re.compile(r"^ {0,3}\[[^\]^][^\]]*\]:[ \t]+\S+.*$")
_DELIMITER = re.compile(r"^[ \t]*\|?[ \t]*:?-+:?[ \t]*(?:\|[ \t]*:?-+:?[ \t]*)*\|?[ \t]*$")
_FOOTNOTE_REF = re.compile(r"\[\^([^\]\s]+)\]")
_ESCAPE = re.compile(r"\\([\\`*_{}\[\]()#+\-.!|>~<])")
_CODE_SPAN = re.compile(r"(`+)(.+?)\1", re.S)
_EMPHASIS = (
    re.compile(r"(\*\*\*|___)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(\*\*|__)(?=\S)(.+?)(?<=\S)\1"),
    re.compile(r"(\*)(?=\S)(.+?)(?<=\S)\*"),
    re.compile(r"(?<![\w])(_)(?=\S)(.+?)(?<=\S)_(?![\w])"),
    re.compile(r"(~~)(?=\S)(.+?)(?<=\S)~~"),
)
_IMAGE = re.compile(r"!\[([^\]]*)\]\([^)]*\)")
_LINK = re.compile(r"\[([^\]]+)\](?:\([^)]*\)|\[[^\]]*\])")
_AUTOLINK = re.compile(r"<((?:https?|ftp|mailto):[^>\s]+)>")
_SUP = re.compile(r"<sup>\s*(\d{1,4}(?:\s*,\s*\d{1,4})*)\s*</sup>", re.I)
_BR = re.compile(r"<br\s*/?>", re.I)
_TAG = re.compile(r"</?[A-Za-z][A-Za-z0-9-]*(?:\s[^<>]*)?/?>")
_COVER_LINE = 70  # before a document's first heading or numbered line, lines this short are a cover block's
_PRIVATE = 0xF0000  # escaped characters are parked in a private-use plane while markup is removed


def read_markdown(data: bytes, name: str) -> SourceText:
    return SourceText(text=markdown_to_markup(decode(data, name)), pages=None, kind="md")


def markdown_to_markup(text: str) -> str:
    text = _COMMENT.sub("", _FRONT_MATTER.sub("", text.replace("\r\n", "\n").replace("\r", "\n"), count=1))
    return _Converter(text.split("\n")).run()


class _Converter:
    def __init__(self, lines: list[str]):
        self.lines: list[str] = []
        self.notes: dict[str, str] = {}
        for label, body in self._definitions(lines):
            self.notes.setdefault(label, body)
        self.numbers: dict[str, int] = {}
        used = {int(label) for label in self.notes if label.isdigit()}
        self.free = (n for n in range(1, 100000) if n not in used)
        self.out: list[str] = []
        self.paragraph: list[str] = []
        self.pending: list[str] = []
        self.written: set[str] = set()
        self.body = False  # a heading, list, numbered line or table has been read: the cover block is over

    def _definitions(self, lines: list[str]) -> list[tuple[str, str]]:
        """Footnote definitions (with their indented continuation lines) out of the text; the rest kept."""
        found: list[tuple[str, str]] = []
        k = 0
        while k < len(lines):
            match = _DEFINITION.match(lines[k])
            if not match:
                self.lines.append(lines[k])
                k += 1
                continue
            parts = [match[2]]
            k += 1
            while k < len(lines) and (lines[k].startswith(("    ", "\t")) or
                                      (lines[k].strip() and not parts[-1] == "" and not _DEFINITION.match(lines[k])
                                       and lines[k].startswith("  "))):
                parts.append(lines[k].strip())
                k += 1
            found.append((match[1], " ".join(p for p in parts if p)))
        return found

    def number(self, label: str) -> int:
        if label not in self.numbers:
            self.numbers[label] = int(label) if label.isdigit() else next(self.free)
        return self.numbers[label]

    # -- blocks ---------------------------------------------------------------------------------

    def run(self) -> str:
        lines = self.lines
        k = 0
        while k < len(lines):
            raw = lines[k]
            line = raw
            while _QUOTE.match(line):
                line = _QUOTE.sub("", line, count=1)
            fence = _FENCE.match(line)
            if fence:
                self.flush()
                k += 1
                while k < len(lines) and not lines[k].lstrip().startswith(fence[1]):
                    if lines[k].strip():
                        self.out.append(lines[k].rstrip().replace("\t", "    "))
                    k += 1
                k += 1
                continue
            if not line.strip():
                self.flush()
            elif self.paragraph and _SETEXT.match(line) and not self.paragraph[0].startswith(("- ", "* ", "+ ")):
                self.body = True
                self.paragraph = [" ".join(self.paragraph)]
                self.flush()  # the paragraph above was a heading
            elif _HR.match(line):
                self.flush()
            elif (heading := _ATX.match(line)) is not None:
                self.flush()
                self.body = True
                if heading[2]:
                    self.emit(self.inline(heading[2]))
            elif "|" in line and k + 1 < len(lines) and _DELIMITER.match(lines[k + 1]) and "|" in lines[k + 1]:
                self.flush()
                self.body = True
                rows = [line]
                k += 2
                while k < len(lines) and lines[k].strip() and "|" in lines[k]:
                    rows.append(lines[k])
                    k += 1
                self.table(rows)
                continue
            elif _LINK_DEF.match(line):
                pass
            elif (bullet := _BULLET.match(line)) is not None:
                self.flush()
                self.body = True
                self.paragraph = ["- " + bullet[1].strip()]
            elif (ordered := _ORDERED.match(line)) is not None:
                self.flush()
                self.body = True
                self.paragraph = [f"{ordered[1]} {ordered[2].strip()}"]
            elif _UN_LABEL.match(line):
                self.flush()
                self.body = True
                self.paragraph = [line.strip()]
            else:
                self.paragraph.append(line.strip().rstrip("\\").strip())
            k += 1
        self.flush()
        for label in self.notes:  # footnotes nobody cites still belong to the document
            if label not in self.written:
                self.pending.append(label)
        self.flush_notes()
        return "".join(line + "\n" for line in self.out)

    def flush(self) -> None:
        parts = [part for part in self.paragraph if part]
        if not self.body and len(parts) > 1 and all(len(part) <= _COVER_LINE for part in parts):
            for part in parts:  # a cover block's short lines (body, session, place) stay lines of their own
                self.emit(self.inline(part))
        elif parts:
            self.emit(self.inline(" ".join(parts)))
        self.paragraph = []

    def emit(self, text: str) -> None:
        text = re.sub(r"[ \t]+", " ", text).strip()
        if text:
            self.out.append(text)
        self.flush_notes()

    def flush_notes(self) -> None:
        pending, self.pending = self.pending, []
        for label in pending:
            if label in self.written or label not in self.notes:
                continue
            self.written.add(label)
            number = self.number(label)
            body = re.sub(r"[ \t]+", " ", self.inline(self.notes[label])).strip()
            self.out.append(f"^{{{number}}} {body}".rstrip())

    def table(self, rows: list[str]) -> None:
        for row in rows:
            row = row.strip().replace("\\|", chr(_PRIVATE + ord("|")))
            if row.startswith("|"):
                row = row[1:]
            if row.endswith("|"):
                row = row[:-1]
            cells = [re.sub(r"\s+", " ", self.inline(cell)).strip() for cell in row.split("|")]
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                self.out.append("\t".join(cells))
        self.flush_notes()

    # -- inline ---------------------------------------------------------------------------------

    def inline(self, text: str) -> str:
        text = _ESCAPE.sub(lambda m: chr(_PRIVATE + ord(m[1])), text)
        spans: list[str] = []

        def park(match: re.Match) -> str:
            spans.append(match[2].strip())
            return f"\x00{len(spans) - 1}\x00"

        text = _CODE_SPAN.sub(park, text)

        def note(match: re.Match) -> str:
            label = match[1]
            if label not in self.notes:
                return match[0]
            self.pending.append(label)
            return f"^{{{self.number(label)}}}"

        text = _FOOTNOTE_REF.sub(note, text)
        text = _IMAGE.sub(r"\1", text)
        text = _LINK.sub(r"\1", text)
        text = _AUTOLINK.sub(r"\1", text)
        text = _SUP.sub(lambda m: "^{" + re.sub(r"\s+", "", m[1]) + "}", text)
        text = _BR.sub(" ", text)
        text = _TAG.sub("", text)
        for pattern in _EMPHASIS:
            previous = None
            while previous != text:
                previous, text = text, pattern.sub(r"\2", text)
        text = re.sub(r"\x00(\d+)\x00", lambda m: spans[int(m[1])], text)
        text = re.sub(r"[\U000F0000-\U000F00FF]", lambda m: chr(ord(m[0]) - _PRIVATE), text)
        return html.unescape(text).replace("\t", " ")
