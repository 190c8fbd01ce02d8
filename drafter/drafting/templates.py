"""Speech templates: discovery, metadata, and the sandboxed Jinja2 environment with a budget.

Templates (``templates/*.j2`` and the user's own) are code: they run in a
:class:`jinja2.sandbox.SandboxedEnvironment` with ``StrictUndefined``, and every
render is held to a budget (output size, loop iterations, call depth, wall
time).  Exceeding it ends in a :class:`DrafterError` naming the template and
the line.  Material (phrase and block text, free text in a draft) never goes
through Jinja: it is rendered by :func:`drafter.text.slots.render_slots`.
"""

from __future__ import annotations

import contextvars
import re
import time
import traceback
import types
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import jinja2
from jinja2 import nodes as jinja_nodes
from jinja2.exceptions import SecurityError, TemplateError, TemplateSyntaxError, UndefinedError
from jinja2.runtime import Macro
from jinja2.sandbox import SandboxedEnvironment

from drafter.errors import DrafterError
from drafter.model import SECTION_ROLES
from drafter.text import marker_for, to_chinese
from drafter.util import templates_dir, user_templates_dir
from drafter.util.yamlpos import load as yaml_load

__all__ = [
    "MAX_CALL_DEPTH",
    "MAX_LOOP_ITERATIONS",
    "MAX_OUTPUT_CHARS",
    "MAX_SECONDS",
    "TemplateInfo",
    "find_template",
    "list_templates",
    "render_template",
    "template_env",
]

# The budget of one template render.
MAX_OUTPUT_CHARS = 1_000_000
MAX_LOOP_ITERATIONS = 200_000
MAX_CALL_DEPTH = 40
MAX_SECONDS = 2.0
MAX_PRODUCT_CHARS = 200_000  # ``{{ 地区 * 10**9 }}``
MAX_INT_ARGUMENT = 10_000  # ``'a'|center(10**9)``, ``indent(10**9)`` …
_FORMAT_WIDTH_RE = re.compile(r"%[-+ #0]*\d{5,}|\{[^{}]*:[^{}]*\d{5,}[^{}]*\}")

_META_RE = re.compile(r"\A\s*\{#-?\s*meta\s*\n(.*?)-?#\}", re.S)


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


# ---------------------------------------------------------------- the budget


class BudgetExceeded(SecurityError):
    """A template went over its budget (the message says which limit, in Chinese)."""


@dataclass
class _Budget:
    deadline: float
    loops: int = 0
    depth: int = 0
    output: int = 0

    def tick(self) -> None:
        self.loops += 1
        if self.loops > MAX_LOOP_ITERATIONS:
            raise BudgetExceeded(f"循环次数超过 {MAX_LOOP_ITERATIONS} 次")
        if self.loops % 256 == 0:
            self.clock()

    def clock(self) -> None:
        if time.monotonic() > self.deadline:
            raise BudgetExceeded(f"运行时间超过 {MAX_SECONDS:g} 秒")


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar("template_budget", default=None)


def _budget() -> _Budget:
    budget = _BUDGET.get()
    if budget is None:  # rendering outside render_template (a test): a fresh budget
        budget = _Budget(time.monotonic() + MAX_SECONDS)
        _BUDGET.set(budget)
    return budget


def _counted(iterable: Iterable[Any]) -> Iterator[Any]:
    """Every ``{% for %}`` iterates through this: each step counts against the budget."""
    budget = _budget()
    for item in iterable:
        budget.tick()
        yield item


def _check_args(args: Iterable[Any], *, formats: bool = True) -> None:
    for value in args:
        if isinstance(value, bool):
            continue
        if isinstance(value, int) and abs(value) > MAX_INT_ARGUMENT:
            raise BudgetExceeded(f"参数 {value} 过大")
        if formats and isinstance(value, str) and _FORMAT_WIDTH_RE.search(value):
            raise BudgetExceeded("格式宽度过大")


def _guarded_filter(name: str, func: Any) -> Any:
    """A filter whose integer arguments and format widths are bounded and whose result is measured."""
    skip = 2 if hasattr(func, "jinja_pass_arg") else 1  # (context/environment,) value, arguments…

    def wrapper(*args: Any, **kwargs: Any) -> Any:
        if name == "format" and len(args) >= skip:
            _check_args([args[skip - 1]])
        _check_args(args[skip:], formats=False)
        _check_args(kwargs.values(), formats=False)
        result = func(*args, **kwargs)
        if isinstance(result, str) and len(result) > MAX_OUTPUT_CHARS:
            raise BudgetExceeded(f"生成的文字超过 {MAX_OUTPUT_CHARS} 字")
        return result

    if hasattr(func, "jinja_pass_arg"):
        wrapper.jinja_pass_arg = func.jinja_pass_arg  # type: ignore[attr-defined]
    return wrapper


