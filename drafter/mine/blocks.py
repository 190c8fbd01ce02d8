"""Paragraph blocks mined from real speeches, with provenance (issue 10).

From labelled, outlined speeches, the body paragraphs of 开场, 认清形势, 重点工作,
作风纪律 and 结尾 become block candidates of 120-500 characters: a longer
paragraph is cut at its 一是/二是 items (or at sentence ends) into pieces that
each make one point, never across subsections.  Each candidate keeps its
source (file, speech index, 1-based line of the line where its text starts).

Facts never stay in the text: corpus placeholders (XX, *, ×) become slots by
``candidates.slotify``; figures, percentages, money, rankings and dates become
slots by the rules here.  A candidate that stays too specific is rejected with
a reason: named people, places, organisations, projects or documents, too many
slots, first-person 述职, host and agenda lines, references to other speakers
that cannot be cut off, enumerated lists of units, facts left in the text.

Topics come from a keyword table the caller passes in (``topic_rules`` builds
it from the phrasebank's meeting kinds; mine sits below phrasebank, so it never
loads them itself).  ``blocks_yaml`` writes the blocks as a phrasebank file
(``origin: mined``), byte-stable for the same input.
"""

from __future__ import annotations

import json
import re
import warnings
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from drafter.corpus import iter_corpus_files, mark_duplicates
from drafter.errors import DrafterError
from drafter.mine.candidates import _MONEY as _MONEY_RE  # the same money, slot and name rules as candidates
from drafter.mine.candidates import _PERSON_TAGS, slotify
from drafter.mine.candidates import _SLOT_MARK as _SLOT_RE
from drafter.mine.pipeline import read_speeches
from drafter.model import (
    MEETING_FIELDS,
    ROLE_CLOSING,
    ROLE_DISCIPLINE,
    ROLE_OPENING,
    ROLE_SITUATION,
    ROLE_TASKS,
    Block,
    Fits,
    MeetingKind,
    Section,
    Slot,
    Source,
    Speech,
)
from drafter.roles import get_jieba, label_speech
from drafter.text import clean_heading, match_marker

__all__ = [
    "BLOCK_ROLES",
    "BlockMining",
    "Rejection",
    "TopicRule",
    "blocks_yaml",
    "mine_block_paths",
    "mine_blocks",
    "topic_rules",
]

MIN_CHARS = 120
MAX_CHARS = 500
MAX_SLOTS = 3
MIN_CHARS_PER_SLOT = 90  # a short paragraph full of blanks is a form, not material
HEADING_MIN = 4
HEADING_MAX = 14
ID_PREFIX = "blk.seed"
GENERAL_KIND = "general"
MIN_TOPIC_HITS = 2  # keyword hits that put a paragraph on a subject (see ``_topic``)
BLOCK_ROLES = (ROLE_OPENING, ROLE_SITUATION, ROLE_TASKS, ROLE_DISCIPLINE, ROLE_CLOSING)

FILE_HEADER = (
    "# 段落（blocks）：从自带语料 seeds/ 的真实讲话中挖掘（origin: mined），由 drafter mine blocks 生成，勿手工修改。\n"
    "# 挖掘规则（drafter/mine/blocks.py）把数字、排名、日期、占位符改成空位，舍弃仍带具体事实的段落；\n"
    "# 生成后经人工按县政府办起草人的眼光通读复核，要调整请改规则后重新生成。source 为 文件/篇序（从 0 起）/行号。\n"
    "# yaml-language-server: $schema=../schema.json\n"
)

# Prompts of the slots mined blocks use (declared in each block, so the file stands on its own).
SLOT_PROMPTS = {
    "百分比": "增速或比例（据实填写）",
    "金额": "金额（带单位，据实填写）",
    "数字": "数量（据实填写）",
    "排名": "在上级排名中的位次（据实填写）",
    "时间节点": "时间或时间节点",
    "主要指标": "主要指标的完成情况（据实写数据、增速、排位）",
    "上级会议": "要贯彻的上级会议",
    "发言人": "前面发言或作部署的同志",
    "领导姓名": "领导的姓名或称谓",
    "产业": "主导产业或特色产业名称",
    "项目名称": "项目或工程名称",
    "牵头单位": "负责牵头的部门或单位",
    "名称": "名称（据实填写）",
    "重点工作": "一项重点工作的名称",
}


@dataclass(frozen=True)
class TopicRule:
    """A keyword that puts a paragraph on ``topic``; ``kind`` names the meeting kind (for ids)."""

    keyword: str
    topic: str
    kind: str


def topic_rules(kinds: Iterable[MeetingKind]) -> list[TopicRule]:
    """The kinds' keyword -> topic table: each keyword (and the topic itself) names its kind's first topic.

    The form kinds (动员大会, 交帐亮相: their keywords name a way of meeting, not a subject)
    are left out, and so are keywords every speech uses (落实, 作风) or that say when, not
    what (上半年, 四季度).
    """
    rules: list[TopicRule] = []
    for kind in kinds:
        if not kind.topics or kind.id in _NOT_SUBJECT_KINDS:
            continue
        topic = kind.topics[0]
        rules.append(TopicRule(topic, topic, kind.id))
        for word in kind.keywords:
            if len(word) >= 2 and word not in _WEAK_KEYWORDS:
                rules.append(TopicRule(word, topic, kind.id))
    return rules


