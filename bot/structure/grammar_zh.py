"""What a Chinese UN line is: 第1/CMA.5号决定, 附件一, 附录一, 第八条, 一. / A. headings, 表1：, 目录,
and the Chinese date form."""
from __future__ import annotations

import re

_CN = "一二三四五六七八九十"
# "第1/CP.28号决定", and a body's prefix as the chemicals conventions number theirs, the title after a colon:
# "第RC-12/3号决定：将毒死蜱…列入公约附件三"
DECISION = re.compile(r"^第\s*(-|\d{1,3}|[A-Z]{2,8}-\d{1,2})\s*/\s*((?<=[A-Z]-\d/)\d{1,3}|(?<=[A-Z]-\d\d/)\d{1,3}"
                      r"|[A-Z][A-Za-z0-9.()]*[A-Za-z0-9)])\s*号(决定|决议)\s*(?:[：:]\s*(\S.{1,80}))?\**$")
# "附件：专家组职权范围"; "附件《2027—2030年方案》的资源分配" (its title run on after a title in 《》)
ANNEX = re.compile(rf"^(附件|附录)\s*([{_CN}]+|\d{{1,2}})?(?:\s*[:：—]\s*[^\s。；;]{{2,60}}|\s*《[^《》]{{2,40}}》[^\s。；;，,]{{0,20}})?\s*\**$")
ARTICLE = re.compile(rf"^第\s*([{_CN}百]+|\d{{1,3}})\s*条(?:\s+(.*))?$")
CHAPTER = re.compile(rf"^第\s*([{_CN}百]+|\d{{1,3}})\s*章(?:\s+(.*))?$")
PART = re.compile(rf"^第\s*([{_CN}百]+|\d{{1,3}})\s*部分(?:\s+(.*))?$")
SECTION = re.compile(rf"^第\s*([{_CN}]+|\d{{1,2}})\s*节(?:\s+(.*))?$")  # "第一节 多灾种早期预警": a section as "一、" is
CN_HEADING = re.compile(rf"^([{_CN}]+)\s*[.．、]\s*(\S.*)$")
TABLE = re.compile(r"^表\s*([0-9]{1,2})(?:\s*[：:.．]|\s+\S|\s*$)")  # "表1：…", "表1 …", "表1" over its title
CONTENTS = re.compile(r"^目\s*录$")
DATE = re.compile(r"(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日")


def annex_kind(word: str) -> str:
    return "appendix" if word == "附录" else "annex"
