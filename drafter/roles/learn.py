"""Mining role cue words from a labelled corpus (log-odds with an informative Dirichlet prior).

Monroe et al. (2008): z-scored log-odds of each word in one role's sections against the other
roles'.  A cue must be a content word seen in several speeches, and *role-specific inside the
speeches it occurs in*: a topic word (学校, 学生 in a school's speeches, 粮食 in an agricultural
bureau's) runs through every section of its speech and is never learned as a role cue.
Regenerate the shipped cues with ``python -m drafter.roles learn [PATH...]``.
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

import yaml

from drafter.model import SECTION_ROLES, Speech
from drafter.outline import parse_corpus
from drafter.roles.classify import (
    CUES_FILE,
    DATA_DIR,
    MINED_MAX_WEIGHT,
    Tokenizer,
    classify_features,
    combine,
    is_content_token,
    prior_lexicon,
    prior_model,
    section_features,
    tokenize,
)
from drafter.util import atomic_write, seeds_dir

# Share of the speeches holding a word in which it stays within one role's sections.
MIN_PURITY = 0.5
TOPIC_WORDS_FILE = DATA_DIR / "topic_words.txt"


@lru_cache(maxsize=1)
def topic_words() -> frozenset[str]:
    """Curated topic words (``data/topic_words.txt``): never mined as role cues."""
    if not TOPIC_WORDS_FILE.is_file():
        return frozenset()
    lines = TOPIC_WORDS_FILE.read_text("utf-8").splitlines()
    return frozenset(w.strip() for w in lines if w.strip() and not w.startswith("#"))


@dataclass
class LabelledDoc:
    """Token counts of one section (or sub-section) with a role and the speech it is in."""

    role: str
    counts: Counter[str]
    speech: tuple[str, int]


@dataclass
class _Spread:
    """Per word: in how many speeches it occurs, and in how many of them within one role only.

    The docs of one speech come one after another, so one open speech per word is enough.
    """

    speeches: Counter[str] = field(default_factory=Counter)
    pure: Counter[str] = field(default_factory=Counter)
    _open: dict[str, tuple[tuple[str, int], set[str]]] = field(default_factory=dict)

    def see(self, token: str, speech: tuple[str, int], role: str) -> None:
        got = self._open.get(token)
        if got is not None and got[0] == speech:
            got[1].add(role)
            return
        if got is not None:
            self.pure[token] += len(got[1]) == 1
        self._open[token] = (speech, {role})
        self.speeches[token] += 1

    def close(self) -> None:
        for token, (_speech, roles) in self._open.items():
            self.pure[token] += len(roles) == 1
        self._open.clear()

    def purity(self, token: str) -> float:
        n = self.speeches[token]
        return self.pure[token] / n if n else 0.0


def _count(docs: Iterable[LabelledDoc]) -> tuple[dict[str, Counter[str]], _Spread]:
    per_role: dict[str, Counter[str]] = {r: Counter() for r in SECTION_ROLES}
    spread = _Spread()
    topics = topic_words()
    for doc in docs:
        role_counts = per_role[doc.role]
        for token, c in doc.counts.items():
            if is_content_token(token) and token not in topics:
                role_counts[token] += c
                spread.see(token, doc.speech, doc.role)
    spread.close()
    return per_role, spread


def _z_score(y_r: int, f: int, n_r: int, n_all: int, alpha0: float) -> float:
    """z-scored log-odds of a word seen ``y_r`` times in the role and ``f`` times in all."""
    a_w = alpha0 * f / n_all
    y_o = f - y_r
    n_o = n_all - n_r
    delta = math.log((y_r + a_w) / (n_r + alpha0 - y_r - a_w)) - math.log(
        (y_o + a_w) / (n_o + alpha0 - y_o - a_w)
    )
    return delta / math.sqrt(1.0 / (y_r + a_w) + 1.0 / (y_o + a_w))


def log_odds(
    docs: Iterable[LabelledDoc],
    *,
    alpha0: float | None = None,
    min_z: float = 2.0,
    min_speeches: int = 2,
    min_purity: float = MIN_PURITY,
    top: int = 60,
) -> dict[str, dict[str, float]]:
    """Mined cue weights per role: z-scored log-odds of each word in the role vs the other roles.

    Words must be content words seen in ``min_speeches`` different speeches
    (so names of one place or one project never become cues) and stay within one role's
    sections in at least ``min_purity`` of them, and not be listed in ``data/topic_words.txt``
    (so topic words never become cues).  The docs
    of one speech must come one after another.
    """
    per_role, spread = _count(docs)
    total = Counter[str]()
    for counts in per_role.values():
        total.update(counts)
    n_all = sum(total.values())
    if not n_all:
        return {r: {} for r in SECTION_ROLES}
    if alpha0 is None:  # prior strength: 5 % of the corpus, between 10 and 500 pseudo-counts
        alpha0 = min(500.0, max(10.0, 0.05 * n_all))
    eligible = [
        (t, f)
        for t, f in total.items()
        if spread.speeches[t] >= min_speeches and spread.purity(t) >= min_purity
    ]
    out: dict[str, dict[str, float]] = {}
    for role in SECTION_ROLES:
        mine_c = per_role[role]
        n_r = sum(mine_c.values())
        scored = [
            (z, t)
            for t, f in eligible
            if mine_c.get(t, 0) >= 2 and (z := _z_score(mine_c[t], f, n_r, n_all, alpha0)) >= min_z
        ]
        scored.sort(key=lambda x: (-x[0], x[1]))
        out[role] = {t: round(min(MINED_MAX_WEIGHT, z / 3.0), 3) for z, t in scored[:top]}
    return out


def learn_cues(
    speeches: Sequence[Speech],
    *,
    rounds: int = 2,
    anchor_confidence: float = 0.6,
    tok: Tokenizer = tokenize,
) -> dict[str, dict[str, float]]:
    """Mine cue words from labelled-by-bootstrap sections of ``speeches``.

    Round 1: sections the prior lexicon labels with confidence at least
    ``anchor_confidence`` are the anchors; cue words are mined from them.
    Next rounds: all sections are relabelled with prior + mined cues and the
    cue words are mined again from the confident ones.
    """
    originals = [s for s in speeches if s.duplicate_of is None]
    cache: dict[str, list[str]] = {}

    def ctok(text: str) -> list[str]:
        got = cache.get(text)
        if got is None:
            got = cache[text] = tok(text)
        return got

    feats = {id(sec): section_features(sec, ctok) for speech in originals for sec in speech.sections}
    model = prior_model()
    mined: dict[str, dict[str, float]] = {r: {} for r in SECTION_ROLES}
    for _ in range(max(1, rounds)):
        docs = []
        for speech in originals:
            key = (speech.source, speech.index)
            for sec in speech.sections:
                f = feats[id(sec)]
                role, _cues, conf = classify_features(f, model)
                if conf >= anchor_confidence:
                    docs.append(LabelledDoc(role, f.all_tokens(), key))
        mined = log_odds(docs)
        model = combine(prior_lexicon(), mined)
    return mined


def write_cues(mined: dict[str, dict[str, float]], path: Path = CUES_FILE) -> Path:
    header = (
        "# Cue words MINED from the corpus by drafter.roles.learn_cues (log-odds, bootstrapped).\n"
        "# Regenerate with: python -m drafter.roles learn [PATH...]   (default: seeds/)\n"
    )
    body = yaml.safe_dump(
        {r: mined.get(r, {}) for r in SECTION_ROLES}, allow_unicode=True, sort_keys=False, width=200
    )
    return atomic_write(path, header + body)


def main(argv: list[str]) -> int:
    """``python -m drafter.roles learn [PATH...]``: mine the cue words and write the shipped file."""
    if not argv or argv[0] != "learn":
        print("用法：python -m drafter.roles learn [路径...]", file=sys.stderr)
        return 2
    paths = argv[1:] or [str(seeds_dir())]
    result = parse_corpus(paths)
    mined = learn_cues(result.speeches)
    out = write_cues(mined)
    print(f"已写入 {out}：" + "，".join(f"{r} {len(mined[r])} 个" for r in SECTION_ROLES))
    return 0
