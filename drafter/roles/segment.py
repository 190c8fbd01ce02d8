"""jieba's accurate mode (``jieba.lcut(text)``, HMM on), token for token, in about half the time.

jieba 0.42 finds the most probable path through a sentence's word graph in
three passes (``get_DAG`` builds the graph, ``calc`` the route, ``__cut_DAG``
walks it) and recognises unknown words with a Viterbi pass over the BMES
states (``finalseg``).  ``Segmenter`` does the same arithmetic with fewer
Python operations:

- one dictionary of the prefix dictionary's entries whose value is the word's
  log-probability (``log(freq) - log(total)``, computed once; ``None`` for a
  prefix that is no word), so each step of the graph costs one lookup, and the
  graph and the route are built in the same right-to-left pass (the table is
  about as large as jieba's own: some 30 MB for its 500,000 entries);
- the Viterbi pass written out for the four states with back-pointers, and its
  words remembered for each run of characters (``HMM_MEMO`` runs at most): the
  runs jieba hands to the HMM are short and recur (一是, 要把, 我县, place and
  people's names; 42 % of them are repeats within the seeds' 83,000 characters
  alone).

Every float is computed by the same operations in the same order as jieba's,
and every tie is broken the same way (jieba's ``max`` over ``(score, index)``
or ``(probability, state)`` tuples), so the tokens are identical; the tests
compare them with ``jieba.lcut`` on the seeds, a test archive and random text.
The table is rebuilt when jieba's dictionary changes (``add_word`` with a
frequency, ``del_word``, ``initialize``; drafter itself never changes it after loading).
"""

from __future__ import annotations

import threading
from math import log
from typing import Any

_MISSING = object()
_STATE_INDEX = {"B": 0, "M": 1, "E": 2, "S": 3}  # order of a back-pointer step in ``_viterbi_words``
HMM_MEMO = 50_000  # runs whose HMM words are remembered (cleared when full)


