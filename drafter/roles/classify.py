"""Role labels for top-level sections: situation (认清形势), tasks (重点工作), discipline (作风纪律).

The classifier scores a section's heading (weighted most), its sub-headings and
its body against cue words per role; heading phrases that name a role whatever the topic
(``drafter.roles.headings``) and the section's position in the speech add evidence.  The cue words are a curated prior
(``data/role_lexicon.yaml``) plus cue words MINED from the corpus
(``data/role_cues.yaml``): log-odds ratios with an informative Dirichlet prior
(Monroe et al. 2008) of words in sections labelled by the prior alone
(anchors), re-estimated once after relabelling (bootstrapping).  The mined
file is regenerated with ``python -m drafter.roles learn [PATH...]``.

Everything is deterministic: ties are broken by the fixed role order and by
the token text.  jieba is loaded lazily on first use (never at import time: importing it costs about a second).
"""

from __future__ import annotations

import logging
import math
import threading
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import filterfalse
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
from drafter.outline import parse_corpus
from drafter.roles.headings import heading_rule
from drafter.roles.segment import Segmenter

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
            # Imported here: jieba measured 0.17-0.24 s to import, which every command would pay at
            # start-up (initialize() below is another 1-2.6 s, paid only by the commands that tokenize).
            import jieba

            jieba.setLogLevel(logging.WARNING)
            jieba.initialize()
            if USER_DICT.is_file():
                jieba.load_userdict(str(USER_DICT))
            _jieba_module = jieba
    return _jieba_module


_segmenter: Segmenter | None = None


def get_segmenter() -> Segmenter:
    """The one ``Segmenter`` over our initialised jieba (built once: about 0.2 s)."""
    global _segmenter
    if _segmenter is None:
        jieba = get_jieba()
        with _jieba_lock:
            if _segmenter is None:
                _segmenter = Segmenter(jieba.dt)
    return _segmenter


def tokenize(text: str) -> list[str]:
    """jieba tokens of ``text`` (accurate mode, HMM on: ``jieba.lcut(text)``, token for token)."""
    return get_segmenter().lcut(text)


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


def read_weights(path: Path) -> dict[str, dict[str, float]]:
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
    return read_weights(LEXICON_FILE)


@lru_cache(maxsize=1)
def default_model() -> CueModel:
    """Prior lexicon + the cues mined from the seed corpus (shipped file)."""
    return combine(prior_lexicon(), read_weights(CUES_FILE))


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


class _Scorer:
    """Scores the parts of a section against the cue model, keeping each token's contribution."""

    def __init__(self, model: CueModel):
        self.model = model
        self.contrib: list[dict[str, float]] = [{} for _ in SECTION_ROLES]
        self.situation = SECTION_ROLES.index(ROLE_SITUATION)

    def part(self, counts: Counter[str], boost: float, heading: bool, report: bool) -> list[float]:
        """Role totals of one part; heading counts are capped at 2, a report's cues go to situation.

        Each cue token adds ``weight * factor`` to its roles' totals and ``weight * cue`` to its
        contribution (for the cue list).
        """
        totals = [0.0] * len(SECTION_ROLES)
        memo = self.model._memo
        for token in [*filterfalse(memo.__contains__, counts)]:  # weigh each new token once (fills the memo)
            self.model.token_weights(token)
        contrib = self.contrib
        situation = self.situation
        log = math.log
        for token in filter(memo.get, counts):  # the cue tokens, in the order of ``counts``
            ws = memo[token]
            c = counts[token]
            damped = 1.0 + log(c)
            factor = min(c, 2) if heading else damped
            cue = boost * damped
            if report:
                w = max(ws) * REPORT_TO_SITUATION
                totals[situation] += w * factor
                table = contrib[situation]
                table[token] = table.get(token, 0.0) + w * cue
                continue
            for i, w in enumerate(ws):
                if w:
                    totals[i] += w * factor
                    table = contrib[i]
                    table[token] = table.get(token, 0.0) + w * cue
        return totals

    def cues(self) -> dict[str, list[tuple[float, str]]]:
        return {
            role: sorted(((v, t) for t, v in self.contrib[i].items()), key=lambda x: (-x[0], x[1]))
            for i, role in enumerate(SECTION_ROLES)
        }


def _combine_parts(parts: Sequence[tuple[float, float, list[float]]]) -> dict[str, float]:
    """Weighted mix of the parts' role shares; a part with little evidence weighs less."""
    n = len(SECTION_ROLES)
    combined = [0.0] * n
    used = 0.0
    for base, saturation, scores in parts:
        total = sum(scores)
        if total <= 0:
            continue
        weight = base * (1.0 - math.exp(-total / saturation))
        used += weight
        for i in range(n):
            combined[i] += weight * scores[i] / total
    return {r: (combined[i] / used if used > 0 else 0.0) for i, r in enumerate(SECTION_ROLES)}


