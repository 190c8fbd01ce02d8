"""Composing a draft from paragraph blocks: the structure of the meeting's kind, blocks on its subject.

The steps (issue 10):

1. the meeting's kinds (:mod:`.kinds`) and context (:mod:`.context`);
2. a structure of the main kind (by seed): its role sequence and, per role, a
   top-level heading chosen from the kind's alternatives;
3. per section, blocks that fit the meeting's period, level and speaker: task
   blocks whose topics are the meeting's (a 全体会议 takes its topics in turn; a
   动员大会 / 交帐亮相 on a subject adds one point of its form); opening, situation,
   discipline and closing blocks of the meeting's own kinds (the kind file
   ``blocks/<kind>.yaml``, else the main topic).  Task subsections take their
   heading and body from the same block; a draft never uses a block twice nor
   two alternatives of one point, never says 12 characters twice (headings and
   【待补】 blanks included), and never names a form of meeting (交帐亮相, 述职)
   the meeting is not;
4. the opening: 会议定性/会议目的 of the kind (the form's first), 回应前面发言 only
   when others spoke (always at a 交帐亮相 / 述职 meeting), then 引出意见 whose
   讲N点 is computed; the closing of the kind;
5. the draft grows until it is near the target length: at most MAX_TASK_POINTS
   subsections, fuller ones first (a companion paragraph, 工作措施, in a short
   subsection), then the 认清形势 part (or the opening, when the structure has
   none), another subsection, the 作风纪律 part;
6. a subject the material does not cover gets 【待补：…】 subsections and a warning.

Choices among equally good blocks, headings and structures are made by a
random generator seeded with ``seed`` and the meeting: the same seed gives the
same draft, another seed another, equally valid one.  Figures, rankings and
achievements are never invented: slots that are not meeting fields stay
``【待补：名称】`` in the item's values.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field, replace
from pathlib import PurePath

from drafter.drafting.render import BLANK_MARKER, COUNT_SLOT, YEAR_SLOT
from drafter.drafting.suggest.context import MeetingContext, clash_words, fits
from drafter.drafting.suggest.kinds import (
    GENERAL_KIND,
    Recognised,
    forms_named,
    meeting_descriptors,
    misnames_meeting,
    naming_words,
    wrong_forms,
)
from drafter.drafting.suggest.length import TOLERANCE, count_chars
from drafter.model import (
    MEETING_FIELDS,
    ROLE_CLOSING,
    ROLE_DISCIPLINE,
    ROLE_OPENING,
    ROLE_SITUATION,
    ROLE_TASKS,
    Block,
    Draft,
    DraftItem,
    DraftSection,
    KindStructure,
    MeetingKind,
    Phrase,
)
from drafter.phrasebank import Phrasebank
from drafter.text.slots import SlotError, optional_slots, render_slots, slot_names

__all__ = [
    "FALLBACK_HEADINGS",
    "Suggestion",
    "compose",
    "derived_values",
    "fallback_structure",
    "pending_heading",
    "pending_text",
    "pending_values",
]

ACHIEVEMENT = "肯定成绩"
REVIEW_KIND = "review"  # the form kind of 交帐亮相 / 述职讲评 meetings: units report before the leader
GENERAL_KINDS = ("plenary", "economy")  # kinds about the government's work as a whole
SITUATION_FLOW = ("肯定成绩", "问题不足", "统一思想", "形势机遇", "增强紧迫感")
# The order paragraphs of a situation section are read in (意义 -> 成绩 -> 归因 -> 问题 -> 形势 -> 紧迫感).
SITUATION_ORDER = ("统一思想", "肯定成绩", "成绩归因", "转折", "问题不足", "形势机遇", "增强紧迫感")
# A situation paragraph that may stand in the opening when the structure has no 认清形势 part.
OPENING_SITUATION = ("增强紧迫感", "统一思想", "形势机遇")
OPENING_SITUATION_MAX = 2
DISCIPLINE_FLOW = ("工作要求", "作风要求", "督查问责", "廉政要求")
OPENING_FLOW = ("会议定性", "会议目的", "回应前面发言")
INTRO_FUNCTION = "引出意见"
INTRO_PLAIN_CHARS = 20  # a 引出意见 sentence without {{ 议题 }} longer than this names a subject of its own
CLOSING_FUNCTIONS = ("号召", "表态", "结尾")
MIN_TASK_POINTS = 2
# Real speeches (seeds/) have 4-6 subsections of 400-600 characters under 重点工作: the draft fills its
# length with more paragraphs within a subsection (companion blocks) before it adds a subsection.
MAX_TASK_POINTS = 6  # task subsections in one draft, all task sections together
FULL_SUBSECTION = 360  # counted letters (count_chars): a main paragraph this long already says why, what,
# who and by when; a companion would repeat it
SITUATION_MAX = 4  # paragraphs in a 认清形势 part
DISCIPLINE_MAX = 4  # paragraphs (or 一要…) in a 作风纪律 part
# Tasks blocks that add a paragraph to a point's subsection (措施、分工和时限) rather than stand alone:
# they share topics and point with the 部署任务 blocks of that point, and are not alternatives of them.
COMPANION_FUNCTIONS = ("工作措施", "责任落实")
FORM_POINTS = 1  # task points of the form kind (动员大会, 交帐亮相) in a draft that has a subject
# Slots a part of the speech asks the writer for once (what was achieved, what is wrong): two paragraphs
# of one part both asking for 【待补：存在问题】 read as the same paragraph twice.
ONCE_SLOTS = frozenset({"存在问题", "工作成效", "主要指标"})
PENDING_SITUATION = "【待补：结合本地实际，写明{s}工作的成绩、存在的问题和面临的形势（可用数据说明）】。"
SHORT_FILL = (
    1 - TOLERANCE / 2
)  # fill up to 92.5 % of the target: fewer generic paragraphs shared between drafts

FALLBACK_HEADINGS = {
    ROLE_SITUATION: [
        "提高站位，切实增强做好{s}工作的责任感紧迫感",
        "统一思想，充分认识做好{s}工作的重要意义",
        "正视问题，准确把握{s}工作面临的形势",
    ],
    ROLE_TASKS: [
        "突出重点，扎实推进{s}各项任务",
        "聚焦关键，全力抓好{s}重点工作",
        "精准施策，推动{s}工作取得实效",
    ],
    ROLE_DISCIPLINE: [
        "加强领导，确保{s}各项措施落地见效",
        "压实责任，凝聚推进{s}工作的强大合力",
        "强化保障，确保{s}工作落到实处",
    ],
}
FALLBACK_INTRO = "下面，我讲{{ 意见条数 }}点意见。"
FALLBACK_CLOSING = (
    "同志们，任务已经明确，关键在于落实。让我们以只争朝夕的精神、真抓实干的作风，"
    "扎实做好各项工作，为{{ 地区 }}高质量发展作出新的更大贡献！"
)

REPEAT_CHARS = 12  # lint's repeated-phrase: no run of 12 letters twice in a speech
SENTENCE_CHARS = 8  # a sentence this long (punctuation included) is not said twice in a draft
_NOT_WORD_RE = re.compile(r"[^\w。！？；!?;\n]|_")
_STOPS_RE = re.compile(r"[。！？；!?;\n]+")


def _grams(text: str) -> frozenset[str]:
    """Runs of REPEAT_CHARS letters (punctuation dropped, never across a sentence end), and whole
    sentences of SENTENCE_CHARS or more (「一分部署，九分落实。」 said once in a draft)."""
    out: set[str] = set()
    for sentence in _STOPS_RE.split(_NOT_WORD_RE.sub("", text.lower())):
        out.update(sentence[i : i + REPEAT_CHARS] for i in range(len(sentence) - REPEAT_CHARS + 1))
    sentences = (s.strip().removeprefix("同志们，") for s in _STOPS_RE.split(text))
    out.update("§" + s for s in sentences if len(s) >= SENTENCE_CHARS)
    return frozenset(out)


def pending_text(subject: str, n: int) -> str:
    """What the writer must write in the n-th 【待补】 subsection (the guidance in full only once)."""
    if n == 1:
        return f"【待补：围绕“{subject}”部署的第{n}项工作——写明为什么抓、抓什么、谁负责、何时完成】。"
    # worded differently each time: the draft never says 12 characters twice (lint's repeated-phrase)
    hints = ("另选{s}的一个方面，写法同上", "可写{s}的保障措施或工作机制", "可写{s}的督查考核和责任追究")
    hint = hints[n - 2].format(s=subject) if n - 2 < len(hints) else f"{subject}的其他重点"
    return f"【待补：第{n}项，{hint}】。"


def pending_heading(subject: str, n: int) -> str:
    return f"【待补：“{subject}”第{n}项工作的小标题】"


GENERAL_SUBJECT = "做好当前和下一阶段各项工作"


def derived_values(ctx: MeetingContext, rec: Recognised | None = None) -> dict[str, str]:
    """Slot values that follow from the meeting: 本级政府 (县政府 at a county meeting), 议题 (its subject)."""
    out = {"本级政府": f"{ctx.level}政府"} if ctx.level in ("县", "市") else {}
    if rec is not None:
        subjects = [_short_name(k) for k in rec.subjects if k.id not in GENERAL_KINDS] or rec.uncovered[:1]
        out["议题"] = f"做好{'和'.join(subjects)}工作" if subjects else GENERAL_SUBJECT
    return out


def pending_values(
    block: Block | Phrase, meeting: Mapping[str, str], derived: Mapping[str, str] | None = None
) -> dict[str, str]:
    """Values for a block's slots that the meeting and the renderer do not fill.

    A value that follows from the context (``derived``) is written out; anything else stays a
    ``【待补：名称】`` marker: figures, rankings and achievements are slots in the material, and a
    suggestion never fills them with an example.
    """
    out: dict[str, str] = {}
    derived = derived or {}
    optional = optional_slots(block.text)
    for name in slot_names(block.text):
        # meeting fields stay slots of the meeting: filled later on 会议信息, they reach every paragraph
        if name in optional or name == COUNT_SLOT or name in MEETING_FIELDS or meeting.get(name):
            continue
        if name == YEAR_SLOT and meeting.get("日期"):
            continue
        out[name] = derived.get(name) or BLANK_MARKER.format(name=name)
    return out


def fallback_structure(subject: str) -> KindStructure:
    """The structure of a meeting whose subject no kind covers: headings naming the subject."""
    return KindStructure(
        roles=(ROLE_SITUATION, ROLE_TASKS, ROLE_DISCIPLINE),
        headings={role: [h.format(s=subject) for h in hs] for role, hs in FALLBACK_HEADINGS.items()},
    )


# Keywords of the 作风建设 kind that almost every 作风纪律 paragraph of any meeting uses: in a discipline
# paragraph, naming them is not a sign of another subject (else general discipline material is never chosen).
COMMON_WORDS = frozenset(
    {
        "落实",
        "抓落实",
        "落实年",
        "作风",
        "效能",
        "执行力",
        "形式主义",
        "官僚主义",
        "减负",
        "转作风",
        "能力作风",
    }
)


@dataclass
class Suggestion:
    """A suggested draft with what the writer should know about it."""

    draft: Draft
    warnings: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=list)  # recognised kind ids, main first
    target: int = 0  # target length in characters
    chars: int = 0  # estimated length of the rendered draft
    seed: int = 0
    structure: KindStructure | None = None


@dataclass
class _BankIndex:
    """What the engine knows of a phrasebank's blocks regardless of the meeting (built once per bank)."""

    by_role: dict[str, list[Block]]
    grams: dict[str, frozenset[str]]  # block id -> runs of REPEAT_CHARS of its text (slots as breaks)
    descriptors: dict[str, tuple[str, ...]]  # block id -> what it calls the meeting
    forms: dict[str, tuple[str, ...]]  # block id -> forms of meeting it names (交帐亮相, 述职)
    owner: dict[str, str]  # block id -> the kind whose file (blocks/<kind>.yaml) holds it, "" for none
    words: tuple[str, ...]  # words that name a kind of meeting
    companions: dict[tuple[tuple[str, ...], str], list[Block]]  # (topics, point) -> its companion blocks
    # recognised kind ids -> (words of the other kinds, block id -> whether the block says one of them)
    foreign: dict[tuple[str, ...], tuple[list[str], dict[str, bool]]] = field(default_factory=dict)


