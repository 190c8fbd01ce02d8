"""The section tree of a speech body: markers found, sequences checked, closing split off.

Levels: ``一、`` > ``（一）`` > ``1.``/``1．``/``1、`` > ``（1）``, plus paragraph-initial
enumerations (``一是``, ``一要``, ``第一，``, ``首先/其次/第三/最后``) one level below
the section they start paragraphs in (or at the top when a speech has no ranked marker).
The grammar is ``drafter.text.markers``.  Sequences are checked: a marker that
breaks its sequence is body text, a corrupt marker that fits the gap of its
sequence (``（%1）`` between ``（三）`` and ``（五）``) is repaired; ``Section.written_marker``
then keeps the marker as written.  A paragraph-initial enumeration needs its ``二是`` to
count, except a lone ``一要X。…``/``一是X。…`` (short heading, no ``二要`` run on in its
paragraph) that is the only enumeration of a numbered section: a one-item list as a
rendered draft writes it.

Also read: a bare numeral line (``一`` alone, as web copies of national speeches number their
parts) as ``一、``; a list that mixes ``一要`` and ``二是要`` as one list; a second top-level
``第一…第四`` list after the first as more top-level sections; a courtesy ``首先，我代表…
表示祝贺`` as opening text, not a section.

Run-in headings (``（一）强化担当意识。目前……``) keep the heading without its
``。`` and ``run_in=True``; the rest of the paragraph is the section's first
paragraph.
"""

from __future__ import annotations

import bisect
import re
from dataclasses import dataclass

from drafter.model import Para, Section
from drafter.text import (
    ADDRESS_START_RE,
    ARABIC_PAREN,
    CN_DUN,
    CN_NUMERALS,
    CN_PAREN,
    COURTESY_RE,
    PAREN_OTHER,
    RANK_ENUM,
    SEQ,
    SHI,
    YAO,
    from_chinese,
    marker_family,
    marker_like,
    match_marker,
    to_chinese,
)


@dataclass
class _Cand:
    kind: str  # a kind of drafter.text.markers
    rank: int
    ordinal: int | None
    marker: str
    rest: str
    repaired_from: str | None = None
    written: str | None = None  # the marker as written, when ``marker`` normalises it

    @property
    def family(self) -> str:
        return marker_family(self.kind)


def _detect(text: str) -> _Cand | None:
    """The marker a paragraph starts with, if any."""
    m = match_marker(text)
    if m is None:
        return None
    return _Cand(m.kind, m.rank, m.ordinal, m.marker, m.rest, written=m.written)


def _split_heading(rest: str) -> tuple[str, str]:
    """(heading, body) of the text after a marker: the heading ends at the first 。."""
    rest = rest.strip()
    cut = rest.find("。")
    if cut < 0:
        return rest, ""
    return rest[:cut].strip(), rest[cut + 1 :].strip()


# ---------------------------------------------------------------------------
# Building the tree


class _Frame:
    __slots__ = ("cand", "pos", "section")

    def __init__(self, section: Section, cand: _Cand, pos: int):
        self.section = section
        self.cand = cand
        self.pos = pos  # index of the heading paragraph in the body


class _ParenRepair:
    """Index of the paren markers of a body, for ``_repair_markers``."""

    def __init__(self, cands: list[_Cand | None]):
        self.cands = cands
        self.paren_idx = [i for i, c in enumerate(cands) if c is not None and c.kind == CN_PAREN]
        # dun_before[k]: number of 一、 markers among cands[:k] (sections are not crossed).
        self.dun_before = [0]
        self.arabic_at: dict[int, list[int]] = {}
        for i, c in enumerate(cands):
            self.dun_before.append(self.dun_before[-1] + (1 if c is not None and c.kind == CN_DUN else 0))
            if c is not None and c.kind == ARABIC_PAREN and c.ordinal is not None:
                self.arabic_at.setdefault(c.ordinal, []).append(i)

    def dun_between(self, lo: int, hi: int) -> bool:
        """Any 一、 strictly between lo and hi?"""
        return hi > lo + 1 and self.dun_before[hi] - self.dun_before[lo + 1] > 0

    def expected_at(self, i: int) -> tuple[int, int] | None:
        """(the ordinal a paren marker at ``i`` would have to take, index of the next （N）), or None."""
        k = bisect.bisect_left(self.paren_idx, i)
        prev_i = self.paren_idx[k - 1] if k > 0 else None
        next_i = self.paren_idx[k] if k < len(self.paren_idx) else None
        if next_i is None or self.dun_between(i, next_i):
            return None
        expected = 1
        if prev_i is not None and not self.dun_between(prev_i, i):
            expected = (_ordinal(self.cands[prev_i]) or 0) + 1
        if _ordinal(self.cands[next_i]) != expected + 1:
            return None
        return expected, next_i

    def own_list(self, i: int, c: _Cand, next_i: int) -> bool:
        """(1) followed by its own (2) before the next （N） is a real third-level list."""
        if c.kind != ARABIC_PAREN:
            return False
        later = self.arabic_at.get((c.ordinal or 0) + 1, [])
        j = bisect.bisect_right(later, i)
        return j < len(later) and later[j] < next_i


