"""Hybrid retrieval over many documents: structural references first, then dense (FAISS) and BM25 rankings fused.

The lexical channel cannot match a Chinese question against English text (or the reverse) beyond the
bilingual terms it is given, so BM25 ranks passages within their own language: the best English match of a
Chinese question (found through its translated terms) earns the same lexical credit as the best Chinese
match, instead of being outvoted by every passage that shares the question's script. With one language the
fusion is the plain reciprocal-rank fusion.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bot.bm25 import BM25
from bot.embedder import Embedder
from bot.glossary import Glossary
from bot.index import Index
from bot.records import Hit
from bot.references import Resolver, canonical, read_segments
from bot.textnorm import normalize
from bot.tokenize import Tokenizer

MODES = ("hybrid", "dense", "lexical")
_FOLLOWUP = re.compile(
    r"^(那|那么|还有|另外|并且|而|and\b|what about|how about|and what|what of)|呢[?？]?$|它|它们|其|该|这个|这些|那个|上述|前者|后者"
    r"|\b(it|its|they|their|them|that one|this one)\b"
)
_CJK = re.compile(r"[\u3400-\u9fff]")
_ANNEX_MENTION = re.compile(r"附件([一二三四五六七八九十]{1,3})|\bannex\s+([ivx]{1,5})\b")


@dataclass(frozen=True)
class Fusion:
    """Reciprocal-rank fusion settings; the dense channel and BM25 disagree in scale, so ranks are fused."""

    rrf_k: float = 20.0
    dense_weight: float = 1.0
    lexical_weight: float = 2.5
    history_weight: float = 0.5  # how much a previous question counts in a follow-up
    sentence_weight: float = 0.3  # share of a passage's best sentence in its dense score
    heading_factor: float = 0.7  # headings answer references (resolved exactly), rarely free questions
    annex_factor: float = 1.5  # a question that names an annex prefers that annex's passages
    bm25_k1: float = 0.8  # passages are short and repeat few words: saturate term counts early
    bm25_b: float = 0.4  # and normalize length gently


def is_followup(question: str) -> bool:
    """A question that leans on the previous turn: 那第三次会议呢？ / 它的脚注怎么说？ / What about the third one?"""
    text = normalize(question)
    return bool(_FOLLOWUP.search(text)) or len(text) <= 6


def language_of(text: str) -> str:
    """'zh' when the text has Chinese characters, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


