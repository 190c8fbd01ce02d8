"""``repeated-phrase``: the same phrase of at least 12 characters twice in one speech."""

from __future__ import annotations

import re
from array import array

from drafter.lint.context import LintContext, Unit, short
from drafter.lint.finding import WARNING, Finding
from drafter.lint.registry import rule

REPEAT_MIN_CHARS = 12

_STOP = "\x00"  # sentence end: a repeated phrase never runs across it
_SENTENCE_END = set("。！？；!?;\n")


_WORD_RUN = re.compile(r"[^\W_]+|[。！？；!?;\n]")
_NOT_KEPT = re.compile(r"[^\w。！？；!?;\n]|_")
_STOP_RUN = re.compile(r"[。！？；!?;\n]+")


def _lower(text: str) -> str:
    lower = text.lower()
    return lower if len(lower) == len(text) else text  # keep positions (e.g. İ lowers to two chars)


def _normalise(text: str) -> str:
    """Letters, digits and CJK only (lower case), each run of sentence ends as one ``_STOP``."""
    kept = _NOT_KEPT.sub("", _lower(text))
    return _STOP_RUN.sub(_STOP, kept).lstrip(_STOP)


def _normalise_index(text: str) -> tuple[str, array]:
    """``_normalise(text)`` with, for each of its characters, the index in ``text``."""
    low = _lower(text)
    parts: list[str] = []
    index = array("q")
    last_stop = True
    for m in _WORD_RUN.finditer(low):
        run = m.group(0)
        if run in _SENTENCE_END:
            if not last_stop:
                parts.append(_STOP)
                index.append(m.start())
                last_stop = True
            continue
        parts.append(run)
        index.extend(range(m.start(), m.end()))
        last_stop = False
    return "".join(parts), index


REPEAT_MAX_INDEXED = 300_000  # 12-grams kept in the index; more text indexes every n-th position


@rule("repeated-phrase", WARNING, "同一篇中同一长句（≥12字）重复出现", order=40)
def check_repeats(ctx: LintContext) -> list[Finding]:
    """Phrases of at least REPEAT_MIN_CHARS characters that occur twice.

    Every position is looked up, but only every ``step``-th 12-gram is stored
    (``step`` = 1 for any real speech), so a huge text costs bounded memory and a
    repeat of at least ``k + step - 1`` characters is still found; a match is then
    extended both ways.
    """
    body = [u for u in ctx.units if u.area != "front"]
    return _RepeatScan(ctx, body).run()


class _RepeatScan:
    def __init__(self, ctx: LintContext, body: list[Unit]):
        self.ctx = ctx
        self.body = body
        self.norms = [_normalise(u.text) for u in body]
        total = sum(len(norm) for norm in self.norms)
        self.step = max(1, -(-total // REPEAT_MAX_INDEXED))
        self.first_seen: dict[str, tuple[int, int]] = {}
        self.reported: set[tuple[int, int]] = set()
        self.out: list[Finding] = []

    def run(self) -> list[Finding]:
        for ui in range(len(self.norms)):
            self._scan(ui)
        return self.out

    def _scan(self, ui: int) -> None:
        k = REPEAT_MIN_CHARS
        norm = self.norms[ui]
        p = 0
        floor = 0  # text before this was already consumed by a match
        n = len(norm)
        while p + k <= n:
            gram = norm[p : p + k]
            if _STOP in gram:
                p += 1
                continue
            prev = self.first_seen.get(gram)
            if prev is None or len(set(gram)) < 4 or (prev[0] == ui and prev[1] + k > p):
                # new, a run like 啊啊啊 / 000000, or overlapping itself
                if prev is None and p % self.step == 0:
                    self.first_seen[gram] = (ui, p)
                p += 1
                continue
            start, length = self._match(ui, p, floor, prev)
            self._report(prev[0], ui, start, length)
            for q in range(start - start % self.step, start + length - k + 1, self.step):
                if q >= start:
                    self.first_seen.setdefault(norm[q : q + k], (ui, q))
            p = floor = start + length

    def _match(self, ui: int, p: int, floor: int, prev: tuple[int, int]) -> tuple[int, int]:
        """The match at ``p`` extended both ways: (start, length) in unit ``ui``."""
        norm = self.norms[ui]
        u0, p0 = prev
        other = self.norms[u0]
        start, start0, length = p, p0, REPEAT_MIN_CHARS
        while (
            start > floor
            and start0 > 0
            and norm[start - 1] != _STOP
            and other[start0 - 1] == norm[start - 1]
            and (u0 != ui or start0 + length < start)  # stays clear of the earlier copy
        ):
            start, start0, length = start - 1, start0 - 1, length + 1
        limit = len(norm) - start
        if u0 == ui:
            limit = min(limit, start - start0)
        while (
            length < limit
            and start0 + length < len(other)
            and norm[start + length] != _STOP
            and other[start0 + length] == norm[start + length]
        ):
            length += 1
        return start, length

    def _report(self, u0: int, ui: int, start: int, length: int) -> None:
        if (u0, ui) in self.reported:
            return
        self.reported.add((u0, ui))
        body = self.body
        text = body[ui].text
        index = _normalise_index(text)[1]
        phrase = text[index[start] : index[start + length - 1] + 1]
        where = self.ctx.location(body[u0].line, body[u0].path, body[u0].area)
        same = "同一段中" if u0 == ui else ""
        message = f"{same}“{short(phrase, 40)}”（{length}字）重复出现，前一处在 {where}"
        self.out.append(
            self.ctx.finding("repeated-phrase", WARNING, message, body[ui].line, body[ui].path, body[ui].area)
        )
