"""Read a Word .docx (paragraphs, tables, footnotes, automatic numbering) with the standard library.

UN .docx files number paragraphs and items with Word's automatic numbering: "1.", "(a)", "(i)" are
not in the paragraph text but in word/numbering.xml. The numbers are computed as Word shows them:
abstract levels (numFmt, lvlText such as "%1." or "(%2)", start, lvlRestart, isLgl), numbering taken
from the paragraph or from its style (basedOn chains, or a level that names the style), counters
shared by the w:num instances of one abstract definition, restarted by a deeper level's parent and by
lvlOverride/startOverride, levels replaced by a w:lvlOverride's own w:lvl.

Footnote references become `^{n}`, n counted in order of first reference as Word prints them (a
custom mark is kept as written), and so do note numbers typed as raised digits beside notes listed as text; each cited footnote follows the paragraph or table that cites it as
`^{n} text`. Table rows are tab-separated cells (a cell spanning grid columns is followed by empty
ones; a vertically merged continuation cell is empty). Deleted revisions, hidden text, field
instructions, headers, footers and drawings are left out. Word does not store page breaks as laid
out, so there is no "\\f" and `pages` is None.
"""
from __future__ import annotations

import io
import re
import zipfile
import zlib
from dataclasses import dataclass, field
from xml.etree import ElementTree as ET

from bot.errors import CorpusError
from bot.sources.record import SourceText

__all__ = ["read_docx", "format_number"]

_MAIN = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_STRICT = "http://purl.oclc.org/ooxml/wordprocessingml/main"
_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_MC = "http://schemas.openxmlformats.org/markup-compatibility/2006"
_UNPACKED_LIMIT = 200 * 1024 * 1024  # one XML part larger than this is a zip bomb, not a document

_DESCEND = {"hyperlink", "ins", "smartTag", "sdt", "sdtContent", "customXml", "fldSimple", "moveTo", "r", "dir", "bdo"}
_SKIP = {"del", "moveFrom", "rPr", "pPr", "instrText", "delText", "drawing", "pict", "object", "proofErr",
         "bookmarkStart", "bookmarkEnd", "commentRangeStart", "commentRangeEnd", "sdtPr", "sdtEndPr"}


class _Damaged(Exception):
    pass


def read_docx(data: bytes, name: str) -> SourceText:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, zlib.error, EOFError, ValueError):
        raise CorpusError(f"{name}: the .docx is damaged or truncated (not a readable zip archive)") from None
    with archive:
        parts = _Parts(archive, name)
        main = parts.main_document()
        if main is None:
            raise CorpusError(f"{name}: not a Word document (the archive has no word/document.xml)")
        try:
            document = parts.xml(main)
            related = parts.related(main)
            styles = parts.xml(related.get("styles", "word/styles.xml"), optional=True)
            numbering = parts.xml(related.get("numbering", "word/numbering.xml"), optional=True)
            footnotes = parts.xml(related.get("footnotes", "word/footnotes.xml"), optional=True)
        except _Damaged as error:
            raise CorpusError(f"{name}: the .docx is damaged ({error})") from None
    ns = _namespace(document)
    body = document.find(f"{{{ns}}}body")
    if body is None:
        raise CorpusError(f"{name}: the .docx is damaged (word/document.xml has no body)")
    reader = _Reader(ns, _Numbering(ns, numbering, styles), _footnote_texts(ns, footnotes))
    lines = reader.block(body)
    text = "".join(line + "\n" for line in lines)
    if not text.strip():
        raise CorpusError(f"{name}: the document has no text")
    return SourceText(text=text, pages=None, kind="docx")


