"""The phrase engine: suggestions from single-sentence phrases and heading sets.

The first suggestion engine, used when the phrasebank holds no paragraph blocks
(a user's own phrase-only bank, small test banks).  With blocks and meeting
kinds, :mod:`drafter.drafting.suggest.compose` builds the draft instead.

Here: the heading sets a template and a meeting call for, and the draft built section by section.
How each heading's phrases are chosen is :mod:`drafter.drafting.suggest.picker`; the word tables and
meeting profiles are :mod:`drafter.drafting.suggest.tables`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from itertools import combinations

from drafter.drafting.render import COUNT_SLOT
from drafter.drafting.spec import normalise_date
from drafter.drafting.suggest.picker import Picker, Query, hint_pairs
from drafter.drafting.suggest.tables import (
    DEFAULT_HEADINGS,
    DISCIPLINE_FUNCTIONS,
    DISCIPLINE_HEADINGS,
    FALLBACK_TEXT,
    OPENING_FUNCTIONS,
    ROLE_HINTS,
    SITUATION_FUNCTIONS,
    SYNONYMS,
    TASK_FUNCTIONS,
    TOPIC_HEADINGS,
    TOPIC_HINTS,
    meeting_override,
)
from drafter.drafting.templates import TemplateInfo, as_info
from drafter.model import (
    ROLE_CLOSING,
    ROLE_DISCIPLINE,
    ROLE_OPENING,
    ROLE_SITUATION,
    ROLE_TASKS,
    SECTION_ROLES,
    Draft,
    DraftItem,
    DraftSection,
    HeadingSet,
)
from drafter.phrasebank.layers import Phrasebank
from drafter.text import common_frame


def _match_sets(wanted: Iterable[str], phrasebank: Phrasebank | None) -> list[HeadingSet]:
    """Heading sets named by id or by frame (``{X}抓落实``), in the order named."""
    if phrasebank is None:
        return []
    sets = phrasebank.heading_sets
    out: list[HeadingSet] = []
    for name in wanted:
        if name in sets:
            found = [sets[name]]
        else:
            found = sorted(
                (hs for hs in sets.values() if hs.frame.replace("{" + hs.slot + "}", "{X}") == name),
                key=lambda h: h.id,
            )
        out.extend(hs for hs in found if hs not in out)
    return out


def preferred_sets(info: TemplateInfo, phrasebank: Phrasebank | None) -> list[HeadingSet]:
    """The heading sets a template names in its meta."""
    return _match_sets(info.heading_sets, phrasebank)


def _heading_sets_for(
    info: TemplateInfo,
    phrasebank: Phrasebank | None,
    role: str,
    level: str,
    role_sets: Mapping[str, list[str]] | None = None,
) -> list[HeadingSet]:
    """Heading sets for a template's section of ``role``: those the template assigns to the role,
    else those it names whose own role matches."""

    def fits(hs: HeadingSet) -> bool:
        return hs.level == level and len(hs.items) >= 2

    role_sets = info.role_sets if role_sets is None else role_sets
    if role in role_sets:
        return [hs for hs in _match_sets(role_sets[role], phrasebank) if fits(hs)]
    if role_sets:
        return []
    return [hs for hs in preferred_sets(info, phrasebank) if hs.role == role and fits(hs)]


def _topics_for_items(items: list[str], topics: list[str]) -> list[str | None]:
    """A topic for each heading item: one it names (县城建设 -> 城乡建设), else the next unused one."""
    chosen: list[str | None] = []
    used: set[str] = set()
    for item in items:
        pick = next((t for t in topics if t not in used and (t in item or item in t)), None)
        if pick is None:
            pick = next((t for _, t in hint_pairs(item, TOPIC_HINTS) if t in topics and t not in used), None)
        chosen.append(pick)
        if pick:
            used.add(pick)
    rest = [t for t in topics if t not in used]
    return [t if t is not None else (rest.pop(0) if rest else None) for t in chosen]


UNIFORM_TOPIC_FRAME = "全力抓好{}"


def _breaks_frame(headings: list[str]) -> bool:
    """Whether sibling headings look like a 排比 with one heading out of frame (lint: parallel-headings)."""
    if len(headings) < 4 or common_frame(headings) is not None:
        return False
    return sum(common_frame(headings[:i] + headings[i + 1 :]) is not None for i in range(len(headings))) == 1


def _item_role(item: str, default: str) -> str:
    hints = hint_pairs(item, ROLE_HINTS)
    return hints[0][1] if hints else default


def _choose_items(items: list[str], count: int, roles: list[str], default_role: str) -> list[tuple[str, str]]:
    """``count`` items of a heading set, in set order, whose roles best follow ``roles``; (item, role) pairs."""
    tagged = [(item, _item_role(item, default_role)) for item in items]
    if len(tagged) <= count:
        return tagged
    best: tuple[int, tuple[int, ...]] | None = None
    for combo in combinations(range(len(tagged)), count):
        fit = sum(1 for pos, i in enumerate(combo) if pos < len(roles) and tagged[i][1] == roles[pos])
        if best is None or fit > best[0]:
            best = (fit, combo)
    assert best is not None
    return [tagged[i] for i in best[1]]


def _top_set(info: TemplateInfo, phrasebank: Phrasebank | None) -> HeadingSet | None:
    """The heading set for a parallel speech: the template's top-level set, any top-level set, any set."""
    if phrasebank is None:
        return None
    sets = phrasebank.heading_sets
    candidates = preferred_sets(info, phrasebank)
    for hs in candidates:
        if hs.level == "top":
            return hs
    ordered = sorted(sets.values(), key=lambda h: (h.level != "top", h.role != ROLE_TASKS, h.id))
    ordered = [hs for hs in candidates if len(hs.items) >= 3] + [hs for hs in ordered if len(hs.items) >= 3]
    return ordered[0] if ordered else None


