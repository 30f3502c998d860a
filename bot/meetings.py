"""Which meeting a document reports on, and which meetings a question speaks of.

Most UN documents come out of one meeting, and their titles say which: the body, its session, where and when
("Report of the Conference of the Parties on its twenty-fourth session, held in Katowice from 2 to 15 December
2018"; "缔约方会议第二十八届会议报告，2023年11月30日至12月13日在阿拉伯联合酋长国举行"); a decision's cover block
says it when its title does not ("Sixteenth meeting … Rome, 25–27 February 2025"). People name documents the
same way: "the Katowice decision", "2014年利马会议", "SBSTA 49", "附属科学技术咨询机构第六十届会议". A question that
names a meeting prefers the documents of that meeting. Places and bodies are matched in either language and by
acronym through the bilingual glossaries (bot/data/glossary*.tsv): an acronym is an entry sharing a Chinese name
with the body's full name ("cop" and "conference of the parties" are both 缔约方会议).
"""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.glossary import Glossary
from bot.references import to_int

_HELD_EN = re.compile(r"\bheld (?:in|at) (?:the )?([A-Z][^,;:()]{1,40}?),? (?:from|on)\b(.*)", re.S)
_HELD_ZH = re.compile(r"(\d{4})\s*年[^，。；]{0,20}?在([\u3400-\u9fff]{2,8}?)举行")
_ORDINAL = r"[a-z]+(?:-[a-z]+)?|\d{1,3}(?:st|nd|rd|th)"
_BODY_EN = re.compile(rf"\breport of the (.+?) on (?:the [a-z]+ part of )?its ({_ORDINAL})(?: (?:to|and) ({_ORDINAL}))? session")
_BODY_ZH = re.compile(r"([\u3400-\u9fff《》]{2,40}?)第([一二三四五六七八九十百]{1,4})(?:届|次)会议")
_MONTHS = "January|February|March|April|May|June|July|August|September|October|November|December"
_COVER_EN = re.compile(
    rf"(?P<body>[A-Z][\w-]*(?: (?:[A-Z][\w-]*|of|the|to|on|for|and))*) (?P<ordinal>[A-Z][a-z]+(?:-[a-z]+)?) "
    rf"(?:meeting|session)\b[^\n]{{0,60}}?(?P<place>[A-Z][a-z][\w'’.-]*(?: [A-Z][a-z][\w'’.-]*)?)"
    rf"(?:, (?P<country>[A-Z][a-z][\w'’.-]*(?: [A-Z][a-z][\w'’.-]*)*))?, \d{{1,2}}(?:\s*[–-]\s*\d{{1,2}})?"
    rf"(?: (?:{_MONTHS}))?(?:\s*[–-]\s*\d{{1,2}})? (?:{_MONTHS}) (?P<year>\d{{4}})")
_COVER_ZH = re.compile(r"(?P<body>[\u3400-\u9fff]{2,20}?)\s*第(?P<session>[一二三四五六七八九十百]{1,4})(?:次|届)会议"
                       r"[^，,。]{0,12}?\s*(?P<year>\d{4})\s*年[^，,。]{0,16}[，,]\s*(?P<place>[\u3400-\u9fff]{2,10})")
_SPAN = re.compile(r"(?:19|20)\d\d\s*(?:[–—-]|至|到|to\b)\s*(?:(?:19|20)\d\d|\d\d)(?!\d)")
_YEAR = re.compile(r"(?<![\d/.–-])((?:19|20)\d\d)(?![\d/.–-])")
_YEAR_IN = re.compile(r"\b((?:19|20)\d\d)\b")
_ACRONYM_SESSION = re.compile(r"(?<![a-z/])([a-z]{2,6})[ .]?(\d{1,3})(?![\d/]|\.\d)")
_SESSION_EN = re.compile(rf"\b({_ORDINAL}) (?:part of its \w+ )?(?:session|meeting)\b|\bsession (\d{{1,3}})\b")
_SESSION_ZH = re.compile(r"第([一二三四五六七八九十百\d]{1,4})(?:届|次(?=[\u3400-\u9fff]{0,12}?(?:会议|大会)))")

