"""Mining a labelled corpus: role structures, parallel heading sets (排比) and phrase candidates.

Two entry points:

* ``mine(speeches, progress=None)`` works on speeches already parsed (and,
  if not yet, labels them);
* ``mine_paths(paths, progress=None, workers=None, use_cache=True)`` loads a
  corpus itself: each file is read, cleaned, split, parsed, segmented once with
  jieba, labelled and searched for phrase candidates in a worker process
  (``workers`` processes, default: up to 2), and the per-file results are cached
  under the user cache dir keyed by the file's content hash.  One merge step then
  marks near-duplicates, counts structures and heading sets, and ranks phrases.

Duplicates (``speech.duplicate_of`` set) are counted once everywhere.
"""

from __future__ import annotations

import contextlib
import gc
import hashlib
import json
import math
import os
import re
import sys
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from drafter.errors import DrafterError
from drafter.model import (
    ROLE_CLOSING,
    ROLE_DISCIPLINE,
    ROLE_LABELS,
    ROLE_OPENING,
    ROLE_SITUATION,
    ROLE_TASKS,
    SECTION_ROLES,
    HeadingSet,
    Para,
    Section,
    Source,
    Speech,
)
from drafter.roles import (
    DATA_DIR,
    CueModel,
    LabelledDoc,
    default_model,
    get_jieba,
    is_content_token,
    label_speech,
    log_odds,
    tokenize,
)

Progress = Callable[[int, int, str], None] | None

CACHE_VERSION = "mine-1"
FUNCTIONS_FILE = DATA_DIR / "functions.yaml"
ROLE_ORDER = (ROLE_OPENING, ROLE_SITUATION, ROLE_TASKS, ROLE_DISCIPLINE, ROLE_CLOSING)
MIN_SCORE = 0.55
KEEP_PER_FUNCTION = 40
POOL_MIN_BYTES = 1_500_000  # below this a process pool costs more than it saves

# ---------------------------------------------------------------------------
# Parallel heading sets


_TRAILING = "。．.；;：:！!，, "
_FRAME_PUNCT = set('，,、；;：:“”"‘’《》（）() 　。')


def _clean_heading(text: str) -> str:
    return text.strip().rstrip(_TRAILING).strip()


def common_frame(headings: Sequence[str]) -> tuple[str, list[str]] | None:
    """The frame shared by sibling headings and the slot values, or None.

    ``["强化担当意识", "强化攻坚意识", "强化效率意识"]`` -> ``("强化{X}意识", ["担当", "攻坚", "效率"])``;
    ``["振奋精神抓落实", "突出重点抓落实"]`` -> ``("{X}抓落实", [...])``.  The fixed part must hold
    at least two characters (punctuation not counted); slot values are distinct and
    non-empty, and at least two characters long when the frame can give characters
    back (``提高谋事能力`` / ``提高断事能力`` -> ``提高{X}能力``, not ``提高{X}事能力``).
    """
    items_in = [_clean_heading(h) for h in headings]
    if len(items_in) < 2 or any(not h for h in items_in):
        return None
    prefix = _common_prefix(items_in)
    rev = _common_prefix([h[::-1] for h in items_in])[::-1]
    shortest = min(len(h) for h in items_in)
    p = len(prefix)
    s = len(rev)
    # Do not let prefix and suffix overlap; keep at least one character for each slot.
    if p + s >= shortest:
        s = max(0, shortest - p - 1)
        if p >= shortest:
            p = shortest - 1
            s = 0

    def values(pl: int, sl: int) -> list[str]:
        return [h[pl : len(h) - sl] for h in items_in]

    # Give characters back to the slot while some value is a single character.
    while True:
        vals = values(p, s)
        if all(len(v) >= 2 for v in vals):
            break
        if s > 0 and _fixed_len(items_in[0][len(items_in[0]) - s + 1 :]) >= 1 and s >= 2:
            s -= 1
        elif p >= 2:
            p -= 1
        else:
            break
    vals = values(p, s)
    fixed_prefix = items_in[0][:p]
    fixed_suffix = items_in[0][len(items_in[0]) - s :] if s else ""
    if _fixed_len(fixed_prefix) + _fixed_len(fixed_suffix) < 2:
        return None
    if any(not v for v in vals) or len(set(vals)) != len(vals):
        return None
    # The slot must be the varying, meaningful part: a value that is only punctuation is no slot.
    if any(_fixed_len(v) == 0 for v in vals):
        return None
    return f"{fixed_prefix}{{X}}{fixed_suffix}", vals


def _common_prefix(texts: Sequence[str]) -> str:
    first, last = min(texts), max(texts)
    n = 0
    while n < len(first) and n < len(last) and first[n] == last[n]:
        n += 1
    return first[:n]


