"""A writer's session with the TUI: autosave/resume, the saved profile, step states.

Pure functions the TUI calls (this is a core module: it never imports textual).
Draft specs are autosaved as YAML under ``user_drafts_dir()``; beside each spec a
small ``<name>.state.yaml`` records its title, when it was saved, where it came
from and where it was last exported.  The profile (地区, 讲话人, 职务) lives in
``user_data_dir()/profile.yaml``.
"""

from __future__ import annotations

import os
import re
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from drafter.errors import DrafterError
from drafter.model import (
    MEETING_FIELDS,
    ROLE_CLOSING,
    ROLE_OPENING,
    SECTION_ROLES,
    Draft,
    DraftItem,
    DraftSection,
    HeadingSet,
)
from drafter.util import atomic_write, user_data_dir, user_drafts_dir

PROFILE_FIELDS = ("地区", "讲话人", "职务")
STATE_SUFFIX = ".state.yaml"
MAX_FIELD_LENGTH = 80

# The TUI's steps: key -> label shown to the writer.
STEPS: tuple[tuple[str, str], ...] = (
    ("meeting", "会议信息"),
    ("structure", "选择结构"),
    ("headings", "标题"),
    ("content", "内容"),
    ("preview", "预览与检查"),
    ("export", "导出"),
)
STEP_KEYS = tuple(key for key, _ in STEPS)

DONE = "done"
ATTENTION = "attention"
PENDING = "pending"

EXPORT_FORMATS = ("docx", "md", "txt")

T = TypeVar("T")


# ---------------------------------------------------------------- meeting fields


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
    if name == "日期" and _normalise_date(text) is None:
        return "格式应为 2024-03-01、2024/3/1 或 2024年3月1日"
    return None


def _normalise_date(text: str) -> str | None:
    from drafter.drafting import normalise_date

    return normalise_date(text)


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


def meeting_year(meeting: Mapping[str, str]) -> int | None:
    """The year of the meeting date, for lint's stale-year rule."""
    date = meeting.get("日期") or ""
    match = re.match(r"\s*(\d{4})", date)
    return int(match.group(1)) if match else None


# ---------------------------------------------------------------- profile


def profile_path() -> Path:
    return user_data_dir() / "profile.yaml"


def load_profile() -> dict[str, str]:
    """The saved profile (地区, 讲话人, 职务); empty when there is none.

    A damaged profile file raises ``DrafterError`` naming it.
    """
    path = profile_path()
    if not path.exists():
        return {}
    import yaml  # only when there is a profile (start-up time)

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DrafterError("常用信息文件格式有误，已忽略", str(path), line) from exc
    except (OSError, UnicodeDecodeError) as exc:
        raise DrafterError(f"无法读取常用信息文件：{exc}", str(path)) from exc
    if not isinstance(data, dict):
        return {}
    return {k: str(data[k]).strip() for k in PROFILE_FIELDS if data.get(k) not in (None, "")}


def save_profile(meeting: Mapping[str, str]) -> Path | None:
    """Save 地区, 讲话人 and 职务 from ``meeting`` when they changed; returns the file or None."""
    import yaml

    profile = {k: (meeting.get(k) or "").strip() for k in PROFILE_FIELDS}
    profile = {k: v for k, v in profile.items() if v and validate_meeting_field(k, v) is None}
    if not profile:
        return None
    try:
        current = load_profile()
    except DrafterError:
        current = {}
    merged = {**current, **profile}
    if merged == current:
        return None
    path = profile_path()
    path.parent.mkdir(parents=True, exist_ok=True)
    text = yaml.safe_dump(merged, allow_unicode=True, sort_keys=False)
    return atomic_write(path, text, backup=path.exists())


def apply_profile(meeting: Mapping[str, str], profile: Mapping[str, str]) -> dict[str, str]:
    """``meeting`` with its empty profile fields filled from ``profile``."""
    result = dict(meeting)
    for key in PROFILE_FIELDS:
        if not (result.get(key) or "").strip() and profile.get(key):
            result[key] = profile[key]
    return result


# ---------------------------------------------------------------- autosave / resume


