"""The one hardened, line-marked YAML loader: every YAML drafter reads goes through it.

``yaml.safe_load`` semantics, but built straight from the event stream, so
hostile files are stopped before they cost anything:

- aliases and anchors are refused (an alias bomb never expands);
- nesting deeper than ``MAX_DEPTH`` is refused as it is met (no recursion);
- the node count is bounded in proportion to the text size, so any ordinary
  file under its byte limit loads, and no file can build more nodes than its
  size allows;
- control characters and syntax errors give a Chinese message with the line;
- dates stay text (``2024-02-30`` is a message for the caller, not a crash).

``compose`` gives nodes (every node knows its line); ``load`` gives plain
Python data plus a map from key path to 1-based line; ``load_file`` reads a
regular file within a byte limit first.
"""

from __future__ import annotations

import os
from functools import lru_cache
from typing import Any

import yaml

from drafter.errors import DrafterError, yaml_reader_error
from drafter.util.safeio import read_bounded

MAX_DEPTH = 50
MIN_NODES = 10_000
BYTES_PER_NODE = 2  # the densest ordinary YAML ("[a,b,c]") spends two characters a node

STR = "tag:yaml.org,2002:str"
INT = "tag:yaml.org,2002:int"
FLOAT = "tag:yaml.org,2002:float"
BOOL = "tag:yaml.org,2002:bool"
NULL = "tag:yaml.org,2002:null"
SEQ = "tag:yaml.org,2002:seq"
MAP = "tag:yaml.org,2002:map"
TIMESTAMP = "tag:yaml.org,2002:timestamp"

Path_ = tuple[Any, ...]

_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _Resolver(yaml.resolver.Resolver):
    """The safe loader's implicit tags, without timestamps (dates stay text)."""


_Resolver.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != TIMESTAMP]
    for first, resolvers in yaml.resolver.Resolver.yaml_implicit_resolvers.items()
}
_RESOLVER = _Resolver()


@lru_cache(maxsize=4096)
def _plain_tag(value: str) -> str:
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))


_REASONS = {
    "found character '\\t' that cannot start any token": "不能用 Tab 缩进，请改用空格",
    "mapping values are not allowed": "这里不能出现“键: 值”（冒号后的内容可能需要加引号，或缩进不对）",
    "could not find expected ':'": "缺少冒号“:”",
    "did not find expected key": "缩进不对或缺少键（“键: 值”）",
    "did not find expected '-' indicator": "列表项“-”的缩进不对",
    "did not find expected ',' or ']'": "方括号列表没有闭合（缺少“]”或逗号）",
    "did not find expected ',' or '}'": "花括号映射没有闭合（缺少“}”或逗号）",
    "found undefined alias": "引用了未定义的别名",
    "expected <block end>": "缩进不对",
    "found unexpected end of stream": "文件意外结束（引号或括号没有闭合？）",
    "found unexpected ':'": "冒号位置不对（含冒号的内容请加引号）",
    "did not find expected node content": "这里缺少内容（括号或引号没有闭合，或“-”后面没有写值）",
    # libyaml 0.2.5 stops at 1,000 levels before our own depth limit is reached
    "exceeded maximum nesting depth": "嵌套层次过深；未读取",
}


def yaml_reason(reason: str, text: str = "", mark: Any = None) -> str:
    """A Chinese reason for a PyYAML problem text (the English original in brackets)."""
    if mark is not None and text:
        lines = text.splitlines()
        if mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            return f"不能用 Tab 缩进，请改用空格（{reason}）"
    for key, hint in _REASONS.items():
        if reason.startswith(key):
            return f"{hint}（{reason}）"
    return reason