def _fixed_len(text: str) -> int:
    return sum(1 for c in text if c not in _FRAME_PUNCT)


def _frame_runs(headings: list[str], min_len: int = 3) -> list[tuple[int, int, str, list[str]]]:
    """Maximal consecutive runs of sibling headings sharing a frame: (start, end, frame, items)."""
    n = len(headings)
    whole = common_frame(headings) if n >= min_len else None
    if whole:
        return [(0, n, whole[0], whole[1])]
    runs = []
    start = 0
    while start <= n - min_len:
        best = None
        end = start + min_len
        while end <= n:
            got = common_frame(headings[start:end])
            if not got:
                break
            best = (start, end, got[0], got[1])
            end += 1
        if best:
            runs.append(best)
            start = best[1]
        else:
            start += 1
    return runs


def _heading_sets_of(speech: Speech) -> list[tuple[HeadingSet, str]]:
    """Heading sets of one speech, with the level path they were found at (for ids)."""
    found: list[tuple[HeadingSet, str]] = []

    def visit(siblings: list[Section], role_of: Callable[[Section], str | None], where: str) -> None:
        heads = [_clean_heading(s.heading) for s in siblings]
        for start, end, frame, items in _frame_runs(heads):
            group = siblings[start:end]
            roles = Counter(role_of(s) or ROLE_TASKS for s in group)
            role = max(roles, key=lambda r: (roles[r], -SECTION_ROLES.index(r) if r in SECTION_ROLES else 0))
            hs = HeadingSet(
                id="",
                frame=frame,
                items=items,
                role=role,
                source=Source(speech.source, speech.index, group[0].line),
            )
            found.append((hs, where))
        for sec in siblings:
            if sec.children:
                parent_role = role_of(sec)
                visit(sec.children, lambda _s, r=parent_role: r, where + "/" + (sec.marker or "-"))

    visit(speech.sections, lambda s: s.role, "top")
    return found


# ---------------------------------------------------------------------------
# Structures


@dataclass
class Structure:
    """A sequence of section roles (consecutive repeats collapsed) and the speeches that show it.

    ``sequences`` holds, per speech, the roles of all its top-level sections (not collapsed).
    """

    roles: tuple[str, ...]
    count: int
    speeches: list[tuple[str, int]]
    sequences: list[tuple[str, ...]] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        out = []
        for k, (s, i) in enumerate(self.speeches):
            entry: dict[str, Any] = {"source": s, "index": i}
            if k < len(self.sequences) and self.sequences[k] != self.roles:
                entry["sections"] = list(self.sequences[k])
            out.append(entry)
        return {
            "roles": list(self.roles),
            "labels": " → ".join(ROLE_LABELS.get(r, r) for r in self.roles),
            "count": self.count,
            "speeches": out,
        }


def role_sequence(speech: Speech) -> tuple[str, ...]:
    """The roles of the speech's top-level sections, consecutive repeats collapsed."""
    seq: list[str] = []
    for sec in speech.sections:
        role = sec.role or ROLE_TASKS
        if not seq or seq[-1] != role:
            seq.append(role)
    return tuple(seq)


def structures(speeches: Iterable[Speech]) -> list[Structure]:
    """Role sequences across non-duplicate speeches, most frequent first."""
    groups: dict[tuple[str, ...], Structure] = {}
    for speech in speeches:
        if speech.duplicate_of is not None or not speech.sections:
            continue
        key = role_sequence(speech)
        st = groups.setdefault(key, Structure(key, 0, []))
        st.count += 1
        st.speeches.append((speech.source, speech.index))
        st.sequences.append(tuple(sec.role or ROLE_TASKS for sec in speech.sections))
    out = list(groups.values())
    out.sort(key=lambda s: (-s.count, s.roles))
    return out


# ---------------------------------------------------------------------------
# Phrase candidates

# Corpus placeholders: XX, xx, X, ×× (and ×), *, ***.
_PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9])(?:X{1,3}|x{2,3}|×{1,3}|\*{1,3})(?![A-Za-z0-9])")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_MONEY_UNIT = re.compile(r"^(?:多)?(?:亿元|万元|亿|万|元|千万元?)")
_COUNT_UNIT = re.compile(r"^(?:个|项|家|亩|人|次|名|位|倍|吨|公里|户|座|条|件|所|批|天|月|年)")
_LEADING_MARKER = re.compile(
    r"^(?:[一二三四五六七八九十]+[是要][，,：:]?|第[一二三四五六七八九十]+[，,、]|首先[，,]?|其次[，,]?|最后[，,]?|"
    r"[（(][一二三四五六七八九十\d]+[）)]|\d+[.．、])"
)
_GENERIC_PLACES = frozenset(
    "全县 我县 该县 各县 本县 全市 我市 各市 本市 全区 我区 全镇 我镇 全省 我省 各区".split()
)
_GENERIC_OK = frozenset(
    "县委 县政府 市委 市政府 省委 省政府 中央 国务院 党中央 人大 政协 全国 国家 省里 市里 县里 京津冀".split()
)


