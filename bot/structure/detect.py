"""What a document is, read from its front matter: UN symbol, title, language, date and kind."""
from __future__ import annotations

import re
from dataclasses import dataclass

from bot.structure import grammar_en as en
from bot.structure import grammar_zh as zh
from bot.structure.grammar import classify
from bot.structure.lines import pipe_cells

# ICCD/COP(16)/23; "UNEP/MED IG.27/22" (a space before a meeting's series, as the Barcelona Convention prints it)
# "FCCC/PA/CMA/2023/16/Add.1", "UNEP/MED IG.27/22", and an IMO body's session after a space: "A 34/Res.1196",
# "MSC 110/23"
_SYMBOL = re.compile(r"(?<![\w/])((?:[A-Z][A-Z0-9]*|A|E|S)(?:(?:/| (?=[A-Z]{2,8}\.\d)|(?<=^[A-Z])(?<![0-9]) (?=\d{1,4}/[A-Z])|(?<=[A-Z]{2}) (?=\d{1,3}/[A-Z]))"
                     r"(?:[A-Z0-9][A-Za-z0-9.\-]*(?:\(\d{1,3}\))?)){2,})(?![\w/])")
_CJK = re.compile(r"[\u4e00-\u9fff]")
_LATIN = re.compile(r"[A-Za-z]")
# "1/1. Title", "Decision 15/4. Title", "2026/15. Title" (as the Economic and Social Council numbers its resolutions)
_NUMBERED_TITLE = re.compile(r"^(?:(?:Decision|Recommendation|Resolution)\s+)?(?:\d{1,3}|(?:19|20)\d\d|[IVXL]{1,6})/\d{1,3}(?:\.\s+|．\s*)(\S.*)$")
# a decision numbered by its body's prefix, the title after a colon: "MC-6/4：手工和小规模采金", "SC-12/4: Technical assistance"
_PREFIXED_TITLE = re.compile(r"^(?:第\s*)?[A-Z]{2,8}-\d{1,2}\s*/\s*\d{1,3}\s*(?:号(?:决定|决议))?\s*[:：]\s*(\S.{1,120})$")
_REPORT = re.compile(r"^(?:Report|Draft report)\b|^[^()（）\d]{2,60}报告[，,]?$")
_BODY = {"contents", "decision", "annex", "article", "section", "paragraph", "table", "item"}
_COVER = re.compile(r"^(?:(?i:United Nations)|联合国|Nations Unies|Distr\..*|GENERAL|General|Original:.*|ORIGINAL:.*"
                    r"|[A-Z]{2,}|Chinese|English|French|Spanish|Russian|Arabic|.*English only|\[.*\]"
                    r"|中文|英文|法文|西班牙文|俄文|阿拉伯文|原文[：:].*|原件[：:].*)$")
_FRONT_LINES = 60  # the front matter is read from the first lines only
_SAMPLE = 50_000
_LANGUAGE_SAMPLE = 20_000


@dataclass(frozen=True)
class DocumentInfo:
    """A document as its front matter describes it."""

    symbol: str | None  # "CBD/WG2020/REC/1/1", "FCCC/PA/CMA/2023/16/Add.1"
    title: str | None  # the document's own title line(s)
    language: str  # "zh" | "en"
    date: str | None  # ISO date of issue, "2019-08-30"
    kind: str  # decision | recommendation | resolution | report | treaty | document
    file_name: str = ""


def detect_language(text: str) -> str:
    """"zh" when Chinese characters make up a fair share of the letters, else "en"."""
    sample = text[:_LANGUAGE_SAMPLE]
    cjk, latin = len(_CJK.findall(sample)), len(_LATIN.findall(sample))
    return "zh" if cjk and cjk * 3 >= latin else "en"


