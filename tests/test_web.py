"""The web chat's function and page, without a browser: the fake bot answers, the HTML is checked as text; documents
added from the page are checked, saved, indexed and served."""
from __future__ import annotations

import logging
import os
import re
import shutil
import threading
from collections.abc import Callable
from pathlib import Path

import pytest

from bot import web
from bot.answer import NOT_FOUND
from bot.config import Config
from bot.errors import BotError
from bot.records import Answer, Hit, Passage, Quote
from tests.conftest import CORPUS, SEED, seed
from tests.fakes import FakeEmbedder


def final(message, history, bot):
    """The last (reply, sources) of a streamed reply, the reply as a reader sees it."""
    outputs = list(web.chat(message, history, bot))
    reply, sources = outputs[-1]
    return web.md_unescape(reply), sources


def markup(reply: str) -> str:
    """What a markdown renderer would treat as syntax in a reply: the reply without its backslash escapes."""
    return re.sub(r"\\[!-/:-@\[-`{-~]", "", reply)


def turn(question: str, reply_markdown: str) -> list[dict]:
    """One exchange as the page's Chatbot holds it (the question in its escaped display form)."""
    return [{"role": "user", "content": web.md_escape(question)}, {"role": "assistant", "content": reply_markdown}]


def test_answer_quotes_with_citation_label_and_marker(fake_bot):
    reply, sources = final("第1段", [], fake_bot)
    assert reply.startswith("**第1段**[1]：「")
    assert "昆明" in reply
    assert f'data-passage=\"{SEED}:p1\"' in sources
    assert '<span class="bot-marker">[1]</span><span class="bot-doc"' in sources
    assert 'CBD/WG2020/REC/1/1</span><span class="bot-label">第1段</span>' in sources


def test_the_reply_comes_whole_as_soon_as_it_is_ready(fake_bot):
    outputs = list(web.chat("第1段", [], fake_bot))
    assert len(outputs) == 1  # no artificial streaming: the answer and its sources at once
    assert outputs[0][0].startswith("**第1段**") and f'data-passage="{SEED}:p1"' in outputs[0][1]
    turns = list(web.exchange("第1段", [], fake_bot))
    assert "正在查找" in turns[0][2] and len(turns) == 2  # a progress note first, then the answer


def test_sources_card_highlights_question_words_in_the_passage(fake_bot):
    _, sources = final("第1段说中国在昆明主办什么？", [], fake_bot)
    card = sources.split(f'data-passage=\"{SEED}:p1\"')[1].split("</article>")[0]
    assert "<mark>昆明</mark>" in card
    assert "在文件中的位置" in card and "第2段" in card  # the passage in context: its neighbours


def test_footnotes_are_shown_with_their_passage(fake_bot):
    _, sources = final("附件一 第二节 D (四)", [], fake_bot)
    card = sources.split(f'data-passage=\"{SEED}:a1-D-4\"')[1].split("</article>")[0]
    assert '<div class="bot-footnote"><span class="bot-label">脚注14</span>' in card
    assert fake_bot.by_id[seed("fn14")].text in card


def test_followup_asks_with_the_previous_questions(fake_bot, monkeypatch):
    seen = []
    real_ask = fake_bot.ask

    def spy(question, k=None, history=(), doc=None):
        seen.append(list(history))
        return real_ask(question, k=k, history=history)

    monkeypatch.setattr(fake_bot, "ask", spy)
    history: list[dict] = []
    for question in ("第7段(a)项", "工作组第二次会议在哪里举行？", "那第三次会议呢？"):
        reply = list(web.chat(question, history, fake_bot))[-1][0]
        history += turn(question, reply)
    assert seen == [[], ["第7段(a)项"], ["第7段(a)项", "工作组第二次会议在哪里举行？"]]


def test_followup_about_footnotes_answers_with_the_footnote(fake_bot):
    first, _ = final("附件一 第二节 D (四)", [], fake_bot)
    reply, sources = final("它的脚注怎么说？", turn("附件一 第二节 D (四)", first), fake_bot)
    assert "脚注14" in reply and f'data-passage=\"{SEED}:fn14\"' in sources


