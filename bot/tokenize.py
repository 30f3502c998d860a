"""Words for the lexical channel: normalized text cut by the project's own jieba tokenizer."""
from __future__ import annotations

import logging
import os
import re
import threading
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

from bot.english import stem
from bot.textnorm import normalize

DOMAIN_WORDS_FILE = Path(__file__).resolve().parent / "data" / "domain_words.txt"


def domain_words() -> tuple[str, ...]:
    """Terms of the field that jieba's general dictionary would split (data), and the glossary's Chinese terms."""
    from bot.glossary import default_glossary

    listed = [line.strip() for line in DOMAIN_WORDS_FILE.read_text(encoding="utf-8").splitlines()
              if line.strip() and not line.startswith("#")]
    return tuple(dict.fromkeys(listed + default_glossary().chinese_words()))


STOPWORDS = frozenset(
    """的 了 是 在 和 与 及 或 有 吗 呢 吧 啊 呀 么 这 那 这个 那个 哪 哪个 哪些 哪里 哪儿 什么 什么样 怎么 怎样 如何 为什么
    谁 何 何时 何地 多少 几 是否 能否 能 会 要 说 讲 提到 提及 提 文件 文中 里 中 上 下 请问 请 一下 关于 对于 吗 呢 个 些
    都 也 就 还 又 被 把 给 让 我 我们 你 你们 它 它们 其 之 所 以及 并 但 而 则 即 等 等等 该 本 各 每 这些 那些
    不是 是不是 算是 不算 算不算 会不会 不会 能不能 不能 要不要 需不需要 有没有 可不可以 应不应该 到底 究竟
    哪几 几个 哪几个 哪一 哪一个 哪一项 啥 啥时候 时候 什么时候 有人 大家 东西 分别 已经 一下子 吗 嘛 呗 咋 咋样
    a an the of in on at to for and or is are was were be been being do does did will would can could should
    what which who whom whose when where why how this that these those it its there their they them
    document say says said about tell me please any some""".split()
)

_WORDLIKE = re.compile(r"\w", re.UNICODE)
# Codes read as one word: decision numbers (14/34, cp-9/7), meeting symbols (sbstta-23, wg2020-2), 8(j).
_CODES = re.compile(r"(?:[a-z]+-)?\d+/\d+|[a-z]+\d*-\d+|\d+\([a-z]\)")
# Dates read as one word in either language, so "3 December 2019" meets "2019年12月3日": d:2019-12-03 for a
# day (and its month), m:2019-12 for a month. A day, a month and a year are three common tokens apart.
DATE_PREFIXES = ("d:", "m:")  # date tokens, words of no text (not to be highlighted)
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")
_MONTH = "|".join(_MONTHS)
_DAY_MONTH_YEAR = re.compile(rf"\b(?:(\d{{1,2}})\s*[–-]\s*)?(\d{{1,2}})\s+({_MONTH})\s+(\d{{4}})\b")  # (2–)15 december 2018
_MONTH_DAY_YEAR = re.compile(rf"\b({_MONTH})\s+(\d{{1,2}}),?\s+(\d{{4}})\b")
_MONTH_YEAR = re.compile(rf"\b({_MONTH})\s+(\d{{4}})\b")
_CHINESE_DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月(?:\s*(\d{1,2})\s*日)?")
_lock = threading.Lock()
# jieba's cut splits a text at the edges of runs of these characters (its re_han_default) and cuts each run and
# each gap between runs on its own, knowing nothing of the rest of the text; cut_for_search then adds the
# dictionary's 2- and 3-grams of each word. So the words of a text are those of its pieces, one after another, and
# a piece (an English word, a number, a code, a run of Chinese up to the next punctuation) recurs often: its words
# are cached. Kept equal to jieba's own pattern by a test.
_BLOCKS = re.compile("([\u4E00-\u9FD5a-zA-Z0-9+#&\\._%\\-]+)", re.U)
PIECES_CACHED = 1 << 17


def _keep_cache_in(cutter, folder: Path | str | None) -> None:
    """Point jieba's prefix-dictionary cache (a marshal dump, rebuilt in ~1 s when missing) at `folder`.

    A folder that cannot be written and holds no cache yet is left alone: jieba would log a traceback."""
    if folder is None:
        return
    import jieba

    folder, name = Path(folder), f"jieba-{jieba.__version__}.cache"
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError:
        return
    if os.access(folder, os.W_OK) or (folder / name).is_file():
        cutter.tmp_dir, cutter.cache_file = str(folder), name


def _word_files(cutter) -> tuple[Path, Path] | None:
    """Where the bot keeps jieba's prefix dictionary as plain data: words (UTF-8, one a line) and jieba's total
    followed by their counts (.npy; the total is its own number: a word listed twice counts twice in it),
    beside jieba's own cache; None when jieba's cache is not in the bot's folder."""
    if not (cutter.cache_file and cutter.tmp_dir):
        return None
    stem = Path(cutter.tmp_dir) / Path(cutter.cache_file).stem
    return stem.with_name(stem.name + ".words.txt"), stem.with_name(stem.name + ".counts.npy")


