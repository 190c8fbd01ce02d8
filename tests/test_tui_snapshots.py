"""SVG snapshots of each step of the wizard at 120×40 (pytest-textual-snapshot).

Regenerate with ``python -m pytest tests/test_tui_snapshots.py --snapshot-update`` after an
intended change of the screens (or of the shipped phrasebank/templates they show), and look at
the SVGs under tests/__snapshots__/ before accepting them.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

pytest.importorskip("pytest_textual_snapshot")

from textual.widgets import Input, OptionList, TextArea

from drafter.tui.app import DrafterApp

SIZE = (120, 40)
ROOT = Path(__file__).resolve().parent.parent
MEETING = ("县政府第三次全体会议", "青山县", "张明", "县长", "2024年3月1日", "政府全体会议", "")


@pytest.fixture(autouse=True)
def dirs(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_USER_DIR", str(tmp_path / "user"))
    # A fixed (not created) folder, so the export path shown is the same on every run.
    monkeypatch.setenv("DRAFTER_EXPORT_DIR", "/tmp/drafter-snapshots")
    monkeypatch.chdir(tmp_path)


async def _until(pilot, condition, timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "timed out"
        await pilot.app.workers.wait_for_complete()
        await pilot.pause(0.05)


async def _steady(pilot) -> None:
    """No blinking cursors, no toasts, no pending work."""
    app = pilot.app
    await _until(
        pilot,
        lambda: (
            app.workspace.phrasebank_ready
            and app.workspace.structures_loaded
            and not app._dirty_lint
            and not app._dirty_save
        ),
    )
    await app.workers.wait_for_complete()
    for widget in app.query(Input):
        widget.cursor_blink = False
    for widget in app.query(TextArea):
        widget.cursor_blink = False
    app.clear_notifications()
    await pilot.pause()


def _prepared(step: int):
    async def run_before(pilot) -> None:
        app = pilot.app
        for i, value in enumerate(MEETING):
            app.query_one(f"#meeting-{i}", Input).value = value
        await _until(pilot, lambda: app.workspace.phrasebank_ready and app.workspace.templates)
        # the Input.Changed messages reach the draft asynchronously: suggest from the whole meeting
        await _until(
            pilot,
            lambda: app.workspace.draft.meeting.get("日期") and app.workspace.draft.meeting.get("会议类型"),
        )
        if step > 0:
            app.choose_structure("t:plenary")
            await _until(pilot, lambda: app.workspace.draft.sections)
            await pilot.press("ctrl+n")
            app.action_go(step)
        await pilot.pause()
        if step == 2:
            app.query_one("#headings-sections", OptionList).highlighted = 1
        if step == 3:
            parts = app.query_one("#content-parts", OptionList)
            parts.highlighted = 1
        await _steady(pilot)

    return run_before


def _app(corpus: bool = False) -> DrafterApp:
    return DrafterApp(corpus=[ROOT / "seeds"] if corpus else [])


def test_snapshot_meeting(snap_compare):
    async def run_before(pilot) -> None:
        app = pilot.app
        app.query_one("#meeting-0", Input).value = "县政府第三次全体会议"
        app.query_one("#meeting-4", Input).value = "2024-13-01"  # shows the reason beside the field
        app.query_one("#meeting-0", Input).focus()
        await _steady(pilot)

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_structure(snap_compare):
    async def run_before(pilot) -> None:
        app = pilot.app
        await _until(
            pilot, lambda: app.workspace.structures_loaded and app.workspace.phrasebank_ready, timeout=60
        )
        await _prepared(1)(pilot)
        app.query_one("#structure-choices", OptionList).highlighted = 2
        await _until(pilot, lambda: "预填提纲" in str(app.query_one("#structure-preview").render()))
        await _steady(pilot)

    assert snap_compare(_app(corpus=True), terminal_size=SIZE, run_before=run_before)


def test_snapshot_headings(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_prepared(2))


def test_snapshot_content(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_prepared(3))


def test_snapshot_preview(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_prepared(4))


def test_snapshot_export(snap_compare):
    assert snap_compare(_app(), terminal_size=SIZE, run_before=_prepared(5))


def test_snapshot_help(snap_compare):
    async def run_before(pilot) -> None:
        await _steady(pilot)
        await pilot.press("f1")
        await pilot.pause()

    assert snap_compare(_app(), terminal_size=SIZE, run_before=run_before)


def test_snapshot_meeting_80x24(snap_compare):
    async def run_before(pilot) -> None:
        app = pilot.app
        for i, value in enumerate(MEETING):
            app.query_one(f"#meeting-{i}", Input).value = value
        app.query_one("#meeting-0", Input).focus()
        await _steady(pilot)

    assert snap_compare(_app(), terminal_size=(80, 24), run_before=run_before)
