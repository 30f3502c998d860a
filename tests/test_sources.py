"""bot.sources: PDF, .docx, Markdown and text files read into the parser's markup, and every bad file refused in one line.

Every file is built here (reportlab for PDFs, zipfile for .docx): a fresh clone has no ../shared.
"""
from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

import bot.sources
from bot.errors import CorpusError
from bot.sources import SourceText, read_source
from bot.sources.docx import format_number
from bot.sources.markdown import markdown_to_markup
from bot.sources.pdflayout import Glyph, PageLayout, Rule, render

reportlab = pytest.importorskip("reportlab")
from reportlab.lib import pdfencrypt  # noqa: E402
from reportlab.lib.pagesizes import A4  # noqa: E402
from reportlab.pdfbase.pdfmetrics import stringWidth  # noqa: E402
from reportlab.pdfgen import canvas  # noqa: E402

LEFT, RIGHT = 72.0, 523.0  # text block of an A4 page


# -- building PDFs --------------------------------------------------------------------------------

class _Page:
    """Draws lines of text top-down the way a word processor lays out a UN document."""

    def __init__(self, c: canvas.Canvas, top: float = 760.0):
        self.c, self.y = c, top

    def line(self, text: str, x: float = LEFT, size: float = 11, font: str = "Times-Roman",
             justify: bool = False, lead: float = 13.0, sup: tuple[str, str] | None = None) -> None:
        """One line; `justify` stretches its spaces to the right margin; `sup` = (word, marker) puts a
        superscript marker right after that word."""
        c = self.c
        spaces = text.count(" ")
        natural = stringWidth(text, font, size) + (stringWidth(sup[1], font, size * 0.6) if sup else 0.0)
        word_space = (RIGHT - x - natural) / spaces if justify and spaces else 0.0
        t = c.beginText(x, self.y)
        t.setFont(font, size)
        t.setWordSpace(word_space)
        if sup is None:
            t.textOut(text)
        else:
            word, marker = sup
            head, tail = text.split(word, 1) if word else ("", " " + text)
            t.textOut(head + word)
            t.setFont(font, size * 0.6)
            t.setRise(size * 0.35)
            t.textOut(marker)
            t.setRise(0)
            t.setFont(font, size)
            t.textOut(tail)
        c.drawText(t)
        self.y -= lead

    def gap(self, points: float) -> None:
        self.y -= points


def _pdf(draw, pages: int = 2, **options) -> bytes:
    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, **options)
    for number in range(1, pages + 1):
        draw(c, number)
        c.showPage()
    c.save()
    return buffer.getvalue()


def _decision(c: canvas.Canvas, number: int) -> None:
    """Two pages of a small decision: masthead, numbered paragraphs, a footnote, a table, a page break."""
    if number == 1:
        c.setFont("Times-Roman", 14)
        c.drawRightString(RIGHT, 800, "CBD/TEST/1")
        c.setFont("Times-Roman", 10)
        c.drawString(LEFT, 28, "GE.25-01234(E)")
        p = _Page(c, 740)
        p.line("Decision 1/1. Test decision", font="Times-Bold", size=12, lead=20)
        p.line("The Conference of the Parties,", x=LEFT + 36)
        p.line("Recalling its earlier work on the monitoring framework for the Kunming-Montreal",
               x=LEFT + 36, justify=True, sup=("framework", "1"))
        p.line("Global Biodiversity Framework,")
        p.gap(6)
        p.line("1.    Decides to review the indicators at its next meeting, taking into account:",
               x=LEFT + 36)
        p.line("(a)    The views of Parties;", x=LEFT + 36)
        p.line("(b)    The work of the expert group;", x=LEFT + 36)
        p.gap(6)
        # a table with a header row, a cell wrapped onto two lines, drawn as one stroked grid
        xs, ys = [LEFT, 200, RIGHT], [p.y + 10, p.y - 6, p.y - 36, p.y - 52]
        c.setLineWidth(0.5)
        c.grid(xs, ys)
        c.setFont("Times-Italic", 10)
        c.drawString(LEFT + 4, ys[0] - 11, "Meeting")
        c.drawString(204, ys[0] - 11, "Dates and venue")
        c.setFont("Times-Roman", 10)
        c.drawString(LEFT + 4, ys[1] - 11, "SBI 60")
        c.drawString(204, ys[1] - 11, "3-13 June 2024,")
        c.drawString(204, ys[1] - 23, "Bonn, Germany")
        c.drawString(LEFT + 4, ys[2] - 11, "COP 29")
        c.drawString(204, ys[2] - 11, "11-22 November 2024")
        p.y = ys[3] - 22
        p.line("2.    Requests the Executive Secretary to prepare a report on the use of the headline",
               x=LEFT + 36, justify=True)
        p.line("indicators and to share it with Parties through the clearing-house mechanism of the",
               justify=True)
        # the footnote, under a short separator rule
        c.setLineWidth(0.5)
        c.line(LEFT, 120, LEFT + 144, 120)
        f = _Page(c, 108)
        f.line("See decision 15/5.", size=9, sup=("", "1"))
        c.setFont("Times-Roman", 10)
        c.drawRightString(RIGHT, 60, "1/2")
    else:
        c.setFont("Times-Roman", 10)
        c.drawString(LEFT, 800, "CBD/TEST/1")
        p = _Page(c, 740)
        p.line("Convention, as appropriate;")
        p.gap(6)
        p.line("3.    Invites Parties to submit their views.", x=LEFT + 36)
        c.setFont("Times-Roman", 10)
        c.drawString(LEFT, 60, "2/2")


DECISION = (
    "CBD/TEST/1\n"
    "Decision 1/1. Test decision\n"
    "The Conference of the Parties,\n"
    "Recalling its earlier work on the monitoring framework^{1} for the Kunming-Montreal"
    " Global Biodiversity Framework,\n"
    "1. Decides to review the indicators at its next meeting, taking into account:\n"
    "(a) The views of Parties;\n"
    "(b) The work of the expert group;\n"
    "Meeting\tDates and venue\n"
    "SBI 60\t3-13 June 2024, Bonn, Germany\n"
    "COP 29\t11-22 November 2024\n"
    "2. Requests the Executive Secretary to prepare a report on the use of the headline indicators and"
    " to share it with Parties through the clearing-house mechanism of the Convention, as appropriate;\n"
    "^{1} See decision 15/5.\n"
    "\f"
    "3. Invites Parties to submit their views.\n"
)


