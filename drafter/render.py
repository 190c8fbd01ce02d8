"""Rendering drafts: template discovery, the sandboxed Jinja2 environment, slot filling, suggestions.

Numbering is never typed: templates number sections from their position
(``n|marker("cn_dun")`` -> ``一、``), and the opening's ``讲N点意见`` comes
from the slot ``意见条数``, which is always the Chinese numeral of the number
of sections actually present.  Phrase texts and free text are themselves
small Jinja templates whose variables are slots (``{{ 地区 }}``); a slot is
filled from the item's ``values``, then from the meeting fields, else it is
an error (or a ``【待补：名称】`` marker with ``allow_blanks``).
"""

from __future__ import annotations

import os
import re
import traceback
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2 import meta as jinja_meta
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from drafter import numerals
from drafter.draft import (
    check_references,
    date_year,
    draft_from_yaml,
    draft_to_data,
    draft_to_yaml,
    dump_yaml,
    normalise_date,
    raise_problems,
    read_spec_text,
    save_draft,
)
from drafter.errors import DrafterError, Problem
from drafter.model import (
    MEETING_FIELDS,
    ROLE_CLOSING,
    ROLE_DISCIPLINE,
    ROLE_LABELS,
    ROLE_OPENING,
    ROLE_SITUATION,
    ROLE_TASKS,
    ROLE_TRANSITION,
    SECTION_ROLES,
    Draft,
    DraftItem,
    DraftSection,
    Phrase,
    Speech,
)
from drafter.resources import templates_dir, user_templates_dir

__all__ = [
    "BLANK_MARKER",
    "TemplateInfo",
    "draft_from_yaml",
    "draft_to_yaml",
    "find_template",
    "list_templates",
    "load_draft",
    "new_draft",
    "new_spec_text",
    "normalise_date",
    "render_speech",
    "render_text",
    "save_draft",
    "section_heading",
    "slot_names",
    "suggest_draft",
]

BLANK_MARKER = "【待补：{name}】"
COUNT_SLOT = "意见条数"
YEAR_SLOT = "年份"
AUTO_SLOTS = (COUNT_SLOT, YEAR_SLOT)

_META_RE = re.compile(r"\A\s*\{#-?\s*meta\s*\n(.*?)-?#\}", re.S)
# Spaces between Chinese characters in a paragraph come from YAML folding (``>``), not from the writer.
_CJK_GAP_RE = re.compile(r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])[ \t]+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])")
_COUNT_TEXT_RE = re.compile(r"(讲|谈|强调|说)([一二三四五六七八九十两]{1,3})(点|个方面|方面|条)")


# ---------------------------------------------------------------- templates


@dataclass
class TemplateInfo:
    """A speech template: ``templates/<name>.j2`` (or the user's), with its metadata header."""

    name: str
    title: str
    description: str
    roles: list[str]
    path: Path
    heading_sets: list[str] = field(default_factory=list)
    headings: dict[str, str] = field(default_factory=dict)
    role_sets: dict[str, list[str]] = field(default_factory=dict)  # role -> heading sets for that role
    user: bool = False
    meta: dict[str, Any] = field(default_factory=dict)
    problem: str | None = None  # syntax / metadata error, as FILE:LINE: message


def _read_meta(path: Path, source: str) -> tuple[dict[str, Any], str | None]:
    m = _META_RE.match(source)
    if not m:
        return {}, None
    try:
        meta = yaml.safe_load(m.group(1)) or {}
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark
        line = source[: m.start(1)].count("\n") + 1 + (mark.line if mark else 0)
        return {}, f"{path}:{line}: 模板说明（meta）的 YAML 有误：{exc.problem}"
    except yaml.YAMLError as exc:
        return {}, f"{path}: 模板说明（meta）的 YAML 有误：{exc}"
    if not isinstance(meta, dict):
        return {}, f"{path}:1: 模板说明（meta）应为“键: 值”的映射"
    return meta, None


def _template_dirs() -> list[tuple[Path, bool]]:
    return [(templates_dir(), False), (user_templates_dir(), True)]


_INFO_CACHE: dict[tuple[str, bool], tuple[tuple[int, int], TemplateInfo]] = {}


