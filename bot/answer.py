"""Extractive answers: the most relevant sentences quoted verbatim with markers [n], or a plain decline."""
from __future__ import annotations

import re
from itertools import takewhile

import numpy as np

from bot.abstain import DAY, UNIT, YEAR, answer_checks, answer_text
from bot.context import WHOLE_PASSAGE_CHARS
from bot.index import Index
from bot.records import Answer, Hit, Passage, Quote
from bot.references import asks_only_for_units
from bot.textnorm import clean_spaces, normalize

NOT_FOUND = "文件中没有找到能直接回答这个问题的内容。以下是最接近的段落，供参考。"
NOT_FOUND_EN = "The documents do not answer this question directly. The closest passages are listed for reference."
WHOLE_UNIT_CHARS = 600  # a unit asked for by name is quoted whole up to this length, else from its first sentence
WHOLE_LIST_CHARS = 1500  # a lead-in named is quoted with its items up to this length ("28. … calls on Parties …: (a) … (h)")
MAX_LISTED_ROWS = 30  # rows named when a question asks for a table
MAX_CHAPEAU_CHARS = 200  # a lead-in quoted before an item it completes, at most
MAX_NAMED_QUOTES = 4  # units quoted when the question names them (an article's paragraphs, each document's unit)
NEARLY_AS_STRONG = 0.3  # a second passage this close to the top's fused score (in standard scores) is quoted too
# a second passage holding the kind of answer asked for is quoted first when it is this close to the top's score (the
# size of the kind-of-answer lift): far behind, the top passage answers in words the check does not read ("210 fellows"
# for "how many people")
KIND_SWAP_MARGIN = 1.0
_ASKS_WHEN = re.compile(r"什么时候|何时|哪年|几月|\bwhen\b|\bwhat time\b")
_ITEM_LABEL = re.compile(r"\((?:[a-z]{1,2}|[ivx]{1,5}|\d{1,2})\)\s")
# a question asking for a list as a whole, by its length: "三个目标是什么", "what are the three objectives", "list"
_ASKS_LIST = re.compile(r"列出|[两二三四五六七八九十\d]\s*[个项类种条][^，。？?]{0,10}(?:是什么|是哪些|有哪些|分别)"
                        r"|\bwhat are the (?:two|three|four|five|six|seven|eight|nine|ten|\d+)\b|\blist\b")
_LEAD_IN = re.compile(r"[:：]\s*$")  # a unit whose words go on in its items


def _holds_day(normalized: str, text: str) -> bool:
    return re.search(DAY, normalized) is not None


def _holds_year(normalized: str, text: str) -> bool:
    return YEAR.search(normalized) is not None


def best_sentence(index: Index, hit: Hit, row: int, query_vector: np.ndarray, question: str = "") -> str:
    """What to quote of a passage: the passage itself when short; the cell of a table column the question names;
    a unit asked for by name from its beginning; else its sentence closest to the question among those holding
    the kind of answer it asks for (a date for "when", a number for "how many"), when any does — never one its
    citation already says (a table row's name cell: "附件二 表1：工作组第三次会议" is shown beside the quote)."""
    text = hit.passage.text
    asked = normalize(question)
    if _LEAD_IN.search(text) and hit.passage.kind != "heading":  # a lead-in ("2．专家组应："): with its items
        return _with_items(index, hit.passage, row)
    label = clean_spaces(hit.passage.citation)
    named = [(len(normalize(UNIT.sub("", name))), cell) for name, cell in hit.passage.columns  # "它的任务授权是哪项决定？"
             if _names_column(asked, name) and cell in text and clean_spaces(cell) not in label]
    if named and (len({cell for _, cell in named}) > 1 and len(re.findall(r"[?？]", question)) > 1
                  or len(set(_ASK_WORD.findall(asked))) > 1):
        return text  # "预算是多少？由哪个机构牵头？", "以什么形式、在哪里举行？": two things asked, the row with its column names
    if named:  # the cell of the column the question names; of several ("total … for 2028-2029"), the longest name,
        longest = max(length for length, _ in named)  # unless several are as long ("2028—2029两年期": 2028, 2029),
        cells = {cell for length, cell in named if length == longest}  # which the whole row shows
        return cells.pop() if len(cells) == 1 else text
    if len(text) <= WHOLE_PASSAGE_CHARS:
        return text
    rows = [k for k in index.sentences_of(row) if clean_spaces(index.sentences[k].text) not in label]
    if rows and hit.exact and asks_only_for_units(asked):  # "脚注1说了什么？": the unit from its beginning
        return text if len(text) <= WHOLE_UNIT_CHARS else index.sentences[rows[0]].text
    checks = answer_checks(asked) if question else []
    if checks:
        rows = _holding(index, rows, checks) or rows
    elif _ASKS_WHEN.search(asked):  # too loose to decline on (a year or an event may answer "when"), but a
        rows = _holding(index, rows, [_holds_day]) or _holding(index, rows, [_holds_year]) or rows  # time is quoted
    if not rows:
        return text
    scores = index.sentence_vectors[rows] @ query_vector
    return _whole_sentence(index, row, rows[int(np.argmax(scores))])


