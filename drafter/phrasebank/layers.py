"""The phrasebank: loading, validating, layering and extending YAML phrase files.

File format (documented for users in ``phrasebank/README.md``): each file is a
mapping with optional keys ``phrases`` (entries), ``heading_sets`` and
``slots`` (the slot registry).  Files are turned into YAML nodes straight from
the (safe) event stream, never constructed, so every entry and every key knows
its line, and every problem names ``FILE:LINE``.  Hostile files are stopped
before they cost anything: a size limit is checked before reading; aliases,
nesting deeper than ``MAX_DEPTH`` and more than ``MAX_NODES`` nodes are refused
as the events arrive (an alias bomb never expands, deep nesting never recurses).

Layers: the shipped phrasebank, then the user's own folder, then each extra
folder; a later layer overrides an earlier one by ``id``.
"""

from __future__ import annotations

import json
import os
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from drafter.errors import DrafterError, Problem, yaml_reader_error
from drafter.model import MEETING_FIELDS, PHRASE_ROLES, HeadingSet, Phrase, Slot, Source
from drafter.phrasebank.search import Hit, PhraseIndex, bigrams, naive_search, searchable_text, warm_up
from drafter.util import atomic_write, phrasebank_dir, user_phrasebank_dir

__all__ = [
    "KNOWN_FUNCTIONS",
    "KNOWN_TOPICS",
    "MAX_FILE_BYTES",
    "AddResult",
    "Hit",
    "Layer",
    "PhraseIndex",
    "Phrasebank",
    "add_phrase",
    "check_paths",
    "load_file",
    "load_phrasebank",
    "naive_search",
    "slot_names",
    "warm_up",
]

MAX_FILE_BYTES = 5 * 1024 * 1024
MAX_NODES = 200_000
MAX_DEPTH = 50

# Known functions (what a sentence does) -> ASCII slug used in generated ids.
KNOWN_FUNCTIONS: dict[str, str] = {
    "会议定性": "meeting-nature",
    "会议目的": "meeting-purpose",
    "会议议程": "meeting-agenda",
    "回应前面发言": "respond",
    "引出意见": "announce",
    "肯定成绩": "achievements",
    "成绩归因": "attribution",
    "转折": "turn",
    "问题不足": "problems",
    "形势机遇": "opportunities",
    "形势挑战": "challenges",
    "增强紧迫感": "urgency",
    "统一思想": "unify-thinking",
    "目标任务": "targets",
    "部署任务": "deploy",
    "工作措施": "measures",
    "工作要求": "requirements",
    "作风要求": "style",
    "能力要求": "competence",
    "责任落实": "responsibility",
    "督查问责": "supervision",
    "廉政要求": "integrity",
    "安全底线": "safety",
    "号召": "call",
    "表态": "pledge",
    "致谢": "thanks",
    "承上启下": "bridge",
    "总结": "summary",
}

KNOWN_TOPICS = (
    "项目建设", "招商引资", "工业经济", "城乡建设", "乡村振兴", "生态环保", "财政金融", "营商环境",
    "民生保障", "安全稳定", "社会治理", "科技创新", "改革开放", "党的建设", "干部队伍", "文化旅游",
    "教育卫生", "农业农村",
)  # fmt: skip

ROLE_CHOICES = "、".join(PHRASE_ROLES)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
PHRASE_KEYS = ("id", "role", "function", "topics", "text", "slots", "source", "origin", "notes")
SET_KEYS = ("id", "frame", "slot", "items", "role", "level", "source", "origin", "notes")
SLOT_KEYS = ("name", "prompt", "example")
TOP_KEYS = ("phrases", "heading_sets", "slots")

_STR = "tag:yaml.org,2002:str"
_INT = "tag:yaml.org,2002:int"
_NULL = "tag:yaml.org,2002:null"
_SEQ = "tag:yaml.org,2002:seq"
_MAP = "tag:yaml.org,2002:map"

USER_FILE_HEADER = (
    "# 我的素材库（讲稿助手 drafter）。\n"
    "# 用“drafter phrasebank add”或界面中的“加入素材库”追加的短语保存在这里；\n"
    "# 也可以手工编辑，格式见素材库说明（phrasebank/README.md）。修改后可运行 drafter phrasebank check 检查。\n"
)


# --------------------------------------------------------------------------------------------
# Reading YAML with positions


_LOADER: type = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


def display_path(path: str | os.PathLike[str]) -> str:
    """A path as shown in messages: relative to the working folder when inside it."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except (ValueError, OSError):
        return str(p)


class _Doc:
    """A composed YAML file: its root node and where it came from."""

    def __init__(self, file: str, root: yaml.Node | None, text: str):
        self.file = file
        self.root = root
        self.text = text


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _read_text(path: Path, shown: str, problems: list[Problem]) -> str | None:
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
        data = path.read_bytes()
    except OSError as exc:
        problems.append(Problem(shown, 1, f"无法读取文件：{exc.strerror}"))
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


_RESOLVER = yaml.resolver.Resolver()


@lru_cache(maxsize=4096)
def _plain_tag(value: str) -> str:
    """The tag YAML's safe loader gives a plain scalar (cached: keys and values repeat a lot)."""
    return _RESOLVER.resolve(yaml.ScalarNode, value, (True, False))


class _TooMuch(Exception):
    def __init__(self, line: int, message: str):
        self.line = line
        self.message = message