def _template_info(path: Path, user: bool) -> TemplateInfo:
    """Metadata and syntax check of one template file (cached by modification time and size)."""
    try:
        st = path.stat()
        stamp = (st.st_mtime_ns, st.st_size)
    except OSError:
        stamp = (0, 0)
    cached = _INFO_CACHE.get((str(path), user))
    if cached is not None and cached[0] == stamp:
        return cached[1]
    try:
        source = path.read_text(encoding="utf-8-sig")
    except (OSError, UnicodeDecodeError) as exc:
        return TemplateInfo(path.stem, path.stem, "", list(SECTION_ROLES), path, user=user,
                            problem=f"{path}: 无法读取模板：{exc}")
    meta, problem = _read_meta(path, source)
    if problem is None:
        try:
            _template_env().parse(source, path.stem, str(path))
        except TemplateSyntaxError as exc:
            problem = f"{path}:{exc.lineno}: 模板语法错误：{exc.message}"
    roles = meta.get("roles") or list(SECTION_ROLES)
    if not isinstance(roles, list) or any(r not in SECTION_ROLES for r in roles):
        problem = problem or f"{path}:1: 模板说明中的 roles 只能取 {'、'.join(SECTION_ROLES)}"
        roles = list(SECTION_ROLES)
    headings = meta.get("headings") or {}
    raw_sets = meta.get("heading_sets") or []
    role_sets: dict[str, list[str]] = {}
    if isinstance(raw_sets, dict):
        role_sets = {str(r): [str(x) for x in (v if isinstance(v, list) else [v])] for r, v in raw_sets.items()}
        flat_sets = [x for v in role_sets.values() for x in v]
    else:
        flat_sets = [str(h) for h in raw_sets] if isinstance(raw_sets, list) else []
    info = TemplateInfo(
        name=path.stem,
        title=str(meta.get("title", path.stem)),
        description=str(meta.get("description", "")).strip(),
        roles=list(roles),
        path=path,
        heading_sets=list(dict.fromkeys(flat_sets)),
        headings={str(k): str(v) for k, v in headings.items()} if isinstance(headings, dict) else {},
        role_sets=role_sets,
        user=user,
        meta=meta,
        problem=problem,
    )
    _INFO_CACHE[(str(path), user)] = (stamp, info)
    return info


def list_templates() -> list[TemplateInfo]:
    """Shipped templates, then the user's (a user template overrides a shipped one of the same name)."""
    found: dict[str, TemplateInfo] = {}
    for folder, user in _template_dirs():
        if not folder.is_dir():
            continue
        for path in sorted(folder.glob("*.j2")):
            if not path.name.startswith("_"):
                found[path.stem] = _template_info(path, user)
    return sorted(found.values(), key=lambda t: (t.user, t.name))


def find_template(name: str) -> TemplateInfo:
    for info in list_templates():
        if info.name == name:
            return info
    names = "、".join(t.name for t in list_templates())
    raise DrafterError(f"没有名为“{name}”的模板（可用：{names}）")


def _marker(n: int, kind: str = "cn_dun") -> str:
    return numerals.marker_for(kind, int(n))


def _cn(n: int) -> str:
    return numerals.to_chinese(int(n))


_END_PUNCT = "。，,；;：:、. "


def _headline(text: str) -> str:
    """A heading on its own line: no closing full stop."""
    return str(text).strip().rstrip("。；;，,.")


def _runin(heading: str, body: str = "") -> str:
    """``（一）heading。body``: the heading closed by 。 (unless it ends with ？/！), then the body."""
    head = str(heading).strip().rstrip(_END_PUNCT)
    if not head.endswith(("？", "！", "?", "!")):
        head += "。"
    return head + str(body).strip()


def _sentence(text: str) -> str:
    text = str(text).strip()
    if text and text[-1] not in "。！？!?”…）":
        text = text.rstrip("，,；;：:") + "。"
    return text


MAX_PRODUCT_CHARS = 200_000


class _Sandbox(SandboxedEnvironment):
    """The sandbox, also refusing huge ``*`` / ``**`` results (``{{ 地区 * 10**9 }}``)."""

    intercepted_binops = frozenset(["*", "**"])

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        if operator == "**":
            if isinstance(right, (int, float)) and abs(right) > 100:
                raise SecurityError("乘方的指数过大")
            return left**right
        for seq, count in ((left, right), (right, left)):
            if isinstance(seq, (str, list, tuple)) and isinstance(count, int) and len(seq) * count > MAX_PRODUCT_CHARS:
                raise SecurityError("重复次数过大")
        return left * right


def _template_env() -> SandboxedEnvironment:
    """The environment for speech templates (user folder first); one per pair of folders."""
    return _template_env_for(str(user_templates_dir()), str(templates_dir()))


