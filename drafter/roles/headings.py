"""Heading phrases that name a section's role whatever its topic.

Cue words weigh topics (项目, 招商 → 重点工作); these phrases say what a section *does*:
``深刻认识…重大意义`` / ``…是千秋大计`` / ``准确把握…形势`` assess the situation (认清形势),
``加强组织领导`` / ``组织保障`` / ``务求实效`` / ``压实责任`` secure the work (作风纪律), so a
significance section about 教育 or a guarantee section about 项目 is not read as a task.
"""

from __future__ import annotations

import re

from drafter.model import ROLE_DISCIPLINE, ROLE_SITUATION

# (pattern on the heading, role); the matched text becomes the section's first cue.
HEADING_RULES: tuple[tuple[re.Pattern[str], str], ...] = (
    (
        re.compile(
            r"(?:认识|认清|把握|研判|看待|分析|看清)[^，。；]{0,24}?"
            r"(?:意义|重要性|必要性|紧迫性|艰巨性|形势|大计|大势|机遇|挑战)"
        ),
        ROLE_SITUATION,
    ),
    (re.compile(r"千秋大计|百年大计|国之大计|重大意义|重要意义|深远意义|历史意义"), ROLE_SITUATION),
    (
        re.compile(
            r"提高(?:政治)?站位|统一思想|坚定[^，。；]{0,16}?信心|正视[^，。；]{0,12}?(?:差距|问题|不足)"
        ),
        ROLE_SITUATION,
    ),
    (
        re.compile(
            r"加强(?:组织|统筹)?领导|组织领导|组织保障|保障措施|强化保障|务求实效|注重实效|狠抓落实"
            r"|压实[^，。；]{0,6}?责任|落实[^，。；]{0,4}?责任|形成(?:工作)?合力|凝聚合力|督查问责|严格考核"
            r"|理论武装|理想信念|政治素养|理论学习|(?:加强|坚持)学习|廉洁|作风|纪律|规矩"
        ),
        ROLE_DISCIPLINE,
    ),
)


def heading_rule(heading: str) -> tuple[str, str] | None:
    """(role, matched phrase) of the first rule the heading matches, or None."""
    for pattern, role in HEADING_RULES:
        m = pattern.search(heading)
        if m:
            return role, m.group(0)
    return None