# after a place named as where a meeting was held: a word for the meeting or what it decided, a function word ("in Lima in 2014")
_PLACE_FOLLOWERS_EN = frozenset(
    "session sessions conference conferences talks meeting meetings summit climate cop cmp cma sbsta sbi round "
    "decision decisions outcome outcomes "
    "negotiations in on at of for from to by and or during with the a an was were is are did does has had have "
    "what which when where who how that this".split())
_MEETING_ZH = re.compile(r"[\u3400-\u9fff]{0,4}?(?:会议|大会|峰会|会上|举行|召开|期间|谈判)|的")
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")

_MONTH_NAMES = [m.lower() for m in _MONTHS.split("|")]
# a month named with its year and no day: "in June 2024", "2024年6月的" (not "as at 30 June 2014", "2014年6月30日")
_MONTH_YEAR_EN = re.compile(rf"(?<!\d )\b({_MONTHS.lower()}) ((?:19|20)\d\d)\b")
_MONTH_YEAR_ZH = re.compile(r"((?:19|20)\d\d)\s*年\s*(\d{1,2})\s*月(?!\s*\d{1,2}\s*日)")

_UNITS = "first second third fourth fifth sixth seventh eighth ninth".split()
_TEENS = "tenth eleventh twelfth thirteenth fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth".split()
_TENS = "twent thirt fort fift sixt sevent eight ninet".split()  # twenty / twentieth …


@dataclass(frozen=True)
class Meeting:
    """What a document's title or cover block says of its meeting; names are lower case, in both languages."""

    places: tuple[str, ...] = ()
    year: int | None = None
    bodies: tuple[str, ...] = ()  # the body's full name, its Chinese names, its acronyms
    sessions: frozenset[int] = frozenset()
    months: frozenset[int] = frozenset()  # the months it was held in (1–12), of `year`

    def __bool__(self) -> bool:
        return bool(self.places or self.bodies)


def ordinal_to_int(word: str) -> int | None:
    """'twenty-fourth' -> 24, 'sixtieth' -> 60, '49th' -> 49; None when the word is no ordinal."""
    word = word.lower()
    if word[:1].isdigit():
        return int(re.match(r"\d+", word)[0])
    if word in _UNITS:
        return _UNITS.index(word) + 1
    if word in _TEENS:
        return _TEENS.index(word) + 10
    tens, _, unit = word.partition("-")
    for n, stem in enumerate(_TENS, start=2):
        if tens in (stem + "ieth", stem + "y") and (tens.endswith("ieth") != bool(unit)):
            if not unit:
                return n * 10
            return n * 10 + _UNITS.index(unit) + 1 if unit in _UNITS else None
    return None


