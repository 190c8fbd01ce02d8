"""Chinese numerals: 12 <-> 十二 (markers are in ``drafter.text.markers``)."""

from __future__ import annotations

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
