"""The meeting's year and month, read from a date line, a title or the meeting fields."""

from __future__ import annotations

import datetime as _dt
import re

from drafter.model import Speech
from drafter.text import from_chinese

YEAR_RE = re.compile(r"(?<![\d０-９])((?:19|20)\d{2})\s*年")
_CN_YEAR = re.compile(r"([〇○零一二三四五六七八九]{4})\s*年")
_CN_DIGIT = {c: str(i) for i, c in enumerate("〇一二三四五六七八九")} | {"○": "0", "零": "0"}
_ISO_YEAR = re.compile(r"^\s*[（(]?((?:19|20)\d{2})\s*[-/.．]\s*\d{1,2}")
_ISO_MONTH = re.compile(r"(?<!\d)(?:19|20)\d{2}\s*[-/.．]\s*(\d{1,2})(?!\d)")
_MONTH = re.compile(r"(?<![\d０-９])(\d{1,2})\s*月")
_CN_MONTH = re.compile(r"(?<![一二三四五六七八九十])(十[一二]?|[一二三四五六七八九])\s*月")


def year_in(text: str | None) -> int | None:
    """The first year (2024年, 2024-03-01, 二〇二四年) in ``text``."""
    text = text or ""
    m = YEAR_RE.search(text) or _ISO_YEAR.match(text)
    if m:
        return int(m.group(1))
    m = _CN_YEAR.search(text)
    if m:
        year = int("".join(_CN_DIGIT[c] for c in m.group(1)))
        if 1900 <= year <= 2099:
            return year
    return None


def month_in(text: str | None) -> int | None:
    """The month of a date (2024年3月1日, 2024-03-01, 三月) in ``text``; None when there is none."""
    text = text or ""
    for pattern in (_ISO_MONTH, _MONTH):
        m = pattern.search(text)
        if m and 1 <= int(m.group(1)) <= 12:
            return int(m.group(1))
    m = _CN_MONTH.search(text)
    if m:
        return from_chinese(m.group(1))
    return None


def meeting_year(speech: Speech, year: int | None = None) -> int | None:
    """The meeting's year: the given one, else the date line, else a year in the title or subtitle."""
    if year:
        return year
    for text in (speech.date, speech.subtitle, speech.title):
        found = year_in(text or "")
        if found:
            return found
    return None


def date_text(value: object) -> str:
    """A date given as ``datetime.date`` or text, as text."""
    if isinstance(value, _dt.date):
        return f"{value.year}年{value.month}月{value.day}日"
    return str(value or "")


__all__ = ["YEAR_RE", "date_text", "meeting_year", "month_in", "year_in"]