def _build(text: str, loader: type) -> list[yaml.Node]:
    """Nodes (one per document) built from the event stream, without recursion.

    Like ``yaml.compose_all`` (same node classes, tags and marks), but aliases, absurd
    nesting and absurd sizes are refused as they are met (``_TooMuch``): libyaml's composer
    recurses (a deeply nested file would crash it) and an alias bomb expands in any constructor.
    """
    docs: list[yaml.Node] = []
    stack: list[list] = []  # [collection node, pending mapping key]
    count = 0
    scalar_event, seq_start, map_start = yaml.ScalarEvent, yaml.SequenceStartEvent, yaml.MappingStartEvent
    for event in yaml.parse(text, Loader=loader):
        cls = type(event)
        if cls is scalar_event:
            tag = event.tag
            if tag is None or tag == "!":
                tag = _plain_tag(event.value) if event.implicit[0] else _STR
            node: yaml.Node = yaml.ScalarNode(tag, event.value, event.start_mark, event.end_mark, event.style)
        elif cls is seq_start or cls is map_start:
            if len(stack) >= MAX_DEPTH:
                raise _TooMuch(
                    event.start_mark.line + 1,
                    f"嵌套层次过深（超过 {MAX_DEPTH} 层），这不是素材库文件；未读取",
                )
            if cls is seq_start:
                tag = _SEQ if event.tag in (None, "!") else event.tag
                node = yaml.SequenceNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
            else:
                tag = _MAP if event.tag in (None, "!") else event.tag
                node = yaml.MappingNode(tag, [], event.start_mark, None, flow_style=event.flow_style)
        elif cls is yaml.SequenceEndEvent or cls is yaml.MappingEndEvent:
            done = stack.pop()
            done[0].end_mark = event.end_mark
            continue
        elif cls is yaml.AliasEvent:
            raise _TooMuch(
                event.start_mark.line + 1,
                "素材库文件不支持 YAML 锚点和别名（&/*），请直接写出内容；文件未读取",
            )
        else:
            continue
        count += 1
        if count > MAX_NODES:
            raise _TooMuch(event.start_mark.line + 1, f"文件中的条目过多（超过 {MAX_NODES} 个节点），未读取")
        if not stack:
            docs.append(node)
        else:
            top = stack[-1]
            parent = top[0]
            if type(parent) is yaml.SequenceNode:
                parent.value.append(node)
            elif top[1] is None:
                top[1] = node
            else:
                parent.value.append((top[1], node))
                top[1] = None
        if cls is not scalar_event:
            stack.append([node, None])
    return docs


def _compose(text: str, shown: str, problems: list[Problem], loader: type = _LOADER) -> yaml.Node | None:
    """Compose one YAML document; syntax errors become problems with line and column."""
    try:
        nodes = _build(text, loader)
    except _TooMuch as exc:
        problems.append(Problem(shown, exc.line, exc.message))
        return None
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else 0
        col = mark.column + 1 if mark else None
        what = exc.problem or exc.context or "无法解析"
        where = f"（第 {line} 行第 {col} 列）" if mark else ""
        problems.append(
            Problem(shown, line, f"YAML 语法错误{where}：{_yaml_reason(what, text, mark)}", column=col)
        )
        return None
    except yaml.reader.ReaderError as exc:
        message, line = yaml_reader_error(text, exc)
        problems.append(Problem(shown, line or 1, message))
        return None
    except yaml.YAMLError as exc:
        problems.append(Problem(shown, 1, f"YAML 语法错误：{exc}"))
        return None
    nodes = [n for n in nodes if not (isinstance(n, yaml.ScalarNode) and n.tag == _NULL and n.value == "")]
    if len(nodes) > 1:
        problems.append(
            Problem(shown, _line(nodes[1]), "一个素材库文件只能有一个 YAML 文档（不要用 --- 分隔多个文档）")
        )
        return None
    if not nodes:
        return None
    return nodes[0]


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
    # libyaml 0.2.5 stops at 1,000 levels before our own depth limit is reached
    "exceeded maximum nesting depth": "嵌套层次过深，这不是素材库文件；未读取",
}


def _yaml_reason(reason: str, text: str = "", mark=None) -> str:
    if mark is not None and text:
        lines = text.splitlines()
        if mark.line < len(lines) and "\t" in lines[mark.line][: mark.column + 1]:
            return f"不能用 Tab 缩进，请改用空格（{reason}）"
    for key, hint in _REASONS.items():
        if reason.startswith(key):
            return f"{hint}（{reason}）"
    return reason


def _scalar(node: yaml.Node) -> object:
    """The Python value of a scalar node (plain strings, ints, bools, null)."""
    if node.tag == _STR:
        return node.value
    if node.tag == _NULL:
        return None
    if node.tag == _INT:
        try:
            return int(node.value.replace("_", ""))
        except ValueError:
            return node.value
    if node.tag == "tag:yaml.org,2002:bool":
        return node.value.lower() in ("yes", "true", "on", "y")
    return node.value


def _kind(node: yaml.Node) -> str:
    if isinstance(node, yaml.MappingNode):
        return "映射（键: 值）"
    if isinstance(node, yaml.SequenceNode):
        return "列表"
    if node.tag == _STR:
        return "文字"
    if node.tag == _NULL:
        return "空值"
    if node.tag == _INT:
        return "整数"
    return "值"


class _Ctx:
    """Collects problems for one file."""

    def __init__(self, file: str):
        self.file = file
        self.problems: list[Problem] = []

    def error(self, node: yaml.Node | None, message: str) -> None:
        self.problems.append(Problem(self.file, _line(node) if node is not None else 0, message))

    def error_at(self, line: int, message: str) -> None:
        self.problems.append(Problem(self.file, line, message))

    def warn(self, node: yaml.Node | None, message: str) -> None:
        self.problems.append(Problem(self.file, _line(node) if node is not None else 0, message, "warning"))

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
                self.error(key, f"{what}中的键“{name}”重复（第一次在第 {_line(out[name][0])} 行）")
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
        if not isinstance(vnode, yaml.ScalarNode) or vnode.tag == _NULL:
            if required or vnode.tag != _NULL:
                self.error(knode, f"{what}的“{key}”应为文字，实际是{_kind(vnode)}")
            return None
        value = str(vnode.value)
        if required and not value.strip():
            self.error(knode, f"{what}的“{key}”不能为空")
            return None
        return value

    def string_list(self, entry: dict, key: str, what: str) -> list[str]:
        if key not in entry:
            return []
        knode, vnode = entry[key]
        if isinstance(vnode, yaml.ScalarNode) and vnode.tag == _NULL:
            return []
        if not isinstance(vnode, yaml.SequenceNode):
            self.error(knode, f"{what}的“{key}”应为文字列表，实际是{_kind(vnode)}")
            return []
        out = []
        for item in vnode.value:
            if not isinstance(item, yaml.ScalarNode) or item.tag == _NULL:
                self.error(item, f"{what}的“{key}”中每一项应为文字，实际是{_kind(item)}")
                continue
            out.append(str(item.value))
        return out


