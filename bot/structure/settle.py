"""Draft units → Passages: paths, ids and labels, texts, table cells, footnote links, pages.

Paths are settled here, not while reading, because two facts are known only at the end: whether a
part numbers its paragraphs through its sections (UN decisions do; then sections stay out of a
paragraph's path) or afresh in each, and whether a lettered section is the only one of its letter
(then its id leaves out its chapter, "a1-D").
"""
from __future__ import annotations

import re
from collections import Counter

from bot.records import Passage
from bot.structure.build import CONTAINERS, Draft, Scope
from bot.structure.labels import Seg, address, label, local_id
from bot.structure.lines import Line
from bot.structure.text import clean, join_wrapped, marker_numbers, squash

_BARE_NUMBER = re.compile(r"\s([0-9]{1,3})$")
# a footnote marker printed as plain digits after a word, a closing mark or a year: "Reporting,1 the", "Diversity,3,4",
# "to 30 June 2027,1"
_PLAIN_MARKER = re.compile(r"(?:(?<=[a-z)\]”’\"])|(?<=\b(?:19|20)\d\d))([,.;:]?)(\d{1,3}(?:,\d{1,3})*)(?=[\s,.;:)]|$)")
_DEFAULT_COLUMN = {"zh": "列{}", "en": "column {}"}