@dataclass
class DraftRecord:
    """An autosaved draft, as offered for resuming."""

    path: Path
    title: str
    updated: float
    exported_to: str | None = None
    origin: str | None = None

    @property
    def label(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.updated))
        state = "已导出" if self.exported_to else "未导出"
        return f"{self.title or '（未命名讲稿）'}　{when}　{state}"


def new_autosave_path(now: float | None = None) -> Path:
    """A fresh file name for a new draft under ``user_drafts_dir()``."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now if now is not None else time.time()))
    import secrets  # imported when first needed (start-up time)

    return user_drafts_dir() / f"{stamp}-{secrets.token_hex(3)}.yaml"


def state_path(spec: Path) -> Path:
    return spec.with_name(spec.stem + STATE_SUFFIX)


def read_state(spec: Path) -> dict[str, Any]:
    """The sidecar state of an autosaved draft ({} when missing or unreadable)."""
    import yaml

    try:
        data = yaml.safe_load(state_path(spec).read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_state(spec: Path, state: Mapping[str, Any]) -> None:
    import yaml

    text = yaml.safe_dump(dict(state), allow_unicode=True, sort_keys=False)
    atomic_write(state_path(spec), text)


def draft_title(draft: Draft) -> str:
    return (draft.meeting.get("会议名称") or draft.title or "").strip()


def draft_yaml(draft: Draft) -> str:
    from drafter.drafting import draft_to_yaml

    return draft_to_yaml(draft)


def open_draft(path: str | os.PathLike[str]) -> tuple[Draft, list[Any]]:
    """Load a draft spec leniently: the draft and its problems (an unfinished draft still opens).

    Unreadable files raise ``DrafterError`` naming the file.
    """
    import yaml

    from drafter.drafting import parse_draft, read_spec_text

    text = read_spec_text(path)
    try:
        return parse_draft(text, str(path))
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise DrafterError(
            f"草稿文件不是有效的 YAML：{getattr(exc, 'problem', None) or exc}", str(path), line
        ) from exc


def autosave_text(spec: Path, text: str, title: str, origin: str | None = None) -> Path:
    """Write an already serialised draft spec atomically and update its state (thread-safe)."""
    spec.parent.mkdir(parents=True, exist_ok=True)
    atomic_write(spec, text)
    state = read_state(spec)
    state.update({"title": title, "updated": time.time()})
    if origin:
        state["origin"] = origin
    _write_state(spec, state)
    return spec


def autosave(draft: Draft, spec: Path, origin: str | None = None) -> Path:
    """Serialise ``draft`` and write it to ``spec`` (atomic) with its state."""
    return autosave_text(spec, draft_yaml(draft), draft_title(draft), origin)


def mark_exported(spec: Path, output: Path | str) -> None:
    """Remember that the draft autosaved at ``spec`` was exported to ``output``."""
    state = read_state(spec)
    state.update({"exported_to": str(output), "exported_at": time.time()})
    if spec.exists() or state_path(spec).parent.exists():
        state_path(spec).parent.mkdir(parents=True, exist_ok=True)
        _write_state(spec, state)


def is_exported(spec: Path) -> bool:
    return bool(read_state(spec).get("exported_to"))


def recent_drafts(limit: int = 8, folder: Path | None = None) -> list[DraftRecord]:
    """Autosaved drafts, most recent first."""
    folder = folder or user_drafts_dir()
    if not folder.is_dir():
        return []
    records = []
    for path in folder.glob("*.yaml"):
        if path.name.endswith(STATE_SUFFIX) or path.name.startswith("."):
            continue
        state = read_state(path)
        try:
            mtime = path.stat().st_mtime
        except OSError:
            continue
        title = str(state.get("title") or "")
        if not title:
            title = _title_from_spec(path)
        records.append(
            DraftRecord(
                path=path,
                title=title,
                updated=float(state.get("updated") or mtime),
                exported_to=state.get("exported_to"),
                origin=state.get("origin"),
            )
        )
    records.sort(key=lambda r: r.updated, reverse=True)
    return records[:limit]


def _title_from_spec(path: Path) -> str:
    import yaml

    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, yaml.YAMLError):
        return ""
    if isinstance(data, dict):
        meeting = data.get("meeting")
        if isinstance(meeting, dict) and meeting.get("会议名称"):
            return str(meeting["会议名称"])
        if data.get("title"):
            return str(data["title"])
    return ""


# ---------------------------------------------------------------- editing helpers


def move_item(seq: list[T], index: int, delta: int) -> int:
    """Move ``seq[index]`` by ``delta`` places (clamped); returns its new index."""
    if not 0 <= index < len(seq):
        return index
    target = max(0, min(len(seq) - 1, index + delta))
    if target != index:
        seq.insert(target, seq.pop(index))
    return target


def remove_item(seq: list[T], index: int) -> int | None:
    """Remove ``seq[index]``; returns the index to highlight next (None when empty)."""
    if not 0 <= index < len(seq):
        return None if not seq else min(index, len(seq) - 1)
    del seq[index]
    if not seq:
        return None
    return min(index, len(seq) - 1)


@dataclass
class Part:
    """A place in a draft that holds items: the opening, a section (by path) or the closing."""

    kind: str  # "opening", "section", "closing"
    path: tuple[int, ...] = ()
    label: str = ""
    depth: int = 0

    @property
    def key(self) -> str:
        if self.kind == "section":
            return "s" + "-".join(str(i) for i in self.path)
        return self.kind


def section_at(draft: Draft, path: Sequence[int]) -> DraftSection | None:
    """The draft section at an index path, or None."""
    sections = draft.sections
    found = None
    for i in path:
        if not 0 <= i < len(sections):
            return None
        found = sections[i]
        sections = found.children
    return found


def siblings_of(draft: Draft, path: Sequence[int]) -> list[DraftSection]:
    if len(path) <= 1:
        return draft.sections
    parent = section_at(draft, path[:-1])
    return parent.children if parent is not None else []


def iter_section_paths(draft: Draft) -> Iterable[tuple[tuple[int, ...], DraftSection]]:
    def walk(sections: list[DraftSection], prefix: tuple[int, ...]):
        for i, section in enumerate(sections):
            path = (*prefix, i)
            yield path, section
            yield from walk(section.children, path)

    yield from walk(draft.sections, ())


def display_heading(section: DraftSection, heading_sets: Mapping[str, HeadingSet] | None = None) -> str:
    """The heading as it will read: a heading-set item goes through the set's frame."""
    if section.heading_set and heading_sets and section.heading_set in heading_sets:
        hs = heading_sets[section.heading_set]
        return hs.frame.replace("{" + hs.slot + "}", section.heading)
    return section.heading


