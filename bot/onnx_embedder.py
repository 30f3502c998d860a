"""The default model on ONNX Runtime: questions are embedded without torch or transformers.

bot/e5_model.py converts multilingual-e5-small once into the cache folder and exports its encoder
to ``model.onnx`` (fp32) and ``model-int8.onnx``. Here, per text:

1. "query: " or "passage: " goes in front, as e5 was trained (no other prompt, ever);
2. tokenizer.json, loaded by the `tokenizers` library, gives ids (``<s> … </s>``, at most 512);
3. the ids' rows of the word-embedding table are read from model.safetensors with positional
   reads: the 384 MB table is neither loaded nor mapped, so it costs no memory, and the page
   cache serves repeated rows;
4. ONNX Runtime runs the encoder, with as many intra-op threads as the process has cores;
5. numpy averages the hidden states over the attention mask and L2-normalises the mean.

Only numpy is imported with this module; onnxruntime and tokenizers load with the model.
"""
from __future__ import annotations

import json
import os
import struct
import threading
from pathlib import Path

import numpy as np

from bot.e5_model import MAX_SEQ_LENGTH, MODEL_NAME, ONNX_FILES, PROMPTS, WORD_EMBEDDINGS, ensure_default_model
from bot.errors import ModelError

__all__ = ["DEFAULT_PRECISION", "PRECISIONS", "OnnxEmbedder", "WordTable", "cores", "embedder_name"]

PRECISIONS = ("fp32", "int8")
# int8 is faster and smaller, but moved retrieval figures by more than the project's tolerance (0.01) on
# bench/questions.jsonl: see bench/embedder.py and the commit that set this.
DEFAULT_PRECISION = "fp32"
BATCH_SIZE = 16  # texts per run at most (sorted by length, see _batches)
BATCH_TOKENS = 4096  # padded tokens per run at most


def embedder_name(precision: str) -> str:
    """What the index manifest records: fp32 ONNX and the torch model give the same vectors (cosine > 0.9999),
    so they share the model's name and an index; int8 vectors differ, so int8 gets its own."""
    return MODEL_NAME if precision == "fp32" else f"{MODEL_NAME} ({precision})"


