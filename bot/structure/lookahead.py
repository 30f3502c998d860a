"""What comes later in the text, read once before building: the few readings that depend on it
(is this "(a)" alone before the next heading? is the next unit a numbered paragraph?)."""
from __future__ import annotations

import re

from bot.structure.grammar import DIVISIONS, Token
from bot.structure.lines import Line

# "8 bis.", "12(e) ter.", "“26.": the label of an inserted or quoted paragraph; a bullet ("•", "o")
# "1. Pre-planning", "A. Conferences", "II. Data collection", "二、数据收集": a numbered name
_NUMBERED_CELL = re.compile(r"^(?:(?:\d{1,3}|[A-Z]|[IVXL]{1,6})\.\s+|[一二三四五六七八九十]{1,3}、\s*)[^\W\d]")
_LABEL_CELL = re.compile(r"^(?:[“\"‘']?[\d(][\w() ]{0,14}\.|[^\w\s]|o)$")
_BARE_HEADING = re.compile(r"^\s*[IVXLA-Z一二三四五六七八九十]{1,6}\s*[.．、]\s*$")


_YEARS = re.compile(r"^(?:19|20)\d\d(?:\s*[–-]\s*(?:19|20)?\d\d)?$")  # "2026–2027": a title's last line


_FOOTNOTE_RULE = re.compile(r"^(?:_{5,}|[─━]{5,})$")


def lower_next(lines: list[Line]) -> set[int]:
    """Line numbers of the lines whose next line begins with a lower-case letter or is a year or years alone
    (it goes on with them: "…on early warning systems," / "2026–2027")."""
    found: set[int] = set()
    following = ""
    for line in reversed(lines):
        if not line.text or line.furniture:
            continue
        if following[:1].islower() or _YEARS.match(following.strip()):
            found.add(line.number)
        following = line.text
    return found


_FUNCTION_WORD_END = re.compile(r"\b(?:the|of|to|and|for|on|in|by|with|at|as)\s*$")


def wrapped_before_comma(lines: list[Line]) -> set[int]:
    """Line numbers of the lines that stop mid-phrase (on "the", "of" …) before a line ending with a comma: the
    first line of a chapeau wrapped in two ("The Conference of the Parties serving as the meeting of the" /
    "Parties to the Kyoto Protocol,")."""
    found: set[int] = set()
    following = ""
    for line in reversed(lines):
        if not line.text or line.furniture:
            continue
        if following.rstrip()[-1:] in (",", "，") and _FUNCTION_WORD_END.search(line.text):
            found.add(line.number)
        following = line.text
    return found


_CHAPEAU_CHARS = 100  # "The Parties to this Agreement,", "The Conference of the Parties,", "大会，"
_CLAUSE_CHARS = 40  # a preamble paragraph is a sentence's clause of some length
_END_MARKER = re.compile(r"\^\{[\d,\s]+\}$")


def over_preamble(lines: list[Line]) -> set[int]:
    """Line numbers of short lines ending with a comma over a long clause ending with a comma or semicolon, and
    another among the next four lines: a chapeau over its preamble ("The Parties to this Agreement," / "Conscious that …," / "Recalling
    …,"), where a text opens inside another (a treaty under the secretariat's note that transmits it)."""
    texts = [(line.number, line.text.strip()) for line in lines if line.text.strip() and not line.furniture]
    found: set[int] = set()
    def clause(text: str) -> bool:
        text = _END_MARKER.sub("", text)  # "… the global average,^{1}"
        return len(text) >= _CLAUSE_CHARS and text[-1:] in (",", "，", ";", "；")

    for k, (number, text) in enumerate(texts[:-2]):
        following = [t for _, t in texts[k + 1:k + 5]]  # a footnote may stand between clauses
        if len(text) <= _CHAPEAU_CHARS and text[-1] in ",，" and (text[:1].isupper() or "\u4e00" <= text[:1] <= "\u9fff") \
                and clause(following[0]) and sum(map(clause, following)) >= 2:
            found.add(number)
    return found


