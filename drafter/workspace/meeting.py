"""Meeting fields: validation as the writer types, normalised values, blanks the draft still needs."""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence

from drafter.model import MEETING_FIELDS

MAX_FIELD_LENGTH = 80

_BLANK = re.compile(r"【待补：([^】\n]+)】")


def _normalise_date(text: str) -> str | None:
    # drafter.drafting costs about 0.27 s to import (jinja2 through drafting.render; measured with
    # ``python -X importtime``): loaded on the first date typed, not while the first screen comes up.
    from drafter.drafting import normalise_date

    return normalise_date(text)


def validate_meeting_field(name: str, value: str) -> str | None:
    """Why ``value`` is not acceptable for meeting field ``name`` (Chinese), or None when it is."""
    text = value.strip()
    if name == "会议名称" and not text:
        return "必填：请填写会议名称"
    if not text:
        return None
    if "\n" in value or "\r" in value:
        return "不能换行"
    if len(text) > MAX_FIELD_LENGTH:
        return f"太长（{len(text)} 字），最多 {MAX_FIELD_LENGTH} 字"
    if "{{" in text or "}}" in text or "{%" in text or "%}" in text:
        return "不能包含模板符号 {{ }} 或 {% %}"
    if any(ord(ch) < 32 or 0x7F <= ord(ch) < 0xA0 for ch in text):
        return "不能包含控制字符"
    if name == "日期" and _normalise_date(text) is None:
        return "格式应为 2024-03-01、2024/3/1 或 2024年3月1日"
    return None


def normalise_meeting_value(name: str, value: str) -> str:
    """The value as stored in the draft: stripped, a valid date in 2024年3月1日 form."""
    text = value.strip()
    if name == "日期" and text:
        return _normalise_date(text) or text
    return text


def meeting_problems(meeting: Mapping[str, str]) -> dict[str, str]:
    """Field -> reason for every meeting field that is not acceptable."""
    problems = {}
    for name in MEETING_FIELDS:
        reason = validate_meeting_field(name, meeting.get(name, "") or "")
        if reason:
            problems[name] = reason
    return problems


def missing_values(text: str) -> list[str]:
    """The names of the blanks in a text rendered with ``allow_blanks`` (【待补：地区】), in order, once each."""
    names: list[str] = []
    for match in _BLANK.finditer(text):
        if match.group(1) not in names:
            names.append(match.group(1))
    return names


def missing_meeting_fields(names: Sequence[str]) -> list[str]:
    """Those of ``names`` that are meeting fields (filled on the 会议信息 step)."""
    return [n for n in names if n in MEETING_FIELDS]
