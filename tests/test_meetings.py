"""Documents named by their meeting: "the Katowice decision", "2014年利马会议"."""
from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from bot.engine import Bot
from bot.glossary import default_glossary
from bot.meetings import meeting_of, months_named, names_place, names_session, years_named
from tests.fakes import FakeEmbedder

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "multi"


def test_an_english_report_title_gives_place_in_both_languages_and_year():
    meeting = meeting_of("Report of the Conference of the Parties on its twenty-fourth session, held in Katowice "
                         "from 2 to 15 December 2018", default_glossary())
    assert meeting is not None and meeting.year == 2018
    assert meeting.places[0] == "katowice" and "卡托维兹" in meeting.places


def test_a_place_of_several_words_is_read_whole():
    meeting = meeting_of("Report of the Subsidiary Body for Implementation on its fifty-seventh session, held in "
                         "Sharm el-Sheikh from 6 to 12 November 2022", default_glossary())
    assert meeting is not None and meeting.places[0] == "sharm el-sheikh" and meeting.year == 2022


def test_a_chinese_report_title_gives_place_and_year():
    meeting = meeting_of("缔约方会议第二十五届会议报告，2019年12月2日至15日在马德里举行", default_glossary())
    assert meeting is not None and meeting.year == 2019
    assert meeting.places[0] == "马德里" and "madrid" in meeting.places


def test_a_title_that_names_no_meeting_gives_none():
    assert meeting_of("Paris Agreement", default_glossary()) is None
    assert meeting_of("《巴黎协定》", default_glossary()) is None


def test_a_title_naming_only_the_body_and_meeting_gives_no_place_or_year():
    meeting = meeting_of("编制2020年后全球生物多样性框架：工作组第一次会议的结论", default_glossary())
    assert meeting is not None and meeting.places == () and meeting.year is None
    assert meeting.sessions == {1} and "工作组" in meeting.bodies


def test_years_are_times_not_spans_or_symbols():
    assert years_named("2014年利马会议") == {2014}
    assert years_named("What did the COP decide in 2016 about FCCC/CP/2015/10?") == {2016}
    assert years_named("2024–2025两年期预算") == set() == years_named("2021至2022年的资金")
    assert years_named("flows in 2019-2020 and 2021 to 2022") == set()


def test_a_place_is_matched_as_a_word():
    meeting = meeting_of("Report of the Conference of the Parties on its twentieth session, held in Lima from 1 to "
                         "14 December 2014", default_glossary())
    assert names_place("what did the lima cop decide?", meeting)
    assert not names_place("what about climate finance?", meeting)
    assert names_place("利马会议决定了什么？", meeting)


@pytest.mark.parametrize("question, named", [
    ("in lima, what did the parties decide?", True),
    ("what did the lima talks conclude?", True),
    ("lima's outcome on gender", True),
    ("在利马通过的决定", True),
    ("2014年利马缔约方会议", True),
    ("what does the lima work programme on gender cover?", False),  # an instrument named after the meeting
    ("利马工作方案的期限是多久？", False),
    ("利马气候行动呼吁说了什么？", False),
])
def test_a_place_names_the_meeting_only_where_it_says_where(question, named):
    meeting = meeting_of("Report of the Conference of the Parties on its twentieth session, held in Lima from 1 to "
                         "14 December 2014", default_glossary())
    assert names_place(question, meeting) == named


@pytest.fixture
def two_meetings(fake_config) -> Bot:
    """The same decision reported from two sessions: one held in Baku in 2024, one in Glasgow in 2021."""
    text = (FIXTURES / "en-decisions.txt").read_text(encoding="utf-8")
    assert "held in Baku\nfrom 11 to 22 November 2024" in text
    (fake_config.corpus_dir / "baku.txt").write_text(text, encoding="utf-8")
    (fake_config.corpus_dir / "glasgow.txt").write_text(
        text.replace("FCCC/PA/CMA/2024/9/Add.1", "FCCC/PA/CMA/2021/10/Add.1")
            .replace("held in Baku\nfrom 11 to 22 November 2024", "held in Glasgow\nfrom 31 October to 13 November 2021"),
        encoding="utf-8")
    return Bot.open(fake_config, embedder=FakeEmbedder(), say=lambda line: None)


@pytest.mark.parametrize("question, file", [
    ("At the Glasgow session, who was to prepare a synthesis report on national adaptation plans?", "glasgow.txt"),
    ("At the Baku session, who was to prepare a synthesis report on national adaptation plans?", "baku.txt"),
    ("In 2021, who was to prepare a synthesis report on national adaptation plans?", "glasgow.txt"),
])
def test_a_question_naming_a_meeting_prefers_its_report(two_meetings, question, file):
    file_of = {d.id: d.file for d in two_meetings.documents}
    hits = two_meetings.search(question, k=2)
    assert "synthesis report" in hits[0].passage.text and file_of[hits[0].passage.doc] == file


