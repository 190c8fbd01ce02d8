"""换一个 in full: every alternative of a heading or a paragraph, listed with its whole text (F7).

F5 (and Shift+F5) in the steps put the next (previous) alternative in place; this list is for
reading long texts side by side.  It opens on the one in the draft, marked （当前）; F5 or ↓ moves on,
cycling; Enter takes the highlighted one; Esc keeps the current.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import ClassVar

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Vertical
from textual.widgets import Label, OptionList
from textual.widgets.option_list import Option

from drafter.tui.screens.dialogs import Dialog


class AlternativesScreen(Dialog):
    """Dismisses with the index of the chosen alternative or None (Esc)."""

    BINDINGS: ClassVar[list[BindingType]] = [
        Binding("f5", "next", "换一个", id="alt-next"),
        Binding("escape", "cancel", "取消", id="alt-cancel"),
    ]

    DEFAULT_CSS = """
    #alternatives {
        height: auto;
        max-height: 24;
    }
    """

    def __init__(self, title: str, choices: Sequence[str], current: int = 0) -> None:
        super().__init__(classes="modal")
        self.title_text = title
        self.choices = list(choices)
        self.current = current

    def compose(self) -> ComposeResult:
        options = []
        for i, choice in enumerate(self.choices):
            text = Text(f"{i + 1}．", style="bold" if i == self.current else "")
            if i == self.current:
                text.append("（当前）", style="bold")
            text.append(choice)
            options.append(Option(text))
        with Vertical(classes="dialog"):
            yield Label(
                f"{self.title_text}：共 {len(self.choices)} 个（F5 或 ↓ 换下一个，回车选用，Esc 不换）"
            )
            yield OptionList(*options, id="alternatives", markup=False)

    def on_mount(self) -> None:
        box = self.query_one("#alternatives", OptionList)
        box.highlighted = max(0, self.current)
        box.focus()

    def action_next(self) -> None:
        box = self.query_one("#alternatives", OptionList)
        box.highlighted = ((box.highlighted or 0) + 1) % max(1, len(self.choices))

    @on(OptionList.OptionSelected, "#alternatives")
    def _chosen(self, event: OptionList.OptionSelected) -> None:
        event.stop()
        self.dismiss(event.option_index)

    def action_cancel(self) -> None:
        self.dismiss(None)
