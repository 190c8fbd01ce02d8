"""Drafts from the shipped material that a writer can use (issue 10, second round).

Fewer, fuller task subsections and the kind's 认清形势 part; openings of the meeting's own kind;
the form of meeting (述职 / 交帐亮相) never mixed up, and ``meeting-mismatch`` catching it; real
variation between seeds.  These run on the shipped phrasebank (no user layer).
"""

from __future__ import annotations

import re
from functools import cache
from pathlib import Path

import pytest

from drafter.drafting import forms_missing, render_context, render_text
from drafter.drafting.suggest import recognise, suggest
from drafter.lint import lint_text
from drafter.phrasebank import load_phrasebank

ROOT = Path(__file__).resolve().parent.parent
SEED_001 = ROOT / "seeds" / "001_586566592891807d.txt"
SEEDS = range(4)
_FORM_RE = re.compile(r"交[帐账]亮相|交[帐账]发言|上台交[帐账]|这次交[帐账]")


@cache
def bank():
    return load_phrasebank(include_user=False)


def _meeting(name, title="县长", date="2025-05-12", region="青山县"):
    return {"会议名称": name, "地区": region, "讲话人": "王明", "职务": title, "日期": date}


def _draft(meeting, seed=0):
    s = suggest(None, meeting, bank(), seed=seed)
    return s, render_text(s.draft, bank(), allow_blanks=True)


def _owner(block_id):
    block = bank().blocks.get(block_id or "")
    return Path(block.file).stem if block is not None else ""


def _sentences(text):
    out = set()
    for s in re.split(r"[。！？；\n]", text):
        s = re.sub(r"【待补[^】]*】", "", s).strip(" ，")
        if len(s) >= 8:
            out.add(s)
    return out


# ---------------------------------------------------------------- fewer, fuller subsections


@pytest.mark.parametrize("seed", SEEDS)
def test_flood_draft_has_five_or_six_full_subsections_and_a_situation_part(seed):
    s, _ = _draft(_meeting("全县防汛抗旱暨地质灾害防治工作会议", title="副县长"), seed)
    ctx = render_context(s.draft, bank(), allow_blanks=True)
    roles = [sec["role"] for sec in ctx["sections"]]
    assert s.structure is not None and roles == [r for r in s.structure.roles if r in roles]
    assert "situation" in s.structure.roles  # every 防汛 structure calls for 认清形势 …
    situation = next(sec for sec in ctx["sections"] if sec["role"] == "situation")
    assert situation["paragraphs"] and not situation["paragraphs"][0].startswith("【待补")  # … and gets it
    subsections = [c for sec in ctx["sections"] if sec["role"] == "tasks" for c in sec["children"]]
    assert 4 <= len(subsections) <= 6
    sizes = [len("".join(c["paragraphs"])) for c in subsections]
    assert sum(sizes) / len(sizes) >= 380, sizes  # 400-600 characters each, as in seeds/
    assert all(len(c["paragraphs"]) <= 2 for c in subsections)
    # the combined kind brings both subjects
    assert any("地质灾害" in c["heading"] or "地灾" in c["heading"] for c in subsections) or any(
        "地质灾害" in "".join(c["paragraphs"]) for c in subsections
    )


def test_length_comes_from_fuller_subsections_not_more_of_them():
    for name, title, region in (
        ("全市安全生产工作会议", "市长", "江城市"),
        ("全县生态环境保护工作会议", "副县长", "青山县"),
    ):
        s, text = _draft(_meeting(name, title=title, region=region))
        subsections = [c for sec in s.draft.sections if sec.role == "tasks" for c in sec.children]
        assert len(subsections) <= 6
        assert any(len(c.items) == 2 for c in subsections)  # a second paragraph in a subsection
        assert len(re.sub(r"\s", "", text)) >= 0.85 * s.target


# ---------------------------------------------------------------- openings and closings of the kind