@pytest.fixture(scope="module")
def decision_pdf(tmp_path_factory) -> Path:
    path = tmp_path_factory.mktemp("pdf") / "decision.pdf"
    path.write_bytes(_pdf(_decision))
    return path


def test_pdf_markup_is_exact(decision_pdf):
    source = read_source(decision_pdf)
    assert source == SourceText(text=DECISION, pages=2, kind="pdf")


def test_pdf_pages_paragraphs_and_furniture(decision_pdf):
    text = read_source(decision_pdf).text
    first, second = text.split("\f")
    # a paragraph cut by the page break is joined and stays on the page where it starts
    assert "clearing-house mechanism of the Convention, as appropriate;" in first
    assert second == "3. Invites Parties to submit their views.\n"
    # the page numbers, the job number and page 2's running symbol are gone; page 1's masthead stays
    for furniture in ("1/2", "2/2", "GE.25"):
        assert furniture not in text
    assert text.count("CBD/TEST/1") == 1 and first.startswith("CBD/TEST/1\n")
    # the footnote stands at the foot of its page, after the paragraph that runs on to page 2
    assert first.rstrip("\n").endswith("^{1} See decision 15/5.")


def test_pdf_glued_number_is_a_marker_only_when_the_page_has_that_footnote(tmp_path):
    def draw(c, number):
        p = _Page(c, 740)
        p.line("7.2 Pesticide environment concentration and aggregated total applied toxicity16")
        p.line("Target 16 stands for 16 things; toxicity17 has no footnote 17.")
        c.line(LEFT, 120, LEFT + 144, 120)
        f = _Page(c, 108)
        f.line("Parties may choose to report on either.", size=9, sup=("", "16"))

    path = tmp_path / "glued.pdf"
    path.write_bytes(_pdf(draw, pages=1))
    assert read_source(path).text == (
        "7.2 Pesticide environment concentration and aggregated total applied toxicity^{16}\n"
        "Target 16 stands for 16 things; toxicity17 has no footnote 17.\n"
        "^{16} Parties may choose to report on either.\n")


def test_pdf_footnote_numbers_raised_apart_from_their_notes_start_the_notes(tmp_path):
    def draw(c, number):
        _Page(c, 740).line("Recalling its decision 4/6,", sup=("4/6,", "1"))
        c.line(LEFT, 120, LEFT + 144, 120)
        for n, (y, note) in enumerate([(108, "See the special report of 2019."), (96, "See decision 4/3, annex.")], 1):
            c.setFont("Times-Roman", 7)  # the number 7 pt, raised, two ems left of its 9 pt note
            c.drawString(LEFT, y + 4, str(n))
            c.setFont("Times-Roman", 9)
            c.drawString(LEFT + 14, y, note)

    path = tmp_path / "raised.pdf"
    path.write_bytes(_pdf(draw, pages=1))
    assert read_source(path).text.splitlines()[1:] == ["^{1} See the special report of 2019.",
                                                       "^{2} See decision 4/3, annex."]


# -- bad PDFs -------------------------------------------------------------------------------------

def _one_line(error: pytest.ExceptionInfo) -> str:
    message = str(error.value)
    assert "\n" not in message
    return message


def _scanned(c, number):
    from reportlab.lib.utils import ImageReader
    from PIL import Image

    c.drawImage(ImageReader(Image.new("L", (40, 60), 128)), LEFT, 300, 400, 500)


@pytest.mark.parametrize("name, build, message", [
    ("scan.pdf", lambda: _pdf(_scanned, pages=1), "scan.pdf: no text layer (scanned?); OCR is not supported"),
    ("locked.pdf", lambda: _pdf(_decision, encrypt=pdfencrypt.StandardEncryption("user", "owner")),
     "locked.pdf: the PDF is encrypted (password-protected); save an unprotected copy"),
    ("cut.pdf", lambda: _pdf(_decision)[:1500], "cut.pdf: the PDF is truncated (it does not end with %%EOF)"),
    ("broken.pdf", lambda: b"%PDF-1.4\n" + b"\x00garbage" * 50 + b"\n%%EOF\n",
     "broken.pdf: the PDF is damaged and cannot be read (Data format error)"),
    ("notes.pdf", lambda: b"Just some text saved with the wrong name.\n", "notes.pdf: named .pdf but it is text, not a PDF"),
    ("empty.pdf", lambda: b"", "empty.pdf: the file is empty"),
    ("empty.md", lambda: b"  \n\n", "empty.md: the file is empty"),
    ("report.txt", lambda: _pdf(_decision), "report.txt: named .txt but it is a PDF, not text"),
    ("scan.pdf", lambda: _docx({"word/document.xml": _document(_p("x"))}),
     "scan.pdf: named .pdf but it is a zip archive (such as a Word .docx), not a PDF"),
    ("old.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
     "old.docx: this is an old-format Word .doc or an encrypted Office file; save it as .docx or PDF"),
])
def test_bad_files_fail_with_one_line_naming_the_file(tmp_path, name, build, message):
    path = tmp_path / name
    path.write_bytes(build())
    with pytest.raises(CorpusError) as error:
        read_source(path)
    assert _one_line(error) == message


def test_over_size_file_is_refused_before_reading(tmp_path, monkeypatch):
    path = tmp_path / "big.md"
    path.write_text("# Title\n\n" + "word " * 100, encoding="utf-8")
    monkeypatch.setattr(bot.sources, "MAX_BYTES", 100)
    with pytest.raises(CorpusError) as error:
        read_source(path)
    assert _one_line(error) == "big.md: the file is 509 bytes, over the limit of 100 bytes"


def test_missing_file(tmp_path):
    with pytest.raises(CorpusError) as error:
        read_source(tmp_path / "gone.pdf")
    assert _one_line(error).startswith("gone.pdf: cannot be read (")


# -- .docx ----------------------------------------------------------------------------------------

_W = 'xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"'


