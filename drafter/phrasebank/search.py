"""Phrase search: an inverted index of character bigrams, queried with jieba words.

The index is built once per phrase list and reused for every query.  Each
phrase contributes the set of CJK character bigrams (and ASCII words) of its
text, and separately of its metadata (function, topics, role label), so that
a query such as 作风 ranks entries whose function is 作风要求 first.  A query
is split into the same terms; a phrase scores the IDF weight of each term it
contains, plus a bonus for every jieba word of the query (and the whole
query) found verbatim in its text.  Query bigrams that occur nowhere (a typo:
招商引姿, 作分) are widened to the known bigrams that share one character at
the same position, at a reduced weight — the fuzzy fallback.  Single
characters are matched by a substring scan.
"""

from __future__ import annotations

import logging
import math
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from functools import lru_cache

from drafter.model import ROLE_LABELS, Block, Phrase

_SLOT_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\}", re.S)
_RUN_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]+|[a-z0-9]+")
_CJK_RE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")

# Weights of the parts of a score.
_META_WEIGHT = 0.6  # a term found in function/topics/role label
_WORD_BONUS = 0.5  # a jieba word of the query found verbatim in the text
_WHOLE_BONUS = 1.0  # the whole query found verbatim in the text
_FUZZY_WEIGHT = 0.45  # a bigram one character away from a query bigram
_FUZZY_MAX_VARIANTS = 12


def searchable_text(text: str) -> str:
    """The phrase text without Jinja markup (slot names are not content)."""
    return _SLOT_RE.sub(" ", text)


def _runs(text: str) -> list[str]:
    return _RUN_RE.findall(text.lower())


def bigrams(text: str) -> set[str]:
    """CJK character bigrams of each run, ASCII words whole, single-character runs as themselves."""
    out: set[str] = set()
    for run in _runs(text):
        if len(run) == 1 or not _CJK_RE.match(run):
            out.add(run)
            continue
        for i in range(len(run) - 1):
            out.add(run[i : i + 2])
    return out


def jaccard(a: set[str], b: set[str]) -> float:
    if not a and not b:
        return 1.0
    inter = len(a & b)
    return inter / (len(a) + len(b) - inter)


@dataclass
class Hit:
    """A search result: the phrase (or block) and its score (0..1, higher is better)."""

    phrase: Phrase | Block
    score: float

    @property
    def kind(self) -> str:
        """``"block"`` for a paragraph block, ``"phrase"`` for a phrase."""
        return "block" if isinstance(self.phrase, Block) else "phrase"


_jieba_ready = False


def _jieba_words(query: str) -> list[str]:
    """jieba words (length >= 2) of the query; a plain split if jieba is unavailable."""
    return list(_jieba_words_cached(query))


@lru_cache(maxsize=1024)
def _jieba_words_cached(query: str) -> tuple[str, ...]:
    global _jieba_ready
    try:
        # Imported here: jieba costs ~230 ms at start-up (python -X importtime) and only a search needs it.
        import jieba
    except ImportError:  # pragma: no cover - jieba is a dependency
        return tuple(r for r in _runs(query) if len(r) >= 2)
    if not _jieba_ready:
        jieba.setLogLevel(logging.WARNING)
        _jieba_ready = True
    words = []
    for run in _runs(query):
        if len(run) < 2:
            continue
        for word in jieba.lcut_for_search(run):
            if len(word) >= 2 and word not in words:
                words.append(word)
    return tuple(words)


def warm_up() -> None:
    """Load jieba's dictionary now (about half a second) rather than on the first query."""
    _jieba_words_cached("招商引资工作")


def _post(postings: dict[str, list[int]], terms: Iterable[str], doc: int) -> None:
    """Append ``doc`` to the posting list of each term."""
    for term in terms:
        lst = postings.get(term)
        if lst is None:
            postings[term] = [doc]
        else:
            lst.append(doc)


