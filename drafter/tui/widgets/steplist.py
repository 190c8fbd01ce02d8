"""The sidebar: the six steps with their state, as one focusable ``Static``.

An ``OptionList`` (a scroll view with its own styles and per-option rendering)
cost about a tenth of the time to the first screen; six fixed lines need none of
that.  Keys: ↑/↓ (or k/j) move and show that step, Enter puts the focus in it;
a click on a line opens that step.  Each move posts ``ShowStep``.
"""

from __future__ import annotations

from typing import ClassVar

from rich.text import Text
from textual.binding import Binding, BindingType
from textual.events import Click
from textual.widgets import Static

from drafter.tui.messages import ShowStep


class StepList(Static, can_focus=True):
    """The steps; moving posts ``ShowStep(key, focus=False)``, choosing ``ShowStep(key, focus=True)``."""

    DEFAULT_CSS = """
    StepList {
        width: 18;
        height: 100%;
        border: round $primary 50%;
        padding: 0 1;
    }

    StepList:focus {
        border: round $primary;
    }
    """

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("up,k", "move(-1)", "上一步骤", show=False),
        Binding("down,j", "move(1)", "下一步骤", show=False),
        Binding("home", "move_to(0)", "第一步", show=False),
        Binding("end", "move_to(-1)", "最后一步", show=False),
        Binding("enter", "choose", "打开", show=False),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__("", id=id, markup=False)
        self.keys: list[str] = []
        self.prompts: list[Text] = []
        self.highlighted = 0

    def set_steps(self, steps: list[tuple[str, Text]]) -> None:
        """The steps as (key, prompt); keeps the highlighted line."""
        keys = [key for key, _ in steps]
        prompts = [prompt for _, prompt in steps]
        if (
            keys == self.keys
            and [p.plain for p in prompts] == [p.plain for p in self.prompts]
            and [p.spans for p in prompts] == [p.spans for p in self.prompts]
        ):
            return
        self.keys, self.prompts = keys, prompts
        self.highlighted = min(self.highlighted, max(len(keys) - 1, 0))
        self._render_lines()

    def highlight(self, index: int) -> None:
        """Move the highlight without showing anything (the app has already switched)."""
        if 0 <= index < len(self.keys) and index != self.highlighted:
            self.highlighted = index
            self._render_lines()

    def _render_lines(self) -> None:
        text = Text(no_wrap=True, overflow="ellipsis")
        for i, prompt in enumerate(self.prompts):
            if i:
                text.append("\n")
            # the highlighted line in one style (a reversed coloured mark would read as a block)
            text.append_text(Text(prompt.plain, style="bold reverse") if i == self.highlighted else prompt)
        self.update(text)

    def _show(self, focus: bool) -> None:
        if self.keys:
            self.post_message(ShowStep(self.keys[self.highlighted], focus))

    def action_move(self, delta: int) -> None:
        if not self.keys:
            return
        index = max(0, min(len(self.keys) - 1, self.highlighted + delta))
        if index != self.highlighted:
            self.highlight(index)
            self._show(False)

    def action_move_to(self, index: int) -> None:
        if self.keys:
            self.action_move((index % len(self.keys)) - self.highlighted)

    def action_choose(self) -> None:
        self._show(True)

    def on_click(self, event: Click) -> None:
        event.stop()
        offset = event.get_content_offset(self)  # inside the border; None on the border itself
        index = offset.y if offset is not None else -1
        if 0 <= index < len(self.keys):
            self.highlight(index)
            self._show(True)
