"""Draft specs: the YAML file holding a writer's choices, loaded into ``model.Draft``.

A spec looks like::

    meeting: {会议名称: 县政府第三次全体会议, 地区: 某某县, 日期: 2024-03-01, ...}
    template: plenary
    title: 凝心聚力抓落实 奋勇争先谱新篇      # optional
    opening: [{phrase: opening.meeting-purpose.003}, "free text with {{ 地区 }}"]
    sections:
      - role: situation
        heading: 坚定信心，认清形势
        items: [...]
        children:
          - heading_set: hs.qianghua-yishi
            item: 担当
            items: [...]
    closing: [...]

Parsing keeps the line of every node (``yaml.compose``), so each validation
message reads ``FILE:LINE: message`` in Chinese.  A section whose heading
comes from a heading set stores the set id in ``heading_set`` and the chosen
item in ``heading`` (the frame is applied at render time).
"""

from __future__ import annotations

import datetime as _dt
import difflib
import os
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from drafter.drafting.templates import list_templates
from drafter.errors import DrafterError, Problem
from drafter.model import (
    MEETING_FIELDS,
    ROLE_LABELS,
    SECTION_ROLES,
    Draft,
    DraftItem,
    DraftSection,
)
from drafter.phrasebank.layers import Phrasebank
from drafter.util import atomic_write
from drafter.util.safeio import read_bounded
from drafter.util.yamlpos import load as yaml_load

MAX_SPEC_BYTES = 2_000_000
TOP_KEYS = ("meeting", "template", "title", "opening", "sections", "closing", "options")
SECTION_KEYS = ("role", "heading", "heading_set", "item", "items", "children")
ITEM_KEYS = ("phrase", "text", "values", "source")

Path_ = tuple[Any, ...]


# ---------------------------------------------------------------- dates

_DATE_PATTERNS = (
    re.compile(r"^\s*(\d{4})\s*[-/.．]\s*(\d{1,2})\s*[-/.．]\s*(\d{1,2})\s*$"),
    re.compile(r"^\s*(\d{4})\s*年\s*(\d{1,2})\s*月\s*(\d{1,2})\s*日?\s*$"),
)


def normalise_date(text: Any) -> str | None:
    """``2024-03-01``, ``2024/3/1``, ``2024年3月1日`` (or a ``date``) -> ``2024年3月1日``; None if invalid."""
    if isinstance(text, _dt.datetime):
        text = text.date()
    if isinstance(text, _dt.date):
        return f"{text.year}年{text.month}月{text.day}日"
    if not isinstance(text, str):
        return None
    value = text.strip().strip("（）()")
    for pattern in _DATE_PATTERNS:
        m = pattern.match(value)
        if m:
            year, month, day = (int(g) for g in m.groups())
            try:
                _dt.date(year, month, day)
            except ValueError:
                return None
            return f"{year}年{month}月{day}日"
    return None


def date_year(text: str | None) -> int | None:
    """The year of a (normalisable) date, or None."""
    norm = normalise_date(text) if text else None
    return int(norm[:4]) if norm else None


# ---------------------------------------------------------------- YAML with line marks


def _compose(text: str, file: str) -> tuple[Any, dict[Path_, int]]:
    """Load YAML through the one hardened loader; return (data, {path: 1-based line})."""
    if len(text.encode("utf-8", errors="replace")) > MAX_SPEC_BYTES:
        raise DrafterError(f"文件过大（超过 {MAX_SPEC_BYTES // 1_000_000} MB），不像是讲话稿草稿", file)
    data, lines = yaml_load(text, file, what="草稿")
    return data, lines


# ---------------------------------------------------------------- parsing


class _Ctx:
    def __init__(self, file: str, lines: dict[Path_, int]):
        self.file = file
        self.lines = lines
        self.problems: list[Problem] = []

    def line(self, path: Path_) -> int:
        while path:
            if path in self.lines:
                return self.lines[path]
            path = path[:-1]
        return self.lines.get((), 1)

    def error(self, path: Path_, message: str) -> None:
        self.problems.append(Problem(self.file, self.line(path), message))