def _p(text: str, num: str | None = None, ilvl: int | None = None, style: str | None = None, extra: str = "") -> str:
    props = ""
    if style:
        props += f'<w:pStyle w:val="{style}"/>'
    if num is not None or ilvl is not None:
        props += "<w:numPr>" + (f'<w:ilvl w:val="{ilvl}"/>' if ilvl is not None else "") \
                 + (f'<w:numId w:val="{num}"/>' if num is not None else "") + "</w:numPr>"
    return (f"<w:p>{'<w:pPr>' + props + '</w:pPr>' if props else ''}"
            f'<w:r><w:t xml:space="preserve">{text}</w:t></w:r>{extra}</w:p>')


def _note(note_id: int) -> str:
    return (f'<w:r><w:rPr><w:rStyle w:val="FootnoteReference"/></w:rPr>'
            f'<w:footnoteReference w:id="{note_id}"/></w:r>')


def _cell(text: str, props: str = "") -> str:
    return f"<w:tc><w:tcPr>{props}</w:tcPr>{_p(text) if text else '<w:p/>'}</w:tc>"


_BODY = "".join([
    _p("Decision 1/CP.30"),
    _p("Recalling its decision 1/CP.21,", extra=_note(5)),
    _p("Decides to act;", num="1"),
    _p("Requests the secretariat:", num="1"),
    _p("To report", num="1", ilvl=1, extra=_note(3) + '<w:r><w:t>;</w:t></w:r>'),
    _p("To publish;", num="1", ilvl=1),
    _p("On time;", num="1", ilvl=2),
    '<w:p><w:pPr><w:numPr><w:ilvl w:val="1"/><w:numId w:val="1"/></w:numPr></w:pPr>'
    '<w:r><w:t>To consult</w:t></w:r><w:del><w:r><w:delText> nobody</w:delText></w:r></w:del>'
    '<w:r><w:rPr><w:vanish/></w:rPr><w:t> hidden</w:t></w:r><w:r><w:tab/><w:t>widely;</w:t></w:r></w:p>',
    _p("Invites Parties;", num="1"),
    _p("To submit;", num="1", ilvl=1),
    '<w:tbl><w:tr>' + _cell("Meeting") + _cell("Dates") + _cell("Venue") + '</w:tr>'
    '<w:tr>' + _cell("SBI 60", '<w:vMerge w:val="restart"/>') + _cell("3-13 June 2024") + _cell("Bonn") + '</w:tr>'
    '<w:tr>' + _cell("", "<w:vMerge/>") + _cell("Resumed session, dates to be decided", '<w:gridSpan w:val="2"/>')
    + '</w:tr></w:tbl>',
    _p("Annex", style="AnnexHeading"),
    _p("Scope", style="AnnexHeading"),
    _p("Takes note;", num="2"),
    _p("Closes;", num="2"),
    _p("Restarted at five;", num="3"),
])

_NUMBERING = f"""<?xml version="1.0" encoding="UTF-8"?><w:numbering {_W}>
<w:abstractNum w:abstractNumId="0">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="decimal"/><w:lvlText w:val="%1."/></w:lvl>
  <w:lvl w:ilvl="1"><w:start w:val="1"/><w:numFmt w:val="lowerLetter"/><w:lvlText w:val="(%2)"/></w:lvl>
  <w:lvl w:ilvl="2"><w:start w:val="1"/><w:numFmt w:val="lowerRoman"/><w:lvlText w:val="(%3)"/></w:lvl>
</w:abstractNum>
<w:abstractNum w:abstractNumId="7">
  <w:lvl w:ilvl="0"><w:start w:val="1"/><w:numFmt w:val="upperRoman"/><w:lvlText w:val="Annex %1"/>
    <w:pStyle w:val="AnnexHeading"/><w:suff w:val="space"/></w:lvl>
</w:abstractNum>
<w:num w:numId="1"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="2"><w:abstractNumId w:val="0"/></w:num>
<w:num w:numId="3"><w:abstractNumId w:val="0"/><w:lvlOverride w:ilvl="0"><w:startOverride w:val="5"/></w:lvlOverride></w:num>
<w:num w:numId="9"><w:abstractNumId w:val="7"/></w:num>
</w:numbering>"""

_STYLES = f"""<?xml version="1.0" encoding="UTF-8"?><w:styles {_W}>
<w:style w:type="paragraph" w:styleId="AnnexHeading"><w:name w:val="Annex heading"/>
  <w:pPr><w:numPr><w:numId w:val="9"/></w:numPr></w:pPr></w:style>
</w:styles>"""

_FOOTNOTES = f"""<?xml version="1.0" encoding="UTF-8"?><w:footnotes {_W}>
<w:footnote w:type="separator" w:id="-1"><w:p><w:r><w:separator/></w:r></w:p></w:footnote>
<w:footnote w:type="continuationSeparator" w:id="0"><w:p><w:r><w:continuationSeparator/></w:r></w:p></w:footnote>
<w:footnote w:id="3"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> See FCCC/SBI/2024/1.</w:t></w:r></w:p></w:footnote>
<w:footnote w:id="5"><w:p><w:r><w:footnoteRef/></w:r><w:r><w:t xml:space="preserve"> Paris Agreement,</w:t></w:r></w:p>
  <w:p><w:r><w:t>second paragraph.</w:t></w:r></w:p></w:footnote>
</w:footnotes>"""

DOCX_TEXT = (
    "Decision 1/CP.30\n"
    "Recalling its decision 1/CP.21,^{1}\n"
    "^{1} Paris Agreement, second paragraph.\n"
    "1. Decides to act;\n"
    "2. Requests the secretariat:\n"
    "(a) To report^{2};\n"
    "^{2} See FCCC/SBI/2024/1.\n"
    "(b) To publish;\n"
    "(i) On time;\n"
    "(c) To consult widely;\n"
    "3. Invites Parties;\n"
    "(a) To submit;\n"
    "Meeting\tDates\tVenue\n"
    "SBI 60\t3-13 June 2024\tBonn\n"
    "SBI 60\tResumed session, dates to be decided\n"  # a cell merged down: its value holds for each row
    "Annex I Annex\n"
    "Annex II Scope\n"
    "4. Takes note;\n"
    "5. Closes;\n"
    "5. Restarted at five;\n"
)


