"""Turn the glyphs and ruling lines of PDF pages into the project's plain-text markup.

Pure geometry, no PDF library: `bot.sources.pdf` reads a file into `PageLayout` records and this
module lays them out, so the rules can be tested on glyphs made by hand.

Per page, in this order:
1. Tables: ruling lines that meet form grids; a grid with two cells or more is a table. A row starts
   at a rule that crosses the first column (rules that divide only later columns split a cell, not the
   row); each row becomes one line of tab-separated cells, a cell spanning grid columns followed by
   empty ones, a row continued from the previous page keeping its empty first cell. A header row that
   repeats the one of the table on the previous page is dropped.
2. Lines: the other glyphs grouped by baseline. A glyph much smaller than its line and raised above it
   is a superscript; a run of superscript digits becomes the marker `^{12}` (or `^{3,4}`), glued to
   the word before it.
3. Furniture: in the top and bottom bands of a page, page numbers ("2/32", "- 3 -", "Page 3 of 9"),
   job numbers ("GE.25-03339(E)"), bar-code text, "Please recycle", the letterhead "United Nations",
   and lines that repeat on many pages (the running document symbol) are dropped. On the first page
   the top band is kept but for these patterns: it names the document ("CBD/COP/DEC/16/31").
4. Footnotes: the lines under the footnote separator (a short rule near the foot of the page, not an
   underline), or failing one, a run of smaller lines at the foot that starts with a marker. Each note
   becomes `^{n} text`; a note continued from the previous page is appended to that page's last note.
   A number printed at full size and glued to a word ("toxicity16") is taken for a marker when the
   page has a footnote with that number and no marker for it.
5. Paragraphs: consecutive lines are joined into one when the earlier line is full (the next line's
   first word would not have fitted on it), the spacing is normal, and the indentation says the next
   line continues (same continuation indent; a numbered line such as "(a)" or "2." starts anew unless
   the earlier line ends in words like "paragraph"). A paragraph cut by a page break is joined the same
   way and stays on the page where it starts.

Pages are joined with form feeds: each page's text ends with a newline and "\\f" stands between pages.
"""
from __future__ import annotations

import re
from bisect import bisect_right
from collections import Counter
from dataclasses import dataclass, field
from statistics import median

from bot.sources.aligned import NEW_LABEL

__all__ = ["Glyph", "Rule", "PageLayout", "render"]


@dataclass(frozen=True, slots=True)
class Glyph:
    """One character as printed; coordinates in points, y growing downwards from the page's top."""

    text: str
    x0: float
    top: float
    x1: float
    bottom: float
    base: float  # the baseline's y
    size: float  # font size in points
    space_before: bool = False  # the text layer has a space between this glyph and the one before


@dataclass(frozen=True, slots=True)
class Rule:
    """A thin filled or stroked rectangle: a horizontal or vertical ruling line."""

    x0: float
    top: float
    x1: float
    bottom: float

    @property
    def horizontal(self) -> bool:
        return self.x1 - self.x0 >= self.bottom - self.top


@dataclass(frozen=True)
class PageLayout:
    width: float
    height: float
    glyphs: tuple[Glyph, ...]
    rules: tuple[Rule, ...] = ()


# -- patterns -------------------------------------------------------------------------------------

_BAND = 0.12  # top and bottom share of a page where running headers and footers stand
_PAGE_NUMBER = re.compile(
    r"^(?:[-–—]\s*)?(?:page\s+)?\d{1,4}(?:\s*(?:/|of)\s*\d{1,4})?(?:\s*[-–—])?$|^[ivxlc]{1,6}$", re.I)
_JOB_NUMBER = re.compile(r"^(?:GE|NY|V|E)\.\d{2}-\d{4,6}\s*(?:\([A-Z]\))?.*$|^\*\d{6,9}\*$|^Please recycle\b|^请回收$"
                         r"|^[A-Z]\d{7}(?:\s+\d{6})?$|^\d{2}-\d{5}\s*\([A-Z]\)(?:\s+\d{6})?$", re.I)  # "K2700456 150327"
_ENDS_WITH_PAGE = re.compile(r"\bPage\s+(\d{1,4})$|第\s*(\d{1,4})\s*页$")
_LETTERHEAD = re.compile(r"^United Nations$|^Nations Unies$|^联\s*合\s*国$")
_RULE_TEXT = re.compile(r"^[_\-–—=*\s]{4,}$")
_LABEL = re.compile(
    r"^(?:\d{1,3}[.．](?!\d)|\d{1,3}\)|[(（]\d{1,3}[)）]|[(（][a-z]{1,2}[)）]|[(（][ivxlc]{1,6}[)）]|[IVXLC]{1,6}\.\s|[A-Z]\.\s"
    r"|(?:Annex|Appendix|Article|Chapter|Part|Section|Table|Rule|Decision|Resolution)\s+[\dIVXLC]"
    r"|[•▪◦·–—-]\s|第[一二三四五六七八九十百零〇\d]+[条章节部分]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十]+[）)])")
