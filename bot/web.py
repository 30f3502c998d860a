"""The web chat: a Gradio page over one Bot, served on 127.0.0.1 and usable with the network cable pulled.

`serve()` shows the page at once and opens the bot (loading or building the index, loading the model) in a
background thread; the page says "正在建立索引…" until it is ready. When uploads are on (by default on loopback),
a person can add a document from the page: `Uploads` checks the file before anything is saved, saves it into the
corpus, updates the index in the background (only the new document is embedded) while answers still come from the
bot in place, then swaps in the new Bot and lets the server serve the new file. `chat()` is the chat function, testable
without a browser: it yields (reply, sources) pairs, the reply as markdown in which every character of the
document or of the question is escaped, the sources as HTML in which every such character is HTML-escaped.

Nothing on the page leaves 127.0.0.1: no analytics or version check (set below, before gradio is imported),
system fonts only (no Google Fonts), no share link, no run history, no monitoring or MCP endpoints.
"""
from __future__ import annotations

import contextlib
import functools
import html
import ipaddress
import logging
import os
import re
import threading
import time
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

os.environ["GRADIO_ANALYTICS_ENABLED"] = "False"  # gradio reads this when it is imported: no telemetry, no version check

from bot.config import Config  # noqa: E402
from bot.errors import BotError, CorpusError  # noqa: E402
from bot.gradio_import import import_gradio  # noqa: E402
from bot.records import Answer, Hit, Passage  # noqa: E402
from bot.textnorm import normalize  # noqa: E402
from bot.tokenize import DATE_PREFIXES, Tokenizer  # noqa: E402

if TYPE_CHECKING:
    import gradio as gr

    from bot.engine import Bot
    from bot.library import Saved

__all__ = ["Loading", "Running", "Uploads", "build_app", "chat", "serve", "start"]

log = logging.getLogger(__name__)

ASSETS = Path(__file__).resolve().parent / "web_assets"
TITLE = "bot · 文件问答"
EXAMPLE_SLOTS = 5  # example buttons; their questions come from the loaded documents
ALL_DOCUMENTS = "全部文件 (all documents)"
# the sources column's words, in the question's language
SOURCE_WORDS = {
    "zh": {"question": "问：", "closest": "最接近的段落（文件中没有直接的答案）", "cited": "引用的段落",
           "others": "其他相关段落", "page": "{file}，第 {page} 页 (p. {page})", "refers": "提及的已载入文件：",
           "context": "在文件中的位置（前后段落）", "cited_by": "引用此脚注的段落："},
    "en": {"question": "Q: ", "closest": "Closest passages (the documents do not answer this directly)",
           "cited": "Cited passages", "others": "Other related passages", "page": "{file}, p. {page}",
           "refers": "Refers to loaded documents: ", "context": "Where it stands (the passages around it)",
           "cited_by": "Cited by: "},
}
KIND_NAMES_EN = {
    "header": "document information", "preamble": "preamble", "paragraph": "paragraph", "item": "item",
    "heading": "heading", "footnote": "footnote", "table_row": "table row", "text": "text", "article": "article",
}
KIND_NAMES = {
    "header": "文件信息", "preamble": "序言", "paragraph": "段落", "item": "分项", "heading": "标题",
    "footnote": "脚注", "table_row": "表格行", "text": "正文", "article": "条款",
}
SYSTEM_FONTS = ("PingFang SC", "Hiragino Sans GB", "Microsoft YaHei", "Noto Sans CJK SC", "Noto Sans SC",
                "Source Han Sans SC", "WenQuanYi Micro Hei", "system-ui", "-apple-system", "Segoe UI", "Roboto",
                "Helvetica Neue", "Arial", "sans-serif")
SYSTEM_MONO = ("ui-monospace", "SFMono-Regular", "Menlo", "Consolas", "Noto Sans Mono CJK SC", "DejaVu Sans Mono",
               "monospace")
FAILED = "出错了：{kind}。详情已写入服务器日志。(Something went wrong; see the server log.)"

_tokenizer = Tokenizer()


class NotReady(BotError):
    """The index is still being loaded or built."""


# ---------------------------------------------------------------- the bot, opened in the background


class Loading:
    """A Bot being opened in a background thread, so the page can be served meanwhile."""

    def __init__(self, open_bot: Callable[[Callable[[str], None]], "Bot"], say: Callable[[str], None] = print,
                 warm_up: bool = True) -> None:
        self._open, self._say, self._warm_up = open_bot, say, warm_up
        self.bot: Bot | None = None
        self.error: str | None = None
        self.status = "正在建立索引…"
        self.started = time.monotonic()
        self.ready_seconds: float | None = None
        self._thread = threading.Thread(target=self._run, name="bot-open", daemon=True)

    @classmethod
    def of(cls, bot: "Bot") -> "Loading":
        """A Loading that is already done: a holder for a Bot that a newer one can replace (see `swap`)."""
        done = cls(lambda status: bot, say=lambda line: None, warm_up=False)
        done.bot, done.ready_seconds = bot, 0.0
        return done

    def start(self) -> "Loading":
        self._thread.start()
        return self

    def wait(self, timeout: float | None = None) -> "Bot":
        if self._thread.is_alive():
            self._thread.join(timeout)
        return self.get()

    def swap(self, bot: "Bot") -> None:
        """Answer from `bot` from now on; answers under way finish with the bot they started with."""
        self.bot = bot

    def get(self) -> "Bot":
        """The open bot, or a BotError that says why there is none yet."""
        if self.bot is not None:
            return self.bot
        if self.error is not None:
            raise BotError(self.error)
        raise NotReady(f"{self.status}准备好后即可提问。(The index is still loading; please wait.)")

    def _status(self, line: str) -> None:
        self.status = f"正在建立索引…（{line}）"
        self._say(line)

    def _run(self) -> None:
        try:
            bot = self._open(self._status)
            if self._warm_up:
                self.status = "正在加载模型…"
                bot.ask(example_questions(bot)[0])  # once, so that the first real question is quick
            self.bot = bot
            self.ready_seconds = round(time.monotonic() - self.started, 1)
            self._say(f"ready: {_loaded_line(bot)} ({self.ready_seconds} s)")
        except BotError as error:
            self.error = f"无法载入索引：{error}"
            self._say(self.error)
        except Exception as error:  # anything else is a bug: one line for the page, the traceback for the log
            log.exception("opening the bot failed")
            self.error = FAILED.format(kind=type(error).__name__)
            self._say(self.error)


