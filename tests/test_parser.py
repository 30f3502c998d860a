"""The parser cuts the recommendation into the document's own citation units, losing nothing."""
from __future__ import annotations

import re
import time
from collections import Counter
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.parser import PARSER_VERSION, parse, strip_markers

SOURCE = (Path(__file__).parents[1] / "corpus" / "CBD-WG2020-REC-1-1.zh.txt").read_text(encoding="utf-8")
ANNEX1 = "附件一 供进一步讨论的 2020 年后全球生物多样性框架的可能要素"
SECTION2 = "二. 供进一步讨论的 2020 年后全球生物多样性框架的可能要素"
TABLE1_PATH = ("附件二 将制定 2020 年后全球生物多样性框架的任务分配给其他机构和进程", "表 1： 缔约方会议授权的正式会议")
ITEM_COUNTS = {"A": 9, "B": 4, "C": 13, "D": 8, "D-l2": 5, "D-l3": 1, "D-l4": 3, "E": 16, "F": 7, "G": 14, "H": 2}


@pytest.fixture(scope="module")
def passages():
    return parse(SOURCE)


@pytest.fixture(scope="module")
def by_id(passages):
    return {p.id: p for p in passages}


def _nonspace(text: str) -> Counter:
    return Counter(c for c in text if not c.isspace())


def _ids(passages, kind: str) -> list[str]:
    return [p.id for p in passages if p.kind == kind]


# -- units and their ids -----------------------------------------------------------------------------


def test_version_is_a_nonempty_string():
    assert isinstance(PARSER_VERSION, str) and PARSER_VERSION


def test_front_matter_preamble_and_operative_paragraphs(passages, by_id):
    assert _ids(passages, "header") == ["header"]
    assert _ids(passages, "preamble") == ["pre1", "pre2", "pre3"]
    operative = [i for i in _ids(passages, "paragraph") if i.startswith("p")]
    assert operative == [f"p{n}" for n in range(1, 13)]
    header = by_id["header"]
    assert header.citation == "文件标题"
    for words in ("生物多样性公约", "CBD/WG2020/REC/1/1", "ORIGINAL: ENGLISH", "第一次会议",
                  "1/1. 编制2020年后全球生物多样性框架：工作组第一次会议的结论", "2020年后全球生物多样性框架不限成员名额工作组，"):
        assert words in header.text
    assert by_id["pre3"].citation == "序言第3段" and by_id["pre3"].text.startswith("重申，根据")
    assert by_id["p12"].citation == "第12段"


def test_paragraph_7_items_are_their_own_passages(passages, by_id):
    assert [i for i in _ids(passages, "item") if i.startswith("p")] == ["p7a", "p7b", "p7c"]
    assert by_id["p7a"].citation == "第7段(a)项"
    assert by_id["p7c"].citation == "第7段(c)项"
    assert by_id["p7"].text.endswith("全球评估的结论：")
    assert "邀请主流化问题非正式咨询小组" not in by_id["p7"].text
    assert "邀请主流化问题非正式咨询小组" in by_id["p7c"].text


def test_annex_one_items_per_list(passages):
    items = [i for i in _ids(passages, "item") if i.startswith("a1-")]
    assert len(items) == 82
    for owner, count in ITEM_COUNTS.items():
        assert [i for i in items if re.fullmatch(rf"a1-{owner}-\d+", i)] == [f"a1-{owner}-{n}" for n in
                                                                            range(1, count + 1)]


def test_annex_one_headings_and_intro(by_id):
    assert by_id["a1"].citation == "附件一" and by_id["a1"].text == ANNEX1
    assert by_id["a1-s1"].citation == "附件一 第一节" and by_id["a1-s1"].text == "一. 引言"
    assert by_id["a1-s1-2"].citation == "附件一 第一节 第2段" and by_id["a1-s1-2"].kind == "paragraph"
    assert by_id["a1-s2"].citation == "附件一 第二节"
    for letter in "ABCDEFGH":
        assert by_id[f"a1-{letter}"].citation == f"附件一 第二节 {letter}"
        assert by_id[f"a1-{letter}"].kind == "heading"
    assert by_id["a1-A"].text == "A. 理由和范围 可能需要反映的问题："
    assert "(a) 能够在目标中反映的问题：" in by_id["a1-D"].text
    # lists opened by a lead-in are numbered in their section (the items under "(a)" are the first) and
    # named by the words that set their lead-in apart from the others'
    assert by_id["a1-D-l2"].citation == "附件一 第二节 D 具体目标"
    assert by_id["a1-D-l3"].citation == "附件一 第二节 D 次级指标"
    assert by_id["a1-D-l4"].citation == "附件一 第二节 D 各项指标数"
    assert by_id["a1-D-l3"].text == "能够在次级指标中反映的问题："


