"""Adding documents to the corpus folder and removing them, each checked before anything is changed."""
from __future__ import annotations

import shutil
from collections.abc import Iterable
from pathlib import Path

from bot.corpus import DOCUMENT_SUFFIXES, corpus_files, load_corpus, read_document
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
        if target.exists() and target.resolve() == path.resolve():
            lines.append(f"{path.name} is already in the corpus")
            continue
        verb = "updated" if target.exists() else "added"
        shutil.copyfile(path, target)
        lines.append(f"{verb} {path.name}")
    return lines


def remove_document(corpus_dir: Path, doc: str) -> str:
    """Move the document named by its id, symbol or file name out of the corpus (into .removed/)."""
    documents, _ = load_corpus(corpus_dir)
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