_NOT_SUBJECT_KINDS = frozenset(("mobilization", "review"))
# Keywords too common in any speech to name a subject (落实 is in every paragraph of every speech),
# and the time words of the 经济运行 kind (上半年 says when, not what).
_WEAK_KEYWORDS = frozenset(
    """落实 作风 效能 民生 健康 学校 平安 招商 冲刺 执行力 一季度 首季 半年 上半年 三季度 前三季度 年终 四季度
    调度会 分析会 经济工作""".split()
)


@dataclass(frozen=True)
class Rejection:
    """A paragraph (or piece) left out, and why (Chinese)."""

    source: Source
    reason: str
    text: str


@dataclass
class BlockMining:
    blocks: list[Block] = field(default_factory=list)
    rejected: list[Rejection] = field(default_factory=list)
    errors: list[DrafterError] = field(default_factory=list)
    speeches: int = 0

    def reasons(self) -> Counter[str]:
        return Counter(r.reason for r in self.rejected)


# --------------------------------------------------------------------------------------------
# Text rules

_SENT_RE = re.compile(r"[^。！？；!?;]*[。！？；!?;]+[”’」）)]*|[^。！？；!?;]+$")
# An enumeration item inside a paragraph: 一是 / 二要 (with its punctuation), 第三， / 其四，
_NUM = "[一二三四五六七八九十]"
_ITEM = rf"{_NUM}[是要][，,：:]?|[第其]{_NUM}[，,、：:]"
_ITEM_RE = re.compile(rf"(?<![\u4e00-\u9fff])(?:{_ITEM})")
_ITEM_AFTER_STOP_RE = re.compile(rf"(?<=[。；;：:！？])\s*(?=(?:{_ITEM}))")
# An item's title: a short first sentence (一要严明组织纪律。 -> 严明组织纪律).
_ITEM_TITLE_RE = re.compile(r"^([^，。；：,;:“”！？]{4,14})[。；：]")
_FIRST_ITEM_RE = re.compile(r"^(?:一[是要]|[第其]一[，,、：:]|首先[，,])")
_LEADING_ITEM_RE = re.compile(rf"^(?:{_ITEM}|首先[，,]|其次[，,])")
_INNER_ENUM_RE = re.compile(r"[（(][1-9一二三四五六七八九十][)）]|(?:^|[。；])\s*\d[.．、]")

