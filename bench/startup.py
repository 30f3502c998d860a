"""Time from `bot serve` to a chat that answers, with the index already built.

Why: the chat is judged by how soon a person can ask. The browser is started first (a person's browser is
already open), then `bot serve` on a free loopback port. Three times are taken from the moment the command is
started: the page is served (HTTP 200), the bot is ready (the server's "ready:" line: model loaded, index open,
one question answered to warm up), and the page in headless Chromium (Debian's /usr/bin/chromium) says 已就绪.
"Answering" is the later of the first two: from then on a question gets its answer. Per run, then medians.
Run it after the index exists (any `bot ask` builds it):

    .venv/bin/python bench/startup.py --runs 5
"""
from __future__ import annotations

import argparse
import os
import socket
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
        "--disable-background-networking", "--disable-component-update", "--disable-sync"]
BOT = Path(sys.executable).with_name("bot")


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def watch_for_ready(server: subprocess.Popen, started: float, found: dict[str, float]) -> None:
    """Note when the server says "ready:" (on stderr; read on a thread so the pipe never fills)."""
    for line in server.stdout:
        if line.startswith("ready:") and "ready" not in found:
            found["ready"] = time.perf_counter() - started


def one_run(browser, timeout: float) -> dict[str, float]:
    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([str(BOT), "serve", "--port", str(port)], stdout=subprocess.PIPE,
                              stderr=subprocess.STDOUT, text=True,
                              env={**os.environ, "PYTHONUNBUFFERED": "1"})
    found: dict[str, float] = {}
    threading.Thread(target=watch_for_ready, args=(server, started, found), daemon=True).start()
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit("bot serve exited early")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                time.sleep(0.02)
        found["served"] = time.perf_counter() - started
        page = browser.new_page()
        page.goto(f"http://127.0.0.1:{port}/")
        page.wait_for_function("document.querySelector('#bot-status')?.innerText.includes('已就绪')",
                               timeout=timeout * 1000)
        found["shown"] = time.perf_counter() - started
        page.close()
        found["answering"] = max(found["served"], found.get("ready", found["shown"]))
        return found
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    from playwright.sync_api import sync_playwright

    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for 已就绪")
    options = parser.parse_args()
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        results = [one_run(browser, options.timeout) for _ in range(options.runs)]
        browser.close()
    keys = [("served", "page served"), ("ready", "bot ready"), ("answering", "answering"),
            ("shown", "browser shows 已就绪")]
    for n, result in enumerate(results, start=1):
        print(f"run {n}: " + ", ".join(f"{label} {result[key]:.2f} s" for key, label in keys if key in result))
    print("median: " + ", ".join(f"{label} {statistics.median(r[key] for r in results if key in r):.2f} s"
                                 for key, label in keys if any(key in r for r in results)))


if __name__ == "__main__":
    main()