# numbers a first line hangs from that open no paragraph of their own when a line starts with them (a wrapped
# "15 December …"): "3 请各国政府…", "1.1 本临时导则…", ".2 氨：…", as IMO texts number theirs
_BARE_LABEL = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2}){0,3}|\.\d{1,2})\s+\S")
_REFERENCE_TAIL = re.compile(
    r"(?:\b(?:paragraphs?|subparagraphs?|paras?\.|articles?|annex(?:es)?|sections?|decisions?|items?"
    r"|tables?|chapters?|rules?|and|or|to|of|in|see|under|with|by|from)|\d)$", re.I)
_SUP_MARKER = re.compile(r"^\d{1,4}(?:,\d{1,4})*$")
_MARKER = re.compile(r"\^\{([\d,]+)\}")
_NOTE_START = re.compile(r"^(?:\^\{(\d{1,4})\}|(\d{1,4})(?=\s)|(\*{1,3}|[†‡§]))\s*")
_GLUED = r"(?<=[a-zà-ÿ\)\]’”,;:])({n})(?![\d/.\-])(?=\W|$)"
_CJK = re.compile(r"[\u3000-\u303f\u3400-\u9fff\uf900-\ufaff\uff00-\uffef]")


# -- lines ----------------------------------------------------------------------------------------

@dataclass
class Line:
    """Glyphs on one baseline, left to right, rendered with footnote markers."""

    glyphs: list[Glyph]
    sup: list[bool]
    size: float
    text: str = ""
    first_word: float = 0.0  # width of the first word: would it have fitted on the line above?

    @property
    def x0(self) -> float:
        return self.glyphs[0].x0

    @property
    def x1(self) -> float:
        return self.glyphs[-1].x1

    @property
    def top(self) -> float:
        return min(g.top for g in self.glyphs)

    @property
    def base(self) -> float:
        return median(g.base for g, s in zip(self.glyphs, self.sup) if not s) if not all(self.sup) else self.glyphs[0].base


def _main_size(glyphs: list[Glyph]) -> float:
    return Counter(round(g.size * 2) / 2 for g in glyphs).most_common(1)[0][0]


def make_lines(glyphs: list[Glyph]) -> list[Line]:
    """Group glyphs into lines, top to bottom; superscripts join the line they are raised above."""
    if not glyphs:
        return []
    clusters: list[list[Glyph]] = []
    for g in sorted(glyphs, key=lambda g: (g.base, g.x0)):
        if clusters and g.base - clusters[-1][0].base <= max(1.0, 0.12 * min(g.size, clusters[-1][0].size)):
            clusters[-1].append(g)
        else:
            clusters.append([g])
    # a cluster of small glyphs just above a line of larger ones holds that line's superscripts (a footnote's
    # number may stand up to two ems left of its text)
    merged: list[list[Glyph]] = []
    for k, cluster in enumerate(clusters):
        nxt = clusters[k + 1] if k + 1 < len(clusters) else None
        if nxt is not None:
            size, below = _main_size(cluster), _main_size(nxt)
            lo, hi = min(g.x0 for g in nxt), max(g.x1 for g in nxt)
            if (_smaller(cluster, size, below) and nxt[0].base - cluster[0].base <= 0.6 * below
                    and min(g.x0 for g in cluster) <= hi + below and max(g.x1 for g in cluster) >= lo - 2 * below):
                nxt.extend(cluster)
                continue
        merged.append(cluster)
    lines: list[Line] = []
    for cluster in merged:
        lines.extend(_split_line(cluster))
    lines.sort(key=lambda line: (round(line.base), line.x0))
    return lines


def _smaller(glyphs: list[Glyph], size: float, line_size: float) -> bool:
    """Whether glyphs of `size` are set smaller than a line's, as superscripts are: by a fifth, or by a tenth
    for a number alone (a footnote's own number, 7 pt over 8 pt notes)."""
    digits = all(g.text.isdigit() or g.text in ",，" for g in glyphs)
    return size <= (0.9 if digits else 0.8) * line_size


def _split_line(cluster: list[Glyph]) -> list[Line]:
    """One baseline's glyphs as one Line, or several where a wide gap parts two blocks."""
    size = _main_size(cluster)
    normal = [g.base for g in cluster if g.size >= 0.9 * size] or [g.base for g in cluster]
    base = median(normal)
    glyphs: list[Glyph] = []
    for g in sorted(cluster, key=lambda g: g.x0):
        last = glyphs[-1] if glyphs else None
        if last and g.text == last.text and abs(g.x0 - last.x0) < 0.3 * max(g.x1 - g.x0, 0.5) \
                and abs(g.base - last.base) < 0.5:
            continue  # text drawn twice to look bold
        glyphs.append(g)
    parts: list[list[Glyph]] = [[]]
    for g in glyphs:
        if parts[-1] and g.x0 - parts[-1][-1].x1 > 5 * size:
            parts.append([])
        parts[-1].append(g)
    lines = []
    for part in parts:
        sup = [_smaller([g], g.size, size) and base - g.base >= 0.12 * size for g in part]
        line = Line(part, sup, size)
        line.text, line.first_word = _render(line)
        lines.append(line)
    return lines


