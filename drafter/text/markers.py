"""The one heading-marker grammar: 一、 （一） 1. （1） and the paragraph-initial 一是 一要 第一， 首先，.

Used by the outline parser (to find headings), by lint (to classify a level's numbering)
and by the renderer (to write markers).  Kinds and their conventional outline ranks:

======== ============ ==== =========================================
kind     example      rank notes
======== ============ ==== =========================================
cn_dun   一、          1
cn_paren （一）        2    ``(一)`` is read as ``（一）``
arabic_dot 1.         3    also ``1．`` and ``1、``; ``1.5`` is no marker
arabic_paren （1）     4    ``(1)`` is read as ``（1）``
shi      一是          5    paragraph-initial enumeration (also 一是要)
yao      一要          5
di       第一，        5    needs its punctuation inside running text
seq      首先，        5    首先/其次/再次/最后; one sequence with 第N
======== ============ ==== =========================================

``paren_other`` is a paren marker that is none of the above (``（%1）``): the parser may
repair it into the missing （N） of its sequence.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.text.numerals import from_chinese, to_chinese

# The one numeral set of markers (一 … 九十九).
CN_NUMERALS = "一二三四五六七八九十"
_CN = f"[{CN_NUMERALS}]{{1,3}}"

CN_DUN = "cn_dun"
CN_PAREN = "cn_paren"
ARABIC_DOT = "arabic_dot"
ARABIC_PAREN = "arabic_paren"
SHI = "shi"
YAO = "yao"
DI = "di"
SEQ = "seq"
PAREN_OTHER = "paren_other"
OTHER = "other"

# Conventional rank of heading kinds; paragraph enumerations all float at RANK_ENUM.
RANKS = {CN_DUN: 1, CN_PAREN: 2, ARABIC_DOT: 3, ARABIC_PAREN: 4}
RANK_ENUM = 5
ENUM_KINDS = (SHI, YAO, DI, SEQ)
KIND_EXAMPLE = {
    CN_DUN: "一、",
    CN_PAREN: "（一）",
    ARABIC_DOT: "1.",
    ARABIC_PAREN: "（1）",
    SHI: "一是",
    YAO: "一要",
    DI: "第一，",
}
# 首先、其次、第三、最后 is one sequence.
_FAMILY = {SEQ: DI}
SEQ_WORDS: dict[str, int | None] = {"首先": 1, "其次": 2, "再次": 3, "最后": None}

_RE_CN_DUN = re.compile(rf"^({_CN})、")
_RE_CN_PAREN = re.compile(rf"^[（(]({_CN})[）)]")
_RE_AR_PAREN = re.compile(r"^[（(](\d{1,2})[）)]")
_RE_PAREN_OTHER = re.compile(r"^[（(]([^（）()\s]{1,3})[）)]")
_RE_AR_DOT = re.compile(r"^(\d{1,2})(?:\.(?!\d)|．|、)")
_RE_SHI_YAO = re.compile(rf"^({_CN})([是要])")
_RE_DI = re.compile(rf"^第({_CN})([，,、：:]?)")
_RE_SEQ_WORD = re.compile(r"^(首先|其次|再次|最后)([，,：:]?)")

# A line that begins with an outline marker of any kind (ranked or paragraph-initial).
ANY_MARKER_RE = re.compile(
    rf"^(?:{_CN}、|[（(][{CN_NUMERALS}\d%]{{1,3}}[）)]|\d{{1,2}}(?:\.(?!\d)|．|、)"
    rf"|{_CN}[是要]|第{_CN}[，,、：:]|(?:首先|其次|再次|最后)[，,])"
)


@dataclass(slots=True)
class Marker:
    """A marker at the start of a paragraph: its kind, number, normalised text and what follows."""

    kind: str
    ordinal: int | None
    marker: str  # normalised: （1） for (1), 第一， for 第一,
    rest: str
    written: str | None = None  # the marker as written, when ``marker`` normalises it

    @property
    def rank(self) -> int:
        return RANKS.get(self.kind, RANK_ENUM if self.kind in ENUM_KINDS else 99)

    @property
    def family(self) -> str:
        return marker_family(self.kind)


def marker_family(kind: str) -> str:
    """Kinds that count as one sequence share a family (``seq`` and ``di``)."""
    return _FAMILY.get(kind, kind)


def _make(kind: str, ordinal: int | None, written: str, marker: str, text: str) -> Marker:
    return Marker(kind, ordinal, marker, text[len(written) :], written if written != marker else None)


def _fullwidth(punct: str) -> str:
    return punct.replace(",", "，").replace(":", "：")


def _match_cn(text: str) -> Marker | None:
    m = _RE_CN_DUN.match(text)
    if m:
        return _make(CN_DUN, from_chinese(m.group(1)), m.group(0), m.group(0), text)
    m = _RE_SHI_YAO.match(text)
    if m:
        kind = SHI if m.group(2) == "是" else YAO
        return _make(kind, from_chinese(m.group(1)), m.group(0), m.group(0), text)
    return None


def _match_paren(text: str) -> Marker | None:
    m = _RE_CN_PAREN.match(text)
    if m:
        return _make(CN_PAREN, from_chinese(m.group(1)), m.group(0), f"（{m.group(1)}）", text)
    m = _RE_AR_PAREN.match(text)
    if m:
        return _make(ARABIC_PAREN, int(m.group(1)), m.group(0), f"（{m.group(1)}）", text)
    m = _RE_PAREN_OTHER.match(text)
    if m:
        return _make(PAREN_OTHER, None, m.group(0), m.group(0), text)
    return None


def _match_arabic(text: str) -> Marker | None:
    m = _RE_AR_DOT.match(text)
    if m:
        return _make(ARABIC_DOT, int(m.group(1)), m.group(0), m.group(0), text)
    return None


def _match_sequence(text: str, whole: bool) -> Marker | None:
    m = _RE_DI.match(text) if text.startswith("第") else _RE_SEQ_WORD.match(text)
    if not m or not (m.group(2) or whole):
        return None
    word = m.group(1)
    if text.startswith("第"):
        kind, ordinal, marker = DI, from_chinese(word), "第" + word + _fullwidth(m.group(2))
    else:
        kind, ordinal, marker = SEQ, SEQ_WORDS[word], word + _fullwidth(m.group(2))
    return _make(kind, ordinal, m.group(0), marker, text)


def match_marker(text: str, *, whole: bool = False) -> Marker | None:
    """The marker ``text`` starts with, if any.

    In running text ``第一`` and ``首先`` count only with their punctuation (``第一，``);
    ``whole=True`` reads ``text`` as a marker on its own (``第一``, ``首先`` are markers).
    """
    first = text[:1]
    if not first:
        return None
    if first in CN_NUMERALS:
        return _match_cn(text)
    if first in "（(":
        return _match_paren(text)
    if first.isdigit():
        return _match_arabic(text)
    if first in "第首其再最":
        return _match_sequence(text, whole)
    return None


def marker_kind(marker: str) -> str:
    """``一、`` -> cn_dun, ``（一）`` -> cn_paren, ``1.`` -> arabic_dot, ``（1）`` -> arabic_paren,
    ``一是`` -> shi, ``一要`` -> yao, ``第一`` -> di, ``首先`` -> seq, ``（%1）`` -> paren_other, else other."""
    m = match_marker(marker.strip(), whole=True)
    return m.kind if m else OTHER


def marker_ordinal(marker: str) -> int | None:
    """The number a marker stands for: ``（三）`` -> 3, ``2.`` -> 2, ``一是`` -> 1, ``最后`` -> None."""
    m = match_marker(marker.strip(), whole=True)
    return m.ordinal if m else None


def marker_for(kind: str, n: int) -> str:
    """The marker of the n-th item (from 1) of a given kind, as the renderer writes it."""
    if kind == CN_DUN:
        return f"{to_chinese(n)}、"
    if kind == CN_PAREN:
        return f"（{to_chinese(n)}）"
    if kind == ARABIC_DOT:
        return f"{n}."
    if kind == ARABIC_PAREN:
        return f"（{n}）"
    if kind == SHI:  # 一是 二是
        return f"{to_chinese(n)}是"
    if kind == YAO:  # 一要 二要
        return f"{to_chinese(n)}要"
    if kind == DI:  # 第一， 第二，
        return f"第{to_chinese(n)}，"
    raise ValueError(f"unknown marker kind: {kind}")


def marker_like(kind: str, n: int, written: str = "") -> str:
    """The n-th marker of the sequence ``written`` belongs to (``3、`` -> ``1、``), for messages."""
    if kind == ARABIC_DOT:
        suffix = written[-1] if written and written[-1] in ".．、" else "."
        return f"{n}{suffix}"
    if kind in (SHI, YAO, DI, SEQ):
        return marker_for(DI if kind == SEQ else kind, n).rstrip("，")
    return marker_for(kind, n)
