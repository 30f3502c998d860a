"""Corpus files are decoded whatever their encoding, or refused with a message naming the file."""
import pytest

from bot.corpus import corpus_sha256, decode, load_corpus
from bot.errors import CorpusError

TEXT = "1. 欢迎中国慷慨提出主办工作组的另一次会议；\n"


@pytest.mark.parametrize(
    "data",
    [
        TEXT.encode("utf-8"),
        b"\xef\xbb\xbf" + TEXT.encode("utf-8"),
        TEXT.replace("\n", "\r\n").encode("utf-8"),
        TEXT.encode("gbk"),
        TEXT.encode("utf-16"),
    ],
    ids=["utf8", "bom", "crlf", "gbk", "utf16"],
)
def test_decodes(data):
    assert decode(data, "x.txt") == TEXT


@pytest.mark.parametrize(
    "data, words",
    [(b"", "empty"), (b"   \n", "empty"), (bytes(range(256)) * 4, "binary"), (b"\x89PNG\r\n\x1a\n\x00\x00", "binary"),
     (b"\xff\xfe\x00garbage\x00\x01\x02", "not valid UTF-16"),  # a UTF-16 mark on bytes that are not UTF-16
     (b"\xff\xfe\x00garbage", "not valid UTF-16"),  # even in length: it would decode, as 最牡慢敧
     (b"\xff\xfeplain ASCII text behind a mark", "not valid UTF-16")],
)
def test_refuses_with_file_name(data, words):
    with pytest.raises(CorpusError, match=rf"bad\.txt: .*{words}"):
        decode(data, "bad.txt")


def test_unreadable_file_is_skipped_and_named(tmp_path):
    (tmp_path / "good.txt").write_text(TEXT, encoding="utf-8")
    (tmp_path / "empty.txt").write_bytes(b"")
    documents, skipped = load_corpus(tmp_path)
    assert [d.id for d in documents] == ["good"]
    assert len(skipped) == 1 and skipped[0].startswith("empty.txt:")


def test_no_readable_document_is_an_error(tmp_path):
    (tmp_path / "empty.txt").write_bytes(b"")
    with pytest.raises(CorpusError, match="no readable document"):
        load_corpus(tmp_path)
    with pytest.raises(CorpusError, match="not found"):
        load_corpus(tmp_path / "missing")


def test_corpus_hash_changes_with_content(tmp_path):
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    before = corpus_sha256(tmp_path)
    (tmp_path / "a.txt").write_text(TEXT + "2. 又欢迎。\n", encoding="utf-8")
    assert corpus_sha256(tmp_path) != before


def test_a_title_printed_in_capitals_is_cited_in_title_case():
    from bot.corpus import readable_title

    assert readable_title("CONVENTION ON THE PROTECTION OF TRANSBOUNDARY HIGHLAND WATERS") == \
        "Convention on the Protection of Transboundary Highland Waters"
    assert readable_title("Report of the SBSTA on its sixtieth session") == "Report of the SBSTA on its sixtieth session"
    assert readable_title("UNFCCC") == "UNFCCC"  # an acronym is no title in capitals


def test_a_document_id_keeps_the_letters_of_its_file_name_in_any_script():
    from bot.corpus import document_id

    assert document_id("区域跨界湿地保护协定.zh.md") == "区域跨界湿地保护协定.zh"
    assert document_id("cp2019_25 - 2019 - Decisions 7 to 18.txt") == "cp2019_25---2019---Decisions-7-to-18"


def test_a_language_line_of_the_cover_block_is_no_title():
    from bot.structure import detect

    text = "联合国\nFCCC/PA/CMA/2027/8/Add.2\nDistr.: General\n2028年3月15日\n中文\n原文：英文\n\n第5/CMA.9号决定\n海洋与气候\n\n1. 欢迎报告。\n"
    assert detect(text, "x.docx").title == "海洋与气候"  # the title under the decision heading, not "中文"


def test_a_file_keeps_its_id_when_another_file_would_claim_it():
    from bot.corpus import assign_ids

    names = ["Water Decision.md", "Water-Decision.md"]  # sorted: the newcomer first
    assert assign_ids(names, {}) == {"Water Decision.md": "Water-Decision", "Water-Decision.md": "Water-Decision-2"}
    kept = assign_ids(names, {"Water-Decision.md": "Water-Decision"})
    assert kept == {"Water-Decision.md": "Water-Decision", "Water Decision.md": "Water-Decision-2"}
    assert assign_ids(["a.md", "A.txt"], {}) == {"a.md": "a", "A.txt": "A-2"}  # unique in any case, as --doc reads ids


def test_a_citation_names_a_decision_once_when_the_symbol_is_that_decision_s(tmp_path):
    from bot.index import parse_documents

    (tmp_path / "cbd.txt").write_text("CBD/COP/DEC/99/7\nDistr.: General\n\nDecision 99/7. Pollinators\n\n"
                                      "1. Welcomes the report;\n\n2. Decides to act.\n", encoding="utf-8")
    (tmp_path / "cma.txt").write_text("FCCC/PA/CMA/2018/3/Add.1\nDistr.: General\n\nDecision 3/CMA.1\n\n"
                                      "1. Welcomes the report;\n", encoding="utf-8")  # a report's symbol: 3 and 1 by chance
    documents, _ = load_corpus(tmp_path)
    cited = {p.id: p.citation for p in parse_documents(documents)}
    assert cited["cbd:d99/7-p2"] == "CBD/COP/DEC/99/7, para. 2"
    assert cited["cbd:d99/7"] == "CBD/COP/DEC/99/7, decision 99/7"
    assert cited["cma:d3/CMA.1-p1"] == "FCCC/PA/CMA/2018/3/Add.1, decision 3/CMA.1, para. 1"
