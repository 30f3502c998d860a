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
