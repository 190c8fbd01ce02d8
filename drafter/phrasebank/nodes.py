"""Phrasebank files as line-marked YAML nodes, and the context that validates them.

A file is read only when it is a regular file of at most ``MAX_FILE_BYTES`` and composed into
YAML nodes by the one hardened loader (``drafter.util.yamlpos``), never constructed, so every value
knows its line.  :class:`Ctx` collects the problems (``FILE:LINE``) while the validators in
:mod:`drafter.phrasebank.entries` read mappings, strings and lists from the nodes; control
characters are refused in every text field.
"""

from __future__ import annotations

import os
import re
from collections.abc import Sequence
from pathlib import Path

import yaml

from drafter.errors import DrafterError, Problem
from drafter.util import yamlpos
from drafter.util.safeio import read_bounded

MAX_FILE_BYTES = 5 * 1024 * 1024
# Keys whose text may span lines (a line break there is not a control character).
MULTILINE_KEYS = ("text", "notes")

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
NULL_TAG = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"


# --------------------------------------------------------------------------------------------
# Reading YAML with positions


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as shown in messages: relative to the working folder when inside it (control characters escaped)."""
    p = Path(path)
    try:
        return visible(str(p.resolve().relative_to(Path.cwd().resolve())))
    except (ValueError, OSError):
        return visible(str(p))


class Doc:
    """A composed YAML file: its root node and where it came from."""

    def __init__(self, file: str, root: yaml.Node | None, text: str):
        self.file = file
        self.root = root
        self.text = text


def line_of(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def read_text(path: Path, shown: str, problems: list[Problem]) -> str | None:
    """The text of a phrasebank file; only regular files, at most ``MAX_FILE_BYTES`` (FIFOs never block)."""
    try:
        size = path.stat().st_size
    except OSError as exc:
        problems.append(Problem(shown, 1, f"无法读取文件：{exc.strerror}"))
        return None
    if size > MAX_FILE_BYTES:
        problems.append(
            Problem(
                shown,
                1,
                f"文件过大（{size / 1024 / 1024:.1f} MB），素材库文件不能超过 {MAX_FILE_BYTES // 1024 // 1024} MB，未读取",
            )
        )
        return None
    try:
        # Regular files only (a FIFO never blocks, /dev/zero is refused), at most the limit + 1 bytes.
        data = read_bounded(path, MAX_FILE_BYTES, what="素材库文件")
    except DrafterError as exc:
        problems.append(
            Problem(shown, 1, exc.message if "未读取" in exc.message else f"{exc.message}，未读取")
        )
        return None
    if b"\x00" in data[:8192] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        problems.append(Problem(shown, 1, "这不是文本文件（含二进制内容），素材库文件应为 UTF-8 编码的 YAML"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        problems.append(Problem(shown, line, "文件不是 UTF-8 编码（请在编辑器中另存为 UTF-8）"))
        return None


# C0 and C1 control characters and DEL; \n and \t are allowed only where a field may hold them.
_CONTROL_RE = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CONTROL_NL_RE = re.compile(r"[\x00-\x1f\x7f-\x9f]")


def control_char(value: str, *, multiline: bool = False) -> str | None:
    """The first control character in ``value`` that a text field may not hold, or None."""
    m = (_CONTROL_RE if multiline else _CONTROL_NL_RE).search(value)
    return m.group() if m else None


def visible(value: str, *, multiline: bool = False) -> str:
    """``value`` safe to print on a terminal: control characters shown as ``\\xNN`` escapes.

    With ``multiline`` newlines and tabs are kept.
    """
    return (_CONTROL_RE if multiline else _CONTROL_NL_RE).sub(lambda m: f"\\x{ord(m.group()):02x}", value)


def compose(text: str, shown: str, problems: list[Problem]) -> yaml.Node | None:
    """Compose one YAML document with the shared hardened loader; what it refuses becomes a problem."""
    try:
        return yamlpos.compose(text, shown, what="素材库文件")
    except DrafterError as exc:
        m = _COLUMN_RE.search(exc.message)
        column = int(m.group(1)) if m else None
        problems.append(Problem(shown, exc.line or 1, exc.message, column=column))
        return None


_COLUMN_RE = re.compile(r"第 \d+ 行第 (\d+) 列")


def scalar(node: yaml.Node) -> object:
    """The Python value of a scalar node (plain strings, ints, bools, null)."""
    if node.tag == _STR:
        return node.value
    if node.tag == NULL_TAG:
        return None
    if node.tag == _INT:
        try:
            return int(node.value.replace("_", ""))
        except ValueError:
            return node.value
    if node.tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("yes", "true", "on", "y")
    return node.value


def kind_name(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "映射（键: 值）"
    if isinstance(node, yaml.SequenceNode):
        return "列表"
    if node.tag == _STR:
        return "文字"
    if node.tag == NULL_TAG:
        return "空值"
    if node.tag == _INT:
        return "整数"
    return "值"


class Ctx:
    """Collects problems for one file."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    # Messages quote values from the file: control characters in them are shown escaped.
    def error(self, node: yaml.Node | None, message: str) -> None:
        self.problems.append(Problem(self.file, line_of(node) if node is not None else 0, visible(message)))

    def error_at(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, visible(message)))

    def warn(self, node: yaml.Node | None, message: str) -> None:
        line = line_of(node) if node is not None else 0
        self.problems.append(Problem(self.file, line, visible(message), "warning"))

    def clean(self, node: yaml.Node, value: str, what: str, *, multiline: bool = False) -> bool:
        """False (and an error) when ``value`` holds a control character (ESC, BEL ... however written)."""
        bad = control_char(value, multiline=multiline)
        if bad is None:
            return True
        self.error(node, f"{what}含有控制字符（U+{ord(bad):04X}），这类字符可能改写终端，不允许出现在素材中")
        return False

    def mapping(
        self, node: yaml.Node, what: str, allowed: Sequence[str]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        """Keys of a mapping node -> (key node, value node); reports duplicates and unknown keys."""
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key, value in node.value:
            if not isinstance(key, yaml.ScalarNode):
                self.error(key, f"{what}的键必须是文字")
                continue
            name = str(key.value)
            if name in out:
                self.error(key, f"{what}中的键“{name}”重复（第一次在第 {line_of(out[name][0])} 行）")
                continue
            if name not in allowed:
                self.warn(key, f"{what}中有未知的键“{name}”（可用：{'、'.join(allowed)}），已忽略")
                continue
            out[name] = (key, value)
        return out

    def string(self, entry: dict, key: str, what: str, *, required: bool = False, parent=None) -> str | None:
        if key not in entry:
            if required:
                self.error(parent, f"{what}缺少“{key}”")
            return None
        knode, vnode = entry[key]
        if not isinstance(vnode, yaml.ScalarNode) or vnode.tag == NULL_TAG:
            if required or vnode.tag != NULL_TAG:
                self.error(knode, f"{what}的“{key}”应为文字，实际是{kind_name(vnode)}")
            return None
        value = str(vnode.value)
        if not self.clean(vnode, value, f"{what}的“{key}”", multiline=key in MULTILINE_KEYS):
            return None
        if required and not value.strip():
            self.error(knode, f"{what}的“{key}”不能为空")
            return None
        return value

    def sequence(self, vnode: yaml.Node, where: yaml.Node, message: str) -> list[yaml.Node]:
        """The items of a list node; none for null, and none after ``message`` at ``where`` for a non-list."""
        if isinstance(vnode, yaml.ScalarNode) and vnode.tag == NULL_TAG:
            return []
        if not isinstance(vnode, yaml.SequenceNode):
            self.error(where, message)
            return []
        return vnode.value

    def string_list(self, entry: dict, key: str, what: str) -> list[str]:
        if key not in entry:
            return []
        knode, vnode = entry[key]
        out = []
        for item in self.sequence(vnode, knode, f"{what}的“{key}”应为文字列表，实际是{kind_name(vnode)}"):
            if not isinstance(item, yaml.ScalarNode) or item.tag == NULL_TAG:
                self.error(item, f"{what}的“{key}”中每一项应为文字，实际是{kind_name(item)}")
                continue
            if self.clean(item, str(item.value), f"{what}的“{key}”"):
                out.append(str(item.value))
        return out
