"""Splitting a cleaned file into speeches, and marking near-duplicate speeches.

A file splits at ``第N篇`` lines, at a repeated header block (a title, ``——在…上的讲话``, a
date line, a speaker line, a salutation: two or more such lines, at least one of them not a
bare title, after a body) and where the top-level numbering restarts (``一、`` again after
``二、`` …, with its own ``二、`` after it).  A later speech's sections are never attached to
an earlier one.
"""

from __future__ import annotations

import re
from collections import Counter
from itertools import chain, pairwise

from drafter.corpus.clean import HEADERISH_END_RE, PIAN_RE, SUBTITLE_RE
from drafter.model import Para, Speech
from drafter.text import (
    ANY_MARKER_RE,
    CN_DUN,
    CN_NUMERALS,
    DATE_LINE_RE,
    SALUTATION_RE,
    is_web_junk,
    match_marker,
)

_CJK = "\u3400-\u9fff\uf900-\ufaff"

# ---------------------------------------------------------------------------
# Splitting a file into speeches

PIAN_MAX = 80
HEADER_LINE_MAX = 60
HEADER_BLOCK_MAX = 6  # header lines read after a block start
MIN_BODY = 3  # paragraphs of body a speech holds before another may start
_STOPS = "。！？；"
_SPEAKER_LABEL = re.compile(r"^(?:讲话人|主讲人|讲话领导|发言人|述职人|报告人)[：:]")
_SIGN_OFF = re.compile(
    r"^(?:谢谢(?:大家|各位)?|(?:预?祝|衷心祝愿).{0,40})[。！!]?$|让我们|而努力奋斗|而奋斗[！!。]"
)
_WORD = re.compile(rf"[{_CJK}A-Za-z]")
_OPENING = re.compile(
    r"^(?:今天|刚才|这次|本次|此次|首先，我代表|下面)|(?:讲|谈|强调)(?:[一二三四五六七八九十两几]{1,3})(?:点|个方面)"
)
RESTART_LOOKAHEAD = 8  # a restarted 一、 needs its 二、 among the next top-level markers
OPENING_LOOKBACK = 6  # paragraphs before a restarted 一、 searched for the new speech's start
TITLE = "title"
STRONG = "strong"  # a subtitle / meeting line, a date, a speaker label, a salutation


def split_speeches(paras: list[Para], source: str = "", path: str = "") -> list[list[Para]]:
    """Split a cleaned file into speeches (see the module docstring); a file without any sign is one speech.

    Text before the first ``第N篇`` line is kept as a speech of its own only
    when it holds real prose (a paragraph longer than 80 characters).
    """
    chunks: list[list[Para]] = []
    for chunk in _split_pian(list(paras)):
        chunks.extend(_split_inside(chunk))
    return chunks


def _split_pian(paras: list[Para]) -> list[list[Para]]:
    starts = [i for i, p in enumerate(paras) if PIAN_RE.match(p.text) and len(p.text) <= PIAN_MAX]
    if not starts:
        return [paras] if paras else []
    chunks: list[list[Para]] = []
    head = paras[: starts[0]]
    if any(len(p.text) > PIAN_MAX for p in head):
        chunks.append(list(head))
    for k, start in enumerate(starts):
        end = starts[k + 1] if k + 1 < len(starts) else len(paras)
        chunk = list(paras[start:end])
        if chunk:
            chunks.append(chunk)
    return chunks


def header_kind(text: str) -> str | None:
    """``strong`` for a subtitle, meeting line, date, speaker label or salutation; ``title`` for a
    short line that could be a title or a speaker's name; None for body text."""
    if len(text) > PIAN_MAX or ANY_MARKER_RE.match(text) or is_web_junk(text):
        return None
    if DATE_LINE_RE.match(text) or SALUTATION_RE.match(text) or _SPEAKER_LABEL.match(text):
        return STRONG
    if any(c in text for c in _STOPS):
        return None
    if (SUBTITLE_RE.match(text) or HEADERISH_END_RE.search(text)) and len(text) <= PIAN_MAX:
        return STRONG
    if len(text) <= HEADER_LINE_MAX and _WORD.search(text) and not text.endswith(("：", ":", "，")):
        return TITLE
    return None


def _block_end(kinds: list[str | None], i: int) -> int | None:
    """End (first body paragraph) of the header block starting at ``i``, if one does: two or more header
    lines, at least one of them strong, not preceded by another header line."""
    if kinds[i] is None or (i > 0 and kinds[i - 1] is not None):
        return None
    j = i
    strong = 0
    while j < len(kinds) and kinds[j] is not None and j - i < HEADER_BLOCK_MAX:
        strong += kinds[j] == STRONG
        j += 1
    if j - i < 2 or strong == 0:
        return None
    return j


def _header_starts(paras: list[Para]) -> list[int]:
    """Indexes where a repeated header block starts a new speech."""
    kinds = [header_kind(p.text) for p in paras]
    starts: list[int] = []
    body = 0
    i = 0
    while i < len(paras):
        end = _block_end(kinds, i) if body >= MIN_BODY else None
        if end is not None:
            starts.append(i)
            body = 0
            i = end
            continue
        if kinds[i] is None:
            body += 1
        i += 1
    return starts


def _top_markers(paras: list[Para], lo: int, hi: int) -> list[tuple[int, int]]:
    out: list[tuple[int, int]] = []
    for i in range(lo, hi):
        text = paras[i].text
        if text[:1] not in CN_NUMERALS:
            continue
        m = match_marker(text)
        if m is not None and m.kind == CN_DUN and m.ordinal is not None:
            out.append((i, m.ordinal))
    return out


