"""`bot eval`: hit@1, hit@5, MRR@10 and declining, per kind, for the hybrid and each single channel."""
from __future__ import annotations

import json
import re
import unicodedata
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

from bot.errors import QueryError

MODES = ("hybrid", "lexical", "dense")
_SPACE = re.compile(r"\s+")
UNMATCHED: list[str] = []  # questions whose quotes no passage holds (filled by gold_of)
DEPTH = 10


@dataclass(frozen=True)
class Question:
    """One evaluation question. Gold is given as passage ids, or as verbatim quotes from the answering units of
    the file `doc` (a question set written without knowing the parser's ids); no gold means unanswerable."""

    id: str
    kind: str
    q: str
    gold: tuple[str, ...]
    history: tuple[str, ...] = ()
    doc: str | None = None  # the file the gold is in (its name, or a path ending with it)
    quotes: tuple[str, ...] = ()
    split: str = ""

    @property
    def answerable(self) -> bool:
        return bool(self.gold or self.quotes)


@dataclass
class Tally:
    """Running figures for one kind (or overall) in one mode."""

    answerable: int = 0
    hit1: int = 0
    hit5: int = 0
    reciprocal: float = 0.0
    unanswerable: int = 0
    declined_unanswerable: int = 0
    declined_answerable: int = 0
    right_document: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, question: Question, ranked: list[str], declined: bool, gold: set[str], gold_docs: set[str]) -> None:
        if not question.answerable:
            self.unanswerable += 1
            self.declined_unanswerable += bool(declined)
            return
        self.answerable += 1
        self.declined_answerable += bool(declined)
        self.right_document += bool(ranked) and ranked[0].split(":", 1)[0] in gold_docs
        rank = next((i for i, pid in enumerate(ranked[:DEPTH], start=1) if pid in gold), None)
        self.hit1 += rank == 1
        self.hit5 += rank is not None and rank <= 5
        self.reciprocal += 1 / rank if rank else 0.0
        if rank != 1:
            self.misses.append(question.id)

    def figures(self) -> dict:
        n = self.answerable or 1
        return {
            "answerable": self.answerable,
            "hit@1": round(self.hit1 / n, 3),
            "hit@5": round(self.hit5 / n, 3),
            "mrr@10": round(self.reciprocal / n, 3),
            "right_document@1": round(self.right_document / n, 3),
            "unanswerable": self.unanswerable,
            "declined_unanswerable": self.declined_unanswerable,
            "declined_answerable": self.declined_answerable,
        }


def load_questions(path: Path) -> list[Question]:
    questions = []
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except OSError as error:
        raise QueryError(f"cannot read question file {path}: {error.strerror}") from error
    for number, line in enumerate(lines, start=1):
        if not line.strip():
            continue
        try:
            row = json.loads(line)
            quotes = tuple(q for q in [row.get("quote"), *(row.get("also") or ())] if q)
            questions.append(Question(str(row["id"]), row["kind"], row["q"], tuple(row.get("gold") or ()),
                                      tuple(row.get("history") or ()), row.get("doc"), quotes, row.get("split") or ""))
        except (ValueError, KeyError, TypeError) as error:
            raise QueryError(f"{path.name} line {number}: not a question record ({error.__class__.__name__})") from error
    return questions


def _folded(text: str) -> str:
    """Text as quotes are compared: NFKC, lower case, table pipes and runs of space folded."""
    return _SPACE.sub(" ", unicodedata.normalize("NFKC", text).replace("|", " ")).strip().lower()


def gold_of(question: Question, passages: list, documents: list) -> tuple[set[str], set[str]]:
    """The gold passage ids and their documents: ids as given (bare ids are local ids in `doc`, or in any
    document when none is named), or the passages of `doc` whose text holds a quote."""
    docs = {d.id for d in documents if question.doc and Path(question.doc).name == d.file}
    if question.doc and not docs:
        raise QueryError(f"question {question.id}: its document {question.doc} is not loaded")
    gold: set[str] = set()
    for pid in question.gold:
        if ":" in pid:
            gold.add(pid)
        else:
            gold |= {p.id for p in passages if p.id.split(":", 1)[1] == pid and (not docs or p.doc in docs)}
    for quote in question.quotes:
        folded = _folded(quote)
        gold |= {p.id for p in passages if p.doc in docs and folded in _folded(p.text)}
    if question.quotes and not gold:  # the parser split the quoted words apart: counted as a miss, and said
        UNMATCHED.append(question.id)
    return gold, {pid.split(":", 1)[0] for pid in gold}


def evaluate(bot, questions: list[Question], modes: tuple[str, ...] = MODES) -> dict:
    """{mode: {kind: figures, ..., "overall": figures}} plus the ids missed at rank 1 by the hybrid."""
    report: dict = {}
    golds = {q.id: gold_of(q, bot.passages, bot.documents) for q in questions}
    for mode in modes:
        tallies: dict[str, Tally] = defaultdict(Tally)
        for question in questions:
            hits = bot.search(question.q, k=DEPTH, history=question.history, mode=mode)
            declined = bot.declines(question.q, hits)  # the same rule over each mode's own ranking
            ranked = [hit.passage.id for hit in hits]
            gold, gold_docs = golds[question.id]
            tallies[question.kind].add(question, ranked, declined, gold, gold_docs)
            tallies["overall"].add(question, ranked, declined, gold, gold_docs)
        report[mode] = {kind: tally.figures() for kind, tally in sorted(tallies.items())}
        if mode == "hybrid":
            report["hybrid_misses"] = tallies["overall"].misses
    return report


def format_report(report: dict) -> str:
    """A table per mode: kind, n, hit@1, hit@5, MRR@10, and declining figures."""
    lines = []
    for mode in MODES:
        if mode not in report:
            continue
        lines.append(f"\n{mode}")
        lines.append(f"{'kind':<14}{'n':>5}{'hit@1':>8}{'hit@5':>8}{'MRR@10':>8}{'doc@1':>7}   declined")
        for kind, f in report[mode].items():
            parts = []
            if f["unanswerable"]:
                parts.append(f"{f['declined_unanswerable']}/{f['unanswerable']} unanswerable")
            if f["answerable"]:
                parts.append(f"{f['declined_answerable']}/{f['answerable']} answerable (wrongly)")
            declined = ", ".join(parts)
            lines.append(f"{kind:<14}{f['answerable'] + f['unanswerable']:>5}{f['hit@1']:>8.3f}{f['hit@5']:>8.3f}"
                         f"{f['mrr@10']:>8.3f}{f['right_document@1']:>7.3f}   {declined}")
    return "\n".join(lines).lstrip("\n")
