"""Fusion across languages: neither channel may rank a passage by the script it shares with the question."""
from __future__ import annotations

import dataclasses
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.engine import Bot
from bot.textnorm import normalize
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


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of every score, highest first."""
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return ranks


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


def test_with_one_language_each_channel_keeps_its_order(fake_bot):
    """Calibration and shares only rescale: one document's rankings are what its channels say."""
    retriever = fake_bot.retriever
    rows = np.arange(len(retriever.passages))
    vector = retriever.embed("会议在哪里举行？")
    raw = retriever.dense.scores_for(vector, rows)
    assert np.array_equal(_ranks(retriever.calibrated(vector, raw, rows)), _ranks(raw))
    query = retriever.lexical_query("会议在哪里举行？")
    lexical = retriever.bm25.scores_for(query, rows).astype(np.float32)
    share = retriever.lexical_share(query, lexical, rows)
    assert lexical.max() > 0 and np.array_equal(_ranks(share), _ranks(lexical))
    assert 0 < share.max() <= 1.0  # a share of what the question's words can reach


def test_a_wide_dense_lead_is_not_outvoted_by_a_few_shared_words(fake_bot):
    """Scores are added, not ranks: a passage far ahead in the dense channel keeps its lead over one that
    only shares a few more words (reciprocal-rank fusion ranked the second first)."""
    retriever = fake_bot.retriever
    rows = np.arange(2)
    retriever.is_heading = np.zeros(len(retriever.passages), dtype=bool)
    dense = np.array([5.0, 1.0], dtype=np.float32)  # standard scores: far ahead, barely above background
    lexical = np.array([0.1, 0.3], dtype=np.float32)  # shares of the question's words
    fused = retriever._fuse(dense, lexical, "hybrid", rows)
    assert fused[0] > fused[1]
    # and a passage holding all the question's words beats a modest dense lead
    fused = retriever._fuse(np.array([2.0, 1.0], np.float32), np.array([0.2, 1.0], np.float32), "hybrid", rows)
    assert fused[1] > fused[0]


def test_a_question_naming_a_document_prefers_its_passages(fake_config):
    """Two reports hold the same paragraph: the one whose symbol the question names answers first."""
    text = (FIXTURES / "en-decisions.txt").read_text(encoding="utf-8")
    (fake_config.corpus_dir / "first.txt").write_text(text, encoding="utf-8")
    (fake_config.corpus_dir / "second.txt").write_text(
        text.replace("FCCC/PA/CMA/2024/9/Add.1", "FCCC/PA/CMA/2025/3/Add.1"), encoding="utf-8")
    bot = Bot.open(fake_config, embedder=FakeEmbedder(), say=lambda line: None)
    symbol_of = {d.id: d.symbol for d in bot.documents}
    for symbol in ("FCCC/PA/CMA/2024/9/Add.1", "FCCC/PA/CMA/2025/3/Add.1"):
        hits = bot.search(f"In {symbol}, who is to prepare a synthesis report on national adaptation plans?", k=2)
        assert "synthesis report" in hits[0].passage.text and symbol_of[hits[0].passage.doc] == symbol


@pytest.fixture
def four_documents(fake_config) -> Bot:
    for path in FIXTURES.glob("*.txt"):
        shutil.copy(path, fake_config.corpus_dir)
    (fake_config.corpus_dir / "CBD-WG2020-REC-1-1.zh.txt").unlink()
    return Bot.open(fake_config, embedder=FakeEmbedder(), say=lambda line: None)


def test_a_bare_unit_several_documents_have_comes_from_each(four_documents):
    hits = four_documents.search("What does paragraph 2 say?", k=6)
    assert len({h.passage.doc for h in hits if h.exact}) >= 2


def test_a_unit_asked_about_with_content_comes_first_from_the_documents_it_is_about(four_documents):
    hits = four_documents.search("What does paragraph 2 say about national focal points?", k=6)
    assert hits[0].exact and hits[0].passage.doc == "en-treaty"
    assert {h.passage.doc for h in hits if h.exact} <= {"en-treaty", "zh-treaty"}  # the decisions say nothing of it


def test_a_chinese_question_reaches_english_passages_through_its_translated_terms(fake_config):
    """The dense channel also reads a Chinese question with its glossary terms in English, for English passages."""
    shutil.copy(FIXTURES / "en-decisions.txt", fake_config.corpus_dir)
    bot = Bot.open(fake_config, embedder=FakeEmbedder(), say=lambda line: None)
    question = "关于国家适应计划的综合报告"

    def first_english(retriever) -> str:
        hits, _ = retriever.search(question, k=200, mode="dense")
        return next(h.passage.text for h in hits if not retriever.is_chinese[retriever.row_of[h.passage.id]])

    assert "national adaptation plans" in first_english(bot.retriever)
    bot.retriever.fusion = dataclasses.replace(bot.retriever.fusion, translated_weight=0.0)
    assert "national adaptation plans" not in first_english(bot.retriever)


def test_a_unit_named_as_part_of_a_name_does_not_take_the_first_place(four_documents):
    """"the Article 7 adaptation goal" names a topic: the passage that answers comes first, not Article 7."""
    hits = four_documents.search("Under the Article 7 adaptation goal, who is to prepare a synthesis report on "
                                 "national adaptation plans?", k=3)
    assert "synthesis report on national adaptation plans" in hits[0].passage.text and not hits[0].exact
    assert four_documents.search("What does Article 7 say?", k=1)[0].exact