def _scalar_text(value: Any) -> str | None:
    """A YAML scalar as text (numbers and dates allowed); None for lists/maps."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, (_dt.date, _dt.datetime)):
        return normalise_date(value)
    if isinstance(value, (str, int, float)):
        return str(value)
    return None


def _where(path: Path_) -> str:
    """A Chinese description of a spec position: sections[1].children[0] -> 第2部分第1小节."""
    out = []
    i = 0
    while i < len(path):
        key = path[i]
        nxt = path[i + 1] if i + 1 < len(path) else None
        if key == "sections" and isinstance(nxt, int):
            out.append(f"第{nxt + 1}部分")
            i += 2
            continue
        if key == "children" and isinstance(nxt, int):
            out.append(f"第{nxt + 1}小节")
            i += 2
            continue
        if key in ("opening", "closing", "items") and isinstance(nxt, int):
            label = {"opening": "开场", "closing": "结尾", "items": ""}[key]
            out.append(f"{label}第{nxt + 1}条")
            i += 2
            continue
        i += 1
    return "".join(out)


def _item_source_ok(ctx: _Ctx, phrase: Any, text: Any, path: Path_) -> bool:
    """An item names exactly one of a phrase id (text) or its own text; False after an error."""
    if phrase is not None and text is not None:
        ctx.error(path, f"{_where(path)}：phrase 和 text 只能二选一")
        return False
    if phrase is None and text is None:
        ctx.error(path, f"{_where(path)}：每一条需要 phrase（素材编号）或 text（自拟文字）")
        return False
    if phrase is not None and not isinstance(phrase, str):
        ctx.error(
            (*path, "phrase"),
            f"{_where(path)}：phrase 应为素材编号（文字），如 opening.meeting-purpose.001",
        )
        return False
    if text is not None and _scalar_text(text) is None:
        ctx.error((*path, "text"), f"{_where(path)}：text 应为一段文字")
        return False
    return True


def _parse_values(ctx: _Ctx, raw_values: Any, path: Path_) -> dict[str, str]:
    """An item's ``values`` (slot name -> text); a value that is not text is left out after an error."""
    values: dict[str, str] = {}
    if raw_values is None:
        return values
    if not isinstance(raw_values, dict):
        ctx.error((*path, "values"), f"{_where(path)}：values 应为“填空名: 内容”的映射")
        return values
    for key, value in raw_values.items():
        sval = _scalar_text(value)
        if not isinstance(key, str) or sval is None:
            ctx.error((*path, "values", key), f"{_where(path)}：填空“{key}”的值应为一段文字")
            continue
        values[key] = sval
    return values


def _parse_item(ctx: _Ctx, raw: Any, path: Path_) -> DraftItem | None:
    if isinstance(raw, str):
        item = DraftItem(text=raw)
    elif isinstance(raw, dict):
        unknown = [k for k in raw if k not in ITEM_KEYS]
        if unknown:
            ctx.error(
                (*path, unknown[0], "#key"),
                f"{_where(path)}：不认识的键“{unknown[0]}”（可用：phrase、text、values、source）",
            )
        phrase, text = raw.get("phrase"), raw.get("text")
        if not _item_source_ok(ctx, phrase, text, path):
            return None
        values = _parse_values(ctx, raw.get("values"), path)
        source = raw.get("source")
        if source is not None and not isinstance(source, str):
            ctx.error((*path, "source"), f"{_where(path)}：source（出处）应为文字")
            source = None
        item = DraftItem(
            phrase=phrase.strip() if phrase else None,
            values=values,
            text=_scalar_text(text) if text is not None else None,
            source=source.strip() if source else None,
        )
    else:
        ctx.error(path, f"{_where(path)}：每一条应为文字，或含 phrase / text 的映射")
        return None
    item._line = ctx.line(path)  # type: ignore[attr-defined]
    return item


