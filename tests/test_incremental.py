"""Adding, changing or removing one document embeds or drops that document's passages only."""
from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest
from click.testing import CliRunner

from bot.cli import main
from bot.errors import CorpusError
from bot.index import open_index
from bot.library import add_files, remove_document
from bot.tokenize import Tokenizer
from tests.conftest import CORPUS, PROJECT
from tests.fakes import FakeEmbedder, RecordingEmbedder

FIXTURES = PROJECT / "tests" / "fixtures" / "multi"


@pytest.fixture
def corpus(tmp_path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    shutil.copy(CORPUS / "CBD-WG2020-REC-1-1.zh.txt", folder)
    shutil.copy(FIXTURES / "en-decisions.txt", folder)
    return folder


def _open(index_dir, corpus, embedder):
    return open_index(index_dir, corpus, embedder, Tokenizer(), False, lambda line: None)


def test_adding_a_document_embeds_only_that_document(tmp_path, corpus):
    first = RecordingEmbedder()
    before = _open(tmp_path / "index", corpus, first)
    shutil.copy(FIXTURES / "zh-treaty.txt", corpus)
    second = RecordingEmbedder()
    after = _open(tmp_path / "index", corpus, second)
    added = [p for p in after.passages if p.doc == "zh-treaty"]
    assert added and len(after.passages) == len(before.passages) + len(added)
    assert len(second.embedded) == len(added) + sum(1 for s in after.sentences if after.passages[s.row].doc == "zh-treaty")
    # the kept documents' passages and vectors are the ones built before
    kept = {p.id: p for p in after.passages if p.doc != "zh-treaty"}
    assert {p.id for p in before.passages} == set(kept)
    row_before = {p.id: r for r, p in enumerate(before.passages)}
    for row, passage in enumerate(after.passages):
        if passage.doc != "zh-treaty":
            assert (after.dense.reconstruct(row) == before.dense.reconstruct(row_before[passage.id])).all()


def test_removing_a_document_drops_exactly_its_passages(tmp_path, corpus):
    before = _open(tmp_path / "index", corpus, RecordingEmbedder())
    message = remove_document(corpus, "en-decisions")
    assert "removed en-decisions" in message and (corpus / ".removed" / "en-decisions.txt").is_file()
    embedder = RecordingEmbedder()
    after = _open(tmp_path / "index", corpus, embedder)
    assert embedder.embedded == []
    assert [p.id for p in after.passages] == [p.id for p in before.passages if p.doc != "en-decisions"]
    assert len(after.sentences) == sum(1 for s in before.sentences if before.passages[s.row].doc != "en-decisions")


def test_a_changed_document_is_embedded_again(tmp_path, corpus):
    _open(tmp_path / "index", corpus, RecordingEmbedder())
    path = corpus / "en-decisions.txt"
    path.write_text(path.read_text(encoding="utf-8").replace("urgent need", "pressing need", 1), encoding="utf-8")
    embedder = RecordingEmbedder()
    after = _open(tmp_path / "index", corpus, embedder)
    assert any("pressing need" in p.text for p in after.passages if p.doc == "en-decisions")
    # the changed paragraph is embedded again; the seed and the document's unchanged texts keep their vectors
    assert embedder.embedded and all("pressing need" in text for text in embedder.embedded)


def test_add_refuses_a_bad_file_and_changes_nothing(tmp_path, corpus):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"this is not a pdf")
    good = FIXTURES / "en-treaty.txt"
    with pytest.raises(CorpusError, match="scan.pdf"):
        add_files(corpus, [good, bad])
    assert not (corpus / "en-treaty.txt").exists()
    assert add_files(corpus, [good]) == ["added en-treaty.txt"]
    assert add_files(corpus, [good]) == ["en-treaty.txt is already in the corpus"]  # the same bytes again
    changed = tmp_path / "en-treaty.txt"
    changed.write_text(good.read_text(encoding="utf-8") + "\nArticle 99\n", encoding="utf-8")
    assert add_files(corpus, [changed]) == ["updated en-treaty.txt"]


def test_remove_names_unknown_and_ambiguous_documents(corpus):
    with pytest.raises(CorpusError, match="no document 'nothing'"):
        remove_document(corpus, "nothing")


