"""Hybrid retrieval: structural references first, then dense (FAISS) and BM25 rankings fused."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from bot.bm25 import BM25
from bot.embedder import Embedder
from bot.glossary import chinese_terms
from bot.index import Index
from bot.records import Hit
from bot.references import annex_named, resolve
from bot.textnorm import normalize
from bot.tokenize import Tokenizer

MODES = ("hybrid", "dense", "lexical")
_FOLLOWUP = re.compile(
    r"^(那|那么|还有|另外|并且|而|and\b|what about|how about|and what|what of)|呢[?？]?$|它|它们|其|该|这个|这些|那个|上述|前者|后者"
    r"|\b(it|its|they|their|them|that one|this one)\b"
)


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


class Retriever:
    def __init__(self, index: Index, embedder: Embedder, tokenizer: Tokenizer, fusion: Fusion = Fusion()) -> None:
        self.index, self.embedder, self.tokenizer, self.fusion = index, embedder, tokenizer, fusion
        self.passages = index.passages
        self.row_of = {p.id: row for row, p in enumerate(self.passages)}
        self.known_ids = frozenset(self.row_of)
        self.bm25 = BM25(index.tokens, k1=fusion.bm25_k1, b=fusion.bm25_b)
        self.sentence_rows = np.array([s.row for s in index.sentences], dtype=np.int64)
        self.is_heading = np.array([p.kind == "heading" for p in self.passages])
        # passages of an annex, its footnotes, and passages that speak of it ("附件二所列会议…")
        self.in_annex = {
            annex: np.array([p.id.startswith(annex + "-") or p.id == annex or title in p.text
                             or (p.kind == "footnote" and bool(p.section) and p.section[0].startswith(title))
                             for p in self.passages])
            for annex, title in (("a1", "附件一"), ("a2", "附件二"))
        }

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
        """BM25 over the question's words, English words also read through the glossary."""
        return self.bm25.scores(self.tokenizer(question) + self.tokenizer(chinese_terms(question)))

    def search(self, question: str, k: int = 5, mode: str = "hybrid", previous: str = "") -> tuple[list[Hit], np.ndarray]:
        """The k best passages for a question, and the query vector; exact references rank first."""
        text = normalize(question)
        dense, lexical, query_vector = self.channel_scores(text, normalize(previous) if previous else "")
        fused = self._fuse(dense, lexical, mode)
        annex = annex_named(text) if mode == "hybrid" else None
        if annex:
            fused = np.where(self.in_annex[annex], fused * self.fusion.annex_factor, fused)
        exact = resolve(text, self.known_ids) if mode == "hybrid" else []
        ranked = [self.row_of[pid] for pid in exact]
        ranked += [row for row in np.argsort(-fused, kind="stable") if row not in ranked]
        hits = [
            Hit(
                passage=self.passages[row],
                score=float(fused[row]),
                dense_score=float(dense[row]),
                lexical_score=float(lexical[row]),
                exact=self.passages[row].id in exact,
            )
            for row in ranked[:k]
        ]
        return hits, query_vector

    def _fuse(self, dense: np.ndarray, lexical: np.ndarray, mode: str) -> np.ndarray:
        if mode == "dense":
            return dense
        if mode == "lexical":
            return lexical
        f = self.fusion
        lexical_part = np.where(lexical > 0, f.lexical_weight / (f.rrf_k + _ranks(lexical)), 0.0)
        fused = f.dense_weight / (f.rrf_k + _ranks(dense)) + lexical_part
        return np.where(self.is_heading, fused * f.heading_factor, fused)


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of every row (ties broken by row order)."""
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return ranks