_INDEX_CACHE: list[tuple[Phrasebank, int, _BankIndex]] = []
_SLOT_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")
_SLOT_NAME_RE = re.compile(r"\{\{\s*(.*?)\s*\}\}|\{%.*?%\}")
# Slots whose value differs from meeting to meeting: a break in the text for the repeat check.  Every
# other slot reads 【待补：名称】 in the draft, so lint's repeated-phrase sees it as text.
_VARYING_SLOTS = frozenset({*MEETING_FIELDS, COUNT_SLOT, YEAR_SLOT, "本级政府", "议题"})


def _as_drafted(text: str) -> str:
    """Material text as the repeat check sees it in a draft: 【待补：名称】 for a blank, a break for the rest."""

    def one(m: re.Match[str]) -> str:
        name = m.group(1)
        return BLANK_MARKER.format(name=name) if name and name not in _VARYING_SLOTS else "。"

    return _SLOT_NAME_RE.sub(one, text)


def _owner(block: Block, bank: Phrasebank) -> str:
    """The kind a block belongs to by its file (phrasebank/blocks/<kind>.yaml), else ""."""
    stem = PurePath(block.file).stem if block.file else ""
    return stem if stem in bank.kinds else ""


def _index(bank: Phrasebank) -> _BankIndex:
    for cached_bank, count, index in _INDEX_CACHE:
        if cached_bank is bank and count == len(bank.blocks):
            return index
    by_role: dict[str, list[Block]] = {}
    for block in bank.blocks.values():
        by_role.setdefault(block.role, []).append(block)
    index = _BankIndex(
        by_role=by_role,
        grams={b.id: _grams(_as_drafted(b.text)) for b in bank.blocks.values()},
        descriptors={b.id: meeting_descriptors(b.text) for b in bank.blocks.values()},
        forms={b.id: forms_named(b.text) for b in bank.blocks.values()},
        owner={b.id: _owner(b, bank) for b in bank.blocks.values()},
        words=naming_words(bank),
        companions={},
    )
    for block in by_role.get(ROLE_TASKS, ()):
        if _is_companion(block):
            index.companions.setdefault((tuple(block.topics), block.point), []).append(block)
    _INDEX_CACHE.insert(0, (bank, len(bank.blocks), index))
    del _INDEX_CACHE[2:]
    return index


