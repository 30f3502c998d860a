"""Okapi BM25 over pre-tokenized documents (numpy only). Row i of the scores is document i."""
from __future__ import annotations

import math
from collections import Counter

import numpy as np


class BM25:
    def __init__(self, documents: list[list[str]], k1: float = 1.2, b: float = 0.75) -> None:
        self.k1, self.b = k1, b
        self.size = len(documents)
        lengths = np.array([len(doc) for doc in documents], dtype=np.float32)
        average = float(lengths.mean()) if self.size and lengths.mean() > 0 else 1.0
        self._norm = k1 * (1 - b + b * lengths / average)
        self._postings: dict[str, list[tuple[int, int]]] = {}
        for row, doc in enumerate(documents):
            for term, count in Counter(doc).items():
                self._postings.setdefault(term, []).append((row, count))
        self.idf = {
            term: math.log(1 + (self.size - len(rows) + 0.5) / (len(rows) + 0.5))
            for term, rows in self._postings.items()
        }

    def scores(self, query: list[str]) -> np.ndarray:
        """BM25 score of every document for the query tokens (repeated query terms count once)."""
        scores = np.zeros(self.size, dtype=np.float32)
        for term in set(query):
            for row, count in self._postings.get(term, ()):
                scores[row] += self.idf[term] * count * (self.k1 + 1) / (count + self._norm[row])
        return scores