def _docx(parts: dict[str, str]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
        for name, text in parts.items():
            archive.writestr(name, text)
    return buffer.getvalue()


def _document(body: str) -> str:
    return f'<?xml version="1.0" encoding="UTF-8"?><w:document {_W}><w:body>{body}<w:sectPr/></w:body></w:document>'


@pytest.fixture()
def decision_docx(tmp_path) -> Path:
    path = tmp_path / "decision.docx"
    path.write_bytes(_docx({"word/document.xml": _document(_BODY), "word/numbering.xml": _NUMBERING,
                            "word/styles.xml": _STYLES, "word/footnotes.xml": _FOOTNOTES}))
    return path


def test_docx_numbering_tables_and_footnotes_as_word_shows_them(decision_docx):
    assert read_source(decision_docx) == SourceText(text=DOCX_TEXT, pages=None, kind="docx")


def test_docx_without_numbering_or_footnotes_parts(tmp_path):
    path = tmp_path / "plain.docx"
    path.write_bytes(_docx({"word/document.xml": _document(_p("One.") + _p("Two.", num="1"))}))
    assert read_source(path).text == "One.\nTwo.\n"


def _raised(text: str) -> str:
    return f'<w:r><w:rPr><w:vertAlign w:val="superscript"/></w:rPr><w:t>{text}</w:t></w:r>'


def test_docx_note_numbers_typed_raised_are_markers_and_powers_stay_text(tmp_path):
    path = tmp_path / "listed-notes.docx"
    path.write_bytes(_docx({"word/document.xml": _document(
        _p("Urges Member States", extra=_raised("4") + '<w:r><w:t>:</w:t></w:r>')
        + _p("Restores 300 km", extra=_raised("2") + '<w:r><w:t> of the 44</w:t></w:r>' + _raised("th"))
        + _p("____") + _p("4 Including regional organizations."))}))
    text = read_source(path).text
    assert "Urges Member States^{4}:" in text
    assert "300 km2 of the 44th" in text  # a power and an ordinal's letters, as written
    from bot.structure import parse
    passages = parse(text)
    urging = next(p for p in passages if p.text.startswith("Urges"))
    note = next(p for p in passages if p.kind == "footnote")
    assert note.label == "footnote 4" and note.cited_by == (urging.id,) and urging.footnotes == (note.id,)


@pytest.mark.parametrize("build, message", [
    (lambda: _docx({"word/other.xml": "<x/>"}), "bad.docx: not a Word document (the archive has no word/document.xml)"),
    (lambda: _docx({"word/document.xml": _document(_BODY)})[:300],
     "bad.docx: the .docx is damaged or truncated (not a readable zip archive)"),
    (lambda: _docx({"word/document.xml": "<w:document " + _W + "><w:body><w:p>"}),
     "bad.docx: the .docx is damaged (word/document.xml is not well-formed XML: no element found: line 1, column 96)"),
    (lambda: b"plain text, not a zip", "bad.docx: named .docx but it is text, not a Word .docx file"),
])
def test_bad_docx(tmp_path, build, message):
    path = tmp_path / "bad.docx"
    path.write_bytes(build())
    with pytest.raises(CorpusError) as error:
        read_source(path)
    assert _one_line(error) == message


@pytest.mark.parametrize("n, fmt, shown", [
    (3, "decimal", "3"), (3, "lowerLetter", "c"), (28, "lowerLetter", "bb"), (4, "upperLetter", "D"),
    (14, "lowerRoman", "xiv"), (9, "upperRoman", "IX"), (7, "decimalZero", "07"), (12, "chineseCounting", "十二"),
    (21, "chineseCountingThousand", "二十一"), (105, "chineseCountingThousand", "一百〇五"), (2, "none", ""),
    (3, "ideographTraditional", "丙"), (2, "decimalEnclosedCircle", "②"), (22, "ordinal", "22nd"),
])
def test_format_number(n, fmt, shown):
    assert format_number(n, fmt) == shown


# -- Markdown and text ----------------------------------------------------------------------------

MARKDOWN = """---
title: front matter is dropped
---
# Decision 1/CMA.5

## I. Preamble

*The Conference of the Parties*, recalling its **decision** 2/CP.17[^1] and
the [Paris Agreement](https://unfccc.int) with `code` and \\*stars\\*,

1. Decides to act
   on the wrapped line;
2. Requests the _secretariat_:
(a) To report;
(b) To publish[^note].

- bullet one
- bullet two

| Meeting | Date |
|---|:---:|
| SBI 60 | June 2024 \\| July |
| **SBSTA** 62 | 2025<br>Bonn |

> Quoted text

Setext heading
--------------

***

[^1]: See FCCC/CP/2011/9/Add.1.
[^note]: A named note
    with a continuation.
"""

MARKUP = (
    "Decision 1/CMA.5\n"
    "I. Preamble\n"
    "The Conference of the Parties, recalling its decision 2/CP.17^{1} and the Paris Agreement with code and *stars*,\n"
    "^{1} See FCCC/CP/2011/9/Add.1.\n"
    "1. Decides to act on the wrapped line;\n"
    "2. Requests the secretariat:\n"
    "(a) To report;\n"
    "(b) To publish^{2}.\n"
    "^{2} A named note with a continuation.\n"
    "- bullet one\n"
    "- bullet two\n"
    "Meeting\tDate\n"
    "SBI 60\tJune 2024 | July\n"
    "SBSTA 62\t2025 Bonn\n"
    "Quoted text\n"
    "Setext heading\n"
)


def test_markdown(tmp_path):
    path = tmp_path / "decision.md"
    path.write_text(MARKDOWN, encoding="utf-8")
    assert read_source(path) == SourceText(text=MARKUP, pages=None, kind="md")


def test_markdown_fenced_code_and_html_superscript():
    assert markdown_to_markup("Text<sup>3</sup> here.\n\n```\nkeep  *this*\n```\n") == "Text^{3} here.\nkeep  *this*\n"


def test_markdown_cover_lines_stay_lines_and_body_lines_are_joined():
    from bot.structure import detect

    text = ("**UNITED NATIONS**\n\nUNEP/MC/COP.9/Dec.2\n\nDistr.: General\n3 May 2030\n\n"
            "Conference of the Parties to the Minamata Convention on Mercury\nNinth meeting\nGeneva, 1–3 May 2030\n\n"
            "# Decision MC-9/2: Mercury in artisanal gold mining\n\n*The Conference of the Parties*,\n\n"
            "1. Requests the secretariat to prepare guidance\non mercury-free methods;\n")
    markup = markdown_to_markup(text)
    assert markup.splitlines()[2:8] == ["Distr.: General", "3 May 2030",
                                        "Conference of the Parties to the Minamata Convention on Mercury",
                                        "Ninth meeting", "Geneva, 1–3 May 2030",
                                        "Decision MC-9/2: Mercury in artisanal gold mining"]
    assert "1. Requests the secretariat to prepare guidance on mercury-free methods;" in markup.splitlines()
    assert detect(markup, "mc.md").title == "Mercury in artisanal gold mining"


def test_text_files_decode_like_the_corpus(tmp_path):
    path = tmp_path / "cn.txt"
    path.write_bytes("第7段\f第8段\n".encode("gbk"))
    assert read_source(path) == SourceText(text="第7段\f第8段\n", pages=2, kind="txt")
    unnamed = tmp_path / "README"
    unnamed.write_text("1. First.\n", encoding="utf-8")
    assert read_source(unnamed) == SourceText(text="1. First.\n", pages=None, kind="txt")


def test_text_files_with_markdown_footnotes_get_the_footnote_markup(tmp_path):
    path = tmp_path / "decision.txt"
    path.write_text("1. 请秘书处编写报告；[^1]\n2. Invites views.[^note]\n\n[^1]: 见第4/7号决定。\n"
                    "[^note]: By 1 March.\n", encoding="utf-8")
    assert read_source(path).text == ("1. 请秘书处编写报告；^{1}\n2. Invites views.^{2}\n\n^{1} 见第4/7号决定。\n"
                                      "^{2} By 1 March.\n")
    undefined = tmp_path / "plain.txt"
    undefined.write_text("1. See [^1] and [^x].\n", encoding="utf-8")  # nothing defines them: left as written
    assert read_source(undefined).text == "1. See [^1] and [^x].\n"


def test_kind_is_told_by_content_not_name(tmp_path, decision_docx):
    renamed = tmp_path / "decision"
    renamed.write_bytes(decision_docx.read_bytes())
    assert read_source(renamed).kind == "docx"


def test_pdf_text_is_read_the_way_it_runs_whatever_the_page_rotation(tmp_path):
    def draw(c, number):
        c.setPageRotation(90 if number == 1 else 0)  # page 1: /Rotate 90 with upright text in it
        c.saveState()
        if number == 2:
            c.translate(300, 100)
            c.rotate(90)  # text running up the page
        elif number == 3:
            c.translate(300, 700)
            c.rotate(-90)  # text running down the page
        else:
            c.translate(LEFT, 500)
        c.setFont("Times-Roman", 11)
        c.drawString(0, 0, f"First line of page {number}.")
        c.drawString(0, -14, "Second line.")
        c.restoreState()

    path = tmp_path / "turned.pdf"
    path.write_bytes(_pdf(draw, pages=3))
    assert read_source(path).text == "\f".join(
        f"First line of page {n}.\nSecond line.\n" for n in (1, 2, 3))


def test_pdf_locked_only_against_changes_is_read(tmp_path):
    path = tmp_path / "owner.pdf"
    path.write_bytes(_pdf(_decision, encrypt=pdfencrypt.StandardEncryption("", "owner", canModify=0)))
    assert read_source(path).text == DECISION


_glyphs = st.builds(
    Glyph, text=st.sampled_from(list("ab1,.(-") + ["第"]),
    x0=st.floats(0, 600), top=st.floats(0, 800), x1=st.floats(0, 600), bottom=st.floats(0, 800),
    base=st.floats(0, 800), size=st.sampled_from([0.0, 6.0, 9.0, 11.0, 30.0]), space_before=st.booleans())
_rules = st.builds(Rule, x0=st.floats(0, 600), top=st.floats(0, 800), x1=st.floats(0, 600), bottom=st.floats(0, 800))
_pages = st.lists(st.builds(PageLayout, width=st.just(595.0), height=st.just(842.0),
                            glyphs=st.lists(_glyphs, max_size=40).map(tuple),
                            rules=st.lists(_rules, max_size=12).map(tuple)), min_size=1, max_size=3)


@settings(max_examples=150, deadline=None)
@given(_pages)
def test_pdf_layout_never_raises_and_keeps_one_form_feed_between_pages(pages):
    text = render(pages)
    assert text.count("\f") == len(pages) - 1


def test_markdown_setext_heading_with_a_pipe_is_not_a_table():
    assert markdown_to_markup("Costs | benefits\n---\n\n| Only |\n| --- |\n| one |\n") == "Costs | benefits\nOnly\none\n"


def test_pdf_lone_chinese_characters_of_a_font_the_machine_lacks_are_kept():
    """reportlab's STSong-Light is not embedded; without a Chinese font PDFium gives a lone character drawn apart
    (before and after a raised footnote marker) no box and leaves it out of the text."""
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))

    def draw(c: canvas.Canvas, number: int) -> None:
        t = c.beginText(LEFT, 760)
        for text, size, rise in [("1．对水安全构成威", 10.5, 0), ("胁", 10.5, 0), ("1", 6.3, 4.2), ("；", 10.5, 0)]:
            t.setFont("STSong-Light", size)
            t.setRise(rise)
            t.textOut(text)
        c.drawText(t)
        c.setFont("STSong-Light", 8)
        c.drawString(LEFT, 100, "1 政府间气候变化专门委员会的报告。")

    from bot.sources.pdf import read_pdf

    text = read_pdf(_pdf(draw, pages=1), "zh.pdf").text
    assert "1．对水安全构成威胁^{1}；" in text


