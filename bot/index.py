"""The index folder: passages, dense vectors (FAISS), lexical tokens and a manifest, written and checked as one.

Row i of every file is passage i. A build writes a temporary sibling folder and swaps it in, under a lock,
so a killed build or two builds at once never leave a half-written index in place. Nothing is pickled.
"""
from __future__ import annotations

import contextlib
import dataclasses
import fcntl
import hashlib
import json
import os
import re
import shutil
import time
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np

from bot import context, parser
from bot import tokenize as tokenize_module
from bot.corpus import Document, corpus_sha256, load_corpus
from bot.embedder import EMBEDDING_VERSION, Embedder
from bot.errors import IndexProblem
from bot.records import Passage
from bot.structure.labels import Seg
from bot.structure.labels import label as structure_label
from bot.tokenize import Tokenizer

FORMAT_VERSION = 3  # 2: documents are records, ids carry the document; 3: digests of the embedded texts
MANIFEST = "manifest.json"
PASSAGES = "passages.jsonl"
TOKENS = "tokens.json"
DENSE = "dense.faiss"
SENTENCES = "sentences.jsonl"
SENTENCE_VECTORS = "sentences.npy"
TEXT_KEYS = "text_keys.npy"  # a digest of each embedded text: passages' rows, then sentences'
DATA_FILES = (PASSAGES, TOKENS, DENSE, SENTENCES, SENTENCE_VECTORS, TEXT_KEYS)
KEY_BYTES = 16


@dataclass(frozen=True)
class Sentence:
    row: int  # the passage's row
    text: str


@dataclass
class Index:
    manifest: dict
    passages: list[Passage]
    tokens: list[list[str]]
    dense: object  # faiss.IndexFlatIP over normalized passage vectors
    sentences: list[Sentence]
    sentence_vectors: np.ndarray
    documents: list[Document] = dataclasses.field(default_factory=list)
    text_keys: np.ndarray | None = None  # (passages + sentences, KEY_BYTES) uint8, in the order of their vectors
    _sentence_rows: dict[int, list[int]] | None = dataclasses.field(default=None, repr=False)

    def sentences_of(self, row: int) -> list[int]:
        """Positions in `sentences` of the passage at `row` (built once, on first use)."""
        if self._sentence_rows is None:
            table: dict[int, list[int]] = {}
            for k, sentence in enumerate(self.sentences):
                table.setdefault(sentence.row, []).append(k)
            self._sentence_rows = table
        return self._sentence_rows.get(row, [])


def text_key(text: str) -> bytes:
    """What an embedded text is known by: a new build embeds only texts whose key no earlier build has."""
    return hashlib.sha256(text.encode("utf-8")).digest()[:KEY_BYTES]


def expected_manifest(corpus_dir: Path | None, model: str) -> dict:
    """What an up-to-date index must say about itself (without the corpus hash when no folder is given)."""
    return {
        "format": FORMAT_VERSION,
        "model": model,
        "corpus_sha256": corpus_sha256(corpus_dir) if corpus_dir is not None else None,
        "parser_version": parser.PARSER_VERSION,
        "recipe_version": context.RECIPE_VERSION,
        "embedding_version": EMBEDDING_VERSION,
        "code_sha256": _code_sha256(),
    }


@lru_cache(maxsize=1)
def _code_sha256() -> str:
    """The modules and data files that decide what is indexed (the file readers; the glossaries and domain words
    give jieba its words, context.json the embedded texts' wording): editing one makes the index stale even if
    a version number was not bumped. Read once, as the process starts using them: an index built while they were
    edited is recorded as built by the code that built it, not by the edited files."""
    digest = hashlib.sha256()
    package = Path(parser.__file__).resolve().parent
    modules = [Path(m.__file__) for m in (parser, context, tokenize_module)] + sorted((package / "structure").glob("*.py")) \
        + sorted((package / "sources").glob("*.py"))  # the readers of PDF, Word and text files
    for path in modules + sorted((package / "data").glob("*")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:16]


def _stat(path: Path) -> list[int]:
    """Size and modification time (ns) of a file: what a load compares before it hashes."""
    info = path.stat()
    return [info.st_size, info.st_mtime_ns]


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


# ---------------------------------------------------------------- reading


