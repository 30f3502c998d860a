"""`bot ask --batch`: one answer (or one error object) per input line, the model loaded once."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from bot.errors import BotError, QueryError
from bot.render import answer_to_dict


def read_batch(path: Path) -> Iterator[tuple[object, str | None, list[str], str | None]]:
    """(id, question, history, error) per non-blank line; the id falls back to 'line N'. "history", when given,
    lists the questions asked before this one, oldest first ({"id": 2, "q": "那(c)项呢？", "history": ["第7段讲什么？"]})."""
    try:
        text = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as error:
        raise QueryError(f"cannot read batch file {path}: {error}") from error
    seen: set[str] = set()
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        fallback = f"line {number}"
        try:
            record = json.loads(line)
        except ValueError:
            yield fallback, None, [], f"line {number}: not valid JSON"
            continue
        if not isinstance(record, dict):
            yield fallback, None, [], f"line {number}: expected an object with \"id\" and \"q\""
            continue
        qid = record.get("id", fallback)
        key = json.dumps(qid, ensure_ascii=False, sort_keys=True)
        history = record.get("history", [])
        if "id" not in record:
            yield qid, None, [], f"line {number}: missing \"id\""
        elif "q" not in record:
            yield qid, None, [], f"line {number}: missing \"q\" (the question text)"
        elif not isinstance(record["q"], str):
            yield qid, None, [], f"line {number}: \"q\" must be text (got {type(record['q']).__name__})"
        elif not isinstance(history, list) or not all(isinstance(turn, str) for turn in history):
            yield qid, None, [], f"line {number}: \"history\" must be a list of the questions asked before"
        elif key in seen:
            yield qid, None, [], f"line {number}: duplicate id {qid!r}"
        else:
            seen.add(key)
            yield qid, record["q"], history, None


def answer_batch(bot, path: Path, k: int | None, doc: str | None = None) -> Iterator[dict]:
    for qid, question, history, error in read_batch(path):
        if error is None:
            try:
                answer = bot.ask(question, k=k, history=history, doc=doc)
                yield {"id": qid} | answer_to_dict(answer, bot.by_id, bot.titles)
                continue
            except BotError as problem:
                error = str(problem)
        yield {"id": qid, "error": error}
