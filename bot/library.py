"""Adding documents to the corpus folder (from files or from the web chat) and removing them, each checked before
anything is changed."""
from __future__ import annotations

import os
import shutil
import tempfile
import threading
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from bot.corpus import _NOT_DOCUMENTS, DOCUMENT_SUFFIXES, Document, corpus_files, load_corpus, read_document
from bot.errors import CorpusError

REMOVED = ".removed"  # where `bot remove` puts a document's file: out of the corpus, not deleted


def add_files(corpus_dir: Path, files: Iterable[Path]) -> list[str]:
    """Copy readable documents into the corpus; every file is checked first, so a bad one changes nothing."""
    files = list(files)
    for path in files:
        if not path.is_file():
            raise CorpusError(f"{path}: no such file")
        if path.suffix.lower() not in DOCUMENT_SUFFIXES:
            raise CorpusError(f"{path.name}: not a document type the bot reads ({', '.join(DOCUMENT_SUFFIXES)})")
        read_document(path)  # a CorpusError names what is wrong with it
    corpus_dir.mkdir(parents=True, exist_ok=True)
    lines = []
    for path in files:
        target = corpus_dir / path.name
        if target.exists() and (target.resolve() == path.resolve() or target.read_bytes() == path.read_bytes()):
            lines.append(f"{path.name} is already in the corpus")
            continue
        verb = "updated" if target.exists() else "added"
        shutil.copyfile(path, target)
        lines.append(f"{verb} {path.name}")
    return lines


def remove_document(corpus_dir: Path, doc: str, index_dir: Path | None = None) -> str:
    """Move the document named by its id (as the index at `index_dir` knows it), symbol or file name out of the
    corpus (into .removed/)."""
    from bot.index import previous_ids

    documents, _ = load_corpus(corpus_dir, previous_ids(index_dir) if index_dir else None)
    wanted = doc.lower()
    found = [d for d in documents if wanted in (d.id.lower(), d.file.lower(), (d.symbol or "").lower())]
    if not found:
        known = ", ".join(d.id for d in documents[:8]) + (" …" if len(documents) > 8 else "")
        raise CorpusError(f"no document {doc!r} in the corpus (documents: {known})")
    if len(found) > 1:
        raise CorpusError(f"{doc!r} names {len(found)} documents ({', '.join(d.id for d in found)}); give a document id")
    if len(corpus_files(corpus_dir)) == 1:
        raise CorpusError("that is the corpus's only document; add another before removing it")
    source = corpus_dir / found[0].file
    removed = corpus_dir / REMOVED
    removed.mkdir(exist_ok=True)
    source.replace(removed / source.name)
    return f"removed {found[0].id} ({source.name} moved to {removed})"


# ---------------------------------------------------------------- documents offered from the web chat


@dataclass(frozen=True)
class Saved:
    """A file written into the corpus by `save_upload`, with what it replaced so that `undo` can put it back."""

    path: Path
    verb: str  # "added", "updated" or "unchanged"
    previous: bytes | None = field(default=None, repr=False)

    def undo(self) -> None:
        """Leave the corpus as it was before the save (used when the index cannot take the document)."""
        if self.verb == "added":
            self.path.unlink(missing_ok=True)
        elif self.verb == "updated" and self.previous is not None:
            _write_atomically(self.path, self.previous)


def upload_name(name: str) -> str:
    """The corpus file name for a name a browser sent: its last part, of a type the bot reads; CorpusError otherwise."""
    base = PurePosixPath(str(name).replace("\\", "/")).name.strip()
    if not base or base.startswith(".") or len(base.encode()) > 200 or any(ord(ch) < 32 or ch == "\x7f" for ch in base):
        shown = base if base and base.isprintable() else repr(str(name))
        raise CorpusError(f"{shown}: this file name cannot be used in the corpus; rename the file")
    if Path(base).suffix.lower() not in DOCUMENT_SUFFIXES:
        raise CorpusError(f"{base}: not a document type the bot reads ({', '.join(DOCUMENT_SUFFIXES)})")
    if Path(base).stem.lower() in _NOT_DOCUMENTS:
        raise CorpusError(f"{base}: a README describes the corpus and is not read as a document; rename the file")
    return base


def check_upload(name: str, data: bytes) -> Document:
    """The document a file offered from the browser would be, checked before anything is saved: a usable name,
    the size limit, its type by content (not by name), a readable text layer, and passages the parser finds.
    CorpusError says in one line what is wrong."""
    from bot.structure import parse

    name = upload_name(name)
    check_size(name, len(data))
    with tempfile.TemporaryDirectory(prefix="bot-upload-") as folder:
        path = Path(folder) / name
        path.write_bytes(data)
        document = read_document(path)  # exactly as the corpus will read it: type, encryption, scans, damage
    if not parse(document.text, document.language):
        raise CorpusError(f"{name}: no paragraph, article or heading the bot could cite was found in it")
    return document


def check_size(name: str, size: int) -> None:
    """CorpusError when a file of `size` bytes is over bot.sources.MAX_BYTES, in the words every reader uses."""
    from bot.sources import _check_size  # the readers' own check, so the line is the same wherever a file comes from

    _check_size(size, name)


def save_upload(corpus_dir: Path, name: str, data: bytes) -> Saved:
    """Write a checked file into the corpus under its own name (atomically: no reader sees half a file); a file it
    replaces is kept in the corpus's .removed/ folder."""
    target = corpus_dir / upload_name(name)
    previous = target.read_bytes() if target.is_file() else None
    if previous == data:
        return Saved(target, "unchanged")
    corpus_dir.mkdir(parents=True, exist_ok=True)
    if previous is not None:  # the version it replaces is kept, as `bot remove` keeps a removed file
        (corpus_dir / REMOVED).mkdir(exist_ok=True)
        _write_atomically(corpus_dir / REMOVED / target.name, previous)
    _write_atomically(target, data)
    return Saved(target, "added" if previous is None else "updated", previous)


def _write_atomically(target: Path, data: bytes) -> None:
    staging = target.with_name(f".{target.name}.upload-{os.getpid()}-{threading.get_ident()}")  # not a document name
    try:
        with staging.open("wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        os.replace(staging, target)
    finally:
        staging.unlink(missing_ok=True)