# why an index no longer fits, by the manifest entry that differs (said in one line, without hashes)
STALE_REASONS = {"format": "its format is older", "model": "another model is chosen",
                 "corpus_sha256": "the documents changed", "parser_version": "the parser changed",
                 "code_sha256": "the parser or its data changed", "recipe_version": "what is embedded changed",
                 "embedding_version": "how texts are embedded changed"}


def load(index_dir: Path, expected: dict) -> Index:
    """Load and check an index; IndexProblem says in one line why it cannot be used. An index swapped in by
    another process while it was being read (a file missing between the two renames of the swap) is read again."""
    for attempt in range(_SWAP_RETRIES + 1):
        folder = _folder_identity(index_dir)
        try:
            return _load_once(index_dir, expected)
        except IndexProblem:
            if attempt == _SWAP_RETRIES or _folder_identity(index_dir) == folder:
                raise  # the same folder (or none) before and after: the problem is the index's own
            time.sleep(0.05)
    raise AssertionError("unreachable")


_SWAP_RETRIES = 3


def _folder_identity(index_dir: Path) -> tuple[int, int] | None:
    """The index folder's device and inode (a swap replaces the folder), None when there is none."""
    try:
        info = index_dir.stat()
    except OSError:
        return None
    return info.st_dev, info.st_ino


def _load_once(index_dir: Path, expected: dict) -> Index:
    manifest_path = index_dir / MANIFEST
    if not manifest_path.is_file():
        raise IndexProblem(f"no index in {index_dir}")
    try:
        manifest = json.loads(manifest_path.read_text(encoding="utf-8"))
        if not isinstance(manifest, dict):
            raise ValueError("not an object")
    except (ValueError, UnicodeDecodeError) as error:
        raise IndexProblem(f"index manifest is damaged ({error.__class__.__name__})") from error
    for key, value in expected.items():
        if manifest.get(key) != value:
            raise IndexProblem(f"index is stale: {STALE_REASONS.get(key, key + ' changed')}")
    _check_files(index_dir, manifest)
    try:
        return _read(index_dir, manifest)
    except (ValueError, KeyError, TypeError, RuntimeError) as error:
        raise IndexProblem(f"index cannot be read: {error}".splitlines()[0]) from error


def _check_files(index_dir: Path, manifest: dict) -> None:
    """IndexProblem unless every data file is there as the manifest recorded it."""
    files = manifest.get("files")
    if not isinstance(files, dict) or set(files) != set(DATA_FILES):
        raise IndexProblem("index manifest does not list its files")
    stats = manifest.get("stats") if isinstance(manifest.get("stats"), dict) else {}
    for name, digest in files.items():
        path = index_dir / name
        if not path.is_file():
            raise IndexProblem(f"index file {name} is missing")
        if stats.get(name) == _stat(path):
            continue  # as written: same size and modification time; hashing it again would only cost time
        if _sha256(path) != digest:
            raise IndexProblem(f"index file {name} is damaged (checksum mismatch)")


def _read(index_dir: Path, manifest: dict) -> Index:
    import faiss

    count = int(manifest["passage_count"])
    passages = [passage_from_dict(json.loads(line)) for line in _lines(index_dir / PASSAGES)]
    tokens = json.loads((index_dir / TOKENS).read_text(encoding="utf-8"))
    dense = faiss.read_index(str(index_dir / DENSE))
    sentences = [Sentence(**json.loads(line)) for line in _lines(index_dir / SENTENCES)]
    sentence_vectors = np.load(index_dir / SENTENCE_VECTORS, allow_pickle=False)
    text_keys = np.load(index_dir / TEXT_KEYS, allow_pickle=False)
    if not (len(passages) == len(tokens) == dense.ntotal == count):
        raise ValueError(f"row counts disagree: {len(passages)} passages, {len(tokens)} token rows, {dense.ntotal} vectors")
    if dense.d != manifest["dimension"] or sentence_vectors.shape != (len(sentences), dense.d):
        raise ValueError("vector dimensions disagree with the manifest")
    if text_keys.shape != (count + len(sentences), KEY_BYTES):
        raise ValueError("text keys disagree with the row counts")
    documents = [Document.from_dict(d) for d in manifest["documents"]]
    return Index(manifest, passages, tokens, dense, sentences, sentence_vectors, documents, text_keys)


