"""The suggestion engine: a complete draft for a meeting, and the wizard's choices around it.

- :func:`suggest` / :func:`suggest_draft`: the draft the wizard's fast path and
  ``drafter suggest`` make.  With paragraph blocks and meeting kinds in the
  phrasebank the block engine (:mod:`.compose`) builds it; a phrase-only
  phrasebank (a user's own, small test banks) falls back to the phrase engine
  (:mod:`.phrases`).
- :func:`heading_alternatives`, :func:`block_alternatives`: what 换一个 offers
  for a heading or a block (listed, so the wizard can show them).
- :func:`draft_overlap`, :func:`repeats_earlier`: how much of a draft repeats an
  earlier one (the wizard warns above 50 %).
- :func:`suited_template`, :func:`rank_templates`: the template the wizard recommends.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from drafter.drafting.spec import normalise_date
from drafter.drafting.suggest.compose import (
    COMPANION_FUNCTIONS,
    FALLBACK_HEADINGS,
    GENERAL_KINDS,
    Suggestion,
    compose,
    derived_values,
    pending_values,
)
from drafter.drafting.suggest.context import OTHERS_SPOKE_FIELD, MeetingContext, fits, meeting_context
from drafter.drafting.suggest.kinds import Recognised, forms_missing, mentions_kind, recognise, wrong_forms
from drafter.drafting.suggest.length import (
    DEFAULT_MINUTES,
    DEFAULT_RATE,
    LengthInfo,
    length_info,
    target_chars,
)
from drafter.drafting.suggest.phrases import suggest_from_phrases
from drafter.drafting.suggest.tables import meeting_profile
from drafter.drafting.suggest.tables import suited_template as _profile_template
from drafter.drafting.templates import TemplateInfo, as_info
from drafter.model import ROLE_TASKS, Block, Draft, DraftItem, DraftSection
from drafter.phrasebank import Phrasebank

__all__ = [
    "DEFAULT_MINUTES",
    "DEFAULT_RATE",
    "OTHERS_SPOKE_FIELD",
    "OVERLAP_WARNING",
    "LengthInfo",
    "MeetingContext",
    "Recognised",
    "Suggestion",
    "block_alternatives",
    "draft_overlap",
    "forms_missing",
    "heading_alternatives",
    "length_info",
    "meeting_context",
    "meeting_profile",
    "rank_heading_sets",
    "rank_templates",
    "recognise",
    "repeats_earlier",
    "suggest",
    "suggest_draft",
    "suggest_from_phrases",
    "suited_template",
    "target_chars",
]

OVERLAP_WARNING = 0.5  # a new draft repeating more than half of an earlier one is worth a warning
# The template that suits a form of meeting; every other meeting gets the plenary template.
_FORM_TEMPLATE = {"review": "review", "mobilization": "implementation"}
_SENT_RE = re.compile(r"[^。！？；\n]+")
_BLANK_RE = re.compile(r"【待补[^】]*】")


def _uses_blocks(phrasebank: Phrasebank | None) -> bool:
    return phrasebank is not None and bool(phrasebank.blocks) and bool(phrasebank.kinds)


def _clean_meeting(meeting: Mapping[str, str | None]) -> dict[str, str]:
    clean = {k: ("" if v is None else str(v)) for k, v in meeting.items()}
    if clean.get("日期"):
        clean["日期"] = normalise_date(clean["日期"]) or clean["日期"]
    return clean


def suggest(
    template: str | TemplateInfo | None,
    meeting: Mapping[str, str | None],
    phrasebank: Phrasebank | None,
    *,
    seed: int = 0,
    minutes: float | None = None,
    chars: int | None = None,
    rate: int = DEFAULT_RATE,
    others_spoke: bool | None = None,
) -> Suggestion:
    """A suggested draft with its warnings (uncovered subjects, short material), kinds and length.

    ``template`` None picks the one the wizard recommends.  ``minutes`` / ``chars`` set the target
    length (default 20 minutes at ``rate`` 字/分钟); ``seed`` picks among equally good blocks,
    headings and structures (same seed, same draft).  ``others_spoke`` (else the meeting field
    前面发言) allows 回应前面发言 in the opening.
    """
    clean = _clean_meeting(meeting)
    name = template if template is not None else suited_template(clean, phrasebank)
    info = as_info(name)
    target = target_chars(minutes, chars, rate)
    if not _uses_blocks(phrasebank):
        draft = suggest_from_phrases(info, clean, phrasebank)
        return Suggestion(draft=draft, target=target, seed=seed)
    assert phrasebank is not None
    ctx = meeting_context(clean, others_spoke=others_spoke)
    rec = recognise(clean, phrasebank)
    return compose(info.name, clean, phrasebank, ctx, rec, seed=seed, target=target)


def suggest_draft(
    template: str | TemplateInfo | None,
    meeting: Mapping[str, str | None],
    phrasebank: Phrasebank | None,
    **options: Any,
) -> Draft:
    """The draft of :func:`suggest` (deterministic for a seed); ``options`` are those of :func:`suggest`."""
    return suggest(template, meeting, phrasebank, **options).draft


# ---------------------------------------------------------------- templates


def suited_template(meeting: Mapping[str, str], phrasebank: Phrasebank | None = None) -> str | None:
    """The template the wizard recommends: by the meeting's form kind (review, mobilization) with a
    phrasebank that has kinds, else by the phrase engine's meeting profiles."""
    if _uses_blocks(phrasebank):
        assert phrasebank is not None
        rec = recognise(meeting, phrasebank)
        if rec.form is not None:
            return _FORM_TEMPLATE.get(rec.form.id, "plenary")
        return "plenary"
    return _profile_template(meeting)