class Settler:
    """Turns a builder's drafts into the document's passages (one pass over them, plus the tables)."""

    def __init__(self, drafts: list[Draft], lines: list[Line], language: str, has_markers: bool = True) -> None:
        self.drafts = drafts
        self.lines = lines
        self.language = language
        self.has_markers = has_markers  # False when the text holds no ¹ or ^{n} at all
        self.paths: dict[int, tuple[Seg, ...]] = {}
        self.sectioned: dict[int, bool] = {}
        self.cells: dict[int, tuple[list[tuple[str, str]], list[int]]] = {}
        self.titles: dict[int, str] = {}
        self.recovered: dict[int, list[int]] = {}  # footnote numbers found as plain digits in a unit
        self.first_cells: dict[int, list[str]] = {}  # a table row's first-line cells, cleaned

    def passages(self) -> list[Passage]:
        explicit: set[int] = set()
        if self.has_markers:
            explicit = {n for d in self.drafts if d.kind != "table_row" for p in d.parts for n in marker_numbers(p)}
            explicit |= {n for d in self.drafts for _, cells in d.rows for c in cells for n in marker_numbers(c)}
        if not explicit and self.language == "en":
            self._recover_markers()
        page_notes = _page_footnotes(self.lines)
        for draft in self.drafts:
            if draft.kind == "table_row":
                self.cells[id(draft)] = self._row_cells(draft, explicit, page_notes)
        self._name_rows()
        self._name_lists()
        short = self._short_letters()
        notes = self._footnote_index()
        texts, cited = [], []
        for draft in self.drafts:
            text, markers = self._text(draft)
            texts.append(text)
            cited.append(self._resolve(draft, markers, notes))
        citers: dict[int, list[int]] = {}
        for k, targets in enumerate(cited):
            for target in targets:
                citers.setdefault(target, []).append(k)
        self._place_footnotes(citers)
        paths = [self._path(d) for d in self.drafts]
        ids = _unique([local_id(path, short) for path in paths])
        result = []
        for k, (draft, path) in enumerate(zip(self.drafts, paths)):
            section = self._section(draft)
            by = citers.get(k, []) if draft.kind == "footnote" else []
            if by:
                section = self._section(self.drafts[by[0]])  # a footnote sits where it is first cited
            # a line outside any unit is cited within the part it stands in, after the unit it follows there
            # ("decision 6/CMP.10, after para. 12": its adoption line), else by its line ("annex III, line 174")
            citation = self._text_label(k, paths) if draft.kind == "text" else label(path, self.language)
            result.append(Passage(
                id=ids[k], kind=_KIND.get(draft.kind, draft.kind), citation=citation, text=texts[k],
                section=section, footnotes=tuple(ids[t] for t in cited[k]), cited_by=tuple(ids[c] for c in by),
                columns=tuple(self.cells[id(draft)][0]) if draft.kind == "table_row" else (),
                order=k, label=citation, path=address(path),
                pages=tuple(sorted({line.page for line in draft.lines}))))
        return result

    def _text_label(self, k: int, paths: list[tuple[Seg, ...]]) -> str:
        """The citation of a line outside any unit: after the last numbered unit before it in its part."""
        containers = _containers(self.drafts[k].scopes)
        for j in range(k - 1, -1, -1):
            before = self.drafts[j]
            if _containers(before.scopes) != containers or before.kind in ("header", "contents"):
                break
            unit = paths[j][len(containers):]
            if j == k - 1 and before.kind == "heading" and before.scopes \
                    and before.scopes[-1].kind in ("section", "annex", "appendix") and before.scopes[-1] in self.drafts[k].scopes:
                return label(paths[j], self.language)  # the words right under a section's or annex's heading: in it
            if before.kind in _NUMBERED and unit and paths[j][:len(containers)] == containers:
                return self._after(paths[j], containers, unit)
            if before.kind == "article" and not unit and containers:  # after an article of its own words only
                return self._after(containers, containers[:-1], containers[-1:])  # (a treaty's closing lines)
        return label(containers + paths[k], self.language)

    def _after(self, path: tuple[Seg, ...], containers: tuple[Seg, ...], unit: tuple[Seg, ...]) -> str:
        if self.language == "zh":  # "第十条第2款之后": the unit named as its part names it
            return f"{label(path, self.language)}之后"
        part, own = label(containers, self.language), label(unit, self.language)
        return f"{part}, after {own}" if part else f"after {own}"

    def _section(self, draft: Draft) -> tuple[str, ...]:
        """The titles of the headings a unit stands under, outside in."""
        titles = []
        for scope in draft.scopes:
            if scope.kind != "root":
                if id(scope) not in self.titles:
                    self.titles[id(scope)] = scope.label
                if self.titles[id(scope)]:
                    titles.append(self.titles[id(scope)])
        return tuple(titles)

    # -- paths -------------------------------------------------------------------------------

    def _path(self, draft: Draft) -> tuple[Seg, ...]:
        key = id(draft)
        if key not in self.paths:
            self.paths[key] = self._compute_path(draft)
        return self.paths[key]

    def _compute_path(self, draft: Draft) -> tuple[Seg, ...]:
        own = Seg(*draft.seg) if draft.seg else None
        kind = draft.kind
        if kind in ("header", "contents", "text"):
            return (own,)
        if kind == "footnote":
            return _containers(draft.scopes, ("root", "decision", "resolution")) + (own,)
        if kind == "table_row":
            return self._path(draft.scopes[-1].heading) + (own,)
        if kind == "item":
            return self._path(draft.owner) + (own,)
        base = _containers(draft.scopes)
        if kind in ("preamble",):
            return base + (own,)
        if kind == "paragraph":
            frame = _innermost_container(draft.scopes)
            if draft.seg[3] != "decimal" and self._is_sectioned(frame):  # "1.1" names its chapter itself
                base += _section_segs(draft.scopes)
            return base + (own,)
        # headings and articles: their own scope is the last one in their snapshot
        scope = draft.scopes[-1]
        if scope.kind in CONTAINERS:
            return base
        if scope.kind == "table":
            return base + (_scope_seg(scope),)
        return base + _section_segs(draft.scopes)

    def _is_sectioned(self, frame: Scope) -> bool:
        """Does this part number its paragraphs afresh in each section? Yes when a section starts again
        at 1, no when one goes on from the last."""
        key = id(frame)
        if key not in self.sectioned:
            restart = running = 0
            previous: tuple[int, object] | None = None
            sections = set()
            for paragraph in frame.paragraphs:
                section = _innermost_section(paragraph.scopes)
                sections.add(id(section) if section else None)
                if previous is not None and section is not previous[1]:
                    restart += paragraph.number == 1
                    running += paragraph.number == previous[0] + 1
                previous = (paragraph.number, section)
            if restart or running:
                self.sectioned[key] = restart > running
            else:  # no evidence: decisions and reports number through their chapters; an annex whose
                # only numbered paragraphs stand in one chapter (an introduction) is cited by chapter
                self.sectioned[key] = frame.kind in ("annex", "appendix") and len(sections) == 1 \
                    and None not in sections
        return self.sectioned[key]

    def _short_letters(self) -> frozenset[tuple[str, ...]]:
        """Lettered sections named without their chapter: those under a chapter whose letters no other
        section of the same part and depth shares (annex I, II.A–H in the seed: "a1-D")."""
        entries = []
        for draft in self.drafts:
            scope = draft.scopes[-1] if draft.kind == "heading" and draft.scopes else None
            if scope is None or scope.kind != "section" or scope.style != "letter":
                continue
            segs = _section_segs(draft.scopes)
            if len(segs) < 2:
                continue
            part = address(_containers(draft.scopes))
            parent = address(_containers(draft.scopes) + segs[:-1])
            entries.append(((part, len(segs), scope.value), parent, address(_containers(draft.scopes) + segs)))
        counts = Counter(key for key, _, _ in entries)
        shared = {parent for key, parent, _ in entries if counts[key] > 1}
        return frozenset(full for _, parent, full in entries if parent not in shared)

    # -- texts -------------------------------------------------------------------------------

    def _text(self, draft: Draft) -> tuple[str, list[int]]:
        if draft.kind == "table_row":
            pairs, markers = self.cells[id(draft)]
            return " | ".join(cell for _, cell in pairs), markers
        markers = [n for part in draft.parts for n in marker_numbers(part)] + self.recovered.get(id(draft), [])
        if draft.kind in ("header", "heading", "contents"):
            return clean(" ".join(draft.parts)), markers
        if draft.head:
            head = clean(" ".join(draft.parts[:draft.head]))
            body = join_wrapped([clean(p) for p in draft.parts[draft.head:]], self.language)
            return f"{head} {body}".strip(), markers
        if draft.kind == "text":
            return clean(" ".join(draft.parts), links=False), markers
        return join_wrapped([clean(p) for p in draft.parts], self.language), markers

    def _row_cells(self, row: Draft, explicit: set[int], page_notes: dict[int, frozenset[int]]):
        """A row's (column, cell) pairs, empty cells left out, and the footnotes its cells cite. A bare
        number ending a cell is a footnote marker when that footnote is printed on the row's page and
        cited by no marker anywhere (a superscript lost in conversion, "草案 29")."""
        table = row.scopes[-1]
        columns = table.columns or []
        pairs: list[tuple[str, str]] = []
        markers: list[int] = []
        for n, (line, cells) in enumerate(row.rows):
            if n == 0:
                self.first_cells[id(row)] = firsts = []
            for j, cell in enumerate(cells):
                name = columns[j] if j < len(columns) and columns[j] else _DEFAULT_COLUMN[self.language].format(j + 1)
                markers += marker_numbers(cell)
                text = clean(cell)
                bare = _BARE_NUMBER.search(text)
                if bare and int(bare[1]) in page_notes.get(line.number, ()) and int(bare[1]) not in explicit:
                    markers.append(int(bare[1]))
                    text = text[:bare.start()].rstrip()
                if n == 0:
                    firsts.append(text)
                if text:
                    pairs.append((name, text))
        return pairs, markers

    def _name_rows(self) -> None:
        """A row is cited by its key: its cell in the first column that names rather than dates or
        counts (most of its cells do not begin with a digit), else its first cell."""
        tables: dict[int, list[Draft]] = {}
        for draft in self.drafts:
            if draft.kind == "table_row":
                tables.setdefault(id(draft.scopes[-1]), []).append(draft)
        for rows in tables.values():
            firsts = [self.first_cells[id(row)] for row in rows]
            width = max((len(cells) for cells in firsts), default=0)
            naming = [j for j in range(width) if _names(firsts, j)]
            key = naming[0] if naming else 0
            if naming and _groups(firsts, key):  # "2025" over two rows is a group, not a name: the next that names
                key = next((j for j in naming[1:] if _names_each(firsts, j)), key)
            for row, cells in zip(rows, firsts):
                cell = cells[key] if key < len(cells) else ""
                code = _CODE.match(cell)  # "6.2 Does your country …" is cited as 6.2
                row.seg = (*row.seg[:2], code[1] if code else squash(cell), row.seg[3])

    def _name_lists(self) -> None:
        """A list opened by a lead-in is named by the words that set its lead-in apart from its
        siblings' ("能够在具体目标中反映的问题：" among "能够在目标中…" → "具体目标")."""
        for draft in self.drafts:
            scope = draft.scopes[-1] if draft.kind == "heading" and draft.scopes else None
            if scope is None or scope.kind != "list" or scope.parent_section is None:
                continue
            leadins = [_leadin_words(text, self.language) for text in scope.parent_section.leadins]
            own = _leadin_words(scope.title[0], self.language)
            scope.mark = _distinct(own, leadins, self.language)

    # -- footnotes ---------------------------------------------------------------------------

    def _recover_markers(self) -> None:
        """Text converters print footnote markers as plain digits ("Reporting,1 the", "process8 to"),
        and footnote texts likewise ("8 See …"). Each block of such footnote texts is matched, in
        order, against such digits in the units read since the block before (and the unit that was
        open when that block began); a match is a link, and the digits leave the text."""
        window: list[Draft] = []
        block: list[Draft] = []
        for draft in self.drafts + [None]:
            if draft is not None and draft.kind == "footnote":
                block.append(draft)
                continue
            if block and all(note.plain for note in block):
                self._match_block(window, [note.number for note in block])
            if block:
                window = window[-1:]
                block = []
            if draft is not None and draft.kind not in ("table_row", "header", "contents"):
                window.append(draft)

    def _match_block(self, window: list[Draft], numbers: list[int]) -> None:
        expected = sorted(set(numbers))
        for draft in window:
            for i, part in enumerate(draft.parts):
                if not expected:
                    return
                kept, last = [], 0
                for match in _PLAIN_MARKER.finditer(part):
                    group = [int(n) for n in match[2].split(",")]
                    skip = next((k for k in range(3) if expected[k:k + len(group)] == group), None)
                    if skip is None:  # not the next footnotes (one or two may have no marker left)
                        continue
                    self.recovered.setdefault(id(draft), []).extend(group)
                    expected = expected[skip + len(group):]
                    kept.append(part[last:match.start(2)])
                    last = match.end(2)
                    if not expected:
                        break
                if kept:
                    draft.parts[i] = "".join(kept) + part[last:]

    def _place_footnotes(self, citers: dict[int, list[int]]) -> None:
        """A footnote printed at the foot of a page where the next decision has begun belongs to the decision
        that cites it: its path is set from its first citer's decision."""
        for k, by in citers.items():
            note = self.drafts[k]
            if note.kind != "footnote" or not note.seg:
                continue
            citer = self.drafts[by[0]]
            if _note_scope(citer.scopes) is not _note_scope(note.scopes):
                self.paths[id(note)] = _containers(citer.scopes, ("root", "decision", "resolution")) + (Seg(*note.seg),)

    def _footnote_index(self) -> dict[tuple[int, int], int]:
        """(footnote scope, number) → draft position; scope 0 holds every number's first footnote."""
        index: dict[tuple[int, int], int] = {}
        for k, draft in enumerate(self.drafts):
            if draft.kind == "footnote":
                index.setdefault((id(_note_scope(draft.scopes)), draft.number), k)
                index.setdefault((0, draft.number), k)
        return index

    def _resolve(self, draft: Draft, markers: list[int], notes: dict[tuple[int, int], int]) -> list[int]:
        """The positions of the footnotes `markers` cite: in the draft's decision, else anywhere."""
        scope = id(_note_scope(draft.scopes))
        found: list[int] = []
        for number in markers:
            k = notes.get((scope, number), notes.get((0, number)))
            if k is not None and k not in found and self.drafts[k] is not draft:
                found.append(k)
        return found


