"""The wizard's six steps, one module each.  Steps 2–6 are imported when first shown."""

from __future__ import annotations

from importlib import import_module

from drafter.tui.steps.base import Step

_MODULES = {
    "meeting": ("drafter.tui.steps.meeting", "MeetingStep"),
    "structure": ("drafter.tui.steps.structure", "StructureStep"),
    "headings": ("drafter.tui.steps.headings", "HeadingsStep"),
    "content": ("drafter.tui.steps.content", "ContentStep"),
    "preview": ("drafter.tui.steps.preview", "PreviewStep"),
    "export": ("drafter.tui.steps.export", "ExportStep"),
}


def step_class(key: str) -> type[Step]:
    """The class of a step, imported on first use (the later steps cost start-up time otherwise)."""
    module, name = _MODULES[key]
    return getattr(import_module(module), name)


__all__ = ["Step", "step_class"]
