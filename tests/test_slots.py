"""The slot grammar of material: {{ 名称 }} and {% if 名称 %}…{% endif %}, parsed, never executed."""

from __future__ import annotations

import time
import tracemalloc

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.errors import DrafterError
from drafter.text import (
    MissingSlotError,
    SlotError,
    SlotSyntaxError,
    check_slots,
    optional_slots,
    parse_slots,
    render_slots,
    slot_names,
)
from drafter.text.slots import MAX_IF_DEPTH, MAX_OUTPUT_CHARS, MAX_TEXT_CHARS

MARK = lambda name: f"【待补：{name}】"  # noqa: E731


def test_plain_text_and_slots():
    assert render_slots("要抓好落实。", {}) == "要抓好落实。"
    assert render_slots("{{ 地区 }}召开{{会议名称}}。", {"地区": "某县", "会议名称": "全体会议"}) == (
        "某县召开全体会议。"
    )
    assert render_slots("单个{括号}和 50% 不是标记", {}) == "单个{括号}和 50% 不是标记"
    assert slot_names("{{ 乙 }}{{ 甲 }}{{ 乙 }}{% if 丙 %}{{ 甲 }}{% endif %}") == ["乙", "甲", "丙"]


def test_if_else_and_not():
    text = "{% if 上级会议 %}贯彻{{ 上级会议 }}精神，{% else %}按照部署，{% endif %}要抓好落实。"
    assert render_slots(text, {}) == "按照部署，要抓好落实。"
    assert render_slots(text, {"上级会议": "   "}) == "按照部署，要抓好落实。"
    assert render_slots(text, {"上级会议": "全市会议"}) == "贯彻全市会议精神，要抓好落实。"
    assert render_slots("{% if not 甲 %}无{% else %}有{{ 甲 }}{% endif %}", {"甲": "X"}) == "有X"
    nested = "{% if 甲 %}{% if 乙 %}甲乙{% else %}仅甲{% endif %}{% endif %}"
    assert [render_slots(nested, v) for v in ({}, {"甲": "1"}, {"甲": "1", "乙": "1"})] == [
        "",
        "仅甲",
        "甲乙",
    ]


def test_missing_slot_raises_or_uses_marker():
    with pytest.raises(MissingSlotError) as info:
        render_slots("{{ 地区 }}要{{ 主要指标 }}", {"地区": "某县"})
    assert info.value.name == "主要指标"
    assert "主要指标" in info.value.message
    assert isinstance(info.value, DrafterError)
    assert (
        render_slots("{{ 地区 }}要{{ 主要指标 }}", {"地区": ""}, missing=MARK)
        == "【待补：地区】要【待补：主要指标】"
    )


def test_optional_slots():
    assert optional_slots("{% if 上级会议 %}贯彻{{ 上级会议 }}精神，{% endif %}要抓好落实。") == {"上级会议"}
    assert optional_slots("{% if not 甲 %}无{% endif %}") == {"甲"}
    assert optional_slots("{% if 甲 %}有{% endif %}{{ 甲 }}") == frozenset()
    assert optional_slots("{% if 甲 %}{% else %}{{ 甲 }}{% endif %}") == frozenset()
    assert optional_slots("{{ 地区 }}") == frozenset()
    assert optional_slots("{% if %}") == frozenset()