class PhraseIndex:
    """Inverted index over a list of phrases; build once, then ``search`` many times."""

    def __init__(self, phrases: Iterable[Phrase] | dict[str, Phrase]):
        if isinstance(phrases, dict):
            phrases = phrases.values()
        self.phrases: list[Phrase] = list(phrases)
        self._texts: list[str] = []
        self._metas: list[str] = []
        self._postings: dict[str, list[int]] = {}
        self._meta_postings: dict[str, list[int]] = {}
        self._by_first: dict[str, list[str]] = {}
        self._by_second: dict[str, list[str]] = {}
        self._by_role: dict[str, set[int]] = {}
        self._by_function: dict[str, set[int]] = {}
        self._by_topic: dict[str, set[int]] = {}
        lengths = []
        postings = self._postings
        meta_postings = self._meta_postings
        for doc, phrase in enumerate(self.phrases):
            text = searchable_text(phrase.text).lower()
            self._texts.append(text)
            lengths.append(len(text))
            _post(postings, bigrams(text), doc)
            meta = " ".join([phrase.function, *phrase.topics, ROLE_LABELS.get(phrase.role, "")])
            self._metas.append(meta)
            _post(meta_postings, bigrams(meta), doc)
            self._by_role.setdefault(phrase.role, set()).add(doc)
            self._by_function.setdefault(phrase.function, set()).add(doc)
            for topic in phrase.topics:
                self._by_topic.setdefault(topic, set()).add(doc)
        for term in postings:
            if len(term) == 2 and _CJK_RE.match(term):
                self._by_first.setdefault(term[0], []).append(term)
                self._by_second.setdefault(term[1], []).append(term)
        n = max(1, len(self.phrases))
        self._n = n
        avg = (sum(lengths) / n) if lengths else 1.0
        # Mild length normalisation: long passages should not win just by containing more.
        self._norm = [1.0 / (0.75 + 0.25 * (length / avg if avg else 1.0)) ** 0.5 for length in lengths]
        self._max_norm = max(self._norm, default=1.0)

    def __len__(self) -> int:
        return len(self.phrases)

    def _idf(self, df: int) -> float:
        return math.log(1.0 + self._n / (df + 0.5))

    def _allowed(self, role: str | None, function: str | None, topic: str | None) -> set[int] | None:
        allowed: set[int] | None = None
        for value, table in ((role, self._by_role), (function, self._by_function), (topic, self._by_topic)):
            if not value:
                continue
            docs = table.get(value, set())
            allowed = set(docs) if allowed is None else allowed & docs
        return allowed

    def search(
        self,
        query: str,
        role: str | None = None,
        function: str | None = None,
        topic: str | None = None,
        limit: int = 20,
    ) -> list[Hit]:
        """Phrases matching ``query`` (best first), filtered by role, function and topic.

        An empty query lists the phrases passing the filters in their order, with score 0.
        """
        allowed = self._allowed(role, function, topic)
        limit = max(0, int(limit))
        query = (query or "").strip().lower()
        if not _runs(query):
            docs = range(len(self.phrases)) if allowed is None else sorted(allowed)
            return [Hit(self.phrases[d], 0.0) for d in list(docs)[:limit]]
        scores: dict[int, float] = {}
        total, fuzzy = self._score_terms(bigrams(query), scores)
        total = self._score_fuzzy(fuzzy, scores, total)
        if not scores:
            return []
        if allowed is not None:
            scores = {d: s for d, s in scores.items() if d in allowed}
        ranked = self._rank(query, scores, total, limit)
        best = (total * (1 + _META_WEIGHT + _WHOLE_BONUS + _WORD_BONUS) * self._max_norm) or 1.0
        return [Hit(self.phrases[doc], round(min(1.0, score / best), 4)) for score, doc in ranked[:limit]]

    def _score_terms(self, terms: Iterable[str], scores: dict[int, float]) -> tuple[float, list[str]]:
        """Add each indexed query term's weight to the documents holding it; (the total weight, unknown terms)."""
        total = 0.0
        fuzzy: list[str] = []
        for term in terms:
            plist = self._postings.get(term)
            mlist = self._meta_postings.get(term)
            if len(term) == 1:
                # A single character: substring scan (rare; not worth a unigram index).
                w = self._idf(len(self.phrases) // 4 + 1)
                total += w
                wm = w * _META_WEIGHT
                for doc, text in enumerate(self._texts):
                    if term in text:
                        scores[doc] = scores.get(doc, 0.0) + w
                for doc, meta in enumerate(self._metas):
                    if term in meta:
                        scores[doc] = scores.get(doc, 0.0) + wm
                continue
            if not plist and not mlist:
                fuzzy.append(term)
                continue
            w = self._idf(len(plist or ()) + len(mlist or ()) // 4)
            total += w
            get = scores.get
            for doc in plist or ():
                scores[doc] = get(doc, 0.0) + w
            wm = w * _META_WEIGHT
            for doc in mlist or ():
                scores[doc] = get(doc, 0.0) + wm
        return total, fuzzy

    def _score_fuzzy(self, fuzzy: list[str], scores: dict[int, float], total: float) -> float:
        """Score bigrams not in the index by their indexed variants sharing a character; the new total."""
        for term in fuzzy:
            variants = [v for v in self._by_first.get(term[0], ()) if v != term]
            variants += [v for v in self._by_second.get(term[1], ()) if v != term]
            variants.sort(key=lambda v: -len(self._postings[v]))
            variants = variants[:_FUZZY_MAX_VARIANTS]
            if not variants:
                continue
            total += self._idf(1) * _FUZZY_WEIGHT
            for variant in variants:
                plist = self._postings[variant]
                w = self._idf(len(plist)) * _FUZZY_WEIGHT / math.sqrt(len(variants))
                for doc in plist:
                    scores[doc] = scores.get(doc, 0.0) + w
        return total

    def _rank(
        self, query: str, scores: dict[int, float], total: float, limit: int
    ) -> list[tuple[float, int]]:
        """(score, doc) best first, with verbatim bonuses for the best candidates, length-normalised."""
        shortlist = sorted(scores, key=scores.__getitem__, reverse=True)[: max(limit * 8, 200)]
        words = _jieba_words(query) if len(query) > 2 else [query]
        compact = "".join(_runs(query))
        ranked: list[tuple[float, int]] = []
        for doc in shortlist:
            text = self._texts[doc]
            score = scores[doc]
            if compact and compact in text:
                score += _WHOLE_BONUS * total
            for word in words:
                if word in text:
                    score += _WORD_BONUS * total / max(1, len(words))
            ranked.append((score * self._norm[doc], doc))
        ranked.sort(key=lambda pair: (-pair[0], pair[1]))
        return ranked

    def similar(self, text: str, threshold: float = 0.8) -> list[tuple[Phrase, float]]:
        """Phrases whose text has a character-bigram Jaccard similarity >= threshold with ``text``."""
        target = bigrams(searchable_text(text))
        if not target:
            return []
        counts: dict[int, int] = {}
        for term in target:
            for doc in self._postings.get(term, ()):
                counts[doc] = counts.get(doc, 0) + 1
        out = []
        for doc, inter in counts.items():
            size = len(bigrams(self._texts[doc]))
            sim = inter / (len(target) + size - inter)
            if sim >= threshold:
                out.append((self.phrases[doc], round(sim, 3)))
        out.sort(key=lambda pair: -pair[1])
        return out


def naive_search(phrases: Sequence[Phrase], query: str, limit: int = 20) -> list[Phrase]:
    """Baseline for benchmarks: a plain substring scan over the texts."""
    out = []
    for phrase in phrases:
        if query in phrase.text:
            out.append(phrase)
            if len(out) >= limit:
                break
    return out