# Other people at the meeting: 刚才…讲话/发言/部署, 一会儿…书记讲话.
_PRESENT_PEOPLE_RE = re.compile(
    r"(?:刚才|刚刚|方才|一会儿|稍后|等一下|待会)[^。；]{0,60}?(?:讲话|发言|部署|说明|汇报|讲了|强调|安排|作了|通报)"
)
_AGENDA_RE = re.compile(
    r"请.{0,12}(?:讲话|致辞|发言|作.{0,10}报告|宣读|上台|领奖)|大家欢迎|掌声|(?:会议|大会)(?:进行|议程|到此)|"
    r"进行第.项|下面(?:请|由|进行)|现在(?:请|开会|开始)|散会|休会|主持人|按照会议安排"
)
# First-person singular (述职, personal opinion): 我 not followed by a collective.
_FIRST_PERSON_RE = re.compile(r"(?<![舍自从不])我(?![们县市区镇乡省国局委部院校厅党司办所其十])")
# The speaker announcing the points to come (下面，我讲四点意见): only where the speech has them.
_ANNOUNCE_RE = re.compile(r"(?:下面|在此|这里)[，,]?我(?:就|再|重点)?(?:讲|强调|简单|谈)")
_ACHIEVEMENT_REF_RE = re.compile(r"这些成绩|这些成效|成绩的取得|成效的取得|肯定成绩的同时|充分肯定.{0,6}成绩")
# Sentences that cannot open a paragraph: they lean on the one before.
_LEANS_BACK_RE = re.compile(
    r"^(?:并且|而且|但是|但|所以|因此|对此|为此|这些|这个|这样|这就|这是|此外|其中|比如|例如|另外|同时|特别是|尤其是|他们|"
    r"出现这些|那种|如果那样|从[^，。]{2,8}看[，,])"
)
_DOC_RE = re.compile(r"《[^》]{2,40}》|〔\d{4}〕|\d+号文件?")
_YEAR_RE = re.compile(
    r"(?:19|20)\d{2}年?|[一二]〇[〇一二三四五六七八九]{2}年|[“\"]?[十]{1}[一二三四五六七八九]?五[”\"]?(?:规划|时期)"
)
_RANK_RE = re.compile(
    r"(?:(?:位列|位居|位次|排名|排在|跃居|跻身|进入|居)(?:全国|全省|全市|全区|省|市)?(?:第|前)?)"
    r"(?:\d+|[一二三四五六七八九十]+|\{\{ [^{}]+ \}\})(?:位|名)?|(?:全国|全省|全市)(?:第|前)(?:\d+|[一二三四五六七八九十]+)(?:位|名)?"
)
_PERCENT_RE = re.compile(r"\d+(?:\.\d+)?\s*(?:%|％|个百分点)|百分之[一二三四五六七八九十百零点]+")
_PLACEHOLDER_DATE_RE = re.compile(
    r"\{\{ 数字\d* \}\}月(?:\{\{ 数字\d* \}\}日)?(?:底|初|中旬|上旬|下旬|份)?(?:前|以来)?"
)
_FRACTION_RE = re.compile(r"[一二三四五六七八九十]+分之[一二三四五六七八九十]+")
_DATE_RE = re.compile(
    r"\d{1,2}月(?:\d{1,2}日|份|底|初|中旬|上旬|下旬)?(?:前|以来|至今)?|\d{1,2}-\d{1,2}月份?|\d{1,2}日"
)
_NUMBER_RE = re.compile(r"\d+(?:\.\d+)?(?:多|余)?(?:千万|万|亿)?")
# Enumerated units: 县发改局、县财政局、县工信局 (three or more named units in a row).
_UNIT_LIST_RE = re.compile(
    r"(?:[\u4e00-\u9fff]{1,8}(?:局|委|办|中心|公司|集团|厂|站|所|院|队|银行)、){2,}[\u4e00-\u9fff]{1,8}(?:局|委|办|中心|公司|集团|厂|站|所|院|队|银行)"
)
# Words that tie a paragraph to one speech's occasion or one place's circumstances.
_OCCASION_RE = re.compile(
    r"今天(?:上午|下午|这个会|的会议|开这个会)|今天这个会|这次会上|会上|本届政府|开局之年|刚才|刚刚|交帐亮相|交账亮相|"
    r"新常态|十二五|十三五|国际金融危机|扩大内需|苏木|三个代表|小康社会|再次强调|之前，|[十一二三四五六七八九]+届|"
    r"去年[^。]{0,24}(?:召开|发生|出台|提出|拆迁)|会战|"
    # institutions and programmes since renamed or merged (a writer would have to correct them)
    r"监察局|新型农村|新农合|科学发展观"
)
# Words naming one place's own industries, projects or brands (seen in the seeds; a gazetteer of the miner).
_LOCAL_RE = re.compile(r"特钢|标准件|广府|武深|开鲁|四域|三明|厦门|新丰|乳源")
# Claims about one place's standing that a block cannot make for another place.
_STANDING_RE = re.compile(
    r"总量小|落后位次|倒数|末位|排在|排第|仅完成|只完成|处于.{0,4}(?:落后|后列|中游|中上游|前列)|走在.{0,6}前列|全市唯一|全省唯一"
)
_SECOND_PERSON_RE = re.compile(r"你(?!们)|窟窿|千万不要|没用。")

# Words jieba tags as places (ns) that are common nouns in speeches.
_COMMON_NS = frozenset(
    """上岗 上市 上门 东西 串联 依法治国 入河 加大力度 包联 各乡镇 周边地区 城市 城建 城镇 多角度 广大干部 扎根
    文明城市 新建 新旧 新鲜 治安 法律条文 深度 满意度 满街 爱岗 美化 老城区 英雄 重建家园 镇区 镇域 京津冀 长三角
    珠三角 粤港澳 大湾区 中国 全县 全市 全省 我县 我市 我省 各县 县城 乡村 农村 社区 园区 新区 开发区""".split()
)
_GENERIC_PLACE_WORDS = frozenset(("全县", "全市", "全省", "全国", "各族", "广大"))
_TITLES = frozenset(
    """同志 书记 副书记 省长 副省长 市长 副市长 县长 副县长 区长 局长 副局长 主任 副主任 部长 厅长 处长 主席 常务
    董事长 总经理 镇长 乡长""".split()
)
_NOT_PERSON = frozenset(("习近平",))
_ORG_RE = re.compile(
    r"[\u4e00-\u9fff]{2,8}(?:公司|集团|酒业|生化|制药|纸业|大学|学院|日报|电视台|银行)(?![\u4e00-\u9fff]{0,1}(?:等|和))"
)
_GENERIC_ORG_PREFIX = re.compile(
    r"^(?:各|有关|相关|国有|民营|骨干|重点|龙头|规模|本地|外地|广大|各类|商业|金融|政策性)"
)


@lru_cache(maxsize=1)
def _posseg():
    get_jieba()  # our 政务 user dictionary first
    with warnings.catch_warnings():  # jieba.posseg's own regexes warn (invalid escapes) when first compiled
        warnings.simplefilter("ignore")
        import jieba.posseg as pseg  # loads jieba's tag dictionary (~1 s): paid only when mining blocks

    return pseg