def test_history_in_gradio_6_content_blocks_is_read():
    history = [{"role": "user", "content": [{"type": "text", "text": "第7段\\(a\\)项"}]},
               {"role": "assistant", "content": [{"type": "text", "text": "…"}]}]
    assert web.previous_questions(history) == ["第7段(a)项"]


def test_abstained_answer_says_not_found_and_offers_the_nearest(fake_bot, monkeypatch):
    question = "火星上的天气怎么样？"
    declined = Answer(question, NOT_FOUND, True, tuple(fake_bot.search(question)))
    monkeypatch.setattr(fake_bot, "ask", lambda q, k=None, history=(), doc=None: declined)
    reply, sources = final(question, [], fake_bot)
    assert reply.startswith("文件中没有找到")
    assert "最接近的段落" in reply and "最接近的段落" in sources
    assert sources.count('<article class="bot-card"') >= 1


HOSTILE = "<script>alert(1)</script>**x**"


def test_a_question_cannot_inject_markup(fake_bot):
    for reply, sources in web.chat(HOSTILE, [], fake_bot):
        assert HOSTILE not in sources and "<script" not in sources
        assert not set(markup(reply)) & set("<>") and "**x**" not in markup(reply)  # labels are the only bold
    _, sources = final(HOSTILE, [], fake_bot)
    assert "Q: &lt;script&gt;alert(1)&lt;/script&gt;**x**" in sources  # an English question: English words


def test_document_text_cannot_inject_markup(fake_bot, monkeypatch):
    """A passage holding HTML or markdown is shown as text in the reply and in its card."""
    evil = Passage("p-evil", "paragraph", "第<b>9</b>段", '<img src=x onerror="alert(1)"> **bold** [a](javascript:x)',
                   footnotes=(seed("fn14"),))
    answer = Answer("q", "…", False, (Hit(evil, 1.0),), (Quote(1, "p-evil", evil.text),))
    monkeypatch.setitem(fake_bot.by_id, "p-evil", evil)
    monkeypatch.setattr(fake_bot, "ask", lambda question, k=None, history=(), doc=None: answer)
    for reply, sources in web.chat("q", [], fake_bot):
        syntax = markup(reply)
        assert not set(syntax) & set("<>[]()") and syntax.count("*") in (0, 2, 4)  # only the label's own **…**
        assert "<img" not in sources and "<b>" not in sources
    reply, sources = final("q", [], fake_bot)
    assert '“<img src=x onerror="alert(1)"> **bold** [a](javascript:x)”' in reply  # what the reader sees
    assert "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;" in sources


def test_the_page_shows_the_question_escaped_and_answers_below_it(fake_bot):
    turns = list(web.exchange(HOSTILE, [], fake_bot))
    box, messages, _ = turns[-1]
    assert box == "" and [m["role"] for m in messages] == ["user", "assistant"]
    assert messages[0]["content"] == web.md_escape(HOSTILE) and not set(markup(messages[0]["content"])) & set("<>*")
    assert web.previous_questions(messages) == [HOSTILE]
    _, messages, _ = list(web.exchange("  ", messages, fake_bot))[-1]
    assert [m["role"] for m in messages] == ["user", "assistant", "assistant"]  # no empty bubble for a blank question
    assert "问题是空的" in messages[-1]["content"]


def test_markdown_escape_round_trips():
    text = r"a*b_c`d[e](f)<g>&h;$i$ \j #k 1. 第7段(a)项"
    escaped = web.md_escape(text)
    assert web.md_unescape(escaped) == text
    assert not any(c in escaped.replace("\\" + c, "") for c in "*_`[]()<>&$#")


def test_highlight_matches_normalized_text_and_marks_the_original():
    assert web.highlight("締約方會議", ["缔约方"]) == "<mark>締約方</mark>會議"
    assert web.highlight("ＳＭＡＲＴ指标", ["smart"]) == "<mark>ＳＭＡＲＴ</mark>指标"
    assert web.highlight("2020 年后", ["2020年"]) == "<mark>2020 年</mark>后"
    assert web.highlight("<昆明>", ["昆明"]) == "&lt;<mark>昆明</mark>&gt;"


def test_an_empty_question_gets_a_friendly_message(fake_bot):
    outputs = list(web.chat("   ", [], fake_bot))
    assert len(outputs) == 1
    reply, sources = outputs[0]
    assert "问题是空的" in reply and "问题是空的" in sources