def test_a_session_is_named_by_acronym_ordinal_or_chinese_number():
    meeting = meeting_of("Report of the Subsidiary Body for Scientific and Technological Advice on its forty-ninth "
                         "session, held in Katowice from 2 to 8 December 2018", default_glossary())
    assert meeting is not None and meeting.sessions == {49} and "sbsta" in meeting.bodies
    for question in ("at the close of sbsta 49, what was noted?", "what did the sbsta49 conclude?",
                     "the forty-ninth session of the subsidiary body for scientific and technological advice",
                     "附属科学技术咨询机构第四十九届会议的结论是什么？"):
        assert names_session(question, meeting), question
    for question in ("what did sbi 49 conclude?", "sbsta 50 in bonn", "the forty-ninth session of the sbi",
                     "fccc/sbsta/2018/49", "第四十九段"):
        assert not names_session(question, meeting), question


def test_a_report_of_several_sessions_answers_to_each():
    meeting = meeting_of("Report of the Subsidiary Body for Implementation on its fifty-second to fifty-fifth session, "
                         "held in Glasgow from 31 October to 6 November 2021", default_glossary())
    assert meeting is not None and meeting.sessions == {52, 53, 54, 55}
    assert names_session("what did sbi 53 say?", meeting) and not names_session("what did sbi 56 say?", meeting)


def test_a_chinese_title_gives_body_and_session():
    meeting = meeting_of("缔约方会议第二十八届会议报告，2023年11月30日至12月13日在阿拉伯联合酋长国举行", default_glossary())
    assert meeting is not None and meeting.sessions == {28} and "cop" in meeting.bodies
    assert names_session("cop 28 decided what?", meeting) and names_session("第二十八届缔约方会议决定了什么？", meeting)


def test_a_decision_names_its_meeting_in_its_cover_block():
    cover = ("CBD/COP/DEC/16/31 Distr.: General 27 February 2025 Original: English Conference of the Parties to the "
             "Convention on Biological Diversity Sixteenth meeting, second resumed session Rome, 25–27 February 2025 "
             "Agenda item 10")
    meeting = meeting_of("Monitoring framework for the Kunming-Montreal Global Biodiversity Framework",
                         default_glossary(), cover)
    assert meeting is not None and meeting.places[0] == "rome" and meeting.year == 2025
    assert meeting.sessions == {16} and "cop" in meeting.bodies  # the Conference of the Parties, not the Convention
    assert names_session("what did cop 16 decide on monitoring?", meeting)


def test_a_chinese_cover_block_gives_place_within_country_and_year():
    meeting = meeting_of("x", default_glossary(), "生物多样性公约缔约方大会 第十五次会议第二阶段 2022年12月7日至19日，"
                                                  "加拿大蒙特利尔 议程项目9A")
    assert meeting is not None and meeting.year == 2022 and meeting.sessions == {15}
    assert names_place("蒙特利尔会议通过了什么？", meeting) and names_place("what was adopted in montreal?", meeting)
    assert names_session("第十五次缔约方大会", meeting)


def test_a_title_that_names_its_meeting_is_read_before_the_cover():
    meeting = meeting_of("Report of the Conference of the Parties on its twentieth session, held in Lima from 1 to "
                         "14 December 2014", default_glossary(), "Conference of the Parties Twentieth session Lima, "
                                                                 "1–14 December 2014 Paris, 3 March 2015")
    assert meeting is not None and meeting.places[0] == "lima" and meeting.sessions == {20}


def test_with_equal_evidence_a_paragraph_outranks_the_cover_block(two_meetings):
    # a cover block repeats the meeting a question names ("at the Baku session, …") and rarely answers the rest
    retriever = two_meetings.retriever
    kinds = {p.kind: row for row, p in enumerate(retriever.passages)}
    rows = np.array([kinds["header"], kinds["paragraph"]])
    cover, paragraph = retriever._fuse(np.array([5.0, 5.0]), np.array([0.3, 0.3]), "hybrid", rows)
    assert paragraph - cover == pytest.approx(retriever.fusion.front_matter_penalty) and paragraph > cover
    # so does a short line outside any unit ("10th plenary meeting", "22 November 2024")
    line = next(row for row, p in enumerate(retriever.passages) if p.kind == "text" and len(p.text) <= 40)
    short, paragraph = retriever._fuse(np.array([5.0, 5.0]), np.array([0.3, 0.3]), "hybrid",
                                       np.array([line, kinds["paragraph"]]))
    assert paragraph > short


def test_a_meeting_knows_its_months_and_a_question_names_a_month_without_a_day():
    bonn = meeting_of("Report of the Subsidiary Body for Implementation on its forty-fourth session, held in Bonn "
                      "from 16 to 26 May 2016", default_glossary())
    assert (bonn.year, bonn.months) == (2016, frozenset({5}))
    uae = meeting_of("Report of the Conference of the Parties on its twenty-eighth session, held in the United Arab "
                     "Emirates from 30 November to 13 December 2023", default_glossary())
    assert uae.months == frozenset({11, 12})
    nairobi = meeting_of("x", default_glossary(), "不限成员名额工作组 第一次会议 2019年8月27日至30日，内罗毕 1/1.")
    assert nairobi.months == frozenset({8})
    assert months_named("at the may 2016 bonn session, who spoke?") == {(2016, 5)}
    assert months_named("在2019年12月马德里举行的会议上") == {(2019, 12)}
    assert months_named("as at 30 june 2014, how many?") == set() == months_named("截至2014年6月30日，有多少？")