def _parse_items(ctx: _Ctx, raw: Any, path: Path_) -> list[DraftItem]:
    if raw is None:
        return []
    if isinstance(raw, str):
        raw = [raw]
    if not isinstance(raw, list):
        ctx.error(path, f"{_where(path) or path[-1]}：应为列表（每行以“- ”开头）")
        return []
    items = []
    for i, entry in enumerate(raw):
        item = _parse_item(ctx, entry, (*path, i))
        if item is not None:
            items.append(item)
    return items


def _section_role(ctx: _Ctx, raw: dict, path: Path_, parent_role: str | None) -> str:
    """A section's role (its parent's when not given); the first role after an error."""
    where = _where(path)
    role = raw.get("role", parent_role)
    if role is None:
        ctx.error(path, f"{where}：缺少 role（可用：{_roles_text()}）")
        return SECTION_ROLES[0]
    if role not in SECTION_ROLES:
        ctx.error((*path, "role"), f"{where}：不认识的部分角色“{role}”（可用：{_roles_text()}）")
        return SECTION_ROLES[0]
    return role


def _section_heading(ctx: _Ctx, raw: dict, path: Path_) -> tuple[str, Any]:
    """(heading, heading_set as given) of a section: a heading, or a heading set and one of its items."""
    where = _where(path)
    heading_raw, hs, hs_item = raw.get("heading"), raw.get("heading_set"), raw.get("item")
    if hs is None:
        if hs_item is not None:
            ctx.error((*path, "item"), f"{where}：item 需要与 heading_set 一起使用")
        if heading_raw is None or (isinstance(heading_raw, str) and not heading_raw.strip()):
            ctx.error(path, f"{where}：缺少标题（heading，或 heading_set 加 item）")
        elif _scalar_text(heading_raw) is None:
            ctx.error((*path, "heading"), f"{where}：heading 应为一行文字")
        else:
            return (_scalar_text(heading_raw) or "").strip(), hs
        return "", hs
    if not isinstance(hs, str):
        ctx.error((*path, "heading_set"), f"{where}：heading_set 应为标题组编号，如 hs.qianghua-yishi")
        hs = None
    if heading_raw is not None:
        ctx.error((*path, "heading"), f"{where}：用了 heading_set 时请用 item 选条目，不要再写 heading")
    if hs_item is None:
        ctx.error((*path, "heading_set"), f"{where}：用了 heading_set 时需要 item（选用标题组中的哪一条）")
    elif _scalar_text(hs_item) is None:
        ctx.error((*path, "item"), f"{where}：item 应为标题组中的一个条目（文字）")
    else:
        return _scalar_text(hs_item) or "", hs
    return "", hs


def _section_children(ctx: _Ctx, raw_children: Any, path: Path_, role: str) -> list[DraftSection]:
    """A section's ``children`` (sub-sections taking its role unless they name one)."""
    children: list[DraftSection] = []
    if raw_children is None:
        return children
    if not isinstance(raw_children, list):
        ctx.error((*path, "children"), f"{_where(path)}：children 应为列表")
        return children
    for i, child in enumerate(raw_children):
        sec = _parse_section(ctx, child, (*path, "children", i), role)
        if sec is not None:
            children.append(sec)
    return children


def _parse_section(ctx: _Ctx, raw: Any, path: Path_, parent_role: str | None) -> DraftSection | None:
    where = _where(path)
    if not isinstance(raw, dict):
        ctx.error(path, f"{where}：应为映射（含 role、heading、items 等）")
        return None
    for key in raw:
        if key not in SECTION_KEYS:
            ctx.error((*path, key, "#key"), f"{where}：不认识的键“{key}”（可用：{'、'.join(SECTION_KEYS)}）")
    role = _section_role(ctx, raw, path, parent_role)
    heading, hs = _section_heading(ctx, raw, path)
    items = _parse_items(ctx, raw.get("items"), (*path, "items"))
    children = _section_children(ctx, raw.get("children"), path, role)
    section = DraftSection(
        role=role,
        heading=heading,
        heading_set=hs if isinstance(hs, str) else None,
        items=items,
        children=children,
    )
    section._line = ctx.line(path)  # type: ignore[attr-defined]
    section._role_given = "role" in raw  # type: ignore[attr-defined]
    return section


