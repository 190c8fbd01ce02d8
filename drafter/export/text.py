"""Markdown and plain-text export of a speech, and the text helpers the Word export shares."""

from __future__ import annotations

import re

from drafter.model import Section, Speech
from drafter.outline import speech_to_text

_SENTENCE_END = "。！？；…"


def heading_text(section: Section) -> str:
    """Marker and heading; a run-in heading ends with its 。 (added when the parser stripped it)."""
    heading = f"{section.marker}{section.heading.strip()}"
    if section.run_in and section.heading.strip() and not heading.endswith(tuple(_SENTENCE_END)):
        heading += "。"
    return heading


def front_lines(speech: Speech) -> list[str]:
    """Subtitle, speaker and date lines (the date in full-width brackets), as present."""
    lines = [speech.subtitle, speech.speaker]
    if speech.date and speech.date.strip():
        lines.append(f"（{speech.date.strip().strip('（）()')}）")
    return [line.strip() for line in lines if line and line.strip()]


def split_lines(text: str) -> list[str]:
    return text.split("\n")


# --- Markdown and plain text ----------------------------------------------------

_MD_SPECIAL = re.compile(r"([\\`*_\[\]<>|~])")
_MD_LINE_START = re.compile(r"^(\s*)(#|>|[-+=]|\d+[.)])")


def _md_inline(text: str) -> str:
    return _MD_SPECIAL.sub(r"\\\1", text)


def _md_escape(text: str) -> str:
    """Escape a line of text so that Markdown shows it literally (no emphasis, list or heading)."""
    text = _md_inline(text)
    m = _MD_LINE_START.match(text)
    if m:
        lead, token = m.group(1), m.group(2)
        if token[0].isdigit():
            token = token[:-1] + "\\" + token[-1]
        else:
            token = "\\" + token
        text = lead + token + text[m.end() :]
    return text


_CJK_PUNCT_END = "。，、；：！？…—"


def _md_strong(text: str) -> str:
    """``**text**`` that still closes when the text ends in CJK punctuation before more text.

    CommonMark does not close ``**`` between a punctuation mark and a letter, so
    trailing punctuation goes after the closing ``**``.
    """
    core = text.rstrip(_CJK_PUNCT_END)
    tail = text[len(core) :]
    if not core:
        return _md_escape(text)
    return f"**{_md_escape(core)}**{_md_inline(tail)}"


def _md_section(section: Section, depth: int, out: list[str]) -> None:
    level = max(1, section.level or depth)
    heading = heading_text(section)
    paras = list(section.paragraphs)
    if section.run_in:
        first = paras.pop(0).text.strip() if paras else ""
        text = _md_strong(heading)
        if first:
            text += _md_inline(first)
        out.append(text)
    else:
        out.append("#" * min(level + 1, 6) + " " + _md_inline(heading))
    for para in paras:
        for line in split_lines(para.text):
            out.append(_md_escape(line.strip()))
    for child in section.children:
        _md_section(child, depth + 1, out)


def speech_to_markdown(speech: Speech) -> str:
    """Markdown for previews and ``.md`` export: ``#`` title, ``##`` 一、 headings, ``###`` （一）,
    run-in headings bold followed by their text."""
    out: list[str] = []
    if speech.title:
        out.append("# " + _md_inline(speech.title.strip()))
    for line in front_lines(speech):
        out.append(f"*{_md_escape(line)}*")
    if speech.salutation:
        out.append(_md_escape(speech.salutation.strip()))
    for para in speech.opening:
        for line in split_lines(para.text):
            out.append(_md_escape(line.strip()))
    for section in speech.sections:
        _md_section(section, 1, out)
    for para in speech.closing:
        for line in split_lines(para.text):
            out.append(_md_escape(line.strip()))
    return "\n\n".join(out) + "\n"


def speech_to_plain(speech: Speech) -> str:
    """Corpus-shaped plain text with its markers: the parser's own ``speech_to_text``, so that
    parsing the exported text gives the same outline."""
    return speech_to_text(speech)