def _ready(bot: "Bot | Loading") -> "Bot":
    return bot.get() if isinstance(bot, Loading) else bot


# ---------------------------------------------------------------- documents added from the page

BUSY = "另一份文件正在加入索引，请等它完成后再上传。(Another document is being added; upload again when it is done.)"


class Uploads:
    """Documents added from the page, one at a time.

    A file is checked before anything is saved (name, size, type by content, text layer, passages); a refused one
    leaves the corpus untouched. An accepted one is saved into the corpus folder, and the index is updated in a
    background thread — only the new document is embedded (see bot.index.open_index) — while answers still come
    from the bot in place; the new Bot is swapped in when it is ready. `allowed` is the launched app's
    allowed_paths, which Gradio's file route reads at every request: the new file's path joins it, so the cards'
    links to the file open, and nothing else is added. `line` is the latest upload's progress or outcome,
    (kind, text) with kind "wait", "ready" or "error", for the status line.
    """

    def __init__(self, live: Loading, say: Callable[[str], None] = print) -> None:
        self.live, self._say = live, say
        self._lock = threading.Lock()  # held from a file's check until its new bot is in place or given up
        self.busy = False
        self.line: tuple[str, str] | None = None
        self.allowed: list[str] | None = None
        self._thread: threading.Thread | None = None

    def receive(self, path: str | None) -> tuple[str, str]:
        """The page's handler: the file Gradio stored in its upload folder, taken from there and offered;
        (kind, one line for the person who uploaded it)."""
        if not path:
            return "error", "没有收到文件。(No file was received.)"
        name = Path(path).name
        try:
            return self.offer(name, _take_upload(Path(path)))
        except BotError as error:
            self._say(f"upload refused: {error}")
            return "error", f"未加入 (not added): {error}"
        except Exception as error:  # a bug or a disk problem: one line for the page, the traceback for the log
            log.exception("adding %r failed", name)
            return "error", FAILED.format(kind=type(error).__name__)

    def offer(self, name: str, data: bytes) -> tuple[str, str]:
        """Check one file, save it into the corpus and start the index update; a BotError says why it was refused
        (nothing is saved then), else (kind, line): "wait" while the index is updated, "ready" when the same file
        is already there and indexed."""
        from bot.library import check_upload, save_upload

        if not self._lock.acquire(blocking=False):
            raise BotError(BUSY)
        started, saved = False, None
        try:
            current = self.live.get()  # NotReady while the index is first built
            document = check_upload(name, data)
            saved = save_upload(current.config.corpus_dir, document.file, data)
            indexed = any(d.file == document.file and d.sha256 == document.sha256 for d in current.documents)
            if saved.verb == "unchanged" and indexed:
                return "ready", (f"{document.file} 已在文件库中，内容相同，无需更新。"
                                 f"({document.file} is already in the corpus, unchanged.)")
            self.busy = True
            self.line = ("wait", f"正在加入 {document.file}…")
            self._say(f"upload: {saved.verb} {saved.path}; updating the index")
            self._thread = threading.Thread(target=self._update, args=(current, saved), name="bot-upload", daemon=True)
            self._thread.start()
            started = True
        finally:
            if not started:
                if saved is not None:
                    saved.undo()  # saved but never indexed (no-op when the file was already there)
                self.busy = False
                self._lock.release()
        if saved.verb == "updated":
            return "wait", (f"已更新 {document.file}（同名文件的内容不同，已替换；原文件保存在 .removed/），正在更新索引…"
                            f"({document.file} updated: a file of that name had other content, kept in .removed/; "
                            "indexing.)")
        return "wait", f"已保存 {document.file}，正在更新索引…({document.file} saved; indexing.)"

    def wait(self, timeout: float | None = None) -> None:
        """Until the update under way (if any) is done."""
        if self._thread is not None:
            self._thread.join(timeout)

    def _update(self, current: "Bot", saved: "Saved") -> None:
        from bot.engine import Bot

        name = saved.path.name
        try:
            bot = Bot.open(current.config, embedder=current.embedder, say=lambda line: self._progress(name, line))
            document = next((d for d in bot.documents if d.file == name), None)
            if document is None:
                raise CorpusError(f"{name}: the index skipped it")
            self._allow(saved.path)
            self.live.swap(bot)
            count = sum(1 for p in bot.passages if p.doc == document.id)
            verb = "已更新" if saved.verb == "updated" else "已加入"
            self.line = ("ready", f"{verb} {document.name}（{name}，{count} 个段落），可以提问了。"
                                  f"({name} is indexed: {count} passages.)")
            self._say(f"upload: {name} indexed ({count} passages); answering from the new index")
        except Exception as error:
            if isinstance(error, BotError):
                reason = str(error)
            else:
                log.exception("indexing the upload %s failed", name)
                reason = FAILED.format(kind=type(error).__name__)
            saved.undo()
            self.line = ("error", f"未能加入 {name}，文件库未改动：{reason}")
            self._say(f"upload: {name} not indexed, corpus restored: {reason}")
        finally:
            self.busy = False
            self._lock.release()

    def _progress(self, name: str, line: str) -> None:
        """A status line of the index update, as the page shows it (no hashes or server paths)."""
        self._say(line)
        if line.startswith("index is stale"):
            step = "reading the documents"
        elif line.startswith("index written"):
            step = "saving the index"
        else:
            step = line
        self.line = ("wait", f"正在加入 {name}：{step}…")

    def _allow(self, path: Path) -> None:
        served = str(path.resolve())
        if self.allowed is not None and served not in self.allowed:
            self.allowed.append(served)


