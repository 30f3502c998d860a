"""The shortcuts of normalization and tokenization give exactly what the slow paths give."""
from pathlib import Path

import pytest
from hypothesis import given, settings, strategies as st

from bot import textnorm


def _opencc_t2s_keys() -> list[str]:
    import opencc

    folder = Path(opencc.__file__).resolve().parent / "dictionary"
    keys = []
    for name in ("TSPhrases.txt", "TSCharacters.txt"):  # the dictionaries of opencc's t2s.json
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                keys.append(line.split("\t")[0].strip())
    return keys


def test_every_character_opencc_converts_is_han():
    """to_simplified skips opencc for a text without Han characters: sound only if opencc matches nothing there."""
    keys = _opencc_t2s_keys()
    assert len(keys) > 1000
    outside = {c for key in keys for c in key if not textnorm.HAN.match(c)}
    assert not outside


@pytest.mark.parametrize("text", [
    "Decision 1/CMA.3, paragraph 8(j): “Parties’ NDCs” — 3.5% of U.S. $100 billion (café, naïve).",
    "締約方會議 COP 26", "缔约方会议", "", "   ", "Ⅻ ﬁ ＡＢＣ １２", "Ⓐ ½ ㈠",
])
def test_to_simplified_shortcut_equals_opencc(text):
    assert textnorm.to_simplified(text) == textnorm._to_simplified()(text)


TRICKY = [
    "Decision 1/CMA.3", "decisions 2/CP.17 and 14/CMP.1; FCCC/PA/CMA/2021/10/Add.1, paragraph 8(j)",
    "FCCC/SBSTA/2023/L.5/Add.1/Rev.2", "CBD/COP/DEC/16/31", "CBD/WG2020/REC/1/1", "SBSTTA-23, WG2020-2, cp-9/7",
    "3.5% of 1.5°C; 2.0 per cent; 100,000,000; 1.2.3; 0.5%.", "the U.S. and the U.K., e.g. i.e. etc.",
    "“Parties’ nationally determined contributions” — ‘NDCs’ – and \"LDCs\"", "Article 6.2, 6.4 and 6, paragraph 8",
    "naïve café résumé Côte d’Ivoire São Tomé Türkiye Curaçao", "Ångström øre ß straße İstanbul ǅ",
    "https://unfccc.int/documents/12345?x=1&y=2#frag, www.cbd.int/doc/c/abc-def.pdf, info@unfccc.int",
    "C++ and C# & F# + R; 50+ items; #hashtag; a_b_c; __init__; x--y; -5; +7; ...; ..",
    "Annex I / non-Annex I Parties (Annex II), Kyoto Protocol Art. 3.1(a)(ii) and 3.14", "1/CP.21 ¶ 115 § 3",
    "cma.5 add.1 u.s. 3.5% 4.2.1 v.1.0 a.b.c", "COVID-19 CO2 CH4 N2O HFC-134a SF6 PFCs NF3 tCO2eq GtCO2-eq",
    "2020–2021 2019—2020 10–12 June, 10‐12 June, 10−12", "½ ¼ ² ³ ① ⅷ", "tab\tnew\nline\r\ncarriage  double",
    "pH value T恤 A股 B超 X光 pH值 AA制 iPhone", "缔约方会议第二十六届会议（COP 26）在格拉斯哥举行。",
    "第14/34号决定, 2030年愿景, 8(j)条, 生物多样性公约", "ЮНФКК Парижское соглашение 2015 г.", "اتفاق باريس 2015",
    "The Conference of the Parties, serving as the meeting of the Parties to the Paris Agreement,",
    "", " ", ".", "%", "-", "a", "ab", "abc", "1", "12", "x.5", ".5", "5.", "5%%", "a-b-c", "...and...",
]


@pytest.fixture(scope="module")
def tokenizer():
    from bot.tokenize import Tokenizer

    return Tokenizer()


def test_pieces_split_as_jieba_splits():
    import jieba

    from bot import tokenize

    assert tokenize._BLOCKS.pattern == jieba.re_han_default.pattern
    assert tokenize._BLOCKS.flags == jieba.re_han_default.flags


@pytest.mark.parametrize("text", TRICKY)
def test_cached_pieces_give_jieba_tokens(tokenizer, text):
    assert tokenizer(text) == tokenizer.slow_call(text)
    assert tokenizer(text) == tokenizer.slow_call(text)  # again, from the cache


def test_cached_pieces_give_jieba_tokens_for_the_tricky_texts_run_together(tokenizer):
    text = " ".join(TRICKY)
    assert tokenizer(text) == tokenizer.slow_call(text)
    assert tokenizer(text.upper()) == tokenizer.slow_call(text.upper())


def test_the_slow_path_reads_the_codes_as_before(tokenizer):
    """The reference the cached path is compared with: jieba keeps a number with its decimals and a code whole."""
    tokens = tokenizer.slow_call("Decision 1/CMA.3, Add.1: 3.5% of the U.S. total, paragraph 8(j)")
    assert "cma.3" in tokens and "add.1" in tokens and "3.5%" in tokens and "1/3" not in tokens
    assert "u" in tokens and "s" in tokens and "u.s." not in tokens
    assert "8(j)" in tokens and "1/cma" not in tokens


_PIECES = [*"abcdeisux0123456789 .,;:%+-#&_/()’“”—–\téïçİ締約方缔约会议第号年", "cma", "add", "u.s.", "\u00a0", "ﬁ", "Ａ"]


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_cached_pieces_give_jieba_tokens_for_any_text(tokenizer, text):
    assert tokenizer(text) == tokenizer.slow_call(text)