def _render(line: Line) -> tuple[str, float]:
    out: list[str] = []
    gap = 0.15 * line.size
    k, n = 0, len(line.glyphs)
    first_word_end = None
    while k < n:
        g = line.glyphs[k]
        if line.sup[k]:
            j = k
            while j < n and line.sup[j]:
                j += 1
            run = "".join(x.text for x in line.glyphs[k:j]).replace(" ", "")
            if _SUP_MARKER.match(run):
                while out and out[-1] == " ":
                    out.pop()
                out.append("^{" + run + "}")
            else:
                if k > 0 and g.x0 - line.glyphs[k - 1].x1 > gap:
                    out.append(" ")
                out.append(run)
            k = j
            continue
        if k > 0:
            prev = line.glyphs[k - 1]
            if g.x0 - prev.x1 > gap or g.space_before and g.x0 > prev.x0:
                out.append(" ")
                if first_word_end is None:
                    first_word_end = prev.x1
            elif first_word_end is None and (_CJK.match(g.text) or _CJK.match(prev.text)):
                first_word_end = prev.x1
        out.append(g.text)
        k += 1
    text = "".join(out).strip()
    end = first_word_end if first_word_end is not None else line.glyphs[-1].x1
    return text, end - line.glyphs[0].x0


def join_lines(texts: list[str]) -> str:
    """Join wrapped lines into one: a space between words, none after a hyphen or between CJK characters."""
    out = ""
    for text in texts:
        text = text.strip()
        if not text:
            continue
        if not out:
            out = text
        elif out.endswith("\u00ad"):
            out = out[:-1] + text
        elif (out.endswith("-") and not out.endswith(" -") or text.startswith("^{")
              or _CJK.match(out[-1]) and _CJK.match(text[0])):
            out += text
        else:
            out += " " + text
    return out.replace("\u00ad", "")


# -- tables ---------------------------------------------------------------------------------------

@dataclass
class Table:
    x0: float
    top: float
    x1: float
    bottom: float
    columns: list[float]  # x of every vertical rule
    rows: list[tuple[float, float, list[tuple[float, float]]]]  # (top, bottom, cells as (x0, x1))
    cells: dict[tuple[int, int], list[Glyph]] = field(default_factory=dict)
    spans: list[tuple[float, float]] = field(default_factory=list)  # the rows' (top, bottom)
    group_starts: set[int] | None = None  # rows that no row above continues (a rule over them); None: every row

    def __post_init__(self) -> None:
        self.spans = [(top, bottom) for top, bottom, _ in self.rows]

    def contains(self, g: Glyph) -> bool:
        cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
        return self.x0 - 1 <= cx <= self.x1 + 1 and self.top - 1 <= cy <= self.bottom + 1

    def add(self, g: Glyph) -> None:
        cx, cy = (g.x0 + g.x1) / 2, (g.top + g.bottom) / 2
        r = _nearest(self.spans, cy)
        c = _nearest(self.rows[r][2], cx)
        self.cells.setdefault((r, c), []).append(g)

    def _runs_by_cell(self, r: int) -> dict[int, list[Glyph]]:
        """Row r's glyphs by cell, each run of a line (glyphs closer than half an em) in the cell its middle is
        in: a header's cell may run past the line between its column and the next ("分配资金（百万")."""
        glyphs = [g for (row, _), gs in self.cells.items() if row == r for g in gs]
        bases = _baselines(glyphs)
        lines: dict[int, list[Glyph]] = {}
        for g in glyphs:
            lines.setdefault(min(range(len(bases)), key=lambda k: abs(bases[k] - g.base)), []).append(g)
        by_cell: dict[int, list[Glyph]] = {}
        for line in lines.values():
            runs: list[list[Glyph]] = []
            for g in sorted(line, key=lambda g: g.x0):
                if not runs or g.x0 - runs[-1][-1].x1 > 0.5 * g.size:
                    runs.append([])
                runs[-1].append(g)
            for run in runs:  # where the run's middle stands: a right-aligned header ("Revised 2025") over its figures
                cell = _nearest(self.rows[r][2], (run[0].x0 + run[-1].x1) / 2)
                by_cell.setdefault(cell, []).extend(run)
        return by_cell

    def lines(self) -> list[str]:
        rows: list[list[str]] = []
        for r, (_, _, cells) in enumerate(self.rows):
            row = [""] * max(len(self.columns) - 1, 1)
            by_cell = self._runs_by_cell(r)
            for c, (a, _) in enumerate(cells):
                text = join_lines([line.text for line in make_lines(by_cell.get(c, []))])
                start = min(range(len(self.columns)), key=lambda i: abs(self.columns[i] - a))
                row[min(start, len(row) - 1)] = text.replace("\t", " ")
            if rows and self.group_starts is not None and r not in self.group_starts and _continues_row(rows[-1], row):
                rows[-1] = [f"{a} {b}".strip() for a, b in zip(rows[-1], row)]
            elif any(row):
                rows.append(row)
        out = []
        for row in rows:
            while row and not row[-1]:
                row.pop()
            if row:
                out.append("\t".join(row))
        return out