class _Sandbox(SandboxedEnvironment):
    """The sandbox with a budget: counted loops, bounded calls, no huge ``*`` / ``**`` results."""

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

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        budget = _budget()
        budget.clock()
        _check_args(args, formats=False)
        _check_args(kwargs.values(), formats=False)
        if isinstance(__obj, Macro):
            budget.depth += 1
            try:
                if budget.depth > MAX_CALL_DEPTH:
                    raise BudgetExceeded(f"宏调用嵌套超过 {MAX_CALL_DEPTH} 层")
                return SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)
            finally:
                budget.depth -= 1
        result = SandboxedEnvironment.call(__self, __context, __obj, *args, **kwargs)
        if isinstance(result, str) and len(result) > MAX_OUTPUT_CHARS:
            raise BudgetExceeded(f"生成的文字超过 {MAX_OUTPUT_CHARS} 字")
        return result

    def wrap_str_format(self, value: Any) -> Any:
        """``'{:>999999999}'.format(1)``: the format string's widths are checked before it runs."""
        if (
            isinstance(value, (types.MethodType, types.BuiltinMethodType))
            and value.__name__ in ("format", "format_map")
            and isinstance(value.__self__, str)
        ):
            _check_args([value.__self__])
        return super().wrap_str_format(value)

    def _parse(self, source: str, name: str | None, filename: str | None) -> jinja_nodes.Template:
        """Parse, then route every ``{% for %}`` through the counted iterator."""
        tree = super()._parse(source, name, filename)
        for loop in tree.find_all(jinja_nodes.For):
            loop.iter = jinja_nodes.Call(
                jinja_nodes.Name("_counted", "load", lineno=loop.lineno),
                [loop.iter],
                [],
                None,
                None,
                lineno=loop.lineno,
            )
        return tree


# ---------------------------------------------------------------- filters


def _marker(n: int, kind: str = "cn_dun") -> str:
    return marker_for(kind, int(n))


def _cn(n: int) -> str:
    return to_chinese(int(n))


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


def template_env() -> SandboxedEnvironment:
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
    env.filters = {name: _guarded_filter(name, func) for name, func in env.filters.items()}
    env.globals.pop("lipsum", None)
    env.globals["_counted"] = _counted
    return env


# ---------------------------------------------------------------- discovery


def _read_meta(path: Path, source: str) -> tuple[dict[str, Any], str | None]:
    m = _META_RE.match(source)
    if not m:
        return {}, None
    first = source[: m.start(1)].count("\n")
    try:
        meta, _ = yaml_load(m.group(1), str(path), what="模板说明（meta）")
    except DrafterError as exc:
        line = first + exc.line if exc.line else None
        where = f"{path}:{line}" if line else str(path)
        return {}, f"{where}: 模板说明（meta）的 YAML 有误：{exc.message}"
    meta = meta or {}
    if not isinstance(meta, dict):
        return {}, f"{path}:1: 模板说明（meta）应为“键: 值”的映射"
    return meta, None


def _template_dirs() -> list[tuple[Path, bool]]:
    return [(templates_dir(), False), (user_templates_dir(), True)]


_INFO_CACHE: dict[tuple[str, bool], tuple[tuple[int, int], TemplateInfo]] = {}
MAX_TEMPLATE_BYTES = 1_000_000


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
        if stamp[1] > MAX_TEMPLATE_BYTES:
            raise OSError(f"文件超过 {MAX_TEMPLATE_BYTES // 1000} KB")
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
            template_env().parse(source, path.stem, str(path))
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


def as_info(template: str | TemplateInfo) -> TemplateInfo:
    return template if isinstance(template, TemplateInfo) else find_template(template)


# ---------------------------------------------------------------- rendering


def _error_line(exc: BaseException, path: Path) -> int | None:
    """The last line of the template file in the traceback (Jinja maps template frames to lines)."""
    line = None
    for frame in traceback.extract_tb(exc.__traceback__):
        if frame.filename and Path(frame.filename).name == path.name:
            line = frame.lineno
    return line


# What a template can raise while it runs (a syntax error is reported before it runs).
_RUN_ERRORS = (
    RecursionError,
    TemplateError,
    TypeError,
    ValueError,
    ArithmeticError,
    AttributeError,
    MemoryError,
    OverflowError,
)


def _run_error_message(exc: BaseException, name: str) -> str:
    """The Chinese message for a template ``name`` that failed while it ran."""
    if isinstance(exc, BudgetExceeded):
        return f"模板“{name}”超出运行限制（{exc}），已停止生成"
    if isinstance(exc, RecursionError):
        return f"模板“{name}”超出运行限制（递归过深），已停止生成"
    if isinstance(exc, SecurityError):
        return f"模板试图访问程序内部属性，出于安全考虑已拒绝（{exc}）"
    if isinstance(exc, UndefinedError):
        return f"模板用到了不存在的内容：{exc.message}"
    return f"模板无法生成：{exc}"


def render_template(info: TemplateInfo, context: dict[str, Any]) -> str:
    """Render a template within the budget; every failure is a DrafterError naming the template and line."""
    env = template_env()
    path = str(info.path)
    token = _BUDGET.set(_Budget(time.monotonic() + MAX_SECONDS))
    try:
        template = env.get_template(info.path.name)
        parts: list[str] = []
        size = 0
        for chunk in template.generate(context):
            size += len(chunk)
            if size > MAX_OUTPUT_CHARS:
                raise BudgetExceeded(f"生成的文字超过 {MAX_OUTPUT_CHARS} 字")
            parts.append(chunk)
        return "".join(parts)
    except TemplateSyntaxError as exc:
        raise DrafterError(f"模板语法错误：{exc.message}", exc.filename or path, exc.lineno) from exc
    except _RUN_ERRORS as exc:
        raise DrafterError(_run_error_message(exc, info.name), path, _error_line(exc, info.path)) from exc
    finally:
        _BUDGET.reset(token)
