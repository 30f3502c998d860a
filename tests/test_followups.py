"""Follow-ups that name another unit or decision, and units asked for whose words stand in their subunits."""
from dataclasses import replace
from pathlib import Path

import numpy as np

from bot.config import Config
from bot.engine import Bot
from bot.textnorm import normalize
from tests.fakes import FakeEmbedder

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "multi"


def bot_on(tmp_path: Path, *fixtures: str) -> Bot:
    """A bot on fixture documents (often one alone), with the toy embedder."""
    return bot_on_texts(tmp_path, {fixture: (FIXTURES / fixture).read_text(encoding="utf-8") for fixture in fixtures})


def bot_on_texts(tmp_path: Path, texts: dict[str, str]) -> Bot:
    """A bot on documents given as file name -> text, with the toy embedder."""
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name, text in texts.items():
        (corpus / name).write_text(text, encoding="utf-8")
    return Bot.open(Config(corpus_dir=corpus, index_dir=tmp_path / "index", cache_dir=tmp_path / "cache", model="fake",
                           progress=False), embedder=FakeEmbedder(), say=lambda line: None)


def test_and_in_another_decision_asks_for_the_same_paragraph_there(tmp_path):
    bot = bot_on(tmp_path, "en-decisions.txt")
    first = bot.ask("What does paragraph 2 of decision 3/CMA.6 say?")
    assert first.hits[0].passage.label.endswith("decision 3/CMA.6, para. 2")
    then = bot.ask("And in decision 4/CMA.6?", history=["What does paragraph 2 of decision 3/CMA.6 say?"])
    assert then.hits[0].passage.label.endswith("decision 4/CMA.6, para. 2"), then.hits[0].passage.label
    assert "Adopts the guidelines" in then.hits[0].passage.text


def test_an_article_whose_passage_is_only_its_heading_is_answered_with_its_paragraphs(tmp_path):
    bot = bot_on(tmp_path, "en-treaty.txt")
    heading = next(p for p in bot.passages if p.id.endswith(":art2"))
    assert heading.text == "Article 2 Objective"  # a heading and a title: the article's words are in its paragraphs
    answer = bot.ask("What does Article 2 say?")
    assert [h.passage.id for h in answer.hits[:2]] == [heading.id + "-1", heading.id + "-2"]
    assert answer.quotes[0].sentence.startswith("1.")  # the article's words, not its bare heading


def test_a_follow_up_naming_a_paragraph_after_an_article_reads_that_article(tmp_path):
    bot = bot_on(tmp_path, "zh-treaty.txt")
    history = ["第二条讲的是什么？"]
    then = bot.ask("第2款呢？", history=history)
    assert then.hits[0].passage.path[-2:] == ("article:2", "para:2"), then.hits[0].passage.path
    # another article's 第2款 is a card at most, not a second quote beside the one the previous turn leads to
    assert [q.passage_id for q in then.quotes] == [then.hits[0].passage.id]


def test_a_follow_up_asking_for_the_footnotes_of_a_unit_without_any_says_so(tmp_path):
    bot = bot_on(tmp_path, "zh-decision.txt")
    history = ["第2段(b)项讲什么？"]
    then = bot.ask("它的脚注怎么说？", history=history)
    assert then.hits[0].passage.label.endswith("第2段(b)项"), then.hits[0].passage.label  # the unit, not a footnote
    assert len(then.notes) == 1 and then.notes[0].endswith("第2段(b)项没有脚注。"), then.notes
    after = bot.ask("那(c)项呢？", history=history + ["它的脚注怎么说？"])
    assert after.hits[0].passage.label.endswith("第2段(c)项")
    footnoted = bot.ask("它的脚注怎么说？", history=["第3段讲什么？"])
    assert footnoted.hits[0].passage.kind == "footnote" and not footnoted.notes


def test_a_follow_up_asking_which_section_gets_the_heading_of_the_previous_unit(tmp_path):
    bot = bot_on(tmp_path, "zh-decision.txt")
    then = bot.ask("它属于哪一节？", history=["第3段讲什么？"])
    assert then.hits[0].passage.kind == "heading" and "后续步骤" in then.hits[0].passage.text


