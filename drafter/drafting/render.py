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

import math
import os
import re
import traceback
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
import yaml
from jinja2 import meta as jinja_meta
from jinja2 import nodes as jinja_nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.sandbox import SandboxedEnvironment

from drafter.drafting.spec import (
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
from drafter.text import numerals
from drafter.util import templates_dir, user_templates_dir

__all__ = [
    "BLANK_MARKER",
    "TemplateInfo",
    "draft_from_yaml",
    "draft_to_yaml",
    "find_template",
    "list_templates",
    "load_draft",
    "meeting_profile",
    "new_draft",
    "new_spec_text",
    "normalise_date",
    "optional_slots",
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
_CJK_GAP_RE = re.compile(
    r"(?<=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])[ \t]+(?=[\u3000-\u303f\u4e00-\u9fff\uff00-\uffef])"
)
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
        return TemplateInfo(
            path.stem,
            path.stem,
            "",
            list(SECTION_ROLES),
            path,
            user=user,
            problem=f"{path}: 无法读取模板：{exc}",
        )
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
        role_sets = {
            str(r): [str(x) for x in (v if isinstance(v, list) else [v])] for r, v in raw_sets.items()
        }
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
            if (
                isinstance(seq, (str, list, tuple))
                and isinstance(count, int)
                and len(seq) * count > MAX_PRODUCT_CHARS
            ):
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


def _test_names(node: jinja_nodes.Node, out: list[jinja_nodes.Name]) -> None:
    """The bare names a condition tests for truth (``名称``, ``not 名称``, ``a and b``, ``a or b``)."""
    if isinstance(node, jinja_nodes.Name):
        out.append(node)
    elif isinstance(node, jinja_nodes.Not):
        _test_names(node.node, out)
    elif isinstance(node, (jinja_nodes.And, jinja_nodes.Or)):
        _test_names(node.left, out)
        _test_names(node.right, out)


def _guards(node: jinja_nodes.Node) -> set[str]:
    """Names that must be true for a condition to hold (``名称``, ``a and b``)."""
    if isinstance(node, jinja_nodes.Name):
        return {node.name}
    if isinstance(node, jinja_nodes.And):
        return _guards(node.left) | _guards(node.right)
    return set()


@lru_cache(maxsize=4096)
def optional_slots(text: str) -> frozenset[str]:
    """Slots used only as a condition: false when not filled in.

    ``{% if 名称 %}…{% endif %}`` and ``{% if 名称 %}在{{ 名称 }}{% endif %}`` (printed only where the
    condition guarantees a value) make 名称 optional; a slot printed or passed to a filter anywhere
    else stays required.  Returns an empty set for a syntax error.
    """
    try:
        ast = _text_env().parse(text)
    except TemplateSyntaxError:
        return frozenset()
    undeclared = jinja_meta.find_undeclared_variables(ast)
    tested: list[jinja_nodes.Name] = []
    guarded: set[int] = set()
    for node in ast.find_all((jinja_nodes.If, jinja_nodes.CondExpr)):
        _test_names(node.test, tested)
        guards = _guards(node.test)
        if not guards:
            continue
        bodies = node.body if isinstance(node, jinja_nodes.If) else [node.expr1]
        for part in bodies:
            guarded.update(id(n) for n in part.find_all(jinja_nodes.Name) if n.name in guards)
            if isinstance(part, jinja_nodes.Name) and part.name in guards:
                guarded.add(id(part))
    if not tested:
        return frozenset()
    ok = {id(n) for n in tested} | guarded
    loads: dict[str, bool] = {}
    for name in ast.find_all(jinja_nodes.Name):
        if name.ctx == "load" and name.name in undeclared:
            loads[name.name] = loads.get(name.name, True) and id(name) in ok
    tested_names = {n.name for n in tested}
    return frozenset(n for n, fine in loads.items() if fine and n in tested_names)


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

    def fill(
        self, text: str, values: Mapping[str, str], what: str, line: int | None, phrase: Phrase | None = None
    ) -> str:
        file, where_line = self.file, line
        if phrase is not None and not line:
            file, where_line = phrase.file or file, phrase.line or None
        try:
            template, names = _compile_text(text)
        except TemplateSyntaxError as exc:
            raise DrafterError(f"{what}的文字有模板语法错误：{exc.message}", file, where_line) from exc
        context: dict[str, str] = {}
        optional = optional_slots(text)
        for name in names:
            value = values.get(name, "")
            if name == COUNT_SLOT:
                value = self.base[COUNT_SLOT]
            if value is None or str(value).strip() == "":
                if name in optional:  # only tested by {% if %}: not filled in means false
                    context[name] = ""
                    continue
                if name == COUNT_SLOT and not self.allow_blanks:
                    raise DrafterError(
                        f"草稿还没有任何部分（sections），无法计算“讲N点意见”（{what}）", file, where_line
                    )
                if not self.allow_blanks:
                    raise DrafterError(
                        f"填空“{name}”没有值（{what}）：请在该条的 values 或 meeting 中填写，"
                        "或使用 --allow-blanks 先留空",
                        file,
                        where_line,
                    )
                value = BLANK_MARKER.format(name=name)
            context[name] = str(value)
        try:
            return template.render(context).strip()
        except SecurityError as exc:
            raise DrafterError(
                f"{what}试图访问程序内部属性，出于安全考虑已拒绝（{exc}）", file, where_line
            ) from exc
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


def render_context(draft: Draft, phrasebank: Any, *, allow_blanks: bool = False) -> dict[str, Any]:
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
        raise DrafterError(
            f"模板语法错误：{exc.message}", exc.filename or str(info.path), exc.lineno
        ) from exc
    except SecurityError as exc:
        raise DrafterError(
            f"模板试图访问程序内部属性，出于安全考虑已拒绝（{exc}）",
            str(info.path),
            _template_error_line(exc, info.path),
        ) from exc
    except UndefinedError as exc:
        raise DrafterError(
            f"模板用到了不存在的内容：{exc.message}", str(info.path), _template_error_line(exc, info.path)
        ) from exc
    except TemplateError as exc:
        raise DrafterError(
            f"模板无法生成：{exc}", str(info.path), _template_error_line(exc, info.path)
        ) from exc
    except (TypeError, ValueError, ArithmeticError, AttributeError) as exc:
        raise DrafterError(
            f"模板无法生成：{exc}", str(info.path), _template_error_line(exc, info.path)
        ) from exc
    lines = [line.strip() for line in text.splitlines()]
    return "\n".join(line for line in lines if line) + "\n"


def render_speech(draft: Draft, phrasebank: Any, *, allow_blanks: bool = False) -> Speech:
    """``parse_speech(render_text(...))``."""
    from drafter.outline import parse_speech

    text = render_text(draft, phrasebank, allow_blanks=allow_blanks)
    source = Path(getattr(draft, "_file", "") or "草稿").name
    return parse_speech(text, source=source, path=getattr(draft, "_file", "") or "")


# ---------------------------------------------------------------- suggestions
#
# The fast path: ``suggest_draft`` fills every section of a template with headings and phrases.
# Each (sub)heading becomes a query: the topics its words name (县城 -> 城乡建设), the function they
# call for (问责 -> 督查问责), and its character bigrams weighted by rarity in the phrasebank.  Phrases
# are ranked by that relevance, the meeting type's preferred and avoided words, then by id, so the
# result is deterministic; a phrase is never used twice, and a phrase that would repeat a run of
# REPEAT_WINDOW characters already in the draft (after filling its slots) is skipped.

OPENING_FUNCTIONS = ("会议定性", "会议目的", "回应前面发言", "引出意见")
SITUATION_FUNCTIONS = ("肯定成绩", "成绩归因", "转折", "问题不足", "形势机遇", "增强紧迫感")
DISCIPLINE_FUNCTIONS = ("作风要求", "工作要求", "督查问责", "廉政要求")
TASK_FUNCTIONS = ("部署任务", "工作要求")
TOPIC_ORDER = (
    "项目建设",
    "招商引资",
    "工业经济",
    "城乡建设",
    "乡村振兴",
    "生态环保",
    "营商环境",
    "民生保障",
    "安全稳定",
    "财政金融",
    "科技创新",
    "社会治理",
    "农业农村",
    "文化旅游",
    "教育卫生",
    "改革开放",
    "党的建设",
    "干部队伍",
)
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

# Words in a heading -> the topic it is about.
TOPIC_HINTS = (
    ("招商", "招商引资"),
    ("引资", "招商引资"),
    ("项目", "项目建设"),
    ("投资", "项目建设"),
    ("开工", "项目建设"),
    ("工业", "工业经济"),
    ("产业", "工业经济"),
    ("园区", "工业经济"),
    ("实体经济", "工业经济"),
    ("企业", "工业经济"),
    ("县城", "城乡建设"),
    ("城乡", "城乡建设"),
    ("城市", "城乡建设"),
    ("城镇", "城乡建设"),
    ("城建", "城乡建设"),
    ("城区", "城乡建设"),
    ("乡村", "乡村振兴"),
    ("农业", "农业农村"),
    ("农村", "农业农村"),
    ("三农", "农业农村"),
    ("生态", "生态环保"),
    ("环保", "生态环保"),
    ("污染", "生态环保"),
    ("绿色", "生态环保"),
    ("营商", "营商环境"),
    ("优环境", "营商环境"),
    ("服务", "营商环境"),
    ("审批", "营商环境"),
    ("民生", "民生保障"),
    ("为民", "民生保障"),
    ("惠民", "民生保障"),
    ("就业", "民生保障"),
    ("群众", "民生保障"),
    ("安全", "安全稳定"),
    ("稳定", "安全稳定"),
    ("风险", "安全稳定"),
    ("信访", "安全稳定"),
    ("防汛", "安全稳定"),
    ("和谐", "社会治理"),
    ("治理", "社会治理"),
    ("财政", "财政金融"),
    ("增收", "财政金融"),
    ("金融", "财政金融"),
    ("税", "财政金融"),
    ("创新", "科技创新"),
    ("科技", "科技创新"),
    ("改革", "改革开放"),
    ("开放", "改革开放"),
    ("文化", "文化旅游"),
    ("旅游", "文化旅游"),
    ("教育", "教育卫生"),
    ("卫生", "教育卫生"),
    ("医疗", "教育卫生"),
    ("班子", "干部队伍"),
    ("干部", "干部队伍"),
    ("队伍", "干部队伍"),
    ("党建", "党的建设"),
    ("自身建设", "党的建设"),
)
# Words in a heading -> the function of the phrase that should follow it (作风纪律 sections).
FUNCTION_HINTS = (
    ("问责", "督查问责"),
    ("督查", "督查问责"),
    ("督导", "督查问责"),
    ("考核", "督查问责"),
    ("考评", "督查问责"),
    ("问效", "督查问责"),
    ("追责", "督查问责"),
    ("奖惩", "督查问责"),
    ("倒逼", "督查问责"),
    ("预警", "督查问责"),
    ("要账", "督查问责"),
    ("要帐", "督查问责"),
    ("廉", "廉政要求"),
    ("腐", "廉政要求"),
    ("底线", "廉政要求"),
    ("纪律", "廉政要求"),
    ("规矩", "廉政要求"),
    ("政治关", "廉政要求"),
    ("经济关", "廉政要求"),
    ("亲情关", "廉政要求"),
    ("作风", "作风要求"),
    ("担当", "作风要求"),
    ("效率", "作风要求"),
    ("实干", "作风要求"),
    ("拼搏", "作风要求"),
    ("攻坚", "作风要求"),
    ("一线", "作风要求"),
    ("团队", "作风要求"),
    ("团结", "作风要求"),
    ("精神", "作风要求"),
    ("务实", "作风要求"),
    ("交账", "作风要求"),
    ("交帐", "作风要求"),
    ("服务", "作风要求"),
    ("机制", "工作要求"),
    ("制度", "工作要求"),
    ("责任", "工作要求"),
    ("班子", "工作要求"),
    ("统筹", "工作要求"),
    ("谋划", "工作要求"),
    ("大局", "工作要求"),
    ("重点", "工作要求"),
    ("细化", "工作要求"),
    ("动力", "工作要求"),
)
# Words in a top-level parallel heading item -> the role of its section (建设效率政府，要完善机制 -> 作风纪律).
ROLE_HINTS = (
    ("机制", ROLE_DISCIPLINE),
    ("作风", ROLE_DISCIPLINE),
    ("纪律", ROLE_DISCIPLINE),
    ("团队", ROLE_DISCIPLINE),
    ("团结", ROLE_DISCIPLINE),
    ("廉", ROLE_DISCIPLINE),
    ("振奋精神", ROLE_SITUATION),
    ("形势", ROLE_SITUATION),
    ("担当", ROLE_SITUATION),
    ("思想", ROLE_SITUATION),
    ("信心", ROLE_SITUATION),
)
# The same idea in other words, so that 交账 finds 交帐 and 团队 finds 团结协作.
SYNONYMS = {
    "交账": ("交帐",),
    "交帐": ("交账",),
    "团队": ("团结", "协作", "合力"),
    "班子": ("一把手", "主要负责人", "带头"),
    "一线": ("现场", "基层"),
    "动力": ("激励", "积极性"),
    "问责": ("追责", "督查"),
    "底线": ("廉洁", "红线"),
    "效率": ("速度", "节奏"),
    "攻坚": ("突破", "硬仗"),
    "为民": ("群众", "民生"),
    "和谐": ("稳定", "平安"),
    "发展": ("经济", "增长"),
    "县城": ("城区", "城市"),
    "美丽乡村": ("乡村", "农村"),
}


@dataclass(frozen=True)
class MeetingProfile:
    """What a kind of meeting asks for: words that identify it, words of its phrases, its usual topics."""

    name: str
    keys: tuple[str, ...]  # found in 会议类型 (or 会议名称): this kind of meeting
    marks: tuple[str, ...]  # words in a phrase that tie it to this kind of meeting
    prefer: tuple[str, ...]
    topics: tuple[str, ...]


MEETING_PROFILES = (
    MeetingProfile(
        "review",
        ("季度", "交帐", "交账", "亮相", "总结", "点评", "讲评", "观摩", "半年"),
        ("交帐", "交账", "亮相", "季度", "观摩"),
        ("交帐", "亮相", "季度", "实绩", "考核", "成绩"),
        ("项目建设", "城乡建设", "乡村振兴", "招商引资"),
    ),
    MeetingProfile(
        "mobilise",
        ("动员", "誓师", "启动", "攻坚", "推进会", "部署会"),
        ("动员", "誓师", "攻坚年"),
        ("动员", "攻坚", "落实", "决战"),
        ("项目建设", "招商引资", "工业经济", "城乡建设"),
    ),
    MeetingProfile(
        "safety",
        ("安全", "防汛", "应急", "消防"),
        ("防汛", "安全生产"),
        ("安全", "隐患", "应急"),
        ("安全稳定", "社会治理", "生态环保", "民生保障"),
    ),
    MeetingProfile(
        "ecology",
        ("环保", "生态", "污染", "环境整治"),
        ("污染防治", "环保督察"),
        ("生态", "环保", "污染"),
        ("生态环保", "城乡建设", "乡村振兴", "民生保障"),
    ),
    MeetingProfile(
        "economy",
        ("经济工作", "经济运行", "形势分析", "调度"),
        ("经济形势分析",),
        ("经济", "运行", "指标", "增长"),
        ("工业经济", "项目建设", "招商引资", "财政金融"),
    ),
    MeetingProfile(
        "plenary",
        ("全体会议", "全体（扩大）会议", "常务会议", "政府工作"),
        ("全体会议", "政府全体"),
        ("全体会议", "政府工作", "政府系统", "目标任务"),
        ("项目建设", "招商引资", "城乡建设", "民生保障"),
    ),
)


# The template that suits each kind of meeting best.
_PROFILE_TEMPLATE = {
    "review": "review",
    "mobilise": "implementation",
    "plenary": "plenary",
    "economy": "plenary",
    "safety": "plenary",
    "ecology": "plenary",
}


def suited_template(meeting: Mapping[str, str]) -> str | None:
    """The name of the template that suits the meeting (by 会议类型, else 会议名称), if any kind is recognised."""
    profile = meeting_profile(meeting)
    return _PROFILE_TEMPLATE.get(profile.name) if profile else None


def rank_templates(templates: Sequence[TemplateInfo], meeting: Mapping[str, str]) -> list[TemplateInfo]:
    """Templates with the one that suits the meeting first; the others keep their order."""
    best = suited_template(meeting)
    return sorted(templates, key=lambda t: t.name != best)


def meeting_profile(meeting: Mapping[str, str]) -> MeetingProfile | None:
    """The kind of meeting named by 会议类型 (else by 会议名称), or None."""
    for field_name in ("会议类型", "会议名称"):
        text = str(meeting.get(field_name) or "")
        if not text:
            continue
        for profile in MEETING_PROFILES:
            if any(k in text for k in profile.keys):
                return profile
    return None


def _meeting_override(info: TemplateInfo, meeting: Mapping[str, str]) -> dict[str, Any]:
    """The template's ``meeting_types`` entry whose key appears in 会议类型 (else 会议名称)."""
    table = info.meta.get("meeting_types")
    if not isinstance(table, dict):
        return {}
    for field_name in ("会议类型", "会议名称"):
        text = str(meeting.get(field_name) or "")
        for key, override in table.items():
            if text and str(key) in text and isinstance(override, dict):
                return override
    return {}


REPEAT_WINDOW = 10  # lint's repeated-phrase looks for 12 characters; stay clear of it
_SLOT_TAG_RE = re.compile(r"\{\{-?\s*([^\s{}|]+?)\s*-?\}\}")
_TAG_RE = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
_WORDS_RE = re.compile(r"[^\W_]+")
_STOP_SPLIT_RE = re.compile(r"[。！？；!?;\n]+")
_PLACEHOLDER_RE = re.compile(r"X{2,}|x{2,}|\*{1,}|××|【待补")
_QUICK_SLOT_RE = re.compile(
    r"\{\{-?\s*([^\s{}|.\[\]()~+*/%-]+)|\{%-?\s*(?:el)?if\s+(?:not\s+)?([^\s{}|.\[\]()%-]+)"
)


def _looks_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER_RE.search(text or ""))


def _grams(text: str, size: int = REPEAT_WINDOW) -> set[str]:
    """Runs of ``size`` letters (punctuation dropped, never across a sentence end), as lint compares them."""
    out: set[str] = set()
    for sentence in _STOP_SPLIT_RE.split(text.lower()):
        plain = "".join(_WORDS_RE.findall(sentence))
        out.update(plain[i : i + size] for i in range(len(plain) - size + 1))
    return out


@dataclass
class _Entry:
    """What the picker knows of a phrase regardless of the meeting."""

    phrase: Phrase
    plain: str  # text without slots and tags
    terms: frozenset[str]  # character bigrams of ``plain``
    slots: tuple[str, ...]  # slots that must be filled (optional ones left out)
    placeholder: bool


@dataclass
class _Base:
    entries: list[_Entry]
    by_role: dict[str, list[_Entry]]
    idf: dict[str, float]
    topic_counts: dict[tuple[str, str], dict[str, int]]  # (role, function) -> topic -> count


_BASE_CACHE: list[tuple[Any, Any, int, _Base]] = []  # (phrasebank, its phrases dict, count, base)


def _base_for(phrasebank: Any) -> _Base:
    """Per-phrasebank data (bigrams, rarity of each bigram), built once and reused on every keypress."""
    phrases = phrasebank.phrases if phrasebank is not None else {}
    for pb, table, count, base in _BASE_CACHE:
        if pb is phrasebank and table is phrases and count == len(phrases):
            return base
    from drafter.phrasebank import bigrams, searchable_text

    entries = []
    df: dict[str, int] = {}
    topic_counts: dict[tuple[str, str], dict[str, int]] = {}
    for phrase in sorted(phrases.values(), key=lambda p: p.id):
        plain = searchable_text(phrase.text)
        terms = frozenset(t for t in bigrams(plain) if len(t) == 2)
        for t in terms:
            df[t] = df.get(t, 0) + 1
        optional = (
            optional_slots(phrase.text) if "{%" in phrase.text or " if " in phrase.text else frozenset()
        )
        # Slot names without compiling (the phrasebank loader has already checked the Jinja syntax).
        names = [a or b for a, b in _QUICK_SLOT_RE.findall(phrase.text)]
        names = list(dict.fromkeys(n for n in names if n not in ("not", "true", "false", "none", "loop")))
        entries.append(
            _Entry(
                phrase,
                plain,
                terms,
                tuple(n for n in names if n not in optional),
                _looks_placeholder(phrase.text),
            )
        )
        counts = topic_counts.setdefault((phrase.role, phrase.function), {})
        for t in phrase.topics:
            counts[t] = counts.get(t, 0) + 1
    n = max(1, len(entries))
    idf = {t: math.log(1.0 + n / (c + 0.5)) for t, c in df.items()}
    by_role: dict[str, list[_Entry]] = {}
    for entry in entries:
        by_role.setdefault(entry.phrase.role, []).append(entry)
    base = _Base(entries, by_role, idf, topic_counts)
    _BASE_CACHE.insert(0, (phrasebank, phrases, len(phrases), base))
    del _BASE_CACHE[2:]
    return base


@dataclass
class _Query:
    """What a heading asks for."""

    terms: dict[str, float] = field(default_factory=dict)  # bigram -> weight
    topics: tuple[str, ...] = ()  # topics its words name (a phrase should have one of them)
    keywords: tuple[str, ...] = ()  # the words that named them (found in a phrase's text: a bonus)
    functions: dict[str, float] = field(default_factory=dict)  # function -> bonus
    hard_topics: bool = True  # only phrases with one of ``topics`` while there are any
    words: tuple[str, ...] = ()  # the heading's own word (the X of a heading set) and its synonyms


def _hints(text: str, table: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """(word, value) pairs of ``table`` whose word occurs in ``text`` (a word inside a longer hit is skipped)."""
    found: list[tuple[str, str]] = []
    for word, value in table:
        if word in text and not any(word in w and word != w for w, _ in found):
            found.append((word, value))
    return found


class _Picker:
    """Deterministic, meaning-aware phrase choice for suggestions; never the same phrase twice."""

    def __init__(self, phrasebank: Any, meeting: Mapping[str, str], info: TemplateInfo | None = None):
        from drafter.phrasebank import bigrams

        self._bigrams = bigrams
        self.pb = phrasebank
        self.meeting = {k: v for k, v in meeting.items() if v}
        self.base = _base_for(phrasebank)
        meta = info.meta if info is not None else {}
        override = _meeting_override(info, meeting) if info is not None else {}
        self.profile = meeting_profile(meeting)
        prefer = [str(w) for w in override.get("prefer") or []]
        template_prefer = [str(w) for w in meta.get("prefer") or []]
        if self.profile is not None:
            prefer += list(self.profile.prefer)
        # Words that tie a sentence to another kind of meeting (交帐 at a 全体会议, 防汛 at a 动员大会)
        # are avoided unless this meeting's type or name has them, or its kind prefers them (the
        # template's own preference counts only when the meeting type names no known kind).
        meeting_text = " ".join(str(meeting.get(k) or "") for k in ("会议类型", "会议名称"))
        exempt = set(prefer) if self.profile is not None else set(prefer + template_prefer)
        avoid = [str(w) for w in meta.get("avoid") or []] + [m for p in MEETING_PROFILES for m in p.marks]
        avoid = [w for w in avoid if w not in meeting_text and w not in exempt]
        prefer = [w for w in prefer + template_prefer if w not in avoid]
        self.prefer = list(dict.fromkeys(prefer))
        self.avoid = list(dict.fromkeys(avoid))
        self.used: set[str] = set()
        self.used_grams: set[str] = set()
        self._static: dict[str, tuple[float, dict[str, str] | None]] = {}
        registry = getattr(phrasebank, "slots", {}) or {}
        self.examples = {name: getattr(slot, "example", "") for name, slot in registry.items()}
        self.meeting_query = self.query(
            " ".join(str(meeting.get(k) or "") for k in ("会议类型", "会议名称")), topics=False
        )

    # -- slot values and repeats

    def values_for(self, entry: _Entry) -> dict[str, str] | None:
        """Slot values a suggestion fills from examples; None if a slot cannot be filled."""
        declared = {s.name: s.example for s in entry.phrase.slots}
        values: dict[str, str] = {}
        for name in entry.slots:
            if name in MEETING_FIELDS or name in AUTO_SLOTS or self.meeting.get(name):
                continue
            if re.search(r"第\{\{\s*" + re.escape(name) + r"\s*\}\}次", entry.phrase.text):
                # An ordinal of the meeting (第{{ 数字 }}次全体会议) comes from its name or not at all:
                # an example value would contradict 会议名称.
                m = re.search(
                    r"第([一二三四五六七八九十百零〇两\d]+)次", str(self.meeting.get("会议名称") or "")
                )
                if not m:
                    return None
                values[name] = m.group(1)
                continue
            example = declared.get(name) or self.examples.get(name)
            if not example or _looks_placeholder(example):
                return None
            values[name] = example
        return values

    def static_score(self, entry: _Entry) -> tuple[float, dict[str, str] | None]:
        """The part of a phrase's score that does not depend on the heading, and its slot values."""
        text = entry.plain
        score = (
            0.6 * self.relevance(entry, self.meeting_query)
            + 0.5 * min(2, sum(w in text for w in self.prefer))
            - 3.0 * sum(w in text for w in self.avoid)
        )
        return score, self.values_for(entry)

    def _filled(self, entry: _Entry, values: Mapping[str, str]) -> str:
        """The phrase roughly as it will read (slots filled with values, meeting fields or examples)."""

        def value(m: re.Match[str]) -> str:
            name = m.group(1)
            return str(values.get(name) or self.meeting.get(name) or self.examples.get(name) or name)

        return _TAG_RE.sub("", _SLOT_TAG_RE.sub(value, entry.phrase.text))

    def remember(self, text: str) -> None:
        """Text now in the draft (a heading, a picked phrase): later picks must not repeat it."""
        self.used_grams |= _grams(text)

    def repeats(self, text: str) -> bool:
        return bool(self.used_grams) and not self.used_grams.isdisjoint(_grams(text))

    # -- relevance

    def query(
        self,
        text: str,
        item: str = "",
        *,
        topics: bool = True,
        functions: bool = False,
        extra_topics: Iterable[str] = (),
    ) -> _Query:
        """The query of a heading ``text`` whose own words are ``item`` (the X of a heading set)."""
        item = item or text
        weights: dict[str, float] = {}
        idf = self.base.idf
        for words, weight in ((text, 0.5), (item, 1.0)):
            for term in self._bigrams(words):
                if len(term) == 2 and term in idf:
                    weights[term] = max(weights.get(term, 0.0), weight * idf[term])
        for word, others in SYNONYMS.items():
            if word in item:
                for other in others:
                    for term in self._bigrams(other):
                        if len(term) == 2 and term in idf:
                            weights.setdefault(term, 0.7 * idf[term])
        found_topics = _hints(item, TOPIC_HINTS) + _hints(text, TOPIC_HINTS) if topics else []
        topic_list = list(dict.fromkeys([t for _, t in found_topics] + list(extra_topics)))
        keywords = tuple(dict.fromkeys(w for w, _ in found_topics))
        fn: dict[str, float] = {}
        if functions:
            for _, function in _hints(item, FUNCTION_HINTS) + _hints(text, FUNCTION_HINTS):
                fn.setdefault(function, 1.5 if not fn else 1.0)
        words: list[str] = []
        if item != text or len(item) <= 4:
            words.append(item)
        hinted = [w for w, _ in _hints(item, TOPIC_HINTS) + _hints(item, FUNCTION_HINTS)]
        for word in (*SYNONYMS, *hinted):
            if word in item:
                words += [word, *SYNONYMS.get(word, ())]
        words = [w for w in dict.fromkeys(words) if len(w) >= 2]
        return _Query(weights, tuple(topic_list), keywords, fn, words=tuple(words))

    def relevance(self, entry: _Entry, q: _Query | None) -> float:
        if q is None:
            return 0.0
        score = 0.0
        if q.terms:
            total = sum(q.terms.values())
            score += 3.0 * sum(w for t, w in q.terms.items() if t in entry.terms) / total
        if q.topics:
            score += 4.0 * min(2, sum(1 for t in entry.phrase.topics if t in q.topics))
        elif entry.phrase.topics:
            score -= 0.5  # a topic-specific sentence where no topic was asked for
        if q.keywords and any(k in entry.plain for k in q.keywords):
            score += 1.5
        if q.words and any(w in entry.plain for w in q.words):
            score += 2.5
        score += q.functions.get(entry.phrase.function, 0.0)
        return score

    def pick(
        self,
        role: str,
        function: str | Iterable[str] | None = None,
        query: _Query | None = None,
        roles: Iterable[str] = (),
        *,
        minimum: float | None = None,
        slot: str | None = None,
    ) -> DraftItem | None:
        """The best unused phrase of ``role`` (then of ``roles``), of one of ``function``, for ``query``.

        With ``minimum``, only a phrase at least that relevant is taken; with ``slot``, only a phrase
        using that slot (None if there is none).
        """
        if isinstance(function, str):
            functions: set[str] | None = {function}
        else:
            functions = set(function) if function is not None else None
        candidates = [
            e
            for r in dict.fromkeys((role, *roles))
            for e in self.base.by_role.get(r, ())
            if e.phrase.id not in self.used
            and not e.placeholder
            and (functions is None or e.phrase.function in functions)
            and (slot is None or slot in e.slots)
        ]
        if query is not None and query.topics and query.hard_topics:
            on_topic = [e for e in candidates if any(t in query.topics for t in e.phrase.topics)]
            candidates = on_topic or candidates
        scored = []
        for entry in candidates:
            static = self._static.get(entry.phrase.id)
            if static is None:
                static = self._static[entry.phrase.id] = self.static_score(entry)
            base, values = static
            if values is None:
                continue
            relevance = self.relevance(entry, query)
            if minimum is not None and relevance < minimum:
                continue
            scored.append(
                (
                    (
                        0 if entry.phrase.role == role else 1,
                        -round(relevance + base, 6),
                        len(values),
                        entry.phrase.id,
                    ),
                    entry,
                    values,
                )
            )
        scored.sort(key=lambda x: x[0])
        for _, entry, values in scored:
            filled = self._filled(entry, values)
            if self.repeats(filled):
                continue
            self.used.add(entry.phrase.id)
            self.remember(filled)
            return DraftItem(phrase=entry.phrase.id, values=dict(values))
        return None

    def topics(self, role: str, functions: Iterable[str], preferred: Iterable[str] = ()) -> list[str]:
        """Topics with phrases of ``role``/``functions``: ``preferred`` first, then TOPIC_ORDER, then by count."""
        counts: dict[str, int] = {}
        for function in functions:
            for t, c in self.base.topic_counts.get((role, function), {}).items():
                counts[t] = counts.get(t, 0) + c
        order = list(dict.fromkeys([*preferred, *TOPIC_ORDER]))
        ordered = [t for t in order if counts.get(t)]
        ordered += sorted((t for t in counts if t not in order), key=lambda t: (-counts[t], t))
        return ordered


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
            found = sorted(
                (hs for hs in sets.values() if hs.frame.replace("{" + hs.slot + "}", "{X}") == name),
                key=lambda h: h.id,
            )
        out.extend(hs for hs in found if hs not in out)
    return out


def _preferred_sets(info: TemplateInfo, phrasebank: Any) -> list[Any]:
    """The heading sets a template names in its meta."""
    return _match_sets(info.heading_sets, phrasebank)


def _heading_sets_for(
    info: TemplateInfo,
    phrasebank: Any,
    role: str,
    level: str,
    role_sets: Mapping[str, list[str]] | None = None,
) -> list[Any]:
    """Heading sets for a template's section of ``role``: those the template assigns to the role,
    else those it names whose own role matches."""

    def fits(hs: Any) -> bool:
        return hs.level == level and len(hs.items) >= 2

    role_sets = info.role_sets if role_sets is None else role_sets
    if role in role_sets:
        return [hs for hs in _match_sets(role_sets[role], phrasebank) if fits(hs)]
    if role_sets:
        return []
    return [hs for hs in _preferred_sets(info, phrasebank) if hs.role == role and fits(hs)]


def _topics_for_items(items: list[str], topics: list[str]) -> list[str | None]:
    """A topic for each heading item: one it names (县城建设 -> 城乡建设), else the next unused one."""
    chosen: list[str | None] = []
    used: set[str] = set()
    for item in items:
        pick = next((t for t in topics if t not in used and (t in item or item in t)), None)
        if pick is None:
            pick = next((t for _, t in _hints(item, TOPIC_HINTS) if t in topics and t not in used), None)
        chosen.append(pick)
        if pick:
            used.add(pick)
    rest = [t for t in topics if t not in used]
    return [t if t is not None else (rest.pop(0) if rest else None) for t in chosen]


UNIFORM_TOPIC_FRAME = "全力抓好{}"


def _breaks_frame(headings: list[str]) -> bool:
    """Whether sibling headings look like a 排比 with one heading out of frame (lint: parallel-headings)."""
    from drafter.mine import common_frame

    if len(headings) < 4 or common_frame(headings) is not None:
        return False
    return sum(common_frame(headings[:i] + headings[i + 1 :]) is not None for i in range(len(headings))) == 1


def _item_role(item: str, default: str) -> str:
    hints = _hints(item, ROLE_HINTS)
    return hints[0][1] if hints else default


def _choose_items(items: list[str], count: int, roles: list[str], default_role: str) -> list[tuple[str, str]]:
    """``count`` items of a heading set, in set order, whose roles best follow ``roles``; (item, role) pairs."""
    from itertools import combinations

    tagged = [(item, _item_role(item, default_role)) for item in items]
    if len(tagged) <= count:
        return tagged
    best: tuple[int, tuple[int, ...]] | None = None
    for combo in combinations(range(len(tagged)), count):
        fit = sum(1 for pos, i in enumerate(combo) if pos < len(roles) and tagged[i][1] == roles[pos])
        if best is None or fit > best[0]:
            best = (fit, combo)
    assert best is not None
    return [tagged[i] for i in best[1]]


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


class _Suggester:
    """Builds the suggested draft of one template for one meeting."""

    def __init__(self, info: TemplateInfo, meeting: Mapping[str, str], phrasebank: Any):
        self.info = info
        self.pb = phrasebank
        self.picker = _Picker(phrasebank, meeting, info)
        override = _meeting_override(info, meeting)
        self.headings = {
            **info.headings,
            **{str(k): str(v) for k, v in (override.get("headings") or {}).items()},
        }
        sets = override.get("heading_sets")
        self.role_sets = (
            {str(r): [str(x) for x in (v if isinstance(v, list) else [v])] for r, v in sets.items()}
            if isinstance(sets, dict)
            else info.role_sets
        )
        profile = self.picker.profile
        self.topic_order = (
            [str(t) for t in override.get("topics") or []]
            + [str(t) for t in info.meta.get("topics") or []]
            + list(profile.topics if profile else ())
        )

    def set_items(self, hs: Any, count: int) -> list[str]:
        """``count`` items of a heading set in set order, leaving out those the meeting avoids (交账 at a 全体会议)."""
        avoid = self.picker.avoid

        def avoided(item: str) -> bool:
            words = (item, *SYNONYMS.get(item, ()))
            return any(a in w or (len(w) >= 2 and w in a) for a in avoid for w in words)

        keep = [i for i, item in enumerate(hs.items) if not avoided(item)]
        if len(keep) < count:
            keep = sorted(keep + [i for i in range(len(hs.items)) if i not in keep][: count - len(keep)])
        return [hs.items[i] for i in keep[:count]]

    def heading_text(self, heading: str, hs: Any | None = None) -> str:
        full = hs.frame.replace("{" + hs.slot + "}", heading) if hs is not None else heading
        self.picker.remember(full)
        return full

    def task_items(
        self, role: str, heading: str, item: str, topic: str | None, functions: Iterable[str] = TASK_FUNCTIONS
    ) -> list[DraftItem]:
        """Up to two phrases for a 重点工作 heading: on its topic, the second only if also relevant."""
        picker = self.picker
        q = picker.query(heading, item, extra_topics=[topic] if topic else [])
        first = picker.pick(role, ("部署任务",), q) or picker.pick(role, functions, q)
        if first is None:
            return []
        items = [first]
        covered = set(picker.pb.phrases[first.phrase].topics) if picker.pb is not None else set()
        rest = tuple(t for t in q.topics if t not in covered)
        q2 = _Query(q.terms, rest or q.topics, q.keywords, q.functions, words=q.words)
        second = picker.pick(role, ("部署任务",), q2, minimum=4.0 if q.topics else 1.0)
        if second is not None:
            items.append(second)
        return items

    def discipline_items(self, role: str, heading: str, item: str, rotation: str) -> list[DraftItem]:
        """One phrase for a 作风纪律 heading: the function its words call for, else ``rotation``."""
        q = self.picker.query(heading, item, topics=False, functions=True)
        if not q.functions:
            q.functions = {rotation: 1.0}
        chosen = self.picker.pick(role, DISCIPLINE_FUNCTIONS, q) or self.picker.pick(role, None, q)
        return [chosen] if chosen else []

    def situation_items(self, role: str, heading: str, item: str, function: str) -> list[DraftItem]:
        q = self.picker.query(heading, item)
        q.hard_topics = False
        chosen = self.picker.pick(role, function, q) or self.picker.pick(role, None, q)
        return [chosen] if chosen else []

    def section(self, role: str) -> DraftSection:
        picker = self.picker
        heading = self.headings.get(role) or DEFAULT_HEADINGS[role]
        section = DraftSection(role=role, heading=heading)
        self.heading_text(heading)
        sub_sets = _heading_sets_for(self.info, self.pb, role, "sub", self.role_sets)
        if role == ROLE_SITUATION:
            if sub_sets:
                hs = sub_sets[0]
                for i, item in enumerate(self.set_items(hs, 3)):
                    full = self.heading_text(item, hs)
                    items = self.situation_items(
                        role, full, item, SITUATION_FUNCTIONS[i % len(SITUATION_FUNCTIONS)]
                    )
                    section.children.append(
                        DraftSection(role=role, heading=item, heading_set=hs.id, items=items)
                    )
            else:
                for function in SITUATION_FUNCTIONS[:4]:
                    chosen = picker.pick(role, function, picker.query(heading, topics=False))
                    if chosen is not None:
                        section.items.append(chosen)
                while len(section.items) < 2:
                    extra = picker.pick(role)
                    if extra is None:
                        break
                    section.items.append(extra)
            return section
        if role == ROLE_TASKS:
            intro = picker.pick(ROLE_TASKS, "工作要求", picker.query(heading, topics=False))
            if intro is not None:
                section.items.append(intro)
            topics = picker.topics(role, TASK_FUNCTIONS, self.topic_order)
            if sub_sets:
                hs = sub_sets[0]
                chosen = self.set_items(hs, 4)
                for item, topic in zip(chosen, _topics_for_items(chosen, topics), strict=True):
                    full = self.heading_text(item, hs)
                    items = self.task_items(role, full, item, topic)
                    section.children.append(
                        DraftSection(role=role, heading=item, heading_set=hs.id, items=items)
                    )
            else:
                chosen_topics: list[str] = []
                for topic in topics:
                    if len(section.children) >= 4:
                        break
                    title = TOPIC_HEADINGS.get(topic, topic)
                    items = self.task_items(role, title, title, topic)
                    if items and any(topic in picker.pb.phrases[i.phrase].topics for i in items if i.phrase):
                        self.heading_text(title)
                        section.children.append(DraftSection(role=role, heading=title, items=items))
                        chosen_topics.append(topic)
                    else:
                        for i in items:  # not on this topic after all: give the phrases back
                            picker.used.discard(i.phrase or "")
                if _breaks_frame([c.heading for c in section.children]):
                    # e.g. 全力抓项目促投资 / 全力抓招商引项目 / 稳住工业经济基本盘: one frame broken -> one frame for all
                    for child, topic in zip(section.children, chosen_topics, strict=True):
                        child.heading = self.heading_text(UNIFORM_TOPIC_FRAME.format(topic))
            return section
        # discipline
        if sub_sets:
            hs = sub_sets[0]
            for i, item in enumerate(self.set_items(hs, 4)):
                full = self.heading_text(item, hs)
                items = self.discipline_items(
                    role, full, item, DISCIPLINE_FUNCTIONS[i % len(DISCIPLINE_FUNCTIONS)]
                )
                section.children.append(DraftSection(role=role, heading=item, heading_set=hs.id, items=items))
        else:
            for function in DISCIPLINE_FUNCTIONS:
                title = DISCIPLINE_HEADINGS[function]
                q = picker.query(title, topics=False)
                q.functions = {function: 2.0}
                chosen = picker.pick(role, function, q)
                if chosen is not None:
                    self.heading_text(title)
                    section.children.append(DraftSection(role=role, heading=title, items=[chosen]))
            if _breaks_frame([c.heading for c in section.children]):
                for child in section.children:
                    child.heading = self.heading_text(child.heading.split("，")[-1])
        return section

    def parallel_sections(self) -> list[DraftSection]:
        info, picker = self.info, self.picker
        hs = _top_set(info, self.pb)
        sections: list[DraftSection] = []
        if hs is None:
            fallback = [str(h) for h in info.meta.get("top_headings") or []]
            if not fallback:
                return [self.section(role) for role in SECTION_ROLES]
            pairs = [
                (h, info.roles[i] if i < len(info.roles) else ROLE_TASKS) for i, h in enumerate(fallback)
            ]
        else:
            count = int(info.meta.get("sections", 4))
            default = hs.role if hs.role in SECTION_ROLES else ROLE_TASKS
            pairs = _choose_items(list(hs.items), count, list(info.roles), default)
        topics = picker.topics(ROLE_TASKS, TASK_FUNCTIONS, self.topic_order)
        task_topics = iter(_topics_for_items([item for item, role in pairs if role == ROLE_TASKS], topics))
        for n, (item, role) in enumerate(pairs):
            full = self.heading_text(item, hs)
            if role == ROLE_TASKS:
                items = self.task_items(role, full, item, next(task_topics, None))
            elif role == ROLE_DISCIPLINE:
                items = self.discipline_items(
                    role, full, item, DISCIPLINE_FUNCTIONS[n % len(DISCIPLINE_FUNCTIONS)]
                )
                items += self.discipline_items(role, full, item, DISCIPLINE_FUNCTIONS[(n + 1) % 4])
            else:
                items = self.situation_items(role, full, item, "肯定成绩")
                items += self.situation_items(role, full, item, "增强紧迫感")
            if len(items) < 2:
                extra = picker.pick(role, None, picker.query(full, item, topics=False), roles=SECTION_ROLES)
                items += [extra] if extra else []
            sections.append(
                DraftSection(
                    role=role, heading=item, heading_set=hs.id if hs is not None else None, items=items
                )
            )
        return sections


def suggest_draft(template: str | TemplateInfo, meeting: Mapping[str, str], phrasebank: Any) -> Draft:
    """A complete draft for ``template`` from the phrasebank (deterministic, meaning-aware; see above)."""
    info = _as_info(template)
    meeting = {k: ("" if v is None else str(v)) for k, v in meeting.items()}
    if meeting.get("日期"):
        meeting["日期"] = normalise_date(meeting["日期"]) or meeting["日期"]
    suggester = _Suggester(info, meeting, phrasebank)
    picker = suggester.picker
    draft = Draft(meeting=dict(meeting), template=info.name)

    # Sections first (their headings and phrases are what the speech is about); the opening and
    # closing are then chosen around them, and placed first and last.
    if info.meta.get("parallel"):
        draft.sections = suggester.parallel_sections()
    else:
        for role in info.roles:  # no phrase may repeat a heading, even one further down
            picker.remember(suggester.headings.get(role) or DEFAULT_HEADINGS[role])
        draft.sections = [suggester.section(role) for role in info.roles]

    for function in OPENING_FUNCTIONS:
        item = None
        if function == "引出意见":  # one that announces the number of sections (讲三点意见), computed
            item = picker.pick(ROLE_OPENING, function, picker.meeting_query, slot=COUNT_SLOT)
        item = item or picker.pick(ROLE_OPENING, function, picker.meeting_query)
        if item is None and function in FALLBACK_TEXT:
            item = DraftItem(text=FALLBACK_TEXT[function])
        if item is not None:
            draft.opening.append(item)

    closing = picker.pick(ROLE_CLOSING, "号召", picker.meeting_query) or picker.pick(ROLE_CLOSING)
    draft.closing.append(closing or DraftItem(text=FALLBACK_TEXT["号召"]))
    return draft


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
            slots = slot_names(p.text)
            extra = f"  填空：{'、'.join(slots)}" if slots else ""
            out.append(f"#      {p.id} — {_preview(p.text)}{extra}")
    return out