def next_numbers(lines: list[Line]) -> dict[int, int]:
    """For each numbered line, the number of the next numbered line: a title-like "1." followed by "2."
    is a paragraph of a list, followed by "66." a heading between paragraphs 65 and 66."""
    found: dict[int, int] = {}
    following = None
    for line in reversed(lines):
        token = line.token
        if token is not None and token.kind == "paragraph" and not line.contents:
            if following is not None:
                found[line.number] = following
            following = int(token.value)
    return found


def before_paragraph(lines: list[Line]) -> set[int]:
    """Line numbers of the lines whose next unit (footnotes aside) is a numbered paragraph."""
    found: set[int] = set()
    following = None
    for line in reversed(lines):
        token = line.token
        if token is None or line.contents or token.kind == "footnote":
            continue
        if following == "paragraph":
            found.add(line.number)
        following = token.kind
    return found


def lone_letters(lines: list[Line]) -> set[int]:
    """Line numbers of "(a)" lines with no "(b)" before the next heading: a lone "(a)" is a lead-in."""
    lone: set[int] = set()
    pending: list[int] = []
    for line in lines:
        if not line.text or line.furniture or line.contents:
            continue
        token = line.token
        if token.kind == "item" and token.style == "letter":
            if token.value == "a":
                lone.update(pending)
                pending = [line.number]
            elif token.value == "b":
                pending = []
        elif token.kind in ("section", "annex", "decision", "article", "table"):
            lone.update(pending)
            pending = []
    lone.update(pending)
    return lone


def tab_rows(lines: list[Line]) -> set[int]:
    """Line numbers of table rows with no title above them: lines with cells separated by tabs ("A\tA.1 Red List
    of Ecosystems", "1. Pre-planning\tDefine the boundaries", a group's name and an empty cell "3. Secretariat\t"),
    two or more in a run (blank lines and footnotes
    between allowed); not a line whose first cell is a bullet or a label alone ("8 bis.\tText", "1.\tDecides")."""
    candidates = [line.number for line in lines if line.token is not None and (_tabbed(line) or _named_group(line))
                  and not line.contents and _row_cell(line.token.kind, line.text.split("\t", 1)[0])]
    found: set[int] = set()
    for previous, current in zip(candidates, candidates[1:]):
        between = lines[previous + 1:current]
        if all(not line.text or line.furniture or (line.token is not None and line.token.kind == "footnote")
               for line in between):
            found.update((previous, current))
    return found


def _tabbed(line: Line) -> bool:
    return "\t" in line.text


def _named_group(line: Line) -> bool:
    """A group's name in a table, its figures' cells left empty: "3. Secretariat\t" (see sources.aligned)."""
    raw = line.raw.strip(" ")
    return bool(line.text) and raw.endswith("\t") and not raw.startswith("\t")


def _row_cell(kind: str, first: str) -> bool:
    """Whether a line's first cell can open a table row: plain text that is no bullet or label alone, or a
    numbered name ("1. Pre-planning"; not "1.", whose tab only sets its text off)."""
    if kind in ("paragraph", "section"):  # read as a paragraph or a lettered heading
        return bool(_NUMBERED_CELL.match(first))
    return kind == "plain" and not _LABEL_CELL.match(first)


def mark_stray_numbers(lines: list[Line]) -> None:
    """A bare "1." or "II." followed by a heading or another number holds nothing: a converter's empty
    list entry, read as plain text. (Followed by plain text, its words wrapped to the next line.)"""
    following = None
    for line in reversed(lines):
        token = line.token
        if token is None or line.contents:
            continue
        bare = (token.kind == "paragraph" and not token.rest) or \
            (token.kind == "section" and bool(_BARE_HEADING.match(line.text)))
        if bare and (following is None or following.kind != "plain"):
            line.token = Token("plain", rest=line.text)
        following = line.token


