"""Parallel heading frames (排比): ``强化担当意识 / 强化攻坚意识`` -> ``强化{X}意识``.

Used by mining (heading sets), lint (parallel-headings) and the renderer.  No jieba: the
cut between the fixed part and the slot is placed by rules that keep words and quotes whole.
"""

from __future__ import annotations

from collections.abc import Sequence

_TRAILING = "。．.；;：:！!，, "
FRAME_PUNCT = frozenset('，,、；;：:“”"‘’《》（）()「」『』 　。')
_OPENERS = "“‘《（(「『"
_CLOSERS = "”’》）)」』"
_PAIRS = dict(zip(_OPENERS, _CLOSERS, strict=True))
_STRAIGHT_QUOTES = "\"'"


def clean_heading(text: str) -> str:
    """A heading without surrounding spaces and its trailing punctuation."""
    return text.strip().rstrip(_TRAILING).strip()


def common_frame(headings: Sequence[str]) -> tuple[str, list[str]] | None:
    """The frame shared by sibling headings and the slot values, or None.

    ``["强化担当意识", "强化攻坚意识", "强化效率意识"]`` -> ``("强化{X}意识", ["担当", "攻坚", "效率"])``;
    ``["振奋精神抓落实", "突出重点抓落实"]`` -> ``("{X}抓落实", [...])``.  The fixed part must hold
    at least two characters (punctuation not counted); slot values are distinct and
    non-empty, and at least two characters long when the frame can give characters
    back (``提高谋事能力`` / ``提高断事能力`` -> ``提高{X}能力``, not ``提高{X}事能力``).
    The cut never splits a word to save a one-character fixed part (``要有志气`` / ``要有骨气``
    -> ``要有{X}``, not ``要{X}气``) nor a quotation (``要有“钉钉子”精神`` / ``要有“绣花针”功夫``
    -> ``要有{X}``, not ``要有“{X}``).
    """
    items = [clean_heading(h) for h in headings]
    if len(items) < 2 or any(not h for h in items):
        return None
    p, s = _initial_cut(items)
    p, s = _give_back(items, p, s)
    p, s = _quote_safe(items, p, s)
    vals = [h[p : len(h) - s] for h in items]
    fixed_prefix = items[0][:p]
    fixed_suffix = items[0][len(items[0]) - s :] if s else ""
    if _fixed_len(fixed_prefix) + _fixed_len(fixed_suffix) < 2:
        return None
    if any(not v for v in vals) or len(set(vals)) != len(vals):
        return None
    # The slot must be the varying, meaningful part: a value that is only punctuation is no slot.
    if any(_fixed_len(v) == 0 for v in vals):
        return None
    return f"{fixed_prefix}{{X}}{fixed_suffix}", vals


def _initial_cut(items: list[str]) -> tuple[int, int]:
    """Lengths of the longest common prefix and suffix, not overlapping, one character left per slot."""
    p = len(_common_prefix(items))
    s = len(_common_prefix([h[::-1] for h in items]))
    shortest = min(len(h) for h in items)
    if p + s >= shortest:
        s = max(0, shortest - p - 1)
        if p >= shortest:
            p = shortest - 1
            s = 0
    return p, s


def _give_back(items: list[str], p: int, s: int) -> tuple[int, int]:
    """Give characters back to the slot while some value is a single character.

    The suffix gives first (``事能力`` -> ``能力``); a one-character suffix (``气`` of ``志气``)
    ends the word in the slot and goes back whole when the prefix alone still makes a frame.
    """
    while any(len(h) - p - s < 2 for h in items):
        suffix = items[0][len(items[0]) - s :] if s else ""
        if s >= 2 and _fixed_len(suffix[1:]) >= 1:
            s -= 1
        elif s == 1 and _fixed_len(items[0][:p]) >= 2:
            s = 0
        elif p >= 2:
            p -= 1
        else:
            break
    return p, s


def _quote_safe(items: list[str], p: int, s: int) -> tuple[int, int]:
    """Move the cut out of a quotation the slot would open or close on one side only."""
    prefix = items[0][:p]
    suffix = items[0][len(items[0]) - s :] if s else ""
    open_in_prefix = _unclosed(prefix)
    if open_in_prefix is not None and not _closes(suffix, prefix[open_in_prefix]):
        p = open_in_prefix
    close_in_suffix = _unopened(suffix)
    if close_in_suffix is not None and not _opens(items[0][:p], suffix[close_in_suffix]):
        s = len(suffix) - close_in_suffix - 1
    return p, s


def _unclosed(text: str) -> int | None:
    """Index of the last opening quote/bracket in ``text`` that is not closed in it."""
    stack: list[int] = []
    straight: dict[str, int | None] = dict.fromkeys(_STRAIGHT_QUOTES)
    for i, c in enumerate(text):
        if c in _PAIRS:
            stack.append(i)
        elif c in _CLOSERS and stack and _PAIRS[text[stack[-1]]] == c:
            stack.pop()
        elif c in straight:
            straight[c] = None if straight[c] is not None else i
    candidates = [i for i in (*stack, *straight.values()) if i is not None]
    return max(candidates) if candidates else None


def _unopened(text: str) -> int | None:
    """Index of the first closing quote/bracket in ``text`` that was not opened in it."""
    depth: list[str] = []
    straight: dict[str, int | None] = dict.fromkeys(_STRAIGHT_QUOTES)
    first: int | None = None
    for i, c in enumerate(text):
        if c in _PAIRS:
            depth.append(c)
        elif c in _CLOSERS:
            if depth and _PAIRS[depth[-1]] == c:
                depth.pop()
            elif first is None:
                first = i
        elif c in straight:
            straight[c] = None if straight[c] is not None else i
    candidates = [i for i in (first, *straight.values()) if i is not None]
    return min(candidates) if candidates else None


def _closes(suffix: str, opener: str) -> bool:
    closer = _PAIRS.get(opener, opener)
    return closer in suffix


def _opens(prefix: str, closer: str) -> bool:
    if closer in _STRAIGHT_QUOTES:
        return closer in prefix
    return any(_PAIRS[o] == closer for o in prefix if o in _PAIRS)


def _common_prefix(texts: Sequence[str]) -> str:
    first, last = min(texts), max(texts)
    n = 0
    while n < len(first) and n < len(last) and first[n] == last[n]:
        n += 1
    return first[:n]


def _fixed_len(text: str) -> int:
    return sum(1 for c in text if c not in FRAME_PUNCT)