def _ordinal(c: _Cand | None) -> int | None:
    return c.ordinal if c is not None else None


def _repair_markers(cands: list[_Cand | None], body: list[Para], warnings: list[str]) -> None:
    """Turn a corrupt or foreign paren marker into the missing （N） of its sequence.

    ``（%1）`` between ``（三）`` and ``（五）`` becomes ``（四）``; ``（1）`` before a
    ``（二）`` with nothing in between becomes ``（一）``.  Linear in the paragraphs.
    """
    index = _ParenRepair(cands)
    if not index.paren_idx:
        return
    for i, c in enumerate(cands):
        if c is None or c.kind not in (ARABIC_PAREN, PAREN_OTHER):
            continue
        got = index.expected_at(i)
        if got is None:
            continue
        expected, next_i = got
        if c.ordinal not in (None, expected) or index.own_list(i, c, next_i):
            continue
        marker = f"（{to_chinese(expected)}）"
        warnings.append(f"第 {body[i].line} 行：编号“{c.marker}”有误，按“{marker}”处理")
        cands[i] = _Cand(CN_PAREN, 2, expected, marker, c.rest, repaired_from=c.written or c.marker)
        bisect.insort(index.paren_idx, i)


class _Lookahead:
    """Answers "does (family, ordinal) occur after i before the end of i's span?" in O(log n)."""

    def __init__(self, cands: list[_Cand | None]):
        n = len(cands)
        self.positions: dict[tuple[str, int], list[int]] = {}
        self.family_positions: dict[str, list[int]] = {}
        # enums_before[k]: number of paragraph-initial enumerations (一是, 第一，…) among cands[:k].
        self.enums_before = [0] * (n + 1)
        for i, c in enumerate(cands):
            if c is not None and c.ordinal is not None:
                self.positions.setdefault((c.family, c.ordinal), []).append(i)
            if c is not None:
                self.family_positions.setdefault(c.family, []).append(i)
            self.enums_before[i + 1] = self.enums_before[i] + (c is not None and c.rank == RANK_ENUM)
        # barrier[r][i]: first index > i holding a ranked candidate of rank < r (r = 2..5).
        self.barrier: dict[int, list[int]] = {}
        for r in (1, 2, 3, 4, RANK_ENUM):
            arr = [n] * (n + 1)
            nearest = n
            for i in range(n - 1, -1, -1):
                arr[i] = nearest
                c = cands[i]
                if c is not None and c.rank < r:
                    nearest = i
            self.barrier[r] = arr

    def only_enum(self, i: int, cand: _Cand, parent: int, parent_rank: int) -> bool:
        """Is ``cand`` at ``i`` the only one of its family in the section headed at ``parent`` (of rank
        ``parent_rank``), with no other paragraph-initial enumeration before it in that section?"""
        if self.enums_before[i] - self.enums_before[parent + 1] > 0:
            return False
        end = self.barrier[parent_rank + 1][i]
        same = self.family_positions.get(cand.family, [])
        return bisect.bisect_left(same, end) - bisect.bisect_right(same, parent) == 1

    def has_next(self, i: int, cand: _Cand) -> bool:
        if cand.ordinal is None:
            return False
        lst = self.positions.get((cand.family, cand.ordinal + 1))
        if not lst:
            return False
        end = self.barrier[min(cand.rank, RANK_ENUM)][i]
        k = bisect.bisect_right(lst, i)
        return k < len(lst) and lst[k] < end


_BARE_NUMERAL = re.compile(rf"^([{CN_NUMERALS}]{{1,3}})、?$")
BARE_HEADING_MAX = 30


def _heading_like(text: str) -> bool:
    return (
        0 < len(text) <= BARE_HEADING_MAX
        and not any(c in text for c in "。！？；")
        and not match_marker(text)
    )


