"""Bilingual terms for the lexical channel, read from data (bot/data/glossary*.tsv, plus a corpus's own glossary.tsv).

The dense model reads both languages; BM25 over words cannot match a Chinese question to English text or the
reverse. A question's terms are therefore added to its tokens in the other language: English terms are
matched on word stems, Chinese ones as substrings. No term lives in code.
"""
from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from bot.english import stem
from bot.errors import CorpusError
from bot.numerals import english_numbers, number_words

DATA_DIR = Path(__file__).resolve().parent / "data"
CORPUS_GLOSSARY = "glossary.tsv"  # a corpus folder's own terms, in the same format as bot/data/glossary*.tsv
_WORD = re.compile(r"[a-z][a-z0-9]*(?:-[a-z0-9]+)*")
_CJK = re.compile(r"[\u3400-\u9fff]")


def _stems(text: str) -> tuple[str, ...]:
    return tuple(stem(w) for w in _WORD.findall(text.lower()))


@dataclass(frozen=True)
class Entry:
    english: str
    stems: tuple[str, ...]
    chinese: tuple[str, ...]


@dataclass
class Glossary:
    entries: list[Entry] = field(default_factory=list)

    def __post_init__(self) -> None:
        self._by_first: dict[str, list[Entry]] = defaultdict(list)
        for entry in self.entries:
            if entry.stems:
                self._by_first[entry.stems[0]].append(entry)

    @classmethod
    def load(cls, *extra: Path) -> "Glossary":
        """The project's glossaries (bot/data/glossary*.tsv), then any extra files (a corpus folder's glossary.tsv)."""
        files = sorted(DATA_DIR.glob("glossary*.tsv")) + [path for path in extra if path.is_file()]
        return cls([entry for path in files for entry in _read(path)])

    @classmethod
    def for_corpus(cls, corpus_dir: Path) -> "Glossary":
        """The project's terms plus those of the corpus folder's glossary.tsv, when it has one."""
        own = Path(corpus_dir) / CORPUS_GLOSSARY
        return cls.load(own) if own.is_file() else default_glossary()

    def translations(self, question: str) -> str:
        """The other language's terms for the terms of a (normalized) question, space-separated."""
        return " ".join(name for _, name in self.translation_pairs(question))

    def translation_pairs(self, question: str) -> list[tuple[str, str]]:
        """Each term of a (normalized) question with one of its names in the other language: (term, name). A
        Chinese question's ordinals and numbers in English words come as their own terms."""
        pairs: list[tuple[str, str]] = []
        stems = _stems(question)
        for i, first in enumerate(stems):
            for entry in self._by_first.get(first, ()):
                if stems[i:i + len(entry.stems)] == entry.stems:
                    pairs += [(entry.english, chinese) for chinese in entry.chinese]
        if _CJK.search(question):
            chinese = english_numbers(question)
            pairs += [(term, entry.english) for entry in self.entries for term in entry.chinese if term and term in chinese]
            pairs += [(word, word) for word in number_words(question)]
        return pairs

    def english_for(self, chinese: str) -> list[str]:
        """The English terms of the entries whose Chinese terms the text holds ("巴黎协定": "paris agreement")."""
        return [entry.english for entry in self.entries if any(term and term in chinese for term in entry.chinese)]

    def english_names(self, name: str) -> list[str]:
        """The English names of a Chinese name the glossary holds whole ("巴黎协定": "paris agreement"), not of
        the terms inside it ("公约": "convention" is no name of 《濒危野生动植物种国际贸易公约》)."""
        return [entry.english for entry in self.entries if name in entry.chinese]

    def in_english(self, chinese: str) -> str:
        """A Chinese text with each glossary term in it (two characters or more, longest first) replaced by its
        English name, and its ordinals, dates and amounts in English: "附属科学技术咨询机构第六十届会议" -> "subsidiary
        body for scientific and technological advice sixtieth session"."""
        chinese = english_numbers(chinese)
        names: dict[str, str] = {}
        for entry in self.entries:
            for term in entry.chinese:
                if len(term) >= 2 and _CJK.search(term) and term in chinese and len(entry.english) > len(names.get(term, "")):
                    names[term] = entry.english  # the full name rather than an acronym ("nap")
        for term in sorted(names, key=len, reverse=True):
            chinese = chinese.replace(term, f" {names[term]} ")
        return " ".join(chinese.split())

    def in_chinese(self, english: str) -> str:
        """An English text with each glossary term in it (matched on word stems, longest first) replaced by its
        first Chinese name: "Who chairs the Subsidiary Body for Implementation?" -> "Who chairs the 附属履行机构?"."""
        words = list(_WORD.finditer(english.lower()))
        stems = [stem(w[0]) for w in words]
        out, start, i = [], 0, 0
        while i < len(words):
            match = max((e for e in self._by_first.get(stems[i], ()) if stems[i:i + len(e.stems)] == list(e.stems)
                         and _CJK.search(e.chinese[0])), key=lambda e: len(e.stems), default=None)
            if match is None:
                i += 1
                continue
            end = words[i + len(match.stems) - 1].end()
            out += [english[start:words[i].start()], f" {match.chinese[0]} "]
            start, i = end, i + len(match.stems)
        return " ".join("".join(out + [english[start:]]).split())

    def knows(self, word: str) -> bool:
        """Whether a lower-case English word or acronym is a glossary term ("cop25" by "cop")."""
        return bool(self._entries_for(word))

    def renderings(self, word: str) -> list[str]:
        """The terms a glossary word stands for, in both languages ("ifad": its English and Chinese names)."""
        return [term for entry in self._entries_for(word) for term in (entry.english, *entry.chinese)]

    def _entries_for(self, word: str) -> list[Entry]:
        word_stem = stem(word.lower())
        return [entry for entry in self.entries for s in entry.stems[:1]
                if word_stem == s or word_stem.startswith(s) and len(s) >= 3]

    def chinese_words(self) -> list[str]:
        """Every Chinese term, for the word segmenter."""
        return sorted({term for entry in self.entries for term in entry.chinese if _CJK.search(term)})


def _read(path: Path) -> list[Entry]:
    """Lines of `English term<TAB>Chinese terms`; blank lines, # comments and lines without both are skipped."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as error:
        raise CorpusError(f"{path}: not UTF-8 text (byte {error.start}); save the glossary as UTF-8") from error
    except OSError as error:
        raise CorpusError(f"{path}: cannot be read ({error.strerror or error})") from error
    entries = []
    for line in text.splitlines():
        if not line.strip() or line.startswith("#") or "\t" not in line:
            continue
        english, chinese = line.split("\t", 1)
        if english.strip() and chinese.split():
            entries.append(Entry(english.strip().lower(), _stems(english), tuple(chinese.split())))
    return entries


@lru_cache(maxsize=1)
def proper_names() -> tuple[Entry, ...]:
    """The entries of glossary_names.tsv: States, groupings, organizations, host cities, named bodies and funds."""
    return tuple(_read(DATA_DIR / "glossary_names.tsv"))


@lru_cache(maxsize=1)
def specific_terms() -> tuple[Entry, ...]:
    """Terms that name one thing: the proper names, and the environment vocabulary's substances, species, places
    and instruments (glossary_environment.tsv), English terms of five letters or more or of several words ("lead"
    is also a verb)."""
    entries = proper_names() + tuple(_read(DATA_DIR / "glossary_environment.tsv"))
    return tuple(e for e in entries if len(e.english) >= 5 or " " in e.english)


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    return Glossary.load()
