"""Tables laid out with spaces in plain text, rewritten with tabs between their cells, as the structure parser
reads tables.

    Decision    Title                                 Agenda item
    --------    ----------------------------------    -----------
    MC-6/1      Rules of procedure: voting on         4
                matters of substance

A block of consecutive lines is such a table when two lines or more are split into cells by runs of two
spaces or more and their second cells start in the same column; a line of one cell starting at a later
column's start continues that column's cell in the row above, and a ruler of dashes stays as it is.
A list of names and values ("President:   Mr. …") becomes one line, which goes on with the lead-in above it
when that ends with a colon. Prose is never touched: a line outside such a block keeps every character."""
from __future__ import annotations

import re
import unicodedata

__all__ = ["aligned_tables"]

_CELL = re.compile(r"\S+(?: \S+)*")  # words one space apart are one cell
_RULER = re.compile(r"^\s*-{3,}(?:\s+-{3,})*\s*$")
_FOOTNOTE_RULE = re.compile(r"^\s*_{5,}\s*$")


def aligned_tables(text: str) -> str:
    """`text` with each space-aligned table's rows written as tab-separated cells."""
    lines = text.split("\n")
    out: list[str] = []
    i = 0
    while i < len(lines):
        end = i if _under_footnote_rule(out) else _block_end(lines, i)  # "2   The meeting …" / "3   IPBES/11/9."
        if end > i and _is_list(lines[i:end]):  # "President:  Mr. …": one line, which goes on with the
            while out and not out[-1].strip() and _opens_list(out):  # lead-in ending in ":" above it
                out.pop()
            out.append(" ".join(cell for line in lines[i:end] for _, cell in _cells(line)))
            i = end
        elif end > i:
            out.extend(_rewritten(lines[i:end]))
            i = end
        else:
            out.append(lines[i])
            i += 1
    return "\n".join(out)


def _under_footnote_rule(out: list[str]) -> bool:
    """Whether the last line with text is the rule printed over a page's footnotes ("__________"): the notes
    under it, numbers and texts set apart by spaces, are no table."""
    last = next((line for line in reversed(out) if line.strip()), "")
    return bool(_FOOTNOTE_RULE.match(last))


def _is_list(block: list[str]) -> bool:
    """A list of names and values ("Rapporteur:  Mr. …"): each row's first cell ends with a colon."""
    rows = [cells for cells in map(_cells, block) if len(cells) >= 2]
    return all(cells[0][1].endswith((":", "：")) for cells in rows)


def _opens_list(out: list[str]) -> bool:
    """Whether the last line with text above the blank lines ending `out` leads in to a list (ends with ":")."""
    last = next((line for line in reversed(out) if line.strip()), "")
    return last.rstrip().endswith((":", "："))


def _cells(line: str) -> list[tuple[int, str]]:
    """The line's cells and the columns they start in, a Chinese character taking two columns as on screen."""
    return [(_width(line[:m.start()]), m.group()) for m in _CELL.finditer(line)]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(char) in "WF" else 1 for char in text)


def _block_end(lines: list[str], start: int) -> int:
    """The end of the table starting at `start`, or `start` when none does: rows of two cells or more whose
    second cells align, with the continuation lines and rulers between them. Rows of three cells or more
    also align when each cell overlaps the one above it (figures set flush right: "1,184,300" under "2028"),
    and one blank line between such rows does not end the table. The header may go on in a second line
    ("(revised)  (approved)"), and lines of one cell left of the figures between rows are labels: a group's
    name ("2. Implementation of the work programme") or a row's name wrapped over lines."""
    first = _cells(lines[start])
    if len(first) < 2 or "\t" in lines[start]:
        return start
    columns = {position for position, _ in first[1:]}
    second = first[1][0]
    rows, end, last, labels = 1, start + 1, start + 1, 0
    while end < len(lines) and "\t" not in lines[end]:
        if not lines[end].strip():
            after = end + 1
            if "\f" in lines[end]:  # a page ends the table
                break
            if after < len(lines) and "\t" not in lines[after] and _spans_match(first, _cells(lines[after])):
                end = after  # one blank line between rows of the same columns
                continue
            break
        cells = _cells(lines[end])
        if _RULER.match(lines[end]):
            pass
        elif len(cells) >= 2 and cells[1][0] == second or _spans_match(first, cells):
            rows += 1
            columns.update(position for position, _ in cells[1:])
        elif len(cells) == 1 and cells[0][0] in columns:  # a cell continued under its column
            pass
        elif end == start + 1 and _header_line(first, cells):
            pass
        elif _label_line(first, cells) and labels < _MAX_LABEL_LINES:
            labels += 1
            end += 1
            continue  # a table does not end on labels: they may be the prose after it
        else:
            break
        labels = 0
        end += 1
        last = end
    return last if rows >= 2 else start


