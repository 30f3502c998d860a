"""Tables laid out with spaces in plain text are read as tables; prose keeps every character."""
from collections import Counter

from bot.sources.aligned import aligned_tables
from bot.structure import parse

TABLE = """Annex

List of decisions adopted at the sixth meeting

   Decision    Title                                          Agenda item
   --------    -------------------------------------------    -----------
   MC-6/1      Rules of procedure: voting on matters of       4
               substance
   MC-6/2      Mercury waste thresholds                       5 (b)
   MC-6/3      Contaminated sites                             5 (e)
"""

OFFICERS = """8. The following officers were elected:

   President:        Mr. Kwame Asante-Mensah (Ghana)
   Vice-Presidents:  Ms. Hiroko Tanabe (Japan)
                     Mr. Dragan Petkovic (Serbia)
   Rapporteur:       Mr. Ahmad Rahimi (Indonesia)

9. Mr. Asante-Mensah assumed the presidency."""


def test_a_space_aligned_table_becomes_rows_with_their_wrapped_cells_joined():
    rows = [p for p in parse(aligned_tables(TABLE), "en") if p.kind == "table_row"]
    assert [p.label for p in rows] == ["annex, table 1, MC-6/1", "annex, table 1, MC-6/2", "annex, table 1, MC-6/3"]
    assert rows[0].columns == (("Decision", "MC-6/1"), ("Title", "Rules of procedure: voting on matters of substance"),
                               ("Agenda item", "4"))
    assert Counter(aligned_tables(TABLE).split()) == Counter(TABLE.split())  # no word lost or added


def test_a_list_of_names_and_values_is_one_line_going_on_with_its_lead_in():
    text = aligned_tables(OFFICERS)
    assert text.split("\n")[:2] == ["8. The following officers were elected:",
                                    "President: Mr. Kwame Asante-Mensah (Ghana) Vice-Presidents: Ms. Hiroko Tanabe "
                                    "(Japan) Mr. Dragan Petkovic (Serbia) Rapporteur: Mr. Ahmad Rahimi (Indonesia)"]
    units = parse(text, "en")
    assert not [p for p in units if p.kind == "heading"]  # "Rapporteur: …" is no heading
    assert [p.text.count("Mr.") for p in units if "Rapporteur" in p.text] == [3]  # one passage, every officer


def test_prose_is_left_as_it_is():
    prose = "1. The meeting opened.  It was  chaired by Ms. Ortega.\n2. Parties  spoke   at length.\n"
    assert aligned_tables(prose) == prose


BUDGET = """      3.     The budget below covers activities specific to the Kyoto Protocol.

Table 1
Kyoto Protocol-specific budget by activity, 2028–2029
(Euros)

Activity                                              2028          2029          Total

A. Closure of the clean development mechanism      1,184,300       612,900     1,797,200
B. International transaction log                    402,500       398,100       800,600

Total                                              1,998,000     1,014,700     2,598,300

      4.     The contribution of each Party to the budget set out in table 1 shall be
based on the indicative scale of contributions.
"""

CHINESE = """附件

对话    主题                                   日期及时段
一      水促进健康                             12月2日下午
二      水促进可持续发展与繁荣                 12月3日上午
"""


def test_figures_set_flush_right_and_blank_lines_between_rows_stay_in_one_table():
    rows = [p for p in parse(aligned_tables(BUDGET), "en") if p.kind == "table_row"]
    assert [p.columns[0][1] for p in rows] == ["A. Closure of the clean development mechanism",
                                               "B. International transaction log", "Total"]
    assert rows[-1].columns[1:] == (("2028", "1,998,000"), ("2029", "1,014,700"), ("Total", "2,598,300"))
    paragraph = [p for p in parse(aligned_tables(BUDGET), "en") if p.kind == "paragraph"][-1]
    assert paragraph.text.startswith("4. The contribution") and paragraph.text.endswith("contributions.")


def test_chinese_columns_are_aligned_as_shown_two_columns_to_a_character():
    rows = [p for p in parse(aligned_tables(CHINESE), "zh") if p.kind == "table_row"]
    assert [dict(p.columns) for p in rows] == [{"对话": "一", "主题": "水促进健康", "日期及时段": "12月2日下午"},
                                               {"对话": "二", "主题": "水促进可持续发展与繁荣", "日期及时段": "12月3日上午"}]


GROUPED = """          Annex

          Budget item                          2026        2027
                                            (revised)  (provisional)
          1. Meetings of the bodies
             1.1 Sessions of the Plenary     1,615,000   1,680,000
             1.2 Sessions of the Bureau and
                 the Expert Panel              412,000     438,000
          2. Secretariat
             2.1 Staff costs                 1,012,000   1,250,000
          Total                              3,039,000   3,368,000

          4. The secretariat shall report on expenditures.
"""


def test_a_budget_s_group_names_wrapped_row_names_and_two_line_header_keep_one_row_each():
    lines = aligned_tables(GROUPED).split("\n")[2:]
    assert lines[:7] == ["Budget item\t2026 (revised)\t2027 (provisional)", "1. Meetings of the bodies\t",
                         "1.1 Sessions of the Plenary\t1,615,000\t1,680,000",
                         "1.2 Sessions of the Bureau and the Expert Panel\t412,000\t438,000", "2. Secretariat\t",
                         "2.1 Staff costs\t1,012,000\t1,250,000", "Total\t3,039,000\t3,368,000"]
    assert lines[8].strip() == "4. The secretariat shall report on expenditures."  # prose after it untouched
    rows = {p.columns[0][1]: p for p in parse(aligned_tables(GROUPED), "en") if p.kind == "table_row"}
    assert rows["1.2 Sessions of the Bureau and the Expert Panel"].columns[2] == ("2027 (provisional)", "438,000")
    assert "2. Secretariat" in rows and not [p for p in parse(aligned_tables(GROUPED), "en") if p.kind == "paragraph"
                                             and p.text.startswith("2.")]


def test_footnotes_under_their_rule_are_no_table():
    notes = "1. Welcomes the report.2\n\n__________\n2   The meeting is scheduled to\n    take place in Bonn.\n3   IPBES/11/9.\n"
    assert aligned_tables(notes) == notes