def test_an_unexpected_failure_is_one_line_and_logged(fake_bot, monkeypatch, caplog):
    def broken(question, k=None, history=(), doc=None):
        raise RuntimeError("boom\nsecond line")

    monkeypatch.setattr(fake_bot, "ask", broken)
    with caplog.at_level(logging.ERROR, logger="bot.web"):
        reply, sources = final("第1段", [], fake_bot)
    assert "出错了" in reply and "\n" not in reply and "boom" not in reply + sources
    assert "boom" in caplog.text


def test_while_the_index_is_loading_the_chat_says_so(fake_bot):
    release = threading.Event()

    def slow_open(status):
        status("embedding 172 passages")
        release.wait(10)
        return fake_bot

    loading = web.Loading(slow_open, say=lambda line: None, warm_up=False).start()
    reply, sources = final("第1段", [], loading)
    assert "正在建立索引" in reply and "正在建立索引" in web.status_html(loading)
    release.set()
    loading.wait(10)
    reply, _ = final("第1段", [], loading)
    assert "第1段" in reply
    status = web.status_html(loading)
    assert "已就绪" in status and "fake-bigrams-64" in status and "CBD/WG2020/REC/1/1" in status


def test_a_failed_load_is_a_message_not_a_traceback():
    def failing(status):
        raise BotError("no corpus in /nowhere")

    loading = web.Loading(failing, say=lambda line: None).start()
    with pytest.raises(BotError):
        loading.wait(10)
    reply, _ = final("第1段", [], loading)
    assert reply == "无法载入索引：no corpus in /nowhere"
    assert "no corpus in /nowhere" in web.status_html(loading)


def test_serve_refuses_a_public_address_without_allow_remote(fake_config):
    said = []
    for host in ("0.0.0.0", "192.168.1.5", "::"):
        with pytest.raises(BotError, match="--allow-remote"):
            web.serve(fake_config, host=host, port=7860, allow_remote=False, say=said.append)
    assert said == []


def test_loopback_addresses():
    assert all(web.is_loopback(h) for h in ("127.0.0.1", "localhost", "::1", "[::1]", "127.0.0.2"))
    assert not any(web.is_loopback(h) for h in ("0.0.0.0", "", "::", "example.org", "10.0.0.1"))


def test_the_page_is_built_with_nothing_from_outside(fake_bot):
    import gradio as gr

    assert os.environ["GRADIO_ANALYTICS_ENABLED"] == "False"
    app = web.build_app(fake_bot)
    assert isinstance(app, gr.Blocks) and not app.analytics_enabled
    options = web.launch_options()
    assert options["share"] is False and options["footer_links"] == [] and options["mcp_server"] is False
    theme = options["theme"]
    theme._get_theme_css()
    assert theme._stylesheets == [] and "@font-face" not in "".join(theme._font_css)
    assert all(path.is_file() for path in options["css_paths"])


# ---------------------------------------------------------------- documents added from the page

FIXTURES = Path(__file__).resolve().parent / "fixtures" / "multi"
MARKDOWN = """# Decision 7/CP.99: Workshop on glaciers

The Conference of the Parties,

1. Decides to hold a workshop on mountain glaciers in Reykjavik in May 2026;

2. Requests the secretariat to report on the workshop to the Subsidiary Body for Scientific and Technological Advice.
"""


class GatedEmbedder(FakeEmbedder):
    """The fake embedder, recording the passages and sentences it embeds; `gate` holds an index update back and
    `fail` makes one fail."""

    def __init__(self) -> None:
        super().__init__()
        self.gate = threading.Event()
        self.gate.set()
        self.fail = False
        self.embedded: list[str] = []

    def embed_passages(self, texts, progress=False):
        assert self.gate.wait(60), "the test never opened the gate"
        if self.fail:
            raise OSError("No space left on device")
        self.embedded += texts
        return super().embed_passages(texts, progress)


def _uploads(config: Config) -> web.Uploads:
    from bot.engine import Bot

    bot = Bot.open(config, embedder=GatedEmbedder(), say=lambda line: None)
    bot.embedder.embedded.clear()
    return web.Uploads(web.Loading.of(bot), say=lambda line: None)


@pytest.fixture
def uploads(fake_config) -> web.Uploads:
    """Uploads over the fake bot on a writable copy of the seed corpus."""
    return _uploads(fake_config)