@pytest.mark.parametrize("pid, citation", [
    ("p7a", "第7段(a)项"),
    ("a1-D-4", "附件一 第二节 D (四)"),
    ("a1-C-13", "附件一 第二节 C (十三)"),
    ("a1-E-16", "附件一 第二节 E (十六)"),
    ("a1-E-11", "附件一 第二节 E (十一)"),
    ("a1-D-l2-5", "附件一 第二节 D 具体目标 (五)"),
    ("a1-D-l4-1", "附件一 第二节 D 各项指标数 (一)"),
    ("fn14", "脚注14"),
    ("a2", "附件二"),
    ("a2-t3", "附件二 表3"),
])
def test_citations(by_id, pid, citation):
    assert by_id[pid].citation == citation


def test_section_paths(by_id):
    assert by_id["a1-D-l2-1"].section == (ANNEX1, SECTION2, "D. 目标、指标、次级目标和指标数", "能够在具体目标中反映的问题：")
    assert by_id["a1-D-1"].section == (ANNEX1, SECTION2, "D. 目标、指标、次级目标和指标数")
    assert by_id["a1-s1-1"].section == (ANNEX1, "一. 引言")
    assert by_id["a2-t1-5"].section == TABLE1_PATH
    assert by_id["p5"].section == ()


def test_page_breaks_are_joined(by_id):
    assert "关于附件一所载第一次会议的讨论结果" in by_id["p4"].text
    item = by_id["a1-C-5"]
    assert "明智使用、恢复、生态系统服务的维持)；" in item.text
    assert item.footnotes == ("fn9",)
    assert "2020年后网页 上公布" in by_id["p11"].text and "](#)" not in by_id["p11"].text


# -- footnotes -------------------------------------------------------------------------------------------


def test_footnotes(passages, by_id):
    assert _ids(passages, "footnote") == [f"fn{n}" for n in range(1, 30)]
    assert by_id["fn2"].text == "一些缔约方要求清楚理解转型变革与变革理论之间的区别。"
    assert all(by_id[f"fn{n}"].cited_by for n in range(1, 30))


@pytest.mark.parametrize("pid, footnotes", [
    ("a1", ("fn1",)), ("a1-A-5", ("fn2",)), ("a1-C", ("fn6",)), ("a1-C-1", ("fn7",)), ("a1-D", ("fn12", "fn13")),
    ("a1-D-4", ("fn14",)), ("a1-D-l3", ("fn17",)), ("a1-E", ("fn18",)), ("a1-E-12", ("fn19",)),
    ("a1-F", ("fn21", "fn22")), ("a1-G", ("fn23",)), ("a1-H", ("fn27",)), ("a2-t1", ("fn28",)),
    ("a2-t1-1", ("fn29",)), ("a1-D-1", ()), ("p1", ()),
])
def test_passages_cite_their_footnotes(by_id, pid, footnotes):
    assert by_id[pid].footnotes == footnotes


def test_footnote_links_go_both_ways(passages, by_id):
    assert by_id["fn14"].cited_by == ("a1-D-4",)
    assert by_id["fn13"].cited_by == ("a1-D",)
    assert by_id["fn28"].cited_by == ("a2-t1",)
    citing = {(p.id, f) for p in passages for f in p.footnotes}
    cited = {(c, p.id) for p in passages for c in p.cited_by}
    assert citing == cited


def test_footnote_section_is_where_it_is_first_cited(by_id):
    assert by_id["fn17"].section == by_id["a1-D-l3"].section
    assert by_id["fn9"].section == (ANNEX1, SECTION2, "C. 2030 年任务和/或最高目标和进度标志")
    assert by_id["fn29"].section == TABLE1_PATH


def test_no_marker_survives(passages):
    for p in passages:
        for text in [p.text, *(cell for _, cell in p.columns)]:
            assert not re.search("[⁰¹²³⁴⁵⁶⁷⁸⁹]|\\^\\{", text), p.id


