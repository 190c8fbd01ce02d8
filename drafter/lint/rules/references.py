"""``dangling-reference``: 这些成绩 / 上述问题 … with nothing of the kind stated before it.

The text before the reference in the same paragraph and the three paragraphs (or headings)
before it must say something of the kind: achievements (取得、成效、增长、完成 …, or a
【待补：…】 slot for them) before 这些成绩, problems (问题、不足、差距 …) before 这些问题.
"""

from __future__ import annotations

import re

from drafter.lint.context import LintContext, snippet
from drafter.lint.finding import WARNING, Finding
from drafter.lint.registry import rule

LOOK_BACK_UNITS = 3

_REFERENCE = re.compile(
    r"(?:这些|上述|以上|前述)(?P<achieved>成绩|成就|成效|成果)|(?:这些|上述|以上|前述)(?P<problem>问题|不足|差距|短板|困难)"
)
_ACHIEVED = re.compile(
    r"取得|成绩|成效|成果|成就|完成|实现|增长|提升|提高|突破|位居|排名|进展|好转|获评|荣获|势头|向好|显著|喜人|丰硕|【待补"
)
_PROBLEM = re.compile(
    r"问题|不足|差距|困难|短板|薄弱|滞后|不够|不强|不高|不到位|矛盾|挑战|风险|隐患|下滑|下降|压力|瓶颈|损失|失误"
    r"|形式主义|官僚主义|弄虚作假|不作为|乱作为|缺乏|缺少|【待补"
)
# Only a reference that opens a sentence or clause (这些成绩的取得…; 但这些问题…) points back;
# 协调解决这些问题 speaks of what follows or of the matter at hand.
_CLAUSE_END = "。！？；，,：:\n"
_OPENERS = ("", "但", "但是", "而", "然而", "同时", "对于", "针对", "面对", "对", "正视")


@rule("dangling-reference", WARNING, "“这些成绩”“上述问题”之前并没有讲到成绩或问题", order=87)
def check_references(ctx: LintContext) -> list[Finding]:
    units = [u for u in ctx.units if u.area != "front"]
    out: list[Finding] = []
    for i, unit in enumerate(units):
        before = "".join(u.text for u in units[max(0, i - LOOK_BACK_UNITS) : i])
        for m in _REFERENCE.finditer(unit.text):
            if not _opens_clause(unit.text, m.start()):
                continue
            achieved = m.group("achieved") is not None
            cue = _ACHIEVED if achieved else _PROBLEM
            if cue.search(before + unit.text[: m.start()]):
                continue
            kind = "成绩" if achieved else "问题"
            message = (
                f"“{m.group(0)}”指的是前文，但前面没有讲到任何{kind}：请先写明{kind}（可用【待补：…】留空），"
                f"或改换说法：{snippet(unit.text, m.start(), m.end())}"
            )
            out.append(ctx.finding("dangling-reference", WARNING, message, unit.line, unit.path, unit.area))
            break
    return out


def _opens_clause(text: str, start: int) -> bool:
    clause_start = max(text.rfind(c, 0, start) for c in _CLAUSE_END) + 1
    return text[clause_start:start].strip() in _OPENERS
