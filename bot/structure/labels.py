"""From a structural path to the document's own citation ("第7段(a)项", "decision 1/CMA.5, para. 15 (a)")
and to a short stable id ("p7a", "a1-D-4", "d1/CMA.5-p15a").

A path is a tuple of Seg(kind, value, mark): kind and value make the "kind:value" address; mark is how
the document printed the number ("四", "ii", "I", "" for an unnumbered annex) or a name (a list's
lead-in words, a table row's key)."""
from __future__ import annotations

from typing import NamedTuple

from bot.structure.grammar import DIVISIONS
from bot.structure.text import to_cn


class Seg(NamedTuple):
    kind: str
    value: str
    mark: str = ""
    style: str = ""  # how a section or item was numbered: cn, roman, letter, number

    def address(self) -> str:
        return f"{self.kind}:{self.value}" if self.value else self.kind


def address(path: tuple[Seg, ...]) -> tuple[str, ...]:
    return tuple(seg.address() for seg in path)


def label(path: tuple[Seg, ...], language: str) -> str:
    """The citation of `path` in the document's language."""
    path = _cited(path)
    return _label_zh(path) if language == "zh" else _label_en(path)


def _cited(path: tuple[Seg, ...]) -> tuple[Seg, ...]:
    """The segments a citation names: a treaty's articles are numbered through its chapters, so an article
    is cited without its chapter ("第三条第2款", not "第一章 第三条第2款")."""
    kinds = [seg.kind for seg in path]
    if "article" not in kinds:
        return path
    first_article = kinds.index("article")
    return tuple(seg for i, seg in enumerate(path) if not (seg.style in DIVISIONS and i < first_article))


def _number(value: str) -> int:
    return int(value) if value.isdigit() else 0


def _label_zh(path: tuple[Seg, ...]) -> str:
    out = ""
    previous: Seg | None = None
    for seg in path:
        kind, value, mark, style = seg
        glue = " "
        if kind in ("item", "subitem"):
            attached = previous is not None and previous.kind in ("para", "article", "item", "subitem")
            piece = f"({mark or value})" + (("项" if kind == "item" else "目") if attached else "")
            glue = "" if attached else " "
        elif kind == "row":
            piece, glue = (f"：{mark}", "") if mark else (f"第{value}行", " ")
        elif kind == "section":
            first = previous is None or previous.kind != "section"
            piece = f"第{to_cn(_number(value))}章" if style == "chapter" else f"第{to_cn(_number(value))}部分" \
                if style == "part" else (
                f"第{to_cn(_number(value))}节" if first and style == "cn" else (
                    f"“{mark}”" if style == "title" else (mark or value)))
        else:
            piece = _piece_zh(seg, previous)
        out = piece if not out else out + glue + piece
        previous = seg
    return out


def _piece_zh(seg: Seg, previous: Seg | None) -> str:
    kind, value, mark, _ = seg
    if kind == "decision":
        return f"第{value}号决定"
    if kind == "resolution":
        return f"第{value}号决议"
    if kind in ("annex", "appendix"):
        word = "附件" if kind == "annex" else "附录"
        return word + ((mark if not mark.isascii() else to_cn(_number(value))) if mark else "")
    if kind == "article":
        return f"第{to_cn(_number(value))}条"
    if kind == "list":
        return mark or f"列表{value}"
    if kind == "preamble":
        return f"序言第{value}段"
    if kind == "para":
        return f"第{value}款" if previous is not None and previous.kind == "article" else f"第{value}段"
    if kind == "footnote":
        return f"脚注{value}"
    if kind == "table":
        return f"表{value}"
    return {"header": "文件标题", "contents": "目录"}.get(kind) or (f"第{value}行" if kind == "line" else value)


def _label_en(path: tuple[Seg, ...]) -> str:
    pieces: list[str] = []
    previous: Seg | None = None
    for seg in path:
        kind, value, mark, _ = seg
        if kind in ("item", "subitem") and pieces:
            pieces[-1] += f" ({mark or value})"
        elif kind == "section" and seg.style == "title":
            pieces.append(f"“{mark}”")  # an unnumbered heading is cited by its title
        elif kind == "section" and seg.style in DIVISIONS:
            pieces.append(f"{seg.style} {mark or value}")
        elif kind == "section" and previous is not None and previous.kind == "section" \
                and previous.style not in ("title", *DIVISIONS):
            pieces[-1] += f".{mark or value}"
        else:
            pieces.append(_piece_en(seg))
        previous = seg
    return ", ".join(pieces)


def _piece_en(seg: Seg) -> str:
    kind, value, mark, _ = seg
    if kind in ("decision", "resolution"):
        return f"{kind} {value}"
    if kind in ("annex", "appendix"):
        return f"{kind} {mark}" if mark else kind
    if kind == "article":
        return f"Article {value}"
    if kind == "section":
        return f"section {mark or value}"
    if kind == "list":
        return mark or f"list {value}"
    if kind == "preamble":
        return f"preamble, para. {value}"
    if kind == "para":
        return f"para. {value}"
    if kind in ("item", "subitem"):
        return f"({mark or value})"
    if kind == "footnote":
        return f"footnote {value}"
    if kind == "table":
        return f"table {value}"
    if kind == "row":
        return mark or f"row {value}"
    if kind == "line":
        return f"line {value}"
    return kind  # header, contents


def local_id(path: tuple[Seg, ...], short_letters: frozenset[tuple[str, ...]] = frozenset()) -> str:
    """The id of `path`: one token per segment joined by "-", a lettered item glued to its paragraph
    ("p7a"). A lettered section whose address is in `short_letters` is named without its chapter
    ("a1-D" for annex 1, section 2, section D, when D is the only D in annex 1)."""
    tokens: list[str] = []
    path = _cited(path)
    for i, seg in enumerate(path):
        kind, value = seg.kind, seg.value
        previous = path[i - 1] if i else None
        if kind == "section" and previous is not None and previous.kind == "section" \
                and address(path[:i + 1]) in short_letters:
            tokens.pop()
        if kind in ("item", "subitem") and previous is not None and previous.kind == "para" \
                and value.isalpha():
            tokens[-1] += value
            continue
        tokens.append(_token(seg, previous))
    return "-".join(tokens)


def _token(seg: Seg, previous: Seg | None) -> str:
    kind, value = seg.kind, seg.value
    if kind == "para":
        top = previous is None or previous.kind in ("decision", "resolution")
        return f"p{value}" if top else value
    if kind == "section":
        return value if seg.style in ("letter", "title") else f"s{value}"  # "D", "h2" (unnumbered), "sII"
    prefix = {"decision": "d", "resolution": "r", "annex": "a", "appendix": "app", "article": "art", "list": "l",
              "preamble": "pre", "footnote": "fn", "table": "t", "line": "t"}.get(kind)
    if prefix is not None:
        return prefix + value
    return {"header": "header", "contents": "toc"}.get(kind, value)