def section_marker(path: Sequence[int]) -> str:
    from drafter.text import to_chinese

    number = to_chinese(path[-1] + 1)
    if len(path) == 1:
        return f"{number}、"
    if len(path) == 2:
        return f"（{number}）"
    return f"{path[-1] + 1}."


def parts_of(draft: Draft, heading_sets: Mapping[str, HeadingSet] | None = None) -> list[Part]:
    """Every part of a draft that holds items, in reading order."""
    parts = [Part("opening", (), "开场", 0)]
    for path, section in iter_section_paths(draft):
        marker = section_marker(path)
        heading = display_heading(section, heading_sets) or "（未定标题）"
        parts.append(Part("section", path, f"{marker}{heading}", len(path) - 1))
    parts.append(Part("closing", (), "结尾", 0))
    return parts


def items_of(draft: Draft, part: Part) -> list[DraftItem] | None:
    if part.kind == "opening":
        return draft.opening
    if part.kind == "closing":
        return draft.closing
    section = section_at(draft, part.path)
    return section.items if section is not None else None


def parallel_headings(heading_set: HeadingSet, count: int) -> list[str]:
    """The first ``count`` headings of a heading set (强化X意识 × N)."""
    return heading_set.headings()[: max(0, count)]


def apply_parallel_set(
    draft: Draft, path: Sequence[int], heading_set: HeadingSet, count: int, *, siblings: bool = False
) -> list[str]:
    """Give N sections the headings of a heading set; returns warnings (Chinese).

    By default the set becomes the children of the section at ``path`` (added
    as needed; extra empty children are dropped, children with content kept).
    With ``siblings`` it replaces the headings of the section and its siblings.
    """
    headings = parallel_headings(heading_set, count)
    warnings: list[str] = []
    if len(headings) < count:
        warnings.append(f"排比标题组“{heading_set.frame}”只有 {len(headings)} 项")
    if siblings:
        targets = siblings_of(draft, path)
        role = targets[path[-1]].role if targets and 0 <= path[-1] < len(targets) else heading_set.role
    else:
        parent = section_at(draft, path)
        if parent is None:
            return ["没有选中章节"]
        targets = parent.children
        role = parent.role
    while len(targets) < len(headings):
        targets.append(DraftSection(role=role))
    while len(targets) > len(headings) and _is_empty(targets[-1]):
        targets.pop()
    if len(targets) > len(headings):
        warnings.append(f"另有 {len(targets) - len(headings)} 节已有内容，保留原标题")
    for section, item in zip(targets, heading_set.items[: len(headings)], strict=False):
        section.heading = item
        section.heading_set = heading_set.id
    return warnings


