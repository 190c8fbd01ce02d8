"""The phrase engine's picker: per-phrasebank data, heading queries and deterministic phrase choice.

Each (sub)heading becomes a query: the topics its words name (县城 -> 城乡建设), the function they
call for (问责 -> 督查问责), and its character bigrams weighted by rarity in the phrasebank.  Phrases
are ranked by that relevance, the meeting type's preferred and avoided words, then by id, so the
result is deterministic; a phrase is never used twice, and a phrase that would repeat a run of
REPEAT_WINDOW characters already in the draft (after filling its slots) is skipped.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from drafter.drafting.render import AUTO_SLOTS
from drafter.drafting.suggest.context import clash_words, meeting_context
from drafter.drafting.suggest.kinds import meeting_descriptors, misnames_meeting, naming_words
from drafter.drafting.suggest.tables import (
    FUNCTION_HINTS,
    MEETING_PROFILES,
    SYNONYMS,
    TOPIC_HINTS,
    TOPIC_ORDER,
    meeting_override,
    meeting_profile,
)
from drafter.drafting.templates import TemplateInfo
from drafter.model import (
    MEETING_FIELDS,
    DraftItem,
    Phrase,
)
from drafter.phrasebank import bigrams, searchable_text
from drafter.phrasebank.layers import Phrasebank
from drafter.text import optional_slots

REPEAT_WINDOW = 10  # lint's repeated-phrase looks for 12 characters; stay clear of it
_SLOT_TAG_RE = re.compile(r"\{\{-?\s*([^\s{}|]+?)\s*-?\}\}")
_TAG_RE = re.compile(r"\{%.*?%\}|\{#.*?#\}", re.S)
_WORDS_RE = re.compile(r"[^\W_]+")
_STOP_SPLIT_RE = re.compile(r"[。！？；!?;\n]+")
_PLACEHOLDER_RE = re.compile(r"X{2,}|x{2,}|\*{1,}|××|【待补")
_QUICK_SLOT_RE = re.compile(
    r"\{\{-?\s*([^\s{}|.\[\]()~+*/%-]+)|\{%-?\s*(?:el)?if\s+(?:not\s+)?([^\s{}|.\[\]()%-]+)"
)


def _looks_placeholder(text: str) -> bool:
    return bool(_PLACEHOLDER_RE.search(text or ""))


def _grams(text: str, size: int = REPEAT_WINDOW) -> set[str]:
    """Runs of ``size`` letters (punctuation dropped, never across a sentence end), as lint compares them."""
    out: set[str] = set()
    for sentence in _STOP_SPLIT_RE.split(text.lower()):
        plain = "".join(_WORDS_RE.findall(sentence))
        out.update(plain[i : i + size] for i in range(len(plain) - size + 1))
    return out


@dataclass
class _Entry:
    """What the picker knows of a phrase regardless of the meeting."""

    phrase: Phrase
    plain: str  # text without slots and tags
    terms: frozenset[str]  # character bigrams of ``plain``
    slots: tuple[str, ...]  # slots that must be filled (optional ones left out)
    placeholder: bool


@dataclass
class _Base:
    entries: list[_Entry]
    by_role: dict[str, list[_Entry]]
    idf: dict[str, float]
    topic_counts: dict[tuple[str, str], dict[str, int]]  # (role, function) -> topic -> count


_BASE_CACHE: list[
    tuple[Phrasebank | None, dict[str, Phrase], int, _Base]
] = []  # (phrasebank, its phrases dict, count, base)


def base_for(phrasebank: Phrasebank | None) -> _Base:
    """Per-phrasebank data (bigrams, rarity of each bigram), built once and reused on every keypress."""
    phrases = phrasebank.phrases if phrasebank is not None else {}
    for pb, table, count, base in _BASE_CACHE:
        if pb is phrasebank and table is phrases and count == len(phrases):
            return base
    entries = []
    df: dict[str, int] = {}
    topic_counts: dict[tuple[str, str], dict[str, int]] = {}
    for phrase in sorted(phrases.values(), key=lambda p: p.id):
        plain = searchable_text(phrase.text)
        terms = frozenset(t for t in bigrams(plain) if len(t) == 2)
        for t in terms:
            df[t] = df.get(t, 0) + 1
        optional = (
            optional_slots(phrase.text) if "{%" in phrase.text or " if " in phrase.text else frozenset()
        )
        # Slot names without compiling (the phrasebank loader has already checked the Jinja syntax).
        names = [a or b for a, b in _QUICK_SLOT_RE.findall(phrase.text)]
        names = list(dict.fromkeys(n for n in names if n not in ("not", "true", "false", "none", "loop")))
        entries.append(
            _Entry(
                phrase,
                plain,
                terms,
                tuple(n for n in names if n not in optional),
                _looks_placeholder(phrase.text),
            )
        )
        counts = topic_counts.setdefault((phrase.role, phrase.function), {})
        for t in phrase.topics:
            counts[t] = counts.get(t, 0) + 1
    n = max(1, len(entries))
    idf = {t: math.log(1.0 + n / (c + 0.5)) for t, c in df.items()}
    by_role: dict[str, list[_Entry]] = {}
    for entry in entries:
        by_role.setdefault(entry.phrase.role, []).append(entry)
    base = _Base(entries, by_role, idf, topic_counts)
    _BASE_CACHE.insert(0, (phrasebank, phrases, len(phrases), base))
    del _BASE_CACHE[2:]
    return base


@dataclass
class Query:
    """What a heading asks for."""

    terms: dict[str, float] = field(default_factory=dict)  # bigram -> weight
    topics: tuple[str, ...] = ()  # topics its words name (a phrase should have one of them)
    keywords: tuple[str, ...] = ()  # the words that named them (found in a phrase's text: a bonus)
    functions: dict[str, float] = field(default_factory=dict)  # function -> bonus
    hard_topics: bool = True  # only phrases with one of ``topics`` while there are any
    words: tuple[str, ...] = ()  # the heading's own word (the X of a heading set) and its synonyms


def hint_pairs(text: str, table: tuple[tuple[str, str], ...]) -> list[tuple[str, str]]:
    """(word, value) pairs of ``table`` whose word occurs in ``text`` (a word inside a longer hit is skipped)."""
    found: list[tuple[str, str]] = []
    for word, value in table:
        if word in text and not any(word in w and word != w for w, _ in found):
            found.append((word, value))
    return found


def _own_words(text: str, item: str) -> tuple[str, ...]:
    """A heading's own word (the X of a heading set), the hint words in it, and their synonyms."""
    words: list[str] = []
    if item != text or len(item) <= 4:
        words.append(item)
    hinted = [w for w, _ in hint_pairs(item, TOPIC_HINTS) + hint_pairs(item, FUNCTION_HINTS)]
    for word in (*SYNONYMS, *hinted):
        if word in item:
            words += [word, *SYNONYMS.get(word, ())]
    return tuple(w for w in dict.fromkeys(words) if len(w) >= 2)


