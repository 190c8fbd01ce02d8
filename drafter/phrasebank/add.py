"""Appending an entry (a phrase or a block) to a phrasebank file, byte for byte and safely.

The new entry goes at the end of the file's ``phrases:`` (or ``blocks:``) list;
everything else in the file stays exactly as it was.  The whole
read - check - choose id - write runs under the file's cross-process lock
(``drafter.util.locks.locked``), so concurrent writers never lose an entry or
hand out one id twice; the write itself is atomic, with a ``.bak`` backup.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from drafter.errors import DrafterError, Problem
from drafter.model import LEVELS, NEEDS, PERIODS, PHRASE_ROLES, SPEAKERS, SPEECH_ROLES, Source
from drafter.phrasebank.entries import (
    BLOCK_MAX_CHARS,
    BLOCK_MIN_CHARS,
    ID_RE,
    KNOWN_FUNCTIONS,
    ROLE_CHOICES,
    USER_FILE_HEADER,
    _FileResult,
    _load_doc,
    _parse_slots,
    block_chars,
    load_file,
)
from drafter.phrasebank.layers import load_phrasebank
from drafter.phrasebank.nodes import NULL_TAG, Doc, compose, control_char, display_path
from drafter.phrasebank.search import bigrams, searchable_text
from drafter.text.slots import SlotSyntaxError
from drafter.util import atomic_write, locked, user_phrasebank_dir


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
        if value is None or value == [] or value == "" or value == {}:
            continue
        if isinstance(value, list) and value and isinstance(value[0], dict):
            body = [f"{key}:"]
            for item in value:
                inner = ", ".join(f"{k}: {_yaml_str(v)}" for k, v in item.items())
                body.append(f"  - {{{inner}}}")
        elif isinstance(value, list):
            body = [f"{key}: [{', '.join(_yaml_str(v) for v in value)}]"]
        elif isinstance(value, dict):
            body = [f"{key}: {{{_flow_mapping(value)}}}"]
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


def _flow_mapping(value: dict) -> str:
    """``k: [a, b], …`` for lists (fits), ``k: v, …`` for scalars (source: file, speech, line)."""
    parts = []
    for k, v in value.items():
        if isinstance(v, list | tuple):
            if v:
                parts.append(f"{k}: [{', '.join(_yaml_str(x) for x in v)}]")
        elif isinstance(v, int) and not isinstance(v, bool):
            parts.append(f"{k}: {v}")
        elif v not in (None, ""):
            parts.append(f"{k}: {_yaml_str(str(v))}")
    return ", ".join(parts)


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


def _ended(text: str, nl: str) -> str:
    """``text`` ending with a line break (``nl`` added when it does not)."""
    return text if text.endswith("\n") else text + nl


def _insert_entry(text: str, entry: dict, file: str, list_key: str = "phrases") -> str:
    """``text`` with the entry appended to its ``list_key`` list; the rest stays byte for byte."""
    nl = "\r\n" if "\r\n" in text else "\n"
    problems: list[Problem] = []
    root = compose(text, file, problems) if text.strip() else None
    if problems:
        raise DrafterError(f"目标文件有错误，请先修正后再追加：{problems[0]}", file)
    if root is None or (isinstance(root, yaml.ScalarNode) and root.tag == NULL_TAG):
        prefix = text if (not text or text.endswith("\n")) else text + nl
        return prefix + list_key + ":" + nl + _entry_text(entry, 2, 4, nl)
    if not isinstance(root, yaml.MappingNode) or root.flow_style:
        raise DrafterError(f"目标文件的顶层不是按行书写的映射（{list_key}: ...），无法安全追加", file)
    seq = None
    for key, value in root.value:
        if isinstance(key, yaml.ScalarNode) and key.value == list_key:
            seq = (key, value)
    if seq is None:
        if root.start_mark.column != 0:
            raise DrafterError("目标文件的顶层键没有顶格书写，无法安全追加", file)
        return _ended(text, nl) + list_key + ":" + nl + _entry_text(entry, 2, 4, nl)
    key, value = seq
    if isinstance(value, yaml.ScalarNode) and value.tag == NULL_TAG and value.value == "":
        at = _line_end(text, key.end_mark.index)
        column = key.start_mark.column
        return _ended(text[:at], nl) + _entry_text(entry, column + 2, column + 4, nl) + text[at:]
    return _append_item(text, entry, file, list_key, nl, root, value)


def _append_item(
    text: str, entry: dict, file: str, list_key: str, nl: str, root: yaml.MappingNode, value: yaml.Node
) -> str:
    """``text`` with the entry appended as the last item of the block list ``value``."""
    if not isinstance(value, yaml.SequenceNode) or value.flow_style or not value.value:
        raise DrafterError(
            f"目标文件中的 {list_key} 不是按行书写的列表（每项以“- ”开头），无法安全追加；请手工改写后再试",
            file,
        )
    dash_col = value.start_mark.column
    key_col = (
        value.value[0].start_mark.column if isinstance(value.value[0], yaml.MappingNode) else dash_col + 2
    )
    if key_col <= dash_col:
        key_col = dash_col + 2
    if root.value[-1][1] is value:
        # The list is the last key: append at the very end, after any trailing comments.
        return _ended(text, nl) + _entry_text(entry, dash_col, key_col, nl)
    at = _after_last_entry(text, value.value[-1], dash_col)
    return _ended(text[:at], nl) + _entry_text(entry, dash_col, key_col, nl) + text[at:]


def _next_id(prefix: str, function: str, taken: set[str]) -> str:
    slug = KNOWN_FUNCTIONS.get(function, "other")
    n = 1
    while f"{prefix}.{slug}.u{n:03d}" in taken:
        n += 1
    return f"{prefix}.{slug}.u{n:03d}"


def _no_control(value: str, what: str, *, multiline: bool = False) -> None:
    bad = control_char(value, multiline=multiline)
    if bad is not None:
        raise DrafterError(f"{what}含有控制字符（U+{ord(bad):04X}），这类字符可能改写终端，不允许写入素材库")


def _clean_list(values: Iterable[str] | None, what: str) -> list[str]:
    out = []
    for value in values or ():
        value = (value or "").strip()
        if value:
            _no_control(value, what)
            if value not in out:
                out.append(value)
    return out


def _target(to: str | os.PathLike[str] | None) -> tuple[Path, str]:
    target = Path(to) if to is not None else user_phrasebank_dir() / "mine.yaml"
    shown = display_path(target)
    if target.exists() and target.is_dir():
        raise DrafterError("目标是一个文件夹，请给出 .yaml 文件", shown)
    if target.suffix not in (".yaml", ".yml"):
        raise DrafterError("目标文件应以 .yaml 结尾，否则不会被当作素材库读取", shown)
    if target.exists() and not target.is_file():
        raise DrafterError("目标不是普通文件（管道、设备或套接字），不能写入", shown)
    if to is not None and not target.parent.is_dir():
        if target.parent.exists():
            raise DrafterError(f"目标路径的上级不是文件夹：{display_path(target.parent)}", shown)
        raise DrafterError(f"目标文件夹不存在：{display_path(target.parent)}", shown)
    if to is None:
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise DrafterError(f"无法建立素材库目录：{exc.strerror or exc}", str(target.parent)) from exc
    return target, shown


def _used_slots(text: str, what: str) -> list[str]:
    try:
        return _parse_slots(text)
    except SlotSyntaxError as exc:
        raise DrafterError(f"{what}中的模板语法错误：{exc.message}（槽位写作 {{{{ 地区 }}}}）") from exc


def _append(
    entry: dict,
    list_key: str,
    id_prefix: str,
    target: Path,
    shown: str,
    taken: set[str],
    warnings: list[str],
) -> AddResult:
    """Under the target's lock: read it, choose the id, insert, verify, write atomically with a backup."""
    with locked(target):
        if target.exists():
            try:
                raw: bytes | None = target.read_bytes()
            except OSError as exc:
                raise DrafterError(f"无法读取目标文件：{exc.strerror or exc}", shown) from exc
            bom = raw.startswith(b"\xef\xbb\xbf")
            try:
                old = raw.decode("utf-8-sig")
            except UnicodeDecodeError as exc:
                raise DrafterError("目标文件不是 UTF-8 编码", shown) from exc
        else:
            raw, bom, old = None, False, USER_FILE_HEADER
        existing = _parsed(old, shown)
        errors = [p for p in existing.problems if p.severity == "error"]
        if errors:
            raise DrafterError(f"目标文件有错误，请先修正后再追加：{errors[0]}", shown)
        in_file = {p.id for p in existing.phrases} | {b.id for b in existing.blocks}
        in_file |= {h.id for h in existing.heading_sets}
        if entry["id"] is not None:
            if entry["id"] in in_file:
                raise DrafterError(f"id“{entry['id']}”在目标文件中已存在", shown)
            if entry["id"] in taken:
                warnings.append(f"id“{entry['id']}”已在其他素材库层中存在，新条目将覆盖它")
        else:
            entry["id"] = _next_id(id_prefix, entry["function"], taken | in_file)
        new = _insert_entry(old, entry, shown, list_key)
        _verify(existing, new, entry, list_key, shown)
        data = (b"\xef\xbb\xbf" if bom else b"") + new.encode("utf-8")
        atomic_write(target, data, backup=raw is not None)
    return AddResult(id=entry["id"], file=str(target), warnings=warnings)


