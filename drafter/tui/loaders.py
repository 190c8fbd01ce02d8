"""The wizard's background work: each function runs in a worker thread and reports by messages.

``post`` is the app's ``post_message`` (thread-safe).  Nothing here touches a
widget: the app handles the messages on its own thread.  A ``DrafterError``
becomes a notice; anything else is a defect, posted with the exception and what was being
done (the app writes a crash report and tells the writer where it is).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from textual.message import Message

from drafter.errors import DrafterError
from drafter.model import Draft
from drafter.tui import messages as m
from drafter.workspace import Snapshot, Workspace

Post = Callable[[Message], bool]
Failure = Callable[[str, BaseException | None], Message]


def _guarded(post: Post, work: Callable[[], Message], failed: Failure, refused: str, what: str) -> None:
    """Post what ``work`` returns; a ``DrafterError`` becomes ``failed(refused + error)``,
    anything else ``failed(what, exception)`` (``what``: what was being done, for the crash report)."""
    try:
        done = work()
    except DrafterError as exc:
        post(failed(f"{refused}{exc}", None))
        return
    except Exception as exc:
        post(failed(what, exc))
        return
    post(done)


def load_core(ws: Workspace, post: Post) -> None:
    """Templates first (the structure step lists them), then the phrasebank with its warm index."""

    def work() -> Message:
        post(m.TemplatesLoaded(ws.load_templates()))
        return m.PhrasebankLoaded(*ws.load_phrasebank())

    _guarded(post, work, m.LoadFailed, "素材库加载失败：", "加载素材库")


def load_structures(ws: Workspace, post: Post) -> None:
    try:
        post(m.StructuresLoaded(ws.load_structures()))
    except DrafterError as exc:
        post(m.StructuresLoaded([], f"结构读取失败：{exc}"))
    except Exception as exc:
        post(m.StructuresLoaded([]))
        post(m.LoadFailed("读取结构", exc))


def check(ws: Workspace, draft: Draft, bank: Any, revision: int, post: Post) -> None:
    """Check a copy of the draft taken at ``revision`` (the result carries it: a stale one is dropped)."""
    try:
        post(m.Checked(ws.check(draft, bank, revision)))
    except Exception as exc:
        post(m.LoadFailed("检查草稿", exc))


def autosave(ws: Workspace, snap: Snapshot, post: Post) -> None:
    try:
        result = ws.write(snap)
    except DrafterError as exc:
        post(m.SaveFailed(str(exc)))
        return
    if result is not None:
        post(m.Saved(result.path, result.note))


def export(
    ws: Workspace, draft: Draft, bank: Any, path: Path, fmt: str, *, force: bool, post: Post, **options: Any
) -> None:
    """Export with :meth:`Workspace.export` (``options``: its allow_blanks, heading_separator)."""

    def progress(done: int, message: str) -> None:
        post(m.ExportProgress(done, message))

    def work() -> Message:
        result = ws.export(draft, bank, path, fmt, force=force, progress=progress, **options)
        return m.ExportFinished(result, path, fmt, force)

    _guarded(post, work, m.ExportFailed, "导出失败：", "导出")


def add_phrase(ws: Workspace, role: str, function: str, text: str, topics: list[str], post: Post) -> None:
    def work() -> Message:
        return m.PhraseAdded(*ws.add_phrase(role, function, text, topics))

    _guarded(post, work, m.LoadFailed, "未加入：", "加入素材库")


def find_repeats(ws: Workspace, draft: Draft, bank: Any, post: Post) -> None:
    """Earlier drafts the new one repeats more than half of (autosave history)."""
    try:
        found = ws.repeated_drafts(draft, bank)
    except DrafterError:
        return  # the check itself shows why the draft does not render
    if found:
        post(m.RepeatsEarlier(found))


def reshuffle(ws: Workspace, meeting: dict[str, str], post: Post) -> None:
    """换一批: the whole draft suggested again with the next seed, for ``meeting`` (taken on the UI thread)."""

    def work() -> Message:
        draft, warnings = ws.suggest_again(meeting)
        return m.Resuggested(draft, warnings, meeting)

    _guarded(post, work, m.LoadFailed, "换一批失败：", "换一批")
