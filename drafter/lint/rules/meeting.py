"""``meeting-mismatch``: the speech calls the meeting something it is not.

The meeting is what the meeting fields (会议名称, 会议类型, 主题) or the title and subtitle
name; where the text calls it 「这次交帐亮相」「这次防汛工作会议」「是一次督查讲评会」, each kind
of meeting or subject named there must also be in that name.  A form of meeting named anywhere (「各单位上台交账亮相」「述职报告」, also in a heading)
must be the meeting's form too: 交帐亮相 text at a 述职 meeting and the reverse are caught
(the same test as the suggestion engine's, ``drafting.forms_missing``).  Without a meeting
name the rule is silent.
"""

from __future__ import annotations

import re

from drafter.drafting import forms_missing
from drafter.lint.context import LintContext, snippet
from drafter.lint.finding import WARNING, Finding
from drafter.lint.registry import rule
from drafter.lint.rules.subjects import named_subjects

# Kinds of meeting (the form, not the subject): label -> words that name it.  动员 / 推进 / 部署
# are left out: almost any meeting is also 一次动员会、推进会.
_FORMS: dict[str, tuple[str, ...]] = {
    "交帐亮相": ("交帐亮相", "交账亮相", "亮相"),
    "述职": ("述职",),
    "讲评": ("讲评", "点评"),
    "全体会议": ("全体",),
    "经济运行分析": ("经济运行", "形势分析", "经济形势"),
    "观摩": ("观摩",),
    "表彰": ("表彰",),
}
_SELF = (
    r"(?:这次|本次|此次|今天的|今天这次|今天召开的|今天召开|今天我们召开|今天这个|是一次|也是一次|又是一次)"
)
_CALLED = re.compile(
    _SELF + r"(?P<d>[^，。；！？、“”\n]{0,16}?)(?:会议|大会|(?<![机体理社领约])会(?![议上中后前场]))"
)
_CALLED_BARE = re.compile(_SELF + r"(?P<d>交帐亮相|交账亮相|述职|讲评|观摩)")
_NAMES_MEETING = re.compile(r"会议|大会|会(?!上)|亮相|述职|讲评")


def _reference(ctx: LintContext) -> tuple[str, str]:
    """Everything that names the meeting, and the name to show (会议名称, else title or subtitle)."""
    meeting = ctx.meeting
    parts = [meeting.get(k, "") for k in ("会议名称", "会议类型", "主题")]
    parts += [ctx.speech.title or "", ctx.speech.subtitle or ""]
    text = " ".join(p for p in parts if p)
    if not _NAMES_MEETING.search(text):
        return "", ""
    shown = next(p for p in (parts[0], parts[3], parts[4], text) if _NAMES_MEETING.search(p))
    return text, shown


def _labels(descriptor: str) -> dict[str, tuple[str, ...]]:
    """The meeting kinds and subjects a descriptor names, each with the words that would match it."""
    out = {label: words for label, words in _FORMS.items() if any(w in descriptor for w in words)}
    for subject in named_subjects(descriptor):
        out[subject.name] = subject.heading
    return out


@rule(
    "meeting-mismatch",
    WARNING,
    "讲话对会议的称呼与会议名称不符：如教育工作会议上说“通过这次交帐亮相”",
    order=66,
)
def check_meeting(ctx: LintContext) -> list[Finding]:
    reference, shown = _reference(ctx)
    if not reference:
        return []
    named_here = {s.name for s in named_subjects(reference)}
    out: list[Finding] = []
    for unit in ctx.units:
        if unit.area == "front":
            continue
        forms = forms_missing(unit.text, reference)
        if forms:
            called = "、".join(f"“{w}”" for w in forms)
            message = (
                f"此处提到{called}，而会议名称“{_short_name(shown)}”不是这种会议：{_short_text(unit.text)}"
            )
            out.append(ctx.finding("meeting-mismatch", WARNING, message, unit.line, unit.path, unit.area))
            continue
        if unit.area == "heading":
            continue
        for m in [*_CALLED.finditer(unit.text), *_CALLED_BARE.finditer(unit.text)]:
            wrong = [
                label
                for label, words in _labels(m.group("d")).items()
                if label not in named_here and not any(w in reference for w in words)
            ]
            if not wrong:
                continue
            called = "、".join(f"“{w}”" for w in wrong)
            where = snippet(unit.text, m.start(), m.end())
            message = f"此处把会议称为{called}，与会议名称“{_short_name(shown)}”不符：{where}"
            out.append(ctx.finding("meeting-mismatch", WARNING, message, unit.line, unit.path, unit.area))
            break
    return out


def _short_text(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _short_name(reference: str) -> str:
    return reference if len(reference) <= 40 else reference[:40] + "…"
