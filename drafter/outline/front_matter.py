"""Front matter: title, subtitle, date, speaker and salutation at the top of a speech.

A title broken over lines (``在全县2024年经济工作暨`` / ``优化营商环境推进大会上的讲话``)
is joined; a complete ``在…上的讲话`` line after a title is its subtitle.  A title may end in
``！`` or ``？`` when header lines follow it.  Dates are read as written in Chinese or with
dots (``2020.12.31``), alone or with a place (``（2019年4月27日，北京）``), and split off the
end of a title line they are glued to.  Salutations to any audience (``同学们、老师们：``,
``全体教职工：``) end the front matter and are never a title.  Web debris (news datelines,
photo captions, 「点击观看」, 「来源：」) is dropped by ``drop_web_debris``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from drafter.corpus import HEADERISH_END_RE, MEETING_PHRASE_RE, PIAN_RE, SUBTITLE_RE, normalise_text
from drafter.model import Para
from drafter.text import ANY_MARKER_RE, DATE_LINE_RE, SALUTATION_RE, TRAILING_DATE_RE, is_web_junk
from drafter.text.patterns import (
    READING_LIST_MAX_ITEMS,
    is_news_lead,
    is_reading_list_head,
    is_reading_list_item,
)

_PIAN_SUFFIX = re.compile(r"[（(](?:推荐|精选|范文|修改稿|定稿|参考)[）)]$")
SPEAKER_LABEL_RE = re.compile(r"^(?:讲话人|主讲人|讲话领导|发言人|述职人|报告人)[：:]\s*(.{1,40})$")
_JOB = re.compile(
    r"书记|县长|市长|省长|区长|镇长|乡长|州长|旗长|主任|部长|局长|厅长|处长|科长|主席|委员|秘书长|总理|常委|同志"
    r"|校长|院长|董事长|经理|馆长|所长|站长|队长|会长|理事长"
)
_MEETING_LINE = re.compile(r"^(?:——)?\s*([^，。、；：\s]{1,12}?)\s*在(.{2,80}?)上的(?:讲话|发言|致辞|报告)")
HEADER_STOP = "。！？；"
_TITLE_END = "！？"
_WORD_CHAR = re.compile(r"[\w\u3400-\u9fff]")
# A title line ending with one of these continues on the next line (``在全县经济工作暨`` / ``优化…大会``).
_TITLE_CONNECTORS = "暨和与及的在之、"
MAX_HEADER_LINES = 14
MAX_TITLE_LEN = 60
_NEWS_LEAD_WINDOW = 5  # a news dateline is debris only among the first lines kept


@dataclass
class Front:
    """What the top of a speech says about it."""

    title: str = ""
    subtitle: str | None = None
    date: str | None = None
    speaker: str | None = None
    salutation: str | None = None


def speaker_from(line: str | None) -> str | None:
    """``陆再义县长在…上的讲话`` -> ``陆再义县长`` (only when the prefix names a post)."""
    if not line:
        return None
    m = _MEETING_LINE.match(line)
    if m and _JOB.search(m.group(1)):
        return m.group(1)
    return None


def is_date_line(text: str) -> bool:
    return DATE_LINE_RE.match(text) is not None


def is_salutation(text: str) -> bool:
    return SALUTATION_RE.match(text) is not None and not ANY_MARKER_RE.match(text)


def title_ok(text: str) -> bool:
    """Would this line be read back as (part of) a title?"""
    return not (
        SALUTATION_RE.match(text)
        or DATE_LINE_RE.match(text)
        or SUBTITLE_RE.match(text)
        or PIAN_RE.match(text)
        or SPEAKER_LABEL_RE.match(text)
        or ANY_MARKER_RE.match(text)
        or HEADERISH_END_RE.search(text)
        or any(c in text for c in HEADER_STOP)
        or len(text) > MAX_TITLE_LEN
        or not _WORD_CHAR.search(text)
    )


def join_title(parts: list[str]) -> str:
    """Title lines as one title: short parallel phrases (``坚定信心`` / ``扎实进取``) keep a space between
    them, a line that ends mid-phrase (``…经济工作暨``) runs on without one."""
    out = ""
    for part in parts:
        if out and len(out.split(" ")[-1]) <= 8 and out[-1] not in _TITLE_CONNECTORS:
            out += " " + part
        else:
            out += part
    return out


def _continues_title(last: str, line: str) -> bool:
    """Is ``line`` (ending in 讲话/发言/…) the rest of the title line ``last`` rather than a subtitle?

    ``在全县2024年经济工作暨`` + ``优化营商环境推进大会上的讲话`` is one title broken over two
    lines; ``锚定目标 真抓实干`` + ``在全县经济工作会议上的讲话`` is a title and its subtitle.
    """
    if MEETING_PHRASE_RE.search(line):
        return False
    return last[-1] in _TITLE_CONNECTORS or MEETING_PHRASE_RE.search(last + line) is not None


def _has_stop(text: str) -> bool:
    return any(c in text for c in HEADER_STOP)


def _exclaimed_title(text: str) -> bool:
    """A title line that ends in ！ or ？ and has no other sentence stop (``奋进新征程 建功新时代！``)."""
    return (
        len(text) <= MAX_TITLE_LEN
        and text[-1:] in _TITLE_END
        and not _has_stop(text[:-1])
        and _WORD_CHAR.search(text) is not None
        and not ANY_MARKER_RE.match(text)
    )


def _is_header_line(text: str) -> bool:
    return (
        DATE_LINE_RE.match(text) is not None
        or (SUBTITLE_RE.match(text) is not None and not _has_stop(text))
        or HEADERISH_END_RE.search(text) is not None
        or SPEAKER_LABEL_RE.match(text) is not None
        or is_salutation(text)
    )


def strip_pian(paras: list[Para]) -> list[Para]:
    """``第N篇：X`` at the top: X is read like any other header line (usually the title)."""
    while paras and len(paras[0].text) <= 80:
        m = PIAN_RE.match(paras[0].text)
        if not m:
            break
        rest = normalise_text(_PIAN_SUFFIX.sub("", m.group(2).strip()))
        paras = [Para(rest, paras[0].line), *paras[1:]] if rest else paras[1:]
    return paras


@dataclass
class _Scan:
    """State of the front-matter scan over the first header lines."""

    paras: list[Para]
    front: Front = field(default_factory=Front)
    title_parts: list[str] = field(default_factory=list)
    meeting_lines: list[str] = field(default_factory=list)
    seen_sub_or_date: bool = False
    title_done: bool = False
    i: int = 0

    def step(self, t: str) -> bool:
        """Read header line ``t``; False when the front matter ends before it."""
        if PIAN_RE.match(t):
            return False
        if is_salutation(t):
            self.front.salutation = t
            self.i += 1
            return False
        if self._fixed_line(t):
            self.i += 1
            return True
        if len(t) > MAX_TITLE_LEN or ANY_MARKER_RE.match(t):
            return False
        if _has_stop(t) and not self._title_with_mark(t):
            return False
        t = self._split_trailing_date(t)
        if HEADERISH_END_RE.search(t):
            self._meeting_line(t)
            self.i += 1
            return True
        if _WORD_CHAR.search(t) and self._word_line(t):
            self.i += 1
            return True
        return False

    def _fixed_line(self, t: str) -> bool:
        """Lines read whatever precedes them: a date, a ——subtitle, a 讲话人： label."""
        m = DATE_LINE_RE.match(t)
        if m:
            self.front.date = m.group(1)
            self.seen_sub_or_date = True
            return True
        m = SUBTITLE_RE.match(t)
        if m and len(t) <= 80 and not _has_stop(t):
            self.front.subtitle = "——" + m.group(1).strip()
            self.seen_sub_or_date = True
            return True
        m = SPEAKER_LABEL_RE.match(t)
        if m:
            self.front.speaker = m.group(1).strip()
            return True
        return False

    def _title_with_mark(self, t: str) -> bool:
        """A first title line ending in ！/？ counts when a header line (not prose) follows it."""
        if self.title_parts or self.meeting_lines or not _exclaimed_title(t):
            return False
        nxt = self.paras[self.i + 1].text if self.i + 1 < len(self.paras) else ""
        return _is_header_line(nxt) or (title_ok(nxt) and len(nxt) <= 30)

    def _split_trailing_date(self, t: str) -> str:
        m = TRAILING_DATE_RE.search(t)
        if m and m.start() > 0 and self.front.date is None:
            self.front.date = m.group(1)
            return t[: m.start()].rstrip()
        return t

    def _meeting_line(self, t: str) -> None:
        if (
            self.title_parts
            and not self.meeting_lines
            and not self.title_done
            and _continues_title(join_title(self.title_parts), t)
        ):
            self.title_parts[-1] += t  # the title's last line ends the title: nothing may join after it
            self.title_done = True
        else:
            self.meeting_lines.append(t)

    def _word_line(self, t: str) -> bool:
        has_title = bool(self.title_parts or self.meeting_lines)
        if self.seen_sub_or_date or (has_title and len(t) <= 16 and _JOB.search(t)):
            if self.front.speaker is None and len(t) <= 20 and t[-1:] not in _TITLE_END:
                self.front.speaker = t
                return True
            return False
        candidate = normalise_text(join_title([*self.title_parts, t]))
        if self.title_done or not (title_ok(candidate) or self._title_with_mark(t)):
            return False
        self.title_parts.append(t)
        return True

    def finish(self) -> Front:
        front = self.front
        if self.title_parts:
            front.title = normalise_text(join_title(self.title_parts))
            rest = self.meeting_lines
        elif self.meeting_lines:
            front.title = self.meeting_lines[0]
            rest = self.meeting_lines[1:]
        else:
            rest = []
        if front.subtitle is None and rest:
            front.subtitle = rest[0]
        if front.speaker is None:
            front.speaker = speaker_from(front.subtitle) or speaker_from(front.title)
        return front


def front_matter(paras: list[Para]) -> tuple[Front, list[Para]]:
    """Title, subtitle, date, speaker and salutation at the top; returns them and the body paragraphs."""
    scan = _Scan(strip_pian(list(paras)))
    while scan.i < len(scan.paras) and scan.i < MAX_HEADER_LINES:
        if not scan.step(scan.paras[scan.i].text):
            break
    return scan.finish(), scan.paras[scan.i :]


def drop_web_debris(paras: list[Para]) -> list[Para]:
    """Drop web copy debris: captions, photo credits, 「点击观看」, 「来源：」 lines, news datelines
    before the speech starts, and the link titles of a 「延伸阅读」 list."""
    out: list[Para] = []
    in_list = 0
    for para in paras:
        text = para.text
        if in_list:
            if is_reading_list_item(text) and in_list <= READING_LIST_MAX_ITEMS:
                in_list += 1
                continue
            in_list = 0
        if is_reading_list_head(text):
            in_list = 1
            continue
        if is_web_junk(text) or (len(out) < _NEWS_LEAD_WINDOW and is_news_lead(text)):
            continue
        out.append(para)
    return out
