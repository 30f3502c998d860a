"""Bad input never ends in a traceback: odd questions, odd corpus files, killed and concurrent index builds."""
from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.corpus import load_corpus
from bot.engine import MAX_QUESTION_CHARS, Bot
from bot.errors import IndexProblem, QueryError
from bot.index import MANIFEST, STALE_REASONS, expected_manifest, load, open_index, parse_documents
from bot.parser import parse
from bot.tokenize import Tokenizer
from tests.conftest import CORPUS, PROJECT, seed
from tests.fakes import FakeEmbedder

DOCUMENT = next(CORPUS.glob("*.txt"))
SOURCE = DOCUMENT.read_text(encoding="utf-8")


class SpyEmbedder(FakeEmbedder):
    """Remembers every text it was asked to embed as a query."""

    def __init__(self) -> None:
        super().__init__()
        self.queries: list[str] = []

    def embed_queries(self, texts):
        self.queries.extend(texts)
        return super().embed_queries(texts)


@pytest.fixture(scope="module")
def spy_bot(tmp_path_factory):
    from bot.config import Config

    config = Config(corpus_dir=CORPUS, index_dir=tmp_path_factory.mktemp("rel") / "index", model="fake",
                    progress=False)
    return Bot.open(config, embedder=SpyEmbedder(), say=lambda line: None)


@pytest.fixture
def spy(spy_bot):
    spy_bot.embedder.queries.clear()
    return spy_bot


@pytest.fixture(scope="module")
def tokenizer() -> Tokenizer:
    """jieba's dictionary takes a second to load: one initialised tokenizer for the module."""
    shared = Tokenizer()
    shared("预热")
    return shared


# -- questions ------------------------------------------------------------------------------------------


@pytest.mark.parametrize("question", ["", "   ", "\t\n\r", "\u3000\u3000", "\x00\x01\x1f", "\u200b\ufeff", None])
def test_empty_questions_are_a_clear_query_error(spy, question):
    with pytest.raises(QueryError, match="empty"):
        spy.ask(question)
    assert spy.embedder.queries == []  # refused before the model is asked


@pytest.mark.parametrize("question", ["？？？", "😀", "?!… —", "🌍 🌏"])
def test_a_question_without_words_is_a_clear_query_error(spy, question):
    with pytest.raises(QueryError, match="no words"):
        spy.ask(question)
    assert spy.embedder.queries == []


def test_full_width_letters_keep_their_spaces_and_resolve_like_ascii(spy):
    assert spy.ask("ｐａｒａｇｒａｐｈ　５").question == "ｐａｒａｇｒａｐｈ ５"
    assert spy.search("ｐａｒａｇｒａｐｈ　５")[0].passage.id == spy.search("paragraph 5")[0].passage.id


@pytest.mark.parametrize("k", [0, -3, 51, 10**9, 2.5, "5"])
def test_bad_k_is_a_query_error(spy, k):
    with pytest.raises(QueryError, match="k must be"):
        spy.ask("第5段", k=k)


def test_a_question_that_is_not_text_is_a_query_error(spy):
    with pytest.raises(QueryError, match="text"):
        spy.ask(["第5段"])


