"""Which passages an answer quotes."""
from types import SimpleNamespace

import numpy as np

from bot.answer import best_sentence, compose
from bot.records import Hit, Passage


def sentence_index(cells: list[str], vectors: np.ndarray) -> SimpleNamespace:
    """The part of an index best_sentence reads: one passage (row 0) whose sentences are `cells`."""
    return SimpleNamespace(sentences_of=lambda row: list(range(len(cells))),
                           sentences=[SimpleNamespace(text=c) for c in cells], sentence_vectors=vectors)


def test_a_named_unit_is_quoted_without_the_passages_search_found_beside_it():
    def at(pid: str, score: float, exact: bool) -> Hit:
        return Hit(Passage(id=pid, kind="paragraph", citation=pid, text=f"{pid} 的短文本"), score, 0.9, 20.0, exact)

    def quoted(*hits: Hit) -> list[str]:
        return [q.passage_id for q in compose("问题", list(hits), None, None, None).quotes]

    assert quoted(at("dec:p3", 0.01, True), at("seed:pre3", 0.05, False)) == ["dec:p3"]
    assert quoted(at("seed:fn14", 0.01, True), at("dec:fn14", 0.01, True)) == ["seed:fn14", "dec:fn14"]
    assert quoted(at("p1", 6.0, False), at("p2", 5.8, False)) == ["p1", "p2"]  # nearly as strong: both
    assert quoted(at("p1", 6.0, False), at("p2", 5.0, False)) == ["p1"]
    article = [at(f"art7-{n}", 1.0, True) for n in (1, 2, 3)] + [at("art7", 1.0, True), at("art8", 5.0, False)]
    assert quoted(*article) == ["art7-1", "art7-2", "art7-3", "art7"]  # an article named: all its paragraphs


def test_a_table_row_is_not_quoted_by_the_name_its_citation_already_gives():
    cells = ["执行问题附属机构第三次会议（SBI-3）", "SBI将审议一个专家组的工作结果，以编制与资源调动部分有关的若干问题的报告。" * 6]
    passage = Passage(id="d:a2-t1-8", kind="table_row", citation="附件二 表1：执行问题附属机构第三次会议（SBI-3）",
                      text=" | ".join(cells))
    index = sentence_index(cells, np.array([[1.0, 0.0], [0.6, 0.8]]))
    question = np.array([1.0, 0.0])  # nearest the name cell
    assert best_sentence(index, Hit(passage, 5.0), 0, question) == cells[1]
    passage = Passage(id="d:p1", kind="paragraph", citation="第1段", text=passage.text)
    assert best_sentence(index, Hit(passage, 5.0), 0, question) == cells[0]  # the nearest, when no label says it


def test_a_when_question_quotes_the_date_cell_of_a_long_table_row():
    cells = ["2019 年 11 月 20 日至 22 日，加拿大蒙特利尔", "第十一次会议", "向工作组第二次会议提出关于 2020 年后框架的建议" * 6]
    passage = Passage(id="d:a2-t1-3", kind="table_row", citation="附件二 表1：第十一次会议", text=" | ".join(cells))
    index = sentence_index(cells, np.array([[0.0, 1.0], [1.0, 0.0], [0.8, 0.6]]))
    nearest_the_proposal = np.array([1.0, 0.0])
    quote = lambda question: best_sentence(index, Hit(passage, 5.0), 0, nearest_the_proposal, question)  # noqa: E731
    assert quote("工作组什么时候开会？") == cells[0]  # a day, before a cell that only names a year
    assert quote("When does it meet?") == cells[0]
    assert quote("工作组提出什么建议？") == cells[2]  # no kind asked: the nearest, never the name the label gives


def test_a_table_asked_for_is_answered_with_its_caption_and_the_names_of_its_rows(fake_bot):
    from bot import web

    answer = fake_bot.ask("附件二表1列了哪些会议？")
    assert answer.hits[0].passage.id.endswith(":a2-t1")
    rows = answer.text.split("\n")[-1]
    assert rows.startswith("表中各行：") and "工作组第二次会议" in rows and "卡塔赫纳生物安全议定书联络小组" in rows
    assert "工作组第二次会议" in "".join(web._reply_pieces(answer, fake_bot)).replace("\\", "")  # the chat shows them
    assert fake_bot.ask("What meetings are listed in annex II, table 1?").text.split("\n")[-1].startswith("Its rows: ")
    assert "表中各行" not in fake_bot.ask("第7段(a)项").text  # a paragraph has no rows