def _slot_for(before: str, after: str, placeholder: str) -> tuple[str, int]:
    """(slot name, characters of ``after`` the slot absorbs) for a placeholder in context."""
    if after.startswith("%") or after.startswith("％"):
        return "百分比", 1
    m = re.match(r"^(?:人代会|党代会|常委会|全会|会议|大会|会)", after)
    if m:
        return "上级会议", len(m.group(0))
    m = _MONEY_UNIT.match(after)
    if m:
        return "金额", len(m.group(0))
    if _COUNT_UNIT.match(after) or before.endswith("第") or after.startswith("个百分点"):
        return "数字", 0
    if re.match(r"^(?:县|市|区|镇|乡|省)(?![委政长直级里城])", after):
        return "地区", 1
    if re.search(r"(考察|视察|亲临|奋力谱写.{0,12}|在)$", before) and not after.startswith(("同志", "书记")):
        return "地区", 0
    if after.startswith("同志"):
        return "发言人", 0
    if re.match(r"^(?:书记|县长|市长|省长|部长|主任|局长)", after):
        return "领导姓名", 0
    if after.startswith("产业"):
        return "产业", 0
    if re.match(r"^(?:项目|工程)", after):
        return "项目名称", 0
    if re.match(r"^(?:局|办|中心|委员会)", after):
        return "牵头单位", 0
    return "名称", 0


def slotify(text: str) -> tuple[str, list[str]]:
    """Replace corpus placeholders by named Jinja slots; returns (text, slot names in order)."""
    if "X" not in text and "x" not in text and "*" not in text and "×" not in text:
        return text, []
    out: list[str] = []
    names: list[str] = []
    pos = 0
    seen: Counter[str] = Counter()
    for m in _PLACEHOLDER.finditer(text):
        if m.start() < pos:
            continue
        before = text[max(0, m.start() - 14) : m.start()]
        after = text[m.end() : m.end() + 6]
        name, absorb = _slot_for(before, after, m.group(0))
        seen[name] += 1
        if seen[name] > 1:
            name = f"{name}{seen[name]}"
        names.append(name)
        out.append(text[pos : m.start()])
        out.append("{{ " + name + " }}")
        pos = m.end() + absorb
    out.append(text[pos:])
    return "".join(out), names


@lru_cache(maxsize=1)
def _functions() -> dict[str, list[tuple[str, list[re.Pattern[str]]]]]:
    data = yaml.safe_load(FUNCTIONS_FILE.read_text("utf-8")) or {}
    out: dict[str, list[tuple[str, list[re.Pattern[str]]]]] = {}
    for role, funcs in data.items():
        out[role] = [
            (name, [re.compile("|".join(f"(?:{p})" for p in pats))]) for name, pats in (funcs or {}).items()
        ]
    return out


def classify_function(role: str, text: str) -> str | None:
    """The function of a sentence in a part with ``role``.

    For tasks the topic with the most keyword hits wins (ties: file order);
    for the other roles the first function in file order that matches.
    """
    funcs = _functions().get(role, [])
    if role == ROLE_TASKS:
        best, best_hits = None, 0
        for name, patterns in funcs:
            hits = sum(len(p.findall(text)) for p in patterns) if name != "综合" else 0
            if hits > best_hits:
                best, best_hits = name, hits
        if best:
            return best
    for name, patterns in funcs:
        if any(p.search(text) for p in patterns):
            return name
    return None


@lru_cache(maxsize=1)
def _tag_table() -> tuple[dict[str, str], dict[str, int]]:
    jieba = get_jieba()
    import jieba.posseg as pseg

    return pseg.dt.word_tag_tab, jieba.dt.FREQ


@dataclass
class Candidate:
    """A reusable sentence mined from the corpus."""

    role: str
    function: str
    text: str  # with named slots
    original: str
    score: float
    source: Source
    topics: list[str] = field(default_factory=list)
    slots: list[str] = field(default_factory=list)
    count: int = 1  # in how many (non-duplicate) speeches it occurs

    def to_data(self) -> dict[str, Any]:
        return {
            "role": self.role,
            "function": self.function,
            "text": self.text,
            "original": self.original,
            "score": self.score,
            "source": [self.source.file, self.source.speech, self.source.line],
            "topics": self.topics,
            "slots": self.slots,
        }

    @classmethod
    def from_data(cls, d: dict[str, Any]) -> Candidate:
        f, sp, ln = d["source"]
        return cls(
            role=d["role"],
            function=d["function"],
            text=d["text"],
            original=d["original"],
            score=d["score"],
            source=Source(f, sp, ln),
            topics=list(d.get("topics", [])),
            slots=list(d.get("slots", [])),
        )


