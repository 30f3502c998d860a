"""The one object a caller needs: Bot.open(config).ask(question) -> Answer."""
from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import replace

from bot.abstain import CHECKED_HITS, Abstention, names_an_instance
from bot.answer import compose
from bot.config import Config
from bot.embedder import Embedder, make_embedder
from bot.errors import QueryError
from bot.glossary import Glossary
from bot.index import Index, open_index
from bot.corpus import Document
from bot.records import Answer, Hit, Passage
from bot.references import read_segments
from bot.retrieve import Retriever, is_followup, language_of
from bot.textnorm import clean_spaces, normalize
from bot.tokenize import Tokenizer

MAX_QUESTION_CHARS = 500
MAX_K = 50
MAX_CACHED_TEXTS = 64  # documents' texts kept for decline checks (a long-running chat asks about many sets)
_ASKS_FOR_FOOTNOTE = re.compile(r"脚注|注释|footnote|note")
_ASKS_FOR_ANNOTATED = re.compile(r"哪一项|哪项|哪个项目|哪一段|哪段|哪一节|哪节|哪个部分|注的是|注释的是|给.*加的注|annotat"
                                 r"|which (?:item|paragraph|section|part)|refer")
# a question naming a footnote and asking what it annotates ("脚注14是给哪一项加的注？"), not what it says
_ASKS_WHAT_IT_ANNOTATES = re.compile(r"给.*加的注|注的是哪|注释的是哪|哪一?[项段节](?:的|加的)?(?:脚注|注)|annotat"
                                     r"|which (?:item|paragraph|section|part) (?:does|is|has)")
# a question asking where a statement comes from, which a footnote of the passage making it says
_ASKS_FOR_SOURCE = re.compile(r"脚注|注释|出自|出处|(?:数据|资料|信息)来源|哪份(?:文献|报告|文件)|footnote"
                              r"|\bsources?\b(?! of (?:funding|financ|support|revenue|income))|\bcited (?:as|in|from)\b"
                              r"|according to (?:which|what)|which (?:publication|report|study|reference)|\bsymbol\b")
_ASKS_FOR_SECTION = re.compile(r"哪一?节|哪个部分|哪一部分|哪一章|which (?:section|part|chapter)|what (?:section|part|chapter)")
_HAS_NUMBER = re.compile(r"\d|[一二三四五六七八九十]")
# a follow-up that swaps the subject and keeps the ask: "And for regional projects?", "那第三次会议呢？"
_SWAPS_SUBJECT = re.compile(r"^(?:那么?|还有|and\b|what about|how about)|呢[?？]?$", re.IGNORECASE)
_ASKS_ANEW = re.compile(r"什么|哪|谁|何|多少|几|吗|\b(?:what|when|where|who|whom|which|why|how (?:many|much|often|long))\b"
                        r"|^(?:is|are|was|were|do|does|did|can|shall|will)\b", re.IGNORECASE)
_SURROGATE = re.compile("[\ud800-\udfff]")


