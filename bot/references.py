"""Structural references in a question (第5段, 第7段(a)项, 脚注14, 附件一H节(二), 表3, footnote 26 …) resolved to ids.

Works on normalized text (see textnorm.normalize): half-width digits and brackets, simplified, lower case.
The ids follow the parser's scheme; a reference to something the document lacks resolves to nothing.
"""
from __future__ import annotations

import re

_DIGITS = {"零": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_NUMBER = r"(\d{1,3}|[一二两三四五六七八九十]{1,3})"
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
             "fourteenth fifteenth sixteenth").split()
_ORDINAL_REFERENCE = re.compile(
    rf"\b({'|'.join(_ORDINALS)})\s+(preambular\s+paragraph|preamble\s+paragraph|operative\s+paragraph|paragraph|footnote|item|table)"
)


def roman_to_int(token: str) -> int | None:
    """i … xx; None for anything else."""
    if not token or any(ch not in _ROMAN_VALUES for ch in token):
        return None
    values = [_ROMAN_VALUES[ch] for ch in token]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if 0 < total <= 20 else None


def _ordinals_as_numbers(question: str) -> str:
    """'the first preambular paragraph' -> 'the preambular paragraph 1', so one pattern reads both."""
    return _ORDINAL_REFERENCE.sub(lambda m: f"{m.group(2)} {_ORDINALS.index(m.group(1)) + 1}", question)


def to_int(token: str) -> int | None:
    """Arabic or Chinese numerals up to 99: "14", "十四", "二十九"."""
    if token.isdigit():
        return int(token)
    if "十" in token:
        tens, _, ones = token.partition("十")
        value = (_DIGITS.get(tens, 0) if tens else 1) * 10 + (_DIGITS.get(ones, 0) if ones else 0)
        return value if all(ch in _DIGITS for ch in tens + ones) else None
    return _DIGITS.get(token) if len(token) == 1 else None


_FOOTNOTE = re.compile(rf"(?:脚注|注释|注|footnote|fn|note)\s*(?:第|no\.?\s*)?{_NUMBER}")
_PREAMBLE = re.compile(rf"序言(?:部分)?(?:的)?第{_NUMBER}段|preamb\w*\s*(?:paragraph|para)?\s*(\d+)")
_INTRO = re.compile(rf"(?:引言|第一节)(?:部分)?(?:的)?第{_NUMBER}段|introduction\s*(?:paragraph|para)?\s*(\d+)")
_PARAGRAPH = re.compile(
    rf"(?<![决定号条/])第{_NUMBER}段\s*(?:\(?([a-c])\)?\s*(?:项|分段)?)?|(?:paragraph|para\.?|operative paragraph)\s*(\d{{1,2}})\s*(?:\(([a-c])\))?"
)
_ANNEX1_SECTION = re.compile(
    r"(?<![a-z])([a-h])\s*(?:节|部分|小节)"
    r"|section\s*([a-h])\b"
    r"|(?:第二节|第2节|附件一|附件1|annex\s*i\b)\s*(?:第二节|section\s*ii\b)?\s*([a-h])(?![a-z])"
)
_ITEM = re.compile(rf"\(\s*{_NUMBER}\s*\)|第{_NUMBER}项|item\s*(\d{{1,2}})|\(([ivx]{{1,5}})\)")
_SUBLIST = {"具体目标": "target", "次级": "sub", "指标数": "ind", "target": "target", "indicator": "ind"}
_TABLE = re.compile(rf"(?:表|table\s*){_NUMBER}")
_ANNEX = re.compile(r"附件([一二12])|annex\s*(ii|i|2|1)\b")
# What is left of a question about an annex as a whole ("附件二讲什么？", "What is in annex II?").
_ABOUT_WHOLE = re.compile(r"附件[一二12]|annex\s*(?:ii|i|2|1)\b|讲|说|是|什么|内容|有|哪些|的|吗|呢|了|关于|what|is|in|about|does|say|contain\w*|the|[\s?？。,，:：!！]")


def annex_named(question: str) -> str | None:
    """'a1' or 'a2' when the question names one annex (and only one), else None."""
    named = {("a1" if _first(m) in ("一", "1", "i") else "a2") for m in _ANNEX.finditer(question)}
    return named.pop() if len(named) == 1 else None


def _first(match: re.Match) -> str:
    return next(g for g in match.groups() if g)


def resolve(question: str, known: set[str]) -> list[str]:
    """Ids the question names, most specific first; only ids in `known` are returned."""
    found: list[str] = []
    question = _ordinals_as_numbers(question)

    def add(pid: str) -> None:
        if pid in known and pid not in found:
            found.append(pid)

    for m in _FOOTNOTE.finditer(question):
        add(f"fn{to_int(_first(m))}")
    for m in _PREAMBLE.finditer(question):
        add(f"pre{to_int(_first(m))}")
    for m in _INTRO.finditer(question):
        add(f"a1-s1-{to_int(_first(m))}")
    rest = _INTRO.sub(" ", _PREAMBLE.sub(" ", question))
    for m in _PARAGRAPH.finditer(rest):
        number = to_int(m.group(1) or m.group(3) or "")
        letter = m.group(2) or m.group(4)
        if "决定" in rest[max(0, m.start() - 8):m.start()]:
            continue  # a paragraph of another decision, e.g. 第14/34号决定第6和第7段
        if number is not None:
            if letter:
                add(f"p{number}{letter}")
            add(f"p{number}")
    section = _ANNEX1_SECTION.search(question)
    if section:
        letter = _first(section).upper()
        sublist = next((v for k, v in _SUBLIST.items() if k in question), None) if letter == "D" else None
        base = f"a1-{letter}" + (f"-{sublist}" if sublist else "")
        item = _ITEM.search(question[section.end():]) or _ITEM.search(question)
        if item:
            number = _item_number(item)
            add(f"{base}-{number}")
        add(base)
    for m in _TABLE.finditer(question):
        add(f"a2-t{to_int(_first(m))}")
    annex = annex_named(question)
    if not found and annex and len(_ABOUT_WHOLE.sub("", question)) <= 3:
        add(annex)
    return found


def _item_number(item: re.Match) -> int | None:
    """The number of an item reference: (四), (4), 第4项, item 4 or (iv)."""
    *numeric, roman = item.groups()
    value = next((g for g in numeric if g), None)
    return to_int(value) if value else roman_to_int(roman or "")


_ITEM_ID = re.compile(r"^(a1-[A-H](?:-target|-sub|-ind)?)-\d+$|^(p\d+)[a-c]$")


def resolve_followup(question: str, previous_ids: list[str], known: set[str]) -> list[str]:
    """'那第8项呢？' after 附件一C节第(七)项: the same list, the new item number; likewise (c)项 after 第7段(a)项."""
    if not previous_ids or resolve(question, known):
        return []
    match = _ITEM_ID.match(previous_ids[0])
    item = _ITEM.search(question)
    if not match or not item:
        return []
    number = _item_number(item)
    if match.group(1) and number:
        candidate = f"{match.group(1)}-{number}"
    else:
        letter = re.search(r"\(([a-c])\)", question)
        candidate = f"{match.group(2)}{letter.group(1)}" if match.group(2) and letter else ""
    return [candidate] if candidate in known else []
