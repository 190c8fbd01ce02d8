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
