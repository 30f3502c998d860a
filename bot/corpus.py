"""Reading the corpus folder (.txt, .md, .pdf, .docx) into Document records; a file that cannot be read is named
and skipped."""
from __future__ import annotations

import hashlib
import re
from dataclasses import asdict, dataclass, field
from pathlib import Path

from bot.errors import CorpusError

_BOMS = (("utf-8-sig", b"\xef\xbb\xbf"), ("utf-16", b"\xff\xfe"), ("utf-16", b"\xfe\xff"))
DOCUMENT_SUFFIXES = (".txt", ".md", ".markdown", ".pdf", ".docx")
_NOT_DOCUMENTS = ("readme",)  # a folder's README.md describes the corpus; it is not one of its documents
_UNSAFE_ID = re.compile(r"[^\w.-]+")  # letters of any script are kept: "区域湿地保护协定.zh.md" is no ".zh"


@dataclass(frozen=True)
class Document:
    """One document of the corpus, as the index and the answers name it."""

    id: str  # from the file name, unique in the corpus: "CBD-WG2020-REC-1-1.zh"
    symbol: str | None  # the UN symbol read from the front matter: "CBD/WG2020/REC/1/1"
    title: str  # the document's own title, else its file name
    language: str  # "zh" or "en"
    date: str | None
    kind: str  # decision, report, recommendation, treaty, … ("document" when unknown)
    file: str  # the file's name in the corpus folder
    sha256: str
    text: str = field(default="", repr=False, compare=False)  # the readable text; not stored in the index

    @property
    def name(self) -> str:
        """How citations name the document: its symbol, else its title."""
        return self.symbol or self.title

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("text")
        return data

    @classmethod
    def from_dict(cls, data: dict) -> "Document":
        fields = {key: data.get(key) for key in ("id", "symbol", "title", "language", "date", "kind", "file", "sha256")}
        return cls(**fields)  # type: ignore[arg-type]


def document_id(file_name: str) -> str:
    """A short id from a file name: its stem with spaces and odd characters folded to '-' (letters of any script
    kept)."""
    return _UNSAFE_ID.sub("-", Path(file_name).stem).strip("-") or "document"


def decode(data: bytes, name: str) -> str:
    """Text of a file's bytes: a BOM's encoding, else UTF-8, else GB18030 (covers GBK); binary is refused."""
    if not data.strip():
        raise CorpusError(f"{name}: the file is empty")
    for encoding, bom in _BOMS:
        if data.startswith(bom):
            try:
                if encoding == "utf-16" and _ascii_pairs(data[2:]):
                    raise UnicodeDecodeError(encoding, data, 2, len(data), "ASCII bytes behind a UTF-16 mark")
                return _checked(data.decode(encoding, errors="strict"), name)
            except UnicodeDecodeError:
                raise CorpusError(f"{name}: starts like {encoding.upper()} text but is not valid {encoding.upper()}; "
                                  "save it as UTF-8") from None
    if b"\x00" in data:
        raise CorpusError(f"{name}: this looks like a binary file, not text")
    for encoding in ("utf-8", "gb18030"):
        try:
            return _checked(data.decode(encoding), name)
        except UnicodeDecodeError:
            continue
    raise CorpusError(f"{name}: not UTF-8 or GBK text; save it as UTF-8")


def _ascii_pairs(data: bytes) -> bool:
    """Whether bytes after a UTF-16 mark read as plain ASCII text rather than UTF-16: most two-byte units are two
    printable ASCII characters. UTF-16 puts a zero byte beside every ASCII character, and of Chinese characters
    only about one in five has two printable bytes."""
    pairs = [data[i:i + 2] for i in range(0, len(data) - 1, 2)]
    printable = sum(all(32 <= b < 127 for b in pair) for pair in pairs)
    return len(pairs) >= 3 and printable > 0.6 * len(pairs)