def _is_companion(block: Block) -> bool:
    return block.role == ROLE_TASKS and block.function in COMPANION_FUNCTIONS


@dataclass
class _Part:
    """A section being composed: its items and subsections with their estimated lengths."""

    section: DraftSection
    sizes: list[int] = field(default_factory=list)  # one per item/child, in order of addition
    entries: list[DraftItem | DraftSection] = field(default_factory=list)


class _Composer:
    def __init__(
        self,
        meeting: Mapping[str, str],
        bank: Phrasebank,
        ctx: MeetingContext,
        rec: Recognised,
        seed: int,
    ):
        self.meeting = {k: v for k, v in meeting.items() if v}
        self.bank = bank
        self.ctx = ctx
        self.rec = rec
        self.rng = random.Random(f"{seed}|{self.meeting.get('会议名称', '')}|{','.join(rec.ids)}")
        self.used: set[str] = set()
        self.used_points: set[tuple[tuple[str, ...], str]] = set()
        self.have: set[str] = set()
        # The kinds whose task points the draft deploys: the subjects, else the form's own (交帐亮相会).
        self.task_kinds = list(rec.subjects) or ([rec.form] if rec.form is not None else [])
        self.topics = [t for k in self.task_kinds for t in k.topics]
        self.kind_ids = {k.id for k in rec.kinds}
        self.named_text = " ".join(self.meeting.get(f, "") for f in ("会议名称", "会议类型", "主题"))
        self.form_id = rec.form.id if rec.form is not None else ""
        # Main topics of the meeting's kinds: a block from a file that is no kind's (a user's, mined
        # material) belongs to the kind whose main topic it has.
        self.main_topics = {k.topics[0] for k in rec.kinds if k.topics}
        self._texts: dict[str, str] = {}
        self.index = _index(bank)
        key = tuple(rec.ids)
        if key not in self.index.foreign:  # the same kinds, the same foreign words: computed once per bank
            recognised = {k.id for k in rec.kinds}
            own = {w for k in rec.kinds for w in k.keywords} | set(rec.topics)
            self.index.foreign[key] = (
                sorted(
                    {
                        w
                        for k in bank.kinds.values()
                        if k.id not in recognised
                        for w in k.keywords
                        if len(w) >= 2 and not any(w in o or o in w for o in own)
                    }
                ),
                {},
            )
        self.foreign, self._names_foreign = self.index.foreign[key]
        self.grams: set[str] = set()  # runs of REPEAT_CHARS already in the draft
        self.headings: set[str] = set()  # subsection headings already in the draft
        self.said: dict[str, set[str]] = {}  # role -> ONCE_SLOTS its paragraphs already have
        self.derived = derived_values(ctx, rec)
        self.clash = clash_words(ctx)

    # -- what may be used

    @staticmethod
    def point_of(block: Block) -> tuple[tuple[str, ...], str]:
        key = block.point or "#" + block.id
        return (tuple(block.topics), key + ("+" if _is_companion(block) else ""))

    def clashes(self, text: str) -> bool:
        return any(w in text for w in self.clash)

    def usable(self, block: Block, *, on_topic: bool) -> bool:
        if block.id in self.used or self.point_of(block) in self.used_points:
            return False
        if block.role != ROLE_TASKS and self.said.get(block.role, set()) & self.once_slots(block):
            return False  # 【待补：存在问题】 written out once per part, not in two paragraphs of it
        if not fits(block.fits, self.ctx, self.have) or self.clashes(block.text):
            return False
        if not self.grams.isdisjoint(self.block_grams(block)):  # lint's repeated-phrase: never 12 chars twice
            return False
        if self.misnames(block):
            return False
        # A generic block naming another kind's subject (防汛 at a 教育 meeting) is not generic.
        return on_topic or not self.names_foreign(block)

    def names_foreign(self, block: Block) -> bool:
        found = self._names_foreign.get(block.id)
        if found is None:
            # 作风纪律 paragraphs of any meeting speak of 作风 and 落实: those words are not another subject there.
            common = COMMON_WORDS if block.role == ROLE_DISCIPLINE else frozenset()
            found = any(w in block.text for w in self.foreign if w not in common)
            self._names_foreign[block.id] = found
        return found

    def owned(self, block: Block) -> str:
        """The meeting's kind ``block`` belongs to ("" when none): by its kind file, else its main topic."""
        owner = self.index.owner.get(block.id, "")
        if owner:
            return owner if owner in self.kind_ids else ""
        if block.topics and block.topics[0] in self.main_topics:
            return next(k.id for k in self.rec.kinds if k.topics and k.topics[0] == block.topics[0])
        return ""

    def blocks(self, role: str, functions: Iterable[str] | None = None, *, topics: bool) -> list[Block]:
        """Usable blocks of ``role``: the meeting's own (``topics=True``) or generic.

        Task blocks are the meeting's when their topics are; an opening, situation, discipline or
        closing block only when it belongs to one of the meeting's kinds (its kind file, else its main
        topic): a 全体会议 never opens with the 经济运行分析会's paragraph although both speak of 经济运行.
        """
        wanted = set(self.topics)
        fns = set(functions) if functions is not None else None
        out = []
        for block in self.index.by_role.get(role, ()):
            if fns is not None and block.function not in fns:
                continue
            if topics:
                if role == ROLE_TASKS:
                    if not block.topics or not wanted & set(block.topics):
                        continue
                elif not self.owned(block):
                    continue
            elif block.topics or self.index.owner.get(block.id):
                continue
            if self.usable(block, on_topic=topics):
                out.append(block)
        return out

    def pick(self, candidates: list[Block]) -> Block | None:
        """One block: a random point among the candidates, a random alternative of it."""
        if not candidates:
            return None
        groups: dict[tuple[tuple[str, ...], str], list[Block]] = {}
        for block in candidates:
            groups.setdefault(self.point_of(block), []).append(block)
        key = self.rng.choice(list(groups))
        return self.rng.choice(groups[key])

    def pick_function(
        self,
        role: str,
        function: str | Iterable[str] | None,
        *,
        form_first: bool = False,
        pooled: bool = False,
    ) -> Block | None:
        """A block of ``role`` and ``function``: the meeting's own (the form's first where
        ``form_first``: a 交帐亮相会 opens as one), else a generic one; ``pooled``: own and generic
        ones alike."""
        functions = (
            (function,) if isinstance(function, str) else None if function is None else tuple(function)
        )
        own = self.blocks(role, functions, topics=True)
        if form_first and self.form_id:
            form_own = [b for b in own if self.owned(b) == self.form_id]
            own = form_own or own
        if pooled:
            return self.pick(own + self.blocks(role, functions, topics=False))
        return self.pick(own) or self.pick(self.blocks(role, functions, topics=False))

    # -- taking a block

    def values(self, block: Block) -> dict[str, str]:
        return pending_values(block, self.meeting, self.derived)

    def rendered(self, block: Block | Phrase) -> str:
        """The block roughly as it will read (meeting values, 【待补】 for the rest); cached."""
        text = self._texts.get(block.id)
        if text is None:
            values = {**self.derived, **self.meeting, COUNT_SLOT: "三"}
            try:
                text = render_slots(block.text, values, missing=lambda n: BLANK_MARKER.format(name=n))
            except SlotError:
                text = block.text
            self._texts[block.id] = text
        return text

    def size(self, block: Block) -> int:
        return count_chars(self.rendered(block))

    def misnames(self, block: Block) -> bool:
        """Whether the block calls the meeting what it is not (这次交帐亮相 at a 教育 meeting) or names a
        form of meeting it is not (各单位上台交账亮相 at a 述职 meeting, 述职报告 at a 交帐亮相会)."""
        if misnames_meeting(self.index.descriptors[block.id], self.meeting, self.index.words):
            return True
        forms = self.index.forms[block.id]
        return bool(forms) and bool(wrong_forms(self.rendered(block), self.meeting))

    def block_grams(self, block: Block) -> frozenset[str]:
        return self.index.grams[block.id]

    def once_slots(self, block: Block) -> set[str]:
        return set(slot_names(block.text)) & ONCE_SLOTS

    def take(self, block: Block) -> DraftItem:
        self.said.setdefault(block.role, set()).update(self.once_slots(block))
        self.used.add(block.id)
        self.grams |= self.block_grams(block)
        self.used_points.add(self.point_of(block))
        if block.function == ACHIEVEMENT:
            self.have.add("成绩")
        return DraftItem(phrase=block.id, values=self.values(block))

    def release(self, block_id: str) -> None:
        """Undo :meth:`take` for a block dropped from the draft (its point may be used again)."""
        block = self.bank.blocks.get(block_id)
        self.used.discard(block_id)
        if block is not None:
            self.used_points.discard(self.point_of(block))

    def phrase_usable(self, phrase: Phrase) -> bool:
        """A phrase (single sentence) that could close the opening: computes 讲N点, fits the meeting."""
        text = phrase.text
        if phrase.id in self.used or COUNT_SLOT not in text or self.clashes(text):
            return False
        if any(w in text for w in self.foreign) or wrong_forms(text, self.meeting):
            return False
        if set(slot_names(text)) - {COUNT_SLOT, "议题", "本级政府", *self.meeting}:
            return False  # another slot would stay 【待补】 in a one-line sentence
        if "议题" not in text and count_chars(_SLOT_TAG_RE.sub("", text)) > INTRO_PLAIN_CHARS:
            return False  # it says what the speech is about (政府各项工作) without the 议题 slot
        return not misnames_meeting(meeting_descriptors(text), self.meeting, self.index.words)

    def take_phrase(self, phrase: Phrase) -> DraftItem:
        self.used.add(phrase.id)
        self.grams |= _grams(self.rendered(phrase))
        return DraftItem(phrase=phrase.id, values=pending_values(phrase, self.meeting, self.derived))

    def heading(self, block: Block) -> str:
        """One of the block's headings (by seed), never one naming a form the meeting is not (述职必述廉
        at a 交帐亮相会), nor one the draft already has (以钉钉子精神抓落实 in 重点工作 and 作风纪律)."""
        options = [
            h
            for h in block.headings
            if not wrong_forms(h, self.meeting)
            and h not in self.headings
            and self.grams.isdisjoint(_grams(h))  # nor one repeating 12 characters of the draft …
            and self.block_grams(block).isdisjoint(_grams(h))  # … or of its own paragraph
        ]
        heading = self.rng.choice(options) if options else ""
        self.said_heading(heading)
        return heading

    def said_heading(self, heading: str) -> None:
        """A heading is in the draft: neither it nor 12 characters of it are said again."""
        self.headings.add(heading)
        self.grams |= _grams(heading)