def _take_upload(path: Path) -> bytes:
    """The bytes of a file the page received, taken out of Gradio's upload folder: read once (its size checked
    first) and removed there, so no copy of it is left to be served; a path outside that folder is refused."""
    from gradio.utils import get_upload_folder

    from bot.library import check_size

    folder = Path(get_upload_folder()).resolve()
    path = path.resolve()
    if not path.is_relative_to(folder) or not path.is_file():
        raise CorpusError(f"{path.name}: not a file this page received")
    try:
        check_size(path.name, path.stat().st_size)
        return path.read_bytes()
    finally:
        path.unlink(missing_ok=True)
        if path.parent != folder:
            with contextlib.suppress(OSError):
                path.parent.rmdir()  # Gradio's folder for this one upload, now empty


# ---------------------------------------------------------------- escaping and highlighting

_MD_SPECIAL = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_MD_ESCAPED = re.compile(r"\\([!-/:-@\[-`{-~])")


def md_escape(text: str) -> str:
    """Text that a markdown renderer shows literally: every ASCII punctuation mark backslash-escaped.

    That covers markdown syntax, HTML (< > &), LaTeX ($) and entities; full-width Chinese punctuation
    means nothing to markdown and is left alone.
    """
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_unescape(text: str) -> str:
    """The inverse of md_escape (a question as the user typed it, from the chat history)."""
    return _MD_ESCAPED.sub(r"\1", text)


def h(text: object) -> str:
    return html.escape(str(text), quote=True)


@lru_cache(maxsize=4096)
def _norm_char(char: str) -> str:
    return "" if char.isspace() else normalize(char)


def question_terms(question: str) -> list[str]:
    """The question's words worth highlighting: normalized jieba words of two characters or more, longest first.

    The search tokenizer also yields the pieces of long words (第二 and 二次 of 第二次); a piece is dropped
    when its whole word is there, so 第二十四次 is not lit up by a question about 第二次.
    """
    words = {w.replace(" ", "") for w in _tokenizer(question) if not w.startswith(DATE_PREFIXES)}
    words = {w for w in words if len(w) >= 2}
    whole = [w for w in words if not any(w != other and w in other for other in words)]
    return sorted(whole, key=lambda w: (-len(w), w))


def _latin(char: str) -> bool:
    return char.isascii() and char.isalnum()


def highlight(text: str, terms: Sequence[str]) -> str:
    """HTML of `text` with every occurrence of a term in <mark>; matched on normalized text, the original shown."""
    if not terms:
        return h(text)
    folded: list[str] = []
    origin: list[int] = []  # origin[j]: the index in `text` of folded character j
    for i, char in enumerate(text):
        for out in _norm_char(char):
            folded.append(out)
            origin.append(i)
    haystack = "".join(folded)
    marked = [False] * len(text)
    for term in terms:
        start = haystack.find(term)
        while start >= 0:
            end = start + len(term)
            inside_number = term.isdigit() and (start > 0 and haystack[start - 1].isdigit()
                                                or end < len(haystack) and haystack[end].isdigit())
            if not inside_number:  # "15" is not lit inside "2015"
                for j in range(start, end):
                    marked[origin[j]] = True
            start = haystack.find(term, start + 1)
    for j in range(1, len(origin)):  # spaces that normalization dropped inside a match belong to it
        if marked[origin[j - 1]] and marked[origin[j]]:
            for i in range(origin[j - 1] + 1, origin[j]):
                marked[i] = True
    for i in range(1, len(text)):  # a stem ("articl") lights its whole word ("Article"), not a piece of it
        if marked[i - 1] and not marked[i] and _latin(text[i - 1]) and _latin(text[i]):
            marked[i] = True
    for i in range(len(text) - 2, -1, -1):
        if marked[i + 1] and not marked[i] and _latin(text[i + 1]) and _latin(text[i]):
            marked[i] = True
    parts, inside = [], False
    for i, char in enumerate(text):
        if marked[i] != inside:
            parts.append("<mark>" if marked[i] else "</mark>")
            inside = marked[i]
        parts.append(h(char))
    if inside:
        parts.append("</mark>")
    return "".join(parts)


# ---------------------------------------------------------------- one reply


def _message_text(content: Any) -> str:
    """The text of a chat message's content: a string, a list of {"type": "text", "text": ...}, or a dict."""
    if isinstance(content, str):
        return content
    if isinstance(content, dict):
        return str(content.get("text") or content.get("content") or "")
    if isinstance(content, (list, tuple)):
        return " ".join(_message_text(part) for part in content if isinstance(part, (str, dict)))
    return ""


def previous_questions(history: Sequence[Any] | None) -> list[str]:
    """The user's earlier questions in this session, oldest first, as they typed them."""
    questions = []
    for message in history or ():
        role = message.get("role") if isinstance(message, dict) else getattr(message, "role", None)
        content = message.get("content") if isinstance(message, dict) else getattr(message, "content", None)
        if role == "user":
            text = md_unescape(_message_text(content)).strip()
            if text:
                questions.append(text)
    return questions


