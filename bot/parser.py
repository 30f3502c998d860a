"""Split the Chinese text of CBD/WG2020/REC/1/1 into the document's own citation units.

The text is read line by line. Front matter, preamble and operative paragraphs, lettered and
Chinese-numbered items, annex headings, footnotes and table rows each become a Passage whose id
and citation follow the document's numbering. A line that fits none of these becomes a "text"
passage, so nothing is lost and arbitrary input never raises.

Text rules: footnote markers are removed, runs of whitespace become one space (the spaces the
translation puts between Chinese and numbers are kept), and the lines of one wrapped unit are
joined without a space (with one only between two Latin letters or digits). Numbering labels
("1.", "(a)", "(一)") stay in the text; list bullets ("- ") do not.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field

from bot.records import Passage

PARSER_VERSION = "1"

_SUP = "⁰¹²³⁴⁵⁶⁷⁸⁹"
_SUP_TO_ASCII = str.maketrans(_SUP, "0123456789")
_MARKER_BODY = rf"[{_SUP}]+|\^\{{ *[0-9]+(?: *, *[0-9]+)* *\}}"
_MARKER = re.compile(rf" *(?:{_MARKER_BODY})")
_CN = "一二三四五六七八九十"

_FOOTNOTE = re.compile(rf"^([{_SUP}]+)\s*(.*)$")
_NUMBERED = re.compile(r"^([0-9]{1,3})\.(?![0-9])\s*(.*)$")
_ANNEX = re.compile(rf"^附件([{_CN}]+)$")
_ROMAN = re.compile(rf"^([{_CN}]+)[.．]\s*(.+)$")
_SECTION = re.compile(r"^([A-Z])\.\s*(.+)$")
_LETTER = re.compile(r"^(?:-\s*)?(\(([a-z])\).*)$")
_CN_ITEM = re.compile(rf"^(?:-\s*)?(\(([{_CN}]+)\).*)$")
_TABLE_TITLE = re.compile(r"^表\s*([0-9]{1,2})\s*[：:]")
_BULLET = re.compile(r"^-\s*")
_LINK = re.compile(r"\[([^\]\n]*)\]\([^)\n]*\)")
_SPACES = re.compile(r"\s+")
_FURNITURE_CELL = re.compile(r"^[-|:\s]*$")
_RULE = re.compile(r"^[-|:\s]*-{3,}[-|:\s]*$")
_BARE_MARKER = re.compile(r"\s([0-9]{1,3})$")

_CLOSERS = "。；;：:！!？?，,"  # a unit ending otherwise was cut by a page break
_CN_DIGITS = {c: i for i, c in enumerate("零一二三四五六七八九")}
_CN_NUMBER = re.compile(r"([一二三四五六七八九])?十([一二三四五六七八九])?|([一二三四五六七八九])")
_COLUMN_ALIASES = {"2020年后全球生物多样性框架的要素": "要素"}
_TYPE_COLUMN = "类型"  # holds "政府间会议 1": its trailing numbers are meeting types, never markers
_SUBLISTS = (("具体目标", "target", "具体目标"), ("次级", "sub", "次级指标"), ("指标数", "ind", "指标数"))


def strip_markers(text: str) -> str:
    """Remove footnote markers (¹⁴, ^{12,13}) and the spaces just before them."""
    return _MARKER.sub("", text)


def parse(text: str) -> list[Passage]:
    """The passages of `text` in document order; never raises."""
    text = text.removeprefix("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    builder = _Builder(text.split("\n"))
    builder.run()
    return builder.passages()


def _marker_numbers(text: str) -> list[int]:
    numbers = []
    for match in _MARKER.finditer(text):
        for digits in re.findall(r"[0-9]+", match.group().translate(_SUP_TO_ASCII)):
            if len(digits) <= 4:
                numbers.append(int(digits))
    return numbers


def _clean(text: str, links: bool = True) -> str:
    text = strip_markers(text)
    if links:
        text = _LINK.sub(r"\1", text)
    return _SPACES.sub(" ", text).strip()


def _join_wrapped(parts: list[str]) -> str:
    """Join the lines of one unit: Chinese wraps anywhere, so no space unless Latin meets Latin."""
    out = ""
    for part in filter(None, parts):
        if out and _latin(out[-1]) and _latin(part[0]):
            out += " "
        out += part
    return out


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def _cn_number(numeral: str) -> int | None:
    match = _CN_NUMBER.fullmatch(numeral)
    if not match:
        return None
    if match[3]:
        return _CN_DIGITS[match[3]]
    return (_CN_DIGITS[match[1]] if match[1] else 1) * 10 + (_CN_DIGITS[match[2]] if match[2] else 0)


def _is_open(draft: _Draft) -> bool:
    last = _clean(draft.parts[-1]) if draft.parts else ""
    return bool(last) and last[-1] not in _CLOSERS


def _column_name(cell: str) -> str:
    name = _SPACES.sub("", strip_markers(cell))
    return _COLUMN_ALIASES.get(name, name)


def _page_footnotes(lines: list[str]) -> list[frozenset[int]]:
    """For each line, the numbers of the next footnote block: the footnotes printed on its page."""
    result: list[frozenset[int]] = [frozenset()] * len(lines)
    upcoming: set[int] = set()
    in_block = False
    for i in range(len(lines) - 1, -1, -1):
        line = lines[i].strip()
        match = _FOOTNOTE.match(line) if line else None
        if match:
            if not in_block:
                upcoming = set()
            upcoming.update(_marker_numbers(match[1]))
            in_block = True
        elif line:
            in_block = False
        result[i] = frozenset(upcoming)
    return result


@dataclass(eq=False)
class _Draft:
    """A passage while it is being read; its text is settled at the end."""

    id: str
    kind: str
    citation: str
    parts: list[str] = field(default_factory=list)
    scopes: tuple[_Scope, ...] = ()
    number: int | None = None  # a footnote's number, a table row's position
    table: _Scope | None = None  # a table row's table
    rows: list[tuple[int, list[str]]] = field(default_factory=list)  # (line index, raw cells)


@dataclass(eq=False)
class _Scope:
    """A heading that opens a part of an annex: annex, section, sub-list or table."""

    id: str
    citation: str
    level: int  # 0 annex, 1 roman section or table, 2 lettered section, 3 sub-list
    heading: _Draft
    label_parts: list[str]
    children: int = 0
    sublists: int = 0
    is_table: bool = False
    columns: list[str] | None = None
    header_key: str = ""
    row: _Draft | None = None

    @property
    def label(self) -> str:
        return _clean(" ".join(self.label_parts))


_Settled = tuple[str, tuple[tuple[str, str], ...], tuple[str, ...], tuple[str, ...]]


class _Builder:
    """Reads the lines once, keeping the open heading scopes and the unit a wrapped line belongs to."""

    def __init__(self, lines: list[str]) -> None:
        self.lines = lines
        self.pages = _page_footnotes(lines)
        self.drafts: list[_Draft] = []
        self.scopes: list[_Scope] = []
        self.open: _Draft | None = None  # the last paragraph/item, which a cut-off line continues
        self.paragraph: _Draft | None = None  # the operative paragraph that owns lettered items
        self.header: _Draft | None = None
        self.preambles = 0

    def run(self) -> None:
        stripped = [line.strip() for line in self.lines]
        body = next((i for i, s in enumerate(stripped) if _NUMBERED.match(s) or _ANNEX.match(s)), len(stripped))
        chapeau = next((i for i in range(body) if self._is_chapeau(stripped[i])), None)
        for i, (raw, line) in enumerate(zip(self.lines, stripped)):
            if not line:
                continue
            if _FOOTNOTE.match(line):
                self._footnote(i, line)
            elif chapeau is not None and i <= chapeau:
                self._header_line(line)
            elif chapeau is not None and i < body:
                self._preamble(line)
            else:
                self._body(i, raw, line)

    @staticmethod
    def _is_chapeau(line: str) -> bool:
        """The line naming the body that adopts the text ("…工作组，") ends the front matter."""
        cleaned = _clean(line)
        return bool(cleaned) and not _FOOTNOTE.match(line) and cleaned[-1] in "，,"

    # -- units ---------------------------------------------------------------------------------

    def _add(self, id: str, kind: str, citation: str, part: str | None = None) -> _Draft:
        draft = _Draft(id, kind, citation, [part] if part is not None else [], tuple(self.scopes))
        self.drafts.append(draft)
        return draft

    def _header_line(self, line: str) -> None:
        if self.header is None:
            self.header = self._add("header", "header", "文件标题")
        self.header.parts.append(line)

    def _preamble(self, line: str) -> None:
        if self.open is not None and _is_open(self.open):
            self.open.parts.append(line)
            return
        self.preambles += 1
        self.open = self._add(f"pre{self.preambles}", "preamble", f"序言第{self.preambles}段", line)

    def _footnote(self, i: int, line: str) -> None:
        match = _FOOTNOTE.match(line)
        numbers = _marker_numbers(match[1]) if match else []
        if not numbers:
            self._text(i, line)
            return
        draft = self._add(f"fn{numbers[0]}", "footnote", f"脚注{numbers[0]}", match[2])
        draft.number = numbers[0]
        draft.scopes = ()  # settled later from the first passage citing it

    def _text(self, i: int, line: str) -> None:
        self._add(f"t{i + 1}", "text", f"第{i + 1}行", line)
        self.open = None

    def _body(self, i: int, raw: str, line: str) -> None:
        table = self.scopes[-1] if self.scopes and self.scopes[-1].is_table else None
        if table is not None and ("\t" in raw or _RULE.match(line)):
            self._table_line(table, i, raw)
            return
        handlers = (self._annex, self._roman, self._section, self._table_title, self._numbered, self._letter,
                    self._cn_item)
        if not any(handler(line) for handler in handlers):
            self._plain(i, line)

    def _plain(self, i: int, line: str) -> None:
        """An unlabelled line: the rest of a cut-off unit, a heading's title or lead-in, or plain text."""
        if self.open is not None and _is_open(self.open):
            self.open.parts.append(_BULLET.sub("", line))
            return
        scope = self.scopes[-1] if self.scopes else None
        if scope is not None and not scope.is_table:
            if scope.level == 0 and len(scope.label_parts) == 1:
                scope.heading.parts.append(line)  # the annex title
                scope.label_parts.append(line)
                return
            if scope.level >= 2 and _clean(line).endswith(("：", ":")):
                if scope.children == 0:
                    scope.heading.parts.append(line)  # lead-in such as "可能需要反映的问题："
                else:
                    self._sublist(line, None)
                return
        self._text(i, line)

    def _numbered(self, line: str) -> bool:
        match = _NUMBERED.match(line)
        if not match:
            return False
        number = int(match[1])
        if not self.scopes:
            self.open = self.paragraph = self._add(f"p{number}", "paragraph", f"第{number}段", line)
            return True
        owner = self._owner()
        if owner is None:
            return False
        owner.children += 1
        self.open = self._add(f"{owner.id}-{number}", "paragraph", f"{owner.citation} 第{number}段", line)
        return True

    def _letter(self, line: str) -> bool:
        match = _LETTER.match(line)
        if not match:
            return False
        body, letter = match[1], match[2]
        if not self.scopes:
            if self.paragraph is None:
                return False
            para = self.paragraph
            self.open = self._add(f"{para.id}{letter}", "item", f"{para.citation}({letter})项", body)
            return True
        owner = self._owner()
        if owner is None:
            return False
        if owner.children == 0:
            owner.heading.parts.append(body)  # lead-in such as "(a) 可能需要反映的问题："
        elif owner.level >= 2:
            self._sublist(body, letter)
        else:
            return False
        return True

    def _cn_item(self, line: str) -> bool:
        match = _CN_ITEM.match(line)
        number = _cn_number(match[2]) if match else None
        owner = self._owner()
        if number is None or owner is None:
            return False
        owner.children += 1
        self.open = self._add(f"{owner.id}-{number}", "item", f"{owner.citation} ({match[2]})", match[1])
        return True

    # -- headings ------------------------------------------------------------------------------

    def _owner(self) -> _Scope | None:
        """The innermost heading that numbered paragraphs and items hang from (tables hold rows only)."""
        if not self.scopes or self.scopes[-1].is_table:
            return None
        return self.scopes[-1]

    def _push(self, id: str, citation: str, level: int, line: str, is_table: bool = False) -> _Scope:
        while self.scopes and (self.scopes[-1].level >= level or self.scopes[-1].is_table):
            self.scopes.pop()
        heading = self._add(id, "heading", citation, line)
        scope = _Scope(id, citation, level, heading, [line], is_table=is_table)
        self.scopes.append(scope)
        heading.scopes = tuple(self.scopes)  # a heading's path ends with itself
        self.open = None
        return scope

    def _annex(self, line: str) -> bool:
        match = _ANNEX.match(line)
        number = _cn_number(match[1]) if match else None
        if number is None:
            return False
        self.scopes.clear()
        self.paragraph = None
        self._push(f"a{number}", f"附件{match[1]}", 0, line)
        return True

    def _roman(self, line: str) -> bool:
        match = _ROMAN.match(line)
        number = _cn_number(match[1]) if match else None
        if number is None or not self.scopes:
            return False
        annex = self.scopes[0]
        self._push(f"{annex.id}-s{number}", f"{annex.citation} 第{match[1]}节", 1, line)
        return True

    def _section(self, line: str) -> bool:
        match = _SECTION.match(line)
        if not match or not self.scopes:
            return False
        annex = self.scopes[0]
        parent = next((s for s in reversed(self.scopes) if s.level < 2 and not s.is_table), annex)
        self._push(f"{annex.id}-{match[1]}", f"{parent.citation} {match[1]}", 2, line)
        return True

    def _sublist(self, line: str, letter: str | None) -> None:
        while self.scopes[-1].level > 2:
            self.scopes.pop()
        section = self.scopes[-1]
        section.sublists += 1
        key, label = next(((k, lab) for word, k, lab in _SUBLISTS if word in line),
                          (letter, f"({letter})") if letter else (f"l{section.sublists}", f"列表{section.sublists}"))
        self._push(f"{section.id}-{key}", f"{section.citation} {label}", 3, line)

    def _table_title(self, line: str) -> bool:
        match = _TABLE_TITLE.match(line)
        if not match or not self.scopes:
            return False
        annex = self.scopes[0]
        number = int(match[1])
        self._push(f"{annex.id}-t{number}", f"{annex.citation} 表{number}", 1, line, is_table=True)
        return True

    # -- tables --------------------------------------------------------------------------------

    def _table_line(self, table: _Scope, i: int, raw: str) -> None:
        """The header, a repeat of it after a page break, a new meeting, or more cells of the last one."""
        cells = [cell.strip() for cell in raw.split("\t")]
        if all(_FURNITURE_CELL.match(cell) for cell in cells):
            return
        key = "".join(_column_name(cell) for cell in cells)
        if table.columns is None:
            table.columns = [_column_name(cell) for cell in cells]
            table.header_key = key
            table.heading.parts.append(raw.strip())
            return
        if key == table.header_key:
            return
        if cells[0] or table.row is None:
            table.children += 1
            table.row = self._add(f"{table.id}-{table.children}", "table_row", table.citation)
            table.row.table, table.row.number = table, table.children
        table.row.rows.append((i, cells))

    def _row_cells(self, row: _Draft) -> tuple[list[tuple[str, str]], list[int]]:
        """The row's (column, cell) pairs, empty cells left out, and the footnotes its cells cite."""
        columns = row.table.columns if row.table and row.table.columns else []
        pairs: list[tuple[str, str]] = []
        markers: list[int] = []
        for i, cells in row.rows:
            for j, cell in enumerate(cells):
                name = columns[j] if j < len(columns) else f"列{j + 1}"
                markers += _marker_numbers(cell)
                text = _clean(cell)
                bare = _BARE_MARKER.search(text)
                if bare and name != _TYPE_COLUMN and int(bare[1]) in self.pages[i]:
                    markers.append(int(bare[1]))  # "草案 29": footnote 29 printed on this page
                    text = text[:bare.start()].rstrip()
                if text:
                    pairs.append((name, text))
        return pairs, markers

    # -- output --------------------------------------------------------------------------------

    def passages(self) -> list[Passage]:
        self._unique_ids()
        footnote_ids: dict[int, str] = {}
        for draft in self.drafts:
            if draft.kind == "footnote" and draft.number is not None:
                footnote_ids.setdefault(draft.number, draft.id)
        settled = [self._settle(draft, footnote_ids) for draft in self.drafts]
        citers: dict[str, list[int]] = {}
        for k, (_, _, _, footnotes) in enumerate(settled):
            for fid in footnotes:
                citers.setdefault(fid, []).append(k)
        result = []
        for order, (draft, (text, columns, section, footnotes)) in enumerate(zip(self.drafts, settled)):
            cited_by = citers.get(draft.id, []) if draft.kind == "footnote" else []
            if cited_by:
                section = settled[cited_by[0]][2]  # a footnote sits where it is first cited
            result.append(Passage(id=draft.id, kind=draft.kind, citation=draft.citation, text=text,
                                  section=section, footnotes=footnotes,
                                  cited_by=tuple(self.drafts[k].id for k in cited_by), columns=columns,
                                  order=order))
        return result

    def _settle(self, draft: _Draft, footnote_ids: dict[int, str]) -> _Settled:
        """Text, columns, section path and cited footnote ids of one draft."""
        columns: list[tuple[str, str]] = []
        if draft.kind == "table_row":
            columns, markers = self._row_cells(draft)
            text = " | ".join(cell for _, cell in columns)
            meeting = next((cell for name, cell in columns if name == "会议"), "")
            draft.citation = f"{draft.citation}：{meeting}" if meeting else f"{draft.citation} 第{draft.number}行"
        else:
            markers = [n for part in draft.parts for n in _marker_numbers(part)]
            if draft.kind in ("header", "heading"):
                text = _clean(" ".join(draft.parts))
            elif draft.kind == "text":
                text = _clean(" ".join(draft.parts), links=False)
            else:
                text = _SPACES.sub(" ", _join_wrapped([_clean(p) for p in draft.parts])).strip()
        cited = [footnote_ids[n] for n in markers if n in footnote_ids]
        footnotes = tuple(fid for k, fid in enumerate(cited) if fid not in cited[:k] and fid != draft.id)
        section = tuple(scope.label for scope in draft.scopes)
        return text, tuple(columns), section, footnotes

    def _unique_ids(self) -> None:
        """Odd input can repeat a number ("1." twice); later copies get a suffix."""
        seen: set[str] = set()
        for draft in self.drafts:
            base, k = draft.id, 1
            while draft.id in seen:
                k += 1
                draft.id = f"{base}_{k}"
            seen.add(draft.id)
