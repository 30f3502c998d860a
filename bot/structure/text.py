"""Text helpers shared by the grammar and the builder: footnote markers, numerals, cleaning, joining.

Markers are the superscript digits of a Word or PDF source (¹²) and the `^{12,13}` markup the source
readers emit; both are removed from passage text and kept as footnote links.
"""
from __future__ import annotations

import re

SUPERSCRIPTS = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_ASCII = str.maketrans(SUPERSCRIPTS, "0123456789")
# a unit's exponent is no footnote marker: "15 µg/m³", "2 km²" (a lone ² or ³ right after m, km, cm …)
_EXPONENT = rf"(?<=[\d\s/·(]m)[²³](?![{SUPERSCRIPTS}])|(?<=[\d\s/·(][kcdmµμ]m)[²³](?![{SUPERSCRIPTS}])"
_MARKER_BODY = rf"(?!{_EXPONENT})[{SUPERSCRIPTS}]+|\^\{{ *[0-9]+(?: *, *[0-9]+)* *\}}"
MARKER = re.compile(rf" *(?:{_MARKER_BODY})")
MARKER_CHAR = re.compile(rf"[{SUPERSCRIPTS}]|\^\{{")  # a cheap test before the full pattern
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_SPACES = re.compile(r"\s+")

CN_NUMERALS = "一二三四五六七八九十"
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CN_NUMBER = re.compile(r"([一二三四五六七八九])?十([一二三四五六七八九])?|([一二三四五六七八九])")
_ROMAN = {"I": 1, "V": 5, "X": 10, "L": 50}
_ROMAN_FORM = re.compile(r"^(XXX|XX|X)?(IX|IV|V?I{0,3})$")

# A unit whose last line ends otherwise was cut by a line or page break and goes on below.
CLOSERS_ZH = "。；;：:！!？?，,"
CLOSERS_EN = CLOSERS_ZH + "."


def strip_markers(text: str) -> str:
    """Remove footnote markers (¹⁴, ^{12,13}) and the spaces just before them."""
    return MARKER.sub("", text) if MARKER_CHAR.search(text) else text


def marker_numbers(text: str) -> list[int]:
    """The footnote numbers the markers in `text` cite, in order."""
    numbers: list[int] = []
    if not MARKER_CHAR.search(text):
        return numbers
    for match in MARKER.finditer(text):
        for digits in re.findall(r"[0-9]+", match.group().translate(_SUP_TO_ASCII)):
            if len(digits) <= 4:
                numbers.append(int(digits))
    return numbers


def clean(text: str, links: bool = True) -> str:
    """Markers (and Markdown links, keeping their words) removed, whitespace runs made one space."""
    text = strip_markers(text)
    if links and "](" in text:
        text = _LINK.sub(r"\1", text)
    return " ".join(text.split())


def squash(text: str) -> str:
    return " ".join(text.split())


def join_wrapped(parts: list[str], language: str) -> str:
    """Join the lines of one unit: Chinese wraps anywhere (a space only where Latin meets Latin),
    Latin script wraps between words (always a space)."""
    out = ""
    for part in filter(None, parts):
        if out and (language == "en" or (_latin(out[-1]) and _latin(part[0]))):
            out += " "
        out += part
    return " ".join(out.split())


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


_TRAILING_MARKER = re.compile(r"(?<=[,.;:])\d{1,3}(?:,\d{1,3})*$")  # "Biosafety,6": a marker in plain digits
_TRAILING_MARKER_ZH = re.compile(r"(?<=[，。；：])\d{1,2}$")  # "…第4/10号决议，2": a superscript flattened


def is_open(text: str, language: str) -> bool:
    """True when a unit's last line stops mid-sentence, so the next plain line continues it."""
    text = clean(text)
    text = (_TRAILING_MARKER if language == "en" else _TRAILING_MARKER_ZH).sub("", text)
    closers = CLOSERS_EN if language == "en" else CLOSERS_ZH
    return bool(text) and text[-1] not in closers


def ends_with_comma(text: str, language: str) -> bool:
    """Whether a unit's last line stops at a comma (after any footnote marker in plain digits)."""
    text = clean(text)
    text = (_TRAILING_MARKER if language == "en" else _TRAILING_MARKER_ZH).sub("", text)
    return text.endswith((",", "，"))


def cn_number(numeral: str) -> int | None:
    """一 … 九十九 as an int; None for anything else."""
    match = _CN_NUMBER.fullmatch(numeral)
    if not match:
        return None
    if match[3]:
        return _CN_DIGITS[match[3]]
    return (_CN_DIGITS[match[1]] if match[1] else 1) * 10 + (_CN_DIGITS[match[2]] if match[2] else 0)


def to_cn(number: int) -> str:
    """1 … 99 in Chinese numerals (the inverse of cn_number); other numbers stay arabic."""
    if not 0 < number < 100:
        return str(number)
    tens, ones = divmod(number, 10)
    digits = "零一二三四五六七八九"
    head = "" if tens == 0 else ("十" if tens == 1 else digits[tens] + "十")
    return head + (digits[ones] if ones else "")


def roman_value(token: str) -> int | None:
    """I … XXXIX (upper or lower case) as an int; None for anything else."""
    upper = token.upper()
    if not upper or not _ROMAN_FORM.match(upper):
        return None
    values = [_ROMAN[ch] for ch in upper]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total or None


def to_roman(number: int) -> str:
    if not 0 < number < 40:
        return str(number)
    out = "X" * (number // 10)
    ones = number % 10
    return out + ["", "I", "II", "III", "IV", "V", "VI", "VII", "VIII", "IX"][ones]