_NUMBERED_TITLE = re.compile(r"^(\d{1,3})\s+([A-Z\u4e00-\u9fff《“\"][^;。；]{3,160}?[^\s.:：,，])(?:\^\{[\d,\s]+\})?$")
_BODY_CHAPEAU = re.compile(r"^(?:The|THE) [A-Z][\w ’'-]{2,80},$|^[\u4e00-\u9fff《》]{2,30}，$")


def mark_numbered_texts(lines: list[Line], kind: str) -> None:
    """A number and a title over the line naming the adopting body ("23 Global Open Science Monitoring Framework" /
    "The General Conference,"): the heading of one of the numbered texts a record collects, as UNESCO's records
    of the General Conference print their resolutions; `kind` says what they are ("resolution", "decision")."""
    texts = [line for line in lines if line.text.strip() and not line.furniture]
    found = [(line, match) for line, following in zip(texts, texts[1:])
             if (match := _NUMBERED_TITLE.match(line.text.strip())) and _BODY_CHAPEAU.match(following.text.strip())]
    if len(found) < 2:  # one is a numbered heading that happens to stand over a chapeau
        return
    for line, match in found:
        line.token = Token("decision", match[1], kind, rest=line.text)


_BARE_NUMBERED = re.compile(r"^(\d{1,2})[ \t]+([^\s\d.,;:%].*)$")
_CLAUSE_OPENING = re.compile(r"^(?:(?:Also|Further|Deeply|Gravely)\s+)?(?:Recalling|Noting|Recogni[sz]ing|Welcoming|"
                             r"Acknowledging|Reaffirming|Emphasi[sz]ing|Stressing|Bearing|Taking|Having|Aware|Concerned|"
                             r"Mindful|Convinced|Considering|Expressing|Underlining|Affirming)\b"
                             r"|^(?:又|还|并)?(?:回顾|忆及|注意到|认识到|确认|重申|欢迎|强调|考虑到|意识到|关切)")
_UNITS = ("paragraph", "decision", "annex", "article", "section", "item")  # a run of bare numbers holds none of these
_DECIMAL_START = re.compile(r"^(\d{1,2})\.1\.?\s")


def mark_bare_numbered(lines: list[Line]) -> None:
    """Paragraphs numbered without a stop, as IMO and WMO texts number theirs: "1 ADOPTS …", "2 URGES …" under a
    preamble, "1 General" over "1.1 …" in an annex. A run counting up from 1 becomes paragraphs when its first
    line follows a clause ending with a comma (the chapeau or the last preamble clause); a line is a chapter over
    decimal paragraphs when "N.1" comes next. Numbers under a footnote rule, and runs of one, stay as they are."""
    under = under_footnote_rule(lines)
    texts = [line for line in lines if line.text.strip() and not line.furniture and not line.contents]
    candidates = [k for k, line in enumerate(texts) if line.token is not None and line.token.kind == "plain"
                  and line.number not in under and _BARE_NUMBERED.match(line.text.strip())]
    runs: list[list[int]] = []
    for k in candidates:
        n = int(_BARE_NUMBERED.match(texts[k].text.strip())[1])
        between = texts[runs[-1][-1] + 1:k] if runs else []
        if runs and n == int(_BARE_NUMBERED.match(texts[runs[-1][-1]].text.strip())[1]) + 1 \
                and not any(line.token is not None and line.token.kind in _UNITS for line in between):
            runs[-1].append(k)
        elif n == 1:
            runs.append([k])
    for k in candidates:  # "1 General" over "1.1 …": a chapter, wherever it stands
        following = texts[k + 1].text.strip() if k + 1 < len(texts) else ""
        match = _BARE_NUMBERED.match(texts[k].text.strip())
        start = _DECIMAL_START.match(following)
        if start and start[1] == match[1]:
            texts[k].token = Token("paragraph", match[1], mark=match[1], rest=match[2])
    for run in runs:
        if len(run) < 2:
            continue
        before = next((texts[j].text.strip() for j in range(run[0] - 1, -1, -1) if not texts[j].text.strip().startswith("^{")), "")
        after = texts[run[-1] + 1].text.strip() if run[-1] + 1 < len(texts) else ""
        # notes printed inside a preamble at a page's foot ("1 FCCC/SBI/2020/6 …" / "2 The event …") come back to
        # it: the line after them opens a clause, or goes on with one
        back = bool(_CLAUSE_OPENING.match(after)) or after[:1].islower()
        operative = before.endswith((",", "，")) and not back
        for k in run if operative else ():
            match = _BARE_NUMBERED.match(texts[k].text.strip())
            texts[k].token = Token("paragraph", match[1], mark=match[1], rest=match[2])


