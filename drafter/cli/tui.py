"""``drafter tui [FILE]`` and ``drafter`` with no arguments: the drafting wizard."""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

from drafter.errors import DrafterError
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
    code = app.run()
    if app._crash:
        print(
            f"drafter: 内部错误：{app._crash}\n"
            "（草稿已自动保存；这是程序缺陷，请报告给维护者；设置 DRAFTER_DEBUG=1 可看到详细信息）",
            file=sys.stderr,
        )
        return 70
    if app.last_export is not None:
        print(f"已导出：{app.last_export}")
    return int(code or 0)


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
