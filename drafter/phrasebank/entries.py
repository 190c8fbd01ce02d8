"""Phrasebank files: validating every kind of entry (files are read into line-marked nodes by ``nodes``).

File format (documented for users in ``phrasebank/README.md``): each file is a
mapping with optional keys ``phrases`` (sentences), ``blocks`` (paragraphs),
``kinds`` (meeting kinds), ``heading_sets`` and ``slots`` (the slot registry).
Files are composed into YAML nodes by the one hardened loader
(``drafter.util.yamlpos``: no aliases, bounded depth, a node limit that scales
with the file's size), never constructed, so every entry and every key knows
its line, and every problem names ``FILE:LINE``.  Only regular files are read,
at most ``MAX_FILE_BYTES`` + 1 bytes.  Control characters are refused in every
text field, however they were written (YAML escapes included).  Text is
checked with the material grammar of ``drafter.text.slots`` (no Jinja).
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from drafter.errors import Problem
from drafter.model import (
    LEVELS,
    NEEDS,
    PERIODS,
    PHRASE_ROLES,
    SECTION_ROLES,
    SPEAKERS,
    SPEECH_ROLES,
    Block,
    Fits,
    HeadingSet,
    KindStructure,
    MeetingKind,
    Phrase,
    Slot,
    Source,
)
from drafter.phrasebank.nodes import (
    NULL_TAG,
    Ctx,
    Doc,
    compose,
    display_path,
    kind_name,
    line_of,
    read_text,
    scalar,
)
from drafter.text.slots import SlotSyntaxError, check_slots, parse_slots
from drafter.text.slots import slot_names as text_slot_names

# Blocks: length of the text (characters without whitespace, a slot counting as its name).
BLOCK_MIN_CHARS = 120
BLOCK_MAX_CHARS = 500
HEADING_MIN_CHARS = 4
HEADING_MAX_CHARS = 14

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
    # meeting-kind topics (issue 10)
    "经济运行", "安全生产", "防汛抗旱", "地质灾害", "森林防火", "人居环境", "教育", "卫生健康",
    "党风廉政", "作风建设", "信访维稳", "平安建设", "民生实事", "文明创建",
    # forms of meeting (mobilization, review): their blocks serve any subject combined with them
    "动员部署", "述职讲评",
)  # fmt: skip

ROLE_CHOICES = "、".join(PHRASE_ROLES)
ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]*$")
PHRASE_KEYS = ("id", "role", "function", "topics", "text", "slots", "source", "origin", "notes")
BLOCK_KEYS = (
    "id", "role", "function", "topics", "point", "headings", "text", "fits", "slots", "source", "origin",
    "notes",
)  # fmt: skip
FITS_KEYS = ("period", "level", "speaker", "needs")
BLOCK_ORIGINS = ("curated", "mined")  # mined: from the corpus (drafter mine blocks), with a source
KIND_KEYS = ("id", "name", "keywords", "topics", "meeting_term", "task_points", "structures", "notes")
STRUCTURE_KEYS = ("roles", "headings")
SET_KEYS = ("id", "frame", "slot", "items", "role", "level", "source", "origin", "notes")
SLOT_KEYS = ("name", "prompt", "example")
TOP_KEYS = ("phrases", "blocks", "kinds", "heading_sets", "slots")

USER_FILE_HEADER = (
    "# 我的素材库（讲稿助手 drafter）。\n"
    "# 用“drafter phrasebank add”或界面中的“加入素材库”追加的短语保存在这里；\n"
    "# 也可以手工编辑，格式见素材库说明（phrasebank/README.md）。修改后可运行 drafter phrasebank check 检查。\n"
)


# --------------------------------------------------------------------------------------------
# Jinja: slot names and syntax


def _parse_slots(text: str) -> list[str]:
    """Slot names used in ``text`` in order of first use; raises ``SlotSyntaxError``.

    Material has its own tiny grammar (``drafter.text.slots``): ``{{ 名称 }}`` and simple
    ``{% if 名称 %}`` blocks, parsed without running anything.
    """
    return list(parse_slots(text).names)


def slot_names(text: str) -> list[str]:
    """The slots a phrase text uses, in order of first use ([] if the text does not parse)."""
    return text_slot_names(text)


def _slot_error_line(tnode: yaml.Node, exc: SlotSyntaxError) -> int:
    """The file line of a problem inside a text scalar (block scalars start on the next line)."""
    if tnode.style in ("|", ">"):
        return line_of(tnode) + (exc.text_line or 1)
    return line_of(tnode)


# --------------------------------------------------------------------------------------------
# Entries


@dataclass
class _FileResult:
    file: str
    phrases: list[Phrase] = field(default_factory=list)
    heading_sets: list[HeadingSet] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    # slot uses to check against the registry later: (phrase or block, slot name, line)
    slot_uses: list[tuple[Phrase | Block, str, int]] = field(default_factory=list)
    id_lines: dict[str, int] = field(default_factory=dict)
    blocks: list[Block] = field(default_factory=list)
    kinds: list[MeetingKind] = field(default_factory=list)
    kind_lines: dict[str, int] = field(default_factory=dict)


def entry_label(item: object) -> str:
    """How messages name an entry: 短语 / 段落 / 标题组 / 会议类型."""
    if isinstance(item, Block):
        return "段落"
    if isinstance(item, HeadingSet):
        return "标题组"
    if isinstance(item, MeetingKind):
        return "会议类型"
    return "短语"


_SLOT_MARK_RE = re.compile(r"\{\{\s*(.*?)\s*\}\}", re.S)
_SPACE_RE = re.compile(r"\s+")


def block_chars(text: str) -> int:
    """Length of a block's text as checked: characters without whitespace, a slot counting as its name."""
    return len(_SPACE_RE.sub("", _SLOT_MARK_RE.sub(lambda m: m.group(1), text)))