def _declare_slots(used: list[str], known: Iterable[str], warnings: list[str]) -> list[dict]:
    known = set(known)
    declared = []
    for name in used:
        if name not in known:
            declared.append({"name": name, "prompt": f"请填写{name}", "example": ""})
            warnings.append(f"槽位“{name}”不在槽位表中，已在条目中声明（提示语可在文件中修改）")
    return declared


def _near_duplicates(text: str, pool: Iterable, label: str, warnings: list[str]) -> None:
    target_bigrams = bigrams(searchable_text(text))
    for item in pool:
        other = bigrams(searchable_text(item.text))
        inter = len(target_bigrams & other)
        union = len(target_bigrams) + len(other) - inter
        sim = inter / union if union else 1.0
        if sim >= 0.8:
            warnings.append(
                f"与已有{label}“{item.id}”（{item.file}:{item.line}）几乎相同（相似度 {sim:.2f}）"
            )


def _check_id(id: str | None) -> str | None:
    if id is None:
        return None
    id = id.strip()
    if not ID_RE.match(id):
        raise DrafterError(f"id“{id}”不合法：只能用小写字母、数字和 . _ -")
    return id


def _snapshot(target: Path) -> _FileResult:
    """The target's entries before taking the lock (for duplicate warnings only)."""
    return load_file(target) if target.exists() else _FileResult(display_path(target))


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
    source: Source | None = None,
) -> AddResult:
    """Validate a phrase and append it to the user's phrasebank (or ``to``), atomically with a backup.

    ``source`` (a phrase taken from a corpus, e.g. an accepted library candidate) is written as its
    provenance instead of ``origin: curated``.

    Never prints: near-duplicates, unknown functions and auto-declared slots come back as warnings.
    Raises ``DrafterError`` (nothing written) when the entry or the target file is not valid.
    Safe under concurrency: the id is chosen and the file written under the file's lock.
    """
    warnings: list[str] = []
    role, function, text = _stripped(role, function, text, "短语内容（text）")
    topics = _clean_list(topics, "主题")
    if notes is not None:
        _no_control(notes, "备注（notes）", multiline=True)
    if role not in PHRASE_ROLES:
        raise DrafterError(f"role“{role}”未知（可用：{ROLE_CHOICES}）")
    _require(function, text, "这句话", "短语内容（text）", warnings)
    id, target, shown, declared, taken = _prepare(text, "phrases", id, to, extra_dirs, warnings)
    entry: dict = {
        "id": id,
        "role": role,
        "function": function,
        "topics": topics,
        "text": text,
        "slots": declared,
        "source": (
            {"file": source.file, "speech": source.speech, "line": source.line}
            if source is not None
            else None
        ),
        "origin": None if source is not None else "curated",
        "notes": notes,
    }
    if source is not None:
        _no_control(source.file, "出处文件名（source.file）")
    return _append(entry, "phrases", role, target, shown, taken, warnings)