def _unbare(body: list[Para]) -> list[Para]:
    """A bare numeral line (``一`` or ``一、`` alone) is ``一、``; a short heading line after it is its heading."""
    out: list[Para] = []
    skip = False
    for k, para in enumerate(body):
        if skip:
            skip = False
            continue
        m = _BARE_NUMERAL.match(para.text)
        if m is None:
            out.append(para)
            continue
        nxt = body[k + 1].text if k + 1 < len(body) else ""
        skip = _heading_like(nxt)
        out.append(Para(f"{m.group(1)}、{nxt if skip else ''}", para.line))
    return out


def _is_courtesy(c: _Cand) -> bool:
    """``首先，我代表县委、县政府，向…表示热烈的祝贺`` is a courtesy, not the first item of a list."""
    if c.kind != SEQ or c.ordinal != 1:
        return False
    first = c.rest.split("。", 1)[0]
    return COURTESY_RE.search(first) is not None


def _merge_mixed_lists(cands: list[_Cand | None]) -> None:
    """``一要…`` / ``二是要…`` / ``三要…`` is one list: an ``N是要`` next to ``N±1要`` joins the 要 list."""
    enums = [i for i, c in enumerate(cands) if c is not None and c.kind in (SHI, YAO)]
    for k, i in enumerate(enums):
        c = cands[i]
        assert c is not None
        if c.kind != SHI or not c.rest.startswith("要") or c.ordinal is None:
            continue
        prev = cands[enums[k - 1]] if k > 0 else None
        nxt = cands[enums[k + 1]] if k + 1 < len(enums) else None
        if (prev is not None and prev.kind == YAO and prev.ordinal == c.ordinal - 1) or (
            nxt is not None and nxt.kind == YAO and nxt.ordinal == c.ordinal + 1
        ):
            cands[i] = _Cand(YAO, RANK_ENUM, c.ordinal, c.marker + "要", c.rest[1:], written=c.written)


def _candidates(body: list[Para], warnings: list[str]) -> list[_Cand | None]:
    cands: list[_Cand | None] = [_detect(p.text) for p in body]
    _repair_markers(cands, body, warnings)
    for i, c in enumerate(cands):
        if c is not None and (c.kind == PAREN_OTHER or _is_courtesy(c)):
            cands[i] = None
    _merge_mixed_lists(cands)
    return cands


def build_sections(body: list[Para], warnings: list[str]) -> tuple[list[Para], list[Section]]:
    """(opening, top-level sections) of a speech body."""
    body = _unbare(body)
    cands = _candidates(body, warnings)
    if not any(cands):
        return list(body), []
    look = _Lookahead(cands)
    plausible = [
        c.rank
        for i, c in enumerate(cands)
        if c is not None and c.rank < RANK_ENUM and (c.ordinal == 1 or look.has_next(i, c))
    ]
    top_rank = min(plausible) if plausible else None
    opening, sections, tentative = _assemble(body, cands, look, top_rank, allow_top_enum=top_rank is None)
    warnings.extend(tentative)
    return opening, sections


def _assemble(
    body: list[Para],
    cands: list[_Cand | None],
    look: _Lookahead,
    top_rank: int | None,
    *,
    allow_top_enum: bool,
) -> tuple[list[Para], list[Section], list[str]]:
    opening: list[Para] = []
    tree = _Assembly(look, top_rank, allow_top_enum)
    for i, para in enumerate(body):
        c = cands[i]
        if c is not None and tree.place(i, para, c):
            continue
        if tree.stack:
            tree.stack[-1].section.paragraphs.append(para)
        else:
            opening.append(para)
    return opening, tree.sections, tree.warnings


def _new_section(para: Para, c: _Cand, level: int) -> Section:
    heading, rest = _split_heading(c.rest)
    section = Section(
        marker=c.marker,
        heading=heading,
        level=level,
        line=para.line,
        run_in=bool(rest),
        written_marker=c.repaired_from or c.written,
    )
    if rest:
        section.paragraphs.append(Para(rest, para.line))
    return section


def _marker_like(c: _Cand, n: int) -> str:
    return marker_like(c.kind, n, c.marker)