def _source(
    ctx: Ctx, entry: dict, what: str, origins: tuple[str, ...] = ("curated",)
) -> tuple[Source | None, str | None]:
    """The entry's ``source`` and ``origin``; blocks may also be ``mined`` (from the corpus, with a source)."""
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
                    value = scalar(sub[key][1]) if isinstance(sub[key][1], yaml.ScalarNode) else None
                    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
                        ctx.error(sub[key][0], f"{what}的 source.{key} 应为非负整数")
                    else:
                        nums[key] = value
            if file:
                source = Source(file=file, speech=nums.get("speech", 0), line=nums.get("line", 0))
    if origin is not None and origin not in origins:
        if origins == ("curated",):
            ctx.warn(entry["origin"][0], f"{what}的 origin 只能是 curated（来自语料的请写 source）")
        else:
            ctx.warn(entry["origin"][0], f"{what}的 origin 只能是 {' 或 '.join(origins)}")
    if origin == "mined" and "mined" in origins and "source" not in entry:
        ctx.error(
            entry["origin"][0], f"{what}的 origin 是 mined（从语料挖掘），必须写 source（文件、篇序、行号）"
        )
    return source, origin


def _slot_decls(ctx: Ctx, node: yaml.Node, what: str) -> list[tuple[Slot, int]]:
    out = []
    for item in ctx.sequence(
        node, node, f"{what}应为列表，每项形如 {{name: 地区, prompt: 县市名称, example: 某某县}}"
    ):
        if not isinstance(item, yaml.MappingNode):
            ctx.error(item, f"{what}中的每一项应为映射（name、prompt、example），实际是{kind_name(item)}")
            continue
        keys = ctx.mapping(item, "槽位", SLOT_KEYS)
        name = ctx.string(keys, "name", "槽位", required=True, parent=item)
        prompt = ctx.string(keys, "prompt", "槽位") or ""
        example = ctx.string(keys, "example", "槽位") or ""
        if name:
            if not name.isidentifier():
                ctx.error(item, f"槽位名“{name}”不合法：只能用汉字、字母、数字和下划线，且不以数字开头")
                continue
            out.append((Slot(name=name.strip(), prompt=prompt, example=example), line_of(item)))
    return out