def _reply_pieces(answer: Answer, bot: "Bot") -> list[str]:
    """The reply as markdown pieces; every piece is whole (an escaped character or a complete markup token),
    so any prefix of the list is a valid reply to stream."""
    pieces: list[str] = []

    def text(value: str) -> None:
        pieces.extend(md_escape(char) for char in value)

    for note in answer.notes:
        pieces.append("_")
        text(note)
        pieces.append("_\n\n")
    if answer.abstained:
        text(answer.text)
        nearest = [hit.passage.citation for hit in answer.hits[:3]]
        if nearest:
            pieces.append("\n\n")
            if _is_chinese(answer.question):
                text("最接近的段落：" + "、".join(nearest) + "（见段落卡片）")
            else:
                text("Closest passages: " + "; ".join(nearest) + " (see the passage cards)")
        return pieces
    if not answer.quotes:
        text(answer.text)
        return pieces
    for n, quote in enumerate(answer.quotes):
        passage = bot.by_id.get(quote.passage_id)
        if n:
            pieces.append("\n\n")
        label = passage.citation if passage else quote.passage_id
        pieces.append(f"**{md_escape(label)}**")
        if _is_chinese(answer.question):
            text(f"[{quote.marker}]：「{quote.sentence}」")
        else:
            text(f" [{quote.marker}]: “{quote.sentence}”")
    for line in answer.text.split("\n")[len(answer.quotes):]:  # what follows the quotes: a table's rows
        pieces.append("\n\n")
        text(line)
    return pieces


def _is_chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


def _card(hit: Hit, marker: int | None, bot: "Bot", terms: Sequence[str], position: dict[str, int],
          words: dict[str, str] = SOURCE_WORDS["zh"]) -> str:
    passage = hit.passage
    document = bot.by_doc.get(passage.doc)
    head = [f'<span class="bot-marker">[{marker}]</span>' if marker else "",
            f'<span class="bot-doc" title="{h(document.title if document else "")}">{h(document.name if document else passage.doc)}</span>',
            f'<span class="bot-label">{h(passage.label or passage.citation)}</span>',
            f'<span class="bot-kind">{h(_kind_name(passage.kind, words))}</span>']
    parts = [f'<article class="bot-card{" bot-cited" if marker else ""}" data-passage="{h(passage.id)}">',
             f'<header>{"".join(head)}</header>']
    if passage.section:
        parts.append(f'<div class="bot-section">{h(" › ".join(passage.section))}</div>')
    link = _original_link(passage, document, bot, words)
    if link:
        parts.append(link)
    parts.append(_passage_body(passage, terms))
    notes = [bot.by_id[f] for f in passage.footnotes if f in bot.by_id]
    if notes:
        parts.append('<div class="bot-footnotes">')
        for note in notes:
            parts.append(f'<div class="bot-footnote"><span class="bot-label">{h(note.citation)}</span>'
                         f'{highlight(note.text, terms)}</div>')
        parts.append("</div>")
    citing = [bot.by_id[i] for i in passage.cited_by if i in bot.by_id]
    if citing:
        labels = ("、" if words is SOURCE_WORDS["zh"] else "; ").join(h(p.citation) for p in citing)
        parts.append(f'<div class="bot-cited-by">{words["cited_by"]}{labels}</div>')
    parts.append(_references_line(passage, bot, words))
    parts.append(_context(passage, bot, terms, position, words))
    parts.append("</article>")
    return "".join(parts)


def _file_url(document, bot: "Bot") -> str:
    """Where `bot serve` serves a corpus document's original file ("" when the bot has no corpus folder)."""
    corpus_dir = getattr(getattr(bot, "config", None), "corpus_dir", None)
    if document is None or corpus_dir is None:
        return ""
    return f"/gradio_api/file={_resolved(str(corpus_dir), document.file)}"


@functools.lru_cache(maxsize=4096)
def _resolved(corpus_dir: str, file: str) -> Path:
    """A corpus file's real path, resolved once: resolving per card was a tenth of a reply's time under load."""
    return (Path(corpus_dir) / file).resolve()


def _original_link(passage: Passage, document, bot: "Bot", words: dict[str, str] = SOURCE_WORDS["zh"]) -> str:
    """A link that opens the original file, a PDF at the passage's page (PDF viewers read #page=N)."""
    url = _file_url(document, bot) if passage.pages else ""
    if not url:
        return ""
    if not document.file.lower().endswith(".pdf"):  # a text or Word file has no pages to jump to
        return f'<div class="bot-open"><a href="{h(url)}" target="_blank" rel="noopener">{h(document.file)} ↗</a></div>'
    page = passage.pages[0]
    return (f'<div class="bot-open"><a href="{h(url)}#page={page}" target="_blank" rel="noopener">'
            f'{h(words["page"].format(file=document.file, page=page))} ↗</a></div>')


def _kind_name(kind: str, words: dict[str, str]) -> str:
    names = KIND_NAMES_EN if words is SOURCE_WORDS["en"] else KIND_NAMES
    return names.get(kind, kind)


def _references_line(passage: Passage, bot: "Bot", words: dict[str, str] = SOURCE_WORDS["zh"]) -> str:
    """The loaded documents the passage refers to (第1/CMA.3号决定, CBD/COP/DEC/16/31), each linked to its file."""
    resolver = getattr(getattr(bot, "retriever", None), "resolver", None)
    if resolver is None:
        return ""
    links = []
    for mention, doc in resolver.cross_references(passage.text, passage.doc):
        document = bot.by_doc.get(doc)
        url = _file_url(document, bot)
        name = h(document.name if document else doc)
        target = f'<a href="{h(url)}" target="_blank" rel="noopener">{name} ↗</a>' if url else name
        links.append(f'{h(_as_written(mention, passage.text))} → {target}')
    if not links:
        return ""
    return f'<div class="bot-refs">{words["refers"]}{"；".join(links)}</div>'