def test_a_sub_item_asked_for_and_shown_gets_no_missing_item_note(tmp_path):
    bot = bot_on_texts(tmp_path, {"res.txt":
        "A/RES/80/12\n\nResolution adopted by the General Assembly\n\n80/12. Highland communities\n\n"
        "The General Assembly,\n\nRecalling its earlier resolutions,\n\n1. Welcomes the report;\n"
        "2. Calls upon Member States:\n(a) To improve access to services, including:\n(i) Health care;\n"
        "(ii) Clean water and sanitation;\n(b) To report on progress;\n3. Decides to remain seized of the matter.\n"})
    answer = bot.ask("What does paragraph 2 (a) (ii) say?")
    assert answer.hits[0].passage.text.startswith("(ii) Clean water") and answer.notes == ()
    assert bot.ask("What does paragraph 2 (c) say?").notes  # no item (c): said


def test_a_follow_up_asking_for_the_section_of_a_unit_in_none_says_so(tmp_path):
    bot = bot_on(tmp_path, "en-treaty.txt")
    then = bot.ask("Which section is it in?", history=["What does Article 2, paragraph 1 say?"])
    assert then.hits[0].passage.label.endswith("Article 2, para. 1") and then.notes == ("Article 2, para. 1 stands in no section.",)


def test_a_unit_named_without_its_document_is_looked_for_in_the_previous_turn_s_first(tmp_path):
    bot = bot_on(tmp_path, "en-decisions.txt", "zh-decision.txt")
    alone = bot.ask("第3段说什么？")
    assert alone.hits[0].passage.doc == "zh-decision"  # no history: the question's language first
    first = bot.ask("What does paragraph 2 of decision 3/CMA.6 say?")
    assert first.hits[0].passage.doc == "en-decisions"
    then = bot.ask("第3段说什么？", history=["What does paragraph 2 of decision 3/CMA.6 say?"])
    assert then.hits[0].passage.doc == "en-decisions", then.hits[0].passage.citation


def test_the_footnote_of_a_named_unit_is_answered_with_that_footnote(tmp_path):
    bot = bot_on(tmp_path, "zh-decision.txt")
    unit = next(p for p in bot.passages if p.path[-1:] == ("para:3",) and len(p.path) == 2)
    assert unit.footnotes
    answer = bot.ask("第3段的脚注讲什么？")
    assert answer.hits[0].passage.id == unit.footnotes[0] and answer.hits[1].passage.id == unit.id
    assert bot.ask("第3段讲什么？").hits[0].passage.id == unit.id  # no footnote asked: the unit


def test_a_question_asking_for_a_source_is_answered_with_the_footnote_of_the_passage_found(tmp_path):
    bot = bot_on(tmp_path, "zh-decision.txt")
    found = bot.ask("理事会由26名成员组成")
    unit = found.hits[0].passage
    assert not found.hits[0].exact and unit.footnotes, unit.citation
    answer = bot.ask("理事会由26名成员组成这一规定，注释说了什么？")
    assert [h.passage.id for h in answer.hits[:2]] == [unit.footnotes[0], unit.id], answer.text
    assert not answer.abstained and answer.quotes[0].passage_id == unit.footnotes[0]
    assert bot.ask("理事会由多少名成员组成？").hits[0].passage.id == unit.id  # no source asked: the passage


def test_a_follow_up_asking_for_the_next_or_previous_unit_moves_along_its_level(tmp_path):
    bot = bot_on(tmp_path, "zh-decision.txt")
    first = "第1/CP.28号决定第2段(a)项讲什么？"
    assert bot.ask(first).hits[0].passage.label.endswith("第2段(a)项")
    assert bot.ask("下一项呢？", history=[first]).hits[0].passage.label.endswith("第2段(b)项")
    assert bot.ask("And the item right after it?", history=[first]).hits[0].passage.label.endswith("第2段(b)项")
    paragraph = "第1/CP.28号决定第3段讲什么？"
    assert bot.ask("上一段呢？", history=[paragraph]).hits[0].passage.label.endswith("第2段")