def test_pdf_a_title_run_atop_a_later_page_is_furniture():
    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("Times-Roman", 10)
        if number == 1:
            c.drawString(LEFT, 700, "17/12. Mountain ecosystems and glaciers")
            c.drawString(LEFT, 680, "1. Welcomes the assessment.")
        else:
            c.drawRightString(RIGHT, 800, "17/12. Mountain ecosystems and glaciers")  # the running head
            c.drawString(LEFT, 700, "2. Urges Parties to act.")

    from bot.sources.pdf import read_pdf

    text = read_pdf(_pdf(draw, pages=2), "en.pdf").text
    assert text.count("17/12. Mountain ecosystems and glaciers") == 1 and "2. Urges Parties to act." in text


def test_pdf_a_first_page_foot_beside_its_page_number_is_furniture_not_the_last_note():
    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("Times-Roman", 10)
        c.drawString(LEFT, 700, f"{number}. Invites Parties to act." if number == 1 else "2. Urges Parties to act.")
        if number == 1:
            c.line(LEFT, 120, LEFT + 144, 120)
            _Page(c, 108).line("See document CBD/CP/MOP/11/6, annex.", size=9, sup=("", "1"))
            c.setFont("Helvetica", 8)
            c.drawString(LEFT, 38, "CBD/CP/MOP/DEC/11/5 – Distributed 1 November 2024")  # the first page's own foot
        c.drawCentredString(A4[0] / 2, 38, f"Page {number}" if number < 3 else f"第 {number} 页")

    from bot.sources.pdf import read_pdf

    pages = read_pdf(_pdf(draw, pages=3), "en.pdf").text.split("\f")
    assert pages[0].splitlines()[-1] == "^{1} See document CBD/CP/MOP/11/6, annex.", pages[0]
    assert "Distributed" not in pages[0] and all("Page" not in page and "页" not in page for page in pages)