def detect(text: str, file_name: str = "") -> DocumentInfo:
    """Symbol, title, language, date and kind of `text`; fields the front matter lacks are None."""
    front = _front_lines(text)
    language = detect_language(text)
    # the text's own number before a symbol its file name only looks like ("CMS-Resolution-15.12.txt")
    symbol = _symbol(front, "") or _own_number(front) or _symbol([], file_name)
    title, source = _title(front)
    if title is None or (source == "top line" or source == "first line" and not _COLLECTION.match(title)) \
            and _decisions_in(text) == 1:
        # the body opens with "Decision 7/XX" and its title: a lone decision's title is the document's, rather
        # than the cover's first line ("Test Organization"); a title under the meeting lines stays
        title, source = next((found for found in [_opening_title(text)] if found[0]), (title, source))
    return DocumentInfo(symbol, title, language, _date(front) or _closing_date(text), _kind(symbol, source, text),
                        file_name)


# a cover's title for texts it collects ("Decisions adopted by the Assembly at its eighth session"), which stays
# the title when only one follows; "Decision adopted by …" (one) gives way to that decision's own title
_COLLECTION = re.compile(r"^(?i:decisions|resolutions|recommendations) (?i:adopted)\b|^.{0,40}通过的(?:各项)?(?:决定|决议|建议)$")


def _decisions_in(text: str) -> int:
    """How many decision (or resolution) headings the text has."""
    lines = (" ".join(raw.split()) for raw in text.split("\n"))
    return sum(1 for line in lines if line.startswith(("Decision", "DECISION", "Resolution", "RESOLUTION", "第"))
               and (en.DECISION.match(line) or zh.DECISION.match(line)) or en.BARE_DECISION.match(line))


def _opening_title(text: str) -> tuple[str | None, str]:
    """The title of the first "Decision x/y" (or "第x/y号决定") heading, on its line or the next, when no numbered
    unit comes before it."""
    lines = [line for line in (" ".join(raw.split()) for raw in text.removeprefix("\ufeff")[:_SAMPLE].split("\n")) if line]
    for i, line in enumerate(lines[:_FRONT_LINES]):
        decision = en.DECISION.match(line)
        if decision and decision[4]:  # "Decision 1/EA.8. Governance of sand": the title on its line
            return decision[4], "decision"
        bare = en.BARE_DECISION.match(line)
        if bare:  # "BC-17/5: Environmentally sound management of waste lithium-ion batteries"
            return bare[3], "decision"
        chinese = zh.DECISION.match(line)
        if chinese and chinese[4]:  # "第RC-12/3号决定：将毒死蜱…列入公约附件三"
            return chinese[4], "decision"
        if decision or chinese:
            following = lines[i + 1] if i + 1 < len(lines) else ""
            if following and classify(following).kind not in _BODY and not following.endswith((",", "，", ":", "：")):
                return following, "decision"
            break
        if classify(line).kind in _BODY and not is_cover_annex(line, lines[:i]):
            break
    return None, "first line"


def is_cover_annex(line: str, above: list[str]) -> bool:
    """"Annex IV" in a cover block, a line or two under the symbol: the document is that annex of a report, and the
    line no heading of its body."""
    return bool(en.ANNEX.match(line) or zh.ANNEX.match(line)) and any(
        _SYMBOL.search(previous) for previous in [a for a in above if a][-2:]) and len([a for a in above if a]) <= 3


def _front_lines(text: str) -> list[str]:
    """The front matter: the lines before the contents or the first heading or numbered paragraph
    (blank lines kept as "": they end a wrapped title)."""
    lines: list[str] = []
    indents: list[str] = []
    for raw in text.removeprefix("\ufeff")[:_SAMPLE].replace("\r\n", "\n").replace("\f", "\n").split("\n"):
        cells = pipe_cells(raw.strip())
        line = " ".join(" ".join(cell for cell in cells if cell).split()) if cells is not None else " ".join(raw.split())
        if line and classify(line).kind in _BODY and not is_cover_annex(line, lines):
            break
        lines.append(line)
        indents.append(raw[:len(raw) - len(raw.lstrip())])
        if len(lines) >= _FRONT_LINES:
            break
    return _Front(lines, indents)


