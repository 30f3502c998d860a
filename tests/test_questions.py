"""Checks on the retrieval question sets: bench/questions.jsonl (evaluation) and
bench/calibration.jsonl (held apart, only for choosing thresholds).

Fast and model-free: it reads the two files and, when the parser is present, the corpus.
"""
from __future__ import annotations

import importlib.util
import json
import re
import unicodedata
from collections import Counter
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EVAL_PATH = ROOT / "bench" / "questions.jsonl"
CALIB_PATH = ROOT / "bench" / "calibration.jsonl"
CORPUS_PATH = ROOT / "corpus" / "CBD-WG2020-REC-1-1.zh.txt"

KINDS = {"lookup", "paraphrase", "footnote", "table", "structure", "english", "unanswerable", "followup"}
FIELDS = {"id", "kind", "q", "gold", "history"}
EVAL_MIN_TOTAL = 150
EVAL_MIN_PER_KIND = {kind: 15 for kind in KINDS} | {"followup": 10}
CALIB_MIN_TOTAL = 60
CALIB_MIN_UNANSWERABLE = 15
CALIB_MIN_ANSWERABLE_EN_PARA = 15


def scheme_ids() -> set[str]:
    """Every passage id the agreed parsing scheme yields for this document (172 of them)."""
    ids = {"header", "pre1", "pre2", "pre3", "p7a", "p7b", "p7c"}
    ids |= {f"p{n}" for n in range(1, 13)}
    ids |= {"a1", "a1-s1", "a1-s1-1", "a1-s1-2", "a1-s2"}
    items = {"A": 9, "B": 4, "C": 13, "D": 8, "E": 16, "F": 7, "G": 14, "H": 2}
    for sec, count in items.items():
        ids.add(f"a1-{sec}")
        ids |= {f"a1-{sec}-{n}" for n in range(1, count + 1)}
    # section D's lead-in lists after its first; before parser version 2 they were target, sub and ind
    for sub, count in {"l2": 5, "l3": 1, "l4": 3}.items():
        ids.add(f"a1-D-{sub}")
        ids |= {f"a1-D-{sub}-{n}" for n in range(1, count + 1)}
    ids |= {f"fn{n}" for n in range(1, 30)}
    ids.add("a2")
    for table, count in {1: 9, 2: 8, 3: 5}.items():
        ids.add(f"a2-t{table}")
        ids |= {f"a2-t{table}-{n}" for n in range(1, count + 1)}
    return ids


def load(path: Path) -> list[dict]:
    rows = []
    for lineno, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        assert line.strip(), f"{path.name}:{lineno}: blank line"
        try:
            row = json.loads(line)
        except json.JSONDecodeError as exc:
            pytest.fail(f"{path.name}:{lineno}: not JSON: {exc}")
        assert isinstance(row, dict), f"{path.name}:{lineno}: not an object"
        row["_where"] = f"{path.name}:{lineno}"
        rows.append(row)
    return rows


def norm(text: str) -> str:
    """The form used to call two questions the same: NFKC, no spaces, lower case."""
    return re.sub(r"\s+", "", unicodedata.normalize("NFKC", text)).lower()


@pytest.fixture(scope="module")
def eval_rows() -> list[dict]:
    return load(EVAL_PATH)


@pytest.fixture(scope="module")
def calib_rows() -> list[dict]:
    return load(CALIB_PATH)


@pytest.fixture(scope="module")
def all_rows(eval_rows, calib_rows) -> list[dict]:
    return eval_rows + calib_rows


def test_rows_have_the_fields_and_types(all_rows):
    for row in all_rows:
        where = row["_where"]
        keys = set(row) - {"_where"}
        assert {"id", "kind", "q", "gold"} <= keys <= FIELDS, f"{where}: fields {sorted(keys)}"
        assert isinstance(row["id"], str) and row["id"], where
        assert isinstance(row["q"], str) and row["q"].strip() == row["q"] and row["q"], where
        assert isinstance(row["gold"], list) and all(isinstance(g, str) for g in row["gold"]), where
        assert len(set(row["gold"])) == len(row["gold"]), f"{where}: repeated gold id"
        history = row.get("history", [])
        assert isinstance(history, list) and all(isinstance(h, str) and h.strip() for h in history), where


def test_ids_unique_across_both_files(all_rows):
    dupes = [i for i, n in Counter(r["id"] for r in all_rows).items() if n > 1]
    assert not dupes, f"ids used more than once: {dupes}"


