"""Errors that reach users: a Chinese message, and the file and line it concerns."""

from __future__ import annotations

from dataclasses import dataclass


class DrafterError(Exception):
    """An error to show a user as ``FILE:LINE: message`` (never as a traceback)."""

    def __init__(self, message: str, file: str | None = None, line: int | None = None):
        super().__init__(message)
        self.message = message
        self.file = file
        self.line = line

    def __str__(self) -> str:
        return format_location(self.file, self.line, self.message)


@dataclass
class Problem:
    """A validation finding (phrasebank check, template check ...)."""

    file: str
    line: int
    message: str
    severity: str = "error"  # "error" or "warning"
    column: int | None = None

    def __str__(self) -> str:
        return format_location(self.file, self.line, self.message)


def format_location(file: str | None, line: int | None, message: str) -> str:
    if file and line:
        return f"{file}:{line}: {message}"
    if file:
        return f"{file}: {message}"
    return message


def yaml_reader_error(text: str, exc: Exception) -> tuple[str, int | None]:
    """Message and 1-based line for a PyYAML ``ReaderError`` (a control character in the text).

    PyYAML reports it in English with a character offset; writers need the
    line and a reason in Chinese.
    """
    code = getattr(exc, "character", None)
    position = getattr(exc, "position", None)
    shown = f"（U+{code:04X}）" if isinstance(code, int) else ""
    line = None
    if isinstance(position, int):
        if position < len(text) and isinstance(code, int) and ord(text[position]) == code:
            line = text.count("\n", 0, position) + 1  # pure-Python reader: a character offset
        else:  # libyaml counts bytes of the UTF-8 encoding
            line = text.encode("utf-8", errors="replace")[:position].count(b"\n") + 1
    return f"文件含有不允许的控制字符{shown}，可能是二进制文件或编码错误，请另存为 UTF-8 文本", line
