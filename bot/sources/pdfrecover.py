"""Characters PDFium leaves out of a page's text, read back with pypdf (BSD-3-Clause).

PDFium skips a text object whose box is empty, and a glyph has no box when the font is not embedded and
the machine has no font with that character: a Chinese PDF set in a non-embedded font (STSong-Light with
UniGB-UCS2-H, as reportlab and iText write it) on a machine without Chinese fonts. A run of several
characters still gets a width from their advances; a lone character does not, and that is what is lost:
the "胁" before a footnote marker, the "；" after one. Each string a page shows makes one text object, in
the order of its content stream; pypdf reads the strings in that order, so the n-th string is the n-th
object. Where PDFium's object is empty and the string's font has an encoding that gives its characters
(the predefined CMaps such fonts use), the string is decoded and put back where PDFium says it stands.
"""
from __future__ import annotations

import functools
import unicodedata

# predefined CMaps whose codes are the characters themselves (PDF 32000-1, 9.7.5.2), and their byte encodings
_ENCODINGS = {"UCS2": "utf-16-be", "UTF16": "utf-16-be", "GBK-EUC": "gbk", "GB-EUC": "gb2312", "GBpc-EUC": "gb2312",
              "GBK2K": "gb18030", "B5pc": "big5", "ETen-B5": "big5", "HKscs-B5": "big5hkscs", "90ms-RKSJ": "cp932",
              "KSCms-UHC": "cp949"}
_SHOW = (b"Tj", b"TJ", b"'", b'"')


def lost_objects(page) -> list[tuple[int, float, float, float]]:
    """The page's text objects PDFium gave no box: (their place among its text objects, x, y, font size)."""
    import pypdfium2.raw as raw

    lost = []
    for n, obj in enumerate(page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=1)):
        left, bottom, right, top = obj.get_bounds()
        if right - left < 0.01 and top - bottom < 0.01:
            lost.append((n, left, bottom, _font_size(obj, raw)))
    return lost


def _font_size(obj, raw) -> float:
    import ctypes

    size = ctypes.c_float()
    matrix = obj.get_matrix()
    scale = (abs(matrix.a) + abs(matrix.d)) / 2 or 1.0
    return size.value * scale if raw.FPDFTextObj_GetFontSize(obj.raw, ctypes.byref(size)) else 0.0


def _text_objects(page) -> int:
    import pypdfium2.raw as raw

    return sum(1 for _ in page.get_objects(filter=[raw.FPDF_PAGEOBJ_TEXT], max_depth=1))


@functools.lru_cache(maxsize=1)
def _pages(data: bytes) -> list:
    """pypdf's pages of the PDF read last (its pages are read one after another)."""
    import io

    import pypdf

    return list(pypdf.PdfReader(io.BytesIO(data)).pages)


def forget_pages() -> None:
    """Drop the PDF read last (a server reads many, one at a time)."""
    _pages.cache_clear()


def shown_strings(data: bytes, page_number: int) -> list[str | None]:
    """Every string the page shows, in order: its characters when its font's encoding gives them, else None.
    Empty when pypdf is missing or cannot read the page."""
    try:
        page = _pages(data)[page_number]
        fonts = page.get("/Resources", {}).get("/Font", {})
        shown: list[str | None] = []
        codec: list[str | None] = [None]

        def visit(operator: bytes, operands: list, cm: list[float], tm: list[float]) -> None:
            if operator == b"Tf" and len(operands) == 2:
                font = fonts.get(operands[0])
                codec[0] = _codec(font.get_object()) if font is not None else None
            elif operator in _SHOW:
                strings = operands[0] if operator == b"TJ" and operands else operands[-1:]
                raw = b"".join(_bytes(part) for part in strings)
                if raw:  # an empty string makes no object
                    shown.append(raw.decode(codec[0], errors="ignore") if codec[0] else None)

        page.extract_text(visitor_operand_before=visit)
        return shown
    except Exception:  # noqa: BLE001 - a best effort: any failure leaves the page as PDFium read it
        return []


def recovered_glyphs(page, data: bytes, page_number: int) -> list[tuple[str, float, float, float, float, float, float]]:
    """The characters PDFium dropped from the page: (char, left, bottom, right, top, baseline y, font size), in PDF
    space. None when the page lost none, or when its strings and PDFium's objects do not pair up one to one."""
    lost = lost_objects(page)
    if not lost:
        return []
    shown = shown_strings(data, page_number)
    if len(shown) != _text_objects(page):
        return []
    out = []
    for n, x, y, size in lost:
        text = shown[n]
        if text and size > 0:
            out.extend((*box, y, size) for box in glyph_boxes(text, x, y, size))
    return out


def _codec(font) -> str | None:
    """The Python codec of a font whose encoding is a predefined CMap that gives characters, else None."""
    encoding = str(font.get("/Encoding", ""))
    return next((codec for name, codec in _ENCODINGS.items() if name in encoding), None)


def _bytes(part: object) -> bytes:
    """A string operand's bytes (pypdf gives text it could read as str, with the bytes it read); a TJ array's
    spacing numbers give none."""
    if isinstance(part, str):
        return bytes(getattr(part, "original_bytes", part.encode("latin-1", "ignore")))
    return bytes(part) if isinstance(part, bytes) else b""


def glyph_boxes(text: str, x: float, y: float, size: float) -> list[tuple[str, float, float, float, float]]:
    """Each character of a recovered string with a box like a printed one: (char, left, bottom, right, top);
    a wide (CJK) character is a full em, others half of one."""
    out = []
    for char in text:
        advance = size if unicodedata.east_asian_width(char) in ("W", "F") else 0.5 * size
        if not char.isspace():
            out.append((char, x, y - 0.12 * size, x + advance, y + 0.88 * size))
        x += advance
    return out
