"""When to decline: the passages found cannot supply what the question asks for.

Three kinds of evidence, cheapest first:
- the question names something the document never mentions (a title in 《》, an acronym);
- the question asks for a kind of answer (an amount of money, a share, a count, a date, a person's name,
  how an event ended, practical arrangements) and the top passages hold nothing of that kind;
- both the cosine and BM25 of the best passage are low.
Thresholds are chosen by bench/calibrate.py on bench/calibration.jsonl, never on the evaluation set.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from functools import lru_cache

from bot.glossary import Glossary, default_glossary, proper_names, specific_terms
from bot.meetings import ordinal_to_int, ordinal_words
from bot.records import Hit, Passage
from bot.references import asks_only_for_units, names_unit_as_topic, read_segments, to_int
from bot.textnorm import normalize

CHECKED_HITS = 2  # the answer quotes at most the top two passages
NEARLY_ABOUT = 1.0  # a passage holding the kind asked for counts when its lift (1.0) brings it level with the best


@dataclass(frozen=True)
class AnswerType:
    """A kind of answer: questions matching `asks` (and not `unless`) need a passage whose normalized text matches
    `found`, or whose own text (case kept) matches `found_cased`."""

    name: str
    asks: re.Pattern
    found: re.Pattern
    unless: re.Pattern | None = None
    found_cased: re.Pattern | None = None
    declines: bool = True  # False: the kind only prefers passages holding one (too loose a question to decline on)

    def asked_by(self, question: str) -> bool:
        return bool(self.asks.search(question)) and not (self.unless and self.unless.search(question))

    def held_by(self, normalized: str, text: str) -> bool:
        return bool(self.found.search(normalized) or (self.found_cased and self.found_cased.search(text)))


# a day of the month, in either language ("8月27日", "27 august"), or a date still to be set (待定)
DAY = r"\d{1,2}\s*月\s*\d{1,2}\s*日|\d{1,2}\s*日|\d{1,2}\s+(?:january|february|march|april|may|june|july|august|september|october|november|december)|待定"
# a person named: "汉斯·约翰", "先生", "Ms.", or as UN reports name people, with their country and no title:
# "Nabeel Munir (Pakistan)"
_PERSON = re.compile(r"[\u4e00-\u9fff]·[\u4e00-\u9fff]|先生|女士|阁下|\bmr\b|\bms\b|\bmrs\b")
_PERSON_CASED = re.compile(r"\b[A-Z][a-z]+(?:[ -](?:[A-Z][a-zA-Z'’-]+|de|da|van|von|al|el|bin)){0,3}[ -]"
                           r"[A-Z][a-zA-Z'’-]+ \([A-Z][a-z]+(?:[ -][A-Za-z]+){0,4}\)")
_PRACTICAL = r"签证|报名|注册|酒店|住宿|邮箱|电子邮件|网址|链接|电话|visa|regist|hotel|e-?mail"
# how and when a text was adopted: UN texts say it in a closing line ("55th meeting … [Adopted without a
# vote.]", "8th plenary meeting 18 November 2016", "第55次会议 [未经表决获得通过。]") or their cover block
ADOPTION = AnswerType("adoption",
                      re.compile(r"\b(?:when|how|where) (?:was|were|did) (?:[\w/.-]+ ){0,6}?adopt|\badopted (?:by|with|without) "
                                 r"(?:a )?(?:recorded )?vote|\b(?:which|what) (?:plenary )?meeting\b[^?]{0,40}\badopt|"
                                 r"(?:何时|什么时候|哪天|哪次会议上?|哪一次会议上?|如何|是否经?过?表决)[^，。？?]{0,6}通过|表决"),
                      re.compile(r"plenary meeting|\d+(?:st|nd|rd|th) meeting|adopted (?:by|on|at|without|with)|without a vote|"
                                 r"recorded vote|全体会议|第\s*\d+\s*次(?:全体)?会议|未经表决|记录表决|获得通过|通过了?本"),
                      declines=False)

ANSWER_TYPES = (
    AnswerType("money",
               # in English the question must ask for the budget or cost itself: "what was the total budget",
               # not "in the programme budget decision, at what level …"
               re.compile(r"多少钱|多少资金|多少经费|(?:资金|费用|成本|经费)[^，。？?]{0,8}多少|美元|欧元|预算|经费|数额|金额|出资|出了多少(?![名个位人项次国家种份])|捐|拨款|how much money|"
                          r"\bwhat (?:[\w'-]+ ){0,5}?(?:budget|cost)s?\b|\bhow (?:large|big|much) (?:[\w'-]+ ){0,4}?(?:budget|cost)s?\b|"
                          r"how much (?:funding |financing |finance )?(?:did|does|will|was|is)\b.*\b(?:give|pay|contribut|spend|"
                          r"fund|donat|pledg|allocat|provid|receiv)|how much (?:funding|financing|finance)\b"),
               re.compile(r"(?:\d|[一二两三四五六七八九十百千万亿]{2})\s*(?:百万|千万|万|亿|十亿)?\s*(?:美元|欧元|元|瑞士法郎|英镑)|\$\s*\d|\b(?:usd|eur|chf|gbp)\b|dollars?|euros?|"
                          r"swiss francs?")),
    AnswerType("share",
               re.compile(r"比例|百分之几|百分比|percentage|proportion|percent|what share"),
               # "约六成" (six tenths), "two thirds of", "half of"
               re.compile(r"\d\s*%|百分之|per\s?cent|[二三四五六七八九]成(?![员为立果本功就型])|[几一二三四]分之[一二三]"
                          r"|\b(?:one|two|a)[ -](?:thirds?|quarters?|fifths?)\b|\bhalf of\b")),
    AnswerType("person",
               re.compile(r"(?:主席|秘书|部长|代表|主任|署长|专家|官员|成员|负责人|主持人)[^，。？?]{0,6}(?:叫什么|名字|姓名|是谁|姓什么)|"
                          r"谁(?:是|担任)[^，。？?]{0,8}(?:主席|秘书|部长|主任|署长|负责人)|"
                          r"谁当选|who (?:chairs|heads)\b|who (?:is|was|are|were) (?:the )?(?:current |new )?(?:executive secretary|president|"
                          r"chair|co-?chairs?|minister|executive director|director|head)|names? of the (?:co-?chairs?|chair|president|"
                          r"executive secretary|experts?|members?)|who was elected"),
               _PERSON, found_cased=_PERSON_CASED),
    # "who chaired the session?": a person is what answers, but reports that do not name one answer other things
    # about the chair; so the passages naming a person come first, and nothing is declined for want of one
    AnswerType("chair",
               re.compile(r"\bwho (?:chaired|presided|opened|closed)\b|由谁主持|谁主持|谁担任.{0,12}主席"),
               _PERSON, found_cased=_PERSON_CASED, declines=False),
    AnswerType("day",
               re.compile(r"哪天|哪一天|几号|几月几[日号]|日期|what date|which day|what day|on what date"),
               re.compile(DAY)),
    # a deadline is a day, or a year or month things must happen by ("在2028年前", "2027年11月前", "到2032年", "by 2030")
    AnswerType("deadline",
               re.compile(r"截止|期限|deadline"),
               # or a meeting: "任期至缔约方大会第十七届会议为止", "until its seventeenth session"
               re.compile(DAY + r"|\d{4}\s*年?\s*(?:\d{1,2}\s*月\s*)?(?:年底|年末|底)?\s*(?:前|以前|之前)|(?:到|至)\s*\d{4}\s*年|(?:by|before|no later than|until)\s+"
                          r"(?:the end of\s+)?(?:\w+\s+)?\d{4}|(?:至|到)[^，。；]{0,24}(?:会议|届会)(?:为止|结束|之前|前)"
                          r"|(?:延长至|延至|至|到)[^，。；]{0,16}第[一二三四五六七八九十百\d]+(?:届|次)(?:会议|届会)"
                          r"|(?:until|by|before)\s+(?:the end of\s+)?(?:its|the)\s+[\w-]+\s+(?:session|meeting)"),
               unless=re.compile(r"(?:多少|几|多长)个?(?:年|月|天|日|周|时间)|多长")),  # "期限至少是多少年": a duration
    # what happened after the document: it schedules meetings, it cannot report how they ended;
    # a question about the plan ("框架最终要在哪次会议上通过？") is not about an outcome, nor is "what did
    # the SBSTA conclude", which UN reports answer with their conclusions
    AnswerType("outcome",
               re.compile(r"最终(?!目标)|最后(?![一的个项段次])|后来|到头来|推迟|延期|取消|finally|eventually|ultimately|"
                          r"in the end|postpone|delayed|cancel"),
               re.compile(r"最终|最后|后来|推迟|延期|取消|postpone|cancel|\bfinal\b"),
               re.compile(r"将|要在|要由|会在|会由|计划|打算|预计|\bwill\b|\bshall\b|going to|\bto be\b")),
    # practical arrangements a policy text does not cover
    AnswerType("practical",
               re.compile(_PRACTICAL + r"|accommodation|\burl\b|web address|phone"),
               re.compile(_PRACTICAL + r"|http|www")),
    AnswerType("year",
               re.compile(r"哪一年|哪年|何年|what year|which year|in what year"),
               re.compile(r"\d{4}")),
    ADOPTION,
)

# "有几个…" counts; "哪几项决定" (which) and "几个公约能不能…" (several) do not
_ASKS_COUNT = re.compile(r"多少|(?<!哪)有几[个名位段项人份类种条次]|how many|number of")
_COUNTER = r"(?:个|名|位|项|段|类|种|份|人|条|次|国|家|例|起|件|所|处|座|台|艘|批)"  # measure words a count is given in
# a number and its counter; a lone 一 ("一份工作计划", "a work plan") is an article, not a count
_COUNT = re.compile(rf"(?<![第\d])(?:\d+(?:\.\d+)?\s*[万亿]?|[两二三四五六七八九十百千万][一二两三四五六七八九十百千万]*)\s*{_COUNTER}")
_PERCENT = re.compile(r"\d\s*%|百分之")
# a number of something a Chinese text names after it ("46受益国家数目", a cell and its column), not a date or a unit's number
# (set apart by a space from what stands before it, as answer_text sets the cells it names: "2027 46受益国家数目")
_CELL_FIGURE = re.compile(r"(?<=[^\u4e00-\u9fff]\s)(?!(?:19|20)\d\d)\d[\d,.]*(?=[\u4e00-\u9fff])(?![年月日号段条款项章节页])")
_CLAUSE_END = re.compile(r"[，,。；;：:！？!?（(]")
_COUNTED = re.compile(rf"(?:多少|几){_COUNTER}?([\u4e00-\u9fff]{{2}})")
# "多少名成员", "几次", "多少国家"; not a verb or particle after it ("至少有多少要用于…", "多少是…")
_COUNTER_ASKED = re.compile(rf"(?:多少|几){_COUNTER}|(?:多少|几)(?![要是用可能会被将给的呢吗])[\u4e00-\u9fff]")
# a part of a whole is asked for, which a share answers: "不低于政府总支出的多少", "资源中至少有多少"
_PART_ASKED = re.compile(r"的多少|占[^，。？?]{0,12}多少|[里中][^，。？?]{0,6}多少")
_LIST_LABEL = re.compile(r"^\s*(?:\d{1,3}\.(?!\d)|\(\d{1,3}\))\s*")
_ORDINAL_EN = re.compile(r"\b(?:(?:twenty|thirty|forty|fifty)-)?(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth|"
                         r"tenth|eleventh|twelfth|(?:thir|four|fif|six|seven|eigh|nine)teenth|twentieth|thirtieth|fortieth|"
                         r"fiftieth)\b|\b\d{1,3}(?:st|nd|rd|th)\b")
_PIPED_FIGURE = re.compile(r"\|\s*\d[\d,]*(?:\.\d+)?\s*(?=\||$)")
_NOT_COUNTED = {"more", "many", "much", "such", "other", "have", "been", "were", "does", "will", "should", "must",
                "there", "they", "would", "could"}  # "how many more years": years are counted; "people have been": people
_SHARE_EN = re.compile(r"\d\s*(?:%|per\s?cent\b)")
_MEASURE_ASKED = re.compile(r"(?:多少|几)([\u4e00-\u9fff])")  # "多少吨", "多少公顷": the unit's first character
_UNIT_SIGNS = {"度": "(?:度|°|℃)"}  # "热了多少度？" — "1.48°C"
_FIGURE = re.compile(r"(?<![第\d])\d|[一二两三四五六七八九十百千]+\s*(?:万|亿|%|个|名|项)")
_COUNTED_EN = re.compile(r"(?:how many|number of)\s+((?:[a-z-]+\s+){0,2}[a-z-]+)")  # up to three words counted
# in English a count is a number that is not a reference or a year: "12 members", "twenty-four", not "paragraph 5"
_COUNT_EN = re.compile(r"(?<![\d./-])(?<!paragraph )(?<!para\. )(?<!article )(?<!decision )(?<!annex )(?<!section )"
                       r"\b(?!(?:19|20)\d\d\b)\d[\d,]*(?:\.\d+)?\b(?![./]\d)|\b(?:once|twice|thrice|two|three|four|five|six|seven|eight|"
                       r"nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|nineteen|twenty|"
                       r"thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand|million|billion)\b"
                       r"(?!-(?:first|second|third|fourth|fifth|sixth|seventh|eighth|ninth)\b)")  # "sixty-second session"
# a unit's own number at its start ("1. ", "(a) ", "（一）"): no figure of what it says
_OWN_LABEL = re.compile(r"^\s*(?:\d{1,3}\s*[.．]\s+|[(（]\s*(?:[a-z]{1,3}|[一二三四五六七八九十]{1,3}|\d{1,2})\s*[)）]\s*)")
_TITLE = re.compile(r"《([^《》]{2,40})》")
_TITLE_SUFFIX = re.compile(r"(?:公约|议定书|协定|协议|条约|宣言|战略|计划|展望|报告|框架|目标|指标|决定)$")
_ACRONYM = re.compile(r"\b[A-Z][A-Z0-9-]*[A-Z0-9]s?\b")
_ROMAN = re.compile(r"^[IVXLC]+$")
_CJK = re.compile(r"[\u3400-\u9fff]")


def unknown_title(question: str, document: str, glossary: Glossary | None = None) -> str | None:
    """A title in 《》 that the (normalized) document never mentions, else None."""
    glossary = glossary or default_glossary()
    for title in _TITLE.findall(question):
        title = normalize(title)
        core = _TITLE_SUFFIX.sub("", title)
        if title not in document and (len(core) < 2 or core[:2] not in document) and \
                not any(normalize(english) in document for english in glossary.english_names(title)):
            return f"《{title}》"  # nor, by the glossary, its English name ("巴黎协定": "paris agreement")
    return None


def unknown_name(question: str, document: str, glossary: Glossary | None = None) -> str | None:
    """A title in 《》 or an acronym that the (normalized) document never mentions, else None."""
    glossary = glossary or default_glossary()
    title = unknown_title(question, document, glossary)
    if title:
        return title
    for word in _ACRONYM.findall(question):
        term = word.rstrip("s") if len(word) > 3 and word.endswith("s") else word
        if _ROMAN.match(term):
            continue
        renderings = [term.lower()] + glossary.renderings(term.lower()) + _named_by_acronym(term.lower(), glossary)
        if not any(normalize(rendering) in document for rendering in renderings):
            return word  # neither the acronym nor any name the glossary gives it is in the document
    return unknown_proper_name(question, document)


_SESSION_NUMBER = re.compile(r"(?<=[A-Za-z]{2})\d{1,3}$")  # "COP15", "CSW71", "SBSTA62"
_SKIPPED_WORDS = frozenset({"of", "the", "and", "for", "on", "to", "in", "with", "united", "nations"})
_WORD = re.compile(r"[a-z][a-z'-]*")


def _spelled_out(acronym: str, document: str) -> bool:
    """Whether the (normalized) text has words that spell the acronym, by their initials ("CDM": "clean development
    mechanism") or by their first syllables ("ECOSOC": "economic and social council"), small words and "United
    Nations" between them aside ("OHCHR": "office of the united nations high commissioner for human rights"). Read in
    the passages found or in a glossary term, not in a whole corpus, where chance sequences abound ("IPCC": "in
    particular climate change")."""
    letters = acronym.lower()
    if not 2 <= len(letters) <= 8 or not letters.isalpha():
        return False
    words = _WORD.findall(document)
    return any(word[0] == letters[0] and _spells(letters, words[start:], False)
               for start, word in enumerate(words))


def _spells(letters: str, words: list[str], whole: bool, taken: tuple[int, ...] = ()) -> bool:
    """Whether the words begin with (`whole`: are) words spelling `letters`: each word of three letters or more
    gives its initial, or each but the last its first two letters or more; skippable words may give none."""
    if not letters:
        return not (whole and words) and (all(n == 1 for n in taken) or all(n >= 2 for n in taken[:-1]))
    if not words:
        return False
    word = words[0]
    for n in range(min(len(letters), len(word)), 0, -1):
        if len(word) >= 3 and word[:n] == letters[:n] and _spells(letters[n:], words[1:], whole, taken + (n,)):
            return True
    return bool(taken) and word in _SKIPPED_WORDS and _spells(letters, words[1:], whole, taken)


def _named_by_acronym(acronym: str, glossary: Glossary) -> list[str]:
    """The names, in both languages, of the glossary terms the acronym spells out whole ("ecosoc": "economic and
    social council", 经济及社会理事会, 经社理事会), and those of the terms sharing a Chinese name with an entry for
    the acronym ("ohchr" → 人权高专办 → "office of the united nations high commissioner for human rights")."""
    names = [term for entry in glossary.entries if _spelled_whole(acronym, entry.english)
             for term in (entry.english, *entry.chinese)]
    chinese = set(glossary.renderings(acronym))
    names += [term for entry in glossary.entries if chinese & set(entry.chinese) for term in (entry.english, *entry.chinese)]
    return names


def _spelled_whole(acronym: str, term: str) -> bool:
    words = _WORD.findall(term)
    return len(words) >= 2 and _spells(acronym, words, True)


def unknown_numbered_text(question: str, document: str) -> str | None:
    """A resolution or decision the question names by its number that no loaded text mentions ("resolution 2790
    (2025)", "decision 5/CMA.9", "第79/123号决议"); else None. Spaces aside, so "2790(2025)" is "2790 (2025)"."""
    compact = _compact(document)
    for match in _NUMBERED_TEXT.finditer(normalize(question)):
        number = re.sub(r"\s+", "", match[1] or match[2]).replace("（", "(").replace("）", ")")
        if number not in compact:
            return match[0].strip()
    return None


@lru_cache(maxsize=4)
def _compact(document: str) -> str:
    return re.sub(r"\s+", "", normalize(document)).replace("（", "(").replace("）", ")")


_NUMBERED_TEXT = re.compile(r"\b(?:resolution|decision)\s+(\d{3,4}\s*\(\d{4}\)|\d{1,3}/(?:cp|cmp|cma|cop|ea)\.\d{1,2}\b|\d{2,3}/\d{2,3}\b)"
                            r"|第\s*(\d{3,4}\s*[(（]\d{4}[)）]|\d{1,3}/(?:cp|cmp|cma|cop|ea)\.\d{1,2}|\d{2,3}/\d{2,3})\s*号(?:决议|决定)")


def unknown_proper_name(question: str, document: str) -> str | None:
    """A State, city, organization or named fund the question names ("the Republic of Korea", "加纳") that the
    document mentions by none of its names (those of every entry sharing a name with it), else None."""
    asked = normalize(question)
    entries = proper_names()
    chinese = {term for entry in entries for term in entry.chinese if len(term) >= 2 and _mentions(term, asked)}
    chinese = {term for term in chinese if not any(term != other and term in other for other in chinese)}  # 马德里, not 德里
    english = {entry.english for entry in entries
               if re.search(rf"(?<![\w-]){re.escape(entry.english)}(?![\w-])", asked)}
    english = {name for name in english if not any(name != other and name in other for other in english)}
    for name in sorted(chinese) + sorted(english):
        related = [entry for entry in entries if name == entry.english or name in entry.chinese]
        renderings = {rendering for entry in related for rendering in (entry.english, *entry.chinese)}
        renderings |= {entry.english for entry in entries if renderings & set(entry.chinese)}  # 意大利: italy too
        if not any(_mentions(normalize(rendering), document) for rendering in renderings):
            written = re.search(re.escape(name), question, re.IGNORECASE)
            return written[0] if written else name
    return None


def unknown_in_named(question: str, text: str) -> str | None:
    """A specific term of the question (a State, an organization, a substance, a species: see
    glossary.specific_terms) that the text of the documents it names mentions by none of its names, else None."""
    asked = normalize(question)
    terms = specific_terms()
    for entry in terms:
        names = [entry.english, *entry.chinese]
        written = next((name for name in names if _names_in(name, asked, alone=True)), None)  # not 中国 in 发展中国家
        if not written or _INSTRUMENT.search(entry.english):
            continue  # a treaty's name says which process a document belongs to, in words it need not repeat
        names += [other.english for other in terms if set(other.chinese) & set(entry.chinese)]  # ohchr: its full name
        if not any(_names_in(name, text) for name in names) and not _spelled_out(entry.english, text):
            shown = re.search(re.escape(written), question, re.IGNORECASE)
            return shown[0] if shown else written
    return None


_INSTRUMENT = re.compile(r"\b(?:convention|protocol|agreement|treaty|accord|amendment)\b")


def _names_in(name: str, text: str, alone: bool = False) -> bool:
    if name not in text:  # the cheap test first: this runs for every specific term on each question naming a document
        return False
    if _CJK.search(name):
        return _mentions(name, text) if alone else True
    return re.search(rf"(?<![\w-]){re.escape(name)}(?:s|es)?(?![\w-])", text) is not None


def _mentions(name: str, document: str) -> bool:
    """Whether the document mentions a name on its own: a Chinese name seen only in the middle of a longer
    glossary term ("中国" in 发展中国家; not in 77国集团和中国, which names it) is not mentioned."""
    if name not in document:
        return False
    longer = _terms_holding(name) if _CJK.search(name) else ()
    return not longer or name in re.sub("|".join(map(re.escape, longer)), " ", document)


@lru_cache(maxsize=256)
def _terms_holding(name: str) -> tuple[str, ...]:
    """The glossary's Chinese terms that hold the name in their middle, longest first."""
    return tuple(sorted((term for term in _chinese_terms() if name in term[1:-1]), key=len, reverse=True))


@lru_cache(maxsize=1)
def _chinese_terms() -> frozenset[str]:
    return frozenset(default_glossary().chinese_words()) | {t for e in proper_names() for t in e.chinese}


# a document named by what it is: "公约第十二条", "报告第8段", "the convention's article 12"
_GENERIC_DOCUMENT = re.compile(r"(?:该|本|这份|这项|这个)?(?<![号\d])(?:公约|协定|议定书|条约|决定|建议|报告|文件)(?=第)|"
                               r"\b(?:the|this) (?:convention|agreement|protocol|treaty|decision|recommendation|report|"
                               r"document)(?:'s)?\b")
_SYMBOL = re.compile(r"\b[a-z]{1,8}(?:/[a-z0-9.()-]+){2,}")  # a UN symbol ("a/res/80/12", "fccc/sbi/2027/5")
# a resolution by its number: "General Assembly resolution 79/321", "第79/321号决议"
_RESOLUTION = re.compile(r"(?:\bgeneral assembly )?\bresolutions?\s+\d{1,3}/\d{1,4}\b|第?\s*\d{1,3}/\d{1,4}\s*号?\s*决议")
_OF_TITLE = re.compile(r"\bof (?:the )?([A-Z][\w'’-]+(?: (?:[A-Z][\w'’-]*|of|on|for|and|to|the))*)")


def _title_not_loaded(question: str, glossary: Glossary, loaded: Callable[[list[str]], bool]) -> str | None:
    for title in _TITLE.findall(question):
        names = [normalize(title)] + [normalize(english) for english in glossary.english_names(normalize(title))]
        if not loaded(names):
            return f"《{title}》"
    return None


YEAR = re.compile(r"(?<!\d)((?:19|20)\d\d)(?!\d)")  # a year, in either language


def unknown_instance(question: str, document: str) -> str | None:
    """A numbered instance of a series the (normalized) document speaks of in Chinese that it never mentions:
    "第五次年度对话" where it has only 第三次 and 第四次年度对话; else None."""
    for match in _INSTANCE.finditer(normalize(question)):  # a series named by four characters or more, not any
        number, counter, noun = to_int(match[1]), match[2], match[3][:4]  # "届会议" (English texts say "41st session")
        if number is None or len(noun) < 4:
            continue
        seen = {to_int(m[1]) for m in re.finditer(rf"第([一二三四五六七八九十百零\d]+){counter}{re.escape(noun)}", document)}
        if seen and number not in seen:  # named by as much of its noun as the document's instances share
            shared = max(n for n in range(4, len(match[3]) + 1) if f"{counter}{match[3][:n]}" in document)
            return f"第{match[1]}{counter}{match[3][:shared]}"
    return None


_INSTANCE = re.compile(r"第([一二三四五六七八九十百零\d]+)(次|届)([\u4e00-\u9fff]{4,6})")


def unknown_ordinal(question: str, text: str, corpus: str = "") -> str | None:
    """An English question's numbered instance ("the thirty-seventh Meeting of States Parties", "the 8th
    session") that the (lower-case) text speaks of only under other numbers ("thirty-sixth meeting", "sixth
    session"); else None. The text counts an ordinal for each of the few words after it ("second periodic
    review") and for each noun of a list ("the sixth and seventh meetings"). None as well when another text of
    the (lower-case) corpus speaks of it: the search missed it, and the answer is not known to be missing."""
    asked: dict[tuple[int, int], list[str]] = {}  # each ordinal of the question: the words after it
    ordinals: dict[int, str] = {}  # as the question writes them
    words = _WORD.findall(question.lower())
    for n, noun, at in _ordinals(question.lower(), reach=2):
        asked.setdefault((n, at), []).append(noun)
        ordinals[n] = words[at]
    if not asked:
        return None
    seen = _numbered(text)
    for (n, _), nouns in asked.items():
        # every word after it numbered in the text, never by this number ("first biennial transparency reports"
        # over a text numbering only its "fourth biennial reports" is another series)
        if all(seen.get(noun) and n not in seen[noun] for noun in nouns) \
                and not _numbers_anywhere(n, nouns[0], corpus):
            return " ".join([ordinals[n], *nouns])
    return None


def names_an_instance(question: str) -> bool:
    """Whether an English question numbers something by an ordinal ("the 8th session"), which unknown_ordinal checks."""
    return next(_ordinals(question.lower(), reach=1), None) is not None


@lru_cache(maxsize=8)
def _numbered(text: str) -> dict[str, frozenset[int]]:
    """The numbers a text gives each word after an ordinal."""
    seen: dict[str, set[int]] = {}
    for n, noun, _ in _ordinals(text, reach=_ORDINAL_REACH):
        seen.setdefault(noun, set()).add(n)
    return {noun: frozenset(numbers) for noun, numbers in seen.items()}


def _ordinals(text: str, reach: int) -> Iterator[tuple[int, str, int]]:
    """(number, noun, position) for each ordinal in a lower-case text and each of the `reach` words after it
    (past other ordinals and the words joining a list of them), nouns in the singular."""
    words = _WORD.findall(text)
    for i, word in enumerate(words):
        if not _is_ordinal(word):
            continue
        n = ordinal_to_int(word)
        j = i + 1
        while j < len(words) and (words[j] in _LIST_JOINS or _is_ordinal(words[j])):
            j += 1
        for noun in words[j:j + reach]:
            if noun in _NOT_NOUNS:
                break
            yield n, noun[:-1] if noun.endswith("s") and len(noun) > 4 else noun, i


def _numbers_anywhere(n: int, noun: str, corpus: str) -> bool:
    """Whether the corpus numbers `noun` by n, in figures or words ("34th meeting", "thirty-fourth meetings")."""
    written = "|".join(re.escape(w) for w in (ordinal_words(n), f"{n}{_suffix(n)}") if w)
    return re.search(rf"\b(?:{written})\s+(?:[\w-]+\s+){{0,{_ORDINAL_REACH - 1}}}{re.escape(noun)}", corpus) is not None


def _suffix(n: int) -> str:
    return "th" if n % 100 in (11, 12, 13) else {1: "st", 2: "nd", 3: "rd"}.get(n % 10, "th")


def _is_ordinal(word: str) -> bool:
    return word[-2:] in ("st", "nd", "rd", "th") and (ordinal_to_int(word) or 0) in range(1, 201)


_WORD = re.compile(r"[a-z0-9]+(?:-[a-z]+)?")
_LIST_JOINS = frozenset({"and", "or", "to", "through"})
_NOT_NOUNS = frozenset("s of the a an in on at for by with from as is was be time times half quarter place "
                       "preambular operative paragraph paragraphs line sentence".split())
_ORDINAL_REACH = 3


def unknown_year(question: str, document: str) -> str | None:
    """A year the question names that the (normalized) document neither mentions nor spans with a range
    ("2026—2030年", "2021-2030") — "行动计划中2031年的预算" over a plan for 2026—2030 — else None."""
    known = years_in(document)
    return next((year for year in YEAR.findall(normalize(question)) if int(year) not in known), None)


@lru_cache(maxsize=4)
def years_in(document: str) -> frozenset[int]:
    """The years a text mentions, and those inside each range of years it gives."""
    years = {int(year) for year in YEAR.findall(document)}
    for first, last in _YEAR_RANGE.findall(document):
        if 0 < int(last) - int(first) <= 50:
            years.update(range(int(first), int(last) + 1))
    return frozenset(years)


_YEAR_RANGE = re.compile(r"(?<!\d)((?:19|20)\d\d)\s*(?:年\s*)?(?:[-–—~～至到]|to|and)\s*((?:19|20)\d\d)(?!\d)")


def _year_not_in_table(question: str, passage: Passage) -> str | None:
    """The year a question asks a figure for ("…budget for 2028?") when the top passage is a table row whose
    columns are years and none is that one (nor does the row name it)."""
    if passage.kind != "table_row" or not passage.columns or not (asked := YEAR.findall(question)):
        return None
    column_years = {year for name, _ in passage.columns for year in YEAR.findall(name)}
    if not column_years:
        return None
    missing = [year for year in asked if year not in column_years and year not in passage.text]
    return missing[0] if len(missing) == len(asked) else None


def _names_a_missing_unit(question: str) -> bool:
    """Whether the question asks about an article, paragraph or footnote by its number ("What does Article 12 say
    about dispute settlement?") — not as part of a name ("the Article 6.4 mechanism") — which, as no exact
    reference was found, no loaded document has."""
    asked = normalize(question)
    return bool(_ASKS_WHAT_UNIT_SAYS.search(asked)) and not names_unit_as_topic(asked) \
        and any(kind in ("article", "para", "footnote") for kind, _ in read_segments(asked))


# the question asks what a unit says, not about something a unit it cites says ("根据第14/34号决定第6段，…")
_ASKS_WHAT_UNIT_SAYS = re.compile(r"\bwhat (?:does|do|did) (?:article|paragraph|para\.|footnote)\s*\d[^?]{0,80}"
                                  r"\b(?:say|says|provide|state|require|cover)|^[^，,]{0,20}第[^，,]{1,8}[条段款][^，,]{0,20}"
                                  r"(?:规定|讲|说)")


def _asks_only_for_a_unit(question: str) -> bool:
    """Whether the question asks for units and nothing else, the document they are in aside ("Article 2 of the
    Paris Agreement", "《京都议定书》第三条规定了什么？")."""
    asked = _RESOLUTION.sub(" ", _SYMBOL.sub(" ", normalize(question)))
    for title in _TITLE.findall(question) + _OF_TITLE.findall(question):
        asked = asked.replace(normalize(title), " ")
    return asks_only_for_units(_GENERIC_DOCUMENT.sub(" ", asked), allowance=0)


UNIT = re.compile(r"[(（]([^()（）]{1,30})[)）]\s*$")  # "(United States dollars)", "（百万美元）"


_BARE_NUMBER = re.compile(r"\d[\d,.\s]*")


def answer_text(passage: Passage) -> str:
    """The passage's text as answer kinds are looked for in it. A table row gives its figures their column's unit
    or caption's unit ("Estimated cost (USD)" | "250,000" → "250,000 USD", "表1：资金需求（百万美元）" | "18.3" →
    "18.3百万美元"): the row itself says only "250,000"."""
    units = []
    # the caption nearest the row that gives a unit: the table's, or its annex's ("Annex … Budget (United States dollars)")
    caption = next((unit for title in reversed(passage.section) for unit in [UNIT.search(title)] if unit), None) \
        if passage.kind == "table_row" else None
    for name, cell in passage.columns:
        unit = UNIT.search(name) or caption  # "表1：各国资金需求（百万美元）": the caption's unit serves every column
        if unit and re.search(r"\d", cell):
            units.append(f"{cell} {unit.group(1)}" if re.match(r"[A-Za-z$%]", unit.group(1)) else f"{cell}{unit.group(1)}")
        elif _BARE_NUMBER.fullmatch(cell) and name:  # "Seats" | "4": four seats, which a count question asks for
            units.append(f"{cell} {name}")
    return " ".join([passage.text, *units])


def missing_answer_type(question: str, passages: list[str]) -> str | None:
    """The kind of answer the question asks for when none of the passages holds one, else None."""
    asked = normalize(question)
    texts = [(normalize(p), p) for p in (_OWN_LABEL.sub("", passage) for passage in passages)]
    part = bool(_PART_ASKED.search(asked)) and any(_PERCENT.search(t) for t, _ in texts)
    for kind in ANSWER_TYPES:
        if kind.declines and kind.asked_by(asked) and not part and not any(kind.held_by(*t) for t in texts):
            return kind.name
    if _asks_count(asked) and not part and not any(_counts(asked, t) for t, _ in texts):
        return "count"
    return None


def answer_checks(question: str) -> list[Callable[[str, str], bool]]:
    """For each kind of answer the (normalized) question asks for, a test of whether a text (normalized, and as
    it is) holds one: "哪一天" needs a day, "how many members" a number of members. Empty when it asks for none."""
    checks: list[Callable[[str, str], bool]] = [kind.held_by for kind in ANSWER_TYPES if kind.asked_by(question)]
    if _asks_count(question):
        checks.append(lambda normalized, text: _counts(question, normalized))
    return checks


def _asks_count(question: str) -> bool:
    """"有几个…", "how many": a count; "需要多少资金", "what share" ask for an amount, which is not counted."""
    return bool(_ASKS_COUNT.search(question)) and not any(
        kind.name in ("money", "share") and kind.asked_by(question) for kind in ANSWER_TYPES)


def _counts(question: str, text: str) -> bool:
    """Whether the text gives a number of the things the question counts ("几个驱动因素" → "五个直接驱动因素").
    In an English text: a number that is not a reference or a year, followed closely by a word an English
    question counts ("how many members" → "12 members"); for a Chinese question any such number will do."""
    if not _CJK.search(text):
        text = _LIST_LABEL.sub("", text)  # "4. Peat depth should …": a paragraph's number counts nothing
        nouns = [] if _CJK.search(question) else _COUNTED_EN.findall(question)
        stems = {word.removesuffix("s")[:5] for phrase in nouns for word in phrase.split()  # "years": "year"
                 if len(word) >= 4 and word not in _NOT_COUNTED}
        return any(not stems or m.group(0) in ("once", "twice", "thrice")  # the noun is in the word: times
                   or any(stem in text[m.end():m.end() + 60] for stem in stems) for m in _COUNT_EN.finditer(text)) \
            or bool(_SHARE_EN.search(text)) \
            or bool(stems) and any(any(stem in text[m.end():m.end() + 25] for stem in stems)  # "the tenth instrument
                                   for m in _ORDINAL_EN.finditer(text))  # of ratification": how many are needed
    if _PIPED_FIGURE.search(text):  # a table row's figure in a cell of its own ("一般事务职类 | 22 | 23"): the row
        return True  # counts what it names
    if not _CJK.search(question):  # an English question over a Chinese text: a number of anything, or a share, or
        # a figure in a table's column, which answer_text gives its column's name ("46 受益国家数目")
        return bool(_COUNT.search(text) or _PERCENT.search(text) or _CELL_FIGURE.search(text))
    if not _COUNTER_ASKED.search(question):  # "实际支出是多少？": any figure answers
        return bool(_FIGURE.search(text))
    measure = _MEASURE_ASKED.search(question)
    unit = _UNIT_SIGNS.get(measure.group(1), measure.group(1)) if measure else ""
    if measure and not re.fullmatch(_COUNTER, measure.group(1)) and re.search(rf"(?<![\d.第])(?!(?:19|20)\d\d\D)(?:\d[\d,.]*|[一二两三四五六七八九十百千]+)\s*{unit}", text):
        # "多少吨" → "350吨" (a unit from its column's name); a year is no number of years
        return True
    counted = _COUNTED.search(question)
    noun = counted.group(1) if counted and counted.group(1)[0] not in "人钱" else ""
    for match in _COUNT.finditer(text):  # the thing counted soon after, in its clause: "40名来自…的早期职业科学家"
        if not noun or noun in _CLAUSE_END.split(text[match.start():], maxsplit=1)[0][:32]:
            return True
    return False


@dataclass(frozen=True)
class Abstention:
    """Decline when no exact reference was found and the evidence cannot supply an answer."""

    min_dense_zh: float = 0.85
    min_dense_en: float = 0.81
    min_lexical: float = 10.0

    def reason(self, hits: list[Hit], question: str, document: str = "", language: str = "zh",
               glossary: Glossary | None = None, scoped: bool = False,
               loaded: Callable[[list[str]], bool] | None = None, named: frozenset[str] = frozenset(),
               named_text: str = "", hits_text: str = "") -> str | None:
        """Why the bot should decline (a short phrase in `language`, "zh" or "en"), or None to answer;
        `glossary` (the project's by default) gives the other names of a title or acronym; `scoped` says the
        answer was limited to a document the user chose; `loaded` tells whether any of a title's names
        (normalized) is that of a loaded document or of a decision or annex in one; `named` holds the documents
        the question names, `named_text` their text (normalized, English in lower case), `hits_text` that of
        the documents the top passages are from."""
        english = not _CJK.search(question)
        words = _REASONS_EN if language == "en" else _REASONS_ZH
        if not hits:
            return words["none"]
        top = hits[0]
        # "《京都议定书》第三条": another document's 第三条 is no answer when no document mentions that treaty, nor
        # when it is mentioned but not loaded
        title = unknown_title(question, document, glossary) if document else None
        if title:
            return words["name"].format(title)
        absent = _title_not_loaded(question, glossary or default_glossary(), loaded) if top.exact and loaded else None
        if absent:
            return words["title"].format(absent)
        if top.exact:
            return None
        if _asks_only_for_a_unit(question) or _names_a_missing_unit(question):  # "paragraph 999 of decision 1/CMA.5",
            return words["unit_scoped" if scoped else "unit"]  # "《京都议定书》第三条": none has it
        numbered = unknown_numbered_text(question, document) if document else None
        if numbered:  # "What sanctions did resolution 2790 (2025) renew?" with no loaded text mentioning it
            return words["title"].format(numbered)
        if named and not any(h.passage.doc in named for h in hits[:CHECKED_HITS]):
            return words["elsewhere"]  # "第16/23号决定设立的信托基金…": only another document speaks of one
        absent = unknown_in_named(question, named_text) if named_text else None
        if absent:  # "东北亚…公约对汞排放规定了什么减排目标？": the convention the question names never mentions mercury
            return words["name_in"].format(absent)
        # an acronym a Chinese passage close to the question would spell out in Chinese is no sign of a name the
        # documents lack
        spelled_out = english and bool(_CJK.search(top.passage.text)) and top.dense_score >= self.min_dense_en
        name = unknown_name(question, document, glossary) if document and not spelled_out else None
        letters = _SESSION_NUMBER.sub("", name or "")  # "CSW71": the Commission's seventy-first session
        letters = letters.rstrip("s") if len(letters) > 3 else letters
        if name and (_spelled_out(letters, normalize(" ".join(h.passage.text for h in hits[:CHECKED_HITS])))
                     or letters != name and _spelled_out(letters, document)):
            name = None  # "the CDM" over passages on the "clean development mechanism"
        if name:
            return words["name"].format(name)
        year = unknown_year(question, document) if document else None
        if year:
            return words["name"].format(year if language == "en" else f"{year}年")
        year = unknown_year(question, named_text) if named_text else None  # "第12/COP.17号决定为2030年核准的…"
        if year:  # over a decision on 2028–2029
            return words["name_in"].format(year if language == "en" else f"{year}年")
        instance = unknown_instance(question, document) if document else None
        if instance:
            return words["name"].format(instance)
        # checked in English texts only: a Chinese passage names "the second assessment" in words of its own
        instance = unknown_ordinal(question, named_text or hits_text, document) \
            if english and not _CJK.search(top.passage.text) else None
        if instance:
            return words["name_in" if named_text else "name_found"].format(instance)
        # judged on the passages most about the question, before those holding the kind asked for were preferred,
        # and on those nearly as much about it that hold one
        about = sorted(hits, key=lambda h: h.score - h.kind_bonus, reverse=True)
        best = about[0].score - about[0].kind_bonus
        about = about[:CHECKED_HITS] + [h for h in about[CHECKED_HITS:]
                                        if h.kind_bonus and h.score - h.kind_bonus >= best - NEARLY_ABOUT]
        kind = missing_answer_type(question, [answer_text(h.passage) for h in about])
        if kind:
            return words["kind"].format((_KIND_WORDS_EN if language == "en" else _KIND_WORDS)[kind])
        year = _year_not_in_table(question, top.passage)
        if year:
            return words["year_column"].format(year)
        # a passage sharing not one word with the question, even through the glossary, needs the closeness asked
        # of a Chinese question ("What is the capital of Australia?" over a Chinese resolution: 0.81, no word)
        # a Chinese question over an English passage is a pair across languages, as the English questions over the
        # Chinese text that min_dense_en was calibrated on: cosines across languages run lower
        across = not english and not _CJK.search(top.passage.text)
        weak_dense = top.dense_score < (self.min_dense_en if (english or across) and top.lexical_score > 0
                                        else self.min_dense_zh)
        if weak_dense and top.lexical_score < self.min_lexical:
            return words["weak"]
        return None

    def declines(self, hits: list[Hit], question: str, document: str = "") -> bool:
        return self.reason(hits, question, document) is not None


_REASONS_ZH = {"name_in": "问题所指的文件没有提到{}", "name_found": "答案所在的文件没有提到{}", "none": "没有检索到段落", "unit": "已载入的文件中没有所问的编号部分", "unit_scoped": "所选文件中没有所问的编号部分",
               "title": "已载入的文件中没有{}", "name": "文件没有提到{}", "kind": "最相关的段落中没有{}",
               "weak": "最相关的段落与问题关联较弱", "year_column": "表中没有{}年的数字",
               "elsewhere": "问题所指的文件中没有相关段落，相关内容只见于其他文件"}
_REASONS_EN = {"name_in": "the document the question names never mentions {}",
               "name_found": "the documents holding the closest passages never mention {}", "none": "no passage was found", "unit": "no loaded document has the numbered part asked for",
               "unit_scoped": "the chosen document has no numbered part asked for",
               "title": "{} is not among the loaded documents",
               "name": "the documents never mention {}",
               "kind": "the closest passages give no {}", "weak": "the closest passages are only loosely related",
               "year_column": "the table gives no figure for {}",
               "elsewhere": "the document the question names says nothing on it; only other documents do"}
_KIND_WORDS_EN = {"money": "amount of money", "share": "share or percentage", "person": "person's name",
                  "day": "specific date", "deadline": "date or year", "year": "year", "count": "such number",
                  "outcome": "later outcome", "practical": "practical arrangements of this kind"}
_KIND_WORDS = {"money": "金额", "share": "比例", "person": "人名", "day": "具体日期", "deadline": "期限", "year": "年份",
               "count": "相应的数目", "outcome": "事后的结果", "practical": "这类实务安排"}