def _open_entry(
    ctx: Ctx, node: yaml.Node, list_key: str, hint: str, label: str, noun: str, keys: Sequence[str]
) -> tuple[dict, str | None, str] | None:
    """(fields, id, how messages name it) of one list entry; None after an error when it is not a mapping."""
    if not isinstance(node, yaml.MappingNode):
        ctx.error(node, f"{list_key} 中的每一项应为映射（{hint}），实际是{kind_name(node)}")
        return None
    entry = ctx.mapping(node, label, keys)
    ident = ctx.string(entry, "id", label, required=True, parent=node)
    return entry, ident, f"{noun}“{ident}”" if ident else label


def _function(ctx: Ctx, entry: dict, what: str, node: yaml.Node) -> str | None:
    """The entry's required ``function``; a warning when it is not in the known table."""
    function = ctx.string(entry, "function", what, required=True, parent=node)
    if function is not None and function not in KNOWN_FUNCTIONS:
        ctx.warn(
            entry["function"][1],
            f"{what}的 function“{function}”不在已知功能表中（如 {'、'.join(list(KNOWN_FUNCTIONS)[:6])} …）",
        )
    return function


def _register(ctx: Ctx, entry: dict, res: _FileResult, item: Phrase | Block, used: list[str]) -> bool:
    """Note the item's undeclared slot uses and claim its id; False (after an error) when the id is taken."""
    local = {slot.name for slot in item.slots}
    for name in used:
        if name not in local:
            res.slot_uses.append((item, name, line_of(entry["text"][1])))
    return _claim_id(ctx, entry, res, item.id, item.line)


def _claim_id(ctx: Ctx, entry: dict, res: _FileResult, item_id: str, line: int) -> bool:
    """Claim ``item_id`` for the item at ``line``; False (after an error) when the file already has it."""
    if item_id in res.id_lines:
        ctx.error(entry["id"][1], f"id“{item_id}”重复：本文件第 {res.id_lines[item_id]} 行已有同一 id")
        return False
    res.id_lines[item_id] = line
    return True


def _role(
    ctx: Ctx, entry: dict, what: str, node: yaml.Node, roles: tuple[str, ...], choices: str
) -> str | None:
    """The entry's required ``role``; None (after an error) when missing or not one of ``roles``."""
    role = ctx.string(entry, "role", what, required=True, parent=node)
    if role is not None and role not in roles:
        ctx.error(entry["role"][1], f"{what}的 role“{role}”未知（{choices}）")
        return None
    return role


def _phrase(ctx: Ctx, node: yaml.Node, res: _FileResult) -> None:
    opened = _open_entry(
        ctx, node, "phrases", "id、role、function、text ...", "短语条目", "短语", PHRASE_KEYS
    )
    if opened is None:
        return
    entry, pid, what = opened
    if pid and not ID_RE.match(pid):
        ctx.warn(entry["id"][0], f"id“{pid}”不合惯例：建议只用小写字母、数字和 . _ -，如 tasks.deploy.001")
    ok = pid is not None
    role = _role(ctx, entry, what, node, PHRASE_ROLES, f"可用：{ROLE_CHOICES}")
    ok = ok and role is not None
    function = _function(ctx, entry, what, node)
    text = ctx.string(entry, "text", what, required=True, parent=node)
    ok = ok and text is not None
    topics = ctx.string_list(entry, "topics", what)
    declared = _slot_decls(ctx, entry["slots"][1], f"{what}的 slots") if "slots" in entry else []
    source, origin = _source(ctx, entry, what)
    notes = ctx.string(entry, "notes", what)
    used: list[str] = []
    if text is not None:
        try:
            used = _parse_slots(text)
        except SlotSyntaxError as exc:
            tnode = entry["text"][1]
            ctx.error_at(_slot_error_line(tnode, exc), f"{what}的 text 中模板语法错误：{exc.message}")
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
        line=line_of(node),
    )
    if _register(ctx, entry, res, phrase, used):
        res.phrases.append(phrase)


