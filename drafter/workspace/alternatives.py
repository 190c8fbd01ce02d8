"""换一个: the alternatives of one heading or paragraph, in a fixed order while the writer cycles.

A ``Ring`` is taken when a heading or a paragraph is first selected: the one in the
draft now first, then the alternatives the material has (``drafting.suggest``).
Cycling moves through that fixed list and back to the first (the engine's own list
would change under the writer, since it leaves out what the draft uses).  Each choice
has a one-line preview, computed once.  A ring belongs to one place in the draft (a
section, or a position in a list of items) and is valid while that place still holds
the ring's current choice; anything else (the writer typed, moved or removed) makes
a new one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from drafter.model import DraftItem, DraftSection

RING_CACHE = 256  # rings kept (one per heading or paragraph looked at); cleared beyond that

HEADING = "heading"
ITEM = "item"


@dataclass
class Ring:
    """The alternatives of one heading (choices: ``(heading, heading_set)``) or paragraph (``DraftItem``)."""

    kind: str  # HEADING or ITEM
    owner: Any  # the DraftSection (heading) or the list of items holding the paragraph
    position: int  # the paragraph's index in ``owner`` (0 for a heading)
    choices: list[Any]
    previews: list[str] = field(default_factory=list)  # one line per choice, as the writer reads it
    index: int = 0  # the choice in the draft now; -1 before the first 换一个 of an empty heading

    def __len__(self) -> int:
        return len(self.choices)

    @property
    def current(self) -> Any:
        return self.choices[self.index] if self.index >= 0 else None

    def counter(self) -> str:
        """``2/5``: which of the alternatives is in the draft."""
        return f"{self.index + 1}/{len(self.choices)}" if self.index >= 0 else f"–/{len(self.choices)}"

    def holds(self) -> bool:
        """The place in the draft still shows this ring's current choice."""
        if self.kind == HEADING:
            section: DraftSection = self.owner
            now = (section.heading, section.heading_set)
            return now == self.current if self.index >= 0 else not section.heading
        items: list[DraftItem] = self.owner
        return self.position < len(items) and items[self.position] is self.current

    def step(self, delta: int) -> int:
        """The index ``delta`` places on (cycling); from an empty heading, F5 goes to the first."""
        if self.index < 0:
            return 0 if delta > 0 else len(self.choices) - 1
        return (self.index + delta) % len(self.choices)

    def select(self, index: int) -> Any:
        """Put choice ``index`` (cycling) into the draft; returns it."""
        self.index = index % len(self.choices)
        choice = self.choices[self.index]
        if self.kind == HEADING:
            section: DraftSection = self.owner
            section.heading, section.heading_set = choice
        else:
            self.owner[self.position] = choice
        return choice


class Rings:
    """The rings taken so far, by place; ``clear`` when the draft, the meeting or the material changes."""

    def __init__(self) -> None:
        self._rings: dict[tuple[Any, ...], Ring] = {}

    def clear(self) -> None:
        self._rings.clear()

    def peek(self, key: tuple[Any, ...], owner: Any) -> Ring | None:
        """The ring kept for ``key`` if it still holds for ``owner``; None otherwise (nothing computed)."""
        ring = self._rings.get(key)
        if ring is not None and ring.owner is owner and ring.holds():
            return ring
        return None

    def get(self, key: tuple[Any, ...], owner: Any, make: Callable[[], Ring | None]) -> Ring | None:
        ring = self.peek(key, owner)
        if ring is not None:
            return ring
        ring = make()
        if ring is None:
            self._rings.pop(key, None)
            return None
        if len(self._rings) >= RING_CACHE:
            self._rings.clear()
        self._rings[key] = ring
        return ring


def heading_ring(
    section: DraftSection, alternatives: list[str], describe: Callable[[str, str | None], str]
) -> Ring:
    """The ring of a heading: the section's own (with its parallel set) first, then ``alternatives``.

    ``alternatives`` is ``drafting.suggest.heading_alternatives`` (the current heading first).
    """
    others = [h for h in alternatives if h != section.heading]
    if section.heading:
        choices: list[Any] = [(section.heading, section.heading_set), *((h, None) for h in others)]
        index = 0
    else:
        choices, index = [(h, None) for h in others], -1
    previews = [describe(h, s) for h, s in choices]
    return Ring(HEADING, section, 0, choices, previews, index)


def item_ring(
    items: list[DraftItem], position: int, alternatives: list[DraftItem], describe: Callable[[DraftItem], str]
) -> Ring:
    """The ring of a paragraph: the one at ``items[position]`` first, then ``alternatives``."""
    choices = [items[position], *alternatives]
    return Ring(ITEM, items, position, choices, [describe(c) for c in choices], 0)