@lru_cache(maxsize=8)
def _template_env_for(user_dir: str, shipped_dir: str) -> SandboxedEnvironment:
    loader = jinja2.FileSystemLoader([user_dir, shipped_dir], encoding="utf-8")
    env = _Sandbox(
        loader=loader,
        undefined=jinja2.StrictUndefined,
        autoescape=False,
        keep_trailing_newline=True,
        trim_blocks=True,
        lstrip_blocks=True,
        auto_reload=True,
    )
    env.filters.update(cn=_cn, marker=_marker, headline=_headline, runin=_runin, sentence=_sentence)
    return env


@lru_cache(maxsize=1)
def _text_env() -> SandboxedEnvironment:
    env = _Sandbox(undefined=jinja2.StrictUndefined, autoescape=False, keep_trailing_newline=False)
    env.filters.update(cn=_cn, marker=_marker)
    return env


@lru_cache(maxsize=4096)
def _compile_text(text: str) -> tuple[jinja2.Template, tuple[str, ...]]:
    env = _text_env()
    ast = env.parse(text)
    names = tuple(sorted(jinja_meta.find_undeclared_variables(ast)))
    return env.from_string(ast), names


def slot_names(text: str) -> list[str]:
    """The slots (Jinja variables) a phrase or free text uses, sorted; [] for a syntax error."""
    try:
        return list(_compile_text(text)[1])
    except TemplateSyntaxError:
        return []


# ---------------------------------------------------------------- loading


def load_draft(path: str | os.PathLike[str], phrasebank: Any = None) -> Draft:
    """Load and validate a spec: structure, template name, and (given a phrasebank) phrase ids and heading sets."""
    text = read_spec_text(path)
    draft = draft_from_yaml(text, str(path))
    raise_problems(check_draft(draft, phrasebank))
    return draft


def check_draft(draft: Draft, phrasebank: Any = None) -> list[Problem]:
    """Reference problems of a parsed draft (template, phrase ids, heading sets and items)."""
    return check_references(draft, phrasebank, [t.name for t in list_templates()])


# ---------------------------------------------------------------- rendering


class _Renderer:
    def __init__(self, draft: Draft, phrasebank: Any, allow_blanks: bool):
        self.draft = draft
        self.pb = phrasebank
        self.allow_blanks = allow_blanks
        self.file = getattr(draft, "_file", "") or None
        self.base = base_values(draft)

    def fill(self, text: str, values: Mapping[str, str], what: str, line: int | None,
             phrase: Phrase | None = None) -> str:
        file, where_line = self.file, line
        if phrase is not None and not line:
            file, where_line = phrase.file or file, phrase.line or None
        try:
            template, names = _compile_text(text)
        except TemplateSyntaxError as exc:
            raise DrafterError(f"{what}的文字有模板语法错误：{exc.message}", file, where_line) from exc
        context: dict[str, str] = {}
        for name in names:
            value = values.get(name, "")
            if name == COUNT_SLOT:
                value = self.base[COUNT_SLOT]
            if value is None or str(value).strip() == "":
                if name == COUNT_SLOT and not self.allow_blanks:
                    raise DrafterError(f"草稿还没有任何部分（sections），无法计算“讲N点意见”（{what}）",
                                       file, where_line)
                if not self.allow_blanks:
                    raise DrafterError(
                        f"填空“{name}”没有值（{what}）：请在该条的 values 或 meeting 中填写，"
                        "或使用 --allow-blanks 先留空", file, where_line)
                value = BLANK_MARKER.format(name=name)
            context[name] = str(value)
        try:
            return template.render(context).strip()
        except SecurityError as exc:
            raise DrafterError(f"{what}试图访问程序内部属性，出于安全考虑已拒绝（{exc}）", file, where_line) from exc
        except UndefinedError as exc:
            raise DrafterError(f"{what}用到了无法取值的内容：{exc.message}", file, where_line) from exc
        except TemplateError as exc:
            raise DrafterError(f"{what}无法生成：{exc}", file, where_line) from exc
        except (TypeError, ValueError, ArithmeticError) as exc:
            raise DrafterError(f"{what}无法生成：{exc}", file, where_line) from exc

    def item(self, item: DraftItem, label: str) -> list[str]:
        line = getattr(item, "_line", None)
        values = {**self.base, **{k: v for k, v in item.values.items() if k != COUNT_SLOT}}
        if item.phrase is not None:
            phrase = self.pb.phrases.get(item.phrase) if self.pb is not None else None
            if phrase is None:
                raise DrafterError(f"{label}：素材库中没有编号为“{item.phrase}”的素材", self.file, line)
            text = self.fill(phrase.text, values, f"素材 {phrase.id}", line, phrase)
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
    return "两" if n == 2 else numerals.to_chinese(n)


