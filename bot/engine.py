"""The one object a caller needs: Bot.open(config).ask(question) -> Answer."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from bot.answer import Abstention, compose
from bot.config import Config
from bot.embedder import Embedder, SentenceTransformerEmbedder
from bot.errors import QueryError
from bot.index import Index, open_index
from bot.records import Answer, Hit, Passage
from bot.retrieve import Retriever, is_followup
from bot.textnorm import clean_spaces
from bot.tokenize import Tokenizer

MAX_QUESTION_CHARS = 500
MAX_K = 50
_ASKS_FOR_FOOTNOTE = re.compile(r"脚注|注释|footnote|note")
_CJK = re.compile(r"[\u3400-\u9fff]")
_HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十]")
_SURROGATE = re.compile("[\ud800-\udfff]")


class Bot:
    def __init__(self, index: Index, embedder: Embedder, tokenizer: Tokenizer, config: Config,
                 abstention: Abstention = Abstention()) -> None:
        self.index, self.embedder, self.config, self.abstention = index, embedder, config, abstention
        self.retriever = Retriever(index, embedder, tokenizer)
        self.by_id: dict[str, Passage] = {p.id: p for p in index.passages}

    @classmethod
    def open(cls, config: Config, embedder: Embedder | None = None, rebuild: bool = False,
             say: Callable[[str], None] = print) -> "Bot":
        """Load the index for the configured corpus and model, building it first when missing or stale."""
        embedder = embedder or SentenceTransformerEmbedder(config.model, config.cache_dir, config.progress)
        tokenizer = Tokenizer()
        index = open_index(config.index_dir, config.corpus_dir, embedder, tokenizer, config.progress, say, rebuild)
        return cls(index, embedder, tokenizer, config)

    @property
    def passages(self) -> list[Passage]:
        return self.index.passages

    def search(self, question: str, k: int | None = None, history: Sequence[str] = (), mode: str = "hybrid") -> list[Hit]:
        return self._search(*_checked(question, k or self.config.k), history, mode)[0]

    def ask(self, question: str, k: int | None = None, history: Sequence[str] = ()) -> Answer:
        """Answer one question; `history` holds the user's previous questions, oldest first."""
        text, k, notes = _checked(question, self.config.k if k is None else k)
        hits, query_vector = self._search(text, k, notes, history, "hybrid")
        return compose(text, hits, self.index, query_vector, self.declines(text, hits), notes)

    def declines(self, question: str, hits: list[Hit]) -> bool:
        """Whether the evidence for this question is too weak to answer (see answer.Abstention)."""
        english = not _CJK.search(question)
        return self.abstention.declines(hits, english, self.retriever.coverage(question))

    def _search(self, text: str, k: int, notes: tuple[str, ...], history: Sequence[str], mode: str):
        previous = clean_spaces(history[-1])[:MAX_QUESTION_CHARS] if history and is_followup(text) else ""
        hits, query_vector = self.retriever.search(text, k, mode, previous)
        if previous and _ASKS_FOR_FOOTNOTE.search(text.lower()) and not _HAS_NUMBER.search(text):
            hits = self._footnotes_of_previous(previous, history[:-1], k) or hits
        return hits, query_vector

    def _footnotes_of_previous(self, previous: str, earlier: Sequence[str], k: int) -> list[Hit]:
        """'它的脚注怎么说？': the footnotes of the passage that answered the previous question."""
        for hit in self.search(previous, k, earlier):
            if hit.passage.footnotes:
                notes = [self.by_id[i] for i in hit.passage.footnotes if i in self.by_id]
                return [Hit(p, 1.0, exact=True) for p in notes]
        return []


def _checked(question: str, k: int) -> tuple[str, int, tuple[str, ...]]:
    """A clean question and k, or a QueryError; over-long questions are cut with a note."""
    if not isinstance(k, int) or k < 1 or k > MAX_K:
        raise QueryError(f"k must be a whole number from 1 to {MAX_K} (got {k})")
    if question is not None and not isinstance(question, str):
        raise QueryError(f"the question must be text (got {type(question).__name__})")
    # A lone surrogate (undecodable bytes in argv, a "\ud800" in JSON) cannot be encoded for the model.
    text = clean_spaces(_SURROGATE.sub("\ufffd", question or ""))
    if not text:
        raise QueryError("问题是空的：请输入一个关于文件的问题。(The question is empty.)")
    notes: tuple[str, ...] = ()
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rstrip()  # a cut just after a space must not leave it dangling
        notes = (f"问题过长，只使用了前 {MAX_QUESTION_CHARS} 个字符。(Question truncated to {MAX_QUESTION_CHARS} characters.)",)
    return text, k, notes