def _lines(path: Path) -> list[str]:
    return [line for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def passage_to_dict(passage: Passage) -> dict:
    return dataclasses.asdict(passage)


def passage_from_dict(data: dict) -> Passage:
    data = dict(data)
    for key in ("section", "footnotes", "cited_by", "path", "pages"):
        data[key] = tuple(data.get(key, ()))
    data["columns"] = tuple(tuple(pair) for pair in data.get("columns", ()))
    return Passage(**data)


# ---------------------------------------------------------------- building


def cite(label: str, document: Document, several: bool, pages: tuple[int, ...] = ()) -> str:
    """The citation of a unit: its label, with the document named first when more than one is loaded, and its
    page(s) when the source has pages: "CBD/COP/DEC/16/31, para. 5 (b), p. 3"."""
    chinese = document.language == "zh"
    if pages:
        first, last = pages[0], pages[-1]
        if chinese:
            label += f" 第{first}页" if first == last else f" 第{first}–{last}页"
        else:
            label += f", p. {first}" if first == last else f", pp. {first}–{last}"
    if not several:
        return label
    return f"{document.name}{' ' if chinese else ', '}{label}"


def qualify(passage: Passage, document: Document, several: bool, order: int) -> Passage:
    """A parsed passage as the corpus knows it: its id and links prefixed with the document's id."""
    prefix = document.id + ":"
    label = passage.label or passage.citation
    cited = _without_named_decision(label, passage, document) if several else label
    return dataclasses.replace(
        passage,
        id=prefix + passage.id,
        doc=document.id,
        label=label,
        citation=cite(cited, document, several, passage.pages if document.file.lower().endswith(".pdf") else ()),
        footnotes=tuple(prefix + i for i in passage.footnotes),
        cited_by=tuple(prefix + i for i in passage.cited_by),
        order=order,
    )


def _without_named_decision(label: str, passage: Passage, document: Document) -> str:
    """The label less the decision (or resolution) it starts with when the document's symbol is that decision's
    own: "para. 3" in CBD/COP/DEC/99/7 (of decision 99/7), A/RES/80/45, UNEP/MC/COP.6/Dec.7 (decision MC-6/7);
    not in a report's symbol (FCCC/PA/CMA/2023/16/Add.1 holds decision 1/CMA.5)."""
    first = passage.path[0] if passage.path else ""
    kind, _, number = first.partition(":")
    if kind not in ("decision", "resolution") or len(passage.path) < 2 or \
            not re.search(r"/(?:DEC|Dec|RES|Res)[./]", document.symbol or ""):
        return label
    digits = re.findall(r"\d+", number)
    if not digits or re.findall(r"\d+", document.symbol)[-len(digits):] != digits:
        return label
    named = structure_label((Seg(kind, number),), document.language)
    for glue in (", ", " "):
        if label.startswith(named + glue):
            return label[len(named + glue):]
    return label


def parse_documents(documents: list[Document]) -> list[Passage]:
    """All passages of all documents in one order; every id is "<document id>:<local id>"."""
    passages: list[Passage] = []
    several = len(documents) > 1
    for document in documents:
        for passage in parser.parse(document.text, document.language):
            passages.append(qualify(passage, document, several, len(passages)))
    return passages


@dataclass
class _Part:
    """One document's share of an index: its passages (local ids), tokens, vectors and sentences."""

    passages: list[Passage]
    tokens: list[list[str]]
    vectors: np.ndarray | None  # passage vectors, None until embedded
    sentences: list[tuple[int, str]]  # (passage position within the document, sentence)
    sentence_vectors: np.ndarray | None
    keys: np.ndarray  # text keys of the passages' embedded texts, then of the sentences
    contexts: list[str] = dataclasses.field(default_factory=list)


def _previous_parts(index_dir: Path, model: str) -> dict[str, _Part]:
    """The documents of the index on disk, by file sha256, when it was built by this code and model: an update
    then parses and embeds only documents that are new or changed (or every one, when there is no such index)."""
    expected = {key: value for key, value in expected_manifest(None, model).items() if key != "corpus_sha256"}
    try:
        index = load(index_dir, expected)
    except IndexProblem:
        return {}
    vectors = index.dense.reconstruct_n(0, index.dense.ntotal)
    rows_of: dict[str, list[int]] = {}
    for row, passage in enumerate(index.passages):
        rows_of.setdefault(passage.doc, []).append(row)
    sentences_of: dict[str, list[int]] = {}
    for k, sentence in enumerate(index.sentences):
        sentences_of.setdefault(index.passages[sentence.row].doc, []).append(k)
    parts = {}
    for document in index.documents:
        rows = rows_of.get(document.id, [])
        position = {row: n for n, row in enumerate(rows)}
        kept = sentences_of.get(document.id, [])
        parts[document.sha256] = _Part(
            passages=[_local(index.passages[row], document) for row in rows],
            tokens=[index.tokens[row] for row in rows],
            vectors=vectors[rows] if rows else np.zeros((0, index.dense.d), np.float32),
            sentences=[(position[index.sentences[k].row], index.sentences[k].text) for k in kept],
            sentence_vectors=index.sentence_vectors[kept] if kept else np.zeros((0, index.dense.d), np.float32),
            keys=index.text_keys[rows + [len(index.passages) + k for k in kept]],
        )
    return parts


def _vectors_embedded_before(index_dir: Path, model: str) -> dict[bytes, np.ndarray]:
    """Every vector of the index on disk by its text's key, when the same model embedded it the same way: after
    an upgrade of the parser most texts are the same, and only the others need the model (none when unreadable)."""
    try:
        manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
        same = {"format": FORMAT_VERSION, "model": model, "embedding_version": EMBEDDING_VERSION}
        if not isinstance(manifest, dict) or any(manifest.get(k) != v for k, v in same.items()):
            return {}
        _check_files(index_dir, manifest)
        import faiss

        dense = faiss.read_index(str(index_dir / DENSE))
        vectors = np.concatenate([dense.reconstruct_n(0, dense.ntotal),
                                  np.load(index_dir / SENTENCE_VECTORS, allow_pickle=False)])
        keys = np.load(index_dir / TEXT_KEYS, allow_pickle=False)
    except (OSError, ValueError, TypeError, RuntimeError, IndexProblem):
        return {}
    if keys.shape != (len(vectors), KEY_BYTES):
        return {}
    return {key.tobytes(): vector for key, vector in zip(keys, vectors)}


def previous_ids(index_dir: Path) -> dict[str, str]:
    """File name -> document id in the index on disk (none when there is no readable manifest)."""
    try:
        manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
        return {d["file"]: d["id"] for d in manifest.get("documents", []) if "file" in d and "id" in d}
    except (OSError, ValueError, TypeError, AttributeError):
        return {}


def _local(passage: Passage, document: Document) -> Passage:
    """A stored passage as the parser gave it: local ids and links, the label as its citation."""
    prefix = document.id + ":"
    return dataclasses.replace(passage, id=passage.id.removeprefix(prefix), doc="", citation=passage.label,
                               footnotes=tuple(i.removeprefix(prefix) for i in passage.footnotes),
                               cited_by=tuple(i.removeprefix(prefix) for i in passage.cited_by))


def _new_part(document: Document, tokenizer: Tokenizer) -> _Part:
    passages = [qualify(p, document, False, 0) for p in parser.parse(document.text, document.language)]
    by_id = {p.id: p for p in passages}
    contexts = [context.context_text(p, by_id) for p in passages]
    sentences = [(n, s) for n, p in enumerate(passages) for s in context.quotable_sentences(p.text)]
    keys = np.array([list(text_key(t)) for t in contexts + [s for _, s in sentences]], np.uint8).reshape(-1, KEY_BYTES)
    return _Part([_local(p, document) for p in passages], [tokenizer(c) for c in contexts], None, sentences, None,
                 keys, contexts)


def _build_locked(index_dir, corpus_dir, embedder, tokenizer, progress, say, reuse: bool = True) -> Index:
    """Build the index; with `reuse`, documents unchanged since the index on disk keep their passages and vectors,
    and texts the index on disk already embedded (with this model) keep theirs."""
    started = time.perf_counter()
    documents, skipped = load_corpus(corpus_dir, previous_ids(index_dir))
    for line in skipped:
        say(f"skipped {line}")
    previous = _previous_parts(index_dir, embedder.name) if reuse else {}
    parts: list[_Part] = []
    fresh: list[_Part] = []
    from tqdm.auto import tqdm

    unread = sum(document.sha256 not in previous for document in documents)
    with tqdm(total=unread, desc="reading documents", unit="doc", disable=not (progress and unread)) as bar:
        for document in documents:
            part = previous.get(document.sha256)
            if part is None:
                part = _new_part(document, tokenizer)
                bar.update()
            parts.append(part)
            if part.vectors is None:
                fresh.append(part)
    if fresh:
        texts = [c for part in fresh for c in part.contexts] + [s for part in fresh for _, s in part.sentences]
        known = _vectors_embedded_before(index_dir, embedder.name) if reuse else {}
        reused = len(documents) - len(fresh)
        say(f"reading {sum(len(p.passages) for p in fresh)} passages and {sum(len(p.sentences) for p in fresh)} "
            f"sentences of {len(fresh)} document(s)" + (f"; {reused} unchanged document(s) kept" if reused else ""))
        vectors = _embed_once(embedder, texts, progress, known, say)
        at = sum(len(part.contexts) for part in fresh)
        start = 0
        for part in fresh:
            part.vectors, start = vectors[start:start + len(part.passages)], start + len(part.passages)
        for part in fresh:
            part.sentence_vectors, at = vectors[at:at + len(part.sentences)], at + len(part.sentences)
    else:
        say(f"nothing to embed: the {len(documents)} remaining document(s) are unchanged")
    return _assemble(index_dir, corpus_dir, embedder, documents, parts, skipped, started, say)


def _embed_once(embedder: Embedder, texts: list[str], progress: bool, known: dict[bytes, np.ndarray] | None = None,
                say=print) -> np.ndarray:
    """Vectors for texts, each distinct text embedded once and none the index on disk has (`known`): decisions
    repeat their formulas ("Requests the secretariat to ..."), so about a sixth of a UN corpus's sentences are
    repeats, and a parser upgrade leaves most texts as they were."""
    known = known or {}
    keys = {text: text_key(text) for text in texts}
    missing = [text for text in keys if keys[text] not in known]
    say(f"embedding {len(missing)} texts with {embedder.name}"
        + (f"; {len(keys) - len(missing)} embedded before kept" if len(missing) < len(keys) else ""))
    vectors = embedder.embed_passages(missing, progress=progress) if missing else None
    found = dict(zip(missing, vectors)) if missing else {}
    dimension = vectors.shape[1] if missing else (next(iter(known.values())).shape[0] if known else 0)
    if not texts:
        return np.zeros((0, dimension), np.float32)
    return np.stack([found[text] if text in found else known[keys[text]] for text in texts]).astype(np.float32)


def _assemble(index_dir, corpus_dir, embedder, documents, parts, skipped, started, say) -> Index:
    """Join the documents' parts into one index (row order: documents in corpus order) and write it."""
    several = len(documents) > 1
    passages: list[Passage] = []
    sentences: list[Sentence] = []
    for document, part in zip(documents, parts):
        first = len(passages)
        for passage in part.passages:
            passages.append(qualify(passage, document, several, len(passages)))
        sentences += [Sentence(first + n, text) for n, text in part.sentences]
    tokens = [t for part in parts for t in part.tokens]
    text_keys = np.concatenate([p.keys[:len(p.passages)] for p in parts] + [p.keys[len(p.passages):] for p in parts]) \
        if parts else np.zeros((0, KEY_BYTES), np.uint8)
    dimension = next((p.vectors.shape[1] for p in parts if p.vectors is not None and p.vectors.size), 0) or \
        int(getattr(embedder, "dim", 0) or 384)
    passage_vectors = np.concatenate([p.vectors for p in parts]).astype(np.float32) if parts else np.zeros((0, dimension), np.float32)
    sentence_vectors = np.ascontiguousarray(np.concatenate([p.sentence_vectors for p in parts]), dtype=np.float32)

    import faiss

    dense = faiss.IndexFlatIP(dimension)
    dense.add(np.ascontiguousarray(passage_vectors))
    manifest = expected_manifest(corpus_dir, embedder.name) | {
        "dimension": int(dimension),
        "passage_count": len(passages),
        "sentence_count": len(sentences),
        "documents": [d.to_dict() for d in documents],
        "skipped": skipped,
        "built_seconds": round(time.perf_counter() - started, 2),
    }
    _write(index_dir, manifest, passages, tokens, dense, sentences, sentence_vectors, text_keys)
    say(f"index written to {index_dir} ({len(passages)} passages, {manifest['built_seconds']} s)")
    return Index(manifest, passages, tokens, dense, sentences, sentence_vectors, documents, text_keys)


def _write(index_dir: Path, manifest: dict, passages, tokens, dense, sentences, sentence_vectors, text_keys) -> None:
    import faiss

    _refuse_foreign_folder(index_dir)
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    _remove_leftovers(index_dir)
    staging = index_dir.parent / f".{index_dir.name}.tmp-{os.getpid()}"
    staging.mkdir()
    with (staging / PASSAGES).open("w", encoding="utf-8") as handle:
        for passage in passages:
            handle.write(json.dumps(passage_to_dict(passage), ensure_ascii=False) + "\n")
    (staging / TOKENS).write_text(json.dumps(tokens, ensure_ascii=False), encoding="utf-8")
    faiss.write_index(dense, str(staging / DENSE))
    with (staging / SENTENCES).open("w", encoding="utf-8") as handle:
        for sentence in sentences:
            handle.write(json.dumps(dataclasses.asdict(sentence), ensure_ascii=False) + "\n")
    np.save(staging / SENTENCE_VECTORS, sentence_vectors, allow_pickle=False)
    np.save(staging / TEXT_KEYS, np.ascontiguousarray(text_keys, dtype=np.uint8), allow_pickle=False)
    manifest["files"] = {name: _sha256(staging / name) for name in DATA_FILES}
    for name in DATA_FILES:
        _fsync(staging / name)
    manifest["stats"] = {name: _stat(staging / name) for name in DATA_FILES}
    (staging / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
    for path in staging.iterdir():
        _fsync(path)
    _swap_in(staging, index_dir)


def _fsync(path: Path) -> None:
    with path.open("rb") as handle:
        os.fsync(handle.fileno())


def _swap_in(staging: Path, index_dir: Path) -> None:
    retired = index_dir.parent / f".{index_dir.name}.old-{os.getpid()}"
    if index_dir.exists():
        index_dir.rename(retired)
    staging.rename(index_dir)
    shutil.rmtree(retired, ignore_errors=True)


def _refuse_foreign_folder(index_dir: Path) -> None:
    """Never replace a folder that holds something other than an index (say, --index-dir pointed at ~)."""
    if index_dir.is_dir():
        known = set(DATA_FILES) | {MANIFEST}
        foreign = [p.name for p in index_dir.iterdir() if p.name not in known]
        if foreign:
            raise IndexProblem(f"{index_dir} holds files that are not an index ({foreign[0]} …); choose another --index-dir")
    elif index_dir.exists():
        raise IndexProblem(f"{index_dir} is a file, not an index folder")


def _remove_leftovers(index_dir: Path) -> None:
    """Folders left by a build that was killed (we hold the lock, so none is in use)."""
    for pattern in (f".{index_dir.name}.tmp-*", f".{index_dir.name}.old-*"):
        for path in index_dir.parent.glob(pattern):
            shutil.rmtree(path, ignore_errors=True)


@contextlib.contextmanager
def build_lock(index_dir: Path) -> Iterator[None]:
    """An exclusive lock beside the index folder: a second builder waits, then finds the index built."""
    index_dir.parent.mkdir(parents=True, exist_ok=True)
    lock_path = index_dir.parent / f".{index_dir.name}.lock"
    with lock_path.open("a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def open_index(index_dir: Path, corpus_dir: Path, embedder: Embedder, tokenizer: Tokenizer,
               progress: bool = True, say=print, rebuild: bool = False) -> Index:
    """The index for this corpus and model: loaded if sound, else (re)built with the reason said in one line."""
    expected = expected_manifest(corpus_dir, embedder.name)
    if not rebuild:
        try:
            return load(index_dir, expected)
        except IndexProblem as problem:
            say(f"{problem}; building the index")
    with build_lock(index_dir):
        if not rebuild:
            with contextlib.suppress(IndexProblem):
                return load(index_dir, expected)  # another process built it while we waited
        _refuse_foreign_folder(index_dir)  # before minutes of embedding, not after
        return _build_locked(index_dir, corpus_dir, embedder, tokenizer, progress, say, reuse=not rebuild)
