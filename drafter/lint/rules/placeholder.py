"""``placeholder``: blanks nobody filled in (XX, ***, ××, 【待补…】, {{ 槽位 }}, ____, a lone ……)."""

from __future__ import annotations

import re

from drafter.lint.context import LintContext, Unit, short, snippet
from drafter.lint.finding import ERROR, Finding
from drafter.lint.registry import rule

_PLACEHOLDER_PATTERNS: list[tuple[re.Pattern[str], str]] = [
    (re.compile(r"【\s*(?:待补|待填|待定|待完善|请填写|请补充|填写)[^】\n]{0,40}】"), "待补内容"),
    (re.compile(r"\{\{.{0,60}?\}\}|\{%.{0,60}?%\}"), "未填写的槽位"),
    (re.compile(r"\{[A-Za-z_\u4e00-\u9fff][\w\u4e00-\u9fff]{0,11}\}"), "未填写的槽位"),
    (re.compile(r"(?<![A-Za-z])[XxＸｘ]{2,}(?![A-Za-z])"), "占位符"),
    (
        re.compile(
            r"(?<=[\u4e00-\u9fff，、；：“（\d])X(?=[\u4e00-\u9fff\d])(?![光射])|^X(?=[\u4e00-\u9fff])"
        ),
        "占位符",
    ),
    (re.compile(r"[×╳]{1,}"), "占位符"),
    (re.compile(r"\*+"), "占位符"),
    (re.compile(r"□+|■{2,}|[○◯]{2,}"), "占位符"),
    (re.compile(r"某某"), "占位名称"),
    (re.compile(r"_{3,}|＿{2,}"), "空白下划线"),
    (re.compile(r"[（(]\s*[）)]"), "空括号"),
]
_ELLIPSIS_LINE = re.compile(r"^[\s…。.．·]*[…。.．·]{2,}[\s…。.．·]*$")
_LONG_ELLIPSIS = re.compile(r"…{3,}")
_ELLIPSIS = re.compile(r"…{2,}")
_MULT_SIGN_CONTEXT = re.compile(r"\d\s*×\s*\d")


@rule("placeholder", ERROR, "未填写的占位符：XX、***、××、【待补】、{{ 槽位 }}、用作空白的……", order=30)
def check_placeholders(ctx: LintContext) -> list[Finding]:
    out: list[Finding] = []
    for unit in ctx.units:
        stripped = unit.text.strip()
        if not stripped:
            continue
        if _ELLIPSIS_LINE.match(stripped):
            message = f"整段只有省略号“{short(stripped, 12)}”，像是待补的空白"
            out.append(ctx.finding("placeholder", ERROR, message, unit.line, unit.path, unit.area))
            continue
        out += _unit_findings(ctx, unit)
    return out


def _spans(text: str, draft: bool) -> list[tuple[int, int, str]]:
    """(start, end, label) of each blank in ``text``; overlapping matches count once."""
    spans: list[tuple[int, int, str]] = []
    for pattern, label in _PLACEHOLDER_PATTERNS:
        for m in pattern.finditer(text):
            if (
                label == "占位符"
                and "×" in m.group(0)
                and _MULT_SIGN_CONTEXT.search(text, max(0, m.start() - 3), m.end() + 3)
            ):
                continue  # 3×4 is arithmetic, not a blank
            if any(s <= m.start() < e or m.start() <= s < m.end() for s, e, _ in spans):
                continue
            spans.append((m.start(), m.end(), label))
    ellipsis = _ELLIPSIS if draft else _LONG_ELLIPSIS
    for m in ellipsis.finditer(text):
        if not any(s <= m.start() < e for s, e, _ in spans):
            spans.append((m.start(), m.end(), "用作空白的省略号"))
    return spans


def _unit_findings(ctx: LintContext, unit: Unit) -> list[Finding]:
    text = unit.text
    grouped: dict[tuple[str, str], list[tuple[int, int]]] = {}
    for start, end, label in sorted(_spans(text, ctx.draft)):
        grouped.setdefault((label, text[start:end]), []).append((start, end))
    out: list[Finding] = []
    for (label, found), where in grouped.items():
        start, end = where[0]
        times = f"（本段共{len(where)}处）" if len(where) > 1 else ""
        message = f"{label}“{found}”未填写{times}：{snippet(text, start, end)}"
        out.append(ctx.finding("placeholder", ERROR, message, unit.line, unit.path, unit.area))
    return out