@pytest.mark.parametrize("raw, clean", [
    ("转型变革；²", "转型变革；"), ("类型 ²⁸", "类型"), ("状况⁷的陈述", "状况的陈述"),
    ("问题：^{12,13}", "问题："), ("办法^{21,22}", "办法"), ("政府间会议 1", "政府间会议 1"), ("", ""),
])
def test_strip_markers(raw, clean):
    assert strip_markers(raw) == clean


# -- Annex II tables -------------------------------------------------------------------------------------


def test_table_rows(passages, by_id):
    rows = _ids(passages, "table_row")
    assert len(rows) == 22
    for table, count in ((1, 9), (2, 8), (3, 5)):
        assert [r for r in rows if r.startswith(f"a2-t{table}-")] == [f"a2-t{table}-{n}" for n in range(1, count + 1)]
    assert by_id["a2-t1-3"].citation == "附件二 表1：科学、技术和工艺咨询附属机构第二十三次会议 (SBSTTA-23)"
    assert by_id["a2-t1-9"].citation == "附件二 表1：工作组第三次会议"
    assert by_id["a2-t1"].text.startswith("表 1： 缔约方会议授权的正式会议 日期和地点 会议")
    assert by_id["a2-t1-3"].section == TABLE1_PATH


def test_row_columns_and_text(passages, by_id):
    row = by_id["a2-t1-3"]
    assert row.columns[:2] == (("日期和地点", "2019年11月25日至29日，加拿大蒙特利尔"),
                               ("会议", "科学、技术和工艺咨询附属机构第二十三次会议 (SBSTTA-23)"))
    names = {"日期和地点", "会议", "要素", "任务授权", "作用/形式", "类型"}
    for p in passages:
        if p.kind == "table_row":
            assert p.text == " | ".join(cell for _, cell in p.columns)
            assert {name for name, _ in p.columns} <= names and all(cell for _, cell in p.columns)


def test_bare_footnote_number_in_a_cell(by_id):
    row = by_id["a2-t1-1"]
    role = dict(row.columns)["作用/形式"]
    assert role.endswith("生物安全部分的草案") and "草案 29" not in row.text
    assert dict(row.columns)["类型"] == "委员会 2"
    assert dict(by_id["a2-t1-2"].columns)["类型"] == "政府间会议 1"
    assert "政府间会议 1" in by_id["a2-t1-4"].text


def test_continuation_rows_stay_with_their_meeting(by_id):
    sbi = by_id["a2-t1-8"]
    assert "SBI-3" in sbi.citation
    elements = [cell for name, cell in sbi.columns if name == "要素"]
    assert elements == ["资源调动", "财务机制", "主流化", "性别平等主流化", "根据公约及其议定书进行的知识管理",
                        "协调根据公约及其议定书提交的国家报告", "可能的审查机制", "工作组第一和第二次会议提出的要求"]
    assert "第 14/29 号决定" in sbi.text
    assert "工作组第一次会议的请求" in by_id["a2-t1-2"].text
    assert "工作组各次会议提出的要求" in by_id["a2-t1-7"].text
    assert "2020年3月1日" in by_id["a2-t2-8"].text  # after the blank line in table 2


# -- nothing lost, nothing doubled -----------------------------------------------------------------------


def _source_words(text: str) -> Counter:
    """The document's characters minus what is not content: markers, repeated headers, table rule, bullets."""
    kept, previous = [], ""
    for line in text.split("\n"):
        stripped = line.strip()
        if stripped.startswith("日期和地点") and not previous.startswith("表"):
            continue  # the column header repeated after a page break
        if stripped and set(stripped) <= set("-|: \t"):
            continue
        previous = stripped or previous
        kept.append(re.sub(r"^\s*-\s", "", line))
    source = "\n".join(kept)
    source = re.sub(r"[⁰¹²³⁴⁵⁶⁷⁸⁹]+|\^\{[0-9,]+\}", "", source)
    source = source.replace("草案 29", "草案").replace("[2020年后网页](#)", "2020年后网页")
    return _nonspace(source)


def _passage_words(passages) -> Counter:
    words = Counter()
    for p in passages:
        words += _nonspace("".join(cell for _, cell in p.columns) if p.kind == "table_row" else p.text)
    return words


def test_no_character_lost_or_doubled(passages):
    source, parsed = _source_words(SOURCE), _passage_words(passages)
    assert source - parsed == Counter(), "lost"
    assert parsed - source == Counter(), "doubled"


