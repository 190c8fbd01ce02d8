"""The context rules of issue 10: period, level, meeting, subject, references, length.

They must stay silent on the nine seed speeches except where those really have the fault,
and catch the four faults the issue planted.
"""

from __future__ import annotations

import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from drafter.lint import RULES, all_rules, lint_path, lint_speech, lint_text
from drafter.model import Para, Section, Speech
from drafter.outline import parse_corpus

ROOT = Path(__file__).resolve().parent.parent
SEED_001 = ROOT / "seeds" / "001_586566592891807d.txt"
NEW_RULES = {
    "period-mismatch",
    "level-mismatch",
    "meeting-mismatch",
    "off-topic",
    "dangling-reference",
    "thin-section",
    "short-speech",
}


def new_findings(findings):
    return [(f.rule, f.location) for f in findings if f.rule in NEW_RULES]


def of_rule(findings, rule):
    return [f for f in findings if f.rule == rule]


# ---------------------------------------------------------------- registry


def test_every_new_rule_is_registered_with_severity_and_chinese_description():
    registered = {r.id: r for r in all_rules()}
    assert set(RULES) == set(registered)
    for rule in NEW_RULES:
        assert registered[rule].severity == "warning"
        assert any("\u4e00" <= c <= "\u9fff" for c in registered[rule].description)


# ---------------------------------------------------------------- the seeds


def test_seed_speeches_only_their_real_faults(seed_files):
    result = parse_corpus(seed_files)
    assert len(result.speeches) == 9
    found = set()
    for speech in result.speeches:
        for rule, location in new_findings(lint_speech(speech)):
            found.add((speech.source, speech.index, rule, location))
    s002, s003 = "002_91703a2dae1be214.txt", "003_5b6d402b3b0bb00b.txt"
    assert found == {
        # 002 speech 1 is a fragment: only 一、 of a 县长 speech, 1,939 characters.
        (s002, 0, "short-speech", f"{s002}:1 标题部分"),
        # 002 speech 4 is a damaged copy of speech 3: 一要…四要 slipped in among （二）…（五）,
        # and 三要 has 85 characters beside siblings of 150-960.
        (s002, 3, "thin-section", f"{s002}:110 二、三要"),
        # 003: 「（四）严防和惩治腐败」 has two sentences (79 characters) after a 784-character （一）.
        (s003, 0, "thin-section", f"{s003}:41 四、（四）"),
    }


def test_seeds_silent_on_context_rules_with_their_own_meeting(seed_files):
    """Each seed linted as a draft of its own meeting (title as 会议名称, its own date if any)."""
    for speech in parse_corpus(seed_files).speeches:
        meeting = {"会议名称": speech.title or "", "日期": speech.date or ""}
        findings = lint_speech(speech, meeting=meeting)
        assert not [
            f for f in findings if f.rule in {"period-mismatch", "level-mismatch", "meeting-mismatch"}
        ]


# ---------------------------------------------------------------- the four planted faults (issue 10)


def _seed_001_lines() -> list[str]:
    return SEED_001.read_text(encoding="utf-8").splitlines()


def _planted(lines: list[str]) -> list:
    return lint_text("\n".join(lines) + "\n", source="planted.txt")


def test_planted_february_speech_reviewing_first_half():
    lines = _seed_001_lines()
    lines[1] = "（2024年2月20日）"  # the date line under the title
    assert new_findings(_planted(lines)) == []
    lines[25] = "回顾上半年工作，全县上下攻坚克难，主要经济指标实现稳中有进。" + lines[25]
    (finding,) = of_rule(_planted(lines), "period-mismatch")
    assert finding.location == "planted.txt:26 三、"
    assert finding.line == 26 and finding.section == (2,)
    assert "2月" in finding.message and "上半年" in finding.message


def test_planted_county_head_addressing_counties():
    lines = _seed_001_lines()
    assert lines[0].startswith("县长")
    lines[26] = lines[26].replace("各乡镇、各部门要对承担的", "各县（市、区）要对承担的")
    (finding,) = of_rule(_planted(lines), "level-mismatch")
    assert finding.location == "planted.txt:27 三、一要"
    assert "各县（市、区）" in finding.message and "县长" in finding.message


