"""One grammar for UN documents in both languages: what kind of line is this?

`classify` names the line's role from its form alone (a marker, a heading word, a number); where the
role depends on what came before (is "(i)" the ninth letter or a roman subitem? is "1." a paragraph
or a numbered heading?) the builder decides. The English and Chinese vocabularies live in
grammar_en.py and grammar_zh.py; both are tried on every line, so a Chinese text quoting an English
heading still parses.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.structure import grammar_en as en
from bot.structure import grammar_zh as zh
from bot.structure.text import SUPERSCRIPTS, cn_number, marker_numbers, roman_value, strip_markers, to_cn

_BULLETS = "-•·▪◦●○■□\uf0b7\uf0a7\uf0d8\uf076"  # the last four: Symbol/Wingdings bullets from Word
_BULLET = re.compile(rf"^(?:[{_BULLETS}]\s+|-(?=\s*[(（]))")
_SUP_FOOTNOTE = re.compile(rf"^([{SUPERSCRIPTS}]+)\s*(.*)$")
_CARET_FOOTNOTE = re.compile(r"^(\^\{ *[0-9]+(?: *, *[0-9]+)* *\})\s*(.*)$")
# "1." then a space (or Chinese text); never "1.5" or an indicator code such as "13.b"
_PARAGRAPH = re.compile(r"^([0-9]{1,3})(?:\.(?=\s|$|[\u4e00-\u9fff（(《“])|．)\s*(.*)$")
_LETTER_ITEM = re.compile(r"^[(（]([a-z]{1,2}|[ivxl]{1,6})[)）]\s*(.*)$|^([a-z]|[ivxl]{1,6})\)\s+(\S.*)$")  # "(a)"; "a)" (CMS)
_DECIMAL_PARAGRAPH = re.compile(r"^([0-9]{1,2}(?:\.[0-9]{1,2}){1,3})\.?\s+([A-Z\u4e00-\u9fff“\"(（].*)$")  # "1.1", "3.2.4.1."
_ENCLOSED_ITEM = re.compile(r"^([㈠-㈩])\s*(\S.*)$")
_CN_ITEM = re.compile(r"^[(（]([一二三四五六七八九十]+)[)）]\s*(.*)$")
_DOT_ITEM = re.compile(r"^\.([0-9]{1,2})\s+(\S.*)$")
_NUMBER_ITEM = re.compile(r"^[(（]([0-9]{1,2})[)）]\s*(.*)$")
_TITLE_WORDS = 12  # a heading title longer than this is a sentence
_ONLY_DATE = re.compile(rf"^\s*(?:{en.DATE.pattern}|{zh.DATE.pattern})\s*$")


@dataclass(frozen=True)
class Token:
    """A line's role: kind, its path value ("1/CMA.5", "2", "II", "D", "7", "a"), how it was
    numbered (style), the marker as printed (mark) and the text after the marker (rest)."""

    kind: str  # footnote decision annex article section paragraph item table contents formula plain
    value: str = ""
    style: str = ""
    mark: str = ""
    rest: str = ""


def has_bullet(line: str) -> bool:
    return bool(_BULLET.match(line))


def unbullet(line: str) -> str:
    """The line without a leading list bullet ("- ", "• ")."""
    return _BULLET.sub("", line, count=1).lstrip() if _BULLET.match(line) else line


def classify(line: str) -> Token:
    """The role of one stripped, non-blank line."""
    footnote = _footnote(line)
    if footnote:
        return footnote
    body = unbullet(line)
    bare = strip_markers(body).strip()
    for rule in (_contents, _decision, _annex, _article, _table, _section, _paragraph, _decimal, _item):
        token = rule(body, bare)
        if token:
            return token
    if en.TREATY_FORMULA.match(bare):
        return Token("formula", rest=body)
    return Token("plain", rest=body)


def _footnote(line: str) -> Token | None:
    match = _SUP_FOOTNOTE.match(line) or _CARET_FOOTNOTE.match(line)
    if not match:
        return None
    numbers = marker_numbers(match[1])
    if not numbers:
        return None
    return Token("footnote", str(numbers[0]), mark=match[1], rest=match[2])


def _contents(body: str, bare: str) -> Token | None:
    return Token("contents", rest=body) if en.CONTENTS.match(bare) or zh.CONTENTS.match(bare) else None


def _decision(body: str, bare: str) -> Token | None:
    match = en.DECISION.match(bare)
    if match:
        return Token("decision", f"{match[2]}/{match[3]}", match[1].lower(), rest=body)
    match = en.BARE_DECISION.match(bare)
    if match:
        return Token("decision", f"{match[1]}/{match[2]}", "decision", rest=body)
    match = zh.DECISION.match(bare)
    if match:
        return Token("decision", f"{match[1]}/{match[2]}", "resolution" if match[3] == "决议" else "decision",
                     rest=body)
    return None


def _annex(body: str, bare: str) -> Token | None:
    match = en.ANNEX.match(bare)
    if match:
        numeral = match[2] or ""
        value = int(numeral) if numeral.isdigit() else (roman_value(numeral) if numeral else 1)
        if value:
            return Token("annex", str(value), en.annex_kind(match[1]), numeral, body)
    match = zh.ANNEX.match(bare)
    if match:
        numeral = match[2] or ""
        value = int(numeral) if numeral.isdigit() else (cn_number(numeral) if numeral else 1)
        if value:
            return Token("annex", str(value), zh.annex_kind(match[1]), numeral, body)
    return None


def _article(body: str, bare: str) -> Token | None:
    match = en.ARTICLE.match(bare) or zh.ARTICLE.match(bare)
    if not match:
        return None
    numeral, title = match[1], (match[2] or "").strip()
    value = int(numeral) if numeral.isdigit() else cn_number(numeral)
    if value is None or (title and not _title_like(title)):
        return None
    return Token("article", str(value), mark=numeral, rest=body)


def _title_like(text: str) -> bool:
    """A heading's title: short, capitalised or Chinese, not a sentence."""
    text = text.strip()
    if not text or text[-1] in ".;:,。；：，" or len(text.split()) > _TITLE_WORDS:
        return False
    return not text[0].islower()


