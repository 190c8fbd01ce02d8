"""The slot grammar of material (phrase text, free text in a draft): data, never code.

Material may hold only

- ``{{ 名称 }}``: a slot, filled in from the meeting or the item's values (the name is made of
  汉字, letters, digits and ``_``; spaces inside the braces are optional);
- ``{% if 名称 %}…{% else %}…{% endif %}`` (also ``{% if not 名称 %}``): text kept when the slot
  has a non-empty value (or, with ``not``, when it has none), nested at most
  :data:`MAX_IF_DEPTH` deep.

Everything else that looks like template code (``{{ x|filter }}``, ``{{ f() }}``, ``{% for %}``,
``{% set %}``, macros, comments ``{# #}``, whitespace control ``{{-``, a stray ``}}`` …) is a
:class:`SlotSyntaxError` with a Chinese message giving the 1-based line and column inside the
text.  The text is parsed by a linear scan and rendered by substitution: nothing in it is ever
executed, and the output is at most ``len(text)`` plus the values actually printed, capped at
:data:`MAX_OUTPUT_CHARS`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from functools import lru_cache

from drafter.errors import DrafterError

__all__ = [
    "MAX_IF_DEPTH",
    "MAX_OUTPUT_CHARS",
    "MAX_TEXT_CHARS",
    "MissingSlotError",
    "SlotError",
    "SlotSyntaxError",
    "Template",
    "check_slots",
    "optional_slots",
    "parse_slots",
    "render_slots",
    "slot_names",
]

MAX_TEXT_CHARS = 20_000  # longer material is refused before it is parsed
MAX_OUTPUT_CHARS = 1_000_000  # a rendered text never grows past this
MAX_IF_DEPTH = 8  # nesting of {% if %} blocks
MAX_TAG_CHARS = 100  # characters between {{ and }} (or {% and %})
_MAX_PROBLEMS = 20  # check_slots stops listing after this many

_NAME = r"[^\W\d]\w*"  # 汉字 / letters / digits / _, not starting with a digit
_SLOT_RE = re.compile(rf"\s*({_NAME})\s*")
_IF_RE = re.compile(rf"\s*if\s+(not\s+)?({_NAME})\s*")
_ELSE_RE = re.compile(r"\s*else\s*")
_ENDIF_RE = re.compile(r"\s*endif\s*")
_MARK_RE = re.compile(r"\{\{|\{%|\{#|\}\}|%\}|#\}")
_WORD_RE = re.compile(r"\s*([A-Za-z_]+)")

_STATEMENTS = {
    "for": "循环 {% for %}",
    "endfor": "循环 {% endfor %}",
    "set": "赋值 {% set %}",
    "macro": "宏 {% macro %}",
    "call": "宏调用 {% call %}",
    "include": "引入 {% include %}",
    "import": "引入 {% import %}",
    "from": "引入 {% from %}",
    "extends": "继承 {% extends %}",
    "block": "块 {% block %}",
    "filter": "过滤块 {% filter %}",
    "with": "{% with %}",
    "raw": "{% raw %}",
    "elif": "{% elif %}（请改用嵌套的 {% if %}）",
    "do": "{% do %}",
}
_ALLOWED = "素材中只能写 {{ 名称 }} 和 {% if 名称 %}…{% else %}…{% endif %}"


class SlotError(DrafterError):
    """Material that cannot be used as it is (base of the slot errors)."""


class SlotSyntaxError(SlotError):
    """Text that is not in the slot grammar; ``text_line``/``column`` are 1-based inside the text."""

    def __init__(self, reason: str, text_line: int | None = None, column: int | None = None):
        where = f"（第{text_line}行第{column}列）" if text_line is not None and column is not None else ""
        super().__init__(f"{reason}{where}")
        self.reason = reason
        self.text_line = text_line
        self.column = column


class MissingSlotError(SlotError):
    """A slot that is printed but has no (or an empty) value."""

    def __init__(self, name: str):
        super().__init__(f"填空“{name}”没有值")
        self.name = name


# ---------------------------------------------------------------- the parsed form


@dataclass(frozen=True)
class _Slot:
    name: str


@dataclass(frozen=True)
class _If:
    name: str
    negated: bool
    then: tuple[_Node, ...]
    otherwise: tuple[_Node, ...]


_Node = str | _Slot | _If


@dataclass(frozen=True)
class Template:
    """A parsed text: literal pieces, slots and if-blocks.  Rendering runs no code."""

    nodes: tuple[_Node, ...]
    names: tuple[str, ...]  # every slot name, in order of first appearance

    def render(self, values: Mapping[str, object], *, missing: Callable[[str], str] | None = None) -> str:
        out = _Output()
        _render(self.nodes, values, missing, out)
        return "".join(out.parts)


class _Output:
    def __init__(self) -> None:
        self.parts: list[str] = []
        self.size = 0

    def add(self, piece: str) -> None:
        self.size += len(piece)
        if self.size > MAX_OUTPUT_CHARS:
            raise SlotError(f"填空后的文字超过{MAX_OUTPUT_CHARS}字，已停止：请检查填入的值是否过长")
        self.parts.append(piece)


def _value(values: Mapping[str, object], name: str) -> str:
    value = values.get(name)
    if value is None:
        return ""
    text = value if isinstance(value, str) else str(value)
    return "" if text.strip() == "" else text


def _render(
    nodes: tuple[_Node, ...], values: Mapping[str, object], missing: Callable[[str], str] | None, out: _Output
) -> None:
    for node in nodes:
        if isinstance(node, str):
            out.add(node)
        elif isinstance(node, _Slot):
            value = _value(values, node.name)
            if not value:
                if missing is None:
                    raise MissingSlotError(node.name)
                value = missing(node.name)
            out.add(value)
        else:
            filled = bool(_value(values, node.name))
            _render(node.then if filled != node.negated else node.otherwise, values, missing, out)


# ---------------------------------------------------------------- scanning and parsing


class _Scanner:
    """One pass over the text: tokens (literal text and tags) and the problems found."""

    def __init__(self, text: str):
        self.text = text
        self.problems: list[SlotSyntaxError] = []
        self._line = 1
        self._line_start = 0
        self._counted = 0

    def where(self, offset: int) -> tuple[int, int]:
        """1-based line and column of an offset (counted on from the last call when it is further on)."""
        if offset < self._counted:
            self._line, self._line_start, self._counted = 1, 0, 0
        newlines = self.text.count("\n", self._counted, offset)
        if newlines:
            self._line += newlines
            self._line_start = self.text.rfind("\n", self._counted, offset) + 1
        self._counted = offset
        return self._line, offset - self._line_start + 1

    def problem(self, reason: str, offset: int) -> None:
        if len(self.problems) >= _MAX_PROBLEMS:
            return  # enough to show; the text is refused anyway
        line, column = self.where(offset)
        self.problems.append(SlotSyntaxError(reason, line, column))

    def tokens(self) -> list[tuple[str, str, int]]:
        """(kind, content, offset) with kind "text", "slot" or "tag"; stops at an unclosed tag."""
        text = self.text
        out: list[tuple[str, str, int]] = []
        pos = 0
        while len(self.problems) < _MAX_PROBLEMS:
            mark = _MARK_RE.search(text, pos)
            if mark is None:
                break
            start, opener = mark.start(), mark.group()
            if start > pos:
                out.append(("text", text[pos:start], pos))
            pos = mark.end()
            if opener in ("}}", "%}", "#}"):
                pair = {"}}": "{{", "%}": "{%", "#}": "{#"}[opener]
                self.problem(f"多余的“{opener}”：前面没有对应的“{pair}”", start)
                continue
            if opener == "{#":
                self.problem(f"不支持注释 {{# #}}；{_ALLOWED}", start)
                end = text.find("#}", pos, pos + MAX_TAG_CHARS * 10)
                pos = end + 2 if end >= 0 else len(text)
                continue
            closer = "}}" if opener == "{{" else "%}"
            end = text.find(closer, pos, pos + MAX_TAG_CHARS + len(closer))
            if end < 0:
                self.problem(
                    f"“{opener}”没有闭合：应写成 {opener} 名称 {closer}，且不超过{MAX_TAG_CHARS}字", start
                )
                return out
            out.append(("slot" if opener == "{{" else "tag", text[pos:end], start))
            pos = end + 2
        if pos < len(text) and len(self.problems) < _MAX_PROBLEMS:
            out.append(("text", text[pos:], pos))
        return out


def _slot_problem(inner: str) -> str:
    body = inner.strip()
    if not body:
        return "空的槽位 {{ }}：请写上槽位名称，如 {{ 地区 }}"
    if inner.startswith(("-", "+")) or inner.endswith(("-", "+")):
        return "不支持空白控制符号 {{- -}}：请写成 {{ 名称 }}"
    if "|" in body:
        return f"槽位“{body}”中不支持过滤器 |；{_ALLOWED}"
    if "(" in body or ")" in body:
        return f"槽位“{body}”中不支持函数调用；{_ALLOWED}"
    if "." in body or "[" in body or "]" in body:
        return f"槽位“{body}”中不支持取属性或下标；{_ALLOWED}"
    if any(c in body for c in "{}%#"):
        return f"槽位“{body}”中有多余的括号或符号；{_ALLOWED}"
    if re.search(r"\s", body):
        return f"槽位名称“{body}”不能含空格或运算；{_ALLOWED}"
    if body[0].isdigit():
        return f"槽位名称“{body}”不能以数字开头"
    return f"槽位“{body}”不是合法的名称：只能由汉字、字母、数字和下划线组成"


def _tag_problem(inner: str) -> str:
    body = inner.strip()
    if inner.startswith(("-", "+")) or inner.endswith(("-", "+")):
        return "不支持空白控制符号 {%- -%}：请写成 {% if 名称 %}"
    word = _WORD_RE.match(inner)
    keyword = word.group(1) if word else ""
    if keyword in _STATEMENTS:
        return f"不支持{_STATEMENTS[keyword]}；{_ALLOWED}"
    if keyword == "if":
        rest = body[2:].strip()
        if not rest:
            return "{% if %} 后面缺少槽位名称：应写成 {% if 名称 %}"
        return f"条件“{rest}”太复杂：只能写 {{% if 名称 %}} 或 {{% if not 名称 %}}；{_ALLOWED}"
    if keyword in ("else", "endif"):
        return f"{{% {keyword} %}} 后面不能再写别的内容"
    shown = body if len(body) <= 20 else body[:20] + "…"
    return f"不认识的标记 {{% {shown} %}}；{_ALLOWED}"


class _Frame:
    def __init__(self, name: str, negated: bool, offset: int):
        self.name = name
        self.negated = negated
        self.offset = offset
        self.then: list[_Node] = []
        self.otherwise: list[_Node] | None = None

    @property
    def current(self) -> list[_Node]:
        return self.otherwise if self.otherwise is not None else self.then


def _build(scanner: _Scanner, tokens: list[tuple[str, str, int]]) -> tuple[tuple[_Node, ...], list[str]]:
    """The node tree; problems are appended to ``scanner.problems``."""
    root: list[_Node] = []
    stack: list[_Frame] = []
    names: dict[str, None] = {}
    for kind, content, offset in tokens:
        target = stack[-1].current if stack else root
        if kind == "text":
            target.append(content)
            continue
        if kind == "slot":
            match = _SLOT_RE.fullmatch(content)
            if match is None:
                scanner.problem(_slot_problem(content), offset)
                continue
            names.setdefault(match.group(1))
            target.append(_Slot(match.group(1)))
            continue
        _tag(scanner, content, offset, stack, root, names)
    for frame in stack:
        scanner.problem(f"{{% if {frame.name} %}} 没有对应的 {{% endif %}}", frame.offset)
    return tuple(root), list(names)


def _tag(
    scanner: _Scanner,
    content: str,
    offset: int,
    stack: list[_Frame],
    root: list[_Node],
    names: dict[str, None],
) -> None:
    match = _IF_RE.fullmatch(content)
    if match is not None and match.group(2) != "not":
        if len(stack) >= MAX_IF_DEPTH:
            scanner.problem(f"{{% if %}} 嵌套超过{MAX_IF_DEPTH}层", offset)
            return
        names.setdefault(match.group(2))
        stack.append(_Frame(match.group(2), bool(match.group(1)), offset))
        return
    if _ELSE_RE.fullmatch(content):
        if not stack:
            scanner.problem("{% else %} 前面没有对应的 {% if 名称 %}", offset)
        elif stack[-1].otherwise is not None:
            scanner.problem("同一个 {% if %} 中只能有一个 {% else %}", offset)
        else:
            stack[-1].otherwise = []
        return
    if _ENDIF_RE.fullmatch(content):
        if not stack:
            scanner.problem("{% endif %} 前面没有对应的 {% if 名称 %}", offset)
            return
        frame = stack.pop()
        node = _If(frame.name, frame.negated, tuple(frame.then), tuple(frame.otherwise or ()))
        (stack[-1].current if stack else root).append(node)
        return
    scanner.problem(_tag_problem(content), offset)


def _too_long(text: str) -> SlotSyntaxError | None:
    if len(text) > MAX_TEXT_CHARS:
        return SlotSyntaxError(f"文字过长（{len(text)}字）：每段素材不能超过{MAX_TEXT_CHARS}字")
    return None


def _analyse(text: str) -> tuple[Template | None, list[SlotSyntaxError]]:
    long = _too_long(text)
    if long is not None:
        return None, [long]
    if "{" not in text and "}" not in text:
        return Template((text,) if text else (), ()), []
    scanner = _Scanner(text)
    tokens = scanner.tokens()
    nodes, names = _build(scanner, tokens)
    if scanner.problems:
        problems = sorted(scanner.problems, key=lambda p: (p.text_line or 0, p.column or 0))
        return None, problems[:_MAX_PROBLEMS]
    return Template(nodes, tuple(names)), []


# ---------------------------------------------------------------- public API


@lru_cache(maxsize=4096)
def parse_slots(text: str) -> Template:
    """Parse material; raises :class:`SlotSyntaxError` (the first problem, with line and column)."""
    template, problems = _analyse(text)
    if template is None:
        raise problems[0]
    return template


def slot_names(text: str) -> list[str]:
    """Slot names in order of first appearance (also those only tested by ``{% if %}``); [] if invalid."""
    try:
        return list(parse_slots(text).names)
    except SlotSyntaxError:
        return []


def check_slots(text: str) -> list[str]:
    """Every problem of the text as a Chinese message (with line and column); [] when it is fine."""
    return [p.message for p in _analyse(text)[1]]


def render_slots(text: str, values: Mapping[str, str], *, missing: Callable[[str], str] | None = None) -> str:
    """Fill the slots of ``text`` from ``values``.

    A printed slot whose value is missing or blank becomes ``missing(name)`` when given, else
    :class:`MissingSlotError`; ``{% if 名称 %}`` is true when the value is non-blank.  Raises
    :class:`SlotSyntaxError` for text outside the grammar and :class:`SlotError` when the output
    would exceed :data:`MAX_OUTPUT_CHARS`.
    """
    return parse_slots(text).render(values, missing=missing)


def optional_slots(text: str) -> frozenset[str]:
    """Slots a text can do without: tested by ``{% if 名称 %}`` and printed only inside that test's
    true branch, so a missing value is never an error.  Empty for invalid text."""
    try:
        template = parse_slots(text)
    except SlotSyntaxError:
        return frozenset()
    tested: set[str] = set()
    unguarded: set[str] = set()
    _walk_optional(template.nodes, frozenset(), tested, unguarded)
    return frozenset(tested - unguarded)


def _walk_optional(
    nodes: tuple[_Node, ...], guards: frozenset[str], tested: set[str], unguarded: set[str]
) -> None:
    for node in nodes:
        if isinstance(node, _Slot):
            if node.name not in guards:
                unguarded.add(node.name)
        elif isinstance(node, _If):
            tested.add(node.name)
            positive = guards | {node.name}
            _walk_optional(node.then, guards if node.negated else positive, tested, unguarded)
            _walk_optional(node.otherwise, positive if node.negated else guards, tested, unguarded)