def node_limit(text: str) -> int:
    """How many nodes a text of this size may build."""
    return max(MIN_NODES, len(text) // BYTES_PER_NODE)


def _attach(stack: list[list[Any]], docs: list[yaml.Node], node: yaml.Node) -> None:
    if not stack:
        docs.append(node)
        return
    top = stack[-1]
    parent = top[0]
    if type(parent) is yaml.SequenceNode:
        parent.value.append(node)
    elif top[1] is None:
        top[1] = node
    else:
        parent.value.append((top[1], node))
        top[1] = None


def _new_node(event: Any, depth: int, file: str, what: str) -> yaml.Node:
    cls = type(event)
    if cls is yaml.ScalarEvent:
        tag = event.tag
        if tag is None or tag == "!":
            tag = _plain_tag(event.value) if event.implicit[0] else STR
        return yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
    if depth >= MAX_DEPTH:
        raise DrafterError(
            f"嵌套层次过深（超过 {MAX_DEPTH} 层），这不是{what}；未读取", file, event.start_mark.line + 1
        )
    if cls is yaml.SequenceStartEvent:
        tag = SEQ if event.tag in (None, "!") else event.tag
        return yaml.SequenceNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
    tag = MAP if event.tag in (None, "!") else event.tag
    return yaml.MappingNode(tag, [], event.start_mark, None, flow_style=event.flow_style)


def _build(text: str, file: str, what: str) -> list[yaml.Node]:
    """Nodes (one per document) from the event stream, without recursion and without aliases."""
    docs: list[yaml.Node] = []
    stack: list[list[Any]] = []  # [collection node, pending mapping key]
    count = 0
    limit = node_limit(text)
    starts = (yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent)
    ends = (yaml.SequenceEndEvent, yaml.MappingEndEvent)
    for event in yaml.parse(text, Loader=_LOADER):
        if isinstance(event, ends):
            stack.pop()[0].end_mark = event.end_mark
            continue
        if isinstance(event, yaml.AliasEvent) or getattr(event, "anchor", None):
            raise DrafterError(
                f"{what}不支持 YAML 锚点和别名（&/*），请直接写出内容；未读取",
                file,
                event.start_mark.line + 1,
            )
        if not isinstance(event, starts):
            continue
        node = _new_node(event, len(stack), file, what)
        count += 1
        if count > limit:
            raise DrafterError(
                f"{what}中的条目过多（超过 {limit} 个节点），未读取", file, event.start_mark.line + 1
            )
        _attach(stack, docs, node)
        if not isinstance(event, yaml.ScalarEvent):
            stack.append([node, None])
    return docs


def compose(text: str, file: str = "", *, what: str = "文件") -> yaml.Node | None:
    """The root node of a single-document YAML text (None when empty); ``DrafterError`` with line."""
    try:
        nodes = _build(text, file, what)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        where = f"（第 {line} 行第 {mark.column + 1} 列）" if mark else ""
        reason = yaml_reason(exc.problem or exc.context or "无法解析", text, mark)
        raise DrafterError(f"YAML 语法错误{where}：{reason}", file, line) from exc
    except yaml.reader.ReaderError as exc:
        message, line = yaml_reader_error(text, exc)
        raise DrafterError(message, file, line) from exc
    except yaml.YAMLError as exc:
        raise DrafterError(f"YAML 语法错误：{exc}", file) from exc
    nodes = [n for n in nodes if not (isinstance(n, yaml.ScalarNode) and n.tag == NULL and n.value == "")]
    if len(nodes) > 1:
        raise DrafterError(
            f"一个{what}只能有一个 YAML 文档（不要用 --- 分隔多个文档）", file, nodes[1].start_mark.line + 1
        )
    return nodes[0] if nodes else None


def scalar_value(node: yaml.ScalarNode) -> Any:
    """The Python value ``yaml.safe_load`` would give a scalar (timestamps stay text)."""
    tag, value = node.tag, node.value
    if tag == NULL:
        return None
    if tag == BOOL:
        return value.lower() in ("yes", "true", "on", "y")
    if tag == INT:
        try:
            return _CONSTRUCTOR.construct_yaml_int(node)
        except (ValueError, TypeError):
            return value
    if tag == FLOAT:
        try:
            return _CONSTRUCTOR.construct_yaml_float(node)
        except (ValueError, TypeError):
            return value
    return value


# PyYAML's own scalar constructors (int bases, ``1_000``, ``.inf``), used on single nodes only.
_CONSTRUCTOR = yaml.SafeLoader("")


def to_python(node: yaml.Node | None, path: Path_ = (), lines: dict[Path_, int] | None = None) -> Any:
    """Plain Python data from a composed node; records ``path -> line`` in ``lines`` when given.

    Keys of a mapping path are the key values; ``(*path, key, "#key")`` holds the
    line of the key itself.  Depth is bounded by ``compose``, so recursion is safe.
    """
    if node is None:
        return None
    if lines is not None:
        lines.setdefault(path, node.start_mark.line + 1)
    if isinstance(node, yaml.ScalarNode):
        return scalar_value(node)
    if isinstance(node, yaml.SequenceNode):
        return [to_python(child, (*path, i), lines) for i, child in enumerate(node.value)]
    out: dict[Any, Any] = {}
    for key_node, value_node in node.value:
        key = scalar_value(key_node) if isinstance(key_node, yaml.ScalarNode) else None
        if key is None and not isinstance(key_node, yaml.ScalarNode):
            raise DrafterError("YAML 映射的键必须是文字", None, key_node.start_mark.line + 1)
        if lines is not None:
            lines.setdefault((*path, key, "#key"), key_node.start_mark.line + 1)
        out[key] = to_python(value_node, (*path, key), lines)
    return out


def load(text: str, file: str = "", *, what: str = "文件") -> tuple[Any, dict[Path_, int]]:
    """``(data, {path: 1-based line})`` of a YAML text, with ``safe_load`` semantics."""
    root = compose(text, file, what=what)
    lines: dict[Path_, int] = {}
    try:
        data = to_python(root, (), lines)
    except DrafterError as exc:
        if exc.file is None:
            exc.file = file
        raise
    return data, lines


def decode(data: bytes, file: str, *, what: str = "文件") -> str:
    """UTF-8 (with or without BOM) text of a YAML file, else a Chinese ``DrafterError`` with the line."""
    if b"\x00" in data[:8192]:
        raise DrafterError(f"这不是文本文件（含二进制内容），{what}应为 UTF-8 编码的 YAML", file, 1)
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DrafterError("文件不是 UTF-8 编码（请在编辑器中另存为 UTF-8）", file, line) from exc


def load_file(
    path: str | os.PathLike[str], *, limit_bytes: int, what: str = "文件", shown: str | None = None
) -> tuple[Any, dict[Path_, int]]:
    """Read a regular file of at most ``limit_bytes`` and ``load`` it."""
    name = shown if shown is not None else str(path)
    try:
        data = read_bounded(path, limit_bytes, what=what)
    except DrafterError as exc:
        exc.file = name
        raise
    return load(decode(data, name, what=what), name, what=what)