def _as_written(mention: str, text: str) -> str:
    """A mention (found in normalized, lower-case text) as the passage spells it: "Decision 1/CMA.3"."""
    pattern = r"\s*".join(re.escape(word) for word in mention.split())
    found = re.search(pattern, text, re.IGNORECASE)
    return found.group(0) if found else mention


def _passage_body(passage: Passage, terms: Sequence[str]) -> str:
    if passage.columns:
        rows = "".join(f"<tr><th>{h(name)}</th><td>{highlight(cell, terms)}</td></tr>" for name, cell in passage.columns)
        return f'<table class="bot-columns">{rows}</table>'
    return f'<div class="bot-text">{highlight(passage.text, terms)}</div>'


def _context(passage: Passage, bot: "Bot", terms: Sequence[str], position: dict[str, int],
             words: dict[str, str] = SOURCE_WORDS["zh"]) -> str:
    """The passage between its neighbours in document order, folded away until asked for."""
    at = position.get(passage.id)
    if at is None:
        return ""
    rows = []
    for i in range(max(at - 1, 0), min(at + 2, len(bot.passages))):
        neighbour = bot.passages[i]
        here = i == at
        text = highlight(neighbour.text, terms) if here else h(neighbour.text)
        rows.append(f'<div class="bot-context-row{" bot-here" if here else ""}">'
                    f'<span class="bot-label">{h(neighbour.citation)}</span>{text}</div>')
    return f'<details class="bot-context"><summary>{words["context"]}</summary>{"".join(rows)}</details>'


def sources_html(answer: Answer, bot: "Bot") -> str:
    """One card per passage of the answer: the quoted ones first with their markers, then the others."""
    terms = question_terms(answer.question)
    position = _positions(bot)
    marker_of: dict[str, int] = {}
    for quote in answer.quotes:
        marker_of.setdefault(quote.passage_id, quote.marker)
    cited = sorted((hit for hit in answer.hits if hit.passage.id in marker_of), key=lambda hit: marker_of[hit.passage.id])
    others = [hit for hit in answer.hits if hit.passage.id not in marker_of]
    words = SOURCE_WORDS["zh" if _is_chinese(answer.question) else "en"]
    parts = ['<div class="bot-sources">', f'<div class="bot-question">{words["question"]}{h(answer.question)}</div>']
    if answer.abstained:
        parts.append(f'<div class="bot-heading">{words["closest"]}</div>')
    elif cited:
        parts.append(f'<div class="bot-heading">{words["cited"]}</div>')
    parts.extend(_card(hit, marker_of[hit.passage.id], bot, terms, position, words) for hit in cited)
    if others:
        if not answer.abstained:
            parts.append(f'<div class="bot-heading">{words["others"]}</div>')
        parts.extend(_card(hit, None, bot, terms, position, words) for hit in others)
    parts.append("</div>")
    return "".join(parts)


_position_cache: dict[int, dict[str, int]] = {}


def _positions(bot: "Bot") -> dict[str, int]:
    key = id(bot.passages)
    if key not in _position_cache:
        _position_cache.clear()
        _position_cache[key] = {p.id: i for i, p in enumerate(bot.passages)}
    return _position_cache[key]


def notice_html(text: str, kind: str = "info") -> str:
    return f'<div class="bot-sources"><div class="bot-notice bot-{h(kind)}">{h(text)}</div></div>'


EMPTY_SOURCES = ('<div class="bot-sources"><div class="bot-notice">提问后，这里会列出答案引用的段落：段落编号、原文'
                 '（问题中的词语会高亮）、段落所引的脚注，以及它在文件中的前后文。</div></div>')


def chat(message: str, history: Sequence[Any] | None, bot: "Bot | Loading", doc: str | None = None) -> Iterator[tuple[str, str]]:
    """Answer one chat message; yields (reply markdown, sources HTML) as soon as the answer is ready.

    `history` is the chat so far as the Chatbot holds it (messages with "role" and "content"); the user's
    earlier questions in it are passed to bot.ask, so a follow-up such as "那第三次会议呢？" is understood.
    `doc` limits the answer to one document. A BotError (an empty question, an index still loading) becomes
    the reply; any other failure becomes one line and is logged.
    """
    try:
        ready = _ready(bot)
        answer = ready.ask(message if isinstance(message, str) else _message_text(message),
                           history=previous_questions(history), doc=doc or None)
    except NotReady as error:
        yield md_escape(str(error)), notice_html(str(error), "wait")
        return
    except BotError as error:
        yield md_escape(str(error)), notice_html(str(error), "error")
        return
    except Exception as error:
        log.exception("answering %r failed", message)
        line = FAILED.format(kind=type(error).__name__)
        yield md_escape(line), notice_html(line, "error")
        return
    reply = "".join(_reply_pieces(answer, ready))
    try:
        sources = sources_html(answer, ready)
    except Exception as error:  # the answer stands even if a card cannot be drawn
        log.exception("drawing the sources of %r failed", message)
        sources = notice_html(FAILED.format(kind=type(error).__name__), "error")
    yield reply, sources


def exchange(message: str, history: list[dict], bot: "Bot | Loading", doc: str | None = None):
    """One turn of the page: yields (textbox value, Chatbot messages, sources HTML).

    The question is shown at once with a "searching" note, escaped like the reply; a blank one adds no
    bubble, only the reply.
    """
    asked = [{"role": "user", "content": md_escape(message)}] if (message or "").strip() else []
    shown = [*history, *asked]
    yield "", shown, notice_html("正在查找… (searching)")
    for reply, sources in chat(message, history, bot, doc):
        yield "", [*shown, {"role": "assistant", "content": reply}], sources


