"""Helpers shared by the wizard's Pilot tests (``from tui_wait import prefilled, wait_for``)."""

from __future__ import annotations

import time


async def wait_for(pilot, condition, what: str, timeout: float = 60.0) -> None:
    """Poll until ``condition()`` holds, without waiting for the loading workers (notices must still be
    up when a test checks them); fail naming ``what`` after ``timeout`` seconds."""
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        await pilot.pause(0.05)


async def prefilled(pilot, name: str = "县政府第三次全体会议", region: str = "青山县") -> None:
    """Type the meeting's name and 地区, wait for the material, take the plenary template: a drafted speech."""
    app = pilot.app
    app.query_one("#meeting-0").value = name
    app.query_one("#meeting-1").value = region
    await wait_for(pilot, lambda: app.workspace.phrasebank_ready and app.workspace.templates, "phrasebank")
    await wait_for(pilot, lambda: app.workspace.draft.meeting.get("地区"), "meeting in the draft")
    app.choose_structure("t:plenary")
    await wait_for(pilot, lambda: app.workspace.draft.sections, "prefilled draft")
