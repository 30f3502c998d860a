"""What is embedded and matched for a passage (its words plus section context), and its quotable sentences."""
from __future__ import annotations

import json
import re
from pathlib import Path

from bot.records import Passage

RECIPE_VERSION = "5"  # bump when the text built here changes: the index is then rebuilt
WHOLE_PASSAGE_CHARS = 160  # a passage this short is quoted whole, so its sentences need no vectors of their own

# Per-language words (what a header holds, "footnote to") and lead-in lines, from data.
_WORDS = json.loads((Path(__file__).resolve().parent / "data" / "context.json").read_text(encoding="utf-8"))
_LEAD_IN = re.compile(r"^(\([a-z]\)\s*)?(" + "|".join(_WORDS["lead_ins"]) + r")[:：]?$")
_CJK = re.compile(r"[\u3400-\u9fff]")
# after 。；！？ and after a full stop, but not the one of a list number ("7. ", "A. ", "二. ", "；2. ")
# a full stop that ends an abbreviation, not a sentence: "Ms. Karlsen", "para. 5", "No. 3", "e.g. the"
_ABBREVIATION_END = re.compile(r"(?:^|[\s(])(?:mr|ms|mrs|dr|prof|no|nos|para|paras|art|arts|vol|p|pp|cf|e\.g|i\.e|viz|approx)\.$",
                               re.IGNORECASE)
_SENTENCE_END = re.compile(r"(?<=[。；！？!?;])|(?<=[^\d\sA-Z一二三四五六七八九十]\.)\s+")


def _headings(passage: Passage) -> list[str]:
    """The nearest meaningful headings: lead-in lines like 可能需要反映的问题 are skipped; Annex titles shortened."""
    kept = [h for h in passage.section if h and not _LEAD_IN.match(h)]
    return kept[-2:]


def context_text(passage: Passage, by_id: dict[str, Passage]) -> str:
    """The passage with its context: citation, headings, table column names, and for a footnote what it annotates."""
    language = "zh" if _CJK.search(passage.text) else "en"
    parts = [passage.label or passage.citation, *_headings(passage)]  # the label: the same however many documents
    if passage.columns:
        parts.append("；".join(f"{name}：{cell}" for name, cell in passage.columns if cell))
    else:
        parts.append(passage.text)
    if passage.kind == "footnote":
        # Name what the footnote annotates, not its words: a question about the item should find the item.
        annotated = [by_id[i].label or by_id[i].citation for i in passage.cited_by if i in by_id]
        if annotated:
            parts.append(_WORDS["annotates"][language] + ("、" if language == "zh" else "; ").join(annotated))
    if passage.kind == "header":
        parts.append(_WORDS["header"][language])  # the front matter is mostly codes: say what it holds
    return "\n".join(p for p in parts if p)


def split_sentences(text: str) -> list[str]:
    """Sentences of a passage, verbatim, for quoting; a list number stays with its text, never a bare "7."."""
    if " | " in text:  # a table row: each cell reads on its own
        pieces = text.split(" | ")
    else:
        pieces = _join_abbreviations(_SENTENCE_END.split(text))
    return [p.strip() for p in pieces if p and p.strip()]


def _join_abbreviations(pieces: list[str]) -> list[str]:
    """Pieces cut after a title or an abbreviation ("Ms.", "para.", "No.") joined to what follows them."""
    joined: list[str] = []
    for piece in pieces:
        if joined and _ABBREVIATION_END.search(joined[-1]):
            joined[-1] = f"{joined[-1]} {piece}"
        else:
            joined.append(piece)
    return joined


def quotable_sentences(text: str) -> list[str]:
    """The sentences an answer may quote from one of several: none for a passage quoted whole (short, or one
    sentence), whose sentence vectors would only repeat its own. About half of a UN corpus's sentences."""
    if len(text) <= WHOLE_PASSAGE_CHARS:
        return []
    sentences = split_sentences(text)
    return sentences if len(sentences) > 1 else []
