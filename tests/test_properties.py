"""Properties over generated input: the parser never raises and neither loses nor doubles a character of a
document-shaped text (tables included); question cleaning is idempotent.

tests/test_parser.py already checks plain lines (no tables, bullets or links) and id/footnote consistency on wild
lines; this file adds whole documents with numbered paragraphs wrapped over lines, inline and ^{n} markers,
footnote blocks, annex headings and tab-separated tables, and arbitrary text of any length.
"""
from __future__ import annotations

from collections import Counter

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.engine import MAX_QUESTION_CHARS, clean_question
from bot.errors import QueryError
from bot.parser import parse, strip_markers
from bot.textnorm import clean_spaces

EXAMPLES = settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])

SUPERSCRIPT = "⁰¹²³⁴⁵⁶⁷⁸⁹"
CN_NUMERALS = ["一", "二", "三", "四", "五", "六", "七", "八", "九", "十", "十一", "十二"]
# Words and punctuation of the document; no "-" (bullets), "[" (links), tab or "|" (tables), no upper-case Latin
# (table headers below use it, so a row can never repeat the header).
WORDS = st.sampled_from(["生物多样性", "缔约方", "框架", "会议", "工作组", "2020 年", "第 14/34 号决定", "SBSTTA",
                         "wg2020", "执行秘书", "目标", "8(j)", "《公约》", "“SMART”", "（非正式）", "、", "，", "；",
                         "：", "。", " ", "ä", "🌍", "العربية", "русский", "&lt;", "<b>", "*强调*", "_x_"])
MARKER = st.one_of(st.integers(1, 40).map(lambda n: str(n).translate(str.maketrans("0123456789", SUPERSCRIPT))),
                   st.lists(st.integers(1, 40), min_size=1, max_size=3).map(
                       lambda ns: "^{" + ",".join(map(str, ns)) + "}"))


@st.composite
def words(draw, min_words: int = 1) -> list[str]:
    """Document words with an occasional footnote marker after a word."""
    parts = []
    for word in draw(st.lists(WORDS, min_size=min_words, max_size=12)):
        parts.append(word)
        if draw(st.integers(0, 5)) == 0:
            parts.append(draw(MARKER))
    return parts


def body(min_words: int = 1):
    return words(min_words).map("".join)


def _line(draw) -> list[str]:
    """One document unit as one or more lines (wrapped units are cut anywhere, as page breaks cut them)."""
    kind = draw(st.sampled_from(["paragraph", "paragraph", "letter", "cn_item", "footnote", "annex", "roman",
                                 "section", "plain", "lead_in", "blank", "table"]))
    if kind == "paragraph":
        head = f"{draw(st.integers(1, 30))}. "
    elif kind == "letter":
        head = f"({draw(st.sampled_from('abcdefgh'))}) "
    elif kind == "cn_item":
        head = f"({draw(st.sampled_from(CN_NUMERALS))}) "
    elif kind == "footnote":
        return [draw(MARKER.filter(lambda m: not m.startswith("^"))) + " " + draw(body())]
    elif kind == "annex":
        return [f"附件{draw(st.sampled_from(CN_NUMERALS[:3]))}"] + draw(st.lists(body(), max_size=1))
    elif kind == "roman":
        return [f"{draw(st.sampled_from(CN_NUMERALS))}. {draw(body())}"]
    elif kind == "section":
        return [f"{draw(st.sampled_from('ABCDEFGH'))}. {draw(body())}"]
    elif kind == "lead_in":
        return [draw(body()) + "："]
    elif kind == "blank":
        return [""]
    elif kind == "table":
        return _table(draw)
    else:
        head = ""
    tokens = [head, *draw(words())]
    cuts = sorted(set(draw(st.lists(st.integers(1, len(tokens)), max_size=2))))  # between words, not in a marker
    pieces = ["".join(tokens[a:b]) for a, b in zip([0, *cuts], [*cuts, len(tokens)])]
    return [piece for piece in pieces if piece.strip()] or ["".join(tokens)]