def _whole_sentence(index: Index, row: int, k: int) -> str:
    """A clause quoted with the clauses its sentence goes on with: "… shall be taken by consensus;" is followed
    by "where consensus cannot be reached, …" (English clauses after a semicolon start in lower case)."""
    own = index.sentences_of(row)
    text = index.sentences[k].text
    following = own[own.index(k) + 1:] if k in own else []
    for n in following:
        after = index.sentences[n].text.lstrip()
        if not text.rstrip().endswith(";") or not (after[:1].islower() or _ITEM_LABEL.match(after)):
            break  # "(a) water and drought; (b) food security; …": an inline list goes on
        text = f"{text.rstrip()} {after}"
    return text


def _with_items(index: Index, passage: Passage, row: int) -> str:
    """A unit that ends leading in to its items ("2. Urges Parties:"), followed by them, as far as
    WHOLE_LIST_CHARS: the lead-in alone says nothing."""
    parts, length = [passage.text], len(passage.text)
    following = index.passages[row + 1:]
    table = _table_after(following, passage)
    for item in following:
        if item.kind == "footnote" and item.doc == passage.doc:
            continue  # a footnote printed between two items
        inside = item.path[:len(passage.path)] == passage.path and item.path != passage.path
        if item.doc != passage.doc or not (inside or table and item.path[:len(table)] == table):
            break
        if item.kind == "heading":
            continue  # the table's header: its rows are quoted with their column names
        text = shown_quote(item, item.text) if item.kind == "table_row" else item.text
        if length + len(text) > WHOLE_LIST_CHARS:
            parts.append("…")
            break
        parts.append(text if item.kind != "table_row" else f"[{text}]")
        length += len(text)
    return ("" if re.search(r"[\u4e00-\u9fff]", passage.text) else " ").join(parts)


def _table_after(following: list[Passage], passage: Passage) -> tuple[str, ...] | None:
    """The path of the table a lead-in introduces ("9. 下表列出主要活动："): the next passage of its document
    (footnotes aside) heads a table."""
    for item in following:
        if item.doc != passage.doc:
            return None
        if item.kind != "footnote":
            return item.path if item.kind == "heading" and item.path[-1:] and item.path[-1].startswith("table:") else None
    return None


_CJK_PAIR = re.compile(r"[\u4e00-\u9fff]{2}")


# the words a question asks with: two of them ask two things ("how many households, and what allocation?")
_ASK_WORD = re.compile(r"什么|哪里|哪儿|何时|何地|多少|几|谁|\b(?:what|where|when|which|who|how many|how much)\b")


def _names_column(asked: str, name: str) -> bool:
    """Whether the (normalized) question names a table column, its unit aside: "estimated cost" names
    "Estimated cost (USD)"."""
    bare = normalize(UNIT.sub("", name)).strip()
    if len(bare) >= 2 and bare in asked:
        return True
    # its words in another order: "牵头机构" in "由哪个机构牵头"
    pairs = [bare[i:i + 2] for i in range(0, len(bare), 2)]
    return len(bare) >= 4 and len(bare) % 2 == 0 and all(_CJK_PAIR.fullmatch(p) and p in asked for p in pairs)


