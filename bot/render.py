"""An Answer as JSON-ready data (the CLI contract) and as readable text for a terminal."""
from __future__ import annotations

from bot.records import Answer, Passage


def answer_to_dict(answer: Answer, by_id: dict[str, Passage]) -> dict:
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "passages": [
            {
                "id": hit.passage.id,
                "citation": hit.passage.citation,
                "kind": hit.passage.kind,
                "text": hit.passage.text,
                "score": round(hit.score, 6),
                "footnotes": [
                    {"id": f, "citation": by_id[f].citation, "text": by_id[f].text}
                    for f in hit.passage.footnotes if f in by_id
                ],
            }
            for hit in answer.hits
        ],
        "quotes": [{"marker": q.marker, "id": q.passage_id, "sentence": q.sentence} for q in answer.quotes],
        "notes": list(answer.notes),
    }


def answer_to_text(answer: Answer, by_id: dict[str, Passage]) -> str:
    lines = [*answer.notes, f"问：{answer.question}", "", answer.text, "", "引用段落：" if not answer.abstained else "最接近的段落："]
    for n, hit in enumerate(answer.hits, start=1):
        lines.append(f"[{n}] {hit.passage.citation}")
        lines.append(f"    {hit.passage.text}")
        for f in hit.passage.footnotes:
            if f in by_id:
                lines.append(f"    {by_id[f].citation}：{by_id[f].text}")
    return "\n".join(lines)


def passage_to_dict(passage: Passage) -> dict:
    """One line of `bot passages --json`."""
    return {
        "id": passage.id,
        "kind": passage.kind,
        "citation": passage.citation,
        "text": passage.text,
        "section": list(passage.section),
        "footnotes": list(passage.footnotes),
        "cited_by": list(passage.cited_by),
    }
