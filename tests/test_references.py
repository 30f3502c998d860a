"""Structural references resolve by path, across documents, before any search."""
import pytest

from bot.corpus import Document
from bot.records import Passage
from bot.references import Resolver, beyond_references, names_unit_as_topic, read_segments, to_int
from bot.textnorm import normalize


def doc(id, symbol, title, language):
    return Document(id=id, symbol=symbol, title=title, language=language, date=None, kind="decision", file=id + ".txt",
                    sha256="0")


DOCUMENTS = [
    doc("seed", "CBD/WG2020/REC/1/1", "2020年后全球生物多样性框架", "zh"),
    doc("dec1631", "CBD/COP/DEC/16/31", "Monitoring framework", "en"),
    doc("report", "FCCC/CP/2015/10/Add.1", "Report of the Conference of the Parties", "en"),
]


def p(doc_id, local, kind, *path, text=""):
    return Passage(id=f"{doc_id}:{local}", kind=kind, citation=local, text=text or local, doc=doc_id, path=tuple(path))


PASSAGES = [
    p("seed", "p5", "paragraph", "para:5"),
    p("seed", "p7", "paragraph", "para:7"),
    p("seed", "p7a", "item", "para:7", "item:a"),
    p("seed", "p7b", "item", "para:7", "item:b"),
    p("seed", "pre2", "preamble", "preamble:2"),
    p("seed", "fn14", "footnote", "footnote:14"),
    p("seed", "a1", "heading", "annex:1", text="附件一 会议的结论"),
    p("seed", "a1-s1", "heading", "annex:1", "section:1", text="一. 引言"),
    p("seed", "a1-s1-2", "paragraph", "annex:1", "section:1", "para:2"),
    p("seed", "a1-H", "heading", "annex:1", "section:2", "section:H", text="H. 沟通"),
    p("seed", "a1-D-4", "item", "annex:1", "section:2", "section:D", "item:4"),
    p("seed", "a1-D-5", "item", "annex:1", "section:2", "section:D", "item:5"),
    p("seed", "a1-D-target", "heading", "annex:1", "section:2", "section:D", "list:1", text="具体目标"),
    p("seed", "a1-D-target-2", "item", "annex:1", "section:2", "section:D", "list:1", "item:2"),
    p("seed", "a2-t3", "heading", "annex:2", "table:3", text="表3：会议"),
    p("dec1631", "p5", "paragraph", "para:5"),
    p("dec1631", "p5b", "item", "para:5", "item:b"),
    p("dec1631", "a1-p3", "paragraph", "annex:1", "para:3"),
    p("dec1631", "fn14", "footnote", "footnote:14"),
    p("report", "d1", "heading", "decision:1/CP.21", text="Decision 1/CP.21 Adoption of the Paris Agreement"),
    p("report", "d1-p5", "paragraph", "decision:1/CP.21", "section:II", "para:5"),
    p("report", "d1-a", "heading", "decision:1/CP.21", "annex:1", text="Annex Paris Agreement"),
    p("report", "d1-a-art4-9", "paragraph", "decision:1/CP.21", "annex:1", "article:4", "para:9"),
    p("report", "d1-a-art2", "article", "decision:1/CP.21", "annex:1", "article:2"),
    p("report", "d2-p5", "paragraph", "decision:2/CP.21", "para:5"),
    p("report", "d2-p5a-ii", "item", "decision:2/CP.21", "para:5", "item:a", "subitem:ii"),
]
RESOLVER = Resolver(PASSAGES, DOCUMENTS)


def resolve(question, **options):
    return RESOLVER.resolve(normalize(question), **options)


@pytest.mark.parametrize(
    "question, first",
    [
        ("第7段(b)项", "seed:p7b"),
        ("脚注26？", None),
        ("附件一H节讲什么？", "seed:a1-H"),
        ("附件一第二节D(四)", "seed:a1-D-4"),
        ("附件一第二节 D （四）", "seed:a1-D-4"),
        ("What does annex I, section II, D (iv) say?", "seed:a1-D-4"),  # a lone letter before an item: a section
        ("What does annex I, section II.D (iv) say?", "seed:a1-D-4"),
        ("D节具体目标(二)", "seed:a1-D-target-2"),
        ("引言第2段", "seed:a1-s1-2"),
        ("序言第2段", "seed:pre2"),
        ("表3有哪些会议？", "seed:a2-t3"),
        ("paragraph 5 of decision 16/31", "dec1631:p5"),
        ("CBD/COP/DEC/16/31, para. 5 (b)", "dec1631:p5b"),
        ("决定16/31第5段", "dec1631:p5"),
        ("annex I, paragraph 3", "dec1631:a1-p3"),
        ("What does paragraph 5 of decision 1/CP.21 say?", "report:d1-p5"),
        ("decision 2/CP.21, para. 5 (a) (ii)", "report:d2-p5a-ii"),
        ("Article 4 (9) of the Paris Agreement", "report:d1-a-art4-9"),
        ("Article 4, paragraph 9", "report:d1-a-art4-9"),
        ("the second preambular paragraph", "seed:pre2"),
    ],
)
def test_resolves(question, first):
    found = resolve(question, language="zh" if any("\u4e00" <= c <= "\u9fff" for c in question) else "en")
    assert (found[0] if found else None) == first