# ---------------------------------------------------------------- the page


def _loaded_line(bot: "Bot") -> str:
    manifest = getattr(getattr(bot, "index", None), "manifest", {}) or {}
    documents = getattr(bot, "documents", ())
    names = "、".join(d.name for d in documents[:3]) + (f" 等 {len(documents)} 份" if len(documents) > 3 else "")
    return f"{names or '?'} · {manifest.get('passage_count', len(bot.passages))} 个段落 · 模型 {manifest.get('model', '?')}"


def status_html(bot: "Bot | Loading") -> str:
    """The line under the title: which documents and model are loaded, or what is happening instead."""
    try:
        ready = _ready(bot)
    except NotReady:
        return f'<div class="bot-status bot-wait"><span class="bot-spinner"></span>{h(bot.status)}</div>'
    except BotError as error:
        return f'<div class="bot-status bot-error">{h(error)}</div>'
    return f'<div class="bot-status bot-ready">已就绪 · 文件 {h(_loaded_line(ready))}</div>'


def upload_status_html(line: tuple[str, str] | None) -> str:
    """The latest upload's progress or outcome, beside the status line (kind "wait", "ready" or "error")."""
    if line is None:
        return ""
    kind, text = line
    spinner = '<span class="bot-spinner"></span>' if kind == "wait" else ""
    return f'<div class="bot-status bot-upload bot-upload-{h(kind)}">{spinner}{h(text)}</div>'


def upload_note_html(kind: str, text: str) -> str:
    """The one line under the upload button for the person who uploaded: refused, saved, or indexed."""
    return f'<div class="bot-upload-note bot-upload-{h(kind)}">{h(text)}</div>'


def header_html(bot: "Bot | Loading") -> str:
    """Title and blurb from the loaded documents: one document by its name and title, several by their count."""
    documents = list(getattr(bot.bot if isinstance(bot, Loading) else bot, "documents", None) or ())
    if len(documents) == 1:
        title, blurb = f"{documents[0].name} 问答", documents[0].title
    elif documents:
        title = f"{len(documents)} 份文件问答 · {len(documents)} documents"
        blurb = "；".join(d.name for d in documents[:4]) + ("；…" if len(documents) > 4 else "")
    else:
        title, blurb = TITLE, "正在载入文件… (loading the documents)"
    return (f'<div class="bot-header"><h1>{h(title)}</h1><p>{h(blurb)}</p>'
            '<p>回答逐字引自文件，并注明段落编号；完全离线运行。Ask in Chinese or English.</p></div>')


def example_questions(bot: "Bot", doc: str | None = None) -> list[str]:
    """Questions the loaded documents (or the one document `doc`) can answer, in their own language: a numbered
    unit, a footnote, a table row's first cell, and a heading's subject."""
    questions: list[str] = []
    first: dict[tuple[str, bool], Passage] = {}  # the first passage of each kind in each language
    for passage in bot.passages:
        if doc is not None and passage.doc != doc:
            continue
        if passage.kind == "table_row" and len(passage.columns[0][1] if passage.columns else "") < 3:
            continue  # "What about A?" asks nothing
        document = bot.by_doc.get(passage.doc)
        first.setdefault((passage.kind, document.language == "zh" if document else _is_chinese(passage.text)), passage)
    languages = sorted({chinese for _, chinese in first}, reverse=True)  # Chinese first, then English, in turn
    for n, kind in enumerate(("paragraph", "item", "footnote", "article", "table_row", "heading")):
        turn = languages[n % len(languages)] if languages else True
        chinese = turn if (kind, turn) in first else not turn
        passage = first.get((kind, chinese))
        if passage is None:
            continue
        label = passage.label or passage.citation
        document = bot.by_doc.get(passage.doc)
        if len(bot.documents) > 1 and doc is None and document is not None:  # the document named, no page
            label = f"{document.name} {label}" if chinese else f"{document.name}, {label}"
        if kind == "heading":
            subject = _subject(passage.text, 24 if chinese else 48)
            questions.append(f"关于“{subject}”，文件怎么说？" if chinese else f"What does it say about {subject}?")
        elif kind == "table_row":
            row = re.split(r"[：:,，]\s*", passage.label or passage.citation)[-1][:30]  # the row's name
            questions.append(f"表中“{row}”一行写了什么？" if chinese else f"What does the table say about {row}?")
        else:
            questions.append(f"{label}说什么？" if chinese else f"What does {label} say?")
    return (questions or ["文件讲什么？"])[:EXAMPLE_SLOTS]


def _subject(heading: str, width: int) -> str:
    """What a heading is about: its words after its number or designation ("Annex I", "一."), cut at a word's
    end when long."""
    text = re.sub(r"^\W*(?:annex|appendix|附件|附录)?\s*[\w]{1,4}[.．]?\s+", "", heading, flags=re.IGNORECASE).strip()
    if len(text) <= width:
        return text
    cut = text[:width]
    return cut.rsplit(" ", 1)[0] if cut.isascii() and " " in cut else cut


def document_choices(bot: "Bot | Loading") -> list[tuple[str, str]]:
    """The picker's (label, value) pairs: all documents, then each one."""
    ready = bot.bot if isinstance(bot, Loading) else bot
    documents = list(getattr(ready, "documents", None) or ())
    return [(ALL_DOCUMENTS, "")] + [(f"{d.name} — {_shortened(d.title)}" if d.name != d.title else d.name, d.id)
                                    for d in documents]


