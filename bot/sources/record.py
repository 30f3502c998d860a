"""The record every reader returns."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Kind = Literal["pdf", "docx", "md", "txt"]


@dataclass(frozen=True)
class SourceText:
    """A document's text in the project's markup: form feeds between pages, `^{n}` footnote markers,
    `^{n} text` footnote lines, tab-separated table rows, one line per paragraph where the layout allows."""

    text: str
    pages: int | None  # None where the source has no fixed pages (.docx, .md)
    kind: Kind