def _heading_set(ctx: Ctx, node: yaml.Node, res: _FileResult) -> None:
    opened = _open_entry(
        ctx, node, "heading_sets", "id、frame、items、role ...", "标题组", "标题组", SET_KEYS
    )
    if opened is None:
        return
    entry, sid, what = opened
    frame = ctx.string(entry, "frame", what, required=True, parent=node)
    slot = ctx.string(entry, "slot", what) or "X"
    role = _role(ctx, entry, what, node, PHRASE_ROLES, f"可用：{ROLE_CHOICES}")
    ok = sid is not None and frame is not None and role is not None
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
        origin=origin, notes=notes, file=ctx.file, line=line_of(node),
    )  # fmt: skip
    if _claim_id(ctx, entry, res, sid, hs.line):
        res.heading_sets.append(hs)


def _text_slots(ctx: Ctx, entry: dict, what: str) -> tuple[list[str], bool]:
    """Slot names used by the entry's text; False (after an error per problem) when it does not parse."""
    tnode = entry["text"][1]
    text = str(tnode.value)
    try:
        return _parse_slots(text), True
    except SlotSyntaxError as exc:
        ctx.error_at(_slot_error_line(tnode, exc), f"{what}的 text 中模板语法错误：{exc.message}")
        for message in check_slots(text)[1:]:
            ctx.error_at(line_of(tnode), f"{what}的 text 中模板语法错误：{message}")
        return [], False


def _fits(ctx: Ctx, entry: dict, what: str) -> Fits | None:
    """The entry's ``fits``; None (after an error) when a value is not known: the entry must not fit anywhere."""
    if "fits" not in entry:
        return Fits()
    knode, vnode = entry["fits"]
    if isinstance(vnode, yaml.ScalarNode) and vnode.tag == NULL_TAG:
        return Fits()
    if not isinstance(vnode, yaml.MappingNode):
        ctx.error(knode, f"{what}的“fits”应为映射，如 {{period: [年中], level: [县]}}")
        return None
    bad = False
    sub = ctx.mapping(vnode, f"{what}的 fits", FITS_KEYS)
    values: dict[str, tuple[str, ...]] = {}
    for key, allowed in (("period", PERIODS), ("level", LEVELS), ("speaker", SPEAKERS), ("needs", NEEDS)):
        items = ctx.string_list(sub, key, f"{what}的 fits")
        good = []
        for item in items:
            if item not in allowed:
                ctx.error(sub[key][0], f"{what}的 fits.{key} 中的“{item}”未知（可用：{'、'.join(allowed)}）")
                bad = True
            elif item not in good:
                good.append(item)
        values[key] = tuple(good)
    return None if bad else Fits(**values)


def _check_topics(ctx: Ctx, entry: dict, topics: list[str], what: str) -> None:
    for topic in topics:
        if topic not in KNOWN_TOPICS:
            ctx.warn(entry["topics"][0], f"{what}的主题“{topic}”不在已知主题表中（拼写是否有误？）")


def _block_headings(ctx: Ctx, entry: dict, headings: list[str], what: str) -> bool:
    """Check a block's headings; False (after an error) when one is empty or ends in punctuation."""
    ok = True
    for heading in headings:
        hnode = entry["headings"][0]
        if not heading.strip():
            ctx.error(hnode, f"{what}的标题不能为空")
            ok = False
        elif heading.rstrip()[-1] in "。；;，,":
            ctx.error(hnode, f"{what}的标题“{heading}”不要以标点结尾（编号和句号由排版加上）")
            ok = False
        elif not HEADING_MIN_CHARS <= len(heading.strip()) <= HEADING_MAX_CHARS:
            ctx.warn(
                hnode,
                f"{what}的标题“{heading}”有 {len(heading.strip())} 个字，"
                f"小标题宜为 {HEADING_MIN_CHARS}-{HEADING_MAX_CHARS} 个字",
            )
    return ok


