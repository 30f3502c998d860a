"""Dense passage vectors: exact inner-product search for a small collection, an inverted file for a large one.

Vectors are normalized float32, so inner product is cosine. Below `EXACT_BELOW` rows the store is a
`faiss.IndexFlatIP` (exact); from there on a `faiss.IndexIVFFlat` over ~4·sqrt(n) k-means lists
(spherical, trained on a sample), of which the nprobe nearest are scanned per question, nprobe measured
at build time so that recall@10 against exact search stays at about RECALL_TARGET. Row i is the i-th
vector added; search returns rows, never faiss's internals.

    store = VectorStore.build(vectors)          # (n, d) float32, normalized
    rows, scores = store.search(query, k=100)   # best first
    store.search(query, 100, allowed=mask)      # only the rows of the documents a user picked
    store.save(path); VectorStore.load(path)    # one faiss file, no pickle
"""
from __future__ import annotations

import contextlib
import math
import os
import weakref
from pathlib import Path

import numpy as np

from bot.bm25 import Ranked, row_mask, select_top

__all__ = ["EXACT_BELOW", "RECALL_TARGET", "TRAIN_SAMPLE", "RowFile", "VectorStore", "lists_for"]

# EXACT_BELOW, from bench/scale.py (2 cores, shared): exact search reads every vector for each question, so its
# time grows with n: p50 0.4 ms at 10k rows, 1.8-3 ms at 30k, 3-6 ms at 50k, 10 ms at 100k. The inverted file
# answers in 0.1-0.5 ms at any of those sizes but gives up ~1% of recall@10 and costs a k-means at build
# (1.5 s at 10k, 9 s at 50k, 19 s at 100k; embedding the passages takes far longer). Below 50k rows exact
# search costs at most about a third of embedding the question (~15 ms), so the store stays exact there
# and every result is the true nearest; above it exact search is the larger cost and keeps growing.
EXACT_BELOW = 50_000
# NPROBE: how many lists a question scans is measured, not guessed, when the inverted file is built:
# TUNE_QUERIES stored vectors serve as questions, their exact 10 nearest (themselves left out) are the truth,
# and the smallest nprobe of NPROBE_LADDER whose recall@10 reaches RECALL_TARGET is kept. Real questions
# lie farther from the passages than passages from each other, and on bench/scale.py's data they scored
# below this self-recall: at 1M rows (4000 lists) self 0.991 / questions 0.973 with 32 lists, 0.995 / 0.981
# with 48, 0.996 / 0.985 with 64; at 100k (1265 lists) 0.9915 / 0.988 with 32, 0.9965 / 0.996 with 48.
# Hence 0.995 for the 0.97 bar (48 lists at both sizes, ~2 ms at 1M). A fixed nprobe would not carry over
# between collections: on 100k synthetic vectors with tighter or looser clusters, 32 of 1265 lists gave
# recall@10 anywhere from 0.70 to 1.00.
RECALL_TARGET = 0.995
NPROBE_LADDER = (8, 12, 16, 24, 32, 48, 64, 96, 128, 192, 256, 384, 512)
TUNE_QUERIES = 200
TRAIN_SAMPLE = 50_000  # k-means on a sample keeps the build bounded
KMEANS_ITERATIONS = 10  # faiss's default 25 gave the same recall (0.985 at nprobe 32, 100k rows) for 1.7x the time
# EXACT_SELECTION: a search restricted to a few documents' rows finds their nearest rows farther away than
# the collection's nearest, outside the nprobe lists nearest the question. Up to this many allowed rows the
# inverted file compares the question with each of them (exact); reading a row back from the lists costs
# ~1-1.5 us, so 2,000 rows take ~2 ms and 20,000 took 20-30 ms at 1M rows. Above it the search scans
# nprobe·sqrt(n/allowed) lists (bench/scale.py, 1M rows, nprobe 32 of 4000): with 2% of the rows allowed,
# 224 lists gave recall@10 0.982 in 1.0 ms (896 lists: 0.997, 3.5 ms); with 20%, 64 lists gave 0.978 in
# 0.6 ms. Linear scaling (nprobe·n/allowed: 1600 lists for 2%) cost several times more for recall the
# 0.97 bar did not need.
EXACT_SELECTION = 2_000
# ONE_THREAD: one question is searched on the calling thread alone. With faiss's default of one OpenMP
# thread per core, a single-question search waited for a second thread that another process had
# descheduled: 37 ms instead of 0.5 ms for exact search over 10k rows on the 2-core machine while a test
# suite ran beside it. Several questions at once still use every core, one question per request thread.
# (omp_set_num_threads changes only the calling thread's setting, so building stays multi-threaded.)


