"""Lines → draft units with their scopes: one builder for both languages.

The builder reads the lines once, keeping a stack of open scopes: the document root, then containers
that number paragraphs apart (decision, annex, appendix, article), then headings (sections, lists
introduced by a lead-in, tables). Each container remembers where it is: its front matter (title,
chapeau), its preamble, or its body with the current paragraph, item and subitem. A line the grammar
cannot place becomes a "text" unit, so nothing is lost.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from bot.structure import grammar_en as en
from bot.structure import lookahead
from bot.structure.grammar import DIVISIONS, Token, classify, has_bullet, unbullet
from bot.structure.lines import Line, pipe_cells
from bot.structure.text import clean, ends_with_comma, is_open, roman_value, to_cn, to_roman

CONTAINERS = ("root", "decision", "resolution", "annex", "appendix", "article")
_BODY_START = ("decision", "annex", "article", "section", "paragraph", "table")
_CLAUSE_CHARS = 20
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f]")
_LINE_OF_TEXT = 50  # a line this long is a sentence's, not a cover's or a title's
# how UN preamble clauses open, as the UN editorial manual lists them: with no chapeau above them (the CMS and CITES
# order), the first one ends the cover
_PREAMBLE_OPENING = re.compile(r"^(?:(?:Also|Further|Further also|Deeply|Gravely|Seriously)\s+)?(?:Recalling|Noting|Recogni[sz]ing|"
                               r"Welcoming|Acknowledging|Reaffirming|Emphasi[sz]ing|Stressing|Bearing in mind|Taking note|"
                               r"Having|Aware|Concerned|Mindful|Convinced|Considering|Expressing|Underlining|Affirming)\b",
                               re.IGNORECASE)
_JOINED_CLAUSE = re.compile(r"[,;] and$")
_PLAIN_NOTE_ZH = re.compile(r"^([1-9]\d{0,2})\s+([^\d\s].*)$")  # under the rule: "1 联合国，《条约汇编》…"
_OPENING_CHARS = 120
# an English preamble clause opens on a participle ("Recalling", "Also noting", "Taking note"), a chapeau on its body
_PARTICIPLE_CLAUSE = re.compile(r"^(?:(?:[A-Z][a-z]+ly|Also|Further)\s+)?(?:[A-Z]?[a-z]+ing)\b.{20,}[,;]$")


def _body_named(bare: str) -> bool:
    """A line naming the adopting body after the preamble, as CITES prints it: "缔约方大会" (short, no punctuation),
    "THE CONFERENCE OF THE PARTIES TO THE CONVENTION" (capitals)."""
    if not bare or not bare[-1].isalnum() or re.search(r"\d", bare):
        return False
    return bare.isupper() and len(bare) <= 80 or bool(re.fullmatch(r"[\u4e00-\u9fff]{2,12}", bare))


def _clause(text: str) -> bool:
    """A preamble's clause: a sentence's part ending with a semicolon ("回顾…；", "Recalling …;"), no title line."""
    bare = clean(text)
    return len(bare) >= _CLAUSE_CHARS and bare[-1] in ";；"
_RULE = re.compile(r"^[-|:\s]*-{3,}[-|:\s]*$")
_BARE_NUMBER = re.compile(r"^[1-9]\d{0,2}$")  # a footnote number printed alone above its text
_FURNITURE_CELL = re.compile(r"^[-|:\s]*$")
_TITLED_ANNEX = re.compile(r"^(?:Annex|ANNEX|Appendix|APPENDIX|附件|附录)[^:：—–]{0,8}[:：—–]\s*\S")
_LETTER_BEFORE = {"i": "h", "v": "u", "x": "w"}  # "(i)" after "(h)" is a letter, not a roman one
_LIST_LINE_END = re.compile(r"(?:[;；]|; (?:and|or))$")  # a line of a list that goes on
_NEVER_A_ROW = ("decision", "annex")  # headings no table row is, however a converter indents them
_TITLE_MAX = 300  # a title line longer than this is running text
_CJK_SPACE = re.compile(r"(?<=[^\x00-\x7f]) | (?=[^\x00-\x7f])")


@dataclass(eq=False)
class Draft:
    """A unit while it is being read; its path, id, label and text are settled at the end."""

    kind: str  # header contents heading article preamble paragraph item footnote table_row text
    seg: tuple[str, str, str, str] | None  # its own path segment (kind, value, mark, style), if any
    scopes: tuple[Scope, ...]
    parts: list[str] = field(default_factory=list)
    lines: list[Line] = field(default_factory=list)
    owner: Draft | None = None  # what an item hangs from: a paragraph, an item, an article or a heading
    number: int = 0  # a paragraph's or footnote's number, a table row's position, a text's line
    rows: list[tuple[Line, list[str]]] = field(default_factory=list)  # a table row's raw cells
    head: int = 0  # leading parts that are heading lines (an article's number and title), joined by spaces
    plain: bool = False  # a footnote printed with a plain-digit number ("3 See …"), as converters leave them

    def add(self, line: Line, text: str) -> None:
        if line.unpiped is not None and text == line.text:
            text = line.unpiped  # a bare row read as text, not as a row: as written, without the pipes added
        self.parts.append(text)
        self.lines.append(line)


@dataclass(eq=False)
class Scope:
    """An open part of the document: the root, a container, a heading, a lead-in list or a table."""

    kind: str  # root decision resolution annex appendix article section list table
    value: str = ""
    mark: str = ""
    style: str = ""
    level: int = 0  # sections: 1 chapter (I. / 一.), 2 lettered, 3 numbered heading
    heading: Draft | None = None
    title: list[str] = field(default_factory=list)  # its entry in a passage's section path
    parent: Scope | None = None  # the enclosing container
    # containers
    phase: str = "body"  # front | preamble | body
    last_para: int = 0
    heading_since_para: bool = False
    chain: list[Draft] = field(default_factory=list)  # open paragraph, item, subitem
    nested: Draft | None = None  # the unit a numbered sub-list ("1. … 2. …" inside a paragraph) hangs from
    nested_last: int = 0
    preambles: int = 0
    tables: int = 0
    last_letter: str = ""  # the last lettered heading, to read "I." after "H."
    last_roman: int = 0  # the last section numbered in Roman numerals directly under it
    titles: int = 0  # unnumbered headings so far
    annexes: dict[str, int] = field(default_factory=dict)  # annexes and appendices so far
    paragraphs: list[Draft] = field(default_factory=list)
    last_footnote: int = 0
    # sections and lists
    items: int = 0
    lists: int = 0
    leadins: list[str] = field(default_factory=list)
    parent_section: Scope | None = None  # a list's section
    inside_list: bool = False  # a section heading inside a paragraph's list (agreed conclusions' "A.", "B.")
    # tables
    columns: list[str] | None = None
    header_key: str = ""
    row: Draft | None = None
    rows: int = 0
    untitled: str = ""  # "pipe" or "tab" for a table with no "Table 1" title, which ends at its last row

    @property
    def label(self) -> str:
        return clean(" ".join(self.title))


class Builder:
    """Reads classified lines into drafts."""

    def __init__(self, lines: list[Line], language: str) -> None:
        self.lines = lines
        self.language = language
        # what comes later, for the few readings that depend on it (each a set of line numbers, or a map)
        self.decimal_heads = lookahead.mark_decimal_runs(lines)  # "1.  Seabirds" over "1.1 …", "1.2 …" (first:
        # it reads a lone "1.5 …" as plain text, which the readings below take as it is)
        self.lone_letters = lookahead.lone_letters(lines)  # an "(a)" with no "(b)" before the next heading
        self.before_paragraph = lookahead.before_paragraph(lines)  # the next unit is a numbered paragraph
        self.next_number = lookahead.next_numbers(lines)  # a numbered line -> the next numbered line's number
        self.lower_next = lookahead.lower_next(lines)  # the next line starts in lower case
        self.before_comma = lookahead.wrapped_before_comma(lines)  # a line cut mid-phrase, the next ends with ","
        self.tab_rows = lookahead.tab_rows(lines)  # tab-separated cells, next to another such line
        self.chapters = lookahead.chapters(lines)  # "第一章 总则" with an article next: a treaty's chapter
        self.under_rule = lookahead.under_footnote_rule(lines)  # below the rule over a page's footnotes
        self.over_preamble = lookahead.over_preamble(lines)  # a chapeau with preamble clauses under it
        self.root = Scope("root")
        self.scopes: list[Scope] = [self.root]
        self.drafts: list[Draft] = []
        self.header: Draft | None = None
        self.contents: Draft | None = None
        self.open: Draft | None = None  # the unit a cut-off line continues
        self.note: Draft | None = None  # the footnote read on the previous line

    # -- scopes ------------------------------------------------------------------------------

    @property
    def container(self) -> Scope:
        return next(s for s in reversed(self.scopes) if s.kind in CONTAINERS)

    @property
    def innermost(self) -> Scope:
        return self.scopes[-1]

    def _pop_to(self, keep: tuple[str, ...]) -> Scope:
        """Close scopes until the innermost is one of `keep` (the root always stays)."""
        while len(self.scopes) > 1 and self.scopes[-1].kind not in keep:
            self.scopes.pop()
        return self.scopes[-1]

    def _push(self, scope: Scope, draft_kind: str = "heading", line: Line | None = None, text: str = "") -> Scope:
        scope.parent = self.container
        self.scopes.append(scope)
        seg = (scope.kind, scope.value, scope.mark, scope.style)
        scope.heading = self._add(draft_kind, seg, line, text)
        if text:
            scope.title.append(text)
        self.open = scope.heading if draft_kind == "article" else None
        return scope

    def _add(self, kind: str, seg: tuple[str, str, str, str] | None, line: Line | None, text: str | None) -> Draft:
        draft = Draft(kind, seg, tuple(self.scopes))
        if line is not None and text is not None:
            draft.add(line, text)
        self.drafts.append(draft)
        return draft

    # -- reading -----------------------------------------------------------------------------

    def run(self, has_body: bool) -> list[Draft]:
        self.root.phase = "front" if has_body else "body"
        first = next((line.token.kind for line in self.lines if line.token is not None and not line.contents
                      and line.token.kind in _BODY_START), None)
        self.root_chapeau = first != "decision"  # in a report of decisions, each decision has its chapeau
        lines = [line for line in self.lines if line.text and not line.furniture]
        taken = False
        for line, after in zip(lines, lines[1:] + [None]):
            if taken:
                taken = False
            elif not (after is not None and self._split_footnote(line, after)):
                self.feed(line)
            else:
                taken = True
        return self.drafts

    def _split_footnote(self, number: Line, after: Line) -> bool:
        """A footnote whose number stands alone on the line above its text, as converters print a raised
        number ("1" over "FCCC/KP/CMP/2027/4 and Add.1."): read as one line, when it is one (see _plain_footnote)."""
        if not _BARE_NUMBER.match(number.text) or number.number in self.tab_rows or after.contents \
                or (after.token or classify(after.text)).kind != "plain":
            return False
        return self._plain_footnote(replace(after, text=f"{number.text} {after.text}"))

    def feed(self, line: Line) -> None:
        if line.contents:
            self._contents(line)
            return
        token = line.token or classify(line.text)
        if token.kind == "footnote":
            self._footnote(line, token)
            return
        note, self.note = self.note, None
        if token.kind == "plain" and self._plain_footnote(line):
            return
        table = self.innermost if self.innermost.kind == "table" else None
        if table is not None and table.untitled and not self._row_of(table, line, token):
            self.scopes.pop()  # an untitled table ends at the first line that is not one of its rows
            table = None
        cells = cells_of(line)
        if table is not None and cells is not None:
            self._table_line(table, line, cells)
            return
        if table is not None and table.untitled != "pipe" and token.kind not in _NEVER_A_ROW \
                and ("\t" in line.raw.strip(" ") or _RULE.match(line.text)):  # "\tDecision 7/CMA.4" ends the table
            self._table_line(table, line, tab_cells(line))
            return
        if cells is not None and self._untitled_row(line, cells, "pipe"):
            return
        if line.number in self.tab_rows and self._untitled_row(line, tab_cells(line), "tab"):
            return
        if note is not None and token.kind == "plain" and is_open(note.parts[-1], self.language):
            note.add(line, line.text)
            self.note = note
            return
        frame = self.container
        if frame.phase == "front" and self._front(frame, line, token):
            return
        if frame.phase == "preamble" and self._preamble(frame, line, token):
            return
        frame.phase = "body"
        self._body(line, token)

    def _body(self, line: Line, token: Token) -> None:
        handler = {"decision": self._decision, "annex": self._annex, "article": self._article,
                   "section": self._section, "table": self._table, "paragraph": self._paragraph,
                   "decimal": self._decimal, "item": self._item}.get(token.kind, self._plain)
        handler(line, token)

    # -- front matter and preamble -----------------------------------------------------------

    def _front(self, frame: Scope, line: Line, token: Token) -> bool:
        """Title lines and the chapeau of the root, a decision or an annex; an article's own text."""
        if token.kind in _BODY_START or (token.kind == "item" and frame.kind == "article"):
            return False
        text = line.text
        if frame.kind == "root" and self.header is not None and self.root_chapeau and (
                _clause(text) or len(clean(text)) >= _LINE_OF_TEXT and _PREAMBLE_OPENING.match(clean(text))):
            frame.phase = "preamble"  # "回顾…；" under the title with no chapeau above it (the CITES order: the
            return False  # preamble first, "The Conference of the Parties" after it)
        if frame.kind == "decision" and frame.title and _PARTICIPLE_CLAUSE.match(clean(text)):
            frame.phase = "preamble"  # "Decision XXXVII/1: Title" / "Recalling decision XXXVI/1 …,": the Montreal
            return False  # Protocol's order, its chapeau ("The Meeting of the Parties decides:") after the preamble
        if frame.kind == "root":
            if self.header is None:
                self.header = self._add("header", ("header", "", "", ""), None, None)
            self.header.add(line, text)
        elif frame.kind == "article":
            return self._article_text(frame, line, unbullet(text))
        elif frame.kind in ("annex", "appendix") and not self._chapeau(line) and not self._title_line(frame, text):
            return False
        else:
            frame.heading.add(line, text)
            if not self._chapeau(line) and not self._chapeau_begins(frame, line):
                frame.title.append(text)
        if self._chapeau(line) and (frame.kind != "root" or self.root_chapeau):
            frame.phase = "preamble"
        return True

    def _article_text(self, frame: Scope, line: Line, text: str) -> bool:
        """An article's title ("Definitions"), then its own unnumbered text: one unit, which a cut-off
        line continues; a second closed line is something else (the closing formula, "DONE at …")."""
        article = frame.heading
        if len(article.parts) == article.head and _title_like(text, words=12) and len(frame.title) < 2:
            article.add(line, text)
            article.head += 1
            frame.title.append(text)
            return True
        if len(article.parts) == article.head or self._continues(article, text):
            article.add(line, text)
            return True
        frame.phase = "body"
        return False

    def _title_line(self, frame: Scope, text: str) -> bool:
        """An annex's title: its first line after "Annex", a line wrapped from it, or a bracketed note
        ("[English only]"); another short line is a heading of its own ("Background")."""
        bare = clean(text)
        if not bare or len(bare) > _TITLE_MAX or bare[-1] in ".;。；":
            return False
        note = bare[0] in "[(（" and bare[-1] in "])）"
        titles = [t for t in frame.title[1:] if clean(t)[:1] not in "[(（"]
        if note or not titles:
            return True
        last = clean(titles[-1])
        wrapped = bare[0].islower() or last.split()[-1:] in (["of"], ["on"], ["the"], ["and"], ["for"], ["to"], ["in"])
        return wrapped or not (bare + last).isascii()  # Chinese titles wrap anywhere

    def _chapeau(self, line: Line) -> bool:
        """The line naming the body that adopts the text ("The Conference of the Parties," / "…工作组，"),
        not a title wrapped after a comma (its next line goes on in lower case)."""
        bare = clean(line.text)
        return bool(bare) and bare[-1] in "，," and line.number not in self.lower_next

    def _chapeau_begins(self, frame: Scope, line: Line) -> bool:
        """The first line of a chapeau wrapped in two ("The Conference of the Parties serving as the meeting of
        the" / "Parties to the Kyoto Protocol,"), once the title is read: not part of the title."""
        return bool(frame.title) and line.number in self.before_comma and line.number not in self.lower_next

    def _preamble(self, frame: Scope, line: Line, token: Token) -> bool:
        if token.kind in _BODY_START:
            return False
        if line.text.startswith("*"):  # an asterisk note ("* Reissued for technical reasons …")
            self._text(line)
            return True
        text = unbullet(line.text)
        if self.open is not None and self.open.kind == "preamble" and self._continues(self.open, text):
            self.open.add(line, text)
            return True
        if frame.preambles and clean(text)[-1:] in (":", "：") and len(clean(text)) <= _OPENING_CHARS \
                and not _PARTICIPLE_CLAUSE.match(clean(text)[:-1] + ","):
            self._text(line)  # what opens the body after the preamble: "The Meeting of the Parties decides:",
            return True  # "Have agreed as follows:", "兹协议如下："
        if frame.preambles and _body_named(clean(text)):
            self._text(line)  # the body adopting the text, named after its preamble: "缔约方大会" / "THE CONFERENCE OF
            return True  # THE PARTIES TO THE CONVENTION"
        frame.preambles += 1
        self.open = self._add("preamble", ("preamble", str(frame.preambles), "", ""), line, text)
        return True

    def _continues(self, draft: Draft, text: str) -> bool:
        """Does `text` carry on the unit cut off in `draft`?"""
        if draft.kind == "preamble" and _JOINED_CLAUSE.search(clean(draft.parts[-1])) \
                and _PREAMBLE_OPENING.match(text) and text[:1].isupper():
            return False  # "…, and" / "Recalling …": the clauses of an ILO preamble, each joined to the next
        if is_open(draft.parts[-1], self.language):
            return True
        if draft.kind in ("paragraph", "item") and ends_with_comma(draft.parts[-1], self.language):
            return True  # a numbered unit ends with ";", "." or ":"; a comma ends a preamble paragraph, not one
            # ("… new pledges from Austria, Ireland," + "Luxembourg and the Republic of Korea;")
        if draft.kind == "preamble" and text[:1] == "并":
            return True  # no Chinese clause opens on "and": "认识到…的作用，" / "并欢迎…的成果，" is one paragraph
        return self.language == "en" and text[:1].islower()

    # -- containers --------------------------------------------------------------------------

    def _decision(self, line: Line, token: Token) -> None:
        self._pop_to(("root",))
        self._push(Scope(token.style, token.value), line=line, text=line.text).phase = "front"

    def _annex(self, line: Line, token: Token) -> None:
        if _TITLED_ANNEX.match(line.text) and any(s.kind in ("annex", "appendix") for s in self.scopes):
            self._plain(line, token)  # "Annex I: Technical annexes for REDD+" in an annex's outline of another text
            return
        if token.style == "appendix" and any(s.kind == "annex" for s in self.scopes):
            parent = self._pop_to(("annex",))
        else:
            parent = self._pop_to(("root", "decision", "resolution"))
        value, mark = token.value, token.mark
        count = parent.annexes.setdefault(token.style, 0) + 1
        if not mark and count > 1:  # a second "Annex" with no number is the part's annex 2
            value, mark = str(count), to_roman(count) if self.language == "en" else to_cn(count)
        parent.annexes[token.style] = max(count, int(value) if value.isdigit() else count)
        self._push(Scope(token.style, value, mark), line=line, text=line.text).phase = "front"

    def _article(self, line: Line, token: Token) -> None:
        while len(self.scopes) > 1 and self.innermost.kind not in ("root", "decision", "resolution", "annex", "appendix") \
                and self.innermost.style not in DIVISIONS:  # a treaty's chapter or part holds its articles
            self.scopes.pop()
        scope = self._push(Scope("article", token.value, token.mark), "article", line, line.text)
        scope.phase = "front"
        scope.heading.head = 1

    # -- headings ----------------------------------------------------------------------------

    def _section(self, line: Line, token: Token) -> None:
        frame = self.container
        style, value = token.style, token.value
        if style == "roman" and frame.last_letter == _LETTER_BEFORE.get(value.lower()):
            style = "letter"
        if style in DIVISIONS and line.number not in self.chapters:
            self._plain(line, token)  # "Chapter I (methodologies)" over items of a decision's paragraph: a line
            return
        level = {"part": -1, "chapter": 0, "cn": 1, "roman": 1, "letter": 2}.get(style, 3)
        if style in DIVISIONS:  # a chapter or part closes the article before it
            frame = self._pop_to(("root", "decision", "resolution", "annex", "appendix"))
        number = roman_value(value) if style == "roman" else None
        root = self.scopes[0]
        if number and frame.kind in ("decision", "resolution") and root.last_roman \
                and number == root.last_roman + 1 and number != frame.last_roman + 1:
            frame = self._pop_to(("root",))  # the report's own "IV. Date and venue of the next meeting" after the
            # decisions its section III set out, not a section of the last one
        if number:
            frame.last_roman = number
        self._open_section(frame, line, value, token.mark, style, level)

    def _open_section(self, frame: Scope, line: Line, value: str, mark: str, style: str, level: int) -> None:
        while self.innermost is not frame and (self.innermost.kind != "section" or self.innermost.level >= level):
            self.scopes.pop()
        if style == "letter":
            frame.last_letter = value.lower()
        self._push(Scope("section", value, mark, style, level), line=line, text=line.text)
        self._reset_units(frame)

    def _reset_units(self, frame: Scope) -> None:
        frame.chain = []
        frame.nested = None
        frame.heading_since_para = True

    def _table(self, line: Line, token: Token) -> None:
        frame = self.container
        while self.innermost is not frame and self.innermost.kind in ("table", "list"):
            self.scopes.pop()
        frame.tables += 1
        self._push(Scope("table", token.value), line=line, text=line.text)
        self._reset_units(frame)

    # -- numbered units ----------------------------------------------------------------------

    def _paragraph(self, line: Line, token: Token) -> None:
        """A paragraph, an entry of a numbered sub-list, or a numbered heading ("1. Finance").

        Paragraph numbers run on through a part; so a number that does not follow the last paragraph
        is an entry of a list inside it (a "1." with no heading since, or any number after a lead-in
        ending in a colon: an agenda, paragraphs quoted from another decision), a numbered heading
        when it reads like a title, or a restart when a heading came since."""
        frame = self.container
        number = int(token.value)
        text = unbullet(line.text)
        if line.number in self.decimal_heads and _title_like(token.rest, words=12, chars=100):
            # "1.  Seabirds" over "1.1 …": a chapter its paragraphs number
            self._open_section(frame, line, token.value, token.mark, "number", 3)
            return
        last = frame.chain[-1] if frame.chain else None
        after_colon = last is not None and clean(last.parts[-1]).endswith((":", "："))
        # a sub-list goes on upwards, skipping a lost entry or quoting paragraphs 30, 34, 36 of another text
        onwards = frame.nested_last < number <= frame.nested_last + 10 and number != frame.last_para + 1
        if frame.nested is not None and frame.chain and (number == frame.nested_last + 1 or onwards):
            self._nested_item(frame, line, token, text)
        elif number == frame.last_para + 1:
            self._new_paragraph(frame, line, number, text)
        elif number == 1 and frame.last_para and not frame.heading_since_para and frame.chain:
            self._start_nested(frame, line, token, text, last if after_colon else frame.chain[0])
        elif self._numbered_heading(frame, line, number, token.rest):
            self._open_section(frame, line, token.value, token.mark, "number", 3)
        elif after_colon and not frame.heading_since_para:
            self._start_nested(frame, line, token, text, last)
        else:
            self._new_paragraph(frame, line, number, text)

    def _decimal(self, line: Line, token: Token) -> None:
        """"1.1 …": a paragraph numbered within its chapter; the regular run of paragraphs is left as it was."""
        frame = self.container
        while self.innermost is not frame and self.innermost.kind == "table":
            self.scopes.pop()
        draft = self._add("paragraph", ("para", token.value, token.mark, "decimal"), line, unbullet(line.text))
        frame.heading_since_para = False
        frame.chain = [draft]
        frame.nested = None
        self.open = draft

    def _numbered_heading(self, frame: Scope, line: Line, number: int, rest: str) -> bool:
        """"1. Finance" between paragraphs 65 and 66: a title, not followed by the next number of its
        own run; when the next line does go on with the paragraphs, a long title is still a title."""
        following = self.next_number.get(line.number)
        if following == number + 1:
            return False
        evidence = following == frame.last_para + 1  # the paragraphs go on right after it
        return _title_like(rest, words=60 if evidence else 25, chars=400 if evidence else 200)

    def _start_nested(self, frame: Scope, line: Line, token: Token, text: str, owner: Draft) -> None:
        frame.nested = owner
        self._nested_item(frame, line, token, text)

    def _new_paragraph(self, frame: Scope, line: Line, number: int, text: str) -> None:
        while self.innermost is not frame and self.innermost.kind == "table" and number == frame.last_para + 1:
            self.scopes.pop()  # the next paragraph of the text ends the table it follows
        while self.innermost is not frame and self.innermost.inside_list:
            self.scopes.pop()  # a sub-heading of the last paragraph's list ends with it
        draft = self._add("paragraph", ("para", str(number), "", ""), line, text)
        draft.number = number
        frame.last_para = number
        frame.heading_since_para = False
        frame.chain = [draft]
        frame.nested = None
        frame.paragraphs.append(draft)
        self.open = draft

    def _nested_item(self, frame: Scope, line: Line, token: Token, text: str) -> None:
        owner = frame.nested
        depth = frame.chain.index(owner) + 1 if owner in frame.chain else 1
        kind = "item" if depth == 1 else "subitem"
        draft = self._add("item", (kind, token.value, token.mark, "number"), line, text)
        draft.owner = owner
        frame.nested_last = int(token.value)
        frame.chain = frame.chain[:depth] + [draft]
        self.open = draft

    def _item(self, line: Line, token: Token) -> None:
        frame = self.container
        text = unbullet(line.text)
        heading = self._heading_run(frame, token)
        if heading is not None:  # "（二）化学品和污染行动" after paragraph 4, as "（一）" stood under "二、"
            frame.chain = [heading]
        lead = self._list_across_headings(frame, token) if not frame.chain or frame.chain[0].kind == "heading" else None
        if lead is not None:  # "21. … take the following actions:" / "A. Strengthening …" / "(a) …" … "B. …" / "(h) …"
            frame.chain = [lead] + [d for d in frame.chain[1:] if d.owner is lead][:1]
            self.innermost.inside_list = self.innermost.kind == "section"
        if not frame.chain:
            owner = self._item_owner(frame)
            if owner is None:
                self._text(line)
                return
            frame.chain = [owner]
        depth = self._item_depth(frame.chain, token)
        owner = frame.chain[depth - 1]
        scope = self._heading_scope(owner)
        if scope is not None and depth == 1 and self._lone_leadin(scope, line, token, text):
            return
        style = "roman" if token.style == "letter" and depth == 2 and roman_value(token.value) else token.style
        draft = self._add("item", ("item" if depth == 1 else "subitem", token.value, token.mark, style), line, text)
        draft.owner = owner
        if scope is not None and depth == 1:
            scope.items += 1
        frame.chain = frame.chain[:depth] + [draft]
        self.open = draft

    def _list_across_headings(self, frame: Scope, token: Token) -> Draft | None:
        """The paragraph leading in to a list that runs on under lettered sub-headings, as agreed conclusions print
        theirs ("21. The Commission urges Governments … to take the following actions:" / "A. Strengthening …" /
        "(a) …" … "B. Expanding …" / "(h) …"): its items stay its own, lettered on across the headings."""
        if not frame.paragraphs or self.innermost.kind != "section" or self.innermost.parent is not frame:
            return None
        lead = frame.paragraphs[-1]
        if any(d.kind == "paragraph" for d in self.drafts[self.drafts.index(lead) + 1:]):
            return None
        previous = next((d for d in reversed(self.drafts) if d.kind == "item" and d.owner is lead), None)
        if previous is None:
            return lead if clean(lead.parts[-1]).endswith((":", "：")) and token.value in ("a", "1") else None
        return lead if previous.seg is not None and previous.seg[3] == token.style and _follows(previous.seg[1], token.value) \
            else None

    def _heading_run(self, frame: Scope, token: Token) -> Draft | None:
        """The heading whose items a titled item goes on with, when a paragraph stands between them: under "二、",
        "（一）气候行动", paragraphs 3 and 4, then "（二）化学品和污染行动" (the paragraph has no item before it)."""
        scope = self.innermost
        if len(frame.chain) != 1 or frame.chain[0].kind != "paragraph" or scope.kind != "section" \
                or scope.parent is not frame or not _title_like(token.rest, words=15, chars=40):
            return None
        previous = next((d for d in reversed(self.drafts) if d.kind == "item" and d.owner is scope.heading), None)
        if previous is None or previous.seg is None or previous.seg[3] != token.style:
            return None
        return scope.heading if _follows(previous.seg[1], token.value) else None

    @staticmethod
    def _item_depth(chain: list[Draft], token: Token) -> int:
        """1 for an item of the paragraph (or heading), 2 for a subitem of the current item: "(i)" is
        roman unless it follows "(h)", "(一)" and "(1)" under a lettered item are subitems."""
        item = chain[1] if len(chain) > 1 else None
        sub = chain[2] if len(chain) > 2 else None
        if item is None:
            return 1
        style, value = item.seg[3], item.seg[1]
        if token.style == "letter" and roman_value(token.value):
            number = roman_value(token.value)
            if sub is not None and sub.seg[3] == "roman" and roman_value(sub.seg[1]) == number - 1:
                return 2
            if style == "letter" and value == _LETTER_BEFORE.get(token.value):
                return 1
            return 2 if number == 1 and style in ("letter", "number") else 1
        if token.style == "letter":
            return 2 if style == "number" and token.value == "a" or (sub is not None and sub.seg[3] == "letter") else 1
        return 2 if style == "letter" and token.style in ("cn", "number") else 1

    def _item_owner(self, frame: Scope) -> Draft | None:
        """What an item hangs from when no paragraph is open: the article, or the innermost heading."""
        if frame.kind == "article":
            return frame.heading
        scope = self.innermost
        if scope.kind in ("section", "list") and scope.parent is frame:
            return scope.heading
        return None

    def _heading_scope(self, draft: Draft) -> Scope | None:
        scope = draft.scopes[-1] if draft.kind == "heading" and draft.scopes else None
        return scope if scope is not None and scope.kind in ("section", "list") else None

    def _lone_leadin(self, scope: Scope, line: Line, token: Token, text: str) -> bool:
        """A lone "(a) …:" opening a heading's content is the heading's lead-in, not an item."""
        if token.style != "letter" or scope.items or line.number not in self.lone_letters \
                or not clean(text).endswith((":", "：")):
            return False
        scope.heading.add(line, text)
        scope.leadins.append(text)
        return True

    # -- plain lines -------------------------------------------------------------------------

    def _plain(self, line: Line, token: Token) -> None:
        """An unlabelled line: the rest of a cut-off unit, a lead-in, a heading's second line, an
        unnumbered heading over numbered paragraphs, or plain text."""
        text = unbullet(line.text)
        if self.open is not None and (self._continues(self.open, text) or has_bullet(line.text)
                                      or self._list_under(self.open, line)):
            self.open.add(line, text)  # a cut-off line, a bullet point or the list of the unit it follows
            return
        frame, scope = self.container, self.innermost
        in_paragraph = bool(frame.chain) and frame.chain[0].kind in ("paragraph", "article")
        if scope.kind in ("section", "list") and not in_paragraph and clean(text).endswith((":", "：")):
            self._leadin(scope, line, text)
            return
        if scope.kind in ("section", "table") and self.drafts[-1] is scope.heading and _subtitle(text) \
                and not scope.columns:
            scope.heading.add(line, text)  # "(Agenda item 2)", or a heading wrapped over two lines
            scope.title.append(text)
            return
        if line.number in self.before_paragraph and _title_like(text, words=12):
            frame.titles += 1
            self._open_section(frame, line, f"h{frame.titles}", text, "title", 4)
            return
        self._text(line)
        if line.number in self.over_preamble and scope is frame:
            frame.phase = "preamble"  # the instrument a note transmits opens: "The Parties to this Agreement,"

    @staticmethod
    def _list_under(draft: Draft, line: Line) -> bool:
        """A plain line right under (no blank line between) a numbered unit that ends with a colon is its list
        ("5. … 选举下列主席团成员：" / "副主席：…  报告员：…"), and so is the next while the list's lines end
        with a semicolon ("9. … by:" / "Inviting …;" / "Inviting …;")."""
        if draft.kind not in ("paragraph", "item") or not draft.lines or line.number != draft.lines[-1].number + 1:
            return False
        parts = [clean(part) for part in draft.parts]
        if parts[-1].endswith((":", "：")):
            return True
        listed = next((k for k in range(len(parts) - 1, -1, -1) if parts[k].endswith((":", "："))), None)
        return listed is not None and all(_LIST_LINE_END.search(part) for part in parts[listed + 1:])

    def _leadin(self, scope: Scope, line: Line, text: str) -> None:
        """A lead-in such as "Issues that could be reflected in targets:" heads the list below it."""
        section = scope.parent_section if scope.kind == "list" else scope
        if section.items == 0 and section.lists == 0:
            section.heading.add(line, text)
            section.leadins.append(text)
            return
        if scope.kind == "list":
            self.scopes.pop()
        section.lists += 1
        section.leadins.append(text)
        lst = Scope("list", str(section.lists + 1))
        lst.parent_section = section
        self._push(lst, line=line, text=text)
        self.container.chain = []

    def _text(self, line: Line) -> None:
        draft = self._add("text", ("line", str(line.number + 1), "", ""), line, line.text)
        draft.number = line.number + 1
        self.open = None

    def _contents(self, line: Line) -> None:
        if self.contents is None:
            self.contents = self._add("contents", ("contents", "", "", ""), None, None)
        self.contents.add(line, line.text)

    # -- footnotes ---------------------------------------------------------------------------

    def _footnote(self, line: Line, token: Token) -> None:
        draft = self._add("footnote", ("footnote", token.value, "", ""), line, token.rest)
        draft.number = int(token.value)
        self._footnote_scope().last_footnote = draft.number
        self.note = draft

    def _footnote_scope(self) -> Scope:
        return next(s for s in reversed(self.scopes) if s.kind in ("root", "decision", "resolution"))

    def _plain_footnote(self, line: Line) -> bool:
        """English converters print footnote texts in plain digits ("3 See document …"): taken as a
        footnote when its number is the next one expected, or comes soon after with no unit left open."""
        if self.language != "en" and line.number not in self.under_rule \
                or self.innermost.kind == "table" and line.number not in self.under_rule:
            return False  # a Chinese one only under the rule over a page's notes: "1 联合国，《条约汇编》…"
        match = en.PLAIN_FOOTNOTE.match(line.text) or (_PLAIN_NOTE_ZH.match(line.text) if self.language == "zh" else None)
        if not match or _CONTROL.search(line.text):  # no note holds a control character ("1" over "A\x0b0")
            return False
        number, last = int(match[1]), self._footnote_scope().last_footnote
        unit_open = self.open is not None and is_open(self.open.parts[-1], self.language)
        if number != last + 1 and (unit_open or not last < number <= last + 10):
            return False
        self._footnote(line, Token("footnote", str(number), rest=match[2]))
        self.drafts[-1].plain = True
        return True

    # -- tables ------------------------------------------------------------------------------

    def _untitled_row(self, line: Line, cells: list[str], kind: str) -> bool:
        """A row of an untitled table in the body: a pipe row, or tab-separated cells in a run of such
        lines. The first row of a tab table is its header; a pipe table's columns are numbered."""
        frame = self.container
        if frame.phase != "body" and (frame.kind == "root" or kind == "pipe"):
            return False  # the cover block and contents of a report are its header
        frame.phase = "body"
        table = self.innermost if self.innermost.kind == "table" else None
        if table is None:
            frame.tables += 1
            caption = self._caption_before(line)
            if caption is not None:  # "Budget for 2026–2027 (United States dollars)" over the table: its title
                self.drafts.remove(caption)
                table = self._push(Scope("table", str(frame.tables)), line=caption.lines[0], text=caption.parts[0])
            else:
                table = self._push(Scope("table", str(frame.tables)))
            table.untitled = kind
            if kind == "pipe":
                table.columns, table.header_key = [], "\0"
            self._reset_units(frame)
        self._table_line(table, line, cells)
        return True

    def _caption_before(self, line: Line) -> Draft | None:
        """The line of text right above an untitled table's first row, when it reads as a title."""
        last = self.drafts[-1] if self.drafts else None
        if last is None or last.kind != "text" or len(last.lines) != 1 or last.scopes != tuple(self.scopes):
            return None
        between = self.lines[last.lines[0].number + 1:line.number]
        if any(other.text and not other.furniture for other in between):
            return None
        text = last.parts[0]
        form = "|" in text or "\t" in last.lines[0].raw.strip() or "__" in text  # a row or a form's blank line
        form = form or text.lstrip()[:1] in "[(（"  # a note ("[English only]") or an item's line
        # a caption naming its unit may run longer: "Trust Fund …: revised 2025, approved 2026 and indicative 2027
        # budgets (United States dollars)"
        unit = bool(re.search(r"[(（][^()（）]{2,40}[)）]\s*$", text))
        return last if not form and _title_like(text, words=25 if unit else 15, chars=160 if unit else 100) else None

    def _row_of(self, table: Scope, line: Line, token: Token) -> bool:
        """Does `line` belong to the untitled table: a pipe row of a pipe table, or for a tab table
        another tab row or a continuation (a plain line indented by a tab: its first cells are empty)."""
        if table.untitled == "pipe":
            return cells_of(line) is not None
        return line.number in self.tab_rows or (token.kind == "plain" and line.raw.startswith("\t"))

    def _table_line(self, table: Scope, line: Line, cells: list[str]) -> None:
        """The header, a repeat of it after a page break, a new row, or more cells of the last one."""
        if all(_FURNITURE_CELL.match(cell) for cell in cells):
            return
        key = "".join(column_name(cell) for cell in cells)
        if table.columns is None:
            table.columns = [column_name(cell) for cell in cells]
            table.header_key = key
            table.heading.add(line, line.raw.strip())
            return
        if key == table.header_key:
            return
        if cells[0] or table.row is None:
            table.rows += 1
            table.row = self._add("table_row", ("row", str(table.rows), "", ""), None, None)
            table.row.number = table.rows
        table.row.rows.append((line, cells))
        table.row.lines.append(line)