@pytest.mark.parametrize("filler", ["生物多样性框架", "a b ", "🌍地", "第5段。"])
def test_a_huge_question_is_cut_and_the_model_sees_only_the_cut(spy, filler):
    question = (filler * (200_000 // len(filler) + 1))[:200_000]
    answer = spy.ask(question)
    assert len(answer.question) <= MAX_QUESTION_CHARS
    assert any(str(MAX_QUESTION_CHARS) in note for note in answer.notes)
    assert spy.embedder.queries and all(len(text) <= MAX_QUESTION_CHARS for text in spy.embedder.queries)
    assert answer.hits


def test_a_question_at_the_cap_is_not_cut(spy):
    answer = spy.ask("问" * MAX_QUESTION_CHARS)
    assert answer.notes == () and len(answer.question) == MAX_QUESTION_CHARS


@pytest.mark.parametrize(
    "question, first",
    [
        ("\x00\x07第5段\x1b[31m说了什么？\x7f", "p5"),
        ("🌍🌱 第5段 🐼🐼 说了什么？", "p5"),
        ("What does 第 7 段 (a) say? Что там написано? 何が書いてありますか", "p7a"),
        ("<script>alert('x')</script><b>第5段</b><img src=x onerror=alert(1)>", "p5"),
        ("**第5段** _说了_ `什么`？ [链接](http://example.com) # 标题\n> 引用\n- 列表", "p5"),
        ("第\u200b5\u200b段", "p5"),
        ("ＦＵＬＬＷＩＤＴＨ：第５段", "p5"),
        ("締約方應在什麼時候之前提交關於框架結構的建議？", None),
        ("'; DROP TABLE passages; --", None),
        ("../../../../etc/passwd", None),
        ("{{7*7}} ${7*7} %s %n", None),
        ("\ud800 lone surrogate 第5段", None),
        ("é" * 10 + "\u0301" * 50, None),
    ],
    ids=["controls", "emoji", "mixed-scripts", "html", "markdown", "zero-width", "fullwidth", "traditional", "sql",
         "path", "templates", "surrogate", "combining"],
)
def test_odd_questions_get_a_sensible_answer(spy, question, first):
    answer = spy.ask(question, k=3)
    assert len(answer.hits) == 3 and isinstance(answer.abstained, bool) and answer.text
    if first:
        assert answer.hits[0].passage.id == seed(first)
    assert "<script" not in answer.text and "onerror" not in answer.text  # the reply quotes the document only
    assert all(ch not in answer.question for ch in "\x00\x07\x1b\x7f\u200b")


def test_odd_questions_through_the_cli(monkeypatch, fake_config):
    import bot.engine
    from bot.cli import main

    monkeypatch.setattr(bot.engine, "make_embedder", lambda *a, **k: FakeEmbedder())
    monkeypatch.setenv("BOT_CORPUS_DIR", str(fake_config.corpus_dir))
    for question in ["\x00\x1b[2J第5段", "🌍地" * 150_000, "<script>alert(1)</script>", "\udcff\udcfe第5段", "\u3000",
                     "🌍" * 300_000]:
        result = CliRunner().invoke(main, ["ask", question, "--json", "--quiet"])
        assert "Traceback" not in result.output
        if question in ("\u3000", "🌍" * 300_000):
            assert result.exit_code == 1 and result.stderr.startswith("Error: ")
        else:
            assert result.exit_code == 0, result.output
            assert json.loads(result.stdout)["passages"]


def test_a_huge_previous_question_is_not_embedded_whole(spy):
    """A follow-up leans on the previous question; that one must be capped as well."""
    spy.ask("那第三次会议呢？", history=["工作组第二次会议在哪里举行？" * 20_000])
    assert spy.embedder.queries and max(len(text) for text in spy.embedder.queries) <= 2 * MAX_QUESTION_CHARS + 1


# -- corpus files ---------------------------------------------------------------------------------------


def _copies_folder(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / DOCUMENT.name).write_bytes(DOCUMENT.read_bytes())
    (folder / "gbk.txt").write_bytes(SOURCE.encode("gb18030"))  # GBK lacks the superscripts; GB18030 extends it
    (folder / "bom.txt").write_bytes(b"\xef\xbb\xbf" + SOURCE.encode("utf-8"))
    (folder / "crlf.txt").write_bytes(SOURCE.replace("\n", "\r\n").encode("utf-8"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "binary.txt").write_bytes(b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 16)
    return folder


def _own(passages, name: str) -> list[tuple[str, str, str]]:
    prefix = name + ":"
    return [(p.id.removeprefix(prefix), p.label, p.text) for p in passages if p.id.startswith(prefix)]


def test_encoded_copies_parse_like_the_original_and_bad_files_are_named(tmp_path):
    documents, skipped = load_corpus(_copies_folder(tmp_path))
    assert sorted(d.id for d in documents) == sorted([DOCUMENT.stem, "bom", "crlf", "gbk"])
    assert sorted(line.split(":")[0] for line in skipped) == ["binary.txt", "empty.txt"]
    assert any("binary" in line for line in skipped) and any("empty" in line for line in skipped)
    passages = parse_documents(documents)
    original = [(p.id, p.citation, p.text) for p in parse(SOURCE)]
    assert len(original) > 150
    for name in ("gbk", "bom", "crlf"):
        assert _own(passages, name) == original, name
    assert _own(passages, DOCUMENT.stem) == original


def test_a_gbk_document_without_superscripts_decodes(tmp_path):
    excerpt = SOURCE[: SOURCE.index("附件一")]  # the operative paragraphs: plain GBK can encode them
    (tmp_path / "a.txt").write_bytes(excerpt.encode("gbk"))
    documents, skipped = load_corpus(tmp_path)
    assert skipped == [] and documents[0].text == excerpt
    assert [p.text for p in parse(documents[0].text)] == [p.text for p in parse(excerpt)]


def test_the_index_is_built_from_the_readable_files(tmp_path, tokenizer):
    folder = _copies_folder(tmp_path)
    lines: list[str] = []
    built = open_index(tmp_path / "index", folder, FakeEmbedder(), tokenizer, False, lines.append)
    assert [d["file"] for d in built.manifest["documents"]] == sorted(p.name for p in folder.glob("*.txt")
                                                  if p.name not in ("binary.txt", "empty.txt"))
    assert any(line.startswith("skipped binary.txt") for line in lines)
    assert any(line.startswith("skipped empty.txt") for line in lines)
    assert len(built.passages) == 4 * len(parse(SOURCE))


# -- the index folder -----------------------------------------------------------------------------------

CHILD = textwrap.dedent("""
    import sys, time
    from pathlib import Path
    import bot.index as index
    from bot.tokenize import Tokenizer
    from tests.fakes import FakeEmbedder

    index_dir, corpus_dir, flag, stage, rebuild = sys.argv[1:6]

    def wait_here(name):
        if stage == name:
            Path(flag).write_text(name)
            time.sleep(120)  # killed here by the test

    class SlowEmbedder(FakeEmbedder):
        def embed_passages(self, texts, progress=False):
            wait_here("embedding")
            time.sleep(0.2)  # long enough for two builders to overlap
            return super().embed_passages(texts, progress)

    original_swap, original_rename = index._swap_in, Path.rename

    def swap(staging, target):
        wait_here("staged")
        original_swap(staging, target)

    def rename(self, target):
        result = original_rename(self, target)
        if ".old-" in str(target):
            wait_here("between-renames")
        return result

    index._swap_in, Path.rename = swap, rename
    built = index.open_index(Path(index_dir), Path(corpus_dir), SlowEmbedder(), Tokenizer(), False,
                             lambda line: None, rebuild == "rebuild")
    print(len(built.passages))
""")


def _child(index_dir: Path, corpus_dir: Path, flag: Path, stage: str = "none", rebuild: bool = True):
    env = dict(os.environ, PYTHONPATH=str(PROJECT))
    args = [sys.executable, "-c", CHILD, str(index_dir), str(corpus_dir), str(flag), stage,
            "rebuild" if rebuild else "open"]
    return subprocess.Popen(args, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)


def _kill_at(process: subprocess.Popen, flag: Path, timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while not flag.exists():
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the child never reached the stage"
        time.sleep(0.05)
    os.kill(process.pid, signal.SIGKILL)
    process.wait()


def _fingerprint(index_dir: Path) -> dict[str, str]:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(index_dir.iterdir())}


def _leftovers(index_dir: Path) -> list[str]:
    return sorted(p.name for p in index_dir.parent.iterdir()
                  if p.name.startswith(f".{index_dir.name}.") and not p.name.endswith(".lock"))


def _open(config, tokenizer, lines=None, rebuild=False, corpus_dir=None):
    say = (lambda line: None) if lines is None else lines.append
    return open_index(config.index_dir, corpus_dir or config.corpus_dir, FakeEmbedder(), tokenizer, False, say,
                      rebuild)


def _expected(fake_config) -> dict:
    return expected_manifest(fake_config.corpus_dir, FakeEmbedder.name)


@pytest.mark.parametrize("stage", ["embedding", "staged"])
def test_a_killed_rebuild_leaves_the_previous_index_in_place(fake_config, stage, tmp_path, tokenizer):
    first = _open(fake_config, tokenizer)
    before = _fingerprint(fake_config.index_dir)
    flag = tmp_path / "flag"
    _kill_at(_child(fake_config.index_dir, fake_config.corpus_dir, flag, stage), flag)
    assert fake_config.index_dir.is_dir() and not fake_config.index_dir.is_symlink()
    assert _fingerprint(fake_config.index_dir) == before  # untouched, byte for byte
    if stage == "staged":
        assert len(_leftovers(fake_config.index_dir)) == 1  # the finished-but-not-swapped copy, ignored
    lines: list[str] = []
    again = _open(fake_config, tokenizer, lines)
    assert lines == []  # loaded, not rebuilt
    assert [p.id for p in again.passages] == [p.id for p in first.passages]
    _open(fake_config, tokenizer, lines, rebuild=True)
    assert _leftovers(fake_config.index_dir) == []  # the next build clears what the killed one left


def test_killed_between_the_two_renames_the_next_open_rebuilds(fake_config, tmp_path, tokenizer):
    _open(fake_config, tokenizer)
    flag = tmp_path / "flag"
    _kill_at(_child(fake_config.index_dir, fake_config.corpus_dir, flag, "between-renames"), flag)
    with pytest.raises(IndexProblem, match="no index"):  # the gap is refused, never half-used
        load(fake_config.index_dir, _expected(fake_config))
    lines: list[str] = []
    rebuilt = _open(fake_config, tokenizer, lines)
    assert lines[0].startswith("no index") and lines[-1].startswith("index written")
    assert len(rebuilt.passages) > 150
    assert _leftovers(fake_config.index_dir) == []
    load(fake_config.index_dir, _expected(fake_config))


def test_a_killed_first_build_leaves_no_index_and_the_next_open_builds(fake_config, tmp_path, tokenizer):
    flag = tmp_path / "flag"
    _kill_at(_child(fake_config.index_dir, fake_config.corpus_dir, flag, "staged", rebuild=False), flag)
    assert not fake_config.index_dir.exists()
    lines: list[str] = []
    built = _open(fake_config, tokenizer, lines)
    assert lines[0].startswith("no index") and len(built.passages) > 150
    assert _leftovers(fake_config.index_dir) == []


def test_two_builders_at_once_end_with_one_sound_index(fake_config, tmp_path):
    children = [_child(fake_config.index_dir, fake_config.corpus_dir, tmp_path / f"flag{n}") for n in range(2)]
    seen = set()
    expected = None
    while any(child.poll() is None for child in children):  # read while they build: never a damaged index
        expected = expected or (_expected(fake_config))
        try:
            seen.add(len(load(fake_config.index_dir, expected).passages))
        except IndexProblem as problem:
            assert str(problem).startswith("no index"), problem
        time.sleep(0.02)
    outputs = [child.communicate() for child in children]
    assert [child.returncode for child in children] == [0, 0], outputs
    count = int(outputs[0][0])
    assert int(outputs[1][0]) == count > 150 and seen <= {count}
    assert len(load(fake_config.index_dir, _expected(fake_config)).passages) == count
    assert _leftovers(fake_config.index_dir) == []
    listed = json.loads((fake_config.index_dir / MANIFEST).read_text(encoding="utf-8"))["files"]
    assert sorted(p.name for p in fake_config.index_dir.iterdir()) == sorted([*listed, MANIFEST])


@pytest.mark.parametrize("key, value", [("format", 0), ("parser_version", "0"), ("recipe_version", "old"),
                                        ("code_sha256", "0" * 16)])
def test_a_manifest_from_other_code_is_rebuilt(fake_config, key, value, tokenizer):
    _open(fake_config, tokenizer)
    path = fake_config.index_dir / MANIFEST
    manifest = json.loads(path.read_text(encoding="utf-8"))
    if key not in manifest:
        pytest.skip(f"the manifest has no {key}")
    path.write_text(json.dumps(manifest | {key: value}), encoding="utf-8")
    lines: list[str] = []
    _open(fake_config, tokenizer, lines)
    assert f"stale: {STALE_REASONS[key]}" in lines[0]
    assert json.loads(path.read_text(encoding="utf-8"))[key] == manifest[key]


def test_an_index_copied_from_another_corpus_is_rebuilt(fake_config, tmp_path, tokenizer):
    other = tmp_path / "other"
    other.mkdir()
    (other / "other.txt").write_text("1. 完全不同的一份文件。\n", encoding="utf-8")
    _open(fake_config, tokenizer, corpus_dir=other)
    lines: list[str] = []
    built = _open(fake_config, tokenizer, lines)
    assert "stale: the documents changed" in lines[0]
    assert "完全不同" not in " ".join(p.text for p in built.passages) and len(built.passages) > 150


# -- the model folder ------------------------------------------------------------------------------------


def test_a_broken_model_folder_is_one_line(fake_config, tmp_path):
    from bot.cli import main

    model = tmp_path / "model"
    model.mkdir()
    (model / "modules.json").write_text("[{broken", encoding="utf-8")
    (model / "config.json").write_text("{}", encoding="utf-8")
    result = CliRunner().invoke(main, ["ask", "第5段", "--model", str(model), "--quiet",
                                       "--corpus-dir", str(fake_config.corpus_dir)])
    assert result.exit_code == 1 and "Traceback" not in result.output
    assert len(result.stderr.splitlines()) == 1 and "cannot load the embedding model" in result.stderr


def test_a_document_is_named_by_id_symbol_or_file_in_any_case(fake_bot):
    for name in ("CBD-WG2020-REC-1-1.zh", "cbd-wg2020-rec-1-1.zh", "CBD/WG2020/REC/1/1", "CBD-WG2020-REC-1-1.zh.txt"):
        assert fake_bot.document(name).id == "CBD-WG2020-REC-1-1.zh"
    with pytest.raises(QueryError, match="no document 'nowhere' is loaded"):
        fake_bot.document("nowhere")


def test_an_item_the_paragraph_lacks_is_shown_as_the_paragraph_with_a_note(fake_bot):
    answer = fake_bot.ask("第7段(d)项说了什么？")
    assert answer.hits[0].passage.id.endswith(":p7") and any("没有所问的分项（d）" in note for note in answer.notes)
    english = fake_bot.ask("What does paragraph 7 (d) say?")
    assert any("no item (d)" in note for note in english.notes)
    assert fake_bot.ask("第7段(a)项").notes == ()  # it has (a)


def test_a_question_asking_what_a_footnote_annotates_gets_the_annotated_unit(fake_bot):
    assert fake_bot.ask("脚注14是给哪一项加的注？").hits[0].passage.id == seed("a1-D-4")
    assert fake_bot.ask("脚注14说什么？").hits[0].passage.id == seed("fn14")  # what it says: the footnote itself
    followed = fake_bot.ask("它注释的是哪一节？", history=["脚注23讲什么？"])
    assert followed.hits[0].passage.id in fake_bot.by_id[seed("fn23")].cited_by