# --------------------------------------------------------------------------------------------
# Jinja: slot names and syntax


_JINJA_ENV = None


def _env():
    global _JINJA_ENV
    if _JINJA_ENV is None:
        from jinja2 import StrictUndefined
        from jinja2.sandbox import SandboxedEnvironment

        _JINJA_ENV = SandboxedEnvironment(undefined=StrictUndefined, autoescape=False)
    return _JINJA_ENV


_JINJA_WORDS = frozenset(
    ("true", "false", "none", "True", "False", "None", "and", "or", "not", "in", "is", "if", "else", "loop")
)
_SIMPLE_SLOT_RE = re.compile(r"\{\{\s*([^\W\d]\w*)\s*\}\}")


def _parse_slots(text: str) -> list[str]:
    """Slot names used in ``text`` in order of first use; raises jinja2.TemplateSyntaxError."""
    if "{" not in text and "}" not in text:
        return []
    if "{%" not in text and "{#" not in text:
        # Fast path: only plain ``{{ name }}`` slots (the common case) need no Jinja parse.
        names = _SIMPLE_SLOT_RE.findall(text)
        rest = _SIMPLE_SLOT_RE.sub("", text)
        if "{{" not in rest and "}}" not in rest and not _JINJA_WORDS.intersection(names):
            return list(dict.fromkeys(names))
    from jinja2 import meta, nodes

    ast = _env().parse(text)
    free = meta.find_undeclared_variables(ast)
    out: list[str] = []
    for name_node in ast.find_all(nodes.Name):
        if name_node.name in free and name_node.name not in out:
            out.append(name_node.name)
    return out


def slot_names(text: str) -> list[str]:
    """The Jinja variables a phrase text uses, in order of first use ([] if the text does not parse)."""
    from jinja2 import TemplateSyntaxError

    try:
        return _parse_slots(text)
    except TemplateSyntaxError:
        return []


# --------------------------------------------------------------------------------------------
# Entries


@dataclass
class _FileResult:
    file: str
    phrases: list[Phrase] = field(default_factory=list)
    heading_sets: list[HeadingSet] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # slot uses to check against the registry later: (phrase, slot name, line)
    slot_uses: list[tuple[Phrase, str, int]] = field(default_factory=list)
    id_lines: dict[str, int] = field(default_factory=dict)


def _source(ctx: _Ctx, entry: dict, what: str) -> tuple[Source | None, str | None]:
    source = None
    origin = ctx.string(entry, "origin", what)
    if "source" in entry:
        knode, vnode = entry["source"]
        if not isinstance(vnode, yaml.MappingNode):
            ctx.error(knode, f"{what}的“source”应为映射，如 {{file: 001_xxx.txt, speech: 0, line: 18}}")
        else:
            sub = ctx.mapping(vnode, f"{what}的 source", ("file", "speech", "line"))
            file = ctx.string(sub, "file", f"{what}的 source", required=True, parent=vnode)
            nums = {}
            for key in ("speech", "line"):
                if key in sub:
                    value = _scalar(sub[key][1]) if isinstance(sub[key][1], yaml.ScalarNode) else None
                    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                        ctx.error(sub[key][0], f"{what}的 source.{key} 应为非负整数")
                    else:
                        nums[key] = value
            if file:
                source = Source(file=file, speech=nums.get("speech", 0), line=nums.get("line", 0))
    if origin is not None and origin != "curated":
        ctx.warn(entry["origin"][0], f"{what}的 origin 只能是 curated（来自语料的请写 source）")
    return source, origin


def _slot_decls(ctx: _Ctx, node: yaml.Node, what: str) -> list[tuple[Slot, int]]:
    if isinstance(node, yaml.ScalarNode) and node.tag == _NULL:
        return []
    if not isinstance(node, yaml.SequenceNode):
        ctx.error(node, f"{what}应为列表，每项形如 {{name: 地区, prompt: 县市名称, example: 某某县}}")
        return []
    out = []
    for item in node.value:
        if not isinstance(item, yaml.MappingNode):
            ctx.error(item, f"{what}中的每一项应为映射（name、prompt、example），实际是{_kind(item)}")
            continue
        keys = ctx.mapping(item, "槽位", SLOT_KEYS)
        name = ctx.string(keys, "name", "槽位", required=True, parent=item)
        prompt = ctx.string(keys, "prompt", "槽位") or ""
        example = ctx.string(keys, "example", "槽位") or ""
        if name:
            if not name.isidentifier():
                ctx.error(item, f"槽位名“{name}”不合法：只能用汉字、字母、数字和下划线，且不以数字开头")
                continue
            out.append((Slot(name=name.strip(), prompt=prompt, example=example), _line(item)))
    return out


