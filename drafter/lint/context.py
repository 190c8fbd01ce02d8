"""What every rule sees: the speech, its text units with lines and section paths, the meeting.

:class:`LintContext` formats locations (``plenary.txt:12 二、（三）``) and builds findings;
rules reach another rule's findings through :meth:`LintContext.results` (computed once).
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cached_property

from drafter.lint.dates import date_text, meeting_year, month_in, year_in
from drafter.lint.finding import Finding
from drafter.lint.registry import get_rule
from drafter.model import Section, Speech

AREA_LABELS = {"front": "标题部分", "opening": "开场", "closing": "结尾"}


@dataclass
class Unit:
    """One piece of text in a speech with its line and section path."""

    text: str
    line: int | None
    path: tuple[int, ...] | None  # index path into Speech.sections
    area: str  # "front", "opening", "heading", "body", "closing"


def walk(sections: list[Section], prefix: tuple[int, ...] = ()) -> Iterator[tuple[tuple[int, ...], Section]]:
    """Every section with its index path, in reading order."""
    for i, section in enumerate(sections):
        path = (*prefix, i)
        yield path, section
        yield from walk(section.children, path)


def units_of(speech: Speech) -> list[Unit]:
    units: list[Unit] = []
    front_line = speech.line or None
    for text in (speech.title, speech.subtitle, speech.date, speech.speaker):
        if text:
            units.append(Unit(text, front_line, None, "front"))
    for para in speech.opening:
        units.append(Unit(para.text, para.line or None, None, "opening"))
    for path, section in walk(speech.sections):
        units.append(Unit(section.marker + section.heading, section.line or None, path, "heading"))
        for para in section.paragraphs:
            units.append(Unit(para.text, para.line or None, path, "body"))
    for para in speech.closing:
        units.append(Unit(para.text, para.line or None, None, "closing"))
    return units


def snippet(text: str, start: int, end: int, width: int = 8) -> str:
    left = max(0, start - width)
    right = min(len(text), end + width)
    out = text[left:right].replace("\n", " ")
    return ("…" if left else "") + out + ("…" if right < len(text) else "")


def short(text: str, limit: int = 30) -> str:
    text = text.replace("\n", " ")
    return text if len(text) <= limit else text[:limit] + "…"


class LintContext:
    """One speech being linted, with what is known about its meeting."""

    def __init__(
        self,
        speech: Speech,
        *,
        draft: bool = False,
        year: int | None = None,
        date: object = None,
        meeting: Mapping[str, object] | None = None,
        target_chars: int | None = None,
    ):
        self.speech = speech
        self.draft = draft
        self.given_year = year
        self.meeting = {k: str(v) for k, v in (meeting or {}).items() if v is not None and str(v).strip()}
        self.date = date_text(date) or self.meeting.get("日期", "")
        self.target_chars = target_chars
        self._results: dict[str, list[Finding]] = {}
        self._markers: dict[tuple[int, ...], str] = {}
        for path, section in walk(speech.sections):
            parent = self._markers.get(path[:-1], "")
            self._markers[path] = parent + section.marker.strip()

    # ------------------------------------------------------------ facts

    @cached_property
    def units(self) -> list[Unit]:
        return units_of(self.speech)

    @cached_property
    def year(self) -> int | None:
        """The meeting year: ``year=``, else the given date or meeting date, else the speech's own."""
        return self.given_year or year_in(self.date) or meeting_year(self.speech)

    @cached_property
    def month(self) -> int | None:
        """The meeting month from the given date / meeting date, else the speech's date line."""
        return month_in(self.date) or month_in(self.speech.date)

    @cached_property
    def last_line(self) -> int | None:
        lines = [u.line for u in self.units if u.line]
        return max(lines) if lines else (self.speech.line or None)

    def results(self, rule_id: str) -> list[Finding]:
        """The findings of rule ``rule_id`` for this speech (each rule runs once)."""
        if rule_id not in self._results:
            self._results[rule_id] = get_rule(rule_id).check(self)
        return self._results[rule_id]

    # ------------------------------------------------------------ locations

    def location(self, line: int | None, path: tuple[int, ...] | None = None, area: str = "") -> str:
        source = self.speech.source
        parts = []
        if line:
            if self.draft:
                parts.append(f"{source} 渲染稿第{line}行" if source else f"渲染稿第{line}行")
            elif source:
                parts.append(f"{source}:{line}")
            else:
                parts.append(f"第{line}行")
        elif source:
            parts.append(source)
        if path is not None and path in self._markers:
            parts.append(self._markers[path])
        elif area in AREA_LABELS:
            parts.append(AREA_LABELS[area])
        return " ".join(parts) if parts else "全文"

    def finding(
        self,
        rule: str,
        severity: str,
        message: str,
        line: int | None,
        path: tuple[int, ...] | None = None,
        area: str = "",
    ) -> Finding:
        return Finding(
            rule=rule,
            severity=severity,
            message=message,
            location=self.location(line, path, area),
            line=line or None,
            section=path,
        )


SENTENCE_END = "。！？；!?;"
_SENTENCE = re.compile(r"[^。！？；!?;]*[。！？；!?;]+|[^。！？；!?;]+$")


def sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence in ``text`` (end after its 。！？；)."""
    return [
        (m.start(), m.end()) for m in _SENTENCE.finditer(text) if m.group().strip(SENTENCE_END + " \u3000\n")
    ]


def chars(text: str) -> int:
    """Characters that count for length (whitespace left out)."""
    return len(text) - sum(1 for c in text if c.isspace())


__all__ = ["AREA_LABELS", "LintContext", "Unit", "chars", "sentences", "short", "snippet", "units_of", "walk"]