def lists_for(count: int) -> int:
    """Inverted lists for a collection of `count` vectors: ~4·sqrt(n), the usual faiss rule."""
    return max(1, int(round(4 * math.sqrt(count))))


class VectorStore:
    """Normalized float32 vectors searched by inner product, exactly or through an inverted file.

    `nprobe=None` measures it at build time (see RECALL_TARGET); a number fixes it. `estimated_recall` is
    that measurement (None for an exact store or a loaded one).
    """

    def __init__(self, dim: int, *, exact_below: int = EXACT_BELOW, nprobe: int | None = None,
                 train_sample: int = TRAIN_SAMPLE, seed: int = 0) -> None:
        import faiss

        self.dim, self.exact_below, self.train_sample, self.seed = int(dim), exact_below, train_sample, seed
        self._nprobe = nprobe
        self.estimated_recall: float | None = None
        self.index = faiss.IndexFlatIP(self.dim)

    @classmethod
    def build(cls, vectors: np.ndarray, **options) -> VectorStore:
        """A store holding `vectors` (row i is vectors[i]); exact or inverted file by their number."""
        vectors = _matrix(vectors)
        store = cls(vectors.shape[1], **options)
        store.add(vectors)
        return store

    def __len__(self) -> int:
        return int(self.index.ntotal)

    @property
    def approximate(self) -> bool:
        """True for the inverted file, False for exact search."""
        return hasattr(self.index, "nlist")

    @property
    def nlist(self) -> int:
        return int(self.index.nlist) if self.approximate else 0

    @property
    def nprobe(self) -> int:
        return int(self.index.nprobe) if self.approximate else 0

    @nprobe.setter
    def nprobe(self, value: int) -> None:
        self._nprobe = int(value)
        if self.approximate:
            self.index.nprobe = min(int(value), self.nlist)

    def add(self, vectors: np.ndarray) -> None:
        """Append vectors as the next rows. An exact store that reaches `exact_below` rows becomes an
        inverted file trained on a sample of everything it holds; an inverted file keeps its lists and
        nprobe (build a new store when the collection has grown several times over)."""
        vectors = _matrix(vectors, self.dim)
        if self.approximate or len(self) + len(vectors) < self.exact_below:
            self.index.add(vectors)
            return
        held = self.index.reconstruct_n(0, len(self)) if len(self) else None
        everything = vectors if held is None else np.concatenate([held, vectors])
        del held
        index = self._train(everything)
        index.add(everything)
        if self._nprobe is None:
            index.nprobe, self.estimated_recall = self._tune(index, everything)
        else:
            index.nprobe = min(self._nprobe, index.nlist)
        self.index = index

    def _train(self, vectors: np.ndarray):
        import faiss

        sample = vectors
        if len(vectors) > self.train_sample:
            rng = np.random.default_rng(self.seed)
            sample = vectors[np.sort(rng.choice(len(vectors), self.train_sample, replace=False))]
        nlist = min(lists_for(len(vectors)), len(sample))  # k-means needs a point per list
        quantizer = faiss.IndexFlatIP(self.dim)
        index = faiss.IndexIVFFlat(quantizer, self.dim, nlist, faiss.METRIC_INNER_PRODUCT)
        index.cp.spherical = True  # centroids on the sphere, as the vectors are: inner product assigns fairly
        index.cp.niter = KMEANS_ITERATIONS
        index.cp.min_points_per_centroid = 1  # a 50k sample for 4000 lists is below faiss's advice, on purpose
        index.cp.seed = self.seed
        index.train(sample)
        index.make_direct_map()  # rows back to vectors, for scores_for and vectors_of (8 bytes a row)
        return index

    def _tune(self, index, vectors: np.ndarray) -> tuple[int, float]:
        """The smallest nprobe whose recall@10 on stored vectors as questions reaches RECALL_TARGET."""
        import faiss

        rng = np.random.default_rng(self.seed + 1)
        rows = np.sort(rng.choice(len(vectors), min(TUNE_QUERIES, len(vectors)), replace=False))
        queries = vectors[rows]
        _, exact = faiss.knn(queries, vectors, 11, metric=faiss.METRIC_INNER_PRODUCT)
        truth = [set(found[found != row][:10].tolist()) for found, row in zip(exact, rows)]
        recall = 0.0
        for nprobe in [p for p in NPROBE_LADDER if p < index.nlist] + [index.nlist]:
            index.nprobe = nprobe
            _, approximate = index.search(queries, 11)
            recall = float(np.mean([len(t & set(found[found != row].tolist())) / max(1, len(t))
                                    for t, found, row in zip(truth, approximate, rows)]))
            if recall >= RECALL_TARGET:
                break
        return index.nprobe, recall

    def search(self, query: np.ndarray, k: int, allowed: np.ndarray | None = None) -> Ranked:
        """The k rows with the highest inner product with `query`, best first.

        `allowed` (a boolean mask over all rows, or row numbers) restricts the search to those rows: see
        EXACT_SELECTION for how the inverted file keeps its recall there.
        """
        import faiss

        query = _matrix(query, self.dim)[:1]
        total = len(self)
        k = min(int(k), total)
        params = None
        if allowed is not None:
            mask = row_mask(allowed, total)
            chosen = int(mask.sum())
            k = min(k, chosen)
            if k > 0 and self.approximate and chosen <= EXACT_SELECTION:
                rows = np.flatnonzero(mask)
                scores = _dot(self.vectors_of(rows), query[0])
                best = select_top(scores, k, rows)
                return Ranked(rows[best], scores[best])
            if k > 0:
                bits = np.packbits(mask, bitorder="little")  # faiss reads bit i of byte i // 8, lowest first
                selector = faiss.IDSelectorBitmap(total, faiss.swig_ptr(bits))
                if self.approximate:
                    probes = min(self.nlist, math.ceil(self.nprobe * math.sqrt(total / chosen)))
                    params = faiss.SearchParametersIVF(sel=selector, nprobe=probes)
                else:
                    params = faiss.SearchParameters(sel=selector)
        if k <= 0:
            return Ranked(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))
        with _one_thread():
            scores, rows = self.index.search(query, k, params=params)
        found = rows[0] >= 0
        return Ranked(rows[0][found].astype(np.int64), scores[0][found])

    def vectors_of(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of the given rows, (len(rows), dim) float32."""
        rows = np.asarray(rows, dtype=np.int64)
        if len(rows) == 0:
            return np.zeros((0, self.dim), dtype=np.float32)
        with _one_thread():
            return self.index.reconstruct_batch(rows)

    def scores_for(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Inner products of `query` with the given rows (say, the BM25 candidates the dense channel missed)."""
        return _dot(self.vectors_of(rows), _matrix(query, self.dim)[0])

    def save(self, path: str | Path) -> None:
        """One faiss file (faiss's own binary format: vectors, lists, nprobe and the row map; no pickle)."""
        import faiss

        faiss.write_index(self.index, str(path))

    @classmethod
    def load(cls, path: str | Path, mmap: bool = False, **options) -> VectorStore:
        """Read what `save` wrote; `mmap` leaves the vectors on disk, paged in as lists are scanned."""
        import faiss

        index = faiss.read_index(str(path), faiss.IO_FLAG_MMAP if mmap else 0)
        if index.metric_type != faiss.METRIC_INNER_PRODUCT:
            raise ValueError("the vector index does not rank by inner product")
        store = cls(index.d, **options)
        if hasattr(index, "nlist"):
            if index.direct_map.type == faiss.DirectMap.NoMap:
                index.make_direct_map()
            store._nprobe = int(index.nprobe)
        store.index = index
        return store


class RowFile:
    """Rows of a 2-D .npy matrix on disk, read on demand: the sentence vectors of the few passages a question
    quotes from, without loading the whole file (2.9 GB for 1M passages' 2M sentences).

    Positional reads (os.pread; thread-safe) rather than a memory map: with np.load(mmap_mode="r") every
    row read mapped the 64 KB around it (the kernel's fault-around), and over 200 questions reading 5
    passages' sentences each the process's RSS grew by 290 MB (bench/scale.py, 100k passages), on its way
    to the whole file's size in a long-running server. A read here keeps only the bytes asked for.
    """

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        with self.path.open("rb") as handle:
            version = np.lib.format.read_magic(handle)
            read_header = {(1, 0): np.lib.format.read_array_header_1_0,
                           (2, 0): np.lib.format.read_array_header_2_0}.get(version)
            if read_header is None:
                raise ValueError(f"{self.path.name}: unsupported .npy version {version}")
            shape, fortran_order, dtype = read_header(handle)
            self._offset = handle.tell()
        if len(shape) != 2 or fortran_order or dtype.hasobject:
            raise ValueError(f"{self.path.name}: expected a C-ordered 2-D numeric array, got {shape} {dtype}")
        self.shape, self.dtype = (int(shape[0]), int(shape[1])), dtype
        self._row_bytes = self.shape[1] * dtype.itemsize
        if self.path.stat().st_size != self._offset + self.shape[0] * self._row_bytes:
            raise ValueError(f"{self.path.name}: file size disagrees with its header {shape}")
        self._fd = os.open(self.path, os.O_RDONLY)
        self._closer = weakref.finalize(self, os.close, self._fd)

    def __len__(self) -> int:
        return self.shape[0]

    def read(self, start: int, stop: int) -> np.ndarray:
        """Rows start..stop-1 as a (stop - start, columns) array."""
        if not 0 <= start <= stop <= self.shape[0]:
            raise IndexError(f"rows {start}:{stop} outside 0:{self.shape[0]}")
        size = (stop - start) * self._row_bytes
        data = os.pread(self._fd, size, self._offset + start * self._row_bytes) if size else b""
        if len(data) != size:
            raise ValueError(f"{self.path.name} is shorter than its header says")
        return np.frombuffer(data, dtype=self.dtype).reshape(stop - start, self.shape[1])

    def close(self) -> None:
        self._closer()


@contextlib.contextmanager
def _one_thread():
    """faiss on the calling thread alone while the block runs (see ONE_THREAD)."""
    import faiss

    threads = faiss.omp_get_max_threads()
    faiss.omp_set_num_threads(1)
    try:
        yield
    finally:
        faiss.omp_set_num_threads(threads)


def _dot(vectors: np.ndarray, query: np.ndarray) -> np.ndarray:
    """Each row's inner product with the query, on this thread: numpy's `@` hands a (2000, 384) product to
    OpenBLAS's threads and took 4.6 ms on the busy 2-core machine, einsum's own loop 0.16 ms."""
    return np.einsum("ij,j->i", vectors, query)


def _matrix(vectors: np.ndarray, dim: int | None = None) -> np.ndarray:
    """A C-contiguous float32 matrix (one vector becomes one row), checked against the store's dimension."""
    matrix = np.ascontiguousarray(vectors, dtype=np.float32)
    if matrix.ndim == 1:
        matrix = matrix[None, :]
    if matrix.ndim != 2 or (dim is not None and matrix.shape[1] != dim):
        raise ValueError(f"expected vectors of dimension {dim}, got shape {np.shape(vectors)}")
    return matrix