_END_TOKENS = frozenset("。！？；!?;")


def _sentences_with_tokens(tokens: list[str]) -> list[tuple[str, list[str]]]:
    """Split a paragraph's tokens into sentences (so the paragraph is segmented only once)."""
    out = []
    start = 0
    ends = [i for i, t in enumerate(tokens) if t in _END_TOKENS]
    if not ends or ends[-1] != len(tokens) - 1:
        ends.append(len(tokens) - 1)
    for end in ends:
        part = tokens[start : end + 1]
        start = end + 1
        text = "".join(part).strip()
        if text:
            out.append((text, part))
    return out


def _drop_prefix_tokens(tokens: list[str], chars: int) -> list[str]:
    """The tokens left once ``chars`` leading characters (an enumeration marker) are cut off."""
    i = 0
    while chars > 0 and i < len(tokens):
        chars -= len(tokens[i])
        i += 1
    return tokens[i:]


_SPECIFIC_TAGS = frozenset(("ns", "nr", "nrt", "nrfg", "nt", "nz"))
_FIRST_PERSON = re.compile(r"[我你]们?(?:觉得|感觉|认为)|这次.{0,4}书记")


@lru_cache(maxsize=200_000)
def _is_specific(tok: str) -> bool:
    """A proper noun or a word jieba does not know (names, places, companies, projects)."""
    if len(tok) < 2 or tok in _GENERIC_OK or tok in _GENERIC_PLACES:
        return False
    tags, freq = _tag_table()
    if tags.get(tok) in _SPECIFIC_TAGS or tok not in freq:
        return True
    return len(tok) >= 3 and tok[-1] in "县市镇乡区村"


def _score_sentence(sentence: str, tokens: list[str], n_slots: int) -> float:
    """How reusable a sentence is, in [0, 1]: generic, not full of numbers, names or places."""
    length = len(sentence)
    score = 1.0
    if length < 12:
        score -= 0.4
    elif length < 16:
        score -= 0.1
    elif length > 90:
        score -= 0.45
    elif length > 65:
        score -= 0.15
    score -= 0.3 * len(_DIGITS.findall(sentence))
    score -= 0.08 * n_slots
    if n_slots > 2:
        score -= 0.2
    if "《" in sentence:
        score -= 0.15
    if score + 0.15 < MIN_SCORE:  # the bonus below cannot save it
        return max(0.0, round(score, 3))
    four = sum(1 for tok in tokens if len(tok) == 4)
    specific = sum(map(_is_specific, tokens))
    score -= 0.22 * specific
    if _FIRST_PERSON.search(sentence):
        score -= 0.25
    score += min(0.15, 0.04 * four)
    return max(0.0, min(1.0, round(score, 3)))


_MARKER_START = frozenset("一二三四五六七八九十第首其最（(0123456789")


def _strip_leading_marker(sentence: str) -> str:
    if not sentence or sentence[0] not in _MARKER_START:
        return sentence
    return _LEADING_MARKER.sub("", sentence, count=1).lstrip("，,：: ")


def paragraph_candidates(
    text: str, role: str, source: Source, tok: Callable[[str], list[str]]
) -> list[Candidate]:
    """Phrase candidates from one paragraph of a part with a known role."""
    out = []
    line = source.line
    for raw, raw_tokens in _sentences_with_tokens(tok(text)):
        sentence = _strip_leading_marker(raw)
        if len(sentence) < 10 or len(sentence) > 120:
            continue
        tokens = _drop_prefix_tokens(raw_tokens, len(raw) - len(sentence))
        slotted, names = slotify(sentence)
        score = _score_sentence(sentence, tokens, len(names))
        if score < MIN_SCORE:
            continue
        function = classify_function(role, slotted)
        if function is None:
            continue
        topics = [function] if role == ROLE_TASKS and function != "综合" else []
        out.append(
            Candidate(
                role=role,
                function=function,
                text=slotted,
                original=sentence,
                score=score,
                source=Source(source.file, source.speech, line),
                topics=topics,
                slots=names,
            )
        )
    return out


def speech_candidates(speech: Speech, tok: Callable[[str], list[str]]) -> list[Candidate]:
    out: list[Candidate] = []

    def src(line: int) -> Source:
        return Source(speech.source, speech.index, line)

    for para in speech.opening:
        out.extend(paragraph_candidates(para.text, ROLE_OPENING, src(para.line), tok))
    for sec in speech.sections:
        role = sec.role or ROLE_TASKS
        for node in sec.iter_sections():
            for para in node.paragraphs:
                out.extend(paragraph_candidates(para.text, role, src(para.line), tok))
    for para in speech.closing:
        out.extend(paragraph_candidates(para.text, ROLE_CLOSING, src(para.line), tok))
    return out