def _block_text(ctx: Ctx, entry: dict, text: str | None, what: str) -> tuple[list[str], bool]:
    """The slot names a block's text uses; False (after an error) when it is missing, too long/short or bad."""
    if text is None:
        return [], False
    ok = True
    n = block_chars(text)
    if not BLOCK_MIN_CHARS <= n <= BLOCK_MAX_CHARS:
        ctx.error(
            entry["text"][0],
            f"{what}的 text 有 {n} 个字，段落应为 {BLOCK_MIN_CHARS}-{BLOCK_MAX_CHARS} 个字（短句请写成 phrases）",
        )
        ok = False
    used, parsed = _text_slots(ctx, entry, what)
    return used, ok and parsed


def _block(ctx: Ctx, node: yaml.Node, res: _FileResult) -> None:
    opened = _open_entry(ctx, node, "blocks", "id、role、function、text ...", "段落条目", "段落", BLOCK_KEYS)
    if opened is None:
        return
    entry, bid, what = opened
    ok = bid is not None
    if bid is not None and not ID_RE.match(bid):
        ctx.error(
            entry["id"][1], f"id“{bid}”不合法：只能用小写字母、数字和 . _ -，如 blk.flood.tasks.duty.001"
        )
        ok = False
    role = _role(ctx, entry, what, node, SPEECH_ROLES, f"段落可用：{'、'.join(SPEECH_ROLES)}")
    ok = ok and role is not None
    function = _function(ctx, entry, what, node)
    topics = ctx.string_list(entry, "topics", what)
    _check_topics(ctx, entry, topics, what)
    point = ctx.string(entry, "point", what) or ""
    headings = ctx.string_list(entry, "headings", what)
    ok = _block_headings(ctx, entry, headings, what) and ok
    if role == "tasks":
        if not headings:
            ctx.error(node, f"{what}是重点工作（tasks）段落，至少要有一个小标题（headings）")
            ok = False
        if not point:
            ctx.warn(node, f"{what}缺少“point”（本段讲的要点；同主题同要点的段落互为备选）")
    text = ctx.string(entry, "text", what, required=True, parent=node)
    used, parsed = _block_text(ctx, entry, text, what)
    ok = ok and parsed
    fits = _fits(ctx, entry, what)
    ok = ok and fits is not None
    declared = _slot_decls(ctx, entry["slots"][1], f"{what}的 slots") if "slots" in entry else []
    source, origin = _source(ctx, entry, what, BLOCK_ORIGINS)
    notes = ctx.string(entry, "notes", what)
    if not ok:
        return
    assert bid is not None and role is not None and text is not None and fits is not None
    block = Block(
        id=bid, role=role, function=function or "", text=text, topics=topics, point=point.strip(),
        headings=[h.strip() for h in headings], fits=fits, slots=[slot for slot, _ in declared],
        source=source, origin=origin, notes=notes, file=ctx.file, line=line_of(node),
    )  # fmt: skip
    if _register(ctx, entry, res, block, used):
        res.blocks.append(block)


def _structure_headings(ctx: Ctx, entry: dict, roles: list[str], what: str) -> dict[str, list[str]]:
    """A structure's ``headings``: part -> its top-level headings."""
    headings: dict[str, list[str]] = {}
    knode, vnode = entry["headings"]
    if not isinstance(vnode, yaml.MappingNode):
        ctx.error(knode, f"{what}的结构中 headings 应为映射（部分: [标题, ...]）")
        return headings
    sub = ctx.mapping(vnode, f"{what}的结构 headings", SECTION_ROLES)
    for role in sub:
        items = ctx.string_list(sub, role, f"{what}的结构 headings")
        if role not in roles:
            ctx.warn(sub[role][0], f"{what}的结构中没有“{role}”部分，它的标题不会用到")
        for item in items:
            if item.rstrip()[-1:] in ("。", "；", ";"):
                ctx.error(sub[role][0], f"{what}的标题“{item}”不要以句号结尾")
        headings[role] = [h.strip() for h in items if h.strip()]
    return headings