class _Front(list):
    """The front matter's lines, with each line's indentation (a title's wrapped tail keeps it)."""

    def __init__(self, lines: list[str], indents: list[str]) -> None:
        super().__init__(lines)
        self.indents = indents


def _symbol(front: list[str], file_name: str) -> str | None:
    for line in front:
        match = _SYMBOL.search(line)
        if match:
            return match[1].rstrip(".")
    guess = re.sub(r"\.(zh|en|fr|es|ru|ar)?\.?\w*$", "", file_name.rsplit("/", 1)[-1]).replace("-", "/")
    match = _SYMBOL.fullmatch(guess) if guess.count("/") >= 2 else None
    return match[1] if match else None


def _own_number(front: list[str]) -> str | None:
    """A text with no UN symbol is cited by its own number when it has one: "Resolution XV.7" (Ramsar),
    "Resolution Conf. 20.9", "第Conf. 20.9号决议" (CITES)."""
    line = next((line for line in front if _OWN_NUMBERED.match(line)), None)
    if line is None:  # "第八十届世界卫生大会  WHA80.12": a number of letters, session and order, as a cover prints it;
        # "C192 - Decent Work … Convention, 2026 (No. 192)": a code before its title, as the ILO lists its instruments
        return next((found[1] for found in map(_CODED_NUMBER.search, front) if found), None) \
            or next((found[1] for found in map(_CODED_TITLE.match, front) if found), None)
    return re.sub(r"^(RESOLUTION|RECOMMENDATION|DECISION)\b", lambda m: m[1].capitalize(), line)


def _title(front: list[str]) -> tuple[str | None, str]:
    """The title and where it came from: the numbered title of a decision or recommendation ("1/1. 编制…",
    "numbered"), else a report's title ("report"), else the title under a lone "Decision x/y" heading,
    else the first line of the front matter that is not part of the cover block."""
    for i, line in enumerate(front):
        match = _NUMBERED_TITLE.match(line)
        if match:
            return _with_continuation(front, i, match[1] if len(match[1]) > 3 else line), "numbered"
    for i, line in enumerate(front):
        if _REPORT.match(line):
            return _with_continuation(front, i, line), "report"
    for i, line in enumerate(front):
        decision = en.DECISION.match(line)
        if decision and decision[4]:  # "Decision 1/EA.8. Governance of sand": the title on its line
            return decision[4], "decision"
        titled = _ZH_DECISION_TITLE.match(line) or _PREFIXED_TITLE.match(line)
        if titled:
            return titled[1], "decision"
        own = _OWN_NUMBERED.match(line)  # "Resolution XV.7" over its title, as the Ramsar Convention numbers them
        below = next((k for k in range(i + 1, min(i + 3, len(front))) if front[k]), None)
        if own and below is not None and not _cover(front[below]) and not _meeting_line(front[below]):
            return _with_continuation(front, below, front[below]), _OWN_KIND[(own[1] or own[2]).lower()]
        if (decision or zh.DECISION.match(line)) and i + 1 < len(front):
            return next((later for later in front[i + 1:] if later), None), "decision"
    start = _after_meeting_block(front)
    found = next((k for k in range(start, len(front)) if front[k] and not _cover(front[k]) and not _meeting_line(front[k])), None)
    if found is not None and _AUTHOR_LINE.match(front[found]) and found > 0 and front[found - 1] \
            and not _cover(front[found - 1]) and not _meeting_line(front[found - 1]):
        found -= 1  # "Note by the secretariat" under a title the agenda item's lines were taken to hold
    return (front[found] if found is not None else None), "first line" if start else "top line"