# ---------------------------------------------------------------------------
# Per-speech analysis (what a worker does), JSON-able for the cache


def _speech_to_data(speech: Speech) -> dict[str, Any]:
    def para(p: Para) -> list[Any]:
        return [p.text, p.line]

    def sec(s: Section) -> dict[str, Any]:
        return {
            "m": s.marker,
            "h": s.heading,
            "lv": s.level,
            "p": [para(p) for p in s.paragraphs],
            "c": [sec(c) for c in s.children],
            "ri": s.run_in,
            "ln": s.line,
            "r": s.role,
            "rc": s.role_cues,
            "rf": s.role_confidence,
        }

    return {
        "source": speech.source,
        "index": speech.index,
        "title": speech.title,
        "subtitle": speech.subtitle,
        "date": speech.date,
        "speaker": speech.speaker,
        "salutation": speech.salutation,
        "opening": [para(p) for p in speech.opening],
        "sections": [sec(s) for s in speech.sections],
        "closing": [para(p) for p in speech.closing],
        "warnings": list(speech.warnings),
        "announced": speech.announced_sections,
        "path": speech.path,
        "line": speech.line,
    }


def _speech_from_data(d: dict[str, Any]) -> Speech:
    def para(x: list[Any]) -> Para:
        return Para(x[0], x[1])

    def sec(x: dict[str, Any]) -> Section:
        return Section(
            marker=x["m"],
            heading=x["h"],
            level=x["lv"],
            paragraphs=[para(p) for p in x["p"]],
            children=[sec(c) for c in x["c"]],
            run_in=x["ri"],
            line=x["ln"],
            role=x["r"],
            role_cues=list(x["rc"]),
            role_confidence=x["rf"],
        )

    return Speech(
        source=d["source"],
        index=d["index"],
        title=d["title"],
        subtitle=d["subtitle"],
        date=d["date"],
        speaker=d["speaker"],
        salutation=d["salutation"],
        opening=[para(p) for p in d["opening"]],
        sections=[sec(s) for s in d["sections"]],
        closing=[para(p) for p in d["closing"]],
        warnings=list(d["warnings"]),
        announced_sections=d["announced"],
        path=d["path"],
        line=d["line"],
    )


def _role_counts(speech: Speech, tok: Callable[[str], list[str]]) -> dict[str, dict[str, int]]:
    """Content-token counts per role in one speech (tokens seen at least twice, to keep it small)."""
    per_role: dict[str, Counter[str]] = {}
    for sec in speech.sections:
        counts = per_role.setdefault(sec.role or ROLE_TASKS, Counter())
        for node in sec.iter_sections():
            counts.update(tok(node.heading))
            for para in node.paragraphs:
                counts.update(tok(para.text))
    return {
        role: {sys.intern(t): c for t, c in counts.items() if c >= 2 and is_content_token(t)}
        for role, counts in per_role.items()
    }


def analyse_speech(speech: Speech, model: CueModel | None = None, tok=None) -> dict[str, Any]:
    """Label one speech and extract what the merge step needs, segmenting each text once."""
    memo: dict[str, list[str]] = {}

    def ctok(text: str) -> list[str]:
        got = memo.get(text)
        if got is None:
            got = memo[text] = (tok or tokenize)(text)
        return got

    if any(sec.role is None for sec in speech.sections):
        label_speech(speech, model, ctok)
    return {
        "speech": speech,
        "candidates": speech_candidates(speech, ctok),
        "role_counts": _role_counts(speech, ctok),
    }


_NON_TEXT = re.compile(r"[\s\u3000]+")


def fix_lines(cands: list[Candidate], raw_lines: dict[int, str], reach: int = 60) -> None:
    """Point each candidate at the source line where its sentence starts.

    A paragraph repaired from hard-wrapped lines starts on one line but a
    sentence of it may start on a later one.
    """
    for c in cands:
        probe = _NON_TEXT.sub("", c.original)[:8]
        if not probe:
            continue
        for line in range(c.source.line, c.source.line + reach):
            text = raw_lines.get(line)
            if text is not None and probe in _NON_TEXT.sub("", text):
                c.source = Source(c.source.file, c.source.speech, line)
                break


