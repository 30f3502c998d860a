"""Shared fixtures: user state in temporary folders, a tiny corpus, a fake embedder, the real model once."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.config import Config
from tests.fakes import FakeEmbedder

PROJECT = Path(__file__).resolve().parents[1]
CORPUS = PROJECT / "corpus"
SEED = "CBD-WG2020-REC-1-1.zh"  # the bundled document's id


def seed(local_id: str) -> str:
    """A passage id of the bundled document: "p7a" -> "CBD-WG2020-REC-1-1.zh:p7a"."""
    return f"{SEED}:{local_id}"


@pytest.fixture(autouse=True)
def _user_state_in_tmp(tmp_path, monkeypatch):
    """No test reads or writes the user's index or cache by accident."""
    monkeypatch.setenv("BOT_INDEX_DIR", str(tmp_path / "index"))
    monkeypatch.setenv("BOT_CACHE_DIR", str(tmp_path / "cache"))


@pytest.fixture
def corpus_copy(tmp_path) -> Path:
    """A writable copy of the real corpus."""
    target = tmp_path / "corpus"
    target.mkdir()
    for path in CORPUS.glob("*.txt"):
        shutil.copy(path, target / path.name)
    return target


@pytest.fixture
def fake_config(tmp_path, corpus_copy) -> Config:
    return Config(corpus_dir=corpus_copy, index_dir=tmp_path / "index", cache_dir=tmp_path / "cache",
                  model="fake", progress=False)


@pytest.fixture
def fake_bot(fake_config):
    from bot.engine import Bot

    return Bot.open(fake_config, embedder=FakeEmbedder(), say=lambda line: None)


@pytest.fixture(scope="session")
def model_cache(tmp_path_factory) -> Path:
    """One converted default model for the whole session (the conversion takes a while)."""
    return tmp_path_factory.mktemp("model-cache")


@pytest.fixture(scope="session")
def real_bot(tmp_path_factory, model_cache):
    """The default model and the real corpus, indexed once per session."""
    from bot.engine import Bot

    config = Config(corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("real") / "index", cache_dir=model_cache,
                    progress=False)
    return Bot.open(config, say=lambda line: None)
