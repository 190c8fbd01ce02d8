"""Rendering a draft: slot filling, numbering from position, the template run.

Numbering is never typed: templates number sections from their position
(``n|marker("cn_dun")`` -> ``一、``), and the opening's ``讲N点意见`` comes
from the slot ``意见条数``, which is always the Chinese numeral of the number
of sections actually present.  Phrase and block texts and free text are data:
they are filled by :func:`drafter.text.slots.render_slots` (``{{ 地区 }}`` and
``{% if 名称 %}`` only, never Jinja); a slot is filled from the item's
``values``, then from the meeting fields, else it is an error (or a
``【待补：名称】`` marker with ``allow_blanks``).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from drafter.drafting.spec import check_references, date_year, normalise_date, raise_problems
from drafter.drafting.templates import find_template, render_template
from drafter.errors import DrafterError
from drafter.model import ROLE_LABELS, Block, Draft, DraftItem, DraftSection, Phrase, Speech
from drafter.outline import parse_speech
from drafter.phrasebank.layers import Phrasebank
from drafter.text import to_chinese
from drafter.text.slots import MissingSlotError, SlotError, optional_slots, render_slots

__all__ = [
    "AUTO_SLOTS",
    "BLANK_MARKER",
    "COUNT_SLOT",
    "YEAR_SLOT",
    "base_values",
    "count_word",
    "default_title",
    "render_context",
    "render_speech",
    "render_text",
    "section_heading",
]

BLANK_MARKER = "【待补：{name}】"
COUNT_SLOT = "意见条数"
YEAR_SLOT = "年份"
AUTO_SLOTS = (COUNT_SLOT, YEAR_SLOT)

# Spaces between Chinese characters in a paragraph come from YAML folding (``>``), not from the writer.
_CJK_GAP_RE = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])[ \t]+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])"
)
_COUNT_TEXT_RE = re.compile(r"(讲|谈|强调|说)([一二三四五六七八九十两]{1,3})(点|个方面|方面|条)")


class _Renderer:
    def __init__(self, draft: Draft, phrasebank: Phrasebank | None, allow_blanks: bool):
        self.draft = draft
        self.pb = phrasebank
        self.allow_blanks = allow_blanks
        self.file = getattr(draft, "_file", "") or None
        self.base = base_values(draft)

    def fill(
        self,
        text: str,
        values: Mapping[str, str],
        what: str,
        line: int | None,
        entry: Phrase | Block | None = None,
    ) -> str:
        file, where_line = self.file, line
        if entry is not None and not line:
            file, where_line = entry.file or file, entry.line or None
        context = dict(values)
        context[COUNT_SLOT] = self.base[COUNT_SLOT]
        for name in optional_slots(text):  # only tested by {% if %}: not filled in means false
            if context.get(name) is None:
                context[name] = ""
        missing = (lambda name: BLANK_MARKER.format(name=name)) if self.allow_blanks else None
        try:
            return render_slots(text, context, missing=missing).strip()
        except MissingSlotError as exc:
            if exc.name == COUNT_SLOT:
                raise DrafterError(
                    f"草稿还没有任何部分（sections），无法计算“讲N点意见”（{what}）", file, where_line
                ) from exc
            raise DrafterError(
                f"填空“{exc.name}”没有值（{what}）：请在该条的 values 或 meeting 中填写，"
                "或使用 --allow-blanks 先留空",
                file,
                where_line,
            ) from exc
        except SlotError as exc:
            raise DrafterError(
                f"{what}的文字有误：{exc.message}（出于安全考虑，文字中的代码一律不执行）", file, where_line
            ) from exc

    def item(self, item: DraftItem, label: str) -> list[str]:
        line = getattr(item, "_line", None)
        values = {**self.base, **{k: v for k, v in item.values.items() if k != COUNT_SLOT}}
        if item.phrase is not None:
            entry = (self.pb.phrases.get(item.phrase) or self.pb.blocks.get(item.phrase)) if self.pb else None
            if entry is None:
                raise DrafterError(f"{label}：素材库中没有编号为“{item.phrase}”的素材", self.file, line)
            text = self.fill(entry.text, values, f"素材 {entry.id}", line, entry)
        else:
            text = self.fill(item.text or "", values, f"{label}的自拟文字", line)
        return [_CJK_GAP_RE.sub("", p).strip() for p in text.splitlines() if p.strip()]

    def items(self, items: list[DraftItem], label: str) -> list[str]:
        out: list[str] = []
        for i, item in enumerate(items, 1):
            out.extend(self.item(item, f"{label}第{i}条"))
        return out

    def heading(self, sec: DraftSection, label: str) -> str:
        text = section_heading(sec, self.pb, file=self.file)
        return self.fill(text, self.base, f"{label}的标题", getattr(sec, "_line", None))

    def section(self, sec: DraftSection, label: str) -> dict[str, Any]:
        return {
            "role": sec.role,
            "role_label": ROLE_LABELS.get(sec.role, sec.role),
            "heading": self.heading(sec, label),
            "heading_set": sec.heading_set,
            "paragraphs": self.items(sec.items, label),
            "children": [self.section(c, f"{label}第{j}小节") for j, c in enumerate(sec.children, 1)],
        }


def base_values(draft: Draft) -> dict[str, str]:
    """Slot values every phrase sees: meeting fields, 年份 from 日期, 意见条数 from the section count."""
    values = {k: (v or "") for k, v in draft.meeting.items()}
    date = normalise_date(values.get("日期", "")) if values.get("日期") else None
    if date:
        values["日期"] = date
    year = date_year(date)
    if year and not values.get(YEAR_SLOT):
        values[YEAR_SLOT] = f"{year}年"
    values[COUNT_SLOT] = count_word(len(draft.sections)) if draft.sections else ""
    return values


def count_word(n: int) -> str:
    """The numeral used in ``讲N点意见``: 两 for 2 (讲两点意见), else the Chinese numeral."""
    return "两" if n == 2 else to_chinese(n)


def section_heading(sec: DraftSection, phrasebank: Phrasebank | None, *, file: str | None = None) -> str:
    """The full heading of a section: its text, or the heading set's frame with the chosen item."""
    if not sec.heading_set:
        return sec.heading
    hs = phrasebank.heading_sets.get(sec.heading_set) if phrasebank is not None else None
    if hs is None:
        raise DrafterError(
            f"素材库中没有编号为“{sec.heading_set}”的标题组", file, getattr(sec, "_line", None)
        )
    return hs.frame.replace("{" + hs.slot + "}", sec.heading)


