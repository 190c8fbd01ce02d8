"""``parallel-headings``: a 排比 set of sibling headings where one breaks the frame or the length."""

from __future__ import annotations

import statistics
from typing import Any

from drafter.lint.context import LintContext, short, walk
from drafter.lint.finding import INFO, WARNING, Finding
from drafter.lint.registry import rule
from drafter.model import Section
from drafter.text import common_frame


def _clean_heading(section: Section) -> str:
    return section.heading.strip().rstrip("。．.；;，,：:！!").strip()


def _frame_text(frame: Any) -> str:
    if isinstance(frame, tuple) and frame:
        return str(frame[0])
    return str(frame)


@rule("parallel-headings", WARNING, "同级排比标题中有一条不合框架，或长度差异过大", order=50, also=(INFO,))
def check_parallel(ctx: LintContext) -> list[Finding]:
    out: list[Finding] = []
    groups: list[tuple[tuple[int, ...], list[Section]]] = [((), ctx.speech.sections)]
    groups += [(path, s.children) for path, s in walk(ctx.speech.sections) if s.children]
    for prefix, siblings in groups:
        if len(siblings) < 3:
            continue
        headings = [_clean_heading(s) for s in siblings]
        if any(not h for h in headings):
            continue
        framed, breaker = _frame_breaker(ctx, prefix, siblings, headings)
        out += breaker
        out += _length_outliers(ctx, prefix, siblings, headings, framed)
    return out


def _frame_breaker(
    ctx: LintContext, prefix: tuple[int, ...], siblings: list[Section], headings: list[str]
) -> tuple[bool, list[Finding]]:
    """Whether the set shares a frame, and the one heading that breaks it (if exactly one does)."""
    if common_frame(headings) is not None:
        return True, []
    if len(siblings) < 4:
        return False, []
    breakers = []
    for i in range(len(headings)):
        frame = common_frame(headings[:i] + headings[i + 1 :])
        if frame is not None:
            breakers.append((i, frame))
    if len(breakers) != 1:
        return False, []
    i, frame = breakers[0]
    message = f"同级标题多为“{_frame_text(frame)}”式排比，“{short(headings[i])}”不合这一框架"
    return True, [ctx.finding("parallel-headings", WARNING, message, siblings[i].line or None, (*prefix, i))]


def _length_outliers(
    ctx: LintContext, prefix: tuple[int, ...], siblings: list[Section], headings: list[str], framed: bool
) -> list[Finding]:
    lengths = [len(h) for h in headings]
    median = statistics.median(lengths)
    # In a 排比 set (siblings sharing a frame) a length outlier is a warning; among
    # unrelated siblings only a stark one is worth a note.
    severity, ratio, gap = (WARNING, 2.0, 6) if framed else (INFO, 2.5, 10)
    out: list[Finding] = []
    for i, (section, length) in enumerate(zip(siblings, lengths, strict=True)):
        if abs(length - median) < gap:
            continue
        if length > ratio * median or length * ratio < median:
            message = f"标题“{short(headings[i])}”有{length}字，同级标题中位数为{median:g}字，长短悬殊"
            out.append(
                ctx.finding("parallel-headings", severity, message, section.line or None, (*prefix, i))
            )
    return out
