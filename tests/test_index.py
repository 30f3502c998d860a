"""The index folder: manifest, staleness, damage and atomic rebuilds (fake embedder, real corpus)."""
import json
import shutil
from pathlib import Path

import pytest

from bot import index as index_module
from bot.errors import IndexProblem
from bot.index import DATA_FILES, MANIFEST, expected_manifest, load, open_index
from bot.tokenize import Tokenizer
from tests.fakes import FakeEmbedder, RecordingEmbedder


def _open(config, embedder=None, lines=None, rebuild=False):
    lines = [] if lines is None else lines
    return open_index(config.index_dir, config.corpus_dir, embedder or FakeEmbedder(), Tokenizer(), False,
                      lines.append, rebuild)


def test_build_writes_a_complete_manifest(fake_config):
    built = _open(fake_config)
    manifest = json.loads((fake_config.index_dir / MANIFEST).read_text(encoding="utf-8"))
    assert manifest["model"] == FakeEmbedder.name and manifest["dimension"] == FakeEmbedder.dim
    assert manifest["passage_count"] == len(built.passages) > 150
    assert len(manifest["corpus_sha256"]) == 64 and manifest["parser_version"]
    assert set(manifest["files"]) == set(DATA_FILES)
    assert built.dense.ntotal == len(built.tokens) == len(built.passages)


def test_sound_index_is_loaded_not_rebuilt(fake_config):
    _open(fake_config)
    lines = []
    _open(fake_config, lines=lines)
    assert lines == []


def test_changed_corpus_makes_the_index_stale(fake_config):
    _open(fake_config)
    document = next(fake_config.corpus_dir.glob("*.txt"))
    document.write_text(document.read_text(encoding="utf-8") + "\n13. 新增一段。\n", encoding="utf-8")
    lines = []
    rebuilt = _open(fake_config, lines=lines)
    assert "stale: the documents changed" in lines[0]
    assert any("新增一段" in p.text for p in rebuilt.passages)


def test_other_model_makes_the_index_stale(fake_config):
    _open(fake_config)

    class OtherModel(FakeEmbedder):
        name = "other-model"

    lines = []
    _open(fake_config, embedder=OtherModel(), lines=lines)
    assert "stale: another model is chosen" in lines[0]


@pytest.mark.parametrize("name", [MANIFEST, *DATA_FILES])
@pytest.mark.parametrize("damage", ["truncate", "garbage"])
def test_damaged_file_is_detected_and_rebuilt(fake_config, name, damage):
    first = _open(fake_config)
    path = fake_config.index_dir / name
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2] if damage == "truncate" else b"\x00garbage" * 50)
    with pytest.raises(IndexProblem):
        load(fake_config.index_dir, expected_manifest(fake_config.corpus_dir, FakeEmbedder.name))
    lines = []
    again = _open(fake_config, lines=lines)
    assert "building the index" in lines[0] and lines[-1].startswith("index written")
    assert [p.id for p in again.passages] == [p.id for p in first.passages]
    load(fake_config.index_dir, expected_manifest(fake_config.corpus_dir, FakeEmbedder.name))  # sound again


def test_half_written_build_is_ignored_and_cleaned(fake_config):
    _open(fake_config)
    leftover = fake_config.index_dir.parent / f".{fake_config.index_dir.name}.tmp-99999"
    leftover.mkdir()
    (leftover / "passages.jsonl").write_text("half", encoding="utf-8")
    _open(fake_config, rebuild=True)
    assert not leftover.exists()


def test_missing_index_folder_is_built(fake_config):
    lines = []
    _open(fake_config, lines=lines)
    assert lines[0].startswith("no index in")


def test_refuses_to_replace_a_folder_that_is_not_an_index(fake_config):
    fake_config.index_dir.mkdir(parents=True)
    (fake_config.index_dir / "thesis.docx").write_text("precious", encoding="utf-8")
    with pytest.raises(IndexProblem, match="not an index"):
        _open(fake_config)
    assert (fake_config.index_dir / "thesis.docx").read_text(encoding="utf-8") == "precious"


def test_several_documents_get_prefixed_ids(fake_config):
    (fake_config.corpus_dir / "notes.txt").write_text("1. 第二份文件的一段。\n", encoding="utf-8")
    built = _open(fake_config)
    ids = [p.id for p in built.passages]
    assert len(ids) == len(set(ids))
    assert any(i.startswith("notes:") for i in ids) and "CBD-WG2020-REC-1-1.zh:p1" in ids
    assert index_module.FORMAT_VERSION == built.manifest["format"]