def _structure(ctx: Ctx, node: yaml.Node, what: str) -> KindStructure | None:
    if not isinstance(node, yaml.MappingNode):
        ctx.error(node, f"{what}的 structures 中每一项应为映射（roles、headings），实际是{kind_name(node)}")
        return None
    entry = ctx.mapping(node, f"{what}的结构", STRUCTURE_KEYS)
    roles = ctx.string_list(entry, "roles", f"{what}的结构")
    if not roles:
        ctx.error(node, f"{what}的结构缺少“roles”（如 [situation, tasks, discipline]）")
        return None
    bad = [r for r in roles if r not in SECTION_ROLES]
    if bad:
        ctx.error(
            entry["roles"][1], f"{what}的结构中 roles 的“{bad[0]}”未知（可用：{'、'.join(SECTION_ROLES)}）"
        )
        return None
    headings = _structure_headings(ctx, entry, roles, what) if "headings" in entry else {}
    for role in roles:
        if not headings.get(role):
            ctx.warn(node, f"{what}的结构中“{role}”部分没有给出一级标题（headings）")
    return KindStructure(roles=tuple(roles), headings=headings)


def _task_points(ctx: Ctx, entry: dict, what: str) -> int:
    """A kind's ``task_points`` (1-9, default 4)."""
    if "task_points" not in entry:
        return 4
    knode, vnode = entry["task_points"]
    value = scalar(vnode) if isinstance(vnode, yaml.ScalarNode) else None
    if not isinstance(value, int) or isinstance(value, bool) or not 1 <= value <= 9:
        ctx.error(knode, f"{what}的 task_points 应为 1 到 9 的整数")
        return 4
    return value


def _structures(ctx: Ctx, entry: dict, what: str) -> list[KindStructure]:
    """A kind's ``structures``, those with an error left out."""
    structures: list[KindStructure] = []
    if "structures" not in entry:
        return structures
    knode, vnode = entry["structures"]
    if not isinstance(vnode, yaml.SequenceNode):
        ctx.error(knode, f"{what}的 structures 应为列表")
        return structures
    for item in vnode.value:
        st = _structure(ctx, item, what)
        if st is not None:
            structures.append(st)
    return structures


def _meeting_kind(ctx: Ctx, node: yaml.Node, res: _FileResult) -> None:
    errors_before = sum(p.severity == "error" for p in ctx.problems)
    opened = _open_entry(ctx, node, "kinds", "id、name、keywords ...", "会议类型", "会议类型", KIND_KEYS)
    if opened is None:
        return
    entry, kid, what = opened
    ok = kid is not None
    if kid is not None and not ID_RE.match(kid):
        ctx.error(entry["id"][1], f"会议类型 id“{kid}”不合法：只能用小写字母、数字和 . _ -，如 flood")
        ok = False
    name = ctx.string(entry, "name", what, required=True, parent=node)
    ok = ok and name is not None
    keywords = [k.strip() for k in ctx.string_list(entry, "keywords", what) if k.strip()]
    if not keywords:
        ctx.error(node, f"{what}缺少“keywords”（从会议名称、类型、主题中识别它的关键词）")
        ok = False
    topics = ctx.string_list(entry, "topics", what)
    _check_topics(ctx, entry, topics, what)
    term = ctx.string(entry, "meeting_term", what) or ""
    points = _task_points(ctx, entry, what)
    structures = _structures(ctx, entry, what)
    ctx.string(entry, "notes", what)
    if not ok or sum(p.severity == "error" for p in ctx.problems) > errors_before:
        return  # a kind with any error is left out whole (a half-read kind would mislead the engine)
    assert kid is not None and name is not None
    kind = MeetingKind(
        id=kid, name=name.strip(), keywords=keywords, topics=topics, meeting_term=term.strip(),
        structures=structures, task_points=points, file=ctx.file, line=line_of(node),
    )  # fmt: skip
    if kid in res.kind_lines:
        ctx.error(entry["id"][1], f"会议类型 id“{kid}”重复：本文件第 {res.kind_lines[kid]} 行已有同一 id")
        return
    res.kind_lines[kid] = kind.line
    res.kinds.append(kind)