def section_heading(sec: DraftSection, phrasebank: Any, *, file: str | None = None) -> str:
    """The full heading of a section: its text, or the heading set's frame with the chosen item."""
    if not sec.heading_set:
        return sec.heading
    hs = phrasebank.heading_sets.get(sec.heading_set) if phrasebank is not None else None
    if hs is None:
        raise DrafterError(f"素材库中没有编号为“{sec.heading_set}”的标题组", file, getattr(sec, "_line", None))
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


def render_context(draft: Draft, phrasebank: Any, *, allow_blanks: bool = False) -> dict[str, Any]:
    """What a template sees: title, subtitle, speaker, date, opening, sections (dicts), closing, meeting, count."""
    r = _Renderer(draft, phrasebank, allow_blanks)
    meeting_name = r.base.get("会议名称", "")
    if not meeting_name.strip() and allow_blanks:
        meeting_name = BLANK_MARKER.format(name="会议名称")
    if not meeting_name.strip():
        raise DrafterError("填空“会议名称”没有值（标题）：请在 meeting 中填写，或使用 --allow-blanks 先留空",
                           r.file, getattr(draft, "_lines", {}).get(("meeting",)))
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


def _template_error_line(exc: BaseException, path: Path) -> int | None:
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and Path(frame.filename).name == path.name:
            line = frame.lineno
    return line


def render_text(draft: Draft, phrasebank: Any, *, allow_blanks: bool = False) -> str:
    """The speech as plain text in the corpus shape (one paragraph per line)."""
    info = find_template(draft.template)
    if info.problem:
        raise DrafterError(info.problem)
    raise_problems(check_references(draft, phrasebank))
    context = render_context(draft, phrasebank, allow_blanks=allow_blanks)
    env = _template_env()
    try:
        template = env.get_template(info.path.name)
        text = template.render(context)
    except TemplateSyntaxError as exc:
        raise DrafterError(f"模板语法错误：{exc.message}", exc.filename or str(info.path), exc.lineno) from exc
    except SecurityError as exc:
        raise DrafterError(f"模板试图访问程序内部属性，出于安全考虑已拒绝（{exc}）", str(info.path),
                           _template_error_line(exc, info.path)) from exc
    except UndefinedError as exc:
        raise DrafterError(f"模板用到了不存在的内容：{exc.message}", str(info.path),
                           _template_error_line(exc, info.path)) from exc
    except TemplateError as exc:
        raise DrafterError(f"模板无法生成：{exc}", str(info.path), _template_error_line(exc, info.path)) from exc
    except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:
        raise DrafterError(f"模板无法生成：{exc}", str(info.path), _template_error_line(exc, info.path)) from exc
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line) + "\n"


def render_speech(draft: Draft, phrasebank: Any, *, allow_blanks: bool = False) -> Speech:
    """``parse_speech(render_text(...))``."""
    from drafter.outline import parse_speech

    text = render_text(draft, phrasebank, allow_blanks=allow_blanks)
    source = Path(getattr(draft, "_file", "") or "草稿").name
    return parse_speech(text, source=source, path=getattr(draft, "_file", "") or "")


# ---------------------------------------------------------------- suggestions

OPENING_FUNCTIONS = ("会议定性", "会议目的", "回应前面发言", "引出意见")
SITUATION_FUNCTIONS = ("肯定成绩", "成绩归因", "转折", "问题不足", "形势机遇", "增强紧迫感")
DISCIPLINE_FUNCTIONS = ("作风要求", "工作要求", "督查问责", "廉政要求")
TASK_FUNCTIONS = ("部署任务", "工作要求")
TOPIC_ORDER = ("项目建设", "招商引资", "工业经济", "城乡建设", "乡村振兴", "生态环保", "营商环境",
               "民生保障", "安全稳定", "财政金融", "科技创新", "社会治理", "农业农村", "文化旅游",
               "教育卫生", "改革开放", "党的建设", "干部队伍")