class Segmenter:
    """``lcut(text)`` equal to ``tokenizer.lcut(text)`` for an initialised ``jieba.Tokenizer`` (``jieba.dt``)."""

    def __init__(self, tokenizer: Any) -> None:
        import jieba
        from jieba import finalseg

        self._jieba = jieba
        self._dt = tokenizer
        self._finalseg = finalseg
        self._seen: tuple[int, int, int, int] | None = None
        self._words: dict[str, float | None] = {}
        self._single = 0.0
        self._lock = threading.Lock()
        start, trans, emit = finalseg.start_P, finalseg.trans_P, finalseg.emit_P
        self._start = (start["B"], start["M"], start["E"], start["S"])
        self._emit = (emit["B"], emit["M"], emit["E"], emit["S"])
        self._trans = trans
        self._memo: dict[str, list[str]] = {}
        self.refresh()

    def _state(self) -> tuple[int, int, int, int]:
        dt = self._dt
        return id(dt.FREQ), dt.total, len(dt.FREQ), len(self._finalseg.Force_Split_Words)

    def refresh(self) -> None:
        """Take the dictionary as it is now (automatic after ``add_word`` with a frequency, ``del_word`` and
        ``initialize``; call it after setting a word's frequency to 0 by hand)."""
        with self._lock:
            dt = self._dt
            logtotal = log(dt.total)
            logs: dict[int, float] = {}  # one float object per distinct frequency
            words: dict[str, float | None] = {}
            for word, freq in dt.FREQ.items():
                if freq:
                    got = logs.get(freq)
                    if got is None:
                        got = logs[freq] = log(freq) - logtotal
                    words[word] = got
                else:
                    words[word] = None
            self._words = words
            self._single = log(1) - logtotal  # jieba: log(FREQ.get(char) or 1)
            self._seen = self._state()

    def lcut(self, text: str) -> list[str]:
        if self._state() != self._seen:
            self.refresh()
        jieba = self._jieba
        re_han, re_skip = jieba.re_han_default, jieba.re_skip_default
        out: list[str] = []
        for blk in re_han.split(text):
            if not blk:
                continue
            if re_han.match(blk):
                self._block(blk, out)
            else:
                for x in re_skip.split(blk):
                    if re_skip.match(x):
                        out.append(x)
                    else:
                        out.extend(x)
        return out

    def _block(self, s: str, out: list[str]) -> None:
        """jieba's ``__cut_DAG`` of one block (route and graph in one pass), tokens appended to ``out``."""
        get = self._words.get
        missing = _MISSING
        n = len(s)
        best = [0.0] * (n + 1)
        end = [0] * (n + 1)
        single = self._single
        for k in range(n - 1, -1, -1):
            frag = s[k]
            i = k + 1
            top: float | None = None
            at = 0
            while True:
                w = get(frag, missing)
                if w is missing:
                    break
                if w is not None:
                    score = w + best[i]
                    # jieba: max over (score, end) tuples in increasing end order: ties go to the longer word
                    if top is None or score >= top:
                        top = score
                        at = i
                if i >= n:
                    break
                i += 1
                frag = s[k:i]
            if top is None:
                top = single + best[k + 1]
                at = k + 1
            best[k] = top
            end[k] = at
        x = 0
        buf = ""
        while x < n:
            y = end[x]
            if y - x == 1:
                buf += s[x]
            else:
                if buf:
                    self._flush(buf, out)
                    buf = ""
                out.append(s[x:y])
            x = y
        if buf:
            self._flush(buf, out)

    def _flush(self, buf: str, out: list[str]) -> None:
        """A run of single characters: itself, its characters, or the HMM's words."""
        if len(buf) == 1:
            out.append(buf)
        elif not self._words.get(buf):
            self._hmm(buf, out)
        else:
            out.extend(buf)

    def _hmm(self, text: str, out: list[str]) -> None:
        """jieba's ``finalseg.cut``."""
        fs = self._finalseg
        force = fs.Force_Split_Words
        for blk in fs.re_han.split(text):
            if fs.re_han.match(blk):
                words = self._memo.get(blk)
                if words is None:
                    if len(self._memo) >= HMM_MEMO:
                        self._memo.clear()
                    words = self._memo[blk] = self._viterbi_words(blk)
                for word in words:
                    if word in force:
                        out.extend(word)
                    else:
                        out.append(word)
            else:
                out.extend(x for x in fs.re_skip.split(blk) if x)

    def _viterbi_words(self, obs: str) -> list[str]:
        """The words of finalseg's Viterbi pass over B, M, E, S (jieba's ``__cut``)."""
        MIN = -3.14e100  # finalseg.MIN_FLOAT
        eB, eM, eE, eS = self._emit
        t = self._trans
        tBE, tBM = t["B"]["E"], t["B"]["M"]
        tEB, tES = t["E"]["B"], t["E"]["S"]
        tME, tMM = t["M"]["E"], t["M"]["M"]
        tSB, tSS = t["S"]["B"], t["S"]["S"]
        sB, sM, sE, sS = self._start
        c = obs[0]
        vB = sB + eB.get(c, MIN)
        vM = sM + eM.get(c, MIN)
        vE = sE + eE.get(c, MIN)
        vS = sS + eS.get(c, MIN)
        back: list[tuple[str, str, str, str]] = []  # per step: previous state of B, M, E, S
        for c in obs[1:]:
            # Each state has two predecessors (finalseg.PrevStatus); on a tie jieba's max over
            # (probability, state) tuples takes the larger state letter.
            em = eB.get(c, MIN)
            a, b = vE + tEB + em, vS + tSB + em  # B from E or S
            nB, pB = (a, "E") if a > b else (b, "S")
            em = eM.get(c, MIN)
            a, b = vM + tMM + em, vB + tBM + em  # M from M or B
            nM, pM = (b, "B") if b > a else (a, "M")
            em = eS.get(c, MIN)
            a, b = vS + tSS + em, vE + tES + em  # S from S or E
            nS, pS = (b, "E") if b > a else (a, "S")
            em = eE.get(c, MIN)
            a, b = vB + tBE + em, vM + tME + em  # E from B or M
            nE, pE = (a, "B") if a > b else (b, "M")
            vB, vM, vE, vS = nB, nM, nE, nS
            back.append((pB, pM, pE, pS))
        state = "E" if vE > vS else "S"
        states = [state]
        for step in reversed(back):
            state = step[_STATE_INDEX[state]]
            states.append(state)
        states.reverse()
        words: list[str] = []
        begin = nexti = 0
        for i, pos in enumerate(states):
            if pos == "B":
                begin = i
            elif pos == "E":
                words.append(obs[begin : i + 1])
                nexti = i + 1
            elif pos == "S":
                words.append(obs[i])
                nexti = i + 1
        if nexti < len(obs):
            words.append(obs[nexti:])
        return words