def shown_quote(passage: Passage, sentence: str) -> str:
    """The words an answer line shows for a quote. A table row's cells are shown with their column names
    ("预警系统：11.6", "Estimated cost (USD): 250,000"), which the row's own text does not repeat."""
    cells = [(name, cell) for name, cell in passage.columns if name and cell]
    chinese = bool(re.search(r"[\u4e00-\u9fff]", passage.text))
    colon = "：" if chinese else ": "
    # the unit the table's caption gives its figures, when no column names one: "Table 1 … (Euros)"
    caption = UNIT.search(passage.section[-1]) if cells and passage.section else None
    unit = ""
    if caption and not re.search(r"\d|continued|续", caption[1]) and re.search(r"\d", sentence) \
            and not any(UNIT.search(name) for name, _ in cells):
        unit = f"（{caption[1]}）" if chinese else f" ({caption[1]})"
    if cells and sentence == passage.text:
        return ("；" if chinese else "; ").join(f"{name}{colon}{cell}" for name, cell in cells) + unit
    names = [name for name, cell in cells if cell == sentence]  # a cell alone: under each column that holds it
    return f"{('、' if chinese else ', ').join(names)}{colon}{sentence}{unit}" if names else sentence


def _holds(hit: Hit, checks: list) -> bool:
    text = answer_text(hit.passage)
    return all(check(normalize(text), text) for check in checks)


def _holding(index: Index, rows: list[int], checks: list) -> list[int]:
    """The sentences (positions in index.sentences) that pass every check."""
    return [k for k in rows if all(check(normalize(index.sentences[k].text), index.sentences[k].text) for check in checks)]


def declined_text(reason: str | None, language: str = "zh") -> str:
    """The decline message, with the reason when there is one: 文件中没有找到…（文件没有提到《巴黎协定》）。…"""
    if language == "en":
        first, rest = NOT_FOUND_EN.split(". ", 1)
        return f"{first} ({reason}). {rest}" if reason else NOT_FOUND_EN
    if not reason:
        return NOT_FOUND
    first, rest = NOT_FOUND.split("。", 1)
    return f"{first}（{reason}）。{rest}"


def compose(question: str, hits: list[Hit], index: Index, query_vector: np.ndarray, decline_reason: str | None,
            notes: tuple[str, ...] = (), language: str = "zh") -> Answer:
    """Quote the top passage (and the second when it is an exact reference too, or when neither is one and it
    is nearly as strong), or decline when a reason is given."""
    if decline_reason is not None:
        return Answer(question, declined_text(decline_reason, language), True, tuple(hits), (), notes)
    row_of = {hit.passage.id: hit.passage.order for hit in hits}  # a passage's order is its row in the index
    # a named unit is quoted alone (with a second named one): a passage found by search beside it is a card
    alike = not hits[0].exact if hits else False
    chosen = hits[:1] + [h for h in hits[1:2] if h.exact or alike and h.score >= hits[0].score - NEARLY_AS_STRONG]
    if not alike:  # the units named, read through: an article's paragraphs, a section's first passages
        chosen = list(takewhile(lambda h: h.exact, hits))[:MAX_NAMED_QUOTES]
    lead = _lead_in_of(chosen[0], index) if alike and index is not None and _ASKS_LIST.search(normalize(question)) \
        else None
    if lead is not None:  # "三个目标是什么？": the list, not its item (a); its card first
        chosen[:1] = [lead]
        row_of[lead.passage.id] = lead.passage.order
        hits = ([lead] + [hit for hit in hits if hit.passage.id != lead.passage.id])[:len(hits)]
    checks = answer_checks(normalize(question)) if alike else []
    if checks and len(hits) > 1 and not _holds(hits[0], checks) and _holds(hits[1], checks) \
            and hits[1].score >= hits[0].score - KIND_SWAP_MARGIN:
        chosen = [hits[1], hits[0]]  # "区域讲习班的预算是多少？": the passage with the amount first, as the decline
                                     # rules found it among the two best
    quotes = tuple(
        Quote(n, hit.passage.id, _with_chapeau(index, hit, chosen,
                                               best_sentence(index, hit, row_of[hit.passage.id], query_vector, question)))
        for n, hit in enumerate(chosen, start=1)
    )
    lines = [f"{hit.passage.citation}[{q.marker}]：「{shown_quote(hit.passage, q.sentence)}」" if language == "zh"
             else f"{hit.passage.citation} [{q.marker}]: “{shown_quote(hit.passage, q.sentence)}”"
             for hit, q in zip(chosen, quotes)]
    if hits and hits[0].exact and index is not None:
        lines += _table_rows_line(hits[0].passage, index, language)
        lines += _parts_line([hit.passage for hit in chosen], index, language)
    return Answer(question, "\n".join(lines), False, tuple(hits), quotes, notes)