def _shortened(title: str, width: int = 72) -> str:
    """A long title cut in the middle, where titles of one series agree ("Report of the Conference of … held in
    Baku from 11 to 22 November 2024"), not at the end, where they differ."""
    if len(title) <= width:
        return title
    head, tail = title[:width * 2 // 5], title[-(width * 3 // 5):]
    if " " in head and " " in tail:  # at word ends in English; Chinese has none to keep
        head, tail = head.rsplit(" ", 1)[0], tail.split(" ", 1)[1]
    return f"{head.rstrip()} … {tail.lstrip()}"


def theme() -> "gr.themes.Base":
    """The default look with system fonts only: no font is fetched from anywhere."""
    gr = import_gradio()

    return gr.themes.Default(
        primary_hue="teal", neutral_hue="slate",
        font=[gr.themes.Font(name) for name in SYSTEM_FONTS],
        font_mono=[gr.themes.Font(name) for name in SYSTEM_MONO],
    ).set(  # secondary text readable on white (7:1, the default grey gave 2.6:1) and on the dark theme
        body_text_color_subdued="#475569", body_text_color_subdued_dark="#cbd5e1",
        input_placeholder_color="#64748b", input_placeholder_color_dark="#94a3b8",
    )


CHAT_SLOTS = 8


UPLOAD_LABEL = "添加文件 (add: PDF, .docx, .md, .txt)"


def build_app(bot: "Bot | Loading", uploads: Uploads | None = None) -> "gr.Blocks":
    """The chat page over a Bot (or a Loading one): chat on the left, the cited passages on the right. With
    `uploads`, an upload button beside the document picker adds documents, and answers come from `uploads.live`."""
    gr = import_gradio()

    live = uploads.live if uploads is not None else bot

    def respond(message: str, history: list[dict], doc: str | None):
        yield from exchange(message, history, live, doc)

    def ready_now() -> bool:
        return not isinstance(live, Loading) or live.bot is not None

    def status_now() -> str:
        """The status line; while a document is being added, its progress beside it for every visitor (its
        outcome is the uploader's, under the upload button)."""
        return status_html(live) + (upload_status_html(uploads.line) if uploads is not None and uploads.busy else "")

    def page_state(doc: str | None = None, mine: bool = False):
        """Header, status, picker and example buttons as they are now (refreshed until the bot is ready, and while
        a document is being added: then only the status line changes until the new bot is in place). `mine`: this
        visitor's page sent the upload under way, whose outcome it then shows under the button."""
        waiting = isinstance(live, Loading) and live.bot is None and live.error is None
        if uploads is not None and uploads.busy and not waiting:
            return [gr.skip(), status_now(), gr.skip(), *[gr.skip()] * EXAMPLE_SLOTS, gr.Timer(active=True),
                    gr.UploadButton(interactive=False), gr.skip(), mine]
        extra = []
        buttons = example_buttons(doc)
        choices = document_choices(live)
        picker = gr.Dropdown(choices=choices, visible=len(choices) > 2)
        if uploads is not None:
            # The timer ticks in a session while the bot loads or a file is being added: in the session that
            # uploaded it, its last tick brings the outcome under the button.
            note = upload_note_html(*uploads.line) if mine and uploads.line else gr.skip()
            extra = [gr.UploadButton(interactive=ready_now()), note, False]
        return [header_html(live), status_now(), picker, *buttons, gr.Timer(active=waiting), *extra]

    def example_buttons(doc: str | None) -> list:
        """The example buttons, asking about the picked document (or about all)."""
        examples = example_questions(live.bot if isinstance(live, Loading) else live, doc or None) if ready_now() else []
        return [gr.Button(value=examples[i], visible=True) if i < len(examples) else gr.Button(visible=False)
                for i in range(EXAMPLE_SLOTS)]

    def upload(path: str | None):
        kind, line = uploads.receive(path)
        return [upload_note_html(kind, line), status_now(), gr.Timer(active=True) if uploads.busy else gr.skip(),
                gr.UploadButton(interactive=not uploads.busy), uploads.busy]

    with gr.Blocks(title=TITLE, analytics_enabled=False) as app:
        header = gr.HTML(header_html(live), js_on_load=None, elem_id="bot-header")
        status = gr.HTML(status_now(), js_on_load=None, elem_id="bot-status")
        with gr.Row(equal_height=False):
            with gr.Column(scale=3, min_width=360):
                with gr.Row(equal_height=True, elem_classes=["bot-documents"]):
                    picker = gr.Dropdown(choices=document_choices(live), value="", label="在哪些文件中查找 (documents)",
                                         elem_id="bot-doc-picker", interactive=True, scale=4,
                                         visible=len(document_choices(live)) > 2)
                    if uploads is not None:
                        # Any name and type reach the server, which checks the content and says what is wrong
                        # in one line (a file_types filter would refuse by name, in Gradio's words).
                        upload_button = gr.UploadButton(UPLOAD_LABEL, type="filepath", file_count="single",
                                                        size="sm", variant="secondary", scale=1, min_width=160,
                                                        interactive=ready_now(), elem_id="bot-upload")
                if uploads is not None:
                    note = gr.HTML("", js_on_load=None, elem_id="bot-upload-note")
                    uploaded_here = gr.State(False)
                chatbot = gr.Chatbot(
                    label="对话", show_label=False, elem_id="bot-chat", height=560, layout="bubble", render_markdown=True,
                    sanitize_html=True, allow_tags=False, latex_delimiters=[], buttons=[],
                    feedback_options=None, group_consecutive_messages=False,
                    placeholder="问一个关于文件的问题 · Ask a question about the documents",
                )
                box = gr.Textbox(
                    label="问题 (question)", show_label=False, placeholder="输入问题，按回车发送（可接着追问，例如“那第三次会议呢？”）",
                    lines=1, max_lines=4, submit_btn="发送", autofocus=True, elem_id="bot-question",
                )
                with gr.Row(elem_classes=["bot-examples"]):
                    buttons = [gr.Button("…", size="sm", variant="secondary", min_width=80, visible=False)
                               for _ in range(EXAMPLE_SLOTS)]
            with gr.Column(scale=2, min_width=320):
                sources = gr.HTML(EMPTY_SOURCES, js_on_load=None, elem_id="bot-sources", label="来源")
        timer = gr.Timer(1.0, active=isinstance(live, Loading) and live.bot is None)

        outputs = [box, chatbot, sources]
        # Replies are computed, not paced: eight may be under way at once; model calls are serialized by the
        # embedder's lock.
        slots = {"concurrency_id": "chat", "concurrency_limit": CHAT_SLOTS, "api_visibility": "private"}
        box.submit(respond, [box, chatbot, picker], outputs, **slots)
        for button in buttons:
            button.click(respond, [button, chatbot, picker], outputs, **slots)
        chatbot.clear(lambda: EMPTY_SOURCES, None, sources, api_visibility="private", queue=False)
        state, inputs = [header, status, picker, *buttons, timer], [picker]
        if uploads is not None:
            state, inputs = state + [upload_button, note, uploaded_here], inputs + [uploaded_here]
            # One upload at a time: the handler checks and saves, the index update runs behind it (Uploads).
            upload_button.upload(upload, upload_button, [note, status, timer, upload_button, uploaded_here],
                                 concurrency_id="upload", concurrency_limit=1, api_visibility="private",
                                 show_progress="hidden")
        timer.tick(page_state, inputs, state, api_visibility="private", queue=False, show_progress="hidden")
        app.load(page_state, inputs, state, api_visibility="private", queue=False, show_progress="hidden")
        picker.change(example_buttons, picker, buttons, api_visibility="private", queue=False, show_progress="hidden")
    return app


def launch_options() -> dict:
    """launch() arguments that keep every request of the page on this machine."""
    return {
        "share": False, "theme": theme(), "css_paths": [ASSETS / "style.css"], "footer_links": [],
        "run_history": False, "mcp_server": False, "ssr_mode": False, "pwa": False, "enable_monitoring": False,
        "show_error": False, "inbrowser": False, "quiet": True,
    }


# ---------------------------------------------------------------- serving


def corpus_documents(config: Config) -> list[str]:
    """The only files the chat serves besides its own page: the corpus's documents, each by its full path."""
    from bot.corpus import corpus_files
    from bot.errors import CorpusError

    try:
        return [str(path.resolve()) for path in corpus_files(config.corpus_dir)]
    except CorpusError:
        return []


def is_loopback(host: str) -> bool:
    if host.lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def uploads_allowed(host: str, allow_upload: bool = False) -> bool:
    """Adding documents from the page is on when only this machine can reach it, or when asked (--allow-upload)."""
    return is_loopback(host) or allow_upload


@dataclass(frozen=True)
class Running:
    """A launched chat: the Gradio app, the bot it answers from (being opened, or swapped on uploads) and the
    uploads, if on."""

    app: "gr.Blocks"
    bot: Loading
    uploads: Uploads | None


def start(config: Config, host: str = "127.0.0.1", port: int = 7860, allow_upload: bool = False,
          say: Callable[[str], None] = print, embedder=None) -> Running:
    """Open the bot in the background, build the page and launch it without blocking; `embedder` replaces the
    configured model (tests pass a fake one)."""
    from bot import sources
    from bot.engine import Bot

    loading = Loading(lambda status: Bot.open(config, embedder=embedder, say=status), say).start()
    uploads = Uploads(loading, say) if uploads_allowed(host, allow_upload) else None
    app = build_app(loading, uploads)
    try:
        # Gradio's own limit only bounds what lands in its upload folder; a file over MAX_BYTES but under this gets
        # the readers' one line from Uploads.
        app.launch(server_name=host, server_port=port, prevent_thread_lock=True,
                   allowed_paths=corpus_documents(config), max_file_size=2 * sources.MAX_BYTES, **launch_options())
    except OSError as error:  # gradio's message names its own environment variables; say it in our terms
        raise BotError(f"cannot listen on {host}:{port}: the port is in use or not allowed; choose another with --port") from error
    if uploads is not None:
        uploads.allowed = app.allowed_paths  # the very list Gradio's file route checks at every request
    return Running(app, loading, uploads)


def check_host(host: str, port: int) -> None:
    """BotError when `host` is no address or host name this machine could listen on ("not a host!")."""
    import socket

    try:
        socket.getaddrinfo(host, port, type=socket.SOCK_STREAM, flags=socket.AI_PASSIVE)
    except (socket.gaierror, UnicodeError) as error:
        raise BotError(f"cannot listen on {host!r}: not an address or host name of this machine "
                       f"({error.__class__.__name__})") from None


def serve(config: Config, host: str = "127.0.0.1", port: int = 7860, allow_remote: bool = False,
          allow_upload: bool = False, say: Callable[[str], None] = print) -> None:
    """Serve the chat until interrupted; the page is up at once, the index loads behind it."""
    if not is_loopback(host):
        if not allow_remote:
            raise BotError(f"refusing to listen on {host}: the chat has no login, so it only binds 127.0.0.1 "
                           "unless --allow-remote is given")
        check_host(host, port)
        say(f"warning: listening on {host}:{port}; anyone who can reach this machine can use the chat")
        if allow_upload:
            say("warning: --allow-upload: anyone who can reach this machine can add documents to the corpus")
    app = start(config, host, port, allow_upload, say).app
    shown = f"[{host}]" if ":" in host else host
    say(f"chat on http://{shown}:{port}/ (Ctrl-C to stop)")
    try:
        while app.is_running:
            time.sleep(0.2)
    except KeyboardInterrupt:
        say("stopping the chat")
    finally:
        app.close()