def _fix_count_text(paragraphs: list[str], count: int) -> list[str]:
    """A typed ``讲三点意见`` in the opening is corrected to the number of sections present."""
    if not count:
        return paragraphs
    cn = count_word(count)
    return [_COUNT_TEXT_RE.sub(lambda m: f"{m.group(1)}{cn}{m.group(3)}", p) for p in paragraphs]


def default_title(meeting: Mapping[str, str]) -> str:
    name = (meeting.get("会议名称") or "").strip()
    return f"在{name}上的讲话" if name else ""


def render_context(
    draft: Draft, phrasebank: Phrasebank | None, *, allow_blanks: bool = False
) -> dict[str, Any]:
    """What a template sees: title, subtitle, speaker, date, opening, sections (dicts), closing, meeting, count."""
    r = _Renderer(draft, phrasebank, allow_blanks)
    meeting_name = r.base.get("会议名称", "")
    if not meeting_name.strip() and allow_blanks:
        meeting_name = BLANK_MARKER.format(name="会议名称")
    if not meeting_name.strip():
        raise DrafterError(
            "填空“会议名称”没有值（标题）：请在 meeting 中填写，或使用 --allow-blanks 先留空",
            r.file,
            getattr(draft, "_lines", {}).get(("meeting",)),
        )
    default = default_title({"会议名称": meeting_name})
    if draft.title:
        title = r.fill(draft.title, r.base, "标题", getattr(draft, "_lines", {}).get(("title",)))
        subtitle = f"——{default}" if title != default else ""
    else:
        title, subtitle = default, ""
    speaker = ""
    if r.base.get("讲话人", "").strip() and draft.options.get("speaker_line", True):
        speaker = " ".join(x for x in (r.base.get("职务", "").strip(), r.base["讲话人"].strip()) if x)
    count = len(draft.sections)
    sections = [r.section(s, f"第{i}部分") for i, s in enumerate(draft.sections, 1)]
    return {
        "title": title,
        "subtitle": subtitle,
        "date": r.base.get("日期", ""),
        "speaker": speaker,
        "meeting": dict(r.base),
        "count": count,
        "opening": _fix_count_text(r.items(draft.opening, "开场"), count),
        "sections": sections,
        "closing": r.items(draft.closing, "结尾"),
        "options": dict(draft.options),
    }


def render_text(draft: Draft, phrasebank: Phrasebank | None, *, allow_blanks: bool = False) -> str:
    """The speech as plain text in the corpus shape (one paragraph per line)."""
    info = find_template(draft.template)
    if info.problem:
        raise DrafterError(info.problem)
    raise_problems(check_references(draft, phrasebank))
    context = render_context(draft, phrasebank, allow_blanks=allow_blanks)
    text = render_template(info, context)
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line) + "\n"


def render_speech(draft: Draft, phrasebank: Phrasebank | None, *, allow_blanks: bool = False) -> Speech:
    """``parse_speech(render_text(...))``."""
    text = render_text(draft, phrasebank, allow_blanks=allow_blanks)
    source = Path(getattr(draft, "_file", "") or "草稿").name
    return parse_speech(text, source=source, path=getattr(draft, "_file", "") or "")