# the meeting a cover block names, above the title: "Eighth session", "Nairobi, 8–12 March 2027", "Agenda item 4"
_SESSION_LINE = re.compile(r"^(?:[A-Z][a-z]+(?:-[a-z]+)?|\d{1,2}(?:st|nd|rd|th))\s+(?:session|meeting)\b.{0,30}$"
                           r"|^[(（]?(?:Provisional )?(?:agenda )?item \d|^[(（]?(?:临时)?议程项目|^第[一二三四五六七八九十百\d]+(?:届|次)会议", re.I)


_DRAFT_OR_DECISION = re.compile(r"\b(?:decision|resolution)\s+(?:-|\d{1,3})\s*/|(?:-|\d{1,3})\s*/\s*[\w.()]+?\s*号(?:决定|决议)",
                                re.I)
# "第-/CP.31号决定 公正转型工作方案": a decision's title on its heading's line
_ZH_DECISION_TITLE = re.compile(r"^第\s*(?:-|\d{1,3})\s*/\s*[A-Z][\w.()]*\s*号(?:决定|决议)\s+(\S.{1,80})$")
# a text's own number where it has no UN symbol: "Resolution XV.7", "Resolution Conf. 20.9 (Rev. CoP19)",
# "第Conf. 20.9号决议", "第XV.7号决议"
_OWN_NUMBER = (r"(?:(?:Conf\.\s*)?(?:[IVXL]{1,6}|\d{1,3})\.\d{1,3}(?:\s*[(（]Rev\.[^)）]{1,20}[)）])?"
               r"|[A-Z]{1,5}\.\d{1,4}\(\d{1,3}\))")  # and an IMO number: "A.1196(34)", "MSC.391(95)"
_OWN_NUMBERED = re.compile(rf"^(?:((?i:resolution|recommendation|decision))\s+{_OWN_NUMBER}|第?\s*{_OWN_NUMBER}\s*号(决议|建议|决定))$")
_CODED_NUMBER = re.compile(r"(?:^|\s)([A-Z]{2,5}\d{1,3}\.R?\d{1,3})$")  # "WHA80.12", "EB158.R3" at a cover line's end
_CODED_TITLE = re.compile(r"^([A-Z]{1,2}\d{1,4}) [-–—] [A-Z]\w+ ")
_OWN_KIND = {"resolution": "resolution", "recommendation": "recommendation", "decision": "decision",
             "决议": "resolution", "建议": "recommendation", "决定": "decision"}
_AGENDA_ITEM = re.compile(r"^(?:Provisional )?(?:agenda )?item \d+(?:\s*\([a-z]{1,4}\))*\s*$"
                          r"|^(?:临时)?议程项目\s*\d+(?:\s*[(（][a-z]{1,4}[)）])*\s*$"  # "Agenda item 4 (b) (iii)"
                          r"|^[(（](?:agenda )?item \d+[)）]$|^[(（]议程项目\s*\d+[)）]$", re.I)  # "（议程项目10）" under the number


def _meeting_line(line: str) -> bool:
    if line.endswith(("；", ";", "。", "，", ",")):  # a sentence or clause with a date in it ("2 敦促各国政府对
        return False  # 2027年1月1日…适用本导则；", "又回顾大会2008年12月11日第63/124号决议…，")
    if _SESSION_LINE.match(line):
        return True
    return len(line) <= 60 and bool(en.DATE.search(line) or zh.DATE.search(line))  # "2026年3月16日至20日，日内瓦"