_KIND = {"contents": "text"}
_NUMBERED = ("paragraph", "item", "preamble", "article", "footnote", "heading")  # units a line after them is cited by


def _names(firsts: list[list[str]], j: int) -> bool:
    """Does column j name its rows? Not when most of its cells are dates or amounts: long cells
    beginning with a digit ("2019 年 10 月 22 日至 25 日，加拿大蒙特利尔"); short codes ("13", "A.1") and cells that
    open with a numbered code ("6.2 Does your country …", "1. Pre-planning") do name. Nor when all its cells say the same
    ("(a) No (b) Yes" beside each question of a questionnaire)."""
    cells = [cells[j] for cells in firsts if j < len(cells) and cells[j]]
    counts = sum(cell[0].isdigit() and len(cell) > 6 and not _CODE.match(cell) and not _NUMBERED_NAME.match(cell)
                 for cell in cells)
    return bool(cells) and counts * 2 < len(cells) and (len(cells) == 1 or len(set(cells)) > 1)


def _groups(firsts: list[list[str]], j: int) -> bool:
    """Whether column j's cells repeat as a grouping does: fewer than seven in ten of them differ."""
    cells = [cells[j] for cells in firsts if j < len(cells) and cells[j]]
    return len(set(cells)) < 0.7 * len(cells)


