"""Editing a draft in place: the operations the wizard's steps perform (pure, no textual).

Parts (opening, each section by index path, closing), moving and removing
items, adding sections, parallel heading sets (强化X意识 × N), and how a
heading reads once its set's frame is applied.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import TypeVar

from drafter.model import Draft, DraftItem, DraftSection, HeadingSet
from drafter.text import ARABIC_DOT, CN_DUN, CN_PAREN, marker_for, slot_names

T = TypeVar("T")


def move_item(seq: list[T], index: int, delta: int) -> int:
    """Move ``seq[index]`` by ``delta`` places (clamped); returns its new index."""
    if not 0 <= index < len(seq):
        return index
    target = max(0, min(len(seq) - 1, index + delta))
    if target != index:
        seq.insert(target, seq.pop(index))
    return target


def remove_item(seq: list[T], index: int) -> int | None:
    """Remove ``seq[index]``; returns the index to highlight next (None when empty)."""
    if not 0 <= index < len(seq):
        return None if not seq else min(index, len(seq) - 1)
    del seq[index]
    if not seq:
        return None
    return min(index, len(seq) - 1)


@dataclass
class Part:
    """A place in a draft that holds items: the opening, a section (by path) or the closing."""

    kind: str  # "opening", "section", "closing"
    path: tuple[int, ...] = ()
    label: str = ""
    depth: int = 0

    @property
    def key(self) -> str:
        if self.kind == "section":
            return "s" + "-".join(str(i) for i in self.path)
        return self.kind


def section_at(draft: Draft, path: Sequence[int]) -> DraftSection | None:
    """The draft section at an index path, or None."""
    sections = draft.sections
    found = None
    for i in path:
        if not 0 <= i < len(sections):
            return None
        found = sections[i]
        sections = found.children
    return found


def siblings_of(draft: Draft, path: Sequence[int]) -> list[DraftSection]:
    if len(path) <= 1:
        return draft.sections
    parent = section_at(draft, path[:-1])
    return parent.children if parent is not None else []


def iter_section_paths(draft: Draft) -> Iterable[tuple[tuple[int, ...], DraftSection]]:
    """Every section with its index path, in reading order."""

    def walk(sections: list[DraftSection], prefix: tuple[int, ...]):
        for i, section in enumerate(sections):
            path = (*prefix, i)
            yield path, section
            yield from walk(section.children, path)

    yield from walk(draft.sections, ())


def display_heading(section: DraftSection, heading_sets: Mapping[str, HeadingSet] | None = None) -> str:
    """The heading as it will read: a heading-set item goes through the set's frame."""
    if section.heading_set and heading_sets and section.heading_set in heading_sets:
        hs = heading_sets[section.heading_set]
        return hs.frame.replace("{" + hs.slot + "}", section.heading)
    return section.heading


_LEVEL_KINDS = (CN_DUN, CN_PAREN)


def section_marker(path: Sequence[int]) -> str:
    """一、 for a top-level section, （一） below it, 1. deeper."""
    kind = _LEVEL_KINDS[len(path) - 1] if len(path) <= len(_LEVEL_KINDS) else ARABIC_DOT
    return marker_for(kind, path[-1] + 1)


def parts_of(draft: Draft, heading_sets: Mapping[str, HeadingSet] | None = None) -> list[Part]:
    """Every part of a draft that holds items, in reading order."""
    parts = [Part("opening", (), "开场", 0)]
    for path, section in iter_section_paths(draft):
        heading = display_heading(section, heading_sets) or "（未定标题）"
        parts.append(Part("section", path, f"{section_marker(path)}{heading}", len(path) - 1))
    parts.append(Part("closing", (), "结尾", 0))
    return parts


def items_of(draft: Draft, part: Part) -> list[DraftItem] | None:
    if part.kind == "opening":
        return draft.opening
    if part.kind == "closing":
        return draft.closing
    section = section_at(draft, part.path)
    return section.items if section is not None else None


def parallel_headings(heading_set: HeadingSet, count: int) -> list[str]:
    """The first ``count`` headings of a heading set (强化X意识 × N)."""
    return heading_set.headings()[: max(0, count)]


def _is_empty(section: DraftSection) -> bool:
    return not section.items and not section.children


def apply_parallel_set(
    draft: Draft, path: Sequence[int], heading_set: HeadingSet, count: int, *, siblings: bool = False
) -> list[str]:
    """Give N sections the headings of a heading set; returns warnings (Chinese).

    By default the set becomes the children of the section at ``path`` (added
    as needed; extra empty children are dropped, children with content kept).
    With ``siblings`` it replaces the headings of the section and its siblings.
    """
    headings = parallel_headings(heading_set, count)
    warnings: list[str] = []
    if len(headings) < count:
        warnings.append(f"排比标题组“{heading_set.frame}”只有 {len(headings)} 项")
    if siblings:
        targets = siblings_of(draft, path)
        role = targets[path[-1]].role if targets and 0 <= path[-1] < len(targets) else heading_set.role
    else:
        parent = section_at(draft, path)
        if parent is None:
            return ["没有选中章节"]
        targets = parent.children
        role = parent.role
    while len(targets) < len(headings):
        targets.append(DraftSection(role=role))
    while len(targets) > len(headings) and _is_empty(targets[-1]):
        targets.pop()
    if len(targets) > len(headings):
        warnings.append(f"另有 {len(targets) - len(headings)} 节已有内容，保留原标题")
    for section, item in zip(targets, heading_set.items[: len(headings)], strict=False):
        section.heading = item
        section.heading_set = heading_set.id
    return warnings


def add_section(draft: Draft, role: str, after: int | None = None) -> int:
    """Add an empty top-level section with ``role``; returns its index."""
    index = len(draft.sections) if after is None else max(0, min(len(draft.sections), after + 1))
    draft.sections.insert(index, DraftSection(role=role))
    return index


def item_slot_names(item: DraftItem, phrase_text: str | None) -> list[str]:
    """The slot names an item uses (its phrase's text or its own free text), in order, once each."""
    return slot_names((phrase_text if item.phrase else item.text) or "")


def replace_content(draft: Draft, suggested: Draft) -> None:
    """Take the structure and content of ``suggested`` into ``draft``; its meeting details stay."""
    draft.template = suggested.template
    draft.title = suggested.title
    draft.opening = suggested.opening
    draft.sections = suggested.sections
    draft.closing = suggested.closing