def test_a_unit_asked_for_by_name_is_quoted_from_its_beginning_and_a_named_column_by_its_cell(fake_bot):
    footnote = fake_bot.by_id[seed_id(fake_bot, "fn1")]
    assert fake_bot.ask("脚注1说了什么？").quotes[0].sentence == footnote.text  # whole, not its second sentence
    answer = fake_bot.ask("SBSTTA-24的任务授权是哪项决定？")
    row = answer.hits[0].passage
    assert row.kind == "table_row" and answer.quotes[0].sentence == dict(row.columns)["任务授权"]


def seed_id(bot, local: str) -> str:
    return next(p.id for p in bot.passages if p.id.endswith(":" + local))


def test_a_named_column_holding_the_row_s_own_name_is_not_quoted():
    cells = ["2020年5月18日至23日，加拿大蒙特利尔", "科学、技术和工艺咨询附属机构第二十四次会议", "SBSTTA将审议工作组各次会议所提任何要求。" * 9]
    passage = Passage(id="d:a2-t1-7", kind="table_row", citation="附件二 表1：科学、技术和工艺咨询附属机构第二十四次会议",
                      text=" | ".join(cells), columns=(("日期和地点", cells[0]), ("会议", cells[1]), ("作用", cells[2])))
    index = sentence_index(cells, np.eye(3))
    quote = best_sentence(index, Hit(passage, 5.0), 0, np.array([0.0, 0.0, 1.0]), "这次会议由谁主持？")
    assert quote == cells[2]  # "会议" names the column of the row's own name, which the citation already gives
    assert best_sentence(index, Hit(passage, 5.0), 0, np.array([0.0, 0.0, 1.0]), "它的日期和地点？") == cells[0]


def test_a_table_row_is_shown_with_its_column_names_and_a_named_column_quoted_by_its_cell():
    from bot.answer import shown_quote

    cells = ["巴基斯坦", "18.3", "11.6"]
    passage = Passage(id="d:t1-3", kind="table_row", citation="表1：巴基斯坦", text=" | ".join(cells),
                      columns=(("国家", cells[0]), ("监测网络", cells[1]), ("预警系统（百万美元）", cells[2])))
    index = sentence_index(cells, np.eye(3))
    quote = best_sentence(index, Hit(passage, 5.0), 0, np.array([1.0, 0.0, 0.0]), "巴基斯坦的预警系统资金需求是多少？")
    assert quote == "11.6"  # the column named without its unit, although the row is short enough to quote whole
    assert shown_quote(passage, quote) == "预警系统（百万美元）：11.6"
    assert shown_quote(passage, passage.text) == "国家：巴基斯坦；监测网络：18.3；预警系统（百万美元）：11.6"
    paragraph = Passage(id="d:p1", kind="paragraph", citation="第1段", text="1. 欢迎报告。")
    assert shown_quote(paragraph, paragraph.text) == paragraph.text
    same = ["Expert Group", "85,000", "85,000", "170,000"]  # two years, one amount
    row = Passage(id="d:t2-1", kind="table_row", citation="table 2: Expert Group", text=" | ".join(same),
                  columns=tuple(zip(("Item", "2026", "2027", "Total"), same)))
    assert shown_quote(row, row.text) == "Item: Expert Group; 2026: 85,000; 2027: 85,000; Total: 170,000"
    assert shown_quote(row, "85,000") == "2026, 2027: 85,000"


def test_a_unit_asked_for_that_leads_in_to_its_items_is_quoted_with_them(fake_bot):
    paragraph = fake_bot.by_id[seed_id(fake_bot, "p7")]
    item = fake_bot.by_id[seed_id(fake_bot, "p7a")]
    assert paragraph.text.endswith("：")
    quote = fake_bot.ask("第7段讲什么？").quotes[0].sentence
    assert quote.startswith(paragraph.text + item.text) and len(quote) <= 1500 + len("…") + 1
    assert fake_bot.ask("第7段(a)项讲什么？").quotes[0].sentence == item.text  # an item alone stays alone


