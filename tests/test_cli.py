"""The `bot` command's contract: exit codes, output shapes, and one clear line for every failure (fake model)."""
from __future__ import annotations

import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

import bot.engine
from bot.cli import main
from bot.corpus import load_corpus
from bot.index import parse_documents
from tests.conftest import CORPUS, seed
from tests.fakes import FakeEmbedder

QUESTION = "工作组第二次会议在哪里举行？"
PASSAGE_KEYS = {"id", "citation", "kind", "text", "score"}


class Loads:
    """Counts how often the CLI builds an embedder (loads the model) and opens the bot."""

    def __init__(self) -> None:
        self.embedders: list[FakeEmbedder] = []
        self.opens = 0

    @property
    def embedded_passages(self) -> int:
        return sum(e.passage_calls for e in self.embedders)


class CountingFake(FakeEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.passage_calls = 0

    def embed_passages(self, texts, progress=False):
        self.passage_calls += 1
        return super().embed_passages(texts, progress)


@pytest.fixture(scope="module")
def shared_index(tmp_path_factory) -> Path:
    """One fake-model index of the real corpus for the whole module (asking never writes to it)."""
    from bot.config import Config
    from bot.engine import Bot

    index_dir = tmp_path_factory.mktemp("cli") / "index"
    Bot.open(Config(corpus_dir=CORPUS, index_dir=index_dir, model="fake", progress=False), embedder=FakeEmbedder(),
             say=lambda line: None)
    return index_dir


@pytest.fixture
def loads(monkeypatch) -> Loads:
    counter = Loads()

    def make_embedder(*args, **kwargs):
        counter.embedders.append(CountingFake())
        return counter.embedders[-1]

    original_open = bot.engine.Bot.open.__func__

    def counting_open(cls, *args, **kwargs):
        counter.opens += 1
        return original_open(cls, *args, **kwargs)

    monkeypatch.setattr(bot.engine, "make_embedder", make_embedder)
    monkeypatch.setattr(bot.engine.Bot, "open", classmethod(counting_open))
    return counter


@pytest.fixture(scope="module")
def tokenizer():
    """jieba's dictionary takes a second to load: the CLI tests share one initialised tokenizer."""
    from bot.tokenize import Tokenizer

    shared = Tokenizer()
    shared("预热")
    return shared


@pytest.fixture
def run(loads, shared_index, tokenizer, monkeypatch):
    """Invoke `bot ARGS…` against the real corpus and the shared fake index."""
    monkeypatch.setenv("BOT_CORPUS_DIR", str(CORPUS))
    monkeypatch.setenv("BOT_INDEX_DIR", str(shared_index))
    monkeypatch.setattr(bot.engine, "Tokenizer", lambda **_: tokenizer)

    def invoke(*args: str):
        return CliRunner().invoke(main, list(args), catch_exceptions=True)

    return invoke


def _json_lines(text: str) -> list[dict]:
    return [json.loads(line) for line in text.splitlines() if line.strip()]


def _assert_one_line_error(result, *words: str) -> str:
    """Exit code 1, a single 'Error: …' line on stderr, nothing on stdout, no traceback."""
    assert result.exit_code == 1, result.output
    assert isinstance(result.exception, SystemExit)
    assert "Traceback" not in result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert len(lines) == 1 and lines[0].startswith("Error: "), result.stderr
    for word in words:
        assert word in lines[0]
    return lines[0]


@pytest.fixture(scope="module")
def parsed():
    documents, _ = load_corpus(CORPUS)
    return parse_documents(documents)


# -- bot passages --------------------------------------------------------------------------------------


def test_passages_json_is_every_passage_in_document_order(run, parsed):
    result = run("passages", "--json")
    assert result.exit_code == 0 and result.stderr == ""
    rows = _json_lines(result.stdout)
    assert len(rows) == len(parsed) > 150
    assert [r["id"] for r in rows] == [p.id for p in parsed]
    assert len({r["id"] for r in rows}) == len(rows)
    for row, passage in zip(rows, parsed):
        assert {"id", "kind", "citation", "text", "section"} <= set(row)
        assert (row["kind"], row["citation"], row["text"], row["section"]) == (
            passage.kind, passage.citation, passage.text, list(passage.section))


def test_passages_plain_is_one_tab_separated_line_each(run, parsed):
    result = run("passages")
    lines = result.stdout.splitlines()
    assert result.exit_code == 0 and len(lines) == len(parsed)
    assert lines[0].split("\t") == [parsed[0].id, parsed[0].citation, parsed[0].text]


def test_passages_names_a_skipped_file_and_lists_the_rest(run, corpus_copy, parsed):
    (corpus_copy / "photo.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00" * 20)
    result = run("passages", "--json", "--corpus-dir", str(corpus_copy))
    assert result.exit_code == 0
    assert "photo.txt" in result.stderr and "binary" in result.stderr
    assert len(_json_lines(result.stdout)) == len(parsed)
    for command in ("passages", "docs"):
        quiet = run(command, "--json", "--quiet", "--corpus-dir", str(corpus_copy))
        assert quiet.exit_code == 0 and quiet.stderr == "" and quiet.stdout


def test_listing_commands_take_the_options_every_command_takes(run, corpus_copy, tmp_path):
    for command in ("passages", "docs"):
        result = run(command, "--quiet", "--corpus-dir", str(corpus_copy), "--cache-dir", str(tmp_path / "cache"),
                     "--model", "default")
        assert result.exit_code == 0 and result.stdout.strip()


# -- bot ask ---------------------------------------------------------------------------------------------


def test_ask_json_shape(run, parsed):
    result = run("ask", QUESTION, "--json", "--quiet")
    assert result.exit_code == 0 and result.stderr == ""
    answer = json.loads(result.stdout)
    assert answer["question"] == QUESTION
    assert isinstance(answer["answer"], str) and answer["answer"]
    assert isinstance(answer["abstained"], bool)
    assert len(answer["passages"]) == 5  # the default k
    own_text = {p.id: p.text for p in parsed}
    for hit in answer["passages"]:
        assert PASSAGE_KEYS <= set(hit)
        assert isinstance(hit["score"], float)
        assert hit["text"] == own_text[hit["id"]]  # the passage's own words, no heading glued on
    assert len({hit["id"] for hit in answer["passages"]}) == 5


def test_ask_finds_the_paragraph_it_names(run):
    answer = json.loads(run("ask", "第5段说了什么？", "--json", "--quiet").stdout)
    assert answer["passages"][0]["id"] == seed("p5")
    assert answer["passages"][0]["citation"] == "第5段"


@pytest.mark.parametrize("k", [1, 3, 50])
def test_ask_k_sets_the_number_of_passages(run, k):
    answer = json.loads(run("ask", QUESTION, "--json", "--k", str(k), "--quiet").stdout)
    assert len(answer["passages"]) == k


def test_ask_plain_text(run):
    result = run("ask", QUESTION, "--quiet")
    assert result.exit_code == 0
    assert f"问：{QUESTION}" in result.stdout and "[1] " in result.stdout


def test_ask_opens_the_model_once(run, loads):
    assert run("ask", QUESTION, "--json", "--quiet").exit_code == 0
    assert loads.opens == 1 and len(loads.embedders) == 1
    assert loads.embedded_passages == 0  # the index was loaded, not rebuilt


# -- bot ask --batch -------------------------------------------------------------------------------------


BATCH_LINES = [
    '{"id": "a", "q": "工作组第二次会议在哪里举行？"}',
    '{"id": "b", "q": "第3段',  # cut-off JSON
    "",  # blank lines are skipped, not answered
    '{"id": "c"}',  # no question
    '{"q": "哪个国家为第三次会议提供了支助？"}',  # no id
    '{"id": "a", "q": "第7段"}',  # the id of line 1 again
    "[1, 2]",
    '"just a string"',
    "42",
    '{"id": 7, "q": 3}',  # a question that is not text
    '{"id": "e", "q": "   "}',  # an empty question
    '{"id": {"nested": true}, "q": "第5段说了什么？"}',
    '{"id": "f", "q": "什么时候提交关于框架结构的建议？"}',
]
EXPECTED_IDS = ["a", "line 2", "c", "line 5", "a", "line 7", "line 8", "line 9", 7, "e", {"nested": True}, "f"]
ANSWERED = {0, 10, 11}


def _batch(tmp_path, lines=BATCH_LINES, encoding="utf-8") -> Path:
    path = tmp_path / "questions.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding=encoding)
    return path


def test_batch_answers_good_lines_and_reports_bad_ones(run, loads, tmp_path):
    result = run("ask", "--batch", str(_batch(tmp_path)), "--json", "--k", "2", "--quiet")
    assert result.exit_code == 0, result.output
    records = _json_lines(result.stdout)
    assert [r["id"] for r in records] == EXPECTED_IDS
    for n, record in enumerate(records):
        if n in ANSWERED:
            assert "error" not in record
            assert len(record["passages"]) == 2 and record["answer"]
        else:
            assert set(record) == {"id", "error"}, record
            assert isinstance(record["error"], str) and record["error"]
    errors = [r.get("error", "") for r in records]
    assert "not valid JSON" in errors[1]
    assert '"q"' in errors[2] and '"id"' in errors[3]
    assert "duplicate" in errors[4]
    assert '"q" must be text' in errors[8]  # there, but a number
    assert "empty" in errors[9] or "空" in errors[9]
    assert loads.opens == 1 and len(loads.embedders) == 1  # the model is opened once for the whole file


def test_batch_answers_match_single_questions(run, tmp_path):
    batch = [json.dumps({"id": f"q{i}", "q": q}, ensure_ascii=False) for i, q in enumerate([QUESTION, "第5段说了什么？"])]
    records = _json_lines(run("ask", "--batch", str(_batch(tmp_path, batch)), "--json", "--quiet").stdout)
    for record, question in zip(records, [QUESTION, "第5段说了什么？"]):
        single = json.loads(run("ask", question, "--json", "--quiet").stdout)
        assert record == {"id": record["id"]} | single


def test_a_batch_line_may_carry_the_questions_asked_before_it(run, tmp_path):
    lines = [json.dumps(r, ensure_ascii=False) for r in (
        {"id": "alone", "q": "那(四)呢？"},
        {"id": "follow", "q": "那(四)呢？", "history": ["附件一第二节D讲什么？"]},
        {"id": "bad", "q": "那(四)呢？", "history": "附件一第二节D讲什么？"})]
    records = _json_lines(run("ask", "--batch", str(_batch(tmp_path, lines)), "--json", "--quiet").stdout)
    assert records[1]["passages"][0]["citation"].endswith("附件一 第二节 D (四)")  # the (四) of the section asked before
    assert records[0]["passages"][0]["citation"] != records[1]["passages"][0]["citation"]
    assert "history" in records[2]["error"]


def test_batch_with_bom_and_crlf(run, tmp_path):
    path = tmp_path / "bom.jsonl"
    path.write_bytes(b"\xef\xbb\xbf" + '{"id": 1, "q": "第5段"}\r\n{"id": 2, "q": "第6段"}\r\n'.encode())
    records = _json_lines(run("ask", "--batch", str(path), "--json", "--quiet").stdout)
    assert [r["id"] for r in records] == [1, 2] and all("error" not in r for r in records)


def test_batch_plain_text_prints_answers_and_errors(run, tmp_path):
    result = run("ask", "--batch", str(_batch(tmp_path, BATCH_LINES[:2])), "--quiet")
    assert result.exit_code == 0
    assert "[line 2] " in result.stdout and "not valid JSON" in result.stdout
    assert "[a] 工作组第二次会议在哪里举行？\n" in result.stdout  # each answer under its id and question


def test_batch_file_not_utf8_is_one_line(run, tmp_path):
    path = tmp_path / "latin.jsonl"
    path.write_bytes(b'{"id": 1, "q": "\xff\xfe\xfa"}\n')
    _assert_one_line_error(run("ask", "--batch", str(path), "--json", "--quiet"), "latin.jsonl")


# -- failures: one line, exit code 1 ----------------------------------------------------------------------


@pytest.mark.parametrize(
    "args, words",
    [
        (["ask", ""], ["empty"]),
        (["ask", "   "], ["empty"]),
        (["ask", "\t\n\u3000"], ["empty"]),
        (["ask", QUESTION, "--k", "0"], ["k must be", "0"]),
        (["ask", QUESTION, "--k", "-3"], ["k must be", "-3"]),
        (["ask", QUESTION, "--k", "51"], ["k must be", "51"]),
        (["ask", "--batch", "x.jsonl", "--k", "0"], ["k must be"]),
        (["ask", QUESTION, "--batch", "x.jsonl"], ["one of the two"]),
        (["ask"], ["one of the two"]),
        (["ask", "--batch", "no-such-file.jsonl"], ["not found", "no-such-file.jsonl"]),
    ],
    ids=["empty", "spaces", "unicode-spaces", "k0", "k-3", "k51", "batch-k0", "both", "neither", "missing-batch"],
)
def test_bad_requests_fail_before_the_model_loads(run, loads, args, words, tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    _assert_one_line_error(run(*args, "--quiet"), *words)
    assert loads.embedders == [] and loads.opens == 0


def test_missing_corpus_folder(run, tmp_path):
    _assert_one_line_error(run("ask", QUESTION, "--corpus-dir", str(tmp_path / "nope"), "--quiet"), "not found")
    _assert_one_line_error(run("passages", "--corpus-dir", str(tmp_path / "nope")), "not found")


def test_corpus_with_only_a_binary_file(run, tmp_path):
    corpus = tmp_path / "binary"
    corpus.mkdir()
    (corpus / "blob.txt").write_bytes(bytes(range(256)) * 8)
    line = _assert_one_line_error(run("ask", QUESTION, "--corpus-dir", str(corpus), "--quiet"))
    assert "blob.txt" in line and "binary" in line
    _assert_one_line_error(run("passages", "--corpus-dir", str(corpus)), "blob.txt")


def test_corpus_folder_without_documents(run, tmp_path):
    (tmp_path / "notes.csv").write_text("a,b", encoding="utf-8")
    _assert_one_line_error(run("ask", QUESTION, "--corpus-dir", str(tmp_path), "--quiet"), "no documents")


def test_index_dir_that_is_a_file(run, loads, tmp_path):
    target = tmp_path / "index.bin"
    target.write_bytes(b"keep me")
    _assert_one_line_error(run("ask", QUESTION, "--index-dir", str(target), "--quiet"), "is a file")
    assert target.read_bytes() == b"keep me"
    assert loads.embedded_passages == 0  # refused before any embedding, not after


def test_index_dir_with_foreign_files(run, loads, tmp_path):
    folder = tmp_path / "home"
    folder.mkdir()
    (folder / "thesis.docx").write_text("precious", encoding="utf-8")
    _assert_one_line_error(run("index", "--index-dir", str(folder), "--quiet"), "not an index", "thesis.docx")
    _assert_one_line_error(run("ask", QUESTION, "--index-dir", str(folder), "--quiet"), "not an index")
    assert sorted(p.name for p in folder.iterdir()) == ["thesis.docx"]
    assert (folder / "thesis.docx").read_text(encoding="utf-8") == "precious"
    assert loads.embedded_passages == 0


def test_index_dir_below_a_file(run, tmp_path):
    (tmp_path / "plain").write_text("x", encoding="utf-8")
    line = _assert_one_line_error(run("ask", QUESTION, "--index-dir", str(tmp_path / "plain" / "index"), "--quiet"))
    assert "plain" in line


def test_index_command_builds_and_reports(run, tmp_path):
    result = run("index", "--index-dir", str(tmp_path / "fresh"))
    assert result.exit_code == 0
    assert "index written to" in result.stderr and result.stdout == ""
    assert (tmp_path / "fresh" / "manifest.json").is_file()


@pytest.mark.model
def test_the_command_leaves_at_once_but_writes_everything_first(real_bot, tmp_path):
    """`bot ask` skips the interpreter's teardown after answering: every answer must still reach a pipe, and a
    failure must still exit 1 with its line."""
    import subprocess
    import sys

    questions = tmp_path / "questions.jsonl"
    asked = ["工作组第二次会议在哪里举行？", "第7段(a)项", "What does footnote 26 say?"] * 20
    questions.write_text("".join(json.dumps({"id": n, "q": q}, ensure_ascii=False) + "\n"
                                 for n, q in enumerate(asked)), encoding="utf-8")
    env = {**os.environ, "BOT_CORPUS_DIR": str(real_bot.config.corpus_dir),
           "BOT_INDEX_DIR": str(real_bot.config.index_dir), "BOT_CACHE_DIR": str(real_bot.config.cache_dir)}
    done = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--quiet", "--json", "--batch", str(questions)],
                          env=env, capture_output=True, text=True, timeout=300)
    assert done.returncode == 0, done.stderr
    answers = [json.loads(line) for line in done.stdout.splitlines()]
    assert [a["id"] for a in answers] == list(range(len(asked)))
    failed = subprocess.run([sys.executable, "-m", "bot.cli", "ask", "--quiet", "--doc", "nowhere", "问题"],
                            env=env, capture_output=True, text=True, timeout=300)
    assert failed.returncode == 1 and failed.stderr.count("\n") == 1 and not failed.stdout
