"""Okapi BM25 over pre-tokenized documents, stored term by term (numpy only). Row i is document i.

The postings are a compressed-column layout: the documents holding term t are
`rows[indptr[t]:indptr[t + 1]]` (ascending), each with its BM25 weight precomputed (idf, term count and
length norm folded in). A question reads only its own terms' postings, so its cost follows how common its
words are, not how many documents there are. numpy alone: scipy.sparse is in the virtualenv only as a
dependency of sentence-transformers, and the few operations needed here (gather, bincount, partition)
are as fast in plain numpy.

    bm25 = BM25([["会议", "昆明"], ["会议", "蒙特利尔"]])
    bm25.top_k(["昆明"], k=5)            # Ranked(rows=array([0]), scores=array([0.69], dtype=float32))
    bm25.save(folder); BM25.load(folder)  # plain .npy arrays and a small JSON of parameters, no pickle
"""
from __future__ import annotations

import itertools
import json
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import NamedTuple

import numpy as np

__all__ = ["BM25", "Ranked", "row_mask", "select_top"]

FORMAT_VERSION = 1
PARAMS = "bm25.json"
INDPTR = "bm25.indptr.npy"
ROWS = "bm25.rows.npy"
WEIGHTS = "bm25.weights.npy"
TERMS = "bm25.terms.npy"  # the vocabulary as UTF-8 bytes, terms back to back
TERM_LENGTHS = "bm25.term_lengths.npy"  # each term's length in characters
FILES = (PARAMS, INDPTR, ROWS, WEIGHTS, TERMS, TERM_LENGTHS)

Query = Sequence[str] | Mapping[str, float]
SLICE = 1 << 22  # postings handled at once while building: bounds the temporary arrays
RARE_POSTINGS = 1 << 16  # top_k sums the rarest terms' postings up to about this many before pruning the rest


class Ranked(NamedTuple):
    """Rows ranked best first with their scores (float32); unpacks as `rows, scores = ...`."""

    rows: np.ndarray
    scores: np.ndarray