def test_a_lead_in_is_quoted_with_its_items_past_a_footnote_printed_between_them():
    from types import SimpleNamespace

    from bot.answer import _with_items

    def unit(local, kind, text, *path):
        return Passage(id=f"d:{local}", kind=kind, citation=local, text=text, doc="d", path=path)

    passages = [unit("p2", "paragraph", "2. 请缔约方：", "para:2"), unit("p2a", "item", "(a) 提交意见；", "para:2", "item:a"),
                unit("fn2", "footnote", "见第1号文件。", "footnote:2"), unit("p2b", "item", "(b) 报告进展。", "para:2", "item:b"),
                unit("p3", "paragraph", "3. 决定继续审议。", "para:3")]
    assert _with_items(SimpleNamespace(passages=passages), passages[0], 0) == "2. 请缔约方：(a) 提交意见；(b) 报告进展。"

    table = [unit("p9", "paragraph", "9. 下表列出主要活动：", "para:9"), unit("t1", "heading", "活动 时间", "table:1"),
             Passage(id="d:t1-1", kind="table_row", citation="表1：论坛", text="论坛 | 2026年3月", doc="d",
                     path=("table:1", "row:1"), columns=(("活动", "论坛"), ("时间", "2026年3月"))),
             unit("p10", "paragraph", "10. 资源估计为240万美元。", "para:10")]
    assert _with_items(SimpleNamespace(passages=table), table[0], 0) == "9. 下表列出主要活动：[活动：论坛；时间：2026年3月]"


def test_of_several_columns_a_question_names_the_longest_name_is_quoted():
    cells = ["Core budget", "35 936 200", "36 368 800", "72 305 000"]
    passage = Passage(id="d:t2-1", kind="table_row", citation="table 2, Core budget", text=" | ".join(cells),
                      columns=(("Item", cells[0]), ("2028", cells[1]), ("2029", cells[2]), ("Total", cells[3])))
    index = sentence_index(cells, np.eye(4))
    question = "What is the total core budget for the biennium 2028-2029?"
    assert best_sentence(index, Hit(passage, 5.0), 0, np.array([1.0, 0, 0, 0]), question) == "72 305 000"
    both_years = "2028—2029两年期核心预算总额是多少？"  # two columns named alike, the total in other words: the row
    assert best_sentence(index, Hit(passage, 5.0), 0, np.array([1.0, 0, 0, 0]), both_years) == passage.text
    assert best_sentence(index, Hit(passage, 5.0), 0, np.array([1.0, 0, 0, 0]), "2029年的核心预算是多少？") == "36 368 800"


def test_of_the_two_best_passages_the_one_holding_the_amount_asked_for_is_quoted_first(fake_bot):
    from bot.answer import compose

    def passage(pid, text, columns=()):
        return Passage(id=pid, kind="table_row" if columns else "item", citation=pid, text=text, columns=columns)

    workshop = passage("d:p5c", "(c) 组织区域讲习班，优先在安第斯山脉举办；")
    costed = passage("e:t1-2", "Regional workshop | Santiago network | 250,000",
                     (("Activity", "Regional workshop"), ("Lead body", "Santiago network"), ("Estimated cost (USD)", "250,000")))
    hits = [Hit(workshop, 6.0), Hit(costed, 5.9)]
    index = sentence_index(["(c) 组织区域讲习班，优先在安第斯山脉举办；"], np.eye(1))
    answer = compose("区域讲习班的预算是多少？", hits, index, np.array([1.0]), None)
    assert [q.passage_id for q in answer.quotes] == ["e:t1-2", "d:p5c"]
    plain = compose("区域讲习班在哪里举办？", hits, index, np.array([1.0]), None)
    assert plain.quotes[0].passage_id == "d:p5c"  # no kind asked: the best first
    far = compose("区域讲习班的预算是多少？", [Hit(workshop, 8.0), Hit(costed, 5.9)], index, np.array([1.0]), None)
    assert far.quotes[0].passage_id == "d:p5c"  # far behind the best, the second is no better an answer


def test_a_clause_is_quoted_with_the_lower_case_clause_its_sentence_goes_on_with():
    clauses = ["2. Decisions of the expert group shall be taken by consensus;",
               "where consensus cannot be reached, decisions shall be taken by a two-thirds majority of the members.",
               "Its meetings shall be open to observers, who may speak at the invitation of the Chair of the group."]
    passage = Passage(id="d:a1-2", kind="paragraph", citation="annex, para. 2", text=" ".join(clauses))
    index = sentence_index(clauses, np.array([[1.0, 0.0], [0.0, 1.0], [0.6, 0.8]]))
    assert best_sentence(index, Hit(passage, 5.0), 0, np.array([1.0, 0.0])) == " ".join(clauses[:2])
    assert best_sentence(index, Hit(passage, 5.0), 0, np.array([0.0, 1.0])) == clauses[1]  # not the one before it
    chinese = ["1. 决定设立专家组；", "又决定专家组每年举行一次会议。" * 12]
    index = sentence_index(chinese, np.array([[1.0, 0.0], [0.0, 1.0]]))
    passage = Passage(id="d:p1", kind="paragraph", citation="第1段", text="".join(chinese))
    assert best_sentence(index, Hit(passage, 5.0), 0, np.array([1.0, 0.0])) == chinese[0]  # a Chinese clause stands alone