def _files(folder: Path) -> dict[str, bytes]:
    """Everything in a folder, hidden files and subfolders too, with its bytes."""
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _done(uploads: web.Uploads) -> tuple[str, str]:
    uploads.wait(60)
    assert not uploads.busy
    return uploads.line


def test_an_uploaded_text_file_is_saved_indexed_alone_and_offered_in_the_picker(uploads, fake_config):
    old = uploads.live.get()
    choices = web.document_choices(uploads.live)
    data = (FIXTURES / "en-decisions.txt").read_bytes()
    kind, line = uploads.offer("en-decisions.txt", data)
    assert (kind, line) == ("wait", "已保存 en-decisions.txt，正在更新索引…(en-decisions.txt saved; indexing.)")
    kind, line = _done(uploads)
    assert (fake_config.corpus_dir / "en-decisions.txt").read_bytes() == data
    new = uploads.live.get()
    assert new is not old and [d.file for d in new.documents] == ["CBD-WG2020-REC-1-1.zh.txt", "en-decisions.txt"]
    added = new.documents[1]
    count = sum(1 for p in new.passages if p.doc == added.id)
    assert (kind, line) == ("ready", f"已加入 FCCC/PA/CMA/2024/9/Add.1（en-decisions.txt，{count} 个段落），可以提问了。"
                                     f"(en-decisions.txt is indexed: {count} passages.)")
    # only the new document was embedded: its passages' contexts and its sentences, nothing of the seed
    sentences = {s.text for s in new.index.sentences if new.passages[s.row].doc == added.id}
    assert len(new.embedder.embedded) == count + len(sentences) and sentences <= set(new.embedder.embedded)
    # the picker and the header grow; the page answers from the new bot
    grown = web.document_choices(uploads.live)
    assert grown[:len(choices)] == choices and len(grown) == len(choices) + 1 and grown[-1][1] == added.id
    assert "2 份文件问答" in web.header_html(uploads.live)
    assert "已加入 FCCC/PA/CMA/2024/9/Add.1" in web.upload_status_html(uploads.line)
    reply, _ = list(web.chat("paragraph 1", [], uploads.live, doc=added.id))[-1]
    assert "FCCC/PA/CMA/2024/9/Add.1" in web.md_unescape(reply)


def test_a_markdown_file_is_added_and_answered_from(uploads, fake_config):
    kind, line = uploads.offer("glaciers.md", MARKDOWN.encode())
    assert kind == "wait" and line.startswith("已保存 glaciers.md")
    kind, line = _done(uploads)
    assert kind == "ready" and "glaciers.md" in line
    bot = uploads.live.get()
    added = next(d for d in bot.documents if d.file == "glaciers.md")
    assert added.id in [value for _, value in web.document_choices(uploads.live)]
    reply, sources = list(web.chat("Where is the workshop on mountain glaciers held?", [], uploads.live, doc=added.id))[-1]
    assert "Reykjavik" in web.md_unescape(reply) and "Reykjavik" in sources


def test_a_name_already_in_the_corpus_is_updated_and_the_same_file_again_changes_nothing(uploads, fake_config):
    uploads.offer("decisions.txt", (FIXTURES / "en-treaty.txt").read_bytes())
    assert _done(uploads)[0] == "ready"
    first = uploads.live.get()
    data = (FIXTURES / "en-decisions.txt").read_bytes()
    kind, line = uploads.offer("decisions.txt", data)
    assert kind == "wait" and line.startswith("已更新 decisions.txt") and "updated" in line
    kind, line = _done(uploads)
    assert kind == "ready" and line.startswith("已更新 FCCC/PA/CMA/2024/9/Add.1（decisions.txt")
    bot = uploads.live.get()
    assert bot is not first and len(bot.documents) == 2 and bot.documents[1].symbol == "FCCC/PA/CMA/2024/9/Add.1"
    assert (fake_config.corpus_dir / "decisions.txt").read_bytes() == data
    kept = fake_config.corpus_dir / ".removed" / "decisions.txt"  # the replaced version is kept, not lost
    assert kept.read_bytes() == (FIXTURES / "en-treaty.txt").read_bytes()
    assert uploads.offer("decisions.txt", data) == (
        "ready", "decisions.txt 已在文件库中，内容相同，无需更新。(decisions.txt is already in the corpus, unchanged.)")
    assert uploads.live.get() is bot and not uploads.busy


