"""Time from `bot serve` to a page that answers, with the index already built.

Why: the chat is judged by how soon a person can ask. The script starts `bot serve` on a free loopback
port, notes when the page is first served, then opens it in headless Chromium (Debian's /usr/bin/chromium)
and waits for the status line to say 已就绪 (model loaded, index open). It prints both times per run and
their medians. Run it after the index exists (any `bot ask` builds it):

    .venv/bin/python bench/startup.py --runs 3
"""
from __future__ import annotations

import argparse
import socket
import statistics
import subprocess
import sys
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


def one_run(timeout: float) -> tuple[float, float]:
    from playwright.sync_api import sync_playwright

    port = free_port()
    started = time.perf_counter()
    server = subprocess.Popen([str(BOT), "serve", "--port", str(port), "--quiet"],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        while True:
            if server.poll() is not None:
                raise SystemExit("bot serve exited early")
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=1)
                break
            except OSError:
                time.sleep(0.1)
        served = time.perf_counter() - started
        with sync_playwright() as playwright:
            browser = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
            page = browser.new_page()
            page.goto(f"http://127.0.0.1:{port}/")
            page.wait_for_function("document.querySelector('#bot-status')?.innerText.includes('已就绪')",
                                   timeout=timeout * 1000)
            ready = time.perf_counter() - started
            browser.close()
        return served, ready
    finally:
        server.terminate()
        server.wait(timeout=30)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--timeout", type=float, default=300.0, help="seconds to wait for 已就绪")
    options = parser.parse_args()
    results = [one_run(options.timeout) for _ in range(options.runs)]
    for n, (served, ready) in enumerate(results, start=1):
        print(f"run {n}: page served {served:.1f} s, ready to answer {ready:.1f} s")
    print(f"median: page served {statistics.median(r[0] for r in results):.1f} s, "
          f"ready to answer {statistics.median(r[1] for r in results):.1f} s")


if __name__ == "__main__":
    main()