def test_pdf_notes_numbered_in_plain_digits_go_on_from_the_last_page_s():
    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("Times-Roman", 10)
        first = 1 if number == 1 else 5
        notes = range(first, first + (4 if number == 1 else 2))
        c.drawString(LEFT, 700, "Paragraph text " + " ".join(f"cites note{n}" for n in notes) + ".")
        c.line(LEFT, 120, LEFT + 144, 120)
        for k, n in enumerate(notes):
            c.setFont("Times-Roman", 8)
            c.drawString(LEFT, 108 - 11 * k, f"{n} Source number {n} of the report.")

    from bot.sources.pdf import read_pdf

    text = read_pdf(_pdf(draw, pages=2), "en.pdf").text
    notes = [line for line in text.splitlines() if line.startswith("^{")]
    assert [line.split("}")[0] for line in notes] == [f"^{{{n}" for n in range(1, 7)], notes


def test_pdf_contents_entries_stay_one_per_line():
    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("Times-Roman", 10)
        c.drawString(LEFT, 760, "Contents")
        for k, (title, pages) in enumerate([("I. Opening of the session", "1-3 2"), ("II. Organizational matters", "4-8 2")]):
            y = 740 - 14 * k
            leader = title + " "
            while stringWidth(leader + ". ", "Times-Roman", 10) < RIGHT - LEFT - 40:
                leader += ". "
            c.drawString(LEFT, y, leader)  # the dots run up to the numbers, as a word processor sets them
            c.drawRightString(RIGHT, y, pages)
        c.drawString(LEFT, 700, "I. Opening of the session")

    from bot.sources.pdf import read_pdf

    lines = read_pdf(_pdf(draw, pages=1), "toc.pdf").text.splitlines()
    entries = [line for line in lines if ". . ." in line]
    assert len(entries) == 2 and entries[0].startswith("I. Opening") and entries[0].endswith("1-3 2")


def test_random_bytes_are_binary_data_whatever_their_name(tmp_path):
    noise = bytes((n * 197 + 89) % 256 for n in range(3000))  # no text in UTF-8 or GB18030
    for name, message in [("garbage.docx", "named .docx but it is binary data, not a Word .docx file"),
                          ("garbage.txt", "this looks like a binary file, not text"),
                          ("garbage", "this looks like a binary file, not text")]:
        with pytest.raises(CorpusError, match=message):
            bot.sources.read_bytes(noise, name)
    assert bot.sources.sniff("第1段 文字".encode("gb18030")) == "txt"


def test_pdf_an_article_heading_atop_a_page_is_no_running_head():
    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("Times-Roman", 10)
        c.drawString(LEFT, 800, f"Article {number + 5}")  # each page opens with an article: same key, other number
        c.drawString(LEFT, 700, f"1. The rule of article {number + 5}.")

    from bot.sources.pdf import read_pdf

    text = read_pdf(_pdf(draw, pages=3), "en.pdf").text
    lines = text.replace("\f", "").split("\n")
    assert [line for line in lines if line.startswith("Article")] == ["Article 6", "Article 7", "Article 8"]


def test_pdf_a_table_ruled_only_above_and_below_its_header_and_under_its_rows_is_read_as_rows():
    """UN documents draw tables with horizontal rules only: no grid, yet each line between the rules is a row."""
    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("Times-Roman", 10)
        c.drawString(LEFT, 720, "4. The milestones are set out below:")
        c.setLineWidth(0.6)
        for y in (705, 685, 625):
            c.line(LEFT, y, RIGHT, y)
        for y, cells in [(692, ("Milestone", "Deadline", "Lead body")), (672, ("Global assessment", "June 2029", "Expert group")),
                         (652, ("Data platform", "December 2029", "UNEP, FAO")), (632, ("Mid-term review", "October 2030", "CPR"))]:
            for x, cell in zip((LEFT + 4, LEFT + 230, LEFT + 330), cells):
                c.drawString(x, y, cell)
        c.drawString(LEFT, 600, "5. Member States shall report every two years.")

    from bot.sources.pdf import read_pdf

    lines = read_pdf(_pdf(draw, pages=1), "en.pdf").text.splitlines()
    assert lines[1:5] == ["Milestone\tDeadline\tLead body", "Global assessment\tJune 2029\tExpert group",
                          "Data platform\tDecember 2029\tUNEP, FAO", "Mid-term review\tOctober 2030\tCPR"]
    assert lines[0] == "4. The milestones are set out below:" and lines[5] == "5. Member States shall report every two years."