@pytest.mark.parametrize("seed", SEEDS)
def test_plenary_opening_is_the_plenary_s_own(seed):
    s, text = _draft(_meeting("县政府第一次全体会议", date="2025-03-06"), seed)
    assert recognise(s.draft.meeting, bank()).ids == ["plenary"]
    for item in [*s.draft.opening, *s.draft.closing]:
        assert _owner(item.phrase) in ("", "plenary", "general", "seeds"), item.phrase
    opening = "".join(text.split("一、")[0].splitlines()[4:])
    assert not re.search(r"经济运行分析|经济形势分析|分析会|防汛|安全生产", opening), opening


@pytest.mark.parametrize("seed", SEEDS)
def test_economy_meeting_opens_as_an_economy_meeting(seed):
    s, _ = _draft(_meeting("全县一季度经济运行分析会", date="2025-04-10"), seed)
    owners = {_owner(i.phrase) for i in s.draft.opening if i.phrase and i.phrase.startswith("blk.")}
    assert owners <= {"economy", "general", "seeds"} and "plenary" not in owners


def test_combined_kind_opens_with_its_own_material():
    s, text = _draft(_meeting("全县防汛抗旱暨地质灾害防治工作会议", title="副县长"))
    owners = {_owner(i.phrase) for i in s.draft.opening if i.phrase and i.phrase.startswith("blk.")}
    assert owners and owners <= {"flood", "general", "seeds"}
    assert "防汛" in text.split("一、")[0]


# ---------------------------------------------------------------- the form of meeting


@pytest.mark.parametrize("seed", SEEDS)
def test_a_shuzhi_meeting_never_gets_jiaozhang_text(seed):
    meeting = _meeting("县直部门主要负责人述职评议会", title="县委书记", date="2025-12-20")
    s, text = _draft(meeting, seed)
    assert s.kinds == ["review"]
    assert not [w for w in s.warnings if "没有" in w]  # who reports (县直部门主要负责人) is no subject
    assert not _FORM_RE.search(text), _FORM_RE.search(text).group()
    assert forms_missing(text, meeting["会议名称"]) == ()
    assert "述职" in text.split("一、")[0]  # it opens as a 述职 meeting


@pytest.mark.parametrize("seed", SEEDS)
def test_a_jiaozhang_meeting_never_gets_shuzhi_text(seed):
    meeting = _meeting("全县重点工作交账亮相会", date="2025-07-10")
    s, text = _draft(meeting, seed)
    assert s.kinds == ["review"] and not [w for w in s.warnings if "没有" in w]
    assert "述职" not in text
    assert forms_missing(text, meeting["会议名称"]) == ()
    assert re.search(r"交[帐账]", text.split("一、")[0])
    tasks = [c for sec in s.draft.sections if sec.role == "tasks" for c in sec.children]
    assert len(tasks) >= 4 and not any(c.heading.startswith("【待补") for c in tasks)


def test_a_subject_meeting_never_gets_a_form_s_text():
    for seed in SEEDS:
        _, text = _draft(_meeting("全县教育工作会议", title="副县长", date="2025-08-28"), seed)
        assert not _FORM_RE.search(text) and "述职" not in text


# ---------------------------------------------------------------- meeting-mismatch on planted text


def _seed_lines():
    return SEED_001.read_text(encoding="utf-8").splitlines()


def _mismatch(lines):
    return [
        f for f in lint_text("\n".join(lines) + "\n", source="planted.txt") if f.rule == "meeting-mismatch"
    ]


def test_meeting_mismatch_silent_on_the_plenary_seed():
    assert _mismatch(_seed_lines()) == []


def test_meeting_mismatch_fires_on_a_form_named_in_the_body():
    lines = _seed_lines()
    assert "全体" in lines[0]
    lines[26] = lines[26] + "各单位要把述职报告中作出的承诺逐项兑现。"
    (finding,) = _mismatch(lines)
    assert finding.line == 27 and "述职" in finding.message