def test_a_unit_in_several_documents_prefers_the_previous_turns_then_the_questions_language():
    assert resolve("脚注14", language="zh")[0] == "seed:fn14"
    assert resolve("footnote 14", language="en")[0] == "dec1631:fn14"
    assert resolve("脚注14", previous_doc="dec1631", language="zh") == ["dec1631:fn14"]
    assert set(resolve("footnote 14")) == {"seed:fn14", "dec1631:fn14"}  # no document named: each one that has it


def test_a_named_document_and_a_scope_restrict():
    assert resolve("第5段", language="zh")[0] == "seed:p5"
    assert resolve("CBD/COP/DEC/16/31 第5段", language="zh") == ["dec1631:p5"]
    assert resolve("第5段", scope=["report"]) == ["report:d2-p5", "report:d1-p5"] or \
        set(resolve("第5段", scope=["report"])) == {"report:d1-p5", "report:d2-p5"}


def test_unknown_and_foreign_references_resolve_to_nothing():
    assert resolve("第99段") == []
    assert resolve("脚注88") == []
    assert resolve("第 14/34 号决定第6和第7段") == []  # a decision that is not loaded
    assert resolve("paragraph 5 of decision 9/CP.99") == []
    assert resolve("工作组第二次会议在哪里举行？") == []


def test_followup_moves_along_the_same_list():
    top = PASSAGES[10]  # seed a1-D-4
    assert RESOLVER.followup(normalize("那第5项呢？"), top.id, top) == ["seed:a1-D-5"]
    item = PASSAGES[2]  # seed p7a
    assert RESOLVER.followup(normalize("(b)项呢？"), item.id, item) == ["seed:p7b"]


@pytest.mark.parametrize("question, segments", [
    ("Article 8 (j)", [("article", "8"), ("item", "j")]),
    ("what does paragraph 13 c. request?", [("para", "13"), ("item", "c")]),  # an item lettered "c."
    ("the grants programme in paragraph 5 c)", [("para", "5"), ("item", "c")]),
    ("paragraph 2 of 44 c/resolution 24", [("decision", "24"), ("para", "2")]),  # a record's numbered resolution
    ("附件第1.3段第.3项讲什么？", [("annex", "1"), ("para", "1.3"), ("item", "3")]),  # IMO's ".3"
    ("what does paragraph 4.2 of the annex say?", [("annex", "1"), ("para", "4.2")]),
    ("paragraph 1.5 degrees", [("para", "1")]),
    ("第24号决议第2段", [("decision", "24"), ("para", "2")]),
    ("paragraph 1 (b) of resolution 8/2027", [("decision", "8/2027"), ("para", "1"), ("item", "b")]),
    ("resolution 74/135", []),
    ("in 2024 a. b. c.", []),
    ("paragraph 5 of decision 16/31", [("decision", "16/31"), ("para", "5")]),
    ("《巴黎协定》第二条", [("article", "2")]),
    ("第八条第1款(a)项", [("article", "8"), ("para", "1"), ("item", "a")]),
    ("annex to decision 3/CMA.3, paragraph 12", [("decision", "3/cma.3"), ("annex", "1"), ("para", "12")]),
    ("annex I, section II, D (iv)", [("annex", "1"), ("section", "2"), ("section", "d"), ("item", "iv")]),
    ("annex I, section II.D (iv)", [("annex", "1"), ("section", "2"), ("section", "d"), ("item", "iv")]),
    ("Is there a (i) list?", []),  # the article "a" is no section
])
def test_reads_segments(question, segments):
    assert read_segments(normalize(question)) == segments


@pytest.mark.parametrize("token, value", [("5", 5), ("十", 10), ("十四", 14), ("二十九", 29), ("三", 3), ("一百", 100), ("x", None)])
def test_to_int(token, value):
    assert to_int(token) == value


def test_a_roman_item_finds_the_item_numbered_in_chinese_and_headings_break_ties():
    extra = [p("seed", "a1-E-13", "item", "annex:1", "section:2", "section:E", "item:13"),
             Passage(id="seed:a1-D-l2-4", kind="item", citation="", text="", doc="seed",
                     path=("annex:1", "section:2", "section:D", "list:2", "item:4"),
                     section=("D. 目标", "能够在具体目标中反映的问题："))]
    resolver = Resolver(PASSAGES + extra, DOCUMENTS)
    assert resolver.resolve(normalize("What is item (xiii) of section E of annex I?"))[0] == "seed:a1-E-13"
    assert resolver.resolve(normalize("D节具体目标部分第(四)项"))[0] == "seed:a1-D-l2-4"
    assert resolver.resolve(normalize("附件一第二节D(四)"))[0] == "seed:a1-D-4"