class Bot:
    def __init__(self, index: Index, embedder: Embedder, tokenizer: Tokenizer, config: Config,
                 abstention: Abstention = Abstention(), glossary: Glossary | None = None) -> None:
        self.index, self.embedder, self.config, self.abstention = index, embedder, config, abstention
        self.glossary = glossary or Glossary.for_corpus(config.corpus_dir)
        self.retriever = Retriever(index, embedder, tokenizer, glossary=self.glossary)
        self.by_id: dict[str, Passage] = {p.id: p for p in index.passages}
        self.documents: list[Document] = list(index.documents)
        self.by_doc: dict[str, Document] = {d.id: d for d in self.documents}
        self._names_text: str | None = None
        self._doc_texts: dict[frozenset[str], str] = {}

    @classmethod
    def open(cls, config: Config, embedder: Embedder | None = None, rebuild: bool = False,
             say: Callable[[str], None] = print) -> "Bot":
        """Load the index for the configured corpus and model, building it first when missing or stale."""
        embedder = embedder or make_embedder(config.model, config.cache_dir, config.progress)
        glossary = Glossary.for_corpus(config.corpus_dir)  # read first: a broken file is said before any indexing
        tokenizer = Tokenizer(cache_dir=config.cache_dir)
        index = open_index(config.index_dir, config.corpus_dir, embedder, tokenizer, config.progress, say, rebuild)
        return cls(index, embedder, tokenizer, config, glossary=glossary)

    @property
    def passages(self) -> list[Passage]:
        return self.index.passages

    @property
    def titles(self) -> dict[str, str]:
        return {d.id: d.title for d in self.documents}

    def document(self, doc: str) -> Document:
        """A document by its id, symbol or file name (any case); QueryError names the loaded ones otherwise."""
        wanted = doc.strip().lower()
        found = self.by_doc.get(doc) or next((d for d in self.documents
                                              if wanted in (d.id.lower(), (d.symbol or "").lower(), d.file.lower())), None)
        if found is None:
            known = ", ".join(d.id for d in self.documents[:10]) + (" …" if len(self.documents) > 10 else "")
            raise QueryError(f"no document {doc!r} is loaded (documents: {known}; `bot docs` lists them)")
        return found

    def search(self, question: str, k: int | None = None, history: Sequence[str] = (), mode: str = "hybrid",
               doc: str | None = None) -> list[Hit]:
        text, k, _ = clean_question(question, self.config.k if k is None else k)
        return self._search(text, k, history, mode, self._scope(doc))[0]

    def ask(self, question: str, k: int | None = None, history: Sequence[str] = (), doc: str | None = None) -> Answer:
        """Answer one question; `history` holds the user's previous questions, oldest first; `doc` limits the
        answer to one document (its id or symbol)."""
        text, k, notes = clean_question(question, self.config.k if k is None else k)
        hits, query_vector = self._search(text, k, history, "hybrid", self._scope(doc))
        language = language_of(text)
        reason = self.decline_reason(text, hits, language, scoped=doc is not None)
        notes += _missing_item_note(text, hits, language) + _follow_up_note(text, hits, history, language) \
            + _several_units_note(hits, language)
        return compose(text, hits, self.index, query_vector, reason, notes, language)

    def declines(self, question: str, hits: list[Hit]) -> bool:
        """Whether the evidence for this question is too weak to answer (see abstain.Abstention)."""
        return self.decline_reason(question, hits) is not None

    def decline_reason(self, question: str, hits: list[Hit], language: str = "zh", scoped: bool = False) -> str | None:
        resolver = self.retriever.resolver
        named = frozenset(resolver.named_documents(normalize(question)))
        holding = named | {resolver.decision_docs[s] for s in resolver.named_containers(normalize(question))
                           if s in resolver.decision_docs}  # "… under decision BC-17/5": the report holding it
        found = frozenset(h.passage.doc for h in hits[:CHECKED_HITS])  # their text, read only when a question
        hits_text = self._text_of(found) if names_an_instance(question) else ""  # numbers an instance to look up
        return self.abstention.reason(hits, question, self.names_text, language, self.glossary, scoped,
                                      resolver.names_loaded, named, self._text_of(frozenset(holding)), hits_text)

    def _text_of(self, docs: frozenset[str]) -> str:
        """The named documents' text as names are looked up in it (see names_text)."""
        if not docs:
            return ""
        if docs not in self._doc_texts:
            if len(self._doc_texts) >= MAX_CACHED_TEXTS:
                self._doc_texts.clear()
            self._doc_texts[docs] = "\n".join(
                [normalize(p.text) if self.by_doc[p.doc].language == "zh" else p.text.lower()
                 for p in self.index.passages if p.doc in docs]
                + [normalize(self.by_doc[d].title or "") for d in docs if d in self.by_doc])
        return self._doc_texts[docs]

    @property
    def names_text(self) -> str:
        """The corpus's text in the form names are looked up in (a title in 《》, an acronym); built on first use."""
        if self._names_text is None:
            parts = [normalize(p.text) if self.by_doc.get(p.doc) is None or self.by_doc[p.doc].language == "zh"
                     else p.text.lower() for p in self.index.passages]
            parts += [normalize(d.title) for d in self.documents]
            self._names_text = "\n".join(parts)
        return self._names_text

    def _scope(self, doc: str | None) -> list[str] | None:
        return [self.document(doc).id] if doc else None

    def _search(self, text: str, k: int, history: Sequence[str], mode: str, scope: list[str] | None):
        previous = clean_spaces(history[-1])[:MAX_QUESTION_CHARS] if history and is_followup(text) else ""
        before: list[Hit] = []
        previous_doc = None
        if previous:
            before = self._search(previous, k, history[:-1], mode, scope)[0]
            previous_doc = before[0].passage.doc if before else None
            named = self.retriever.resolver.named_documents(normalize(text))
            if scope is None and previous_doc and not named:
                scope = [previous_doc]  # a follow-up stays in the previous turn's document unless it names another
        elif history and mode == "hybrid" and read_segments(normalize(text)) \
                and not self.retriever.resolver.named_documents(normalize(text)):
            # "第6段说什么？" after paragraph 5 of decision 16/31: a unit named without its document is looked for
            # in the previous turn's first (the question is not a follow-up: it is searched as it stands); that turn
            # is read alone, so a long chat costs one search more, not one per turn
            earlier = self._search(clean_spaces(history[-1])[:MAX_QUESTION_CHARS], k, (), mode, scope)[0]
            previous_doc = earlier[0].passage.doc if earlier else None
        hits, query_vector = self.retriever.search(text, k, mode, previous, scope, previous_doc)
        if mode == "hybrid" and hits and hits[0].exact and hits[0].passage.kind == "footnote" \
                and _ASKS_WHAT_IT_ANNOTATES.search(normalize(text)):
            annotated = [Hit(self.by_id[i], 1.0, exact=True) for i in hits[0].passage.cited_by if i in self.by_id]
            hits = (annotated + [h for h in hits if h.passage.id not in {a.passage.id for a in annotated}])[:k]
        elif mode == "hybrid" and hits and hits[0].exact and hits[0].passage.footnotes \
                and _ASKS_FOR_FOOTNOTE.search(normalize(text)) \
                and not any(kind == "footnote" for kind, _ in read_segments(normalize(text))):
            # "What does the footnote to paragraph 22 say?", "第22段的脚注讲什么？": the unit's footnotes, then it
            notes = [Hit(self.by_id[i], 1.0, exact=True) for i in hits[0].passage.footnotes if i in self.by_id]
            hits = (notes + [h for h in hits if h.passage.id not in {n.passage.id for n in notes}])[:k]
        elif mode == "hybrid" and hits and not hits[0].exact and hits[0].passage.footnotes \
                and _ASKS_FOR_SOURCE.search(normalize(text)):
            # "Which publication is cited as the source for …?": the footnote of the passage found names it; the
            # footnote is quoted first, on the passage's evidence, and the passage after it
            note = self._footnote_asked(text, hits)
            if note is not None:
                hits = [replace(hits[0], passage=note), *[h for h in hits if h.passage.id != note.id]][:k]
        if previous and mode == "hybrid" and before and len(hits) > 1 and not hits[0].exact \
                and hits[0].passage.id == before[0].passage.id and self._swaps_subject(text, previous, hits[0].passage):
            hits = [hits[1], hits[0], *hits[2:]]  # what answered the previous turn is not what the new subject asks
        if previous and mode == "hybrid" and before:
            linked = self._linked_to_previous(normalize(text), before)
            if linked:  # the units the previous turn leads to; the same unit elsewhere ("第3段" of another
                # decision) stays a card, not a second named answer
                rest = [replace(h, exact=False) for h in hits if h.passage.id not in {x.passage.id for x in linked}]
                hits = (linked + rest)[:k]
        return hits, query_vector

    def _footnote_asked(self, text: str, hits: list[Hit]) -> Passage | None:
        """Of the top passage's footnotes, the one the search ranked highest, else the one sharing most words
        with the question (the first cited of equals)."""
        notes = [self.by_id[i] for i in hits[0].passage.footnotes if i in self.by_id]
        ranked = [h.passage for h in hits if h.passage in notes]
        if ranked or not notes:
            return ranked[0] if ranked else None
        asked = set(self.retriever.tokenizer(text))
        return max(notes, key=lambda note: len(asked & set(self.retriever.tokenizer(note.text))))

    def _swaps_subject(self, text: str, previous: str, answered: Passage) -> bool:
        """Whether a follow-up names a new subject, which the passage that answered the previous turn does not
        mention, and asks nothing of its own, keeping the previous question's ask: "And for regional projects?"
        after "What is the cap for single-country projects?"."""
        question = normalize(text)
        if not _SWAPS_SUBJECT.search(question) or _ASKS_ANEW.search(question.removeprefix("what about ")
                                                                     .removeprefix("how about ")):
            return False
        if language_of(text) != language_of(answered.text):
            return False  # whether a Chinese passage names "the third one" cannot be told word for word
        tokenize = self.retriever.tokenizer
        new = set(tokenize(text)) - set(tokenize(previous))
        return bool(new) and not new & set(tokenize(answered.text))

    def _section_of(self, passage: Passage) -> list[str]:
        """The heading of the innermost section a passage stands in (its section path names it by its words)."""
        for title in reversed(passage.section):
            wanted = normalize(title)
            found = next((p.id for p in self.passages if p.doc == passage.doc and p.kind == "heading"
                          and p.id != passage.id and normalize(p.text) == wanted), None)
            if found:
                return [found]
        return []

    def _linked_to_previous(self, text: str, before: list[Hit]) -> list[Hit]:
        """Follow-ups answered through the previous turn's passage: its footnotes ('它的脚注怎么说？'), the item a
        footnote annotates ('它是给哪一项加的注？'), or the next item of the same list ('那第8项呢？')."""
        top = before[0].passage
        ids: list[str] = []
        if top.kind == "footnote" and _ASKS_FOR_ANNOTATED.search(text):  # '它注释的是哪一节？' after 脚注23
            ids = list(top.cited_by)
        asks_footnote = not ids and _ASKS_FOR_FOOTNOTE.search(text) and not _HAS_NUMBER.search(text)
        if asks_footnote and before[0].exact and top.kind != "heading":  # a unit named: its own footnotes, or
            # itself when it has none (a section's are those of the passages found in it)
            ids = list(top.footnotes) or [top.id]
        elif asks_footnote:
            ids = next((list(h.passage.footnotes) for h in before if h.passage.footnotes), [])
        if not ids and top.kind != "heading" and _ASKS_FOR_SECTION.search(text):  # '它属于哪一节？': its heading, or
            ids = self._section_of(top) or ([top.id] if before[0].exact else [])  # the unit, which stands in none
        if not ids:
            ids = self.retriever.resolver.followup(text, top.id, top)
        return [Hit(self.by_id[i], 1.0, exact=True) for i in ids if i in self.by_id]