def tab_cells(line: Line) -> list[str]:
    """The cells of a tab-separated row; leading tabs are empty first cells (a continuation row)."""
    return [cell.strip() for cell in line.raw.strip("\r\n ").split("\t")]


def cells_of(line: Line) -> list[str] | None:
    """The cells of a pipe-table row with two cells or more (one-cell rows were unwrapped before)."""
    return pipe_cells(line.text)


def column_name(cell: str) -> str:
    """A header cell as a column name: markers dropped, and spaces next to Chinese characters; a long
    Chinese heading is named by its head noun, the words after its last 的 ("…框架的要素" → "要素")."""
    name = _CJK_SPACE.sub("", clean(cell))
    head = name.rsplit("的", 1)[-1]
    return head if len(name) > 12 and "的" in name and len(head) >= 2 else name


def _title_like(text: str, words: int = 25, chars: int = 200) -> bool:
    """A heading's title ("Finance"): not too long, not lower case, no semicolon, no closing punctuation."""
    bare = clean(text)
    return bool(bare) and len(bare.split()) <= words and len(bare) <= chars and bare[-1] not in ".;:,。；：，" \
        and not bare[0].islower() and ";" not in bare and "；" not in bare


def _subtitle(text: str) -> bool:
    """A heading's second line: short, not a sentence."""
    bare = clean(text)
    return bool(bare) and len(bare) <= _TITLE_MAX and bare[-1] not in ".;。；"


def _follows(previous: str, value: str) -> bool:
    """Whether an item's value comes right after another's in its run: 1 → 2, a → b, ii → iii."""
    if previous.isdigit() and value.isdigit():
        return int(value) == int(previous) + 1
    if roman_value(previous) and roman_value(value) and len(previous) + len(value) > 2:
        return roman_value(value) == roman_value(previous) + 1
    if previous == "z" and value == "aa":  # the UN letters on past (z): (aa), (bb) …
        return True
    doubled = len(previous) == len(value) == 2 and previous[0] == previous[1] and value[0] == value[1]
    if doubled:
        previous, value = previous[0], value[0]
    return len(previous) == len(value) == 1 and previous.isalpha() and ord(value) == ord(previous) + 1