def cores() -> int:
    """CPUs this process may run on (an affinity mask or a container limit can make it fewer than the machine's)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except (AttributeError, OSError):
        return max(1, os.cpu_count() or 1)


class WordTable:
    """Rows of one float32 matrix in a safetensors file, read on demand with os.pread."""

    def __init__(self, path: Path, tensor: str) -> None:
        self._fd = -1
        self.path = Path(path)
        with open(self.path, "rb") as handle:
            (header_len,) = struct.unpack("<Q", handle.read(8))
            header = json.loads(handle.read(header_len))
        entry = header.get(tensor)
        if not entry or entry.get("dtype") != "F32" or len(entry.get("shape", ())) != 2:
            raise ModelError(f"{self.path}: no float32 matrix {tensor!r}")
        start, end = entry["data_offsets"]
        self.rows, self.dim = entry["shape"]
        self._row_bytes = 4 * self.dim
        if end - start != self.rows * self._row_bytes:
            raise ModelError(f"{self.path}: {tensor!r} has {end - start} bytes for shape {entry['shape']}")
        self._offset = 8 + header_len + start
        self._fd = os.open(self.path, os.O_RDONLY)

    def lookup(self, ids: np.ndarray) -> np.ndarray:
        """float32 rows for an integer array of ids, shaped ids.shape + (dim,)."""
        unique, where = np.unique(ids, return_inverse=True)
        if unique.size and (unique[0] < 0 or unique[-1] >= self.rows):
            raise ModelError(f"token id out of range for {self.path.name}")
        size = self._row_bytes
        data = b"".join(os.pread(self._fd, size, self._offset + int(i) * size) for i in unique)
        if len(data) != unique.size * size:
            raise ModelError(f"{self.path}: truncated")
        table = np.frombuffer(data, dtype="<f4").reshape(unique.size, self.dim)
        return table[where.reshape(ids.shape)]

    def close(self) -> None:
        if self._fd >= 0:
            os.close(self._fd)
            self._fd = -1

    def __del__(self) -> None:
        self.close()


class OnnxEmbedder:
    """multilingual-e5-small on ONNX Runtime with e5's prompts; normalized float32 vectors; one run at a time."""

    def __init__(self, cache_dir: Path, precision: str = DEFAULT_PRECISION, progress: bool = True,
                 threads: int | None = None) -> None:
        if precision not in PRECISIONS:
            raise ModelError(f"unknown precision {precision!r}; choose one of {', '.join(PRECISIONS)}")
        from bot.embedder import EMBEDDING_VERSION

        self.name, self.version = embedder_name(precision), EMBEDDING_VERSION
        self.precision, self.threads = precision, threads or cores()
        self._cache_dir, self._progress = Path(cache_dir), progress
        self._session = self._tokenizer = self._table = None
        self._pad = 1
        self._load_lock = threading.Lock()
        self._run_lock = threading.Lock()
        self._loader: threading.Thread | None = None
        self._error: BaseException | None = None

    # ------------------------------------------------------------------ loading

    def preload(self) -> None:
        """Start loading (and, on a first run, converting) in a background thread; the first embed waits for it.

        The tokenizer and ONNX Runtime do most of their loading outside the GIL, so this overlaps with opening
        the index. A failure there is raised by the first call that needs the model."""
        with self._load_lock:
            if self._session is not None or self._loader is not None:
                return
            self._loader = threading.Thread(target=self._load_in_background, name="bot-embedder-load", daemon=True)
            self._loader.start()

    def _load_in_background(self) -> None:
        with self._load_lock:
            try:
                self._load()
            except BaseException as error:  # noqa: BLE001 - handed to the thread that needs the model
                self._error = error

    def load(self) -> None:
        if self._session is not None:
            return
        loader = self._loader
        if loader is not None:
            loader.join()  # one attempt at a time: never a second conversion beside the preload's
        with self._load_lock:
            if self._session is None:
                error, self._error = self._error, None
                if error is not None:
                    raise error
                self._load()

    def _load(self) -> None:
        folder = ensure_default_model(self._cache_dir, progress=self._progress)
        try:
            import onnxruntime
            from tokenizers import Tokenizer
        except ImportError as error:
            raise ModelError(f"the default model needs onnxruntime and tokenizers ({error})") from error
        try:
            tokenizer = Tokenizer.from_file(str(folder / "tokenizer.json"))
            tokenizer.enable_truncation(MAX_SEQ_LENGTH)
            tokenizer.no_padding()
            pad = tokenizer.token_to_id("<pad>")
            table = WordTable(folder / "model.safetensors", WORD_EMBEDDINGS)
            options = onnxruntime.SessionOptions()
            options.intra_op_num_threads = self.threads
            options.inter_op_num_threads = 1
            options.log_severity_level = 3  # no warnings on stderr
            session = onnxruntime.InferenceSession(str(folder / ONNX_FILES[self.precision]), options,
                                                   providers=["CPUExecutionProvider"])
        except ModelError:
            raise
        except Exception as error:  # unreadable files, an ONNX Runtime that cannot run the graph
            raise ModelError(f"cannot load the default model ({self.precision}): {error}".splitlines()[0]) from error
        self._tokenizer, self._table, self._pad = tokenizer, table, 1 if pad is None else pad
        self._session = session  # last: its presence means loaded

    @property
    def dim(self) -> int:
        self.load()
        return self._table.dim

    # ---------------------------------------------------------------- embedding

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._embed(texts, "query", progress=False)

    def embed_passages(self, texts: list[str], progress: bool = False) -> np.ndarray:
        return self._embed(texts, "passage", progress=progress)

    def token_ids(self, texts: list[str], kind: str) -> list[list[int]]:
        """The ids the model sees for `texts` as queries or passages ("query"/"passage"): prefix included."""
        self.load()
        return [e.ids for e in self._tokenizer.encode_batch([PROMPTS[kind] + text for text in texts])]

    def _embed(self, texts: list[str], kind: str, progress: bool) -> np.ndarray:
        self.load()
        out = np.zeros((len(texts), self._table.dim), dtype=np.float32)
        if not texts:
            return out
        ids = self.token_ids(texts, kind)
        bar = None
        if progress:  # counted in texts (passages and sentences), not batches, which hold 1 to BATCH_SIZE texts
            from tqdm.auto import tqdm

            bar = tqdm(total=len(texts), desc="embedding", unit="text")
        for batch in _batches([len(i) for i in ids]):
            out[batch] = self._run([ids[i] for i in batch])
            if bar is not None:
                bar.update(len(batch))
        if bar is not None:
            bar.close()
        return out

    def _run(self, id_lists: list[list[int]]) -> np.ndarray:
        """Normalized mean-pooled vectors for token-id lists of one batch."""
        length = max(len(ids) for ids in id_lists)
        ids = np.full((len(id_lists), length), self._pad, dtype=np.int64)
        mask = np.zeros((len(id_lists), length), dtype=np.int64)
        for row, token_ids in enumerate(id_lists):
            ids[row, : len(token_ids)] = token_ids
            mask[row, : len(token_ids)] = 1
        words = self._table.lookup(ids)
        with self._run_lock:
            hidden = self._session.run(None, {"words": words, "attention_mask": mask})[0]
        weights = mask[:, :, None].astype(np.float32)
        pooled = (hidden * weights).sum(axis=1) / weights.sum(axis=1)
        return pooled / np.maximum(np.linalg.norm(pooled, axis=1, keepdims=True), 1e-12)


def _batches(lengths: list[int]) -> list[list[int]]:
    """Indexes grouped shortest first: at most BATCH_SIZE texts and BATCH_TOKENS padded tokens a batch, and
    never more padding than text (a few long passages are not run padded together with many short ones)."""
    batches: list[list[int]] = []
    real = 0
    for i in sorted(range(len(lengths)), key=lengths.__getitem__):
        # ascending order: text i would be the batch's longest, so the batch would pad to its length
        padded = (len(batches[-1]) + 1) * lengths[i] if batches else 0
        if batches and len(batches[-1]) < BATCH_SIZE and padded <= BATCH_TOKENS and padded <= 2 * (real + lengths[i]):
            batches[-1].append(i)
            real += lengths[i]
        else:
            batches.append([i])
            real = lengths[i]
    return batches
