"""Extractive answers: the most relevant sentences quoted verbatim with markers [n], or a plain decline."""
from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np

from bot.index import Index
from bot.records import Answer, Hit, Quote

NOT_FOUND = "文件中没有找到能直接回答这个问题的内容。以下是最接近的段落，供参考。"
WHOLE_PASSAGE_CHARS = 160  # a passage this short is quoted whole


@dataclass(frozen=True)
class Abstention:
    """Decline when no exact reference was found and the evidence is weak.

    Weak: the best cosine is under the threshold for the question's script (English questions score lower
    against Chinese text), and BM25 is low too.
    The values are chosen by bench/calibrate.py on bench/calibration.jsonl, never on the evaluation set.
    """

    min_dense_zh: float = 0.84
    min_dense_en: float = 0.81
    min_lexical: float = 10.0

    def declines(self, hits: list[Hit], question: str) -> bool:
        if not hits:
            return True
        top = hits[0]
        if top.exact:
            return False
        if asks_for_count(question) and not any(_COUNT.search(h.passage.text) for h in hits[:2]):
            return True  # "多少人参加？" with no number of anything in the passages found
        english = not _CJK.search(question)
        weak_dense = top.dense_score < (self.min_dense_en if english else self.min_dense_zh)
        return weak_dense and top.lexical_score < self.min_lexical


_CJK = re.compile(r"[\u3400-\u9fff]")
_ASKS_COUNT = re.compile(r"多少|一共有几|有几[个名位段项人份类种条]|数额|金额|预算|how many|how much|what percentage|what proportion|number of")
_COUNT = re.compile(r"(?<!第)(?:\d+|[一二两三四五六七八九十百千万]+)\s*(?:个|名|位|项|段|类|种|份|人|条|%|美元|元)")


def asks_for_count(question: str) -> bool:
    """A question whose answer is a number of things or an amount of money."""
    return bool(_ASKS_COUNT.search(question.lower()))


def best_sentence(index: Index, hit: Hit, row: int, query_vector: np.ndarray) -> str:
    """The passage itself when short, else its sentence closest to the question."""
    text = hit.passage.text
    if len(text) <= WHOLE_PASSAGE_CHARS:
        return text
    rows = [i for i, s in enumerate(index.sentences) if s.row == row]
    if not rows:
        return text
    scores = index.sentence_vectors[rows] @ query_vector
    return index.sentences[rows[int(np.argmax(scores))]].text


def compose(question: str, hits: list[Hit], index: Index, query_vector: np.ndarray, declined: bool,
            notes: tuple[str, ...] = ()) -> Answer:
    """Quote the top passage (and the second when it is an exact reference or nearly as strong)."""
    if declined:
        return Answer(question, NOT_FOUND, True, tuple(hits), (), notes)
    row_of = {p.id: row for row, p in enumerate(index.passages)}
    chosen = hits[:1] + [h for h in hits[1:2] if h.exact or h.score >= 0.97 * hits[0].score]
    quotes = tuple(
        Quote(n, hit.passage.id, best_sentence(index, hit, row_of[hit.passage.id], query_vector))
        for n, hit in enumerate(chosen, start=1)
    )
    lines = [f"{hit.passage.citation}[{q.marker}]：「{q.sentence}」" for hit, q in zip(chosen, quotes)]
    return Answer(question, "\n".join(lines), False, tuple(hits), quotes, notes)