def rank_templates(
    templates: Sequence[TemplateInfo], meeting: Mapping[str, str], phrasebank: Phrasebank | None = None
) -> list[TemplateInfo]:
    """Templates with the one that suits the meeting first; the others keep their order."""
    best = suited_template(meeting, phrasebank)
    return sorted(templates, key=lambda t: t.name != best)


# ---------------------------------------------------------------- alternatives (换一个)


def _used_ids(draft: Draft) -> set[str]:
    ids: set[str] = set()

    def walk(sections: Iterable[DraftSection]) -> None:
        for sec in sections:
            ids.update(i.phrase for i in sec.items if i.phrase)
            walk(sec.children)

    ids.update(i.phrase for i in [*draft.opening, *draft.closing] if i.phrase)
    walk(draft.sections)
    return ids


def block_alternatives(
    draft: Draft, item: DraftItem, phrasebank: Phrasebank, *, limit: int = 8
) -> list[DraftItem]:
    """Other blocks that could stand where ``item`` is, best first (not used elsewhere in the draft).

    First the alternatives of the same point (same topics and point), then blocks of the same role and
    function on the meeting's subject, then generic ones — all fitting the meeting's period, level
    and speaker.  Each comes as a ready DraftItem (slots not filled by the meeting are 【待补】).
    """
    block = phrasebank.blocks.get(item.phrase or "")
    if block is None:
        return []
    meeting = _clean_meeting(draft.meeting)
    ctx = meeting_context(meeting)
    rec = recognise(meeting, phrasebank)
    topics = set(rec.topics)
    used = _used_ids(draft) - {block.id}
    have = {"成绩"}  # an alternative replaces a block in place: what it presupposes was there before

    def ok(b: Block) -> bool:
        return (
            b.id not in used
            and b.id != block.id
            and b.role == block.role
            and fits(b.fits, ctx, have)
            and not wrong_forms(b.text, meeting)  # 交帐亮相 text at a 述职 meeting
        )

    # A companion paragraph (工作措施) stands in for a companion, a point's main paragraph for another.
    companion = block.function in COMPANION_FUNCTIONS
    same_point = [
        b
        for b in phrasebank.blocks.values()
        if ok(b)
        and b.topics == block.topics
        and b.point == block.point
        and (b.function in COMPANION_FUNCTIONS) == companion
    ]
    same_function = [
        b
        for b in phrasebank.blocks.values()
        if ok(b) and b.function == block.function and b not in same_point and set(b.topics) & topics
    ]
    generic = [
        b
        for b in phrasebank.blocks.values()
        if ok(b) and b.function == block.function and not b.topics and b not in same_point
    ]
    chosen = (same_point + same_function + generic)[:limit]
    return [
        DraftItem(phrase=b.id, values=pending_values(b, meeting, derived_values(ctx, rec))) for b in chosen
    ]


