"""`bot ask --batch`: one answer (or one error object) per input line, the model loaded once."""
from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from bot.errors import BotError, QueryError
from bot.render import answer_to_dict


def read_batch(path: Path) -> Iterator[tuple[object, str | None, str | None]]:
    """(id, question, error) per non-blank line; the id falls back to 'line N'."""
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
            yield fallback, None, f"line {number}: not valid JSON"
            continue
        if not isinstance(record, dict):
            yield fallback, None, f"line {number}: expected an object with \"id\" and \"q\""
            continue
        qid = record.get("id", fallback)
        key = json.dumps(qid, ensure_ascii=False, sort_keys=True)
        if "id" not in record:
            yield qid, None, f"line {number}: missing \"id\""
        elif "q" not in record:
            yield qid, None, f"line {number}: missing \"q\" (the question text)"
        elif not isinstance(record["q"], str):
            yield qid, None, f"line {number}: \"q\" must be text (got {type(record['q']).__name__})"
        elif key in seen:
            yield qid, None, f"line {number}: duplicate id {qid!r}"
        else:
            seen.add(key)
            yield qid, record["q"], None


def answer_batch(bot, path: Path, k: int | None, doc: str | None = None) -> Iterator[dict]:
    for qid, question, error in read_batch(path):
        if error is None:
            try:
                yield {"id": qid} | answer_to_dict(bot.ask(question, k=k, doc=doc), bot.by_id, bot.titles)
                continue
            except BotError as problem:
                error = str(problem)
        yield {"id": qid, "error": error}