class _Assembly:
    """The tree being built: the open headings (``stack``), the top-level sections, the last
    ordinal of each list, and the warnings of tentative readings."""

    def __init__(self, look: _Lookahead, top_rank: int | None, allow_top_enum: bool):
        self.look = look
        self.top_rank = top_rank
        self.allow_top_enum = allow_top_enum
        self.stack: list[_Frame] = []
        self.sections: list[Section] = []
        self.warnings: list[str] = []
        self.last_ordinal: dict[tuple[int, str], int] = {}  # (id of parent list, family) -> last ordinal

    def place(self, i: int, para: Para, c: _Cand) -> bool:
        """Open the section the marker ``c`` of paragraph ``i`` heads; False when it is body text."""
        if c.rank < RANK_ENUM:
            return c.ordinal is not None and self._place_ranked(i, para, c)
        # 最后 has no ordinal of its own: it continues the sequence it follows
        return self._place_enum(i, para, c)

    def _siblings(self, k: int) -> list[Section]:
        """The list a section opened at depth ``k`` (0: the top level) joins."""
        return self.stack[k - 1].section.children if k else self.sections

    def _open(self, k: int, i: int, para: Para, c: _Cand, frame: _Cand) -> None:
        """Close the headings from depth ``k`` on and open there the section ``c`` of paragraph ``i``
        heads, as item ``frame.ordinal`` of its list."""
        siblings = self._siblings(k)
        del self.stack[k:]
        section = _new_section(para, c, k + 1)
        siblings.append(section)
        assert frame.ordinal is not None
        self.last_ordinal[(id(siblings), c.family)] = frame.ordinal
        self.stack.append(_Frame(section, frame, i))

    def _place_ranked(self, i: int, para: Para, c: _Cand) -> bool:
        k = len(self.stack)
        while k > 0 and self.stack[k - 1].cand.rank >= c.rank:
            k -= 1
        if k == 0 and (self.top_rank is None or c.rank != self.top_rank):
            return False
        last = self.last_ordinal.get((id(self._siblings(k)), c.family))
        if not self._in_sequence(i, para, c, last):
            return False
        self._open(k, i, para, c, c)
        return True

    def _in_sequence(self, i: int, para: Para, c: _Cand, last: int | None) -> bool:
        """Does the ranked marker ``c`` continue its list (whose last ordinal is ``last``)?  A gap is
        warned about; a marker out of sequence is body text (warned about for the top two ranks)."""
        assert c.ordinal is not None
        if last is None:
            if c.ordinal != 1 and not self.look.has_next(i, c):
                if c.rank <= 2:
                    self.warnings.append(f"第 {para.line} 行：编号“{c.marker}”不在编号序列中，按正文处理")
                return False
            if c.ordinal != 1:
                self.warnings.append(f"第 {para.line} 行：“{c.marker}”之前缺少“{_marker_like(c, 1)}”")
            return True
        if c.ordinal <= last:
            if c.rank <= 2:
                self.warnings.append(f"第 {para.line} 行：编号“{c.marker}”与前面的编号顺序不符，按正文处理")
            return False
        if c.ordinal > last + 1:
            missing = "、".join(f"“{_marker_like(c, n)}”" for n in range(last + 1, c.ordinal))
            self.warnings.append(f"第 {para.line} 行：“{c.marker}”之前缺少{missing}")
        return True

    def _place_enum(self, i: int, para: Para, c: _Cand) -> bool:
        k = _open_list(self.stack, c)
        if k is not None:
            last = self.last_ordinal.get((id(self._siblings(k)), c.family), 0)
            ordinal = c.ordinal if c.ordinal is not None else last + 1  # 最后 = next in sequence
            # A second 第一…第四 list of a speech numbered by enumerations: more top-level sections.
            if ordinal <= last and (k != 0 or c.ordinal != 1 or not self.look.has_next(i, c)):
                return False
        elif _starts_list(i, c, self.stack, self.look, self.allow_top_enum):
            k, ordinal = len(self.stack), 1
        else:
            return False
        self._open(k, i, para, c, _Cand(c.kind, c.rank, ordinal, c.marker, c.rest))
        return True


def _open_list(stack: list[_Frame], c: _Cand) -> int | None:
    """Depth of the open list ``c`` continues (same family, not above a ranked heading), if any."""
    for j in range(len(stack) - 1, -1, -1):
        if stack[j].cand.family == c.family:
            return j
        if stack[j].cand.rank < RANK_ENUM:
            return None
    return None


def _starts_list(i: int, c: _Cand, stack: list[_Frame], look: _Lookahead, allow_top_enum: bool) -> bool:
    """Does ``c`` start a new enumeration list here?"""
    if (not stack and not allow_top_enum) or c.ordinal != 1:
        return False
    if look.has_next(i, c):
        return True
    # A lone 一要X。… is an item of its own only as a rendered draft writes a one-item list.
    parent = stack[-1] if stack else None
    return (
        parent is not None
        and parent.cand.rank < RANK_ENUM
        and _lone_item_ok(c)
        and look.only_enum(i, c, parent.pos, parent.cand.rank)
    )


