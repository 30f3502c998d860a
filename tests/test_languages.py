"""Fusion across languages: neither channel may rank a passage by the script it shares with the question."""
from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Bot
from bot.retrieve import _ranks
from tests.fakes import FakeEmbedder

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "multi"


class ScriptBiasedEmbedder(FakeEmbedder):
    """The fake embedder with what multilingual encoders add: a large component shared by every text of a script."""

    name = "fake-script-biased"
    dim = FakeEmbedder.dim + 1

    def _vector(self, text: str) -> np.ndarray:
        chinese = any("\u4e00" <= c <= "\u9fff" for c in text)
        vector = np.append(super()._vector(text) * 0.6, 0.8 if chinese else 0.0).astype(np.float32)
        return vector / np.linalg.norm(vector)


@pytest.fixture
def two_languages(fake_config) -> Bot:
    shutil.copy(FIXTURES / "en-decisions.txt", fake_config.corpus_dir)
    return Bot.open(fake_config, embedder=ScriptBiasedEmbedder(), say=lambda line: None)


def test_dense_scores_are_read_against_each_languages_background(two_languages):
    retriever = two_languages.retriever
    target = next(r for r, p in enumerate(retriever.passages) if "synthesis report on national adaptation" in p.text)
    # a Chinese question about the English passage: its content, plus the Chinese script's component
    vector = np.append(retriever.dense.vectors_of(np.array([target]))[0][:-1], 1.5).astype(np.float32)
    vector /= np.linalg.norm(vector)
    rows = np.arange(len(retriever.passages))
    raw = retriever.dense.scores_for(vector, rows)
    assert _ranks(raw)[target] > retriever.is_chinese.sum()  # behind every Chinese passage
    assert _ranks(retriever.calibrated(vector, raw, rows))[target] <= 5  # among the first of either language


def test_an_english_question_matching_english_words_finds_the_english_passage(two_languages):
    hits = two_languages.search("Who prepares the synthesis report on national adaptation plans?", k=3)
    assert "synthesis report on national adaptation plans" in hits[0].passage.text


def test_one_language_keeps_the_plain_fusion(fake_bot):
    retriever = fake_bot.retriever
    rows = np.arange(10)
    scores = np.linspace(0.9, 0.1, 10).astype(np.float32)
    assert retriever.background == []
    assert np.array_equal(retriever.calibrated(np.zeros(retriever.index.dense.d, np.float32), scores, rows), scores)
    assert np.array_equal(retriever.lexical_share({}, scores, rows), scores)