def _continues_row(above: list[str], row: list[str]) -> bool:
    """Whether a line goes on with the row above, a row's name wrapped over lines: its first cell empty and no
    filled cell shared but the name's ("B. | Technical assistance and" over " | capacity-building | 1,588,400");
    under a name alone, a line that starts no label of its own ("B. Technical assistance and" over
    "capacity-building | 1,588,400"); or a lower-case word alone under a full row ("… lower | 450–650" / "band")."""
    if not above[0] or not any(row):
        return False
    if not row[0]:
        shared = [c for c, (a, b) in enumerate(zip(above, row)) if a and b]
        return shared in ([], [next(c for c, cell in enumerate(row) if cell)])
    if not any(above[1:]):
        return not NEW_LABEL.match(row[0])
    return not any(row[1:]) and row[0][:1].islower()


def _nearest(spans: list[tuple[float, float]], v: float) -> int:
    """Index of the span (sorted, not overlapping) that holds v, or of the nearest one."""
    k = bisect_right([a for a, _ in spans], v) - 1
    if k < 0:
        return 0
    if v > spans[k][1] and k + 1 < len(spans) and spans[k + 1][0] - v < v - spans[k][1]:
        return k + 1
    return k


def _merge(segments: list[tuple[float, float, float]], tol: float = 2.0) -> list[tuple[float, float, float]]:
    """Collinear segments (position, start, end) that touch or overlap become one."""
    out: list[list[float]] = []
    for pos, a, b in sorted(segments):
        for seg in out:
            if abs(seg[0] - pos) <= tol and a <= seg[2] + 3 and b >= seg[1] - 3:
                seg[1], seg[2] = min(seg[1], a), max(seg[2], b)
                break
        else:
            out.append([pos, a, b])
    return [tuple(s) for s in out]  # type: ignore[misc]


