"""Cleaning a file's raw paragraphs: normalisation, boilerplate, hard wraps, soft line breaks.

Everything here works paragraph by paragraph with linear-time regular
expressions, so a large corpus (or one absurd 10 MB line) never hangs.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable

from drafter.model import Para
from drafter.text import ANY_MARKER_RE, CN_NUMERALS  # the one marker grammar (drafter.text.markers)
from drafter.text.patterns import DATE_LINE_RE as DATE_RE  # dates as written: 2024年3月1日, 2020.12.31
from drafter.text.patterns import SALUTATION_RE  # 同志们：, 同学们、老师们：, 全体教职工：

# ---------------------------------------------------------------------------
# Shared patterns (also used by drafter.outline)

_CJK = "\u3400-\u9fff\uf900-\ufaff"
# Sentence-final punctuation: a line ending with one of these is a complete paragraph.
FINAL_PUNCT = "。！？：…!?:"
_CLOSERS = "”’」』）》)\"'"

PIAN_RE = re.compile(rf"^第([{CN_NUMERALS}\d]{{1,3}})篇\s*[：:、.．\s]?\s*(.*)$")
SUBTITLE_RE = re.compile(r"^(?:——|—|──|--|－－|－)\s*(.+)$")
# ``在…上的讲话``: the meeting phrase that makes a line a complete subtitle on its own.
MEETING_PHRASE_RE = re.compile(r"在.{2,80}?(?:上|中|时)的(?:讲话|发言|致辞|报告)")
HEADERISH_END_RE = re.compile(r"(?:讲话|发言|致辞|报告|讲稿|讲话要点|讲话提纲)(?:[（(][^）)]{0,8}[）)])?$")

# ---------------------------------------------------------------------------
# Boilerplate

# Strong signs of an advert / web boilerplate line (only checked on short lines).
_AD_STRONG = re.compile(
    r"仅供学习|禁止外传|仅供参考学习|订阅|会员|QQ群|[Qq]{2}[:：]|微信群|公众号|扫码|二维码|倒卖|免费赠送"
    r"|版权所有|未经授权|https?://|www\.|范文网|文库|关注我们|添加微信|客服微信|VIP|vip"
)
_AD_WEAK = re.compile(r"平台|分享|资料|权益|活动|迭代|群[:：]|下载|更新")
_AD_MAX_LEN = 80
_PAGINATION_RE = re.compile(r"本文章共\d+页[，,]?\s*当前在第\d+页|第\d+页\s*[/／共]\s*共?\d+页")
_PAGE_NUMBER_LINE = re.compile(r"^[-—–－\s]*\d{1,3}[-—–－\s]*$")

# Invisible and control characters (a tab becomes a space first).
_INVISIBLE_RE = re.compile("[\ufeff\u200b\u200c\u200d\u2060\u00ad\x00-\x08\x0a-\x1f\x7f]")
_FULLWIDTH_RE = re.compile("[０-９Ａ-Ｚａ-ｚ]")
_SPACES = re.compile(r"[ \t\u00a0\u2002\u2003\u2009\u3000]+")
_FULLWIDTH = {ord(c): ord(c) - 0xFEE0 for c in "０１２３４５６７８９"}
_FULLWIDTH.update({ord(chr(o)): o - 0xFEE0 for o in range(ord("Ａ"), ord("Ｚ") + 1)})
_FULLWIDTH.update({ord(chr(o)): o - 0xFEE0 for o in range(ord("ａ"), ord("ｚ") + 1)})
_HALF_PUNCT = {",": "，", ":": "：", ";": "；", "?": "？", "!": "！"}
_HALF_NEAR_CJK = re.compile(rf"(?<=[{_CJK}“”、，。）])[,:;?!]|[,:;?!](?=[{_CJK}“])")
_PAREN_GROUP = re.compile(r"\(([^()（）\n]{1,60})\)")
_CJK_CHAR = re.compile(rf"[{_CJK}]")
_SPACE_BETWEEN_CJK = re.compile(rf"(?<=[{_CJK}，。、；：！？“”（）])\s(?=[{_CJK}，。、；：！？“”（）])")
_SPACE_AFTER_MARKER = re.compile(
    rf"^((?:[{CN_NUMERALS}]{{1,3}}、|（[^）]{{1,3}}）|\d{{1,2}}(?:\.|．|、)|[{CN_NUMERALS}]{{1,3}}[是要]|第[{CN_NUMERALS}]{{1,3}}[，、]))\s+"
)


# 国发„2024‟2号: the 〔〕 of a document number garbled by a legacy encoding or a font substitution.
_GARBLED_YEAR_BRACKETS = re.compile(r"„\s*((?:19|20)\d{2})\s*‟")


def normalise_text(text: str) -> str:
    """Normalise one line: invisible characters, spaces, full-width digits/letters, half-width punctuation,
    ``„2024‟`` in a document number to ``〔2024〕``.

    Placeholders (``XX``, ``xx``, ``X``, ``*``, ``***``, ``××``, ``……``) are left alone.
    """
    if _INVISIBLE_RE.search(text):
        text = _INVISIBLE_RE.sub("", text.replace("\t", " "))
    text = _SPACES.sub(" ", text).strip()
    if not text:
        return ""
    if _FULLWIDTH_RE.search(text):
        text = text.translate(_FULLWIDTH)
    if "„" in text:
        text = _GARBLED_YEAR_BRACKETS.sub(r"〔\1〕", text)
    # The steps feed each other (a removed space brings a bracket pair closer), so repeat to a fixed point.
    for _ in range(4):
        before = text
        text = _normalise_step(text)
        if text == before:
            break
    return text


def _normalise_step(text: str) -> str:
    """One round of spacing and punctuation fixes of :func:`normalise_text`."""
    if " " in text:
        text = _SPACE_AFTER_MARKER.sub(r"\1", text)
        if len(text) > 60:
            text = _SPACE_BETWEEN_CJK.sub("", text)
    if any(c in text for c in ",:;?!"):
        text = _HALF_NEAR_CJK.sub(lambda m: _HALF_PUNCT[m.group(0)], text)
    if "(" in text:
        text = _PAREN_GROUP.sub(_fullwidth_parens, text)
    return text


def _fullwidth_parens(m: re.Match[str]) -> str:
    inner = m.group(1)
    start = m.start() == 0
    if _CJK_CHAR.search(inner) or (start and (inner.isdigit() or all(c in CN_NUMERALS for c in inner))):
        return f"（{inner}）"
    return m.group(0)


def is_advert(text: str) -> bool:
    """A short line that is an advert or web boilerplate rather than speech."""
    return len(text) <= _AD_MAX_LEN and _AD_STRONG.search(text) is not None and not ANY_MARKER_RE.match(text)


def _ends_sentence(text: str) -> bool:
    stripped = text.rstrip(_CLOSERS)
    if not stripped:
        return True
    if stripped != text and stripped[-1] in "。！？…!?":
        return True
    return text[-1] in FINAL_PUNCT


def _is_heading_only(text: str) -> bool:
    """A marker line without a full stop: a heading on its own line, never a wrapped line."""
    return ANY_MARKER_RE.match(text) is not None and "。" not in text


def _is_header_line(text: str) -> bool:
    return (
        PIAN_RE.match(text) is not None
        or DATE_RE.match(text) is not None
        or SUBTITLE_RE.match(text) is not None
        or SALUTATION_RE.match(text) is not None
        or (len(text) <= 60 and HEADERISH_END_RE.search(text) is not None)
    )


def clean_lines(paras: Iterable[Para]) -> list[Para]:
    """Drop boilerplate, normalise, and repair hard wraps; one Para per paragraph.

    ``Para.line`` stays the 1-based line (paragraph, for .docx) in the original file;
    a repaired paragraph keeps the line it starts on.
    """
    lines: list[Para] = []
    for p in paras:
        text = normalise_text(p.text)
        if text and ("页" in text):
            stripped = _PAGINATION_RE.sub("", text)
            if stripped != text:
                text = normalise_text(stripped)
        lines.append(Para(text, p.line))
    _drop_preamble_adverts(lines)
    out: list[Para] = []
    for p in lines:
        text = p.text
        if not text or _PAGE_NUMBER_LINE.match(text) or is_advert(text):
            out.append(Para("", p.line))
            continue
        out.append(p)
    return _repair_wraps(out)


def _drop_preamble_adverts(lines: list[Para]) -> None:
    """Blank out the advert block at the top of a file (lines before the real title that look like ads)."""
    last_ad = -1
    for i, p in enumerate(lines):
        text = p.text
        if not text:
            continue
        if (
            len(text) > _AD_MAX_LEN
            or SALUTATION_RE.match(text)
            or PIAN_RE.match(text)
            or ANY_MARKER_RE.match(text)
            or i > 60
        ):
            break
        if is_advert(text):
            last_ad = i
    if last_ad < 0:
        return
    for i in range(last_ad + 1):
        lines[i] = Para("", lines[i].line)
    # Short lines glued to the block (no blank line between: a brand name, a slogan) go too.
    end = last_ad + 1
    while (
        end < len(lines)
        and lines[end].text
        and len(lines[end].text) <= 30
        and not _is_header_line(lines[end].text)
    ):
        lines[end] = Para("", lines[end].line)
        end += 1
    # Short weak-ad lines right after the block go too.
    for i in range(end, min(len(lines), end + 8)):
        text = lines[i].text
        if text and len(text) <= 30 and _AD_WEAK.search(text) and not _is_header_line(text):
            lines[i] = Para("", lines[i].line)


_WRAP_MIN_LEN = 40


def _wrap_length(lines: list[Para]) -> int:
    """The shortest line length that counts as hard-wrapped.

    40 characters by default; a file wrapped at a fixed width (copied from a
    PDF or a narrow window: many unpunctuated lines of the same length) uses
    that width instead.
    """
    lengths = Counter(
        len(p.text)
        for p in lines
        if len(p.text) >= 12
        and not _ends_sentence(p.text)
        and not _is_heading_only(p.text)
        and not _is_header_line(p.text)
    )
    if not lengths:
        return _WRAP_MIN_LEN
    width, count = lengths.most_common(1)[0]
    # allow one character of jitter (a half-width digit pair, a closing quote)
    count += lengths.get(width - 1, 0) + lengths.get(width + 1, 0)
    if count >= 4 and count * 4 >= sum(lengths.values()):
        return min(_WRAP_MIN_LEN, width - 2)
    return _WRAP_MIN_LEN


def _repair_wraps(lines: list[Para]) -> list[Para]:
    out: list[Para] = []
    current: Para | None = None
    continued = False
    min_len = _wrap_length(lines)
    for p in lines:
        text = p.text
        if not text:
            if current is not None:
                _emit(out, current, continued)
                current = None
            continue
        if current is not None:
            if _joins(current.text, text, continued or len(current.text) >= min_len):
                current = Para(normalise_text(current.text + text), current.line)
                continued = True
                continue
            _emit(out, current, continued)
        current = Para(text, p.line)
        continued = False
    if current is not None:
        _emit(out, current, continued)
    return out


def _emit(out: list[Para], para: Para, merged: bool) -> None:
    # A paragraph glued from several lines is checked for adverts again, as a re-read would.
    if not (merged and is_advert(para.text)):
        out.append(para)


def wrap_length(lines: list[str]) -> int:
    """The line length from which ``clean_lines`` treats an unpunctuated line of this text as wrapped."""
    return _wrap_length([Para(t) for t in lines])


def would_join(prev: str, nxt: str, min_len: int = _WRAP_MIN_LEN) -> bool:
    """Would ``clean_lines`` read line ``nxt`` as the continuation of a stand-alone line ``prev``?"""
    return _joins(prev, nxt, len(prev) >= min_len)


def _joins(prev: str, nxt: str, continued: bool) -> bool:
    """Does ``nxt`` continue ``prev`` (a hard line wrap)?"""
    if prev.endswith("；"):
        # A line ending in ； continues unless the next line is an item of a list.
        if ANY_MARKER_RE.match(nxt):
            return False
    elif _ends_sentence(prev):
        return False
    if len(prev) < _WRAP_MIN_LEN and not continued:
        return False
    if _is_heading_only(prev) or _is_header_line(prev):
        return False
    if _is_header_line(nxt) or _is_heading_only(nxt):
        return False
    return True


_ASCII_WORD = re.compile(r"[A-Za-z0-9]")
# A title in short parallel phrases: 坚定信心 扎实进取 (2 to 8 characters each, space-separated).
_SPACED_PHRASES = re.compile(r"^[^\s]{2,8}(?: [^\s]{2,8})+$")


def _ends_title(a: str, b: str) -> bool:
    """Is ``b`` (``…大会上的讲话``) the end of the title ``a`` rather than a subtitle line of its own?"""
    if PIAN_RE.match(b) or DATE_RE.match(b) or SUBTITLE_RE.match(b) or SALUTATION_RE.match(b):
        return False
    return not MEETING_PHRASE_RE.search(b) and MEETING_PHRASE_RE.search(a + b) is not None


def join_soft_breaks(pieces: list[str]) -> list[str]:
    """The lines of one Word paragraph split at soft line breaks, joined where the break only wraps.

    A break inside a sentence or title (``锚定目标 真抓实干`` / ``确保全年…``, as drafter's own
    title layout writes it) joins with no space between Chinese characters, one space between
    Latin words or digits, and the space it replaced after short space-separated phrases.  A break
    after a finished sentence, a heading or a front-matter line, or before a heading, a date, a
    subtitle or a salutation, still separates paragraphs (text pasted with Shift+Enter).
    """
    if len(pieces) <= 1:
        return pieces
    out: list[str] = []
    for piece in pieces:
        if not out:
            out.append(piece)
            continue
        prev = out[-1]
        a, b = prev.rstrip(), piece.lstrip()
        if not a or not b or _ends_sentence(a) or _is_heading_only(a) or _is_header_line(a):
            out.append(piece)
        elif _is_heading_only(b) or (_is_header_line(b) and not _ends_title(a, b)):
            out.append(piece)
        else:
            if a != prev or b != piece:
                gap = " "  # the space is written in the text: keep it
            elif _ASCII_WORD.match(a[-1]) and _ASCII_WORD.match(b[0]):
                gap = " "
            elif _SPACED_PHRASES.match(a):
                gap = " "  # 坚定信心 扎实进取 / 努力开创…: the break stands for the space between phrases
            else:
                gap = ""
            out[-1] = a + gap + b
    return out
