"""The web chat's function and page, without a browser: the fake bot answers, the HTML is checked as text."""
from __future__ import annotations

import logging
import os
import re
import threading

import pytest

from bot import web
from bot.answer import NOT_FOUND
from bot.errors import BotError
from bot.records import Answer, Hit, Passage, Quote
from tests.conftest import SEED, seed


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
    assert "问：&lt;script&gt;alert(1)&lt;/script&gt;**x**" in sources


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
    assert '「<img src=x onerror="alert(1)"> **bold** [a](javascript:x)」' in reply  # what the reader sees
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