def test_a_name_with_folders_is_saved_inside_the_corpus_only(uploads, fake_config, tmp_path):
    outside = _files(tmp_path / "index")
    uploads.offer("../../index/en-treaty.txt", (FIXTURES / "en-treaty.txt").read_bytes())
    assert _done(uploads)[0] == "ready"
    assert (fake_config.corpus_dir / "en-treaty.txt").is_file()
    assert not (tmp_path / "index" / "en-treaty.txt").exists() and not (tmp_path / "en-treaty.txt").exists()
    assert set(outside) <= set(_files(tmp_path / "index"))


def test_uploads_are_one_at_a_time_and_answers_keep_coming_from_the_old_bot_meanwhile(uploads, fake_config):
    old = uploads.live.get()
    old.embedder.gate.clear()  # the index update waits here, after the file is saved
    kind, _ = uploads.offer("en-decisions.txt", (FIXTURES / "en-decisions.txt").read_bytes())
    assert kind == "wait" and uploads.busy
    reply, _ = final("第1段", [], uploads.live)
    assert reply.startswith("**第1段**[1]：「") and uploads.live.get() is old
    assert "正在加入 en-decisions.txt" in web.upload_status_html(uploads.line)
    with pytest.raises(BotError) as refused:
        uploads.offer("en-treaty.txt", (FIXTURES / "en-treaty.txt").read_bytes())
    assert str(refused.value) == web.BUSY
    assert not (fake_config.corpus_dir / "en-treaty.txt").exists()
    old.embedder.gate.set()
    assert _done(uploads)[0] == "ready" and len(uploads.live.get().documents) == 2
    uploads.offer("en-treaty.txt", (FIXTURES / "en-treaty.txt").read_bytes())  # the next one is taken now
    assert _done(uploads)[0] == "ready" and len(uploads.live.get().documents) == 3


def test_a_failed_index_update_puts_the_corpus_back_and_keeps_the_bot(uploads, fake_config):
    old = uploads.live.get()
    before = _files(fake_config.corpus_dir)
    old.embedder.fail = True
    assert uploads.offer("en-decisions.txt", (FIXTURES / "en-decisions.txt").read_bytes())[0] == "wait"
    kind, line = _done(uploads)
    assert kind == "error" and line.startswith("未能加入 en-decisions.txt，文件库未改动：出错了：OSError")
    assert "\n" not in line and _files(fake_config.corpus_dir) == before and uploads.live.get() is old
    old.embedder.fail = False
    uploads.offer("en-decisions.txt", (FIXTURES / "en-decisions.txt").read_bytes())  # not left locked
    assert _done(uploads)[0] == "ready"


def _pdf(pages: list[list[str]], image: bool = False, **options) -> bytes:
    """A PDF of lines of text (or of one grey picture: a scan), one list of lines per page."""
    import io

    pytest.importorskip("reportlab")
    from reportlab.lib.pagesizes import A4
    from reportlab.pdfgen import canvas

    buffer = io.BytesIO()
    c = canvas.Canvas(buffer, pagesize=A4, **options)
    for lines in pages:
        if image:
            from PIL import Image
            from reportlab.lib.utils import ImageReader

            c.drawImage(ImageReader(Image.new("L", (40, 60), 128)), 72, 300, 400, 500)
        for n, line in enumerate(lines):
            c.setFont("Times-Roman", 11)
            c.drawString(72, 760 - 16 * n, line)
        c.showPage()
    c.save()
    return buffer.getvalue()


DECISION_PAGES = [["CBD/TEST/9", "Decision 9/1. Test decision", "1. Decides to meet again in Nairobi."],
                  ["2. Requests the Executive Secretary to report."]]


