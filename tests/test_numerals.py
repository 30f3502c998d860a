"""Chinese ordinals, units, dates and amounts in the English a UN report would use (bot.numerals)."""
from bot.glossary import Glossary
from bot.numerals import english_numbers, number_words, ordinal_digits, ordinal_word


def test_ordinals_are_spelled_as_english_ones_are():
    assert [ordinal_word(n) for n in (1, 11, 20, 44, 60, 99)] == \
        ["first", "eleventh", "twentieth", "forty-fourth", "sixtieth", "ninety-ninth"]
    assert [ordinal_digits(n) for n in (1, 2, 3, 11, 12, 13, 22, 101)] == \
        ["1st", "2nd", "3rd", "11th", "12th", "13th", "22nd", "101st"]


def test_sessions_and_meetings_keep_the_way_their_number_is_written():
    assert english_numbers("附属履行机构第四十一届会议").split()[-2:] == ["forty-first", "session"]
    assert "28th meeting" in english_numbers("最不发达国家专家组第28次会议在哪里举行？")
    assert "seventeenth" in english_numbers("第十七届世界气象大会")


def test_units_decisions_dates_and_amounts():
    assert english_numbers("《巴黎协定》第六条第4款").split()[-4:] == ["Article", "6", "paragraph", "4"]
    assert "decision 7/CMA.4" in english_numbers("根据第7/CMA.4号决定，")
    assert "30 June 2014" in english_numbers("截至2014年6月30日")
    assert "June 2019" in english_numbers("2019年6月举行的")
    assert "USD 307 million" in english_numbers("总额3.07亿美元的认捐")
    assert "USD 500,000" in english_numbers("50万美元")
    assert english_numbers("两年期") == "两年期" and english_numbers("2024年13月") == "2024年13月"


def test_the_lexical_channel_gets_both_forms_of_an_ordinal_but_none_for_a_unit_number():
    words = number_words("内罗毕工作方案第10次联络点论坛")
    assert "10th" in words and "tenth" in words
    assert "seventh" not in number_words("第7/CMA.4号决定") and "7/CMA.4" in number_words("第7/CMA.4号决定")
    assert "seventh" not in number_words("第7段(a)项")


def test_glossary_terms_are_looked_for_after_numbers_are_in_english():
    glossary = Glossary.load()
    english = glossary.in_english("附属科学技术咨询机构第四十四届会议")
    assert "forty-fourth session" in english and "fourth 十" not in english
    assert "fourth" not in glossary.translations("第四十四届会议").split()