def test_bot_add_and_remove_on_the_command_line(tmp_path, corpus, monkeypatch):
    import bot.engine

    monkeypatch.setattr(bot.engine, "make_embedder", lambda *a, **k: FakeEmbedder())
    runner = CliRunner()
    common = ["--corpus-dir", str(corpus), "--index-dir", str(tmp_path / "index"), "--quiet"]
    result = runner.invoke(main, ["add", str(FIXTURES / "zh-decision.txt"), *common])
    assert result.exit_code == 0, result.output
    assert "added zh-decision.txt" in result.stderr
    docs = runner.invoke(main, ["docs", "--corpus-dir", str(corpus)])
    assert "zh-decision" in docs.stdout
    result = runner.invoke(main, ["remove", "zh-decision", *common])
    assert result.exit_code == 0 and "removed zh-decision" in result.stderr
    result = runner.invoke(main, ["add", str(tmp_path / "missing.pdf"), *common])
    assert result.exit_code == 1 and "missing.pdf" in result.stderr and "Traceback" not in result.output


def test_a_document_keeps_its_id_when_a_file_with_a_similar_name_is_added(tmp_path, corpus):
    shutil.copy(FIXTURES / "zh-treaty.txt", corpus / "Water-Decision.txt")
    before = _open(tmp_path / "index", corpus, FakeEmbedder())
    assert "Water-Decision" in {d.id for d in before.documents}
    shutil.copy(FIXTURES / "zh-decision.txt", corpus / "Water Decision.txt")  # sorts first, folds to the same id
    after = _open(tmp_path / "index", corpus, FakeEmbedder())
    ids = {d.file: d.id for d in after.documents}
    assert ids["Water-Decision.txt"] == "Water-Decision" and ids["Water Decision.txt"] == "Water-Decision-2"
    runner = CliRunner()
    common = ["--corpus-dir", str(corpus), "--index-dir", str(tmp_path / "index")]
    listed = runner.invoke(main, ["docs", "--json", "--quiet", *common])
    assert {json.loads(line)["file"]: json.loads(line)["id"] for line in listed.stdout.splitlines()}["Water-Decision.txt"] \
        == "Water-Decision"  # bot docs shows the index's ids
    removed = remove_document(corpus, "Water-Decision", tmp_path / "index")
    assert "Water-Decision.txt" in removed and (corpus / "Water Decision.txt").exists()  # the file the id meant


def test_after_a_parser_upgrade_only_texts_not_embedded_before_are_embedded(tmp_path, corpus, monkeypatch):
    from bot import index as index_module

    before = _open(tmp_path / "index", corpus, RecordingEmbedder())
    # a new parser version makes every document stale; one paragraph of one document also changed
    monkeypatch.setattr(index_module, "_code_sha256", lambda: "an-upgraded-parser")
    path = corpus / "en-decisions.txt"
    text = path.read_text(encoding="utf-8")
    sentence = "The Conference of the Parties notes the thirty-one submissions received by 1 March."
    second = "It requests the secretariat to prepare a synthesis of them by 30 June, for the next session."
    path.write_text(text.rstrip() + f"\n\n99. {sentence} {second}\n", encoding="utf-8")
    embedder = RecordingEmbedder()
    lines: list[str] = []
    after = open_index(tmp_path / "index", corpus, embedder, Tokenizer(), False, lines.append)
    assert embedder.embedded and all(sentence in text or second in text for text in embedder.embedded)
    assert any("embedded before kept" in line for line in lines)
    # every vector equals a fresh embedding of its text: nothing is mixed up between rows
    fresh = FakeEmbedder()
    assert len(after.passages) == len(before.passages) + 1
    new_sentences = [k for k, s in enumerate(after.sentences) if sentence in s.text or second in s.text]
    assert len(new_sentences) == 2
    for k in new_sentences:
        assert abs(float(after.sentence_vectors[k] @ fresh._vector(after.sentences[k].text)) - 1) < 1e-5
    row_before = {(p.id, p.text): r for r, p in enumerate(before.passages)}
    same = [(row, row_before[(p.id, p.text)]) for row, p in enumerate(after.passages) if (p.id, p.text) in row_before]
    assert len(same) == len(before.passages)
    assert all((after.dense.reconstruct(row) == before.dense.reconstruct(twin)).all() for row, twin in same)
    # rebuilding on purpose embeds everything again
    everything = RecordingEmbedder()
    open_index(tmp_path / "index", corpus, everything, Tokenizer(), False, lambda line: None, rebuild=True)
    assert len(everything.embedded) > 10 * len(embedder.embedded)
