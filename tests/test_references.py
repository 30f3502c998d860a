"""Structural references resolve to the parser's ids before any search."""
import pytest

from bot.references import resolve, to_int
from bot.textnorm import normalize

KNOWN = {
    "p5", "p6", "p7", "p7a", "p7b", "fn26", "fn14", "a1", "a2", "a1-H", "a1-D", "a1-D-4", "a1-D-target",
    "a1-D-target-2", "a1-E", "a1-E-8", "a2-t3", "a1-s1-2", "pre2", "a1-B",
}


@pytest.mark.parametrize(
    "question, first",
    [
        ("第5段说什么？", "p5"),
        ("第５段", "p5"),
        ("第7段(b)项", "p7b"),
        ("paragraph 7(b)", "p7b"),
        ("脚注26？", "fn26"),
        ("What does footnote 26 say?", "fn26"),
        ("附件一H节讲什么？", "a1-H"),
        ("section H of annex I", "a1-H"),
        ("附件一第二节D(四)", "a1-D-4"),
        ("附件一第二节 D （四）", "a1-D-4"),
        ("D节具体目标(二)", "a1-D-target-2"),
        ("附件一E节第8项", "a1-E-8"),
        ("表3有哪些会议？", "a2-t3"),
        ("引言第2段", "a1-s1-2"),
        ("序言第2段", "pre2"),
        ("附件二讲什么", "a2"),
    ],
)
def test_resolves(question, first):
    assert resolve(normalize(question), KNOWN)[0] == first


def test_unknown_and_foreign_references_resolve_to_nothing():
    assert resolve(normalize("第99段"), KNOWN) == []
    assert resolve(normalize("脚注88"), KNOWN) == []
    assert resolve(normalize("第 14/34 号决定第6和第7段"), KNOWN) == []
    assert resolve(normalize("工作组第二次会议在哪里举行？"), KNOWN) == []


@pytest.mark.parametrize("token, value", [("5", 5), ("十", 10), ("十四", 14), ("二十九", 29), ("三", 3), ("x", None)])
def test_to_int(token, value):
    assert to_int(token) == value
