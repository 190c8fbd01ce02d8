"""Messages the wizard's widgets, steps and workers post; the app handles them.

Nothing in ``drafter.tui`` calls the app directly: a step that changed the
draft posts ``DraftChanged``, a worker that loaded the phrasebank posts
``PhrasebankLoaded`` (``post_message`` is thread-safe), and the app routes
them.  So no module here imports ``drafter.tui.app``.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from textual.message import Message

# ---------------------------------------------------------------- from steps and widgets


@dataclass
class DraftChanged(Message):
    """A step changed the draft: autosave and re-check soon (``meeting``: a meeting field changed)."""

    meeting: bool = False


@dataclass
class DraftReplaced(Message):
    """The whole draft changed (a structure was applied): every step shows it again."""


@dataclass
class ShowStep(Message):
    """Go to a step: a key of ``STEP_KEYS``, or ``"next"`` / ``"prev"``."""

    key: str
    focus: bool = True


@dataclass
class JumpToFinding(Message):
    """Show the step and the place a lint finding points at."""

    finding: Any


@dataclass
class ChooseStructure(Message):
    """Prefill the draft from a structure choice (``t:<template>`` or ``m:<index>``)."""

    option_id: str


@dataclass
class Reshuffle(Message):
    """换一批: suggest the whole draft again (the next seed)."""


@dataclass
class ExportRequested(Message):
    path_text: str
    fmt: str
    allow_blanks: bool = False
    heading_separator: bool = False  # run-in headings as Heading 2 with Word's style separator


@dataclass
class AddPhraseRequested(Message):
    """加入素材库: the selected text and the role of the part it was written for."""

    text: str
    role: str


@dataclass
class CopyRequested(Message):
    """复制全文: the whole speech to the clipboard."""


@dataclass
class ReviewRequested(Message):
    """Open 素材审核 (candidates from the writer's archive)."""


@dataclass
class OpenDraft(Message):
    """Open a draft file (from the command palette's recent drafts)."""

    path: Path


@dataclass
class InsertPhrase(Message):
    """Add a phrase to the part selected on the 内容 step (from the command palette)."""

    phrase_id: str


@dataclass
class JumpToSection(Message):
    """Show a section on the 内容 step (from the command palette)."""

    path: tuple[int, ...]


# ---------------------------------------------------------------- from workers (any thread)


@dataclass
class TemplatesLoaded(Message):
    templates: list[Any]


@dataclass
class PhrasebankLoaded(Message):
    bank: Any
    index: Any


@dataclass
class StructuresLoaded(Message):
    structures: list[Any]
    problem: str | None = None


@dataclass
class LoadFailed(Message):
    """Loading something failed: a notice (Chinese); for a defect, what was being done and the exception."""

    message: str
    error: BaseException | None = None


@dataclass
class Checked(Message):
    """A check of the draft finished (``result`` is a ``workspace.CheckResult``)."""

    result: Any


@dataclass
class Saved(Message):
    """An autosave was written (``note``: it had to go to another file, and why)."""

    path: Path
    note: str | None = None


@dataclass
class SaveFailed(Message):
    message: str


@dataclass
class ExportProgress(Message):
    done: int
    message: str


@dataclass
class ExportFinished(Message):
    """An export finished (``result`` is a ``workspace.ExportResult``)."""

    result: Any
    path: Path
    fmt: str
    force: bool


@dataclass
class ExportFailed(Message):
    message: str
    error: BaseException | None = None


@dataclass
class PhraseAdded(Message):
    result: Any
    bank: Any
    index: Any


@dataclass
class Resuggested(Message):
    """换一批 (or a structure chosen) finished: the new draft and the engine's warnings.

    ``meeting``: the meeting details it was suggested for (a draft for details changed since is stale);
    ``option_id``: the structure choice it came from (None: 换一批).
    """

    draft: Any
    warnings: list[str]
    meeting: dict[str, str] | None = None
    option_id: str | None = None


@dataclass
class RepeatsEarlier(Message):
    """The new draft repeats more than half of earlier drafts: ``[(title, share)]``, worst first."""

    found: list[Any]
