"""``drafter tui [FILE]`` and ``drafter`` with no arguments: the drafting wizard."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path
from typing import Any

from drafter.errors import DrafterError
from drafter.util import crash_message, write_crash_report
from drafter.util.safeio import check_regular


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser("tui", help="打开起草向导（不带参数运行 drafter 也会打开）")
    parser.add_argument("file", nargs="?", help="要打开的草稿文件（.yaml）")
    parser.add_argument("--no-resume", action="store_true", help="启动时不询问是否继续自动保存的草稿")
    parser.set_defaults(func=run_tui)


def run_tui(args: argparse.Namespace) -> int:
    file = getattr(args, "file", None)
    if file:
        path = Path(file)
        if not path.exists():
            raise DrafterError("文件不存在", str(path))
        if path.is_dir():
            raise DrafterError("这是一个文件夹，请给出草稿文件（.yaml）", str(path))
        check_regular(path, what="草稿文件")  # a FIFO or a device would hang the wizard
    if not _interactive():
        raise DrafterError("向导界面需要在终端中运行（标准输入/输出不是终端）；命令行用法见 drafter --help")
    from drafter.tui.app import DrafterApp

    app = DrafterApp(file, resume=not getattr(args, "no_resume", False))
    try:
        code = app.run()
    except Exception as exc:  # Textual itself failed: the draft is saved and the problem written down
        if os.environ.get("DRAFTER_DEBUG"):
            raise
        print(f"drafter: {_crash_after_run(app, exc)}", file=sys.stderr)
        return 70
    if app._crash:
        # the wizard saved the draft and wrote the crash report before it ended
        print(f"drafter: {app._crash}", file=sys.stderr)
        return 70
    if app.last_export is not None:
        print(f"已导出：{app.last_export}")
    return int(code or 0)


def _crash_after_run(app: Any, exc: BaseException) -> str:
    """Save the wizard's draft (if it has one) and write a crash report; the sentence to print."""
    saved: bool | None = None
    unsaved = ""
    workspace = app.workspace
    if workspace.touched:
        try:
            workspace.save_now()
            saved = True
        except DrafterError as error:
            saved, unsaved = False, str(error)
    elif workspace.spec_path is not None:
        saved = True
    report = write_crash_report(
        exc, where="drafter tui", details={"draft": {True: "saved", False: "not saved", None: "none"}[saved]}
    )
    return crash_message(report, error=exc, saved=saved, unsaved=unsaved)


def run_default(args: argparse.Namespace) -> int:
    """What ``drafter`` with no arguments runs: the wizard in a terminal; in a pipe or script,
    the outline summary of the shipped corpus (there is no screen to draw the wizard on)."""
    if not _interactive():
        from drafter.cli.corpus import run_default_summary

        print("（不在终端中运行，向导界面无法打开；以下是自带语料的结构摘要。）")
        return run_default_summary(args)
    return run_tui(args)


def _interactive() -> bool:
    return (sys.stdin.isatty() and sys.stdout.isatty()) or bool(os.environ.get("DRAFTER_FORCE_TUI"))