def test_cross_references_name_the_loaded_documents_a_passage_refers_to():
    text = "Recalling decision 1/CP.21 and decision 16/31, and CBD/WG2020/REC/1/1, but not decision 9/CP.9"
    found = dict(RESOLVER.cross_references(text, own_doc="seed"))
    assert found == {"decision 1/cp.21": "report", "decision 16/31": "dec1631"}
    assert dict(RESOLVER.cross_references("见第1/CP.21号决定", own_doc="report")) == {}
    assert dict(RESOLVER.cross_references("See CBD/COP/DEC/16/31.", own_doc="seed")) == {"cbd/cop/dec/16/31": "dec1631"}


def test_an_item_a_paragraph_does_not_have_resolves_to_the_paragraph():
    assert resolve("paragraph 5 (c) of decision 16/31") == ["dec1631:p5"]
    assert resolve("第99段(a)项") == []


def test_a_decision_named_as_the_scope_of_a_longer_question_is_not_its_heading():
    assert resolve("What did decision 1/CP.21 ask the secretariat to prepare for the next session?") == []
    assert RESOLVER.named_containers(normalize("What did decision 1/CP.21 ask the secretariat to prepare?")) == \
        [("decision", "1/cp.21")]
    assert resolve("decision 1/CP.21") == ["report:d1"]  # the decision as a whole: its heading


def test_a_follow_up_naming_an_item_or_paragraph_stays_beside_the_previous_answer():
    by_id = {x.id: x for x in PASSAGES}

    def followup(question, previous_id):
        return RESOLVER.followup(normalize(question), previous_id, by_id[previous_id])

    assert followup("(b)项呢？", "seed:p7a") == ["seed:p7b"]
    assert followup("What does (b) say?", "seed:p7a") == ["seed:p7b"]  # a bare item, read as one after a unit
    assert followup("and paragraph 5?", "report:d2-p5a-ii") == ["report:d2-p5"]  # that decision's, not 1/CP.21's
    assert followup("And in decision 2/CP.21?", "report:d1-p5") == ["report:d2-p5"]  # the same unit, another decision
    assert followup("那(a)项呢？", "seed:p7") == ["seed:p7a"]  # an item of the paragraph the previous turn quoted
    assert followup("And in decision 1/CP.21?", "report:d2-p5a-ii") == []  # it has no paragraph 5 (a) (ii)


def test_a_question_naming_only_an_item_leans_on_the_previous_turn():
    from bot.retrieve import is_followup

    assert is_followup("(c)项邀请的又是谁？") and is_followup("What does (b) say?")
    assert not is_followup("第7段(c)项邀请的是谁？") and not is_followup("What does paragraph 7 (b) say?")


def test_a_question_about_a_person_named_before_leans_on_the_previous_turn():
    from bot.retrieve import is_followup

    assert is_followup("Which country is he from?") and is_followup("她代表哪个国家？") and is_followup("他来自哪里？")
    assert not is_followup("Which countries hosted the meeting?") and not is_followup("向他国提供了多少援助？")


@pytest.mark.parametrize("question", ["第2段讲什么？", "what does annex i say?", "脚注14说什么？", "what is paragraph 10 about"])
def test_a_question_asking_only_for_a_unit_says_nothing_beyond_it(question):
    assert beyond_references(question) == ""


def test_what_a_question_says_beyond_the_units_it_names():
    assert "focal" in beyond_references("what does paragraph 2 say about focal points?")
    assert "编写" in beyond_references("附件一这份说明是为了什么目的编写的？")


@pytest.mark.parametrize("question, topic", [
    ("预计《巴黎协定》第六条第4款机制在2025年会出现多少资金缺口？", True),
    ("under the article 6.4 crediting mechanism, what share goes to the adaptation fund?", True),
    ("第8(j)条问题工作组的工作", True),
    ("第7段(a)项讲什么？", False),
    ("第5段", False),
    ("what does paragraph 5 (b) say?", False),
    ("article 4 (9) of the paris agreement", False),
    ("《巴黎协定》第二十八条第1款规定了什么?", False),
    ("what is paragraph 10 about", False),
    ("报告第8段(a)项建议什么？", False),  # a verb and what it asks for
    ("第8段(a)项邀请了谁？", False),
    ("《巴黎协定》第六条第4款机制是什么？", True),
])
def test_a_unit_can_be_named_as_part_of_a_name(question, topic):
    assert names_unit_as_topic(question) is topic


