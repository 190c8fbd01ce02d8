"""Length: the target of a suggested draft, and what a text amounts to (字数, 约N分钟, 约N页).

A speech is read at about 230 字/分钟 (the usual range for a leader reading a
prepared text is 220-250; ``rate`` changes it).  The default target is a full
speech of about 20 minutes (~4,600 characters).  A page is a GB/T 9704 page:
22 lines of 28 characters, each paragraph starting on a new line with a
two-character indent.
"""

from __future__ import annotations

import math
import re
from typing import NamedTuple

__all__ = [
    "CHARS_PER_LINE",
    "DEFAULT_MINUTES",
    "DEFAULT_RATE",
    "LINES_PER_PAGE",
    "TOLERANCE",
    "LengthInfo",
    "count_chars",
    "length_info",
    "target_chars",
]

DEFAULT_RATE = 230  # 字/分钟
DEFAULT_MINUTES = 20
TOLERANCE = 0.15  # a suggestion aims within ±15 % of the target
LINES_PER_PAGE = 22
CHARS_PER_LINE = 28
_SPACE_RE = re.compile(r"\s+")


class LengthInfo(NamedTuple):
    """字数, 约N分钟, 约N页 of a text."""

    chars: int
    minutes: int
    pages: int

    def label(self) -> str:
        return f"{self.chars}字 · 约{self.minutes}分钟 · 约{self.pages}页"


def count_chars(text: str) -> int:
    """Characters a reader reads: everything but white space."""
    return len(_SPACE_RE.sub("", text))


def target_chars(minutes: float | None = None, chars: int | None = None, rate: int = DEFAULT_RATE) -> int:
    """The target length: ``chars`` if given, else ``minutes`` (default 20) at ``rate`` 字/分钟."""
    if chars is not None:
        return max(1, int(chars))
    return max(1, round((DEFAULT_MINUTES if minutes is None else minutes) * rate))


def length_info(text: str, rate: int = DEFAULT_RATE) -> LengthInfo:
    """(字数, 约N分钟, 约N页): minutes at ``rate``; pages of 22 lines × 28 characters."""
    chars = count_chars(text)
    lines = 0
    for paragraph in text.splitlines():
        n = count_chars(paragraph)
        if n:
            lines += math.ceil((n + 2) / CHARS_PER_LINE)  # two-character indent
    minutes = round(chars / rate) if chars else 0
    pages = math.ceil(lines / LINES_PER_PAGE) if lines else 0
    return LengthInfo(chars, max(minutes, 1) if chars else 0, pages)
