"""A page with the chat's event and nothing behind it: the ceiling the web framework sets under load.

Why: `bench/load.py --echo` runs its users against this page instead of `bot serve`. The submit event has the
chat's shape (inputs: question, chat history, document picker; outputs: textbox, Chatbot messages, sources
HTML; a "searching" note first, then the reply; the same concurrency limit), and the reply is a fixed
text, so every second a reply takes here is Gradio's queue, event stream and JSON, not the bot's.

    .venv/bin/python bench/echo_chat.py --port 7861
"""
from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.gradio_import import import_gradio  # noqa: E402
from bot.web import CHAT_SLOTS  # noqa: E402

REPLY = "附件二 表1：工作组第二次会议：「2020年2月24日至28日，中国昆明」"
SOURCES = "<div class='bot-sources'>" + "<p>一段引文</p>" * 5 + "</div>"


def page():
    gr = import_gradio()

    def respond(message: str, history: list[dict], doc: str | None):
        shown = [*history, {"role": "user", "content": message}]
        yield "", shown, "<p>正在查找… (searching)</p>"
        yield "", [*shown, {"role": "assistant", "content": REPLY}], SOURCES

    with gr.Blocks() as app:
        chatbot = gr.Chatbot()
        box = gr.Textbox()
        picker = gr.Dropdown(choices=[("全部文件", "")], value="")
        sources = gr.HTML()
        box.submit(respond, [box, chatbot, picker], [box, chatbot, sources], concurrency_id="chat",
                   concurrency_limit=CHAT_SLOTS)
    return app


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=7861)
    options = parser.parse_args()
    app = page()
    app.launch(server_name="127.0.0.1", server_port=options.port, prevent_thread_lock=True, quiet=True)
    print(f"ready: echo page on http://127.0.0.1:{options.port}/", flush=True)
    try:
        while app.is_running:
            time.sleep(0.2)
    except KeyboardInterrupt:
        app.close()


if __name__ == "__main__":
    main()
