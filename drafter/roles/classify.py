"""Role labels for top-level sections: situation (认清形势), tasks (重点工作), discipline (作风纪律).

The classifier scores a section's heading (weighted most), its sub-headings and
its body against cue words per role.  The cue words are a curated prior
(``data/role_lexicon.yaml``) plus cue words MINED from the corpus
(``data/role_cues.yaml``): log-odds ratios with an informative Dirichlet prior
(Monroe et al. 2008) of words in sections labelled by the prior alone
(anchors), re-estimated once after relabelling (bootstrapping).  The mined
file is regenerated with ``python -m drafter.roles learn [PATH...]``.

Everything is deterministic: ties are broken by the fixed role order and by
the token text.  jieba is loaded lazily on first use (never at import time).
"""

from __future__ import annotations

import logging
import math
import sys
import threading
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from drafter.model import (
    ROLE_DISCIPLINE,
    ROLE_SITUATION,
    ROLE_TASKS,
    SECTION_ROLES,
    Section,
    Speech,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
USER_DICT = DATA_DIR / "userdict.txt"
LEXICON_FILE = DATA_DIR / "role_lexicon.yaml"
CUES_FILE = DATA_DIR / "role_cues.yaml"
STOPWORDS_FILE = DATA_DIR / "stopwords.txt"

# Relative weight of the evidence sources, and the amount of cue weight at which each
# source counts for about two thirds of its weight (weak evidence counts for less).
HEADING_WEIGHT = 0.55
CHILD_HEADING_WEIGHT = 0.2
BODY_WEIGHT = 0.35
HEADING_SATURATION = 2.0
CHILD_HEADING_SATURATION = 3.0
BODY_SATURATION = 6.0
# Role chosen when a section shows no cue at all (the most common role).
DEFAULT_ROLE = ROLE_TASKS
MAX_CUES = 6
# Mined cue words add evidence but never outweigh the curated prior.
MINED_MAX_WEIGHT = 1.2

Tokenizer = Callable[[str], list[str]]

_jieba_lock = threading.Lock()
_jieba_module: Any = None


def get_jieba() -> Any:
    """The jieba module, initialised once with our 政务 user dictionary."""
    global _jieba_module
    if _jieba_module is not None:
        return _jieba_module
    with _jieba_lock:
        if _jieba_module is None:
            import jieba

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            if USER_DICT.is_file():
                jieba.load_userdict(str(USER_DICT))
            _jieba_module = jieba
    return _jieba_module


def tokenize(text: str) -> list[str]:
    """jieba tokens of ``text`` (accurate mode, HMM on)."""
    return get_jieba().lcut(text)


@lru_cache(maxsize=1)
def stopwords() -> frozenset[str]:
    if not STOPWORDS_FILE.is_file():
        return frozenset()
    return frozenset(w.strip() for w in STOPWORDS_FILE.read_text("utf-8").splitlines() if w.strip())


@lru_cache(maxsize=200_000)
def is_content_token(token: str) -> bool:
    """A token that may carry meaning: two or more CJK characters, not a stop word."""
    if len(token) < 2 or token in stopwords():
        return False
    return all("\u4e00" <= c <= "\u9fff" for c in token)


# ---------------------------------------------------------------------------
# Cue model


@dataclass
class CueModel:
    """Cue word weights per role: curated prior plus mined cues."""

    weights: dict[str, dict[str, float]]
    prior: dict[str, dict[str, float]] = field(default_factory=dict)
    mined: dict[str, dict[str, float]] = field(default_factory=dict)
    _memo: dict[str, tuple[float, ...] | None] = field(default_factory=dict, repr=False)

    def weight(self, role: str, token: str) -> float:
        got = self.token_weights(token)
        return got[SECTION_ROLES.index(role)] if got else 0.0

    def token_weights(self, token: str) -> tuple[float, ...] | None:
        """Weights of a token for each role in SECTION_ROLES order; None when it is no cue.

        A compound the lexicon does not list (``优良作风``, ``自身建设``) inherits,
        damped, the weights of the cue words it contains.
        """
        memo = self._memo
        if token in memo:
            return memo[token]
        direct = tuple(self.weights.get(role, {}).get(token, 0.0) for role in SECTION_ROLES)
        result: tuple[float, ...] | None = direct if any(direct) else None
        if result is None and 3 <= len(token) <= 8:
            best = [0.0] * len(SECTION_ROLES)
            for size in range(len(token) - 1, 1, -1):
                for start in range(len(token) - size + 1):
                    part = token[start : start + size]
                    for i, role in enumerate(SECTION_ROLES):
                        w = self.weights.get(role, {}).get(part, 0.0)
                        if w > best[i]:
                            best[i] = w
            if any(best):
                result = tuple(round(0.8 * w, 3) for w in best)
        memo[token] = result
        return result


def _read_weights(path: Path) -> dict[str, dict[str, float]]:
    if not path.is_file():
        return {}
    data = yaml.safe_load(path.read_text("utf-8")) or {}
    out: dict[str, dict[str, float]] = {}
    for role in SECTION_ROLES:
        entries = data.get(role) or {}
        out[role] = {str(k): float(v) for k, v in entries.items()}
    return out


def combine(prior: dict[str, dict[str, float]], mined: dict[str, dict[str, float]]) -> CueModel:
    """Prior weights win; a mined word the prior gives to another role is ignored for this role."""
    weights: dict[str, dict[str, float]] = {}
    for role in SECTION_ROLES:
        others = {t for r in SECTION_ROLES if r != role for t in prior.get(r, {})}
        merged = {t: w for t, w in mined.get(role, {}).items() if t not in others}
        for token, w in prior.get(role, {}).items():
            merged[token] = max(w, merged.get(token, 0.0))
        weights[role] = merged
    return CueModel(weights=weights, prior=prior, mined=mined)


@lru_cache(maxsize=1)
def prior_lexicon() -> dict[str, dict[str, float]]:
    return _read_weights(LEXICON_FILE)


@lru_cache(maxsize=1)
def default_model() -> CueModel:
    """Prior lexicon + the cues mined from the seed corpus (shipped file)."""
    return combine(prior_lexicon(), _read_weights(CUES_FILE))


def prior_model() -> CueModel:
    return combine(prior_lexicon(), {})


# ---------------------------------------------------------------------------
# Features and classification


@dataclass
class SectionFeatures:
    """Token counts of a section's heading, sub-headings and body.

    ``report`` holds the body paragraphs written as a report of what was done
    (成绩: 取得、实现、增长、位居……, hardly any 要/确保/力争): their topic words
    (项目, 招商, 农业 …) describe achievements, so they count as situation evidence.
    """

    heading: Counter[str]
    child_headings: Counter[str]
    body: Counter[str]
    report: Counter[str] = field(default_factory=Counter)

    def all_tokens(self) -> Counter[str]:
        return self.heading + self.child_headings + self.body + self.report


_IMPERATIVE = frozenset(
    "要 必须 确保 力争 务必 一定要 加快 切实 坚决 抓好 抓紧 着力 狠抓 进一步 全力 不能 决不 严格 强化".split()
)
_REPORTED = frozenset(
    "取得 实现 完成 增长 提升 提高 位居 跃居 居 成效 成绩 喜人 显著 明显 顺利 突破 赢得 同比 下降 达到 了 已 已经 "
    "列 名列 增加 超过 创下 获得 荣获 被评为".split()
)
REPORT_TO_SITUATION = 0.6


def is_report(tokens: Sequence[str]) -> bool:
    """A paragraph that reports results rather than gives instructions."""
    reported = sum(map(_REPORTED.__contains__, tokens))
    imperative = sum(map(_IMPERATIVE.__contains__, tokens))
    return reported >= 3 and reported >= 2 * imperative + 2


def section_features(section: Section, tok: Tokenizer = tokenize) -> SectionFeatures:
    heading = Counter(tok(section.heading))
    child_headings: Counter[str] = Counter()
    body: Counter[str] = Counter()
    report: Counter[str] = Counter()

    def add(text: str) -> None:
        tokens = tok(text)
        (report if is_report(tokens) else body).update(tokens)

    for para in section.paragraphs:
        add(para.text)
    stack = [(child, True) for child in section.children]
    while stack:
        child, direct = stack.pop()
        (child_headings if direct else body).update(tok(child.heading))
        for para in child.paragraphs:
            add(para.text)
        stack.extend((grandchild, False) for grandchild in child.children)
    return SectionFeatures(heading, child_headings, body, report)


def score_features(
    feats: SectionFeatures, model: CueModel | None = None
) -> tuple[dict[str, float], dict[str, list[tuple[float, str]]]]:
    """Role probabilities (sum 1, or all 0 without evidence) and the cues per role.

    One pass over each part computes both the part's scores and each token's
    contribution (for the cue list); heading counts are capped at 2.
    """
    model = model or default_model()
    n = len(SECTION_ROLES)
    situation = SECTION_ROLES.index(ROLE_SITUATION)
    contrib: list[dict[str, float]] = [{} for _ in SECTION_ROLES]
    weights_of = model.token_weights
    memo = model._memo
    log = math.log

    def part(counts: Counter[str], boost: float, heading: bool, report: bool) -> list[float]:
        totals = [0.0] * n
        for token, c in counts.items():
            ws = memo.get(token, 0)
            if ws == 0:
                ws = weights_of(token)
            if not ws:
                continue
            factor = min(c, 2) if heading else 1.0 + log(c)
            cue_factor = boost * (1.0 + log(c))
            if report:
                w = max(ws) * REPORT_TO_SITUATION
                totals[situation] += w * factor
                table = contrib[situation]
                table[token] = table.get(token, 0.0) + w * cue_factor
                continue
            for i in range(n):
                w = ws[i]
                if w:
                    totals[i] += w * factor
                    table = contrib[i]
                    table[token] = table.get(token, 0.0) + w * cue_factor
        return totals

    heading = part(feats.heading, 3.0, True, False)
    children = part(feats.child_headings, 1.5, False, False)
    body = part(feats.body, 1.0, False, False)
    report = part(feats.report, 1.0, False, True)
    body = [x + y for x, y in zip(body, report, strict=True)]
    combined = [0.0] * n
    used = 0.0
    for base, saturation, scores in (
        (HEADING_WEIGHT, HEADING_SATURATION, heading),
        (CHILD_HEADING_WEIGHT, CHILD_HEADING_SATURATION, children),
        (BODY_WEIGHT, BODY_SATURATION, body),
    ):
        total = sum(scores)
        if total <= 0:
            continue
        weight = base * (1.0 - math.exp(-total / saturation))
        used += weight
        for i in range(n):
            combined[i] += weight * scores[i] / total
    probs = {r: (combined[i] / used if used > 0 else 0.0) for i, r in enumerate(SECTION_ROLES)}
    cues = {
        role: sorted(((v, t) for t, v in contrib[i].items()), key=lambda x: (-x[0], x[1]))
        for i, role in enumerate(SECTION_ROLES)
    }
    return probs, cues


def decide(probs: dict[str, float], cues: dict[str, list[tuple[float, str]]]) -> tuple[str, list[str], float]:
    if not any(probs.values()):
        return DEFAULT_ROLE, [], 0.0
    role = max(SECTION_ROLES, key=lambda r: (probs[r], -SECTION_ROLES.index(r)))
    return role, [t for _, t in cues[role][:MAX_CUES]], round(probs[role], 3)


def classify_features(feats: SectionFeatures, model: CueModel | None = None) -> tuple[str, list[str], float]:
    probs, cues = score_features(feats, model)
    return decide(probs, cues)


def classify_section(
    section: Section, model: CueModel | None = None, tok: Tokenizer = tokenize
) -> tuple[str, list[str], float]:
    """(role, cues that decided it, confidence in [0, 1]) for a top-level section."""
    return classify_features(section_features(section, tok), model)


# Conventional order of a speech: the first section usually assesses the situation and the
# last one usually turns to style and discipline.  A small nudge, applied by ``label_speech``
# only (``classify_section`` sees one section without its neighbours).
FIRST_SECTION_PRIOR = {ROLE_SITUATION: 0.08}
LAST_SECTION_PRIOR = {ROLE_DISCIPLINE: 0.05}


def label_speech(speech: Speech, model: CueModel | None = None, tok: Tokenizer = tokenize) -> None:
    """Set ``role``, ``role_cues`` and ``role_confidence`` on each top-level section."""
    n = len(speech.sections)
    for i, section in enumerate(speech.sections):
        probs, cues = score_features(section_features(section, tok), model)
        if any(probs.values()):
            nudges: dict[str, float] = {}
            if i == 0 and n >= 2:
                nudges.update(FIRST_SECTION_PRIOR)
            if i == n - 1 and n >= 3:
                nudges.update(LAST_SECTION_PRIOR)
            if nudges:
                probs = {r: p + nudges.get(r, 0.0) for r, p in probs.items()}
                total = sum(probs.values())
                probs = {r: p / total for r, p in probs.items()}
        section.role, section.role_cues, section.role_confidence = decide(probs, cues)


def load_labelled_corpus(paths: Sequence[str | Path] | str | Path, progress=None):
    """``outline.parse_corpus`` and then ``label_speech`` on every speech."""
    from drafter.outline import parse_corpus

    if isinstance(paths, (str, Path)):
        paths = [paths]
    result = parse_corpus(list(paths), progress)
    for speech in result.speeches:
        label_speech(speech)
    return result


# ---------------------------------------------------------------------------
# Mining cue words from a corpus (log-odds with informative Dirichlet prior)


@dataclass
class LabelledDoc:
    """Token counts of one section (or sub-section) with a role and the speech it is in."""

    role: str
    counts: Counter[str]
    speech: tuple[str, int]


def log_odds(
    docs: Iterable[LabelledDoc],
    *,
    alpha0: float | None = None,
    min_z: float = 2.0,
    min_speeches: int = 2,
    top: int = 60,
) -> dict[str, dict[str, float]]:
    """Mined cue weights per role: z-scored log-odds of each word in the role vs the other roles.

    Words must be content words seen in ``min_speeches`` different speeches
    (so names of one place or one project never become cues).  The docs of one
    speech must come one after another.
    """
    per_role: dict[str, Counter[str]] = {r: Counter() for r in SECTION_ROLES}
    # Number of distinct speeches per token, counted without a set per token: the docs of one
    # speech come one after another (as every caller builds them).
    spread: Counter[str] = Counter()
    last_seen: dict[str, tuple[str, int]] = {}
    for doc in docs:
        role_counts = per_role[doc.role]
        for token, c in doc.counts.items():
            if not is_content_token(token):
                continue
            role_counts[token] += c
            if last_seen.get(token) != doc.speech:
                spread[token] += 1
                last_seen[token] = doc.speech
    total = Counter[str]()
    for counts in per_role.values():
        total.update(counts)
    n_all = sum(total.values())
    if not n_all:
        return {r: {} for r in SECTION_ROLES}
    if alpha0 is None:  # prior strength: 5 % of the corpus, between 10 and 500 pseudo-counts
        alpha0 = min(500.0, max(10.0, 0.05 * n_all))
    out: dict[str, dict[str, float]] = {}
    for role in SECTION_ROLES:
        mine_c = per_role[role]
        n_r = sum(mine_c.values())
        n_o = n_all - n_r
        scored = []
        for token, f in total.items():
            if spread[token] < min_speeches:
                continue
            a_w = alpha0 * f / n_all
            y_r = mine_c.get(token, 0)
            y_o = f - y_r
            if y_r < 2:
                continue
            delta = math.log((y_r + a_w) / (n_r + alpha0 - y_r - a_w)) - math.log(
                (y_o + a_w) / (n_o + alpha0 - y_o - a_w)
            )
            z = delta / math.sqrt(1.0 / (y_r + a_w) + 1.0 / (y_o + a_w))
            if z >= min_z:
                scored.append((z, token))
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
    from drafter.util import atomic_write

    header = (
        "# Cue words MINED from the corpus by drafter.roles.learn_cues (log-odds, bootstrapped).\n"
        "# Regenerate with: python -m drafter.roles learn [PATH...]   (default: seeds/)\n"
    )
    body = yaml.safe_dump(
        {r: mined.get(r, {}) for r in SECTION_ROLES}, allow_unicode=True, sort_keys=False, width=200
    )
    return atomic_write(path, header + body)


def _main(argv: list[str]) -> int:
    if not argv or argv[0] != "learn":
        print("用法：python -m drafter.roles learn [路径...]", file=sys.stderr)
        return 2
    from drafter.outline import parse_corpus
    from drafter.util import seeds_dir

    paths = argv[1:] or [str(seeds_dir())]
    result = parse_corpus(paths)
    mined = learn_cues(result.speeches)
    out = write_cues(mined)
    print(f"已写入 {out}：" + "，".join(f"{r} {len(mined[r])} 个" for r in SECTION_ROLES))
    return 0


__all__ = [
    "ROLE_DISCIPLINE",
    "ROLE_SITUATION",
    "ROLE_TASKS",
    "CueModel",
    "LabelledDoc",
    "SectionFeatures",
    "classify_features",
    "classify_section",
    "default_model",
    "get_jieba",
    "label_speech",
    "learn_cues",
    "load_labelled_corpus",
    "log_odds",
    "section_features",
    "tokenize",
]


if __name__ == "__main__":
    raise SystemExit(_main(sys.argv[1:]))