def test_a_number_several_articles_have_is_answered_with_a_note_naming_them(tmp_path):
    bot = bot_on(tmp_path, "zh-treaty.txt")
    answer = bot.ask("第2款讲什么？")
    several = [h.passage for h in answer.hits if h.exact and h.passage.path[-1] == "para:2"]
    assert len({p.path[:-1] for p in several}) >= 2  # the fixture has a 第2款 in more than one article
    assert answer.notes and all(p.label in answer.notes[-1] for p in several[:2])
    assert not bot.ask("第二条第2款讲什么？").notes  # one unit named: no note


def test_a_question_naming_a_treaty_by_what_it_is_prefers_the_loaded_treaty(tmp_path):
    bot = bot_on(tmp_path, "zh-treaty.txt", "zh-decision.txt")
    treaty = next(d.id for d in bot.documents if d.kind == "treaty")
    retriever = bot.retriever
    rows = np.arange(len(retriever.passages))
    bonus = retriever._prefer_named(normalize("协定规定了哪些合作方式？"), np.zeros(len(rows), dtype=np.float32), rows)
    of_treaty = np.array([p.doc == treaty for p in retriever.passages])
    in_treaty = of_treaty & ~retriever.is_front_matter
    assert (bonus[in_treaty] == retriever.fusion.document_bonus).all() and (bonus[~of_treaty] == 0).all()
    assert (bonus[of_treaty & retriever.is_front_matter] < 0).all()  # its cover falls below its text
    plain = retriever._prefer_named(normalize("缔约方会议决定了什么？"), np.zeros(len(rows), dtype=np.float32), rows)
    assert not plain.any()


def test_an_article_that_is_only_its_number_and_title_ranks_as_a_heading(tmp_path):
    bot = bot_on(tmp_path, "en-treaty.txt")
    retriever = bot.retriever
    flags = {p.id.split(":", 1)[1]: bool(retriever.is_heading[row]) for row, p in enumerate(retriever.passages)}
    assert flags["art2"] and not flags["art3"]  # "Article 2 Objective" / "Article 3 Each Party shall designate …"
    assert not flags["art2-1"]


def test_a_note_on_an_english_unit_sets_its_label_apart_from_the_chinese_words(tmp_path):
    bot = bot_on(tmp_path, "en-decisions.txt")
    then = bot.ask("它的脚注怎么说？", history=["What does paragraph 2 of decision 3/CMA.6 say?"])
    assert then.notes and then.notes[0].endswith("para. 2 没有脚注。"), then.notes


def test_a_follow_up_that_swaps_the_subject_is_not_answered_with_the_previous_answer(tmp_path):
    bot = bot_on_texts(tmp_path, {"fund.txt":
        "Decision 1/CMP.22\nMatters relating to the Adaptation Fund\n"
        "1. Takes note of the annual report of the Adaptation Fund Board;\n4. Decides that:\n"
        "(a) The cap on funding for single-country projects and programmes shall be raised to USD 25 million "
        "per eligible Party;\n(b) The ceiling for regional projects shall remain at USD 14 million;\n"})
    first = "What is the new cap on funding for single-country projects and programmes?"
    assert bot.ask(first).hits[0].passage.label.endswith("para. 4 (a)")
    then = bot.ask("And for regional projects?", history=[first])
    assert then.hits[0].passage.label.endswith("para. 4 (b)"), [h.passage.label for h in then.hits]
    answered = bot.ask(first).hits[0].passage
    assert not bot._swaps_subject("And who reviews it?", first, answered)  # asks anew: the previous answer may answer
    assert not bot._swaps_subject("And for each eligible Party?", first, answered)  # which the previous answer names
    chinese = replace(answered, text="2. 欢迎哥伦比亚主办工作组第二次会议，以及中国主办第三次会议；")
    assert not bot._swaps_subject("What about the third one?", "Where is the second meeting?", chinese)  # it may name it