def _roles_text() -> str:
    return "、".join(f"{r}（{ROLE_LABELS[r]}）" for r in SECTION_ROLES)


def _meeting_value(ctx: _Ctx, key: str, value: Any) -> str | None:
    """A meeting field as text (a date normalised); None after an error when it is not text."""
    sval = _scalar_text(value)
    if key == "日期" and value not in (None, ""):
        norm = normalise_date(value)
        if norm is None:
            ctx.error(("meeting", key), f"日期“{value}”无法识别（可写 2024-03-01、2024/3/1 或 2024年3月1日）")
            sval = str(value)
        else:
            sval = norm
    if sval is None:
        ctx.error(("meeting", key), f"meeting 的“{key}”应为一段文字")
    return sval


def _parse_meeting(ctx: _Ctx, meeting: Any, draft: Draft) -> None:
    """The ``meeting`` fields into ``draft.meeting`` (an empty field is simply not filled in yet)."""
    if meeting is None:
        meeting = {}
    if not isinstance(meeting, dict):
        ctx.error(("meeting",), "meeting 应为“字段: 内容”的映射（会议名称、地区、讲话人……）")
        meeting = {}
    for key, value in meeting.items():
        if not isinstance(key, str):
            ctx.error(("meeting", key, "#key"), f"meeting 的字段名应为文字：{key!r}")
            continue
        sval = _meeting_value(ctx, key, value)
        if sval is not None and sval.strip():
            draft.meeting[key] = sval.strip()


def _parse_sections(ctx: _Ctx, raw_sections: Any) -> list[DraftSection]:
    """The top-level ``sections``; those with an unusable shape are left out after an error."""
    sections: list[DraftSection] = []
    if raw_sections is None:
        raw_sections = []
    if not isinstance(raw_sections, list):
        ctx.error(("sections",), "sections 应为列表（每个部分以“- role: …”开头）")
        return sections
    for i, raw in enumerate(raw_sections):
        section = _parse_section(ctx, raw, ("sections", i), None)
        if section is not None:
            sections.append(section)
    return sections


def parse_draft(text: str, file: str = "<草稿>") -> tuple[Draft, list[Problem]]:
    """Parse a spec; return the draft and all structural problems (YAML syntax errors raise)."""
    data, lines = _compose(text, file)
    ctx = _Ctx(file, lines)
    draft = Draft()
    draft._file = file  # type: ignore[attr-defined]
    draft._lines = lines  # type: ignore[attr-defined]
    if data is None:
        ctx.error((), "草稿文件是空的（至少需要 meeting、template 和 sections）")
        return draft, ctx.problems
    if not isinstance(data, dict):
        ctx.error((), "草稿文件的最外层应为映射（meeting: / template: / sections: ……）")
        return draft, ctx.problems
    for key in data:
        if key not in TOP_KEYS:
            ctx.error((key, "#key"), f"不认识的键“{key}”（可用：{'、'.join(TOP_KEYS)}）")
    _parse_meeting(ctx, data.get("meeting"), draft)
    template = data.get("template", "plenary")
    if not isinstance(template, str) or not template.strip():
        ctx.error(("template",), "template 应为模板名称，如 plenary")
    else:
        draft.template = template.strip()
    title = data.get("title")
    if title is not None:
        if _scalar_text(title) is None:
            ctx.error(("title",), "title 应为一行文字")
        else:
            draft.title = (_scalar_text(title) or "").strip()
    draft.opening = _parse_items(ctx, data.get("opening"), ("opening",))
    draft.closing = _parse_items(ctx, data.get("closing"), ("closing",))
    draft.sections = _parse_sections(ctx, data.get("sections"))
    _check_counts(ctx, draft.sections, ("sections",))
    options = data.get("options")
    if options is not None:
        if not isinstance(options, dict):
            ctx.error(("options",), "options 应为映射")
        else:
            draft.options = dict(options)
    return draft, ctx.problems


MAX_SIBLINGS = 99  # numbering (一、 … 九十九、) and the outline grammar go up to two-digit numerals


