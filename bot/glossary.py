"""English words of this field mapped to the Chinese terms the document uses, for the lexical channel.

The dense model reads English directly; BM25 over jieba words cannot, so an English question's terms are
added to its tokens in Chinese. Keys are lower-case prefixes of English words ("meeting" also matches
"meetings"); values are the document's own wording.
"""
from __future__ import annotations

import re
from functools import lru_cache

GLOSSARY: dict[str, str] = {
    # bodies, people, places
    "working group": "工作组", "open-ended": "不限成员名额", "co-chair": "共同主席", "executive secretary": "执行秘书",
    "bureau": "主席团", "conference of the parties": "缔约方大会", "cop": "缔约方大会", "parties": "缔约方", "party": "缔约方",
    "government": "政府", "sbstta": "科学、技术和工艺咨询附属机构 sbstta", "scientific": "科学", "subsidiary body": "附属机构",
    "sbi": "执行问题附属机构 sbi", "implementation": "执行 实施", "unep": "联合国环境规划署", "environment programme": "联合国环境规划署",
    "environment management group": "环境管理小组", "ipbes": "政府间科学政策平台", "intergovernmental": "政府间",
    "iucn": "国际自然保护联盟", "united nations university": "联合国大学", "un university": "联合国大学",
    "liaison group": "联络小组", "compliance committee": "履约委员会", "committee": "委员会", "expert group": "专家组",
    "technical expert": "特设技术专家组", "advisory group": "咨询小组",
    "china": "中国", "kunming": "昆明", "yunnan": "云南省", "colombia": "哥伦比亚", "cali": "卡利", "norway": "挪威",
    "switzerland": "瑞士", "swiss": "瑞士", "bern": "伯尔尼", "nairobi": "内罗毕", "montreal": "蒙特利尔", "canada": "加拿大",
    "japan": "日本", "edinburgh": "爱丁堡", "united kingdom": "联合王国", "brazil": "巴西", "rio": "里约热内卢",
    "south africa": "南非", "pretoria": "比勒陀利亚",
    # meetings and documents
    "meeting": "会议", "session": "会议", "first": "第一次", "second": "第二次", "third": "第三次", "eleventh": "第十一次",
    "twenty-third": "第二十三次", "twenty-fourth": "第二十四次", "workshop": "讲习班", "consultation": "磋商 协商",
    "dialogue": "对话", "briefing": "简报", "informal": "非正式", "footnote": "脚注", "paragraph": "段", "annex": "附件",
    "table": "表", "section": "节", "item": "项", "preamble": "序言", "introduction": "引言", "note": "说明",
    "negotiat": "谈判", "recommendation": "建议", "decision": "决定", "mandate": "任务授权", "role": "作用 形式",
    "format": "形式", "type": "类型", "date": "日期", "venue": "地点", "place": "地点", "held": "举行 主办", "host": "主办",
    "report": "报告", "submi": "提交", "proposal": "建议", "structure": "结构", "work plan": "工作计划", "workplan": "工作计划",
    "concept note": "概念说明", "web page": "网页", "webpage": "网页", "website": "网页", "update": "更新", "list": "清单",
    "living document": "活的文件", "zero draft": "预稿", "draft": "草案 预稿 初稿", "outline": "概览", "progress": "进展",
    "financial need": "财政需求", "support": "支助 支持", "welcome": "欢迎", "invite": "邀请", "request": "请 要求",
    "guidance": "指导", "oversight": "监督", "supervis": "监督", "consult": "协商", "weeks": "星期", "deadline": "前",
    # framework elements
    "framework": "框架", "post-2020": "2020年后", "biodiversity": "生物多样性", "biological diversity": "生物多样性",
    "vision": "愿景", "mission": "任务", "goal": "目标", "target": "具体目标 指标", "sub-target": "次级目标 次级指标",
    "indicator": "指标数", "baseline": "基线", "monitor": "监测", "milestone": "进度标志", "smart": "smart",
    "driver": "驱动因素", "direct": "直接", "indirect": "间接", "loss": "丧失", "transformative": "转型", "transformation": "转型",
    "theory of change": "变革理论", "principle": "原则", "rationale": "理由", "scope": "范围", "means of implementation": "实施手段",
    "enabling condition": "有利条件 扶持条件", "resource mobili": "资源调动", "financial resource": "财政资源",
    "financial mechanism": "融资机制 财务机制", "finance": "财政 资金", "capacity": "能力建设", "traditional knowledge": "传统知识",
    "customary": "习惯", "indigenous": "土著人民", "local communit": "地方社区", "women": "妇女", "youth": "青年",
    "gender": "性别平等", "rights-based": "基于权利", "partnership": "伙伴关系", "intergenerational": "代际", "connectivity": "互联互通",
    "mainstream": "主流化", "agricultur": "农业", "forestry": "林业", "fisher": "渔业", "tourism": "旅游业", "mining": "采矿",
    "infrastructure": "基础设施", "manufactur": "制造业", "natural capital": "自然资本核算", "accounting": "核算", "valuation": "估值",
    "governance": "治理", "ecosystem-based": "基于生态系统", "ecosystem": "生态系统", "nbsap": "国家生物多样性战略和行动计划",
    "national biodiversity strateg": "国家生物多样性战略和行动计划", "national report": "国家报告", "transparen": "透明",
    "accountab": "问责制", "review": "审查", "peer review": "同行审查", "voluntary commitment": "自愿承诺", "commitment": "承诺",
    "compliance": "履约", "stocktake": "存量评估", "ratchet": "渐进机制", "outreach": "外联", "awareness": "认识",
    "communication": "传播 沟通", "knowledge management": "知识管理", "synerg": "协同作用", "restoration": "恢复",
    "marine": "海洋", "ocean": "海洋", "protected area": "保护区", "area-based": "基于地区", "subnational": "国家以下级政府",
    "cities": "城市", "city": "城市", "landscape": "土地景观", "seascape": "海洋景观", "sustainable use": "可持续利用",
    "sustainable consumption": "可持续消费和生产", "sustainable development goal": "可持续发展目标", "sdg": "可持续发展目标",
    "climate": "气候变化", "adaptation": "适应", "pollution": "污染", "invasive": "外来入侵物种", "land and sea": "土地和海洋",
    "aichi": "爱知生物多样性指标", "global biodiversity outlook": "全球生物多样性展望", "gbo": "全球生物多样性展望",
    "global assessment": "全球评估", "assessment": "评估", "digital sequence": "数字序列信息", "dsi": "数字序列信息",
    "genetic resource": "遗传资源", "benefit-sharing": "惠益分享", "benefit sharing": "惠益分享", "access": "获取",
    "biosafety": "生物安全", "cartagena": "卡塔赫纳", "nagoya": "名古屋", "protocol": "议定书", "convention": "公约",
    "objective": "目标", "stakeholder": "利益攸关方", "business": "工商界", "academi": "学术界", "religious": "宗教组织",
    "participat": "参与", "inclusive": "包容性", "party-led": "缔约方主导", "led by": "主导", "contribut": "贡献 投入",
    "existing process": "现行进程", "relevance": "相关性", "modalit": "模式", "balance": "平衡", "pressure-state": "压力状态",
    "implementation plan": "执行计划", "strategic plan": "战略计划", "punitive": "惩罚性", "mechanism": "机制",
    "cross-cutting": "贯穿各领域", "preambular": "序言", "reaffirm": "重申", "recall": "回顾",
    "gbf": "全球生物多样性框架", "oewg": "不限成员名额工作组", "iplc": "土著人民和地方社区",
    "cbd": "生物多样性公约",
    "science": "科学", "evidence": "证据", "technology transfer": "技术转让", "cooperation": "合作", "lesson": "经验教训",
}

_ASCII_WORD = re.compile(r"[a-z]")


@lru_cache(maxsize=1)
def _pattern() -> re.Pattern:
    keys = sorted(GLOSSARY, key=len, reverse=True)
    return re.compile(r"(?<![a-z])(" + "|".join(re.escape(k) for k in keys) + ")")


def chinese_terms(normalized_question: str) -> str:
    """The document's Chinese terms for the English words of a (normalized, lower-case) question."""
    if not _ASCII_WORD.search(normalized_question):
        return ""
    return " ".join(GLOSSARY[m.group(1)] for m in _pattern().finditer(normalized_question))


def knows_term(word: str) -> bool:
    """Whether a lower-case English word or acronym is one the glossary maps ("cop25" by "cop", "un" by "un university")."""
    return any(word.startswith(key) or key.startswith(word) for key in GLOSSARY)
