"""The one outline parser: front matter, opening, nested sections, closing, announced count.

Used for corpus speeches and for rendered drafts alike.  Levels:
``一、`` > ``（一）`` > ``1.``/``1．``/``1、`` > ``（1）``, plus paragraph-initial
enumerations (``一是``, ``一要``, ``第一，``, ``首先/其次/第三/最后``) one level below
the section they start paragraphs in.  Sequences are checked: a marker that
breaks its sequence is body text, a corrupt marker that fits the gap of its
sequence (``（%1）`` between ``（三）`` and ``（五）``) is repaired; ``Section.written_marker``
then keeps the marker as written.  A paragraph-initial enumeration needs its ``二是`` to
count, except a lone ``一要X。…``/``一是X。…`` (short heading, no ``二要`` run on in its
paragraph) that is the only enumeration of a numbered section: a one-item list as a
rendered draft writes it.

A title broken over lines (``在全县2024年经济工作暨`` / ``优化营商环境推进大会上的讲话``)
is joined; a complete ``在…上的讲话`` line after a title is its subtitle.

Run-in headings (``（一）强化担当意识。目前……``) keep the heading without its
``。`` and ``run_in=True``; the rest of the paragraph is the section's first
paragraph.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.corpus import (
    ANY_MARKER_RE,
    CN_NUM,
    DATE_RE,
    HEADERISH_END_RE,
    MEETING_PHRASE_RE,
    PIAN_RE,
    SALUTATION_RE,
    SUBTITLE_RE,
    clean_lines,
    iter_corpus_files,
    mark_duplicates,
    normalise_text,
    read_document,
    split_speeches,
    would_join,
    wrap_length,
)
from drafter.errors import DrafterError
from drafter.model import Para, Section, Speech
from drafter.text import from_chinese, to_chinese

Progress = Callable[[int, int, str], None]


@dataclass
class CorpusResult:
    """Speeches parsed from a corpus, in corpus order, and one error per file that could not be read."""

    speeches: list[Speech] = field(default_factory=list)
    errors: list[DrafterError] = field(default_factory=list)


# ---------------------------------------------------------------------------
# Markers

RANK_ENUM = 5
MAX_WARNINGS = 100
_RANKS = {"cn_dun": 1, "cn_paren": 2, "arabic_dot": 3, "arabic_paren": 4}

_CN = f"[{CN_NUM}]{{1,3}}"
_RE_CN_DUN = re.compile(rf"^({_CN})、")
_RE_CN_PAREN = re.compile(rf"^（({_CN})）")
_RE_AR_PAREN = re.compile(r"^[（(](\d{1,2})[）)]")
_RE_UNKNOWN_PAREN = re.compile(r"^（([^（）\s]{1,3})）")
_RE_AR_DOT = re.compile(r"^(\d{1,2})(?:\.(?!\d)|．|、)")
_RE_SHI_YAO = re.compile(rf"^({_CN})([是要])")
_RE_DI = re.compile(rf"^第({_CN})([，,、：:])")
_RE_SEQ_WORD = re.compile(r"^(首先|其次|再次|最后)([，,：:])")
_SEQ_WORDS = {"首先": 1, "其次": 2, "再次": 3}


@dataclass
class _Cand:
    kind: str  # cn_dun, cn_paren, arabic_dot, arabic_paren, paren_unknown, shi, yao, seq
    rank: int
    ordinal: int | None
    marker: str
    rest: str
    repaired_from: str | None = None
    written: str | None = None  # the marker as written, when ``marker`` normalises it

    @property
    def family(self) -> str:
        return self.kind


def _detect(text: str) -> _Cand | None:
    """The marker a paragraph starts with, if any."""
    first = text[:1]
    if not first:
        return None
    if first in CN_NUM:
        m = _RE_CN_DUN.match(text)
        if m:
            return _Cand("cn_dun", 1, from_chinese(m.group(1)), m.group(0), text[m.end() :])
        m = _RE_SHI_YAO.match(text)
        if m:
            kind = "shi" if m.group(2) == "是" else "yao"
            return _Cand(kind, RANK_ENUM, from_chinese(m.group(1)), m.group(0), text[m.end() :])
        return None
    if first in "（(":
        m = _RE_CN_PAREN.match(text)
        if m:
            return _Cand("cn_paren", 2, from_chinese(m.group(1)), m.group(0), text[m.end() :])
        m = _RE_AR_PAREN.match(text)
        if m:
            marker = f"（{m.group(1)}）"
            written = m.group(0) if m.group(0) != marker else None
            return _Cand("arabic_paren", 4, int(m.group(1)), marker, text[m.end() :], written=written)
        m = _RE_UNKNOWN_PAREN.match(text)
        if m:
            return _Cand("paren_unknown", 99, None, m.group(0), text[m.end() :])
        return None
    if first.isdigit():
        m = _RE_AR_DOT.match(text)
        if m:
            return _Cand("arabic_dot", 3, int(m.group(1)), m.group(0), text[m.end() :])
        return None
    if first == "第":
        m = _RE_DI.match(text)
        if m:
            marker = m.group(0).replace(",", "，").replace(":", "：")
            written = m.group(0) if m.group(0) != marker else None
            return _Cand("seq", RANK_ENUM, from_chinese(m.group(1)), marker, text[m.end() :], written=written)
        return None
    if first in "首其再最":
        m = _RE_SEQ_WORD.match(text)
        if m:
            marker = m.group(0).replace(",", "，").replace(":", "：")
            written = m.group(0) if m.group(0) != marker else None
            return _Cand(
                "seq", RANK_ENUM, _SEQ_WORDS.get(m.group(1)), marker, text[m.end() :], written=written
            )
    return None


def _split_heading(rest: str) -> tuple[str, str]:
    """(heading, body) of the text after a marker: the heading ends at the first 。."""
    rest = rest.strip()
    cut = rest.find("。")
    if cut < 0:
        return rest, ""
    return rest[:cut].strip(), rest[cut + 1 :].strip()


# ---------------------------------------------------------------------------
# Front matter

_PIAN_SUFFIX = re.compile(r"[（(](?:推荐|精选|范文|修改稿|定稿|参考)[）)]$")
_SPEAKER_LABEL = re.compile(r"^(?:讲话人|主讲人|讲话领导|发言人)[：:]\s*(.{1,40})$")
_JOB = re.compile(
    r"书记|县长|市长|省长|区长|镇长|乡长|州长|旗长|主任|部长|局长|厅长|处长|科长|主席|委员|秘书长|总理|常委|同志"
)
_MEETING_LINE = re.compile(r"^(?:——)?\s*([^，。、；：\s]{1,12}?)\s*在(.{2,80}?)上的(?:讲话|发言|致辞|报告)")
_HEADER_STOP = "。！？；"


@dataclass
class _Front:
    title: str = ""
    subtitle: str | None = None
    date: str | None = None
    speaker: str | None = None
    salutation: str | None = None


def _speaker_from(line: str | None) -> str | None:
    if not line:
        return None
    m = _MEETING_LINE.match(line)
    if m and _JOB.search(m.group(1)):
        return m.group(1)
    return None


_WORD_CHAR = re.compile(r"[\w\u3400-\u9fff]")


def _title_ok(text: str) -> bool:
    """Would this line be read back as (part of) a title?"""
    return not (
        SALUTATION_RE.match(text)
        or DATE_RE.match(text)
        or SUBTITLE_RE.match(text)
        or PIAN_RE.match(text)
        or _SPEAKER_LABEL.match(text)
        or ANY_MARKER_RE.match(text)
        or HEADERISH_END_RE.search(text)
        or any(c in text for c in _HEADER_STOP)
        or len(text) > 60
        or not _WORD_CHAR.search(text)
    )


# A title line ending with one of these continues on the next line (``在全县经济工作暨`` / ``优化…大会``).
_TITLE_CONNECTORS = "暨和与及的在之、"


def _join_title(parts: list[str]) -> str:
    """Title lines as one title: short parallel phrases (``坚定信心`` / ``扎实进取``) keep a space between
    them, a line that ends mid-phrase (``…经济工作暨``) runs on without one."""
    out = ""
    for part in parts:
        if out and len(out.split(" ")[-1]) <= 8 and out[-1] not in _TITLE_CONNECTORS:
            out += " " + part
        else:
            out += part
    return out


def _continues_title(last: str, line: str) -> bool:
    """Is ``line`` (ending in 讲话/发言/…) the rest of the title line ``last`` rather than a subtitle?

    ``在全县2024年经济工作暨`` + ``优化营商环境推进大会上的讲话`` is one title broken over two
    lines; ``锚定目标 真抓实干`` + ``在全县经济工作会议上的讲话`` is a title and its subtitle.
    """
    if MEETING_PHRASE_RE.search(line):
        return False
    return last[-1] in _TITLE_CONNECTORS or MEETING_PHRASE_RE.search(last + line) is not None


def _front_matter(paras: list[Para]) -> tuple[_Front, list[Para]]:
    """Title, subtitle, date, speaker and salutation at the top; returns them and the body paragraphs."""
    front = _Front()
    title_parts: list[str] = []
    meeting_lines: list[str] = []
    seen_sub_or_date = False
    title_done = False
    paras = list(paras)
    while paras and len(paras[0].text) <= 80:
        m = PIAN_RE.match(paras[0].text)
        if not m:
            break
        # 第N篇：X — X is read like any other header line (usually the title).
        rest = normalise_text(_PIAN_SUFFIX.sub("", m.group(2).strip()))
        paras = [Para(rest, paras[0].line), *paras[1:]] if rest else paras[1:]
    i = 0
    n = len(paras)
    while i < n and i < 14:
        t = paras[i].text
        if PIAN_RE.match(t):
            break
        if SALUTATION_RE.match(t) and not ANY_MARKER_RE.match(t):
            front.salutation = t
            i += 1
            break
        m = DATE_RE.match(t)
        if m:
            front.date = m.group(1)
            seen_sub_or_date = True
            i += 1
            continue
        m = SUBTITLE_RE.match(t)
        if m and len(t) <= 80 and not any(c in t for c in _HEADER_STOP):
            front.subtitle = "——" + m.group(1).strip()
            seen_sub_or_date = True
            i += 1
            continue
        m = _SPEAKER_LABEL.match(t)
        if m:
            front.speaker = m.group(1).strip()
            i += 1
            continue
        if len(t) > 60 or any(c in t for c in _HEADER_STOP) or ANY_MARKER_RE.match(t):
            break
        if HEADERISH_END_RE.search(t):
            if (
                title_parts
                and not meeting_lines
                and not title_done
                and _continues_title(_join_title(title_parts), t)
            ):
                title_parts[-1] += t  # the title's last line ends the title: nothing may join after it
                title_done = True
            else:
                meeting_lines.append(t)
            i += 1
            continue
        if _WORD_CHAR.search(t):
            has_title = bool(title_parts or meeting_lines)
            if seen_sub_or_date or (has_title and len(t) <= 16 and _JOB.search(t)):
                if front.speaker is None and len(t) <= 20:
                    front.speaker = t
                    i += 1
                    continue
                break
            if title_done or not _title_ok(normalise_text(_join_title([*title_parts, t]))):
                break
            title_parts.append(t)
            i += 1
            continue
        break
    if title_parts:
        front.title = normalise_text(_join_title(title_parts))
        rest = meeting_lines
    elif meeting_lines:
        front.title = meeting_lines[0]
        rest = meeting_lines[1:]
    else:
        rest = []
    if front.subtitle is None and rest:
        front.subtitle = rest[0]
    if front.speaker is None:
        front.speaker = _speaker_from(front.subtitle) or _speaker_from(front.title)
    return front, paras[i:]


# ---------------------------------------------------------------------------
# Announced count and closing

_ANNOUNCE = re.compile(
    r"(?:讲|谈|强调|提|说)(?:出|以下|下面|这么)?([一二三四五六七八九十两几]{1,3}|\d{1,2})"
    r"(?:点|个方面|方面|条|个问题|句话|层意思)"
    r"|从([一二三四五六七八九十两几]{1,3})个?方面(?:讲|谈|强调|提)"
)
_CLOSING_START = re.compile(r"^(?:同志们|各位同志|朋友们|各位领导)[，,！!、]|^谢谢(?:大家|各位)?[。！!]?$")
_CALL_TO_ACTION = re.compile(
    r"让我们|希望大家|而努力奋斗|而努力[！!。]|而奋斗[！!。]|作出(?:新的)?更大(?:的)?贡献|开创.{0,12}新局面"
    r"|奋力谱写|共同努力，|团结一心|携手并进"
)


def _announced(opening: list[Para]) -> int | None:
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


# ---------------------------------------------------------------------------
# Building the tree


class _Frame:
    __slots__ = ("cand", "pos", "section")

    def __init__(self, section: Section, cand: _Cand, pos: int):
        self.section = section
        self.cand = cand
        self.pos = pos  # index of the heading paragraph in the body


def _repair_markers(cands: list[_Cand | None], body: list[Para], warnings: list[str]) -> None:
    """Turn a corrupt or foreign paren marker into the missing （N） of its sequence.

    ``（%1）`` between ``（三）`` and ``（五）`` becomes ``（四）``; ``（1）`` before a
    ``（二）`` with nothing in between becomes ``（一）``.  Linear in the paragraphs.
    """
    paren_idx = [i for i, c in enumerate(cands) if c is not None and c.kind == "cn_paren"]
    if not paren_idx:
        return
    # dun_before[k]: number of 一、 markers among cands[:k] (sections are not crossed).
    dun_before = [0]
    arabic_at: dict[int, list[int]] = {}
    for i, c in enumerate(cands):
        dun_before.append(dun_before[-1] + (1 if c is not None and c.kind == "cn_dun" else 0))
        if c is not None and c.kind == "arabic_paren" and c.ordinal is not None:
            arabic_at.setdefault(c.ordinal, []).append(i)

    def dun_between(lo: int, hi: int) -> bool:  # any 一、 strictly between lo and hi
        return hi > lo + 1 and dun_before[hi] - dun_before[lo + 1] > 0

    for i, c in enumerate(cands):
        if c is None or c.kind not in ("arabic_paren", "paren_unknown"):
            continue
        k = bisect.bisect_left(paren_idx, i)
        prev_i = paren_idx[k - 1] if k > 0 else None
        next_i = paren_idx[k] if k < len(paren_idx) else None
        if next_i is None or dun_between(i, next_i):
            continue
        nxt = cands[next_i]
        assert nxt is not None
        expected = 1
        if prev_i is not None and not dun_between(prev_i, i):
            prv = cands[prev_i]
            assert prv is not None
            expected = (prv.ordinal or 0) + 1
        if nxt.ordinal != expected + 1 or c.ordinal not in (None, expected):
            continue
        # (1) followed by its own (2) is a real third-level list, not a corrupt marker.
        if c.kind == "arabic_paren":
            later = arabic_at.get((c.ordinal or 0) + 1, [])
            j = bisect.bisect_right(later, i)
            if j < len(later) and later[j] < next_i:
                continue
        marker = f"（{to_chinese(expected)}）"
        warnings.append(f"第 {body[i].line} 行：编号“{c.marker}”有误，按“{marker}”处理")
        cands[i] = _Cand("cn_paren", 2, expected, marker, c.rest, repaired_from=c.written or c.marker)
        bisect.insort(paren_idx, i)


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


def _build(body: list[Para], warnings: list[str]) -> tuple[list[Para], list[Section]]:
    cands: list[_Cand | None] = [_detect(p.text) for p in body]
    if not any(cands):
        return list(body), []
    _repair_markers(cands, body, warnings)
    for i, c in enumerate(cands):
        if c is not None and c.kind == "paren_unknown":
            cands[i] = None
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
    sections: list[Section] = []
    stack: list[_Frame] = []
    warnings: list[str] = []
    last_ordinal: dict[tuple[int, str], int] = {}  # (id of parent list, family) -> last ordinal

    for i, para in enumerate(body):
        c = cands[i]
        placed = False
        if c is not None:
            if c.rank < RANK_ENUM:
                if c.ordinal is not None:
                    placed = _place_ranked(
                        i, para, c, stack, sections, last_ordinal, look, top_rank, warnings
                    )
            else:  # 最后 has no ordinal of its own: it continues the sequence it follows
                placed = _place_enum(i, para, c, stack, sections, last_ordinal, look, allow_top_enum)
        if placed:
            continue
        if stack:
            stack[-1].section.paragraphs.append(para)
        else:
            opening.append(para)
    return opening, sections, warnings


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


def _place_ranked(
    i: int,
    para: Para,
    c: _Cand,
    stack: list[_Frame],
    sections: list[Section],
    last_ordinal: dict[tuple[int, str], int],
    look: _Lookahead,
    top_rank: int | None,
    warnings: list[str],
) -> bool:
    k = len(stack)
    while k > 0 and stack[k - 1].cand.rank >= c.rank:
        k -= 1
    if k == 0 and (top_rank is None or c.rank != top_rank):
        return False
    siblings = stack[k - 1].section.children if k else sections
    key = (id(siblings), c.family)
    last = last_ordinal.get(key)
    assert c.ordinal is not None
    if last is None:
        if c.ordinal != 1 and not look.has_next(i, c):
            if c.rank <= 2:
                warnings.append(f"第 {para.line} 行：编号“{c.marker}”不在编号序列中，按正文处理")
            return False
        if c.ordinal != 1:
            warnings.append(f"第 {para.line} 行：“{c.marker}”之前缺少“{_marker_like(c, 1)}”")
    else:
        if c.ordinal <= last:
            if c.rank <= 2:
                warnings.append(f"第 {para.line} 行：编号“{c.marker}”与前面的编号顺序不符，按正文处理")
            return False
        if c.ordinal > last + 1:
            missing = "、".join(f"“{_marker_like(c, n)}”" for n in range(last + 1, c.ordinal))
            warnings.append(f"第 {para.line} 行：“{c.marker}”之前缺少{missing}")
    del stack[k:]
    section = _new_section(para, c, k + 1)
    siblings.append(section)
    last_ordinal[key] = c.ordinal
    stack.append(_Frame(section, c, i))
    return True


def _marker_like(c: _Cand, n: int) -> str:
    if c.kind == "cn_dun":
        return f"{to_chinese(n)}、"
    if c.kind == "cn_paren":
        return f"（{to_chinese(n)}）"
    if c.kind == "arabic_paren":
        return f"（{n}）"
    suffix = c.marker[-1] if c.marker and c.marker[-1] in ".．、" else "."
    return f"{n}{suffix}"


def _place_enum(
    i: int,
    para: Para,
    c: _Cand,
    stack: list[_Frame],
    sections: list[Section],
    last_ordinal: dict[tuple[int, str], int],
    look: _Lookahead,
    allow_top_enum: bool,
) -> bool:
    k = None
    for j in range(len(stack) - 1, -1, -1):
        if stack[j].cand.family == c.family:
            k = j
            break
        if stack[j].cand.rank < RANK_ENUM:
            break
    if k is not None:
        siblings = stack[k - 1].section.children if k else sections
        last = last_ordinal.get((id(siblings), c.family), 0)
        ordinal = c.ordinal if c.ordinal is not None else last + 1  # 最后 = next in sequence
        if ordinal <= last:
            return False
        del stack[k:]
        level = k + 1
    else:
        if not stack and not allow_top_enum:
            return False
        if c.ordinal != 1:
            return False
        if not look.has_next(i, c):
            # A lone 一要X。… is an item of its own only as a rendered draft writes a one-item list.
            parent = stack[-1] if stack else None
            if (
                parent is None
                or parent.cand.rank >= RANK_ENUM
                or not _lone_item_ok(c)
                or not look.only_enum(i, c, parent.pos, parent.cand.rank)
            ):
                return False
        siblings = stack[-1].section.children if stack else sections
        ordinal = 1
        level = len(stack) + 1
    section = _new_section(para, c, level)
    siblings.append(section)
    last_ordinal[(id(siblings), c.family)] = ordinal
    stack.append(_Frame(section, _Cand(c.kind, c.rank, ordinal, c.marker, c.rest), i))
    return True


_LONE_KINDS = {"shi": re.compile(r"(?<!第)二是"), "yao": re.compile(r"(?<!第)二要")}
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


def _split_closing(sections: list[Section]) -> list[Para]:
    """Move the final audience-addressing / call-to-action paragraphs out of the last section."""
    last = _last_heading_section(sections)
    if last is None:
        return []
    paras = last.paragraphs
    first_free = 1 if last.run_in else 0
    for k in range(first_free, len(paras)):
        if _CLOSING_START.match(paras[k].text):
            closing = paras[k:]
            del paras[k:]
            return closing
    # The section keeps at least one paragraph (a run-in body counts).
    if len(paras) >= 2 and _CALL_TO_ACTION.search(paras[-1].text):
        return [paras.pop()]
    return []


# ---------------------------------------------------------------------------
# Public API


def parse_speech(
    text_or_paras: str | Sequence[Para],
    *,
    source: str = "",
    index: int = 0,
    path: str = "",
) -> Speech:
    """Parse one speech (plain text, or cleaned paragraphs from ``split_speeches``) into a ``Speech``.

    Never raises on odd input: problems become ``Speech.warnings`` (in Chinese).
    """
    if isinstance(text_or_paras, str):
        text = text_or_paras.replace("\r\n", "\n").replace("\r", "\n")
        raw = [Para(line, n) for n, line in enumerate(text.split("\n"), 1)]
        paras = clean_lines(raw)
    else:
        paras = [p for p in text_or_paras if p.text]
    speech = Speech(source=source, index=index, path=path, line=paras[0].line if paras else 0)
    front, body = _front_matter(paras)
    speech.title = front.title
    speech.subtitle = front.subtitle
    speech.date = front.date
    speech.speaker = front.speaker
    speech.salutation = front.salutation
    warnings: list[str] = []
    if not speech.title:
        warnings.append("没有找到标题")
    opening, sections = _build(body, warnings)
    speech.opening = opening
    speech.sections = sections
    speech.closing = _split_closing(sections)
    if not sections:
        if body:
            warnings.append("没有找到层次编号（一、（一）1. 等），全文作为开场")
        else:
            warnings.append("没有正文")
    speech.announced_sections = _announced(opening)
    if speech.announced_sections is not None and speech.announced_sections != len(sections):
        warnings.append(f"开场预告讲 {speech.announced_sections} 个部分，实际找到 {len(sections)} 个一级部分")
    if len(warnings) > MAX_WARNINGS:
        extra = len(warnings) - MAX_WARNINGS
        warnings = [*warnings[:MAX_WARNINGS], f"另有 {extra} 条类似提示未列出"]
    speech.warnings = warnings
    return speech


def parse_file(path: str | Path) -> list[Speech]:
    """Read, clean, split and parse one corpus file (duplicates are not marked here)."""
    path = Path(path)
    name = path.name
    chunks = split_speeches(clean_lines(read_document(path)), name, str(path))
    if not chunks:
        raise DrafterError("清理广告和空行后没有剩下任何正文", str(path))
    return [parse_speech(chunk, source=name, index=i, path=str(path)) for i, chunk in enumerate(chunks)]


def parse_corpus(paths: Iterable[str | Path] | str | Path, progress: Progress | None = None) -> CorpusResult:
    """Load, clean, split and parse every file under ``paths``; mark near-duplicates.

    One bad file never stops the rest: it becomes an entry of ``errors``.
    ``progress(done, total, name)`` is called after each file.
    """
    if isinstance(paths, (str, Path)):
        paths = [paths]
    result = CorpusResult()
    files: list[Path] = []
    seen: set[Path] = set()
    for p in paths:
        try:
            for f in iter_corpus_files([p]):
                key = f.resolve()
                if key not in seen:
                    seen.add(key)
                    files.append(f)
        except DrafterError as exc:
            result.errors.append(exc)
    total = len(files)
    for done, f in enumerate(files, 1):
        try:
            result.speeches.extend(parse_file(f))
        except DrafterError as exc:
            result.errors.append(exc)
        except Exception as exc:  # a bug on one file must not stop a folder
            result.errors.append(DrafterError(f"内部错误，已跳过此文件：{type(exc).__name__}: {exc}", str(f)))
        if progress is not None:
            progress(done, total, f.name)
    mark_duplicates(result.speeches)
    return result


# ---------------------------------------------------------------------------
# Back to text / dict


def speech_to_text(speech: Speech) -> str:
    """Plain text of a speech; ``parse_speech(speech_to_text(s))`` gives the same tree.

    Layout, one paragraph per line: title; subtitle; speaker (after the
    subtitle or the date; as ``讲话人：X`` when neither exists, and omitted when
    it is already the ``X在…上的讲话`` prefix of the subtitle or title); date as
    ``（2024年3月1日）``; salutation; opening; sections (``marker + heading`` on
    its own line, or ``marker + heading + 。 + first paragraph`` when run-in)
    depth first; closing.  A blank line is inserted only where a paragraph
    would otherwise be read as hard-wrapped into the next.
    """
    lines: list[str] = []
    if speech.title:
        lines.append(speech.title)
    if speech.subtitle:
        lines.append(speech.subtitle)
    speaker_line = None
    if speech.speaker and speech.speaker != (_speaker_from(speech.subtitle) or _speaker_from(speech.title)):
        plain_ok = (
            (speech.subtitle or speech.date)
            and len(speech.speaker) <= 20
            and not any(c in speech.speaker for c in _HEADER_STOP)
            and not ANY_MARKER_RE.match(speech.speaker)
            and not HEADERISH_END_RE.search(speech.speaker)
            and not DATE_RE.match(speech.speaker)
            and not SUBTITLE_RE.match(speech.speaker)
            and not SALUTATION_RE.match(speech.speaker)
            and not _SPEAKER_LABEL.match(speech.speaker)
        )
        speaker_line = speech.speaker if plain_ok else f"讲话人：{speech.speaker}"
    if speaker_line and speech.subtitle:
        lines.append(speaker_line)
    if speech.date:
        lines.append(f"（{speech.date}）")
    if speaker_line and not speech.subtitle:
        lines.append(speaker_line)
    if speech.salutation:
        lines.append(speech.salutation)
    lines.extend(p.text for p in speech.opening)

    def emit(section: Section) -> None:
        paras = [p.text for p in section.paragraphs]
        if section.run_in and paras:
            lines.append(f"{section.marker}{section.heading}。{paras[0]}")
            paras = paras[1:]
        else:
            lines.append(f"{section.marker}{section.heading}")
        lines.extend(paras)
        for child in section.children:
            emit(child)

    for section in speech.sections:
        emit(section)
    lines.extend(p.text for p in speech.closing)
    # A blank line only where a paragraph would otherwise be read as the hard-wrapped start of the next.
    out: list[str] = []
    min_len = wrap_length(lines)
    for k, line in enumerate(lines):
        if k and would_join(lines[k - 1], line, min_len):
            out.append("")
        out.append(line)
    return "\n".join(out) + "\n"


def section_to_dict(section: Section, *, top: bool = True) -> dict[str, Any]:
    out: dict[str, Any] = {"marker": section.marker, "heading": section.heading}
    if top:
        out["role"] = section.role
        out["role_cues"] = list(section.role_cues)
        out["role_confidence"] = float(section.role_confidence)
    out["paragraphs"] = [p.text for p in section.paragraphs]
    out["children"] = [section_to_dict(c, top=False) for c in section.children]
    return out


def speech_to_dict(speech: Speech) -> dict[str, Any]:
    """The ``drafter outline --json`` shape of one speech (issue 2)."""
    return {
        "source": speech.source,
        "index": speech.index,
        "title": speech.title,
        "subtitle": speech.subtitle,
        "date": speech.date,
        "speaker": speech.speaker,
        "duplicate_of": (
            {"source": speech.duplicate_of[0], "index": speech.duplicate_of[1]}
            if speech.duplicate_of
            else None
        ),
        "announced_sections": speech.announced_sections,
        "opening": [p.text for p in speech.opening],
        "closing": [p.text for p in speech.closing],
        "warnings": list(speech.warnings),
        "sections": [section_to_dict(s) for s in speech.sections],
    }