def _after_meeting_block(front: list[str]) -> int:
    """Where a title may start: after the cover's meeting lines (its session, place and dates, agenda item),
    which stand between the organization's or body's name and the title; the top when there are none."""
    chapeau = next((i for i, line in enumerate(front) if line.endswith(("，", ","))), len(front))
    lines = [i for i, line in enumerate(front[:chapeau]) if line and _meeting_line(line)]  # not a date in a clause
    if not lines:
        return 0
    if not any(_SESSION_LINE.match(front[i]) for i in lines):
        return _after_place_and_date(front, lines)
    start = lines[-1] + 1
    if _AGENDA_ITEM.match(front[lines[-1]]):  # "Agenda item 6" / "Just transition pathways": the item's title,
        end = start  # a line or two up to a blank line, not the document's
        while end < len(front) and front[end] and end - start < 2 and not _DRAFT_OR_DECISION.search(front[end]) \
                and not front[end].endswith(("，", ",")):  # the chapeau ("大会，") ends the item's title
            end += 1
        after = next((line for line in front[end:] if line and not _cover(line) and not _meeting_line(line)), "")
        # unless no title would be left: the lines run on into the chapeau ("本议定书各缔约方，"), as a Word
        # file without blank lines has them
        start = end if end < len(front) and not after.endswith((",", "，", ":", "：")) else start
    return start


def _after_place_and_date(front: list[str], dated: list[int]) -> int:
    """A cover without a session line: a body's name, then its place and date ("2027年5月18日，河内"), then
    the title. The title starts after the dated line when a line other than the cover's stands above it and
    the line below looks like a title (short, no chapeau); else at the top."""
    first = dated[0]
    if not _place_and_date(front[first]):
        return 0
    above = any(line and not _cover(line) for line in front[:first])
    below = next((i for i in range(first + 1, len(front)) if front[i]), None)
    if not above or below is None or _cover(front[below]):
        return 0
    title = front[below]
    return below if len(title) <= _TITLE_CHARS and not title.endswith((",", "，", ":", "：", ";", "；")) else 0


_TITLE_CHARS = 150
# the line under a UN document's title that says who wrote it: "Note by the secretariat", "Report of the Secretary-General"
_AUTHOR_LINE = re.compile(r"^(?:Note|Report|Submission|Proposal|Statement) (?:by|of) the [\w -]{3,40}$|^[^，。]{2,20}的说明$")


def _place_and_date(line: str) -> bool:
    """A meeting's place and dates ("2027年5月18日，河内", "Hanoi, 18 May 2027"): more than a date of issue, not
    a cover line, not a treaty's "done at" line (its title stands above it)."""
    bare = en.DATE.fullmatch(line) or zh.DATE.fullmatch(line)
    return not bare and not _COVER.match(line) and not _SYMBOL.search(line) and not _CLOSING.search(line)


def _cover(line: str) -> bool:
    """A line of the cover block: the organization, the symbol, distribution, date, languages."""
    return bool(_COVER.match(line) or _SYMBOL.search(line) or en.DATE.fullmatch(line) or zh.DATE.match(line)
                or _ORGANIZATION.match(line))


# an organization's name heading its text ("INTERNATIONAL LABOUR ORGANIZATION", "World Health Organization",
# "United Nations Environment Programme"): its letterhead, not the title
_ORGANIZATION = re.compile(r"^(?:The |THE )?(?!Report|REPORT|Note|NOTE)[A-Z][A-Za-z'’-]*,?(?: (?:and|of|for|the|AND|OF|FOR|THE|"
                           r"[A-Z][A-Za-z'’-]*,?)){0,7} (?i:organi[sz]ation|programme|union|office|agency)"
                           r"(?: (?i:of the United Nations))?$")


_WRAPPED_LINE = 60  # a title line this long was cut at the margin: the next line, indented alike, goes on with it
_FUNCTION_WORDS = ("of", "on", "the", "in", "its", "from", "and", "for", "to", "at", "with", "by")
_CHINESE_CONTINUATION = "的之和与及或并而以于等"