class BM25:
    """BM25 scores of pre-tokenized documents; `top_k` reads only the question's postings.

    A query is a list of tokens (a repeated token counts once, as in `scores`) or a mapping of token to
    weight: {"会议": 1.0, "昆明": 1.5} scores 1.0·BM25(会议) + 1.5·BM25(昆明), so a question and the
    previous one at half weight are one query.
    """

    def __init__(self, documents: Iterable[Sequence[str]], k1: float = 1.2, b: float = 0.75) -> None:
        """Index the documents (a list or any iterable of token lists, read once); row i is the i-th."""
        self.k1, self.b = float(k1), float(b)
        self.size, self.terms, self.indptr, self.rows, self.weights = _postings(documents, self.k1, self.b)
        self.term_id = {term: i for i, term in enumerate(self.terms)}
        self.max_weight = _max_weights(self.indptr, self.weights)

    def __len__(self) -> int:
        return self.size

    # ------------------------------------------------------------ scoring

    def scores(self, query: Query) -> np.ndarray:
        """BM25 score of every document for the query (float32, row i is document i)."""
        rows, weights = self._gather(self._query_weights(query), None)
        return np.bincount(rows, weights=weights, minlength=self.size).astype(np.float32)

    def top_k(self, query: Query, k: int, allowed: np.ndarray | None = None) -> Ranked:
        """The k best-scoring documents, best first, ties by row; only documents that share a term with the query.

        `allowed` restricts the search to some rows: a boolean mask over all rows or an array of row numbers
        (the passages of the documents a user picked).

        Exact, but it rarely reads a common word's whole posting list (MaxScore): the rarest terms are
        summed first; if even a document holding every common term at its best weight cannot reach the
        k-th score found so far, only the few documents near that score have the common terms looked up.
        """
        parts = self._query_weights(query)
        if k <= 0 or not parts:
            return _empty()
        mask = row_mask(allowed, self.size)
        parts.sort(key=lambda part: self._frequency(part[0]))
        rare, read = [], 0
        for part in parts:
            if rare and read + self._frequency(part[0]) > max(RARE_POSTINGS, 8 * k):
                break
            rare.append(part)
            read += self._frequency(part[0])
        common = parts[len(rare):]
        rows, totals = self._accumulate(rare, mask)
        if common:
            ceiling = sum(weight * float(self.max_weight[term]) for term, weight in common)
            floor = float(np.partition(totals, len(totals) - k)[len(totals) - k]) if len(totals) >= k else 0.0
            margin = 1e-9 * (floor + ceiling)
            if ceiling < floor - margin:
                # every document of the top k holds a rare term and has a rare-term sum near the floor
                near = totals >= floor - ceiling - margin
                rows, totals = rows[near], totals[near] + self._lookup(common, rows[near])
            else:
                rows, totals = self._accumulate(parts, mask)
        positive = totals > 0
        rows, totals = rows[positive], totals[positive]
        best = select_top(totals, k, rows)
        return Ranked(rows[best].astype(np.int64), totals[best].astype(np.float32))

    def scores_for(self, query: Query, rows: np.ndarray) -> np.ndarray:
        """BM25 scores of the given rows only (float32, in the order given)."""
        return self._lookup(self._query_weights(query), np.asarray(rows, dtype=np.int64)).astype(np.float32)

    def _frequency(self, term: int) -> int:
        return int(self.indptr[term + 1] - self.indptr[term])

    def _query_weights(self, query: Query) -> list[tuple[int, float]]:
        """(term id, query weight) of the known terms; a weight must be positive (it scales a score)."""
        if isinstance(query, Mapping):
            pairs = [(term, float(weight)) for term, weight in query.items()]
            if any(weight < 0 or weight != weight for _, weight in pairs):
                raise ValueError("query weights must be positive numbers")
        else:
            pairs = [(term, 1.0) for term in dict.fromkeys(query)]
        return [(self.term_id[term], weight) for term, weight in pairs if weight > 0 and term in self.term_id]

    def _gather(self, parts, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """The postings of the terms: their rows and their weights (float64, query weight applied)."""
        spans = [(self.indptr[t], self.indptr[t + 1]) for t, _ in parts]
        rows = np.concatenate([self.rows[s:e] for s, e in spans] or [np.zeros(0, np.int32)])
        weights = np.concatenate([self.weights[s:e].astype(np.float64) * w
                                  for (s, e), (_, w) in zip(spans, parts)] or [np.zeros(0)])
        if mask is not None:
            keep = mask[rows]
            rows, weights = rows[keep], weights[keep]
        return rows, weights

    def _accumulate(self, parts, mask: np.ndarray | None) -> tuple[np.ndarray, np.ndarray]:
        """Rows holding any of the terms (ascending) and their summed weights."""
        rows, weights = self._gather(parts, mask)
        if len(rows) * 8 < self.size:
            # few postings: sum them per row by sorting the postings, never touching the other rows
            order = np.argsort(rows, kind="stable")
            rows, weights = rows[order], weights[order]
            starts = np.flatnonzero(np.r_[True, rows[1:] != rows[:-1]]) if len(rows) else np.zeros(0, np.int64)
            return rows[starts], np.add.reduceat(weights, starts) if len(rows) else np.zeros(0)
        totals = np.bincount(rows, weights=weights, minlength=self.size)
        found = np.flatnonzero(totals)
        return found, totals[found]

    def _lookup(self, parts, rows: np.ndarray) -> np.ndarray:
        """Summed weights of the terms in the given rows (float64), found by binary search in each posting list."""
        totals = np.zeros(len(rows), dtype=np.float64)
        for term, weight in parts:
            start, end = self.indptr[term], self.indptr[term + 1]
            postings = self.rows[start:end]
            at = np.searchsorted(postings, rows)
            found = at < len(postings)
            found[found] = postings[at[found]] == rows[found]
            totals[found] += weight * self.weights[start + at[found]].astype(np.float64)
        return totals

    # ------------------------------------------------------------ files

    def save(self, folder: str | Path) -> None:
        """Write the postings into a folder as .npy arrays (no pickle) and bm25.json with the parameters."""
        folder = Path(folder)
        folder.mkdir(parents=True, exist_ok=True)
        lengths = np.fromiter(map(len, self.terms), dtype=np.int64, count=len(self.terms))
        blob = np.frombuffer("".join(self.terms).encode("utf-8"), dtype=np.uint8)
        for name, array in ((INDPTR, self.indptr), (ROWS, self.rows), (WEIGHTS, self.weights),
                            (TERMS, blob), (TERM_LENGTHS, lengths)):
            np.save(folder / name, array, allow_pickle=False)
        params = {"format": FORMAT_VERSION, "k1": self.k1, "b": self.b, "size": self.size,
                  "terms": len(self.terms), "postings": int(len(self.rows))}
        (folder / PARAMS).write_text(json.dumps(params), encoding="utf-8")

    @classmethod
    def load(cls, folder: str | Path, mmap: bool = False) -> BM25:
        """Read what `save` wrote; ValueError if the files disagree. `mmap` leaves the postings on disk."""
        folder = Path(folder)
        params = json.loads((folder / PARAMS).read_text(encoding="utf-8"))
        if params.get("format") != FORMAT_VERSION:
            raise ValueError(f"BM25 format {params.get('format')!r}, expected {FORMAT_VERSION}")
        mode = "r" if mmap else None
        indptr = np.load(folder / INDPTR, allow_pickle=False)
        rows = np.load(folder / ROWS, allow_pickle=False, mmap_mode=mode)
        weights = np.load(folder / WEIGHTS, allow_pickle=False, mmap_mode=mode)
        blob = np.load(folder / TERMS, allow_pickle=False)
        lengths = np.load(folder / TERM_LENGTHS, allow_pickle=False)
        text = blob.tobytes().decode("utf-8")
        ends = np.cumsum(lengths).tolist()
        terms = [text[start:end] for start, end in zip([0, *ends[:-1]], ends)]
        size, count, postings = int(params["size"]), int(params["terms"]), int(params["postings"])
        if not (len(terms) == count == len(indptr) - 1 and (ends[-1] if ends else 0) == len(text)):
            raise ValueError(f"BM25 vocabulary disagrees: {len(terms)} terms, {len(indptr) - 1} posting lists")
        if not (len(rows) == len(weights) == postings == (int(indptr[-1]) if len(indptr) else -1)):
            raise ValueError(f"BM25 postings disagree: {len(rows)} rows, {len(weights)} weights, {postings} expected")
        if postings and (int(rows.max()) >= size or int(rows.min()) < 0):
            raise ValueError("BM25 postings point past the last document")
        bm25 = cls.__new__(cls)
        bm25.k1, bm25.b, bm25.size = float(params["k1"]), float(params["b"]), size
        bm25.terms, bm25.indptr, bm25.rows, bm25.weights = terms, indptr, rows, weights
        bm25.term_id = {term: i for i, term in enumerate(terms)}
        bm25.max_weight = _max_weights(indptr, weights)
        return bm25


def select_top(scores: np.ndarray, k: int, rows: np.ndarray | None = None) -> np.ndarray:
    """Positions of the k highest scores, best first; equal scores in ascending `rows` (default: position).

    argpartition finds the k-th score in linear time; only the k winners are sorted.
    """
    rows = np.arange(len(scores)) if rows is None else rows
    if k <= 0 or len(scores) == 0:
        return np.zeros(0, dtype=np.int64)
    if len(scores) > k:
        kth = np.partition(scores, len(scores) - k)[len(scores) - k]
        above = np.flatnonzero(scores > kth)
        ties = np.flatnonzero(scores == kth)
        ties = ties[np.argsort(rows[ties], kind="stable")][: k - len(above)]
        chosen = np.concatenate([above, ties])
    else:
        chosen = np.arange(len(scores))
    return chosen[np.lexsort((rows[chosen], -scores[chosen]))]


def _postings(documents: Iterable[Sequence[str]], k1: float, b: float):
    """Size, vocabulary and term-major postings with BM25 weights, built with a few whole-array operations.

    Documents are read once, a batch at a time, so a generator works and no list of all token lists need
    exist. Tokens become int32 ids in one C-level pass per batch (a defaultdict numbers unseen terms);
    (term, row) pairs are one int64 key each, sorted once; a run of equal keys is a term's count in a row.
    """
    numbering = defaultdict(itertools.count().__next__)
    lookup = numbering.__getitem__
    id_parts: list[np.ndarray] = []
    length_parts: list[np.ndarray] = []
    documents = iter(documents)
    while batch := list(itertools.islice(documents, 8192)):
        lengths = np.fromiter(map(len, batch), dtype=np.int64, count=len(batch))
        id_parts.append(np.fromiter(map(lookup, itertools.chain.from_iterable(batch)), dtype=np.int32,
                                    count=int(lengths.sum())))
        length_parts.append(lengths)
    terms = list(numbering)
    del numbering, lookup
    lengths = np.concatenate(length_parts) if length_parts else np.zeros(0, dtype=np.int64)
    size, total = len(lengths), int(lengths.sum())
    keys = np.empty(total, dtype=np.int64)
    offset, first_row = 0, 0
    for ids, part_lengths in zip(id_parts, length_parts):
        part = keys[offset:offset + len(ids)]
        np.multiply(ids, size, out=part, dtype=np.int64)
        part += np.repeat(np.arange(first_row, first_row + len(part_lengths), dtype=np.int64), part_lengths)
        offset, first_row = offset + len(ids), first_row + len(part_lengths)
    del id_parts, length_parts
    keys.sort()
    # Runs of equal keys, a slice of the sorted keys at a time (each slice ends where a run ends), so nothing
    # else the size of all tokens is made: peak memory is the keys plus the two posting arrays.
    rows = np.empty(total, dtype=np.int32)
    weights = np.empty(total, dtype=np.float32)  # holds the term counts until they become weights below
    frequency = np.zeros(len(terms), dtype=np.int64)
    start = written = 0
    while start < total:
        stop = min(total, start + SLICE)
        if stop < total:
            stop = int(np.searchsorted(keys, keys[stop], side="left"))
            if stop <= start:  # one run longer than a slice
                stop = int(np.searchsorted(keys, keys[start], side="right"))
        part = keys[start:stop]
        first = np.flatnonzero(np.r_[True, part[1:] != part[:-1]])
        term, row = np.divmod(part[first], max(size, 1))
        rows[written:written + len(first)] = row
        weights[written:written + len(first)] = np.diff(np.r_[first, len(part)])
        frequency += np.bincount(term, minlength=len(terms))
        start, written = stop, written + len(first)
    del keys
    rows, weights = rows[:written], weights[:written]  # views: a copy would briefly double them
    indptr = np.zeros(len(terms) + 1, dtype=np.int64)
    np.cumsum(frequency, out=indptr[1:])
    idf = np.log(1 + (size - frequency + 0.5) / (frequency + 0.5)).astype(np.float32)
    # the length norm in float32 as the first implementation computed it, so scores stay what they were
    lengths32 = lengths.astype(np.float32)
    average = float(lengths32.mean()) if size and lengths32.mean() > 0 else 1.0
    norm = (k1 * (1 - b + b * lengths32 / average)).astype(np.float32)
    first_term = 0
    while first_term < len(terms):  # count -> weight, a slice of whole posting lists at a time
        end_term = max(first_term + 1, int(np.searchsorted(indptr, indptr[first_term] + SLICE, side="right")) - 1)
        end_term = min(end_term, len(terms))
        span = slice(int(indptr[first_term]), int(indptr[end_term]))
        counts = weights[span]
        term_idf = np.repeat(idf[first_term:end_term], frequency[first_term:end_term])
        weights[span] = term_idf * (counts * np.float32(k1 + 1)) / (counts + norm[rows[span]])
        first_term = end_term
    return size, terms, indptr, rows, weights


def _max_weights(indptr: np.ndarray, weights: np.ndarray) -> np.ndarray:
    """Each term's highest posting weight: what one term can add to any document's score at most."""
    if len(indptr) < 2:
        return np.zeros(0, dtype=np.float32)
    return np.maximum.reduceat(weights, indptr[:-1])  # every term has at least one posting


def row_mask(allowed: np.ndarray | Iterable[int] | None, size: int) -> np.ndarray | None:
    """A boolean mask over all `size` rows from a mask or from row numbers (None stays None: every row)."""
    if allowed is None:
        return None
    allowed = np.asarray(allowed)
    if allowed.dtype == bool:
        if allowed.shape != (size,):
            raise ValueError(f"allowed mask has {allowed.shape} entries for {size} rows")
        return allowed
    mask = np.zeros(size, dtype=bool)
    mask[allowed.astype(np.int64, copy=False)] = True
    return mask


def _empty() -> Ranked:
    return Ranked(np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32))