def _names_each(firsts: list[list[str]], j: int) -> bool:
    """Whether column j gives nearly every row a cell of its own."""
    cells = [cells[j] for cells in firsts if j < len(cells) and cells[j]]
    return len(cells) >= 0.8 * len(firsts) and len(set(cells)) == len(cells)


_CODE = re.compile(r"^(\d{1,3}(?:\.\d{1,3})+)\.?\s+(?=\D)")  # "6.2 Does …", "13.3. Has …"
_NUMBERED_NAME = re.compile(r"^\d{1,3}\.\s+[^\W\d]")  # "1. Pre-planning", not "13 February" or "1.5 million"


_ITEM_LABEL = re.compile(r"^[(（][a-z一二三四五六七八九十0-9]{1,3}[)）]\s*")


def _leadin_words(text: str, language: str) -> list[str]:
    bare = _ITEM_LABEL.sub("", clean(text)).rstrip(":：").strip()
    return bare.split() if language == "en" else list(bare)


def _distinct(own: list[str], leadins: list[list[str]], language: str) -> str:
    """`own` without the words all the lead-ins begin and end with."""
    glue = " " if language == "en" else ""
    if len(leadins) < 2:
        return glue.join(own)
    head = 0
    while head < len(own) and all(len(words) > head and words[head] == own[head] for words in leadins):
        head += 1
    tail = 0
    while tail < len(own) - head and all(len(words) > tail + head and words[-1 - tail] == own[-1 - tail]
                                         for words in leadins):
        tail += 1
    if language == "zh":  # Chinese has no spaces: let the shared words end and begin at a particle
        while head and own[head - 1] not in _ZH_BEFORE:
            head -= 1
        while tail and own[len(own) - tail] not in _ZH_AFTER:
            tail -= 1
    middle = own[head:len(own) - tail]
    return glue.join(middle) if middle else glue.join(own)


