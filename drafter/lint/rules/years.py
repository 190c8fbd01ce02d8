"""``stale-year``: 今年 beside another year than the meeting's; years long before the meeting."""

from __future__ import annotations

from drafter.lint.context import LintContext, Unit
from drafter.lint.dates import YEAR_RE
from drafter.lint.finding import INFO, WARNING, Finding
from drafter.lint.registry import rule

_COMPARE_BEFORE = ("比", "较", "与", "同", "自", "从", "截至", "至", "到", "于", "和", "及")
_SINCE_AFTER = ("以来", "至今", "起", "底", "末", "以前", "之前", "前")


@rule("stale-year", WARNING, "“今年”与文中年份不一致；年份距会议年份较远", order=60, also=(INFO,))
def check_years(ctx: LintContext) -> list[Finding]:
    meeting = ctx.year
    if meeting is None:
        return []
    out: list[Finding] = []
    for unit in ctx.units:
        if unit.area == "front":
            continue
        mentions = [(int(m.group(1)), m.start(), m.end()) for m in YEAR_RE.finditer(unit.text)]
        if not mentions:
            continue
        stale = _stale(unit.text, mentions, meeting)
        if stale:
            years = "、".join(f"{y}年" for y in stale)
            message = f"段中既说“今年”又写“{years}”，而会议年份是{meeting}年：是否沿用了旧稿？"
            out.append(ctx.finding("stale-year", WARNING, message, unit.line, unit.path, unit.area))
        far = sorted({y for y, _, _ in mentions if y <= meeting - 2 and y not in stale})
        if far:
            out.append(_far(ctx, unit, far, meeting))
    return out


def _stale(text: str, mentions: list[tuple[int, int, int]], meeting: int) -> list[int]:
    """Years other than the meeting's in a paragraph that also says 今年 (comparisons excepted)."""
    stale: list[int] = []
    if "今年" not in text:
        return stale
    for y, start, end in mentions:
        if y == meeting or y in stale:
            continue
        before = text[max(0, start - 2) : start]
        after = text[end : end + 2]
        if any(before.endswith(w) for w in _COMPARE_BEFORE) or any(after.startswith(w) for w in _SINCE_AFTER):
            continue
        stale.append(y)
    return stale


def _far(ctx: LintContext, unit: Unit, far: list[int], meeting: int) -> Finding:
    years = "、".join(f"{y}年" for y in far)
    message = f"提到{years}，距会议年份{meeting}年较远，请核对是否为旧稿内容"
    return ctx.finding("stale-year", INFO, message, unit.line, unit.path, unit.area)