def test_a_unit_of_the_body_is_named_before_the_same_numbers_in_its_annex():
    passages = [p("d", "p2a", "item", "para:2", "item:a"), p("d", "a1-p2a", "item", "annex:1", "para:2", "item:a"),
                p("e", "a1-p2a", "item", "annex:1", "para:2", "item:a")]
    resolver = Resolver(passages, [doc("d", "CBD/COP/DEC/17/12", "山地", "zh"), doc("e", "X/1", "Other", "zh")])
    assert resolver.resolve(normalize("CBD/COP/DEC/17/12 第2段(a)项")) == ["d:p2a"]
    assert resolver.resolve(normalize("第2段(a)项")) == ["d:p2a", "e:a1-p2a"]  # each document's own best
    assert resolver.resolve(normalize("附件第2段(a)项")) == ["d:a1-p2a", "e:a1-p2a"]
    introduction = Passage(id="d:a1-s1-2", kind="paragraph", citation="附件 第一节 第2段", text="2. 本说明…", doc="d",
                           path=("annex:1", "section:1", "para:2"), section=("附件", "一. 引言"))
    titled = Resolver([p("d", "p2", "paragraph", "para:2"), introduction], [doc("d", "CBD/COP/DEC/17/12", "山地", "zh")])
    assert titled.resolve(normalize("引言第2段")) == ["d:p2", "d:a1-s1-2"]  # under the heading it names: kept


def test_a_resolution_numbered_like_a_decision_is_not_that_decision():
    passages = [p("thanks", "r1-p1", "paragraph", "resolution:1/CMA.5", "para:1"),
                p("report", "d1-p1", "paragraph", "decision:1/CMA.5", "para:1"),
                p("record", "r24-p2", "paragraph", "resolution:24", "para:2")]
    resolver = Resolver(passages, [doc("thanks", "X/1", "Gratitude", "en"), doc("report", "X/2", "Outcome", "en"),
                                   doc("record", "", "Records", "en")])
    assert resolver.resolve(normalize("paragraph 1 of decision 1/CMA.5")) == ["report:d1-p1"]
    assert resolver.decision_docs[("decision", "1/cma.5")] == "report"
    assert resolver.resolve(normalize("paragraph 2 of resolution 24")) == ["record:r24-p2"]


def test_a_table_named_with_what_is_asked_of_it_is_a_scope_not_the_answer():
    assert RESOLVER.resolve(normalize("附件二表3列了什么？")) == ["seed:a2-t3"]
    assert RESOLVER.resolve(normalize("附件二表3中，2029年全球机制的预算是多少？")) == []  # its rows are searched


def test_a_paragraph_named_with_its_section_is_found_where_the_annex_numbers_through_its_sections():
    def under(local, kind, section, *path, text=""):
        return Passage(id=f"d:{local}", kind=kind, citation=local, text=text or local, doc="d", path=path,
                       section=("Annex Terms of reference", *section))
    passages = [under("a", "heading", (), "annex:1", text="Annex Terms of reference"),
                under("a-A", "heading", ("A. Mandate",), "annex:1", "section:A", text="A. Mandate"),
                under("a-p1", "paragraph", ("A. Mandate",), "annex:1", "para:1"),
                under("a-p1c", "item", ("A. Mandate",), "annex:1", "para:1", "item:c"),
                under("a-B", "heading", ("B. Composition",), "annex:1", "section:B", text="B. Composition"),
                under("a-p2", "paragraph", ("B. Composition",), "annex:1", "para:2")]
    resolver = Resolver(passages, [doc("d", "CBD/CP/MOP/DEC/11/5", "Risk assessment", "en")])
    assert resolver.resolve(normalize("附件A节第1段(c)项讲什么？")) == ["d:a-p1c"]
    assert resolver.resolve(normalize("What does paragraph 2 of section B of the annex say?")) == ["d:a-p2"]
    assert resolver.resolve(normalize("What does paragraph 2 of section A of the annex say?")) == []  # it is in B


def test_a_document_named_by_its_number_or_in_one_language_is_named_in_both():
    documents = [doc("c192", "", "C192 - Decent Work in the Platform Economy Convention, 2026 (No. 192)", "en"),
                 doc("ra-en", "CBD/CP/MOP/DEC/11/5", "Risk assessment and risk management", "en"),
                 doc("ra-zh", "CBD/CP/MOP/DEC/11/5", "风险评估和风险管理", "zh"),
                 doc("other", "A/RES/80/1", "Oceans and the law of the sea", "en")]
    resolver = Resolver([p("c192", "art16", "article", "article:16")], documents)
    assert resolver.named_documents(normalize("Under Convention No. 192, when is it reviewed?")) == {"c192"}
    assert resolver.named_documents(normalize("第192号公约何时审查？")) == {"c192"}
    assert resolver.named_documents(normalize("In the decision on risk assessment, by when?")) == {"ra-en", "ra-zh"}
    assert resolver.named_documents(normalize("What does the oceans resolution say?")) == {"other"}


def test_an_article_given_only_its_number_and_title_is_read_through_its_paragraphs():
    passages = [p("c", "art7", "article", "article:7", text="Article 7 Settlement of disputes"),
                p("c", "art7-1", "paragraph", "article:7", "para:1", text="1. Any dispute shall be settled by negotiation."),
                p("c", "art8", "article", "article:8", text="Article 8 Entry into force This Convention shall enter into force.")]
    resolver = Resolver(passages, [doc("c", "", "Convention", "en")])
    assert resolver.with_contents(resolver.resolve(normalize("What does Article 7 say?"))) == ["c:art7-1", "c:art7"]
    assert resolver.with_contents(resolver.resolve(normalize("What does Article 8 say?"))) == ["c:art8"]