def test_planted_one_sentence_section():
    lines = _seed_001_lines()
    lines[19] = "（四）扎实推进城乡建设。要加快推进新型城镇化和乡村振兴。"
    (finding,) = of_rule(_planted(lines), "thin-section")
    assert finding.location == "planted.txt:20 二、（四）"
    assert "单薄" in finding.message


def test_planted_flood_heading_over_investment_body():
    lines = _seed_001_lines()
    assert lines[17].startswith("（二）全力抓招商上项目。")
    lines[17] = lines[17].replace("（二）全力抓招商上项目。", "（二）做好防汛工作。", 1)
    (finding,) = of_rule(_planted(lines), "off-topic")
    assert finding.location == "planted.txt:18 二、（二）"
    assert "防汛" in finding.message and "招商" in finding.message


def test_all_four_planted_faults_at_once_and_nothing_else():
    lines = _seed_001_lines()
    lines[1] = "（2024年2月20日）"
    lines[25] = "回顾上半年工作，全县上下攻坚克难，主要经济指标实现稳中有进。" + lines[25]
    lines[26] = lines[26].replace("各乡镇、各部门要对承担的", "各县（市、区）要对承担的")
    lines[19] = "（四）扎实推进城乡建设。要加快推进新型城镇化和乡村振兴。"
    lines[17] = lines[17].replace("（二）全力抓招商上项目。", "（二）做好防汛工作。", 1)
    assert sorted(new_findings(_planted(lines))) == sorted(
        [
            ("period-mismatch", "planted.txt:26 三、"),
            ("level-mismatch", "planted.txt:27 三、一要"),
            ("thin-section", "planted.txt:20 二、（四）"),
            ("off-topic", "planted.txt:18 二、（二）"),
        ]
    )


# ---------------------------------------------------------------- building speeches by hand

FILLER = "要坚持问题导向，细化工作措施，明确责任分工，加强统筹调度，确保各项任务按时保质完成。"


def speech(
    *,
    title="在全县政府全体会议上的讲话",
    date="",
    opening=("今天召开县政府全体会议，主要任务是总结工作、部署任务。下面，我讲三点意见。",),
    bodies=None,
    headings=("抓项目建设", "抓招商引资", "抓民生实事"),
) -> Speech:
    bodies = bodies or [FILLER * 24] * len(headings)  # about 3,300 characters in all
    sections = []
    line = 5
    for i, (heading, body) in enumerate(zip(headings, bodies, strict=True)):
        marker = "一二三四五六七八九"[i] + "、"
        sections.append(
            Section(marker=marker, heading=heading, level=1, line=line, paragraphs=[Para(body, line + 1)])
        )
        line += 2
    return Speech(
        source="s.txt",
        title=title,
        date=date,
        salutation="同志们：",
        line=1,
        opening=[Para(text, 3 + i) for i, text in enumerate(opening)],
        sections=sections,
        closing=[Para("同志们，目标已经明确，关键在于落实。让我们真抓实干，奋力完成全年任务！", line)],
        announced_sections=len(headings),
    )


def test_a_full_hand_built_speech_is_clean_of_new_rules():
    assert new_findings(lint_speech(speech())) == []


# ---------------------------------------------------------------- period-mismatch


