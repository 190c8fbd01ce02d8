"""The base class of the wizard's steps: a view of the workspace that posts messages."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.containers import Vertical
from textual.widgets import Static

from drafter.errors import DrafterError
from drafter.tui.messages import DraftChanged, LoadFailed
from drafter.workspace import STEP_KEYS, Workspace


class Step(Vertical):
    """A step panel.  It reads and edits ``self.workspace.draft`` and posts ``DraftChanged``."""

    key = ""
    title = ""

    def __init__(self, workspace: Workspace, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.workspace = workspace

    def heading(self, hint: str) -> Static:
        number = STEP_KEYS.index(self.key) + 1
        text = Text()
        text.append(f"第 {number} 步　{self.title}", style="bold")
        text.append(f"　{hint}", style="dim")
        return Static(text, classes="step-title")

    def changed(self, *, meeting: bool = False) -> None:
        """Tell the app the draft changed (it autosaves and re-checks)."""
        self.workspace.changed(meeting=meeting)
        # straight to the app's queue (bubbling would take one hop per container, and the top bar
        # should show a typed meeting name in the next frame)
        self.app.post_message(DraftChanged(meeting=meeting))

    def report(self, what: str, exc: BaseException) -> None:
        """A worker of this step failed: a ``DrafterError`` is a notice, anything else a defect (the app
        saves the draft and writes a crash report; ``what`` was being done)."""
        if isinstance(exc, DrafterError):
            self.post_message(LoadFailed(str(exc)))
        else:
            self.post_message(LoadFailed(what, exc))

    def on_mount(self) -> None:
        self.refresh_from_draft()

    def refresh_from_draft(self) -> None:
        """Show the current draft."""

    def workspace_loaded(self) -> None:
        """The phrasebank, templates or structures finished loading: show what they add."""
        self.refresh_from_draft()

    def focus_main(self) -> None:
        """Put the focus where the writer starts in this step."""

    def jump_to(self, path: tuple[int, ...] | None) -> None:
        """Select the section at ``path`` (from a lint finding)."""


class WideStep(Step):
    """Steps 2–6: two columns of lists; their styles load with them (not at start-up)."""

    DEFAULT_CSS = """
    .columns {
        height: 1fr;
    }

    .column {
        width: 1fr;
        height: 100%;
        padding-right: 1;
    }

    .column-wide {
        width: 2fr;
        height: 100%;
        border: round $primary 40%;
    }

    #structure-preview, #headings-lint {
        height: auto;
        max-height: 10;
        border: round $secondary 40%;
        padding: 0 1;
    }

    .buttons, .filters {
        height: auto;
    }

    .buttons Button {
        width: auto;
        min-width: 6;
        margin-right: 1;
    }

    .buttons Select {
        width: 1fr;
        min-width: 12;
        margin-right: 1;
    }

    .filters Select {
        width: 1fr;
    }

    .count-input {
        width: 8;
    }

    #content-parts {
        height: 7;
    }

    #content-items {
        height: 1fr;
    }

    #content-slots {
        height: auto;
        max-height: 6;
    }

    .slot-row {
        height: 1;
    }

    .slot-label {
        width: 10;
    }

    .slot-input {
        width: 1fr;
    }

    #content-text {
        height: 6;
    }

    #preview-md {
        padding: 0 1;
    }

    #preview-stats {
        height: 1;
    }

    #export-form {
        height: 1fr;
    }

    #export-form Label {
        margin-top: 1;
    }

    #export-format {
        layout: horizontal;
        height: auto;
        width: 100%;
    }

    #export-format RadioButton {
        width: auto;
        margin-right: 1;
    }

    #export-go {
        margin-top: 1;
    }

    #export-progress {
        margin-top: 1;
    }

    #export-result {
        height: auto;
        margin-top: 1;
    }
    """
