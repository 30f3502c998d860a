"""The shortcuts of normalization and tokenization give exactly what the slow paths give."""
from pathlib import Path

import pytest

from bot import textnorm


def _opencc_t2s_keys() -> list[str]:
    import opencc

    folder = Path(opencc.__file__).resolve().parent / "dictionary"
    keys = []
    for name in ("TSPhrases.txt", "TSCharacters.txt"):  # the dictionaries of opencc's t2s.json
        for line in (folder / name).read_text(encoding="utf-8").splitlines():
            if line.strip():
                keys.append(line.split("\t")[0].strip())
    return keys


def test_every_character_opencc_converts_is_han():
    """to_simplified skips opencc for a text without Han characters: sound only if opencc matches nothing there."""
    keys = _opencc_t2s_keys()
    assert len(keys) > 1000
    outside = {c for key in keys for c in key if not textnorm.HAN.match(c)}
    assert not outside


@pytest.mark.parametrize("text", [
    "Decision 1/CMA.3, paragraph 8(j): “Parties’ NDCs” — 3.5% of U.S. $100 billion (café, naïve).",
    "締約方會議 COP 26", "缔约方会议", "", "   ", "Ⅻ ﬁ ＡＢＣ １２", "Ⓐ ½ ㈠",
])
def test_to_simplified_shortcut_equals_opencc(text):
    assert textnorm.to_simplified(text) == textnorm._to_simplified()(text)