def mark_decimal_runs(lines: list[Line]) -> set[int]:
    """Decimal paragraphs ("1.1", "1.2", "2.1", "3.2.4") stay paragraphs only in a run: the numbered line before
    or after one is its parent ("1." over "1.1") or the next number at some level ("1.2" after "1.1", "2.1" or
    "2." after "1.2", "1.2.1" under "1.2"); a lone "1.5 degrees …" that a wrapped line opens with is plain text.
    Returns the numbered lines ("1.  Seabirds") that head a run: its chapters."""
    for line in lines:
        if line.token is not None and line.token.kind == "decimal" and "\t" in line.token.rest.strip():
            line.token = Token("plain", rest=line.text)  # a table's row, numbered by its first cell
    numbered = [line for line in lines if line.token is not None and not line.contents
                and line.token.kind in ("decimal", "paragraph")]
    numbers = [tuple(int(n) for n in line.token.value.split(".")) for line in numbered]
    kept: set[int] = set()
    heads: set[int] = set()
    for k, line in enumerate(numbered):
        if line.token.kind != "decimal":
            continue
        here = numbers[k]
        parent = k > 0 and numbers[k - 1] == here[:-1] and here[-1] == 1
        if parent or k > 0 and _succeeds(numbers[k - 1], here) or k + 1 < len(numbered) and _succeeds(here, numbers[k + 1]):
            kept.add(line.number)
            if parent and numbered[k - 1].token.kind == "paragraph":
                heads.add(numbered[k - 1].number)
    for line in numbered:
        if line.token.kind == "decimal" and line.number not in kept:
            line.token = Token("plain", rest=line.text)
    return heads


def _succeeds(before: tuple[int, ...], after: tuple[int, ...]) -> bool:
    """Whether `after` is the next number after `before` in a decimal outline: its first child, or the next of it or
    of one of its ancestors."""
    return after == before + (1,) or any(after == before[:i] + (before[i] + 1,) for i in range(len(before)))


def chapters(lines: list[Line]) -> set[int]:
    """Line numbers of chapter headings ("第一章 总则", "Chapter II") whose next unit, within three lines, is an
    article, a paragraph or a section: a treaty's or a report's chapters, not the sub-headings of a list of
    items ("Chapter I (methodologies)" over "(a)")."""
    found: set[int] = set()
    for i, line in enumerate(lines):
        token = line.token
        if not line.text or token is None or token.kind != "section" or token.style not in DIVISIONS:
            continue
        following = [later.token for later in lines[i + 1:i + 8]
                     if later.text and not later.furniture and later.token is not None and later.token.kind != "footnote"]
        if any(token.kind == "article" for token in following[:3]) or following and (
                following[0].kind == "paragraph" or following[0].kind == "section" and following[0].style not in DIVISIONS):
            found.add(line.number)  # not a line of an outline ("Chapter 2: Trends" over "2.1. Description")
    return found


def under_footnote_rule(lines: list[Line]) -> set[int]:
    """Lines below the rule printed over a page's footnotes ("__________"), to the end of its page."""
    under: set[int] = set()
    rule_page = None
    for line in lines:
        if _FOOTNOTE_RULE.match(line.text):
            rule_page = line.page
        elif line.page == rule_page:
            under.add(line.number)
    return under