def _refusals() -> list[tuple[str, Callable[[], bytes], str]]:
    return [
        ("notes.pdf", lambda: b"Just some text saved with the wrong name.\n",
         "notes.pdf: named .pdf but it is text, not a PDF"),
        ("report.txt", lambda: _pdf(DECISION_PAGES), "report.txt: named .txt but it is a PDF, not text"),
        ("scan.pdf", lambda: _pdf([[]], image=True), "scan.pdf: no text layer (scanned?); OCR is not supported"),
        ("locked.pdf", lambda: _pdf(DECISION_PAGES, encrypt=_encryption()),
         "locked.pdf: the PDF is encrypted (password-protected); save an unprotected copy"),
        ("cut.pdf", lambda: _pdf(DECISION_PAGES)[:1200], "cut.pdf: the PDF is truncated (it does not end with %%EOF)"),
        ("broken.pdf", lambda: b"%PDF-1.4\n" + b"\x00garbage" * 50 + b"\n%%EOF\n",
         "broken.pdf: the PDF is damaged and cannot be read (Data format error)"),
        ("empty.md", lambda: b"", "empty.md: the file is empty"),
        ("blank.txt", lambda: b"  \n\n\t", "blank.txt: the file is empty"),
        ("data.txt", lambda: bytes(range(256)) * 8, "data.txt: this looks like a binary file, not text"),
        ("old.docx", lambda: b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600),
         "old.docx: this is an old-format Word .doc or an encrypted Office file; save it as .docx or PDF"),
        ("letter.docx", lambda: b"Dear colleagues,\n", "letter.docx: named .docx but it is text, not a Word .docx file"),
        ("setup.exe", lambda: b"MZ\x90\x00", "setup.exe: not a document type the bot reads (.txt, .md, .markdown, .pdf, .docx)"),
        ("README.md", lambda: MARKDOWN.encode(),
         "README.md: a README describes the corpus and is not read as a document; rename the file"),
        (".hidden.txt", lambda: b"text\n", ".hidden.txt: this file name cannot be used in the corpus; rename the file"),
    ]


def _encryption():
    from reportlab.lib import pdfencrypt

    return pdfencrypt.StandardEncryption("user", "owner")


@pytest.fixture(scope="module")
def refusing(tmp_path_factory) -> web.Uploads:
    """One Uploads for every refused file: a refusal changes nothing, so they can share it."""
    import shutil

    state = tmp_path_factory.mktemp("refusing")
    (state / "corpus").mkdir()
    shutil.copy(CORPUS / f"{SEED}.txt", state / "corpus")
    return _uploads(Config(corpus_dir=state / "corpus", index_dir=state / "index", cache_dir=state / "cache",
                           model="fake", progress=False))


@pytest.mark.parametrize("name, build, message", _refusals(), ids=[case[0] for case in _refusals()])
def test_a_bad_file_is_refused_with_one_line_and_nothing_is_saved(refusing, name, build, message):
    corpus = refusing.live.get().config.corpus_dir
    before, bot = _files(corpus), refusing.live.get()
    with pytest.raises(BotError) as refused:
        refusing.offer(name, build())
    assert str(refused.value) == message
    assert _files(corpus) == before and refusing.live.get() is bot and not refusing.busy and refusing.line is None
    assert bot.embedder.embedded == []


def test_a_file_over_the_size_limit_is_refused_before_it_is_read(refusing, monkeypatch, tmp_path):
    import bot.sources

    monkeypatch.setattr(bot.sources, "MAX_BYTES", 100)
    with pytest.raises(BotError) as refused:
        refusing.offer("big.md", MARKDOWN.encode())
    assert str(refused.value) == f"big.md: the file is {len(MARKDOWN.encode())} bytes, over the limit of 100 bytes"
    upload_dir = tmp_path / "gradio"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(upload_dir))
    received = upload_dir / "f00d" / "big.md"
    received.parent.mkdir(parents=True)
    received.write_bytes(MARKDOWN.encode())
    kind, line = refusing.receive(str(received))
    assert kind == "error" and line.startswith("未加入 (not added): big.md: the file is ") and not received.exists()
    assert not (refusing.live.get().config.corpus_dir / "big.md").exists()


