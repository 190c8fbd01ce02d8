"""Numbering rules: sibling sequences and levels (``numbering``), and the parser's own notes (``outline``)."""

from __future__ import annotations

import re

from drafter.lint.context import LintContext, walk
from drafter.lint.finding import ERROR, INFO, WARNING, Finding
from drafter.lint.registry import rule
from drafter.model import Section
from drafter.text import KIND_EXAMPLE, RANKS, marker_family, marker_for, marker_kind

_UNREADABLE = ("paren_other", "other")


def _written(section: Section) -> str:
    """The section's marker as the text writes it."""
    return section.written_marker or section.marker


def _expected_marker(kind: str, n: int) -> str:
    if kind == "seq":
        kind = "di"
    try:
        return marker_for(kind, n).rstrip("，")
    except ValueError:
        return str(n)


@rule("numbering", ERROR, "编号跳号、顺序错、重复、无法识别、同级混用、跳级", order=20, also=(WARNING,))
def check_numbering(ctx: LintContext) -> list[Finding]:
    out = _check_siblings(ctx.speech.sections, (), None, ctx)
    for path, section in walk(ctx.speech.sections):
        if section.children:
            out += _check_siblings(section.children, path, section, ctx)
    return out


def _main_kind(siblings: list[Section]) -> tuple[str, str, list[str]] | None:
    """The level's numbering family and kind, and each sibling's written kind.

    The style is what the parser read (``Section.marker``, with ``（%1）`` repaired to
    ``（四）``); each marker is then checked as written (``Section.written_marker``).
    """
    meant = [marker_kind(s.marker) for s in siblings]
    kinds = [marker_kind(_written(s)) for s in siblings]
    known = [marker_family(k) for k in meant if k not in _UNREADABLE]
    if not known:
        known = [marker_family(k) for k in kinds if k not in _UNREADABLE]
    if not known:
        return None
    counts: dict[str, int] = {}
    for fam in known:
        counts[fam] = counts.get(fam, 0) + 1
    main = max(counts, key=lambda fam: (counts[fam], -known.index(fam)))
    main_kind = next(k for k in (*meant, *kinds) if marker_family(k) == main)
    return main, main_kind, kinds


def _check_siblings(
    siblings: list[Section], prefix: tuple[int, ...], parent: Section | None, ctx: LintContext
) -> list[Finding]:
    found = _main_kind(siblings)
    if found is None:
        return []
    main, main_kind, kinds = found
    out = _check_level(siblings, prefix, parent, main_kind, ctx)
    run = _SiblingRun(ctx, prefix, main, main_kind, len(siblings) - 1)
    for i, (section, kind) in enumerate(zip(siblings, kinds, strict=True)):
        finding = run.check(i, section, kind)
        if finding is not None:
            out.append(finding)
    mixed = run.mixed()
    if mixed is not None:
        out.append(mixed)
    return out


def _check_level(
    siblings: list[Section], prefix: tuple[int, ...], parent: Section | None, main_kind: str, ctx: LintContext
) -> list[Finding]:
    """A heading kind must sit one rank below its parent's heading kind."""
    main_rank = RANKS.get(main_kind)
    if main_rank is None:
        return []
    example = KIND_EXAMPLE[main_kind]
    message = None
    if parent is None:
        if main_rank > 1:
            message = f"一级标题用了“{example}”式编号，缺少“一、”一级（跳级）"
    else:
        parent_rank = RANKS.get(marker_kind(parent.marker))
        where = parent.marker.strip()
        if parent_rank is None:
            return []
        if main_rank <= parent_rank:
            message = f"“{where}”下的子标题用了“{example}”式编号，级别不低于上级"
        elif main_rank > parent_rank + 1:
            missing = next(k for k, r in RANKS.items() if r == parent_rank + 1)
            message = f"“{where}”下直接用了“{example}”式编号，跳过了“{KIND_EXAMPLE[missing]}”一级"
    if message is None:
        return []
    return [ctx.finding("numbering", WARNING, message, siblings[0].line or None, (*prefix, 0))]


