"""Plain text: decoded as the corpus loader decodes it (a BOM's encoding, UTF-8, else GBK/GB18030)."""
from __future__ import annotations

from bot.corpus import decode
from bot.sources.record import SourceText

__all__ = ["read_text"]


def read_text(data: bytes, name: str) -> SourceText:
    text = decode(data, name)
    return SourceText(text=text, pages=text.count("\f") + 1 if "\f" in text else None, kind="txt")
