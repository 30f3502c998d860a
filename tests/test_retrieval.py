"""Retrieval and answers with the real default model on the real document (one index per session)."""
import re
from pathlib import Path

import pytest

from bot.evaluate import evaluate, load_questions
from tests.conftest import seed

pytestmark = pytest.mark.model
QUESTIONS = Path(__file__).resolve().parents[1] / "bench" / "questions.jsonl"


@pytest.fixture(scope="module")
def report(real_bot):
    return evaluate(real_bot, load_questions(QUESTIONS))


def test_hybrid_clears_the_bars(report):
    # The first passage shown should answer three questions in four, and the answer should almost always be
    # among the five shown: the bars, with the figures `bot eval` prints.
    overall = report["hybrid"]["overall"]
    assert overall["answerable"] >= 150
    assert overall["hit@1"] >= 0.75
    assert overall["hit@5"] >= 0.93


def test_hybrid_beats_each_single_channel(report):
    hybrid = report["hybrid"]["overall"]
    for single in ("lexical", "dense"):
        assert hybrid["mrr@10"] > report[single]["overall"]["mrr@10"]
        assert hybrid["hit@5"] >= report[single]["overall"]["hit@5"]


def test_english_questions_find_the_chinese_passage(report):
    assert report["hybrid"]["english"]["hit@5"] >= 0.85


def test_structural_references_are_exact(real_bot):
    for question, expected in [("第7段(a)项", "p7a"), ("脚注14说什么？", "fn14"), ("附件一第二节D(四)", "a1-D-4"),
                               ("表3有哪些会议？", "a2-t3"), ("What does footnote 26 say?", "fn26")]:
        assert real_bot.ask(question).hits[0].passage.id == seed(expected), question


def test_answer_quotes_the_document_with_its_citation(real_bot):
    answer = real_bot.ask("工作组第二次会议在哪里举行？")
    assert not answer.abstained
    assert answer.hits[0].passage.id in {seed("p1"), seed("a2-t1-4")}
    assert "昆明" in answer.text and "[1]" in answer.text
    top = answer.hits[0].passage
    assert top.citation in answer.text
    for quote in answer.quotes:  # every quoted sentence is the document's own words
        assert quote.sentence in real_bot.by_id[quote.passage_id].text


def test_follow_up_uses_the_previous_question(real_bot):
    answer = real_bot.ask("那第三次会议呢？", history=["工作组第二次会议在哪里举行？"])
    assert {seed("p2"), seed("a2-t1-9")} & {h.passage.id for h in answer.hits[:2]}
    footnotes = real_bot.ask("它的脚注怎么说？", history=["附件一第二节D(四)"])
    assert footnotes.hits[0].passage.id == seed("fn14")


def test_declines_plainly_and_still_shows_the_nearest(real_bot):
    answer = real_bot.ask("苹果派的做法是什么？")
    assert answer.abstained
    assert answer.text.startswith("文件中没有找到")
    assert len(answer.hits) == 5


def test_decline_says_what_is_missing(real_bot):
    answer = real_bot.ask("《京都议定书》有哪些减排规定？")
    assert answer.abstained and "《京都议定书》" in answer.text
    money = real_bot.ask("工作组第三次会议花了多少美元？")
    assert money.abstained and "金额" in money.text
    assert not real_bot.ask("工作组第三次会议在哪里举行？").abstained


def test_no_quotable_sentence_is_a_bare_number(real_bot):
    bare = [s.text for s in real_bot.index.sentences if re.fullmatch(r"(?:\d+|[A-Z]|[一二三四五六七八九十]+)\.", s.text)]
    assert not bare
    assert real_bot.ask("第7段说什么？").quotes[0].sentence.startswith("7. 邀请")


def test_a_named_container_is_preceded_by_its_passage_that_scores_best():
    import numpy as np

    from bot.retrieve import Retriever

    fused = np.array([0.1, 2.0, 5.0, 9.0])  # rows 10 (the article's heading), 11, 12 inside it; 13 elsewhere
    position = {10: 0, 11: 1, 12: 2, 13: 3}
    assert Retriever._with_best_content([10], {10: [11, 12]}, fused, position) == [12, 10]
    assert Retriever._with_best_content([10], {10: []}, fused, position) == [10]  # nothing inside: as named
