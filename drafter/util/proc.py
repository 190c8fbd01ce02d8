"""Child processes that cannot outlive drafter: each runs in its own process group, and the whole
group is killed on a timeout or an interrupt (LibreOffice starts helpers of its own)."""

from __future__ import annotations

import os
import signal
import subprocess


def run_in_group(
    cmd: list[str], *, timeout: float, env: dict[str, str] | None = None
) -> tuple[int, bytes, bytes]:
    """(return code, stdout, stderr) of ``cmd``, run with stdin closed in a process group of its own.

    Raises ``OSError`` when it cannot start, and ``subprocess.TimeoutExpired`` once the whole group
    is killed when it ran longer than ``timeout`` seconds; an interrupt while waiting kills it too.
    """
    proc = subprocess.Popen(
        cmd,
        stdin=subprocess.DEVNULL,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        start_new_session=True,
    )
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        kill_group(proc)
        proc.communicate()
        raise
    finally:
        if proc.poll() is None:  # KeyboardInterrupt while waiting
            kill_group(proc)
            proc.wait()
    return proc.returncode, out, err


def kill_group(proc: subprocess.Popen[bytes]) -> None:
    """SIGKILL the process group ``proc`` leads (just ``proc`` where there are no groups)."""
    try:
        os.killpg(proc.pid, signal.SIGKILL)
    except (OSError, AttributeError):  # AttributeError: no killpg (Windows)
        proc.kill()
