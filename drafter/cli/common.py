"""Helpers shared by the command modules: the one ``--workers`` rule, progress on stderr, paths as shown."""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

from drafter.errors import DrafterError


def cpu_count() -> int:
    return os.cpu_count() or 1


def workers_message() -> str:
    """The one message every ``--workers`` gives for a value out of range."""
    return f"--workers 应为 1 到 {cpu_count()} 之间的整数（本机有 {cpu_count()} 个处理器核心）"


def check_workers(value: int | None) -> int | None:
    """``--workers``: 1 ≤ N ≤ the number of CPU cores (None: the command's default)."""
    if value is None:
        return None
    if not 1 <= value <= cpu_count():
        raise DrafterError(workers_message())
    return value


def add_workers_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--workers",
        type=int,
        default=None,
        metavar="N",
        help="并行进程数（默认最多 2 个）",
    )


def add_command(
    subparsers: argparse._SubParsersAction,
    name: str,
    func: Callable[[argparse.Namespace], int],
    *,
    help: str,
    description: str,
) -> argparse.ArgumentParser:
    """The subcommand ``name`` that ``func`` runs."""
    parser = subparsers.add_parser(name, help=help, description=description)
    parser.set_defaults(func=func)
    return parser


def display_path(path: str | Path) -> str:
    """A path as the user should read it: relative to the current folder when inside it, else with ~."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        pass
    home = Path.home()
    try:
        return "~/" + str(p.resolve().relative_to(home))
    except (ValueError, OSError, RuntimeError):
        return str(p)


class Progress:
    """Progress of a long job on stderr: one rewritten line on a terminal, else a line every 10 %.

    Silent when ``enabled`` is false or the job has fewer than ``min_total`` items (with a ``delay``, a
    smaller job shows its progress once it has taken that many seconds).  ``pipe=False``: nothing
    but on a terminal.  ``template`` is the terminal line (fields ``verb``, ``done``, ``total``, ``name``).
    """

    def __init__(
        self,
        verb: str,
        *,
        enabled: bool = True,
        min_total: int = 20,
        stream: TextIO | None = None,
        delay: float | None = None,
        pipe: bool = True,
        template: str = "{verb} {done}/{total} {name:40.40}",
    ):
        self.verb = verb
        self.enabled = enabled
        self.min_total = min_total
        self.stream = stream or sys.stderr
        self.tty = bool(getattr(self.stream, "isatty", lambda: False)())
        self.delay = delay
        self.pipe = pipe
        self.template = template
        self.last_decile = -1
        self.shown = False
        self.start = time.perf_counter()

    def _due(self, total: int) -> bool:
        if total >= self.min_total or self.shown:
            return True
        return self.delay is not None and self.elapsed() >= self.delay

    def __call__(self, done: int, total: int, name: str) -> None:
        if not self.enabled or not self._due(total):
            return
        if self.tty:
            line = self.template.format(verb=self.verb, done=done, total=total, name=name)
            self.stream.write("\r" + line)
            self.stream.flush()
            self.shown = True
            return
        decile = done * 10 // total
        if self.pipe and decile != self.last_decile:
            self.last_decile = decile
            self.stream.write(f"{self.verb} {done}/{total}（{decile * 10}%）\n")
            self.stream.flush()

    def elapsed(self) -> float:
        return time.perf_counter() - self.start

    def finish(self) -> None:
        if self.shown:
            self.stream.write("\n")
            self.stream.flush()
            self.shown = False
