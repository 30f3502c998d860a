"""A deterministic stand-in for the embedding model: hashed character bigrams, normalized."""
from __future__ import annotations

import hashlib

import numpy as np

from bot.textnorm import normalize


class FakeEmbedder:
    name = "fake-bigrams-64"
    dim = 64

    def __init__(self) -> None:
        self.calls = 0

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        text = normalize(text)
        for i in range(len(text) - 1):
            bucket = int.from_bytes(hashlib.md5(text[i:i + 2].encode()).digest()[:4], "little") % self.dim
            vector[bucket] += 1.0
        norm = np.linalg.norm(vector)
        return vector / norm if norm else vector

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        self.calls += 1
        return np.stack([self._vector(t) for t in texts]) if texts else np.zeros((0, self.dim), np.float32)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self.embed_queries(texts)


class RecordingEmbedder(FakeEmbedder):
    """A FakeEmbedder that remembers every passage text it was asked to embed, in order."""

    def __init__(self) -> None:
        super().__init__()
        self.embedded: list[str] = []

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        self.embedded += texts
        return super().embed_passages(texts, progress)
