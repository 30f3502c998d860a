"""An Answer as JSON-ready data (the CLI contract) and as readable text for a terminal."""
from __future__ import annotations

from bot.answer import shown_quote
from bot.records import Answer, Passage


def answer_to_dict(answer: Answer, by_id: dict[str, Passage], titles: dict[str, str] | None = None) -> dict:
    """The `bot ask --json` contract; `titles` maps document ids to what citations call them."""
    titles = titles or {}
    return {
        "question": answer.question,
        "answer": answer.text,
        "abstained": answer.abstained,
        "passages": [
            {
                "id": hit.passage.id,
                "doc": hit.passage.doc,
                "doc_title": titles.get(hit.passage.doc, hit.passage.doc),
                "citation": hit.passage.citation,
                "kind": hit.passage.kind,
                "text": hit.passage.text,
                **_columns(hit.passage),
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
    english = not any("\u4e00" <= ch <= "\u9fff" for ch in answer.question)
    asked, cited, nearest = ("Q: ", "Cited passages:", "Closest passages:") if english else ("问：", "引用段落：", "最接近的段落：")
    lines = [*answer.notes, f"{asked}{answer.question}", "", answer.text, "", cited if not answer.abstained else nearest]
    for n, hit in enumerate(answer.hits, start=1):
        lines.append(f"[{n}] {hit.passage.citation}")
        lines.append(f"    {shown_quote(hit.passage, hit.passage.text)}")  # a table row with its column names
        for f in hit.passage.footnotes:
            if f in by_id:
                lines.append(f"    {by_id[f].citation}{': ' if english else '：'}{by_id[f].text}")
    return "\n".join(lines)


def passage_to_dict(passage: Passage) -> dict:
    """One line of `bot passages --json`."""
    return {
        "id": passage.id,
        "doc": passage.doc,
        "kind": passage.kind,
        "citation": passage.citation,
        "text": passage.text,
        **_columns(passage),
        "section": list(passage.section),
        "pages": list(passage.pages),
        "footnotes": list(passage.footnotes),
        "cited_by": list(passage.cited_by),
    }


def document_to_dict(document, passages: int) -> dict:
    """One line of `bot docs --json`."""
    return {"id": document.id, "symbol": document.symbol, "title": document.title, "language": document.language,
            "kind": document.kind, "date": document.date, "file": document.file, "passages": passages}


def _columns(passage: Passage) -> dict:
    """A table row's cells by column, as [[name, cell], ...]; nothing for other passages."""
    return {"columns": [list(pair) for pair in passage.columns]} if passage.columns else {}
