"""How material reads in the wizard's lists: slots shown with their value or as 【名称】."""

from __future__ import annotations

from collections.abc import Mapping

from drafter.text import SlotError, render_slots


def fill_preview(text: str, values: Mapping[str, str], meeting: Mapping[str, str]) -> str:
    """A phrase text as a writer reads it in a list (a text outside the slot grammar is shown as is)."""
    merged = {**meeting, **{k: v for k, v in values.items() if v}}
    try:
        return render_slots(text, merged, missing=lambda name: f"【{name}】")
    except SlotError:
        return text