def _phrase(ctx: _Ctx, node: yaml.Node, res: _FileResult) -> None:
    if not isinstance(node, yaml.MappingNode):
        ctx.error(node, f"phrases 中的每一项应为映射（id、role、function、text ...），实际是{_kind(node)}")
        return
    entry = ctx.mapping(node, "短语条目", PHRASE_KEYS)
    pid = ctx.string(entry, "id", "短语条目", required=True, parent=node)
    what = f"短语“{pid}”" if pid else "短语条目"
    if pid and not ID_RE.match(pid):
        ctx.warn(entry["id"][0], f"id“{pid}”不合惯例：建议只用小写字母、数字和 . _ -，如 tasks.deploy.001")
    ok = pid is not None
    role = ctx.string(entry, "role", what, required=True, parent=node)
    if role is not None and role not in PHRASE_ROLES:
        ctx.error(entry["role"][1], f"{what}的 role“{role}”未知（可用：{ROLE_CHOICES}）")
        role = None
    ok = ok and role is not None
    function = ctx.string(entry, "function", what, required=True, parent=node)
    if function is not None and function not in KNOWN_FUNCTIONS:
        ctx.warn(
            entry["function"][1],
            f"{what}的 function“{function}”不在已知功能表中（如 {'、'.join(list(KNOWN_FUNCTIONS)[:6])} …）",
        )
    text = ctx.string(entry, "text", what, required=True, parent=node)
    ok = ok and text is not None
    topics = ctx.string_list(entry, "topics", what)
    declared = _slot_decls(ctx, entry["slots"][1], f"{what}的 slots") if "slots" in entry else []
    source, origin = _source(ctx, entry, what)
    notes = ctx.string(entry, "notes", what)
    used: list[str] = []
    if text is not None:
        from jinja2 import TemplateSyntaxError

        try:
            used = _parse_slots(text)
        except TemplateSyntaxError as exc:
            tnode = entry["text"][1]
            offset = (exc.lineno or 1) - 1 if tnode.style in ("|", ">") else 0
            line = _line(tnode) + offset + (1 if tnode.style in ("|", ">") else 0)
            ctx.problems.append(Problem(ctx.file, line, f"{what}的 text 中模板语法错误：{exc.message}"))
            ok = False
    if not ok:
        return
    assert pid is not None and role is not None and text is not None
    phrase = Phrase(
        id=pid,
        role=role,
        function=function or "",
        text=text,
        topics=topics,
        slots=[slot for slot, _ in declared],
        source=source,
        origin=origin,
        notes=notes,
        file=ctx.file,
        line=_line(node),
    )
    local = {slot.name for slot in phrase.slots}
    for name in used:
        if name not in local:
            res.slot_uses.append((phrase, name, _line(entry["text"][1])))
    if pid in res.id_lines:
        ctx.error(entry["id"][1], f"id“{pid}”重复：本文件第 {res.id_lines[pid]} 行已有同一 id")
        return
    res.id_lines[pid] = phrase.line
    res.phrases.append(phrase)


def _heading_set(ctx: _Ctx, node: yaml.Node, res: _FileResult) -> None:
    if not isinstance(node, yaml.MappingNode):
        ctx.error(node, f"heading_sets 中的每一项应为映射（id、frame、items、role ...），实际是{_kind(node)}")
        return
    entry = ctx.mapping(node, "标题组", SET_KEYS)
    sid = ctx.string(entry, "id", "标题组", required=True, parent=node)
    what = f"标题组“{sid}”" if sid else "标题组"
    frame = ctx.string(entry, "frame", what, required=True, parent=node)
    slot = ctx.string(entry, "slot", what) or "X"
    role = ctx.string(entry, "role", what, required=True, parent=node)
    ok = sid is not None and frame is not None and role is not None
    if role is not None and role not in PHRASE_ROLES:
        ctx.error(entry["role"][1], f"{what}的 role“{role}”未知（可用：{ROLE_CHOICES}）")
        ok = False
    if frame is not None and "{" + slot + "}" not in frame:
        ctx.error(entry["frame"][1], f"{what}的 frame“{frame}”中没有槽位 {{{slot}}}（例如“强化{{X}}意识”）")
        ok = False
    items = ctx.string_list(entry, "items", what)
    if "items" not in entry:
        ctx.error(node, f"{what}缺少“items”")
        ok = False
    elif len(items) < 3:
        ctx.error(entry["items"][0], f"{what}的 items 至少要有 3 项（现有 {len(items)} 项）")
        ok = False
    if len(set(items)) != len(items):
        ctx.warn(entry["items"][0] if "items" in entry else node, f"{what}的 items 中有重复项")
    level = ctx.string(entry, "level", what)
    if level is not None and level not in ("top", "sub"):
        ctx.error(entry["level"][1], f"{what}的 level 只能是 top 或 sub")
    source, origin = _source(ctx, entry, what)
    notes = ctx.string(entry, "notes", what)
    if not ok:
        return
    assert sid is not None and frame is not None and role is not None
    hs = HeadingSet(
        id=sid, frame=frame, items=items, role=role, slot=slot, level=level or "sub", source=source,
        origin=origin, notes=notes, file=ctx.file, line=_line(node),
    )  # fmt: skip
    if sid in res.id_lines:
        ctx.error(entry["id"][1], f"id“{sid}”重复：本文件第 {res.id_lines[sid]} 行已有同一 id")
        return
    res.id_lines[sid] = hs.line
    res.heading_sets.append(hs)