def test_follow_ups_name_units_inside_the_previous_one_or_beside_it():
    passages = [p("t", "art8", "article", "article:8", text="第八条 机构"), p("t", "art8-1", "paragraph", "article:8", "para:1"),
                p("t", "art8-2", "paragraph", "article:8", "para:2"), p("t", "art8-2-2", "item", "article:8", "para:2", "item:2"),
                p("t", "art8-2-3", "item", "article:8", "para:2", "item:3"),
                p("r", "p4a", "item", "para:4", "item:a"), p("r", "p4a-ii", "item", "para:4", "item:a", "subitem:ii")]
    resolver = Resolver(passages, [doc("t", "UNEP/EAAF/2027/3", "湿地协定", "zh"), doc("r", "A/RES/80/12", "Resolution", "en")])
    by_id = {x.id: x for x in passages}
    follow = lambda question, previous: resolver.followup(normalize(question), previous, by_id[previous])  # noqa: E731
    assert follow("第2款(二)项呢？", "t:art8-1") == ["t:art8-2-2"]  # beside the paragraph named before
    assert follow("第2款(二)项呢？", "t:art8") == ["t:art8-2-2"]  # inside the article named before
    assert follow("And (ii)?", "r:p4a") == ["r:p4a-ii"]  # a sub-item of the item named before
    assert resolver.resolve(normalize("Article 8 (2) (c) of UNEP/EAAF/2027/3")) == ["t:art8-2-3"]  # (c) for (三)


def test_a_table_row_is_named_by_its_number():
    rows = [p("d", "a2-t1", "heading", "annex:2", "table:1", text="表1：会议"),
            *[p("d", f"a2-t1-{n}", "table_row", "annex:2", "table:1", f"row:{n}") for n in (1, 2, 3)]]
    resolver = Resolver(rows, [doc("d", "CBD/WG2020/REC/1/1", "框架", "zh")])
    assert resolver.resolve(normalize("附件二表1第3行是什么？")) == ["d:a2-t1-3"]
    assert resolver.resolve(normalize("What is in row 2 of table 1 of annex II?")) == ["d:a2-t1-2"]
    assert read_segments(normalize("第29行")) == []  # a line of text, not a row
    assert resolver.resolve(normalize("附件二表第2行是什么？")) == ["d:a2-t1-2"]  # the annex's only table
    by_id = {x.id: x for x in rows}
    assert resolver.followup(normalize("那第1行呢？"), "d:a2-t1-3", by_id["d:a2-t1-3"]) == ["d:a2-t1-1"]


def test_a_named_section_is_first_the_one_directly_under_what_the_question_names():
    passages = [p("n", "a1-s3-G", "heading", "annex:1", "section:III", "section:G", text="G. Other information"),
                p("m", "a1-G", "heading", "annex:1", "section:G", text="G. Finance"),
                p("z", "a1-G", "heading", "annex:1", "section:G", text="G. 资金")]
    resolver = Resolver(passages, [doc("n", "X/1", "Nested", "en"), doc("m", "X/2", "Direct", "en"),
                                   doc("z", "X/3", "中文", "zh")])
    assert resolver.resolve(normalize("What is section G of annex I about?"), language="en") == ["m:a1-G", "n:a1-s3-G", "z:a1-G"]
    assert resolver.resolve(normalize("附件一G节讲什么？"), language="zh")[0] == "z:a1-G"  # the question's language first
    assert resolver.resolve(normalize("section G of annex I"))[0] == "m:a1-G"


def test_a_resolution_is_named_by_its_number():
    passages = [p("r", "a1-3", "paragraph", "annex:1", "para:3"), p("d", "a1-3", "paragraph", "annex:1", "para:3")]
    resolver = Resolver(passages, [doc("r", "A/RES/79/321", "Drought", "en"), doc("d", "CBD/COP/DEC/17/5", "物种", "zh")])
    assert resolver.resolve(normalize("What does paragraph 3 of the annex to resolution 79/321 say?")) == ["r:a1-3"]
    assert resolver.resolve(normalize("第79/321号决议附件第3段讲什么？")) == ["r:a1-3"]
    assert resolver.resolve(normalize("附件第3段讲什么？")) == ["r:a1-3", "d:a1-3"]


def test_a_text_with_no_un_symbol_is_named_by_its_own_number():
    passages = [p("w", "p5", "paragraph", "para:5"), p("c", "p5", "paragraph", "para:5")]
    resolver = Resolver(passages, [doc("w", "Resolution XV.7", "Peatlands", "en"), doc("c", "CBD/COP/DEC/17/5", "物种", "zh")])
    assert resolver.resolve(normalize("What does paragraph 5 of Resolution XV.7 say?")) == ["w:p5"]
    assert resolver.resolve(normalize("决议XV.7第5段说什么？")) == ["w:p5"]