class _SiblingRun:
    """Walks one level's siblings.  Each marker family keeps its own sequence: 一要…四要 mixed
    with （二）…（五） is one "mixed" warning plus whatever is wrong inside each sequence."""

    def __init__(self, ctx: LintContext, prefix: tuple[int, ...], main: str, main_kind: str, last: int):
        self.ctx = ctx
        self.prefix = prefix
        self.main = main
        self.main_kind = main_kind
        self.last = last
        self.prevs: dict[str, int] = {}
        self.seens: dict[str, dict[int, Section]] = {}
        self.minority: list[tuple[int, Section, int]] = []

    def _finding(self, severity: str, message: str, i: int, section: Section) -> Finding:
        return self.ctx.finding("numbering", severity, message, section.line or None, (*self.prefix, i))

    def check(self, i: int, section: Section, kind: str) -> Finding | None:
        marker = _written(section).strip()
        if kind in _UNREADABLE:
            self.prevs[self.main] = self.prevs.get(self.main, 0) + 1
            want = _expected_marker(self.main_kind, self.prevs[self.main])
            return self._finding(ERROR, f"编号“{marker}”无法识别，按位置应为“{want}”", i, section)
        fam = marker_family(kind)
        if fam != self.main:
            position = self.prevs.get(self.main, 0) + 1
            self.minority.append((i, section, position))
            if section.ordinal == position:  # （1） where （一） belongs: it takes that place
                self.prevs[self.main] = position
                return None
        return self._ordinal(i, section, kind, fam, marker)

    def _ordinal(self, i: int, section: Section, kind: str, fam: str, marker: str) -> Finding | None:
        prev = self.prevs.get(fam, 0)
        ordinal = section.ordinal
        if ordinal is None:
            self.prevs[fam] = prev + 1
            if kind == "seq" and i != self.last:
                return self._finding(WARNING, f"“{marker}”不在同级的最后一项", i, section)
            return None
        seen = self.seens.setdefault(fam, {})
        expected = prev + 1
        finding = None
        if ordinal == expected:
            self.prevs[fam] = ordinal
        elif ordinal in seen:
            first = seen[ordinal]
            where = f"第{first.line}行" if first.line else "前面"
            want = _expected_marker(kind, expected)
            finding = self._finding(
                ERROR, f"编号重复：“{marker}”在{where}已经出现，按顺序应为“{want}”", i, section
            )
        elif ordinal > expected:
            missing = "、".join(
                _expected_marker(kind, n) for n in range(expected, min(ordinal, expected + 5))
            )
            finding = self._finding(ERROR, f"编号跳号：“{marker}”之前缺少“{missing}”", i, section)
            self.prevs[fam] = ordinal
        else:
            after = _expected_marker(kind, prev)
            finding = self._finding(ERROR, f"编号顺序错误：“{marker}”出现在“{after}”之后", i, section)
        seen.setdefault(ordinal, section)
        return finding

    def mixed(self) -> Finding | None:
        if not self.minority:
            return None
        i, section, position = self.minority[0]
        main_example = KIND_EXAMPLE.get(self.main_kind, self.main_kind)
        if len(self.minority) == 1:
            message = (
                f"同级编号混用：此处为“{_written(section).strip()}”，同级其他标题用“{main_example}”式，"
                f"应为“{_expected_marker(self.main_kind, position)}”"
            )
        else:
            listed = "、".join(f"“{_written(s).strip()}”" for _, s, _ in self.minority[:6])
            more = "等" if len(self.minority) > 6 else ""
            message = f"同级编号混用：{listed}{more}与同级其他标题的“{main_example}”式编号混在同一级"
        return self._finding(WARNING, message, i, section)


# ---------------------------------------------------------------- outline

_WARNING_LINE = re.compile(r"第\s*(\d+)\s*行")


@rule("outline", INFO, "大纲解析器给出的提示", order=140)
def check_parser_warnings(ctx: LintContext) -> list[Finding]:
    """The outline parser's warnings that no other rule already reports, as ``outline`` notes.

    A marker the parser had to repair (``（%1）`` read as ``（四）``) is reported by ``numbering``
    from ``Section.written_marker``; the parser's warning about it is then left out.
    """
    speech = ctx.speech
    numbering_lines = {f.line for f in ctx.results("numbering")}
    by_line = {section.line: path for path, section in walk(speech.sections) if section.line}
    repaired = {s.line for s in speech.iter_sections() if s.line and s.written_marker is not None}
    out: list[Finding] = []
    for warning in speech.warnings:
        text = str(warning)
        m = _WARNING_LINE.search(text)
        line = int(m.group(1)) if m else None
        path = by_line.get(line) if line else None
        if line in repaired or _covered(ctx, text, line, numbering_lines):
            continue
        message = _WARNING_LINE.sub("", text, count=1).lstrip("：: ") if m else text
        out.append(ctx.finding("outline", INFO, message or text, line or speech.line or None, path, "front"))
    return out


def _covered(ctx: LintContext, warning: str, line: int | None, numbering_lines: set[int | None]) -> bool:
    """A parser warning that says what another rule already reports."""
    if ctx.speech.announced_sections is not None and "预告" in warning:
        return True  # count-mismatch
    if ctx.speech.duplicate_of is not None and "相同" in warning:
        return True  # duplicate
    return line is not None and line in numbering_lines
