"""Words for the lexical channel: normalized text cut by the project's own jieba tokenizer."""
from __future__ import annotations

import logging
import re
import threading
from collections.abc import Iterable

from bot.textnorm import normalize

# Terms of this field that jieba's general dictionary would split.
DOMAIN_WORDS = (
    "生物多样性", "缔约方", "缔约方大会", "共同主席", "执行秘书", "主席团", "讲习班", "议定书",
    "主流化", "变革理论", "转型变革", "次级指标", "次级目标", "指标数", "具体目标", "履约委员会",
    "特设技术专家组", "数字序列信息", "遗传资源", "惠益分享", "传统知识", "能力建设", "资源调动",
    "自然资本核算", "自愿承诺", "进度标志", "利益攸关方", "土著人民", "地方社区", "伙伴关系",
    "外来入侵物种", "国家报告", "问责制", "政府间科学政策平台", "爱知生物多样性指标",
)

STOPWORDS = frozenset(
    """的 了 是 在 和 与 及 或 有 吗 呢 吧 啊 呀 么 这 那 这个 那个 哪 哪个 哪些 哪里 哪儿 什么 什么样 怎么 怎样 如何 为什么
    谁 何 何时 何地 多少 几 是否 能否 能 会 要 说 讲 提到 提及 提 文件 文中 里 中 上 下 请问 请 一下 关于 对于 吗 呢 个 些
    都 也 就 还 又 被 把 给 让 我 我们 你 你们 它 它们 其 之 所 以及 并 但 而 则 即 等 等等 该 本 各 每 这些 那些
    不是 是不是 算是 不算 算不算 会不会 不会 能不能 不能 要不要 需不需要 有没有 可不可以 应不应该 到底 究竟
    哪几 几个 哪几个 哪一 哪一个 哪一项 啥 啥时候 时候 什么时候 有人 大家 东西 分别 已经 一下子 吗 嘛 呗 咋 咋样
    a an the of in on at to for and or is are was were be been being do does did will would can could should
    what which who whom whose when where why how this that these those it its there their they them
    document say says said about tell me please any some""".split()
)

_WORDLIKE = re.compile(r"\w", re.UNICODE)
# Codes read as one word: decision numbers (14/34, cp-9/7), meeting symbols (sbstta-23, wg2020-2), 8(j).
_CODES = re.compile(r"(?:[a-z]+-)?\d+/\d+|[a-z]+\d*-\d+|\d+\([a-z]\)")
_lock = threading.Lock()


class Tokenizer:
    """A private, lazily initialised jieba tokenizer (not jieba's global one), with the domain words added."""

    def __init__(self, extra_words: Iterable[str] = ()) -> None:
        self._jieba = None
        self._extra = tuple(extra_words)

    def _cutter(self):
        if self._jieba is None:
            with _lock:
                if self._jieba is None:
                    import jieba

                    jieba.setLogLevel(logging.WARNING)
                    cutter = jieba.Tokenizer()
                    cutter.initialize()
                    for word in DOMAIN_WORDS + self._extra:
                        cutter.add_word(word)
                    self._jieba = cutter
        return self._jieba

    def __call__(self, text: str) -> list[str]:
        """Tokens of `text` after normalization, without punctuation or stopwords."""
        text = normalize(text)
        words = self._cutter().cut_for_search(text)
        kept = [w for w in (w.strip() for w in words) if w and _WORDLIKE.search(w) and w not in STOPWORDS]
        return kept + _CODES.findall(text)
