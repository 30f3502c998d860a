"""Hybrid retrieval over many documents: structural references first, then dense (FAISS) and BM25 rankings fused.

The lexical channel cannot match a Chinese question against English text (or the reverse) beyond the
bilingual terms it is given, so BM25 ranks passages within their own language: the best English match of a
Chinese question (found through its translated terms) earns the same lexical credit as the best Chinese
match, instead of being outvoted by every passage that shares the question's script.

The dense channel is biased the same way: a multilingual encoder scores every passage in the question's
language higher than any passage in the other (a Chinese question about an English decision found its
passage first among the English ones, and behind all 172 passages of a Chinese document). So each dense
score is read against its own language's background, the question's cosine with a fixed sample of that
language's passages: how far a passage stands out from its language is compared, not raw cosines; and a
passage in the other language is scored half against the question with its glossary terms translated into
that language. The two calibrated scores are then added (see Fusion), so the same weights serve one
document or many, in either language.
"""
from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np

from bot.abstain import ADOPTION, answer_checks, answer_text
from bot.bm25 import BM25
from bot.embedder import Embedder
from bot.glossary import Glossary, default_glossary
from bot.index import Index
from bot.meetings import SessionsNamed, meeting_of, months_named, names_place, years_named
from bot.records import Hit
from bot.references import Resolver, asks_for_parts, asks_only_for_units, canonical, names_unit_as_topic, read_segments
from bot.textnorm import normalize
from bot.tokenize import Tokenizer
from bot.vectors import VectorStore

MODES = ("hybrid", "dense", "lexical")
CANDIDATES = 100  # each channel's best rows that are fused (at least 4k)
BACKGROUND = 256  # passages per language whose cosines with a question are its language's background
_FOLLOWUP = re.compile(
    r"^(那|那么|还有|另外|并且|而|and\b|what about|how about|and what|what of)|呢[?？]?$|它|它们|其|该|这个|这些|那个|上述|前者|后者"
    r"|\b(it|its|they|their|them|that one|this one|he|she|him|her|his)\b|(?<!其)他(?![国人])|她"
)
_CJK = re.compile(r"[\u3400-\u9fff]")
ANSWER_KIND_WINDOW = 5  # the passages reordered by the kind of answer they hold (see _answer_kind_bonus)
ADOPTION_WINDOW = 20  # a closing line ("7th plenary meeting") is too short to rank near the top on its words
# a question asking what a term means; treaties define terms as '"Wetland" means …', "“湿地”是指…"
_ASKS_DEFINITION = re.compile(r"\bdefin(?:e|ed|es|ition|itions)\b|\bmeaning of\b|\bmeant by\b|\bmean by\b|定义|含义|是指什么|指的是什么")
_DEFINING_WORDS = "means 是指 系指"
# a question asking what a cover block tells: the symbol, date, place, session, agenda item, title, languages
_ASKS_COVER = re.compile(r"\b(?:symbol|distribut\w*|issued|original language|languages?|agenda item|held|which (?:session|"
                         r"meeting)|what session|(?:date|title) of (?:the|this|that) (?:document|decision|resolution|report))\b"
                         r"|文号|议程项目|标题|题目|分发|原文|语文|举行|哪一?届|哪一?次会议")
# a question naming a treaty by what it is, not by a title in 《》: "协定规定的…", "湿地协定", "under the Agreement"
_NAMES_A_TREATY = re.compile(r"(?:协定|公约|条约|议定书)(?![^《》]*》)"
                             r"|\bthe (?:agreement|convention|treaty|protocol)\b(?! (?:on|of|for|to)\b)")
# a question that calls its document by its kind: "本建议的文号是什么？", "What does the resolution urge?"
_NAMES_ITS_KIND = {"treaty": _NAMES_A_TREATY,
                   "recommendation": re.compile(r"(?:本|该|这项|这份)建议|\b(?:the|this) recommendation\b(?! (?:on|of|for|to)\b)"),
                   "resolution": re.compile(r"(?:本|该|这项|这份)决议|\b(?:the|this) resolution\b(?! (?:on|of|for|to)\b)")}
_ANNEX_MENTION = re.compile(r"附件([一二三四五六七八九十]{1,3})|\bannex\s+([ivx]{1,5})\b")


