"""Normalization, tokenization and BM25 on tiny inputs with exact expectations."""
import math

import pytest
from hypothesis import given, settings, strategies as st

from bot.bm25 import BM25
from bot.context import split_sentences
from bot.textnorm import normalize
from bot.tokenize import Tokenizer


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("第 14/34 号决定", "第14/34号决定"),
        ("第５段", "第5段"),
        ("締約方會議", "缔约方会议"),
        ("  Where  is\tIT?  ", "where is it?"),
        ("2019 年 8 月 27 日", "2019年8月27日"),
        ("（四）", "(四)"),
        ("decision 1\u2044CMA.5", "decision 1/cma.5"),  # a fraction slash, as some word processors type it
    ],
)
def test_normalize(raw, expected):
    assert normalize(raw) == expected


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_normalize_is_idempotent(text):
    once = normalize(text)
    assert normalize(once) == once


def test_tokenizer_drops_punctuation_and_question_words():
    tokens = Tokenizer()("工作组第二次会议在哪里举行？")
    assert "第二次" in tokens and "举行" in tokens
    assert "哪里" not in tokens and "？" not in tokens and "?" not in tokens


def test_tokenizer_drops_the_yes_no_forms_of_spoken_questions():
    tokens = Tokenizer()("筹集资金算不算实施手段？是不是大家都能参与？")
    assert {"资金", "实施", "手段", "参与"} <= set(tokens)
    assert not {"算不算", "不算", "是不是", "不是", "大家"} & set(tokens)


def test_tokenizer_reads_traditional_and_full_width():
    tokenize = Tokenizer()
    assert tokenize("締約方會議") == tokenize("缔约方会议")
    assert "5" in tokenize("第５段")


@pytest.mark.parametrize("english, chinese", [
    ("as at 3 December 2019, 17 of the 46", "截至2019年12月3日，46个中的17个"),
    ("by 14 March 2025", "在2025年3月14日前"),
    ("held from 2–15 December 2018", "2018年12月2日至15日举行"),
])
def test_a_date_is_one_word_in_either_language(english, chinese):
    tokenizer = Tokenizer()
    shared = {t for t in tokenizer(english) if t.startswith("d:")} & {t for t in tokenizer(chinese) if t.startswith("d:")}
    assert shared, (tokenizer(english), tokenizer(chinese))
    assert "m:2019-12" in tokenizer("in December 2019") and not any(t.startswith("d:") for t in tokenizer("in December 2019"))
    assert not any(t[:2] in ("d:", "m:") for t in tokenizer("2019年13月5日 and 40 to 50 May delegates"))


def test_the_year_of_a_date_in_a_question_is_still_highlighted():
    from bot.web import question_terms

    assert "2019" in question_terms("截至2019年12月3日，提交了多少？")


def test_bm25_exact_scores():
    bm25 = BM25([["a", "b"], ["b", "c", "c"], ["d"]], k1=1.2, b=0.75)
    idf_a = math.log(1 + (3 - 1 + 0.5) / (1 + 0.5))
    average = 2.0
    norm_0 = 1.2 * (1 - 0.75 + 0.75 * 2 / average)
    scores = bm25.scores(["a", "a", "zzz"])
    assert scores[0] == pytest.approx(idf_a * 2.2 / (1 + norm_0))
    assert scores[1] == 0 and scores[2] == 0


def test_bm25_prefers_more_occurrences_and_rarer_terms():
    bm25 = BM25([["x", "y"], ["x", "x", "y"], ["y", "y", "y"]])
    scores = bm25.scores(["x"])
    assert scores[1] > scores[0] > scores[2] == 0


def test_bm25_empty_corpus_and_query():
    assert len(BM25([]).scores(["a"])) == 0
    assert BM25([["a"]]).scores([]).tolist() == [0.0]


def test_sentences_keep_the_paragraph_number_with_its_text():
    assert split_sentences("7. 邀请科学机构提供指导。并请工作组注意。") == ["7. 邀请科学机构提供指导。", "并请工作组注意。"]
    assert split_sentences("A.  背景") == ["A.  背景"]
    assert split_sentences("2019 年 11 月 24 日 | 蒙特利尔") == ["2019 年 11 月 24 日", "蒙特利尔"]


def test_a_title_or_abbreviation_does_not_end_a_sentence():
    text = "The SBSTA elected Ms. Marianne Karlsen (Norway) as Chair. It recalled para. 5 above, e.g. the review. Done."
    assert split_sentences(text) == ["The SBSTA elected Ms. Marianne Karlsen (Norway) as Chair.",
                                     "It recalled para. 5 above, e.g. the review.", "Done."]