def test_the_text_answer_shows_footnotes_with_the_question_s_punctuation():
    from bot.records import Answer
    from bot.render import answer_to_text

    note = Passage(id="r:fn5", kind="footnote", citation="A/RES/80/198, footnote 5", text="Launched in 2015.")
    unit = Passage(id="r:p10b", kind="item", citation="A/RES/80/198, para. 10 (b)", text="(b) The financing;",
                   footnotes=("r:fn5",))
    english = answer_to_text(Answer("What does paragraph 10 (b) say?", "…", False, (Hit(unit, 1.0),), (), ()),
                             {note.id: note})
    assert "    A/RES/80/198, footnote 5: Launched in 2015." in english.splitlines()
    chinese = answer_to_text(Answer("第10段(b)项说什么？", "…", False, (Hit(unit, 1.0),), (), ()), {note.id: note})
    assert "    A/RES/80/198, footnote 5：Launched in 2015." in chinese.splitlines()


def test_an_inline_list_is_quoted_through_its_items():
    clauses = ["7. The workplan covers five thematic areas: (a) water and drought;", "(b) food security;",
               "and (c) cities and human settlements.", "The areas were chosen by the SBSTA at its sixty-second session."]
    passage = Passage(id="w:p7", kind="paragraph", citation="para. 7", text=" ".join(clauses) * 3)
    index = sentence_index(clauses, np.array([[1.0, 0.0], [0.0, 1.0], [0.0, 1.0], [0.6, 0.8]]))
    assert best_sentence(index, Hit(passage, 5.0), 0, np.array([1.0, 0.0])) == " ".join(clauses[:3])


def list_index(doc: str, lead_in: tuple[str, str], *items: tuple[str, str]) -> SimpleNamespace:
    """The part of an index compose reads: a paragraph that leads in to its items, in order."""
    (local, text), number = lead_in, lead_in[0][1:]
    passages = [Passage(id=f"{doc}:{local}", kind="paragraph", citation=local, text=text, doc=doc,
                        path=(f"para:{number}",), order=0)]
    passages += [Passage(id=f"{doc}:{local}", kind="item", citation=local, text=text, doc=doc,
                         path=(f"para:{number}", f"item:{local[-1]}"), order=n) for n, (local, text) in enumerate(items, 1)]
    return SimpleNamespace(passages=passages, sentences_of=lambda row: [], sentences=[], sentence_vectors=np.zeros((0, 1)))


def test_a_question_counting_a_list_is_quoted_the_whole_list_not_its_first_item():
    index = list_index("w", ("p4", "4. The workplan pursues three objectives:"), ("p4a", "(a) To close knowledge gaps;"),
                       ("p4b", "(b) To build tools."))
    passages = index.passages
    hits = [Hit(passages[1], 5.0, 0.9, 20.0), Hit(passages[2], 3.0, 0.9, 10.0)]
    listed = compose("What are the three objectives of the workplan?", hits, index, np.array([1.0]), None)
    assert listed.quotes[0].passage_id == "w:p4" and "(b) To build tools." in listed.quotes[0].sentence
    assert [h.passage.id for h in listed.hits] == ["w:p4", "w:p4a"]  # its card first, as its marker [1] says
    one = compose("Which objective is about knowledge gaps?", hits, index, np.array([1.0]), None)
    assert one.quotes[0].passage_id == "w:p4a"  # a question about one item: the item


def test_a_section_asked_for_its_parts_is_answered_with_its_heading_and_their_headings(fake_bot):
    answer = fake_bot.ask("附件一第二节包括哪几节？")
    assert answer.hits[0].passage.kind == "heading" and answer.quotes[0].passage_id == answer.hits[0].passage.id
    parts = answer.text.split("\n")[-1]
    assert parts.startswith("其下各部分：A. 理由和范围；B. 2050 年愿景；") and parts.endswith("H. 外联、认识和理解")
    assert len(answer.quotes) == 1  # the section's parts named, not its first passages read through
    assert fake_bot.ask("What sections are in section II of annex I?").text.split("\n")[-1].startswith("Its parts: A. ")
    assert "其下各部分" not in fake_bot.ask("第7段(a)项").text