def test_id_prefixes_tell_the_files_apart(eval_rows, calib_rows):
    assert all(re.fullmatch(r"q\d{3}", r["id"]) for r in eval_rows)
    assert all(re.fullmatch(r"c\d{3}", r["id"]) for r in calib_rows)


def test_kinds_are_known(all_rows):
    unknown = {(r["_where"], r["kind"]) for r in all_rows if r["kind"] not in KINDS}
    assert not unknown, unknown


def test_gold_matches_answerability(all_rows):
    for row in all_rows:
        if row["kind"] == "unanswerable":
            assert row["gold"] == [], f"{row['_where']}: unanswerable with gold"
        else:
            assert row["gold"], f"{row['_where']}: answerable without gold"


def test_followups_have_history_and_others_do_not(all_rows):
    for row in all_rows:
        history = row.get("history", [])
        if row["kind"] == "followup":
            assert history, f"{row['_where']}: followup without history"
        else:
            assert history == [], f"{row['_where']}: history on a {row['kind']} question"


def test_no_question_repeated_within_or_across_files(eval_rows, calib_rows):
    for rows in (eval_rows, calib_rows):
        seen = Counter((norm(r["q"]), tuple(norm(h) for h in r.get("history", []))) for r in rows)
        assert not [k for k, n in seen.items() if n > 1], "question repeated within a file"
    in_eval = {norm(r["q"]) for r in eval_rows}
    in_calib = {norm(r["q"]) for r in calib_rows}
    # history turns are questions too: none of them may be a question of the other file
    eval_all = in_eval | {norm(h) for r in eval_rows for h in r.get("history", [])}
    calib_all = in_calib | {norm(h) for r in calib_rows for h in r.get("history", [])}
    # name only calibration ids: whoever writes calibration questions must not be shown evaluation text
    shared = (in_eval & calib_all) | (in_calib & eval_all)
    clashing = sorted(r["id"] for r in calib_rows
                      if {norm(r["q"]), *(norm(h) for h in r.get("history", []))} & shared)
    assert not clashing, f"calibration questions also in the evaluation set: {clashing}"


def test_eval_counts(eval_rows):
    kinds = Counter(r["kind"] for r in eval_rows)
    assert len(eval_rows) >= EVAL_MIN_TOTAL
    short = {k: (kinds[k], n) for k, n in EVAL_MIN_PER_KIND.items() if kinds[k] < n}
    assert not short, f"kinds below their minimum (have, need): {short}"


def test_calibration_counts(calib_rows):
    assert len(calib_rows) >= CALIB_MIN_TOTAL
    kinds = Counter(r["kind"] for r in calib_rows)
    assert kinds["unanswerable"] >= CALIB_MIN_UNANSWERABLE
    assert kinds["english"] + kinds["paraphrase"] >= CALIB_MIN_ANSWERABLE_EN_PARA
    assert set(kinds) == KINDS, f"calibration lacks kinds: {KINDS - set(kinds)}"


def test_eval_covers_surface_variants(eval_rows):
    texts = [r["q"] for r in eval_rows] + [h for r in eval_rows for h in r.get("history", [])]
    assert any(re.search(r"[\uff10-\uff19]", t) for t in texts), "no full-width digits"
    assert any(re.search(r"[締會議說這節講]", t) for t in texts), "no traditional characters"
    assert any(re.search(r"\d \d|\d /|/ \d|第 \d", t) for t in texts), "no spaced numbers"
    assert any(re.search(r"[A-Za-z]{3,} [A-Za-z]{3,}", r["q"]) for r in eval_rows if r["kind"] == "unanswerable")


def test_gold_ids_follow_the_scheme(all_rows):
    known = scheme_ids()
    assert len(known) == 172
    bad = {(r["_where"], g) for r in all_rows for g in r["gold"] if g not in known}
    assert not bad, sorted(bad)


@pytest.mark.skipif(importlib.util.find_spec("bot.parser") is None, reason="bot.parser not written yet")
def test_gold_ids_exist_in_parsed_document(all_rows):
    from bot.parser import parse

    passages = parse(CORPUS_PATH.read_text(encoding="utf-8"))
    ids = {p.id for p in passages}
    missing = {(r["_where"], g) for r in all_rows for g in r["gold"] if g not in ids}
    assert not missing, sorted(missing)
