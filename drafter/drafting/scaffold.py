"""The new-draft scaffold: ``drafter new`` writes a valid spec plus, as comments, every choice offered."""

from __future__ import annotations

import re

from drafter.drafting.spec import draft_from_yaml, draft_to_data, dump_yaml
from drafter.drafting.suggest import suggest_draft
from drafter.drafting.suggest.phrases import preferred_sets
from drafter.drafting.templates import TemplateInfo, as_info
from drafter.model import (
    MEETING_FIELDS,
    ROLE_CLOSING,
    ROLE_LABELS,
    ROLE_OPENING,
    ROLE_TRANSITION,
    SECTION_ROLES,
    Draft,
)
from drafter.phrasebank.layers import Phrasebank
from drafter.text import slot_names

__all__ = ["new_draft", "new_spec_text"]


def new_draft(template: str | TemplateInfo, phrasebank: Phrasebank | None) -> Draft:
    """A starting draft: the suggestion for the template, with the meeting fields left empty."""
    return suggest_draft(template, {k: "" for k in MEETING_FIELDS}, phrasebank)


def _preview(text: str, width: int = 36) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def new_spec_text(template: str | TemplateInfo, phrasebank: Phrasebank | None) -> str:
    """The text ``drafter new`` writes: a valid spec plus, as comments, every choice the template offers."""
    info = as_info(template)
    draft = new_draft(info, phrasebank)
    data = draft_to_data(draft)
    lines = [
        f"# 讲话稿草稿：模板 {info.name}（{info.title}）",
        "# 填写说明：先填 meeting 中的会议信息（这些字段也会自动填入素材中同名的填空），",
        "# 再按需增删、调换 opening / sections / closing 中的条目。编号（一、（一）一是）和“讲N点意见”都由程序生成，",
        "# 不要手写。每一条可写 {phrase: 素材编号, values: {填空: 内容}}，或直接写一段文字（可用 {{ 地区 }} 等填空）。",
        "# 生成：drafter draft 本文件 -o 讲话稿.docx    尚未写完时可加 --allow-blanks，缺的内容会标成【待补：名称】",
        "",
    ]
    data.pop("meeting")
    # every field, the optional 主题 too: the writer fills them in here
    meeting_yaml = dump_yaml({"meeting": {k: draft.meeting.get(k, "") for k in MEETING_FIELDS}})
    for line in meeting_yaml.splitlines():
        key = line.strip().split(":", 1)[0]
        hint = MEETING_FIELDS.get(key)
        lines.append(f"{line}    # {hint}" if hint else line)
    body = dump_yaml(data)
    lines.extend(_annotate(line, phrasebank) for line in body.rstrip("\n").splitlines())
    lines.append("")
    lines.extend(_choices_comment(info, phrasebank))
    text = "\n".join(lines) + "\n"
    draft_from_yaml(text, "<new>")  # the written spec must load
    return text


_ID_LINE_RE = re.compile(r"^(\s*(?:- )?(phrase|heading_set): )(\S+)$")


def _annotate(line: str, phrasebank: Phrasebank | None) -> str:
    """``- phrase: ID`` -> ``- phrase: ID    # 开头文字…`` (and the frame after a heading_set id)."""
    m = _ID_LINE_RE.match(line)
    if not m or phrasebank is None:
        return line
    if m.group(2) == "phrase":
        phrase = phrasebank.phrases.get(m.group(3))
        return f"{line}    # {_preview(phrase.text, 30)}" if phrase else line
    hs = phrasebank.heading_sets.get(m.group(3))
    return f"{line}    # {hs.frame}" if hs else line


def _choices_comment(info: TemplateInfo, phrasebank: Phrasebank | None) -> list[str]:
    out = [
        "# " + "=" * 70,
        "# 可选内容一览（供手工填写时参考）",
        "#",
        "# 部分角色 role：" + "；".join(f"{r}（{ROLE_LABELS[r]}）" for r in SECTION_ROLES),
        f"# 本模板默认的部分：{' → '.join(f'{r}（{ROLE_LABELS[r]}）' for r in info.roles)}",
    ]
    if info.description:
        out.append(f"# 模板说明：{info.description}")
    out.append("#")
    if phrasebank is None:
        return out
    out.append("# 排比标题组 heading_set（用法：heading_set: 编号  加  item: 条目）：")
    preferred = {hs.id for hs in preferred_sets(info, phrasebank)}
    sets = sorted(phrasebank.heading_sets.values(), key=lambda h: (h.id not in preferred, h.role, h.id))
    for hs in sets:
        level = "一级标题" if hs.level == "top" else "小标题"
        mark = "（本模板推荐）" if hs.id in preferred else ""
        out.append(f"#   {hs.id}  {hs.frame}  [{ROLE_LABELS.get(hs.role, hs.role)}·{level}]{mark}")
        out.append(f"#       条目：{'、'.join(hs.items)}")
    out.append("#")
    out.append("# 素材 phrase（按部分、功能列出；编号 — 开头文字）：")
    roles = [ROLE_OPENING, *info.roles, ROLE_TRANSITION, ROLE_CLOSING]
    for role in dict.fromkeys(roles):
        phrases = sorted(
            (p for p in phrasebank.phrases.values() if p.role == role), key=lambda p: (p.function, p.id)
        )
        if not phrases:
            continue
        out.append(f"#  【{ROLE_LABELS.get(role, role)}】{role}")
        current = None
        for p in phrases:
            if p.function != current:
                current = p.function
                out.append(f"#    {current}：")
            slots = sorted(slot_names(p.text))
            extra = f"  填空：{'、'.join(slots)}" if slots else ""
            out.append(f"#      {p.id} — {_preview(p.text)}{extra}")
    return out
