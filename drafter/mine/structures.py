"""Structures: the sequence of section roles a speech shows, counted over a corpus."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from drafter.model import ROLE_LABELS, ROLE_TASKS, Speech


@dataclass
class Structure:
    """A sequence of section roles (consecutive repeats collapsed) and the speeches that show it.

    ``sequences`` holds, per speech, the roles of all its top-level sections (not collapsed).
    """

    roles: tuple[str, ...]
    count: int
    speeches: list[tuple[str, int]]
    sequences: list[tuple[str, ...]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = []
        for k, (s, i) in enumerate(self.speeches):
            entry: dict[str, Any] = {"source": s, "index": i}
            if k < len(self.sequences) and self.sequences[k] != self.roles:
                entry["sections"] = list(self.sequences[k])
            out.append(entry)
        return {
            "roles": list(self.roles),
            "labels": " → ".join(ROLE_LABELS.get(r, r) for r in self.roles),
            "count": self.count,
            "speeches": out,
        }


def role_sequence(speech: Speech) -> tuple[str, ...]:
    """The roles of the speech's top-level sections, consecutive repeats collapsed."""
    seq: list[str] = []
    for sec in speech.sections:
        role = sec.role or ROLE_TASKS
        if not seq or seq[-1] != role:
            seq.append(role)
    return tuple(seq)


def structures(speeches: Iterable[Speech]) -> list[Structure]:
    """Role sequences across non-duplicate speeches, most frequent first."""
    groups: dict[tuple[str, ...], Structure] = {}
    for speech in speeches:
        if speech.duplicate_of is not None or not speech.sections:
            continue
        key = role_sequence(speech)
        st = groups.setdefault(key, Structure(key, 0, []))
        st.count += 1
        st.speeches.append((speech.source, speech.index))
        st.sequences.append(tuple(sec.role or ROLE_TASKS for sec in speech.sections))
    out = list(groups.values())
    out.sort(key=lambda s: (-s.count, s.roles))
    return out