def test_a_decision_of_any_body_is_named_by_its_number():
    passages = [p("r", "d2-p3", "paragraph", "decision:2/EA.8", "para:3"), p("r", "d1-p3", "paragraph", "decision:1/EA.8", "para:3"),
                p("m", "d-p8a", "item", "decision:MC-6/7", "para:8", "item:a"),
                p("i", "d-p6b", "item", "decision:IPBES-11/1", "para:6", "item:b"),
                p("i", "d2-p6b", "item", "decision:IPBES-11/2", "para:6", "item:b")]
    resolver = Resolver(passages, [doc("r", "UNEP/EA.8/3", "Decisions", "en"), doc("m", "UNEP/MC/COP.6/Dec.7", "Budget", "en"),
                                   doc("i", "IPBES/11/12", "Report", "en")])
    assert resolver.resolve(normalize("What does paragraph 3 of decision 2/EA.8 say?")) == ["r:d2-p3"]
    assert resolver.resolve(normalize("第1/EA.8号决定第3段讲什么？")) == ["r:d1-p3"]
    assert resolver.resolve(normalize("What does paragraph 8 (a) of decision MC-6/7 say?")) == ["m:d-p8a"]
    assert resolver.resolve(normalize("What does paragraph 6 (b) of decision IPBES-11/1 say?")) == ["i:d-p6b"]


def test_a_section_or_chapter_asked_for_is_read_through_its_first_passages():
    def q(pid, kind, section, *path):
        return Passage(id=f"t:{pid}", kind=kind, citation=pid, text=pid, doc="t", path=path, section=section)
    passages = [q("s1", "heading", ("第一章 总则",), "section:1"),
                q("art1", "article", ("第一章 总则", "第一条 目的"), "article:1"),
                q("fn1", "footnote", ("第一章 总则", "第一条 目的"), "footnote:1"),
                q("art2", "article", ("第一章 总则", "第二条 用语"), "article:2"),
                q("s2", "heading", ("第二章 预防",), "section:2"),
                q("art5", "article", ("第二章 预防", "第五条 措施"), "article:5"),
                q("sII-B", "heading", ("II. Programme", "B. Evaluation"), "section:II", "section:B"),
                q("p9", "paragraph", ("II. Programme", "B. Evaluation"), "para:9")]
    resolver = Resolver(passages, [doc("t", "X/2", "协定", "zh")])
    assert resolver.with_contents(resolver.resolve(normalize("第一章讲什么？"))) == ["t:s1", "t:art1", "t:art2"]
    assert resolver.with_contents(resolver.resolve(normalize("What does section II.B say?"))) == ["t:sII-B", "t:p9"]
    several = Resolver(passages + [Passage(id="u:sII-B", kind="heading", citation="B", text="B. Other", doc="u",
                                           path=("section:II", "section:B"), section=("II. X", "B. Other"))],
                       [doc("t", "X/2", "协定", "zh"), doc("u", "X/3", "Other", "en")])
    assert several.with_contents(several.resolve(normalize("What does section II.B say?"))) == ["t:sII-B", "u:sII-B"]


def test_a_document_named_by_what_it_is_is_part_of_the_reference():
    from bot.references import asks_only_for_units
    assert asks_only_for_units(normalize("What does Article 5 of the grassland fire agreement say?"))
    assert asks_only_for_units(normalize("《关于跨界草原火灾联合防控的协定》第五条讲什么？"))
    assert not asks_only_for_units(normalize("What does Article 5 of the grassland fire agreement say about firebreaks "
                                             "along the border?"))


def test_an_item_written_in_chinese_after_an_article_stays_an_item():
    assert read_segments(normalize("第二条（一）项的脚注怎么说？")) == [("article", "2"), ("item", "1")]
    assert read_segments(normalize("第二条(一)讲什么？")) == [("article", "2"), ("item", "1")]
    assert read_segments(normalize("Article 4 (9) of the Paris Agreement")) == [("article", "4"), ("para", "9")]


def test_a_chapter_asked_for_is_a_chapter_not_another_document_s_section_of_that_number():
    def heading(doc_id, local, text, section):
        return Passage(id=f"{doc_id}:{local}", kind="heading", citation=local, text=text, doc=doc_id,
                       path=("section:3",), section=(section,))

    resolver = Resolver([heading("w", "s3", "第三章 活动时间表", "第三章 活动时间表"),
                         heading("m", "s3", "三、优先行动领域", "三、优先行动领域")],
                        [doc("w", "ESCAP/CDR/2025/4", "工作方案", "zh"), doc("m", "MPC/COP/DEC/5/8", "决定", "zh")])
    assert resolver.resolve(normalize("第三章讲什么？")) == ["w:s3"]
    assert resolver.resolve(normalize("第三节讲什么？")) == ["w:s3", "m:s3"]  # a section: any document's


