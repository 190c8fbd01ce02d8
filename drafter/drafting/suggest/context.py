"""The meeting's context: period from the date, level from 地区/职务, the speaker's role from 职务.

A block's ``fits`` (see :class:`drafter.model.Fits`) is matched against it: an
empty field fits anything; an unknown context value (no date, no 职务) fits
only blocks that do not ask for one — a draft without a date never says
「上半年」.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass

from drafter.drafting.spec import normalise_date
from drafter.model import Fits

__all__ = [
    "OTHERS_SPOKE_FIELD",
    "MeetingContext",
    "clash_words",
    "fits",
    "level_of",
    "meeting_context",
    "period_of",
    "speaker_roles",
]

# A meeting field (or the ``others_spoke`` option) saying that others spoke before the speaker.
OTHERS_SPOKE_FIELD = "前面发言"
_YES = ("是", "有", "yes", "true", "1", "对")

# Month -> period: 1-2 年初, 3-4 一季度, 5-7 年中, 8-10 三季度, 11-12 年底.
_PERIOD_BY_MONTH = {
    1: "年初",
    2: "年初",
    3: "一季度",
    4: "一季度",
    5: "年中",
    6: "年中",
    7: "年中",
    8: "三季度",
    9: "三季度",
    10: "三季度",
    11: "年底",
    12: "年底",
}
_MONTH_RE = re.compile(r"\d{4}年(\d{1,2})月")


@dataclass(frozen=True)
class MeetingContext:
    """What a block must fit: period, level, the speaker's roles, and what the draft already has."""

    period: str | None = None
    level: str | None = None
    speakers: tuple[str, ...] = ()  # 主要领导 / 分管领导 / 党委书记 (a 县委书记 is 主要领导 and 党委书记)
    others_spoke: bool = False
    month: int | None = None


def period_of(date: str | None) -> str | None:
    """``2025年2月10日`` -> 年初 (None without a date)."""
    norm = normalise_date(date) if date else None
    m = _MONTH_RE.match(norm or "")
    return _PERIOD_BY_MONTH.get(int(m.group(1))) if m else None


def level_of(region: str | None, title: str | None, name: str | None = None) -> str | None:
    """县 / 市 / 乡镇: from 职务 first (副市长 -> 市), else from how 地区 ends, else from the
    meeting's name (县政府全体会议, 全市安全生产工作会议)."""
    title = (title or "").strip()
    for words, level in (
        (("乡长", "镇长", "乡党委", "镇党委"), "乡镇"),
        (("市长", "市委"), "市"),
        (("县长", "县委", "区长", "区委"), "县"),
    ):
        if any(w in title for w in words):
            return level
    region = (region or "").strip()
    if region.endswith(("乡", "镇")):
        return "乡镇"
    if region.endswith(("县", "区", "旗")):
        return "县"
    if region.endswith(("市", "州", "盟")):
        return "市"
    return _level_in_name(name or "")


_NAME_LEVELS = (
    (("全县", "县政府", "县委", "全区", "区政府"), "县"),
    (("全市", "市政府", "市委"), "市"),
    (("全乡", "全镇", "乡政府", "镇政府"), "乡镇"),
)


def _level_in_name(name: str) -> str | None:
    """The level a meeting's name states, when it states exactly one."""
    found = {level for words, level in _NAME_LEVELS if any(w in name for w in words)}
    return found.pop() if len(found) == 1 else None


def speaker_roles(title: str | None) -> tuple[str, ...]:
    """县长/市长 -> 主要领导; 副… -> 分管领导; …书记 -> 党委书记 and 主要领导 (副书记: 分管领导)."""
    title = (title or "").strip()
    if not title:
        return ()
    if "副" in title:
        return ("分管领导",)
    if "书记" in title:
        return ("主要领导", "党委书记")
    if title.endswith(("长", "主任", "主席")):
        return ("主要领导",)
    return ()


def _yes(value: object) -> bool:
    return str(value or "").strip().lower() in _YES


def meeting_context(meeting: Mapping[str, str], *, others_spoke: bool | None = None) -> MeetingContext:
    date = normalise_date(meeting.get("日期")) if meeting.get("日期") else None
    m = _MONTH_RE.match(date or "")
    spoke = _yes(meeting.get(OTHERS_SPOKE_FIELD)) if others_spoke is None else others_spoke
    return MeetingContext(
        period=period_of(date),
        level=level_of(meeting.get("地区"), meeting.get("职务"), meeting.get("会议名称")),
        speakers=speaker_roles(meeting.get("职务")),
        others_spoke=spoke,
        month=int(m.group(1)) if m else None,
    )


def fits(entry_fits: Fits, ctx: MeetingContext, have: Iterable[str] = ()) -> bool:
    """Whether a block tagged ``entry_fits`` suits the meeting, given what the draft already has."""
    if entry_fits.period and (ctx.period is None or ctx.period not in entry_fits.period):
        return False
    if entry_fits.level and ctx.level is not None and ctx.level not in entry_fits.level:
        return False
    if entry_fits.speaker and ctx.speakers and not set(ctx.speakers) & set(entry_fits.speaker):
        return False
    have = set(have)
    if ctx.others_spoke:
        have.add("前面发言")
    return set(entry_fits.needs) <= have


# Words that place a text at a level or a time of year; a text saying them is left out where they are wrong
# (material should carry ``fits``; this also catches untagged text and the phrase engine's sentences).
_LEVEL_CLASH = {
    "市": ("全县", "县直", "副县长", "县政府各", "县委", "县长", "各乡镇"),
    # a county speech may name the city above it (全市经济工作会议精神), never address its peers or the city's deputies
    "县": ("副市长", "各县（市、区）", "各县市区", "各县区", "市直各部门", "市政府各"),
}
_PERIOD_CLASH = {
    "年初": ("下半年", "前三季度", "四季度", "上半年以来", "今年以来", "上半年工作"),
    "一季度": ("下半年", "前三季度", "四季度", "上半年以来", "上半年工作"),
    "年中": ("前三季度", "四季度", "年初以来"),
    "三季度": ("年初以来",),
    "年底": (),
}


# Words in material that speak in another speaker's voice: only the government's head speaks 代表县政府;
# a 党委书记 speaks for the 党委, not to 政府系统 as its own.  Material text is matched before its slots
# are filled (代表{{ 本级政府 }}).
_SPEAKER_CLASH = {
    "党委书记": ("代表{{ 本级政府 }}", "政府系统", "法治政府", "政府自身建设", "政府形象"),
    "分管领导": ("代表{{ 本级政府 }}",),
}


def clash_words(ctx: MeetingContext) -> tuple[str, ...]:
    """Words a text for this meeting must not say (全县 at a 市 meeting, 下半年 in February, 代表县政府
    from a 副县长)."""
    speaker = tuple(w for role in ctx.speakers for w in _SPEAKER_CLASH.get(role, ()))
    return _LEVEL_CLASH.get(ctx.level or "", ()) + _PERIOD_CLASH.get(ctx.period or "", ()) + speaker