def _is_empty(section: DraftSection) -> bool:
    return not section.items and not section.children


def add_section(draft: Draft, role: str, after: int | None = None) -> int:
    """Add an empty top-level section with ``role``; returns its index."""
    index = len(draft.sections) if after is None else max(0, min(len(draft.sections), after + 1))
    draft.sections.insert(index, DraftSection(role=role))
    return index


def item_slot_names(item: DraftItem, phrase_text: str | None) -> list[str]:
    """The slot names an item uses (its phrase's text or its own free text), in order, once each."""
    from drafter.phrasebank import slot_names

    text = phrase_text if item.phrase else (item.text or "")
    seen: list[str] = []
    for name in slot_names(text or ""):
        if name not in seen:
            seen.append(name)
    return seen


# ---------------------------------------------------------------- structures → drafts


def roles_of_template(roles: Sequence[str]) -> tuple[str, ...]:
    return tuple(r for r in roles if r in SECTION_ROLES)


def closest_template(roles: Sequence[str], templates: Sequence[Any]) -> Any | None:
    """The template whose section roles are most like ``roles`` (exact match first)."""
    from difflib import SequenceMatcher

    wanted = roles_of_template(roles)
    best = None
    best_score = -1.0
    for info in templates:
        have = roles_of_template(getattr(info, "roles", ()) or ())
        score = 2.0 if have == wanted else SequenceMatcher(a=have, b=wanted).ratio()
        if score > best_score:
            best, best_score = info, score
    return best


def draft_for_structure(
    roles: Sequence[str],
    templates: Sequence[Any],
    meeting: Mapping[str, str],
    phrasebank: Any,
    suggest: Callable[[Any, Mapping[str, str], Any], Draft] | None = None,
) -> Draft:
    """A suggested draft whose top-level sections follow the role sequence ``roles``.

    Starts from the closest template's suggestion and borrows sections of the
    missing roles from the other templates' suggestions.
    """
    if suggest is None:
        from drafter.drafting import suggest_draft as suggest
    base_info = closest_template(roles, templates)
    if base_info is None:
        raise DrafterError("没有可用的模板")
    base = suggest(base_info.name, meeting, phrasebank)
    wanted = roles_of_template(roles)
    if tuple(s.role for s in base.sections) == wanted:
        return base
    pool: dict[str, list[DraftSection]] = {}
    for section in base.sections:
        pool.setdefault(section.role, []).append(section)
    borrowed: dict[str, list[DraftSection]] = {}
    sections = []
    for role in wanted:
        if pool.get(role):
            sections.append(pool[role].pop(0))
            continue
        if role not in borrowed:
            borrowed[role] = []
            for info in templates:
                if info is base_info or role not in (getattr(info, "roles", ()) or ()):
                    continue
                try:
                    other = suggest(info.name, meeting, phrasebank)
                except DrafterError:
                    continue
                borrowed[role].extend(s for s in other.sections if s.role == role)
        if borrowed[role]:
            sections.append(borrowed[role].pop(0))
        else:
            sections.append(DraftSection(role=role))
    base.sections = sections
    return base


# ---------------------------------------------------------------- lint findings → steps