def test_meeting_mismatch_fires_on_a_form_named_in_a_heading():
    lines = _seed_lines()
    i = next(n for n, line in enumerate(lines) if line.startswith("三、"))
    lines[i] = "三、严肃交账亮相纪律，全力确保各项任务高标完成"
    (finding,) = _mismatch(lines)
    assert finding.line == i + 1 and "交帐亮相" in finding.message


def test_meeting_mismatch_fires_on_jiaozhang_text_at_a_shuzhi_meeting():
    _, text = _draft(_meeting("县直部门主要负责人述职评议会", title="县委书记", date="2025-12-20"))
    assert _mismatch(text.splitlines()) == []
    lines = text.splitlines()
    i = next(n for n, line in enumerate(lines) if line.startswith("二、"))
    lines[i + 1] = lines[i + 1] + "刚才，各单位依次上台交账亮相，讲得都很实在。"
    findings = _mismatch(lines)
    assert [f.line for f in findings] == [i + 2] and "交帐亮相" in findings[0].message


# ---------------------------------------------------------------- variation between seeds


@pytest.mark.parametrize(
    ("name", "title", "region", "date"),
    [
        ("全县防汛抗旱暨地质灾害防治工作会议", "副县长", "青山县", "2025-05-12"),
        ("全县乡村振兴暨农村人居环境整治工作会议", "县委书记", "青山县", "2025-02-26"),
        ("全市党风廉政建设工作会议", "市长", "江城市", "2025-03-12"),
    ],
)
def test_two_seeds_differ_in_at_least_30_percent_of_sentences(name, title, region, date):
    meeting = _meeting(name, title=title, region=region, date=date)
    a = _sentences(_draft(meeting, 0)[1])
    b = _sentences(_draft(meeting, 1)[1])
    assert 1 - len(a & b) / len(a) >= 0.3


# ---------------------------------------------------------------- the speaker's voice


@pytest.mark.parametrize("seed", SEEDS)
def test_only_the_government_head_speaks_for_the_government(seed):
    deputy = _draft(_meeting("县政府第一次全体会议", title="副县长", date="2025-03-06"), seed)[1]
    assert "我代表县政府" not in deputy
    secretary = _draft(_meeting("全县作风建设暨抓落实大会", title="县委书记", date="2025-02-10"), seed)[1]
    assert "代表县政府" not in secretary and "政府系统" not in secretary


@pytest.mark.parametrize("seed", SEEDS)
def test_a_city_speech_never_addresses_the_townships(seed):
    text = _draft(_meeting("全市防汛工作会议", title="副市长", date="2025-06-03", region="江城市"), seed)[1]
    assert "各乡镇" not in text and "全县" not in text


# ---------------------------------------------------------------- lint-clean by its own rules


@pytest.mark.parametrize(
    ("name", "title", "region", "date"),
    [
        ("县政府第一次全体会议", "县长", "青山县", "2025-03-06"),
        ("全县防汛抗旱暨地质灾害防治工作会议", "副县长", "青山县", "2025-05-12"),
        ("全市安全生产工作会议", "市长", "江城市", "2025-02-20"),
        ("县直部门主要负责人述职评议会", "县委书记", "青山县", "2025-12-20"),
        ("全县安全生产百日攻坚行动动员大会", "副县长", "青山县", "2025-09-02"),
        ("全县作风建设暨抓落实大会", "县委书记", "青山县", "2025-02-10"),
    ],
)
def test_suggestions_say_nothing_twice_and_lint_clean(name, title, region, date):
    """No 12 characters twice (headings, slots as 【待补】 included), no rule but the blanks to fill."""
    for seed in range(3):
        _, text = _draft(_meeting(name, title=title, region=region, date=date), seed)
        found = [f for f in lint_text(text, source="draft.txt", draft=True) if f.rule != "placeholder"]
        assert not found, [(f.rule, f.message) for f in found]