def test_a_passage_in_the_other_language_is_as_close_as_either_form_of_the_question(two_languages):
    """The decline rules read a cosine: for an English passage and a Chinese question, the better of the question's
    and its translated form's, so a question in the other language is not declined as 'loosely related'."""
    question = "关于国家适应计划的综合报告"
    retriever = two_languages.retriever

    def english_cosines(evidence: bool) -> dict[str, float]:
        retriever.fusion = dataclasses.replace(retriever.fusion, translated_evidence=evidence)
        hits, _ = retriever.search(question, k=50, mode="dense")
        return {h.passage.id: h.dense_score for h in hits if not retriever.is_chinese[retriever.row_of[h.passage.id]]}

    plain, either = english_cosines(False), english_cosines(True)
    shared = set(plain) & set(either)
    assert shared and all(either[pid] >= plain[pid] - 1e-6 for pid in shared)
    assert any(either[pid] > plain[pid] + 0.01 for pid in shared)


def test_a_question_asking_what_a_term_means_looks_for_the_words_that_define_one(fake_bot):
    retriever = fake_bot.retriever
    asked = retriever.lexical_query("How is a wetland defined in the Agreement?")
    assert "mean" in asked and "系指" in asked  # '"Wetland" means …', "“湿地”是指…"
    assert "mean" not in retriever.lexical_query("How is a wetland protected in the Agreement?")
    assert "mean" in retriever.lexical_query("协定中湿地的定义是什么？")


def test_a_term_weighs_in_its_translation_about_as_much_as_it_does_as_written(fake_bot):
    """"SBSTTA" (one word) is not outweighed by the many words of its Chinese name; "recommend" (建议) keeps its weight."""
    retriever = fake_bot.retriever
    asked = retriever.lexical_query("What did SBSTTA recommend on the workshop?")
    name = [t for t in retriever.tokenizer("科学、技术和工艺咨询附属机构") if t in asked]
    assert len(name) >= 3 and all(asked[t] < 1.0 for t in name) and sum(asked[t] for t in name) < len(name)
    assert asked["建议"] == 1.0 and asked["sbstta"] == 1.0


def test_a_named_document_s_passages_are_preferred_but_not_its_cover_block(fake_bot):
    retriever = fake_bot.retriever
    rows = np.arange(len(retriever.passages))
    bonus = retriever._prefer_named(normalize("What does CBD/WG2020/REC/1/1 say about the workshop?"),
                                    np.zeros(len(rows), dtype=np.float32), rows)
    kinds = [p.kind for p in retriever.passages]
    assert bonus[kinds.index("header")] < 0
    assert bonus[kinds.index("paragraph")] == retriever.fusion.document_bonus


def test_a_named_document_s_cover_block_falls_below_its_text_unless_the_cover_is_asked_for(fake_bot):
    retriever = fake_bot.retriever
    rows = np.arange(len(retriever.passages))
    zeros = np.zeros(len(rows), dtype=np.float32)
    header = [p.kind for p in retriever.passages].index("header")
    asked = retriever._prefer_named(normalize("What does CBD/WG2020/REC/1/1 say about the workshop?"), zeros, rows)
    assert asked[header] == -retriever.fusion.document_bonus  # the words naming it match its cover block
    cover = retriever._prefer_named(normalize("What is the agenda item of CBD/WG2020/REC/1/1?"), zeros, rows)
    assert cover[header] == retriever.fusion.document_bonus


def test_a_question_naming_a_table_prefers_its_rows(fake_bot):
    retriever = fake_bot.retriever
    rows = np.arange(len(retriever.passages))
    zeros = np.zeros(len(rows), dtype=np.float32)
    bonus = retriever._prefer_named(normalize("附件二表1中工作组第三次会议在哪里举行？"), zeros, rows)
    in_table = [r for r, p in enumerate(retriever.passages) if "table:1" in p.path and "annex:2" in p.path]
    others = [bonus[r] for r in rows if r not in in_table]
    assert in_table and min(bonus[r] for r in in_table) > max(others)  # more than the annex's other passages


def test_a_document_called_by_its_kind_is_preferred_when_others_are_of_other_kinds(two_languages):
    retriever = two_languages.retriever
    rows = np.arange(len(retriever.passages))
    kind_of = {d.id: d.kind for d in two_languages.documents}
    assert sorted(kind_of.values()) == ["recommendation", "report"]
    zeros = np.zeros(len(rows), dtype=np.float32)
    bonus = retriever._prefer_named(normalize("本建议请谁提供指导？"), zeros, rows)
    body = [r for r, p in enumerate(retriever.passages) if p.kind == "paragraph"]
    assert all(bonus[r] == (retriever.fusion.document_bonus if kind_of[retriever.passages[r].doc] == "recommendation"
                            else 0) for r in body)
    assert not retriever._prefer_named(normalize("缔约方请谁提供指导？"), zeros, rows).any()


def test_a_named_document_s_name_chooses_the_document_not_the_passage(fake_bot):
    retriever = fake_bot.retriever
    text = normalize("What does CBD/WG2020/REC/1/1 say about the workshop in Bern?")
    asked = retriever._without_document_names(retriever.lexical_query(text), text)
    assert "cbd/wg2020/rec/1/1" not in asked and not any("wg2020" in token for token in asked)
    assert any("workshop" in token or "bern" in token for token in asked)
    itself = normalize("What is CBD/WG2020/REC/1/1 about?")  # the document itself: its name is all there is
    assert retriever._without_document_names(retriever.lexical_query(itself), itself) == retriever.lexical_query(itself)


def test_a_question_asking_when_a_decision_was_adopted_finds_its_closing_line(four_documents):
    hits = four_documents.search("At which meeting was decision 4/CMA.6 adopted?", k=5)
    assert "7th plenary meeting" in [h.passage.text for h in hits[:2]]  # a short line, which counts less elsewhere
    assert hits[[h.passage.text for h in hits].index("7th plenary meeting")].kind_bonus  # the answer quotes it first
