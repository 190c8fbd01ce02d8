"""``punctuation``: half-width marks between Chinese characters, „‟ for 〔〕, unbalanced “” and （）."""

from __future__ import annotations

import re

from drafter.lint.context import LintContext, Unit, snippet
from drafter.lint.finding import INFO, Finding
from drafter.lint.registry import rule

_HALF_WIDTH = re.compile(r"(?<=[\u4e00-\u9fff])[,;:?!](?=[\u4e00-\u9fff])")
_WRONG_BRACKETS = re.compile(r"[„‟]")
_FULL = {",": "，", ";": "；", ":": "：", "?": "？", "!": "！"}


@rule("punctuation", INFO, "中文之间的半角标点、文号括号用错、引号括号不成对", order=110)
def check_punctuation(ctx: LintContext) -> list[Finding]:
    out: list[Finding] = []
    done: set[tuple[int | None, str]] = set()  # a run-in heading and its body share a line
    for unit in ctx.units:
        for category, problem in _problems(unit):
            key = (unit.line, category)
            if unit.line and key in done:
                continue
            done.add(key)
            out.append(ctx.finding("punctuation", INFO, problem, unit.line, unit.path, unit.area))
    return out


def _problems(unit: Unit) -> list[tuple[str, str]]:
    text = unit.text
    problems: list[tuple[str, str]] = []
    half = _HALF_WIDTH.findall(text)
    if half:
        kinds = "".join(sorted(set(half)))
        full = "".join(_FULL[c] for c in kinds)
        problems.append(("half", f"中文之间用了半角标点“{kinds}”（应为“{full}”）"))
    m = _WRONG_BRACKETS.search(text)
    if m:
        problems.append(("brackets", f"“{snippet(text, m.start(), m.end(), 6)}”中的“„‟”应为六角括号“〔〕”"))
    if text.count("“") != text.count("”"):
        problems.append(("quotes", "双引号“”不成对"))
    opened = text.count("（") + text.count("(")
    if unit.area != "heading" and opened != text.count("）") + text.count(")"):
        problems.append(("parens", "括号（）不成对"))
    return problems