def _load_doc(doc: _Doc) -> _FileResult:
    res = _FileResult(doc.file)
    ctx = _Ctx(doc.file)
    root = doc.root
    if root is None:
        res.problems = ctx.problems
        return res
    if not isinstance(root, yaml.MappingNode):
        ctx.error(root, f"素材库文件的顶层应为映射（phrases:、heading_sets:、slots:），实际是{_kind(root)}")
        res.problems = ctx.problems
        return res
    top = ctx.mapping(root, "文件顶层", TOP_KEYS)
    for key, handler in (("phrases", _phrase), ("heading_sets", _heading_set)):
        if key not in top:
            continue
        knode, vnode = top[key]
        if isinstance(vnode, yaml.ScalarNode) and vnode.tag == _NULL:
            continue
        if not isinstance(vnode, yaml.SequenceNode):
            ctx.error(knode, f"“{key}”应为列表（每项以“- ”开头），实际是{_kind(vnode)}")
            continue
        for item in vnode.value:
            handler(ctx, item, res)
    if "slots" in top:
        seen_slots: dict[str, int] = {}
        for slot, line in _slot_decls(ctx, top["slots"][1], "slots"):
            if slot.name in seen_slots:
                ctx.error_at(line, f"槽位“{slot.name}”重复声明（第一次在第 {seen_slots[slot.name]} 行）")
                continue
            seen_slots[slot.name] = line
            res.slots.append(slot)
    # Problems in file order (messages about the same line keep their order).
    res.problems = sorted(ctx.problems, key=lambda p: p.line)
    return res


def load_file(path: str | os.PathLike[str], *, loader: type = _LOADER) -> _FileResult:
    """Read and validate one phrasebank file (registry slot uses are checked by the caller)."""
    path = Path(path)
    shown = display_path(path)
    problems: list[Problem] = []
    text = _read_text(path, shown, problems)
    if text is None:
        return _FileResult(shown, problems=problems)
    root = _compose(text, shown, problems, loader)
    if problems:
        return _FileResult(shown, problems=problems)
    return _load_doc(_Doc(shown, root, text))


# --------------------------------------------------------------------------------------------
# Layers


@dataclass
class Layer:
    """One layer of the phrasebank: where it comes from and which files it holds."""

    name: str  # "shipped", "user" or the extra folder as given
    path: Path
    files: list[str] = field(default_factory=list)


@dataclass
class Phrasebank:
    phrases: dict[str, Phrase] = field(default_factory=dict)
    heading_sets: dict[str, HeadingSet] = field(default_factory=dict)
    slots: dict[str, Slot] = field(default_factory=dict)
    problems: list[Problem] = field(default_factory=list)
    layers: list[Layer] = field(default_factory=list)
    # id -> name of the layer whose definition won; id -> earlier definitions ("FILE:LINE") it replaced
    layer_of: dict[str, str] = field(default_factory=dict)
    overridden: dict[str, list[str]] = field(default_factory=dict)
    _index: PhraseIndex | None = field(default=None, repr=False)

    @property
    def errors(self) -> list[Problem]:
        return [p for p in self.problems if p.severity == "error"]

    @property
    def warnings(self) -> list[Problem]:
        return [p for p in self.problems if p.severity != "error"]

    def get(self, phrase_id: str) -> Phrase | None:
        return self.phrases.get(phrase_id)

    def by_role(self, role: str) -> list[Phrase]:
        return [p for p in self.phrases.values() if p.role == role]

    def by_function(self, function: str) -> list[Phrase]:
        return [p for p in self.phrases.values() if p.function == function]

    def by_topic(self, topic: str) -> list[Phrase]:
        return [p for p in self.phrases.values() if topic in p.topics]

    def heading_sets_for(self, role: str) -> list[HeadingSet]:
        return [h for h in self.heading_sets.values() if h.role == role]

    def slot(self, name: str) -> Slot | None:
        return self.slots.get(name)

    def slots_for(self, phrase: Phrase) -> list[Slot]:
        """The slots a phrase uses, with prompts from its own declarations or the registry."""
        local = {s.name: s for s in phrase.slots}
        return [local.get(n) or self.slots.get(n) or Slot(n) for n in slot_names(phrase.text)]

    @property
    def index(self) -> PhraseIndex:
        """The search index over all phrases (built on first use, then reused)."""
        if self._index is None or len(self._index) != len(self.phrases):
            self._index = PhraseIndex(self.phrases)
        return self._index

    def search(self, query: str, **filters) -> list[Hit]:
        return self.index.search(query, **filters)

    def stats(self) -> dict:
        phrases = list(self.phrases.values())
        topics = Counter(t for p in phrases for t in p.topics)
        return {
            "entries": len(phrases),
            "by_role": dict(Counter(p.role for p in phrases).most_common()),
            "by_function": dict(Counter(p.function for p in phrases).most_common()),
            "topics": dict(topics.most_common()),
            "heading_sets": len(self.heading_sets),
            "with_provenance": sum(1 for p in phrases if p.source is not None),
        }


def _layer_files(path: Path) -> list[Path]:
    if path.is_file():
        return [path]
    files = [
        p
        for p in path.rglob("*")
        if p.suffix in (".yaml", ".yml")
        and p.is_file()
        and not any(part.startswith(".") for part in p.relative_to(path).parts)
    ]
    return sorted(files)


def _builtin_slots() -> dict[str, Slot]:
    return {name: Slot(name=name, prompt=desc, example="") for name, desc in MEETING_FIELDS.items()}


def _merge_layers(layers: list[tuple[str, Path]], missing_ok: set[str]) -> Phrasebank:
    bank = Phrasebank()
    bank.slots = _builtin_slots()
    slot_uses: list[tuple[Phrase, str, int]] = []
    where: dict[str, str] = {}
    for name, path in layers:
        layer = Layer(name, path)
        bank.layers.append(layer)
        if not path.exists():
            if name not in missing_ok:
                bank.problems.append(Problem(display_path(path), 0, "素材库目录不存在"))
            continue
        seen_in_layer: dict[str, str] = {}
        for file in _layer_files(path):
            res = load_file(file)
            layer.files.append(res.file)
            bank.problems.extend(res.problems)
            for item in [*res.phrases, *res.heading_sets]:
                here = f"{item.file}:{item.line}"
                if item.id in seen_in_layer and seen_in_layer[item.id] != here:
                    bank.problems.append(
                        Problem(
                            item.file, item.line, f"id“{item.id}”重复：{seen_in_layer[item.id]} 已有同一 id"
                        )
                    )
                    continue
                seen_in_layer[item.id] = here
                if item.id in where:
                    bank.overridden.setdefault(item.id, []).append(where[item.id])
                    bank.phrases.pop(item.id, None)
                    bank.heading_sets.pop(item.id, None)
                where[item.id] = here
                bank.layer_of[item.id] = name
                if isinstance(item, Phrase):
                    bank.phrases[item.id] = item
                else:
                    bank.heading_sets[item.id] = item
            for slot in res.slots:
                bank.slots[slot.name] = slot
            slot_uses.extend(res.slot_uses)
    for phrase, slot, line in slot_uses:
        if slot not in bank.slots:
            bank.problems.append(
                Problem(
                    phrase.file,
                    line,
                    f"短语“{phrase.id}”用到的槽位“{slot}”未声明：请在该条目的 slots 中声明，或加到 slots.yaml",
                )
            )
    return bank


