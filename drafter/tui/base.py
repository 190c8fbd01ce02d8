"""The base class of the wizard's steps and small display helpers."""

from __future__ import annotations

import re
from typing import TYPE_CHECKING

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

from drafter.workspace import session

if TYPE_CHECKING:
    from drafter.tui.app import DrafterApp

_SLOT_RE = re.compile(r"\{\{\s*([^{}|\s]+)\s*(?:\|[^{}]*)?\}\}")


def fill_preview(text: str, values: dict[str, str], meeting: dict[str, str]) -> str:
    """A phrase text as a writer reads it in a list: slots shown with their value or as 【名称】."""

    def repl(match: re.Match[str]) -> str:
        name = match.group(1)
        value = values.get(name) or meeting.get(name)
        return value if value else f"【{name}】"

    return _SLOT_RE.sub(repl, text)


class Step(Vertical):
    """Base class of a step panel."""

    key = ""
    title = ""

    @property
    def drafter(self) -> DrafterApp:
        return self.app  # type: ignore[return-value]

    def heading(self, hint: str) -> Static:
        number = session.STEP_KEYS.index(self.key) + 1
        text = Text()
        text.append(f"第 {number} 步　{self.title}", style="bold")
        text.append(f"　{hint}", style="dim")
        return Static(text, classes="step-title")

    def on_mount(self) -> None:
        self.refresh_from_draft()

    def refresh_from_draft(self) -> None:
        """Show the current draft."""

    def focus_main(self) -> None:
        """Put the focus where the writer starts in this step."""

    def jump_to(self, path: tuple[int, ...] | None) -> None:
        """Select the section at ``path`` (from a lint finding)."""
