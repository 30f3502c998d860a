"""Compatibility module: the parser now lives in bot.structure (one grammar for UN documents,
Chinese and English). `parse`, `strip_markers` and `PARSER_VERSION` keep their old names here."""
from __future__ import annotations

from bot.structure import PARSER_VERSION, DocumentInfo, detect, parse, strip_markers

__all__ = ["PARSER_VERSION", "DocumentInfo", "detect", "parse", "strip_markers"]
