"""Structural references in a question, resolved to passages by their paths, across documents.

A question such as "第7段(a)项", "paragraph 5 of decision 16/31", "Article 4 (9) of the Paris Agreement",
"《巴黎协定》第二条" or "脚注14" is read into segments (para 7, item a …) and, where it names one, a document or
a container (a decision, an annex). Passages carry their structural path from the parser
("decision:1/CMA.5", "annex:1", "para:15", "item:a"), so resolving is a lookup, never a guess at ids.
Works on normalized text (textnorm.normalize): half-width, simplified, lower case.
"""
from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from bot.records import Passage
from bot.structure.text import to_roman
from bot.textnorm import normalize

Segment = tuple[str, str]  # ("para", "7"), ("item", "a"), ("decision", "1/cma.5")

_CN_DIGITS = {"零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6, "七": 7, "八": 8, "九": 9}
_ROMAN_VALUES = {"i": 1, "v": 5, "x": 10}  # sections and annexes: I … XXXIX (C, L are section letters)
_CN = "零〇一二两三四五六七八九十百"
_NUM = rf"(\d{{1,3}}|[{_CN}]{{1,4}})"
_ORDINALS = ("first second third fourth fifth sixth seventh eighth ninth tenth eleventh twelfth thirteenth "
             "fourteenth fifteenth sixteenth seventeenth eighteenth nineteenth twentieth").split()
_ORDINAL_UNIT = re.compile(
    rf"\b({'|'.join(_ORDINALS)})\s+(preambular\s+paragraph|preamble\s+paragraph|operative\s+paragraph|paragraph|"
    r"footnote|item|table|article|annex|section)"
)
_CONTAINERS = ("decision", "annex", "appendix", "article", "section")
# "1/CMA.5", "MC-6/3", "16/31", and a draft's "-/CP.31"
_DECISION = r"((?:\d{1,3}|-)/[a-z]{2,5}\.\d{1,2}|[a-z]{2,8}-\d{1,2}/\d{1,2}|\d{1,2}/\d{1,2}|\b[ivxl]{1,8}/\d{1,3}|\b[a-z]{2,8}\.\d{1,3}/\d{1,3})"

# Each pattern yields one or more segments; they are read in the order they appear in the question.
_PATTERNS: tuple[tuple[str, re.Pattern], ...] = (
    ("decision", re.compile(rf"decision\s+{_DECISION}|第?\s*{_DECISION}\s*号?\s*决定|决定\s*{_DECISION}")),
    ("recommendation", re.compile(rf"recommendation\s+{_DECISION}|第?\s*{_DECISION}\s*号?\s*建议")),
    # a resolution numbered alone, as a record of resolutions numbers them: "44 c/resolution 24", "第24号决议"
    ("resolution", re.compile(r"\bresolution\s+(\d{1,3}(?:/(?:19|20)\d\d)?)\b(?!\s*/|\.\d)|第\s*(\d{1,3}(?:/(?:19|20)\d\d)?)\s*号决议")),
    ("annex", re.compile(r"\bannex(?:es)?\b(?:\s+(?:to|of)\b)?(?:\s+([ivxl]{1,5}|\d{1,2})\b)?|附件\s*([一二三四五六七八九十\d]{1,3})?")),
    ("appendix", re.compile(r"\bappendix\s+([ivxl]{1,5}|\d{1,2})\b|附录\s*([一二三四五六七八九十\d]{1,3})")),
    ("article", re.compile(rf"\bart(?:icle|\.)?\s*(\d{{1,3}})\b|第\s*{_NUM}\s*条")),
    ("section", re.compile(r"\bsection\s+([ivxl]{1,5}|[a-h])\b|(?<![a-z])([a-h])\s*(?:节|部分|小节)|(?<=节)\s*([a-h])(?![a-z])|第\s*([一二三四五六七八九十]{1,3})\s*节"
                           # a lone letter before an item: "annex I, section II, D (iv)", "section II.D (iv)"
                           # ("a (i)" after a word is the article "a")
                           r"|(?<![a-z])((?<![a-z]\s)a|[b-h])\s*(?=\(\s*(?:[ivxl]{1,5}|\d{1,2}|[一二三四五六七八九十]{1,3})\s*\))"
                           r"|\bchapter\s+([ivxl]{1,5}|\d{1,2})\b|第\s*([一二三四五六七八九十]{1,3})\s*章"
                           r"|\bpart\s+([ivxl]{1,5}|\d{1,2})\b|第\s*([一二三四五六七八九十]{1,3})\s*部分")),  # a treaty's parts
    ("preamble", re.compile(rf"序言(?:部分)?(?:的)?第\s*{_NUM}\s*段|preamb\w*\s*(?:paragraph|para\.?)?\s*(\d{{1,2}})\b")),
    ("footnote", re.compile(rf"(?:脚注|注释|footnote|\bfn|\bnote)\s*(?:第|no\.?\s*)?{_NUM}")),
    ("table", re.compile(rf"(?:表|\btable\s*){_NUM}")),
    ("row", re.compile(r"(?<=[\d一二三四五六七八九十表])\s*(?:的)?第\s*(\d{1,3})\s*行|\brow\s+(\d{1,3})\b")),  # 表2第4行, 表第4行, row 4
    # a paragraph numbered within its chapter too: "paragraph 4.2", "第1.3段"
    ("para", re.compile(rf"(?<![号/])第\s*(\d{{1,2}}(?:\.\d{{1,2}}){{1,3}}|{_NUM[1:-1]})\s*(?:段|款)"
                        rf"|\b(?:paragraphs?|paras?\.?|operative\s+paragraph|§)\s*(\d{{1,2}}(?:\.\d{{1,2}}){{1,3}}(?![\d.]*\s*(?:°|degrees?\b|per\s?cent|%))|\d{{1,3}})\b")),
    ("item", re.compile(r"\(\s*([a-z]{1,2}|[ivxl]{1,5}|[一二三四五六七八九十]{1,3}|\d{1,2})\s*\)\s*(?:项|分项|目)?"
                        r"|第\s*([一二三四五六七八九十\d]{1,3})\s*项|\b(?:item|subparagraph|sub-paragraph|point)\s+"
                        r"(?:\(\s*([a-z]{1,2}|[ivxl]{1,5}|\d{1,2})\s*\)|([a-z]|\d{1,2})\b)"
                        r"|(?<=\d)\s+([a-h])[.)](?=\s|$|[,;?？])"  # "paragraph 13 c.", "5 c)": Ramsar's, CMS's items
                        r"|第\s*\.(\d{1,2})\s*项|\(\s*\.(\d{1,2})\s*\)|\bsub-?paragraph\s+\.(\d{1,2})\b")),  # IMO's ".3"
)
# a follow-up asking for the unit after (or before) the one just shown
_NEXT_UNIT = re.compile(r"\b(?:next|following) (?:item|paragraph|sub-?paragraph|article|one)\b"
                        r"|\b(?:item|paragraph|article|one) (?:right |just |immediately )?after (?:it|that|this)\b"
                        r"|(?P<back>\b(?:previous|preceding) (?:item|paragraph|article|one)\b|上一(?:项|段|条|款))"
                        r"|下一(?:项|段|条|款)")
# a question asking what a table lists, not a figure in it: "What meetings are listed in table 1?", "表1列了哪些会议？"
_LISTS = re.compile(r"\b(?:listed|set out|shown|included|contained) in\b|\btable \w*\s*(?:lists?|shows?|contains?|includes?)\b"
                    r"|(?:列出|列了|列有|列明)了?哪些")
_BARE_ROW = re.compile(r"第\s*(\d{1,3})\s*行|\brow\s+(\d{1,3})\b")
_LEVEL = {"decision": 0, "annex": 1, "appendix": 1, "article": 2, "section": 2, "preamble": 3, "para": 3, "footnote": 3,
          "table": 3, "item": 4, "row": 4}
_MENTION = re.compile(rf"decisions?\s+{_DECISION}|第\s*{_DECISION}\s*号\s*决定|\b([a-z]{{2,6}}(?:/[a-z0-9.]+){{2,}})")
_CONTAINER_KINDS = ("decision", "annex", "appendix", "section", "table")  # "表1中2029年的预算": a table holds the answer
# what is left of a question about a container as a whole ("附件二讲什么？", "What is decision 1/CP.21 about?")
_REFERENCE_WORDS = re.compile(rf"decisions?\s+{_DECISION}|第?\s*{_DECISION}\s*号?\s*决定|决定\s*{_DECISION}|\bannex\w*"
                              r"|附件\S{0,3}|\bsection\s+\w+|\S节|\bchapter\s+\w+|\S章|resolutions?\s+\d+/\d+|第?\d+/\d+号?决议"
                              r"|讲|说|是|什么|内容|有|哪些|的|吗|呢|了|关于|包括|包含|涵盖|列出|列了|what|is|in|about"
                              r"|规定|写了|写着|提到|\bprovides?\b|\bstates?\b|\brequires?\b|\bmean\b|\bdo\b|\bdid\b"
                              r"|does|say|says|contain\w*|the|of|[\s?？。,，:：!！]")
_CHAPTER = re.compile(r"\bchapter\s+([ivxl]{1,5}|\d{1,2})\b|第\s*[一二三四五六七八九十]{1,3}\s*章")
_CHAPTER_HEADING = re.compile(r"(?:^|\s)(?:chapter\s+\w+|第\s*[一二三四五六七八九十\d]{1,3}\s*章)")
_ITEM_REACH = 6  # a bare "(a)" counts when it follows a named unit this closely: "第7段(a)", "D节具体目标(二)"
_SOLE_ANNEX_WORDS = re.compile(r"\bannex\b|附件")


def to_int(token: str) -> int | None:
    """Arabic or Chinese numerals: "14", "十四", "二十九", "一百"."""
    if token.isdigit():
        return int(token)
    if not token or any(ch not in _CN_DIGITS and ch not in "十百" for ch in token):
        return None
    total, current = 0, 0
    for ch in token:
        if ch == "百":
            total += (current or 1) * 100
            current = 0
        elif ch == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = current * 10 + _CN_DIGITS[ch]
    return total + current


def roman_to_int(token: str) -> int | None:
    """i … xxxix; None for anything else."""
    token = token.lower()
    if not token or any(ch not in _ROMAN_VALUES for ch in token):
        return None
    values = [_ROMAN_VALUES[ch] for ch in token]
    total = sum(-v if i + 1 < len(values) and v < values[i + 1] else v for i, v in enumerate(values))
    return total if total > 0 else None


def canonical(segment: str) -> Segment:
    """A path segment of the parser ("subitem:ii", "section:II", "decision:1/CMA.5") in comparable form."""
    kind, _, value = segment.partition(":")
    value = value.strip().lower()
    if kind in ("subitem", "subsubitem"):
        kind = "item"
    if kind in ("chapter", "part"):
        kind = "section"
    if kind == "resolution" and ("/" not in value or re.fullmatch(r"\d{1,3}/(?:19|20)\d\d", value)):
        kind = "decision"  # a record's resolutions ("44 C/Resolution 24", "Resolution 7/2027") are its decisions, as
        # containers of paragraphs; "Resolution 1/CMA.5" is not decision 1/CMA.5
    if kind in ("section", "annex", "appendix") and value.isascii() and value.isalpha():
        roman = roman_to_int(value)
        value = str(roman) if roman else value
    elif kind != "decision":
        number = to_int(value)
        value = str(number) if number is not None else value
    return kind, value


_DOTTED_SECTION = re.compile(r"\bsection\s+([ivxl]{1,5})\.([a-h])\b")


def _ordinals_as_numbers(question: str) -> str:
    """'the first preambular paragraph' -> 'preambular paragraph 1', and 'section II.B' -> 'section II section B',
    so one pattern reads both."""
    question = _DOTTED_SECTION.sub(r"section \1 section \2", question)
    return _ORDINAL_UNIT.sub(lambda m: f"{m.group(2)} {_ORDINALS.index(m.group(1)) + 1}", question)


def beyond_references(question: str) -> str:
    """What a (normalized) question says besides the units it names and the words asking about them: "" for
    "第2段讲什么？" or "What does annex I say?", "national focal points" for "What does paragraph 2 say about
    national focal points?"."""
    text = _DOCUMENT_PHRASE.sub(" ", _ordinals_as_numbers(question))
    for _, pattern in _PATTERNS:
        text = pattern.sub(" ", text)
    return _REFERENCE_WORDS.sub("", text)


# a document named by what it is, where the units asked for stand: "of the grassland fire agreement", 《…协定》
# or by its own number: "第conf. 20.9号决议", "resolution xv.7"
_DOCUMENT_PHRASE = re.compile(r"\b(?:of|in|under) the (?:[a-z][\w'’-]* ){0,5}(?:agreement|convention|protocol|treaty|"
                              r"decision|resolution|recommendation|report)\b|《[^《》]{1,40}》"
                              r"|第?\s*(?:conf\.\s*)?(?:[ivxl]+|\d{1,3})\.\d{1,3}\s*号(?:决议|建议|决定)"
                              r"|\b(?:of )?(?:resolution|recommendation|decision)\s+(?:conf\.\s*)?(?:[ivxl]+|\d{1,3})\.\d{1,3}\b")


_BARE_ARTICLE = 20  # an article's passage this short is only its heading: its text is in its paragraphs
_HEADING_LIKE = 100  # nor is one this short that ends without a stop: "Article 7 Settlement of disputes"
_ARTICLE_PARAGRAPHS = 4  # of such an article, the paragraphs an answer reads
_SECTION_PASSAGES = 3  # of a section or chapter asked for, the passages an answer reads
_BARE_REFERENCE = 12  # characters a question may hold beyond the units it names and still ask only for them
_CJK_CHAR = re.compile(r"[\u3400-\u9fff]")


def asks_only_for_units(question: str, allowance: int = _BARE_REFERENCE) -> bool:
    """Whether a (normalized) question names units and asks for little else ("第2段讲什么？", "What does
    paragraph 5 of decision 1/CMA.5 say?"): at most `allowance` characters beyond them, a Chinese one counting
    as two (0: nothing else at all)."""
    if not read_segments(question):
        return False
    rest = re.sub(r"[\s\W_]+", "", beyond_references(question))
    return len(rest) + len(_CJK_CHAR.findall(rest)) <= allowance


# "第三章包括哪些条款？", "Which articles are in chapter III?": the parts of a unit named, not what they say
_ASKS_PARTS = re.compile(r"(?:哪些|哪几|几)个?(?:条款?|节|章|部分|段|款|项)|\b(?:which|what|how many) (?:articles|sections|"
                         r"chapters|parts|subsections|paragraphs)\b")


def asks_for_parts(question: str) -> bool:
    """Whether a (normalized) question names a unit and asks which units it holds."""
    return bool(_ASKS_PARTS.search(question)) and bool(read_segments(question))


_UNIT_KINDS = ("article", "para", "item", "preamble")
_UNIT_TAIL = re.compile(r"(?:\.\d+|\s*\(\s*[a-z0-9ivx]{1,4}\s*\)|\s*[项目款])*")
# what follows a unit asked about ("第5段的…", "第7段讲什么", "article 4 of …", "paragraph 2 say?"); any other
# word makes the unit part of a name: "第六条第4款机制", "the article 6.4 mechanism", "article 6.2 reports"
_AFTER_UNIT_ZH = set("的讲说规是中里有要提什怎如为哪和与及或下所内之关对请呢吗了在全（(、，,。？?！!：:；;“”《》")
_VERB_ASKED = re.compile(r"[\u4e00-\u9fff]{1,2}了?(?:什么|谁|哪|何|多少)")  # "第8段(a)项建议什么", not "第4款机制是什么"
_AFTER_UNIT_EN = set("of in say says said about do does did state states stated provide provides require requires mean "
                     "means set sets read reads to and or under on ask asks request requests decide decides contain "
                     "contains cover covers is are was were be have has with for as at by from that which what "
                     "when where who how why whose if".split())


def names_unit_as_topic(question: str) -> bool:
    """Whether every article, paragraph or item a (normalized) question names is part of a name ("the Article
    6.4 mechanism", "《巴黎协定》第二条第1款(c)项范围的…对话"), not the unit asked about."""
    question = _ordinals_as_numbers(question)
    ends = [m.end() for kind, pattern in _PATTERNS if kind in _UNIT_KINDS for m in pattern.finditer(question)]
    if not ends:
        return False
    for end in ends:
        rest = question[end:]
        rest = rest[_UNIT_TAIL.match(rest).end():]
        if not rest.strip():
            return False
        if "\u3400" <= rest[0] <= "\u9fff" or rest[0] in _AFTER_UNIT_ZH:
            if rest[0] in _AFTER_UNIT_ZH or _VERB_ASKED.match(rest):
                return False
            continue
        word = re.match(r"\s*([a-z][a-z-]*)", rest)
        if not word or word[1] in _AFTER_UNIT_EN:
            return False
    return True


def _first(match: re.Match) -> str | None:
    return next((g for g in match.groups() if g), None)


_OF = re.compile(r"\s*(?:of|in)\b")


def read_segments(question: str, follows_unit: bool = False) -> list[Segment]:
    """The structural segments a (normalized) question names, outside in. A bare "(c)" counts only right after
    a named unit, or anywhere when the question `follows_unit` of an earlier turn ("What does (c) say?")."""
    question = _ordinals_as_numbers(question)
    found: list[tuple[int, Segment]] = []
    taken: list[range] = []
    for kind, pattern in _PATTERNS:
        for match in pattern.finditer(question):
            span = range(match.start(), match.end())
            if any(span.start < t.stop and t.start < span.stop for t in taken):
                continue
            value = _first(match)
            segment = _segment(kind, value, question, match)
            if segment is None:
                continue
            taken.append(span)
            bare = kind == "item" and (bool(match.group(1)) or match.group(0)[:1].isspace()) \
                and not re.search(r"[项目]", match.group(0))
            item = kind == "item" and bool(_CJK_CHAR.search(match.group(0)))  # "(一)", "(a)项": an item, never a 款
            found.append((match.start(), match.end(), segment, bare, item))
    found.sort()
    read: list[tuple[int, int, Segment, bool]] = []  # (group, order, segment, item); "of" opens a group
    end, group = None, 0
    for start, stop, segment, bare, item in found:
        if bare and not follows_unit and (end is None or start - end > _ITEM_REACH):
            continue  # "(1)" far from any unit it could be an item of: not a reference
        if end is not None and _OF.match(question, end, start):
            group += 1
        read.append((group, len(read), segment, item))
        end = stop
    read.sort(key=lambda r: (-r[0], r[1]))  # "sub-item (iii) of item (b)": (b), then its (iii)
    kept = [segment for _, _, segment, _ in read]
    items = {n for n, (_, _, _, item) in enumerate(read) if item}
    segments = _attach_article_numbers(kept, items)
    order = {segment: n for n, segment in enumerate(segments)}
    return sorted(segments, key=lambda s: (_LEVEL.get(s[0], 3), order[s]))  # outside in, whatever the word order


def _segment(kind: str, value: str | None, question: str, match: re.Match) -> Segment | None:
    if kind in ("decision", "recommendation", "resolution"):
        return ("decision", value) if value else None
    if kind == "annex":
        if value is None:
            return ("annex", "1") if _SOLE_ANNEX_WORDS.search(match.group(0)) else None
        number = roman_to_int(value) if value.isalpha() and not _is_cn(value) else to_int(value)
        return ("annex", str(number)) if number else None
    if kind == "appendix":
        number = roman_to_int(value) if value and value.isalpha() and not _is_cn(value) else to_int(value or "")
        return ("appendix", str(number)) if number else None
    if kind == "section":
        if value is None:
            return None
        if value.isascii() and value.isalpha():
            roman = roman_to_int(value)
            return ("section", str(roman) if roman else value)
        number = to_int(value)
        return ("section", str(number)) if number else None
    if kind == "item":
        if value is None:
            return None
        if value.isascii() and value.isalpha():
            return ("item", value)
        number = to_int(value)
        return ("item", str(number)) if number is not None else None
    if kind == "para" and value and re.fullmatch(r"\d{1,2}(?:\.\d{1,2}){1,3}", value):  # "4.2": as numbered
        return ("para", ".".join(str(int(part)) for part in value.split(".")))
    number = to_int(value or "")
    return (kind, str(number)) if number is not None else None


def _is_cn(value: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in value)


def _attach_article_numbers(segments: list[Segment], items: set[int] = frozenset()) -> list[Segment]:
    """'Article 4 (9)': a number in brackets right after an article is its paragraph, a letter its item; one
    written in Chinese or marked 项 ("第二条(一)项", positions in `items`) stays an item."""
    result: list[Segment] = []
    for n, segment in enumerate(segments):
        if segment[0] == "item" and segment[1].isdigit() and result and result[-1][0] == "article" and n not in items:
            result.append(("para", segment[1]))
        else:
            result.append(segment)
    return result


@dataclass(frozen=True)
class Located:
    """A passage known by its document and canonical path, and the headings it stands under."""

    id: str
    doc: str
    path: tuple[Segment, ...]
    headings: str = ""


class Resolver:
    """Resolves the units a question names to passage ids, in the named document, the previous turn's, or each one."""

    def __init__(self, passages: Sequence[Passage], documents: Iterable = ()) -> None:
        self.by_last: dict[Segment, list[Located]] = defaultdict(list)
        self.by_path: dict[tuple[str, tuple[Segment, ...]], str] = {}
        self._headings: dict[str, str] = {}  # a heading passage -> the section titles it stands under, itself included
        self.children: dict[str, list[str]] = defaultdict(list)  # a unit's id -> its direct subunits' ids, in order
        self.bare_articles: set[str] = set()  # articles whose passage is only their heading ("Article 2")
        self.under: dict[str, list[str]] = {}  # a section's heading -> the passages under it, in order (see with_contents)
        self.inside: dict[str, list[str]] = {}  # a section's heading -> every passage under it
        self.subdivided: set[str] = set()  # section headings with sections or articles under them
        self.language: dict[str, str] = {}
        self.decisions: set[Segment] = set()
        self.decision_docs: dict[Segment, str] = {}
        self.document_names: list[tuple[str, str]] = []  # (normalized name, doc id)
        self.container_names: list[tuple[str, str, tuple[Segment, ...]]] = []  # (name, doc, path prefix)
        self.versions: dict[str, set[str]] = {}  # a symbol -> the documents bearing it (one text in two languages)
        titles: dict[str, str] = {}
        for document in documents:
            self.language[document.id] = document.language
            for name in _document_names(document):
                self.document_names.append((name, document.id))
            titles[document.id] = normalize(document.title or "")
            if document.symbol:
                self.versions.setdefault(normalize(document.symbol), set()).add(document.id)
        self.titles = titles
        for passage in passages:
            path = tuple(canonical(s) for s in passage.path)
            if not path:
                continue
            located = Located(passage.id, passage.doc, path, normalize(" ".join(passage.section)))
            if passage.kind == "heading":
                self._headings[passage.id] = located.headings
            self.by_last[path[-1]].append(located)
            self.by_path[(passage.doc, path)] = passage.id
            parent = self.by_path.get((passage.doc, path[:-1]))
            if parent is not None and passage.kind != "footnote":
                self.children[parent].append(passage.id)
            if path[-1][0] == "article" and _only_a_heading(passage.text):
                self.bare_articles.add(passage.id)
            for segment in path:
                if segment[0] == "decision":
                    self.decisions.add(segment)
                    self.decision_docs.setdefault(segment, passage.doc)
            if passage.kind == "heading":
                title = _container_title(passage.text)
                if len(title) >= (4 if _is_cn(title) else 8):
                    self.container_names.append((title, passage.doc, path))
        for passage in passages:  # a draft decision's cover names it ("第-/CP.31号决定草案"): a name of the document
            if passage.kind == "header" and not any(s.startswith("decision:") for s in passage.path):
                named = {_first(m) for m in _PATTERNS[0][1].finditer(normalize(passage.text))}
                if len(named) == 1 and ("decision", next(iter(named))) not in self.decisions:
                    value = next(iter(named))
                    self.document_names += [(name, passage.doc) for name in
                                            (f"decision {value}", f"决定{value}", f"{value}号决定")]
        self.document_names.sort(key=lambda pair: -len(pair[0]))
        self._read_sections(passages)

    def _read_sections(self, passages: Sequence[Passage]) -> None:
        """For each section heading, the passages that stand under it (its section path goes on from the
        heading's), footnotes and headings left out, as many as an answer reads."""
        open_headings: list[tuple[Passage, list[str]]] = []
        for passage in passages:
            open_headings = [(h, found) for h, found in open_headings
                             if h.doc == passage.doc and passage.section[:len(h.section)] == h.section]
            for heading, _ in open_headings:
                if passage.kind != "footnote" and len(passage.section) == len(heading.section) + 1:
                    self.subdivided.add(heading.id)
            if passage.kind not in ("heading", "footnote", "header", "contents"):
                for heading, found in open_headings:
                    if len(found) < _SECTION_PASSAGES:
                        found.append(passage.id)
                    self.inside[heading.id].append(passage.id)
            if passage.kind == "heading" and passage.section and any(s.startswith("section:") for s in passage.path):
                found: list[str] = []
                self.under[passage.id] = found
                self.inside[passage.id] = []
                open_headings.append((passage, found))

    def named_containers(self, question: str) -> list[Segment]:
        """The loaded decisions and annexes a question names, for a soft scope when it names no unit inside."""
        segments = self._known_decisions(read_segments(question), self.named_documents(question))
        return [s for s in segments if s[0] in ("decision", "annex", "appendix")]

    def names_loaded(self, names: list[str]) -> bool:
        """Whether one of these (normalized) names is, or is part of, the name of a loaded document or of a
        decision or annex in one ("paris agreement": the annex of decision 1/CP.21)."""
        return any(name and (name in known) for name in names
                   for known in [n for n, _ in self.document_names] + [c for c, _, _ in self.container_names])

    def named_documents(self, question: str) -> set[str]:
        """Documents the question names by symbol or title (normalized question), or by a word of its title that no
        other loaded document's title has, before what it is: "the heat resolution", "花梨木决议"; with each of
        their versions in another language (the same symbol)."""
        named = {doc for name, doc in self.document_names if name in question} or self._named_by_title_word(question)
        # a document named in one language names its version in the other, which bears the same symbol
        return named | {other for docs in self.versions.values() if docs & named for other in docs}

    def _named_by_title_word(self, question: str) -> set[str]:
        if len(self.titles) < 2:
            return set()
        named: set[str] = set()
        before, after = set(), set()  # named by words before its kind ("the stockholm decision"), or after it
        for match in _KIND_NAMED_EN.finditer(question):  # ("the decision on risk assessment"), which name a topic
            for word in (match[1] or match[2]).split():  # as often: they count when the others name nothing
                holders = {doc for doc, title in self.titles.items() if len(word) >= 4 and word not in _TITLE_STOPWORDS
                           and re.search(rf"\b{re.escape(word)}", title)}
                if len(holders) == 1:
                    (before if match[1] else after).update(holders)
        named |= before or after
        for match in _KIND_NAMED_ZH.finditer(question):
            words = match[1]
            for start in range(len(words) - _MIN_TITLE_CHARS + 1):  # the longest tail found in one title
                holders = {doc for doc, title in self.titles.items() if words[start:] in title}
                if len(holders) == 1:
                    named |= holders
                    break
                if holders:
                    break
        return named

    def resolve(self, question: str, previous_doc: str | None = None, language: str | None = None,
                scope: Iterable[str] | None = None, limit: int = 10) -> list[str]:
        """Ids of the units the question names, best first; [] when it names none (or none that is loaded)."""
        segments = read_segments(question)
        named_docs = self.named_documents(question)
        segments = self._known_decisions(segments, named_docs)
        if not segments:
            return []
        beyond = self._beyond_containers(question)
        if all(kind in _CONTAINER_KINDS for kind, _ in segments) and len(beyond) + len(_CJK_CHAR.findall(beyond)) > 12 \
                and not asks_for_parts(question) and not (any(k == "table" for k, _ in segments) and _LISTS.search(question)):
            return []  # "what did decision 2/CMP.15 ask of the secretariat about …" (a Chinese character counting
                       # two): a scope, not the heading
        allowed = set(scope) if scope else None
        containers = [(doc, prefix) for name, doc, prefix in self.container_names if name in question]
        candidates = self._matches(segments, containers, question)
        if not candidates and len(segments) > 1 and segments[-1][0] == "item" and re.fullmatch(r"[a-z]", segments[-1][1]):
            lettered = segments[:-1] + [("item", str(ord(segments[-1][1]) - 96))]  # "(c)" for the item numbered (三)
            candidates = self._matches(lettered, containers, question)
        if not candidates and segments[-1][0] in ("para", "item") and any(k == "section" for k, _ in segments[:-1]):
            candidates = self._in_named_sections(segments, containers, question)
        if not candidates and segments[-1][0] == "para" and segments[-1][1].count(".") >= 2:
            head, _, last = segments[-1][1].rpartition(".")  # "paragraph 1.3.3": item .3 of paragraph 1.3 (IMO)
            candidates = self._matches(segments[:-1] + [("para", head), ("item", last)], containers, question)
        while not candidates and len(segments) > 1 and segments[-1][0] == "item":
            segments = segments[:-1]  # "para. 5 (b)" where paragraph 5 has no items: paragraph 5 itself
            candidates = self._matches(segments, containers, question)
        if allowed is not None:
            candidates = [c for c in candidates if c.doc in allowed]
        if named_docs:
            candidates = [c for c in candidates if c.doc in named_docs]
        if containers:
            inside = [c for c in candidates if any(c.doc == doc and c.path[:len(p)] == p for doc, p in containers)]
            candidates = inside or candidates
        if not candidates:
            return []
        if previous_doc and any(c.doc == previous_doc for c in candidates) and not named_docs:
            candidates = [c for c in candidates if c.doc == previous_doc]
        nested = _nested_key(segments)
        if language:
            candidates.sort(key=lambda c: (self.language.get(c.doc, language) != language, nested(c)))  # stable
        else:
            candidates.sort(key=nested)
        return [c.id for c in candidates[:limit]]

    def _in_named_sections(self, segments: list[Segment], containers: list, question: str) -> list[Located]:
        """"附件A节第1段(c)项" where the annex numbers its paragraphs through its sections (the paragraph's path
        holds no section): the unit named without its sections, kept when it stands under each section named,
        as that section's heading is reached by the rest of the path."""
        found = self._matches([s for s in segments if s[0] != "section"], containers, question)
        kept = []
        for located in found:
            prefix: tuple[Segment, ...] = ()
            for segment in segments[:-1]:
                if segment[0] != "section":
                    prefix += (segment,) if segment in located.path else ()
                    continue
                heading = self.by_path.get((located.doc, prefix + (segment,)))
                under = heading is not None and self._headings.get(heading, "") \
                    and located.headings.startswith(self._headings[heading])
                if not under:
                    break
                prefix += (segment,)
            else:
                kept.append(located)
        return kept

    def _beyond_containers(self, question: str) -> str:
        """What a question says besides the containers and the loaded documents it names."""
        for name, _ in self.document_names:  # longest first
            if name in question:
                question = question.replace(name, " ")
        for title, _, _ in self.container_names:  # "附件第三节列出了哪些优先行动领域？": the section's own title
            if title in question:
                question = question.replace(title, " ")
        return _REFERENCE_WORDS.sub("", question)

    def cross_references(self, text: str, own_doc: str = "") -> list[tuple[str, str]]:
        """(mention, document id) for each loaded document a passage's text refers to: a decision it holds
        ("decision 1/CMA.3", "第1/CMA.3号决定") or its symbol or decision number ("CBD/SBSTTA/26/INF/11",
        "decision 15/4"); its own document is left out."""
        found: dict[str, str] = {}
        lowered = normalize(text)
        for match in _MENTION.finditer(lowered):
            mention = match.group(0).strip().rstrip(".")
            value = next(g for g in match.groups() if g).rstrip(".")
            doc = self.decision_docs.get(("decision", value)) if "/" in value and "." in value else None
            doc = doc or next((d for name, d in self.document_names if name == mention or name.endswith(" " + value)
                               or name == value), None)
            if doc and doc != own_doc and mention not in found:
                found[mention] = doc
        return list(found.items())

    def _known_decisions(self, segments: list[Segment], named_docs: set[str]) -> list[Segment]:
        """A decision the question names is a container of a loaded report, or the document itself
        (CBD/COP/DEC/16/31 is decision 16/31): then it is not a path segment. A decision that is not
        loaded at all (第14/34号决定第6段) resolves nothing."""
        kept = []
        for segment in segments:
            if segment[0] == "decision" and segment not in self.decisions:
                if not named_docs:
                    return []
                continue
            kept.append(segment)
        return kept

    def _matches(self, segments: list[Segment], containers: list, question: str = "") -> list[Located]:
        """Passages whose path ends with the last segment named and holds all the others: fewest extra levels
        first, then those whose headings share most words with the question ("具体目标(四)": the item of the
        具体目标 list), then document order."""
        last = segments[-1]
        wanted = segments[:-1]
        candidates = self.by_last.get(last, [])
        if not candidates and last[0] == "item" and (number := roman_to_int(last[1])):
            candidates = self.by_last.get(("item", str(number)), [])  # "(xiii)" for the item numbered (十三)
        words = _words(question)
        ranked: list[tuple[int, int, int, Located]] = []
        for order, located in enumerate(candidates):
            inner = [s for s in located.path[:-1] if s[0] not in ("section", "list") or s in wanted]
            if not _holds_in_order(inner, wanted):
                continue
            extra = [s for s in inner if s not in wanted]
            if any(s[0] in ("para", "item") for s in extra) and not any(s[0] in ("para", "item") for s in wanted):
                if last[0] in ("item",):
                    continue  # "(a)" alone names no item of some paragraph we cannot tell
            shared = sum(word in located.headings for word in words)
            ranked.append((_extra_cost(extra, containers, located), -shared, order, located))
        ranked.sort(key=lambda t: t[:3])
        if _CHAPTER.search(question) and any(_CHAPTER_HEADING.search(t[3].headings) for t in ranked):
            # "第三章": a chapter, not the section "三、" that another document numbers the same
            ranked = [t for t in ranked if _CHAPTER_HEADING.search(t[3].headings)]
        fewest: dict[str, int] = {}
        for cost, _, _, located in ranked:
            fewest.setdefault(located.doc, cost)
        # in one document, the unit that needs fewest levels the question did not name ("decision 17/12, para. 2
        # (a)" is the decision's own, not its annex's paragraph 2 (a)), and any under a heading it names ("引言第2段")
        return [located for cost, unshared, _, located in ranked if cost == fewest[located.doc] or unshared < 0]

    def with_contents(self, ids: list[str]) -> list[str]:
        """The units named, an article whose passage is only its heading ("Article 2") read through its paragraphs,
        a section or chapter through its first passages ("第一章讲什么？"); an article's paragraphs come before its
        heading, a section's passages after its heading, which names what it is about."""
        out: list[str] = []
        one_document = len({pid.split(":", 1)[0] for pid in ids}) == 1  # of several, each one's section heading
        for pid in ids:
            if pid in self.bare_articles:
                out.extend(child for child in self.children.get(pid, [])[:_ARTICLE_PARAGRAPHS] if child not in out)
            elif pid in self.under and one_document:  # its heading first: its title says what the section is about
                out.extend(unit for unit in [pid] + self.under[pid] if unit not in out)
            if pid not in out:
                out.append(pid)
        return out

    def contents_of(self, pid: str) -> list[str]:
        """What a named container holds, when its own passage is only its heading: an article's paragraphs and
        items, a section's passages; [] for any other unit."""
        if pid in self.inside:
            return self.inside[pid]
        if pid not in self.bare_articles:
            return []
        found, pending = [], list(self.children.get(pid, []))
        while pending:
            child = pending.pop(0)
            found.append(child)
            pending[:0] = self.children.get(child, [])
        return found

    def followup(self, question: str, previous_id: str, previous_passage: Passage | None) -> list[str]:
        """'那第8项呢？' after 附件一C节第(七)项: the same list, the new item; likewise (c) after para 7 (a); or a unit
        inside the previous one: "第2款(二)项呢？" after 第八条, "(d)" after 第28段, "And (ii)?" after para. 4 (a)."""
        segments = read_segments(question, follows_unit=True)
        bare_row = _BARE_ROW.search(question)
        if not segments and bare_row:  # "那第1行呢？" after a table row: its table's row 1
            segments = [("row", bare_row[1] or bare_row[2])]
        step = _NEXT_UNIT.search(question)
        if not segments and step and previous_passage is not None:  # "And the item right after it?", "下一段呢？"
            return self._next_unit(previous_passage, -1 if step["back"] else 1)
        if previous_passage is None or not segments:
            return []
        path = [canonical(s) for s in previous_passage.path]
        doc = previous_passage.doc
        if len(segments) == 1 and segments[0][0] in ("decision", "resolution"):  # "And in decision 2/CMA.5?"
            return self._same_unit_in(segments[0], path, previous_id, doc)
        sibling_section = len(segments) == 1 and segments[0][0] == "section" and not _CHAPTER.search(question)
        if segments[0][0] not in ("item", "subitem", "para", "row") and not sibling_section:
            return []  # ("那第三节呢？" after 第二章第二节: 第二章第三节; "那第三章呢？" resolves as asked)
        for i in range(len(path) - 1, -1, -1):  # a sibling: the same kind of unit on the previous unit's path
            if path[i][0] == segments[0][0]:
                found = self.by_path.get((doc, tuple(path[:i]) + tuple(segments)))
                if found:  # "第1款呢？" after an article read from its paragraph 1: that paragraph again
                    return [found]
                break
        inside = [tuple(path) + tuple(segments)]
        if segments[0][0] == "item" and path and path[-1][0] == "item":
            inside.append(tuple(path) + (("subitem", segments[0][1]),) + tuple(segments[1:]))
        return next(([self.by_path[(doc, p)]] for p in inside if (doc, p) in self.by_path), [])

    def _next_unit(self, passage: Passage, step: int) -> list[str]:
        """The unit after (or before) a passage at its own level: item (d) after (c), paragraph 8 after 7."""
        path = [canonical(seg) for seg in passage.path]
        if not path:
            return []
        kind, value = path[-1]
        if value.isdigit():
            values = [str(int(value) + step)]
        elif value.isalpha() and value.islower():
            roman = roman_to_int(value) if kind == "item" and len(value) > 1 or value in ("i", "v", "x") else None
            letter = chr(ord(value[-1]) + step) * len(value) if value == value[0] * len(value) else ""
            values = [v for v in (letter, to_roman(roman + step).lower() if roman else "") if v]
        else:
            return []
        found = next((self.by_path[(passage.doc, tuple(path[:-1]) + ((kind, v),))] for v in values
                      if (passage.doc, tuple(path[:-1]) + ((kind, v),)) in self.by_path), None)
        return [found] if found else []

    def _same_unit_in(self, container: Segment, path: list[Segment], previous_id: str, doc: str) -> list[str]:
        """The unit at the previous passage's place inside another decision: paragraph 6 of the one named, in the
        previous passage's document first."""
        at = next((i for i, seg in enumerate(path) if seg[0] == container[0]), None)
        if at is None or at == len(path) - 1 or path[at] == container:
            return []
        wanted = [seg for seg in path[at + 1:] if seg[0] != "section"]  # paragraphs run on across sections
        found = sorted((other != doc, pid) for (other, unit), pid in self.by_path.items()
                       if unit[:1] == (container,) and [seg for seg in unit[1:] if seg[0] != "section"] == wanted
                       and pid != previous_id)
        return [pid for _, pid in found[:1]]


def _only_a_heading(text: str) -> bool:
    """Whether an article's passage is its heading alone (its number, perhaps its title), its words being in its
    paragraphs."""
    text = text.strip()
    return len(text) <= _BARE_ARTICLE or len(text) <= _HEADING_LIKE and not re.search(r"[.。:：;；,，]$", text)


def _words(question: str) -> set[str]:
    """The question's Chinese character pairs and longer Latin words, to compare with headings."""
    pairs = {question[i:i + 2] for i in range(len(question) - 1) if _is_cn(question[i:i + 2]) and
             all("\u4e00" <= ch <= "\u9fff" for ch in question[i:i + 2])}
    return pairs | set(re.findall(r"[a-z]{5,}", question))


def _nested_key(segments: list[Segment]):
    """For a named section, whether a candidate sits under a section the question did not name: "section G of annex
    I" is first annex I's own section G, then a G inside one of its sections (annex I, section III.G)."""
    if segments[-1][0] != "section":
        return lambda located: False
    return lambda located: any(s[0] == "section" and s not in segments for s in located.path[:-1])


def _holds_in_order(path: Sequence[Segment], wanted: Sequence[Segment]) -> bool:
    it = iter(path)
    return all(any(segment == s for s in it) for segment in wanted)


def _extra_cost(extra: list[Segment], containers: list, located: Located) -> int:
    """Levels the question did not name: a decision's own paragraph before an annex's or an article's."""
    cost = 0
    for kind, _ in extra:
        cost += {"decision": 1, "section": 0}.get(kind, 3)
    return cost


_DESIGNATION = re.compile(
    r"^(?:decision|recommendation|annex|appendix)\s*[\divxl/.a-z-]*\s*[:.]?\s*|^第?[\d/.a-z-]+号?(?:决定|建议)\s*|^附件[一二三四五六七八九十\d]*\s*")


def _container_title(text: str) -> str:
    title = normalize(text)
    for _ in range(2):
        title = _DESIGNATION.sub("", title).strip(" .:：")
    return title


# a document called by a word of its title before what it is: "the heat resolution", "the sahel regional agreement",
# "花梨木决议", "可持续氮管理决议" (not "本决议", "该协定": those call it by its kind alone)
_KINDS_EN = r"(?:resolution|decision|recommendation|agreement|protocol|convention|treaty|report)"
_KIND_NAMED_EN = re.compile(rf"\b((?:[a-z][a-z-]+ ){{1,2}})(?={_KINDS_EN}\b)"
                            rf"|\b{_KINDS_EN} on (?:the )?((?:[a-z][a-z-]+ ?){{1,2}})")  # "the decision on risk assessment"
# (决定 and 建议 are verbs as often as nouns: "缔约方会议决定了什么？")
_KIND_NAMED_ZH = re.compile(r"(?<![本该这此其])([\u4e00-\u9fff]{3,10})(?:决议|协定|议定书|公约|条约|报告)")
_MIN_TITLE_CHARS = 3
_TITLE_STOPWORDS = frozenset({"this", "that", "these", "present", "draft", "same", "above", "following", "related",
                              "relevant", "whole", "under", "with", "from", "into", "about", "which", "what", "does",
                              "united", "nations", "general", "assembly", "council", "conference", "parties", "global",
                              "international", "regional", "national", "framework"})


def _document_names(document) -> list[str]:
    """What a question may call a document: its symbol, the decision or resolution number a symbol ends with, its
    title (not a one-word title such as "Decisions", which any question may hold), its file name."""
    names = []
    if document.symbol:
        symbol = normalize(document.symbol)
        names.append(symbol)
        number = re.search(r"/(?:dec|rec)/([\w.-]+/\d+)$", symbol)
        if number:
            names += [f"decision {number[1]}", f"决定{number[1]}", f"{number[1]}号决定", f"recommendation {number[1]}",
                      f"{number[1]}号建议"]
        number = re.search(r"/res/([\w.-]+/\d+)$", symbol)  # "A/RES/79/321": "resolution 79/321", "第79/321号决议"
        if number:
            names += [f"resolution {number[1]}", f"决议{number[1]}", f"{number[1]}号决议"]
        names += _own_number_names(symbol)
    title = normalize(document.title or "")
    numbered = _NUMBERED_INSTRUMENT.search(title)  # "… Convention, 2026 (No. 192)", as the ILO numbers its texts
    if numbered:
        kind, number = numbered[1], numbered[2]
        names += [f"{kind} no. {number}", f"第{number}号{_INSTRUMENT_ZH[kind]}"] + ([f"c{number}"] if kind == "convention" else [])
    if (len(_CJK_CHAR.findall(title)) >= 4 or (len(title) >= 6 and len(title.split()) >= 2)) and title != normalize(document.id):
        names.append(title)
    file_name = _file_name(document.id)
    if file_name and file_name not in names:
        names.append(file_name)
    return names


_NUMBERED_INSTRUMENT = re.compile(r"\b(convention|recommendation|protocol)\b[^()]{0,20}\(no\.\s*(\d{1,3})\)")
_INSTRUMENT_ZH = {"convention": "公约", "recommendation": "建议书", "protocol": "议定书"}
_OWN_NUMBER = r"((?:conf\.\s*)?(?:[ivxl]+|\d{1,3})\.\d{1,3})"
_KINDS = {"resolution": "决议", "recommendation": "建议", "decision": "决定"}


def _own_number_names(symbol: str) -> list[str]:
    """A text's own number, as a question may write it: "Resolution XV.7" (Ramsar), "第Conf. 20.9号决议" (CITES)
    → "resolution conf. 20.9", "决议conf.20.9", "conf. 20.9号决议" …"""
    english = re.match(rf"(resolution|recommendation|decision) {_OWN_NUMBER}", symbol)
    chinese = re.match(rf"第?\s*{_OWN_NUMBER}\s*号(决议|建议|决定)", symbol)
    if not (english or chinese):
        return []
    kind = english[1] if english else next(k for k, v in _KINDS.items() if v == chinese[2])
    number = (english or chinese).group(2 if english else 1)
    numbers = {number, re.sub(r"\.\s+", ".", number), re.sub(r"^conf\.(?=\d)", "conf. ", number)}
    return sorted({name for n in numbers for name in (f"{kind} {n}", f"{_KINDS[kind]}{n}", f"{n}号{_KINDS[kind]}")})


def _file_name(doc_id: str) -> str:
    """A document's file name as a question may say it ("跨界含水层议定书何时生效？", "the Paris Agreement"): only
    a name of four Chinese characters or more, or of two words or more of three letters or more ("report",
    "sb2024-inf3" or "en-treaty" is no name anyone asks by; names are found inside questions as they stand)."""
    name = normalize(re.sub(r"[-_]+", " ", re.sub(r"\.(zh|en)$", "", doc_id)))
    words = name.split()
    if len(_CJK_CHAR.findall(name)) >= 4 or (len(words) >= 2 and all(re.fullmatch(r"[a-z]{3,}", w) for w in words)):
        return name
    return ""