def layer_dirs(
    extra_dirs: Iterable[str | os.PathLike[str]] = (),
    *,
    include_user: bool = True,
    include_shipped: bool = True,
) -> list[tuple[str, Path]]:
    layers: list[tuple[str, Path]] = []
    if include_shipped:
        layers.append(("shipped", phrasebank_dir()))
    if include_user:
        layers.append(("user", user_phrasebank_dir()))
    for extra in extra_dirs:
        layers.append((str(extra), Path(extra)))
    return layers


def load_phrasebank(
    extra_dirs: Iterable[str | os.PathLike[str]] = (),
    *,
    include_user: bool = True,
    include_shipped: bool = True,
) -> Phrasebank:
    """Load the phrasebank layers: shipped -> user -> each extra folder (later overrides by id).

    Never raises for bad content: problems are collected in ``.problems`` and
    entries with errors are left out.
    """
    return _merge_layers(
        layer_dirs(extra_dirs, include_user=include_user, include_shipped=include_shipped),
        missing_ok={"shipped", "user"},
    )


_REGISTRY_CACHE: dict[tuple[str, int, int], tuple[tuple[str, str, str], ...]] = {}


def _registry_of(file: Path) -> tuple[tuple[str, str, str], ...]:
    """The slots a file declares at top level (cached by path, size and modification time)."""
    try:
        st = file.stat()
    except OSError:
        return ()
    key = (str(file.resolve()), st.st_mtime_ns, st.st_size)
    if key not in _REGISTRY_CACHE:
        if len(_REGISTRY_CACHE) > 256:
            _REGISTRY_CACHE.clear()
        _REGISTRY_CACHE[key] = tuple((x.name, x.prompt, x.example) for x in load_file(file).slots)
    return _REGISTRY_CACHE[key]


def check_paths(paths: Iterable[str | os.PathLike[str]]) -> list[Problem]:
    """Validate the given files or folders (as one layer) and return their problems.

    Slots may be declared in the given files, in the shipped registry or in the user's.
    """
    paths = [Path(p) for p in paths]
    problems: list[Problem] = []
    files: list[Path] = []
    for path in paths:
        if not path.exists():
            problems.append(Problem(display_path(path), 0, "文件或目录不存在"))
        else:
            files.extend(_layer_files(path))
    registry = _builtin_slots()
    for base in (phrasebank_dir(), user_phrasebank_dir()):
        if base.is_dir():
            mine = {f.resolve() for f in files}
            for file in _layer_files(base):
                if file.resolve() in mine:
                    continue
                for name, prompt, example in _registry_of(file):
                    registry.setdefault(name, Slot(name, prompt, example))
    seen: dict[str, str] = {}
    results = [load_file(f) for f in dict.fromkeys(files)]
    for res in results:
        for slot in res.slots:
            registry[slot.name] = slot
    for res in results:
        problems.extend(res.problems)
        for item in [*res.phrases, *res.heading_sets]:
            here = f"{item.file}:{item.line}"
            if item.id in seen:
                problems.append(
                    Problem(item.file, item.line, f"id“{item.id}”重复：{seen[item.id]} 已有同一 id")
                )
            else:
                seen[item.id] = here
        for phrase, slot, line in res.slot_uses:
            if slot not in registry:
                problems.append(
                    Problem(
                        phrase.file,
                        line,
                        f"短语“{phrase.id}”用到的槽位“{slot}”未声明：请在该条目的 slots 中声明，或加到 slots.yaml",
                    )
                )
    return problems


# --------------------------------------------------------------------------------------------
# Adding a phrase


@dataclass
class AddResult:
    id: str
    file: str
    warnings: list[str] = field(default_factory=list)


_PLAIN_RE = re.compile(r"^[A-Za-z0-9\u4e00-\u9fff][A-Za-z0-9_.\-\u4e00-\u9fff]*$")