def test_pdf_a_ruled_table_with_wrapped_header_and_cells_keeps_one_row_per_entry():
    """Header over three lines, cells wrapped over two, rows set apart by padding, each rule drawn cell by cell."""
    columns = (LEFT + 4, LEFT + 150, LEFT + 260)

    def rule(c: canvas.Canvas, y: float) -> None:
        for a, b in zip((LEFT, LEFT + 146, LEFT + 256), (LEFT + 146, LEFT + 256, RIGHT)):
            c.line(a, y, b, y)

    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("Times-Roman", 9)
        c.setLineWidth(0.6)
        for y in (720, 682, 590):
            rule(c, y)
        for y, cells in [(710, ("Orbital regime", "Maximum", "Preferred")), (700, ("", "residual", "disposal")),
                         (690, ("", "lifetime", "method")),
                         (670, ("Very low orbit", "1 year", "Natural decay")),
                         (648, ("Low orbit, middle", "5 years", "Controlled re-entry over")),
                         (638, ("band", "", "the South Pacific")),
                         (616, ("High orbit", "25 years", "Transfer to a graveyard")), (606, ("", "", "orbit"))]:
            for x, cell in zip(columns, cells):
                c.drawString(x, y, cell)
        c.setFont("Times-Roman", 10)
        c.drawString(LEFT, 570, "4. Operators shall report each disposal.")

    from bot.sources.pdf import read_pdf

    lines = read_pdf(_pdf(draw, pages=1), "en.pdf").text.splitlines()
    assert lines[:5] == ["Orbital regime\tMaximum residual lifetime\tPreferred disposal method",
                         "Very low orbit\t1 year\tNatural decay",
                         "Low orbit, middle band\t5 years\tControlled re-entry over the South Pacific",
                         "High orbit\t25 years\tTransfer to a graveyard orbit",
                         "4. Operators shall report each disposal."]


def test_pdf_a_table_with_a_rule_under_every_row_keeps_every_row():
    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("Times-Roman", 10)
        c.setLineWidth(0.6)
        for y in (720, 700, 680, 650, 630):
            c.line(LEFT, y, RIGHT, y)
        for y, cells in [(707, ("Meeting", "Format", "Venue")), (687, ("First meeting", "Online", "-")),
                         (667, ("Second meeting", "In person", "Montreal,")), (656, ("", "", "Canada")),
                         (637, ("Third meeting", "Online", "-"))]:
            for x, cell in zip((LEFT + 4, LEFT + 200, LEFT + 320), cells):
                c.drawString(x, y, cell)
        c.drawString(LEFT, 600, "5. The report shall be submitted.")

    from bot.sources.pdf import read_pdf

    lines = read_pdf(_pdf(draw, pages=1), "en.pdf").text.splitlines()
    assert lines[:5] == ["Meeting\tFormat\tVenue", "First meeting\tOnline\t-", "Second meeting\tIn person\tMontreal, Canada",
                         "Third meeting\tOnline\t-", "5. The report shall be submitted."]


def test_pdf_a_table_under_a_page_header_rule_whose_names_wrap_in_most_rows_keeps_one_row_per_entry():
    """A rule under the running header and a title above the table; a rule under every row, most names wrapped over
    two lines; a header cell that runs close to the next column."""
    def draw(c: canvas.Canvas, number: int) -> None:
        c.setLineWidth(0.6)
        c.setFont("Times-Roman", 9)
        c.drawRightString(RIGHT, 800, "E/RES/2026/15")
        c.line(LEFT, 795, RIGHT, 795)  # the running header's rule, as long as the table's
        c.setFont("Times-Bold", 12)
        c.drawCentredString((LEFT + RIGHT) / 2, 760, "Annex")
        c.drawCentredString((LEFT + RIGHT) / 2, 742, "Allocation of the programme's resources")
        c.setFont("Times-Roman", 9)
        for y in (720, 696, 666, 636, 606, 590):
            c.line(LEFT, y, RIGHT, y)
        x = (LEFT + 4, LEFT + 150, LEFT + 200, LEFT + 290)
        for y, cells in [(710, ("Implementing entity", "Countries", "Allocation (millions", "Training places")),
                         (700, ("", "", "of dollars)", "")),
                         (684, ("Economic Commission for", "46", "21.6", "1 200")), (674, ("Africa", "", "", "")),
                         (654, ("Economic and Social Commission", "34", "14.4", "900")), (644, ("for Asia and the Pacific", "", "", "")),
                         (624, ("Economic Commission for", "12", "3.6", "250")), (614, ("Europe", "", "", "")),
                         (595, ("Total", "92", "39.6", "2 350"))]:
            for left, cell in zip(x, cells):
                c.drawString(left, y, cell)

    from bot.sources.pdf import read_pdf

    lines = read_pdf(_pdf(draw, pages=1), "en.pdf").text.splitlines()
    start = lines.index("Allocation of the programme's resources") + 1
    assert lines[start:start + 5] == [
        "Implementing entity\tCountries\tAllocation (millions of dollars)\tTraining places",
        "Economic Commission for Africa\t46\t21.6\t1 200",
        "Economic and Social Commission for Asia and the Pacific\t34\t14.4\t900",
        "Economic Commission for Europe\t12\t3.6\t250", "Total\t92\t39.6\t2 350"]


def test_pdf_a_header_set_flush_right_over_its_figures_stays_over_them():
    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("Times-Roman", 10)
        c.setLineWidth(0.6)
        for y in (720, 700, 660):
            c.line(LEFT, y, RIGHT, y)
        right_edges = (LEFT + 310, LEFT + 400)  # "Revised 2025" starts left of the figures under it
        for y, cells in [(707, ("Budget line", "Revised 2025", "Approved 2026")),
                         (687, ("1. Secretariat staff costs (Nairobi)", "3,218,400", "3,301,650")),
                         (667, ("2. Meetings of the Parties and the Open-ended Working Group", "1,120,000", "1,185,000"))]:
            c.drawString(LEFT + 4, y, cells[0])
            for edge, cell in zip(right_edges, cells[1:]):
                c.drawRightString(edge, y, cell)

    from bot.sources.pdf import read_pdf

    lines = read_pdf(_pdf(draw, pages=1), "en.pdf").text.splitlines()
    assert lines[:3] == ["Budget line\tRevised 2025\tApproved 2026", "1. Secretariat staff costs (Nairobi)\t3,218,400\t3,301,650",
                         "2. Meetings of the Parties and the Open-ended Working Group\t1,120,000\t1,185,000"]