def test_the_page_handler_takes_the_file_out_of_gradios_folder_and_nothing_else(uploads, fake_config, monkeypatch,
                                                                                tmp_path):
    upload_dir = tmp_path / "gradio"
    monkeypatch.setenv("GRADIO_TEMP_DIR", str(upload_dir))
    received = upload_dir / "0123abcd" / "glaciers.md"
    received.parent.mkdir(parents=True)
    received.write_bytes(MARKDOWN.encode())
    kind, line = uploads.receive(str(received))
    assert kind == "wait" and line.startswith("已保存 glaciers.md")
    assert not received.exists() and not received.parent.exists()  # no copy is left for Gradio to serve
    assert _done(uploads)[0] == "ready"
    assert (fake_config.corpus_dir / "glaciers.md").read_bytes() == MARKDOWN.encode()
    elsewhere = tmp_path / "secret.txt"
    elsewhere.write_text("a file the page never received\n", encoding="utf-8")
    assert uploads.receive(str(elsewhere)) == ("error", "未加入 (not added): secret.txt: not a file this page received")
    assert elsewhere.exists() and not (fake_config.corpus_dir / "secret.txt").exists()
    assert uploads.receive(None)[0] == "error"


def test_nothing_is_added_while_the_index_is_first_built(fake_config):
    release = threading.Event()
    loading = web.Loading(lambda status: release.wait(10) and None, say=lambda line: None, warm_up=False).start()
    uploads = web.Uploads(loading, say=lambda line: None)
    with pytest.raises(BotError, match="正在建立索引"):
        uploads.offer("glaciers.md", MARKDOWN.encode())
    assert not (fake_config.corpus_dir / "glaciers.md").exists() and not uploads.busy
    release.set()


def _components(app) -> list:
    return list(app.blocks.values())


def test_the_upload_button_is_there_only_when_uploads_are_on(fake_bot):
    import gradio as gr

    live = web.Loading.of(fake_bot)
    with_uploads = [b for b in _components(web.build_app(live, web.Uploads(live))) if isinstance(b, gr.UploadButton)]
    assert len(with_uploads) == 1 and with_uploads[0].elem_id == "bot-upload"
    assert not any(isinstance(b, gr.UploadButton) for b in _components(web.build_app(fake_bot)))
    assert web.uploads_allowed("127.0.0.1") and web.uploads_allowed("::1") and web.uploads_allowed("localhost")
    assert not web.uploads_allowed("0.0.0.0") and not web.uploads_allowed("192.168.1.5")
    assert web.uploads_allowed("0.0.0.0", allow_upload=True)


def test_bot_serve_passes_allow_upload_through(monkeypatch):
    from click.testing import CliRunner

    import bot.web
    from bot.cli import main

    seen = []
    monkeypatch.setattr(bot.web, "serve", lambda config, **options: seen.append(options))
    for arguments in (["serve"], ["serve", "--host", "0.0.0.0", "--allow-remote", "--allow-upload"]):
        result = CliRunner().invoke(main, arguments)
        assert result.exit_code == 0, result.output
    assert [(s["host"], s["allow_remote"], s["allow_upload"]) for s in seen] == [
        ("127.0.0.1", False, False), ("0.0.0.0", True, True)]


def _free_port() -> int:
    import socket

    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _get(url: str) -> tuple[int, bytes]:
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=30) as response:
            return response.status, response.read()
    except urllib.error.HTTPError as error:
        return error.code, b""


def test_a_running_chat_serves_an_added_file_and_still_nothing_else(fake_config, tmp_path):
    from urllib.parse import quote

    running = web.start(fake_config, port=_free_port(), embedder=GatedEmbedder(), say=lambda line: None)
    try:
        running.bot.wait(60)
        base = f"http://127.0.0.1:{running.app.server_port}/gradio_api/file="
        seed_file = (fake_config.corpus_dir / f"{SEED}.txt").resolve()
        assert _get(base + quote(str(seed_file)))[0] == 200
        data = (FIXTURES / "en-decisions.txt").read_bytes()
        running.uploads.offer("en-decisions.txt", data)
        assert _done(running.uploads)[0] == "ready"
        added = (fake_config.corpus_dir / "en-decisions.txt").resolve()
        assert str(added) in running.app.allowed_paths
        assert _get(base + quote(str(added))) == (200, data)
        behind = fake_config.corpus_dir / "dropped-in.txt"  # put there behind the server's back: not served
        behind.write_bytes(data)
        assert _get(base + quote(str(behind.resolve())))[0] == 403
        assert _get(base + quote(str((tmp_path / "index" / "manifest.json").resolve())))[0] == 403
        assert _get(base + quote(str(fake_config.corpus_dir.resolve())))[0] == 403
    finally:
        running.app.close()