def _structure(rec: Recognised, rng: random.Random) -> KindStructure:
    """The main kind's structure (a form kind's, when the meeting is a 动员大会 or 交帐亮相), by seed."""
    for kind in (rec.form, *rec.subjects):
        if kind is not None and kind.structures:
            return rng.choice(kind.structures)
    subject = rec.uncovered[0] if rec.uncovered else "各项"
    return fallback_structure(subject)


def _section_heading(structure: KindStructure, role: str, n: int, rng: random.Random, subject: str) -> str:
    options = structure.headings.get(role) or [h.format(s=subject) for h in FALLBACK_HEADINGS.get(role, [])]
    if not options:
        return ""
    if n == 0:
        return rng.choice(options)
    return options[n % len(options)]


class _Builder:
    """The draft being built: sections by role, grown or trimmed to the target."""

    def __init__(self, composer: _Composer, structure: KindStructure, target: int, subject: str):
        self.c = composer
        self.structure = structure
        self.target = target
        self.subject = subject
        self.parts: list[_Part] = []
        self.opening: list[tuple[DraftItem, int]] = []
        self.closing: list[tuple[DraftItem, int]] = []
        self.task_queue: list[list[Block]] = []  # per tasks section: on-topic points not yet used
        self.thin: list[MeetingKind] = []  # recognised kinds without task blocks
        self.opening_situation = 0  # situation paragraphs standing in the opening

    def total(self) -> int:
        body = sum(sum(p.sizes) + count_chars(p.section.heading) for p in self.parts)
        return body + sum(s for _, s in self.opening) + sum(s for _, s in self.closing) + 40

    def task_parts(self) -> list[_Part]:
        return [p for p in self.parts if p.section.role == ROLE_TASKS]

    def subsections(self) -> int:
        return sum(len(p.section.children) for p in self.task_parts())

    # -- sections

    def add_paragraph(self, part: _Part, functions: Iterable[str] | None) -> bool:
        # Past its first two paragraphs a 作风纪律 part draws on the kind's and the general requirements
        # alike: a kind has few of its own, and drafts for one kind would otherwise all end the same.
        pooled = part.section.role == ROLE_DISCIPLINE and len(part.entries) >= len(DISCIPLINE_FLOW) // 2
        block = self.c.pick_function(part.section.role, functions, pooled=pooled)
        if block is None:
            return False
        item = self.c.take(block)
        heading = self.c.heading(block)
        if heading and part.section.role == ROLE_DISCIPLINE:
            child = DraftSection(role=part.section.role, heading=heading, items=[item])
            part.section.children.append(child)
            part.entries.append(child)
        else:
            part.section.items.append(item)
            part.entries.append(item)
        part.sizes.append(self.c.size(block) + count_chars(heading))
        return True

    def add_task(self, part: _Part, queue: list[Block]) -> bool:
        if self.subsections() >= MAX_TASK_POINTS:
            return False
        while queue:
            block = queue.pop(0)
            if not self.c.usable(block, on_topic=True):
                continue
            item = self.c.take(block)
            heading = self.c.heading(block) or block.point or block.function
            child = DraftSection(role=ROLE_TASKS, heading=heading, items=[item])
            part.section.children.append(child)
            part.entries.append(child)
            part.sizes.append(self.c.size(block) + count_chars(heading))
            return True
        return False

    def add_companion(self) -> bool:
        """A further paragraph (措施、分工、时限) in the shortest task subsection that has one to take."""
        options = []
        for part in self.task_parts():
            for i, entry in enumerate(part.entries):
                if (
                    not isinstance(entry, DraftSection)
                    or _is_pending(entry)
                    or part.sizes[i] >= FULL_SUBSECTION
                ):
                    continue
                first = self.c.bank.blocks.get(entry.items[0].phrase or "") if entry.items else None
                if first is None:
                    continue
                companions = [
                    b
                    for b in self.c.index.companions.get((tuple(first.topics), first.point), ())
                    if self.c.usable(b, on_topic=True)
                ]
                if companions:
                    options.append((part.sizes[i], part, i, entry, companions))
        if not options:
            return False
        _, part, i, entry, companions = min(options, key=lambda o: o[0])
        block = self.c.rng.choice(companions)
        entry.items.append(self.c.take(block))
        part.sizes[i] += self.c.size(block)
        return True

    def add_pending(self, part: _Part, subject: str) -> None:
        n = sum(1 for c in part.section.children if c.heading.startswith(f"【待补：“{subject}”")) + 1
        child = DraftSection(
            role=ROLE_TASKS,
            heading=pending_heading(subject, n),
            items=[DraftItem(text=pending_text(subject, n))],
        )
        part.section.children.append(child)
        part.entries.append(child)
        part.sizes.append(len(pending_text(subject, n)) + 12)

    def task_points(self, kinds: list[MeetingKind]) -> list[Block]:
        """The tasks blocks to draw from, one alternative per point, chosen points in material order.

        Points of the main kind and the second kind alternate; within a kind the order of points is
        shuffled by seed, so that a draft of N points takes different points for another seed.
        Companion blocks (措施 of a point) are not points of their own.
        """
        per_kind: list[list[Block]] = []
        seen: set[str] = set()
        for kind in kinds or []:
            blocks = [
                b
                for b in self.c.index.by_role.get(ROLE_TASKS, ())
                if set(b.topics) & set(kind.topics) and b.id not in seen and not _is_companion(b)
            ]
            usable = [b for b in blocks if self.c.usable(b, on_topic=True)]
            groups = list(self.c.bank.block_points(usable).values())
            order = list(range(len(groups)))
            self.c.rng.shuffle(order)
            if kind.id == GENERAL_KIND:
                order = _round_robin(order, groups, kind.topics, self.c.rng)
            # the kind's main topic first (a 廉政 meeting speaks of 廉政 before 作风), shuffled within
            # (a 全体会议 is about the government's work as a whole: no topic goes first)
            main = kind.topics[0] if kind.topics and kind.id != GENERAL_KIND else ""
            named = {t for t in kind.topics if t in self.c.named_text}
            order.sort(key=lambda i: bool(main) and main not in groups[i][0].topics)
            # each topic the meeting names gets a point early (乡村振兴暨农村人居环境整治: 人居环境 too)
            firsts = [
                next((i for i in order if t in groups[i][0].topics), None) for t in kind.topics if t in named
            ]
            firsts = list(dict.fromkeys(i for i in firsts if i is not None))
            order = firsts + [i for i in order if i not in firsts]
            chosen = [self.c.rng.choice(groups[i]) for i in order]
            seen.update(b.id for group in groups for b in group)
            per_kind.append(chosen)
        merged: list[Block] = []
        for row in range(max((len(x) for x in per_kind), default=0)):
            for lst in per_kind:
                if row < len(lst):
                    merged.append(lst[row])
        return merged

    def build(self) -> None:
        c, rec = self.c, self.c.rec
        roles = list(self.structure.roles) or [ROLE_SITUATION, ROLE_TASKS, ROLE_DISCIPLINE]
        task_sections = roles.count(ROLE_TASKS)
        points = self.task_points(c.task_kinds)
        if rec.subjects and rec.form is not None:
            # a 动员大会 / 交帐亮相 on a subject also deploys as one: the form's point third (明确攻坚目标)
            form_points = self.task_points([rec.form])[:FORM_POINTS]
            points = points[:2] + form_points + points[2:]
        # A recognised kind whose subject has no task blocks yet is as good as uncovered: never borrow.
        self.thin = [k for k in rec.subjects if not any(set(b.topics) & set(k.topics) for b in points)]
        per_section = [points[i::task_sections] for i in range(task_sections)] if task_sections else []
        main = c.task_kinds[0] if c.task_kinds else None
        main_points = min(main.task_points, MAX_TASK_POINTS) if main is not None else 4
        seen: dict[str, int] = {}
        for role in roles:
            n = seen.get(role, 0)
            seen[role] = n + 1
            heading = _section_heading(self.structure, role, n, c.rng, self.subject)
            if not c.grams.isdisjoint(_grams(heading)):  # it would repeat 12 characters already said
                others = [h for h in self.structure.headings.get(role, []) if c.grams.isdisjoint(_grams(h))]
                heading = others[0] if others else heading
            c.said_heading(heading)
            part = _Part(DraftSection(role=role, heading=heading))
            self.parts.append(part)
            if role == ROLE_TASKS:
                queue = per_section[n] if n < len(per_section) else []
                self.task_queue.append(queue)
                want = max(MIN_TASK_POINTS, round(main_points / max(1, task_sections)))
                for _ in range(want):
                    if not self.add_task(part, queue):
                        break
                if n == 0:
                    self.add_uncovered(part, want)
            elif role == ROLE_SITUATION:
                for function in SITUATION_FLOW[:2]:
                    self.add_paragraph(part, (function,)) or self.add_paragraph(part, SITUATION_FLOW)
                if not part.entries:  # the structure calls for 认清形势: say what to write there
                    text = PENDING_SITUATION.format(s=self.subject)
                    part.section.items.append(DraftItem(text=text))
                    part.entries.append(part.section.items[-1])
                    part.sizes.append(count_chars(text))
            elif role == ROLE_DISCIPLINE:
                for function in DISCIPLINE_FLOW[:2]:
                    self.add_paragraph(part, (function,)) or self.add_paragraph(part, DISCIPLINE_FLOW)
            else:
                self.add_paragraph(part, None)
        self.build_opening()
        self.build_closing()
        self.fit()

    def add_uncovered(self, part: _Part, want: int) -> None:
        """Points to write (【待补】) in the first task section: thin kinds, then uncovered subjects."""
        rec = self.c.rec
        for kind in self.thin:
            want_kind = want if kind is rec.subjects[0] else 1
            for _ in range(want_kind):
                self.add_pending(part, _short_name(kind))
        if not rec.uncovered:
            return
        extra = rec.uncovered
        if not rec.subjects:  # the meeting's own subject: a full set of points to write
            for _ in range(want):
                self.add_pending(part, rec.uncovered[0])
            extra = rec.uncovered[1:]
        for subject in extra:
            self.add_pending(part, subject)

    def build_opening(self) -> None:
        c = self.c
        for function in OPENING_FLOW:
            if function == "回应前面发言" and not c.ctx.others_spoke:
                continue
            block = c.pick_function(ROLE_OPENING, function, form_first=True)
            if block is not None:
                self.opening.append((c.take(block), c.size(block)))
        intro = [b for b in c.blocks(ROLE_OPENING, (INTRO_FUNCTION,), topics=True) if COUNT_SLOT in b.text]
        intro = intro or [
            b for b in c.blocks(ROLE_OPENING, (INTRO_FUNCTION,), topics=False) if COUNT_SLOT in b.text
        ]
        # The one-sentence 引出意见 phrases (下面，我讲N点意见) are as good a close of the opening as a
        # block, and keep drafts for different meetings from sharing one paragraph.
        intro += [p for p in c.bank.phrases.values() if p.function == INTRO_FUNCTION and c.phrase_usable(p)]
        chosen = c.rng.choice(intro) if intro else None
        if isinstance(chosen, Block):
            self.opening.append((c.take(chosen), c.size(chosen)))
        elif chosen is not None:
            self.opening.append((c.take_phrase(chosen), count_chars(c.rendered(chosen))))
        else:
            self.opening.append((DraftItem(text=FALLBACK_INTRO), 12))

    def build_closing(self) -> None:
        c = self.c
        block = c.pick_function(ROLE_CLOSING, None, form_first=True)
        if block is not None:
            self.closing.append((c.take(block), c.size(block)))
        else:
            self.closing.append((DraftItem(text=FALLBACK_CLOSING), 60))

    # -- length

    def has_situation(self) -> bool:
        return any(p.section.role == ROLE_SITUATION for p in self.parts)

    def add_opening_situation(self) -> bool:
        """Without a 认清形势 part, up to two paragraphs on the situation (紧迫感、意义) before 引出意见."""
        if self.opening_situation >= OPENING_SITUATION_MAX or self.has_situation():
            return False
        c = self.c
        own = c.blocks(ROLE_SITUATION, OPENING_SITUATION, topics=True)
        block = c.pick([b for b in own if b.function != ACHIEVEMENT])
        if block is None:
            return False
        self.opening.insert(max(0, len(self.opening) - 1), (c.take(block), c.size(block)))
        self.opening_situation += 1
        return True

    def grow_once(self) -> bool:
        """Add one paragraph or subsection where the speech is thinnest; False when nothing is left.

        Fuller subsections come before more of them: a companion paragraph in the shortest task
        subsection, then the 认清形势 part, then another subsection (up to MAX_TASK_POINTS), then the
        作风纪律 part.
        """
        if self.add_companion():
            return True
        for part in self.parts:
            if part.section.role == ROLE_SITUATION and len(part.entries) < SITUATION_MAX:
                if self.add_paragraph(part, self.missing(part, SITUATION_FLOW)) or self.add_paragraph(
                    part, SITUATION_FLOW
                ):
                    return True
        if self.add_opening_situation():
            return True
        for part, queue in zip(self.task_parts(), self.task_queue, strict=False):
            if self.add_task(part, queue):
                return True
        # without a 认清形势 part the 作风纪律 part may take one paragraph more
        most = DISCIPLINE_MAX + (0 if self.has_situation() else 1)
        for part in self.parts:
            if part.section.role == ROLE_DISCIPLINE and len(part.entries) < most:
                if self.add_paragraph(part, self.missing(part, DISCIPLINE_FLOW)) or self.add_paragraph(
                    part, DISCIPLINE_FLOW
                ):
                    return True
        return False

    def shrink_once(self) -> bool:
        """Drop a companion paragraph, else the last paragraph or subsection of the longest section."""
        for part in sorted(self.task_parts(), key=lambda p: -sum(p.sizes)):
            for i in sorted(range(len(part.entries)), key=lambda j: -part.sizes[j]):
                entry = part.entries[i]
                if isinstance(entry, DraftSection) and len(entry.items) > 1:
                    item = entry.items.pop()
                    block = self.c.bank.blocks.get(item.phrase or "")
                    part.sizes[i] -= self.c.size(block) if block is not None else 0
                    self.c.release(item.phrase or "")
                    return True
        order = sorted(self.parts, key=lambda p: -sum(p.sizes))
        for part in order:
            floor = MIN_TASK_POINTS if part.section.role == ROLE_TASKS else 1
            if len(part.entries) > floor and not _is_pending(part.entries[-1]):  # 【待补】 subsections stay
                entry = part.entries.pop()
                part.sizes.pop()
                if isinstance(entry, DraftSection):
                    part.section.children.remove(entry)
                else:
                    part.section.items.remove(entry)
                self.c.release(_entry_id(entry))
                return True
        return False

    def missing(self, part: _Part, flow: tuple[str, ...]) -> tuple[str, ...]:
        """The functions of ``flow`` the section does not have yet (a second 问题不足 only when all are there)."""
        have = {
            self.c.bank.blocks[i.phrase].function
            for i in _items(part.section)
            if i.phrase in self.c.bank.blocks
        }
        return tuple(f for f in flow if f not in have)

    def fit(self) -> None:
        while self.total() < self.target * SHORT_FILL and self.grow_once():
            pass
        while self.total() > self.target * (1 + TOLERANCE) and self.shrink_once():
            pass
        for part in self.parts:  # read in the usual order: achievements, their causes, problems, outlook
            if part.section.role == ROLE_SITUATION:
                part.section.items.sort(key=self.situation_rank)

    def situation_rank(self, item: DraftItem) -> int:
        block = self.c.bank.blocks.get(item.phrase or "")
        if block is None or block.function not in SITUATION_ORDER:
            return len(SITUATION_ORDER)
        return SITUATION_ORDER.index(block.function)