class _Suggester:
    """Builds the suggested draft of one template for one meeting."""

    def __init__(self, info: TemplateInfo, meeting: Mapping[str, str], phrasebank: Phrasebank | None):
        self.info = info
        self.pb = phrasebank
        self.picker = Picker(phrasebank, meeting, info)
        override = meeting_override(info, meeting)
        self.headings = {
            **info.headings,
            **{str(k): str(v) for k, v in (override.get("headings") or {}).items()},
        }
        sets = override.get("heading_sets")
        self.role_sets = (
            {str(r): [str(x) for x in (v if isinstance(v, list) else [v])] for r, v in sets.items()}
            if isinstance(sets, dict)
            else info.role_sets
        )
        profile = self.picker.profile
        self.topic_order = (
            [str(t) for t in override.get("topics") or []]
            + [str(t) for t in info.meta.get("topics") or []]
            + list(profile.topics if profile else ())
        )

    def set_items(self, hs: HeadingSet, count: int) -> list[str]:
        """``count`` items of a heading set in set order, leaving out those the meeting avoids (交账 at a 全体会议)."""
        avoid = self.picker.avoid

        def avoided(item: str) -> bool:
            words = (item, *SYNONYMS.get(item, ()))
            return any(a in w or (len(w) >= 2 and w in a) for a in avoid for w in words)

        keep = [i for i, item in enumerate(hs.items) if not avoided(item)]
        if len(keep) < count:
            keep = sorted(keep + [i for i in range(len(hs.items)) if i not in keep][: count - len(keep)])
        return [hs.items[i] for i in keep[:count]]

    def heading_text(self, heading: str, hs: HeadingSet | None = None) -> str:
        full = hs.frame.replace("{" + hs.slot + "}", heading) if hs is not None else heading
        self.picker.remember(full)
        return full

    def task_items(
        self, role: str, heading: str, item: str, topic: str | None, functions: Iterable[str] = TASK_FUNCTIONS
    ) -> list[DraftItem]:
        """Up to two phrases for a 重点工作 heading: on its topic, the second only if also relevant."""
        picker = self.picker
        q = picker.query(heading, item, extra_topics=[topic] if topic else [])
        first = picker.pick(role, ("部署任务",), q) or picker.pick(role, functions, q)
        if first is None:
            return []
        items = [first]
        covered = set(picker.pb.phrases[first.phrase].topics) if picker.pb is not None else set()
        rest = tuple(t for t in q.topics if t not in covered)
        q2 = Query(q.terms, rest or q.topics, q.keywords, q.functions, words=q.words)
        second = picker.pick(role, ("部署任务",), q2, minimum=4.0 if q.topics else 1.0)
        if second is not None:
            items.append(second)
        return items

    def discipline_items(self, role: str, heading: str, item: str, rotation: str) -> list[DraftItem]:
        """One phrase for a 作风纪律 heading: the function its words call for, else ``rotation``."""
        q = self.picker.query(heading, item, topics=False, functions=True)
        if not q.functions:
            q.functions = {rotation: 1.0}
        chosen = self.picker.pick(role, DISCIPLINE_FUNCTIONS, q) or self.picker.pick(role, None, q)
        return [chosen] if chosen else []

    def situation_items(self, role: str, heading: str, item: str, function: str) -> list[DraftItem]:
        q = self.picker.query(heading, item)
        q.hard_topics = False
        chosen = self.picker.pick(role, function, q) or self.picker.pick(role, None, q)
        return [chosen] if chosen else []

    def section(self, role: str) -> DraftSection:
        heading = self.headings.get(role) or DEFAULT_HEADINGS[role]
        section = DraftSection(role=role, heading=heading)
        self.heading_text(heading)
        sub_sets = _heading_sets_for(self.info, self.pb, role, "sub", self.role_sets)
        hs = sub_sets[0] if sub_sets else None
        if role == ROLE_SITUATION:
            self._situation(section, hs)
        elif role == ROLE_TASKS:
            self._tasks(section, hs)
        else:
            self._discipline(section, hs)
        return section

    def _set_children(
        self,
        section: DraftSection,
        hs: HeadingSet,
        count: int,
        functions: tuple[str, ...],
        items_for: Callable[[str, str, str, str], list[DraftItem]],
    ) -> None:
        """One sub-section per item of ``hs``, with the phrases ``items_for`` picks (``functions`` in turn)."""
        for i, item in enumerate(self.set_items(hs, count)):
            full = self.heading_text(item, hs)
            items = items_for(section.role, full, item, functions[i % len(functions)])
            section.children.append(
                DraftSection(role=section.role, heading=item, heading_set=hs.id, items=items)
            )

    def _situation(self, section: DraftSection, hs: HeadingSet | None) -> None:
        """形势: the sub-heading set's items with a phrase each, else phrases of the situation functions."""
        picker, role = self.picker, section.role
        if hs is not None:
            self._set_children(section, hs, 3, SITUATION_FUNCTIONS, self.situation_items)
            return
        for function in SITUATION_FUNCTIONS[:4]:
            chosen = picker.pick(role, function, picker.query(section.heading, topics=False))
            if chosen is not None:
                section.items.append(chosen)
        while len(section.items) < 2:
            extra = picker.pick(role)
            if extra is None:
                break
            section.items.append(extra)

    def _tasks(self, section: DraftSection, hs: HeadingSet | None) -> None:
        """重点工作: an intro, then the sub-heading set's items, else the meeting's topics, with their phrases."""
        picker, role = self.picker, section.role
        intro = picker.pick(ROLE_TASKS, "工作要求", picker.query(section.heading, topics=False))
        if intro is not None:
            section.items.append(intro)
        topics = picker.topics(role, TASK_FUNCTIONS, self.topic_order)
        if hs is None:
            self._topic_tasks(section, topics)
            return
        chosen = self.set_items(hs, 4)
        for item, topic in zip(chosen, _topics_for_items(chosen, topics), strict=True):
            full = self.heading_text(item, hs)
            items = self.task_items(role, full, item, topic)
            section.children.append(DraftSection(role=role, heading=item, heading_set=hs.id, items=items))

    def _topic_tasks(self, section: DraftSection, topics: list[str]) -> None:
        """Up to four task headings from the topics with phrases on them (without a heading set)."""
        picker, role = self.picker, section.role
        chosen_topics: list[str] = []
        for topic in topics:
            if len(section.children) >= 4:
                break
            title = TOPIC_HEADINGS.get(topic, topic)
            items = self.task_items(role, title, title, topic)
            if items and any(topic in picker.pb.phrases[i.phrase].topics for i in items if i.phrase):
                self.heading_text(title)
                section.children.append(DraftSection(role=role, heading=title, items=items))
                chosen_topics.append(topic)
            else:
                for i in items:  # not on this topic after all: give the phrases back
                    picker.used.discard(i.phrase or "")
        if _breaks_frame([c.heading for c in section.children]):
            # e.g. 全力抓项目促投资 / 全力抓招商引项目 / 稳住工业经济基本盘: one frame broken -> one frame for all
            for child, topic in zip(section.children, chosen_topics, strict=True):
                child.heading = self.heading_text(UNIFORM_TOPIC_FRAME.format(topic))

    def _discipline(self, section: DraftSection, hs: HeadingSet | None) -> None:
        """作风纪律: the sub-heading set's items, else one heading per discipline function, with a phrase each."""
        picker, role = self.picker, section.role
        if hs is not None:
            self._set_children(section, hs, 4, DISCIPLINE_FUNCTIONS, self.discipline_items)
            return
        for function in DISCIPLINE_FUNCTIONS:
            title = DISCIPLINE_HEADINGS[function]
            q = picker.query(title, topics=False)
            q.functions = {function: 2.0}
            chosen = picker.pick(role, function, q)
            if chosen is not None:
                self.heading_text(title)
                section.children.append(DraftSection(role=role, heading=title, items=[chosen]))
        if _breaks_frame([c.heading for c in section.children]):
            for child in section.children:
                child.heading = self.heading_text(child.heading.split("，")[-1])

    def parallel_sections(self) -> list[DraftSection]:
        info, picker = self.info, self.picker
        hs = _top_set(info, self.pb)
        sections: list[DraftSection] = []
        if hs is None:
            fallback = [str(h) for h in info.meta.get("top_headings") or []]
            if not fallback:
                return [self.section(role) for role in SECTION_ROLES]
            pairs = [
                (h, info.roles[i] if i < len(info.roles) else ROLE_TASKS) for i, h in enumerate(fallback)
            ]
        else:
            count = int(info.meta.get("sections", 4))
            default = hs.role if hs.role in SECTION_ROLES else ROLE_TASKS
            pairs = _choose_items(list(hs.items), count, list(info.roles), default)
        topics = picker.topics(ROLE_TASKS, TASK_FUNCTIONS, self.topic_order)
        task_topics = iter(_topics_for_items([item for item, role in pairs if role == ROLE_TASKS], topics))
        for n, (item, role) in enumerate(pairs):
            full = self.heading_text(item, hs)
            if role == ROLE_TASKS:
                items = self.task_items(role, full, item, next(task_topics, None))
            elif role == ROLE_DISCIPLINE:
                items = self.discipline_items(
                    role, full, item, DISCIPLINE_FUNCTIONS[n % len(DISCIPLINE_FUNCTIONS)]
                )
                items += self.discipline_items(role, full, item, DISCIPLINE_FUNCTIONS[(n + 1) % 4])
            else:
                items = self.situation_items(role, full, item, "肯定成绩")
                items += self.situation_items(role, full, item, "增强紧迫感")
            if len(items) < 2:
                extra = picker.pick(role, None, picker.query(full, item, topics=False), roles=SECTION_ROLES)
                items += [extra] if extra else []
            sections.append(
                DraftSection(
                    role=role, heading=item, heading_set=hs.id if hs is not None else None, items=items
                )
            )
        return sections