class _Parts:
    """The archive's XML parts, each checked for size and well-formedness."""

    def __init__(self, archive: zipfile.ZipFile, name: str):
        self.archive, self.name = archive, name
        self.names = set(archive.namelist())

    def main_document(self) -> str | None:
        try:
            rels = self.xml("_rels/.rels", optional=True)
        except _Damaged:
            rels = None
        if rels is not None:
            for rel in rels.iter(f"{{{_REL}}}Relationship"):
                if rel.get("Type", "").endswith("/officeDocument"):
                    target = rel.get("Target", "").lstrip("/")
                    if target in self.names:
                        return target
        return "word/document.xml" if "word/document.xml" in self.names else None

    def related(self, part: str) -> dict[str, str]:
        folder, _, base = part.rpartition("/")
        try:
            rels = self.xml(f"{folder}/_rels/{base}.rels", optional=True)
        except _Damaged:
            return {}
        found: dict[str, str] = {}
        for rel in rels.iter(f"{{{_REL}}}Relationship") if rels is not None else ():
            kind = rel.get("Type", "").rsplit("/", 1)[-1]
            target = rel.get("Target", "")
            if rel.get("TargetMode") != "External" and target:
                found.setdefault(kind, target.lstrip("/") if target.startswith("/") else f"{folder}/{target}")
        return found

    def xml(self, part: str, optional: bool = False) -> ET.Element | None:
        if part not in self.names:
            if optional:
                return None
            raise _Damaged(f"{part} is missing")
        info = self.archive.getinfo(part)
        if info.file_size > _UNPACKED_LIMIT:
            raise _Damaged(f"{part} unpacks to {info.file_size // 1024 // 1024} MB")
        try:
            data = self.archive.read(part)
        except (zipfile.BadZipFile, zlib.error, EOFError, OSError, NotImplementedError, RuntimeError) as error:
            raise _Damaged(f"{part} cannot be unpacked: {error}") from None
        if b"<!DOCTYPE" in data[:4096] or b"<!ENTITY" in data[:4096]:
            raise _Damaged(f"{part} declares a DTD, which Word never writes")
        try:
            return ET.fromstring(data)
        except ET.ParseError as error:
            raise _Damaged(f"{part} is not well-formed XML: {error}") from None


def _namespace(root: ET.Element) -> str:
    return _STRICT if root.tag.startswith(f"{{{_STRICT}}}") else _MAIN


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _val(el: ET.Element | None, ns: str, attr: str = "val") -> str | None:
    return None if el is None else el.get(f"{{{ns}}}{attr}")


def _int(value: str | None, default: int | None = None) -> int | None:
    try:
        return int(value) if value is not None else default
    except ValueError:
        return default


# -- numbering ------------------------------------------------------------------------------------

@dataclass(frozen=True)
class _Level:
    start: int = 1
    fmt: str = "decimal"
    text: str | None = None  # lvlText; None means "%<level+1>."
    restart: int | None = None  # lvlRestart: 0 never, k restart after level k (1-based) is used
    legal: bool = False  # isLgl: every number in the text as decimal
    suffix: str = "tab"  # what follows the number: tab, space, nothing
    style: str | None = None  # pStyle: the paragraph style this level belongs to


@dataclass
class _Num:
    abstract: str
    starts: dict[int, int] = field(default_factory=dict)  # startOverride per level
    levels: dict[int, _Level] = field(default_factory=dict)  # lvlOverride's own w:lvl