TOPIC_HEADINGS = {
    "项目建设": "全力抓项目促投资",
    "招商引资": "全力抓招商引项目",
    "工业经济": "稳住工业经济基本盘",
    "城乡建设": "扎实推进城乡建设",
    "乡村振兴": "全面推进乡村振兴",
    "生态环保": "深入开展污染治理",
    "营商环境": "持续优化营商环境",
    "民生保障": "全面增进民生福祉",
    "安全稳定": "有效化解各类风险",
    "财政金融": "全力抓好财政增收",
    "科技创新": "大力推动科技创新",
    "社会治理": "不断提升社会治理水平",
    "农业农村": "加快发展现代农业",
    "文化旅游": "大力发展文化旅游",
    "教育卫生": "加快发展教育卫生事业",
    "改革开放": "纵深推进改革开放",
    "党的建设": "全面加强政府自身建设",
    "干部队伍": "建设高素质干部队伍",
}
DISCIPLINE_HEADINGS = {
    "作风要求": "务实担当，驰而不息转作风",
    "工作要求": "全面梳理，细化分解抓落实",
    "督查问责": "真督实查，跟踪问效保成效",
    "廉政要求": "严守底线，清正廉洁树形象",
}
DEFAULT_HEADINGS = {
    ROLE_SITUATION: "坚定信心，认清形势，切实增强做好工作的责任感紧迫感",
    ROLE_TASKS: "锚定目标，重点突破，全力推动各项工作提质增效",
    ROLE_DISCIPLINE: "强化作风，担当实干，确保各项任务落地见效",
}
FALLBACK_TEXT = {
    "引出意见": "下面，我讲{{ 意见条数 }}点意见。",
    "号召": "同志们，任务已经明确，关键在于落实。让我们以只争朝夕的精神、真抓实干的作风，"
            "奋力完成全年各项目标任务，为{{ 地区 }}高质量发展作出新的更大贡献！",
}


REPEAT_WINDOW = 10
# Slot names without compiling (the phrasebank loader has already checked the Jinja syntax).
_QUICK_SLOT_RE = re.compile(r"\{\{-?\s*([^\s{}|.\[\]()~+*/%-]+)|\{%-?\s*(?:el)?if\s+([^\s{}|.\[\]()%-]+)")


class _Picker:
    """Deterministic phrase choice for suggestions; never the same phrase twice."""

    def __init__(self, phrasebank: Any, meeting: Mapping[str, str], info: TemplateInfo | None = None):
        self.pb = phrasebank
        self.meeting = meeting
        meta = info.meta if info is not None else {}
        self.prefer = [str(w) for w in meta.get("prefer") or []]
        self.avoid = [str(w) for w in meta.get("avoid") or []]
        self.used: set[str] = set()
        self.used_text = ""  # texts already picked, to keep long repeats out (lint: repeated-phrase)
        phrases = list(phrasebank.phrases.values()) if phrasebank is not None else []
        self.phrases = sorted(phrases, key=lambda p: p.id)
        registry = getattr(phrasebank, "slots", {}) or {}
        self.examples = {name: getattr(slot, "example", "") for name, slot in registry.items()}
        self.by_role: dict[str, list[tuple[Phrase, dict[str, str]]]] = {}
        for phrase in self.phrases:
            if _looks_placeholder(phrase.text):
                continue
            values = self.values_for(phrase)
            if values is not None:
                self.by_role.setdefault(phrase.role, []).append((phrase, values))

    def values_for(self, phrase: Phrase) -> dict[str, str] | None:
        """Slot values a suggestion fills from examples; None if a slot cannot be filled."""
        declared = {s.name: s.example for s in phrase.slots}
        values: dict[str, str] = {}
        names = (a or b for a, b in _QUICK_SLOT_RE.findall(phrase.text))
        for name in dict.fromkeys(n for n in names if n not in ("not", "true", "false", "none")):
            if name in MEETING_FIELDS or name in AUTO_SLOTS or self.meeting.get(name):
                continue
            example = declared.get(name) or self.examples.get(name)
            if not example or _looks_placeholder(example):
                return None
            values[name] = example
        return values

    def pick(self, role: str, function: str | None = None, topic: str | None = None,
             roles: Iterable[str] = ()) -> DraftItem | None:
        best: tuple[tuple[Any, ...], Phrase, dict[str, str]] | None = None
        candidates = [c for r in dict.fromkeys((role, *roles)) for c in self.by_role.get(r, ())]
        for phrase, values in candidates:
            if phrase.id in self.used:
                continue
            if function is not None and phrase.function != function:
                continue
            if topic is not None and topic not in phrase.topics:
                continue
            key = (
                0 if phrase.role == role else 1,
                sum(w in phrase.text for w in self.avoid),
                1 if topic is None and phrase.topics else 0,
                len(values),
                -sum(w in phrase.text for w in self.prefer),
                phrase.id,
            )
            if (best is None or key < best[0]) and not self._repeats(phrase.text):
                best = (key, phrase, values)
        if best is None:
            return None
        self.used.add(best[1].id)
        self.used_text += "\n" + best[1].text
        return DraftItem(phrase=best[1].id, values=dict(best[2]))

    def _repeats(self, text: str, size: int = REPEAT_WINDOW) -> bool:
        """Whether ``text`` shares a run of ``size`` characters with a phrase already picked."""
        if not self.used_text:
            return False
        plain = re.sub(r"\{\{.*?\}\}|\s", "", text)
        return any(plain[i:i + size] in self.used_text for i in range(0, max(len(plain) - size + 1, 0)))

    def topics(self, role: str, functions: Iterable[str]) -> list[str]:
        funcs = set(functions)
        counts: dict[str, int] = {}
        for p in self.phrases:
            if p.role == role and p.function in funcs:
                for t in p.topics:
                    counts[t] = counts.get(t, 0) + 1
        ordered = [t for t in TOPIC_ORDER if counts.get(t)]
        ordered += sorted((t for t in counts if t not in TOPIC_ORDER), key=lambda t: (-counts[t], t))
        return ordered