def _check_counts(ctx: _Ctx, sections: list[DraftSection], path: Path_) -> None:
    """At most ``MAX_SIBLINGS`` sections on one level (a real speech has a handful)."""
    if len(sections) > MAX_SIBLINGS:
        ctx.error(
            path,
            f"同一层级有 {len(sections)} 个部分，最多支持 {MAX_SIBLINGS} 个（讲话稿一级部分一般不超过十个）",
        )
        return
    for i, section in enumerate(sections):
        _check_counts(ctx, section.children, (*path, i, "children"))


def draft_from_yaml(text: str, file: str = "<草稿>") -> Draft:
    """Parse a spec; the first structural problem raises ``DrafterError`` (``FILE:LINE: message``)."""
    draft, problems = parse_draft(text, file)
    raise_problems(problems)
    return draft


def raise_problems(problems: Iterable[Problem]) -> None:
    """Raise the first error of ``problems`` (mentioning how many more there are)."""
    errors = [p for p in problems if p.severity == "error"]
    if not errors:
        return
    first = errors[0]
    more = f"（另有 {len(errors) - 1} 处问题）" if len(errors) > 1 else ""
    raise DrafterError(first.message + more, first.file, first.line)


def read_spec_text(path: str | os.PathLike[str]) -> str:
    """The text of a spec file (regular files only, at most MAX_SPEC_BYTES; UTF-8, else GB18030)."""
    p = Path(path)
    if not p.exists():
        raise DrafterError("草稿文件不存在", str(p))
    raw = read_bounded(p, MAX_SPEC_BYTES, what="草稿文件")
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError:
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError as exc:
            raise DrafterError("无法识别文件编码（请保存为 UTF-8）", str(p)) from exc


def load_draft(path: str | os.PathLike[str], phrasebank: Phrasebank | None = None) -> Draft:
    """Load and validate a spec: its structure, its template name and (given a phrasebank) its references.

    The one way to read a spec file: the CLI, lint and the wizard all use it.
    """
    draft = draft_from_yaml(read_spec_text(path), str(path))
    raise_problems(check_references(draft, phrasebank, [t.name for t in list_templates()]))
    return draft


# ---------------------------------------------------------------- reference checks


@dataclass
class _RefCheck:
    """The reference checks of one draft against one phrasebank; problems collect in ``problems``."""

    file: str
    lines: dict[Path_, int]
    phrasebank: Phrasebank
    problems: list[Problem] = field(default_factory=list)

    def line_of(self, obj: Any) -> int:
        return getattr(obj, "_line", None) or self.lines.get((), 0)

    def items(self, items: list[DraftItem], label: str) -> None:
        phrases, blocks = self.phrasebank.phrases, self.phrasebank.blocks
        for i, item in enumerate(items, 1):
            if item.phrase is not None and item.phrase not in phrases and item.phrase not in blocks:
                hint = _closest(item.phrase, [*phrases, *blocks])
                self.problems.append(
                    Problem(
                        self.file,
                        self.line_of(item),
                        f"{label}第{i}条：素材库中没有编号为“{item.phrase}”的素材{hint}",
                    )
                )

    def heading(self, sec: DraftSection, label: str) -> None:
        heading_sets = self.phrasebank.heading_sets
        hs = heading_sets.get(sec.heading_set or "")
        if hs is None:
            hint = _closest(sec.heading_set or "", heading_sets)
            message = f"{label}：素材库中没有编号为“{sec.heading_set}”的标题组{hint}"
        elif sec.heading not in hs.items:
            message = (
                f"{label}：标题组“{sec.heading_set}”（{hs.frame}）中没有条目“{sec.heading}”"
                f"（可选：{'、'.join(hs.items)}）"
            )
        else:
            return
        self.problems.append(Problem(self.file, self.line_of(sec), message))

    def section(self, sec: DraftSection, label: str) -> None:
        if sec.heading_set is not None:
            self.heading(sec, label)
        self.items(sec.items, label)
        for j, child in enumerate(sec.children, 1):
            self.section(child, f"{label}第{j}小节")


