"""The two retrieval channels built to scale (bot/bm25.py, bot/vectors.py), on tiny data."""
from __future__ import annotations

import json
import math
from collections import Counter

import numpy as np
import pytest

import bot.bm25 as bm25_module
from bot.bm25 import BM25, select_top
import bot.vectors as vectors_module
from bot.vectors import RowFile, VectorStore, lists_for

K1, B = 0.8, 0.4


def reference_scores(documents, query, k1=K1, b=B):
    """The first implementation of bot/bm25.py (a dict of postings), kept here as the yardstick."""
    size = len(documents)
    lengths = np.array([len(doc) for doc in documents], dtype=np.float32)
    average = float(lengths.mean()) if size and lengths.mean() > 0 else 1.0
    norm = k1 * (1 - b + b * lengths / average)
    postings = {}
    for row, doc in enumerate(documents):
        for term, count in Counter(doc).items():
            postings.setdefault(term, []).append((row, count))
    idf = {t: math.log(1 + (size - len(r) + 0.5) / (len(r) + 0.5)) for t, r in postings.items()}
    scores = np.zeros(size, dtype=np.float32)
    for term in set(query):
        for row, count in postings.get(term, ()):
            scores[row] += idf[term] * count * (k1 + 1) / (count + norm[row])
    return scores


def zipf_corpus(size=400, vocabulary=120, seed=0):
    """Token lists with a few very common words and many rare ones, plus exact duplicates (for ties)."""
    rng = np.random.default_rng(seed)
    words = [f"词{i}" for i in range(vocabulary)]
    documents = [[words[min(vocabulary - 1, int(rank) - 1)] for rank in rng.zipf(1.4, rng.integers(0, 25))]
                 for _ in range(size)]
    documents[7] = documents[3] = ["词5", "词40", "词40"]
    return documents, words, rng


def expected_top(scores, k, allowed=None):
    """Rows of the k best positive scores, ties by row, from full scores."""
    rows = np.arange(len(scores)) if allowed is None else np.flatnonzero(allowed)
    rows = rows[scores[rows] > 0]
    return rows[np.lexsort((rows, -scores[rows]))][:k].tolist()


@pytest.fixture(scope="module")
def corpus():
    return zipf_corpus()


@pytest.fixture(params=["exhaustive", "pruned"])
def pruning(request, monkeypatch):
    """top_k both with every posting summed and with the common terms pruned after a handful of postings."""
    if request.param == "pruned":
        monkeypatch.setattr(bm25_module, "RARE_POSTINGS", 1)
    return request.param


# ---------------------------------------------------------------- BM25


def test_scores_equal_the_first_implementation(corpus):
    documents, words, rng = corpus
    bm25 = BM25(documents, k1=K1, b=B)
    for _ in range(50):
        query = [words[i] for i in rng.integers(0, len(words), rng.integers(1, 7))] + ["未知"]
        np.testing.assert_allclose(bm25.scores(query), reference_scores(documents, query), rtol=1e-5, atol=1e-7)


def test_top_k_is_the_best_rows_of_the_full_scores(corpus, pruning):
    documents, words, rng = corpus
    bm25 = BM25(documents, k1=K1, b=B)
    for _ in range(60):
        query = [words[i] for i in rng.integers(0, len(words), rng.integers(1, 7))]
        full = bm25.scores(query)
        for k in (1, 5, 40, 1000):
            rows, scores = bm25.top_k(query, k)
            assert rows.tolist() == expected_top(full, k), (query, k)
            np.testing.assert_allclose(scores, full[rows], rtol=1e-6)
            assert scores.dtype == np.float32 and rows.dtype == np.int64


def test_top_k_breaks_ties_by_row_and_skips_unmatched_documents(corpus, pruning):
    documents, _, _ = corpus
    bm25 = BM25(documents, k1=K1, b=B)
    rows, scores = bm25.top_k(["词40"], 2)
    assert rows.tolist() == [3, 7] and scores[0] == scores[1]  # the duplicated document, lower row first
    assert len(bm25.top_k(["词40"], 1000).rows) == int((bm25.scores(["词40"]) > 0).sum())
    assert len(bm25.top_k(["未知", "也未知"], 10).rows) == 0
    assert len(bm25.top_k(["词40"], 0).rows) == 0


