"""Small frozen records passed between the layers: passages, hits, answers."""
from __future__ import annotations

from dataclasses import dataclass, field


@dataclass(frozen=True)
class Passage:
    """One citation unit of a document: a paragraph, an item, an article, a footnote, a table row.

    The parser gives the local id and label; the index prefixes the id with the document's id
    ("CBD-WG2020-REC-1-1.zh:p7a") and, when several documents are loaded, names the document in `citation`.
    """

    id: str  # stable, e.g. "p7a", "a1-D-4", "fn14", "a2-t1-3"; "<doc>:<local id>" once in a corpus
    kind: str  # header | preamble | paragraph | item | article | heading | footnote | table_row | text
    citation: str  # what a person would cite: the label, with the document named when several are loaded
    text: str  # the document's own words, footnote markers removed
    section: tuple[str, ...] = ()  # heading path from the outside in
    footnotes: tuple[str, ...] = ()  # ids of the footnotes this passage cites
    cited_by: tuple[str, ...] = ()  # for a footnote: ids of the passages that cite it
    columns: tuple[tuple[str, str], ...] = ()  # for a table row: (column name, cell text)
    order: int = 0  # position in the document (in the corpus, once indexed)
    doc: str = ""  # the document's id (set by the index)
    label: str = ""  # the citation within its document: "第7段(a)项", "decision 1/CMA.5, para. 15 (a)"
    path: tuple[str, ...] = ()  # structural address, outside in: ("decision:1/CMA.5", "para:15", "item:a")
    pages: tuple[int, ...] = ()  # the pages it stands on (1-based), when the source has pages


@dataclass(frozen=True)
class Hit:
    """A passage found for a question, with its fused score and the channels' ranks."""

    passage: Passage
    score: float  # fused: the dense standard score plus the weighted lexical share (see bot.retrieve.Fusion)
    dense_score: float = 0.0  # cosine of question and passage
    lexical_score: float = 0.0  # BM25
    exact: bool = False  # resolved from a structural reference such as 第5段
    kind_bonus: float = 0.0  # part of the score owed to holding the kind of answer asked for (a date, a number)


@dataclass(frozen=True)
class Quote:
    """A sentence quoted verbatim from a passage, with its marker number [n]."""

    marker: int
    passage_id: str
    sentence: str


@dataclass(frozen=True)
class Answer:
    """What the bot says to one question: quotes, the ranked passages, and whether it declined."""

    question: str
    text: str
    abstained: bool
    hits: tuple[Hit, ...] = ()
    quotes: tuple[Quote, ...] = ()
    notes: tuple[str, ...] = field(default=())  # e.g. "问题过长，已截断"