def _proper_nouns(text: str) -> list[str]:
    """Named people (a name before a title), places and organisations: what a block must not carry."""
    plain = _SLOT_RE.sub("，", text)
    pairs = [(p.word, p.flag) for p in _posseg().lcut(plain)]
    out = []
    for i, (word, tag) in enumerate(pairs):
        if len(word) < 2:
            continue
        after = pairs[i + 1][0] if i + 1 < len(pairs) else ""
        if tag in _PERSON_TAGS and word not in _NOT_PERSON and (after in _TITLES or after[:2] in _TITLES):
            out.append(word)
        elif tag == "ns" and word not in _COMMON_NS:
            out.append(word)
        elif (
            tag in ("nz", "nr", "ns", "x")
            and after in ("人民", "大地", "儿女")
            and word not in _GENERIC_PLACE_WORDS
        ):
            out.append(word)
    for m in _ORG_RE.finditer(plain):
        if not _GENERIC_ORG_PREFIX.search(m.group(0)):
            out.append(m.group(0))
    return out


def _sentences(text: str) -> list[str]:
    return [s for s in _SENT_RE.findall(text) if s.strip()]


def _chars(text: str) -> int:
    """Characters as the phrasebank counts them: whitespace dropped, a slot counting as its name."""
    return len(re.sub(r"\s+", "", _SLOT_RE.sub(lambda m: m.group(1), text)))


def _strip_item(text: str) -> str:
    return _LEADING_ITEM_RE.sub("", text, count=1).lstrip("，,：: ")


def _pieces(text: str) -> list[str]:
    """A paragraph cut into pieces of at most MAX_CHARS that each make one point.

    Cut first at 一是/二是/第一，items that start after a sentence end (the text before the
    first item stays with it); an item still too long, or a paragraph without items, is cut
    at sentence ends into pieces of about equal length.  Pieces shorter than MIN_CHARS are
    joined to the next piece of the same paragraph when that keeps them within MAX_CHARS.
    """
    if _chars(text) <= MAX_CHARS:
        return [text]
    cuts = [m.start() for m in _ITEM_AFTER_STOP_RE.finditer(text)]
    parts: list[str] = []
    start = 0
    for cut in cuts:
        if cut > start:
            parts.append(text[start:cut])
            start = cut
    parts.append(text[start:])
    out: list[str] = []
    for part in parts:
        out.extend(_by_sentences(part) if _chars(part) > MAX_CHARS else [part])
    return [p.strip() for p in _join_short(out) if p.strip()]


def _join_short(parts: list[str]) -> list[str]:
    """Neighbouring parts of one paragraph joined while one is under MIN_CHARS and the join fits.

    An item (二是…) joins only a piece that starts with the lead-in or with the first item
    (一是…), so a piece reads 一是…二是… in order and never starts in the middle of a list.
    """
    out: list[str] = []
    for part in parts:
        if out and (_chars(out[-1]) < MIN_CHARS or _chars(part) < MIN_CHARS):
            first = out[-1].strip()
            opens_list = not _LEADING_ITEM_RE.match(first) or _FIRST_ITEM_RE.match(first)
            if _chars(out[-1] + part) <= MAX_CHARS and (
                not _LEADING_ITEM_RE.match(part.strip()) or opens_list
            ):
                out[-1] += part
                continue
        out.append(part)
    return out