@pytest.mark.parametrize(
    ("date", "text", "fires"),
    [
        ("2024年2月20日", "回顾上半年工作，我们取得了显著成绩。", True),
        ("2024年2月20日", "今年上半年，全县完成地区生产总值同比增长6%。", True),
        ("2024年2月20日", "下面，我就部署下半年工作讲几点意见。", True),
        ("2024年2月20日", "全力冲刺下半年，确保完成全年目标。", True),
        ("2024年2月20日", "确保上半年实现时间过半、任务过半。", False),
        ("2024年2月20日", "确保一季度开门红。", False),
        ("2024年2月20日", "去年上半年全县完成投资20亿元。", False),
        ("2024年7月15日", "回顾上半年工作，我们取得了显著成绩。", False),
        ("2024年7月15日", "下面，我就部署下半年工作讲几点意见。", False),
        ("2024年12月10日", "今天的会议，主要是部署上半年安全生产重点工作。", True),
        ("2024年12月10日", "要谋划好明年上半年的重点工作。", False),
        ("2024年12月10日", "确保一季度开门红。", True),
        ("2024年12月10日", "今年一季度实现了开门红。", False),
        ("2024年5月10日", "要打好四季度攻坚战，冲刺四季度。", True),
        ("2024年10月10日", "要冲刺四季度，确保全年目标任务完成。", False),
    ],
)
def test_period_mismatch(date, text, fires):
    sp = speech(date=date)
    sp.sections[1].paragraphs[0].text = text + FILLER * 23
    found = of_rule(lint_speech(sp), "period-mismatch")
    assert bool(found) == fires, found
    if fires:
        (finding,) = found
        assert finding.location == "s.txt:8 二、"
        assert f"{int(date.split('年')[1].split('月')[0])}月" in finding.message


def test_period_month_from_date_argument_and_meeting_fields():
    sp = speech()
    sp.opening[0].text = "这次会议的主要任务是回顾上半年工作，部署下一步任务。下面，我讲三点意见。"
    assert of_rule(lint_speech(sp), "period-mismatch") == []  # no date anywhere: silent
    (by_date,) = of_rule(lint_speech(sp, date=datetime.date(2024, 2, 20)), "period-mismatch")
    assert by_date.location == "s.txt:3 开场"
    assert of_rule(lint_speech(sp, date="2024-02-20"), "period-mismatch")
    assert of_rule(lint_speech(sp, meeting={"日期": "2024年2月20日"}), "period-mismatch")
    assert of_rule(lint_speech(sp, meeting={"日期": "2024年7月20日"}), "period-mismatch") == []
    sp.date = "2024年7月20日"  # the given date wins over the speech's own date line
    assert of_rule(lint_speech(sp, date="2024年2月1日"), "period-mismatch")


# ---------------------------------------------------------------- level-mismatch


@pytest.mark.parametrize(
    ("title", "text", "fires"),
    [
        ("在全县经济工作会议上的讲话", "各县（市、区）要对照目标找差距。", True),
        ("在全县经济工作会议上的讲话", "县政府各位副市长要各司其职。", True),
        ("在全县经济工作会议上的讲话", "各乡镇、县直各部门要对照目标找差距。", False),
        ("在全市经济工作会议上的讲话", "县政府各位副县长要带头抓落实。", True),
        ("在全市经济工作会议上的讲话", "县直各部门要对照目标找差距。", True),
        ("在全市经济工作会议上的讲话", "要形成县与县、乡与乡比学赶超的氛围。", True),
        ("在全市经济工作会议上的讲话", "各县（市、区）要对照目标找差距。", False),
        ("坚定信心 扎实进取", "各县（市、区）要对照目标找差距。", False),  # level unknown: silent
    ],
)
def test_level_mismatch(title, text, fires):
    sp = speech(title=title)
    sp.sections[2].paragraphs[0].text = text + FILLER * 23
    found = of_rule(lint_speech(sp), "level-mismatch")
    assert bool(found) == fires, found
    if fires:
        assert found[0].location == "s.txt:10 三、"


def test_level_from_the_speakers_post_wins():
    sp = speech(title="在全市经济工作会议上的讲话")
    sp.sections[2].paragraphs[0].text = "各县（市、区）要对照目标找差距。" + FILLER * 7
    assert of_rule(lint_speech(sp), "level-mismatch") == []
    (finding,) = of_rule(lint_speech(sp, meeting={"职务": "县长"}), "level-mismatch")
    assert "县长" in finding.message


# ---------------------------------------------------------------- meeting-mismatch


