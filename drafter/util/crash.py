"""Crash reports: when the program itself fails (a defect, not the writer's material), the details go to a
file the writer can send to the maintainers, and the writer reads one plain sentence in Chinese.

``write_crash_report(error, where=..., details=...)`` writes the traceback, the versions, where it happened
and the given details atomically to ``<user data dir>/crash/crash-<UTC time>-<pid>.txt`` and returns the
path (None when it could not be written).  ``crash_message(report, ...)`` is the sentence to show.

A report holds no environment variables, no draft text and no meeting details; paths under the home
folder are written as ``~``.  At most ``KEEP_REPORTS`` reports are kept (the oldest go first).
"""

from __future__ import annotations

import os
import sys
import time
from collections.abc import Mapping
from pathlib import Path

from drafter.errors import DrafterError
from drafter.util.fsutil import atomic_write
from drafter.util.resources import crash_reports_dir

KEEP_REPORTS = 50
MAX_REPORT_CHARS = 64_000  # a runaway exception message (a whole file in a ValueError) is cut

__all__ = ["KEEP_REPORTS", "crash_message", "crash_summary", "write_crash_report"]


def crash_summary(error: BaseException) -> str:
    """``ExcType: message`` on one line, bounded (for a notice when no report could be written)."""
    message = " ".join(str(error).split())
    if len(message) > 200:
        message = message[:200] + "…"
    return f"{type(error).__name__}: {message}" if message else type(error).__name__


def _version(package: str) -> str:
    from importlib.metadata import PackageNotFoundError, version  # only when a report is written

    try:
        return version(package)
    except PackageNotFoundError:
        return "未安装"


def _without_home(text: str) -> str:
    try:
        home = str(Path.home())
    except RuntimeError:  # no home folder known
        return text
    return text.replace(home, "~") if len(home) > 1 else text


def report_text(error: BaseException, where: str = "", details: Mapping[str, str] | None = None) -> str:
    """The text of a crash report (English keys for the maintainers, the traceback as Python prints it)."""
    # Imported only when a report is written: platform ~4 ms, traceback ~11 ms (with textwrap) at start-up.
    import platform
    import traceback

    lines = [
        "drafter crash report（讲稿助手程序问题记录：请把这个文件发给维护者）",
        f"time: {time.strftime('%Y-%m-%dT%H:%M:%SZ', time.gmtime())}",
        f"drafter: {_version('drafter')}",
        f"python: {platform.python_version()} ({platform.python_implementation()})",
        f"platform: {platform.platform()}",
    ]
    if "textual" in sys.modules:  # only report what the failing process had loaded
        lines.append(f"textual: {_version('textual')}")
    if where:
        lines.append(f"where: {where}")
    for key, value in (details or {}).items():
        lines.append(f"{key}: {value}")
    lines.append("")
    trace = "".join(traceback.format_exception(type(error), error, error.__traceback__))
    lines.append(trace.rstrip("\n"))
    text = _without_home("\n".join(lines)) + "\n"
    if len(text) > MAX_REPORT_CHARS:
        text = text[: MAX_REPORT_CHARS // 2] + "\n…（中间省略）…\n" + text[-MAX_REPORT_CHARS // 2 :]
    return text


def _prune(folder: Path, keep: int) -> None:
    try:
        reports = sorted(folder.glob("crash-*.txt"))
    except OSError:
        return
    for old in reports[: max(0, len(reports) - keep)]:
        try:
            old.unlink()
        except OSError:
            pass


def write_crash_report(
    error: BaseException, *, where: str = "", details: Mapping[str, str] | None = None
) -> Path | None:
    """Write a crash report for ``error`` (atomically); its path, or None when it could not be written.

    ``where``: what the program was doing (``检查草稿``, ``drafter suggest`` …); ``details``: further
    lines (the wizard's step …) — never draft text or meeting details.  Never raises.
    """
    try:
        folder = crash_reports_dir()
        folder.mkdir(parents=True, exist_ok=True)
        _prune(folder, KEEP_REPORTS - 1)
        stamp = time.strftime("%Y%m%d-%H%M%S", time.gmtime())
        path = folder / f"crash-{stamp}-{os.getpid()}.txt"
        n = 1
        while path.exists():
            n += 1
            path = folder / f"crash-{stamp}-{os.getpid()}-{n}.txt"
        return atomic_write(path, report_text(error, where, details), overwrite=False)
    except (OSError, DrafterError):
        return None
    except Exception:  # a report must never turn one failure into two
        return None


def crash_message(
    report: Path | None, *, error: BaseException | None = None, saved: bool | None = None, unsaved: str = ""
) -> str:
    """The sentence a writer reads after a program failure (Chinese).

    ``saved``: True — the draft was autosaved just now; False — it could not be (``unsaved`` says why);
    None — there is no draft (a command line run).  Without a report (it could not be written) the
    one-line summary of ``error`` is given to pass on instead.
    """
    head = "出现了程序问题（不是您的材料有误）"
    if saved is True:
        head += "，已保存草稿"
    elif saved is False:
        head += f"，但草稿未能保存（{unsaved or '原因不明'}）"
    if report is not None:
        return f"{head}；问题记录在 {report}，请把它发给维护者"
    summary = crash_summary(error) if error is not None else ""
    return (
        f"{head}；问题记录未能写入文件，请把这一行告诉维护者：{summary}"
        if summary
        else f"{head}；请告诉维护者"
    )