def test_a_named_container_s_contents_are_its_paragraphs_items_or_section_passages():
    passages = [p("c", "art5", "article", "article:5", text="第五条 预防措施"),
                p("c", "art5-1", "paragraph", "article:5", "para:1", text="1. 各缔约方应当采取下列措施："),
                p("c", "art5-1-2", "item", "article:5", "para:1", "item:2", text="（二）开设宽度不少于五十米的防火隔离带；"),
                p("c", "art5-2", "paragraph", "article:5", "para:2", text="2. 缔约方应当每年组织宣传。"),
                Passage(id="c:s3", kind="heading", citation="第三节", text="三、优先行动领域", doc="c",
                        path=("section:3",), section=("三、优先行动领域",)),
                Passage(id="c:p5", kind="paragraph", citation="第5段", text="5. 缔约方可采取优先行动。", doc="c",
                        path=("section:3", "para:5"), section=("三、优先行动领域",))]
    resolver = Resolver(passages, [doc("c", "", "协定", "zh")])
    assert resolver.contents_of("c:art5") == ["c:art5-1", "c:art5-1-2", "c:art5-2"]
    assert resolver.contents_of("c:s3") == ["c:p5"]
    assert resolver.contents_of("c:art5-1") == []  # a paragraph with its own words is no container


def test_a_follow_up_naming_a_section_moves_to_the_next_section_of_the_same_chapter():
    passages = [p("w", "s2", "heading", "section:2", text="第二章 优先领域"),
                p("w", "s2-s2", "heading", "section:2", "section:2", text="第二节 干旱风险管理"),
                p("w", "s2-s3", "heading", "section:2", "section:3", text="第三节 灾害统计"),
                p("w", "s3", "heading", "section:3", text="第三章 活动时间表")]
    resolver = Resolver(passages, [doc("w", "ESCAP/CDR/2025/4", "工作方案", "zh")])
    by_id = {x.id: x for x in passages}
    assert resolver.followup(normalize("那第三节呢？"), "w:s2-s2", by_id["w:s2-s2"]) == ["w:s2-s3"]
    assert resolver.followup(normalize("那第三章呢？"), "w:s2-s2", by_id["w:s2-s2"]) == []  # resolved as asked


def test_a_chapter_or_annex_of_a_named_document_resolves_whatever_the_name_s_length():
    passages = [Passage(id="w:s4", kind="heading", citation="chapter IV", text="Chapter IV. Resources", doc="w",
                        path=("section:4",), section=("Chapter IV. Resources",)),
                Passage(id="w:s2-B", kind="heading", citation="chapter II, section B", text="B. Principles", doc="w",
                        path=("section:2", "section:b"), section=("Chapter II. Objectives", "B. Principles")),
                p("r", "a1", "heading", "annex:1", text="Annex Work plan")]
    resolver = Resolver(passages, [doc("w", "FCCC/SB/2025/INF.4", "Workplan", "en"),
                                   doc("r", "A/RES/80/198", "Early warnings for all", "en")])
    assert resolver.resolve(normalize("What does chapter IV of FCCC/SB/2025/INF.4 say?")) == ["w:s4"]
    assert resolver.resolve(normalize("What does chapter II, section B of FCCC/SB/2025/INF.4 say?")) == ["w:s2-B"]
    assert resolver.resolve(normalize("What does the annex of resolution 80/198 say?")) == ["r:a1"]
    assert resolver.resolve(normalize("What does chapter IV of FCCC/SB/2025/INF.4 ask Parties to fund?")) == []  # a scope


def test_a_follow_up_may_name_the_unit_the_previous_answer_began_with():
    passages = [p("t", "art11", "article", "article:11", text="第十一条 签署"),
                p("t", "art11-1", "paragraph", "article:11", "para:1"), p("t", "art11-2", "paragraph", "article:11", "para:2"),
                p("t", "art3-1", "paragraph", "article:3", "para:1")]
    resolver = Resolver(passages, [doc("t", "", "议定书", "zh")])
    by_id = {x.id: x for x in passages}
    assert resolver.followup(normalize("第1款呢？"), "t:art11-1", by_id["t:art11-1"]) == ["t:art11-1"]


def test_a_chinese_question_about_a_container_that_asks_more_is_a_scope_not_the_heading():
    passages = [p("r", "d3/5", "heading", "decision:3/5", text="Decision 3/5. Programme of work and budget"),
                p("r", "d3/5-p2", "paragraph", "decision:3/5", "para:2"),
                Passage(id="m:a1-s3", kind="heading", citation="附件 第三节", text="三、优先行动领域", doc="m",
                        path=("annex:1", "section:3"), section=("附件", "三、优先行动领域")),
                p("t", "c1", "heading", "section:1", text="第一章 总则")]
    resolver = Resolver(passages, [doc("r", "RCFC/COP/3/12", "Report", "en"), doc("m", "MPC/COP/DEC/5/8", "决定", "zh"),
                                   doc("t", "", "协定", "zh")])
    assert resolver.resolve(normalize("第3/5号决定规定周转准备金应保持在多少？")) == []  # asks more than the decision
    assert resolver.resolve(normalize("附件第三节列出了哪些优先行动领域？")) == ["m:a1-s3"]  # its own title repeated
    assert resolver.resolve(normalize("协定第一章总则包括哪些内容？")) == ["t:c1"]