_MAX_LABEL_LINES = 3
_LABEL_CHARS = 60
NEW_LABEL = re.compile(r"^(?:\d{1,2}(?:\.\d{1,2})*\.?|[A-Z]\.|\(?[a-z]\))\s")  # a row's own label: "2.1 Assessments", "B. Travel"


def _header_line(first: list[tuple[int, str]], cells: list[tuple[int, str]]) -> bool:
    """The header's second line: under the figures' columns only ("(revised)  (approved) (provisional)")."""
    data = min(position for position, _ in first[1:])
    return len(first) >= 3 and cells[0][0] > first[0][0] + _width(first[0][1]) \
        and all(start + _width(cell) > data for start, cell in cells)


def _label_line(first: list[tuple[int, str]], cells: list[tuple[int, str]]) -> bool:
    """A short line of one cell that starts in the first column, left of the figures, and is no sentence."""
    if len(first) < 3 or len(cells) != 1:
        return False
    start, text = cells[0]
    return first[0][0] <= start < min(position for position, _ in first[1:]) and len(text) <= _LABEL_CHARS \
        and not text.endswith((".", ";", ":", "。", "；", "："))


def _spans_match(first: list[tuple[int, str]], cells: list[tuple[int, str]]) -> bool:
    """Whether a row of three cells or more has the first row's columns: as many cells, each after the first
    overlapping the first row's cell in its place."""
    return len(cells) == len(first) >= 3 and all(
        start < top + _width(above) and top < start + _width(cell) for (start, cell), (top, above) in zip(cells[1:], first[1:]))


def _rewritten(block: list[str]) -> list[str]:
    """The block's rows with their cells joined by tabs, each continuation line's words added to the cell of
    the row above in its column ("Rules of procedure: voting on" + "matters of substance"). A header's second
    line joins the header, word by word under its columns. Labels wait for the row they name: a row indented
    under them and not numbered anew goes on with them ("1.2 Sessions of the Bureau and" / "Expert Panel
    412,000 …"); otherwise each is a row of its own, a group's name."""
    lines = [line for line in block if line.strip()]  # without the blank lines between rows
    first = _cells(lines[0])
    columns = sorted({position for line in lines if not _RULER.match(line) for position, _ in _cells(line)[1:]})
    rows: list[list[str]] = [[cell for _, cell in first]]
    row_start = first[0][0]  # where the last row's name starts
    pending: list[tuple[int, str]] = []

    def flush() -> None:
        rows.extend([text, ""] for _, text in pending)  # a group's name: a row with no figures
        pending.clear()

    for k, line in enumerate(lines[1:], 1):
        cells = _cells(line)
        if k == 1 and not _RULER.match(line) and _header_line(first, cells):
            _add_under(rows[0], first, line)
        elif not _RULER.match(line) and _label_line(first, cells):
            start, text = cells[0]
            if pending and start > pending[0][0]:
                pending.append(cells[0])
            elif not pending and len(rows) > 1 and start > row_start:
                rows[-1][0] = f"{rows[-1][0]} {text}"  # the last row's name wrapped below it
            else:
                flush()
                pending.append(cells[0])
        elif len(rows) > 1 and len(cells) == 1 and not _RULER.match(line) and cells[0][0] > 0 and not pending:
            column = sum(c <= cells[0][0] for c in columns)
            row = rows[-1]
            row.extend([""] * (column + 1 - len(row)))
            row[column] = f"{row[column]} {cells[0][1]}".strip()
        else:
            row = [cell for _, cell in cells]
            if pending and cells[0][0] > pending[0][0] and not NEW_LABEL.match(cells[0][1]):
                row[0] = " ".join([text for _, text in pending] + [row[0]])
                row_start = pending[0][0]
                pending.clear()
            else:
                flush()
                row_start = cells[0][0]
            rows.append(row)
    flush()
    return ["\t".join(row) for row in rows]


def _add_under(header: list[str], first: list[tuple[int, str]], line: str) -> None:
    """Each word of a header's second line added to the header cell it stands under (nearest by centre)."""
    centres = [start + _width(text) / 2 for start, text in first]
    for match in re.finditer(r"\S+", line):
        centre = _width(line[:match.start()]) + _width(match.group()) / 2
        column = min(range(1, len(centres)), key=lambda c: abs(centres[c] - centre))
        header[column] = f"{header[column]} {match.group()}"
