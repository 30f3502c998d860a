"""Query and passage normalization: width, script, case and the spaces a translation puts around numbers."""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

# Chinese characters and punctuation, full-width punctuation; not full-width letters and digits ("ｐａｒａ　５"),
# which NFKC makes ASCII and which keep their spaces
_CJK = r"\u3000-\u303f\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uff0f\uff1a-\uff20\uff3b-\uff40\uff5b-\uffef"
_SPACE_NEAR_CJK = re.compile(rf"(?<=[{_CJK}])\s+|\s+(?=[{_CJK}])")
_SPACE_RUN = re.compile(r"\s+")
_SLASHES = str.maketrans({"\u2044": "/", "\u2215": "/"})  # fraction and division slashes, as in "1⁄CMA.5"
_CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b-\u200f\u2028-\u202e\u2060-\u2064\ufeff]")
# Han characters: every character of every key of opencc's t2s dictionaries is one (tests check it), so a text
# without any is returned unchanged by the conversion, which matches keys only.
HAN = re.compile("[\u2e80-\u2fdf\u3005\u3007\u3021-\u3029\u3038-\u303b\u3400-\u4dbf\u4e00-\u9fff"
                 "\uf900-\ufaff\U00020000-\U0003134f]")


@lru_cache(maxsize=1)
def _to_simplified():
    import opencc  # opencc-python-reimplemented: pure Python, dictionaries ship in the wheel

    return opencc.OpenCC("t2s").convert


def to_simplified(text: str) -> str:
    """Traditional Chinese characters made simplified; a text without Han characters (most English text) is
    returned as it is, without opencc's slow pure-Python pass over it."""
    if not HAN.search(text):
        return text
    return _to_simplified()(text)


def clean_spaces(text: str) -> str:
    """Drop control characters, fold runs of white space, remove spaces that touch Chinese characters."""
    text = _CONTROL.sub(" ", text)
    text = _SPACE_RUN.sub(" ", text).strip()
    return _SPACE_NEAR_CJK.sub("", text)


@lru_cache(maxsize=4096)  # a question is normalized by several steps of one reply; opencc is slow
def normalize(text: str) -> str:
    """The form in which questions and passages are compared: NFKC, simplified, lower case, tight spacing.

    Idempotent: normalize(normalize(x)) == normalize(x).
    """
    previous = None
    while text != previous:  # the steps interact rarely (NFKC can reveal a traditional form); settle them
        previous = text
        text = unicodedata.normalize("NFKC", text).translate(_SLASHES)
        text = to_simplified(text).lower()
        text = clean_spaces(text)
    return text
