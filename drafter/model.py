"""Plain domain dataclasses shared by every stage.

Data flows one way: corpus -> outline -> roles -> mine -> phrasebank ->
render -> lint -> docx.  These classes carry no behaviour beyond small
conveniences, so every stage (and the TUI) can build and read them freely.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

# Roles of the parts of a speech.  Top-level sections get one of the
# three middle ones; opening and closing are roles of their own.
ROLE_OPENING = "opening"
ROLE_SITUATION = "situation"
ROLE_TASKS = "tasks"
ROLE_DISCIPLINE = "discipline"
ROLE_CLOSING = "closing"
ROLE_TRANSITION = "transition"

SECTION_ROLES = (ROLE_SITUATION, ROLE_TASKS, ROLE_DISCIPLINE)
SPEECH_ROLES = (ROLE_OPENING, *SECTION_ROLES, ROLE_CLOSING)
PHRASE_ROLES = (*SPEECH_ROLES, ROLE_TRANSITION)

ROLE_LABELS = {
    ROLE_OPENING: "开场",
    ROLE_SITUATION: "认清形势",
    ROLE_TASKS: "重点工作",
    ROLE_DISCIPLINE: "作风纪律",
    ROLE_CLOSING: "结尾",
    ROLE_TRANSITION: "过渡",
}


@dataclass
class Para:
    """One paragraph of text and the 1-based line it starts on in its source."""

    text: str
    line: int = 0


@dataclass
class Section:
    """A heading with its body and sub-sections.

    ``marker`` is the enumeration as written (``一、``, ``（一）``, ``1.``,
    ``（1）``, ``一是``, ``第一，``, ``首先`` ...); ``heading`` is the text after
    it without the marker.  For a run-in heading (``（一）强化担当意识。目前……``)
    ``run_in`` is true, ``heading`` is the text up to the first ``。`` (without
    the ``。`` itself) and the rest of that paragraph is the first entry of
    ``paragraphs``.  Headings never keep a trailing ``。``; writers of text
    (``speech_to_text``, the exporters) add it back for run-in headings.
    """

    marker: str
    heading: str
    level: int = 1
    paragraphs: list[Para] = field(default_factory=list)
    children: list[Section] = field(default_factory=list)
    run_in: bool = False
    line: int = 0
    # The marker exactly as written when the parser normalised or repaired it
    # (``（%1）`` read as ``（四）``, ``（1）`` as ``（一）``); None when ``marker`` is as written.
    written_marker: str | None = None
    # Only top-level sections carry a role.
    role: str | None = None
    role_cues: list[str] = field(default_factory=list)
    role_confidence: float = 0.0

    @property
    def ordinal(self) -> int | None:
        """The number the marker stands for (``（三）`` -> 3), if any."""
        from drafter.text import marker_ordinal

        return marker_ordinal(self.marker)

    def iter_sections(self):
        """This section and all its descendants, depth first."""
        yield self
        for child in self.children:
            yield from child.iter_sections()


@dataclass
class Speech:
    """One speech: its front matter, opening, sections and closing."""

    source: str = ""  # file name, as shown to users
    index: int = 0  # index of the speech within its file, from 0
    title: str = ""
    subtitle: str | None = None  # ——在…上的讲话
    date: str | None = None  # （2024年3月1日）, stored without brackets
    speaker: str | None = None
    salutation: str | None = None  # 同志们：
    opening: list[Para] = field(default_factory=list)
    sections: list[Section] = field(default_factory=list)
    closing: list[Para] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    announced_sections: int | None = None
    duplicate_of: tuple[str, int] | None = None  # (source, index)
    path: str = ""  # full path of the source file, if any
    line: int = 0  # line where the speech starts in its file

    def iter_sections(self):
        for section in self.sections:
            yield from section.iter_sections()


@dataclass
class Slot:
    """A named gap in a phrase, e.g. ``{{ 地区 }}``."""

    name: str
    prompt: str = ""
    example: str = ""


@dataclass
class Source:
    """Where a phrase came from in the corpus."""

    file: str
    speech: int = 0
    line: int = 0


@dataclass
class Phrase:
    """A phrasebank entry."""

    id: str
    role: str
    function: str
    text: str
    topics: list[str] = field(default_factory=list)
    slots: list[Slot] = field(default_factory=list)
    source: Source | None = None
    origin: str | None = None  # "curated" when not from the corpus
    notes: str | None = None
    # Where the entry is defined (for messages).
    file: str = ""
    line: int = 0


@dataclass
class HeadingSet:
    """A parallel heading set (排比): a frame with one slot and its items."""

    id: str
    frame: str  # e.g. "强化{X}意识"
    items: list[str]
    role: str
    slot: str = "X"
    level: str = "sub"  # "top" (top-level headings) or "sub"
    source: Source | None = None
    origin: str | None = None
    notes: str | None = None
    file: str = ""
    line: int = 0

    def headings(self) -> list[str]:
        return [self.frame.replace("{" + self.slot + "}", item) for item in self.items]


# Context a block or phrase fits (issue 10).  An empty tuple means "any".
PERIODS = ("年初", "一季度", "年中", "三季度", "年底")
LEVELS = ("县", "市", "乡镇")
SPEAKERS = ("主要领导", "分管领导", "党委书记")
# What a text presupposes: 成绩 = achievements were stated before it;
# 前面发言 = other people spoke before the speaker.
NEEDS = ("成绩", "前面发言")


@dataclass
class Fits:
    """The meeting contexts a block or phrase suits; empty means any."""

    period: tuple[str, ...] = ()
    level: tuple[str, ...] = ()
    speaker: tuple[str, ...] = ()
    needs: tuple[str, ...] = ()


@dataclass
class Block:
    """A paragraph of material (120-500 characters) making one point the way a speech does.

    Blocks sharing ``topics`` and ``point`` are alternatives of one another: a
    draft uses at most one of them.  ``headings`` are subsection headings that
    fit the block (the first is the default); a tasks block has at least one.
    """

    id: str
    role: str
    function: str
    text: str
    topics: list[str] = field(default_factory=list)
    point: str = ""
    headings: list[str] = field(default_factory=list)
    fits: Fits = field(default_factory=Fits)
    slots: list[Slot] = field(default_factory=list)
    source: Source | None = None
    origin: str | None = None
    notes: str | None = None
    file: str = ""
    line: int = 0


@dataclass
class KindStructure:
    """One structure a meeting kind suits: the role sequence and top-level heading alternatives."""

    roles: tuple[str, ...]
    headings: dict[str, list[str]] = field(default_factory=dict)


@dataclass
class MeetingKind:
    """A kind of meeting (防汛, 招商引资 ...): how to recognise it and what it brings."""

    id: str
    name: str
    keywords: list[str]
    topics: list[str]
    meeting_term: str = ""  # how a speech names the meeting: 这次{meeting_term}
    structures: list[KindStructure] = field(default_factory=list)
    task_points: int = 4
    file: str = ""
    line: int = 0


# Meeting fields: key in the draft spec (Chinese, so that a phrase slot of
# the same name is filled from it) -> short description.
MEETING_FIELDS = {
    "会议名称": "会议的完整名称，如“县政府第三次全体会议”",
    "地区": "县、市名称，如“某某县”",
    "讲话人": "讲话领导姓名",
    "职务": "讲话领导职务，如“县长”",
    "日期": "会议日期，如 2024年3月1日",
    "会议类型": "如 政府全体会议、动员大会、季度总结会",
    "听众": "参会人员，如“各乡镇、县直各部门负责同志”",
    "主题": "会议涉及的议题关键词，如“防汛 地质灾害”（可选，帮助判断会议类型）",
}


@dataclass
class DraftItem:
    """One paragraph-level choice: a phrasebank entry with slot values, or free text."""

    phrase: str | None = None  # phrasebank id
    values: dict[str, str] = field(default_factory=dict)
    text: str | None = None  # free text (may itself contain slots)
    # Provenance of free text taken from a speech archive (往年讲话): "文件 第N篇第L行".
    source: str | None = None


@dataclass
class DraftSection:
    """A section of a draft; numbering is generated from position at render time."""

    role: str
    heading: str = ""
    heading_set: str | None = None  # id of the heading set the heading came from
    items: list[DraftItem] = field(default_factory=list)
    children: list[DraftSection] = field(default_factory=list)


@dataclass
class Draft:
    """A writer's choices, as stored in a draft spec YAML file."""

    meeting: dict[str, str] = field(default_factory=dict)
    template: str = "plenary"
    title: str = ""
    opening: list[DraftItem] = field(default_factory=list)
    sections: list[DraftSection] = field(default_factory=list)
    closing: list[DraftItem] = field(default_factory=list)
    options: dict[str, Any] = field(default_factory=dict)
