"""``off-topic``: a heading names one subject and its body is clearly about another.

Only strong disagreement counts: the heading names exactly the subject S (防汛), the body
(at least 60 characters) has not one word about S, and at least three words (two different)
about an unrelated subject T (招商: 招商、签约、客商 …).  The lexicon is
:mod:`drafter.lint.rules.subjects`.
"""

from __future__ import annotations

from drafter.lint.context import LintContext, chars, short, walk
from drafter.lint.finding import WARNING, Finding
from drafter.lint.registry import rule
from drafter.lint.rules.subjects import SUBJECTS, Subject, body_hits, named_subjects, related
from drafter.model import Section

BODY_MIN_CHARS = 60
OTHER_MIN_HITS = 3


@rule("off-topic", WARNING, "标题与正文说的不是一回事：如“做好防汛工作”下面讲的是招商", order=85)
def check_topic(ctx: LintContext) -> list[Finding]:
    out: list[Finding] = []
    for path, section in walk(ctx.speech.sections):
        finding = _section_finding(ctx, path, section)
        if finding is not None:
            out.append(finding)
    return out


def _section_finding(ctx: LintContext, path: tuple[int, ...], section: Section) -> Finding | None:
    named = named_subjects(section.heading)
    if len(named) != 1:
        return None
    subject = named[0]
    body = "".join(p.text for p in section.paragraphs)
    if chars(body) < BODY_MIN_CHARS or body_hits(subject, body):
        return None
    other = _strongest_other(subject, body)
    if other is None:
        return None
    found, hits = other
    words = "、".join(sorted(hits, key=lambda w: -hits[w])[:4])
    message = (
        f"标题“{short(section.marker + section.heading)}”讲的是{subject.name}，"
        f"正文却没有一处涉及{subject.name}，说的是{found.name}（{words}）"
    )
    return ctx.finding("off-topic", WARNING, message, section.line or None, path)


def _strongest_other(subject: Subject, body: str) -> tuple[Subject, dict[str, int]] | None:
    best: tuple[Subject, dict[str, int]] | None = None
    for other in SUBJECTS:
        if related(subject, other):
            continue
        hits = body_hits(other, body)
        if sum(hits.values()) >= OTHER_MIN_HITS and len(hits) >= 2:
            if best is None or sum(hits.values()) > sum(best[1].values()):
                best = (other, hits)
    return best
