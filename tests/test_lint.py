"""Tests for drafter.lint: every rule fires on crafted input and stays quiet on a clean speech."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.errors import DrafterError
from drafter.lint import (
    RULES,
    SEVERITIES,
    Finding,
    LintReport,
    lint_path,
    lint_speech,
    lint_text,
    marker_kind,
    meeting_year,
)
from drafter.model import Para, Section, Speech

ROOT = Path(__file__).resolve().parent.parent
SEED_002 = ROOT / "seeds" / "002_91703a2dae1be214.txt"


# ---------------------------------------------------------------------------
# Building speeches by hand


def sec(marker, heading, line, paras=(), children=(), level=1, run_in=False):
    return Section(
        marker=marker,
        heading=heading,
        level=level,
        line=line,
        run_in=run_in,
        paragraphs=[Para(text, line + 1 + i) for i, text in enumerate(paras)],
        children=list(children),
    )


def clean_speech() -> Speech:
    """A speech with nothing to report."""
    return Speech(
        source="clean.txt",
        title="在全县政府全体会议上的讲话",
        subtitle="——在县人民政府第三次全体会议上的讲话",
        date="2024年3月1日",
        salutation="同志们：",
        line=1,
        opening=[Para("今天召开县政府全体会议，主要任务是总结工作、部署任务。下面，我讲三点意见。", 5)],
        sections=[
            sec(
                "一、",
                "强化担当意识",
                6,
                ["今年以来，全县经济运行总体平稳，主要指标好于预期。"],
                [
                    sec("（一）", "抓项目建设", 8, ["项目是发展的生命线，要盯住开工率。"], level=2),
                    sec("（二）", "抓招商引资", 10, ["招商是发展的源头活水，要主动上门对接。"], level=2),
                    sec("（三）", "抓民生实事", 12, ["民生无小事，要把好事办实、实事办好。"], level=2),
                ],
            ),
            sec("二、", "强化攻坚意识", 14, ["面对困难不退缩，面对矛盾不回避，一件一件抓落实。"]),
            sec("三、", "强化效率意识", 16, ["定了的事马上办，办就办好，绝不拖泥带水。"]),
        ],
        closing=[Para("同志们，目标已经明确，关键在于落实。让我们真抓实干，奋力完成全年任务！", 18)],
        announced_sections=3,
    )


# clean_speech() is a toy (about 330 characters, one-sentence sections): the length rules rightly
# fire on it.  Tests of the other rules compare without them; the length rules have their own
# tests in test_lint_rules_context.py.
LENGTH_RULES = {"short-speech", "thin-section"}


def lint_toy(speech: Speech, **kwargs) -> list[Finding]:
    return [f for f in lint_speech(speech, **kwargs) if f.rule not in LENGTH_RULES]


def rules_of(findings: list[Finding]) -> set[str]:
    return {f.rule for f in findings}


def only(findings: list[Finding], rule: str) -> list[Finding]:
    return [f for f in findings if f.rule == rule]


# ---------------------------------------------------------------------------
# The clean speech and the data shapes


def test_clean_speech_has_no_findings():
    assert lint_toy(clean_speech()) == []
    assert rules_of(lint_speech(clean_speech())) == LENGTH_RULES


def test_finding_to_dict_has_exactly_the_four_keys():
    sp = clean_speech()
    sp.closing = []
    (finding,) = lint_toy(sp)
    assert set(finding.to_dict()) == {"rule", "severity", "message", "location"}
    assert finding.to_dict()["rule"] == "closing"
    assert finding.severity in SEVERITIES


def test_every_rule_is_documented_in_module_docstring():
    import drafter.lint.api as mod

    for rule in RULES:
        assert f"``{rule}``" in mod.__doc__


def test_location_names_file_line_and_marker_path_and_section_index():
    sp = clean_speech()
    sp.sections[0].children[2].paragraphs[0].text = "要抓好XX工作。"
    (finding,) = only(lint_speech(sp), "placeholder")
    assert finding.location == "clean.txt:13 一、（三）"
    assert finding.line == 13
    assert finding.section == (0, 2)


def test_location_without_source_uses_line_label():
    sp = clean_speech()
    sp.source = ""
    sp.opening[0].text += "请XX同志发言。"
    (finding,) = only(lint_speech(sp), "placeholder")
    assert finding.location == "第5行 开场"


def test_draft_locations_say_rendered_text():
    sp = clean_speech()
    sp.source = "plenary.yaml"
    sp.sections[1].paragraphs[0].text = "【待补：地区】要抓好落实。"
    (finding,) = only(lint_speech(sp, draft=True), "placeholder")
    assert finding.location == "plenary.yaml 渲染稿第15行 二、"
    assert "【待补：地区】" in finding.message


# ---------------------------------------------------------------------------
# count-mismatch


def test_count_mismatch_fires_with_announcement_line():
    sp = clean_speech()
    sp.announced_sections = 4
    sp.opening[0].text = "下面，我讲四点意见。"
    (finding,) = only(lint_speech(sp), "count-mismatch")
    assert finding.severity == "error"
    assert finding.line == 5
    assert "讲四点" in finding.message and "三个" in finding.message


def test_count_mismatch_more_sections_than_announced():
    sp = clean_speech()
    sp.announced_sections = 2
    sp.opening[0].text = "下面，我讲两点意见。"
    (finding,) = only(lint_speech(sp), "count-mismatch")
    assert "讲两点" in finding.message and "却有三个（一、二、三）" in finding.message


def test_count_mismatch_quiet_when_not_announced_or_equal():
    sp = clean_speech()
    sp.announced_sections = None
    assert only(lint_speech(sp), "count-mismatch") == []
    sp.announced_sections = 3
    assert only(lint_speech(sp), "count-mismatch") == []


def test_count_mismatch_with_no_sections():
    sp = clean_speech()
    sp.sections = []
    (finding,) = only(lint_speech(sp), "count-mismatch")
    assert "一个也没有" in finding.message


# ---------------------------------------------------------------------------
# numbering


def _children(*markers):
    return [sec(m, f"第{i}项工作", 20 + 2 * i, ["正文内容。"], level=2) for i, m in enumerate(markers)]


def _with_children(*markers) -> Speech:
    sp = clean_speech()
    sp.sections[0].children = _children(*markers)
    return sp


def test_numbering_gap():
    (f,) = only(lint_speech(_with_children("（一）", "（三）", "（四）")), "numbering")
    assert f.severity == "error" and "跳号" in f.message and "（二）" in f.message
    assert f.section == (0, 1)


def test_numbering_duplicate():
    (f,) = only(lint_speech(_with_children("（一）", "（二）", "（二）", "（三）")), "numbering")
    assert "重复" in f.message and f.section == (0, 2)


def test_numbering_wrong_order():
    findings = only(lint_speech(_with_children("（一）", "（三）", "（二）")), "numbering")
    assert [f.section for f in findings] == [(0, 1), (0, 2)]
    assert "顺序" in findings[1].message


def test_numbering_unreadable_and_mixed_marker_like_seed_000():
    findings = only(lint_speech(_with_children("（1）", "（二）", "（三）", "（%1）", "（五）")), "numbering")
    by_path = {f.section: f for f in findings}
    assert set(by_path) == {(0, 0), (0, 3)}
    assert "混用" in by_path[(0, 0)].message and "（一）" in by_path[(0, 0)].message
    assert "无法识别" in by_path[(0, 3)].message and "（四）" in by_path[(0, 3)].message
    assert by_path[(0, 3)].severity == "error"


def test_numbering_must_start_at_one():
    (f,) = only(lint_speech(_with_children("（二）", "（三）")), "numbering")
    assert "（一）" in f.message


def test_numbering_top_level_skipped():
    sp = clean_speech()
    for s, m in zip(sp.sections, ("（一）", "（二）", "（三）"), strict=True):
        s.marker = m
    sp.sections[0].children = []
    (f,) = only(lint_speech(sp), "numbering")
    assert "缺少“一、”" in f.message and f.section == (0,)


def test_numbering_level_skipped_under_parent():
    (f,) = only(lint_speech(_with_children("1.", "2.")), "numbering")
    assert "跳过了“（一）”" in f.message


def test_numbering_child_not_lower_than_parent():
    (f,) = only(lint_speech(_with_children("一、", "二、")), "numbering")
    assert "不低于上级" in f.message


def test_numbering_sequence_words_are_one_family():
    assert only(lint_speech(_with_children("首先，", "其次，", "第三，", "最后，")), "numbering") == []
    assert only(lint_speech(_with_children("一要", "二要", "三要")), "numbering") == []
    (f,) = only(lint_speech(_with_children("最后，", "其次，", "第三，")), "numbering")
    assert "最后" in f.message


def test_marker_kind():
    assert [
        marker_kind(m)
        for m in ("一、", "（十二）", "3.", "（4）", "二是", "三要", "第一，", "首先", "（%1）", "★")
    ] == [
        "cn_dun",
        "cn_paren",
        "arabic_dot",
        "arabic_paren",
        "shi",
        "yao",
        "di",
        "seq",
        "paren_other",
        "other",
    ]


# ---------------------------------------------------------------------------
# placeholder


@pytest.mark.parametrize(
    "text, expected",
    [
        ("习近平总书记亲临XX视察。", "XX"),
        ("在xx县人民政府全体会议上。", "xx"),
        ("年初*全会、*人代会确定的目标。", "*"),
        ("要抓好***工作。", "***"),
        ("请××同志牵头。", "××"),
        ("今年X月X日召开会议。", "X"),
        ("【待补：地区】要抓好落实。", "【待补：地区】"),
        ("为{{ 地区 }}高质量发展作贡献。", "{{ 地区 }}"),
        ("强化{X}意识。", "{X}"),
        ("要在________之前完成。", "________"),
        ("由某某局负责。", "某某"),
        ("抓好□□项目。", "□□"),
        ("全县上下………要团结一致。", "………"),
    ],
)
def test_placeholder_fires_with_exact_text_and_line(text, expected):
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = text
    findings = only(lint_speech(sp), "placeholder")
    assert findings, text
    assert any(f"“{expected}”" in f.message for f in findings), [f.message for f in findings]
    assert all(f.line == 15 and f.section == (1,) and f.severity == "error" for f in findings)


def test_same_placeholder_in_one_paragraph_is_one_finding_with_count():
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = "要将xx县大局作为出发点，为xx县的环境、xx县的发展负责，请XX同志牵头。"
    findings = only(lint_speech(sp), "placeholder")
    assert len(findings) == 2
    assert "“xx”未填写（本段共3处）" in findings[0].message
    assert "“XX”未填写：" in findings[1].message


def test_placeholder_line_of_only_ellipsis():
    sp = clean_speech()
    sp.opening.append(Para("…………", 6))
    (f,) = only(lint_speech(sp), "placeholder")
    assert f.line == 6 and "省略号" in f.message and "…………" in f.message


@pytest.mark.parametrize(
    "text",
    ["面积为3×4公里。", "开展X光体检。", "建设XXL型仓库。", "大家要知道……其实不难。", "2024年3月1日召开。"],
)
def test_placeholder_quiet_on_ordinary_text(text):
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = text
    assert only(lint_speech(sp), "placeholder") == []


def test_double_ellipsis_is_a_blank_in_a_draft_only():
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = "重点抓好……等工作。"
    assert only(lint_speech(sp), "placeholder") == []
    (f,) = only(lint_speech(sp, draft=True), "placeholder")
    assert "……" in f.message


def test_placeholder_in_title_and_heading():
    sp = clean_speech()
    sp.title = "在XX县政府全体会议上的讲话"
    sp.sections[2].heading = "强化××意识"
    findings = only(lint_speech(sp), "placeholder")
    assert {f.location for f in findings} == {"clean.txt:1 标题部分", "clean.txt:16 三、"}


# ---------------------------------------------------------------------------
# repeated-phrase


def test_repeated_phrase_reports_both_lines():
    sp = clean_speech()
    phrase = "坚持以人民为中心的发展思想"
    sp.sections[1].paragraphs[0].text = f"我们必须{phrase}，抓好民生。"
    sp.sections[2].paragraphs[0].text = f"各部门要{phrase}，办好实事。"
    (f,) = only(lint_speech(sp), "repeated-phrase")
    assert f.line == 17 and f.section == (2,)
    assert "clean.txt:15 二、" in f.message
    assert phrase in f.message
    assert f.severity == "warning"


def test_repeated_phrase_ignores_punctuation_differences():
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = "要坚定信心、振奋精神、突出重点、狠抓落实。"
    sp.sections[2].paragraphs[0].text = "大家务必坚定信心，振奋精神，突出重点，狠抓落实！"
    assert len(only(lint_speech(sp), "repeated-phrase")) == 1


def test_repeated_phrase_within_one_paragraph():
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = "全面提升城乡建设管理水平，再次强调，全面提升城乡建设管理水平。"
    (f,) = only(lint_speech(sp), "repeated-phrase")
    assert "同一段中" in f.message


def test_repeated_phrase_found_whole_when_the_index_is_sampled(monkeypatch):
    import drafter.lint.rules.repeats as lint_module
    from drafter.lint.context import units_of

    sp = clean_speech()
    phrase = "坚持以人民为中心的发展思想不动摇"
    sp.sections[1].paragraphs[0].text = f"我们必须{phrase}，抓好民生。"
    sp.sections[2].paragraphs[0].text = f"各部门要{phrase}，办好实事。"
    units = [u for u in units_of(sp) if u.area != "front"]
    total = sum(len(lint_module._normalise(u.text)) for u in units)
    monkeypatch.setattr(lint_module, "REPEAT_MAX_INDEXED", total // 3)  # every 3rd or 4th 12-gram indexed
    assert len(phrase) >= lint_module.REPEAT_MIN_CHARS + 4 - 1
    (f,) = only(lint_speech(sp), "repeated-phrase")
    assert f"“{phrase}”（{len(phrase)}字）" in f.message


@settings(max_examples=300, deadline=None)
@given(
    st.text(alphabet=st.sampled_from(list("抓落实Ab_İ。！？;\n，、”“ 12\x00")), max_size=40)
    | st.text(max_size=40)
)
def test_fast_and_indexed_normalisation_agree(text):
    from drafter.lint.rules.repeats import _normalise, _normalise_index

    norm, index = _normalise_index(text)
    assert _normalise(text) == norm
    assert len(index) == len(norm)
    assert all(0 <= i < len(text) for i in index)


def test_repeated_phrase_quiet_below_twelve_characters():
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = "要一件一件抓落实到位好。"  # 11 characters of text
    sp.sections[2].paragraphs[0].text = "要一件一件抓落实到位好！"
    assert only(lint_speech(sp), "repeated-phrase") == []


def test_repeated_phrase_not_for_long_runs_of_one_character():
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = "啊" * 200
    assert only(lint_speech(sp), "repeated-phrase") == []


# ---------------------------------------------------------------------------
# parallel-headings


def test_parallel_heading_that_breaks_the_frame():
    sp = clean_speech()
    sp.sections.append(sec("四、", "强化交账意识", 17, ["正文。"]))
    sp.sections.append(sec("五、", "加快团队建设", 18, ["正文。"]))
    sp.announced_sections = 5
    (f,) = only(lint_speech(sp), "parallel-headings")
    assert f.section == (4,) and "加快团队建设" in f.message and "意识" in f.message


def test_parallel_heading_much_longer_than_siblings():
    sp = clean_speech()
    sp.sections[0].children[1].heading = "抓招商引资工作，进一步优化营商环境，全力引进一批大项目好项目"
    (f,) = only(lint_speech(sp), "parallel-headings")
    assert f.section == (0, 1) and "长短悬殊" in f.message


def test_parallel_length_outlier_is_warning_in_a_framed_set_and_info_otherwise():
    sp = clean_speech()
    sp.sections.append(sec("四、", "强化交账意识", 17, ["正文。"]))
    sp.sections[2].heading = "强化不折不扣抓落实、一抓到底见实效的效率意识"
    sp.announced_sections = 4
    (f,) = only(lint_speech(sp), "parallel-headings")
    assert f.severity == "warning" and f.section == (2,)
    sp = clean_speech()
    sp.sections[0].children[1].heading = "抓招商引资工作，进一步优化营商环境，全力引进一批大项目好项目"
    (f,) = only(lint_speech(sp), "parallel-headings")
    assert f.severity == "info"
    sp.sections[0].children[
        1
    ].heading = "抓招商引资，优化营商环境"  # 12 vs 5: not stark enough without a frame
    assert only(lint_speech(sp), "parallel-headings") == []


def test_parallel_headings_quiet_without_a_frame():
    sp = clean_speech()
    sp.sections[0].heading = "认清形势，坚定信心"
    sp.sections[1].heading = "突出重点，狠抓落实"
    sp.sections[2].heading = "转变作风，严明纪律"
    assert only(lint_speech(sp), "parallel-headings") == []


# ---------------------------------------------------------------------------
# stale-year


def test_stale_year_this_year_with_other_year():
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = "今年是2023年的关键之年，要全力以赴。"
    (f,) = [f for f in only(lint_speech(sp), "stale-year") if f.severity == "warning"]
    assert "2023年" in f.message and "2024" in f.message and f.line == 15


def test_stale_year_argument_overrides_date():
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = "今年是2024年的关键之年。"
    assert only(lint_speech(sp), "stale-year") == []
    (f,) = only(lint_speech(sp, year=2025), "stale-year")
    assert "2025" in f.message


def test_stale_year_comparisons_are_not_stale():
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = "今年以来，工业产值比2023年同期增长12%。"
    assert only(lint_speech(sp), "stale-year") == []


def test_stale_year_far_year_is_info():
    sp = clean_speech()
    sp.sections[1].paragraphs[0].text = "2019年我们启动了这项工程。"
    (f,) = only(lint_speech(sp), "stale-year")
    assert f.severity == "info" and "2019年" in f.message


def test_stale_year_needs_a_meeting_year():
    sp = clean_speech()
    sp.date = None
    sp.sections[1].paragraphs[0].text = "今年是2019年的关键之年。"
    assert only(lint_speech(sp), "stale-year") == []
    assert only(lint_speech(sp, year=2024), "stale-year")


def test_meeting_year_sources():
    sp = clean_speech()
    assert meeting_year(sp) == 2024
    assert meeting_year(sp, 2030) == 2030
    sp.date = "二〇二二年五月六日"
    assert meeting_year(sp) == 2022
    sp.date = None
    sp.title = "市长在2021年市人民政府第二次全体会议上的讲话"
    sp.subtitle = None
    assert meeting_year(sp) == 2021


# ---------------------------------------------------------------------------
# closing and the extra rules


def test_closing_missing():
    sp = clean_speech()
    sp.closing = []
    (f,) = only(lint_speech(sp), "closing")
    assert f.severity == "warning" and f.line == 17


def test_empty_section():
    sp = clean_speech()
    sp.sections[2].paragraphs = []
    (f,) = only(lint_speech(sp), "empty-section")
    assert f.section == (2,) and "强化效率意识" in f.message


def test_heading_length():
    sp = clean_speech()
    sp.sections[0].children[0].heading = "抓项目建设" * 9
    assert only(lint_speech(sp), "heading-length")[0].section == (0, 0)


def test_no_sections():
    sp = clean_speech()
    sp.sections = []
    sp.announced_sections = None
    assert rules_of(lint_toy(sp)) == {"no-sections"}


def test_punctuation():
    sp = clean_speech()
    sp.sections[1].paragraphs[
        0
    ].text = "今年是开局之年,也是关键之年。要把国发„2024‟2号文件落到实处，“两基”工作。"
    messages = [f.message for f in only(lint_speech(sp), "punctuation")]
    assert any("半角" in m and "，" in m for m in messages)
    assert any("〔〕" in m for m in messages)
    sp.sections[1].paragraphs[0].text = "开展“三严三实教育。"
    assert any("引号" in f.message for f in only(lint_speech(sp), "punctuation"))


def test_salutation_duplicate_and_parser_warnings():
    sp = clean_speech()
    sp.salutation = None
    sp.duplicate_of = ("002.txt", 2)
    sp.warnings = ["第3行：编号不连续"]
    found = lint_toy(sp)
    assert rules_of(found) == {"salutation", "duplicate", "outline"}
    assert "第3篇" in only(found, "duplicate")[0].message
    assert all(f.severity == "info" for f in found)


# ---------------------------------------------------------------------------
# Robustness: hand-built speeches with arbitrary markers and text

_MARKERS = st.sampled_from(
    [
        "一、",
        "二、",
        "十、",
        "（一）",
        "（三）",
        "（%1）",
        "(2)",
        "1.",
        "3．",
        "一是",
        "二要",
        "第一，",
        "首先",
        "最后",
        "",
        "★",
        "（）",
    ]
)
_TEXT = st.text(max_size=60)


@st.composite
def _sections(draw, depth=0):
    n = draw(st.integers(0, 4 if depth == 0 else 3))
    out = []
    for _ in range(n):
        children = draw(_sections(depth + 1)) if depth < 2 else []
        out.append(
            Section(
                marker=draw(_MARKERS),
                heading=draw(_TEXT),
                level=depth + 1,
                line=draw(st.integers(0, 500)),
                paragraphs=[Para(t, draw(st.integers(0, 500))) for t in draw(st.lists(_TEXT, max_size=3))],
                children=children,
            )
        )
    return out


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    sections=_sections(),
    opening=st.lists(_TEXT, max_size=3),
    closing=st.lists(_TEXT, max_size=2),
    announced=st.one_of(st.none(), st.integers(-3, 2000)),
    date=st.one_of(st.none(), _TEXT),
    year=st.one_of(st.none(), st.integers(1, 3000)),
    draft=st.booleans(),
)
def test_lint_speech_never_raises(sections, opening, closing, announced, date, year, draft):
    sp = Speech(
        source="x.txt",
        date=date,
        opening=[Para(t, i + 1) for i, t in enumerate(opening)],
        sections=sections,
        closing=[Para(t, 900) for t in closing],
        announced_sections=announced,
    )
    for finding in lint_speech(sp, year=year, draft=draft):
        assert finding.rule in RULES
        assert finding.severity in SEVERITIES
        assert finding.location and finding.message


# ---------------------------------------------------------------------------
# lint_path errors (no parser needed)


def test_lint_path_missing_file(tmp_path):
    with pytest.raises(DrafterError) as info:
        lint_path(tmp_path / "nope.txt")
    assert "不存在" in str(info.value) and "nope.txt" in str(info.value)


def test_lint_path_unsupported_type(tmp_path):
    bad = tmp_path / "speech.pdf"
    bad.write_bytes(b"%PDF-1.4")
    with pytest.raises(DrafterError) as info:
        lint_path(bad)
    assert "不支持" in str(info.value) and "speech.pdf" in str(info.value)


def test_lint_path_binary_markdown(tmp_path):
    bad = tmp_path / "speech.md"
    bad.write_bytes(b"\x00\x01\x02binary")
    with pytest.raises(DrafterError) as info:
        lint_path(bad)
    assert "speech.md" in str(info.value)


def test_lint_report_counts():
    report = LintReport("a.txt", 0, lint_speech(_with_children("（一）", "（三）")))
    assert report.errors == report.counts()["error"] >= 1


# ---------------------------------------------------------------------------
# With the outline parser: real seed material and arbitrary text


def test_seed_002_speech_1_gives_count_mismatch():
    reports = lint_path(SEED_002)
    assert len(reports) >= 5
    first = next(r for r in reports if r.index == 0)
    (finding,) = only(first.findings, "count-mismatch")
    assert finding.severity == "error"
    assert finding.location.startswith("002_91703a2dae1be214.txt:")
    assert "三" in finding.message


def test_seed_corpus_lints_without_error_and_finds_seed_000_noise():
    reports = lint_path(ROOT / "seeds" / "000_bbf5857291d91b4d.txt")
    findings = [f for r in reports for f in r.findings]
    numbering = only(findings, "numbering")
    assert any("（%1）" in f.message for f in numbering)
    assert any("（1）" in f.message for f in numbering)
    assert only(findings, "placeholder")  # 年初*全会 in the seed


def test_lint_text_on_crafted_speech():
    text = (
        "在全县经济工作会议上的讲话\n（2024年3月1日）\n同志们：\n今天开会。下面，我讲三点意见。\n"
        "一、认清形势\n今年是2023年的关键一年。\n二、突出重点\n要抓好XX项目。\n"
    )
    rules = rules_of(lint_text(text, source="t.txt"))
    assert {"count-mismatch", "placeholder", "stale-year", "closing"} <= rules


def test_lint_markdown_file(tmp_path):
    md = tmp_path / "draft.md"
    md.write_text(
        "# 在全县大会上的讲话\n\n同志们：\n\n下面，我讲两点意见。\n\n## 一、认清形势\n\n要抓好**XX**工作。\n\n"
        "## 二、突出重点\n\n要抓好项目。\n\n同志们，让我们团结一心，奋力完成全年任务！\n",
        encoding="utf-8",
    )
    (report,) = lint_path(md)
    assert report.source == "draft.md"
    placeholders = only(report.findings, "placeholder")
    assert placeholders and "XX" in placeholders[0].message
    assert only(report.findings, "count-mismatch") == []


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.text(max_size=400))
def test_lint_text_never_raises_on_arbitrary_text(text):
    for finding in lint_text(text, source="x.txt"):
        assert finding.rule in RULES and finding.severity in SEVERITIES


_LINES = st.lists(
    st.one_of(
        st.sampled_from(
            [
                "一、认清形势",
                "（一）抓项目。正文",
                "（%1）",
                "一是抓落实",
                "同志们：",
                "……",
                "XX",
                "今年2019年",
            ]
        ),
        st.text(max_size=30),
    ),
    max_size=20,
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(_LINES)
def test_lint_text_never_raises_on_speech_like_text(lines):
    lint_text("\n".join(lines), source="x.txt", year=2024)


# ---------------------------------------------------------------------------
# Draft specs, .docx and Markdown

PLENARY = ROOT / "examples" / "plenary.yaml"


def test_markdown_front_matter_and_emphasis_are_stripped_but_placeholders_kept():
    from drafter.lint.markdown import markdown_to_text as _markdown_to_text

    text = _markdown_to_text(
        "# 标题\n\n*——在会上的讲话*\n\n## 一、认清形势\n\n**要**抓好年初*全会、*人代会\n\n\\*号\n---\n"
    )
    assert text.splitlines() == [
        "标题",
        "",
        "——在会上的讲话",
        "",
        "一、认清形势",
        "",
        "要抓好年初*全会、*人代会",
        "",
        "*号",
    ]


SPEC = """\
meeting:
  会议名称: 县政府第三次全体会议
  地区: 青山县
  讲话人: 王明
  职务: 县长
  日期: 2024-07-15
  会议类型: 政府全体会议
  听众: 各乡镇、县直各部门主要负责同志