@pytest.mark.parametrize(
    ("text", "words", "where"),
    [
        ("{{ 'a'|center(10**9) }}", "过滤器", "第1行第1列"),
        ("开头\n{{ lipsum(10**6) }}", "函数调用", "第2行第1列"),
        ("{{ ''.__class__.__mro__ }}", "取属性", "第1行第1列"),
        ("ab{% for i in range(99999) %}x{% endfor %}", "循环", "第1行第3列"),
        ("{% macro m() %}{{ m() }}{% endmacro %}", "宏", "第1行第1列"),
        ("{% set x = 1 %}", "赋值", "第1行第1列"),
        ("{{ '%0999999999d'|format(1) }}", "过滤器", "第1行第1列"),
        ("{# 注释 #}", "注释", "第1行第1列"),
        ("{{- 地区 -}}", "空白控制", "第1行第1列"),
        ("{{ }}", "空的槽位", "第1行第1列"),
        ("{{ 会议 名称 }}", "空格", "第1行第1列"),
        ("一\n二\n  {{ 地区", "没有闭合", "第3行第3列"),
        ("地区 }}", "多余的", "第1行第4列"),
        ("{% if 甲 %}有", "endif", "第1行第1列"),
        ("{% endif %}", "前面没有", "第1行第1列"),
        ("{% if 甲 and 乙 %}x{% endif %}", "太复杂", "第1行第1列"),
        ("{% if 甲 %}a{% else %}b{% else %}c{% endif %}", "只能有一个", "第1行第23列"),
        ("{% if %}x{% endif %}", "缺少槽位名称", "第1行第1列"),
        ("{% elif 甲 %}", "elif", "第1行第1列"),
    ],
)
def test_everything_else_is_refused_with_location(text, words, where):
    with pytest.raises(SlotSyntaxError) as info:
        parse_slots(text)
    assert words in info.value.message
    assert where in info.value.message
    problems = check_slots(text)
    assert problems and problems[0] == info.value.message
    assert slot_names(text) == []


def test_check_lists_several_problems():
    problems = check_slots("{{ a|b }}正文\n{% for x in y %}")
    assert len(problems) == 2
    assert "第1行第1列" in problems[0] and "第2行第1列" in problems[1]
    assert check_slots("{{ 地区 }}{% if 甲 %}x{% endif %}") == []


def test_depth_and_size_limits():
    deep = "{% if a %}" * (MAX_IF_DEPTH + 1) + "x" + "{% endif %}" * (MAX_IF_DEPTH + 1)
    with pytest.raises(SlotSyntaxError, match="嵌套"):
        parse_slots(deep)
    ok = "{% if a %}" * MAX_IF_DEPTH + "x" + "{% endif %}" * MAX_IF_DEPTH
    assert render_slots(ok, {"a": "1"}) == "x"
    with pytest.raises(SlotSyntaxError, match="过长"):
        parse_slots("字" * (MAX_TEXT_CHARS + 1))
    many = "{{ a }}" * 2000
    with pytest.raises(SlotError, match="超过"):
        render_slots(many, {"a": "长" * (MAX_OUTPUT_CHARS // 1000)})


_PIECES = st.sampled_from(
    [
        "{{",
        "}}",
        "{%",
        "%}",
        "{#",
        "#}",
        " if ",
        " not ",
        "else",
        "endif",
        " for x in range(99999) ",
        "|center(10**9)",
        "甲",
        "乙",
        "()",
        ".",
        "\n",
        " ",
        "-",
        "文字",
        "{{ 甲 }}",
        "{% if 乙 %}",
        "{% else %}",
        "{% endif %}",
    ]
)
_TEXTS = st.one_of(st.text(max_size=300), st.lists(_PIECES, max_size=60).map("".join))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=_TEXTS, value=st.text(max_size=50))
def test_any_text_renders_bounded_or_is_refused(text, value):
    tracemalloc.start()
    started = time.perf_counter()
    try:
        out = render_slots(text, {"甲": value, "乙": value}, missing=MARK)
    except SlotError as exc:  # refused, with a Chinese message
        assert exc.message
        if isinstance(exc, SlotSyntaxError):
            assert check_slots(text)
    else:
        assert len(out) <= len(text) + text.count("{{") * max(len(value), len(MARK("甲")))
        assert check_slots(text) == []
    finally:
        _, peak = tracemalloc.get_traced_memory()
        tracemalloc.stop()
    assert time.perf_counter() - started < 1.0
    assert peak < 5_000_000


def test_long_hostile_text_is_fast():
    text = ("{{" + "甲" * 50) * 400 + "{% if a %}" * 1000 + "}}" * 3000
    started = time.perf_counter()
    assert check_slots(text)
    assert check_slots("{% else %}" * 1900)
    assert time.perf_counter() - started < 0.5