def suggest_from_phrases(
    template: str | TemplateInfo, meeting: Mapping[str, str], phrasebank: Phrasebank | None
) -> Draft:
    """A complete draft for ``template`` from the phrasebank (deterministic, meaning-aware; see above)."""
    info = as_info(template)
    meeting = {k: ("" if v is None else str(v)) for k, v in meeting.items()}
    if meeting.get("日期"):
        meeting["日期"] = normalise_date(meeting["日期"]) or meeting["日期"]
    suggester = _Suggester(info, meeting, phrasebank)
    picker = suggester.picker
    draft = Draft(meeting=dict(meeting), template=info.name)

    # Sections first (their headings and phrases are what the speech is about); the opening and
    # closing are then chosen around them, and placed first and last.
    if info.meta.get("parallel"):
        draft.sections = suggester.parallel_sections()
    else:
        for role in info.roles:  # no phrase may repeat a heading, even one further down
            picker.remember(suggester.headings.get(role) or DEFAULT_HEADINGS[role])
        draft.sections = [suggester.section(role) for role in info.roles]

    for function in OPENING_FUNCTIONS:
        item = None
        if function == "引出意见":  # one that announces the number of sections (讲三点意见), computed
            item = picker.pick(ROLE_OPENING, function, picker.meeting_query, slot=COUNT_SLOT)
        item = item or picker.pick(ROLE_OPENING, function, picker.meeting_query)
        if item is None and function in FALLBACK_TEXT:
            item = DraftItem(text=FALLBACK_TEXT[function])
        if item is not None:
            draft.opening.append(item)

    closing = picker.pick(ROLE_CLOSING, "号召", picker.meeting_query) or picker.pick(ROLE_CLOSING)
    draft.closing.append(closing or DraftItem(text=FALLBACK_TEXT["号召"]))
    return draft
