"""Reading the corpus folder: every *.txt file, decoded carefully; a file that cannot be read is named and skipped."""
from __future__ import annotations

import hashlib
from dataclasses import dataclass
from pathlib import Path

from bot.errors import CorpusError

_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))


@dataclass(frozen=True)
class Document:
    name: str  # file stem, e.g. "CBD-WG2020-REC-1-1.zh"
    path: Path
    text: str
    sha256: str


def decode(data: bytes, name: str) -> str:
    """Text of a file's bytes: a BOM's encoding, else UTF-8, else GB18030 (covers GBK); binary is refused."""
    if not data.strip():
        raise CorpusError(f"{name}: the file is empty")
    for encoding, bom in _BOMS:
        if data.startswith(bom):
            return _checked(data.decode(encoding, errors="strict"), name)
    if b"\x00" in data:
        raise CorpusError(f"{name}: this looks like a binary file, not text")
    for encoding in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(encoding), name)
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"{name}: not UTF-8 or GBK text; save it as UTF-8")


def _checked(text: str, name: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t")
    if controls > max(8, len(text) // 100):
        raise CorpusError(f"{name}: this looks like a binary file, not text")
    if not text.strip():
        raise CorpusError(f"{name}: the file has no text")
    return text


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    files = sorted(p for p in corpus_dir.glob("*.txt") if p.is_file())
    if not files:
        raise CorpusError(f"no .txt files in the corpus folder {corpus_dir}")
    return files


def corpus_sha256(corpus_dir: Path) -> str:
    """One hash over every corpus file's name and bytes: any change makes the index stale."""
    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


def load_corpus(corpus_dir: Path) -> tuple[list[Document], list[str]]:
    """The readable documents, and one line for each file that was skipped."""
    documents, skipped = [], []
    for path in corpus_files(corpus_dir):
        data = path.read_bytes()
        try:
            text = decode(data, path.name)
        except CorpusError as error:
            skipped.append(str(error))
            continue
        documents.append(Document(path.stem, path, text, hashlib.sha256(data).hexdigest()))
    if not documents:
        raise CorpusError("no readable document in the corpus: " + "; ".join(skipped))
    return documents, skipped