def test_a_column_named_in_other_words_order_and_two_columns_asked_for_at_once():
    cells = ["A3", "海洋空间规划技术支持", "6,300,000", "联合国开发计划署"]
    passage = Passage(id="d:t1-3", kind="table_row", citation="表1：A3", text=" | ".join(cells),
                      columns=tuple(zip(("活动编号", "活动名称", "指示性预算（美元）", "牵头机构"), cells)))
    index = sentence_index(cells, np.eye(4))
    ask = lambda question: best_sentence(index, Hit(passage, 5.0), 0, np.array([1.0, 0, 0, 0]), question)  # noqa: E731
    assert ask("海洋空间规划技术支持活动由哪个机构牵头？") == "联合国开发计划署"
    assert ask("该活动的指示性预算是多少？由哪个机构牵头？") == passage.text  # shown with every column's name
    assert ask("该活动的指示性预算是多少？") == "6,300,000"
    assert ask("该活动的指示性预算是多少，由谁牵头？") == passage.text  # one column named, two things asked
    assert ask("What is the 指示性预算 and which agency leads it?") == passage.text


def test_an_item_found_by_search_is_quoted_after_the_lead_in_it_completes():
    index = list_index("r", ("p6", "6. 决定召开一次为期一天的闭会期间研讨会，讨论："), ("p6a", "（a）人工智能的风险；"),
                       ("p6b", "（b）发展中国家的能力建设需要；"))
    passages = index.passages
    found = compose("决定召开什么会议讨论能力建设需要？", [Hit(passages[2], 5.0, 0.9, 20.0)], index, np.array([1.0]), None)
    assert found.quotes[0].sentence == "6. 决定召开一次为期一天的闭会期间研讨会，讨论：…（b）发展中国家的能力建设需要；"
    named = compose("第6段(b)项", [Hit(passages[2], 5.0, 0.9, 20.0, exact=True)], index, np.array([1.0]), None)
    assert named.quotes[0].sentence == "（b）发展中国家的能力建设需要；"  # a unit named: as it stands


def test_a_section_of_paragraphs_lists_them_and_each_of_two_units_named_gets_its_own_line():
    from bot.answer import _parts_line

    def passage(pid, kind, label, section, order, doc="d"):
        return Passage(id=pid, kind=kind, citation=f"{doc} {label}", text=label, section=section, order=order,
                       doc=doc, label=label)

    section = ("三、活动和时间表",)
    passages = [passage("d:s3", "heading", "第三节", section, 0), passage("d:p7", "paragraph", "第7段", section, 1),
                passage("d:p8", "paragraph", "第8段", section, 2), passage("d:s4", "heading", "第四节", ("四、审查",), 3),
                passage("e:s3", "heading", "part III", ("Part III Institutions",), 4, "e"),
                passage("e:a6", "article", "Article 6", ("Part III Institutions", "Article 6 Commission"), 5, "e"),
                passage("e:a7", "article", "Article 7", ("Part III Institutions", "Article 7 Secretariat"), 6, "e")]
    index = SimpleNamespace(passages=passages)
    assert _parts_line(passages[:1], index, "zh") == ["其下各部分：第7段；第8段"]
    assert _parts_line([passages[4], passages[0]], index, "en") == [
        "Parts of e part III: Article 6 Commission; Article 7 Secretariat", "Parts of d 第三节: 第7段; 第8段"]


def test_a_figure_quoted_from_a_table_row_carries_the_unit_its_caption_gives():
    from bot.answer import shown_quote

    caption = ("Table 1 Kyoto Protocol-specific budget by activity, 2028–2029 (Euros)",)
    row = Passage(id="t", kind="table_row", citation="table 1, Total", text="Total | 1,998,000 | 3,412,700",
                  section=caption, columns=(("Activity", "Total"), ("2028", "1,998,000"), ("Total", "3,412,700")))
    assert shown_quote(row, "3,412,700") == "Total: 3,412,700 (Euros)"
    assert shown_quote(row, row.text) == "Activity: Total; 2028: 1,998,000; Total: 3,412,700 (Euros)"
    named = Passage(id="u", kind="table_row", citation="table 1, A", text="A | Secretariat", section=caption,
                    columns=(("Activity", "A"), ("Lead body", "Secretariat")))
    assert shown_quote(named, "Secretariat") == "Lead body: Secretariat"  # no figure, no unit