def _round_robin(
    order: list[int], groups: list[list[Block]], topics: list[str], rng: random.Random
) -> list[int]:
    """Points of a 全体会议 one topic at a time (工业, 城乡, 财政, 民生 … before a second point of any):
    the government's work as a whole, not six points of the topic with the most material."""
    topic_order = list(topics)
    rng.shuffle(topic_order)
    queues = {
        t: [i for i in order if groups[i][0].topics and groups[i][0].topics[0] == t] for t in topic_order
    }
    rest = [i for i in order if not any(i in q for q in queues.values())]
    out: list[int] = []
    while any(queues.values()):
        for t in topic_order:
            if queues[t]:
                out.append(queues[t].pop(0))
    return out + rest


def _items(section: DraftSection) -> list[DraftItem]:
    return [*section.items, *(i for c in section.children for i in c.items)]


def _short_name(kind: MeetingKind) -> str:
    """防汛抗旱与地质灾害防治 -> 防汛抗旱 (the first part of a kind's name, for 【待补】 and warnings)."""
    return re.split(r"[与和及（(、/]", kind.name)[0] or kind.name


def _is_pending(entry: DraftItem | DraftSection) -> bool:
    return isinstance(entry, DraftSection) and entry.heading.startswith("【待补")


def _entry_id(entry: DraftItem | DraftSection) -> str:
    item = entry if isinstance(entry, DraftItem) else (entry.items[0] if entry.items else DraftItem())
    return item.phrase or ""