@pytest.mark.parametrize(
    ("title", "text", "fires"),
    [
        ("在全县教育工作会议上的讲话", "通过这次交帐亮相，大家要找准差距。", True),
        ("在全县教育工作会议上的讲话", "今天的会议既是一次工作推进会，也是一次督查讲评会。", True),
        ("在全县教育工作会议上的讲话", "开好这次防汛工作会议，意义重大。", True),
        ("在全县教育工作会议上的讲话", "开好这次教育工作会议，意义重大。", False),
        ("在全县教育工作会议上的讲话", "这次会议很重要，这是一次难得的学习机会。", False),
        ("在全县交帐亮相暨一季度总结会上的讲话", "通过这次交帐亮相，大家要找准差距。", False),
        ("坚定信心 扎实进取", "通过这次交帐亮相，大家要找准差距。", False),  # no meeting name: silent
    ],
)
def test_meeting_mismatch(title, text, fires):
    sp = speech(title=title)
    sp.opening[0].text = text + "下面，我讲三点意见。"
    found = of_rule(lint_speech(sp), "meeting-mismatch")
    assert bool(found) == fires, found
    if fires:
        assert found[0].location == "s.txt:3 开场"


def test_meeting_name_from_the_meeting_fields():
    sp = speech(title="")
    sp.opening[0].text = "通过这次交帐亮相，大家要找准差距。下面，我讲三点意见。"
    assert of_rule(lint_speech(sp), "meeting-mismatch") == []
    (finding,) = of_rule(lint_speech(sp, meeting={"会议名称": "全县教育工作会议"}), "meeting-mismatch")
    assert "交帐亮相" in finding.message and "全县教育工作会议" in finding.message


# ---------------------------------------------------------------- off-topic

INVEST = (
    "要坚持招商引资一号工程不动摇，主动对接客商，力争全年签约项目二十个以上，确保签约项目早落地、早投产。"
)


@pytest.mark.parametrize(
    ("heading", "body", "fires"),
    [
        ("做好防汛工作", INVEST * 2, True),
        ("做好防汛工作", INVEST + "同时要落实汛期值班值守制度。", False),
        (
            "加强警示教育",
            "要深化廉政警示教育，严格落实八项规定精神，坚决纠治四风，以案促改，筑牢拒腐防变的思想防线。",
            False,
        ),
        ("做好防汛和招商工作", INVEST * 2, False),  # names two subjects: no strong claim
        ("抓项目建设", INVEST * 2, False),  # not a subject of the lexicon
    ],
)
def test_off_topic(heading, body, fires):
    sp = speech(
        headings=("抓项目建设", heading, "抓民生实事"), bodies=[FILLER * 24, body + FILLER * 3, FILLER * 24]
    )
    found = of_rule(lint_speech(sp), "off-topic")
    assert bool(found) == fires, found
    if fires:
        assert found[0].location == "s.txt:7 二、" and "防汛" in found[0].message


# ---------------------------------------------------------------- dangling-reference


@pytest.mark.parametrize(
    ("opening", "fires"),
    [
        ("这些成绩的取得，凝聚了全县干部群众的心血和汗水。", True),
        (
            "今年以来，全县经济运行稳中向好，主要指标增长较快。这些成绩的取得，凝聚了全县干部群众的心血。",
            False,
        ),
        ("【待补：主要成绩】这些成绩的取得，凝聚了全县干部群众的心血。", False),
        ("对于这些问题，我们必须高度重视。", True),
        ("当前，我们还存在一些差距和不足。对于这些问题，我们必须高度重视。", False),
        ("项目业主的要求各不相同，协调解决这些问题是我们的职责。", False),  # not a reference back
    ],
)
def test_dangling_reference(opening, fires):
    sp = speech()
    sp.opening[0].text = opening
    found = of_rule(lint_speech(sp), "dangling-reference")
    assert bool(found) == fires, found
    if fires:
        assert found[0].location == "s.txt:3 开场"


# ---------------------------------------------------------------- thin-section and short-speech


