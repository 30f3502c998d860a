"""A corpus folder's own glossary.tsv adds bilingual terms to the project's, and a broken one is one line."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.engine import Bot
from bot.errors import CorpusError
from bot.glossary import Glossary
from tests.fakes import FakeEmbedder

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "multi"
QUESTION = "研习坊的主题是什么？"  # 研习坊 (a workshop) is in no project glossary


@pytest.fixture
def with_english(fake_config):
    shutil.copy(FIXTURES / "en-decisions.txt", fake_config.corpus_dir)
    return fake_config


def test_the_corpus_glossary_translates_a_chinese_question_for_english_text(with_english):
    plain = Bot.open(with_english, embedder=FakeEmbedder(), say=lambda line: None)
    assert "workshop" not in plain.retriever.lexical_query(QUESTION)
    (with_english.corpus_dir / "glossary.tsv").write_text(
        "# our own terms\nworkshop\t研习坊\n\nno tab on this line\n", encoding="utf-8")
    bot = Bot.open(with_english, embedder=FakeEmbedder(), say=lambda line: None)
    assert "workshop" in bot.retriever.lexical_query(QUESTION)
    english = next(d.id for d in bot.documents if d.file == "en-decisions.txt")
    hits = bot.search(QUESTION, k=1, mode="lexical", doc=english)
    assert "To organize a workshop" in hits[0].passage.text
    # the project's own terms are still there, and the file is no document
    assert "paris agreement" in bot.glossary.english_for("巴黎协定")
    assert all(d.file != "glossary.tsv" for d in bot.documents)


def test_the_corpus_glossary_gives_names_for_declining(with_english):
    def reason(bot: Bot) -> str:
        question = "《适委会》讲了什么？"
        return bot.decline_reason(question, bot.search(question, k=3)) or ""

    assert "《适委会》" in reason(Bot.open(with_english, embedder=FakeEmbedder(), say=lambda line: None))
    # the text never says 适委会, but it names the Adaptation Committee, which the corpus glossary says it is
    (with_english.corpus_dir / "glossary.tsv").write_text(
        "adaptation committee\t适委会\n", encoding="utf-8")
    assert "《适委会》" not in reason(Bot.open(with_english, embedder=FakeEmbedder(), say=lambda line: None))


def test_a_glossary_that_is_not_utf8_is_one_line(tmp_path: Path):
    broken = tmp_path / "glossary.tsv"
    broken.write_bytes("baku\t巴库\n".encode("gb18030"))
    with pytest.raises(CorpusError) as error:
        Glossary.for_corpus(tmp_path)
    assert "glossary.tsv: not UTF-8" in str(error.value) and "\n" not in str(error.value)


def test_without_a_corpus_glossary_the_project_glossary_is_shared(tmp_path: Path):
    assert Glossary.for_corpus(tmp_path) is Glossary.for_corpus(tmp_path / "elsewhere")


def test_a_chinese_text_reads_its_glossary_terms_in_english():
    glossary = Glossary.load()
    english = glossary.in_english("谁负责编写关于国家适应计划的综合报告？")
    assert "national adaptation plan" in english and "synthesis report" in english  # full names, not "nap"
    assert "谁负责" in english  # words the glossary does not hold stay as they are
    assert glossary.in_english("猫和狗") == "猫和狗"


def test_an_english_text_reads_its_glossary_terms_in_chinese():
    glossary = Glossary.load()
    chinese = glossary.in_chinese("Who chairs the Subsidiary Body for Implementation?")
    assert "附属履行机构" in chinese and "Subsidiary" not in chinese and chinese.startswith("Who")
    assert glossary.in_chinese("nothing here") == "nothing here"


def test_every_line_of_the_project_glossaries_is_an_entry():
    """A line the reader would skip (no tab, no Chinese term, a repeated English term) is a data error."""
    from bot.glossary import DATA_DIR

    for path in sorted(DATA_DIR.glob("glossary*.tsv")):
        seen: set[str] = set()
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
            if not line.strip() or line.startswith("#"):
                continue
            english, _, chinese = line.partition("\t")
            assert english and english == english.lower() and chinese.split(), f"{path.name}:{number}"
            assert english not in seen, f"{path.name}:{number} repeats {english!r}"
            seen.add(english)