def _with_continuation(front: list[str], i: int, title: str) -> str:
    """A title wrapped over lines goes on while the next line starts in lower case or with a digit,
    follows a dangling function word, or follows a long (margin-wrapped) line indented alike; a blank
    line or a chapeau (a line ending in a comma that no dangling word reaches into) ends it."""
    previous = front[i]
    for k, line in enumerate(front[i + 1:i + 4], i + 1):
        words = title.split()
        dangling = bool(words) and words[-1] in _FUNCTION_WORDS  # "Report of the Subsidiary Body for Scientific and"
        if not line or line.endswith((",", "，")) and not dangling:
            break
        same_indent = getattr(front, "indents", None) is None or front.indents[k] == front.indents[k - 1]
        tail = len(previous) >= _WRAPPED_LINE and same_indent
        # a Chinese line cannot open on a particle or conjunction: "的后续落实和评估" goes on with the line above
        particle = line[:1] in _CHINESE_CONTINUATION and not previous.endswith(("。", "；", "，", "：", ":"))
        capitals = line.isupper() and previous.isupper() and len(previous) >= _WRAPPED_LINE // 2  # a title set in capitals
        if line[:1].islower() or line[:1].isdigit() or dangling or tail or particle or capitals:
            glue = "" if not (title[-1:] + line[:1]).isascii() else " "  # Chinese wraps without a space
            title, previous = title + glue + line, line
        else:
            break
    return title


_DISTRIBUTION = re.compile(r"\bDistr\.?\s*:?\s*(?:General|Limited|Restricted)\s+(.{8,30})", re.IGNORECASE)
_DISTRIBUTION_ZH = re.compile(r"分发[：:]\s*(?:普通|限制|有限)\s*(.{8,16})")
_DATE_LINE_CHARS = 60  # a date of issue stands on a short cover line, not inside a preamble's sentence


def _date(front: list[str]) -> str | None:
    for line in front:  # "Distr.: General 17 July 2026 Original: English" (a cover table's cell, on one line)
        after = _DISTRIBUTION.search(line)
        match = en.DATE.match(after[1]) if after else None
        if match:
            return f"{match[3]}-{en.MONTHS.index(match[2]) + 1:02d}-{int(match[1]):02d}"
    for line in front:  # "分发：普通 2025年5月20日"
        after = _DISTRIBUTION_ZH.search(line)
        match = zh.DATE.match(after[1]) if after else None
        if match:
            return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
    front = [line for line in front if len(line) <= _DATE_LINE_CHARS]
    for line in front:
        match = en.DATE.search(line)
        if match:
            return f"{match[3]}-{en.MONTHS.index(match[2]) + 1:02d}-{int(match[1]):02d}"
    for line in front:
        match = zh.DATE.search(line)
        if match:
            return f"{match[1]}-{int(match[2]):02d}-{int(match[3]):02d}"
    return None


_CLOSING = re.compile(r"订于|^\s*(?:done|DONE|Done) at\b")


def _closing_date(text: str) -> str | None:
    """The date of a treaty's closing line ("2026年3月22日订于日内瓦。", "Done at Geneva on 22 March 2026"), for
    a text whose front matter gives none."""
    closing = [line for line in text[-_SAMPLE:].splitlines()[-_CLOSING_LINES:] if _CLOSING.search(line)]
    return _date(closing) if closing else None


_CLOSING_LINES = 30


def _kind(symbol: str | None, source: str, text: str) -> str:
    parts = {part.split(".")[0] for part in (symbol or "").upper().split("/")}  # "Res.3" (UNEP/EA.8/Res.3): RES
    if "REC" in parts:
        return "recommendation"
    if "DEC" in parts:
        return "decision"
    if "RES" in parts:
        return "resolution"
    if source in ("report", "resolution", "recommendation"):
        return source
    head = text[:_SAMPLE]
    if re.search(r"^\s*(?:Article 1|ARTICLE 1|第一条)(?:\s*[.:]?\s+\S.{0,60})?\s*$", head, re.MULTILINE) and not re.search(
            r"^\s*(?:Decision|第\s*\d)", head, re.MULTILINE):
        return "treaty"
    return "decision" if source in ("numbered", "decision") else "document"