def test_ids_unique_and_order_dense(passages):
    assert len({p.id for p in passages}) == len(passages)
    assert [p.order for p in passages] == list(range(len(passages)))
    assert _ids(passages, "text") == []


def test_crlf_and_bom_give_the_same_passages(passages):
    assert parse("\ufeff" + SOURCE.replace("\n", "\r\n")) == passages


def test_fast_enough():
    best = min(_timed(SOURCE) for _ in range(3))
    assert best < 0.05


def _timed(text: str) -> float:
    start = time.perf_counter()
    parse(text)
    return time.perf_counter() - start


# -- arbitrary input -------------------------------------------------------------------------------------


def test_empty_text():
    assert parse("") == []
    assert parse("\ufeff\n \r\n\t") == []


def test_unrecognised_lines_become_text():
    result = parse("hello\nworld ¹ again", language="zh")
    assert [(p.id, p.kind, p.citation, p.text) for p in result] == [("t1", "text", "第1行", "hello"),
                                                                  ("t2", "text", "第2行", "world again")]
    assert [p.citation for p in parse("hello\nworld ¹ again")] == ["line 1", "line 2"]  # English detected


def test_binary_junk_keeps_its_characters():
    junk = bytes(range(256)).decode("latin-1") + (bytes(range(200, 256)) * 3).decode("utf-8", "replace")
    result = parse(junk)
    assert _passage_words(result) == _nonspace(strip_markers(junk))


_BULLETS = "•·▪◦●○■□\uf0b7\uf0a7\uf0d8\uf076"
# Content that cannot form a bullet, a link, a table (tabs, pipe rows) or a page break (page furniture is dropped
# by design), so every non-space character must come back.
_PLAIN = st.text(st.characters(blacklist_categories=("Cs",), blacklist_characters="-[\t\ufeff\f|" + _BULLETS),
                 max_size=60)
_LINE = st.one_of(_PLAIN, st.sampled_from(["1. 段落", "(a) 项", "(十一) 项", "附件一", "一. 节", "A. 节", "表 1： 表",
                                          "¹ 脚注", "¹⁴", "前言，", "开放的", "问题：", "^{1,2}", ""]))
# Anything at all, including table, bullet and link shapes.
_WILD = st.one_of(_LINE, st.text(max_size=60), st.sampled_from(["\t\t续", "日期\t会议", "- (二) 项", "---\t---",
                                                                 "[x](#)", "附件二", "表 2：t", "a\tb 29"]))


# a line that is a number alone, or a number, a space and a word, is a footnote printed in plain digits ("1" over
# "See document …", "3 See document …"): its number becomes its label, as a marker does
_PLAIN_NOTE_SHAPE = re.compile(r"^\s*[1-9]\d{0,2}(?:\s*$| +\S)")
# a page's number closing it ("2/3", "Page 4") is its foot, dropped by design as a form feed is
_PAGE_FOOT_SHAPE = re.compile(r"^\s*(?:[1-9]\d{0,3}\s*/\s*[1-9]\d{0,3}|Page\s+[1-9]\d{0,3}(?:\s+of\s+[1-9]\d{0,3})?)\s*$")


def _plain(lines: list[str]) -> bool:
    return not any(_PLAIN_NOTE_SHAPE.match(line) or _PAGE_FOOT_SHAPE.match(line) for line in lines)


def test_a_fraction_no_page_could_bear_is_kept():
    assert _passage_words(parse("0/0\n0")) == _nonspace("0/0\n0")  # found by the property below


@settings(max_examples=300, deadline=None)
@given(st.lists(_LINE, max_size=25).filter(_plain),
       st.sampled_from(["\n", "\r\n", "\r", "\n\n"]))
def test_plain_input_keeps_every_character(lines, newline):
    text = newline.join(lines)
    assert _passage_words(parse(text)) == _nonspace(strip_markers(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(_WILD, max_size=25))
def test_any_input_parses_into_consistent_passages(lines):
    result = parse("\n".join(lines))
    assert len({p.id for p in result}) == len(result)
    assert [p.order for p in result] == list(range(len(result)))
    known = {p.id for p in result}
    assert all(f in known for p in result for f in p.footnotes)
    assert {(p.id, f) for p in result for f in p.footnotes} == {(c, p.id) for p in result for c in p.cited_by}