def test_a_file_changed_in_place_is_hashed_and_refused(tmp_path, fake_config):
    """Unchanged files are trusted by size and time; a byte changed in place (new mtime) is caught by sha256."""
    from bot.index import MANIFEST, expected_manifest, load
    from tests.fakes import FakeEmbedder
    from bot.engine import Bot

    Bot.open(fake_config, embedder=FakeEmbedder(), say=lambda line: None)
    index_dir = fake_config.index_dir
    manifest = json.loads((index_dir / MANIFEST).read_text(encoding="utf-8"))
    assert set(manifest["stats"]) == set(manifest["files"])
    expected = expected_manifest(fake_config.corpus_dir, FakeEmbedder.name)
    assert load(index_dir, expected).passages  # loads without hashing
    target = index_dir / "sentences.npy"
    data = bytearray(target.read_bytes())
    data[-1] ^= 0xFF
    target.write_bytes(bytes(data))
    with pytest.raises(IndexProblem, match="checksum"):
        load(index_dir, expected)


def test_reading_the_documents_shows_a_progress_bar_when_progress_is_on(fake_config, capsys):
    open_index(fake_config.index_dir, fake_config.corpus_dir, FakeEmbedder(), Tokenizer(), True, lambda line: None)
    assert "reading documents" in capsys.readouterr().err
    open_index(fake_config.index_dir, fake_config.corpus_dir, FakeEmbedder(), Tokenizer(), False, lambda line: None,
               True)
    assert "reading documents" not in capsys.readouterr().err


def test_a_changed_data_file_makes_the_index_stale(tmp_path, monkeypatch):
    # the glossaries give jieba its words: an index tokenized with other words must not pass as current
    from bot import parser

    package = tmp_path / "bot"
    shutil.copytree(Path(parser.__file__).resolve().parent, package, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(parser, "__file__", str(package / "parser.py"))
    index_module._code_sha256.cache_clear()
    before = index_module._code_sha256()
    with (package / "data" / "glossary.tsv").open("a", encoding="utf-8") as handle:
        handle.write("glacier lake outburst flood\t冰川湖溃决洪水\n")
    # the process that read the files keeps their hash: an index it builds was built by what it read
    assert index_module._code_sha256() == before
    index_module._code_sha256.cache_clear()  # the next process reads the edited file
    assert index_module._code_sha256() != before
    index_module._code_sha256.cache_clear()


def test_a_text_that_repeats_is_embedded_once_and_every_copy_gets_its_vector(fake_config):
    repeated = "Requests the secretariat to prepare a synthesis report on the matter for the next session."
    (fake_config.corpus_dir / "decisions.txt").write_text(
        f"1. Welcomes the report of the group on its work during the past two years and the views of Parties on it. "
        f"{repeated}\n\n2. Notes the progress made so far in the work of the group and the gaps it found in it. {repeated}\n",
        encoding="utf-8")
    embedder = RecordingEmbedder()
    built = _open(fake_config, embedder=embedder)
    assert embedder.embedded.count(repeated) == 1
    assert len(embedder.embedded) == len(set(embedder.embedded))
    rows = [n for n, s in enumerate(built.sentences) if s.text == repeated]
    assert len(rows) == 2 and built.sentences[rows[0]].row != built.sentences[rows[1]].row
    assert (built.sentence_vectors[rows[0]] == built.sentence_vectors[rows[1]]).all()
    assert abs(float(built.sentence_vectors[rows[0]] @ FakeEmbedder()._vector(repeated)) - 1) < 1e-5


def test_an_index_swapped_in_while_it_is_read_is_read_again(fake_config, monkeypatch):
    _open(fake_config)
    expected = expected_manifest(fake_config.corpus_dir, FakeEmbedder.name)
    real, calls = index_module._load_once, []

    def swapped_midway(index_dir, wanted):
        calls.append(index_dir)
        if len(calls) == 1:  # another builder renames the folder out and its new one in, as _swap_in does
            moved = index_dir.with_name(index_dir.name + ".moved")
            index_dir.rename(moved)
            shutil.copytree(moved, index_dir)
            shutil.rmtree(moved)
            raise IndexProblem("index file passages.jsonl is missing")
        return real(index_dir, wanted)

    monkeypatch.setattr(index_module, "_load_once", swapped_midway)
    assert len(load(fake_config.index_dir, expected).passages) > 150 and len(calls) == 2
    calls.clear()
    (fake_config.index_dir / "tokens.json").unlink()  # the same folder, truly damaged: said at once
    monkeypatch.setattr(index_module, "_load_once", lambda d, w: calls.append(d) or real(d, w))
    with pytest.raises(IndexProblem, match="tokens.json is missing"):
        load(fake_config.index_dir, expected)
    assert len(calls) == 1