def heading_alternatives(
    draft: Draft, section: DraftSection, phrasebank: Phrasebank, *, top_level: bool | None = None
) -> list[str]:
    """Headings that could replace ``section``'s, the current one first.

    A task subsection offers the other headings of its block, then those of the other alternatives
    of the same point; a top-level section the kind's headings for its role (every structure).
    """
    if top_level is None:
        top_level = any(section is s for s in draft.sections)
    out: list[str] = [section.heading] if section.heading else []
    meeting = _clean_meeting(draft.meeting)
    if not top_level:
        block = phrasebank.blocks.get(next((i.phrase for i in section.items if i.phrase), "") or "")
        if block is not None:
            out += block.headings
            for b in phrasebank.blocks.values():
                if b.id != block.id and b.topics == block.topics and b.point == block.point:
                    out += b.headings
        return list(dict.fromkeys(h for h in out if h and not wrong_forms(h, meeting)))
    rec = recognise(meeting, phrasebank)
    for kind in (rec.form, *rec.subjects):
        if kind is None:
            continue
        for structure in kind.structures:
            out += structure.headings.get(section.role, [])
    if len(out) <= 1:
        subject = rec.uncovered[0] if rec.uncovered else "各项"
        out += [h.format(s=subject) for h in FALLBACK_HEADINGS.get(section.role, [])]
    return list(dict.fromkeys(h for h in out if h))


def rank_heading_sets(
    meeting: Mapping[str, str | None], role: str | None, phrasebank: Phrasebank
) -> list[str]:
    """Ids of the phrasebank's heading sets in the order to offer them for a section with ``role``.

    Sets of the section's role first; within each, sets whose headings name the meeting's own subject
    (the keywords of its recognised kinds) before generic ones, and task sets naming another subject
    (突出园区项目建设 at a 防汛 meeting, not at a plenary) last; otherwise the phrasebank's order.
    """
    clean = _clean_meeting(meeting)
    rec = recognise(clean, phrasebank) if _uses_blocks(phrasebank) else Recognised()
    own = rec.kinds
    own_ids = {k.id for k in own}
    # A plenary or an economy meeting (or one naming no subject) speaks of every subject: nothing is
    # another's.
    focused = bool(rec.subjects) and not {k.id for k in rec.subjects} & set(GENERAL_KINDS)
    others = [k for k in phrasebank.kinds.values() if k.id not in own_ids] if focused else []

    def subject(text: str, tasks: bool) -> int:
        if mentions_kind(text, own):
            return 0
        # Only task headings name a subject (「突出园区项目建设」); 「{X}抓落实」 suits any meeting.
        return 2 if tasks and mentions_kind(text, others) else 1

    ranked = []
    for n, (hs_id, hs) in enumerate(phrasebank.heading_sets.items()):
        text = "".join(hs.headings())
        ranked.append((hs.role != role, subject(text, hs.role == ROLE_TASKS), n, hs_id))
    ranked.sort()
    return [r[3] for r in ranked]


# ---------------------------------------------------------------- repetition between drafts


def _sentences(text: str) -> set[str]:
    out = set()
    for s in _SENT_RE.findall(text):
        s = _BLANK_RE.sub("", s).strip(" ，,：:")
        if len(s) >= 8:
            out.add(s)
    return out


def draft_overlap(a: str, b: str) -> float:
    """Share of the sentences of rendered text ``a`` that also occur in ``b`` (0.0-1.0)."""
    sa = _sentences(a)
    if not sa:
        return 0.0
    return len(sa & _sentences(b)) / len(sa)


def repeats_earlier(
    text: str, earlier: Iterable[tuple[str, str]], threshold: float = OVERLAP_WARNING
) -> list[tuple[str, float]]:
    """Earlier drafts (name, rendered text) of which ``text`` repeats more than ``threshold``, worst first."""
    hits = [(name, draft_overlap(text, other)) for name, other in earlier]
    return sorted(((n, s) for n, s in hits if s > threshold), key=lambda x: -x[1])
