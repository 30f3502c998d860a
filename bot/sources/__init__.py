"""Read a document as people have it (PDF, Word .docx, Markdown, plain text) into the project's markup.

    >>> from bot.sources import read_source
    >>> source = read_source(Path("CBD-COP-DEC-16-31.en.pdf"))
    >>> source.kind, source.pages
    ('pdf', 32)

The markup that `bot.parser.parse` reads: "\\f" between pages; footnote markers `^{12}` glued to the
word they follow; each footnote as its own line `^{12} Text…` (for a PDF at the foot of its page);
table rows as tab-separated cells, the header row first; one line per paragraph or item with its
numbering as a reader sees it ("1.", "(a)", "Annex I"); no running headers, page numbers or job numbers.

The kind is told by the content, not the name: "%PDF-" is a PDF, a zip holding word/document.xml is
a .docx, anything else must decode as text (.md is Markdown, any other name plain text). A file whose
name says one kind and whose content is another is refused. Every failure is a `CorpusError` with one
line that names the file.
"""
from __future__ import annotations

import codecs

from pathlib import Path

from bot.errors import CorpusError
from bot.sources.record import Kind, SourceText

__all__ = ["MAX_BYTES", "SourceText", "read_source", "read_bytes", "sniff"]

MAX_BYTES = 50 * 1024 * 1024  # larger files are refused before they are read

_NAMED = {".pdf": "pdf", ".docx": "docx", ".md": "md", ".markdown": "md", ".txt": "txt", ".text": "txt"}
_NAMED_AS = {"pdf": "a PDF", "docx": "a Word .docx file", "md": "Markdown text", "txt": "text"}
_FOUND_AS = {"pdf": "a PDF", "docx": "a zip archive (such as a Word .docx)", "txt": "text",
             "ole": "an old-format Word .doc or an encrypted Office file", "binary": "binary data"}


def read_source(path: Path) -> SourceText:
    """The text of the document at `path` in the project's markup; a `CorpusError` names what is wrong."""
    path = Path(path)
    try:
        size = path.stat().st_size
    except OSError as error:
        raise CorpusError(f"{path.name}: cannot be read ({error.strerror or error})") from None
    _check_size(size, path.name)
    try:
        data = path.read_bytes()
    except OSError as error:
        raise CorpusError(f"{path.name}: cannot be read ({error.strerror or error})") from None
    return read_bytes(data, path.name)


def read_bytes(data: bytes, name: str) -> SourceText:
    """The same for a file's bytes; `name` is used for its extension and in error messages."""
    _check_size(len(data), name)
    if not data.strip():
        raise CorpusError(f"{name}: the file is empty")
    found = sniff(data)
    suffix = Path(name).suffix.lower()
    named = _NAMED.get(suffix)
    if found == "ole":
        raise CorpusError(f"{name}: this is {_FOUND_AS[found]}; save it as .docx or PDF")
    if found == "binary" and named in (None, "txt", "md"):
        raise CorpusError(f"{name}: this looks like a binary file, not text")
    if named is not None and named != found and not (found == "txt" and named == "md"):
        raise CorpusError(f"{name}: named {suffix} but it is {_FOUND_AS[found]}, not {_NAMED_AS[named]}")
    if found == "pdf":
        from bot.sources.pdf import read_pdf
        return read_pdf(data, name)
    if found == "docx":
        from bot.sources.docx import read_docx
        return read_docx(data, name)
    if named == "md":
        from bot.sources.markdown import read_markdown
        return read_markdown(data, name)
    from bot.sources.text import read_text
    return read_text(data, name)


def sniff(data: bytes) -> Kind | str:
    """What the bytes are: "pdf", "docx" (any zip: the reader checks for word/document.xml), "ole" (.doc,
    encrypted Office), "binary" (no text in any encoding read here) or "txt"."""
    if b"%PDF-" in data[:1024]:
        return "pdf"
    if data.startswith(b"PK\x03\x04") or data.startswith(b"PK\x05\x06"):
        return "docx"
    if data.startswith(b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"):
        return "ole"
    return "binary" if _binary(data[:4096]) else "txt"


def _binary(sample: bytes) -> bool:
    """Bytes that are no text in any encoding read here: NULs without a UTF-16 mark, or bytes that neither
    UTF-8 nor GB18030 decode."""
    if sample.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False
    if b"\x00" in sample:
        return True
    for encoding in ("utf-8", "gb18030"):
        try:  # not final: a character the sample cuts at its end is no error
            codecs.getincrementaldecoder(encoding)().decode(sample, final=False)
            return False
        except UnicodeDecodeError:
            continue
    return True


def _check_size(size: int, name: str) -> None:
    if size > MAX_BYTES:
        raise CorpusError(f"{name}: the file is {_size(size)}, over the limit of {_size(MAX_BYTES)}")


def _size(n: int) -> str:
    return f"{n / 1024 / 1024:.1f} MB" if n >= 1024 * 1024 else f"{n:,} bytes"