def _file_worker(path_str: str, as_data: bool = True, cache_key: str = "") -> dict[str, Any]:
    """Read, clean, split, parse, label and mine one file; never raises.

    With ``as_data`` the result holds only JSON-able values (for the cache and
    the process pool); without, the Speech and Candidate objects themselves.
    With ``cache_key`` the (data) result is also stored in the cache, by the worker.
    """
    from drafter.corpus import clean_lines, read_document, split_speeches
    from drafter.outline import parse_speech

    path = Path(path_str)
    try:
        raw = read_document(path)
        chunks = split_speeches(clean_lines(raw), path.name, str(path))
        if not chunks:
            raise DrafterError("清理广告和空行后没有剩下任何正文", str(path))
        raw_lines = {p.line: p.text for p in raw}
        out = []
        for i, chunk in enumerate(chunks):
            speech = parse_speech(chunk, source=path.name, index=i, path=str(path))
            got = analyse_speech(speech)
            fix_lines(got["candidates"], raw_lines)
            if as_data:
                got = {
                    "speech": _speech_to_data(got["speech"]),
                    "candidates": [c.to_data() for c in got["candidates"]],
                    "role_counts": got["role_counts"],
                }
            out.append(got)
        result = {"file": path.name, "speeches": out, "error": None}
        if cache_key and as_data:
            _cache_store(cache_key, result)
        return result
    except DrafterError as exc:
        return {"file": path.name, "speeches": [], "error": [exc.message, exc.file or str(path), exc.line]}
    except Exception as exc:  # a bug on one file must not stop a folder
        return {
            "file": path.name,
            "speeches": [],
            "error": [f"内部错误，已跳过此文件：{type(exc).__name__}: {exc}", str(path), None],
        }


# ---------------------------------------------------------------------------
# Cache


