"""Command line entry point: a thin shell over the core.

Each area registers its subcommands from its own module (``cli_corpus``,
``cli_phrasebank``, ``cli_draft`` ...).  Every handler returns an exit code;
errors from the core reach the user as ``FILE:LINE: message`` in Chinese,
never as a traceback.
"""

from __future__ import annotations

import argparse
import importlib
import os
import re
import sys
from collections.abc import Callable, Sequence
from typing import Any, NoReturn

from drafter.errors import DrafterError
from drafter.util.crash import crash_message, write_crash_report
from drafter.util.fsutil import describe_os_error_for_user, precheck_output_path

# Modules that provide ``register(subparsers)``.
COMMAND_MODULES = (
    "drafter.cli.corpus",
    "drafter.cli.mine",
    "drafter.cli.library",
    "drafter.cli.phrasebank",
    "drafter.cli.draft",
    "drafter.cli.lint",
    "drafter.cli.export",
    "drafter.cli.serve",
    "drafter.cli.tui",
)


_ARGPARSE_MESSAGES = (
    (re.compile(r"the following arguments are required: (.*)"), r"缺少必需的参数：\1"),
    (re.compile(r"unrecognized arguments: (.*)"), r"无法识别的参数：\1"),
    (
        re.compile(r"argument (\S+): invalid choice: (.*?) \(choose from (.*)\)"),
        r"参数 \1 的取值 \2 无效（可选：\3）",
    ),
    (re.compile(r"argument (\S+): expected one argument"), r"参数 \1 需要一个值"),
    (re.compile(r"argument (\S+): invalid (\w+) value: (.*)"), r"参数 \1 的值 \3 无效"),
    (re.compile(r"argument (\S+): not allowed with argument (\S+)"), r"参数 \1 不能与 \2 同时使用"),
)


def _translate(message: str) -> str:
    for pattern, replacement in _ARGPARSE_MESSAGES:
        if pattern.search(message):
            return pattern.sub(replacement, message)
    return message


class _Parser(argparse.ArgumentParser):
    """argparse with Chinese help, Chinese usage errors and exit code 2."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        add_help = kwargs.pop("add_help", True)
        super().__init__(*args, add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument(
                "-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出"
            )

    def _get_formatter(self) -> argparse.HelpFormatter:
        formatter = super()._get_formatter()
        add_usage = formatter.add_usage

        def chinese_usage(usage: Any, actions: Any, groups: Any, prefix: str | None = None) -> None:
            add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

        formatter.add_usage = chinese_usage  # type: ignore[method-assign]
        return formatter

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        sys.stderr.write(f"drafter: 参数错误：{_translate(message)}\n")
        raise SystemExit(2)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(
        prog="drafter",
        description="讲稿助手：挖掘讲话稿语料、管理素材库、起草并导出公文格式讲话稿。不带参数运行时打开向导界面。",
    )
    parser.add_argument("--version", action="version", version=_version(), help="显示版本号并退出")
    sub = parser.add_subparsers(dest="command", metavar="命令", parser_class=_Parser)
    for name in COMMAND_MODULES:
        importlib.import_module(name).register(sub)
    return parser


def _version() -> str:
    from drafter import __version__

    return f"drafter {__version__}"


def _configure_stdio() -> None:
    for stream in (sys.stdout, sys.stderr):
        reconfigure = getattr(stream, "reconfigure", None)
        if reconfigure is not None:
            try:
                reconfigure(errors="replace")
            except (ValueError, OSError):
                pass


def main(argv: Sequence[str] | None = None) -> int:
    _configure_stdio()
    args_list = list(sys.argv[1:] if argv is None else argv)
    parser = build_parser()
    args = parser.parse_args(args_list)
    func: Callable[[argparse.Namespace], int] | None = getattr(args, "func", None)
    if func is None:
        from drafter.cli.tui import run_default

        func = run_default
    try:
        output = getattr(args, "output", None)
        if isinstance(output, str):  # every -o: refuse unusable paths before any work
            precheck_output_path(output)
        return int(func(args) or 0)
    except DrafterError as exc:
        print(f"drafter: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("drafter: 已中断", file=sys.stderr)
        return 130
    except BrokenPipeError:
        return 0
    except OSError as exc:  # a path no command checked: Chinese reason naming the path
        print(f"drafter: {describe_os_error_for_user(exc)}", file=sys.stderr)
        return 1
    except Exception as exc:  # never show a traceback to a writer
        if os.environ.get("DRAFTER_DEBUG"):
            raise
        report = write_crash_report(exc, where=f"drafter {' '.join(args_list[:1])}".strip())
        print(f"drafter: {crash_message(report, error=exc)}", file=sys.stderr)
        return 70


if __name__ == "__main__":
    raise SystemExit(main())
