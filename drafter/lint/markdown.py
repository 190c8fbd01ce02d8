"""Markdown as the exporter writes it (headings, bold, quotes, whole-line italics) read back as plain text."""

from __future__ import annotations

import re

_MD_PREFIX = re.compile(r"^\s{0,3}(?:#{1,6}\s*|>\s?|[-+]\s+(?=\S))")
_MD_RULE = re.compile(r"\s*(?:-{3,}|\*{3,}|_{3,})\s*")
_MD_EMPHASIS = re.compile(r"(\*\*|__)(.+?)\1")
# Only a whole line in *…* is italics; a lone * inside running text stays a placeholder.
_MD_WHOLE_ITALIC = re.compile(r"^\s*[*_](?![*_\s])(.+?)(?<![\s*_])[*_]\s*$")


def markdown_line(line: str) -> str:
    """One line of Markdown as exported (heading, bold, quote, whole-line italics) as plain text."""
    line = line.rstrip()
    if _MD_RULE.fullmatch(line):
        return ""
    line = _MD_PREFIX.sub("", line)
    line = _MD_EMPHASIS.sub(r"\2", line)
    whole = _MD_WHOLE_ITALIC.match(line)
    if whole:  # *——在…上的讲话* as the exporter writes front matter
        line = whole.group(1)
    return line.replace("\\*", "*")


def markdown_to_text(text: str) -> str:
    return "\n".join(markdown_line(line) for line in text.splitlines())


__all__ = ["markdown_line", "markdown_to_text"]