def _json_str(value: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is valid YAML)."""
    return json.dumps(value, ensure_ascii=False)


def _yaml_str(value: str) -> str:
    """A plain scalar when that reads back as the same string, else double-quoted."""
    if _PLAIN_RE.match(value):
        try:
            if yaml.safe_load(value) == value:
                return value
        except yaml.YAMLError:
            pass
    return _json_str(value)


def _entry_text(entry: dict, dash_col: int, key_col: int, nl: str) -> str:
    pad = " " * key_col
    lines = []
    first = True
    for key, value in entry.items():
        if value is None or value == [] or value == "":
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            body = [f"{key}:"]
            for item in value:
                inner = ", ".join(f"{k}: {_yaml_str(v)}" for k, v in item.items())
                body.append(f"  - {{{inner}}}")
        elif isinstance(value, list):
            body = [f"{key}: [{', '.join(_yaml_str(v) for v in value)}]"]
        else:
            # The text is always quoted, like the shipped files (slots start with "{").
            body = [f"{key}: {_json_str(value) if key == 'text' else _yaml_str(str(value))}"]
        for line in body:
            if first:
                lines.append(" " * dash_col + "-" + " " * max(1, key_col - dash_col - 1) + line)
                first = False
            else:
                lines.append(pad + line)
    return nl.join(lines) + nl


def _end_of(node: yaml.Node) -> int:
    """Character offset just past the last content of ``node`` (ignores trailing comments)."""
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return node.end_mark.index
    ends = [node.start_mark.index]
    if isinstance(node, yaml.SequenceNode):
        ends.extend(_end_of(child) for child in node.value)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            ends.append(_end_of(key))
            ends.append(_end_of(value))
    return max(ends)


def _line_end(text: str, offset: int) -> int:
    """Offset of the start of the line after ``offset`` (or len(text))."""
    if offset > 0 and text[offset - 1] == "\n":
        return offset
    nl = text.find("\n", offset)
    return len(text) if nl < 0 else nl + 1


def _last_scalar(node: yaml.Node) -> yaml.Node:
    """The node whose end is the end of ``node``'s content (see ``_end_of``)."""
    best = node
    if isinstance(node, yaml.ScalarNode) or getattr(node, "flow_style", False):
        return node
    children: list[yaml.Node] = []
    if isinstance(node, yaml.SequenceNode):
        children = list(node.value)
    elif isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            children.extend((key, value))
    for child in children:
        last = _last_scalar(child)
        if last.end_mark.index >= best.end_mark.index or best is node:
            best = last
    return best


def _after_last_entry(text: str, item: yaml.Node, dash_col: int) -> int:
    """Where a new list item goes after ``item``, when more of the file follows the list.

    After the line holding the item's last value; trailing blank lines swallowed by a
    block scalar are given back (unless it keeps them: ``|+``), and comment lines
    indented deeper than the dash stay with the item.
    """
    last = _last_scalar(item)
    at = _line_end(text, _end_of(item))
    if isinstance(last, yaml.ScalarNode) and last.style in ("|", ">"):
        indicator = text[last.start_mark.index : last.start_mark.index + 4].split("#")[0]
        if "+" not in indicator:
            while at > 0:
                prev_start = text.rfind("\n", 0, at - 1) + 1
                if text[prev_start:at].strip() or prev_start >= at:
                    break
                at = prev_start
    while at < len(text):
        nxt = text.find("\n", at)
        line = text[at : len(text) if nxt < 0 else nxt + 1]
        stripped = line.lstrip(" ")
        if stripped.startswith("#") and len(line) - len(stripped) > dash_col:
            at += len(line)
            continue
        break
    return at


def _insert_entry(text: str, entry: dict, file: str) -> str:
    """``text`` with the entry appended to its ``phrases`` list; the rest stays byte for byte."""
    nl = "\r\n" if "\r\n" in text else "\n"
    problems: list[Problem] = []
    root = _compose(text, file, problems, yaml.SafeLoader) if text.strip() else None
    if problems:
        raise DrafterError(f"目标文件有错误，请先修正后再追加：{problems[0]}", file)
    if root is not None and not (isinstance(root, yaml.ScalarNode) and root.tag == _NULL):
        if not isinstance(root, yaml.MappingNode) or root.flow_style:
            raise DrafterError("目标文件的顶层不是按行书写的映射（phrases: ...），无法安全追加", file)
        seq = None
        for key, value in root.value:
            if isinstance(key, yaml.ScalarNode) and key.value == "phrases":
                seq = (key, value)
        if seq is None:
            if root.start_mark.column != 0:
                raise DrafterError("目标文件的顶层键没有顶格书写，无法安全追加", file)
            prefix = text if text.endswith("\n") else text + nl
            return prefix + "phrases:" + nl + _entry_text(entry, 2, 4, nl)
        key, value = seq
        if isinstance(value, yaml.ScalarNode) and value.tag == _NULL and value.value == "":
            at = _line_end(text, key.end_mark.index)
            head = text[:at] if text[:at].endswith("\n") else text[:at] + nl
            return (
                head
                + _entry_text(entry, key.start_mark.column + 2, key.start_mark.column + 4, nl)
                + text[at:]
            )
        if not isinstance(value, yaml.SequenceNode) or value.flow_style or not value.value:
            raise DrafterError(
                "目标文件中的 phrases 不是按行书写的列表（每项以“- ”开头），无法安全追加；请手工改写后再试",
                file,
            )
        dash_col = value.start_mark.column
        key_col = (
            value.value[0].start_mark.column if isinstance(value.value[0], yaml.MappingNode) else dash_col + 2
        )
        if key_col <= dash_col:
            key_col = dash_col + 2
        if root.value[-1][1] is value:
            # ``phrases`` is the last key: append at the very end, after any trailing comments.
            head = text if text.endswith("\n") else text + nl
            return head + _entry_text(entry, dash_col, key_col, nl)
        at = _after_last_entry(text, value.value[-1], dash_col)
        head = text[:at] if text[:at].endswith("\n") else text[:at] + nl
        return head + _entry_text(entry, dash_col, key_col, nl) + text[at:]
    prefix = text if (not text or text.endswith("\n")) else text + nl
    return prefix + "phrases:" + nl + _entry_text(entry, 2, 4, nl)


def _next_id(role: str, function: str, taken: set[str]) -> str:
    slug = KNOWN_FUNCTIONS.get(function, "other")
    n = 1
    while f"{role}.{slug}.u{n:03d}" in taken:
        n += 1
    return f"{role}.{slug}.u{n:03d}"


