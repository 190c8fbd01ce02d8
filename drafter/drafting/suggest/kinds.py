"""Recognising the kind of meeting from 会议名称, 会议类型 and 主题.

Keywords of every kind (``phrasebank/kinds.yaml``) are looked for in the three
fields; the longest keyword wins where two overlap (「卫生县城」 is 创卫, not 卫生健康).
A meeting may combine two subject kinds (「防汛抗旱暨地质灾害防治」, 「招商引资暨重点项目」)
and one form kind (动员大会, 交帐亮相/述职讲评).  What names a subject but matches
no kind — a 主题 word or the rest of the meeting name — is *uncovered*: the
engine leaves 【待补】 blocks for it and warns, and never borrows another
subject's text.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field

from drafter.model import MeetingKind
from drafter.phrasebank.layers import Phrasebank

__all__ = [
    "FORM_KINDS",
    "GENERAL_KIND",
    "Recognised",
    "forms_missing",
    "forms_named",
    "meeting_descriptors",
    "misnames_meeting",
    "naming_words",
    "recognise",
    "subject_words",
    "wrong_forms",
]

FORM_KINDS = ("mobilization", "review")  # forms of a meeting, combined with a subject kind
GENERAL_KIND = "plenary"  # the kind of a meeting that names no subject
MAX_SUBJECT_KINDS = 2
FIELDS = ("会议名称", "会议类型", "主题")

# Words of a meeting name that say nothing about its subject.
_FRAME_RE = re.compile(
    r"^(?:全[县市区镇乡]|[县市区]政府|[县市区]委|全体|第[一二三四五六七八九十\d]+次)+|"
    r"(?:[（(][^）)]*[）)])|"
    r"(?:常务|扩大|全体|专题|工作|推进|部署|动员|调度|现场|总结|座谈|培训|视频|电视电话|领导小组|联席|办公)*"
    r"(?:会议|大会|会)$"
)
_SPLIT_RE = re.compile(r"[\s,，、;；/|]+")
_JOIN_RE = re.compile(r"暨|和|及|与|、|｜")


@dataclass
class Recognised:
    """The kinds a meeting is, and what it names that no kind covers."""

    subjects: list[MeetingKind] = field(default_factory=list)  # main first; at most two
    form: MeetingKind | None = None
    uncovered: list[str] = field(default_factory=list)  # subjects no kind or block topic covers

    @property
    def kinds(self) -> list[MeetingKind]:
        return [*self.subjects, *([self.form] if self.form else [])]

    @property
    def ids(self) -> list[str]:
        return [k.id for k in self.kinds]

    @property
    def topics(self) -> list[str]:
        """Block topics of the subject kinds: the main kind's first, then the second's."""
        out: list[str] = []
        for kind in self.subjects:
            out += [t for t in kind.topics if t not in out]
        return out

    @property
    def main(self) -> MeetingKind | None:
        return self.subjects[0] if self.subjects else self.form


def _hits(text: str, kinds: list[MeetingKind]) -> list[tuple[int, int, MeetingKind]]:
    """(start, end, kind) of keyword hits, longest first, overlapping shorter hits dropped."""
    found = []
    for kind in kinds:
        for word in kind.keywords:
            if not word or word not in text:
                continue
            for m in re.finditer(re.escape(word), text):
                found.append((m.start(), m.end(), kind))
    found.sort(key=lambda h: (-(h[1] - h[0]), h[0]))
    taken: list[tuple[int, int]] = []
    kept = []
    for start, end, kind in found:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        kept.append((start, end, kind))
    kept.sort(key=lambda h: h[0])
    return kept


def mentions_kind(text: str, kinds: list[MeetingKind]) -> bool:
    """Whether ``text`` holds a keyword of any of ``kinds`` (the hits ``recognise`` counts)."""
    return bool(_hits(text, kinds))


def subject_words(name: str, region: str = "") -> str:
    """What a meeting name is about, with the frame removed: 全县殡葬改革工作推进会 -> 殡葬改革."""
    text = name.strip()
    if region:
        text = text.replace(region, "")
        if region[-1] in "县市区" and text.startswith(region[-1]):  # 县落实攻坚年动员大会 (地区 某某县)
            text = text[1:]
    prev = None
    while prev != text:
        prev = text
        text = _FRAME_RE.sub("", text).strip()
    return text


def _recognise_kinds(joined: str, kinds: list[MeetingKind]) -> Recognised:
    """The form kind and the subject kinds named in the meeting's fields (joined by ｜)."""
    rec = Recognised()
    last_end = 0
    for start, end, kind in _hits(joined, kinds):
        if kind.id in FORM_KINDS:
            rec.form = rec.form or kind
        elif kind in rec.subjects:
            last_end = end if rec.subjects[0] is kind else last_end
        elif not rec.subjects:
            rec.subjects.append(kind)
            last_end = end
        elif len(rec.subjects) < MAX_SUBJECT_KINDS and _JOIN_RE.search(joined[last_end:start]):
            # a second subject only where the meeting joins two (防汛暨安全生产, 信访维稳和平安建设;
            # another field counts as joined): 民生实事项目推进会 is about 民生实事, not 项目建设
            rec.subjects.append(kind)
    return rec