_PLACEHOLDER_RE = re.compile(r"X{2,}|x{2,}|\*{1,}|××|【待补")


def _looks_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER_RE.search(text or ""))


def _match_sets(wanted: Iterable[str], phrasebank: Any) -> list[Any]:
    """Heading sets named by id or by frame (``{X}抓落实``), in the order named."""
    if phrasebank is None:
        return []
    sets = phrasebank.heading_sets
    out: list[Any] = []
    for name in wanted:
        if name in sets:
            found = [sets[name]]
        else:
            found = sorted((hs for hs in sets.values()
                            if hs.frame.replace("{" + hs.slot + "}", "{X}") == name), key=lambda h: h.id)
        out.extend(hs for hs in found if hs not in out)
    return out


def _preferred_sets(info: TemplateInfo, phrasebank: Any) -> list[Any]:
    """The heading sets a template names in its meta."""
    return _match_sets(info.heading_sets, phrasebank)


def _heading_sets_for(info: TemplateInfo, phrasebank: Any, role: str, level: str) -> list[Any]:
    """Heading sets for a template's section of ``role``: those the template assigns to the role,
    else those it names whose own role matches."""
    def fits(hs: Any) -> bool:
        return hs.level == level and len(hs.items) >= 2

    if role in info.role_sets:
        return [hs for hs in _match_sets(info.role_sets[role], phrasebank) if fits(hs)]
    if info.role_sets:
        return []
    return [hs for hs in _preferred_sets(info, phrasebank) if hs.role == role and fits(hs)]


TOPIC_HINTS = (
    ("招商", "招商引资"), ("项目", "项目建设"), ("工业", "工业经济"), ("产业", "工业经济"),
    ("城", "城乡建设"), ("乡村", "乡村振兴"), ("农", "农业农村"), ("生态", "生态环保"), ("环保", "生态环保"),
    ("污染", "生态环保"), ("营商", "营商环境"), ("服务", "营商环境"), ("民", "民生保障"), ("安全", "安全稳定"),
    ("稳定", "安全稳定"), ("和谐", "社会治理"), ("治理", "社会治理"), ("财", "财政金融"), ("创新", "科技创新"),
    ("科技", "科技创新"), ("改革", "改革开放"), ("开放", "改革开放"), ("文化", "文化旅游"), ("旅游", "文化旅游"),
    ("教育", "教育卫生"), ("卫生", "教育卫生"), ("发展", "项目建设"),
)


def _topics_for_items(items: list[str], topics: list[str]) -> list[str | None]:
    """A topic for each heading item: one it names (县城建设 -> 城乡建设), else the next unused one."""
    chosen: list[str | None] = []
    used: set[str] = set()
    for item in items:
        pick = next((t for t in topics if t not in used and (t in item or item in t)), None)
        if pick is None:
            pick = next((t for hint, t in TOPIC_HINTS if hint in item and t in topics and t not in used), None)
        chosen.append(pick)
        if pick:
            used.add(pick)
    rest = [t for t in topics if t not in used]
    return [t if t is not None else (rest.pop(0) if rest else None) for t in chosen]


def _top_set(info: TemplateInfo, phrasebank: Any) -> Any | None:
    """The heading set for a parallel speech: the template's top-level set, any top-level set, any set."""
    if phrasebank is None:
        return None
    sets = phrasebank.heading_sets
    candidates = _preferred_sets(info, phrasebank)
    for hs in candidates:
        if hs.level == "top":
            return hs
    ordered = sorted(sets.values(), key=lambda h: (h.level != "top", h.role != ROLE_TASKS, h.id))
    ordered = [hs for hs in candidates if len(hs.items) >= 3] + [hs for hs in ordered if len(hs.items) >= 3]
    return ordered[0] if ordered else None