def test_a_file_name_names_its_document_when_it_reads_as_a_name():
    documents = [doc("跨界含水层议定书", None, "关于跨界含水层保护与合理利用的区域议定书", "zh"),
                 doc("wildfire_protocol", None, "Protocol on Cooperation against Wildfires", "en"),
                 doc("en-decisions", None, "Decisions", "en"), doc("sb2024-inf3", "FCCC/SB/2024/INF.3", "Note", "en")]
    resolver = Resolver([], documents)
    assert resolver.named_documents(normalize("跨界含水层议定书何时生效？")) == {"跨界含水层议定书"}
    assert resolver.named_documents(normalize("Who ratified the Wildfire Protocol?")) == {"wildfire_protocol"}
    assert resolver.named_documents(normalize("Which were taken decisions?")) == set()  # "en decisions" is no name
    assert resolver.named_documents(normalize("What does sb2024 inf3 say?")) == set()


def test_a_question_asking_which_units_a_named_unit_holds_asks_for_its_parts():
    from bot.references import asks_for_parts

    assert asks_for_parts(normalize("第三章包括哪些条款？")) and asks_for_parts(normalize("附件一第二节有哪几节？"))
    assert asks_for_parts(normalize("Which articles are in chapter III?"))
    assert not asks_for_parts(normalize("第三章规定了什么？")) and not asks_for_parts(normalize("哪些条款规定了争端解决？"))
    assert resolve("Which sections are in section H of annex I of the seed?") == ["seed:a1-H"]  # not a scope


def test_of_reads_from_the_inside_out():
    assert read_segments(normalize("What about sub-item (iii) of item (b)?"), follows_unit=True) == [("item", "b"),
                                                                                                   ("item", "iii")]
    assert read_segments(normalize("item (iii) of paragraph 2 (b)")) == [("para", "2"), ("item", "b"), ("item", "iii")]
    assert resolve("What does item (ii) of item (a) of paragraph 5 of decision 2/CP.21 say?") == ["report:d2-p5a-ii"]
    assert read_segments(normalize("paragraph 2 (b) (iii)")) == [("para", "2"), ("item", "b"), ("item", "iii")]


def test_a_draft_decision_named_on_its_cover_names_its_document():
    documents = [doc("draft", "FCCC/CP/2026/L.7", "公正转型工作方案", "zh"), doc("hrc", "A/HRC/59/2", "报告", "zh")]
    passages = [p("draft", "header", "header", "header", text="FCCC/CP/2026/L.7 议程项目6 第-/CP.31号决定草案 主席提出的提案"),
                p("draft", "a1-s3", "heading", "annex:1", "section:3", text="三、报告"),
                p("hrc", "s3", "heading", "section:3", text="三、报告")]
    resolver = Resolver(passages, documents)
    assert resolver.resolve(normalize("第-/CP.31号决定附件第三节讲什么？")) == ["draft:a1-s3"]
    assert resolver.named_documents(normalize("What does draft decision -/CP.31 say about reports?")) == {"draft"}


def test_a_treaty_s_part_is_named_as_a_division():
    assert read_segments(normalize("Which articles are in Part II of the Agreement?")) == [("section", "2")]
    assert read_segments(normalize("第二部分包括哪些条款？")) == [("section", "2")]
    assert read_segments(normalize("Part two: Action taken by the Conference")) == []


def test_a_convention_s_own_resolution_number_names_it_as_written_in_either_language():
    passages = [p("c", "s3", "heading", "section:3"), p("e", "s3", "heading", "section:3"),
                p("c", "p7", "paragraph", "para:7"), p("e", "p7", "paragraph", "para:7")]
    resolver = Resolver(passages, [doc("c", "第Conf. 20.9号决议", "花梨木类树种标本贸易的管理", "zh"),
                                   doc("e", "E/RES/2026/15", "统计", "zh")])
    assert resolver.resolve(normalize("第Conf. 20.9号决议第三节讲的是什么？")) == ["c:s3"]
    assert resolver.resolve(normalize("What does paragraph 7 of Resolution Conf.20.9 say?")) == ["c:p7"]


def test_a_document_is_named_by_a_word_of_its_title_no_other_title_has_before_what_it_is():
    passages = [p(d, "p7", "paragraph", "para:7") for d in ("c", "e", "h", "s")]
    resolver = Resolver(passages, [doc("c", "第Conf. 20.9号决议", "花梨木类树种标本贸易的管理", "zh"),
                                   doc("e", "E/RES/2026/15", "加强国家统计能力", "zh"),
                                   doc("h", "A/HRC/RES/60/14", "Human rights and extreme heat", "en"),
                                   doc("s", "ECA/SDR/IGM/2025/4", "Regional Agreement on extreme heat in the Sahel", "en")])
    assert resolver.resolve(normalize("花梨木决议第7段规定了什么？")) == ["c:p7"]
    assert resolver.named_documents(normalize("How does the Sahel regional agreement define a heat event?")) == {"s"}
    assert resolver.named_documents(normalize("What does the heat resolution say?")) == set()  # two titles have "heat"
    assert resolver.named_documents(normalize("本决议第7段规定了什么？")) == set()  # by its kind alone