def _stripped(role: str, function: str, text: str, text_label: str) -> tuple[str, str, str]:
    """Role, function and text without surrounding blanks; DrafterError on a control character."""
    role = (role or "").strip()
    function = (function or "").strip()
    text = (text or "").strip()
    _no_control(text, text_label, multiline=True)
    _no_control(function, "function")
    return role, function, text


def _require(function: str, text: str, noun: str, text_label: str, warnings: list[str]) -> None:
    """A function and a text are required; an unknown function is only a warning."""
    if not function:
        raise DrafterError(f"缺少 function（{noun}的功能，如 部署任务、作风要求）")
    if function not in KNOWN_FUNCTIONS:
        warnings.append(f"function“{function}”不在已知功能表中")
    if not text:
        raise DrafterError(f"{text_label}不能为空")


_POOL_LABELS = {"phrases": ("短语内容", "短语"), "blocks": ("段落内容", "段落")}


def _prepare(
    text: str,
    key: str,
    id: str | None,
    to: str | os.PathLike[str] | None,
    extra_dirs: Iterable[str | os.PathLike[str]],
    warnings: list[str],
) -> tuple[str | None, Path, str, list[dict], set[str]]:
    """Shared checks before appending to ``key`` (phrases/blocks): slots, id, target, near duplicates.

    Returns the checked id, the target file and its shown name, the slot declarations to write, and
    the ids already taken in the loaded phrasebank.
    """
    text_label, kind_label = _POOL_LABELS[key]
    used = _used_slots(text, text_label)
    id = _check_id(id)
    target, shown = _target(to)

    bank = load_phrasebank(extra_dirs)
    existing = _snapshot(target)
    declared = _declare_slots(used, bank.slots, warnings)
    loaded = getattr(bank, key)
    pool = list(loaded.values()) + [e for e in getattr(existing, key) if e.id not in loaded]
    _near_duplicates(text, pool, kind_label, warnings)
    taken = set(bank.phrases) | set(bank.blocks) | set(bank.heading_sets)
    return id, target, shown, declared, taken