@dataclass(frozen=True)
class Fusion:
    """Score fusion settings. Both channels are put on scales that mean the same in every corpus and language:
    a dense score is a standard score against its language's background, a lexical score the share of the best
    match its language allows. They are added, so a passage far ahead in one channel keeps its lead (ranks
    alone forget by how much: a paraphrase found first by the dense channel fell behind passages that share
    a few of its words)."""

    lexical_weight: float = 7.0  # a passage holding all the question's words counts 7 standard scores
    history_weight: float = 0.5  # how much a previous question counts in a follow-up
    sentence_weight: float = 0.3  # share of a passage's best sentence in its dense score
    heading_penalty: float = 2.0  # headings answer references (resolved exactly), rarely free questions
    front_matter_penalty: float = 1.0  # a cover block or table of contents repeats the meeting a question names
                                       # ("at SBSTA 57 in Sharm el-Sheikh, …") and rarely answers the rest; so does
                                       # a short line outside any unit ("10th plenary meeting")
    annex_bonus: float = 0.8  # a question that names an annex prefers that annex's passages
    container_bonus: float = 1.4  # one that names a decision prefers that decision's passages
    document_bonus: float = 1.4  # one that names a document (its symbol or title) prefers that document's passages
    place_bonus: float = 1.4  # one that names where a document's meeting was held ("in Katowice") prefers it
    year_bonus: float = 0.7  # and, less, one that names the year it was held (many meetings share a year)
    month_bonus: float = 0.7  # and the month with it ("the June 2024 session": the Bonn one, not that at the COP)
    session_bonus: float = 1.4  # one that names its session ("SBSTA 49", "第二十二届缔约方会议") prefers it
    translated_weight: float = 0.5  # share of a passage's dense score read from the question with its glossary terms
                                    # in the passage's language, when that is not the question's
    translate_english: bool = True  # English questions too (Chinese ones always, when the weight is not 0)
    translated_evidence: bool = True  # a passage in the other language counts as close to the question as it is to
                                      # either form of it (the decline rules read that cosine)
    topic_unit_bonus: float = 1.4  # a unit named as part of a name ("the Article 6.4 mechanism") is preferred, not first
    several_margin: float = 1.0  # a unit several documents have ranks first in those within this of the best one
    answer_kind_bonus: float = 1.0  # a question asking for a kind of answer (a date, a number, an amount) prefers
                                    # passages that hold one
    bm25_k1: float = 0.8  # passages are short and repeat few words: saturate term counts early
    bm25_b: float = 0.4  # and normalize length gently


def is_followup(question: str) -> bool:
    """A question that leans on the previous turn: 那第三次会议呢？ / 它的脚注怎么说？ / What about the third one? /
    one that names only an item, which belongs to a paragraph named before: (c)项邀请的又是谁？"""
    text = normalize(question)
    if _FOLLOWUP.search(text) or len(text) <= 6:
        return True
    segments = read_segments(text, follows_unit=True)
    return bool(segments) and all(kind == "item" for kind, _ in segments)


def language_of(text: str) -> str:
    """'zh' when the text has Chinese characters, else 'en'."""
    return "zh" if _CJK.search(text) else "en"