_ZH_BEFORE = "在于对从向为与和及的"  # a shared beginning ends with a preposition or particle ("能够在")
_ZH_AFTER = "中上下里内的之"  # a shared ending starts with a locative or particle ("中反映的问题")


def _scope_seg(scope: Scope) -> Seg:
    return Seg(scope.kind, scope.value, scope.mark, scope.style)


def _containers(scopes: tuple[Scope, ...], kinds: tuple[str, ...] = CONTAINERS) -> tuple[Seg, ...]:
    """The container segments of a snapshot; with `kinds`, only up to the innermost of those kinds."""
    chain = [s for s in scopes if s.kind in CONTAINERS]
    if kinds is not CONTAINERS:
        last = max((i for i, s in enumerate(chain) if s.kind in kinds), default=0)
        chain = chain[:last + 1]
    return tuple(_scope_seg(s) for s in chain if s.kind != "root")


def _innermost_container(scopes: tuple[Scope, ...]) -> Scope:
    return next(s for s in reversed(scopes) if s.kind in CONTAINERS)


def _note_scope(scopes: tuple[Scope, ...]) -> Scope:
    return next(s for s in reversed(scopes) if s.kind in ("root", "decision", "resolution"))


def _section_segs(scopes: tuple[Scope, ...]) -> tuple[Seg, ...]:
    """The section and list segments after the innermost container."""
    frame = _innermost_container(scopes)
    after = scopes[scopes.index(frame) + 1:]
    return tuple(_scope_seg(s) for s in after if s.kind in ("section", "list"))


def _innermost_section(scopes: tuple[Scope, ...]) -> Scope | None:
    frame = _innermost_container(scopes)
    sections = [s for s in scopes[scopes.index(frame) + 1:] if s.kind == "section"]
    return sections[-1] if sections else None


def _unique(ids: list[str]) -> list[str]:
    """Odd input can repeat a number ("1." twice); later copies get a suffix."""
    seen: set[str] = set()
    out = []
    for base in ids:
        candidate, k = base, 1
        while candidate in seen:
            k += 1
            candidate = f"{base}_{k}"
        seen.add(candidate)
        out.append(candidate)
    return out


def _page_footnotes(lines: list[Line]) -> dict[int, frozenset[int]]:
    """For each line number, the footnotes printed on its page: with form feeds, those of the same
    page; without, those of the next footnote block below it."""
    notes = [(line, int(line.token.value)) for line in lines
             if line.token is not None and line.token.kind == "footnote"]
    if any(line.page > 1 for line in lines):
        on_page: dict[int, set[int]] = {}
        for line, number in notes:
            on_page.setdefault(line.page, set()).add(number)
        return {line.number: frozenset(on_page.get(line.page, ())) for line in lines}
    result: dict[int, frozenset[int]] = {}
    upcoming: set[int] = set()
    in_block = False
    for line in reversed(lines):
        token = line.token
        if token is not None and token.kind == "footnote":
            if not in_block:
                upcoming = set()
            upcoming.add(int(token.value))
            in_block = True
        elif line.text:
            in_block = False
        result[line.number] = frozenset(upcoming)
    return result
