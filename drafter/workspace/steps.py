"""The wizard's six steps, the state of each (done / attention / pending), and finding → step."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from drafter.model import MEETING_FIELDS, Draft, DraftSection
from drafter.workspace.meeting import meeting_problems

# The steps: key -> label shown to the writer.
STEPS: tuple[tuple[str, str], ...] = (
    ("meeting", "会议信息"),
    ("structure", "选择结构"),
    ("headings", "标题"),
    ("content", "内容"),
    ("preview", "预览与检查"),
    ("export", "导出"),
)
STEP_KEYS = tuple(key for key, _ in STEPS)

DONE = "done"
ATTENTION = "attention"
PENDING = "pending"

# lint rule -> the step that fixes it (anything else: 内容)
_RULE_STEPS = {
    "count-mismatch": "structure",
    "numbering": "structure",
    "parallel-headings": "headings",
    "stale-year": "meeting",
    "period-mismatch": "meeting",
    "level-mismatch": "content",
    "meeting-mismatch": "content",
    "closing": "content",
    "repeated-phrase": "content",
    "placeholder": "content",
}


def finding_step(finding: Any) -> str:
    """The step that fixes a lint finding."""
    rule = getattr(finding, "rule", "")
    if rule == "placeholder":
        message = getattr(finding, "message", "")
        if any(name in message for name in MEETING_FIELDS):
            return "meeting"
    return _RULE_STEPS.get(rule, "content")


def finding_path(finding: Any, draft: Draft) -> tuple[int, ...] | None:
    """The draft section path a finding points at (the deepest that exists), or None."""
    path = getattr(finding, "section", None)
    if not path:
        return None
    found: list[int] = []
    sections = draft.sections
    for i in path:
        if not 0 <= i < len(sections):
            break
        found.append(i)
        sections = sections[i].children
    return tuple(found) or None


@dataclass
class StepStates:
    states: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)


def _walk(sections: list[DraftSection], prefix: tuple[int, ...] = ()):
    # drafting.editing.iter_section_paths does the same walk, but importing drafter.drafting costs
    # about 0.27 s and the step states are drawn on the first screen.
    for i, section in enumerate(sections):
        path = (*prefix, i)
        yield path, section
        yield from _walk(section.children, path)


def step_states(draft: Draft, findings: Sequence[Any] = (), exported: bool = False) -> StepStates:
    """State of each step: done, attention (with reasons, Chinese) or pending."""
    reasons: dict[str, list[str]] = {key: [] for key in STEP_KEYS}
    for name, reason in meeting_problems(draft.meeting).items():
        reasons["meeting"].append(f"{name}：{reason}")
    if not draft.sections:
        reasons["structure"].append("还没有选择结构")
    for path, section in _walk(draft.sections):
        if not section.heading.strip():
            reasons["headings"].append(f"第 {'.'.join(str(i + 1) for i in path)} 节没有标题")
        if not section.items and not section.children:
            reasons["content"].append(f"“{section.heading or '未定标题'}”还没有内容")
    if not draft.opening:
        reasons["content"].append("开场还没有内容")
    for finding in findings:
        message = getattr(finding, "message", str(finding))
        reasons[finding_step(finding)].append(message)
        reasons["preview"].append(message)
    states = {}
    for key in STEP_KEYS:
        if key == "export":
            states[key] = DONE if exported else PENDING
        elif key in ("structure", "headings", "content", "preview") and not draft.sections:
            states[key] = PENDING
        elif key == "meeting" and not any((v or "").strip() for v in draft.meeting.values()):
            states[key] = PENDING
        else:
            states[key] = ATTENTION if reasons[key] else DONE
    return StepStates(states, reasons)