def score_features(
    feats: SectionFeatures, model: CueModel | None = None
) -> tuple[dict[str, float], dict[str, list[tuple[float, str]]]]:
    """Role probabilities (sum 1, or all 0 without evidence) and the cues per role.

    One pass over each part computes both the part's scores and each token's
    contribution (for the cue list); heading counts are capped at 2.
    """
    scorer = _Scorer(model or default_model())
    heading = scorer.part(feats.heading, 3.0, True, False)
    children = scorer.part(feats.child_headings, 1.5, False, False)
    body = scorer.part(feats.body, 1.0, False, False)
    report = scorer.part(feats.report, 1.0, False, True)
    body = [x + y for x, y in zip(body, report, strict=True)]
    probs = _combine_parts(
        (
            (HEADING_WEIGHT, HEADING_SATURATION, heading),
            (CHILD_HEADING_WEIGHT, CHILD_HEADING_SATURATION, children),
            (BODY_WEIGHT, BODY_SATURATION, body),
        )
    )
    return probs, scorer.cues()


def decide(probs: dict[str, float], cues: dict[str, list[tuple[float, str]]]) -> tuple[str, list[str], float]:
    if not any(probs.values()):
        return DEFAULT_ROLE, [], 0.0
    role = max(SECTION_ROLES, key=lambda r: (probs[r], -SECTION_ROLES.index(r)))
    return role, [t for _, t in cues[role][:MAX_CUES]], round(probs[role], 3)


def classify_features(feats: SectionFeatures, model: CueModel | None = None) -> tuple[str, list[str], float]:
    probs, cues = score_features(feats, model)
    return decide(probs, cues)


# Weight of a heading rule (``drafter.roles.headings``) against the cue-word probabilities (sum 1).
RULE_WEIGHT = 1.5
RULE_ONLY_CONFIDENCE = 0.6


def _apply_rule(
    heading: str, probs: dict[str, float], cues: dict[str, list[tuple[float, str]]]
) -> tuple[dict[str, float], dict[str, list[tuple[float, str]]]]:
    """Add the evidence of a heading phrase that names the section's role."""
    got = heading_rule(heading)
    if got is None:
        return probs, cues
    role, phrase = got
    cues = {**cues, role: [(math.inf, phrase), *[c for c in cues[role] if c[1] != phrase]]}
    if not any(probs.values()):
        return {r: (RULE_ONLY_CONFIDENCE if r == role else 0.0) for r in probs}, cues
    raised = {r: p + (RULE_WEIGHT if r == role else 0.0) for r, p in probs.items()}
    total = sum(raised.values())
    return {r: p / total for r, p in raised.items()}, cues


def classify_section(
    section: Section, model: CueModel | None = None, tok: Tokenizer = tokenize
) -> tuple[str, list[str], float]:
    """(role, cues that decided it, confidence in [0, 1]) for a top-level section."""
    probs, cues = score_features(section_features(section, tok), model)
    return decide(*_apply_rule(section.heading, probs, cues))


# Conventional order of a speech: the first section usually assesses the situation, the middle ones
# set tasks and the last one turns to style and discipline.  The position is evidence applied by
# ``label_speech`` only (``classify_section`` sees one section without its neighbours).
FIRST_SECTION_PRIOR = {ROLE_SITUATION: 0.08}
MIDDLE_SECTION_PRIOR = {ROLE_TASKS: 0.04}
LAST_SECTION_PRIOR = {ROLE_DISCIPLINE: 0.06}


def position_prior(i: int, n: int) -> dict[str, float]:
    """Nudges for the ``i``-th of ``n`` top-level sections."""
    if i == 0 and n >= 2:
        return FIRST_SECTION_PRIOR
    if i == n - 1 and n >= 3:
        return LAST_SECTION_PRIOR
    if 0 < i < n - 1:
        return MIDDLE_SECTION_PRIOR
    return {}


def _nudge(probs: dict[str, float], nudges: dict[str, float]) -> dict[str, float]:
    if not nudges or not any(probs.values()):
        return probs
    raised = {r: p + nudges.get(r, 0.0) for r, p in probs.items()}
    total = sum(raised.values())
    return {r: p / total for r, p in raised.items()}


def label_speech(speech: Speech, model: CueModel | None = None, tok: Tokenizer = tokenize) -> None:
    """Set ``role``, ``role_cues`` and ``role_confidence`` on each top-level section."""
    n = len(speech.sections)
    for i, section in enumerate(speech.sections):
        probs, cues = score_features(section_features(section, tok), model)
        probs = _nudge(probs, position_prior(i, n))
        probs, cues = _apply_rule(section.heading, probs, cues)
        section.role, section.role_cues, section.role_confidence = decide(probs, cues)


def load_labelled_corpus(paths: Sequence[str | Path] | str | Path, progress=None):
    """``outline.parse_corpus`` and then ``label_speech`` on every speech."""
    if isinstance(paths, (str, Path)):
        paths = [paths]
    result = parse_corpus(list(paths), progress)
    for speech in result.speeches:
        label_speech(speech)
    return result