def _table(body: str, bare: str) -> Token | None:
    match = zh.TABLE.match(bare)
    if match:
        return Token("table", match[1], rest=body)
    match = en.TABLE.match(bare)
    if match and (not match[2] or _title_like(match[2])):
        return Token("table", match[1], rest=body)
    return None


def _long_title(text: str) -> bool:
    """A part's title may run long ("PART III: UNFCCC guidelines for the technical review of …"): a line that
    does not end as a sentence does."""
    return len(text) <= 160 and not re.search(r"[.;。；,，]$", text.strip())


DIVISIONS = ("chapter", "part")  # section styles that hold a treaty's articles, numbered through them


def _section(body: str, bare: str) -> Token | None:
    for style, match in (("chapter", zh.CHAPTER.match(bare) or en.CHAPTER.match(bare)),  # a treaty's chapters
                         ("part", zh.PART.match(bare) or en.PART.match(bare))):  # and parts hold its articles
        if match and (not match[2] or _title_like(match[2]) or style == "part" and _long_title(match[2])):
            numeral = match[1]
            value = int(numeral) if numeral.isdigit() else (roman_value(numeral) if numeral.isascii() else cn_number(numeral))
            if value:
                return Token("section", str(value), style, numeral, body)
    match = zh.SECTION.match(bare)
    if match and (not match[2] or _title_like(match[2])):
        value = int(match[1]) if match[1].isdigit() else cn_number(match[1])
        if value:
            return Token("section", str(value), "cn", f"第{to_cn(value)}节", body)
    match = zh.CN_HEADING.match(bare)
    if match and cn_number(match[1]):
        return Token("section", str(cn_number(match[1])), "cn", match[1], body)
    match = en.ROMAN_HEADING.match(bare)
    if match and roman_value(match[1]):
        return Token("section", match[1], "roman", match[1], body)  # may be the letter I, V or X
    match = en.LETTER_HEADING.match(bare)
    if match:
        return Token("section", match[1], "letter", match[1], body)
    return None


def _paragraph(body: str, bare: str) -> Token | None:
    match = _PARAGRAPH.match(body)
    if not match or _ONLY_DATE.match(match[2]):  # "28. 13 December 2014": a date numbered by a converter
        return None
    return Token("paragraph", str(int(match[1])), mark=match[1], rest=match[2])


def _decimal(body: str, bare: str) -> Token | None:
    """"1.1 Parties with pelagic longline fleets …": a paragraph numbered within a numbered part, as CMS annexes
    and IMO texts number them (lookahead.mark_decimal_runs keeps only those in a run)."""
    match = _DECIMAL_PARAGRAPH.match(body)
    if not match or _ONLY_DATE.match(match[2]):
        return None
    value = ".".join(str(int(part)) for part in match[1].split("."))
    return Token("decimal", value, "decimal", value, match[2])


def _item(body: str, bare: str) -> Token | None:
    match = _LETTER_ITEM.match(body)
    if match:
        letter, rest = (match[1], match[2]) if match[1] else (match[3], match[4])
        return Token("item", letter, "letter", letter, rest)
    match = _CN_ITEM.match(body)
    if match and cn_number(match[1]):
        return Token("item", str(cn_number(match[1])), "cn", match[1], match[2])
    match = _ENCLOSED_ITEM.match(body)  # "㈠ …": a sub-item of a Chinese UN text, as "(一)" in one character
    if match:
        number = ord(match[1]) - ord("㈠") + 1
        return Token("item", str(number), "cn", to_cn(number), match[2])
    match = _NUMBER_ITEM.match(body)
    if match:
        return Token("item", str(int(match[1])), "number", match[1], match[2])
    match = _DOT_ITEM.match(body)  # ".1", ".2": the items of an IMO paragraph ("1.3 … : .1 …; .2 …")
    if match:
        return Token("item", str(int(match[1])), "number", f".{int(match[1])}", match[2])
    match = en.ROMAN_ITEM_DOT.match(body)
    if match and roman_value(match[1]):
        return Token("item", match[1], "letter", match[1], match[2])
    match = en.LETTER_ITEM_DOT.match(body)
    if match:
        return Token("item", match[1], "letter", match[1], match[2])
    return None
