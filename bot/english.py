"""English word stems for the lexical channel: "meetings", "meeting" and "met" need not match, but the first two must."""
from __future__ import annotations

from functools import lru_cache


@lru_cache(maxsize=1)
def _stemmer():
    import snowballstemmer  # pure Python Snowball (Porter 2) stemmer

    return snowballstemmer.stemmer("english")


@lru_cache(maxsize=65536)
def stem(word: str) -> str:
    """The Snowball stem of a lower-case English word; other tokens are returned as they are."""
    if not (word.isascii() and word.isalpha()) or len(word) < 4:
        return word
    return _stemmer().stemWord(word)
