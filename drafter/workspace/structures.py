"""A structure (a sequence of section roles, from a template or the corpus) made into a draft."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from difflib import SequenceMatcher
from typing import Any

from drafter.errors import DrafterError
from drafter.model import SECTION_ROLES, Draft, DraftSection


def roles_of_template(roles: Sequence[str]) -> tuple[str, ...]:
    """The section roles of a structure (opening and closing are not sections)."""
    return tuple(r for r in roles if r in SECTION_ROLES)


def closest_template(roles: Sequence[str], templates: Sequence[Any]) -> Any | None:
    """The template whose section roles are most like ``roles`` (exact match first)."""
    wanted = roles_of_template(roles)
    best = None
    best_score = -1.0
    for info in templates:
        have = roles_of_template(getattr(info, "roles", ()) or ())
        score = 2.0 if have == wanted else SequenceMatcher(a=have, b=wanted).ratio()
        if score > best_score:
            best, best_score = info, score
    return best


def draft_for_structure(
    roles: Sequence[str],
    templates: Sequence[Any],
    meeting: Mapping[str, str],
    phrasebank: Any,
    suggest: Callable[[Any, Mapping[str, str], Any], Draft] | None = None,
) -> Draft:
    """A suggested draft whose top-level sections follow the role sequence ``roles``.

    Starts from the closest template's suggestion and borrows sections of the
    missing roles from the other templates' suggestions.
    """
    if suggest is None:
        # drafter.drafting: about 0.27 s to import; this runs in a worker after start-up.
        from drafter.drafting import suggest_draft as suggest
    base_info = closest_template(roles, templates)
    if base_info is None:
        raise DrafterError("没有可用的模板")
    base = suggest(base_info.name, meeting, phrasebank)
    wanted = roles_of_template(roles)
    if tuple(s.role for s in base.sections) == wanted:
        return base
    pool: dict[str, list[DraftSection]] = {}
    for section in base.sections:
        pool.setdefault(section.role, []).append(section)
    borrowed: dict[str, list[DraftSection]] = {}
    sections = []
    for role in wanted:
        if pool.get(role):
            sections.append(pool[role].pop(0))
            continue
        if role not in borrowed:
            borrowed[role] = []
            for info in templates:
                if info is base_info or role not in (getattr(info, "roles", ()) or ()):
                    continue
                try:
                    other = suggest(info.name, meeting, phrasebank)
                except DrafterError:
                    continue
                borrowed[role].extend(s for s in other.sections if s.role == role)
        sections.append(borrowed[role].pop(0) if borrowed[role] else DraftSection(role=role))
    base.sections = sections
    return base