# What is left of a form meeting's name after its kind words that names who attends or the work as a
# whole, not a subject: 县直部门主要负责人述职讲评会, 全县重点工作交账亮相会, 乡镇党委书记抓党建述职.
_NOT_SUBJECT_RE = re.compile(
    r"^(?:[县市区乡镇]?直?(?:各|部门|单位|机关|乡镇|街道|党委|党组|政府|主要|负责|领导|班子|干部|书记|"
    r"同志|成员|人|重点|各项|年度|全年|上半年|下半年|季度|工作|情况|评议|测评|考评|民主|集中|"
    r"第[一二三四五六七八九十\d]+|[一二三四]季度)"
    r"|[，、\s])+$"
)


def _name_subjects(rec: Recognised, name: str, kinds: list[MeetingKind], region: str) -> None:
    """The meeting name's own subject, if it has one beyond its kind keywords (a form kind's 动员 …)."""
    for start, end, _ in _hits(name, kinds):
        name = name[:start] + " " * (end - start) + name[end:]
    rest = subject_words(re.sub(r"\s+", "", name), region)
    for part in _JOIN_RE.split(rest):
        part = subject_words(part)
        if rec.form is not None and _NOT_SUBJECT_RE.match(part):
            continue  # who reports at a 述职 / 交帐亮相 meeting is not a subject of its own
        if len(part) >= 2 and part not in rec.uncovered:
            rec.uncovered.append(part)


def recognise(meeting: Mapping[str, str], phrasebank: Phrasebank) -> Recognised:
    """The kinds of ``meeting`` (by the phrasebank's kinds) and its uncovered subjects."""
    kinds = list(phrasebank.kinds.values())
    texts = {f: str(meeting.get(f) or "").strip() for f in FIELDS}
    joined = "｜".join(texts[f] for f in FIELDS)
    rec = _recognise_kinds(joined, kinds)
    known_topics = {t for k in kinds for t in k.topics} | {
        t for b in phrasebank.blocks.values() for t in b.topics
    }
    if not rec.subjects:
        _name_subjects(rec, texts["会议名称"], kinds, str(meeting.get("地区") or ""))
    # 主题 words that no kind keyword and no block topic covers
    for word in _SPLIT_RE.split(texts["主题"]):
        if word and not _hits(word, kinds) and word not in known_topics and word not in rec.uncovered:
            rec.uncovered.append(word)
    # A meeting naming no subject is a plenary's; a form meeting (全县重点工作交帐亮相会) is its form's.
    if not rec.subjects and not rec.uncovered and rec.form is None and GENERAL_KIND in phrasebank.kinds:
        rec.subjects.append(phrasebank.kinds[GENERAL_KIND])
    return rec