def test_one_sentence_sections_are_thin():
    sp = speech(bodies=["要抓好项目建设，确保完成全年投资任务。"] * 3)
    found = of_rule(lint_speech(sp), "thin-section")
    assert [f.location for f in found] == ["s.txt:5 一、", "s.txt:7 二、", "s.txt:9 三、"]
    assert all("一句话" in f.message or "只有" in f.message for f in found)


def test_section_far_shorter_than_its_siblings_is_thin():
    short_but_several = "要抓好民生实事。要办好十件实事。要把好事办实。要让群众满意。" * 4  # 120 characters
    sp = speech(bodies=[FILLER * 24, FILLER * 24, short_but_several])
    (finding,) = of_rule(lint_speech(sp), "thin-section")
    assert finding.location == "s.txt:9 三、" and "中位数" in finding.message
    sp = speech(bodies=[FILLER * 3, FILLER * 3, short_but_several])  # siblings not much longer
    assert of_rule(lint_speech(sp), "thin-section") == []


def test_blank_section_is_left_to_placeholder():
    sp = speech(bodies=[FILLER * 24, FILLER * 24, "【待补：民生实事的具体安排】"])
    assert of_rule(lint_speech(sp), "thin-section") == []


def test_short_speech_against_default_and_target():
    sp = speech(bodies=[FILLER * 12] * 3)  # about 1,650 characters
    (finding,) = of_rule(lint_speech(sp), "short-speech")
    assert finding.location == "s.txt:1 标题部分" and "3000" in finding.message
    assert of_rule(lint_speech(sp, target_chars=1500), "short-speech") == []
    (finding,) = of_rule(lint_speech(sp, target_chars=5000), "short-speech")
    assert "5000" in finding.message and "%" in finding.message
    assert of_rule(lint_speech(speech()), "short-speech") == []  # about 3,300 characters


# ---------------------------------------------------------------- drafts: the meeting comes from the spec


def test_lint_path_of_a_spec_uses_its_meeting(tmp_path, plenary_spec):
    text = plenary_spec.read_text(encoding="utf-8")
    assert "日期: 2024-07-15" in text and "县长" in text
    july = [f for r in lint_path(plenary_spec) for f in r.findings]
    assert of_rule(july, "level-mismatch") == []
    spec = tmp_path / "december.yaml"
    spec.write_text(text.replace("日期: 2024-07-15", "日期: 2024-12-15"), encoding="utf-8")
    december = [f for r in lint_path(spec) for f in r.findings]
    # the plenary example deploys 下半年 (下一时段: 下半年): wrong in December
    assert any("12月" in f.message for f in of_rule(december, "period-mismatch"))


# ---------------------------------------------------------------- robustness

_WORDS = st.sampled_from(
    [
        "上半年",
        "下半年",
        "一季度",
        "四季度",
        "开门红",
        "回顾",
        "部署",
        "完成",
        "这些成绩",
        "这些问题",
        "各县（市、区）",
        "各位副县长",
        "这次",
        "交帐亮相",
        "会议",
        "防汛",
        "招商",
        "。",
        "，",
        "\n",
        "去年",
        "2024年",
        "月",
    ]
)
_TEXT = st.one_of(st.text(max_size=60), st.lists(_WORDS, max_size=25).map("".join))


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    title=_TEXT,
    date=st.one_of(st.none(), _TEXT, st.dates().map(str)),
    bodies=st.lists(_TEXT, min_size=1, max_size=4),
    heading=_TEXT,
    post=_TEXT,
    target=st.one_of(st.none(), st.integers(min_value=1, max_value=100_000)),
)
def test_context_rules_never_crash(title, date, bodies, heading, post, target):
    headings = tuple(heading if i == 0 else f"第{i}项" for i in range(len(bodies)))
    sp = speech(title=title, date=date or "", bodies=bodies, headings=headings)
    findings = lint_speech(sp, date=date, meeting={"职务": post, "会议名称": title}, target_chars=target)
    assert all(f.rule in RULES and f.message and f.location for f in findings)