def _follow_up_note(question: str, hits: list[Hit], history: Sequence[str], language: str) -> tuple[str, ...]:
    """A note when a follow-up asks for the footnotes of a unit named before that has none ("它的脚注怎么说？"
    after 第2段(b)项), or for the section of one that stands in none: the unit itself is shown, and the reader
    told."""
    if not history or not hits or not hits[0].exact or hits[0].passage.kind in ("footnote", "heading") \
            or not is_followup(question):
        return ()
    text = normalize(question)
    shown = hits[0].passage.label or hits[0].passage.citation
    if language == "zh" and shown[-1:].isascii():
        shown += " "  # "para. 9 没有脚注。": an English label set apart from the Chinese words
    if _ASKS_FOR_SECTION.search(text):
        return (f"{shown}不在任何一节中。",) if language == "zh" else (f"{shown} stands in no section.",)
    if hits[0].passage.footnotes or not _ASKS_FOR_FOOTNOTE.search(text) or _HAS_NUMBER.search(text) \
            or _ASKS_FOR_ANNOTATED.search(text):
        return ()
    return (f"{shown}没有脚注。",) if language == "zh" else (f"{shown} has no footnote.",)


def _missing_item_note(question: str, hits: list[Hit], language: str) -> tuple[str, ...]:
    """A note when the question names an item ("第7段(d)项") and the unit shown for it is the paragraph that has
    no such item: the reference resolves to the nearest unit the document has, and the reader is told."""
    items = [value for kind, value in read_segments(normalize(question)) if kind == "item"]
    if not items or not hits or not hits[0].exact or hits[0].passage.path[-1:] and \
            hits[0].passage.path[-1].startswith(("item:", "subitem:")):
        return ()
    shown = hits[0].passage.label or hits[0].passage.citation
    if language == "zh":
        return (f"文件中没有所问的分项（{items[-1]}），下面是{shown}。",)
    return (f"The document has no item ({items[-1]}) there; {shown} is shown.",)