template: plenary
opening:
  - 今天召开县政府全体会议，主要任务是总结上半年工作、部署下半年任务。
sections:
  - role: situation
    heading: 坚定信心，认清形势
    items:
      - 上半年，{{ 地区 }}经济运行总体平稳，主要指标好于预期。
  - role: tasks
    heading: 突出重点，狠抓落实
    items:
      - 项目是发展的生命线，各部门要盯住开工率，一个一个抓到位。
  - role: discipline
    heading: 转变作风，严明纪律
    items:
      - 定了的事马上办，办就办好，绝不拖泥带水。
closing:
  - 让我们真抓实干，奋力完成全年各项目标任务！
"""


def test_complete_draft_spec_has_no_errors(tmp_path):
    spec = tmp_path / "ok.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    (report,) = lint_path(spec)
    assert report.source == "ok.yaml" and report.title
    assert [f.to_dict() for f in report.findings if f.severity == "error"] == []
    assert only(report.findings, "count-mismatch") == []


def test_draft_report_is_labelled_with_the_rendered_title(tmp_path):
    # no title in the spec: the default 在{会议名称}上的讲话 the renderer writes
    spec = tmp_path / "ok.yaml"
    spec.write_text(SPEC, encoding="utf-8")
    (report,) = lint_path(spec)
    assert report.title == "在县政府第三次全体会议上的讲话"
    # a title with a slot: labelled as rendered, with the slot filled
    titled = tmp_path / "titled.yaml"
    titled.write_text(
        SPEC.replace(
            "template: plenary\n", "template: plenary\ntitle: 锚定目标 奋力推动{{ 地区 }}高质量发展\n"
        ),
        encoding="utf-8",
    )
    (report,) = lint_path(titled)
    assert report.title == "锚定目标 奋力推动青山县高质量发展"


def test_numbering_reads_the_marker_as_written_not_the_parser_warnings():
    sp = _with_children("（一）", "（二）", "（三）", "（四）", "（五）")
    children = sp.sections[0].children
    children[0].written_marker = "（1）"
    children[3].written_marker = "（%1）"
    assert sp.warnings == []
    by_path = {f.section: f for f in only(lint_speech(sp), "numbering")}
    assert set(by_path) == {(0, 0), (0, 3)}
    assert "“（%1）”无法识别" in by_path[(0, 3)].message and "（四）" in by_path[(0, 3)].message
    assert by_path[(0, 3)].severity == "error"
    assert "“（1）”" in by_path[(0, 0)].message and "（一）" in by_path[(0, 0)].message
    # the location names the section as the parser numbered it
    assert by_path[(0, 3)].location.endswith("一、（四）")
    # a warning text in another wording changes nothing
    sp.warnings = ["第 13 行：编号有问题"]
    assert {f.section for f in only(lint_speech(sp), "numbering")} == {(0, 0), (0, 3)}


def test_repaired_marker_is_reported_once_by_numbering_not_by_outline():
    (report,) = lint_path(ROOT / "seeds" / "000_bbf5857291d91b4d.txt")
    lines = {}
    for f in report.findings:
        if f.line in (18, 21):
            lines.setdefault(f.line, []).append(f.rule)
    assert lines == {18: ["numbering"], 21: ["numbering"]}
    by_line = {f.line: f for f in only(report.findings, "numbering")}
    assert "（%1）" in by_line[21].message and by_line[21].severity == "error"
    assert "（1）" in by_line[18].message


def test_draft_with_missing_field_and_stale_year(tmp_path):
    text = SPEC.replace("  地区: 青山县\n", "").replace("2024-07-15", "2025-07-15")
    text = text.replace(
        "      - 项目是发展", "      - 今年是2024年的关键之年，各项工作要抓早抓实。\n      - 项目是发展"
    )
    spec = tmp_path / "blank.yaml"
    spec.write_text(text, encoding="utf-8")
    (report,) = lint_path(spec)
    (placeholder,) = only(report.findings, "placeholder")
    assert "【待补：地区】" in placeholder.message and placeholder.section == (0,)
    assert placeholder.location.startswith("blank.yaml 渲染稿第") and placeholder.location.endswith(" 一、")
    (stale,) = only(report.findings, "stale-year")
    assert "2025" in stale.message and "2024年" in stale.message and stale.section == (1,)


def test_draft_that_does_not_load_is_a_drafter_error(tmp_path):
    spec = tmp_path / "bad.yaml"
    spec.write_text("meeting: [不是, 映射\n", encoding="utf-8")
    with pytest.raises(DrafterError) as info:
        lint_path(spec)
    assert "bad.yaml" in str(info.value)


def test_lint_docx_file(tmp_path):
    import docx

    document = docx.Document()
    for text in [
        "在全县大会上的讲话",
        "（2024年3月1日）",
        "同志们：",
        "下面，我讲三点意见。",
        "一、认清形势",
        "要抓好××工作。",
        "二、突出重点",
        "要抓好项目建设。",
        "同志们，让我们团结一心，奋力完成全年任务！",
    ]:
        document.add_paragraph(text)
    path = tmp_path / "speech.docx"
    document.save(str(path))
    (report,) = lint_path(path)
    assert report.source == "speech.docx"
    assert {"count-mismatch", "placeholder"} <= rules_of(report.findings)
    (placeholder,) = only(report.findings, "placeholder")
    assert "××" in placeholder.message and placeholder.location.startswith("speech.docx:")


def test_broken_docx_is_a_clear_error(tmp_path):
    path = tmp_path / "broken.docx"
    path.write_bytes(b"PK\x03\x04 not really a zip")
    with pytest.raises(DrafterError) as info:
        lint_path(path)
    assert "broken.docx" in str(info.value)