class _Numbering:
    """Word's list numbering: which paragraphs are numbered, and the label each one shows."""

    def __init__(self, ns: str, numbering: ET.Element | None, styles: ET.Element | None):
        self.ns = ns
        self.abstract: dict[str, dict[int, _Level]] = {}
        self.links: dict[str, str] = {}  # abstractNum id -> numStyleLink style id
        self.nums: dict[str, _Num] = {}
        self.styles: dict[str, tuple[str | None, str | None, str | None]] = {}  # id -> numId, ilvl, basedOn
        self.counters: dict[str, list[int | None]] = {}
        self.started: set[str] = set()
        self.by_style: dict[str, tuple[str, int]] = {}  # a level that names a paragraph style
        if styles is not None:
            for style in styles.iter(f"{{{ns}}}style"):
                num_pr = style.find(f"{{{ns}}}pPr/{{{ns}}}numPr")
                self.styles[style.get(f"{{{ns}}}styleId", "")] = (
                    _val(num_pr.find(f"{{{ns}}}numId") if num_pr is not None else None, ns),
                    _val(num_pr.find(f"{{{ns}}}ilvl") if num_pr is not None else None, ns),
                    _val(style.find(f"{{{ns}}}basedOn"), ns))
        if numbering is None:
            return
        for abstract in numbering.iter(f"{{{ns}}}abstractNum"):
            key = abstract.get(f"{{{ns}}}abstractNumId", "")
            self.abstract[key] = {lvl: level for lvl, level in (self._level(el) for el in abstract.iter(f"{{{ns}}}lvl"))}
            link = _val(abstract.find(f"{{{ns}}}numStyleLink"), ns)
            if link:
                self.links[key] = link
        for num in numbering.iter(f"{{{ns}}}num"):
            entry = _Num(_val(num.find(f"{{{ns}}}abstractNumId"), ns) or "")
            for override in num.iter(f"{{{ns}}}lvlOverride"):
                ilvl = _int(override.get(f"{{{ns}}}ilvl"), 0) or 0
                start = _int(_val(override.find(f"{{{ns}}}startOverride"), ns))
                if start is not None:
                    entry.starts[ilvl] = start
                lvl = override.find(f"{{{ns}}}lvl")
                if lvl is not None:
                    entry.levels[ilvl] = self._level(lvl)[1]
            self.nums[num.get(f"{{{ns}}}numId", "")] = entry
        for num_id, num in self.nums.items():
            for ilvl, level in self._levels(num).items():
                if level.style:
                    self.by_style.setdefault(level.style, (num_id, ilvl))

    def _level(self, el: ET.Element) -> tuple[int, _Level]:
        ns = self.ns
        text_el = el.find(f"{{{ns}}}lvlText")
        return _int(el.get(f"{{{ns}}}ilvl"), 0) or 0, _Level(
            start=_int(_val(el.find(f"{{{ns}}}start"), ns), 1) or 0,
            fmt=_val(el.find(f"{{{ns}}}numFmt"), ns) or "decimal",
            text=_val(text_el, ns) if text_el is not None else None,
            restart=_int(_val(el.find(f"{{{ns}}}lvlRestart"), ns)),
            legal=el.find(f"{{{ns}}}isLgl") is not None and _val(el.find(f"{{{ns}}}isLgl"), ns) not in ("0", "false"),
            suffix=_val(el.find(f"{{{ns}}}suff"), ns) or "tab",
            style=_val(el.find(f"{{{ns}}}pStyle"), ns))

    def _abstract_id(self, num: _Num) -> str:
        key = num.abstract
        for _ in range(4):  # numStyleLink: the list is defined through a numbering style
            link = self.links.get(key)
            style_num = self._style_numbering(link)[0] if link else None
            target = self.nums.get(style_num or "")
            if target is None or target.abstract == key:
                break
            key = target.abstract
        return key

    def _levels(self, num: _Num) -> dict[int, _Level]:
        levels = dict(self.abstract.get(self._abstract_id(num), {}))
        levels.update(num.levels)
        return levels

    def _style_numbering(self, style: str | None) -> tuple[str | None, str | None]:
        num_id = ilvl = None
        seen: set[str] = set()
        while style and style not in seen:
            seen.add(style)
            s_num, s_lvl, based = self.styles.get(style, (None, None, None))
            num_id = num_id if num_id is not None else s_num
            ilvl = ilvl if ilvl is not None else s_lvl
            style = based
        return num_id, ilvl

    def label(self, p_pr: ET.Element | None) -> tuple[str, str]:
        """The label a paragraph shows ("1.", "(a)", "-" for a bullet, "" for none) and what follows it."""
        ns = self.ns
        style = _val(p_pr.find(f"{{{ns}}}pStyle"), ns) if p_pr is not None else None
        num_pr = p_pr.find(f"{{{ns}}}numPr") if p_pr is not None else None
        num_id = _val(num_pr.find(f"{{{ns}}}numId"), ns) if num_pr is not None else None
        ilvl = _val(num_pr.find(f"{{{ns}}}ilvl"), ns) if num_pr is not None else None
        s_num, s_lvl = self._style_numbering(style)
        num_id = num_id if num_id is not None else s_num
        if ilvl is None:
            ilvl = s_lvl
        if num_id is None and style in self.by_style:
            num_id, level_of_style = self.by_style[style]
            ilvl = str(level_of_style) if ilvl is None else ilvl
        if ilvl is None and style in self.by_style and self.by_style[style][0] == num_id:
            ilvl = str(self.by_style[style][1])
        num = self.nums.get(num_id or "")
        if num is None or num_id == "0":
            return "", ""
        level_index = max(0, min(8, _int(ilvl, 0) or 0))
        levels = self._levels(num)
        level = levels.get(level_index)
        if level is None:
            return "", ""
        key = self._abstract_id(num)
        counters = self.counters.setdefault(key, [None] * 9)
        if num_id not in self.started:
            self.started.add(num_id)
            for lvl, start in num.starts.items():
                if 0 <= lvl < 9:
                    counters[lvl] = start - 1
                    for deeper in range(lvl + 1, 9):
                        counters[deeper] = None
        current = counters[level_index]
        counters[level_index] = level.start if current is None else current + 1
        for deeper in range(level_index + 1, 9):
            restart = levels[deeper].restart if deeper in levels else None
            if restart != 0 and (restart is None or level_index < restart):
                counters[deeper] = None
        if level.fmt == "bullet":
            return "-", " "
        template = level.text if level.text is not None else f"%{level_index + 1}."

        def number(match: re.Match) -> str:
            k = int(match[1]) - 1
            other = levels.get(k, _Level())
            value = counters[k] if counters[k] is not None else other.start
            return format_number(value, "decimal" if level.legal and other.fmt != "none" else other.fmt)

        label = re.sub(r"%([1-9])", number, template).strip()
        suffix = "" if level.suffix == "nothing" else " "
        return label, suffix if label else ""


