"""Phrase candidates: reusable sentences of a labelled speech, with named slots and a function."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, count
from typing import Any

import yaml

from drafter.model import ROLE_CLOSING, ROLE_OPENING, ROLE_TASKS, Source, Speech
from drafter.roles import DATA_DIR, get_jieba
from drafter.text.markers import PAREN_OTHER, match_marker

FUNCTIONS_FILE = DATA_DIR / "functions.yaml"
MIN_SCORE = 0.55

# Corpus placeholders: XX, xx, X, ×× (and ×), *, ***.
_PLACEHOLDER = re.compile(r"(?<![A-Za-z0-9])(?:X{1,3}|x{2,3}|×{1,3}|\*{1,3})(?![A-Za-z0-9])")
_SENTENCE_END = re.compile(r"(?<=[。！？；!?;])")
_DIGITS = re.compile(r"\d+(?:\.\d+)?")
_MONEY_UNIT = re.compile(r"(?:多)?(?:亿元|万元|亿|万|元|千万元?)")
_COUNT_UNIT = re.compile(r"(?:个|项|家|亩|人|次|名|位|倍|吨|公里|户|座|条|件|所|批|天|月|年)")
_GENERIC_PLACES = frozenset(
    "全县 我县 该县 各县 本县 全市 我市 各市 本市 全区 我区 全镇 我镇 全省 我省 各区".split()
)
_GENERIC_OK = frozenset(
    "县委 县政府 市委 市政府 省委 省政府 中央 国务院 党中央 人大 政协 全国 国家 省里 市里 县里 京津冀".split()
)


_ANYTHING = re.compile("")
# How a placeholder is named from its context, first rule that holds: (slot name, pattern the text
# before it must end with, pattern the text after it must start with, whether the match after is absorbed).
_SLOT_RULES: tuple[tuple[str, re.Pattern[str] | None, re.Pattern[str], bool], ...] = (
    ("百分比", None, re.compile(r"[%％]"), True),
    ("上级会议", None, re.compile(r"(?:人代会|党代会|常委会|全会|会议|大会|会)"), True),
    ("金额", None, _MONEY_UNIT, True),
    ("数字", None, _COUNT_UNIT, False),  # 个 also covers 个百分点
    ("数字", re.compile(r"第$"), _ANYTHING, False),
    ("地区", None, re.compile(r"(?:县|市|区|镇|乡|省)(?![委政长直级里城])"), True),
    ("地区", re.compile(r"(?:考察|视察|亲临|奋力谱写.{0,12}|在)$"), re.compile(r"(?!同志|书记)"), False),
    ("发言人", None, re.compile(r"同志"), False),
    ("领导姓名", None, re.compile(r"(?:书记|县长|市长|省长|部长|主任|局长)"), False),
    ("产业", None, re.compile(r"产业"), False),
    ("项目名称", None, re.compile(r"(?:项目|工程)"), False),
    ("牵头单位", None, re.compile(r"(?:局|办|中心|委员会)"), False),
)


def _slot_for(before: str, after: str) -> tuple[str, int]:
    """(slot name, characters of ``after`` the slot absorbs) for a placeholder in context."""
    for name, before_pat, after_pat, absorb in _SLOT_RULES:
        if before_pat is not None and not before_pat.search(before):
            continue
        m = after_pat.match(after)
        if m is not None:
            return name, len(m.group(0)) if absorb else 0
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
        name, absorb = _slot_for(before, after)
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


@lru_cache(maxsize=1)
def _any_topic() -> re.Pattern[str]:
    """Any keyword of any task topic (综合 aside)."""
    return re.compile(
        "|".join(p.pattern for name, pats in _functions().get(ROLE_TASKS, []) if name != "综合" for p in pats)
    )


def classify_function(role: str, text: str) -> str | None:
    """The function of a sentence in a part with ``role``.

    For tasks the topic with the most keyword hits wins (ties: file order);
    for the other roles the first function in file order that matches.
    """
    funcs = _functions().get(role, [])
    if role == ROLE_TASKS and _any_topic().search(text):  # (no topic word: every count below is 0)
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
    import jieba.posseg as pseg  # after get_jieba(): importing posseg loads jieba's dictionary (~1 s)

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
    ends = [*compress(count(), map(_END_TOKENS.__contains__, tokens))]  # indexes of the end tokens
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


class _TokenMemo(dict[str, Any]):
    """``memo[token]``: ``fn(token)``, computed once per token (a plain dict lookup after that; cleared
    when it holds ``limit`` tokens, so memory stays bounded whatever the corpus)."""

    def __init__(self, fn: Callable[[str], Any], limit: int = 200_000) -> None:
        super().__init__()
        self.fn = fn
        self.limit = limit

    def __missing__(self, tok: str) -> Any:
        if len(self) >= self.limit:
            self.clear()
        got = self[tok] = self.fn(tok)
        return got


def _is_specific(tok: str) -> bool:
    """A proper noun or a word jieba does not know (names, places, companies, projects)."""
    if len(tok) < 2 or tok in _GENERIC_OK or tok in _GENERIC_PLACES:
        return False
    tags, freq = _tag_table()
    if tags.get(tok) in _SPECIFIC_TAGS or tok not in freq:
        return True
    return len(tok) >= 3 and tok[-1] in "县市镇乡区村"


_SPECIFIC = _TokenMemo(_is_specific)


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
    four = [*map(len, tokens)].count(4)
    specific = sum(map(_SPECIFIC.__getitem__, tokens))
    score -= 0.22 * specific
    if _FIRST_PERSON.search(sentence):
        score -= 0.25
    score += min(0.15, 0.04 * four)
    return max(0.0, min(1.0, round(score, 3)))


def _strip_leading_marker(sentence: str) -> str:
    """The sentence without the enumeration marker it starts with (一是 第一， 首先， （一） 1.), by the one
    marker grammar (``drafter.text.markers``); a paren that is no marker (``（略）``) stays."""
    m = match_marker(sentence)
    if m is None or m.kind == PAREN_OTHER:
        return sentence
    return m.rest.lstrip("，,：: ")


# ---------------------------------------------------------------------------
# Review mode: what the writer's library offers for review (issue: candidates worth reviewing)

# Host and agenda lines: 「下面，请姚局长讲话，大家欢迎！」, 「会议进行第二项」.
_AGENDA = re.compile(
    r"请.{0,12}(?:讲话|致辞|发言|作.{0,10}报告|宣读|上台|领奖)|大家欢迎|掌声|(?:会议|大会)(?:进行|议程|到此)|"
    r"进行第.项|下面(?:请|由|进行)|现在(?:请|开会|开始)|散会|休会|主持人"
)
# First-person singular (述职): 我 not followed by a collective (我们, 我县, 我市 ...).
_FIRST_PERSON_SINGULAR = re.compile(
    r"我(?![们县市区镇乡省国局委部院校厅党司办所])|本人|笔者|自己的(?:工作|述职)"
)
_CAPTION = re.compile(
    r"摄影?[:：]|^图为|图片|记者|来源[:：]|编辑[:：]|责任编辑|点击|延伸阅读|阅读原文|扫码|二维码|转载|供图|原标题|视频"
)
_SENTENCE_END_CHARS = "。！？；!?;"
_PAIRS = (("“", "”"), ("（", "）"), ("(", ")"), ("《", "》"), ("「", "」"), ("‘", "’"))
_PAIR_CHARS = re.compile("[" + re.escape("".join(a + b for a, b in _PAIRS)) + "]")
_DATE = re.compile(
    r"(?:\d{4}|[〇零一二三四五六七八九]{4})年(?:\d{1,2}月(?:\d{1,2}日)?)?|\d{1,2}月\d{1,2}日|\d{1,2}月(?:份|底|初|中旬|上旬|下旬)"
)
_PERCENT = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|个百分点)")
_MONEY = re.compile(r"\d+(?:\.\d+)?(?:多)?(?:亿|万|千万)?元")
_NUMBER = re.compile(r"\d+(?:\.\d+)?(?:多)?(?:千万|万|亿)?")
_PERSON_TAGS = frozenset(("nr", "nrt", "nrfg"))
_CJK_ONLY = re.compile(r"^[\u3400-\u9fff]+$")
_ANY_DIGIT = re.compile(r"\d")
_SLOT_MARK = re.compile(r"\{\{ ([^{}]+?) \}\}")
# Private-use characters stand for a slot between the two passes of ``generalise``.
_MARK = {"姓名": "\ue000", "地区": "\ue001", "单位": "\ue002", "日期": "\ue003", "年份": "\ue004",
         "百分比": "\ue005", "金额": "\ue006", "数字": "\ue007"}  # fmt: skip
_UNMARK = {v: k for k, v in _MARK.items()}
_MARK_RE = re.compile("[" + "".join(_MARK.values()) + "]")
TARGET_FUNCTION = re.compile(r"目标|力争|确保.{0,12}(?:达到|完成|增长|突破)")


# Sentences that lean on the one before (「对此，…」「这些…」) or talk to one person (「你…」) do not stand alone.
_LEANS_BACK = re.compile(
    r"^(?:并且|而且|但是|但|所以|因此|对此|为此|这些|这个|这样|这就|此外|其中|比如|例如|特别是|尤其是|他们|他|她)|你"
)


def is_junk(sentence: str) -> bool:
    """Host or agenda lines, first-person 述职 sentences, captions and fragments: not worth reviewing."""
    if _AGENDA.search(sentence) or _FIRST_PERSON_SINGULAR.search(sentence) or _CAPTION.search(sentence):
        return True
    if _LEANS_BACK.search(sentence):
        return True
    if sentence[-1] not in _SENTENCE_END_CHARS or sentence[0] in "，、；：,;:)）”’》":
        return True
    return _PAIR_CHARS.search(sentence) is not None and any(
        sentence.count(a) != sentence.count(b) for a, b in _PAIRS
    )


_TITLES = frozenset(
    "同志 书记 副书记 县长 副县长 市长 副市长 省长 副省长 区长 副区长 镇长 乡长 主任 副主任 局长 副局长 部长 "
    "副部长 厅长 处长 科长 校长 院长 董事长 总经理 主席 副主席".split()
)
_PLACE_END = "县市区镇乡村省州旗盟"
_NOT_PLACE_END = re.compile(
    r"(?:开发区|工业区|示范区|试验区|经济区|功能区|城区|社区|景区|园区|片区|保护区|农村|乡村|新村|城市|都市|超市|地区)$"
)
_ORG_END = re.compile(r"(?:公司|集团|银行|大学|学院|医院|中学|小学|研究院|研究所|合作社|协会|商会)$")
_NOT_NAME_START = frozenset("各全副本该这那其每诸等有")


@lru_cache(maxsize=200_000)
def _token_kind(tok: str, before_title: bool) -> str | None:
    """The slot a token stands for: a name before a title, a named place, a named organisation; or None."""
    if len(tok) < 2 or tok in _GENERIC_OK or tok in _GENERIC_PLACES or not _CJK_ONLY.match(tok):
        return None
    if before_title and len(tok) <= 3 and tok[0] not in _NOT_NAME_START:
        tags, freq = _tag_table()
        if tags.get(tok) in _PERSON_TAGS or tok not in freq:
            return "姓名"
    if len(tok) >= 3 and tok[-1] in _PLACE_END and tok[0] not in "各全我本该老新城市县区乡镇在":
        tags, freq = _tag_table()
        if (tags.get(tok) == "ns" or tok not in freq) and not _NOT_PLACE_END.search(tok):
            return "地区"
    if len(tok) >= 5 and _ORG_END.search(tok):
        tags, freq = _tag_table()
        if tok not in freq:
            return "单位"
    return None


class _Kinds:
    """The slot kind of tokens out of context (``_token_kind(tok, False)``), each token weighed once.

    Hardly any token has a kind, so the tokens seen and the few with a kind are kept apart: a sentence
    whose tokens are all known and kindless is answered by two set operations.  Cleared past ``limit``
    tokens (bounded memory whatever the corpus).
    """

    def __init__(self, limit: int = 200_000) -> None:
        self.limit = limit
        self.seen: set[str] = set()
        self.kind: dict[str, str] = {}

    def __call__(self, tokens: list[str]) -> list[str | None]:
        if not self.seen.issuperset(tokens):
            if len(self.seen) >= self.limit:
                self.seen.clear()
                self.kind.clear()
            for tok in set(tokens).difference(self.seen):
                self.seen.add(tok)
                got = _token_kind(tok, False)
                if got:
                    self.kind[tok] = got
        if self.kind.keys().isdisjoint(tokens):
            return [None] * len(tokens)
        return [*map(self.kind.get, tokens)]


_PLAIN_KINDS = _Kinds()


def _kinds(tokens: list[str]) -> list[str | None]:
    """The slot each token stands for (``_token_kind``; a token before a title may be a name), or None."""
    kinds = _PLAIN_KINDS(tokens)
    if not _TITLES.isdisjoint(tokens):
        for i in range(len(tokens) - 1):
            if tokens[i + 1] in _TITLES:
                kinds[i] = _token_kind(tokens[i], True)
    return kinds


def generalise(sentence: str, tokens: list[str]) -> tuple[str, list[str], list[str]]:
    """People, places, organisations, dates and figures as named slots.

    Returns (text with ``{{ 名称 }}`` slots, slot names in order, the tokens left as text).
    A second slot of the same kind is numbered: ``{{ 地区 }}`` … ``{{ 地区2 }}``.
    """
    kinds = _kinds(tokens)
    if any(kinds):
        kept = [tok for tok, kind in zip(tokens, kinds, strict=True) if kind is None]
        parts = [tok if kind is None else _MARK[kind] for tok, kind in zip(tokens, kinds, strict=True)]
    else:
        kept = parts = tokens
    text = "".join(parts).strip()

    def date(m: re.Match[str]) -> str:
        return _MARK["年份"] if m.group(0).endswith("年") else _MARK["日期"]

    if _ANY_DIGIT.search(text):
        text = _DATE.sub(date, text)
        text = _PERCENT.sub(_MARK["百分比"], text)
        text = _MONEY.sub(_MARK["金额"], text)
        text = _NUMBER.sub(_MARK["数字"], text)
    text, placeholder_names = slotify(text)
    if len(kept) == len(tokens) and not placeholder_names and not _MARK_RE.search(text):
        return text, [], kept
    seen: Counter[str] = Counter()
    names: list[str] = []

    def unmark(m: re.Match[str]) -> str:
        name = _UNMARK[m.group(0)]
        seen[name] += 1
        full = name if seen[name] == 1 else f"{name}{seen[name]}"
        names.append(full)
        return "{{ " + full + " }}"

    text = _MARK_RE.sub(unmark, text)
    # Placeholders (XX) were numbered on their own: renumber every slot in reading order.
    if placeholder_names:
        names = []
        seen.clear()

        def renumber(m: re.Match[str]) -> str:
            base = re.sub(r"\d+$", "", m.group(1))
            seen[base] += 1
            full = base if seen[base] == 1 else f"{base}{seen[base]}"
            names.append(full)
            return "{{ " + full + " }}"

        text = _SLOT_MARK.sub(renumber, text)
    return text, names, kept


def review_function(role: str, function: str, text: str) -> tuple[str, list[str]]:
    """(function from the phrasebank's vocabulary, topics): a task topic is a topic, never a function."""
    if role != ROLE_TASKS:
        return function, []
    topics = [function] if function != "综合" else []
    return ("目标任务" if TARGET_FUNCTION.search(text) else "部署任务"), topics


def paragraph_candidates(
    text: str, role: str, source: Source, tok: Callable[[str], list[str]], *, review: bool = False
) -> list[Candidate]:
    """Phrase candidates from one paragraph of a part with a known role.

    With ``review`` (the writer's library), junk is dropped, names, places,
    organisations, dates and figures become slots, and functions come from the
    phrasebank's vocabulary (a task's topic goes to ``topics``).
    """
    out = []
    line = source.line
    for raw, raw_tokens in _sentences_with_tokens(tok(text)):
        sentence = _strip_leading_marker(raw)
        if len(sentence) < 10 or len(sentence) > 120:
            continue
        tokens = (
            raw_tokens
            if len(raw) == len(sentence)
            else _drop_prefix_tokens(raw_tokens, len(raw) - len(sentence))
        )
        if review:
            if is_junk(sentence):
                continue
            slotted, names, kept = generalise(sentence, tokens)
            if len(names) > 3:
                continue
            plain = _SLOT_MARK.sub("某", slotted)
            score = _score_sentence(plain, kept, len(names))
        else:
            slotted, names = slotify(sentence)
            score = _score_sentence(sentence, tokens, len(names))
        if score < MIN_SCORE:
            continue
        function = classify_function(role, slotted)
        if function is None:
            continue
        if review:
            function, topics = review_function(role, function, slotted)
        else:
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


def speech_candidates(
    speech: Speech, tok: Callable[[str], list[str]], *, review: bool = False
) -> list[Candidate]:
    out: list[Candidate] = []

    def src(line: int) -> Source:
        return Source(speech.source, speech.index, line)

    for para in speech.opening:
        out.extend(paragraph_candidates(para.text, ROLE_OPENING, src(para.line), tok, review=review))
    for sec in speech.sections:
        role = sec.role or ROLE_TASKS
        for node in sec.iter_sections():
            for para in node.paragraphs:
                out.extend(paragraph_candidates(para.text, role, src(para.line), tok, review=review))
    for para in speech.closing:
        out.extend(paragraph_candidates(para.text, ROLE_CLOSING, src(para.line), tok, review=review))
    return out


_NON_TEXT = re.compile(r"[\s\u3000]+")


def fix_lines(cands: list[Candidate], raw_lines: dict[int, str], reach: int = 60) -> None:
    """Point each candidate at the source line where its sentence starts.

    A paragraph repaired from hard-wrapped lines starts on one line but a
    sentence of it may start on a later one.
    """
    bare: dict[int, str] = {}  # line -> its text without spaces (the candidates of a paragraph share lines)
    for c in cands:
        probe = _NON_TEXT.sub("", c.original)[:8]
        if not probe:
            continue
        for line in range(c.source.line, c.source.line + reach):
            text = bare.get(line)
            if text is None and line in raw_lines:
                text = bare[line] = _NON_TEXT.sub("", raw_lines[line])
            if text is not None and probe in text:
                c.source = Source(c.source.file, c.source.speech, line)
                break