def ordinal_words(n: int) -> str:
    """24 -> 'twenty-fourth', 60 -> 'sixtieth'; '' past 99."""
    if 1 <= n <= 9:
        return _UNITS[n - 1]
    if 10 <= n <= 19:
        return _TEENS[n - 10]
    if not 20 <= n <= 99:
        return ""
    stem = _TENS[n // 10 - 2]
    return f"{stem}ieth" if n % 10 == 0 else f"{stem}y-{_UNITS[n % 10 - 1]}"


def meeting_of(title: str, glossary: Glossary, cover: str = "") -> Meeting | None:
    """The meeting a title says it reports on, else the one its cover block names ("Conference of the Parties
    to the Convention on Biological Diversity Sixteenth meeting … Rome, 25–27 February 2025"; "不限成员名额
    工作组 第一次会议 2019年8月27日至30日，内罗毕"); None when neither names a place or body."""
    places, year, dates = _place(title, glossary)
    bodies, sessions = _body(title, glossary)
    if cover and not places:
        places, year, cover_bodies, cover_sessions, dates = _cover(cover, glossary)
        bodies, sessions = (bodies, sessions) if sessions else (cover_bodies, cover_sessions)
    meeting = Meeting(places, year, bodies, sessions, _months(dates))
    return meeting or None


def _months(dates: str) -> frozenset[int]:
    """The months a meeting's dates name: "from 30 November to 12 December 2023" -> {11, 12}; "8月27日至30日" -> {8}."""
    months = {_MONTH_NAMES.index(m.lower()) + 1 for m in re.findall(rf"\b({_MONTHS})\b", dates, re.I)}
    return frozenset(months | {int(m) for m in re.findall(r"(?<!\d)(\d{1,2})\s*月", dates) if 1 <= int(m) <= 12})


def _cover(text: str, glossary: Glossary) -> tuple[tuple[str, ...], int | None, tuple[str, ...], frozenset[int], str]:
    """Place, year, body, session and the dates text from a cover block's meeting lines, in either language."""
    found = _COVER_EN.search(text)
    if found:
        session = ordinal_to_int(found["ordinal"])
        names = [found["place"].lower()] + ([found["country"].lower()] if found["country"] else [])
        places = tuple(dict.fromkeys(n for name in names for n in (name, *_chinese_names(name, glossary))))
        body = found["body"].lower()
        known = min((e.english for e in glossary.entries if " " in e.english and f" {e.english} " in f" {body} "),
                    key=lambda term: (f" {body} ".index(f" {term} "), -len(term)), default="")
        # the first known term is the body: "conference of the parties" in "… conference of the parties to the
        # convention on biological diversity"
        body = body[body.index(known):] if known else body
        return places, int(found["year"]), _body_names(body, _chinese_names(known, glossary), glossary), \
            frozenset({session} if session else ()), found[0]
    found = _COVER_ZH.search(text)
    if found:
        place = found["place"]
        places = (place, *(c for e in glossary.entries for c in e.chinese if len(c) >= 2 and c in place and c != place),
                  *(e.english for e in glossary.entries if any(len(c) >= 2 and c in place for c in e.chinese)))
        session = to_int(found["session"])
        body = found["body"]
        term, english = max(((c, e.english) for e in glossary.entries for c in e.chinese if len(c) >= 2 and c in body),
                            key=lambda pair: (body.rindex(pair[0]) + len(pair[0]), len(pair[0])), default=("", ""))
        # the last known term is the body: "缔约方大会" in "生物多样性公约缔约方大会"
        return tuple(dict.fromkeys(places)), int(found["year"]), \
            _body_names(english, tuple(dict.fromkeys(c for c in (body, term) if c)), glossary), \
            frozenset({session} if session else ()), found[0]
    return (), None, (), frozenset(), ""


def _place(title: str, glossary: Glossary) -> tuple[tuple[str, ...], int | None, str]:
    """Place, year and the dates text from a title ("…, held in Katowice from 2 to 15 December 2018")."""
    held = _HELD_EN.search(title)
    if held:
        place = held[1].strip().lower()
        years = _YEAR_IN.findall(held[2])
        return (place, *_chinese_names(place, glossary)), int(years[-1]) if years else None, held[2][:80]
    held = _HELD_ZH.search(title)
    if held:
        place = held[2]
        return (place, *(entry.english for entry in glossary.entries if place in entry.chinese)), int(held[1]), held[0]
    return (), None, ""


def _body(title: str, glossary: Glossary) -> tuple[tuple[str, ...], frozenset[int]]:
    found = _BODY_EN.search(title.lower())
    if found:
        numbers = [ordinal_to_int(w) for w in found.groups()[1:] if w]
        if None not in numbers:
            sessions = frozenset(range(numbers[0], numbers[-1] + 1))
            return _body_names(found[1], _chinese_names(found[1], glossary), glossary), sessions
    found = _BODY_ZH.search(title)
    if found and to_int(found[2]):
        chinese = found[1].split("，")[-1]
        english = [entry.english for entry in glossary.entries if chinese in entry.chinese]
        return _body_names(english[0] if english else "", (chinese,), glossary), frozenset({to_int(found[2])})
    return (), frozenset()


def _chinese_names(english: str, glossary: Glossary) -> tuple[str, ...]:
    return tuple(chinese for entry in glossary.entries if entry.english == english for chinese in entry.chinese)


def _body_names(english: str, chinese: tuple[str, ...], glossary: Glossary) -> tuple[str, ...]:
    """A body's names: full English name, Chinese names, and the acronyms the glossary gives the same Chinese."""
    acronyms = [entry.english for entry in glossary.entries
                if re.fullmatch(r"[a-z]{2,6}", entry.english) and set(entry.chinese) & set(chinese)]
    return tuple(dict.fromkeys(name for name in (english, *chinese, *acronyms) if name))


def months_named(question: str) -> set[tuple[int, int]]:
    """(year, month) pairs a (normalized, lower-case) question names as when something happened: "the June 2024
    Bonn session", "2019年12月马德里会议"; a full date names a day, not a meeting."""
    pairs = {(int(year), _MONTH_NAMES.index(month) + 1) for month, year in _MONTH_YEAR_EN.findall(question)}
    return pairs | {(int(year), int(month)) for year, month in _MONTH_YEAR_ZH.findall(question) if 1 <= int(month) <= 12}


def years_named(question: str) -> set[int]:
    """Years a question speaks of as a time, not as a span ("2024–2025两年期" names none)."""
    return {int(y) for y in _YEAR.findall(_SPAN.sub(" ", question))}


def _says(question: str, name: str) -> bool:
    """Whether a lower-case question holds a name: as a word in English, anywhere in Chinese."""
    if name.isascii():
        return re.search(rf"(?<![a-z]){re.escape(name)}(?![a-z])", question) is not None
    return name in question


def names_place(question: str, meeting: Meeting) -> bool:
    """Whether a (normalized, lower-case) question names the meeting's place as where something happened ("in
    Katowice", "the Lima talks", "2014年利马会议"), not as the first word of a name ("the Nairobi work programme",
    "《巴黎协定》", "卡托维兹委员会"): instruments of the process are named after the meetings that set them up."""
    return any(_as_place(question, name) for name in meeting.places)


def _as_place(question: str, name: str) -> bool:
    if name.isascii():
        for match in re.finditer(rf"(?<![a-z]){re.escape(name)}(?![a-z])", question):
            following = re.match(r"('s|’s)?\s*([a-z]+)?", question[match.end():])
            if following[1] or not following[2] or following[2] in _PLACE_FOLLOWERS_EN:
                return True
        return False
    for match in re.finditer(re.escape(name), question):
        before, after = question[max(0, match.start() - 1):match.start()], question[match.end():]
        if before in ("在", "于") or not after or not _CJK_CHAR.match(after) or _MEETING_ZH.match(after):
            return True
    return False


def names_body(question: str, meeting: Meeting) -> bool:
    """Whether a (normalized, lower-case) question names the meeting's body ("the SBSTA", "缔约方会议")."""
    return any(_says(question, name) for name in meeting.bodies)


@dataclass(frozen=True)
class SessionsNamed:
    """The sessions a question names, read once and compared with every document's meeting."""

    question: str
    by_acronym: frozenset[tuple[str, int]]  # ("sbsta", 49) from "SBSTA 49"
    numbers: frozenset[int]  # 60 from "the sixtieth session", "第六十届会议": count only beside the body's name

    @classmethod
    def read(cls, question: str) -> "SessionsNamed":
        """From a (normalized, lower-case) question."""
        numbers = {ordinal_to_int(m[1]) if m[1] else int(m[2]) for m in _SESSION_EN.finditer(question)}
        numbers |= {to_int(m[1]) for m in _SESSION_ZH.finditer(question)}
        return cls(question, frozenset((m[1], int(m[2])) for m in _ACRONYM_SESSION.finditer(question)),
                   frozenset(n for n in numbers if n is not None))

    def name(self, meeting: Meeting) -> bool:
        if not meeting.sessions or not (self.by_acronym or self.numbers):
            return False
        acronyms = {name for name in meeting.bodies if re.fullmatch(r"[a-z]{2,6}", name)}
        if any(acronym in acronyms and number in meeting.sessions for acronym, number in self.by_acronym):
            return True
        return bool(self.numbers & meeting.sessions) and names_body(self.question, meeting)


def names_session(question: str, meeting: Meeting) -> bool:
    """Whether a (normalized, lower-case) question names the meeting's session: "SBSTA 49", "COP24", or a session
    number beside the body's name ("the sixtieth session of the SBSTA", "附属科学技术咨询机构第六十届会议")."""
    return SessionsNamed.read(question).name(meeting)
