"""Structure rules: 讲N点 vs sections, salutation, closing, empty and over-long headings, duplicates."""

from __future__ import annotations

import re

from drafter.lint.context import LintContext, short, walk
from drafter.lint.finding import ERROR, INFO, WARNING, Finding
from drafter.lint.registry import rule
from drafter.text import to_chinese

HEADING_MAX_CHARS = 40


@rule("count-mismatch", ERROR, "开场宣布的“讲N点”与实际一级标题数不符", order=10)
def check_count(ctx: LintContext) -> list[Finding]:
    speech = ctx.speech
    announced = speech.announced_sections
    if announced is None:
        return []
    actual = len(speech.sections)
    if announced == actual:
        return []
    line = None
    word = to_chinese(announced) if 0 < announced < 1000 else str(announced)
    words = {word, str(announced)} | ({"两"} if announced == 2 else set())
    pattern = re.compile(
        r"(?:讲|谈|强调|提|说).{0,4}?("
        + "|".join(map(re.escape, sorted(words)))
        + r")(?:点|个方面|方面|条|个问题)"
    )
    for para in speech.opening:
        m = pattern.search(para.text)
        if m:
            line = para.line or None
            quoted = m.group(0)
            break
    else:
        quoted = f"{word}点"
    marker_list = "、".join(s.marker.strip().rstrip("、") for s in speech.sections)
    if not actual:
        present = "一个也没有"
    else:
        present = f"{'只有' if actual < announced else '却有'}{to_chinese(actual)}个（{marker_list}）"
    message = f"开场宣布“{quoted}”，但正文一级标题{present}"
    return [ctx.finding("count-mismatch", ERROR, message, line or speech.line or None, None, "opening")]


@rule("closing", WARNING, "缺少结尾（号召）段落", order=70)
def check_closing(ctx: LintContext) -> list[Finding]:
    if ctx.speech.closing:
        return []
    message = "没有结尾段落：讲话最后通常以“同志们，……”号召收尾"
    return [ctx.finding("closing", WARNING, message, ctx.last_line, None, "closing")]


@rule("empty-section", WARNING, "标题下没有正文", order=80)
def check_empty_sections(ctx: LintContext) -> list[Finding]:
    out: list[Finding] = []
    for path, section in walk(ctx.speech.sections):
        body = "".join(p.text for p in section.paragraphs).strip()
        if not body and not section.children:
            message = f"标题“{short(section.marker + section.heading)}”下没有正文"
            out.append(ctx.finding("empty-section", WARNING, message, section.line or None, path))
    return out


@rule("heading-length", INFO, "标题过长（超过40字）", order=90)
def check_heading_length(ctx: LintContext) -> list[Finding]:
    out: list[Finding] = []
    for path, section in walk(ctx.speech.sections):
        heading = section.heading.strip()
        if len(heading) > HEADING_MAX_CHARS:
            message = f"标题有{len(heading)}字，超过{HEADING_MAX_CHARS}字，宜压缩：“{short(heading)}”"
            out.append(ctx.finding("heading-length", INFO, message, section.line or None, path))
    return out


@rule("no-sections", WARNING, "没有识别出任何编号标题", order=100)
def check_no_sections(ctx: LintContext) -> list[Finding]:
    if ctx.speech.sections:
        return []
    message = "没有识别出任何编号标题（一、（一）一是……），全文被当作开场"
    return [ctx.finding("no-sections", WARNING, message, ctx.speech.line or None, None, "front")]


@rule("salutation", INFO, "缺少称呼“同志们：”", order=120)
def check_salutation(ctx: LintContext) -> list[Finding]:
    speech = ctx.speech
    if not (speech.opening or speech.sections) or speech.salutation:
        return []
    first = speech.opening[0].line if speech.opening else speech.sections[0].line
    return [ctx.finding("salutation", INFO, "开场前没有称呼“同志们：”", first or None, None, "opening")]


@rule("duplicate", INFO, "与语料中较早的一篇讲话近似重复", order=130)
def check_duplicate(ctx: LintContext) -> list[Finding]:
    if ctx.speech.duplicate_of is None:
        return []
    src, idx = ctx.speech.duplicate_of
    message = f"与 {src} 第{idx + 1}篇近似重复"
    return [ctx.finding("duplicate", INFO, message, ctx.speech.line or None, None, "front")]