def test_a_card_links_the_loaded_documents_its_passage_refers_to(fake_config):
    from bot.engine import Bot

    shutil.copy(FIXTURES / "en-decisions.txt", fake_config.corpus_dir)
    (fake_config.corpus_dir / "note.md").write_text(
        "# Note on adaptation\n\n1. This note follows up on Decision 3/CMA.6 and on decision 9/CP.99.\n", encoding="utf-8")
    bot = Bot.open(fake_config, embedder=FakeEmbedder(), say=lambda line: None)
    note = next(p for p in bot.passages if p.doc == "note" and "follows up" in p.text)
    own = next(p for p in bot.passages if p.doc == "en-decisions" and "Decision 3/CMA.6" in p.text)
    card, own_card = (web._card(Hit(p, 1.0, 1.0, 1.0), None, bot, [], {}) for p in (note, own))
    refs = card.split('class="bot-refs"')[1].split("</div>")[0]
    target = (fake_config.corpus_dir / "en-decisions.txt").resolve()
    assert f'Decision 3/CMA.6 → <a href="/gradio_api/file={target}"' in refs
    assert "9/CP.99" not in refs  # a decision that is not loaded links nowhere
    assert "bot-refs" not in own_card  # its own decision is no cross-reference


def test_the_sources_and_reply_speak_the_question_s_language(fake_bot):
    english = fake_bot.ask("What does paragraph 5 say?")
    chinese = fake_bot.ask("第5段说了什么？")
    english_sources, chinese_sources = web.sources_html(english, fake_bot), web.sources_html(chinese, fake_bot)
    assert "Q: What does paragraph 5 say?" in english_sources and "Cited passages" in english_sources
    assert "Where it stands" in english_sources and "在文件中的位置" not in english_sources
    assert ">paragraph<" in english_sources and ">段落<" in chinese_sources  # the kind of passage, in its language
    assert "问：第5段说了什么？" in chinese_sources and "引用的段落" in chinese_sources
    assert "“" in "".join(web._reply_pieces(english, fake_bot)) and "「" in "".join(web._reply_pieces(chinese, fake_bot))
    # the bundled document is a text file: its link opens the file, with no page to jump to
    assert ".txt" in english_sources and "#page=" not in english_sources and "第 1 页" not in chinese_sources


def test_a_long_title_in_the_picker_is_cut_in_the_middle_where_a_series_agrees():
    title = ("Report of the Conference of the Parties serving as the meeting of the Parties to the Paris Agreement on its "
             "fifth session, held in the United Arab Emirates from 30 November to 13 December 2023")
    short = web._shortened(title)
    assert short.startswith("Report of the") and short.endswith("13 December 2023") and " … " in short
    assert len(short) <= 75 and web._shortened("A short title") == "A short title"


def test_highlight_lights_whole_english_words_from_their_stems():
    terms = web.question_terms("What does Article 7 say about celebrations?")
    marked = web.highlight("Article 7 Settlement; the day is celebrated.", terms)
    assert "<mark>Article</mark>" in marked and "<mark>celebrated</mark>" in marked
    assert web.highlight("2015-2020年 第15段", ["15"]) == "2015-2020年 第<mark>15</mark>段"  # not inside a longer number


def test_example_questions_take_turns_in_the_documents_languages_and_name_them(fake_config):
    from bot.engine import Bot
    from tests.fakes import FakeEmbedder

    single = web.example_questions(Bot.open(fake_config, embedder=FakeEmbedder(), say=lambda line: None))
    assert single[0] == "第1段说什么？" and all(any("\u4e00" <= c <= "\u9fff" for c in q) for q in single)
    assert any(q.startswith("表中“") for q in single)  # a table row asked about by its name
    shutil.copy(Path(__file__).parent / "fixtures" / "multi" / "en-decisions.txt", fake_config.corpus_dir)
    both = web.example_questions(Bot.open(fake_config, embedder=FakeEmbedder(), say=lambda line: None))
    english = [q for q in both if q.isascii()]
    assert english and len(english) < len(both)  # both languages
    assert all(" p. " not in q and ", p." not in q for q in both)  # no page in a question
    assert both[0].startswith("CBD/WG2020/REC/1/1 ")  # a document named when several are loaded
