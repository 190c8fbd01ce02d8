"""Length rules: ``thin-section`` (a section of one sentence, or far shorter than its siblings)
and ``short-speech`` (far below the target length; by default a full speech).

Lengths count characters without whitespace; a section's length is its own text plus
everything under it (headings and text).  A section holding a 【待补…】 blank is left to
``placeholder``.
"""

from __future__ import annotations

import statistics

from drafter.lint.context import LintContext, chars, sentences, short
from drafter.lint.finding import WARNING, Finding
from drafter.lint.registry import rule
from drafter.model import Section

FULL_SPEECH_CHARS = 3000  # a full speech when no target is given (about 13 minutes at 230 字/分钟)
SHORT_RATIO = 0.7  # below this share of the target is "far below"
THIN_CHARS = 150  # a section under this is thin when it is also far shorter than its siblings …
THIN_ALWAYS_CHARS = 100  # … or, with no children, under this or a single sentence
THIN_SIBLING_RATIO = 0.3


def _section_text(section: Section) -> str:
    parts = [p.text for p in section.paragraphs]
    for child in section.children:
        parts.append(child.heading)
        parts.append(_section_text(child))
    return "".join(parts)


def speech_chars(ctx: LintContext) -> int:
    """The speech's length: opening, headings, sections and closing (not the title block)."""
    return sum(chars(u.text) for u in ctx.units if u.area != "front")


@rule("short-speech", WARNING, "全文远短于目标字数（未给目标时按一篇完整讲话约3000字计）", order=150)
def check_short(ctx: LintContext) -> list[Finding]:
    total = speech_chars(ctx)
    if total == 0:
        return []
    target = ctx.target_chars
    if target:
        if total >= SHORT_RATIO * target:
            return []
        message = f"全文约{total}字，目标约{target}字，只有目标的{round(100 * total / target)}%，需要补充内容"
    else:
        if total >= FULL_SPEECH_CHARS:
            return []
        message = f"全文约{total}字，一篇完整的讲话稿通常在{FULL_SPEECH_CHARS}字以上，需要补充内容"
    return [ctx.finding("short-speech", WARNING, message, ctx.speech.line or None, None, "front")]


@rule("thin-section", WARNING, "某一部分只有一句话、不足100字，或远短于同级各部分", order=95)
def check_thin(ctx: LintContext) -> list[Finding]:
    speech = ctx.speech
    groups: list[tuple[tuple[int, ...], list[Section]]] = [((), speech.sections)]
    groups += [((i,), s.children) for i, s in enumerate(speech.sections) if s.children]
    out: list[Finding] = []
    for prefix, siblings in groups:
        texts = [_section_text(s) for s in siblings]
        lengths = [chars(t) for t in texts]
        median = statistics.median(lengths) if len(siblings) >= 3 else None
        for i, (section, text, length) in enumerate(zip(siblings, texts, lengths, strict=True)):
            reason = _thin(section, text, length, median)
            if reason:
                message = f"“{short(section.marker + section.heading, 20)}”{reason}，内容单薄，宜充实"
                out.append(ctx.finding("thin-section", WARNING, message, section.line or None, (*prefix, i)))
    return out


def _thin(section: Section, text: str, length: int, median: float | None) -> str:
    if length == 0 or length >= THIN_CHARS or "【待补" in text:
        return ""
    if not section.children:
        if length < THIN_ALWAYS_CHARS:
            return f"正文只有{length}字"
        if len(sentences(text)) <= 1:
            return f"正文只有一句话（{length}字）"
    if median is not None and length < THIN_SIBLING_RATIO * median:
        return f"正文只有{length}字，同级各部分中位数为{median:g}字"
    return ""