def _as_info(template: str | TemplateInfo) -> TemplateInfo:
    return template if isinstance(template, TemplateInfo) else find_template(template)


def suggest_draft(template: str | TemplateInfo, meeting: Mapping[str, str], phrasebank: Any) -> Draft:
    """A complete draft for ``template`` from the phrasebank (deterministic)."""
    info = _as_info(template)
    meeting = {k: ("" if v is None else str(v)) for k, v in meeting.items()}
    if meeting.get("日期"):
        meeting["日期"] = normalise_date(meeting["日期"]) or meeting["日期"]
    picker = _Picker(phrasebank, meeting, info)
    draft = Draft(meeting=dict(meeting), template=info.name)

    for function in OPENING_FUNCTIONS:
        item = picker.pick(ROLE_OPENING, function)
        if item is None and function in FALLBACK_TEXT:
            item = DraftItem(text=FALLBACK_TEXT[function])
        if item is not None:
            draft.opening.append(item)

    if info.meta.get("parallel"):
        draft.sections = _parallel_sections(info, phrasebank, picker)
    else:
        for role in info.roles:
            draft.sections.append(_suggest_section(info, phrasebank, picker, role))

    closing = picker.pick(ROLE_CLOSING, "号召") or picker.pick(ROLE_CLOSING)
    draft.closing.append(closing or DraftItem(text=FALLBACK_TEXT["号召"]))
    return draft


def _items_by_functions(picker: _Picker, role: str, functions: Iterable[str], limit: int,
                        topic: str | None = None) -> list[DraftItem]:
    items: list[DraftItem] = []
    for function in functions:
        if len(items) >= limit:
            break
        item = picker.pick(role, function, topic)
        if item is not None:
            items.append(item)
    return items


def _suggest_section(info: TemplateInfo, phrasebank: Any, picker: _Picker, role: str) -> DraftSection:
    heading = info.headings.get(role) or DEFAULT_HEADINGS[role]
    section = DraftSection(role=role, heading=heading)
    sub_sets = _heading_sets_for(info, phrasebank, role, "sub")
    if role == ROLE_SITUATION:
        if sub_sets:
            hs = sub_sets[0]
            for i, item in enumerate(hs.items[:3]):
                fn = SITUATION_FUNCTIONS[i % len(SITUATION_FUNCTIONS)]
                child_items = [x for x in (picker.pick(role, fn) or picker.pick(role),) if x]
                section.children.append(DraftSection(role=role, heading=item, heading_set=hs.id,
                                                     items=child_items))
        else:
            section.items = _items_by_functions(picker, role, SITUATION_FUNCTIONS, 4)
            while len(section.items) < 2:
                extra = picker.pick(role)
                if extra is None:
                    break
                section.items.append(extra)
        return section
    if role == ROLE_TASKS:
        intro = picker.pick(ROLE_TASKS, "工作要求")
        if intro is not None:
            section.items.append(intro)
        if sub_sets:
            hs = sub_sets[0]
            topics = _topics_for_items(hs.items[:4], picker.topics(role, TASK_FUNCTIONS))
            for item, topic in zip(hs.items[:4], topics, strict=True):
                child_items = _items_by_functions(picker, role, TASK_FUNCTIONS, 2, topic) or \
                    _items_by_functions(picker, role, TASK_FUNCTIONS, 1)
                section.children.append(DraftSection(role=role, heading=item, heading_set=hs.id,
                                                     items=child_items))
        else:
            for topic in picker.topics(role, TASK_FUNCTIONS):
                if len(section.children) >= 4:
                    break
                child_items = _items_by_functions(picker, role, TASK_FUNCTIONS, 2, topic)
                if child_items:
                    section.children.append(DraftSection(role=role, heading=TOPIC_HEADINGS.get(topic, topic),
                                                         items=child_items))
        return section
    # discipline
    if sub_sets:
        hs = sub_sets[0]
        for i, item in enumerate(hs.items[:4]):
            fn = DISCIPLINE_FUNCTIONS[i % len(DISCIPLINE_FUNCTIONS)]
            child = picker.pick(role, fn) or picker.pick(role)
            section.children.append(DraftSection(role=role, heading=item, heading_set=hs.id,
                                                 items=[child] if child else []))
    else:
        for fn in DISCIPLINE_FUNCTIONS:
            child = picker.pick(role, fn)
            if child is not None:
                section.children.append(DraftSection(role=role, heading=DISCIPLINE_HEADINGS[fn], items=[child]))
    return section


