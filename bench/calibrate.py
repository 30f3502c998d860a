"""Choose the decline thresholds (bot.abstain.Abstention) on the held-apart calibration questions.

Why: a threshold tuned on the questions it is judged on flatters itself. This script reads only
bench/calibration.jsonl, searches a small grid, and prints the setting that declines the most unanswerable
questions while wrongly declining at most 3% of the answerable ones. Copy the printed values into
Abstention's defaults, then judge them with `bot eval` on bench/questions.jsonl.

    .venv/bin/python bench/calibrate.py
"""
from __future__ import annotations

import itertools
from dataclasses import replace
from pathlib import Path

from bot.abstain import Abstention
from bot.config import Config
from bot.engine import Bot
from bot.evaluate import load_questions

HERE = Path(__file__).resolve().parent
MAX_WRONG = 0.03


def main() -> None:
    bot = Bot.open(Config.from_env(progress=False), say=lambda line: None)
    questions = load_questions(HERE / "calibration.jsonl")
    rows = []
    for q in questions:
        hits = bot.search(q.q, k=5, history=q.history)
        rows.append((bool(q.gold), hits, q.q))
    answerable = sum(r[0] for r in rows)
    unanswerable = len(rows) - answerable
    best, keys = None, []
    grid = itertools.product([0.80, 0.82, 0.83, 0.84, 0.85, 0.86, 0.87, 0.88, 0.89, 0.9],
                             [0.74, 0.76, 0.77, 0.78, 0.79, 0.8, 0.81, 0.82, 0.83], [0, 3, 5, 8, 10, 12, 15, 20])
    for zh, en, lexical in grid:
        rule = Abstention(zh, en, lexical)
        wrong = sum(rule.declines(h, q, bot.names_text) for a, h, q in rows if a)
        right = sum(rule.declines(h, q, bot.names_text) for a, h, q in rows if not a)
        if wrong <= MAX_WRONG * answerable:
            key = (right, -wrong)
            keys.append(key)
            if best is None or key > best[0]:
                best = (key, rule, right, wrong)
    _, rule, right, wrong = best
    print(f"calibration: {answerable} answerable, {unanswerable} unanswerable")
    print(f"best: {rule} (one of {keys.count(best[0])} settings that score the same)")
    print(f"declines {right}/{unanswerable} unanswerable, wrongly {wrong}/{answerable} answerable")
    current = Abstention()
    current_right = sum(current.declines(h, q, bot.names_text) for a, h, q in rows if not a)
    current_wrong = sum(current.declines(h, q, bot.names_text) for a, h, q in rows if a)
    print(f"current defaults {current}: declines {current_right}/{unanswerable} unanswerable, wrongly "
          f"{current_wrong}/{answerable}" + (" -- as good as the best: keep them" if (current_right, -current_wrong) == best[0]
                                              else ""))


if __name__ == "__main__":
    main()
