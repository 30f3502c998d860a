"""The structure grammar on UN documents in both languages: ids, paths, labels, footnote links, pages and
page furniture on the fixtures in tests/fixtures/multi, detect() on each, and the grammar's rules on small
inline texts."""
from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest

from bot.parser import PARSER_VERSION
from bot.parser import parse as compat_parse
from bot.structure import DocumentInfo, detect, parse, strip_markers

ROOT = Path(__file__).resolve().parents[1]
FIXTURES = ROOT / "tests" / "fixtures" / "multi"
SEED = ROOT / "corpus" / "CBD-WG2020-REC-1-1.zh.txt"


def _read(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def _by_id(text: str, language: str | None = None) -> dict:
    return {p.id: p for p in parse(text, language)}


@pytest.fixture(scope="module")
def en_decisions():
    return _by_id(_read("en-decisions.txt"))


@pytest.fixture(scope="module")
def en_treaty():
    return _by_id(_read("en-treaty.txt"))


@pytest.fixture(scope="module")
def zh_decision():
    return _by_id(_read("zh-decision.txt"))


@pytest.fixture(scope="module")
def zh_treaty():
    return _by_id(_read("zh-treaty.txt"))


def _rows(units: dict, *ids: str) -> list[tuple[str, str, tuple[str, ...]]]:
    return [(units[i].kind, units[i].label, units[i].path) for i in ids]


# -- the API -------------------------------------------------------------------------------------------


def test_compatibility_module_is_the_structure_parser():
    assert PARSER_VERSION == "2"
    text = _read("en-treaty.txt")
    assert compat_parse(text) == parse(text)


def test_label_and_citation_agree_and_doc_is_left_to_the_index(en_decisions, zh_decision):
    for unit in [*en_decisions.values(), *zh_decision.values()]:
        assert unit.label == unit.citation and unit.label
        assert unit.doc == ""


@pytest.mark.parametrize("name", ["en-decisions.txt", "en-treaty.txt", "zh-decision.txt", "zh-treaty.txt"])
def test_fixtures_are_consistent(name):
    passages = parse(_read(name))
    assert 40 <= len(_read(name).splitlines()) <= 120
    assert len({p.id for p in passages}) == len(passages)
    assert len({p.path for p in passages}) == len(passages)
    assert [p.order for p in passages] == list(range(len(passages)))
    assert {(p.id, f) for p in passages for f in p.footnotes} == {(c, p.id) for p in passages for c in p.cited_by}
    assert all(p.pages and min(p.pages) >= 1 for p in passages)


# -- English: a report with two decisions ---------------------------------------------------------------


def test_two_decisions_number_their_paragraphs_apart(en_decisions):
    paragraphs = [i for i, p in en_decisions.items() if p.kind == "paragraph"]
    assert paragraphs == ["d3/CMA.6-p1", "d3/CMA.6-p2", "d3/CMA.6-p3", "d3/CMA.6-p4",
                          "d4/CMA.6-p1", "d4/CMA.6-p2", "d4/CMA.6-p3",
                          "d4/CMA.6-a1-1", "d4/CMA.6-a1-2", "d4/CMA.6-a1-3"]
    assert [i for i, p in en_decisions.items() if p.kind == "preamble"] == [
        "d3/CMA.6-pre1", "d3/CMA.6-pre2", "d3/CMA.6-pre3", "d4/CMA.6-pre1"]


def test_english_paths_and_labels(en_decisions):
    assert _rows(en_decisions, "d3/CMA.6", "d3/CMA.6-pre2", "d3/CMA.6-sII", "d3/CMA.6-p2a", "d3/CMA.6-p2b-ii",
                 "d4/CMA.6-a1", "d4/CMA.6-a1-B", "d4/CMA.6-a1-3", "d4/CMA.6-a1-2b") == [
        ("heading", "decision 3/CMA.6", ("decision:3/CMA.6",)),
        ("preamble", "decision 3/CMA.6, preamble, para. 2", ("decision:3/CMA.6", "preamble:2")),
        ("heading", "decision 3/CMA.6, section II", ("decision:3/CMA.6", "section:II")),
        ("item", "decision 3/CMA.6, para. 2 (a)", ("decision:3/CMA.6", "para:2", "item:a")),
        ("item", "decision 3/CMA.6, para. 2 (b) (ii)", ("decision:3/CMA.6", "para:2", "item:b", "subitem:ii")),
        ("heading", "decision 4/CMA.6, annex", ("decision:4/CMA.6", "annex:1")),
        ("heading", "decision 4/CMA.6, annex, section B", ("decision:4/CMA.6", "annex:1", "section:B")),
        ("paragraph", "decision 4/CMA.6, annex, para. 3", ("decision:4/CMA.6", "annex:1", "para:3")),
        ("item", "decision 4/CMA.6, annex, para. 2 (b)", ("decision:4/CMA.6", "annex:1", "para:2", "item:b")),
    ]


def test_sections_head_paragraphs_but_stay_out_of_their_paths(en_decisions):
    paragraph = en_decisions["d3/CMA.6-p3"]
    assert paragraph.section == ("Decision 3/CMA.6 Matters relating to adaptation", "II. Means of implementation")
    assert "section:II" not in paragraph.path  # paragraph numbers run on through the sections


def test_header_and_chapeau(en_decisions):
    header = en_decisions["header"]
    assert header.kind == "header" and header.path == ("header",)
    assert "Report of the Conference of the Parties" in header.text and "Part two" in header.text
    decision = en_decisions["d3/CMA.6"]
    assert decision.text == ("Decision 3/CMA.6 Matters relating to adaptation The Conference of the Parties serving "
                             "as the meeting of the Parties to the Paris Agreement,")


def test_english_footnotes_link_both_ways(en_decisions):
    assert en_decisions["d3/CMA.6-pre2"].footnotes == ("d3/CMA.6-fn1",)
    assert en_decisions["d3/CMA.6-fn2"].cited_by == ("d3/CMA.6-p3",)
    assert en_decisions["d4/CMA.6-fn4"].cited_by == ("d4/CMA.6-a1-3",)
    note = en_decisions["d4/CMA.6-fn3"]
    assert (note.kind, note.label, note.path, note.text) == (
        "footnote", "decision 4/CMA.6, footnote 3", ("decision:4/CMA.6", "footnote:3"), "FCCC/SB/2024/4.")
    assert note.section == en_decisions["d4/CMA.6-pre1"].section  # where it is cited
    assert "^{" not in en_decisions["d3/CMA.6-pre2"].text


def test_page_break_joins_a_paragraph_and_counts_pages(en_decisions):
    paragraph = en_decisions["d3/CMA.6-p3"]
    assert paragraph.pages == (1, 2)
    assert paragraph.text.endswith("adaptation and to provide it in a predictable manner, taking into account the "
                                   "needs of developing country Parties;")
    assert en_decisions["d3/CMA.6-p2"].pages == (1,)
    assert en_decisions["d4/CMA.6-a1-t1-3"].pages == (3,)


def test_page_furniture_is_gone(en_decisions):
    texts = [p.text for p in en_decisions.values() if p.kind != "header"]
    for furniture in ("GE.25-04321", "2/3", "3/3", "FCCC/PA/CMA/2024/9/Add.1"):
        assert not any(furniture in text for text in texts), furniture


def test_running_symbol_on_a_single_later_page_is_furniture():
    text = "FCCC/SBI/2024/2\nReport\nI.\tOpening\n1.\tThe session opened.\n\fFCCC/SBI/2024/2\n2.\tIt closed."
    units = {p.id: p for p in parse(text)}
    assert units["p2"].text == "2. It closed." and units["p2"].pages == (2,)
    assert not any(p.kind == "text" for p in units.values())


def test_english_table(en_decisions):
    rows = [p for p in en_decisions.values() if p.kind == "table_row"]
    assert [(r.id, r.label) for r in rows] == [
        ("d4/CMA.6-a1-t1-1", "decision 4/CMA.6, annex, table 1, AC 25"),
        ("d4/CMA.6-a1-t1-2", "decision 4/CMA.6, annex, table 1, AC 26"),
        ("d4/CMA.6-a1-t1-3", "decision 4/CMA.6, annex, table 1, AC 27"),  # the header repeated on page 3 is skipped
    ]
    assert rows[1].columns == (("Meeting", "AC 26"), ("Date", "September 2025"), ("Place", "Bonn"),
                               ("Place", "and online"))  # the continuation row stays with its row
    assert en_decisions["d4/CMA.6-a1-t1"].text == "Table 1 Meetings of the Adaptation Committee Meeting Date Place"


def test_closing_lines_are_kept_as_text(en_decisions):
    texts = {p.text for p in en_decisions.values() if p.kind == "text"}
    assert {"6th plenary meeting", "22 November 2024", "7th plenary meeting"} <= texts


def test_detect_english_report():
    assert detect(_read("en-decisions.txt"), "en-decisions.txt") == DocumentInfo(
        symbol="FCCC/PA/CMA/2024/9/Add.1",
        title="Report of the Conference of the Parties serving as the meeting of the Parties to the Paris Agreement "
              "on its sixth session, held in Baku from 11 to 22 November 2024",
        language="en", date="2025-03-14", kind="report", file_name="en-decisions.txt")


def test_a_title_wrapped_after_a_dangling_word_goes_on_past_a_comma():
    text = ("FCCC/SBSTA/2018/8\nDistr.: General\n8 March 2019\n\nSubsidiary Body for Scientific and Technological "
            "Advice\nReport of the Subsidiary Body for Scientific and\n\tTechnological Advice on its forty-ninth "
            "session,\n\theld in Katowice from 2 to 8 December 2018\n\nContents\n")
    assert detect(text, "report.txt").title == ("Report of the Subsidiary Body for Scientific and Technological Advice "
                                                "on its forty-ninth session, held in Katowice from 2 to 8 December 2018")


def test_a_text_that_opens_with_a_decision_heading_takes_the_line_under_it_as_title():
    # a Word file often has no cover block: "Decision 7/XX", its title, then the body
    text = "Decision 7/XX\nSustainable lighthouse management\nThe Conference of the Parties,\n1. Decides to act;\n"
    assert detect(text, "lighthouse.docx").title == "Sustainable lighthouse management"
    untitled = "Decision 7/XX\nThe Conference of the Parties,\n1. Decides to act;\n"
    assert detect(untitled, "lighthouse.docx").title is None  # the body's first line is no title


# -- English treaty --------------------------------------------------------------------------------------


def test_treaty_articles_paragraphs_and_items(en_treaty):
    assert _rows(en_treaty, "art1", "art1-b", "art2-1", "art2-1b-i", "art4-3", "art7") == [
        ("article", "Article 1", ("article:1",)),
        ("item", "Article 1 (b)", ("article:1", "item:b")),
        ("paragraph", "Article 2, para. 1", ("article:2", "para:1")),
        ("item", "Article 2, para. 1 (b) (i)", ("article:2", "para:1", "item:b", "subitem:i")),
        ("paragraph", "Article 4, para. 3", ("article:4", "para:3")),
        ("article", "Article 7", ("article:7",)),
    ]
    assert en_treaty["art1"].text == "Article 1 Definitions For the purpose of this Agreement:"
    assert en_treaty["art3"].text == "Article 3 Each Party shall designate a national focal point for the purposes " \
                                     "of this Agreement."
    assert en_treaty["art2-2"].text.endswith("principle of common but differentiated responsibilities and "
                                             "respective capabilities.")  # a wrapped line joined with a space


def test_treaty_preamble_and_closing_formula(en_treaty):
    assert [p.id for p in en_treaty.values() if p.kind == "preamble"] == ["pre1", "pre2", "pre3"]
    closing = [p for p in en_treaty.values() if p.kind == "text"]  # the formula opening the articles is no preamble paragraph
    assert [(p.text, p.label) for p in closing] == [
        ("Have agreed as follows:", "after preamble, para. 3"),
        ("DONE at Bonn this fifteenth day of June two thousand and twenty-four.", "after Article 7")]


def test_detect_english_treaty():
    info = detect(_read("en-treaty.txt"), "en-treaty.txt")
    assert (info.symbol, info.title, info.language, info.date, info.kind) == (
        None, "Agreement on Regional Cooperation for Adaptation", "en", None, "treaty")


def test_a_date_inside_a_preamble_sentence_is_no_date_of_issue():
    text = ("AGREEMENT ON THE CONSERVATION OF WETLANDS\n\nThe Parties to this Agreement,\n\nRecalling the Convention on "
            "Wetlands of International Importance, done at Ramsar on 2 February 1971,\n\nHave agreed as follows:\n\n"
            "Article 1\nUse of terms\n\n1. For the purposes of this Agreement, terms have their usual meaning.\n")
    assert detect(text).date is None
    assert detect("A/RES/79/321\nDistr.: General\n18 June 2025\n\nResolution\n\n1. Decides to act.\n").date == "2025-06-18"


# -- Chinese decisions -----------------------------------------------------------------------------------


def test_chinese_paths_and_labels(zh_decision):
    assert _rows(zh_decision, "d1/CP.28", "d1/CP.28-pre2", "d1/CP.28-s2", "d1/CP.28-p2b", "d1/CP.28-p2b-2",
                 "d1/CP.28-a1", "d1/CP.28-a1-3", "d1/CP.28-a1-2a", "d2/CP.28-p1") == [
        ("heading", "第1/CP.28号决定", ("decision:1/CP.28",)),
        ("preamble", "第1/CP.28号决定 序言第2段", ("decision:1/CP.28", "preamble:2")),
        ("heading", "第1/CP.28号决定 第二节", ("decision:1/CP.28", "section:2")),
        ("item", "第1/CP.28号决定 第2段(b)项", ("decision:1/CP.28", "para:2", "item:b")),
        ("item", "第1/CP.28号决定 第2段(b)项(二)目", ("decision:1/CP.28", "para:2", "item:b", "subitem:2")),
        ("heading", "第1/CP.28号决定 附件", ("decision:1/CP.28", "annex:1")),
        ("paragraph", "第1/CP.28号决定 附件 第3段", ("decision:1/CP.28", "annex:1", "para:3")),
        ("item", "第1/CP.28号决定 附件 第2段(a)项", ("decision:1/CP.28", "annex:1", "para:2", "item:a")),
        ("paragraph", "第2/CP.28号决定 第1段", ("decision:2/CP.28", "para:1")),
    ]


def test_chinese_front_matter_comma_is_not_a_chapeau(zh_decision):
    """The report's title wraps after "报告，"; in a report of decisions each decision has its own chapeau."""
    assert [i for i, p in zh_decision.items() if p.kind == "preamble"] == [
        "d1/CP.28-pre1", "d1/CP.28-pre2", "d1/CP.28-pre3", "d2/CP.28-pre1"]
    assert zh_decision["d1/CP.28"].text == "第1/CP.28号决定 损失和损害基金及资金安排的运作 缔约方会议，"


def test_chinese_footnotes_pages_and_furniture(zh_decision):
    assert zh_decision["d1/CP.28-p3"].footnotes == ("d1/CP.28-fn2",)
    assert zh_decision["d1/CP.28-p3"].text == "3. 邀请缔约方和观察员组织于2024年3月1日前通过意见提交门户网站提交关于基金运作的意见；"
    assert zh_decision["d1/CP.28-fn3"].cited_by == ("d1/CP.28-a1-3",)
    assert zh_decision["d1/CP.28-fn3"].label == "第1/CP.28号决定 脚注3"
    assert zh_decision["d2/CP.28-fn4"].cited_by == ("d2/CP.28-pre1",)
    assert zh_decision["d1/CP.28-a1"].pages == (2,) and zh_decision["d2/CP.28"].pages == (3,)
    texts = [p.text for p in zh_decision.values() if p.kind != "header"]
    for furniture in ("GE.24-04567", "2/3", "3/3", "FCCC/CP/2023/11/Add.1"):
        assert not any(furniture in text for text in texts), furniture
    assert not any(re.search("[¹²³⁴]", p.text) for p in zh_decision.values())


def test_detect_chinese_report():
    info = detect(_read("zh-decision.txt"), "zh-decision.txt")
    assert info == DocumentInfo("FCCC/CP/2023/11/Add.1", "缔约方会议第二十八届会议报告，2023年11月30日至12月13日在阿拉伯联合酋长国举行",
                                "zh", "2024-03-15", "report", "zh-decision.txt")


# -- Chinese treaty --------------------------------------------------------------------------------------


def test_chinese_treaty(zh_treaty):
    assert _rows(zh_treaty, "art1", "art1-c", "art2-1", "art2-1a", "art2-1b-1", "art4-2c") == [
        ("article", "第一条", ("article:1",)),
        ("item", "第一条(c)项", ("article:1", "item:c")),
        ("paragraph", "第二条 第1款", ("article:2", "para:1")),
        ("item", "第二条 第1款(a)项", ("article:2", "para:1", "item:a")),
        ("item", "第二条 第1款(b)项(一)目", ("article:2", "para:1", "item:b", "subitem:1")),
        ("item", "第四条 第2款(c)项", ("article:4", "para:2", "item:c")),
    ]
    assert zh_treaty["art1"].text == "第一条 定义 为本协定的目的："
    assert zh_treaty["art7"].text == "第七条 对本协定不得作任何保留。"
    assert [p.label for p in zh_treaty.values() if p.kind == "preamble"] == ["序言第1段", "序言第2段", "序言第3段"]
    assert [p.label for p in zh_treaty.values() if p.text.startswith("兹协议如下")] == ["序言第3段之后"]


def test_detect_chinese_treaty_and_seed():
    info = detect(_read("zh-treaty.txt"), "zh-treaty.txt")
    assert (info.symbol, info.title, info.language, info.kind) == (None, "适应领域区域合作协定", "zh", "treaty")
    seed = detect(SEED.read_text(encoding="utf-8"), SEED.name)
    assert seed == DocumentInfo("CBD/WG2020/REC/1/1", "编制2020年后全球生物多样性框架：工作组第一次会议的结论", "zh",
                                "2019-08-30", "recommendation", SEED.name)


def test_seed_paths_and_pages():
    units = _by_id(SEED.read_text(encoding="utf-8"))
    assert _rows(units, "p7a", "a1-s1-2", "a1-D-4", "a1-D-l2-1", "fn14", "a2-t1-3") == [
        ("item", "第7段(a)项", ("para:7", "item:a")),
        ("paragraph", "附件一 第一节 第2段", ("annex:1", "section:1", "para:2")),
        ("item", "附件一 第二节 D (四)", ("annex:1", "section:2", "section:D", "item:4")),
        ("item", "附件一 第二节 D 具体目标 (一)", ("annex:1", "section:2", "section:D", "list:2", "item:1")),
        ("footnote", "脚注14", ("footnote:14",)),
        ("table_row", "附件二 表1：科学、技术和工艺咨询附属机构第二十三次会议 (SBSTTA-23)", ("annex:2", "table:1", "row:3")),
    ]
    assert {p.pages for p in units.values()} == {(1,)}  # no form feeds: one page


# -- nothing lost ----------------------------------------------------------------------------------------


@pytest.mark.parametrize("name, dropped", [
    ("en-decisions.txt", ["GE.25-04321(E)", "FCCC/PA/CMA/2024/9/Add.1", "FCCC/PA/CMA/2024/9/Add.1", "2/3", "3/3",
                          "Meeting\tDate\tPlace"]),
    ("zh-decision.txt", ["GE.24-04567 (C)", "FCCC/CP/2023/11/Add.1", "FCCC/CP/2023/11/Add.1", "2/3", "3/3"]),
    ("en-treaty.txt", []), ("zh-treaty.txt", []),
])
def test_every_character_but_furniture_comes_back(name, dropped):
    lines = _read(name).replace("\f", "").split("\n")
    for line in dropped:  # furniture, and a table header repeated after a page break (its second copy)
        lines.reverse()
        lines.remove(line)
        lines.reverse()
    expected = Counter(c for c in strip_markers("\n".join(lines)) if not c.isspace())
    found = Counter()
    for p in parse(_read(name)):
        found += Counter(c for c in ("".join(v for _, v in p.columns) if p.kind == "table_row" else p.text)
                         if not c.isspace())
    assert found == expected


# -- the grammar's rules on small texts ------------------------------------------------------------------


def _units(*lines: str, language: str | None = None) -> list[tuple[str, str]]:
    return [(p.id, p.label) for p in parse("\n".join(lines), language)]


def test_numbered_heading_between_paragraphs_and_nested_agenda():
    units = _units("1.\tNotes the report;", "2.\tRequests the secretariat to adopt the agenda as follows:",
                   "1.\tOpening of the session.", "2.\tOrganizational matters:", "(a)\tAdoption of the agenda;",
                   "3.\tOther matters.", "C.\tMeans of implementation", "1.\tFinance", "3.\tDecides to act;")
    assert units == [("p1", "para. 1"), ("p2", "para. 2"), ("p2-1", "para. 2 (1)"), ("p2-2", "para. 2 (2)"),
                     ("p2-2-a", "para. 2 (2) (a)"), ("p2-3", "para. 2 (3)"), ("C", "section C"),
                     ("C-s1", "section C.1"), ("p3", "para. 3")]


def test_numbering_that_restarts_per_section_keeps_the_section():
    units = _units("Annex", "[English only]", "Summary reports", "Background", "1.\tThe first review was held.",
                   "2.\tIt ended.",
                   "Summary report on Austria", "1.\tAustria was represented.", "2.\tQuestions followed.")
    assert units == [("a1", "annex"), ("a1-h1", "annex, “Background”"), ("a1-h1-1", "annex, “Background”, para. 1"),
                     ("a1-h1-2", "annex, “Background”, para. 2"), ("a1-h2", "annex, “Summary report on Austria”"),
                     ("a1-h2-1", "annex, “Summary report on Austria”, para. 1"),
                     ("a1-h2-2", "annex, “Summary report on Austria”, para. 2")]


def test_letter_i_after_h_and_roman_i_after_a():
    text = ["1.\tDecides:", *[f"({c})\tItem {c};" for c in "abcdefgh"], "(i)\tItem i;", "(j)\tItem j;",
            "2.\tAlso decides:", "(a)\tTo act:", "(i)\tfirst;", "(ii)\tsecond;", "(b)\tTo report."]
    ids = [i for i, _ in _units(*text)]
    assert ids[9:11] == ["p1i", "p1j"]
    assert ids[11:] == ["p2", "p2a", "p2a-i", "p2a-ii", "p2b"]


def test_plain_digit_footnotes_and_markers_from_a_converter():
    units = {p.id: p for p in parse("Decision 5/CP.26\nTitle\nThe Conference of the Parties,\n"
                                    "1.\tWelcomes the progress reports1 of the Committee;\n"
                                    "2.\tNotes the workplan,2,3 and the budget;\n"
                                    "1 FCCC/SBI/2021/10.\n2 See document FCCC/SBI/2021/11.\n3 Available at unfccc.int.")}
    assert units["d5/CP.26-p1"].text == "1. Welcomes the progress reports of the Committee;"
    assert units["d5/CP.26-p1"].footnotes == ("d5/CP.26-fn1",)
    assert units["d5/CP.26-p2"].footnotes == ("d5/CP.26-fn2", "d5/CP.26-fn3")
    assert units["d5/CP.26-fn2"].text == "See document FCCC/SBI/2021/11."


def test_pipe_rows_and_lead_in_lists():
    units = _units("| 1.\tThe scope is wide. |", "| ACE | Action for Climate Empowerment |",
                   "| CGE | Consultative Group of Experts |")
    assert units == [("p1", "para. 1"), ("t1", "table 1"), ("t1-1", "table 1, ACE"), ("t1-2", "table 1, CGE")]
    lists = _units("A. 问题", "(a) 能够在目标中反映的问题：", "(一) 甲；", "(二) 乙；", "能够在具体目标中反映的问题：", "(一) 丙；",
                   "能够在次级指标中反映的问题：", "(一) 丁。", language="zh")
    assert lists == [("A", "A"), ("A-1", "A (一)"), ("A-2", "A (二)"), ("A-l2", "A 具体目标"), ("A-l2-1", "A 具体目标 (一)"),
                     ("A-l3", "A 次级指标"), ("A-l3-1", "A 次级指标 (一)")]


def test_untitled_tab_table_from_a_pdf_reader():
    """The PDF and Word readers emit table rows as tab-separated cells, with no "Table 1" line."""
    text = ("Annex I\nTechnical updates to the indicators\nGoal/target\tHeadline indicator\n"
            "A\tA.1 Red List of Ecosystems\n\tA.2 Extent of natural ecosystems\n1\t1.1 Spatial plans\n"
            "\fGoal/target\tHeadline indicator\n2\t2.1 Area under restoration\nAnnex II\nOther matters")
    units = {p.id: p for p in parse(text)}
    assert [(p.id, p.label, p.pages) for p in units.values() if p.kind == "table_row"] == [
        ("a1-t1-1", "annex I, table 1, A", (1,)), ("a1-t1-2", "annex I, table 1, 1", (1,)),
        ("a1-t1-3", "annex I, table 1, 2", (2,))]
    assert units["a1-t1-1"].columns == (("Goal/target", "A"), ("Headline indicator", "A.1 Red List of Ecosystems"),
                                        ("Headline indicator", "A.2 Extent of natural ecosystems"))
    assert units["a1-t1"].text == "Goal/target Headline indicator"
    assert units["a2"].text == "Annex II Other matters"


def test_a_questionnaire_row_is_named_by_its_question_number_not_by_the_answers_every_row_shares():
    text = ("Annex III\nBinary indicators\n6.1 Does your country regulate invasive species?\t(a) No (b) Yes\n"
            "6.2 Does your country monitor pathways?\t(a) No (b) Yes\n"
            "6.3 Does your country eradicate invasive species?\t(a) No (b) Yes\n")
    labels = [p.label for p in parse(text) if p.kind == "table_row"]
    assert labels == ["annex III, table 1, 6.2", "annex III, table 1, 6.3"]
    # a line after the table that is no unit is cited within its annex, after the table, its id unchanged
    lines = [(p.id, p.citation) for p in parse(text + "Target 5: Ensure sustainable use of species, applying it.\n")
             if p.kind == "text"]
    assert lines == [("t6", "annex III, after table 1")]


def test_a_line_outside_any_unit_is_cited_after_the_unit_it_follows_in_its_part():
    english = ("Decision 1/CP.30\nFinance\nThe Conference of the Parties,\n1. Decides to act;\n2. Requests a report.\n"
               "9th plenary meeting\n15 November 2030\n")
    assert [p.citation for p in parse(english, "en") if p.kind == "text"] == \
        ["decision 1/CP.30, after para. 2", "decision 1/CP.30, after para. 2"]
    chinese = "第1/CP.30号决定\n资金\n缔约方会议，\n1. 决定采取行动；\n2. 请提交报告。\n第9次全体会议\n2030年11月15日\n"
    assert {p.citation for p in parse(chinese, "zh") if p.kind == "text"} == {"第1/CP.30号决定 第2段之后"}
    treaty = "第十条\n生效\n1. 本协定自签署之日起生效。\n2. 本协定有效期为十年。\n二〇二六年六月十八日订于北京。\n"
    assert [p.citation for p in parse(treaty, "zh") if p.kind == "text"] == ["第十条 第2款之后"]  # an article's 款
    assert [p.citation for p in parse("hello\nworld again", "en")] == ["line 1", "line 2"]  # no unit: by line


def test_parse_never_raises_on_odd_input():
    for text in ["", "\f\f", "Decision 1/CP.1", "Annex\nAnnex\n1.", "第一条\n第一条", "| a |\n|", "(a)\n(i)\n(一)",
                 "1.\n\f1.\n2/2", "Table 1\n\ta\tb\n\t\tc", "^{1} note\n¹ note"]:
        passages = parse(text)
        assert len({p.id for p in passages}) == len(passages)


def test_parsing_time_grows_linearly():
    """Long documents: four times the text must not take sixteen times as long."""
    block = "\n".join([f"{n}.\tRequests the secretariat to act, as referred to in paragraph {n - 1} above:\n"
                       "(a)\tTo report;\n(b)\tTo consult:\n(i)\tParties;\n(ii)\tObservers." for n in range(1, 201)])

    def best(text: str) -> float:
        timings = []
        for _ in range(3):
            start = time.perf_counter()
            parse(text)
            timings.append(time.perf_counter() - start)
        return min(timings)

    small = "Decision 1/CP.1\nTitle\nThe Conference,\n" + block
    large = "\n".join(f"Decision {k}/CP.1\nTitle\nThe Conference,\n" + block for k in range(1, 5))
    assert best(large) < 8 * best(small)


def test_a_table_typed_without_outer_pipes_is_one_passage_per_row_and_ends_at_the_next_paragraph():
    text = ("三、资金需求\n\n6. 秘书处介绍了资金需求估算，汇总如下表：\n\n表1：各国项目资金需求（百万美元）\n\n"
            "国家 | 监测网络 | 预警系统\n尼泊尔 | 12.5 | 8.0\n不丹 | 4.1 | 2.7\n\n7. 与会者建议，资金应优先用于预警系统。\n")
    passages = parse(text, language="zh")
    rows = [p for p in passages if p.kind == "table_row"]
    assert [p.label for p in rows] == ["表1：尼泊尔", "表1：不丹"]
    assert rows[0].columns == (("国家", "尼泊尔"), ("监测网络", "12.5"), ("预警系统", "8.0"))
    after = next(p for p in passages if p.path == ("para:7",))
    assert after.section == ("三、资金需求",)  # not inside the table it follows
    prose = parse("1. 决定 A | B 两种办法都可行。\n2. 请秘书处报告。\n", language="zh")
    assert not [p for p in prose if p.kind == "table_row"]  # one line with a pipe is no table


def test_a_treaty_s_chapters_hold_its_articles_which_are_cited_without_them():
    zh = parse("本协定缔约方，\n兹协议如下：\n第一章 总则\n第一条 用语\n为本协定的目的：\n(一) “湿地”是指沼泽；\n"
               "第二条 目标\n本协定的目标是保护湿地。\n第二章 机构\n第三条 秘书处\n1. 兹设立秘书处。\n2. 秘书处应报告。\n", language="zh")
    chapters = [p for p in zh if p.kind == "heading"]
    assert [(p.label, p.text) for p in chapters] == [("第一章", "第一章 总则"), ("第二章", "第二章 机构")]
    article3 = next(p for p in zh if p.label == "第三条 第2款")
    assert article3.section[0] == "第二章 机构" and article3.path == ("article:3", "para:2")
    en = parse("The Parties to this Convention,\nHave agreed as follows:\nCHAPTER I\nGENERAL PROVISIONS\nArticle 1\n"
               "Objective\nThe objective of this Convention is to protect wetlands.\nCHAPTER II\nINSTITUTIONS\nArticle 2\n"
               "Secretariat\n1. A secretariat is hereby established.\n", language="en")
    assert [p.label for p in en if p.kind == "heading"] == ["chapter I", "chapter II"]
    assert next(p for p in en if p.text.startswith("1. A secretariat")).label == "Article 2, para. 1"
    listed = parse("1. Decides:\nChapter I (methodologies)\n(a) Request Parties to report;\n(b) Encourage Parties;\n",
                   language="en")
    assert [p.label for p in listed if p.kind == "item"] == ["para. 1 (a)", "para. 1 (b)"]  # no article next: a line


def test_spaced_dot_leaders_are_contents_and_a_line_under_a_heading_is_no_running_header():
    text = ("FCCC/SBI/2027/5\nReport of the SBI on its sixty-sixth session\nContents\nParagraphs Page\n"
            "I. Opening of the session . . . . . . . . . . . . 1-3 2\nII. Organizational matters . . . . . . . . . . 4-8 3\n"
            "I. Opening of the session\n(Agenda item 1)\n1. The session was opened.\n2. Statements were made.\n"
            "\fII. Organizational matters\n(Agenda item 2)\n3. The agenda was adopted.\n"
            "\fIII. Other matters\n(Agenda item 3)\n4. No other matters were raised.\n")
    passages = parse(text, language="en")
    contents = next(p for p in passages if p.kind == "text" and p.text.startswith("Contents"))
    assert "II. Organizational matters . ." in contents.text
    headings = [p.text for p in passages if p.kind == "heading"]
    assert headings == ["I. Opening of the session (Agenda item 1)", "II. Organizational matters (Agenda item 2)",
                        "III. Other matters (Agenda item 3)"]


def test_a_chinese_table_number_on_its_own_line_over_its_title_is_the_caption():
    text = ("1. 决定举行研讨会。\n表1\n技术研讨会安排\n| 研讨会 | 时间 | 地点 |\n|---|---|---|\n| 第一次 | 2028年5月 | 波恩 |\n"
            "2. 决定审议。\n表2列出了会议。\n")
    passages = parse(text, language="zh")
    caption = next(p for p in passages if p.label == "表1")
    assert caption.kind == "heading" and caption.text.startswith("表1 技术研讨会安排")
    row = next(p for p in passages if p.kind == "table_row")
    assert row.label == "表1：第一次" and row.columns[1] == ("时间", "2028年5月")
    assert not [p for p in passages if p.label == "表2"]  # "表2列出了…" is a sentence


def test_a_titled_item_after_paragraphs_goes_on_with_its_headings_run_not_the_paragraph():
    text = ("UNEP/EA.7/9\n\n二、方案执行情况\n\n（一）气候行动\n\n3. 环境署支持47个国家更新其国家自主贡献。\n\n"
            "4. 共有68个国家通过了国家冷却行动计划。\n\n（二）化学品和污染行动\n\n5. 环境署协助32个国家建立了汞排放清单：\n\n"
            "（一）在非洲；\n\n（二）在亚洲。\n")
    passages = _by_id(text, "zh")
    assert passages["s2-2"].citation == "第二节 (二)" and "p4-2" not in passages
    assert passages["p5-2"].citation == "第5段(二)项"  # a paragraph's own run of items stays its own
    english = ("I. Processes\n\nA. Registries\n\n(a) Roles of administrators\n\n17. The secretariat administers the "
               "registry.\n\n18. Each Party shall designate an administrator.\n\n(b) Other\n\n19. The registry shall "
               "record transfers.\n")
    assert "18b" not in _by_id(english, "en")


def test_a_decision_heading_may_carry_its_title_and_a_treaty_prefix():
    text = ("UNEP/EA.8/3\nDistr.: General\n12 March 2028\n\nDecision 1/EA.8. Governance of sand\n\nThe Environment Assembly,\n\n"
            "1. Requests a report;\n\n2. Decides to act.\n\nDecision 2/EA.8: Lead in paint\n\n1. Urges Member States to act.\n\n"
            "Decision MC-6/7: Programme of work and budget\n\n1. Approves the budget.\n")
    by_id = _by_id(text, "en")
    assert by_id["d2/EA.8-p1"].citation == "decision 2/EA.8, para. 1"
    assert by_id["dMC-6/7-p1"].citation == "decision MC-6/7, para. 1"
    assert by_id["d1/EA.8-p2"].citation == "decision 1/EA.8, para. 2"
    assert detect("Decision 1/EA.8. Governance of sand\n\n1. Requests a report.\n").title == "Governance of sand"
    assert detect("Decision 2/CP.25 was adopted. It says\n\n1. Requests a report.\n").title != "was adopted"


def test_decisions_numbered_without_a_body_are_headings_when_their_title_follows():
    text = ("RCFC/COP/3/12\nDistr.: General\n\nII. Decisions adopted at the third meeting\n\n"
            "Decision 3/4. Data exchange on aquifers\n\nThe Conference of the Parties,\n\nRecalling article 9,\n\n"
            "1. Welcomes the assessment;\n\nAnnex\n\n1. The Expert Group shall meet yearly.\n\n"
            "Decision 3/5. Budget for 2026–2027\n\nRecalling the financial rules,\n\n1. Adopts the budget;\n\n"
            "2. Decides to keep a reserve.\n")
    by_id = _by_id(text, "en")
    assert by_id["d3/4-pre1"].citation == "decision 3/4, preamble, para. 1"
    assert by_id["d3/4-a1-1"].citation == "decision 3/4, annex, para. 1"
    assert by_id["d3/5-p2"].citation == "decision 3/5, para. 2"  # not an item of the annex's paragraph 1
    assert by_id["sII"].text == "II. Decisions adopted at the third meeting"  # the decision is not glued on
    assert "d99/7" not in _by_id("Decision 99/7\n\n1. Requests a report.\n", "en")  # a bare line: a reference
    lone = "TST/DEC/1/2\nTest Organization\n\nDecision 1/2. Bicycle parking\n\nThe Assembly,\n\n1. Decides.\n"
    assert detect(lone).title == "Bicycle parking"  # a lone decision's title, not the body that adopted it


def test_job_numbers_of_other_duty_stations_are_page_furniture():
    text = ("1. Invites the International Seabed Authority to cooperate.¹\n\nK2700456     150327\n\n"
            "2. Decides to act.²\n\n25-06789 (E)    120325\n\n¹ Such cooperation shall be without prejudice.\n"
            "² Subject to the availability of resources.\n")
    passages = parse(text, "en")
    assert not any("K2700456" in p.text or "25-06789" in p.text for p in passages)
    assert [p.id for p in passages if p.kind == "footnote"] == ["fn1", "fn2"]


def test_the_title_is_read_after_the_cover_s_meeting_lines():
    text = ("UNEP/EA.8/3\nDistr.: General\n14 March 2027\nOriginal: English\nUnited Nations Environment Assembly of the\n"
            "United Nations Environment Programme\nEighth session\nNairobi, 8–12 March 2027\n"
            "Decisions adopted by the United Nations Environment Assembly at its eighth session\n\n"
            "Decision 1/EA.8. Governance of sand\n\n1. Requests a report.\n")
    assert detect(text).title == "Decisions adopted by the United Nations Environment Assembly at its eighth session"
    assert detect("UNITED NATIONS\nFCCC/CP/2030/1\nDistr.: General\n\nAgreement on wetlands\n\n1. Decides.\n").title == \
        "Agreement on wetlands"


def test_an_organization_s_name_atop_a_text_is_its_letterhead_not_its_title():
    text = ("INTERNATIONAL LABOUR ORGANIZATION\n\nC192 - Decent Work in the Platform Economy Convention, 2026 (No. 192)\n\n"
            "Preamble\n\nThe General Conference of the International Labour Organization,\n\n"
            "Having been convened at Geneva by the Governing Body of the International Labour Office, and\n\n"
            "Recalling the ILO Declaration on Fundamental Principles and Rights at Work (1998), and\n\n"
            "Noting the provisions of the Protection of Wages Convention, 1949 (No. 95), and\n\n"
            "Having determined that these proposals shall take the form of an international Convention;\n\n"
            "Article 1\n\nFor the purposes of this Convention: (a) the term means.\n")
    assert detect(text).title == "C192 - Decent Work in the Platform Economy Convention, 2026 (No. 192)"
    assert detect(text).symbol == "C192"  # the code the ILO lists it by
    # each clause of its preamble joined to the next by "and", as the ILO prints them, is a paragraph of its own
    assert [p.text.split()[0] for p in parse(text, "en") if p.kind == "preamble"] == \
        ["Having", "Recalling", "Noting", "Having"]
    assert detect("Measures to strengthen the role of the Agency\n\n1. Decides.\n").title == \
        "Measures to strengthen the role of the Agency"  # a title ending on a body's kind stays one


def test_a_chinese_decision_numbered_with_a_body_s_prefix_carries_its_title_and_the_cover_its_date():
    text = ("| 联合国 | UNEP/FAO/RC/COP.12/27 |\n| 缔约方大会 | 分发：普通 2025年5月20日 中文 原文：英文 |\n\n"
            "第RC-12/3号决定：将毒死蜱列入公约附件三\n\n缔约方大会，\n\n关切地注意到截至2025年3月31日，仍有41个缔约方尚未提交进口回复，\n\n"
            "1. 决定修正公约附件三；\n\n2. 决定上述修正案应于2026年9月1日生效。\n")
    info = detect(text)
    assert (info.title, info.date, info.kind) == ("将毒死蜱列入公约附件三", "2025-05-20", "decision")
    assert [p.citation for p in parse(text, "zh") if p.kind == "paragraph"] == ["第RC-12/3号决定 第1段", "第RC-12/3号决定 第2段"]


def test_numbered_titles_over_their_chapeaus_are_the_resolutions_a_record_collects():
    text = ("General Conference\n44 C/Resolutions\nRECORDS OF THE GENERAL CONFERENCE – VOLUME 1: RESOLUTIONS\n"
            "V. PROGRAMME AND BUDGET\n23 Global Open Science Monitoring Framework^{1}\nThe General Conference,\n"
            "Recalling its earlier resolutions on open science,\n1. Endorses the Framework;\n2. Invites Member States to act.\n"
            "24 International Decade of Indigenous Languages (2022–2032): mid-term action plan\nThe General Conference,\n"
            "Noting that the Task Force met in Ottawa,\n1. Approves the plan;\n2. Decides to focus on three outcomes.\n"
            "^{1} Adopted at the 11th plenary meeting.\n")
    labels = {p.label for p in parse(text, "en")}
    assert {"resolution 23, para. 2", "resolution 24, preamble, para. 1", "resolution 24, para. 2"} <= labels, labels
    alone = text.split("24 International")[0]  # one numbered heading over a chapeau is no record of texts
    assert not any(p.label.startswith("resolution") for p in parse(alone, "en"))


def test_an_imo_resolution_numbers_its_paragraphs_without_a_stop_and_its_annex_by_chapters():
    text = ("国际海事组织\nA 34/Res.1196\n2025年12月15日\n大会\n第34届会议\n议程项目10\n第A.1196(34)号决议\n"
            "2025年12月4日通过\n（议程项目10）\n替代燃料船舶加注作业安全临时导则\n大会，\n"
            "忆及《国际海事组织公约》第15(j)条，\n认识到使用甲醇作为燃料的船舶数量迅速增加，\n"
            "1 通过载于本决议附件的临时导则；\n2 敦促各国政府对2027年1月1日或以后进行的加注作业适用本临时导则；\n"
            "3 撤销第A.1148(32)号决议。\n附件\n1 总则\n1.1 本临时导则的目的是提供统一的安全标准。\n"
            "1.2 就本临时导则而言：\n.1 “加注供应方”系指交付燃料的实体；\n.2 “安全区”系指加注歧管周围的区域。\n"
            "2 职责\n2.1 受油船船长对加注作业的安全负有全面责任。\n")
    info = detect(text)
    assert (info.symbol, info.title) == ("A 34/Res.1196", "替代燃料船舶加注作业安全临时导则")
    labels = [p.label for p in parse(text, "zh") if p.kind != "header"]
    assert labels == ["序言第1段", "序言第2段", "第1段", "第2段", "第3段", "附件", "附件 1", "附件 第1.1段", "附件 第1.2段",
                      "附件 第1.2段(.1)项", "附件 第1.2段(.2)项", "附件 2", "附件 第2.1段"], labels


def test_notes_numbered_without_a_stop_inside_a_preamble_stay_notes():
    text = ("Decision 15/CP.26\nThe Conference of the Parties,\nNoting the importance of the Group,\n"
            "1 FCCC/SBI/2020/6 and FCCC/SBI/2021/13.\n2 The event on enhancing support to the least developed countries.\n"
            "Recognizing that the least developed countries continue to require support,\n1. Decides to extend the mandate.\n")
    assert [p.label for p in parse(text, "en") if p.kind in ("footnote", "paragraph")] == \
        ["decision 15/CP.26, footnote 1", "decision 15/CP.26, footnote 2", "decision 15/CP.26, para. 1"]


def test_resolutions_numbered_by_year_in_one_record_each_number_their_own_paragraphs():
    text = ("C 2027/REP/RES\nFOOD AND AGRICULTURE ORGANIZATION OF THE UNITED NATIONS\nCONFERENCE\nForty-fifth Session\n"
            "Rome, 26 June - 2 July 2027\nRESOLUTIONS ADOPTED BY THE CONFERENCE AT ITS FORTY-FIFTH SESSION\n\n"
            "RESOLUTION 7/2027\n\nGlobal Framework on Water Scarcity in Agriculture\n\nTHE CONFERENCE,\n\n"
            "Recalling Resolution 12/2019 of the Conference,\n\n1. Decides to extend the Framework;\n\n"
            "2. Requests the Director-General to report.\n\nRESOLUTION 8/2027\n\nBudgetary Appropriations 2028-29\n\n"
            "THE CONFERENCE,\n\nHaving considered the Programme of Work,\n\n1. Approves the Programme of Work.\n")
    info = detect(text)
    assert (info.symbol, info.title) == ("C 2027/REP/RES", "RESOLUTIONS ADOPTED BY THE CONFERENCE AT ITS FORTY-FIFTH SESSION")
    labels = [p.label for p in parse(text, "en") if p.kind == "paragraph"]
    assert labels == ["resolution 7/2027, para. 1", "resolution 7/2027, para. 2", "resolution 8/2027, para. 1"]


def test_a_list_lettered_on_under_sub_headings_stays_its_paragraph_s():
    text = ("20. The Commission recognizes the contribution of UN-Women.\n"
            "21. The Commission urges Governments to take the following actions:\n"
            "A. Strengthening normative frameworks\n(a) Fully implement existing commitments;\n(b) Review legislation;\n"
            "B. Expanding access to services\n(c) Accelerate efforts;\n(d) Ensure that every school has facilities;\n"
            "22. The Commission calls upon UN-Women to support Member States.\n")
    passages = parse(text, "en")
    assert [p.label for p in passages if p.kind == "item"] == ["para. 21 (a)", "para. 21 (b)", "para. 21 (c)", "para. 21 (d)"]
    after = next(p for p in passages if p.text.startswith("22."))
    assert after.label == "para. 22" and not any("B." in title for title in after.section)  # the list's heading ended


def test_chinese_sub_items_in_enclosed_numerals_are_sub_items():
    text = "2．敦促各国：\n(b) 设立废弃渔具接收设施，并确保这些设施：\n㈠ 不收取额外费用；\n㈡ 记录所接收渔具的数量；\n3．鼓励各组织。\n"
    assert [p.label for p in parse(text, "zh")] == ["第2段", "第2段(b)项", "第2段(b)项(一)目", "第2段(b)项(二)目", "第3段"]


def test_items_lettered_with_a_closing_parenthesis_are_items():
    text = ("1. Urges Parties to adopt measures, including:\n    a)    in longline fisheries, bird-scaring lines;\n"
            "    b)    in gillnet fisheries, acoustic deterrent devices;\n2. Requests the Secretariat to report.\n")
    assert [p.label for p in parse(text, "en")] == ["para. 1", "para. 1 (a)", "para. 1 (b)", "para. 2"]


def test_a_number_printed_at_a_cover_line_s_end_is_the_text_s_own():
    text = "第八十届世界卫生大会\tWHA80.12\n议程项目13.4\t2027年5月28日\n加强应对抗微生物药物耐药性\n第八十届世界卫生大会，\n1. 通过计划；\n"
    assert detect(text).symbol == "WHA80.12"


def test_a_meeting_s_name_over_its_place_and_date_is_no_title():
    text = ("东南亚国家化学品安全合作部长级会议\n2027年5月18日，河内\n东南亚区域危险化学品事故议定书\n本议定书缔约方，\n"
            "协议如下：\n第一条\n目标\n本议定书的目标是预防事故。\n")
    assert detect(text).title == "东南亚区域危险化学品事故议定书"
    english = "Ministerial Meeting on Chemical Safety\nHanoi, 18 May 2027\nProtocol on Chemical Accidents\n\nArticle 1\n\n1. Aims.\n"
    assert detect(english).title == "Protocol on Chemical Accidents"
    # a treaty's title over the line it was done at, or over its date of issue, stays the title
    signed = "《跨界含水层公约》\n2027年6月17日订于尼亚美\n序言\n本公约缔约方，\n第一条\n目标\n"
    assert detect(signed).title == "《跨界含水层公约》"
    issued = "Agreement on Wetlands\n20 September 2027\nPreamble\n\nArticle 1\n\n1. Aims.\n"
    assert detect(issued).title == "Agreement on Wetlands"


def test_lines_right_under_a_paragraph_ending_with_a_colon_are_its_list():
    text = ("5. 科技委选举下列主席团成员：\n副主席： 萨米拉·贝拉布女士（摩洛哥） 报告员： 马林·佩特罗夫先生（保加利亚）\n\n"
            "6. 共有127个缔约方出席了会议。\n")
    assert _by_id(text, "zh")["p5"].text.endswith("报告员： 马林·佩特罗夫先生（保加利亚）")
    english = ("9. Underscores the need to promote gender balance by:\nInviting Presidencies to nominate women;\n"
               "Inviting Parties to promote balanced delegations;\nInviting the secretariat to act.\n"
               "Recalling its earlier decisions.\n\n10. Decides to review progress.\n")
    units = parse(english, "en")
    assert _by_id(english, "en")["p9"].text.endswith("Inviting the secretariat to act.")
    assert [p.citation for p in units if p.text.startswith("Recalling")] == ["after para. 9"]  # the list had ended
    # a line after a blank line, or under a paragraph ending otherwise, is no part of it
    apart = "5. The Committee elected the following officers:\n\nThe session closed.\n6. Parties met;\nAnnex text.\n"
    assert [p.citation for p in parse(apart, "en") if p.kind == "text"] == ["after para. 5", "after para. 6"]


LAYOUT_REPORT = """          Decision IPBES-11/1: Implementation of the rolling work
          programme of the Platform up to 2030

          The Plenary,

                Welcoming the report of the Executive Secretary,1

                                              I
                                         Assessments

                1.    Approves the summary for policymakers;

          __________________
          1   IPBES/11/5.

                                        1
\f
          Decision IPBES-11/2: Financial arrangements

          The Plenary,

                1.    Approves the budget set out in the annex.2

          Annex to decision IPBES-11/2

          Budget item                          2024        2025
          Staff costs                        1,012,000   1,250,000
          Total                              1,255,000   1,504,000

          __________________
          2   As at 30 September 2024, 41 members had made cash
              contributions.

                                        2
"""


def test_a_report_exported_with_its_page_layout_keeps_its_decisions_sections_notes_and_tables():
    from bot.sources.aligned import aligned_tables

    units = {p.id: p for p in parse(aligned_tables(LAYOUT_REPORT), "en")}
    assert units["dIPBES-11/1"].text.startswith("Decision IPBES-11/1: Implementation of the rolling work programme")
    assert units["dIPBES-11/1-sI"].citation == "decision IPBES-11/1, section I"
    assert units["dIPBES-11/1-p1"].section[-1] == "I Assessments"
    assert units["dIPBES-11/1-fn1"].text == "IPBES/11/5." and units["dIPBES-11/2-p1"].citation == "decision IPBES-11/2, para. 1"
    assert units["dIPBES-11/2-a1-t1-1"].citation == "decision IPBES-11/2, annex, table 1, Staff costs"
    assert units["dIPBES-11/2-fn2"].text == "As at 30 September 2024, 41 members had made cash contributions."
    assert not [p for p in units.values() if p.kind == "text"]  # no page number left, no loose line


def test_a_titled_table_ends_at_the_next_decision_however_its_lines_are_indented():
    text = ("\tDecision 6/CMA.4\n\tGuidance\n\t\t1.\tAdopts the table below;\n\tAnnex\n\t\tTable 1: Abbreviations\n"
            "\t\tAbbreviation\tMeaning\n\t\tITMO\tinternationally transferred mitigation outcome\n\t\t10th plenary meeting\n"
            "\tDecision 7/CMA.4\n\tGuidance on the mechanism\n\t\t1.\tDecides to elaborate the processes;\n"
            "\tAnnex\n\t\t53.\tThe issuance fee shall be set at a maximum of USD 0.20.\n")
    units = {p.id: p for p in parse(text, "en")}
    assert units["d6/CMA.4-a1-t1-1"].citation == "decision 6/CMA.4, annex, table 1, ITMO"
    assert units["d7/CMA.4-p1"].text == "1. Decides to elaborate the processes;"
    assert units["d7/CMA.4-a1-53"].citation == "decision 7/CMA.4, annex, para. 53"


def test_a_decision_printed_without_the_word_opens_its_decision():
    text = ("4. The Conference adopted decisions SC-12/4 and SC-12/5.\n\nSC-12/4: Technical assistance and capacity-building\n\n"
            "The Conference of the Parties,\n\n1. Welcomes the report;\n\nSC-12/5: Programme of work and budget\n\n1. Approves the budget.\n")
    units = {p.id: p for p in parse(text, "en")}
    assert units["dSC-12/4-p1"].citation == "decision SC-12/4, para. 1"
    assert units["dSC-12/5-p1"].text == "1. Approves the budget."


def test_a_title_right_under_the_agenda_item_is_the_document_s_when_the_chapeau_follows_it():
    text = ("联合国 环境规划署\tUNEP/EAS/IG.25/8\n东亚海区域海洋环境保护和开发公约\n缔约方全权代表会议\n2026年3月3日至5日，曼谷\n议程项目4\n"
            "保护东亚海区域海洋环境免受塑料垃圾污染议定书\n序言\n本议定书各缔约方，\n兹协议如下：\n第一条\n用语\n")
    assert detect(text).title == "保护东亚海区域海洋环境免受塑料垃圾污染议定书"


def test_a_resolution_numbered_in_roman_numerals_takes_the_line_under_it_as_title():
    text = ("CONVENTION ON WETLANDS\n15th Meeting of the Conference of the Contracting Parties\nVictoria Falls, 23–31 July 2025\n"
            "Resolution XV.7\nStrengthening technical assistance for the restoration of peatlands\n1. RECALLING Resolution XIII.13;\n")
    info = detect(text)
    assert info.title == "Strengthening technical assistance for the restoration of peatlands" and info.kind == "resolution"
    assert info.symbol == "Resolution XV.7"  # no UN symbol: cited by its own number


def test_a_footnote_printed_after_the_next_decision_began_belongs_to_the_decision_citing_it():
    text = ("Decision 1/EA.8. Sand\n\n1. Requests a report.¹\n\nDecision 2/EA.8. Lead\n\n1. Urges Member States to act.²\n\n"
            "Decision 3/EA.8. Dates\n\n1. Decides the dates.\n\n¹ A first note.\n² A second note.\n")
    notes = {p.text: (p.id, p.citation) for p in parse(text, "en") if p.kind == "footnote"}
    assert notes["A second note."] == ("d2/EA.8-fn2", "decision 2/EA.8, footnote 2")
    assert notes["A first note."] == ("d1/EA.8-fn1", "decision 1/EA.8, footnote 1")


def test_a_treaty_whose_articles_carry_their_titles_is_a_treaty():
    text = "关于草原火灾联合防控的协定\n\n本协定缔约方，\n\n兹协议如下：\n\n第一章 总则\n\n第一条 目的\n\n本协定的目的是加强合作。\n"
    assert detect(text).kind == "treaty"
    assert detect("Agreement on wetlands\n\nArticle 1. Use of terms\n\n1. Terms have their usual meaning.\n").kind == "treaty"


def test_a_decision_numbered_title_under_an_organization_line_is_the_title():
    text = ("Test Organization\nTST/DEC/1/2\nDistr.: General\n5 May 2026\n\nDecision 1/2. Bicycle parking at the "
            "secretariat\n\nThe Assembly,\n\n1. Decides to provide parking.\n")
    assert detect(text).title == "Bicycle parking at the secretariat"


def test_a_report_s_chapters_hold_its_sections_and_paragraphs_run_on_through_them():
    text = ("测试工作方案\n\n第一章 导言\n\n1. 第一段内容。\n\n第二章 优先领域\n\n第一节 预警\n\n2. 第二段内容。\n\n"
            "第二节 干旱\n\n3. 第三段内容。\n\n第三章 资源\n\n4. 第四段内容。\n")
    by_id = _by_id(text, "zh")
    assert by_id["s2"].citation == "第二章" and by_id["s2-s1"].citation == "第二章 第一节"
    assert by_id["p3"].section == ("第二章 优先领域", "第二节 干旱") and by_id["p4"].section == ("第三章 资源",)
    outline = "Annex\n\nChapter 2: Trends in emissions\n2.1. Description of trends\n2.2. Trends by sector\n"
    assert not any(p.kind == "heading" and p.text.startswith("Chapter") for p in parse(outline, "en"))  # an outline's line


def test_a_title_line_right_above_an_untitled_table_is_its_caption():
    text = ("1. Adopts the budget.\n\nBudget for 2026–2027 (United States dollars)\n\n"
            "| Budget line | 2026 | 2027 |\n| Staff costs | 520,000 | 535,000 |\n\n"
            "2. Decides to review it.\n\nExchange rate used:______\n\n| Item | Amount |\n| Travel | 10 |\n")
    passages = parse(text, "en")
    rows = [p for p in passages if p.kind == "table_row"]
    assert rows[0].section[-1] == "Budget for 2026–2027 (United States dollars)"
    assert not any(p.kind == "text" and p.text.startswith("Budget for") for p in passages)
    assert any(p.kind == "text" and p.text.startswith("Exchange rate") for p in passages)  # a form's line stays


def test_a_symbol_may_number_its_session_in_brackets():
    info = detect("联合国\nICCD/COP(16)/23/Add.1\n防治荒漠化公约\nDistr.: General\n\n缔约方大会第十六届会议报告\n\n1. 决定。\n")
    assert info.symbol == "ICCD/COP(16)/23/Add.1"


def test_a_treaty_s_closing_lines_stand_after_its_last_article_and_date_it():
    text = ("关于含水层的议定书\n\n第一条 目的\n\n1. 本议定书的目的是保护含水层。\n\n第二条 作准文本\n\n"
            "本议定书以中文和英文写成，两种文本同等作准。\n\n下列签署人，经正式授权，在本议定书上签字，以昭信守。\n\n"
            "2026年3月22日订于日内瓦。\n")
    closing = [p for p in parse(text, "zh") if p.kind == "text"]
    assert [p.citation for p in closing] == ["第二条之后", "第二条之后"]
    assert detect(text).date == "2026-03-22"
    english = "Agreement on aquifers\n\nArticle 1\n\n1. It protects aquifers.\n\nArticle 2\n\nNo reservations.\n\nDone at Geneva on 22 March 2026.\n"
    assert [p.citation for p in parse(english, "en") if p.kind == "text"] == ["after Article 2"]
    assert detect(english).date == "2026-03-22"


def test_rows_grouped_by_year_are_named_by_the_column_that_names_each():
    text = ("附件\n\n| 年份 | 活动 | 预算 |\n|---|---|---|\n| 2025 | 建立秘书处 | 5,000,000 |\n| 2025 | 国家干旱风险评估 | 18,000,000 |\n"
            "| 2026 | 预警系统试点 | 22,000,000 |\n")
    from bot.sources.markdown import markdown_to_markup

    rows = [p for p in parse(markdown_to_markup(text), "zh") if p.kind == "table_row"]
    assert [p.citation for p in rows] == ["附件 表1：建立秘书处", "附件 表1：国家干旱风险评估", "附件 表1：预警系统试点"]


def test_an_annex_title_wrapped_before_its_years_is_one_title():
    text = ("1. Decides to act.\n\nAnnex\n\nIndicative schedule of regional consultations on early warning systems,\n"
            "2026–2027\n\n1. The consultations shall be regional.\n")
    passages = parse(text, "en")
    annex = next(p for p in passages if p.id == "a1")
    assert annex.text.endswith("early warning systems, 2026–2027")
    assert not any(p.kind == "preamble" for p in passages)


def test_a_bare_table_row_read_as_text_keeps_its_own_characters():
    for text in ("附件\n0|0\n0|0", "0|0\n0|0\n附件"):  # found by test_table_shaped_noise_never_raises_or_doubles
        passages = parse(text, "zh")
        assert sum(p.text.count("|") for p in passages) <= text.count("|"), [p.text for p in passages]


def test_tab_rows_whose_first_cells_are_numbered_names_are_a_table_not_paragraphs():
    text = "\n".join(["Annex", "1. The guidance applies to marine areas.", "2. The cycle has three phases, below.",
                      "Phase\tMain activities\tLead actors", "1. Pre-planning\tDefine boundaries\tGovernments",
                      "2. Plan drafting\tDevelop zoning options\tPlanning authority",
                      "3. Monitoring\tTrack indicators\tMonitoring body", "3. Plans should be reviewed every five years."])
    units = {p.id: p for p in parse(text, "en")}
    assert [p.label for p in units.values() if p.kind == "paragraph"] == ["annex, para. 1", "annex, para. 2",
                                                                          "annex, para. 3"]
    rows = [p for p in units.values() if p.kind == "table_row"]
    assert [p.label for p in rows] == ["annex, table 1, 1. Pre-planning", "annex, table 1, 2. Plan drafting",
                                       "annex, table 1, 3. Monitoring"]
    assert rows[2].columns == (("Phase", "3. Monitoring"), ("Main activities", "Track indicators"),
                               ("Lead actors", "Monitoring body"))
    # a label set off by a tab is no row: "1.\tDecides" stays paragraph 1
    assert [p.label for p in parse("1.\tDecides to act;\n2.\tRequests the secretariat;", "en")] == ["para. 1", "para. 2"]


def test_a_treaty_s_parts_hold_its_articles_in_both_languages():
    text = "\n".join(["PART I GENERAL PROVISIONS", "Article 1", "Use of terms", "1. Terms are defined here.",
                      "PART II: UNFCCC guidelines for the technical review of greenhouse gas inventories from Parties",
                      "Article 2", "Objective", "1. The objective is set."])
    units = {p.id: p for p in parse(text, "en")}
    assert [(p.label, p.kind) for p in units.values() if p.kind in ("heading", "article")] == [
        ("part I", "heading"), ("Article 1", "article"), ("part II", "heading"), ("Article 2", "article")]
    assert units["art2-1"].label == "Article 2, para. 1" and units["art2-1"].section[0].startswith("PART II")
    zh = {p.label for p in parse("第一部分 总则\n第一条 目的\n本协定旨在合作。\n第二部分 机构\n第二条 秘书处\n秘书处设于日内瓦。", "zh")}
    assert {"第一部分", "第二部分", "第一条", "第二条"} <= zh


def test_an_agenda_item_s_title_on_the_cover_is_not_the_document_s():
    draft = "\n".join(["联合国", "FCCC/CP/2026/L.7", "缔约方会议", "第三十一届会议", "议程项目6", "公正转型路径",
                       "第-/CP.31号决定草案", "主席提出的提案", "第-/CP.31号决定 公正转型工作方案", "缔约方会议，"])
    assert detect(draft).title == "公正转型工作方案"
    report = "\n".join(["A/HRC/59/2", "人权理事会", "第五十九届会议", "议程项目1", "组织和程序事项", "",
                        "人权理事会第五十九届会议报告摘要", "", "一、组织和程序事项", "1. 会议开幕。"])
    assert detect(report).title == "人权理事会第五十九届会议报告摘要"
    decision = "\n".join(["MPC/COP/DEC/5/8", "缔约方大会", "第五次会议", "议程项目12", "缔约方大会第5/8号决定：山地恢复",
                          "缔约方大会，"])
    assert detect(decision).title == "缔约方大会第5/8号决定：山地恢复"  # the decision itself, not the item's title


def test_the_words_right_under_a_section_heading_are_cited_as_that_section():
    labels = [p.label for p in parse("附件\n一、目标\n工作方案的目标是促进经验交流。\n二、报告\n1. 秘书处应编写报告。", "zh")]
    assert "附件 第一节" in labels and not any("之后" in label for label in labels)


def test_an_annex_titled_on_its_line_is_an_annex_but_not_inside_another_annex_s_outline():
    text = "\n".join(["1. Decides to act.", "Annex: Terms of reference of the expert group", "1. The group meets twice.",
                      "2. It reports annually.", "Annex II", "Outline of the report", "Annex I: Technical annexes for REDD+",
                      "Annex III: Common tabular formats", "1. The outline is indicative."])
    labels = [p.label for p in parse(text, "en")]
    assert "annex, para. 1" in labels and "annex, para. 2" in labels and "para. 1" in labels
    assert [p.label for p in parse(text, "en") if p.kind == "heading"].count("annex II") == 1 \
        and "annex III" not in labels  # outline lines, not headings
    assert [p.label for p in parse("附件：专家组职权范围\n1. 专家组每年举行两次会议。", "zh")] == ["附件", "附件 第1段"]


def test_a_unit_s_exponent_is_no_footnote_marker():
    assert strip_markers("the guideline value of 15 µg/m³ for PM2.5") == "the guideline value of 15 µg/m³ for PM2.5"
    assert strip_markers("an area of 2 km² of the mechanism²") == "an area of 2 km² of the mechanism"


KP_DECISION = """Decision 1/CMP.22

Matters relating to the Adaptation Fund

      The Conference of the Parties serving as the meeting of the
Parties to the Kyoto Protocol,

      Having considered the report of the Adaptation Fund Board for the year to 30 June 2027,1

      3.     Also welcomes the contributions made to the Adaptation Fund in 2027
amounting to USD 208.5 million, including new pledges from Austria, Ireland,
Luxembourg and the Republic of Korea;

      4.     Decides to review the caps;

__________________
Please recycle
      1
          FCCC/KP/CMP/2027/4 and Add.1.
"""


def test_a_numbered_paragraph_goes_on_after_a_comma_and_a_footnote_number_may_stand_above_its_text():
    passages = parse(KP_DECISION, "en")
    paragraph = next(p for p in passages if p.label == "decision 1/CMP.22, para. 3")
    assert paragraph.text.endswith("Austria, Ireland, Luxembourg and the Republic of Korea;")
    note = next(p for p in passages if p.kind == "footnote")
    assert (note.label, note.text) == ("decision 1/CMP.22, footnote 1", "FCCC/KP/CMP/2027/4 and Add.1.")
    assert not [p for p in passages if p.kind == "text"]  # neither "Luxembourg …", the lone "1", the rule above the
    # notes nor the print footer's "Please recycle"


def test_a_chapeau_wrapped_in_two_lines_is_no_part_of_the_decision_s_title():
    preamble = next(p for p in parse(KP_DECISION, "en") if p.kind == "preamble")
    assert preamble.section == ("Decision 1/CMP.22 Matters relating to the Adaptation Fund",)
    assert preamble.text == "Having considered the report of the Adaptation Fund Board for the year to 30 June 2027,"
    assert preamble.footnotes == ("d1/CMP.22-fn1",)  # the marker after a year: "2027,1"


def test_a_resolution_numbered_with_a_full_width_stop_gives_its_title_and_its_symbol_its_kind():
    text = "UNEP/EA.8/Res.3\n联合国环境大会\n第八届会议\n8/3．可持续氮管理\n联合国环境大会，\n回顾其第4/14号决议和关于可持续氮管\n理的第5/2号决议，\n1．欢迎各成员国取得的进展；\n"
    info = detect(text)
    assert (info.title, info.kind) == ("可持续氮管理", "resolution")


def test_words_right_under_an_annex_heading_are_cited_as_the_annex():
    text = "\n".join(["1. Decides to act.", "Annex", "Schedule of contributions",
                      "The contributions set out below apply to the first budgetary period.", "1. Each Party shall pay."])
    passages = parse(text, "en")
    assert [p.label for p in passages if p.kind == "text"] == ["annex"]  # not "annex, line 4"


def test_the_date_after_distr_is_the_date_of_issue_however_long_the_cover_line():
    text = ("United Nations\tA/HRC/RES/62/7\nGeneral Assembly\tDistr.: General 17 July 2026 Original: English\n"
            "Human Rights Council\n62/7. The human rights to water\n1. Calls upon States to act.\n")
    assert detect(text).date == "2026-07-17"


# -- texts without a UN symbol, and instruments inside other texts ----------------------------------------

CITES_RESOLUTION = """濒危野生动植物种国际贸易公约

第Conf. 20.9号决议

花梨木类树种标本贸易的管理

缔约方大会第二十届会议（2025年11月24日至12月5日，撒马尔罕）通过

回顾关于非致危性判定的第Conf. 16.7（Rev. CoP17）号决议；

认识到许多分布国缺乏开展非致危性判定所需的森林资源清查数据和木材鉴定能力；

缔约方大会

一、定义

1. 决定就本决议而言，“花梨木类物种”系指黄檀属物种；
"""


def test_a_resolution_numbered_by_its_convention_is_cited_by_that_number_and_its_preamble_comes_first():
    info = detect(CITES_RESOLUTION)
    assert (info.symbol, info.title, info.kind) == ("第Conf. 20.9号决议", "花梨木类树种标本贸易的管理", "resolution")
    english = detect("Convention on International Trade\n\nResolution Conf. 20.9\n\nManagement of trade in rosewood\n")
    assert (english.symbol, english.title) == ("Resolution Conf. 20.9", "Management of trade in rosewood")
    passages = parse(CITES_RESOLUTION, "zh")
    assert [(p.kind, p.label) for p in passages][1:5] == [
        ("preamble", "序言第1段"), ("preamble", "序言第2段"), ("text", "序言第2段之后"), ("heading", "第一节")]


def test_an_instrument_under_the_note_that_transmits_it_has_its_preamble():
    text = "\n".join([
        "ECA/SDR/IGM/2025/4", "Distr.: General", "12 November 2025", "Agenda item 5",
        "Adoption and opening for signature of the regional agreement",
        "Regional Agreement on Early Warning in the Sahel", "Note by the secretariat",
        "1. The text of the Regional Agreement reproduced below was adopted by consensus on 5 November 2025.",
        "2. The Agreement is issued without formal editing.",
        "Regional Agreement on Early Warning in the Sahel", "The Parties to this Agreement,",
        "Conscious that the Sahel is warming at a rate approximately 1.5 times faster than the global average,^{1}",
        "^{1} Intergovernmental Panel on Climate Change, Climate Change 2021.",
        "Recalling the United Nations Convention to Combat Desertification and the Paris Agreement,",
        "Have agreed as follows:", "Article 1", "Use of terms", "For the purposes of this Agreement:", "(a) “Party” means a State;"])
    assert detect(text).title == "Regional Agreement on Early Warning in the Sahel"  # not "Note by the secretariat"
    passages = parse(text, "en")
    preambles = [p for p in passages if p.kind == "preamble"]
    assert [p.label for p in preambles[:2]] == ["preamble, para. 1", "preamble, para. 2"]
    assert preambles[1].text.startswith("Recalling the United Nations Convention")  # not "after footnote 1"


def test_chinese_resolution_numbered_by_year_with_a_wrapped_title_a_run_on_clause_and_an_annex_titled_in_guillemets():
    text = "\n".join(["E/RES/2026/15", "经济及社会理事会", "2026/15. 加强国家统计能力以支持《2030年可持续发展议程》",
                      "的后续落实和评估", "经济及社会理事会，", "认识到《开普敦可持续发展数据全球行动计划》在指导国家统计能力建设方面的作用，",
                      "并欢迎2024年11月举行的第五届联合国世界数据论坛的成果，", "强调官方统计基本原则的重要性，",
                      "1. 欢迎统计委员会核可方案；", "附件《2027—2030年区域统计能力建设方案》的资源分配", "1. 方案分三期执行。"])
    assert detect(text).title == "加强国家统计能力以支持《2030年可持续发展议程》的后续落实和评估"
    passages = parse(text, "zh")
    assert [p.label for p in passages if p.kind == "preamble"] == ["序言第1段", "序言第2段"]  # "并欢迎…" goes on
    assert any(p.label == "附件 第1段" for p in passages)


def test_a_decision_numbered_by_its_body_s_prefix_gives_its_title_after_a_full_width_colon():
    text = "UNEP/MC/COP.6/Dec.4\n关于汞的水俣公约缔约方大会 第六次会议 2025年11月3日至7日，日内瓦 议程项目5(d) 需由缔约方大会采取行动的事项\n" \
           "缔约方大会第六次会议通过的决定\nMC-6/4：手工和小规模采金\n缔约方大会，\n1. 欢迎各缔约方的努力；\n"
    assert detect(text).title == "手工和小规模采金"


def test_tab_rows_named_by_roman_numerals_are_rows_and_print_footers_with_a_page_number_are_furniture():
    text = "\n".join(["Annex", "Phase\tPeriod\tBudget", "I. Scoping\t2026\t1.8", "II. Data collection\t2027–2028\t5.4",
                      "III. Synthesis\t2028–2029\t3.1", "Total\t\t10.3"])
    rows = [p for p in parse(text, "en") if p.kind == "table_row"]
    assert [p.columns[0][1] for p in rows] == ["I. Scoping", "II. Data collection", "III. Synthesis", "Total"]
    paged = "A/RES/80/1\n1. Requests the secretariat to report to the Conference of the\n\n2    GE.26-15402\n\fA/RES/80/1\n" \
            "Parties at its next session;\n2. Decides to act.\nK2525871\n"
    read = parse(paged, "en")
    first = next(p for p in read if p.kind == "paragraph")
    assert "GE.26" not in " ".join(p.text for p in read) and "K2525871" not in " ".join(p.text for p in read)
    assert first.text.endswith("Conference of the Parties at its next session;")


def test_decisions_numbered_in_roman_numerals_with_their_preamble_first_and_the_body_named_after_it():
    text = "\n".join([
        "UNEP/OzL.Pro.37/12", "Report of the Thirty-Seventh Meeting of the Parties to the Montreal Protocol",
        "1. The meeting was attended by representatives of 154 Parties.",
        "III. Decisions adopted by the Thirty-Seventh Meeting of the Parties",
        "Decision XXXVII/1: Financial reports and budgets for the Montreal Protocol",
        "Recalling decision XXXVI/22 on the financial reports and budgets for the Montreal Protocol,",
        "Taking note of the financial report on the Trust Fund for the Montreal Protocol,",
        "The Thirty-Seventh Meeting of the Parties decides:",
        "1. To approve the revised 2025 budget in the amount of $6,184,942;",
        "Decision XXXVII/2: Critical-use exemptions for methyl bromide for 2026",
        "Noting that three Parties submitted critical-use nominations for 2026,",
        "The Thirty-Seventh Meeting of the Parties decides:", "1. To permit the critical-use exemptions set out below;",
        "IV. Date and venue of the Thirty-Eighth Meeting of the Parties",
        "2. The Parties accepted the offer of the Government of Uzbekistan to host the next meeting."])
    passages = parse(text, "en")
    labels = [(p.kind, p.label) for p in passages]
    assert ("preamble", "decision XXXVII/1, preamble, para. 1") in labels
    assert ("text", "decision XXXVII/1, after preamble, para. 2") in labels  # "… decides:" is no preamble paragraph
    assert ("paragraph", "decision XXXVII/2, para. 1") in labels
    assert ("heading", "section IV") in labels and ("paragraph", "para. 2") in labels  # the report's own, after them
    heading = next(p for p in passages if p.kind == "heading" and p.label == "decision XXXVII/1")
    assert "Recalling" not in heading.text
    from bot.references import read_segments
    from bot.textnorm import normalize

    assert read_segments(normalize("What does paragraph 1 of decision XXXVII/2 say?")) == [("decision", "xxxvii/2"), ("para", "1")]


def test_a_text_copied_out_of_a_pdf_without_form_feeds_has_its_pages_furniture_and_notes_read():
    text = "\n".join([
        "                                          A/RES/80/163", "联合国", "大  会      Distr.: General", "80/163. 防治沙尘暴",
        "    大会，",
        "    注意到联合国环境大会2019年3月15日关于防治沙尘暴的第4/10号决议，2",
        "    关切地注意到沙尘暴每年影响150多个国家，对约3.3亿人的健康造成不利影响，",
        "    1. 注意到秘书长的报告；",
        "    2. 欢迎联合国防治沙尘暴联盟开展的工作，并鼓励该联盟在2026年12月31日之前制定一项",
        "────────────────", "1 联合国，《条约汇编》，第1954卷，第33480号。", "2 见A/74/25，附件一。",
        "25-21873 (C)", "*2521873*",
        "A/RES/80/163                                                        防治沙尘暴",
        "联合国全系统防治沙尘暴行动计划；", "    3. 吁请会员国加强沙尘暴源区的监测；",
        "2/3                                                               25-21873",
        "                                                                         A/RES/80/163", "防治沙尘暴",
        "    4. 决定召开一次高级别会议。", "25-21873                                                                  3/3"])
    passages = parse(text, "zh")
    texts = [p.text for p in passages]
    assert not any("25-21873" in t or t in ("A/RES/80/163 防治沙尘暴", "防治沙尘暴") for t in texts)
    assert [p.label for p in passages if p.kind == "preamble"] == ["序言第1段", "序言第2段"]  # "…决议，2" ends its clause
    assert [p.label for p in passages if p.kind == "footnote"] == ["脚注1", "脚注2"]
    second = next(p for p in passages if p.label == "第2段")
    assert second.text.endswith("行动计划；") and second.pages == (1, 2)
    assert next(p for p in passages if p.label == "第4段").pages == (3,)


def test_a_decision_that_is_an_annex_of_a_report_with_its_notes_in_brackets():
    text = "\n".join([
        "UNITED NATIONS                                              UNEP/MED IG.27/22",
        "                                                            Annex IV",
        "                                                            Distr.: General", "12 December 2025", "",
        "Agenda item 4: Thematic decisions", "", "Decision IG.27/4", "",
        "Marine litter: updated Regional Plan on Marine Litter Management", "",
        "The 24th Meeting of the Contracting Parties,", "",
        "Recalling decision IG.21/7 by which the Regional Plan on Marine Litter Management was adopted,[1]", "",
        "Noting that plastics account for up to 82 per cent of the litter items recorded on beaches,[2]", "",
        "Concerned that an estimated 229,000 tonnes of plastic enter the Mediterranean Sea each year,", "",
        "1. Adopts the updated Regional Plan;", "", "UNEP/MED IG.27/22", "Page 4", "",
        "2. Requests the Contracting Parties to update their National Action Plans by 31 December 2027;", "",
        "[1] UNEP(DEPI)/MED IG.21/9, annex II, decision IG.21/7.", "[2] 2023 Mediterranean Quality Status Report."])
    info = detect(text)
    assert (info.symbol, info.title, info.kind) == (
        "UNEP/MED IG.27/22", "Marine litter: updated Regional Plan on Marine Litter Management", "decision")
    from bot.sources.text import bracket_footnotes

    passages = parse(bracket_footnotes(text), "en")
    labels = [p.label for p in passages]
    assert "decision IG.27/4, preamble, para. 3" in labels and "decision IG.27/4, para. 2" in labels
    assert not any(label.startswith("annex") for label in labels)  # "Annex IV" on the cover heads nothing
    notes = [p for p in passages if p.kind == "footnote"]
    assert [p.label for p in notes] == ["decision IG.27/4, footnote 1", "decision IG.27/4, footnote 2"]
    assert [p.cited_by for p in notes] == [("dIG.27/4-pre1",), ("dIG.27/4-pre2",)]  # linked to the clauses citing them
    assert not any(p.text in ("UNEP/MED IG.27/22", "Page 4") for p in passages)


def test_a_lone_decision_numbered_by_its_body_s_prefix_titles_the_document_under_a_sub_item_s_agenda_title():
    text = "\n".join(["UNEP/CHW.17/28", "Distr.: General", "12 June 2025", "Conference of the Parties to the Basel Convention",
                      "Seventeenth meeting", "Geneva, 28 April–9 May 2025", "Agenda item 4 (b) (iii)",
                      "Matters related to the implementation of the Convention: technical guidelines",
                      "Decision adopted by the Conference of the Parties to the Basel Convention at its seventeenth meeting",
                      "BC-17/5: Environmentally sound management of waste lithium-ion batteries",
                      "The Conference of the Parties,", "1. Adopts the technical guidelines;"])
    info = detect(text)
    assert (info.title, info.kind) == ("Environmentally sound management of waste lithium-ion batteries", "decision")


def test_a_long_caption_that_names_its_unit_gives_the_table_its_title_and_its_rows_their_currency():
    from bot.abstain import answer_text, missing_answer_type

    text = "\n".join([
        "1. To approve the 2026 budget, as set out in the table below;",
        "Trust Fund for the Montreal Protocol: revised 2025, approved 2026 and indicative 2027 budgets (United States dollars)",
        "Budget line\tRevised 2025\tApproved 2026\tIndicative 2027",
        "Programme support costs (13 per cent)\t711,542\t737,964\t750,344", "Total\t6,184,942\t6,414,614\t6,522,224"])
    rows = [p for p in parse(text, "en") if p.kind == "table_row"]
    assert rows[0].section[-1].endswith("budgets (United States dollars)")
    assert missing_answer_type("How much are programme support costs in the indicative 2027 budget?",
                               [answer_text(rows[0])]) is None


def test_a_resolution_numbered_in_capitals_by_its_convention_with_its_preamble_under_the_cover():
    text = "\n".join(["  CONVENTION ON                                   Distribution: General", "  MIGRATORY SPECIES", "",
                      "                    RESOLUTION 15.12", "",
                      "       BYCATCH OF MIGRATORY SPECIES AND ABANDONED, LOST OR OTHERWISE",
                      "                    DISCARDED FISHING GEAR", "",
                      "      Recalling Resolution 12.22 (Rev.COP14) on Bycatch and Resolution 12.20 on",
                      "  Management of Marine Debris,", "",
                      "      Aware that bycatch in fisheries is the single greatest threat to many species,", "",
                      "  1. Urges Parties to adopt best-practice bycatch mitigation measures;"])
    info = detect(text, "CMS-Resolution-15.12.txt")
    assert (info.symbol, info.title, info.kind) == (
        "Resolution 15.12", "BYCATCH OF MIGRATORY SPECIES AND ABANDONED, LOST OR OTHERWISE DISCARDED FISHING GEAR", "resolution")
    assert [p.label for p in parse(text, "en") if p.kind == "preamble"] == ["preamble, para. 1", "preamble, para. 2"]
