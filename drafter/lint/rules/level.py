"""``level-mismatch``: a county speech that talks like a city one, or the reverse.

The speech's level comes from the speaker's post (职务, 讲话人: 县长, 市长 …), then the title
and subtitle (县人民政府, 全市 …); a county speech addressing 各县（市、区） or 各位副市长, or a
city speech addressing 各位副县长, 县直各部门 or comparing 乡与乡, is flagged.
"""

from __future__ import annotations

import re

from drafter.lint.context import LintContext, snippet
from drafter.lint.finding import WARNING, Finding
from drafter.lint.registry import rule

_POST = re.compile(r"(县|市|区|州)(?:长|委书记|委副书记)")
_BODY = re.compile(r"(县|市)(?:人民政府|政府|委|人大|政协)|全(县|市)")
_LEVEL_NAME = {"县": "县", "区": "县", "市": "市", "州": "市"}

_WRONG: dict[str, re.Pattern[str]] = {
    "县": re.compile(
        r"各县[（(][市区][、，,]?[市区]?[）)]|各县市区|各县区|各位副市长|各副市长|市政府各位副?市长|市直各部门|市直各单位"
    ),
    "市": re.compile(
        r"各位副县长|各副县长|县政府各位副?县长|县直各部门|县直各单位|县与县[、，]乡与乡|乡与乡"
    ),
}
_LABEL = {"县": "县级", "市": "市级"}


def speech_level(ctx: LintContext) -> tuple[str, str] | None:
    """("县" or "市", the words that say so), from the speaker's post, then the title."""
    meeting = ctx.meeting
    speech = ctx.speech
    for text in (meeting.get("职务", ""), meeting.get("讲话人", ""), speech.speaker or ""):
        m = _POST.search(text)
        if m:
            return _LEVEL_NAME[m.group(1)], m.group(0)
    for text in (speech.title or "", speech.subtitle or "", meeting.get("会议名称", "")):
        m = _POST.search(text) or _BODY.search(text)
        if m:
            word = next(g for g in m.groups() if g)
            return _LEVEL_NAME[word], m.group(0)
    return None


@rule("level-mismatch", WARNING, "称呼与讲话层级不符：县级讲话称“各县（市、区）”“副市长”，或反之", order=64)
def check_level(ctx: LintContext) -> list[Finding]:
    found = speech_level(ctx)
    if found is None:
        return []
    level, evidence = found
    wrong = _WRONG[level]
    out: list[Finding] = []
    for unit in ctx.units:
        if unit.area == "front":
            continue
        m = wrong.search(unit.text)
        if m is None:
            continue
        message = (
            f"这是{_LABEL[level]}讲话（{evidence}），此处却说“{m.group(0)}”，"
            f"是{_LABEL['市' if level == '县' else '县']}讲话的称呼：{snippet(unit.text, m.start(), m.end())}"
        )
        out.append(ctx.finding("level-mismatch", WARNING, message, unit.line, unit.path, unit.area))
    return out
