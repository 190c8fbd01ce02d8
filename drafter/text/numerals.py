"""Chinese numerals and enumeration markers, shared by the parser and the renderer."""

from __future__ import annotations

import re

_DIGITS = "零一二三四五六七八九"
_DIGIT_VALUE = {c: i for i, c in enumerate(_DIGITS)} | {"〇": 0, "两": 2}


def to_chinese(n: int) -> str:
    """1 -> 一, 10 -> 十, 12 -> 十二, 20 -> 二十, 105 -> 一百零五 (0 < n < 1000)."""
    if n <= 0 or n >= 1000:
        raise ValueError(f"unsupported numeral: {n}")
    hundreds, rest = divmod(n, 100)
    tens, ones = divmod(rest, 10)
    out = ""
    if hundreds:
        out += _DIGITS[hundreds] + "百"
        if rest and tens == 0:
            out += "零"
    if tens:
        out += ("" if tens == 1 and not hundreds else _DIGITS[tens]) + "十"
    if ones:
        out += _DIGITS[ones]
    return out


def from_chinese(text: str) -> int | None:
    """一 -> 1, 十二 -> 12, 二十 -> 20, 一百零五 -> 105; None if not a numeral."""
    if not text or any(c not in _DIGIT_VALUE and c not in "十百" for c in text):
        return None
    total, current = 0, 0
    for c in text:
        if c == "百":
            total += (current or 1) * 100
            current = 0
        elif c == "十":
            total += (current or 1) * 10
            current = 0
        else:
            current = _DIGIT_VALUE[c]
    return total + current or None


_CN = "[一二三四五六七八九十百零〇]+"

# Marker shapes by outline level.  The parser decides the actual level of
# each shape per speech; these are the conventional ranks.
MARKER_PATTERNS: list[tuple[str, re.Pattern[str]]] = [
    ("cn_dun", re.compile(rf"^({_CN})、")),  # 一、
    ("cn_paren", re.compile(rf"^（({_CN})）")),  # （一）
    ("arabic_dot", re.compile(r"^(\d{1,2})(?:\.(?!\d)|．|、)")),  # 1. 1． 1、
    ("arabic_paren", re.compile(r"^[（(](\d{1,2})[）)]")),  # （1）
]

_ORDINAL_PATTERNS = [
    re.compile(rf"^({_CN})、"),
    re.compile(rf"^（({_CN})）"),
    re.compile(r"^(\d{1,2})(?:\.|．|、)"),
    re.compile(r"^[（(](\d{1,2})[）)]"),
    re.compile(rf"^({_CN})[是要]"),
    re.compile(rf"^第({_CN})[，,、]?"),
]

_SEQUENCE_WORDS = {"首先": 1, "其次": 2, "再次": 3, "最后": None}


def marker_ordinal(marker: str) -> int | None:
    """The number a marker stands for: ``（三）`` -> 3, ``2.`` -> 2, ``一是`` -> 1."""
    marker = marker.strip()
    for word, value in _SEQUENCE_WORDS.items():
        if marker.startswith(word):
            return value
    for pattern in _ORDINAL_PATTERNS:
        m = pattern.match(marker)
        if m:
            g = m.group(1)
            return int(g) if g.isdigit() else from_chinese(g)
    return None


def marker_for(kind: str, n: int) -> str:
    """The marker of the n-th item (from 1) of a given kind, as the renderer writes it."""
    if kind == "cn_dun":
        return f"{to_chinese(n)}、"
    if kind == "cn_paren":
        return f"（{to_chinese(n)}）"
    if kind == "arabic_dot":
        return f"{n}."
    if kind == "arabic_paren":
        return f"（{n}）"
    if kind == "shi":  # 一是 二是
        return f"{to_chinese(n)}是"
    if kind == "yao":  # 一要 二要
        return f"{to_chinese(n)}要"
    if kind == "di":  # 第一， 第二，
        return f"第{to_chinese(n)}，"
    raise ValueError(f"unknown marker kind: {kind}")
