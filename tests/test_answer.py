"""Which passages an answer quotes."""
from bot.answer import compose
from bot.records import Hit, Passage


def test_a_named_unit_is_quoted_without_the_passages_search_found_beside_it():
    def at(pid: str, score: float, exact: bool) -> Hit:
        return Hit(Passage(id=pid, kind="paragraph", citation=pid, text=f"{pid} 的短文本"), score, 0.9, 20.0, exact)

    def quoted(*hits: Hit) -> list[str]:
        return [q.passage_id for q in compose("问题", list(hits), None, None, None).quotes]

    assert quoted(at("dec:p3", 0.01, True), at("seed:pre3", 0.05, False)) == ["dec:p3"]
    assert quoted(at("seed:fn14", 0.01, True), at("dec:fn14", 0.01, True)) == ["seed:fn14", "dec:fn14"]
    assert quoted(at("p1", 6.0, False), at("p2", 5.8, False)) == ["p1", "p2"]  # nearly as strong: both
    assert quoted(at("p1", 6.0, False), at("p2", 5.0, False)) == ["p1"]
