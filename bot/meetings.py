"""Which meeting a document reports on, and which meetings a question speaks of.

Most UN documents come out of one meeting, and their titles say where and when it was held ("Report of the
Conference of the Parties on its twenty-fourth session, held in Katowice from 2 to 15 December 2018";
"……于2019年8月27日至30日在内罗毕举行"). People name documents the same way: "the Katowice decision",
"2014年利马会议", "at its June 2024 session". A question that names a meeting's place or year prefers the
documents of that meeting; the place is matched in either language through the bilingual names of
bot/data/glossary_names.tsv.
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.glossary import Glossary

_HELD_EN = re.compile(r"\bheld (?:in|at) (?:the )?([A-Z][^,;:()]{1,40}?),? (?:from|on)\b(.*)", re.S)
_HELD_ZH = re.compile(r"(\d{4})\s*年[^，。；]{0,20}?在([\u3400-\u9fff]{2,8}?)举行")
_SPAN = re.compile(r"(?:19|20)\d\d\s*(?:[–—-]|至|到|to\b)\s*(?:(?:19|20)\d\d|\d\d)(?!\d)")
_YEAR = re.compile(r"(?<![\d/.–-])((?:19|20)\d\d)(?![\d/.–-])")
_YEAR_IN = re.compile(r"\b((?:19|20)\d\d)\b")


@dataclass(frozen=True)
class Meeting:
    """Where and when a document's meeting was held: its place's names (lower case, both languages) and year."""

    places: tuple[str, ...]
    year: int | None


def meeting_of(title: str, glossary: Glossary) -> Meeting | None:
    """The meeting a title says it reports on, or None when it says none."""
    held = _HELD_EN.search(title)
    if held:
        place = held[1].strip().lower()
        years = _YEAR_IN.findall(held[2])
        names = (place, *(chinese for entry in glossary.entries if entry.english == place for chinese in entry.chinese))
        return Meeting(names, int(years[-1]) if years else None)
    held = _HELD_ZH.search(title)
    if held:
        chinese = held[2]
        names = (chinese, *(entry.english for entry in glossary.entries if chinese in entry.chinese))
        return Meeting(names, int(held[1]))
    return None


def years_named(question: str) -> set[int]:
    """Years a question speaks of as a time, not as a span ("2024–2025两年期" names none)."""
    return {int(y) for y in _YEAR.findall(_SPAN.sub(" ", question))}


def names_place(question: str, meeting: Meeting) -> bool:
    """Whether a (normalized, lower-case) question names the meeting's place, as a word in English."""
    return any(re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", question) if name.isascii() else name in question
               for name in meeting.places)