def cache_dir() -> Path:
    env = os.environ.get("DRAFTER_CACHE_DIR")
    if env:
        return Path(env)
    import platformdirs

    return Path(platformdirs.user_cache_dir("drafter", appauthor=False))


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Changes whenever the parser, the labeller, the miner or their data change."""
    h = hashlib.sha256(CACHE_VERSION.encode())
    pkg = Path(__file__).resolve().parent.parent
    files = [
        p
        for name in ("corpus", "outline", "roles", "mine", "text")
        for p in sorted((pkg / name).glob("*.py"))
    ]
    files += sorted(DATA_DIR.glob("*"))
    for f in files:
        try:
            h.update(f.name.encode())
            h.update(f.read_bytes())
        except OSError:
            h.update(b"-")
    return h.hexdigest()[:16]


def _cache_key(path: Path, data: bytes) -> str:
    h = hashlib.sha256()
    h.update(_code_fingerprint().encode())
    h.update(path.name.encode("utf-8", "surrogatepass"))
    h.update(b"\0")
    h.update(data)
    return h.hexdigest()


def _cache_load(key: str) -> dict[str, Any] | None:
    f = cache_dir() / "mine" / key[:2] / f"{key}.json"
    try:
        with open(f, encoding="utf-8") as fh:
            got = json.load(fh)
    except (OSError, ValueError):
        return None
    return got if isinstance(got, dict) and "speeches" in got else None


def _cache_store(key: str, result: dict[str, Any]) -> None:
    """Write a cache entry: temp file + rename (atomic, no fsync: a lost entry only costs time)."""
    if result.get("error"):
        return
    import tempfile

    folder = cache_dir() / "mine" / key[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(result, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, folder / f"{key}.json")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return  # a cache that cannot be written only costs time


# ---------------------------------------------------------------------------
# Result and merge


@dataclass
class MineResult:
    speeches: list[Speech]
    errors: list[DrafterError]
    structures: list[Structure]
    heading_sets: list[HeadingSet]
    phrases: list[Candidate]
    role_cues: dict[str, list[tuple[str, float]]]
    stats: dict[str, Any]

    def to_dict(self) -> dict[str, Any]:
        """What ``drafter mine`` writes as YAML."""
        phrases = []
        counters: Counter[str] = Counter()
        for c in self.phrases:
            fid = _FUNCTION_IDS.get(c.function, "other")
            counters[f"{c.role}.{fid}"] += 1
            entry: dict[str, Any] = {
                "id": f"mined.{c.role}.{fid}.{counters[f'{c.role}.{fid}']:03d}",
                "role": c.role,
                "function": c.function,
                "topics": c.topics,
                "text": c.text,
                "source": {"file": c.source.file, "speech": c.source.speech, "line": c.source.line},
                "score": c.score,
            }
            if c.count > 1:
                entry["count"] = c.count
            if c.slots:
                entry["slots"] = c.slots
            phrases.append(entry)
        return {
            "stats": self.stats,
            "structures": [s.to_dict() for s in self.structures],
            "heading_sets": [
                {
                    "id": h.id,
                    "frame": h.frame,
                    "items": h.items,
                    "role": h.role,
                    "source": {"file": h.source.file, "speech": h.source.speech, "line": h.source.line}
                    if h.source
                    else None,
                }
                for h in self.heading_sets
            ],
            "role_cues": {
                r: [{"word": w, "weight": x} for w, x in self.role_cues.get(r, [])] for r in SECTION_ROLES
            },
            "phrases": phrases,
            "errors": [str(e) for e in self.errors],
        }


_FUNCTION_IDS = {
    "会议定性": "meeting-nature",
    "会议目的": "meeting-purpose",
    "回应前面发言": "response",
    "引出意见": "lead-in",
    "肯定成绩": "achievements",
    "成绩归因": "attribution",
    "转折": "turn",
    "问题不足": "problems",
    "形势机遇": "opportunities",
    "项目建设": "projects",
    "招商引资": "investment",
    "工业经济": "industry",
    "城乡建设": "urban-rural",
    "乡村振兴": "rural",
    "生态环保": "ecology",
    "财政金融": "finance",
    "营商环境": "business-env",
    "民生保障": "livelihood",
    "安全稳定": "safety",
    "社会治理": "governance",
    "科技创新": "innovation",
    "综合": "general",
    "作风要求": "style",
    "督查问责": "supervision",
    "廉政要求": "integrity",
    "号召": "call",
}


def _mark_duplicates(speeches: list[Speech]) -> None:
    from drafter.corpus import mark_duplicates

    mark_duplicates(speeches)


def _merge(
    analysed: list[tuple[Speech, list[Candidate], dict[str, dict[str, int]]]],
    errors: list[DrafterError],
    files: int,
    *,
    mark: bool,
) -> MineResult:
    speeches = [s for s, _, _ in analysed]
    if mark and len(speeches) > 1:
        _mark_duplicates(speeches)
    originals = [(s, c, rc) for s, c, rc in analysed if s.duplicate_of is None]

    # Heading sets, numbered per frame.
    heading_sets: list[HeadingSet] = []
    per_frame: Counter[str] = Counter()
    for speech, _, _ in originals:
        for hs, _where in _heading_sets_of(speech):
            per_frame[hs.role] += 1
            hs.id = f"mined.{hs.role}.set.{per_frame[hs.role]:03d}"
            heading_sets.append(hs)

    # Phrase candidates: merge identical texts, count the speeches, keep the best per function.
    by_text: dict[str, Candidate] = {}
    seen_in: dict[str, set[tuple[str, int]]] = {}
    for speech, cands, _ in originals:
        for c in cands:
            key = c.role + "\0" + c.text
            seen_in.setdefault(key, set()).add((speech.source, speech.index))
            if key not in by_text:
                by_text[key] = c
    for key, c in by_text.items():
        c.count = len(seen_in[key])
        if c.count > 1:
            c.score = min(1.0, round(c.score + 0.1 * math.log2(c.count), 3))
    grouped: dict[tuple[str, str], list[Candidate]] = {}
    for c in by_text.values():
        grouped.setdefault((c.role, c.function), []).append(c)
    phrases: list[Candidate] = []
    for role in ROLE_ORDER:
        funcs = sorted({f for r, f in grouped if r == role}, key=lambda f: _function_rank(role, f))
        for f in funcs:
            group = sorted(
                grouped[(role, f)],
                key=lambda c: (-c.score, c.source.file, c.source.speech, c.source.line, c.text),
            )
            phrases.extend(group[:KEEP_PER_FUNCTION])

    # Cue words mined from this corpus.
    docs = []
    for speech, _, rc in originals:
        for role, counts in rc.items():
            docs.append(LabelledDoc(role, Counter(counts), (speech.source, speech.index)))
    mined = log_odds(docs, top=30)
    role_cues = {r: sorted(mined.get(r, {}).items(), key=lambda x: (-x[1], x[0])) for r in SECTION_ROLES}

    by_role: Counter[str] = Counter()
    for speech, _, _ in originals:
        for sec in speech.sections:
            by_role[sec.role or ROLE_TASKS] += 1
    stats = {
        "files": files,
        "files_with_errors": len(errors),
        "speeches": len(speeches),
        "duplicates": sum(1 for s in speeches if s.duplicate_of is not None),
        "distinct_speeches": len(originals),
        "sections_by_role": {r: by_role.get(r, 0) for r in SECTION_ROLES},
        "heading_sets": len(heading_sets),
        "phrases": len(phrases),
    }
    return MineResult(
        speeches=speeches,
        errors=errors,
        structures=structures(speeches),
        heading_sets=heading_sets,
        phrases=phrases,
        role_cues=role_cues,
        stats=stats,
    )


def _function_rank(role: str, function: str) -> tuple[int, str]:
    names = [n for n, _ in _functions().get(role, [])]
    return (names.index(function) if function in names else len(names), function)


@contextlib.contextmanager
def _gc_paused():
    """Pause the cyclic garbage collector while mining.

    Mining builds many small acyclic objects (paragraphs, tokens, candidates);
    with a large corpus the collector's full passes over them cost 10-15 % of
    the run and free nothing (reference counting frees them).
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def mine(speeches: Sequence[Speech], progress: Progress = None) -> MineResult:
    """Mine speeches already parsed (labelling those not labelled yet).

    ``progress(done, total, name)`` is called after each speech.
    """
    with _gc_paused():
        return _mine_speeches(speeches, progress)


