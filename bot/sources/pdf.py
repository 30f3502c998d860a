"""Read a PDF's text layer with pypdfium2 (PDFium; Apache-2.0 / BSD-3-Clause) into the project's markup.

PDFium gives each character with its box, baseline and font size, and each path with its bounds and
segments (0.13 s of CPU for the text alone of a 32-page UN decision, about 1.5 s with this module's
per-character reading and the layout). `bot.sources.pdflayout` does the layout: tables from ruling
lines, superscript footnote markers, footnotes, furniture and paragraphs. There is no OCR: a PDF
without a text layer is refused with one line saying so. PDFium is not thread-safe: one PDF is read
at a time.
"""
from __future__ import annotations

import ctypes
import importlib.util
import threading
import unicodedata

from bot.errors import CorpusError
from bot.sources.pdflayout import Glyph, PageLayout, Rule, render
from bot.sources.pdfrecover import forget_pages, recovered_glyphs
from bot.sources.record import SourceText

__all__ = ["read_pdf"]

_LIGATURES = {chr(c) for c in range(0xFB00, 0xFB07)}
_PDFIUM = threading.Lock()


def read_pdf(data: bytes, name: str) -> SourceText:
    if importlib.util.find_spec("pypdfium2") is None:
        raise CorpusError(f"{name}: reading PDFs needs the pypdfium2 package (pip install pypdfium2)")
    with _PDFIUM:
        try:
            pages = _read(data, name)
        finally:
            forget_pages()  # pypdf's copy of the file, when lost characters were read back, is not kept
    if not pages:
        raise CorpusError(f"{name}: the PDF has no pages")
    glyphs = sum(len(page.glyphs) for page, _ in pages)
    if glyphs == 0:
        raise CorpusError(f"{name}: no text layer (scanned?); OCR is not supported")
    if sum(bad for _, bad in pages) > glyphs / 2:
        raise CorpusError(f"{name}: the PDF's text cannot be decoded (its fonts map no Unicode)")
    text = render([page for page, _ in pages])
    if not text.replace("\f", "").strip():
        raise CorpusError(f"{name}: no text layer (scanned?); OCR is not supported")
    return SourceText(text=text, pages=len(pages), kind="pdf")


def _read(data: bytes, name: str) -> list[tuple[PageLayout, int]]:
    import pypdfium2 as pdfium

    truncated = b"%%EOF" not in data[-4096:]
    try:
        document = pdfium.PdfDocument(data)
    except pdfium.PdfiumError as error:
        if getattr(error, "err_code", None) == 4 or "password" in str(error).lower():
            raise CorpusError(f"{name}: the PDF is encrypted (password-protected); save an unprotected copy") from None
        if truncated:
            raise CorpusError(f"{name}: the PDF is truncated (it does not end with %%EOF)") from None
        raise CorpusError(f"{name}: the PDF is damaged and cannot be read ({_reason(error)})") from None
    try:
        if truncated:
            raise CorpusError(f"{name}: the PDF is truncated (it does not end with %%EOF)")
        pages = [_page(document[i], data, i) for i in range(len(document))]
    except pdfium.PdfiumError as error:
        raise CorpusError(f"{name}: the PDF is damaged and cannot be read ({_reason(error)})") from None
    finally:
        document.close()
    return pages


def _reason(error: Exception) -> str:
    message = str(error)
    inner = message[message.find("(") + 1:message.rfind(")")] if "(" in message else message
    return inner.removeprefix("PDFium: ")


def _page(page, data: bytes, number: int) -> tuple[PageLayout, int]:
    """The page's glyphs and rules in reading coordinates (points, y downwards), and its count of
    unmapped glyphs. Reading coordinates turn the page so that most text runs left to right: that is
    how the page is displayed when /Rotate agrees with its content, and how a reader turns it when not.
    Lone characters PDFium drops are read back from the PDF (see bot.sources.pdfrecover)."""
    import pypdfium2.raw as raw

    left, bottom, right, top = page.get_bbox()
    textpage = page.get_textpage()
    handle = textpage.raw
    rect = raw.FS_RECTF()
    ox, oy = ctypes.c_double(), ctypes.c_double()
    chars: list[tuple[str, float, float, float, float, float, float, float, bool]] = []
    unmapped = 0
    space = False
    try:
        for k in range(textpage.count_chars()):
            code = raw.FPDFText_GetUnicode(handle, k)
            if code in (32, 0xA0, 0x3000, 0x2002, 0x2003, 0x2009, 9):
                space = True  # the text layer's own word break, real or inferred by PDFium
                continue
            if code == 2:
                code = 0x2D  # PDFium's mark for a hyphen that ends a line: the printed "-"
            if code < 33 or code in (0xFEFF, 0x200B) or raw.FPDFText_IsGenerated(handle, k):
                continue
            char = chr(code)
            if raw.FPDFText_HasUnicodeMapError(handle, k) or char == "\ufffd":
                unmapped += 1
                continue
            if char in _LIGATURES:
                char = unicodedata.normalize("NFKC", char)
            raw.FPDFText_GetLooseCharBox(handle, k, rect)
            raw.FPDFText_GetCharOrigin(handle, k, ox, oy)
            chars.append((char, rect.left, rect.bottom, rect.right, rect.top, ox.value, oy.value,
                          raw.FPDFText_GetFontSize(handle, k), space))
            space = False
    finally:
        textpage.close()
    for char, l, b, r, t, y, size in recovered_glyphs(page, data, number):
        chars.append((char, l, b, r, t, l, y, size, False))
    rotation = _reading_rotation(chars)
    width, height = right - left, top - bottom
    if rotation in (90, 270):
        width, height = height, width

    def point(x: float, y: float) -> tuple[float, float]:
        x, y = x - left, y - bottom
        if rotation == 90:
            return y, x
        if rotation == 180:
            return right - left - x, y
        if rotation == 270:
            return top - bottom - y, right - left - x
        return x, top - bottom - y

    def box(l: float, b: float, r: float, t: float) -> tuple[float, float, float, float]:
        (x0, y0), (x1, y1) = point(l, b), point(r, t)
        return min(x0, x1), min(y0, y1), max(x0, x1), max(y0, y1)

    glyphs = []
    for char, l, b, r, t, x, y, size, space in chars:
        x0, y0, x1, y1 = box(l, b, r, t)
        glyphs.append(Glyph(char, x0, y0, x1, y1, point(x, y)[1], size, space))
    rules = [Rule(*box(*r)) for r in _rules(page)]
    return PageLayout(width, height, tuple(glyphs), tuple(rules)), unmapped


