"""Polling helper shared by the wizard's Pilot tests (imported as ``from tui_wait import wait_for``)."""

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
