"""Step 1 会议信息: the meeting fields, validated as the writer types."""

from __future__ import annotations

from typing import Any, ClassVar

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.validation import ValidationResult, Validator
from textual.widgets import Input, Static

from drafter.model import MEETING_FIELDS
from drafter.tui.messages import ShowStep
from drafter.tui.steps.base import Step
from drafter.workspace import Workspace, normalise_meeting_value, validate_meeting_field

MEETING_KEYS = list(MEETING_FIELDS)
NEXT_HINT = "下一步：按 Ctrl+N，或点击左侧“2 选择结构”"


class MeetingValidator(Validator):
    def __init__(self, name: str) -> None:
        super().__init__()
        self.field = name

    def validate(self, value: str) -> ValidationResult:
        reason = validate_meeting_field(self.field, value)
        return self.failure(reason) if reason else self.success()


class MeetingInput(Input):
    """A meeting field; Enter moves to the next field at once.

    Textual forwards each key to the widget focused when the app reads it; keys read
    in the same burst as Enter are queued for this field before a ``Submitted``
    handler could move the focus.  A priority binding runs in the app's own loop,
    before the next key is forwarded, so type-ahead lands in the next field.
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("enter", "next_field", "下一项", show=False, priority=True),
    ]

    async def _on_key(self, event: events.Key) -> None:
        # This field's own keys (Backspace, arrows, Home/End ...) are handled here, in the order typed.
        # As ordinary bindings they would run only after the key had bubbled up to the app, behind
        # characters typed after them in the same burst.
        for binding in self._bindings.key_to_bindings.get(event.key, []):
            if not binding.priority:
                event.stop()
                event.prevent_default()  # Input's own handler would see the key too
                await self.run_action(binding.action)
                return

    def __init__(self, *, last: bool = False, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.last = last

    def action_next_field(self) -> None:
        # The focus moves now, in this key's own handling, so type-ahead lands in the next field.
        if self.last:
            self.post_message(ShowStep("next"))
        else:
            self.screen.focus_next()


class MeetingStep(Step):
    """The form: a column of labels, the inputs, and a column of reasons beside them.

    Labels and reasons are one ``Static`` each (a line per field), not one widget per
    cell: fewer widgets make the first screen come up sooner.
    """

    key = "meeting"
    title = "会议信息"

    def __init__(self, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(workspace, **kwargs)
        self.reasons: list[str] = [""] * len(MEETING_KEYS)
        self.needed: set[str] = set()  # meeting fields the chosen content uses but that are empty
        self._reasons_shown: Text | None = None

    def compose(self) -> ComposeResult:
        yield self.heading("填好会议信息；地区、讲话人、职务会记住，下次自动填入")
        with Horizontal(id="meeting-form"):
            yield Static(id="meeting-labels")
            with Vertical(id="meeting-inputs"):
                for i, (name, description) in enumerate(MEETING_FIELDS.items()):
                    yield MeetingInput(
                        last=i == len(MEETING_FIELDS) - 1,
                        placeholder=description,
                        id=f"meeting-{i}",
                        validators=[MeetingValidator(name)],
                        validate_on=["changed", "submitted"],
                        classes="meeting-input",
                        compact=True,
                    )
            yield Static(id="meeting-reasons")
        yield Static(NEXT_HINT, id="meeting-next", classes="hint")

    def on_mount(self) -> None:
        self._show_labels()
        super().on_mount()

    def refresh_from_draft(self) -> None:
        meeting = self.workspace.draft.meeting
        for i, name in enumerate(MEETING_KEYS):
            box = self.query_one(f"#meeting-{i}", Input)
            value = meeting.get(name, "") or ""
            if normalise_meeting_value(name, box.value) != value:
                with box.prevent(Input.Changed):
                    box.value = value
            self._set_reason(i, validate_meeting_field(name, box.value))
        self._show_reasons()

    def show_needed(self, names: set[str]) -> None:
        """Mark the empty meeting fields that the chosen phrases or template use."""
        names = {n for n in names if n in MEETING_FIELDS}
        if names != self.needed:
            self.needed = names
            self._show_labels()
            self._show_reasons()

    def reason(self, i: int) -> str:
        """The reason shown beside field ``i`` (empty when the value is fine)."""
        return self.reasons[i]

    def _show_labels(self) -> None:
        text = Text()
        for i, name in enumerate(MEETING_KEYS):
            if i:
                text.append("\n\n")
            text.append(name)
            if name == "会议名称":
                text.append("*", style="bold red")
            elif name in self.needed:
                text.append("*", style="bold yellow")
        self.query_one("#meeting-labels", Static).update(text)

    def _set_reason(self, i: int, reason: str | None) -> None:
        self.reasons[i] = reason or ""
        self.query_one(f"#meeting-{i}", Input).set_class(bool(reason), "-invalid")

    def _show_reasons(self) -> None:
        meeting = self.workspace.draft.meeting
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, name in enumerate(MEETING_KEYS):
            if i:
                text.append("\n\n")
            if self.reasons[i]:
                text.append(self.reasons[i], style="red")
            elif name in self.needed and not (meeting.get(name) or "").strip():
                text.append("内容要用到，请填写", style="yellow")
        box = self.query_one("#meeting-reasons", Static)
        if text != self._reasons_shown:
            self._reasons_shown = text
            box.update(text)

    @on(Input.Changed, ".meeting-input")
    def _changed(self, event: Input.Changed) -> None:
        event.stop()
        i = int((event.input.id or "meeting-0").split("-")[1])
        name = MEETING_KEYS[i]
        reasons = event.validation_result.failure_descriptions if event.validation_result else []
        self._set_reason(i, reasons[0] if reasons else None)
        meeting = self.workspace.draft.meeting
        value = normalise_meeting_value(name, event.value)
        if value:
            meeting[name] = value
        else:
            meeting.pop(name, None)
        self._show_reasons()
        # the reason column may cut a long reason short: the field being typed in shows it in full below
        hint = f"{name}：{self.reasons[i]}" if self.reasons[i] else NEXT_HINT
        self.query_one("#meeting-next", Static).update(Text(hint, style="red" if self.reasons[i] else ""))
        self.changed(meeting=True)

    def focus_field(self, name: str) -> None:
        if name in MEETING_KEYS:
            self.screen.set_focus(self.query_one(f"#meeting-{MEETING_KEYS.index(name)}", Input))

    def focus_main(self) -> None:
        boxes = [self.query_one(f"#meeting-{i}", Input) for i in range(len(MEETING_KEYS))]
        empty = [box for box in boxes if not box.value.strip()]
        self.screen.set_focus(empty[0] if empty else boxes[0])  # now, not after a turn of the loop