def _checked(text: str, name: str) -> str:
    text = text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")
    controls = sum(1 for ch in text if ord(ch) < 32 and ch not in "\n\t\f")
    if controls > max(8, len(text) // 100):
        raise CorpusError(f"{name}: this looks like a binary file, not text")
    if not text.strip():
        raise CorpusError(f"{name}: the file has no text")
    return text


def corpus_files(corpus_dir: Path) -> list[Path]:
    if not corpus_dir.is_dir():
        raise CorpusError(f"corpus folder not found: {corpus_dir}")
    files = sorted(p for p in corpus_dir.iterdir()
                   if p.is_file() and p.suffix.lower() in DOCUMENT_SUFFIXES and p.stem.lower() not in _NOT_DOCUMENTS)
    if not files:
        raise CorpusError(f"no documents ({', '.join(DOCUMENT_SUFFIXES)}) in the corpus folder {corpus_dir}")
    return files


def corpus_sha256(corpus_dir: Path) -> str:
    """One hash over every corpus file's name and bytes: any change makes the index stale."""
    digest = hashlib.sha256()
    for path in corpus_files(corpus_dir):
        digest.update(path.name.encode() + b"\0" + hashlib.sha256(path.read_bytes()).digest())
    return digest.hexdigest()


_MINOR_WORDS = {"a", "an", "and", "as", "at", "by", "for", "from", "in", "of", "on", "or", "the", "to", "with"}


def readable_title(title: str) -> str:
    """A title set in capitals, as treaties print theirs ("CONVENTION ON THE PROTECTION OF …"), in the case
    citations use ("Convention on the Protection of …"); any other title as it is."""
    letters = [ch for ch in title if ch.isalpha()]
    if len(letters) < 12 or not all(ch.isascii() and ch.isupper() for ch in letters):
        return title
    words = title.lower().split()
    return " ".join(word if i and word in _MINOR_WORDS else word[:1].upper() + word[1:] for i, word in enumerate(words))


def read_document(path: Path, doc_id: str | None = None) -> Document:
    """One file as a Document; CorpusError says in one line why it cannot be read."""
    from bot.sources import MAX_BYTES, read_bytes  # readers and parser are imported here to keep `import bot` light
    from bot.structure import detect

    if path.stat().st_size > MAX_BYTES:
        raise CorpusError(f"{path.name}: the file is larger than {MAX_BYTES // 2**20} MB")
    data = path.read_bytes()
    text = read_bytes(data, path.name).text

    info = detect(text, path.name)
    title = readable_title(info.title) if info.title else path.stem
    return Document(id=doc_id or document_id(path.name), symbol=info.symbol, title=title, language=info.language,
                    date=info.date, kind=info.kind or "document", file=path.name,
                    sha256=hashlib.sha256(data).hexdigest(), text=text)


def load_corpus(corpus_dir: Path, previous_ids: dict[str, str] | None = None) -> tuple[list[Document], list[str]]:
    """The readable documents, and one line for each file that was skipped. `previous_ids` (file name -> id, from
    the index on disk) keeps each file's id through later additions: the picker and --doc keep meaning it."""
    documents, skipped = [], []
    paths = corpus_files(corpus_dir)
    ids = assign_ids([path.name for path in paths], previous_ids or {})
    for path in paths:
        try:
            documents.append(read_document(path, ids[path.name]))
        except CorpusError as error:
            skipped.append(str(error))
    if not documents:
        raise CorpusError("no readable document in the corpus: " + "; ".join(skipped))
    return documents, skipped


def assign_ids(names: list[str], previous: dict[str, str]) -> dict[str, str]:
    """An id for each file name, unique in any case: the id a file had keeps it; a new one gets its own
    (document_id), or that with -2, -3 when taken ('report' twice: report.txt, report.md)."""
    ids: dict[str, str] = {}
    taken: set[str] = set()
    for name in names:
        kept = previous.get(name)
        if kept and kept.lower() not in taken:
            ids[name] = kept
            taken.add(kept.lower())
    for name in names:
        if name in ids:
            continue
        base = document_id(name)
        candidate, n = base, 1
        while candidate.lower() in taken:
            n += 1
            candidate = f"{base}-{n}"
        ids[name] = candidate
        taken.add(candidate.lower())
    return ids