def find_tables(rules: tuple[Rule, ...], height: float = 0.0) -> list[Table]:
    hs = _merge([((r.top + r.bottom) / 2, r.x0, r.x1) for r in rules if r.horizontal])
    vs = _merge([((r.x0 + r.x1) / 2, r.top, r.bottom) for r in rules if not r.horizontal])
    parent = list(range(len(hs) + len(vs)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for i, (y, a, b) in enumerate(hs):
        for j, (x, c, d) in enumerate(vs):
            if a - 3 <= x <= b + 3 and c - 3 <= y <= d + 3:
                parent[find(i)] = find(len(hs) + j)
    groups: dict[int, tuple[list, list]] = {}
    for i, h in enumerate(hs):
        groups.setdefault(find(i), ([], []))[0].append(h)
    for j, v in enumerate(vs):
        groups.setdefault(find(len(hs) + j), ([], []))[1].append(v)
    tables = []
    for h_group, v_group in groups.values():
        if len(h_group) < 2 or len(v_group) < 2:
            continue
        table = _grid(h_group, v_group)
        if table is not None:
            tables.append(_with_header_above(table, [h for h in hs if h[0] > _BAND * height]))
    return sorted(tables, key=lambda t: t.top)


_HEADER_HEIGHT = 60  # points: a header row of three or four lines


def _with_header_above(table: Table, hs: list[tuple[float, float, float]]) -> Table:
    """A grid whose rules between columns start under its header row (Word and reportlab draw a header ruled
    above and below only): the rule as wide as the grid just above it tops a header row of every column (not the
    rule under a page's running head, which `hs` leaves out)."""
    above = [y for y, a, b in hs if 2 < table.top - y <= _HEADER_HEIGHT and abs(a - table.x0) <= 3 and abs(b - table.x1) <= 3]
    if not above:
        return table
    top = max(above)
    table.rows.insert(0, (top, table.top, list(zip(table.columns, table.columns[1:]))))
    table.top = top
    table.spans = [(a, b) for a, b, _ in table.rows]
    return table


def _grid(hs: list, vs: list) -> Table | None:
    columns = sorted({round(x, 1) for x, _, _ in vs})
    # a grid drawn inside only (rules between the columns, none at the table's sides): its sides are where its
    # horizontal rules end
    edges = [round(min(a for _, a, _ in hs), 1), round(max(b for _, _, b in hs), 1)]
    inner_only = bool(columns) and columns[0] - edges[0] > 6 and edges[1] - columns[-1] > 6
    if inner_only:
        columns = [edges[0]] + columns + [edges[1]]
    columns = [x for k, x in enumerate(columns) if k == 0 or x - columns[k - 1] > 2]
    if len(columns) < 2:
        return None
    left, first_right = columns[0], columns[1]
    # a row begins at a rule that crosses the first column
    bounds = sorted(y for y, a, b in hs if a <= left + 3 and b >= first_right - 3)
    bounds = [y for k, y in enumerate(bounds) if k == 0 or y - bounds[k - 1] > 2]
    rows = []
    for top, bottom in zip(bounds, bounds[1:]):
        height = bottom - top
        xs = sorted(x for x, a, b in vs
                    if min(b, bottom) - max(a, top) >= 0.6 * height)
        if inner_only:  # the sides; a row no inner rule crosses (the header) takes every column
            xs = columns if not xs else [edges[0]] + xs + [edges[1]]
        xs = [x for k, x in enumerate(xs) if k == 0 or x - xs[k - 1] > 2]
        if len(xs) >= 2:
            rows.append((top, bottom, list(zip(xs, xs[1:]))))
    if not rows or (len(rows) < 2 and len(rows[0][2]) < 2):
        return None  # a box around text is not a table
    return Table(min(a for _, a, _ in hs), rows[0][0], max(b for _, _, b in hs), rows[-1][1], columns, rows)


def ruled_tables(rules: tuple[Rule, ...], glyphs: list[Glyph], width: float, grids: list[Table]) -> list[Table]:
    """Tables drawn, as UN documents draw them, with horizontal rules only: a rule over the header, one under
    it and one under the last row, each as wide as the text (half the page or more). The columns are where
    no glyph of any row stands for an em or more; the lines between the top rules are the header, and below
    them each line is a row unless the rows are set apart by wider spacing than their lines (wrapped cells)."""
    pieces = [((r.top + r.bottom) / 2, r.x0, r.x1) for r in rules if r.horizontal]
    hs = sorted(h for h in _merge(pieces) if h[2] - h[1] >= 0.5 * width)  # joined first: rules drawn cell by cell
    hs = [h for h in hs if not any(t.top - 3 <= h[0] <= t.bottom + 3 for t in grids)]
    tables = []
    k = 0
    while k + 2 < len(hs):
        table, used = _widest_table(hs, k, glyphs)
        if table is None or used < _widest_table(hs, k + 1, glyphs)[1]:
            k += 1  # no table, or a stray rule above one (a page's header rule): the table starts at the next
            continue
        tables.append(table)
        k += used
    return tables


def _widest_table(hs: list[tuple], k: int, glyphs: list[Glyph]) -> tuple[Table | None, int]:
    """The table starting at rule k that uses the most rules (a rule under every row), and how many it uses."""
    if k + 2 >= len(hs):
        return None, 0
    run = _same_extent(hs, k)
    for used in range(len(run), 2, -1):
        table = _ruled(run[:used], glyphs)
        if table is not None:
            return table, used
    return None, 0


def _same_extent(hs: list[tuple], k: int) -> list[tuple]:
    """The rules from hs[k] on that start and end where it does (at least three, whatever their extent)."""
    run = hs[k:k + 3]
    for h in hs[k + 3:]:
        if not all(abs(h[i] - r[i]) <= 3 for r in run for i in (1, 2)):
            break
        run.append(h)
    return run


def _ruled(rules: list[tuple], glyphs: list[Glyph]) -> Table | None:
    """A table between `rules`: its header between the first two, its rows below; with rules between the rows,
    each band between two rules is a row."""
    top, middle, bottom = rules[0], rules[1], rules[-1]
    x0, x1 = min(top[1], bottom[1]), max(top[2], bottom[2])
    inside = [g for g in glyphs if top[0] < (g.top + g.bottom) / 2 < bottom[0] and x0 - 2 <= g.x0 and g.x1 <= x1 + 2]
    header = [g for g in inside if (g.top + g.bottom) / 2 < middle[0]]
    body = [g for g in inside if (g.top + g.bottom) / 2 > middle[0]]
    if not header or not body:
        return None
    if len(_baselines(header)) > 4:  # a header of a few lines: a box of text between rules is no table
        return None
    size = _main_size(inside)
    # the columns are read off the body, whose cells keep apart, when it has some: a header's cell may run up
    # to the next one ("分配资金（百万" | "培训名额")
    if len(_column_spans(header, size)) < 2:
        return None  # a title between two rules (a page's header rule and a table's top), not a header of cells
    spans = _column_spans(body, size) if len(_baselines(body)) >= 2 else []
    if len(spans) < 2:
        spans = _column_spans(inside, size)
    if len(spans) < 2:
        return None
    columns = [x0] + [(a[1] + b[0]) / 2 for a, b in zip(spans, spans[1:])] + [x1]
    cells = list(zip(columns, columns[1:]))
    edges = [middle[0]] + [rule[0] for rule in rules[2:-1]] + [bottom[0]]
    bands = [[g for g in body if a < (g.top + g.bottom) / 2 < b] for a, b in zip(edges, edges[1:])]
    # a rule under every row: each band a row, its lines a wrapped row; rules under groups of rows: the lines
    # of each band are rows (or padded ones, see _row_bounds), a band's first row starting a group
    per_row = len(bands) > 1 and sum(_one_row(band, columns) for band in bands) * 2 > len(bands)
    bounds, starts = [top[0], middle[0]], {1}
    for (a, b), band in zip(zip(edges, edges[1:]), bands):
        if bounds[-1] != a:
            bounds.append(a)
            starts.add(len(bounds) - 1)
        bounds += [] if per_row else _row_bounds(_baselines(band))
    bounds.append(bottom[0])
    rows = [(a, b, cells) for a, b in zip(bounds, bounds[1:])]
    table = Table(x0, top[0], x1, bottom[0], columns, rows)
    table.group_starts = starts if not per_row else set(range(len(rows)))
    return table


def _column_spans(glyphs: list[Glyph], size: float) -> list[list[float]]:
    """The x extents where glyphs stand with no gap of an em or more between them: a table's columns."""
    spans: list[list[float]] = []
    for g in sorted(glyphs, key=lambda g: g.x0):
        if spans and g.x0 - spans[-1][1] < size:
            spans[-1][1] = max(spans[-1][1], g.x1)
        else:
            spans.append([g.x0, g.x1])
    return spans


def _one_row(band: list[Glyph], columns: list[float]) -> bool:
    """Whether a band between two rules is one row: a line, or lines after the first that fill at most half
    the cells it fills (a name or title wrapped in its cell: "非洲经济委员会（非洲经委 | 46 | 21.6" / "会）")."""
    bases = _baselines(band)
    if len(bases) <= 1:
        return True
    filled = [{bisect_right(columns, (g.x0 + g.x1) / 2) for g in band if abs(g.base - base) < 0.5 * g.size}
              for base in bases]
    return all(len(cells) * 2 <= len(filled[0]) for cells in filled[1:])


def _row_bounds(bases: list[float]) -> list[float]:
    """Where one body row ends and the next begins: between every two lines, or, when some lines stand
    further apart than the closest ones (rows padded, cells wrapped over several lines), only there."""
    gaps = [b - a for a, b in zip(bases, bases[1:])]
    if not gaps:
        return []
    line = min(gaps)
    apart = [g > 1.25 * line for g in gaps]
    if not any(apart):
        apart = [True] * len(gaps)
    return [(a + b) / 2 for a, b, cut in zip(bases, bases[1:], apart) if cut]


def _baselines(glyphs: list[Glyph]) -> list[float]:
    bases: list[float] = []
    for g in sorted(glyphs, key=lambda g: g.base):
        if not bases or g.base - bases[-1] > 0.5 * g.size:
            bases.append(g.base)
    return bases


# -- pages ----------------------------------------------------------------------------------------

@dataclass
class Block:
    """A body line or a table, in reading order."""

    top: float
    line: Line | None = None
    table: list[str] | None = None


@dataclass
class _Page:
    number: int
    layout: PageLayout
    blocks: list[Block]
    notes: list[str]
    left: float = 0.0
    right: float = 0.0
    continued_note: str = ""  # text at the top of the foot that continues the previous page's last note


# a unit's heading at the top of a page ("Article 7", "第七条"): its number differs from the others', which the
# furniture key hides, so it would pass for a running head repeated on every page
_UNIT_HEADING = re.compile(r"(?i)^(?:article|chapter|part|annex|appendix|section)\s+[\dIVXLC]+\b|"
                           r"^第\s*[一二三四五六七八九十百零〇\d]+\s*[条章节部分]")


def _furniture_key(text: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"\d+", "#", text)).strip().lower()


def _in_band(line: Line, height: float) -> bool:
    return line.top < _BAND * height or line.top > (1 - _BAND) * height


def render(pages: list[PageLayout]) -> str:
    """The markup for a document's pages."""
    laid: list[tuple[list[Table], list[Line]]] = []
    for page in pages:
        tables = find_tables(page.rules, page.height)
        tables += ruled_tables(page.rules, page.glyphs, page.width, tables)
        loose = []
        for g in page.glyphs:
            table = next((t for t in tables if t.contains(g)), None)
            if table is not None:
                table.add(g)
            else:
                loose.append(g)
        laid.append((tables, make_lines(loose)))
    repeated = _repeated_furniture(pages, [lines for _, lines in laid])
    built = []
    earlier: set[str] = set()  # the lines of the pages before, as furniture keys
    last_note = 0  # the number of the last note read, which the next page's notes go on from
    for number, (page, (tables, lines)) in enumerate(zip(pages, laid)):
        furniture = [line for line in lines if _is_furniture(line, page, number, repeated)
                     or (line.top < _BAND * page.height and _furniture_key(line.text) in earlier
                         and not _UNIT_HEADING.match(line.text.strip()))]  # a title run atop
        # a foot's line set on the baseline of its page number ("CBD/CP/MOP/DEC/11/5 – 2024年11月1日分发" beside
        # "第 1 页") is furniture as well, though said on one page only
        feet = [line.base for line in furniture if line.top > (1 - _BAND) * page.height]
        kept = [line for line in lines if line not in furniture
                and not (line.top > (1 - _BAND) * page.height and any(abs(line.base - base) <= 2 for base in feet))]
        earlier.update(_furniture_key(line.text) for line in lines if len(line.text.strip()) >= 8)  # later pages
        body, foot = _split_foot(kept, page, tables)
        notes, continued = _notes(foot, last_note)
        last_note = max([int(n[2:n.index("}")]) for n in notes if n.startswith("^{") and n[2:n.index("}")].isdigit()]
                        or [last_note])
        blocks = [Block(line.top, line=line) for line in body]
        blocks += [Block(t.top, table=t.lines()) for t in tables]
        blocks.sort(key=lambda b: b.top)
        built.append(_Page(number, page, blocks, notes, continued_note=continued))
        _glued_markers(built[-1])
    _margins(built)
    return _assemble(built)


def _margins(pages: list[_Page]) -> None:
    """Each page's right margin (where full lines end) and left margin (where full lines start).

    The right margin is where nine lines in ten end; a page with few lines (a table page, a short
    last page) takes that of the fuller pages of its width, or failing them mirrors its left margin.
    The left margin is the leftmost start of a full line: continuation lines start there, while a
    masthead or a first-line indent would mislead a plain count."""
    rights: dict[int, list[float]] = {}
    for page in pages:
        lines = [b.line for b in page.blocks if b.line is not None]
        ends = sorted(line.x1 for line in lines)
        page.right = ends[int(0.9 * (len(ends) - 1))] if ends else page.layout.width
        if len(lines) >= 8:
            rights.setdefault(round(page.layout.width), []).append(page.right)
    for page in pages:
        lines = [b.line for b in page.blocks if b.line is not None]
        if not lines:
            continue
        if len(lines) < 8:
            fuller = rights.get(round(page.layout.width))
            page.right = median(fuller) if fuller else max(
                max(line.x1 for line in lines), page.layout.width - min(line.x0 for line in lines))
        full = [line.x0 for line in lines if line.x1 >= page.right - 2]
        page.left = min(full or [line.x0 for line in lines])


def _repeated_furniture(pages: list[PageLayout], lines: list[list[Line]]) -> set[str]:
    counts: Counter[str] = Counter()
    for page, page_lines in zip(pages, lines):
        counts.update({_furniture_key(line.text) for line in page_lines if _in_band(line, page.height)})
    need = 2 if len(pages) <= 3 else 3  # a chapter's running head repeats only over its own pages
    return {key for key, n in counts.items() if n >= need and len(pages) >= 2}


def _is_furniture(line: Line, page: PageLayout, number: int, repeated: set[str]) -> bool:
    text = line.text.strip()
    if _RULE_TEXT.match(text):
        return True
    if not _in_band(line, page.height):
        return False
    if _PAGE_NUMBER.match(text) or _JOB_NUMBER.match(text):
        return True
    ending = _ENDS_WITH_PAGE.search(text)  # "CBD/CP/MOP/DEC/11/5 – Distributed 1 November 2024  Page 1": a first
    if ending and int(ending[1] or ending[2]) == number + 1 and line.top > (1 - _BAND) * page.height:  # page's own
        return True  # foot, the page's number set on the same line as the symbol
    if number == 0 and line.top < _BAND * page.height:
        return bool(_LETTERHEAD.match(text))  # the first page's masthead names the document: keep it
    return _furniture_key(text) in repeated and not _UNIT_HEADING.match(text)


def _split_foot(lines: list[Line], page: PageLayout, tables: list[Table]) -> tuple[list[Line], list[Line]]:
    """Body lines and footnote lines: under the footnote separator, or a run of small lines at the foot."""
    if not lines:
        return [], []
    in_table = [(t.top, t.bottom, t.x0, t.x1) for t in tables]
    left = min(line.x0 for line in lines)
    candidates = []
    for rule in page.rules:
        width = rule.x1 - rule.x0
        if not rule.horizontal or not 30 <= width <= 0.6 * page.width or abs(rule.x0 - left) > 25:
            continue
        y = (rule.top + rule.bottom) / 2
        if y < 0.3 * page.height or any(t - 3 <= y <= b + 3 and a - 3 <= rule.x0 <= c + 3 for t, b, a, c in in_table):
            continue
        underline = any(0 <= y - g.base <= 4 and g.x1 > rule.x0 and g.x0 < rule.x1
                        for line in lines for g in line.glyphs)
        if not underline and any(line.top >= y for line in lines):
            candidates.append(y)
    if candidates:
        y = min(candidates)
        return [line for line in lines if line.top < y], [line for line in lines if line.top >= y]
    body_size = _main_size([g for line in lines for g in line.glyphs])
    k = len(lines)
    while k > 0 and lines[k - 1].size <= 0.85 * body_size:
        k -= 1
    while k < len(lines) and not _NOTE_START.match(lines[k].text):
        k += 1
    return lines[:k], lines[k:]


def _notes(foot: list[Line], last_number: int = 0) -> tuple[list[str], str]:
    """Footnote lines as `^{n} text` notes, and any text that continues the previous page's last note; notes in
    plain digits go on from `last_number`, the last page's last note ("6 Samples were …" after note 5)."""
    notes: list[list[str]] = []
    continued: list[str] = []
    left = min((line.x0 for line in foot), default=0.0)
    for line in foot:
        match = _NOTE_START.match(line.text)
        starts = False
        if match and line.x0 <= left + 3:
            if match[1] or match[3]:
                starts = True
            elif match[2] and last_number < int(match[2]) <= last_number + 3:
                starts = True
        if starts:
            assert match is not None
            if match[1] or match[2]:
                last_number = int(match[1] or match[2])
                notes.append([f"^{{{last_number}}}", line.text[match.end():]])
            else:
                notes.append([line.text])
        elif notes:
            notes[-1].append(line.text)
        else:
            continued.append(line.text)
    texts = []
    for parts in notes:
        head = parts[0] if parts[0].startswith("^{") else ""
        body = join_lines(parts[1:] if head else parts)
        texts.append(f"{head} {body}".strip() if head else body)
    return texts, join_lines(continued)


def _glued_markers(page: _Page) -> None:
    """'toxicity16' where footnote 16 is printed on this page and no marker cites it: a marker."""
    numbers = {int(m[1]) for note in page.notes if (m := re.match(r"\^\{(\d+)\}", note))}
    texts = [b.line.text for b in page.blocks if b.line] + [row for b in page.blocks if b.table for row in b.table]
    cited = {int(n) for text in texts for m in _MARKER.finditer(text) for n in m[1].split(",")}
    for n in sorted(numbers - cited):
        pattern = re.compile(_GLUED.format(n=n))
        for block in page.blocks:
            if block.line is not None:
                new = pattern.sub(f"^{{{n}}}", block.line.text, count=1)
                if new != block.line.text:
                    block.line.text = new
                    break
            elif block.table is not None:
                hit = False
                for k, row in enumerate(block.table):
                    new = pattern.sub(f"^{{{n}}}", row, count=1)
                    if new != row:
                        block.table[k], hit = new, True
                        break
                if hit:
                    break


# -- paragraphs -----------------------------------------------------------------------------------

@dataclass
class _Paragraph:
    lines: list[Line]
    page: _Page
    cont_x: float | None = None  # x of its continuation lines, relative to the page's left margin


def _continues(par: _Paragraph, line: Line, page: _Page) -> bool:
    last = par.lines[-1]
    if _LEADER_END.search(last.text):
        return False  # a contents entry ends at its page number: "I. Opening of the session . . . . 1-3 2"
    if page is par.page and line.base - last.base > 1.45 * max(last.size, line.size):
        return False  # wider spacing than between wrapped lines
    if last.x1 + 0.25 * last.size + line.first_word < par.page.right - 1:
        return False  # the next line's first word would have fitted: the paragraph ended
    x = line.x0 - page.left
    if par.cont_x is not None:
        if abs(x - par.cont_x) > 2.5:
            return False
    elif x > last.x0 - par.page.left + 2.5:
        if not (_LABEL.match(last.text) or _BARE_LABEL.match(last.text)):
            return False  # more indented than a first line that has no number to hang from
    labelled = bool(_LABEL.match(line.text))
    if labelled and not _REFERENCE_TAIL.search(last.text.rstrip(" ,")):
        return False
    return True


_LEADER_END = re.compile(r"(?:\.\s?){4,}\s*[\d\s–-]*\d\s*$")


def _assemble(pages: list[_Page]) -> str:
    bodies: list[list[str]] = [[] for _ in pages]
    notes: list[list[str]] = [list(page.notes) for page in pages]
    open_par: _Paragraph | None = None
    previous_header: str | None = None
    last_notes: int | None = None  # the last page that printed a note

    def close() -> None:
        nonlocal open_par
        if open_par is not None:  # written where it starts, however many pages it crossed
            bodies[open_par.page.number].append(join_lines([line.text for line in open_par.lines]))
        open_par = None

    for page in pages:
        if page.continued_note:
            if last_notes is not None:
                notes[last_notes][-1] = join_lines([notes[last_notes][-1], page.continued_note])
            else:
                notes[page.number].insert(0, page.continued_note)
        if notes[page.number]:
            last_notes = page.number
        for k, block in enumerate(page.blocks):
            if block.table is not None:
                close()
                rows = block.table
                if k == 0 and rows and rows[0] == previous_header:
                    rows = rows[1:]  # the header repeated on a new page
                elif rows:
                    previous_header = rows[0]
                bodies[page.number].extend(rows)
                continue
            line = block.line
            assert line is not None
            if open_par is not None and _continues(open_par, line, page):
                if open_par.cont_x is None:
                    open_par.cont_x = line.x0 - page.left
                open_par.lines.append(line)
            else:
                close()
                open_par = _Paragraph([line], page)
    close()
    return "\f".join("".join(text + "\n" for text in body + foot) for body, foot in zip(bodies, notes))