def test_top_k_reads_a_common_word_only_where_it_can_matter(monkeypatch):
    documents = [["常见", "词"] + (["罕见"] if row in (5, 77, 150) else []) for row in range(400)]
    bm25 = BM25(documents, k1=K1, b=B)
    monkeypatch.setattr(bm25_module, "RARE_POSTINGS", 1)
    summed = []
    original = BM25._accumulate
    monkeypatch.setattr(BM25, "_accumulate", lambda self, parts, mask: summed.append(len(parts)) or original(self, parts, mask))
    rows, scores = bm25.top_k(["常见", "罕见", "词"], 2)
    assert rows.tolist() == [5, 77] and summed == [1]  # the rare word's 3 postings, not the 800 others
    np.testing.assert_allclose(scores, bm25.scores(["常见", "罕见", "词"])[[5, 77]], rtol=1e-6)
    summed.clear()
    assert bm25.top_k(["常见", "罕见", "词"], 5).rows.tolist() == [5, 77, 150, 0, 1]  # the common words decide
    assert summed == [1, 3]  # so every posting was summed after all


def test_weighted_query_scores_a_question_and_the_previous_one_at_half_weight(corpus, pruning):
    documents, words, rng = corpus
    bm25 = BM25(documents, k1=K1, b=B)
    question, previous = ["词2", "词30", "词30"], ["词30", "词77"]
    weights = Counter(dict.fromkeys(question, 1.0))
    weights.update(dict.fromkeys(previous, 0.5))
    combined = bm25.scores(question) + 0.5 * bm25.scores(previous)
    np.testing.assert_allclose(bm25.scores(dict(weights)), combined, rtol=1e-6)
    rows, scores = bm25.top_k(dict(weights), 10)
    assert rows.tolist() == expected_top(bm25.scores(dict(weights)), 10)
    np.testing.assert_allclose(bm25.scores_for(dict(weights), rows), scores, rtol=1e-6)
    with pytest.raises(ValueError):
        bm25.top_k({"词2": -1.0}, 5)


def test_allowed_rows_restrict_top_k(corpus, pruning):
    documents, words, rng = corpus
    bm25 = BM25(documents, k1=K1, b=B)
    mask = np.zeros(len(documents), dtype=bool)
    mask[100:180] = True  # the passages of the documents a user picked
    for _ in range(30):
        query = [words[i] for i in rng.integers(0, 30, rng.integers(1, 5))]
        full = bm25.scores(query)
        expected = expected_top(full, 10, mask)
        assert bm25.top_k(query, 10, allowed=mask).rows.tolist() == expected
        assert bm25.top_k(query, 10, allowed=np.arange(100, 180)).rows.tolist() == expected
    assert len(bm25.top_k(["词1"], 10, allowed=np.zeros(len(documents), dtype=bool)).rows) == 0
    with pytest.raises(ValueError):
        bm25.top_k(["词1"], 10, allowed=np.ones(3, dtype=bool))


def test_scores_for_given_rows(corpus):
    documents, words, _ = corpus
    bm25 = BM25(documents, k1=K1, b=B)
    query = ["词0", "词3", "词50", "未知"]
    rows = np.array([399, 0, 3, 7, 250, 3])
    np.testing.assert_allclose(bm25.scores_for(query, rows), bm25.scores(query)[rows], rtol=1e-6)


def test_building_from_a_generator_equals_building_from_a_list(corpus):
    documents, _, _ = corpus
    listed, streamed = BM25(documents, k1=K1, b=B), BM25((list(d) for d in documents), k1=K1, b=B)
    assert len(streamed) == len(documents) and streamed.terms == listed.terms
    np.testing.assert_array_equal(streamed.rows, listed.rows)
    np.testing.assert_array_equal(streamed.weights, listed.weights)


def test_building_a_slice_at_a_time_gives_the_same_postings(corpus, monkeypatch):
    documents, _, _ = corpus
    documents = documents + [["重复"] * 5 + ["词1"]]  # a run of equal (term, row) keys longer than a slice
    whole = BM25(documents, k1=K1, b=B)
    monkeypatch.setattr(bm25_module, "SLICE", 2)
    sliced = BM25(documents, k1=K1, b=B)
    assert sliced.terms == whole.terms
    for name in ("indptr", "rows", "weights"):
        np.testing.assert_array_equal(getattr(sliced, name), getattr(whole, name))
    np.testing.assert_allclose(sliced.scores(["重复", "词1"]), reference_scores(documents, ["重复", "词1"]), rtol=1e-5)


def test_edge_corpora():
    assert len(BM25([]).top_k(["a"], 3).rows) == 0
    assert BM25([]).scores(["a"]).shape == (0,)
    empty_docs = BM25([[], []])
    assert empty_docs.scores(["a"]).tolist() == [0.0, 0.0]
    one = BM25([["a"], [], ["a", "b"]])
    assert one.top_k(["a"], 5).rows.tolist() == [0, 2]
    np.testing.assert_allclose(one.scores(["a", "b"]), reference_scores([["a"], [], ["a", "b"]], ["a", "b"], 1.2, 0.75))