_ROMAN = ((1000, "m"), (900, "cm"), (500, "d"), (400, "cd"), (100, "c"), (90, "xc"), (50, "l"), (40, "xl"),
          (10, "x"), (9, "ix"), (5, "v"), (4, "iv"), (1, "i"))
_CN_DIGITS = "〇一二三四五六七八九"
_STEMS = "甲乙丙丁戊己庚辛壬癸"


def _roman(n: int) -> str:
    out = ""
    for value, letters in _ROMAN:
        while n >= value:
            out, n = out + letters, n - value
    return out


def _chinese(n: int) -> str:
    if n <= 0:
        return _CN_DIGITS[0]
    if n >= 10000:
        return "".join(_CN_DIGITS[int(d)] for d in str(n))
    out = ""
    for value, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit, n = divmod(n, value)
        if digit:
            out += ("" if unit == "十" and not out and digit == 1 else _CN_DIGITS[digit]) + unit
        elif out and n and not out.endswith(_CN_DIGITS[0]):
            out += _CN_DIGITS[0]
    return out


def format_number(n: int, fmt: str) -> str:
    """A counter value as Word's numFmt shows it: 3 -> "3", "c", "iii", "III", "C", "三" …"""
    if fmt in ("none", ""):
        return ""
    if n <= 0 and fmt not in ("decimal", "decimalZero"):
        return str(n)
    if fmt in ("lowerLetter", "upperLetter"):
        letters = chr(ord("a") + (n - 1) % 26) * ((n - 1) // 26 + 1)
        return letters.upper() if fmt == "upperLetter" else letters
    if fmt in ("lowerRoman", "upperRoman"):
        return _roman(n).upper() if fmt == "upperRoman" else _roman(n)
    if fmt == "decimalZero":
        return f"{n:02d}"
    if fmt in ("chineseCounting", "chineseCountingThousand", "japaneseCounting", "taiwaneseCounting",
               "chineseLegalSimplified", "ideographLegalTraditional", "koreanCounting"):
        return _chinese(n)
    if fmt == "ideographTraditional":
        return _STEMS[(n - 1) % 10]
    if fmt in ("decimalFullWidth", "decimalFullWidth2"):
        return str(n).translate(str.maketrans("0123456789", "０１２３４５６７８９"))
    if fmt in ("decimalEnclosedCircle", "decimalEnclosedCircleChinese") and n <= 20:
        return chr(0x2460 + n - 1)
    if fmt == "ordinal":
        suffix = "th" if 10 <= n % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")
        return f"{n}{suffix}"
    return str(n)


# -- text -----------------------------------------------------------------------------------------

def _footnote_texts(ns: str, footnotes: ET.Element | None) -> dict[str, ET.Element]:
    found: dict[str, ET.Element] = {}
    if footnotes is None:
        return found
    for note in footnotes.iter(f"{{{ns}}}footnote"):
        if note.get(f"{{{ns}}}type") in (None, "normal"):
            found[note.get(f"{{{ns}}}id", "")] = note
    return found


class _Reader:
    def __init__(self, ns: str, numbering: _Numbering, footnotes: dict[str, ET.Element]):
        self.ns = ns
        self.numbering = numbering
        self.footnotes = footnotes
        self.numbers: dict[str, int] = {}  # footnote id -> the number Word prints
        self.pending: list[tuple[str, str]] = []  # (marker, footnote id) cited by the current block
        self.written: set[str] = set()

    def block(self, container: ET.Element, notes: bool = True) -> list[str]:
        """Lines for the paragraphs and tables of the body, a content control or a table cell; with
        `notes`, each block is followed by the footnotes it cites (a cell's wait for the whole table)."""
        lines: list[str] = []
        for child in container:
            tag = _local(child.tag)
            if tag == "p":
                text = self.paragraph(child)
                if text:
                    lines.append(text)
            elif tag == "tbl":
                lines.extend(self.table(child))
            elif tag in ("sdt", "sdtContent", "customXml", "ins", "moveTo"):
                lines.extend(self.block(child, notes))
                continue
            elif tag == "AlternateContent":
                choice = next(iter(child), None)
                if choice is not None:
                    lines.extend(self.block(choice, notes))
                continue
            else:
                continue
            if notes:
                lines.extend(self.notes())
        return lines

    def notes(self) -> list[str]:
        out = []
        for marker, note_id in self.pending:
            if note_id in self.written or note_id not in self.footnotes:
                continue
            self.written.add(note_id)
            reader = _Reader(self.ns, self.numbering, {})
            parts = [reader.runs(p).replace(_BREAK, " ").strip() for p in self.footnotes[note_id].iter(f"{{{self.ns}}}p")]
            text = re.sub(r"\s+", " ", " ".join(p for p in parts if p)).strip()
            out.append(f"{marker} {text}".strip())
        self.pending.clear()
        return out

    def paragraph(self, p: ET.Element) -> str:
        ns = self.ns
        p_pr = p.find(f"{{{ns}}}pPr")
        text = re.sub(r"[ \t\u00a0]{2,}", " ", self.runs(p)).strip()
        # a line break in a short paragraph parts lines, as in a heading ("Annex" / "Schedule of contributions");
        # in a longer one it only wraps the text
        text = "\n".join(map(str.strip, text.split(_BREAK))) if len(text) <= _SHORT else text.replace(_BREAK, " ")
        label, suffix = self.numbering.label(p_pr)
        if not text:
            return ""
        return f"{label}{suffix}{text}" if label else text

    def table(self, tbl: ET.Element) -> list[str]:
        ns = self.ns
        rows = []
        above: dict[int, str] = {}  # the text of each column's last cell, which a merged cell below goes on with
        for tr in _direct_rows(tbl, ns):
            cells: list[str] = [""] * (_int(_val(tr.find(f"{{{ns}}}trPr/{{{ns}}}gridBefore"), ns), 0) or 0)
            for tc in _cells(tr, ns):
                tc_pr = tc.find(f"{{{ns}}}tcPr")
                span = _int(_val(tc_pr.find(f"{{{ns}}}gridSpan"), ns) if tc_pr is not None else None, 1) or 1
                merge = tc_pr.find(f"{{{ns}}}vMerge") if tc_pr is not None else None
                texts = []
                for line in self.block(tc, notes=False):
                    texts.append(line.replace("\t", " ").replace("\n", " "))
                text = " ".join(texts)
                if merge is not None and _val(merge, ns) != "restart":
                    text = above.get(len(cells), "")  # merged with the cell above: its value holds for this row too
                above[len(cells)] = text
                cells.append(text)
                cells.extend([""] * (span - 1))
            while cells and not cells[-1]:
                cells.pop()
            if cells:
                rows.append("\t".join(cells))
        return rows

    def runs(self, el: ET.Element) -> str:
        """The text of a paragraph's runs, footnote references as markers."""
        out: list[str] = []
        self._walk(el, out, hidden=False)
        return "".join(out)

    def _walk(self, el: ET.Element, out: list[str], hidden: bool) -> None:
        ns = self.ns
        custom_mark = False
        for child in el:
            tag = _local(child.tag)
            if tag == "r":
                r_pr = child.find(f"{{{ns}}}rPr")
                vanish = r_pr is not None and r_pr.find(f"{{{ns}}}vanish") is not None \
                    and _val(r_pr.find(f"{{{ns}}}vanish"), ns) not in ("0", "false")
                if vanish:
                    continue
                raised = r_pr is not None and _val(r_pr.find(f"{{{ns}}}vertAlign"), ns) == "superscript"
                for part in child:
                    kind = _local(part.tag)
                    if kind == "t":
                        text = part.text or ""
                        if raised and _MARKS.fullmatch(text) and not _UNIT_BEFORE.search("".join(out[-3:])):
                            out.append(f"^{{{text.strip()}}}")  # a note's number typed raised, not a Word footnote
                        elif custom_mark:
                            out.append(f"^{{{text.strip()}}}" if text.strip().isdigit() else text)
                            self.pending.append((f"^{{{text.strip()}}}" if text.strip().isdigit() else text.strip(),
                                                 self._custom_id))
                            custom_mark = False
                        else:
                            out.append(text)
                    elif kind in ("tab", "ptab"):
                        out.append(" ")
                    elif kind in ("br", "cr"):
                        out.append(_BREAK)
                    elif kind == "noBreakHyphen":
                        out.append("-")
                    elif kind == "sym":
                        char = part.get(f"{{{ns}}}char", "")
                        try:
                            code = int(char, 16)
                        except ValueError:
                            code = None
                        if code is not None and not 0xE000 <= code <= 0xF8FF:
                            out.append(chr(code))
                    elif kind == "footnoteReference":
                        note_id = part.get(f"{{{ns}}}id", "")
                        if part.get(f"{{{ns}}}customMarkFollows") in ("1", "true", "on"):
                            custom_mark, self._custom_id = True, note_id
                            continue
                        number = self.numbers.setdefault(note_id, len(self.numbers) + 1)
                        out.append(f"^{{{number}}}")
                        self.pending.append((f"^{{{number}}}", note_id))
                    elif kind == "AlternateContent":
                        choice = next(iter(part), None)
                        if choice is not None:
                            self._walk(choice, out, hidden)
            elif tag in _DESCEND:
                self._walk(child, out, hidden)
            elif tag == "AlternateContent":
                choice = next(iter(child), None)
                if choice is not None:
                    self._walk(choice, out, hidden)

    _custom_id = ""


_MARKS = re.compile(r"\s*\d{1,3}(?:\s*[,，]\s*\d{1,3})*\s*")  # "4", "1,2": raised, the numbers of notes
_UNIT_BEFORE = re.compile(r"(?<![A-Za-z])(?:[kcmd]?m|km|ft|in)$")  # "km2", "m3": a power, not a note
_BREAK = "\u2028"  # a line break inside a paragraph, until the paragraph's length tells what it does
_SHORT = 160


def _direct_rows(tbl: ET.Element, ns: str) -> list[ET.Element]:
    rows = []
    for child in tbl:
        tag = _local(child.tag)
        if tag == "tr":
            rows.append(child)
        elif tag in ("sdt", "sdtContent", "customXml"):
            rows.extend(_direct_rows(child, ns))
    return rows


def _cells(tr: ET.Element, ns: str) -> list[ET.Element]:
    cells = []
    for child in tr:
        tag = _local(child.tag)
        if tag == "tc":
            cells.append(child)
        elif tag in ("sdt", "sdtContent", "customXml"):
            cells.extend(_cells(child, ns))
    return cells