_RULE_STEPS = {
    "count-mismatch": "structure",
    "numbering": "structure",
    "parallel-headings": "headings",
    "stale-year": "meeting",
    "closing": "content",
    "repeated-phrase": "content",
    "placeholder": "content",
}


def finding_step(finding: Any) -> str:
    """The step that fixes a lint finding."""
    rule = getattr(finding, "rule", "")
    if rule == "placeholder":
        message = getattr(finding, "message", "")
        if any(name in message for name in MEETING_FIELDS):
            return "meeting"
    return _RULE_STEPS.get(rule, "content")


def finding_path(finding: Any, draft: Draft) -> tuple[int, ...] | None:
    """The draft section path a finding points at (the deepest that exists), or None."""
    path = getattr(finding, "section", None)
    if not path:
        return None
    found: list[int] = []
    sections = draft.sections
    for i in path:
        if not 0 <= i < len(sections):
            break
        found.append(i)
        sections = sections[i].children
    return tuple(found) or None


@dataclass
class StepStates:
    states: dict[str, str] = field(default_factory=dict)
    reasons: dict[str, list[str]] = field(default_factory=dict)


def step_states(draft: Draft, findings: Sequence[Any] = (), exported: bool = False) -> StepStates:
    """State of each step: done, attention (with reasons, Chinese) or pending."""
    reasons: dict[str, list[str]] = {key: [] for key in STEP_KEYS}
    for name, reason in meeting_problems(draft.meeting).items():
        reasons["meeting"].append(f"{name}：{reason}")
    if not draft.sections:
        reasons["structure"].append("还没有选择结构")
    for path, section in iter_section_paths(draft):
        if not section.heading.strip():
            reasons["headings"].append(f"第 {'.'.join(str(i + 1) for i in path)} 节没有标题")
        if not section.items and not section.children:
            reasons["content"].append(f"“{section.heading or '未定标题'}”还没有内容")
    if not draft.opening:
        reasons["content"].append("开场还没有内容")
    for finding in findings:
        step = finding_step(finding)
        message = getattr(finding, "message", str(finding))
        reasons[step].append(message)
        reasons["preview"].append(message)
    states = {}
    for key in STEP_KEYS:
        if key == "export":
            states[key] = DONE if exported else PENDING
        elif key in ("structure", "headings", "content", "preview") and not draft.sections:
            states[key] = PENDING
        elif key == "meeting" and not any((v or "").strip() for v in draft.meeting.values()):
            states[key] = PENDING
        else:
            states[key] = ATTENTION if reasons[key] else DONE
    return StepStates(states, reasons)


# ---------------------------------------------------------------- export


_BLANK = re.compile(r"【待补：([^】\n]+)】")


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


_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def default_export_path(draft: Draft, fmt: str = "docx", folder: Path | None = None) -> Path:
    """Where an export goes unless the writer says otherwise: ``<会议名称>讲话稿.<fmt>`` in the folder."""
    if fmt not in EXPORT_FORMATS:
        raise DrafterError(f"不支持的导出格式：{fmt}（可选 docx、md、txt）")
    name = _UNSAFE.sub("", draft_title(draft)).strip(" .") or "讲话稿"
    if not name.endswith("讲话稿") and not name.endswith("讲话"):
        name += "讲话稿"
    folder = folder or Path(os.environ.get("DRAFTER_EXPORT_DIR") or Path.cwd())
    return folder / f"{name[:60]}.{fmt}"


def format_for_path(path: str | Path, default: str = "docx") -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in EXPORT_FORMATS else default


def with_format(path: str | Path, fmt: str) -> Path:
    """``path`` with its suffix switched to ``fmt`` (added when it has none of ours)."""
    p = Path(path)
    if p.suffix.lower().lstrip(".") in EXPORT_FORMATS:
        return p.with_suffix("." + fmt)
    return p.with_name(p.name + "." + fmt)


# ---------------------------------------------------------------- new drafts


def blank_draft(profile: Mapping[str, str] | None = None) -> Draft:
    """A new, empty draft with the profile's fields filled in."""
    meeting = apply_profile({}, profile) if profile else {}
    return Draft(meeting=meeting)


ROLE_CHOICES = (ROLE_OPENING, *SECTION_ROLES, ROLE_CLOSING)