class Retriever:
    def __init__(self, index: Index, embedder: Embedder, tokenizer: Tokenizer, fusion: Fusion = Fusion(),
                 glossary: Glossary | None = None) -> None:
        self.index, self.embedder, self.tokenizer, self.fusion = index, embedder, tokenizer, fusion
        self.glossary = glossary or Glossary.load()
        self.passages = index.passages
        self.row_of = {p.id: row for row, p in enumerate(self.passages)}
        self.resolver = Resolver(self.passages, index.documents)
        self.bm25 = BM25(index.tokens, k1=fusion.bm25_k1, b=fusion.bm25_b)
        self.sentence_rows = np.array([s.row for s in index.sentences], dtype=np.int64)
        self.is_heading = np.array([p.kind == "heading" for p in self.passages])
        self.doc_ids = sorted({p.doc for p in self.passages})
        doc_number = {doc: n for n, doc in enumerate(self.doc_ids)}
        self.doc_of_row = np.array([doc_number[p.doc] for p in self.passages], dtype=np.int32)
        languages = {d.id: d.language for d in index.documents}
        self.is_chinese = np.array([languages.get(p.doc, language_of(p.text)) == "zh" for p in self.passages])
        self.annex_of, self.annex_mentions = self._annexes()

    def _annexes(self) -> tuple[np.ndarray, list[frozenset[int]]]:
        """For each passage the annex it stands in (0: none; a footnote: that of what cites it), and the annexes
        its text speaks of ("附件二所列会议…", "annex II")."""
        from bot.references import roman_to_int, to_int

        annex = np.zeros(len(self.passages), dtype=np.int32)
        for row, passage in enumerate(self.passages):
            numbers = [canonical(s)[1] for s in passage.path if s.startswith("annex:")]
            if numbers and numbers[0].isdigit():
                annex[row] = int(numbers[0])
        for row, passage in enumerate(self.passages):
            if passage.kind == "footnote" and passage.cited_by and passage.cited_by[0] in self.row_of:
                annex[row] = annex[self.row_of[passage.cited_by[0]]]
        mentions = []
        for passage in self.passages:
            found = set()
            for m in _ANNEX_MENTION.finditer(passage.text.lower()):
                value = to_int(m[1]) if m[1] else roman_to_int(m[2])
                if value:
                    found.add(value)
            mentions.append(frozenset(found))
        return annex, mentions

    def rows_of_documents(self, docs: Iterable[str]) -> np.ndarray:
        wanted = [n for n, doc in enumerate(self.doc_ids) if doc in set(docs)]
        return np.isin(self.doc_of_row, wanted)

    def embed(self, text: str) -> np.ndarray:
        return self.embedder.embed_queries([text])[0]

    def channel_scores(self, question: str, previous: str = "") -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """Dense cosines, BM25 scores and the query vector; a previous question counts at history_weight."""
        query_vector = self.embed(f"{previous} {question}".strip() if previous else question)
        scores, rows = self.index.dense.search(query_vector[None, :], len(self.passages))
        dense = np.empty(len(self.passages), dtype=np.float32)
        dense[rows[0]] = scores[0]
        if self.fusion.sentence_weight and len(self.sentence_rows):
            best = np.full(len(self.passages), -1.0, dtype=np.float32)
            np.maximum.at(best, self.sentence_rows, self.index.sentence_vectors @ query_vector)
            best = np.where(best < 0, dense, best)
            dense = (1 - self.fusion.sentence_weight) * dense + self.fusion.sentence_weight * best
        lexical = self.lexical_scores(question)
        if previous:
            lexical = lexical + self.fusion.history_weight * self.lexical_scores(previous)
        return dense, lexical, query_vector

    def lexical_scores(self, question: str) -> np.ndarray:
        """BM25 over the question's words and their translations from the bilingual glossary."""
        return self.bm25.scores(self.tokenizer(question) + self.tokenizer(self.glossary.translations(question)))

    def search(self, question: str, k: int = 5, mode: str = "hybrid", previous: str = "",
               scope: Iterable[str] | None = None, previous_doc: str | None = None) -> tuple[list[Hit], np.ndarray]:
        """The k best passages for a question, and the query vector; exact references rank first.

        `scope` limits the answer to these documents; `previous_doc` is where the previous turn was answered
        (a reference without a document resolves there first)."""
        text = normalize(question)
        dense, lexical, query_vector = self.channel_scores(text, normalize(previous) if previous else "")
        language = language_of(text)
        fused = self._fuse(dense, lexical, mode, language)
        scope = list(scope) if scope else None
        if mode == "hybrid":
            fused = self._annex_boost(text, fused)
        if scope is not None:
            fused = np.where(self.rows_of_documents(scope), fused, -np.inf)
        exact = self.resolver.resolve(text, previous_doc, language, scope) if mode == "hybrid" else []
        ranked = [self.row_of[pid] for pid in exact]
        taken = set(ranked)
        count = max(k - len(ranked), 0)
        best = np.argsort(-fused, kind="stable")
        ranked += [int(row) for row in best[: count + len(ranked)] if row not in taken and np.isfinite(fused[row])][:count]
        hits = [
            Hit(
                passage=self.passages[row],
                score=float(fused[row]) if np.isfinite(fused[row]) else 0.0,
                dense_score=float(dense[row]),
                lexical_score=float(lexical[row]),
                exact=self.passages[row].id in exact,
            )
            for row in ranked[:k]
        ]
        return hits, query_vector

    def _annex_boost(self, text: str, fused: np.ndarray) -> np.ndarray:
        """A question that names one annex (and only one) prefers the passages in it or speaking of it."""
        annexes = {value for kind, value in read_segments(text) if kind == "annex"}
        if len(annexes) != 1 or not next(iter(annexes)).isdigit():
            return fused
        number = int(annexes.pop())
        inside = (self.annex_of == number) | np.array([number in m for m in self.annex_mentions])
        return np.where(inside, fused * self.fusion.annex_factor, fused)

    def _fuse(self, dense: np.ndarray, lexical: np.ndarray, mode: str, language: str = "zh") -> np.ndarray:
        if mode == "dense":
            return dense
        if mode == "lexical":
            return lexical
        f = self.fusion
        lexical_ranks = _ranks_within(lexical, self.is_chinese)
        lexical_part = np.where(lexical > 0, f.lexical_weight / (f.rrf_k + lexical_ranks), 0.0)
        fused = f.dense_weight / (f.rrf_k + _ranks(dense)) + lexical_part
        return np.where(self.is_heading, fused * f.heading_factor, fused)


def _ranks_within(scores: np.ndarray, group: np.ndarray) -> np.ndarray:
    """1-based rank of every row among the rows of its own group (here: passages of the same language)."""
    if group.all() or not group.any():
        return _ranks(scores)
    ranks = np.empty(len(scores), dtype=np.float32)
    for members in (np.flatnonzero(group), np.flatnonzero(~group)):
        ranks[members] = _ranks(scores[members])
    return ranks


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of every row (ties broken by row order)."""
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return ranks