def _with_chapeau(index: Index | None, hit: Hit, chosen: list[Hit], sentence: str) -> str:
    """An item found by search quoted after the short lead-in it completes ("6. 决定…召开一次…研讨会，讨论：…（b）
    发展中国家…的需要；"): alone, it may not say what it is a part of. A unit named is quoted as it stands."""
    lead = _lead_in_of(hit, index) if index is not None and not hit.exact else None
    if lead is None or len(lead.passage.text) > MAX_CHAPEAU_CHARS or any(h.passage.id == lead.passage.id for h in chosen):
        return sentence
    return f"{lead.passage.text}…{sentence}" if re.search(r"[\u4e00-\u9fff]", sentence) else \
        f"{lead.passage.text} … {sentence}"


def _lead_in_of(hit: Hit, index: Index) -> Hit | None:
    """For an item of a list, the unit that leads in to it ("4. The workplan pursues three objectives:")."""
    item = hit.passage
    if item.kind != "item" or len(item.path) < 2:
        return None
    for passage in reversed(index.passages[:item.order]):
        if passage.doc != item.doc:
            return None
        if passage.path == item.path[:-1]:
            return Hit(passage, hit.score, hit.dense_score, hit.lexical_score) if _LEAD_IN.search(passage.text) else None
    return None


def _parts_line(quoted: list[Passage], index: Index, language: str) -> list[str]:
    """For a chapter or section quoted as a unit named ("第三章包括哪些条款？"), a line naming the parts it holds, by
    their own headings ("第八条 缔约方会议；第九条 秘书处；…"), or, when it holds no headed parts, its numbered
    paragraphs ("第7段；第8段；…"); none when it holds fewer than two. Of several such units (the part III of two
    documents), each line names its unit."""
    headings = [p for p in quoted if p.kind == "heading" and p.section]
    lines = []
    for heading in headings:
        parts = _parts_of(heading, index)
        if len(parts) < 2:
            continue
        shown = "；".join(parts[:MAX_LISTED_ROWS]) if language == "zh" else "; ".join(parts[:MAX_LISTED_ROWS])
        if len(headings) == 1:
            lines.append(f"其下各部分：{shown}" if language == "zh" else f"Its parts: {shown}")
        else:
            lines.append(f"{heading.citation}下各部分：{shown}" if language == "zh" else f"Parts of {heading.citation}: {shown}")
    return lines


def _parts_of(heading: Passage, index: Index) -> list[str]:
    depth, parts, numbered = len(heading.section), [], []
    for passage in index.passages[heading.order + 1:]:
        if passage.doc != heading.doc:
            break
        if passage.kind == "footnote":  # a PDF page's foot may fall inside a section
            continue
        if passage.section[:depth] != heading.section:
            break
        if len(passage.section) == depth + 1 and passage.section[-1] not in parts:
            parts.append(passage.section[-1])
        elif len(passage.section) == depth and passage.kind == "paragraph" and passage.label:
            numbered.append(passage.label.split(", ")[-1] if ", " in passage.label else passage.label.split(" ")[-1])
    return parts or numbered


def _table_rows_line(table: Passage, index: Index, language: str) -> list[str]:
    """For a table named in the question ("附件二表1列了哪些会议？"), a line naming its rows as the document does."""
    if table.kind != "heading" or not table.path or not table.path[-1].startswith("table:"):
        return []
    label = table.label or table.citation
    names = [row.label[len(label):].lstrip("：:, ") for row in index.passages
             if row.kind == "table_row" and row.doc == table.doc and row.path[:len(table.path)] == table.path
             and (row.label or "").startswith(label)]
    names = [name for name in names if name][:MAX_LISTED_ROWS]
    if not names:
        return []
    return [("表中各行：" + "；".join(names)) if language == "zh" else ("Its rows: " + "; ".join(names))]