def check_references(
    draft: Draft, phrasebank: Phrasebank | None, template_names: Iterable[str] | None = None
) -> list[Problem]:
    """Problems in a draft's references: unknown template, phrase or block id, heading set or item."""
    file = getattr(draft, "_file", "") or "<草稿>"
    lines: dict[Path_, int] = getattr(draft, "_lines", {}) or {}
    problems: list[Problem] = []
    if template_names is not None:
        names = sorted(template_names)
        if draft.template not in names:
            problems.append(
                Problem(
                    file,
                    lines.get(("template",), 0),
                    f"没有名为“{draft.template}”的模板（可用：{'、'.join(names)}）",
                )
            )
    if phrasebank is None:
        return problems
    check = _RefCheck(file, lines, phrasebank, problems)
    check.items(draft.opening, "开场")
    check.items(draft.closing, "结尾")
    for i, sec in enumerate(draft.sections, 1):
        check.section(sec, f"第{i}部分")
    return problems


def _closest(name: str, known: Any) -> str:
    match = difflib.get_close_matches(name, list(known), n=1, cutoff=0.6)
    return f"（是否想写“{match[0]}”？）" if match else ""


# ---------------------------------------------------------------- dumping


def _item_to_data(item: DraftItem) -> Any:
    if item.phrase is not None:
        out: dict[str, Any] = {"phrase": item.phrase}
        if item.values:
            out["values"] = dict(item.values)
        return out
    if item.values or item.source:
        out = {"text": item.text or ""}
        if item.values:
            out["values"] = dict(item.values)
        if item.source:
            out["source"] = item.source
        return out
    return item.text or ""


def _section_to_data(sec: DraftSection, parent_role: str | None) -> dict[str, Any]:
    out: dict[str, Any] = {}
    if sec.role != parent_role:
        out["role"] = sec.role
    if sec.heading_set:
        out["heading_set"] = sec.heading_set
        out["item"] = sec.heading
    else:
        out["heading"] = sec.heading
    if sec.items:
        out["items"] = [_item_to_data(i) for i in sec.items]
    if sec.children:
        out["children"] = [_section_to_data(c, sec.role) for c in sec.children]
    return out


# Meeting fields written only when set (added after specs were in use: older files stay byte-identical).
OPTIONAL_MEETING_FIELDS = ("主题",)


def draft_to_data(draft: Draft) -> dict[str, Any]:
    meeting = {
        k: draft.meeting.get(k, "")
        for k in MEETING_FIELDS
        if k not in OPTIONAL_MEETING_FIELDS or draft.meeting.get(k)
    }
    meeting.update({k: v for k, v in draft.meeting.items() if k not in MEETING_FIELDS})
    data: dict[str, Any] = {"meeting": meeting, "template": draft.template}
    if draft.title:
        data["title"] = draft.title
    data["opening"] = [_item_to_data(i) for i in draft.opening]
    data["sections"] = [_section_to_data(s, None) for s in draft.sections]
    data["closing"] = [_item_to_data(i) for i in draft.closing]
    if draft.options:
        data["options"] = dict(draft.options)
    return data


class _Dumper(yaml.SafeDumper):
    pass


def _str_representer(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = "|" if "\n" in value else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_Dumper.add_representer(str, _str_representer)


def dump_yaml(data: Any) -> str:
    """YAML text as a writer reads it: Chinese kept, keys in order, block style."""
    return yaml.dump(
        data,
        Dumper=_Dumper,
        allow_unicode=True,
        sort_keys=False,
        default_flow_style=False,
        width=1000,
        indent=2,
    )


def draft_to_yaml(draft: Draft) -> str:
    """The spec text of a draft; ``draft_from_yaml(draft_to_yaml(d))`` gives an equal draft."""
    return dump_yaml(draft_to_data(draft))


def save_draft(draft: Draft, path: str | os.PathLike[str], *, overwrite: bool = True) -> Path:
    """Write a draft atomically; a previous file is kept as ``<name>.bak``."""
    return atomic_write(path, draft_to_yaml(draft), overwrite=overwrite, backup=True)
