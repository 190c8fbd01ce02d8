"""``period-mismatch``: text that does not fit the meeting's month.

A February speech cannot review 上半年 or deploy 下半年; a December one cannot deploy 上半年
or 一季度开门红.  The month comes from ``lint_speech(date=…)``, the meeting's 日期, or the
speech's date line; without one the rule is silent.  ``去年上半年``, ``明年一季度`` and
``2023年上半年`` name another year and are left alone.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from drafter.lint.context import LintContext, Unit, sentences, snippet
from drafter.lint.finding import WARNING, Finding
from drafter.lint.registry import rule

_FORWARD = re.compile(
    r"确保|力争|争取|(?<![主重需纲])要(?![求素点闻害])|必须|务必|计划|目标|任务是|预计|预期|力求|努力|将|须|应当|预测|若"
)
_OTHER_YEAR = re.compile(r"(?:去|明|上|前|后|来|\d|[〇○零一二三四五六七八九])年$|同期$|每年$")
_NAMED_YEAR = re.compile(r"明年|去年|上年|前年|来年|次年")
_ACHIEVED = r"(?:完成|实现|取得|增长|同比|累计|达到|下降)"
_CLAUSE = r"[，,]?[^。！？；，,]{0,30}?"  # 上半年，全县完成… but not across a second comma


@dataclass(frozen=True)
class _Pattern:
    regex: re.Pattern[str]
    months: frozenset[int]  # meeting months in which this text is wrong
    what: str  # what the text does, for the message
    why: str
    review: bool  # a statement about the past: forward-looking words before it make it fine
    unless: re.Pattern[str] | None = None  # in the matched sentence: not what the pattern means


def _months(first: int, last: int) -> frozenset[int]:
    return frozenset(range(first, last + 1))


_PATTERNS: tuple[_Pattern, ...] = (
    _Pattern(
        re.compile(rf"(?:回顾|总结|盘点)(?:今年)?(?P<p>上半年)|(?P<q>上半年)(?:以来)?{_CLAUSE}{_ACHIEVED}"),
        _months(1, 5),
        "回顾“上半年”",
        "上半年还没有过去",
        True,
    ),
    _Pattern(
        re.compile(
            rf"(?:回顾|总结|盘点)(?:今年)?(?P<p>前三季度)|(?P<q>前三季度)(?:以来)?{_CLAUSE}{_ACHIEVED}"
        ),
        _months(1, 8),
        "回顾“前三季度”",
        "前三季度还没有过去",
        True,
    ),
    _Pattern(
        re.compile(rf"(?:回顾|总结|盘点)(?:今年)?(?P<p>一季度)|(?P<q>一季度)(?:以来)?{_CLAUSE}{_ACHIEVED}"),
        _months(1, 2),
        "回顾“一季度”",
        "一季度还没有过去",
        True,
    ),
    _Pattern(
        re.compile(r"(?P<q>下半年)以来"),
        _months(1, 7),
        "说“下半年以来”",
        "下半年还没有开始",
        False,
    ),
    _Pattern(
        re.compile(
            r"(?:部署|安排|谋划|冲刺|决战|奋战|打好|抓好|做好)[^。！？；，、]{0,6}?(?P<p>下半年)"
            r"|(?P<q>下半年)[^。！？；，、]{0,10}?(?:部署|安排)"
        ),
        _months(1, 4) | _months(10, 12),
        "部署“下半年”工作",
        "会议时间与下半年不相称",
        False,
    ),
    _Pattern(
        re.compile(
            r"(?:部署|安排|谋划|冲刺|决战|奋战|打好|抓好|做好|确保|力争|争取)[^。！？；，、]{0,6}?(?P<p>上半年)"
            r"|(?P<q>上半年)[^。！？；，、]{0,10}?(?:部署|安排)"
            r"|(?P<r>时间过半[、，]?任务过半|双过半)"
        ),
        _months(8, 12),
        "部署“上半年”工作",
        "上半年已经过去",
        False,
    ),
    _Pattern(
        re.compile(r"(?P<q>(?:一季度|首季)?开门红|开好局[、，]?起好步)"),
        _months(6, 12),
        "提“开门红／开好局”",
        "年初已经过去",
        False,
        re.compile(r"了|[一二三四五六七八九十]五"),  # 实现了开门红; 十四五开好局 (a plan's first year)
    ),
    _Pattern(
        re.compile(
            r"(?:冲刺|决战|奋战|打好|抓好)(?P<p>四季度)|(?P<q>四季度)(?:冲刺|攻坚)|(?P<r>收官之战|冲刺全年|全年冲刺)"
        ),
        _months(1, 6),
        "冲刺“四季度／全年”",
        "离年底还早",
        False,
    ),
)


@rule("period-mismatch", WARNING, "讲话内容与会议时间不符：如二月回顾上半年、十二月部署上半年", order=62)
def check_period(ctx: LintContext) -> list[Finding]:
    month = ctx.month
    if month is None:
        return []
    out: list[Finding] = []
    for unit in ctx.units:
        if unit.area == "front":
            continue
        out += _unit_findings(ctx, unit, month)
    return out


def _unit_findings(ctx: LintContext, unit: Unit, month: int) -> list[Finding]:
    patterns = [p for p in _PATTERNS if month in p.months]
    spans = sentences(unit.text)
    out: list[Finding] = []
    for pattern in patterns:
        found = _first_match(pattern, unit.text, spans)
        if found is None:
            continue
        start, end = found
        message = (
            f"会议在{month}月，此处却{pattern.what}（{pattern.why}）：{snippet(unit.text, start, end, 10)}"
        )
        out.append(ctx.finding("period-mismatch", WARNING, message, unit.line, unit.path, unit.area))
    return out


def _first_match(pattern: _Pattern, text: str, spans: list[tuple[int, int]]) -> tuple[int, int] | None:
    for start, end in spans:
        sentence = text[start:end]
        for m in pattern.regex.finditer(sentence):
            group = next(g for g in ("p", "q", "r") if g in m.groupdict() and m.group(g) is not None)
            if _other_year(sentence, m.start(group)):
                continue  # 去年上半年, 2023年一季度, 为明年工作开好局
            if pattern.review and group != "p" and _forward(sentence, m, group):
                continue
            if pattern.unless is not None and pattern.unless.search(sentence):
                continue
            return start + m.start(), start + m.end()
    return None


def _other_year(sentence: str, start: int) -> bool:
    """The period belongs to another year: 2023年上半年 just before it, or 明年/去年 earlier in the clause."""
    if _OTHER_YEAR.search(sentence[max(0, start - 3) : start]):
        return True
    clause_start = max(sentence.rfind(c, 0, start) for c in "，,：:；;") + 1
    return _NAMED_YEAR.search(sentence, clause_start, start) is not None


def _forward(sentence: str, m: re.Match[str], group: str) -> bool:
    """A plan, not a review: 确保上半年完成, 上半年要实现, 目标任务是上半年完成 …."""
    clause_start = max(sentence.rfind(c, 0, m.start(group)) for c in "，,：:") + 1
    return bool(_FORWARD.search(sentence, clause_start, m.end()))