def _parallel_sections(info: TemplateInfo, phrasebank: Any, picker: _Picker) -> list[DraftSection]:
    hs = _top_set(info, phrasebank)
    sections: list[DraftSection] = []
    if hs is None:
        fallback = [str(h) for h in info.meta.get("top_headings") or []]
        if not fallback:
            return [_suggest_section(info, phrasebank, picker, role) for role in SECTION_ROLES]
        for i, heading in enumerate(fallback):
            role = info.roles[i] if i < len(info.roles) else ROLE_TASKS
            functions = {ROLE_DISCIPLINE: DISCIPLINE_FUNCTIONS, ROLE_SITUATION: SITUATION_FUNCTIONS}.get(
                role, TASK_FUNCTIONS)
            items = _items_by_functions(picker, role, functions, 2)
            sections.append(DraftSection(role=role, heading=heading, items=items))
        return sections
    count = int(info.meta.get("sections", 4))
    role = hs.role if hs.role in SECTION_ROLES else ROLE_TASKS
    functions = DISCIPLINE_FUNCTIONS if role == ROLE_DISCIPLINE else (
        SITUATION_FUNCTIONS if role == ROLE_SITUATION else TASK_FUNCTIONS)
    topics = _topics_for_items(hs.items[:count], picker.topics(role, functions))
    for item, topic in zip(hs.items[:count], topics, strict=True):
        items = _items_by_functions(picker, role, functions, 2, topic)
        if len(items) < 2:
            items += _items_by_functions(picker, role, functions, 2 - len(items))
        if not items:
            extra = picker.pick(role, roles=SECTION_ROLES)
            items = [extra] if extra else []
        sections.append(DraftSection(role=role, heading=item, heading_set=hs.id, items=items))
    return sections


# ---------------------------------------------------------------- new spec


def new_draft(template: str | TemplateInfo, phrasebank: Any) -> Draft:
    """A starting draft: the suggestion for the template, with the meeting fields left empty."""
    return suggest_draft(template, {k: "" for k in MEETING_FIELDS}, phrasebank)


def _preview(text: str, width: int = 36) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= width else flat[: width - 1] + "…"


def new_spec_text(template: str | TemplateInfo, phrasebank: Any) -> str:
    """The text ``drafter new`` writes: a valid spec plus, as comments, every choice the template offers."""
    info = _as_info(template)
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
    meeting_yaml = dump_yaml({"meeting": data.pop("meeting")})
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


def _annotate(line: str, phrasebank: Any) -> str:
    """``- phrase: ID`` -> ``- phrase: ID    # 开头文字…`` (and the frame after a heading_set id)."""
    m = _ID_LINE_RE.match(line)
    if not m or phrasebank is None:
        return line
    if m.group(2) == "phrase":
        phrase = phrasebank.phrases.get(m.group(3))
        return f"{line}    # {_preview(phrase.text, 30)}" if phrase else line
    hs = phrasebank.heading_sets.get(m.group(3))
    return f"{line}    # {hs.frame}" if hs else line


def _choices_comment(info: TemplateInfo, phrasebank: Any) -> list[str]:
    out = ["# " + "=" * 70, "# 可选内容一览（供手工填写时参考）", "#",
           "# 部分角色 role：" + "；".join(f"{r}（{ROLE_LABELS[r]}）" for r in SECTION_ROLES),
           f"# 本模板默认的部分：{' → '.join(f'{r}（{ROLE_LABELS[r]}）' for r in info.roles)}"]
    if info.description:
        out.append(f"# 模板说明：{info.description}")
    out.append("#")
    if phrasebank is None:
        return out
    out.append("# 排比标题组 heading_set（用法：heading_set: 编号  加  item: 条目）：")
    preferred = {hs.id for hs in _preferred_sets(info, phrasebank)}
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
        phrases = sorted((p for p in phrasebank.phrases.values() if p.role == role),
                         key=lambda p: (p.function, p.id))
        if not phrases:
            continue
        out.append(f"#  【{ROLE_LABELS.get(role, role)}】{role}")
        current = None
        for p in phrases:
            if p.function != current:
                current = p.function
                out.append(f"#    {current}：")
            slots = slot_names(p.text)
            extra = f"  填空：{'、'.join(slots)}" if slots else ""
            out.append(f"#      {p.id} — {_preview(p.text)}{extra}")
    return out