def _read_entry(
    ctx: Ctx, item: yaml.Node, handler: Callable[[Ctx, yaml.Node, _FileResult], None], res: _FileResult
) -> None:
    """Read one list item with ``handler``; an entry with any error is left out whole
    (a control character in one topic, a bad source ...)."""
    errors_before = sum(p.severity == "error" for p in ctx.problems)
    counts = (len(res.phrases), len(res.blocks), len(res.kinds), len(res.heading_sets))
    handler(ctx, item, res)
    if sum(p.severity == "error" for p in ctx.problems) <= errors_before:
        return
    for lst, n in zip((res.phrases, res.blocks, res.kinds, res.heading_sets), counts, strict=True):
        if len(lst) > n:
            dropped = lst.pop()
            lines = res.kind_lines if isinstance(dropped, MeetingKind) else res.id_lines
            lines.pop(dropped.id, None)
            res.slot_uses = [u for u in res.slot_uses if u[0] is not dropped]


def _read_slots(ctx: Ctx, node: yaml.Node, res: _FileResult) -> None:
    """The file's ``slots`` declarations; a name declared twice is an error."""
    seen_slots: dict[str, int] = {}
    for slot, line in _slot_decls(ctx, node, "slots"):
        if slot.name in seen_slots:
            ctx.error_at(line, f"槽位“{slot.name}”重复声明（第一次在第 {seen_slots[slot.name]} 行）")
            continue
        seen_slots[slot.name] = line
        res.slots.append(slot)


def _load_doc(doc: Doc) -> _FileResult:
    res = _FileResult(doc.file)
    ctx = Ctx(doc.file)
    root = doc.root
    if root is None:
        res.problems = ctx.problems
        return res
    if not isinstance(root, yaml.MappingNode):
        ctx.error(
            root,
            f"素材库文件的顶层应为映射（phrases:、blocks:、kinds:、heading_sets:、slots:），实际是{kind_name(root)}",
        )
        res.problems = ctx.problems
        return res
    top = ctx.mapping(root, "文件顶层", TOP_KEYS)
    handlers = (
        ("phrases", _phrase),
        ("blocks", _block),
        ("kinds", _meeting_kind),
        ("heading_sets", _heading_set),
    )
    for key, handler in handlers:
        if key not in top:
            continue
        knode, vnode = top[key]
        for item in ctx.sequence(
            vnode, knode, f"“{key}”应为列表（每项以“- ”开头），实际是{kind_name(vnode)}"
        ):
            _read_entry(ctx, item, handler, res)
    if "slots" in top:
        _read_slots(ctx, top["slots"][1], res)
    # Problems in file order (messages about the same line keep their order).
    res.problems = sorted(ctx.problems, key=lambda p: p.line)
    return res


def load_file(path: str | os.PathLike[str]) -> _FileResult:
    """Read and validate one phrasebank file (registry slot uses are checked by the caller)."""
    path = Path(path)
    shown = display_path(path)
    problems: list[Problem] = []
    text = read_text(path, shown, problems)
    if text is None:
        return _FileResult(shown, problems=problems)
    root = compose(text, shown, problems)
    if problems:
        return _FileResult(shown, problems=problems)
    return _load_doc(Doc(shown, root, text))