def test_save_and_load_round_trip_without_pickle(tmp_path, corpus, pruning):
    documents, words, rng = corpus
    documents = documents + [["零\x00字节", "😀", "", "trailing "], ["😀", "词1"]]
    bm25 = BM25(documents, k1=K1, b=B)
    bm25.save(tmp_path / "bm25")
    for mmap in (False, True):
        loaded = BM25.load(tmp_path / "bm25", mmap=mmap)
        assert (loaded.k1, loaded.b, len(loaded), loaded.terms) == (K1, B, len(documents), bm25.terms)
        for query in (["零\x00字节", "😀"], [""], ["词1", "词9", "词33"], ["trailing "]):
            np.testing.assert_array_equal(loaded.scores(query), bm25.scores(query))
            assert loaded.top_k(query, 7).rows.tolist() == bm25.top_k(query, 7).rows.tolist()
    assert_no_pickle(tmp_path / "bm25")
    assert json.loads((tmp_path / "bm25" / "bm25.json").read_text())["postings"] == len(bm25.rows)


def test_load_refuses_files_that_disagree(tmp_path, corpus):
    documents, _, _ = corpus
    BM25(documents).save(tmp_path)
    rows = np.load(tmp_path / "bm25.rows.npy")
    np.save(tmp_path / "bm25.rows.npy", rows[:-1])
    with pytest.raises(ValueError, match="postings disagree"):
        BM25.load(tmp_path)
    rows[0] = len(documents)
    np.save(tmp_path / "bm25.rows.npy", rows)
    with pytest.raises(ValueError, match="past the last document"):
        BM25.load(tmp_path)


def test_select_top_orders_by_score_then_row():
    scores = np.array([0.5, 2.0, 0.5, 3.0, 0.5, 0.1])
    assert select_top(scores, 3).tolist() == [3, 1, 0]
    assert select_top(scores, 4, rows=np.array([9, 8, 7, 6, 5, 4])).tolist() == [3, 1, 4, 2]  # ties by row
    assert select_top(scores, 10).tolist() == [3, 1, 0, 2, 4, 5]
    assert select_top(scores, 0).tolist() == []


def assert_no_pickle(folder):
    for path in folder.rglob("*"):
        if path.is_file():
            assert not path.read_bytes()[:2].startswith(b"\x80"), f"{path.name} looks like a pickle"
            assert path.suffix in {".npy", ".json", ".faiss"}, path.name
            if path.suffix == ".npy":
                assert np.load(path, allow_pickle=False).dtype != object


# ---------------------------------------------------------------- dense vectors


def clustered(count, dim=32, centres=40, spread=0.35, seed=0):
    """Normalized vectors around a few centres, and questions near some of them."""
    rng = np.random.default_rng(seed)
    middle = rng.standard_normal((centres, dim)).astype(np.float32)
    vectors = middle[rng.integers(centres, size=count)] + spread * rng.standard_normal((count, dim)).astype(np.float32)
    vectors /= np.linalg.norm(vectors, axis=1, keepdims=True)
    questions = vectors[rng.choice(count, 60, replace=False)] + 0.2 * rng.standard_normal((60, dim)).astype(np.float32)
    questions /= np.linalg.norm(questions, axis=1, keepdims=True)
    return vectors, questions


def exact_top(vectors, query, k, rows=None):
    rows = np.arange(len(vectors)) if rows is None else rows
    scores = vectors[rows] @ query
    return rows[np.argsort(-scores, kind="stable")[:k]]


def test_small_collection_is_searched_exactly():
    vectors, questions = clustered(2000)
    store = VectorStore.build(vectors)
    assert not store.approximate and len(store) == 2000
    for query in questions[:10]:
        rows, scores = store.search(query, 10)
        assert rows.tolist() == exact_top(vectors, query, 10).tolist()
        np.testing.assert_allclose(scores, vectors[rows] @ query, rtol=1e-5)


def test_inverted_file_recall_on_clustered_vectors():
    vectors, questions = clustered(6000)
    store = VectorStore.build(vectors, exact_below=1000)
    assert store.approximate and store.nlist == lists_for(6000) == 310
    assert store.estimated_recall is not None and store.estimated_recall >= 0.9
    assert store.nprobe < store.nlist  # it did not have to fall back to scanning every list
    recall = np.mean([len(set(store.search(q, 10).rows) & set(exact_top(vectors, q, 10))) / 10 for q in questions])
    assert recall >= 0.9
    store.nprobe = 1
    one_list = np.mean([len(set(store.search(q, 10).rows) & set(exact_top(vectors, q, 10))) / 10 for q in questions])
    assert one_list < recall  # the measurement means something: one list loses neighbours