def add_phrase(
    role: str,
    function: str,
    text: str,
    topics: Sequence[str] = (),
    to: str | os.PathLike[str] | None = None,
    id: str | None = None,
    *,
    extra_dirs: Iterable[str | os.PathLike[str]] = (),
    notes: str | None = None,
) -> AddResult:
    """Validate a phrase and append it to the user's phrasebank (or ``to``), atomically with a backup.

    Never prints: near-duplicates, unknown functions and auto-declared slots come back as warnings.
    Raises ``DrafterError`` (nothing written) when the entry or the target file is not valid.
    """
    warnings: list[str] = []
    role = (role or "").strip()
    function = (function or "").strip()
    text = (text or "").strip()
    topics = [t.strip() for t in topics if t and t.strip()]
    if role not in PHRASE_ROLES:
        raise DrafterError(f"role“{role}”未知（可用：{ROLE_CHOICES}）")
    if not function:
        raise DrafterError("缺少 function（这句话的功能，如 部署任务、作风要求）")
    if function not in KNOWN_FUNCTIONS:
        warnings.append(f"function“{function}”不在已知功能表中")
    if not text:
        raise DrafterError("短语内容（text）不能为空")
    from jinja2 import TemplateSyntaxError

    try:
        used = _parse_slots(text)
    except TemplateSyntaxError as exc:
        raise DrafterError(f"短语内容中的模板语法错误：{exc.message}（槽位写作 {{{{ 地区 }}}}）") from exc
    target = Path(to) if to is not None else user_phrasebank_dir() / "mine.yaml"
    shown = display_path(target)
    if target.exists() and target.is_dir():
        raise DrafterError("目标是一个文件夹，请给出 .yaml 文件", shown)
    if target.suffix not in (".yaml", ".yml"):
        raise DrafterError("目标文件应以 .yaml 结尾，否则不会被当作素材库读取", shown)
    if to is None:
        target.parent.mkdir(parents=True, exist_ok=True)

    bank = load_phrasebank(extra_dirs)
    existing = load_file(target) if target.exists() else _FileResult(shown)
    errors = [p for p in existing.problems if p.severity == "error"]
    if errors:
        raise DrafterError(f"目标文件有错误，请先修正后再追加：{errors[0]}", shown)
    in_file = {p.id for p in existing.phrases} | {h.id for h in existing.heading_sets}
    taken = set(bank.phrases) | set(bank.heading_sets) | in_file
    if id is not None:
        id = id.strip()
        if not ID_RE.match(id):
            raise DrafterError(f"id“{id}”不合法：只能用小写字母、数字和 . _ -")
        if id in in_file:
            raise DrafterError(f"id“{id}”在目标文件中已存在", shown)
        if id in taken:
            warnings.append(f"id“{id}”已在其他素材库层中存在，新条目将覆盖它")
    else:
        id = _next_id(role, function, taken)

    declared = []
    for name in used:
        if name not in bank.slots:
            declared.append({"name": name, "prompt": f"请填写{name}", "example": ""})
            warnings.append(f"槽位“{name}”不在槽位表中，已在条目中声明（提示语可在文件中修改）")

    target_bigrams = bigrams(searchable_text(text))
    pool = list(bank.phrases.values()) + [p for p in existing.phrases if p.id not in bank.phrases]
    for phrase in pool:
        other = bigrams(searchable_text(phrase.text))
        inter = len(target_bigrams & other)
        union = len(target_bigrams) + len(other) - inter
        sim = inter / union if union else 1.0
        if sim >= 0.8:
            warnings.append(
                f"与已有短语“{phrase.id}”（{phrase.file}:{phrase.line}）几乎相同（相似度 {sim:.2f}）"
            )

    entry: dict = {
        "id": id,
        "role": role,
        "function": function,
        "topics": topics,
        "text": text,
        "slots": declared,
        "origin": "curated",
        "notes": notes,
    }
    for _attempt in range(3):
        if target.exists():
            raw = target.read_bytes()
            bom = raw.startswith(b"\xef\xbb\xbf")
            try:
                old = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise DrafterError("目标文件不是 UTF-8 编码", shown) from exc
        else:
            raw, bom, old = None, False, USER_FILE_HEADER
        new = _insert_entry(old, entry, shown)
        _verify(old, new, entry, shown)
        data = (b"\xef\xbb\xbf" if bom else b"") + new.encode("utf-8")
        # Someone else (the TUI, another command) may have written meanwhile: start again from their file.
        now = target.read_bytes() if target.exists() else None
        if now != raw:
            existing = load_file(target)
            continue
        atomic_write(target, data, backup=raw is not None)
        return AddResult(id=id, file=str(target), warnings=warnings)
    raise DrafterError("目标文件正在被其他程序修改，请稍后再试", shown)


def _parsed(text: str, shown: str) -> _FileResult:
    problems: list[Problem] = []
    root = _compose(text, shown, problems, yaml.SafeLoader) if text.strip() else None
    return _load_doc(_Doc(shown, root, text)) if not problems else _FileResult(shown, problems=problems)


def _verify(old_text: str, new_text: str, entry: dict, shown: str) -> None:
    """Parse the text about to be written: the new entry is there, intact, and nothing else changed."""

    def summary(res: _FileResult) -> list[tuple]:
        return [
            (p.id, p.role, p.function, p.text, p.topics, p.source, p.origin, p.notes) for p in res.phrases
        ]

    before, after = _parsed(old_text, shown), _parsed(new_text, shown)
    found = [p for p in after.phrases if p.id == entry["id"]]
    others = [p for p in after.phrases if p.id != entry["id"]]
    if (
        [p for p in after.problems if p.severity == "error"]
        or len(found) != 1
        or found[0].text != entry["text"]
        or found[0].role != entry["role"]
        or found[0].function != entry["function"]
        or found[0].topics != entry["topics"]
        or summary(_FileResult(shown, phrases=others)) != summary(before)
        or [(h.id, h.frame, h.items) for h in after.heading_sets]
        != [(h.id, h.frame, h.items) for h in before.heading_sets]
        or [(x.name, x.prompt, x.example) for x in after.slots]
        != [(x.name, x.prompt, x.example) for x in before.slots]
    ):
        raise DrafterError("无法安全地追加到这个文件（追加后的内容解析结果不符），文件未改动", shown)