def _by_sentences(text: str) -> list[str]:
    sents = _sentences(text)
    total = _chars(text)
    n = -(-total // MAX_CHARS)
    goal = total / n
    out: list[str] = []
    cur = ""
    for s in sents:
        if cur and (_chars(cur) >= goal or _chars(cur + s) > MAX_CHARS):
            out.append(cur)
            cur = ""
        cur += s
    if cur:
        out.append(cur)
    return out


def _heading(section: Section | None) -> str:
    """A subsection heading fit to be a block's heading (4-14 characters), or ''."""
    if section is None:
        return ""
    text = section.heading.strip()
    m = match_marker(text)
    if m is not None:
        text = m.rest
    text = clean_heading(text)
    clauses = [clean_heading(c) for c in re.split(r"[，,；;：:]", text) if c.strip()]
    options = [text, *clauses[::-1]]
    for option in options:
        option = re.sub(r"^要(?=..)", "", option)
        if HEADING_MIN <= len(option) <= HEADING_MAX and not re.search(r"\d|X|\*|×", option):
            return option
    return ""


def _point(heading: str, section: Section | None) -> str:
    if heading:
        return heading
    if section is None:
        return ""
    text = clean_heading(section.heading)
    return text[:HEADING_MAX]


# --------------------------------------------------------------------------------------------
# Facts -> slots


def _mark(name: str) -> str:
    return "{{ " + name + " }}"


def _facts_to_slots(text: str) -> str:
    """Rankings, percentages, money, dates and figures as slots (placeholders were done by slotify)."""
    text = _PLACEHOLDER_DATE_RE.sub(_mark("时间节点"), text)  # XX月底: slotify read XX as a count
    text = _RANK_RE.sub(_mark("排名"), text)
    text = _PERCENT_RE.sub(_mark("百分比"), text)
    text = _FRACTION_RE.sub(_mark("百分比"), text)
    text = _MONEY_RE.sub(_mark("金额"), text)
    text = _DATE_RE.sub(_mark("时间节点"), text)
    text = _NUMBER_RE.sub(_mark("数字"), text)
    return text


def _renumber(text: str) -> tuple[str, list[str]]:
    """Number repeated slot kinds in reading order: {{ 数字 }} … {{ 数字2 }}; the names in order."""
    seen: Counter[str] = Counter()
    names: list[str] = []

    def one(m: re.Match[str]) -> str:
        base = re.sub(r"\d+$", "", m.group(1))
        if base in MEETING_FIELDS:
            if base not in names:
                names.append(base)
            return _mark(base)
        seen[base] += 1
        name = base if seen[base] == 1 else f"{base}{seen[base]}"
        names.append(name)
        return _mark(name)

    return _SLOT_RE.sub(one, text), names


# --------------------------------------------------------------------------------------------
# Functions, topics, context


_FUNCTION_RULES: dict[str, tuple[tuple[str, re.Pattern[str]], ...]] = {
    ROLE_OPENING: (
        ("会议目的", re.compile(r"主要(?:目的|任务)|会议的(?:主要)?任务|中心议题|目的是|就是要")),
        ("会议定性", re.compile(r"会议|大会")),
    ),
    ROLE_SITUATION: (
        ("问题不足", re.compile(r"问题|不足|差距|短板|薄弱|困难")),
        ("肯定成绩", re.compile(r"成绩|成效|取得|实现了|进展")),
        ("形势机遇", re.compile(r"机遇|优势|有利")),
        ("增强紧迫感", re.compile(r"紧迫感|责任感|使命感|清醒|危机|忧患|不进则退")),
    ),
    ROLE_TASKS: (
        ("目标任务", re.compile(r"^(?:确保|力争).{0,20}(?:完成|达到|增长)")),
        ("部署任务", re.compile(r".")),
    ),
    ROLE_DISCIPLINE: (
        ("廉政要求", re.compile(r"廉政|廉洁|腐败|八项规定|四风")),
        ("督查问责", re.compile(r"督查|督办|问责|追责|考核|奖惩|通报")),
        ("能力要求", re.compile(r"能力|本领|学习")),
        ("责任落实", re.compile(r"责任|一把手|牵头")),
        ("作风要求", re.compile(r"作风|务实|实干|担当")),
        ("工作要求", re.compile(r".")),
    ),
    ROLE_CLOSING: (("号召", re.compile(r".")),),
}


def _function(role: str, text: str) -> str:
    counts: list[tuple[int, int, str]] = []
    for order, (name, pattern) in enumerate(_FUNCTION_RULES[role]):
        hits = len(pattern.findall(text)) if pattern.pattern != "." else 0
        counts.append((hits, -order, name))
    best = max(counts)
    if best[0] > 0:
        return best[2]
    return _FUNCTION_RULES[role][-1][0]


def _hits(text: str, rules: Sequence[TopicRule]) -> list[tuple[tuple[str, str], int]]:
    """(topic, kind) -> keyword hits in ``text``, best first (a keyword inside a longer hit not counted twice)."""
    score: Counter[tuple[str, str]] = Counter()
    for key in dict.fromkeys((r.topic, r.kind) for r in rules):
        words = sorted({r.keyword for r in rules if (r.topic, r.kind) == key}, key=len, reverse=True)
        rest = text
        for word in words:
            n = rest.count(word)
            if n:
                score[key] += n
                rest = rest.replace(word, "。")
    return sorted(score.items(), key=lambda kv: (-kv[1], kv[0]))


def _topic(role: str, heading: str, text: str, rules: Sequence[TopicRule]) -> tuple[str, str] | None:
    """The (topic, kind) a paragraph is about, or None (generic).

    The heading decides when it names a subject the text also speaks of; otherwise the text's
    leading subject counts only when it clearly leads (a tasks paragraph needs MIN_TOPIC_HITS + 1
    hits, an opening one word naming its meeting, other parts twice MIN_TOPIC_HITS + 1: a 作风
    paragraph that mentions 项目建设 once stays generic).
    """
    in_text = dict(_hits(text, rules))
    for key, _n in _hits(heading, rules):
        if in_text.get(key):
            return key
    ranked = list(in_text.items())
    if not ranked:
        return None
    (key, n), second = ranked[0], (ranked[1][1] if len(ranked) > 1 else 0)
    if role == ROLE_OPENING:  # an opening names its meeting: one naming word decides
        need = 1
    else:
        need = MIN_TOPIC_HITS + 1 if role == ROLE_TASKS else 2 * (MIN_TOPIC_HITS + 1)
    return key if n >= need and n >= 2 * second else None


# How a speech addresses its own level: a county speech may cite the city above it (全市第三、市委),
# never address the city's counties or deputies (各县（市、区）、副市长、市直各部门).
_CITY_ADDRESS = re.compile(r"各县（市、区）|各县市区|各县区|副市长|市直|市政府各")
_CITY_WORDS = re.compile(r"(?<!健)全市|我市|市领导|各县（市、区）|各县市区|各县区|副市长|市直|市政府各")
_COUNTY_WORDS = re.compile(r"(?<!健)全县|我县|县直|副县长|县政府|县委|县领导|县级领导|各乡镇|苏木乡镇")
# Any word that ties a text to a level (a block saying one carries fits.level).
_LEVEL_ANY = re.compile(
    r"(?<!健)全县|(?<!健)全市|县委|市委|县政府|市政府|副县长|副市长|各县（市、区）|县直|市直|县长|市长"
)


def _level(speech: Speech, text: str) -> str | None:
    """县 or 市: how the paragraph addresses its own level, else (when it names a level at all) the
    speech's level; None for a paragraph that fits any level."""
    if _COUNTY_WORDS.search(text):
        return "县"
    if _CITY_WORDS.search(text):
        return "市"
    if not _LEVEL_ANY.search(text):
        return None
    whole = " ".join(
        [speech.title or "", speech.speaker or ""]
        + [p.text for p in speech.opening]
        + [p.text for sec in speech.sections for node in sec.iter_sections() for p in node.paragraphs]
    )
    county = len(_COUNTY_WORDS.findall(whole)) + 3 * whole.count("县长") + 3 * whole.count("县政府")
    city = len(_CITY_WORDS.findall(whole)) + 3 * whole.count("市长") + 3 * whole.count("市人民政府")
    if county == city:
        return None
    return "县" if county > city else "市"


_PERIOD_WORDS = (
    (re.compile(r"下半年|后几个月|上半年|时间过半|双过半"), ("年中", "三季度")),
    (re.compile(r"四季度|前三季度|收官|冲刺全年"), ("三季度", "年底")),
    (re.compile(r"一季度|开门红|首季|年初以来"), ("年初", "一季度")),
)


def _period(text: str) -> tuple[str, ...]:
    for pattern, periods in _PERIOD_WORDS:
        if pattern.search(text):
            return periods
    return ()


# --------------------------------------------------------------------------------------------
# Candidates


@dataclass
class _Piece:
    role: str
    text: str
    heading: str
    point: str
    source: Source
    speech: Speech


def _speech_pieces(speech: Speech) -> list[_Piece]:
    """Every body paragraph of the speech's parts with a block role, cut into pieces, with its subsection."""
    out: list[_Piece] = []

    def add(role: str, text: str, line: int, sub: Section | None) -> None:
        heading = _heading(sub) if sub is not None else ""
        point = _point(heading, sub)
        for piece in _pieces(text.strip()):
            out.append(
                _Piece(
                    role=role,
                    text=piece,
                    heading=heading,
                    point=point,
                    source=Source(speech.source, speech.index, line),
                    speech=speech,
                )
            )

    for para in speech.opening:
        add(ROLE_OPENING, para.text, para.line, None)
    for sec in speech.sections:
        role = sec.role
        if role not in BLOCK_ROLES:
            continue
        for node in sec.iter_sections():
            sub = None if node is sec else node
            for para in node.paragraphs:
                add(role, para.text, para.line, sub)
    for para in speech.closing:
        add(ROLE_CLOSING, para.text, para.line, None)
    return out


def _trim_people(text: str) -> tuple[str, str | None]:
    """Drop a leading or trailing sentence about other people at the meeting; a reason if one is inside."""
    sents = _sentences(text)
    while sents and _PRESENT_PEOPLE_RE.search(sents[0]):
        sents.pop(0)
    while sents and (_PRESENT_PEOPLE_RE.search(sents[-1]) or _ANNOUNCE_RE.search(sents[-1])):
        sents.pop()
    rest = "".join(sents)
    if _PRESENT_PEOPLE_RE.search(rest):
        return rest, "提到在场的其他讲话人"
    return rest, None


def _lone_item(text: str) -> str:
    """A lead-in joined to the first item only (…。一要严明组织纪律。…): the lone marker goes (…。要严明…)."""
    starts = [m.end() for m in _ITEM_AFTER_STOP_RE.finditer(text) if m.end() > 0]
    if len(starts) != 1 or len(_ITEM_RE.findall(text)) != 1 or _LEADING_ITEM_RE.match(text):
        return text
    at = starts[0]
    m = _FIRST_ITEM_RE.match(text[at:])
    if m is None:
        return text
    keep = "要" if m.group(0).endswith("要") else ""
    return text[:at] + keep + text[at + m.end() :].lstrip("，,：: ")


def _judge(piece: _Piece, rules: Sequence[TopicRule]) -> tuple[Block | None, str, str]:
    """The block a piece makes (None and a reason when it is rejected), and its kind for the id."""
    text = piece.text.strip()
    if _AGENDA_RE.search(text):
        return None, "主持词或议程", ""
    text, people = _trim_people(text)
    if people:
        return None, people, ""
    had_item = bool(_LEADING_ITEM_RE.match(text))
    if had_item and _ITEM_AFTER_STOP_RE.search(text, 1):
        had_item = False  # 一是…二是…: the list stays whole, its first marker with it
    else:
        text = _strip_item(text)
    text = _lone_item(text).replace("臵", "置")  # 臵 for 置: a common mis-encoding in the corpus
    if not text:
        return None, "提到在场的其他讲话人", ""
    heading, point = piece.heading, piece.point
    title = _ITEM_TITLE_RE.match(text)
    if had_item and title and not heading and piece.role in (ROLE_TASKS, ROLE_DISCIPLINE):
        # 一要严明组织纪律。…: the item's title is the subsection heading, the rest its body
        heading = point = re.sub(r"^要(?=..)", "", title.group(1))
        text = text[title.end() :]
    if _FIRST_PERSON_RE.search(text):
        return None, "第一人称（述职、个人口吻）", ""
    if _LEANS_BACK_RE.search(text) and not _ACHIEVEMENT_REF_RE.match(text):
        return None, "开头承接上文，单独用接不上", ""
    if _OCCASION_RE.search(text):
        return None, "只适用于原讲话的场合或年代", ""
    if _LOCAL_RE.search(text):
        return None, "含本地特有的产业、项目或地名", ""
    if _STANDING_RE.search(text):
        return None, "断言本地的排位或具体情况", ""
    if _SECOND_PERSON_RE.search(text):
        return None, "口语（对个人说话）", ""
    if _CITY_ADDRESS.search(text) and _COUNTY_WORDS.search(text):
        return None, "县、市两级的说法混在一起", ""
    if _INNER_ENUM_RE.search(text):
        return None, "含编号清单", ""
    if _DOC_RE.search(text) or _YEAR_RE.search(text):
        return None, "含具体文件或年份", ""
    if _UNIT_LIST_RE.search(text):
        return None, "列举具体单位", ""
    if text[-1] not in "。！？!?”’":
        return None, "不是完整的段落", ""
    slotted, _ = slotify(text)
    slotted = _facts_to_slots(slotted)
    slotted, names = _renumber(slotted)
    own = [n for n in names if n not in MEETING_FIELDS]
    n = _chars(slotted)
    if not MIN_CHARS <= n <= MAX_CHARS:
        return None, f"篇幅不在 {MIN_CHARS}-{MAX_CHARS} 字", ""
    if len(own) > MAX_SLOTS or (own and n / len(own) < MIN_CHARS_PER_SLOT):
        return None, "空位过多，仍是具体事实", ""
    if any(base in ("名称", "领导姓名", "项目名称") for base in (re.sub(r"\d+$", "", x) for x in own)):
        return None, "含具体名称", ""
    if re.search(r"\d", _SLOT_RE.sub("", slotted)):
        return None, "仍含数字", ""
    proper = _proper_nouns(slotted)
    if proper:
        return None, "含人名、地名或单位名：" + "、".join(dict.fromkeys(proper)), ""
    function = _function(piece.role, slotted)
    topic = _topic(piece.role, heading, slotted, rules)
    if piece.role == ROLE_TASKS and topic is None:
        return None, "重点工作段落，看不出属于哪类会议的主题", ""
    if piece.role == ROLE_TASKS and not heading:
        return None, "重点工作段落没有可用的小标题", ""
    heading_topic = _hits(heading, rules)
    if piece.role == ROLE_TASKS and heading_topic and heading_topic[0][0] != topic:
        return None, "小标题和正文讲的不是一回事", ""
    kind = topic[1] if topic else GENERAL_KIND
    topic_names = [topic[0]] if topic else []
    needs = ("成绩",) if _ACHIEVEMENT_REF_RE.search(slotted) and function != "肯定成绩" else ()
    level = _level(piece.speech, slotted)
    fits = Fits(period=_period(slotted), level=(level,) if level else (), needs=needs)
    block = Block(
        id="",
        role=piece.role,
        function=function,
        text=slotted,
        topics=topic_names,
        point=point if piece.role in (ROLE_TASKS, ROLE_DISCIPLINE) else "",
        headings=[heading] if heading and piece.role in (ROLE_TASKS, ROLE_DISCIPLINE) else [],
        fits=fits,
        slots=[Slot(name=x, prompt=SLOT_PROMPTS.get(re.sub(r"\d+$", "", x), "据实填写")) for x in own],
        source=piece.source,
        origin="mined",
    )
    return block, "", kind


def _probe(text: str) -> str:
    """The first characters of a text that are the corpus's own (before any slot), to find it in the file."""
    return re.sub(r"\s+", "", _SLOT_RE.split(_strip_item(text))[0]).replace("臵", "置")[:8]


def _fix_line(
    source: Source, texts: Sequence[str], raw_lines: Mapping[int, str] | None, reach: int = 60
) -> Source:
    """The line where the block's text starts (a paragraph cut into pieces, or repaired from hard wraps).

    ``texts`` are tried in order (the block's own text, then the piece it came from).
    """
    if not raw_lines:
        return source
    for text in texts:
        probe = _probe(text)
        if len(probe) < 4:
            continue
        for line in range(source.line, source.line + reach):
            raw = raw_lines.get(line)
            if raw is not None and probe in re.sub(r"\s+", "", raw).replace("臵", "置"):
                return Source(source.file, source.speech, line)
    return source


def mine_blocks(
    speeches: Sequence[Speech],
    rules: Sequence[TopicRule],
    raw_lines: Mapping[str, Mapping[int, str]] | None = None,
) -> BlockMining:
    """Block candidates of labelled speeches (near-duplicates, ``duplicate_of`` set, skipped).

    ``rules`` is the keyword -> topic table (``topic_rules``); ``raw_lines`` maps a file name to
    its raw lines by number, so that each block's source line points at the line its text starts on.
    Blocks get ids ``blk.seed.<kind>.<role>.<n>`` numbered in corpus order; identical texts are kept once.
    """
    result = BlockMining(speeches=len(speeches))
    counters: Counter[str] = Counter()
    seen_texts: set[str] = set()
    for speech in speeches:
        if speech.duplicate_of is not None:
            continue
        if any(sec.role is None for sec in speech.sections):
            label_speech(speech)
        lines = (raw_lines or {}).get(speech.source)
        for piece in _speech_pieces(speech):
            block, reason, kind = _judge(piece, rules)
            if block is None:
                source = _fix_line(piece.source, [piece.text], lines)
                result.rejected.append(Rejection(source, reason, piece.text))
                continue
            source = _fix_line(piece.source, [block.text, piece.text], lines)
            if block.text in seen_texts:
                continue
            seen_texts.add(block.text)
            key = f"{kind}.{block.role}"
            counters[key] += 1
            block.id = f"{ID_PREFIX}.{key}.{counters[key]}"
            block.source = source
            result.blocks.append(block)
    return result


def mine_block_paths(paths: Sequence[str | Path], rules: Sequence[TopicRule]) -> BlockMining:
    """Read, split, parse and label the corpus files (in file order), then ``mine_blocks``.

    An unreadable file goes to ``errors``; raises ``DrafterError`` when a path does not exist.
    """
    missing = [p for p in paths if not Path(p).exists()]
    if missing:
        raise DrafterError("路径不存在", str(missing[0]))
    files = iter_corpus_files([Path(p) for p in paths])
    speeches: list[Speech] = []
    raw: dict[str, Mapping[int, str]] = {}
    errors: list[DrafterError] = []
    for f in files:
        try:
            got, lines = read_speeches(f)
        except DrafterError as exc:
            errors.append(exc)
            continue
        raw[f.name] = lines
        speeches.extend(got)
    for speech in speeches:
        label_speech(speech)
    if len(speeches) > 1:
        mark_duplicates(speeches)
    result = mine_blocks(speeches, rules, raw)
    result.errors = errors
    return result


# --------------------------------------------------------------------------------------------
# Writing


def _q(text: str) -> str:
    """A YAML double-quoted scalar (JSON string syntax is a subset of it)."""
    return json.dumps(text, ensure_ascii=False)


def _flow(items: Iterable[str]) -> str:
    return "[" + ", ".join(_q(x) for x in items) + "]"


def blocks_yaml(blocks: Sequence[Block]) -> str:
    """The blocks as a phrasebank file (header comment, ``origin: mined``, ``source``), byte-stable."""
    out = [FILE_HEADER, "blocks:\n"]
    for b in sorted(blocks, key=_sort_key):
        out.append(f"  - id: {b.id}\n")
        out.append(f"    role: {b.role}\n")
        out.append(f"    function: {_q(b.function)}\n")
        if b.topics:
            out.append(f"    topics: {_flow(b.topics)}\n")
        if b.point:
            out.append(f"    point: {_q(b.point)}\n")
        if b.headings:
            out.append(f"    headings: {_flow(b.headings)}\n")
        out.append(f"    text: {_q(b.text)}\n")
        fits = [
            (k, getattr(b.fits, k)) for k in ("period", "level", "speaker", "needs") if getattr(b.fits, k)
        ]
        if fits:
            out.append("    fits: {" + ", ".join(f"{k}: {_flow(v)}" for k, v in fits) + "}\n")
        if b.slots:
            out.append("    slots:\n")
            for s in b.slots:
                out.append(f"      - {{name: {_q(s.name)}, prompt: {_q(s.prompt)}}}\n")
        if b.source is not None:
            out.append(
                f"    source: {{file: {_q(b.source.file)}, speech: {b.source.speech}, line: {b.source.line}}}\n"
            )
        out.append("    origin: mined\n")
    return "".join(out)


def _sort_key(block: Block) -> tuple:
    parts = block.id.rsplit(".", 1)
    return (parts[0], int(parts[1]) if len(parts) == 2 and parts[1].isdigit() else 0, block.id)