_LONE_KINDS = {SHI: re.compile(r"(?<!第)二是"), YAO: re.compile(r"(?<!第)二要")}
LONE_HEADING_MAX = 40


def _lone_item_ok(c: _Cand) -> bool:
    """Does a paragraph-initial 一是/一要 with no 二是/二要 after it read as a one-item list?

    Only when it opens a short heading (``一要全面梳理，细化分解再加压。正文……``, or the heading
    alone) and does not go on to ``二是``/``二要`` inside the same paragraph (a run-in
    enumeration, as in the corpus's ``一是要健全完善责任机制。……二是要……``).
    """
    pattern = _LONE_KINDS.get(c.kind)
    if pattern is None or pattern.search(c.rest):
        return False
    heading, _body = _split_heading(c.rest)
    return 0 < len(heading) <= LONE_HEADING_MAX


def _last_heading_section(sections: list[Section]) -> Section | None:
    if not sections:
        return None
    s = sections[-1]
    while s.children:
        s = s.children[-1]
    return s


def split_closing(sections: list[Section]) -> list[Para]:
    """Move the final audience-addressing / call-to-action paragraphs out of the last section."""
    last = _last_heading_section(sections)
    if last is None:
        return []
    paras = last.paragraphs
    k = _closing_start(paras, 1 if last.run_in else 0, anywhere=True)
    if k is None:
        return []
    closing = paras[k:]
    del paras[k:]
    return closing


def split_closing_of_opening(opening: list[Para]) -> list[Para]:
    """The closing of a speech without numbered sections: its last paragraphs when they turn to the
    audience, thank it or call it to action (the opening keeps at least two paragraphs)."""
    if len(opening) < 3:
        return []
    k = _closing_start(opening, 2, anywhere=False)
    if k is None:
        return []
    closing = opening[k:]
    del opening[k:]
    return closing


# A paragraph turning to the audience starts the closing wherever it stands in the last section;
# other addressees (同学们，) only among its last paragraphs.
_CLOSING_START = re.compile(r"^(?:同志们|各位同志|朋友们|各位领导)[，,！!、]|^谢谢(?:大家|各位)?[。！!]?$")
_LATE_ADDRESS = 3
_SIGN_OFF = re.compile(r"^(?:谢谢(?:大家|各位)?|(?:最后，)?(?:预?祝|衷心祝愿|祝愿).{0,40})[。！!]?$")
_CALL_TO_ACTION = re.compile(
    r"让我们|希望大家|而努力奋斗|而努力[！!。]|而奋斗[！!。]|作出(?:新的)?更大(?:的)?贡献|开创.{0,12}新局面"
    r"|奋力谱写|共同努力，|团结一心|携手并进"
)


def _closing_start(paras: list[Para], keep: int, *, anywhere: bool) -> int | None:
    """Index where the closing starts in ``paras`` (the first ``keep`` paragraphs stay), or None."""
    n = len(paras)
    tail = _sign_off_start(paras, max(keep, 1))
    for k in range(keep, min(n, tail)):
        text = paras[k].text
        if (anywhere and _CLOSING_START.match(text)) or (
            k >= n - _LATE_ADDRESS and ADDRESS_START_RE.match(text)
        ):
            return k
    return tail if tail < n else None


def _sign_off_start(paras: list[Para], keep: int) -> int:
    """Start of the trailing thanks and wishes and the call to action before them (``len`` if none)."""
    k = len(paras)
    while k - 1 >= keep and _SIGN_OFF.match(paras[k - 1].text):
        k -= 1
    if k - 1 >= keep and _CALL_TO_ACTION.search(paras[k - 1].text):
        k -= 1
    return k


# ---------------------------------------------------------------------------
# Announced count

_ANNOUNCE = re.compile(
    r"(?:讲|谈|强调|提|说)(?:出|以下|下面|这么)?([一二三四五六七八九十两几]{1,3}|\d{1,2})"
    r"(?:点|个方面|方面|条|个问题|句话|层意思)"
    r"|从([一二三四五六七八九十两几]{1,3})个?方面(?:讲|谈|强调|提)"
)


def announced_count(opening: list[Para]) -> int | None:
    for p in reversed(opening):
        matches = list(_ANNOUNCE.finditer(p.text))
        if matches:
            token = matches[-1].group(1) or matches[-1].group(2)
            if token.isdigit():
                return int(token)
            if "几" in token:
                return None
            return from_chinese(token.replace("两", "二"))
    return None