# How a speech names the meeting it is given at: 「这次防汛工作会议」「也是一次督查讲评会」「通过这次交帐亮相」.
_FORM_WORDS = (
    "交帐",
    "交账",
    "亮相",
    "述职",
    "讲评",
    "点评",
    "全体",
    "动员",
    "誓师",
    "经济运行",
    "形势分析",
    "观摩",
    "表彰",
)
_SELF = r"(?:这次|本次|此次|今天的|今天这次|今天召开的|今天召开|今天我们召开|今天这个|一次)"  # 一次: 是一次, 召开的一次 …
_CALLED_RE = re.compile(
    _SELF + r"([^，。；！？“”\n]{0,16}?)(?:会议|大会|(?<![机体理社领约])会(?![议上中后前场]))"
)
_CALLED_BARE_RE = re.compile(_SELF + r"(交帐亮相|交账亮相|述职|讲评|观摩)")


def meeting_descriptors(text: str) -> tuple[str, ...]:
    """What ``text`` calls the meeting it is given at: 「这次防汛工作会议」 -> (防汛工作,)."""
    return tuple(m.group(1) for m in [*_CALLED_RE.finditer(text), *_CALLED_BARE_RE.finditer(text)])


# Forms of meeting a text may name anywhere, not only as 「这次……会」: 「各单位上台交账亮相」 belongs to a
# 交帐亮相 meeting, 「述职报告」 to a 述职 one.  A bare 交账 is left out: 「强化交账意识」 is said at any meeting.
_FORM_TERMS: dict[str, re.Pattern[str]] = {
    "交帐亮相": re.compile(
        r"交[帐账]亮相|亮相[会台]|交[帐账](?:发言|会|情况|环节|单位|材料|时)|上台交[帐账]|[这每下]一?次交[帐账]"
    ),
    "述职": re.compile(r"述职"),
    "誓师": re.compile(r"誓师"),
}
_FORM_IN_MEETING: dict[str, tuple[str, ...]] = {
    "交帐亮相": ("交帐", "交账", "亮相"),
    "述职": ("述职",),
    "誓师": ("誓师",),
}


def forms_named(text: str) -> tuple[str, ...]:
    """The forms of meeting ``text`` names (交帐亮相, 述职, 誓师), in that order."""
    return tuple(form for form, pattern in _FORM_TERMS.items() if pattern.search(text))


def forms_missing(text: str, reference: str) -> tuple[str, ...]:
    """Forms ``text`` names that ``reference`` (what names the meeting) does not."""
    return tuple(f for f in forms_named(text) if not any(w in reference for w in _FORM_IN_MEETING[f]))


def wrong_forms(text: str, meeting: Mapping[str, str]) -> tuple[str, ...]:
    """Forms ``text`` names that the meeting (会议名称, 会议类型, 主题) is not: 交帐亮相 text at a 述职 meeting."""
    return forms_missing(text, " ".join(str(meeting.get(f) or "") for f in FIELDS))


def naming_words(phrasebank: Phrasebank) -> tuple[str, ...]:
    """Words that name a kind of meeting: the forms (交帐亮相, 动员, 全体 …) and every kind's keywords."""
    return _FORM_WORDS + tuple(w for k in phrasebank.kinds.values() for w in k.keywords if len(w) >= 2)


def misnames_meeting(
    descriptors: tuple[str, ...], meeting: Mapping[str, str], words: tuple[str, ...]
) -> bool:
    """Whether a text calling the meeting ``descriptors`` (see meeting_descriptors) names something the
    meeting's name, type and 主题 do not say (the lint rule meeting-mismatch): 「这次全体会议」 at an
    economic analysis meeting, 「这次交帐亮相」 at an education one."""
    if not descriptors:
        return False
    reference = " ".join(str(meeting.get(f) or "") for f in FIELDS)
    return any(w in d and w not in reference for d in descriptors for w in words)
