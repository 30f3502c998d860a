"""What an English UN line is: Decision 1/CMA.5, Annex I, Appendix, Article 8, I. / A. headings,
Table 1, Contents, and the English date and chapeau forms."""
from __future__ import annotations

import re

# "Decision 1/CMA.5", "Decision MC-6/7", with its title on the same line: "Decision 1/EA.8. Governance of sand";
# a number of two plain parts only with its title ("Decision 3/4. Data exchange"): "Decision 99/7" alone on a line
# may be a reference, and a decision's own heading is printed with its title
# "Decision XXXVII/1: Title" (the Montreal Protocol's parties number their meetings in Roman numerals, as the
# CBD once did: "Decision X/2")
# "Decision IG.27/4" (the Barcelona Convention's meetings: "IG.27"); "RESOLUTION 7/2027" (the FAO Conference numbers
# its resolutions by year)
DECISION = re.compile(r"^(?:Draft\s+|DRAFT\s+)?(Decision|DECISION|Resolution|RESOLUTION)\s+(-|\d{1,3}|[A-Z]{2,8}-\d{1,2}|[IVXL]{1,8}|[A-Z]{2,8}\.\d{1,3})\s*/\s*"
                      r"([A-Z][A-Za-z0-9.()]*[A-Za-z0-9)]|(?<=[A-Z]-\d/)\d{1,3}|(?<=[A-Z]-\d\d/)\d{1,3}|(?<=[IVXL]/)\d{1,3}|(?<=\.\d/)\d{1,3}|(?<=\.\d\d/)\d{1,3}"
                      r"|\d{1,3}(?=\s*[.:]\s+[A-Z“\"])|(?<=\d/)(?:19|20)\d\d)\s*\**(?:\s*[.:]\s+([A-Z“\"][^.;]*)\.?)?$")
# a decision printed without the word, as the Basel, Rotterdam and Stockholm conventions print theirs:
# "SC-12/4: Technical assistance and capacity-building" (a body's prefix, and the title on its line)
BARE_DECISION = re.compile(r"^([A-Z]{2,8}-\d{1,2})\s*/\s*(\d{1,3})\s*[:.]\s+([A-Z“\"][^;]*?)\.?$")
# "Annex", "Annex II", or with its title after a colon or dash: "Annex: Terms of reference of the expert group"
# "Annex to decision IPBES-11/2", "Annex II to the present decision": whose annex it is may follow
ANNEX = re.compile(r"^(Annex|ANNEX|Appendix|APPENDIX)(?:\s+([IVXL]{1,6}|\d{1,2}))?"
                   r"(?:\s+to\s+(?:the\s+present\s+(?i:decision|resolution)|(?i:decision|resolution|recommendation)\s+[\w./-]+))?"
                   r"(?:\s*[:–—]\s+[A-Z“\"][^.;]{0,120})?\s*\**$")
ARTICLE = re.compile(r"^(?:Article|ARTICLE)\s+(\d{1,3})(?=\s|$|[.:–-])(?:\s+(?:bis|ter))?(?:\s*[.:\t–-]?\s*(.*))?$")
CHAPTER = re.compile(r"^(?:Chapter|CHAPTER)\s+([IVXL]{1,6}|\d{1,3})(?:\s*[.:\t–-]?\s*(.*))?$")
PART = re.compile(r"^(?:Part|PART)\s+([IVXL]{1,6}|\d{1,3})(?:\s*[.:\t–-]?\s*(.*))?$")  # a treaty's parts hold its articles
# the title may follow on the next line; a numeral alone on its line is a heading too ("I" over "Assessments",
# as decisions centre their parts)
ROMAN_HEADING = re.compile(r"^([IVXL]{1,6})(?:\.(?:\s+(\S.*))?)?$")
LETTER_HEADING = re.compile(r"^([A-Z])\.(?:\s+(\S.*))?$")
TABLE = re.compile(r"^Table\s+(\d{1,3})\b\s*[.:]?\s*(.*)$")
CONTENTS = re.compile(r"^(?:Contents|CONTENTS|Table of contents)$")
ROMAN_ITEM_DOT = re.compile(r"^([ivx]{1,5})\.\s+(\S.*)$")
LETTER_ITEM_DOT = re.compile(r"^([a-z])\.\s+(\S.*)$")
MONTHS = ("January February March April May June July August September October November December").split()
DATE = re.compile(rf"\b(\d{{1,2}})\s+({'|'.join(MONTHS)})\s+(\d{{4}})\b")
# A footnote text in plain digits, as text converters leave it: "12 See document FCCC/SBI/2021/10."
# (after spaces, not a tab: "19\tSee …" is a table row; two words at least, or a symbol: "1 FCCC/SBI/2021/10.")
# a note's text opens on a word, a quotation or a bracket, never on other punctuation (": 0" is no note)
PLAIN_FOOTNOTE = re.compile(rf"^([1-9]\d{{0,2}}) +(?!(?:{'|'.join(MONTHS)})\b)((?:[^\W\d_]|[“\"‘'(（《\[])(?:\S*\s+\S.*|\S*/\S*))$")
TREATY_FORMULA = re.compile(r"^Have agreed as follows\s*:?$", re.IGNORECASE)


def annex_kind(word: str) -> str:
    return "appendix" if word.lower() == "appendix" else "annex"