def _restart_starts(paras: list[Para], cuts: list[int]) -> list[int]:
    """Indexes where the top-level ``一、`` numbering restarts inside a piece between ``cuts``."""
    out: list[int] = []
    for lo, hi in pairwise([0, *cuts, len(paras)]):
        dun = _top_markers(paras, lo, hi)
        last = 0
        floor = lo
        for k, (i, ordinal) in enumerate(dun):
            has_next = any(o == 2 for _, o in dun[k + 1 : k + RESTART_LOOKAHEAD])
            if ordinal == 1 and last >= 2 and has_next:
                floor = _restart_cut(paras, floor, i)
                out.append(floor)
            if ordinal in (1, last + 1):
                last = ordinal
    return out


def _restart_cut(paras: list[Para], floor: int, i: int) -> int:
    """Where the speech whose ``一、`` stands at ``i`` starts: after the previous speech's sign-off
    (``谢谢大家！``, a call to action), at its own opening (``今天，我们召开…``, ``讲三点意见``) or
    header lines; else at the ``一、`` line."""
    start = i
    for j in range(i - 1, max(floor, i - OPENING_LOOKBACK - 1), -1):
        text = paras[j].text
        if match_marker(text) is not None:
            break
        if _SIGN_OFF.search(text) and header_kind(text) is None:
            return j + 1
        if header_kind(text) is not None or _OPENING.search(text):
            start = j
    return start


def _has_body(chunk: list[Para]) -> bool:
    return sum(header_kind(p.text) is None for p in chunk) >= MIN_BODY


def _split_inside(paras: list[Para]) -> list[list[Para]]:
    """Split one piece (no 第N篇 inside) at header blocks and numbering restarts; a piece without
    body (a signature, a date) stays with the speech before it."""
    cuts = _header_starts(paras)
    cuts = sorted({*cuts, *_restart_starts(paras, cuts)})
    chunks: list[list[Para]] = []
    for a, b in pairwise([0, *[c for c in cuts if 0 < c < len(paras)], len(paras)]):
        piece = paras[a:b]
        if chunks and not _has_body(piece):
            chunks[-1].extend(piece)
        elif piece:
            chunks.append(piece)
    return chunks


# ---------------------------------------------------------------------------
# Near-duplicates

_SENTENCE_SPLIT = re.compile(r"[。！？；!?;\n]+")
_NON_WORD = re.compile(rf"[^{_CJK}0-9A-Za-z。！？；!?;\n]+")
DUPLICATE_THRESHOLD = 0.6
DUPLICATE_OWN_SHARE = 0.5  # of the later speech's own sentences, found in the earlier one
_MIN_SENTENCES = 5
_MAX_POSTING = 32
# A speech sharing fewer sentences than the threshold needs at the smallest size cannot be the original
# (score = shared / smaller, smaller >= _MIN_SENTENCES): the many sharing a sentence or two are skipped.
_LEAST_SHARED = DUPLICATE_THRESHOLD * _MIN_SENTENCES


def sentence_keys(speech: Speech) -> list[str]:
    """The speech's sentences (opening, headings, paragraphs, closing) with punctuation and spaces
    removed, those of at least 8 characters: what two copies of one speech have in common."""
    texts: list[str] = [p.text for p in speech.opening]
    for section in speech.iter_sections():
        texts.append(section.heading)
        texts.extend(p.text for p in section.paragraphs)
    texts.extend(p.text for p in speech.closing)
    compact = _NON_WORD.sub("", "\n".join(texts))
    return [key for key in _SENTENCE_SPLIT.split(compact) if len(key) >= 8]


def speech_fingerprint(speech: Speech) -> set[int]:
    """Hashes of the speech's ``sentence_keys`` (within one run: ``hash`` of a str is salted)."""
    return {hash(key) for key in sentence_keys(speech)}


def mark_duplicates(speeches: list[Speech]) -> None:
    """Set ``duplicate_of=(source, index)`` on each later near-duplicate of an earlier speech.

    Similarity is sentence containment: shared sentences divided by the
    sentences of the smaller speech, so a copy that lacks some paragraphs
    still counts; at least half of the later speech's own sentences must be shared,
    so a speech that adds much to an earlier one keeps its place.  An inverted index keeps it roughly linear in corpus size.
    """
    index: dict[int, list[int]] = {}
    prints: list[set[int]] = []
    for i, speech in enumerate(speeches):
        fp = speech_fingerprint(speech)
        prints.append(fp)
        counts = Counter(chain.from_iterable(index.get(h, ()) for h in fp))
        best_j, best_score = -1, 0.0
        for j, shared in counts.items():
            if shared < _LEAST_SHARED:
                continue
            smaller = min(len(fp), len(prints[j]))
            if smaller < _MIN_SENTENCES:
                continue
            score = shared / smaller
            if score > best_score or (score == best_score and j < best_j):
                best_j, best_score = j, score
        # A speech that holds much more than the earlier one (a second speech in the same file, a
        # longer version) is no duplicate: marking it would silently drop what only it holds.
        own = counts[best_j] / len(fp) if best_j >= 0 else 0.0
        if best_j >= 0 and best_score >= DUPLICATE_THRESHOLD and own >= DUPLICATE_OWN_SHARE:
            original = speeches[best_j]
            target = original.duplicate_of or (original.source, original.index)
            speech.duplicate_of = target
            note = (
                f"与 {target[0]} 第 {target[1] + 1} 篇内容基本相同（相似度 {best_score:.0%}），统计时只计一次"
            )
            if note not in speech.warnings:
                speech.warnings.append(note)
        for h in fp:
            posting = index.setdefault(h, [])
            if len(posting) < _MAX_POSTING:
                posting.append(i)