class Retriever:
    def __init__(self, index: Index, embedder: Embedder, tokenizer: Tokenizer, fusion: Fusion = Fusion(),
                 glossary: Glossary | None = None) -> None:
        self.index, self.embedder, self.tokenizer, self.fusion = index, embedder, tokenizer, fusion
        self.glossary = glossary or default_glossary()
        self.passages = index.passages
        self.row_of = {p.id: row for row, p in enumerate(self.passages)}
        self.resolver = Resolver(self.passages, index.documents)
        self.bm25 = BM25(index.tokens, k1=fusion.bm25_k1, b=fusion.bm25_b)
        self.dense = VectorStore.build(index.dense.reconstruct_n(0, index.dense.ntotal)) if index.dense.ntotal \
            else VectorStore(index.dense.d)
        # an article whose passage is only its number and title ("Article 14 Entry into force and withdrawal") is a
        # heading too: its words are those of its paragraphs, which answer
        self.is_heading = np.array([p.kind == "heading" or p.id in self.resolver.bare_articles for p in self.passages])
        self.is_front_matter = np.array([p.kind in ("header", "contents") or p.kind == "text" and len(p.text) <= 40
                                         for p in self.passages])
        self.doc_ids = sorted({p.doc for p in self.passages})
        doc_number = {doc: n for n, doc in enumerate(self.doc_ids)}
        self.doc_of_row = np.array([doc_number[p.doc] for p in self.passages], dtype=np.int32)
        languages = {d.id: d.language for d in index.documents}
        self.of_kind = {kind: {d.id for d in index.documents if d.kind == kind} for kind in _NAMES_ITS_KIND}
        self.is_chinese = np.array([languages.get(p.doc, language_of(p.text)) == "zh" for p in self.passages])
        self.languages = [flag for flag in (True, False) if (self.is_chinese == flag).any()]  # zh first
        self.background = self._background_samples()
        self.best_weight = self._best_term_weights()
        self.annex_of, self.annex_mentions = self._annexes()
        covers = {p.doc: p.text for p in self.passages if p.kind == "header"}
        self.meetings = {d.id: m for d in index.documents
                         if (m := meeting_of(d.title, self.glossary, covers.get(d.id, "")))}
        self._normalized_texts: dict[int, str] = {}  # passage texts as answer kinds are looked for in them

    def _annexes(self) -> tuple[np.ndarray, list[frozenset[int]]]:
        """For each passage the annex it stands in (0: none; a footnote: that of what cites it), and the annexes
        its text speaks of ("附件二所列会议…", "annex II")."""
        from bot.references import roman_to_int, to_int

        annex = np.zeros(len(self.passages), dtype=np.int32)
        for row, passage in enumerate(self.passages):
            numbers = [canonical(s)[1] for s in passage.path if s.startswith("annex:")]
            if numbers and numbers[0].isdigit():
                annex[row] = int(numbers[0])
        for row, passage in enumerate(self.passages):
            if passage.kind == "footnote" and passage.cited_by and passage.cited_by[0] in self.row_of:
                annex[row] = annex[self.row_of[passage.cited_by[0]]]
        mentions = []
        for passage in self.passages:
            found = set()
            for m in _ANNEX_MENTION.finditer(passage.text.lower()):
                value = to_int(m[1]) if m[1] else roman_to_int(m[2])
                if value:
                    found.add(value)
            mentions.append(frozenset(found))
        return annex, mentions

    def _background_samples(self) -> list[np.ndarray]:
        """For each language with passages (in self.languages' order), a fixed sample of its rows (all of them
        when there are few)."""
        choose = np.random.default_rng(0).choice
        groups = [np.flatnonzero(self.is_chinese == flag) for flag in self.languages]
        return [np.sort(choose(group, BACKGROUND, replace=False)) if len(group) > BACKGROUND else group
                for group in groups]

    def _best_term_weights(self) -> list[np.ndarray]:
        """For each language with passages, every term's best BM25 weight in a passage of that language (0: absent
        there)."""
        from bot.bm25 import _max_weights

        language = self.is_chinese[self.bm25.rows]
        return [_max_weights(self.bm25.indptr, np.where(language == flag, self.bm25.weights, 0).astype(self.bm25.weights.dtype))
                for flag in self.languages]

    def lexical_share(self, lexical_query: dict[str, float], lexical: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """BM25 scores as shares of the best a passage of their language could reach for this question: the
        question's words that occur in that language, each at its best weight there. A Chinese question
        matched by one English number is then no match for a Chinese passage that holds most of its words."""
        if not self.best_weight or not len(rows):
            return lexical
        terms = [(self.bm25.term_id[t], w) for t, w in lexical_query.items() if t in self.bm25.term_id]
        out = np.zeros_like(lexical)
        ceilings = [sum(w * float(best[term]) for term, w in terms) for best in self.best_weight]
        for ceiling, flag in zip(ceilings, self.languages):
            members = self.is_chinese[rows] == flag
            if ceiling > 0:
                out[members] = lexical[members] / (ceiling * max(ceilings)) ** 0.5
        return out

    def calibrated(self, query_vector: np.ndarray, dense: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Dense scores as standard scores against the background of each passage's own language."""
        if not self.background or not len(rows):
            return dense
        out = np.empty_like(dense)
        for sample, flag in zip(self.background, self.languages):
            members = self.is_chinese[rows] == flag
            cosines = self.dense.scores_for(query_vector, sample)
            out[members] = (dense[members] - cosines.mean()) / max(float(cosines.std()), 1e-6)
        return out

    def meeting_bonus(self, text: str) -> dict[str, float]:
        """For each document whose meeting the question names (its place, year, month, session), the bonus its
        passages get."""
        lowered, years, f = text.lower(), years_named(text), self.fusion
        sessions = SessionsNamed.read(lowered)  # once, not for each document
        months = months_named(lowered)
        bonus = {}
        for doc, meeting in self.meetings.items():
            value = (f.place_bonus * names_place(lowered, meeting) + f.year_bonus * (meeting.year in years)
                     + f.session_bonus * sessions.name(meeting)
                     + f.month_bonus * any((meeting.year, month) in months for month in meeting.months))
            if value:
                bonus[doc] = value
        return bonus

    def translated_query(self, text: str, language: str) -> np.ndarray | None:
        """When the corpus has passages in both languages, the vector of the question with its glossary terms in the
        other language (None when there is nothing to translate). A multilingual encoder matches best within a
        language: the English passage about the SBSTA's sixtieth session is closer to "subsidiary body for
        scientific and technological advice 第六十届 meeting …" than to the all-Chinese question."""
        if not self.fusion.translated_weight or len(self.languages) < 2:
            return None
        if language == "zh":
            translated = self.glossary.in_english(text)
        elif self.fusion.translate_english:
            translated = self.glossary.in_chinese(text)
        else:
            return None
        return self.embed(translated) if translated != text else None

    def rows_of_documents(self, docs: Iterable[str]) -> np.ndarray:
        wanted = [n for n, doc in enumerate(self.doc_ids) if doc in set(docs)]
        return np.isin(self.doc_of_row, wanted)

    def embed(self, text: str) -> np.ndarray:
        return self.embedder.embed_queries([text])[0]

    def lexical_query(self, question: str, previous: str = "") -> dict[str, float]:
        """The question's words and their translations from the bilingual glossary, weighted; a previous
        question's words count at history_weight. A question asking what a term means also looks for the words
        that define one ("means", "是指")."""
        weights: dict[str, float] = {}
        for text, weight in ((question, 1.0), (previous, self.fusion.history_weight)):
            if not text:
                continue
            defining = _DEFINING_WORDS if _ASKS_DEFINITION.search(text.lower()) else ""
            own = set(self.tokenizer(text) + self.tokenizer(defining))
            for token, share in self._translated_tokens(text).items():
                if token not in own:
                    weights[token] = weights.get(token, 0.0) + weight * share
            for token in own:
                weights[token] = weights.get(token, 0.0) + weight
        return weights

    def _translated_tokens(self, text: str) -> dict[str, float]:
        """The tokens of the question's terms in the other language, each term weighing in its other name as
        much as it does as written: "IPBES" (one token) is not outweighed by the eight of its Chinese name."""
        shares: dict[str, float] = {}
        for term, name in self.glossary.translation_pairs(text):
            tokens = set(self.tokenizer(name))
            share = min(1.0, max(len(set(self.tokenizer(term))), 1) / len(tokens)) ** 0.5 if tokens else 0.0
            for token in tokens:
                shares[token] = max(shares.get(token, 0.0), share)
        return shares

    def _without_document_names(self, lexical_query: dict[str, float], text: str) -> dict[str, float]:
        """The lexical query less the words of the documents the question names ("resolution 80/45"): the name
        chooses the document (see document_bonus); left in, it makes the cover block, which prints it, the best
        match of any question about that document."""
        names = [name for name, doc in self.resolver.document_names if name in text]
        if not names:
            return lexical_query
        dropped = {token for name in names for token in self.tokenizer(name)}
        if not set(self.tokenizer(text)) - dropped:  # "What is resolution 80/45 about?": the document itself
            return lexical_query
        return {token: weight for token, weight in lexical_query.items() if token not in dropped}

    def candidates(self, query_vector: np.ndarray, lexical_query: dict[str, float], k: int,
                   allowed: np.ndarray | None, extra: list[int], meetings: dict[str, float],
                   translated: np.ndarray | None = None, language: str = "zh") -> np.ndarray:
        """The rows worth fusing: each channel's best in each language, the exact references, each channel's
        best in the documents of the meetings the question names, and the other language's passages nearest the
        question's translated form."""
        rows = [np.asarray(extra, dtype=np.int64)]
        if translated is not None:
            other = self.is_chinese != (language == "zh")
            other = other if allowed is None else other & allowed
            if other.any():
                rows.append(self.dense.search(translated, k, allowed=other)[0])
        if meetings:
            named = self.rows_of_documents(meetings)
            mask = named if allowed is None else named & allowed
            if mask.any():
                rows.append(self.bm25.top_k(lexical_query, k, allowed=mask).rows)
                rows.append(self.dense.search(query_vector, k, allowed=mask)[0])
        several = len(self.languages) > 1
        for language in (self.is_chinese, ~self.is_chinese):
            mask = language if allowed is None else language & allowed
            if mask.any():
                rows.append(self.bm25.top_k(lexical_query, k, allowed=mask).rows)
                if several:
                    rows.append(self.dense.search(query_vector, k, allowed=mask)[0])
        if not several:
            rows.append(self.dense.search(query_vector, k, allowed=allowed)[0])
        return np.unique(np.concatenate(rows).astype(np.int64))

    def dense_scores(self, query_vector: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """Cosine of question and passage, mixed with the passage's best quotable sentence."""
        dense = self.dense.scores_for(query_vector, rows).astype(np.float32)
        weight = self.fusion.sentence_weight
        if not weight:
            return dense
        for i, row in enumerate(rows):
            sentences = self.index.sentences_of(int(row))
            if sentences:
                best = float(np.max(self.index.sentence_vectors[sentences] @ query_vector))
                dense[i] = (1 - weight) * dense[i] + weight * max(best, float(dense[i]))
        return dense

    def search(self, question: str, k: int = 5, mode: str = "hybrid", previous: str = "",
               scope: Iterable[str] | None = None, previous_doc: str | None = None) -> tuple[list[Hit], np.ndarray]:
        """The k best passages for a question, and the query vector; exact references rank first.

        Each channel proposes its best candidates (CANDIDATES, or 4k); only those are scored and fused.
        `scope` limits the answer to these documents; `previous_doc` is where the previous turn was answered
        (a reference without a document resolves there first)."""
        text = normalize(question)
        previous = normalize(previous) if previous else ""
        language = language_of(text)
        query_vector = self.embed(f"{previous} {text}".strip() if previous else text)
        scope = list(scope) if scope else None
        allowed = self.rows_of_documents(scope) if scope is not None else None
        exact = self.resolver.resolve(text, previous_doc, language, scope) if mode == "hybrid" else []
        # "第三章包括哪些条款？", "第三节包括哪些段落？": the chapter or section, whose parts the answer lists, not read through
        parts = asks_for_parts(text) and bool(exact) and (exact[0] in self.resolver.subdivided or sum(
            self.passages[self.row_of[pid]].kind == "paragraph" for pid in self.resolver.inside.get(exact[0], [])) >= 2)
        only_units = asks_only_for_units(text) or asks_for_parts(text)
        if exact and only_units and not parts:  # "What does Article 2 say?": its paragraphs, not its heading alone
            exact = self.resolver.with_contents(exact)
        exact_rows = [self.row_of[pid] for pid in exact]
        # a container named in a question that asks more ("第五条规定的防火隔离带宽度？"): its passages compete
        # for the place beside its heading
        contents = {} if not exact or only_units else {
            self.row_of[pid]: [self.row_of[c] for c in self.resolver.contents_of(pid) if c in self.row_of]
            for pid in exact}
        lexical_query = self._without_document_names(self.lexical_query(text, previous), text)
        meetings = self.meeting_bonus(text) if mode == "hybrid" else {}
        translated = self.translated_query(f"{previous} {text}".strip(), language)
        inside = [row for rows_in in contents.values() for row in rows_in]
        rows = self.candidates(query_vector, lexical_query, max(CANDIDATES, 4 * k), allowed, exact_rows + inside,
                               meetings, translated, language)
        dense = self.dense_scores(query_vector, rows)
        calibrated = self.calibrated(query_vector, dense, rows)
        evidence = dense.copy()  # the cosine the decline rules read (see Hit.dense_score)
        if translated is not None:
            other = self.is_chinese[rows] != (language == "zh")
            translated_dense = self.dense_scores(translated, rows)
            from_translated = self.calibrated(translated, translated_dense, rows)
            w = self.fusion.translated_weight
            calibrated[other] = (1 - w) * calibrated[other] + w * from_translated[other]
            if self.fusion.translated_evidence:  # a passage in the other language is as close as either form is
                evidence[other] = np.maximum(dense[other], translated_dense[other])
        lexical = self.bm25.scores_for(lexical_query, rows).astype(np.float32) if len(rows) else np.zeros(0, np.float32)
        fused = self._fuse(calibrated, self.lexical_share(lexical_query, lexical, rows), mode, rows,
                           front_matter_answers=ADOPTION.asked_by(text))
        kind_bonus = np.zeros(len(rows), dtype=np.float32)
        if mode == "hybrid":
            fused = self._prefer_named(text, fused, rows)
            if meetings:
                fused = fused + np.array([meetings.get(self.passages[int(r)].doc, 0.0) for r in rows], dtype=fused.dtype)
            kind_bonus = self._answer_kind_bonus(text, fused, rows)
            fused = fused + kind_bonus
        position = {int(row): i for i, row in enumerate(rows)}
        if exact_rows and names_unit_as_topic(text):  # "the Article 6.4 mechanism": a topic, not the unit asked for
            fused[[position[row] for row in exact_rows]] += self.fusion.topic_unit_bonus
            exact, exact_rows = [], []
        order = [int(i) for i in np.argsort(-fused, kind="stable")]
        exact_rows = self._exact_first(text, exact_rows, fused, rows)
        if contents:
            exact_rows = self._with_best_content(exact_rows, contents, fused, position)
            exact = exact + [self.passages[row].id for row in exact_rows if self.passages[row].id not in exact]
        ranked = [position[row] for row in exact_rows] + [i for i in order if int(rows[i]) not in set(exact_rows)]
        hits = [
            Hit(
                passage=self.passages[int(rows[i])],
                score=float(fused[i]),
                dense_score=float(evidence[i]),
                lexical_score=float(lexical[i]),
                exact=self.passages[int(rows[i])].id in exact,
                kind_bonus=float(kind_bonus[i]),
            )
            for i in ranked[:k]
        ]
        return hits, query_vector

    def _exact_first(self, text: str, exact_rows: list[int], fused: np.ndarray, rows: np.ndarray) -> list[int]:
        """The named units that rank before all else. A unit that several documents have, none named, ranks first
        from each of them when the question asks only for it ("第2段讲什么？"); when it also says what it is
        about ("附件一这份说明是为了什么目的编写的？"), from the documents whose best passage scores within
        `several_margin` of the best document's, and the others' units compete as any passage does."""
        docs = {self.passages[row].doc for row in exact_rows}
        if len(docs) < 2 or asks_only_for_units(text):
            return exact_rows
        best: dict[str, float] = {}
        for row, score in zip(rows, fused):
            doc = self.passages[int(row)].doc
            if doc in docs:
                best[doc] = max(best.get(doc, -np.inf), float(score))
        top = max(best.values(), default=0.0)
        kept = {doc for doc, score in best.items() if score >= top - self.fusion.several_margin}
        return [row for row in exact_rows if self.passages[row].doc in kept]  # the resolver's order: language first

    @staticmethod
    def _with_best_content(exact_rows: list[int], contents: dict[int, list[int]], fused: np.ndarray,
                           position: dict[int, int]) -> list[int]:
        """Each named container preceded by the passage inside it that scores best, which answers as a unit named."""
        rows: list[int] = []
        for row in exact_rows:
            inside = [r for r in contents.get(row, []) if r in position]
            if inside:
                best = max(inside, key=lambda r: fused[position[r]])
                if best not in rows:
                    rows.append(best)
            if row not in rows:
                rows.append(row)
        return rows

    def _prefer_named(self, text: str, fused: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """A question that names a loaded document prefers its passages, one that names a loaded decision the
        passages of that decision, one that names one table its rows; one that names one annex (and only one) the
        passages in it or speaking of it."""
        named = self.resolver.named_documents(text)
        for kind, names_it in _NAMES_ITS_KIND.items():  # "协定规定的…", "under the Agreement": the loaded treaty
            docs = self.of_kind[kind]  # text, not decisions on it; "本建议…": the recommendation, when some are not
            if not named and docs and len(docs) < len(self.doc_ids) and names_it.search(text):
                named = docs
        if named:  # not its cover block, which matches the name and rarely answers the rest
            wanted = [n for n, doc in enumerate(self.doc_ids) if doc in named]
            # unless asked when it was adopted, which a cover block or a closing line says
            in_named = np.isin(self.doc_of_row[rows], wanted)
            cover_asked = ADOPTION.asked_by(text) or bool(_ASKS_COVER.search(text))
            inside = in_named & (~self.is_front_matter[rows] | cover_asked)
            fused = fused + inside * self.fusion.document_bonus
            if not cover_asked:  # its cover block prints the very words that named it: below its text, then
                fused = fused - (in_named & self.is_front_matter[rows]) * self.fusion.document_bonus
        decisions = [s for s in self.resolver.named_containers(text) if s[0] == "decision"]
        if decisions:
            inside = np.array([any(canonical(seg) in decisions for seg in self.passages[r].path) for r in rows], dtype=bool)
            fused = fused + inside * self.fusion.container_bonus
        segments = read_segments(text)
        tables = {("table", value) for kind, value in segments if kind == "table"}
        if len(tables) == 1:  # "表1中，2029年全球机制的预算是多少？": that table's rows
            inside = np.array([bool(tables & {canonical(seg) for seg in self.passages[r].path}) for r in rows], dtype=bool)
            fused = fused + inside * self.fusion.annex_bonus
        annexes = {value for kind, value in segments if kind == "annex"}
        if len(annexes) != 1 or not next(iter(annexes)).isdigit():
            return fused
        number = int(annexes.pop())
        inside = (self.annex_of[rows] == number) | np.array([number in self.annex_mentions[r] for r in rows], dtype=bool)
        return fused + inside * self.fusion.annex_bonus

    def _answer_kind_bonus(self, text: str, fused: np.ndarray, rows: np.ndarray) -> np.ndarray:
        """A question that asks for a kind of answer ("哪一天", "how many members", "what share") prefers, among
        the first ANSWER_KIND_WINDOW passages, those holding one: of two paragraphs on the same matter, the one
        that gives the date answers "when". Only those are reordered, so the passages most about the question
        stay among the hits, where the decline rules look for the kind asked for (see bot.abstain)."""
        bonus = np.zeros(len(rows), dtype=np.float32)
        checks = answer_checks(text)
        if not checks or not self.fusion.answer_kind_bonus:
            return bonus
        window = ADOPTION_WINDOW if ADOPTION.asked_by(text) else ANSWER_KIND_WINDOW
        for i in np.argsort(-fused, kind="stable")[:window]:
            row = int(rows[i])
            if all(check(self._normalized(row), answer_text(self.passages[row])) for check in checks):
                bonus[i] = self.fusion.answer_kind_bonus
        return bonus

    def _normalized(self, row: int) -> str:
        text = self._normalized_texts.get(row)
        if text is None:
            text = self._normalized_texts[row] = normalize(answer_text(self.passages[row]))
        return text

    def _fuse(self, dense: np.ndarray, lexical: np.ndarray, mode: str, rows: np.ndarray,
              front_matter_answers: bool = False) -> np.ndarray:
        """The channels' scores combined; headings and front matter (cover blocks, short lines) count less, unless
        the question asks what front matter tells: when a text was adopted ("7th plenary meeting")."""
        if mode == "dense":
            return dense
        if mode == "lexical":
            return lexical
        f = self.fusion
        front_matter = 0.0 if front_matter_answers else f.front_matter_penalty
        return (dense + f.lexical_weight * lexical - f.heading_penalty * self.is_heading[rows]
                - front_matter * self.is_front_matter[rows])