def _initialize(cutter) -> None:
    """jieba's `initialize` for the default dictionary, from the bot's plain-data copy of it when there is one.

    jieba unmarshals its cache straight from the open file, a few bytes at a time: 0.56 s here, all of it
    holding the GIL that the chat's start-up shares. The same dictionary as a word list and a count array
    (no unmarshalling in the bot) reads in 0.2 s. Written once, after jieba's own initialize; a missing,
    broken or mismatched copy is ignored and jieba initializes as usual."""
    import jieba
    import numpy as np

    files = _word_files(cutter) if cutter.dictionary == jieba.DEFAULT_DICT else None
    if files is not None:
        try:
            words = files[0].read_text(encoding="utf-8").split("\n")
            counts = np.load(files[1], allow_pickle=False)
            if counts.dtype == np.int64 and counts.ndim == 1 and len(counts) == len(words) + 1:
                cutter.FREQ, cutter.total = dict(zip(words, counts[1:].tolist())), int(counts[0])
                cutter.initialized = True
                return
        except (OSError, ValueError, UnicodeDecodeError):
            pass
    cutter.initialize()
    if files is not None and not any("\n" in word for word in cutter.FREQ):
        _write_word_files(files, cutter.FREQ, cutter.total)


def _write_word_files(files: tuple[Path, Path], frequencies: dict[str, int], total: int) -> None:
    import io

    import numpy as np

    words, counts = files
    array = io.BytesIO()
    np.save(array, np.array([total, *frequencies.values()], np.int64), allow_pickle=False)
    try:
        _write_whole(counts, array.getvalue())
        _write_whole(words, "\n".join(frequencies).encode("utf-8"))
    except OSError:
        pass  # a folder that cannot be written: jieba's own cache still serves


def _write_whole(path: Path, data: bytes) -> None:
    """Write a file so that a reader never sees it half written."""
    partial = path.with_name(f"{path.name}.{os.getpid()}.part")
    partial.write_bytes(data)
    os.replace(partial, path)


class Tokenizer:
    """A private, lazily initialised jieba tokenizer (not jieba's global one), with the domain words added."""

    def __init__(self, extra_words: Iterable[str] = (), cache_dir: Path | str | None = None) -> None:
        """`cache_dir` (the bot's cache folder) keeps jieba's dictionary cache; None leaves it in the system's
        temporary folder, shared with every local user."""
        self._jieba = None
        self._extra = tuple(extra_words)
        self._cache_dir = cache_dir

    def _cutter(self):
        if self._jieba is None:
            with _lock:
                if self._jieba is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    cutter = jieba.Tokenizer()
                    _keep_cache_in(cutter, self._cache_dir)
                    _initialize(cutter)
                    for word in domain_words() + self._extra:
                        cutter.add_word(word)
                    self._piece_words = lru_cache(PIECES_CACHED)(lambda piece: tuple(self._kept_words(piece)))
                    self._jieba = cutter
        return self._jieba

    def __call__(self, text: str) -> list[str]:
        """Tokens of `text` after normalization, without punctuation or stopwords."""
        text = normalize(text)
        self._cutter()
        piece_words = self._piece_words
        kept = [w for piece in _BLOCKS.split(text) if piece for w in piece_words(piece)]
        return kept + _CODES.findall(text) + dates(text)

    def _kept_words(self, text: str) -> list[str]:
        """The words jieba's cut_for_search gives for normalized `text`, stemmed, punctuation and stopwords out."""
        words = self._cutter().cut_for_search(text)
        return [stem(w) for w in (w.strip() for w in words) if w and _WORDLIKE.search(w) and w not in STOPWORDS]

    def slow_call(self, text: str) -> list[str]:
        """What __call__ returns, computed as it was before pieces were cached: jieba over the whole text (tests)."""
        text = normalize(text)
        return self._kept_words(text) + _CODES.findall(text) + dates(text)


def dates(text: str) -> list[str]:
    """Date tokens of normalized text: d:YYYY-MM-DD for each day named (the first day of a range too) and
    m:YYYY-MM for each month, in English ("3 december 2019", "december 3, 2019", "june 2024") or Chinese
    ("2019年12月3日", "2024年6月")."""
    found: list[str] = []

    def add(year: str, month: int, day: str | None) -> None:
        if 1 <= month <= 12:
            if day and 1 <= int(day) <= 31:
                found.append(f"d:{year}-{month:02d}-{int(day):02d}")
            found.append(f"m:{year}-{month:02d}")

    for first, day, month, year in _DAY_MONTH_YEAR.findall(text):
        add(year, _MONTHS.index(month) + 1, day)
        if first:
            add(year, _MONTHS.index(month) + 1, first)
    for month, day, year in _MONTH_DAY_YEAR.findall(text):
        add(year, _MONTHS.index(month) + 1, day)
    for month, year in _MONTH_YEAR.findall(text):
        add(year, _MONTHS.index(month) + 1, None)
    for year, month, day in _CHINESE_DATE.findall(text):
        add(year, int(month), day or None)
    return list(dict.fromkeys(found))
