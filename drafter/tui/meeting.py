"""Step 1 会议信息: the meeting fields, validated as the writer types."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.containers import Grid, VerticalScroll
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Static

from drafter import session
from drafter.model import MEETING_FIELDS
from drafter.tui.base import Step

MEETING_KEYS = list(MEETING_FIELDS)


class MeetingValidator(Validator):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.field = name

    def validate(self, value: str) -> ValidationResult:
        reason = session.validate_meeting_field(self.field, value)
        return self.failure(reason) if reason else self.success()


class MeetingStep(Step):
    key = "meeting"
    title = "会议信息"

    def compose(self) -> ComposeResult:
        yield self.heading("填好会议信息；地区、讲话人、职务会记住，下次自动填入")
        with VerticalScroll(id="meeting-form"):
            with Grid(id="meeting-grid"):
                for i, (name, description) in enumerate(MEETING_FIELDS.items()):
                    label = f"{name}*" if name == "会议名称" else name
                    yield Static(label, classes="field-label")
                    yield Input(
                        placeholder=description,
                        id=f"meeting-{i}",
                        validators=[MeetingValidator(name)],
                        validate_on=["changed", "submitted"],
                        classes="meeting-input",
                        compact=True,
                    )
                    yield Static("", id=f"reason-{i}", classes="reason")
            yield Static("下一步：按 Ctrl+N，或点击左侧“2 选择结构”", id="meeting-next", classes="hint")

    def refresh_from_draft(self) -> None:
        meeting = self.drafter.draft.meeting
        for i, name in enumerate(MEETING_KEYS):
            box = self.query_one(f"#meeting-{i}", Input)
            value = meeting.get(name, "") or ""
            if session.normalise_meeting_value(name, box.value) != value:
                with box.prevent(Input.Changed):
                    box.value = value
            self._show_reason(i, session.validate_meeting_field(name, box.value))

    def _show_reason(self, i: int, reason: str | None) -> None:
        box = self.query_one(f"#meeting-{i}", Input)
        box.set_class(bool(reason), "-invalid")
        label = self.query_one(f"#reason-{i}", Static)
        if getattr(label, "_reason", "") != (reason or ""):
            label._reason = reason or ""  # type: ignore[attr-defined]
            label.update(Text(reason or "", style="red"))

    @on(Input.Changed, ".meeting-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        i = int((event.input.id or "meeting-0").split("-")[1])
        name = MEETING_KEYS[i]
        reasons = event.validation_result.failure_descriptions if event.validation_result else []
        self._show_reason(i, reasons[0] if reasons else None)
        meeting = self.drafter.draft.meeting
        value = session.normalise_meeting_value(name, event.value)
        if value:
            meeting[name] = value
        else:
            meeting.pop(name, None)
        self.drafter.draft_changed(meeting=True)

    @on(Input.Submitted, ".meeting-input")
    def _submitted(self, event: Input.Submitted) -> None:
        event.stop()
        i = int((event.input.id or "meeting-0").split("-")[1])
        if i + 1 < len(MEETING_KEYS):
            # set the focus now (focus() would wait a turn of the message loop)
            self.screen.set_focus(self.query_one(f"#meeting-{i + 1}", Input))
        else:
            self.drafter.action_next_step()

    def focus_main(self) -> None:
        boxes = [self.query_one(f"#meeting-{i}", Input) for i in range(len(MEETING_KEYS))]
        empty = [box for box in boxes if not box.value.strip()]
        (empty[0] if empty else boxes[0]).focus()