def _several_units_note(hits: list[Hit], language: str) -> tuple[str, ...]:
    """A note when the unit asked for stands in several parts of one document ("第3款" of 第六条 and of 第八条):
    the answer shows the first of them, and the reader is told to name the part."""
    named = [h.passage for h in hits if h.exact]
    if len(named) < 2 or named[0].doc != named[1].doc or not named[0].path or not named[1].path \
            or named[0].path[-1] != named[1].path[-1] or named[0].path[:-1] == named[1].path[:-1]:
        return ()
    same = [p.label or p.citation for p in named if p.doc == named[0].doc and p.path[-1:] == named[0].path[-1:]]
    if language == "zh":
        return (f"文件中有不止一处这一编号（{'、'.join(same)}）；请指明是哪一部分的。",)
    return (f"This number stands in more than one part of the document ({'; '.join(same)}); name the part you mean.",)


def clean_question(question: str, k: int) -> tuple[str, int, tuple[str, ...]]:
    """A clean question and k, or a QueryError; over-long questions are cut with a note."""
    if not isinstance(k, int) or k < 1 or k > MAX_K:
        raise QueryError(f"k must be a whole number from 1 to {MAX_K} (got {k})")
    if question is not None and not isinstance(question, str):
        raise QueryError(f"the question must be text (got {type(question).__name__})")
    # A lone surrogate (undecodable bytes in argv, a "\ud800" in JSON) cannot be encoded for the model.
    text = clean_spaces(_SURROGATE.sub("\ufffd", question or ""))
    if not text:
        raise QueryError("问题是空的：请输入一个关于文件的问题。(The question is empty.)")
    if not any(ch.isalnum() for ch in text):  # "？？？", "😀": nothing to look for
        raise QueryError("问题里没有字词：请输入一个关于文件的问题。(The question has no words.)")
    notes: tuple[str, ...] = ()
    if len(text) > MAX_QUESTION_CHARS:
        text = text[:MAX_QUESTION_CHARS].rstrip()  # a cut just after a space must not leave it dangling
        notes = (f"问题过长，只使用了前 {MAX_QUESTION_CHARS} 个字符。(Question truncated to {MAX_QUESTION_CHARS} characters.)",)
    return text, k, notes
