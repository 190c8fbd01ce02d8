"""Composing a draft from paragraph blocks: the structure of the meeting's kind, blocks on its subject.

The steps (issue 10):

1. the meeting's kinds (:mod:`.kinds`) and context (:mod:`.context`);
2. a structure of the main kind (by seed): its role sequence and, per role, a
   top-level heading chosen from the kind's alternatives;
3. per section, blocks whose topics are the meeting's and that fit its period,
   level and speaker; task subsections take their heading and body from the
   same block; a draft never uses a block twice nor two alternatives of one
   point (same topics + point);
4. the opening: 会议定性/会议目的 of the kind (else generic), 回应前面发言 only when
   others spoke, then 引出意见 whose 讲N点 is computed; the closing of the kind;
5. sections grow (more task points, more paragraphs) until the draft is within
   ±15 % of the target length;
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
from dataclasses import dataclass, field

from drafter.drafting.render import BLANK_MARKER, COUNT_SLOT, YEAR_SLOT
from drafter.drafting.suggest.context import MeetingContext, clash_words, fits
from drafter.drafting.suggest.kinds import Recognised, meeting_descriptors, misnames_meeting, naming_words
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
GENERAL_KINDS = ("plenary", "economy")  # kinds about the government's work as a whole
SITUATION_FLOW = ("肯定成绩", "问题不足", "形势机遇", "增强紧迫感")
# The order paragraphs of a situation section are read in (成绩 -> 归因 -> 问题 -> 形势 -> 紧迫感).
SITUATION_ORDER = ("肯定成绩", "成绩归因", "转折", "问题不足", "形势机遇", "增强紧迫感")
DISCIPLINE_FLOW = ("工作要求", "作风要求", "督查问责", "廉政要求")
OPENING_FLOW = ("会议定性", "会议目的", "回应前面发言")
INTRO_FUNCTION = "引出意见"
INTRO_PLAIN_CHARS = 20  # a 引出意见 sentence without {{ 议题 }} longer than this names a subject of its own
CLOSING_FUNCTIONS = ("号召", "表态", "结尾")
MIN_TASK_POINTS = 2
MAX_TASK_POINTS = 9
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
_NOT_WORD_RE = re.compile(r"[^\w。！？；!?;\n]|_")
_STOPS_RE = re.compile(r"[。！？；!?;\n]+")


def _grams(text: str) -> frozenset[str]:
    """Runs of REPEAT_CHARS letters (punctuation dropped, never across a sentence end)."""
    out: set[str] = set()
    for sentence in _STOPS_RE.split(_NOT_WORD_RE.sub("", text.lower())):
        out.update(sentence[i : i + REPEAT_CHARS] for i in range(len(sentence) - REPEAT_CHARS + 1))
    return frozenset(out)


def pending_text(subject: str, n: int) -> str:
    """What the writer must write in the n-th 【待补】 subsection (the guidance in full only once)."""
    if n == 1:
        return f"【待补：围绕“{subject}”部署的第{n}项工作——写明为什么抓、抓什么、谁负责、何时完成】。"
    return f"【待补：第{n}项，另选{subject}的一个方面，写法同上】。"


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
    words: tuple[str, ...]  # words that name a kind of meeting


_INDEX_CACHE: list[tuple[Phrasebank, int, _BankIndex]] = []
_SLOT_TAG_RE = re.compile(r"\{\{.*?\}\}|\{%.*?%\}")


def _index(bank: Phrasebank) -> _BankIndex:
    for cached_bank, count, index in _INDEX_CACHE:
        if cached_bank is bank and count == len(bank.blocks):
            return index
    by_role: dict[str, list[Block]] = {}
    for block in bank.blocks.values():
        by_role.setdefault(block.role, []).append(block)
    index = _BankIndex(
        by_role=by_role,
        grams={b.id: _grams(_SLOT_TAG_RE.sub("。", b.text)) for b in bank.blocks.values()},
        descriptors={b.id: meeting_descriptors(b.text) for b in bank.blocks.values()},
        words=naming_words(bank),
    )
    _INDEX_CACHE.insert(0, (bank, len(bank.blocks), index))
    del _INDEX_CACHE[2:]
    return index


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
        self.topics = rec.topics
        self.main_topics = {k.topics[0] for k in rec.subjects if k.topics}
        recognised = {k.id for k in rec.kinds}
        own = {w for k in rec.kinds for w in k.keywords} | set(rec.topics)
        self.foreign = sorted(
            {
                w
                for k in bank.kinds.values()
                if k.id not in recognised
                for w in k.keywords
                if len(w) >= 2 and not any(w in o or o in w for o in own)
            }
        )
        self._texts: dict[str, str] = {}
        self.index = _index(bank)
        self.grams: set[str] = set()  # runs of REPEAT_CHARS already in the draft
        self.derived = derived_values(ctx, rec)
        self.clash = clash_words(ctx)

    # -- what may be used

    @staticmethod
    def point_of(block: Block) -> tuple[tuple[str, ...], str]:
        return (tuple(block.topics), block.point or "#" + block.id)

    def clashes(self, text: str) -> bool:
        return any(w in text for w in self.clash)

    def usable(self, block: Block, *, on_topic: bool) -> bool:
        if block.id in self.used or self.point_of(block) in self.used_points:
            return False
        if not fits(block.fits, self.ctx, self.have) or self.clashes(block.text):
            return False
        if not self.grams.isdisjoint(self.block_grams(block)):  # lint's repeated-phrase: never 12 chars twice
            return False
        if self.misnames(block):
            return False
        # A generic block naming another kind's subject (防汛 at a 教育 meeting) is not generic.
        return on_topic or not any(w in block.text for w in self.foreign)

    def blocks(self, role: str, functions: Iterable[str] | None = None, *, topics: bool) -> list[Block]:
        """Usable blocks of ``role``: on the meeting's topics (``topics=True``) or generic."""
        wanted = set(self.topics)
        fns = set(functions) if functions is not None else None
        out = []
        for block in self.index.by_role.get(role, ()):
            if fns is not None and block.function not in fns:
                continue
            if topics:
                if not block.topics or not wanted & set(block.topics):
                    continue
                if role != ROLE_TASKS and block.topics[0] not in self.main_topics:
                    continue  # another kind's opening or situation (项目建设's at a 全体会议) names its own meeting
            elif block.topics:
                continue
            if self.usable(block, on_topic=topics):
                out.append(block)
        return out

    def pick(self, candidates: list[Block]) -> Block | None:
        """One block: a random point among the candidates, a random alternative of it."""
        if not candidates:
            return None
        groups = self.bank.block_points(candidates)
        key = self.rng.choice(list(groups))
        return self.rng.choice(groups[key])

    def pick_function(self, role: str, function: str | Iterable[str] | None) -> Block | None:
        functions = (
            (function,) if isinstance(function, str) else None if function is None else tuple(function)
        )
        return self.pick(self.blocks(role, functions, topics=True)) or self.pick(
            self.blocks(role, functions, topics=False)
        )

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
        return misnames_meeting(self.index.descriptors[block.id], self.meeting, self.index.words)

    def block_grams(self, block: Block) -> frozenset[str]:
        return self.index.grams[block.id]

    def take(self, block: Block) -> DraftItem:
        self.used.add(block.id)
        self.grams |= self.block_grams(block)
        self.used_points.add(self.point_of(block))
        if block.function == ACHIEVEMENT:
            self.have.add("成绩")
        return DraftItem(phrase=block.id, values=self.values(block))

    def phrase_usable(self, phrase: Phrase) -> bool:
        """A phrase (single sentence) that could close the opening: computes 讲N点, fits the meeting."""
        text = phrase.text
        if phrase.id in self.used or COUNT_SLOT not in text or self.clashes(text):
            return False
        if any(w in text for w in self.foreign):
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
        return self.rng.choice(block.headings) if block.headings else ""


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

    def total(self) -> int:
        body = sum(sum(p.sizes) + count_chars(p.section.heading) for p in self.parts)
        return body + sum(s for _, s in self.opening) + sum(s for _, s in self.closing) + 40

    # -- sections

    def add_paragraph(self, part: _Part, functions: Iterable[str] | None) -> bool:
        block = self.c.pick_function(part.section.role, functions)
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
        """
        per_kind: list[list[Block]] = []
        seen: set[str] = set()
        for kind in kinds or []:
            blocks = [
                b
                for b in self.c.index.by_role.get(ROLE_TASKS, ())
                if b.role == ROLE_TASKS and set(b.topics) & set(kind.topics) and b.id not in seen
            ]
            usable = [b for b in blocks if self.c.usable(b, on_topic=True)]
            groups = list(self.c.bank.block_points(usable).values())
            order = list(range(len(groups)))
            self.c.rng.shuffle(order)
            # the kind's main topic first (a 廉政 meeting speaks of 廉政 before 作风), shuffled within
            main = kind.topics[0] if kind.topics else ""
            order.sort(key=lambda i: main not in groups[i][0].topics)
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
        points = self.task_points(rec.subjects)
        # A recognised kind whose subject has no task blocks yet is as good as uncovered: never borrow.
        self.thin = [k for k in rec.subjects if not any(set(b.topics) & set(k.topics) for b in points)]
        per_section = [points[i::task_sections] for i in range(task_sections)] if task_sections else []
        main_points = rec.main.task_points if rec.main is not None and rec.subjects else 4
        seen: dict[str, int] = {}
        for role in roles:
            n = seen.get(role, 0)
            seen[role] = n + 1
            heading = _section_heading(self.structure, role, n, c.rng, self.subject)
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
            block = c.pick_function(ROLE_OPENING, function)
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
        block = c.pick(c.blocks(ROLE_CLOSING, None, topics=True)) or c.pick(
            c.blocks(ROLE_CLOSING, None, topics=False)
        )
        if block is not None:
            self.closing.append((c.take(block), c.size(block)))
        else:
            self.closing.append((DraftItem(text=FALLBACK_CLOSING), 60))

    # -- length

    def grow_once(self) -> bool:
        """Add one subsection or paragraph where the speech is thinnest; False when nothing is left."""
        tasks = [p for p in self.parts if p.section.role == ROLE_TASKS]
        for part, queue in zip(tasks, self.task_queue, strict=False):
            if len(part.section.children) < MAX_TASK_POINTS and self.add_task(part, queue):
                return True
        for part in self.parts:
            if part.section.role == ROLE_SITUATION and len(part.entries) < len(SITUATION_FLOW):
                if self.add_paragraph(part, self.missing(part, SITUATION_FLOW)) or self.add_paragraph(
                    part, SITUATION_FLOW
                ):
                    return True
        for part in self.parts:
            if part.section.role == ROLE_DISCIPLINE and len(part.entries) < len(DISCIPLINE_FLOW) + 1:
                if self.add_paragraph(part, self.missing(part, DISCIPLINE_FLOW)) or self.add_paragraph(
                    part, DISCIPLINE_FLOW
                ):
                    return True
        return False

    def shrink_once(self) -> bool:
        """Drop the last paragraph or subsection of the longest section that can spare one."""
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
                self.c.used.discard(_entry_id(entry))
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
    composer = _Composer(meeting, bank, ctx, rec, seed)
    structure = _structure(rec, composer.rng)
    subject = (
        rec.uncovered[0] if rec.uncovered and not rec.subjects else (rec.main.name if rec.main else "各项")
    )
    builder = _Builder(composer, structure, target, subject)
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