def _mine_speeches(speeches: Sequence[Speech], progress: Progress) -> MineResult:
    model = default_model()
    analysed = []
    total = len(speeches)
    for i, speech in enumerate(speeches):
        got = analyse_speech(speech, model)
        analysed.append((speech, got["candidates"], got["role_counts"]))
        if progress:
            progress(i + 1, total, speech.source)
    files = len({s.source for s in speeches})
    return _merge(analysed, [], files, mark=False)


def _pool_context():
    import multiprocessing

    methods = multiprocessing.get_all_start_methods()
    return multiprocessing.get_context("fork" if "fork" in methods else "spawn")


def mine_paths(
    paths: Sequence[str | Path] | str | Path,
    progress: Progress = None,
    *,
    workers: int | None = None,
    use_cache: bool = True,
) -> MineResult:
    """Load and mine a corpus (files or folders), in ``workers`` processes, with a per-file cache.

    Unreadable files end up in ``result.errors`` (one Chinese message per file);
    the others are mined.  Raises ``DrafterError`` only when no path exists.
    """
    with _gc_paused():
        return _mine_paths(paths, progress, workers=workers, use_cache=use_cache)


def _mine_paths(
    paths: Sequence[str | Path] | str | Path,
    progress: Progress,
    *,
    workers: int | None,
    use_cache: bool,
) -> MineResult:
    from drafter.corpus import iter_corpus_files

    if isinstance(paths, (str, Path)):
        paths = [paths]
    errors: list[DrafterError] = []
    existing = []
    for p in paths:
        if not Path(p).exists():
            errors.append(DrafterError("路径不存在", str(p)))
        else:
            existing.append(Path(p))
    files = iter_corpus_files(existing) if existing else []
    if not files and errors:
        raise DrafterError("没有可读取的语料：" + "；".join(str(e) for e in errors))
    if workers is None:
        workers = min(2, os.cpu_count() or 1)

    results: list[dict[str, Any] | None] = [None] * len(files)
    todo: list[tuple[int, Path, str]] = []
    todo_bytes = 0
    for i, f in enumerate(files):
        try:
            data = f.read_bytes()
        except OSError as exc:
            results[i] = {
                "file": f.name,
                "speeches": [],
                "error": [f"无法读取文件：{exc.strerror}", str(f), None],
            }
            continue
        key = _cache_key(f, data) if use_cache else ""
        cached = _cache_load(key) if use_cache else None
        if cached is not None:
            results[i] = cached
        else:
            todo.append((i, f, key))
            todo_bytes += len(data)

    done = len(files) - len(todo)
    total = len(files)
    if progress and done:
        progress(done, total, "（缓存）")
    if todo:
        get_jieba()  # initialise once; forked workers inherit it
        if workers > 1 and len(todo) > 1 and todo_bytes >= POOL_MIN_BYTES:
            from concurrent.futures import ProcessPoolExecutor

            with ProcessPoolExecutor(max_workers=workers, mp_context=_pool_context()) as pool:
                order = sorted(todo, key=lambda t: -t[1].stat().st_size)  # big files first
                futures = {pool.submit(_file_worker, str(f), True, key): (i, f, key) for i, f, key in order}
                from concurrent.futures import as_completed

                for fut in as_completed(futures):
                    i, f, key = futures[fut]
                    res = fut.result()
                    results[i] = res
                    done += 1
                    if progress:
                        progress(done, total, f.name)
        else:
            for i, f, key in todo:
                res = _file_worker(str(f), use_cache, key)
                results[i] = res
                done += 1
                if progress:
                    progress(done, total, f.name)

    analysed = []
    for k, res in enumerate(results):
        results[k] = None  # let the data form go as soon as it is converted
        if res is None:
            continue
        if res.get("error"):
            message, file, line = res["error"]
            errors.append(DrafterError(message, file, line))
            continue
        for item in res["speeches"]:
            if isinstance(item["speech"], Speech):
                analysed.append((item["speech"], item["candidates"], item["role_counts"]))
                continue
            speech = _speech_from_data(item["speech"])
            cands = [Candidate.from_data(c) for c in item["candidates"]]
            analysed.append((speech, cands, item["role_counts"]))
    return _merge(analysed, errors, len(files), mark=True)


__all__ = [
    "Candidate",
    "MineResult",
    "Structure",
    "cache_dir",
    "classify_function",
    "common_frame",
    "mine",
    "mine_paths",
    "role_sequence",
    "slotify",
    "structures",
]