def compose(
    template: str,
    meeting: Mapping[str, str],
    bank: Phrasebank,
    ctx: MeetingContext,
    rec: Recognised,
    *,
    seed: int,
    target: int,
) -> Suggestion:
    """The draft for ``meeting`` from the bank's blocks (see the module docstring)."""
    if rec.form is not None and rec.form.id == REVIEW_KIND and not ctx.others_spoke:
        # At a 交帐亮相 / 述职 meeting the units report before the leader speaks.
        ctx = replace(ctx, others_spoke=True)
    composer = _Composer(meeting, bank, ctx, rec, seed)
    structure = _structure(rec, composer.rng)
    main = composer.task_kinds[0] if composer.task_kinds else None
    subject = rec.uncovered[0] if rec.uncovered and not rec.subjects else (main.name if main else "各项")
    builder = _Builder(composer, structure, target, _short_name(main) if main and rec.subjects else subject)
    builder.build()
    draft = Draft(meeting=dict(meeting), template=template)
    draft.opening = [item for item, _ in builder.opening]
    draft.sections = [p.section for p in builder.parts if p.section.items or p.section.children]
    draft.closing = [item for item, _ in builder.closing]
    warnings = []
    for word in rec.uncovered:
        warnings.append(
            f"素材库中没有“{word}”方面的素材：重点工作部分留了【待补】小节，请围绕“{word}”据实撰写"
        )
    for kind in builder.thin:
        warnings.append(
            f"素材库中还没有“{_short_name(kind)}”的重点工作段落：重点工作部分留了【待补】小节，请据实撰写"
        )
    chars = builder.total()
    if chars < target * (1 - TOLERANCE) and not rec.uncovered and not builder.thin:
        warnings.append(f"素材不足：建议稿约 {chars} 字，低于目标 {target} 字，请补写或减少目标篇幅")
    return Suggestion(
        draft=draft,
        warnings=warnings,
        kinds=rec.ids,
        target=target,
        chars=chars,
        seed=seed,
        structure=structure,
    )