def _clean_fits(**given: Sequence[str]) -> dict[str, list[str]]:
    """The cleaned ``fits`` values by key; DrafterError naming the first unknown value."""
    allowed_by_key = {"period": PERIODS, "level": LEVELS, "speaker": SPEAKERS, "needs": NEEDS}
    fits = {}
    for key, values in given.items():
        allowed = allowed_by_key[key]
        values = _clean_list(values, key)
        for value in values:
            if value not in allowed:
                raise DrafterError(f"{key}“{value}”未知（可用：{'、'.join(allowed)}）")
        fits[key] = values
    return fits


def _check_block_shape(text: str, role: str, headings: list[str]) -> None:
    """A block's length and headings; DrafterError on the first problem."""
    n = block_chars(text)
    if not BLOCK_MIN_CHARS <= n <= BLOCK_MAX_CHARS:
        raise DrafterError(
            f"段落有 {n} 个字，应为 {BLOCK_MIN_CHARS}-{BLOCK_MAX_CHARS} 个字（短句请不加 --kind block）"
        )
    for heading in headings:
        if heading[-1] in "。；;，,":
            raise DrafterError(f"小标题“{heading}”不要以标点结尾")
    if role == "tasks" and not headings:
        raise DrafterError("重点工作（tasks）段落至少要有一个小标题：--heading 标题")