def test_allowed_rows_restrict_dense_search():
    vectors, questions = clustered(6000)
    for store in (VectorStore.build(vectors), VectorStore.build(vectors, exact_below=1000)):
        chosen = np.arange(2000, 2150)  # a document of 150 passages
        mask = np.zeros(len(vectors), dtype=bool)
        mask[chosen] = True
        for query in questions[:10]:
            rows, _ = store.search(query, 10, allowed=mask)
            assert set(rows.tolist()) <= set(chosen.tolist())
            # so few rows allowed that each is compared with the question: exact, even on the inverted file
            assert rows.tolist() == exact_top(vectors, query, 10, chosen).tolist()
            assert store.search(query, 10, allowed=chosen).rows.tolist() == rows.tolist()
        assert store.search(questions[0], 500, allowed=chosen).rows.shape == (150,)
        assert len(store.search(questions[0], 5, allowed=np.zeros(len(vectors), dtype=bool)).rows) == 0


def test_a_large_selection_on_the_inverted_file_scans_more_lists(monkeypatch):
    vectors, questions = clustered(6000)
    store = VectorStore.build(vectors, exact_below=1000)
    monkeypatch.setattr(vectors_module, "EXACT_SELECTION", 0)  # force the scan through the lists
    chosen = np.arange(0, 6000, 7)  # 1 row in 7
    recall = []
    for query in questions:
        expected = set(exact_top(vectors, query, 10, chosen).tolist())
        rows = store.search(query, 10, allowed=chosen).rows
        assert set(rows.tolist()) <= set(chosen.tolist())
        recall.append(len(set(rows.tolist()) & expected) / 10)
    assert np.mean(recall) >= 0.98  # the store's own nprobe alone (8 of 310 lists) finds 0.945 here
    assert store.search(questions[0], 10, allowed=np.arange(3)).rows.tolist() == exact_top(vectors, questions[0], 3, np.arange(3)).tolist()


def test_row_file_reads_rows_on_demand(tmp_path):
    matrix = np.arange(40, dtype=np.float32).reshape(10, 4)
    np.save(tmp_path / "sentences.npy", matrix, allow_pickle=False)
    rows = RowFile(tmp_path / "sentences.npy")
    assert len(rows) == 10 and rows.shape == (10, 4)
    np.testing.assert_array_equal(rows.read(3, 6), matrix[3:6])
    assert rows.read(4, 4).shape == (0, 4)
    with pytest.raises(IndexError):
        rows.read(8, 11)
    rows.close()
    (tmp_path / "short.npy").write_bytes((tmp_path / "sentences.npy").read_bytes()[:-4])
    with pytest.raises(ValueError, match="size"):
        RowFile(tmp_path / "short.npy")
    np.save(tmp_path / "flat.npy", np.zeros(3, dtype=np.float32))
    with pytest.raises(ValueError, match="2-D"):
        RowFile(tmp_path / "flat.npy")
    np.save(tmp_path / "objects.npy", np.empty((2, 2), dtype=object), allow_pickle=True)
    with pytest.raises(ValueError, match="numeric"):
        RowFile(tmp_path / "objects.npy")  # a pickled array is never read


def test_vector_store_save_load_round_trip(tmp_path):
    vectors, questions = clustered(3000)
    for name, options in (("exact", {}), ("ivf", {"exact_below": 1000})):
        store = VectorStore.build(vectors, **options)
        path = tmp_path / f"{name}.faiss"
        store.save(path)
        for mmap in (False, True):
            loaded = VectorStore.load(path, mmap=mmap)
            assert (len(loaded), loaded.approximate, loaded.nprobe) == (3000, store.approximate, store.nprobe)
            for query in questions[:10]:
                assert loaded.search(query, 10).rows.tolist() == store.search(query, 10).rows.tolist()
            np.testing.assert_array_equal(loaded.vectors_of([5, 2999]), vectors[[5, 2999]])
    assert_no_pickle(tmp_path)


def test_adding_keeps_row_numbers_and_switches_to_the_inverted_file():
    vectors, questions = clustered(3000)
    store = VectorStore(vectors.shape[1], exact_below=1500)
    store.add(vectors[:1000])
    assert not store.approximate
    store.add(vectors[1000:2000])  # crosses the threshold: trained on everything held so far
    assert store.approximate and store.nlist == lists_for(2000)
    store.add(vectors[2000:])
    assert len(store) == 3000
    np.testing.assert_array_equal(store.vectors_of([0, 1500, 2999]), vectors[[0, 1500, 2999]])
    np.testing.assert_allclose(store.scores_for(questions[0], [7, 2500]), vectors[[7, 2500]] @ questions[0], rtol=1e-5)
    with pytest.raises(ValueError):
        store.add(np.zeros((2, 5), dtype=np.float32))
    tiny = VectorStore.build(vectors[:5], exact_below=0)  # fewer vectors than 4·sqrt(n) lists
    assert tiny.approximate and tiny.nlist <= 5
    assert tiny.search(vectors[3], 1).rows.tolist() == [3]
