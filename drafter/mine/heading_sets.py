"""Parallel heading sets (排比): sibling headings that share a frame, such as 「强化{X}意识」."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable

from drafter.model import ROLE_TASKS, SECTION_ROLES, HeadingSet, Section, Source, Speech
from drafter.text.frames import clean_heading as _clean_heading
from drafter.text.frames import common_frame

# An event agenda (「…讲话」「…致辞」「颁奖」「9:30 …」) is a programme, not a parallel heading set.
_AGENDA_ITEM = re.compile(r"讲话|致辞|发言|宣读|颁奖|颁发|合影|议程|主持|签约仪式|\d{1,2}[:：]\d{2}|^第.项")


def is_agenda(headings: list[str]) -> bool:
    """True when most of the headings read like items of a meeting's programme."""
    hits = sum(1 for h in headings if _AGENDA_ITEM.search(h))
    return hits * 2 >= len(headings) > 0


def _frame_runs(headings: list[str], min_len: int = 3) -> list[tuple[int, int, str, list[str]]]:
    """Maximal consecutive runs of sibling headings sharing a frame: (start, end, frame, items)."""
    n = len(headings)
    whole = common_frame(headings) if n >= min_len else None
    if whole:
        return [(0, n, whole[0], whole[1])]
    runs = []
    start = 0
    while start <= n - min_len:
        best = None
        end = start + min_len
        while end <= n:
            got = common_frame(headings[start:end])
            if not got:
                break
            best = (start, end, got[0], got[1])
            end += 1
        if best:
            runs.append(best)
            start = best[1]
        else:
            start += 1
    return runs


def heading_sets_of(speech: Speech) -> list[tuple[HeadingSet, str]]:
    """Heading sets of one speech, with the level path they were found at (for ids)."""
    found: list[tuple[HeadingSet, str]] = []

    def visit(siblings: list[Section], role_of: Callable[[Section], str | None], where: str) -> None:
        heads = [_clean_heading(s.heading) for s in siblings]
        for start, end, frame, items in _frame_runs(heads):
            if is_agenda(heads[start:end]):
                continue
            group = siblings[start:end]
            roles = Counter(role_of(s) or ROLE_TASKS for s in group)
            role = max(roles, key=lambda r: (roles[r], -SECTION_ROLES.index(r) if r in SECTION_ROLES else 0))
            hs = HeadingSet(
                id="",
                frame=frame,
                items=items,
                role=role,
                source=Source(speech.source, speech.index, group[0].line),
            )
            found.append((hs, where))
        for sec in siblings:
            if sec.children:
                parent_role = role_of(sec)
                visit(sec.children, lambda _s, r=parent_role: r, where + "/" + (sec.marker or "-"))

    visit(speech.sections, lambda s: s.role, "top")
    return found
