"""A question that asks for a kind of answer (a date, a number) prefers, among its best passages, those holding one."""
import dataclasses

import pytest

from bot.config import Config
from bot.engine import Bot
from tests.fakes import FakeEmbedder

DECISION = """Decision 3/CP.30

Work programme on adaptation

The Conference of the Parties,

1. Invites Parties to submit their views on the work programme on adaptation;

2. Invites observers to submit their views on the work programme on adaptation by 30 September 2026;

3. Requests the secretariat to prepare a synthesis report on national adaptation plans;
"""


@pytest.fixture
def decision_bot(tmp_path) -> Bot:
    """The decision alone: the calibrated scores below depend on what else is loaded."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "decision.txt").write_text(DECISION, encoding="utf-8")
    config = Config(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", model="fake",
                    progress=False)
    return Bot.open(config, embedder=FakeEmbedder(), say=lambda line: None)


def first_paragraph(bot: Bot, question: str) -> str:
    hits = bot.search(question, k=5)
    return hits[0].passage.text


@pytest.mark.parametrize("bonus, dated_first", [(0.0, False), (2.0, True)])
def test_a_when_question_prefers_the_paragraph_that_gives_the_date(decision_bot, bonus, dated_first):
    # the toy embedder puts the undated paragraph (the question's very words) 1.5 ahead: a bonus of 2 overtakes it
    retriever = decision_bot.retriever
    retriever.fusion = dataclasses.replace(retriever.fusion, answer_kind_bonus=bonus)
    question = "By what date are Parties invited to submit their views on the work programme on adaptation?"
    assert ("30 September 2026" in first_paragraph(decision_bot, question)) == dated_first


def test_a_question_asking_for_no_kind_is_left_alone(decision_bot):
    hits = decision_bot.search("What are Parties invited to submit views on?", k=5)
    assert all(hit.kind_bonus == 0 for hit in hits)