class Picker:
    """Deterministic, meaning-aware phrase choice for suggestions; never the same phrase twice."""

    def __init__(
        self, phrasebank: Phrasebank | None, meeting: Mapping[str, str], info: TemplateInfo | None = None
    ):
        self._bigrams = bigrams
        self.pb = phrasebank
        self.meeting = {k: v for k, v in meeting.items() if v}
        self.base = base_for(phrasebank)
        meta = info.meta if info is not None else {}
        override = meeting_override(info, meeting) if info is not None else {}
        self.profile = meeting_profile(meeting)
        prefer = [str(w) for w in override.get("prefer") or []]
        template_prefer = [str(w) for w in meta.get("prefer") or []]
        if self.profile is not None:
            prefer += list(self.profile.prefer)
        # Words that tie a sentence to another kind of meeting (交帐 at a 全体会议, 防汛 at a 动员大会)
        # are avoided unless this meeting's type or name has them, or its kind prefers them (the
        # template's own preference counts only when the meeting type names no known kind).
        meeting_text = " ".join(str(meeting.get(k) or "") for k in ("会议类型", "会议名称"))
        exempt = set(prefer) if self.profile is not None else set(prefer + template_prefer)
        avoid = [str(w) for w in meta.get("avoid") or []] + [m for p in MEETING_PROFILES for m in p.marks]
        avoid = [w for w in avoid if w not in meeting_text and w not in exempt]
        prefer = [w for w in prefer + template_prefer if w not in avoid]
        self.prefer = list(dict.fromkeys(prefer))
        self.avoid = list(dict.fromkeys(avoid))
        self.used: set[str] = set()
        self.used_grams: set[str] = set()
        self.clash = clash_words(meeting_context(meeting))
        self.naming = naming_words(phrasebank) if phrasebank is not None else ()
        self._static: dict[str, tuple[float, dict[str, str] | None]] = {}
        registry = getattr(phrasebank, "slots", {}) or {}
        self.examples = {name: getattr(slot, "example", "") for name, slot in registry.items()}
        self.meeting_query = self.query(
            " ".join(str(meeting.get(k) or "") for k in ("会议类型", "会议名称")), topics=False
        )

    # -- slot values and repeats

    def values_for(self, entry: _Entry) -> dict[str, str] | None:
        """Slot values a suggestion fills from examples; None if a slot cannot be filled."""
        declared = {s.name: s.example for s in entry.phrase.slots}
        values: dict[str, str] = {}
        for name in entry.slots:
            if name in MEETING_FIELDS or name in AUTO_SLOTS or self.meeting.get(name):
                continue
            if re.search(r"第\{\{\s*" + re.escape(name) + r"\s*\}\}次", entry.phrase.text):
                # An ordinal of the meeting (第{{ 数字 }}次全体会议) comes from its name or not at all:
                # an example value would contradict 会议名称.
                m = re.search(
                    r"第([一二三四五六七八九十百零〇两\d]+)次", str(self.meeting.get("会议名称") or "")
                )
                if not m:
                    return None
                values[name] = m.group(1)
                continue
            example = declared.get(name) or self.examples.get(name)
            if not example or _looks_placeholder(example):
                return None
            values[name] = example
        return values

    def static_score(self, entry: _Entry) -> tuple[float, dict[str, str] | None]:
        """The part of a phrase's score that does not depend on the heading, and its slot values."""
        text = entry.plain
        score = (
            0.6 * self.relevance(entry, self.meeting_query)
            + 0.5 * min(2, sum(w in text for w in self.prefer))
            - 3.0 * sum(w in text for w in self.avoid)
        )
        return score, self.values_for(entry)

    def _filled(self, entry: _Entry, values: Mapping[str, str]) -> str:
        """The phrase roughly as it will read (slots filled with values, meeting fields or examples)."""

        def value(m: re.Match[str]) -> str:
            name = m.group(1)
            return str(values.get(name) or self.meeting.get(name) or self.examples.get(name) or name)

        return _TAG_RE.sub("", _SLOT_TAG_RE.sub(value, entry.phrase.text))

    def remember(self, text: str) -> None:
        """Text now in the draft (a heading, a picked phrase): later picks must not repeat it."""
        self.used_grams |= _grams(text)

    def repeats(self, text: str) -> bool:
        """Whether ``text`` repeats the draft, or says what this meeting's date or level rules out."""
        if any(w in text for w in self.clash):
            return True
        if misnames_meeting(meeting_descriptors(text), self.meeting, self.naming):
            return True
        return bool(self.used_grams) and not self.used_grams.isdisjoint(_grams(text))

    # -- relevance

    def query(
        self,
        text: str,
        item: str = "",
        *,
        topics: bool = True,
        functions: bool = False,
        extra_topics: Iterable[str] = (),
    ) -> Query:
        """The query of a heading ``text`` whose own words are ``item`` (the X of a heading set)."""
        item = item or text
        weights = self._term_weights(text, item)
        found_topics = hint_pairs(item, TOPIC_HINTS) + hint_pairs(text, TOPIC_HINTS) if topics else []
        topic_list = list(dict.fromkeys([t for _, t in found_topics] + list(extra_topics)))
        keywords = tuple(dict.fromkeys(w for w, _ in found_topics))
        fn: dict[str, float] = {}
        if functions:
            for _, function in hint_pairs(item, FUNCTION_HINTS) + hint_pairs(text, FUNCTION_HINTS):
                fn.setdefault(function, 1.5 if not fn else 1.0)
        return Query(weights, tuple(topic_list), keywords, fn, words=_own_words(text, item))

    def _term_weights(self, text: str, item: str) -> dict[str, float]:
        """Bigram -> weight: rarity in the phrasebank, the item's own words counting double, synonyms 0.7."""
        weights: dict[str, float] = {}
        idf = self.base.idf
        for words, weight in ((text, 0.5), (item, 1.0)):
            for term in self._bigrams(words):
                if len(term) == 2 and term in idf:
                    weights[term] = max(weights.get(term, 0.0), weight * idf[term])
        for word, others in SYNONYMS.items():
            if word in item:
                for other in others:
                    for term in self._bigrams(other):
                        if len(term) == 2 and term in idf:
                            weights.setdefault(term, 0.7 * idf[term])
        return weights

    def relevance(self, entry: _Entry, q: Query | None) -> float:
        if q is None:
            return 0.0
        score = 0.0
        if q.terms:
            total = sum(q.terms.values())
            score += 3.0 * sum(w for t, w in q.terms.items() if t in entry.terms) / total
        if q.topics:
            score += 4.0 * min(2, sum(1 for t in entry.phrase.topics if t in q.topics))
        elif entry.phrase.topics:
            score -= 0.5  # a topic-specific sentence where no topic was asked for
        if q.keywords and any(k in entry.plain for k in q.keywords):
            score += 1.5
        if q.words and any(w in entry.plain for w in q.words):
            score += 2.5
        score += q.functions.get(entry.phrase.function, 0.0)
        return score

    def pick(
        self,
        role: str,
        function: str | Iterable[str] | None = None,
        query: Query | None = None,
        roles: Iterable[str] = (),
        *,
        minimum: float | None = None,
        slot: str | None = None,
    ) -> DraftItem | None:
        """The best unused phrase of ``role`` (then of ``roles``), of one of ``function``, for ``query``.

        With ``minimum``, only a phrase at least that relevant is taken; with ``slot``, only a phrase
        using that slot (None if there is none).
        """
        if isinstance(function, str):
            functions: set[str] | None = {function}
        else:
            functions = set(function) if function is not None else None
        candidates = [
            e
            for r in dict.fromkeys((role, *roles))
            for e in self.base.by_role.get(r, ())
            if e.phrase.id not in self.used
            and not e.placeholder
            and (functions is None or e.phrase.function in functions)
            and (slot is None or slot in e.slots)
        ]
        if query is not None and query.topics and query.hard_topics:
            on_topic = [e for e in candidates if any(t in query.topics for t in e.phrase.topics)]
            candidates = on_topic or candidates
        scored = []
        for entry in candidates:
            static = self._static.get(entry.phrase.id)
            if static is None:
                static = self._static[entry.phrase.id] = self.static_score(entry)
            base, values = static
            if values is None:
                continue
            relevance = self.relevance(entry, query)
            if minimum is not None and relevance < minimum:
                continue
            scored.append(
                (
                    (
                        0 if entry.phrase.role == role else 1,
                        -round(relevance + base, 6),
                        len(values),
                        entry.phrase.id,
                    ),
                    entry,
                    values,
                )
            )
        scored.sort(key=lambda x: x[0])
        for _, entry, values in scored:
            filled = self._filled(entry, values)
            if self.repeats(filled):
                continue
            self.used.add(entry.phrase.id)
            self.remember(filled)
            return DraftItem(phrase=entry.phrase.id, values=dict(values))
        return None

    def topics(self, role: str, functions: Iterable[str], preferred: Iterable[str] = ()) -> list[str]:
        """Topics with phrases of ``role``/``functions``: ``preferred`` first, then TOPIC_ORDER, then by count."""
        counts: dict[str, int] = {}
        for function in functions:
            for t, c in self.base.topic_counts.get((role, function), {}).items():
                counts[t] = counts.get(t, 0) + c
        order = list(dict.fromkeys([*preferred, *TOPIC_ORDER]))
        ordered = [t for t in order if counts.get(t)]
        ordered += sorted((t for t in counts if t not in order), key=lambda t: (-counts[t], t))
        return ordered