def add_block(
    role: str,
    function: str,
    text: str,
    topics: Sequence[str] = (),
    to: str | os.PathLike[str] | None = None,
    id: str | None = None,
    *,
    point: str | None = None,
    headings: Sequence[str] = (),
    period: Sequence[str] = (),
    level: Sequence[str] = (),
    speaker: Sequence[str] = (),
    needs: Sequence[str] = (),
    extra_dirs: Iterable[str | os.PathLike[str]] = (),
    notes: str | None = None,
) -> AddResult:
    """Validate a block (a 120-500 character paragraph) and append it to the ``blocks`` list of the target.

    Same guarantees as ``add_phrase``; ids are ``blk.<role>.<function slug>.uNNN`` when not given.
    """
    warnings: list[str] = []
    role, function, text = _stripped(role, function, text, "段落内容（text）")
    point = (point or "").strip()
    _no_control(point, "要点（point）")
    if notes is not None:
        _no_control(notes, "备注（notes）", multiline=True)
    topics = _clean_list(topics, "主题")
    headings = _clean_list(headings, "小标题")
    fits = _clean_fits(period=period, level=level, speaker=speaker, needs=needs)
    if role not in SPEECH_ROLES:
        raise DrafterError(f"段落的 role“{role}”未知（可用：{'、'.join(SPEECH_ROLES)}）")
    _require(function, text, "这段话", "段落内容（text）", warnings)
    _check_block_shape(text, role, headings)
    id, target, shown, declared, taken = _prepare(text, "blocks", id, to, extra_dirs, warnings)
    entry: dict = {
        "id": id,
        "role": role,
        "function": function,
        "topics": topics,
        "point": point,
        "headings": headings,
        "text": text,
        "fits": {k: v for k, v in fits.items() if v},
        "slots": declared,
        "origin": "curated",
        "notes": notes,
    }
    return _append(entry, "blocks", f"blk.{role}", target, shown, taken, warnings)


def _parsed(text: str, shown: str) -> _FileResult:
    problems: list[Problem] = []
    root = compose(text, shown, problems) if text.strip() else None
    return _load_doc(Doc(shown, root, text)) if not problems else _FileResult(shown, problems=problems)


def _summary(res: _FileResult) -> tuple:
    return (
        [(p.id, p.role, p.function, p.text, p.topics, p.source, p.origin, p.notes) for p in res.phrases],
        [
            (b.id, b.role, b.function, b.text, b.topics, b.point, b.headings, b.fits, b.origin)
            for b in res.blocks
        ],
        [(k.id, k.name, k.keywords, k.topics, k.structures) for k in res.kinds],
        [(h.id, h.frame, h.items) for h in res.heading_sets],
        [(x.name, x.prompt, x.example) for x in res.slots],
    )


def _verify(before: _FileResult, new_text: str, entry: dict, list_key: str, shown: str) -> None:
    """Parse the text about to be written: the new entry is there, intact, and nothing else changed."""
    after = _parsed(new_text, shown)
    items = after.phrases if list_key == "phrases" else after.blocks
    found = [p for p in items if p.id == entry["id"]]
    rest = _FileResult(
        shown,
        phrases=[p for p in after.phrases if p.id != entry["id"]],
        blocks=[b for b in after.blocks if b.id != entry["id"]],
        kinds=after.kinds,
        heading_sets=after.heading_sets,
        slots=after.slots,
    )
    ok = (
        not [p for p in after.problems if p.severity == "error"]
        and len(found) == 1
        and found[0].text == entry["text"]
        and found[0].role == entry["role"]
        and found[0].function == entry["function"]
        and found[0].topics == entry["topics"]
        and _summary(rest) == _summary(before)
    )
    if ok and list_key == "blocks":
        block = found[0]
        fits = entry["fits"]
        ok = (
            block.point == entry["point"]
            and block.headings == entry["headings"]
            and all(
                list(getattr(block.fits, k)) == fits.get(k, [])
                for k in ("period", "level", "speaker", "needs")
            )
        )
    if not ok:
        raise DrafterError("无法安全地追加到这个文件（追加后的内容解析结果不符），文件未改动", shown)
