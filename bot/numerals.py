"""Chinese ordinals, units, dates and amounts written as English UN documents write them.

A Chinese question about an English report says 第四十四届会议, 第28次会议, 2019年6月, 3.07亿美元 where the report
says "forty-fourth session", "28th meeting", "June 2019", "USD 307 million". The glossary holds terms, not
numbers, and the encoder reads numerals loosely across languages, so the question's other-language forms (see
bot.glossary) get these rewritten by rule. Numbers written in Chinese numerals become words ("forty-fourth"),
those in digits stay digits ("28th"), as the English original most likely had them.
"""
from __future__ import annotations

import re

from bot.references import to_int

_UNITS = "first second third fourth fifth sixth seventh eighth ninth".split()
_TEENS = "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
_TENS = "twenty thirty forty fifty sixty seventy eighty ninety".split()
_MONTHS = "January February March April May June July August September October November December".split()
_CN = "〇零一二三四五六七八九十百两"

_ORDINAL = re.compile(rf"第\s*([{_CN}]{{1,5}}|\d{{1,3}})\s*(?:(届|次)(会议|会|届会)?|期|轮|个|份)?"
                      r"(?!\s*(?:段|条|款|项|目|节|章|部分|行|页|表|号))")  # a unit of a document is a reference
_UNIT = re.compile(rf"第\s*([{_CN}]{{1,5}}|\d{{1,3}})\s*(条|款|段)")
_UNIT_NAMES = {"条": "Article", "款": "paragraph", "段": "paragraph"}
_DECISION = re.compile(r"第\s*(\d{1,3}\s*/\s*[A-Za-z]{2,4}\.\s*\d{1,3}|\d{1,3}\s*/\s*\d{1,3})\s*号\s*决定")
_DATE = re.compile(r"(?:((?:19|20)\d\d)\s*年\s*)?(?:(\d{1,2})\s*月\s*(?:(\d{1,2})\s*日)?)?")
_AMOUNT = re.compile(r"(\d+(?:\.\d+)?)\s*(万|亿)?\s*(美元|欧元|瑞士法郎|元)")
_CURRENCIES = {"美元": "USD", "欧元": "EUR", "瑞士法郎": "CHF", "元": ""}


def ordinal_word(n: int) -> str:
    """1 -> 'first', 44 -> 'forty-fourth', 60 -> 'sixtieth'; 100 and more in digits ('101st')."""
    if 1 <= n <= 9:
        return _UNITS[n - 1]
    if 10 <= n <= 19:
        return _TEENS[n - 10]
    if 20 <= n <= 99:
        tens, unit = divmod(n, 10)
        return f"{_TENS[tens - 2]}-{_UNITS[unit - 1]}" if unit else _TENS[tens - 2][:-1] + "ieth"
    return ordinal_digits(n)


def ordinal_digits(n: int) -> str:
    """1 -> '1st', 12 -> '12th', 23 -> '23rd'."""
    suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
    return f"{n}{suffix}"


def english_numbers(chinese: str) -> str:
    """The text with its ordinals, units, decisions, dates and amounts in English: "附属履行机构第四十一届会议" ->
    "附属履行机构 forty-first session", "第六条第4款" -> "Article 6 paragraph 4", "第7/CMA.4号决定" -> "decision
    7/CMA.4", "2014年6月30日" -> "30 June 2014", "3.07亿美元" -> "USD 307 million"."""
    text = _AMOUNT.sub(_amount, chinese)
    text = _DECISION.sub(lambda m: " decision " + "".join(m[1].split()) + " ", text)
    text = _UNIT.sub(_unit, text)
    text = _ORDINAL.sub(_ordinal, text)
    return _DATE.sub(_date, text)


def number_words(chinese: str) -> list[str]:
    """The English words for the ordinals, units, decisions, months and amounts a Chinese text names, an ordinal
    both ways it is written ("第28次" -> "28th", "twenty-eighth"), for the lexical channel."""
    words = [m[0] for m in re.finditer(r"\d[\w./]*\w|[A-Za-z]+(?:-[A-Za-z]+)*", english_numbers(chinese))
             if not m[0].isdigit()]  # bare numbers are the question's own tokens already
    for match in _ORDINAL.finditer(_UNIT.sub(" ", _DECISION.sub(" ", chinese))):
        n = to_int(match[1])
        if n and n < 100:
            words += [ordinal_digits(n), ordinal_word(n)]
    return words


def _ordinal(match: re.Match) -> str:
    n = to_int(match[1])
    if not n:
        return match[0]
    word = ordinal_digits(n) if match[1].isdigit() else ordinal_word(n)
    if match[3]:  # 第四十四届会议: a session; 第28次会议: a meeting
        word += " session" if match[2] == "届" or match[3] == "届会" else " meeting"
    return f" {word} "


def _unit(match: re.Match) -> str:
    n = to_int(match[1])
    return f" {_UNIT_NAMES[match[2]]} {n} " if n else match[0]


def _date(match: re.Match) -> str:
    year, month, day = match[1], match[2], match[3]
    if not (year or month) or month and not 1 <= int(month) <= 12:
        return match[0]
    parts = [day if month else None, _MONTHS[int(month) - 1] if month else None, year]
    return " " + " ".join(p for p in parts if p) + " "


def _amount(match: re.Match) -> str:
    value = float(match[1]) * {"万": 1e4, "亿": 1e8}.get(match[2] or "", 1)
    currency = _CURRENCIES[match[3]]
    if value >= 1e9:
        figure = f"{value / 1e9:.3g} billion"
    elif value >= 1e6:
        figure = f"{value / 1e6:.4g} million"
    else:
        figure = f"{value:,.0f}"
    return f" {currency} {figure} ".replace("  ", " ")