def _table(draw) -> list[str]:
    """A table title, its header and rows; a row may continue the previous one (empty first cell)."""
    columns = draw(st.integers(2, 4))
    header = "\t".join(["DATE", "MEETING", "ROLE", "TYPE"][:columns])
    annex = ["附件二"] if draw(st.booleans()) else []  # a table title counts only inside an annex
    lines = [*annex, f"表 {draw(st.integers(1, 3))}： {draw(body())}", header]
    for _ in range(draw(st.integers(0, 4))):
        cells = [draw(body()) + "止" for _ in range(columns)]  # a cell never ends in a bare number
        if lines[-1] != header and draw(st.booleans()):
            cells[0] = ""
        lines.append("\t".join(cells))
    return lines


@st.composite
def documents(draw) -> str:
    lines: list[str] = draw(st.lists(body(), max_size=3))  # front matter
    if draw(st.booleans()):
        lines.append(draw(body()) + "，")  # the chapeau, then preamble
        lines += draw(st.lists(body(), max_size=2))
    for _ in range(draw(st.integers(0, 25))):
        lines += _line(draw)
    return draw(st.sampled_from(["\n", "\r\n"])).join(lines)


def _nonspace(text: str) -> Counter:
    return Counter(ch for ch in text if not ch.isspace())


def _passage_chars(passages) -> Counter:
    """What the passages hold: a table row's cells (its text joins them with ' | '), every other text."""
    found = Counter()
    for passage in passages:
        found += _nonspace("".join(cell for _, cell in passage.columns) if passage.kind == "table_row"
                           else passage.text)
    return found


@EXAMPLES
@given(documents())
def test_a_document_keeps_every_character_once(text):
    passages = parse(text)
    expected, found = _nonspace(strip_markers(text)), _passage_chars(passages)
    assert expected - found == Counter(), "lost"
    assert found - expected == Counter(), "doubled"
    assert len({p.id for p in passages}) == len(passages)
    assert [p.order for p in passages] == list(range(len(passages)))
    assert all(strip_markers(p.text) == p.text for p in passages)


@EXAMPLES
@given(documents())
def test_line_ends_and_a_bom_change_nothing(text):
    plain = text.replace("\r\n", "\n")
    assert parse("\ufeff" + plain.replace("\n", "\r\n")) == parse(plain) == parse(plain.replace("\n", "\r"))


@EXAMPLES
@given(st.text(max_size=2000))
def test_any_text_parses_without_doubling(text):
    passages = parse(text)
    assert isinstance(passages, list)
    doubled = _passage_chars(passages) - _nonspace(strip_markers(text))
    # Table rows are the one place text is rearranged; outside them nothing may appear twice or from nowhere.
    assert doubled == Counter()
    assert len({p.id for p in passages}) == len(passages)


@EXAMPLES
@given(st.lists(st.one_of(st.text(max_size=40), st.sampled_from(["附件二", "表 1： t", "日期\t会议", "a\tb 29",
                                                                   "\tx\t", "---\t---", "- (a) 项", "[x](#)"])),
                max_size=30))
def test_table_shaped_noise_never_raises_or_doubles(lines):
    text = "\n".join(lines)
    assert _passage_chars(parse(text)) - _nonspace(strip_markers(text)) == Counter()


# -- question cleaning ----------------------------------------------------------------------------------

QUESTIONS = st.one_of(
    st.text(max_size=50),
    st.text(st.sampled_from("第5段 \u3000\t\n\x00\x1b\u200b\ufeffa b生物🌍，。"), max_size=700),
    st.builds(lambda a, b: a + " " * 3 + b, st.text(max_size=MAX_QUESTION_CHARS), st.text(max_size=20)),
    st.text(st.characters(codec="utf-8"), min_size=MAX_QUESTION_CHARS - 5, max_size=MAX_QUESTION_CHARS + 5),
)


@EXAMPLES
@given(QUESTIONS, st.integers(1, 50))
def test_question_cleaning_is_idempotent(question, k):
    try:
        text, k_out, notes = clean_question(question, k)
    except QueryError:
        return
    assert k_out == k
    assert 0 < len(text) <= MAX_QUESTION_CHARS
    assert text == text.strip()
    assert clean_question(text, k)[0] == text
    assert bool(notes) == (len(clean_spaces(question)) > MAX_QUESTION_CHARS)  # a note exactly when cut