def test_pdf_a_grid_ruled_inside_only_under_a_header_ruled_above_and_below_keeps_every_column():
    """reportlab's INNERGRID under a header with LINEABOVE and LINEBELOW: rules between the columns from the first
    body row down, none at the table's sides."""
    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("Times-Roman", 9)
        c.setLineWidth(0.6)
        for y in (720, 700, 670, 640):
            c.line(LEFT, y, LEFT + 420, y)
        for x in (LEFT + 80, LEFT + 250, LEFT + 370):
            c.line(x, 700, x, 640)
        columns = (LEFT + 4, LEFT + 84, LEFT + 254, LEFT + 374)
        for y, cells in [(707, ("Contact group", "Parts of the draft text", "Co-chairs", "Meetings")),
                         (688, ("Group 1", "Parts I and II: objective, scope", "Mr. Asante and Ms. Solberg", "9")),
                         (658, ("Group 2", "Part III: financial mechanism", "Ms. Raman and Mr. Martel", "8"))]:
            for x, cell in zip(columns, cells):
                c.drawString(x, y, cell)

    from bot.sources.pdf import read_pdf

    lines = read_pdf(_pdf(draw, pages=1), "en.pdf").text.splitlines()
    assert lines[:3] == ["Contact group\tParts of the draft text\tCo-chairs\tMeetings",
                         "Group 1\tParts I and II: objective, scope\tMr. Asante and Ms. Solberg\t9",
                         "Group 2\tPart III: financial mechanism\tMs. Raman and Mr. Martel\t8"]


def test_pdf_a_budget_ruled_under_groups_of_rows_keeps_a_name_wrapped_above_its_figures_in_its_row():
    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("Times-Roman", 10)
        c.setLineWidth(0.6)
        for y in (720, 700, 636, 618):
            c.line(LEFT, y, RIGHT, y)
        for y, cells in [(707, ("Programme", "2026", "2027")), (688, ("A. Conferences and meetings", "1,246,300", "1,272,100")),
                         (676, ("B. Technical assistance and", "", "")), (664, ("    capacity-building", "1,588,400", "1,623,900")),
                         (652, ("C. Overall management", "1,374,900", "1,418,200")), (624, ("Total", "4,209,600", "4,314,200"))]:
            for x, cell in zip((LEFT + 4, LEFT + 250, LEFT + 350), cells):
                c.drawString(x, y, cell)

    from bot.sources.pdf import read_pdf

    lines = read_pdf(_pdf(draw, pages=1), "en.pdf").text.splitlines()
    assert lines[:5] == ["Programme\t2026\t2027", "A. Conferences and meetings\t1,246,300\t1,272,100",
                         "B. Technical assistance and capacity-building\t1,588,400\t1,623,900",
                         "C. Overall management\t1,374,900\t1,418,200", "Total\t4,209,600\t4,314,200"]
    from bot.structure import parse

    rows = [p for p in parse("Annex\n\n" + "\n".join(lines), "en") if p.kind == "table_row"]
    assert [p.columns[0][1] for p in rows][:2] == ["A. Conferences and meetings", "B. Technical assistance and capacity-building"]


def test_pdf_a_chinese_numbered_paragraph_atop_a_page_is_not_joined_to_the_last_one():
    from reportlab.pdfbase import pdfmetrics
    from reportlab.pdfbase.cidfonts import UnicodeCIDFont

    pdfmetrics.registerFont(UnicodeCIDFont("STSong-Light"))
    full = "4．决定设立一个由18名专家组成的政府间氮问题专家工作组，成员按公平地域分配原则产生，"

    def draw(c: canvas.Canvas, number: int) -> None:
        c.setFont("STSong-Light", 10.5)
        size = 10.5 * (RIGHT - LEFT) / stringWidth(full, "STSong-Light", 10.5)  # a line as full as the text block
        c.setFont("STSong-Light", size)
        if number == 1:
            c.drawString(LEFT, 700, full)  # the page's last line is full: a paragraph could go on over the page
            c.setFont("STSong-Light", 9)
            c.drawString(LEFT, 50, "请回收")
        else:
            c.drawString(LEFT, 760, "5．请执行主任：")
            c.drawString(LEFT, 744, "（a）在2029年6月30日之前编写一份全球氮评估报告；")

    from bot.sources.pdf import read_pdf

    text = read_pdf(_pdf(draw, pages=2), "zh.pdf").text
    assert "5．请执行主任：" in text.split("\f")[1] and "请回收" not in text


def test_docx_a_line_break_parts_a_heading_but_only_wraps_a_long_paragraph(tmp_path):
    br = '<w:r><w:br/><w:t xml:space="preserve">{}</w:t></w:r>'
    long_text = "The annual contributions set out below apply to the first budgetary period " * 3
    body = (_p("Annex", extra=br.format("Schedule of contributions")) + _p(long_text.strip(), extra=br.format("and so on."))
            + "<w:tbl><w:tr>" + _cell("Party") + _cell("Share") + "</w:tr></w:tbl>")
    path = tmp_path / "annex.docx"
    path.write_bytes(_docx({"word/document.xml": _document(body.replace(
        _cell("Share"), '<w:tc><w:tcPr/><w:p><w:r><w:t>Share</w:t><w:br/><w:t>(%)</w:t></w:r></w:p></w:tc>'))}))
    assert read_source(path).text == f"Annex\nSchedule of contributions\n{long_text.strip()} and so on.\nParty\tShare (%)\n"


def test_footnotes_written_in_brackets_become_notes_only_when_every_note_is_marked():
    from bot.sources.text import bracket_footnotes

    text = "Noting the Standard Material Transfer Agreement[1];\nAcknowledging the report for 2024–2025[2];\n\n[1] As at 30 September 2025.\n[2] IT/GB-11/25/10.1 Rev.1.\n"
    assert bracket_footnotes(text) == ("Noting the Standard Material Transfer Agreement^{1};\nAcknowledging the report for "
                                       "2024–2025^{2};\n\n^{1} As at 30 September 2025.\n^{2} IT/GB-11/25/10.1 Rev.1.\n")
    unmarked = "Noting the report;\n\n[1] As at 30 September 2025.\n"
    assert bracket_footnotes(unmarked) == unmarked  # a list numbered in brackets, not notes
    spaced = "store 600 gigatonnes of carbon [1];\n\nNotes\n\n[1] Global Peatlands Assessment (UNEP, 2022).\n"
    assert bracket_footnotes(spaced) == ("store 600 gigatonnes of carbon^{1};\n\n\n"
                                         "^{1} Global Peatlands Assessment (UNEP, 2022).\n")  # a mark set apart