def _reading_rotation(chars: list[tuple]) -> int:
    """How far to turn the page so its text reads left to right: 0, 90 (text runs up), 180, 270 (down)."""
    votes = {0: 0, 90: 0, 180: 0, 270: 0}
    for a, b in zip(chars, chars[1:]):
        dx, dy, size = b[5] - a[5], b[6] - a[6], max(a[7], 1.0)
        if 0.05 * size < abs(dx) + abs(dy) < 2 * size:  # the next glyph of the same run
            if abs(dx) >= abs(dy):
                votes[0 if dx > 0 else 180] += 1
            else:
                votes[90 if dy > 0 else 270] += 1
    best = max(votes, key=lambda k: votes[k])
    return best if votes[best] > votes[0] else 0


def _rules(page) -> list[tuple[float, float, float, float]]:
    """Ruling lines (left, bottom, right, top in PDF space): thin paths, and the straight strokes of drawn grids."""
    import pypdfium2.raw as raw

    out = []
    for obj in page.get_objects(filter=[raw.FPDF_PAGEOBJ_PATH], max_depth=1):
        l, b, r, t = obj.get_bounds()
        if _invisible(obj, raw):
            continue
        if min(r - l, t - b) <= 3 and max(r - l, t - b) >= 3:
            out.append((l, b, r, t))
            continue
        fill, stroke = ctypes.c_int(), ctypes.c_int()
        raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
        if not stroke.value:
            continue  # a filled box is shading, not a rule
        matrix = obj.get_matrix()
        x, y = ctypes.c_float(), ctypes.c_float()
        points: list[tuple[float, float, int]] = []
        for k in range(raw.FPDFPath_CountSegments(obj.raw)):
            segment = raw.FPDFPath_GetPathSegment(obj.raw, k)
            raw.FPDFPathSegment_GetPoint(segment, ctypes.byref(x), ctypes.byref(y))
            px = matrix.a * x.value + matrix.c * y.value + matrix.e
            py = matrix.b * x.value + matrix.d * y.value + matrix.f
            kind = raw.FPDFPathSegment_GetType(segment)
            if kind == raw.FPDF_SEGMENT_LINETO and points:
                (qx, qy, _) = points[-1]
                if abs(px - qx) < 1 or abs(py - qy) < 1:
                    out.append((min(px, qx) - 0.25, min(py, qy) - 0.25, max(px, qx) + 0.25, max(py, qy) + 0.25))
            points.append((px, py, kind))
            if raw.FPDFPathSegment_GetClose(segment):
                start = next((p for p in reversed(points) if p[2] == raw.FPDF_SEGMENT_MOVETO), None)
                if start and (abs(px - start[0]) < 1 or abs(py - start[1]) < 1):
                    out.append((min(px, start[0]) - 0.25, min(py, start[1]) - 0.25,
                                max(px, start[0]) + 0.25, max(py, start[1]) + 0.25))
    return [r for r in out if max(r[2] - r[0], r[3] - r[1]) >= 3]


def _invisible(obj, raw) -> bool:
    """A white rule on white paper marks nothing."""
    red, green, blue, alpha = ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint(), ctypes.c_uint()
    fill, stroke = ctypes.c_int(), ctypes.c_int()
    raw.FPDFPath_GetDrawMode(obj.raw, ctypes.byref(fill), ctypes.byref(stroke))
    getter = raw.FPDFPageObj_GetStrokeColor if stroke.value and not fill.value else raw.FPDFPageObj_GetFillColor
    if not getter(obj.raw, ctypes.byref(red), ctypes.byref(green), ctypes.byref(blue), ctypes.byref(alpha)):
        return False
    return alpha.value == 0 or min(red.value, green.value, blue.value) >= 240
