"""drafter.workspace and drafter.drafting.editing: meeting fields, profile, autosave/resume,
editing operations, structures, step states, export paths."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
import yaml

from drafter import workspace as ws
from drafter.drafting import editing
from drafter.errors import DrafterError
from drafter.model import Draft, DraftItem, DraftSection, HeadingSet
from drafter.workspace.autosave import autosave

# ---------------------------------------------------------------- meeting fields


@pytest.mark.parametrize("value", ["2024-03-01", "2024/3/1", "2024年3月1日"])
def test_date_formats_accepted_and_normalised(value):
    assert ws.validate_meeting_field("日期", value) is None
    assert ws.normalise_meeting_value("日期", value) == "2024年3月1日"


@pytest.mark.parametrize("value", ["2024-13-01", "明天", "2024-02-30", "3/1/2024"])
def test_bad_dates_give_a_reason(value):
    reason = ws.validate_meeting_field("日期", value)
    assert reason and "2024年3月1日" in reason


def test_meeting_name_required_other_fields_optional():
    assert "必填" in ws.validate_meeting_field("会议名称", "  ")
    assert ws.validate_meeting_field("地区", "") is None
    assert ws.validate_meeting_field("会议名称", "县政府第三次全体会议") is None


def test_field_rejects_template_syntax_newlines_and_length():
    assert "模板" in ws.validate_meeting_field("地区", "{{ x }}")
    assert "换行" in ws.validate_meeting_field("讲话人", "张\n三")
    assert "太长" in ws.validate_meeting_field("听众", "人" * 200)


def test_meeting_date_year():
    from drafter.drafting import date_year

    assert date_year({"日期": "2024年3月1日"}.get("日期")) == 2024
    assert date_year(None) is None


# ---------------------------------------------------------------- profile


def test_profile_round_trip_and_prefill(user_dir):
    assert ws.load_profile() == {}
    path = ws.save_profile({"会议名称": "不保存", "地区": "某某县", "讲话人": "张三", "职务": "县长"})
    assert path == user_dir / "profile.yaml"
    assert ws.load_profile() == {"地区": "某某县", "讲话人": "张三", "职务": "县长"}
    # unchanged: no rewrite
    assert ws.save_profile({"地区": "某某县"}) is None
    draft = ws.blank_draft(ws.load_profile())
    assert draft.meeting == {"地区": "某某县", "讲话人": "张三", "职务": "县长"}
    # a filled value is not overwritten by the profile
    assert ws.apply_profile({"地区": "另一县"}, {"地区": "某某县"})["地区"] == "另一县"


def test_profile_update_keeps_backup(user_dir):
    ws.save_profile({"地区": "甲县"})
    ws.save_profile({"地区": "乙县"})
    assert ws.load_profile()["地区"] == "乙县"
    assert "甲县" in (user_dir / "profile.yaml.bak").read_text(encoding="utf-8")


def test_damaged_profile_is_a_drafter_error(user_dir):
    user_dir.mkdir(parents=True)
    (user_dir / "profile.yaml").write_text("地区: [未闭合\n", encoding="utf-8")
    with pytest.raises(DrafterError) as info:
        ws.load_profile()
    assert "profile.yaml" in str(info.value)


# ---------------------------------------------------------------- autosave / resume


def _draft(name: str = "县政府全体会议") -> Draft:
    return Draft(
        meeting={"会议名称": name, "地区": "某某县"},
        sections=[DraftSection(role="situation", heading="认清形势", items=[DraftItem(text="正文")])],
        closing=[DraftItem(text="同志们，让我们共同努力！")],
    )


def test_autosave_then_recent_drafts_offers_it(user_dir):
    spec = ws.new_autosave_path()
    assert spec.parent == user_dir / "drafts"
    autosave(_draft(), spec)
    assert spec.exists()
    records = ws.recent_drafts()
    assert [r.path for r in records] == [spec]
    assert records[0].title == "县政府全体会议"
    assert records[0].exported_to is None
    assert "未导出" in records[0].label
    draft, problems = ws.open_draft(spec)
    assert problems == []
    assert draft.meeting["会议名称"] == "县政府全体会议"
    assert draft.sections[0].heading == "认清形势"


def test_recent_drafts_newest_first_and_state_files_skipped(user_dir):
    first = ws.new_autosave_path()
    autosave(_draft("甲会议"), first)
    time.sleep(0.01)
    second = user_dir / "drafts" / "b.yaml"
    autosave(_draft("乙会议"), second)
    titles = [r.title for r in ws.recent_drafts()]
    assert titles == ["乙会议", "甲会议"]
    assert all(not r.path.name.endswith(".state.yaml") for r in ws.recent_drafts())


def test_mark_exported(user_dir, tmp_path):
    spec = ws.new_autosave_path()
    autosave(_draft(), spec)
    assert not ws.is_exported(spec)
    ws.mark_exported(spec, tmp_path / "out.docx")
    assert ws.is_exported(spec)
    assert ws.recent_drafts()[0].exported_to == str(tmp_path / "out.docx")
    # a later autosave keeps the exported state
    autosave(_draft(), spec)
    assert ws.is_exported(spec)


def test_unfinished_draft_still_opens(user_dir):
    draft = _draft()
    draft.sections.append(DraftSection(role="tasks"))  # no heading yet
    spec = ws.new_autosave_path()
    autosave(draft, spec)
    opened, problems = ws.open_draft(spec)
    assert len(opened.sections) == 2
    assert problems  # the missing heading is reported, not fatal


def test_open_missing_file_is_drafter_error(tmp_path):
    with pytest.raises(DrafterError):
        ws.open_draft(tmp_path / "nope.yaml")


# ---------------------------------------------------------------- editing helpers


def test_move_and_remove_item():
    seq = ["a", "b", "c"]
    assert editing.move_item(seq, 0, 1) == 1
    assert seq == ["b", "a", "c"]
    assert editing.move_item(seq, 2, 5) == 2
    assert editing.move_item(seq, 2, -9) == 0
    assert seq == ["c", "b", "a"]
    assert editing.remove_item(seq, 2) == 1
    assert seq == ["c", "b"]
    assert editing.remove_item(seq, 0) == 0
    assert editing.remove_item(seq, 0) is None
    assert seq == []


def test_parts_and_items_of():
    draft = _draft()
    draft.sections[0].children = [DraftSection(role="situation", heading="子节")]
    parts = editing.parts_of(draft)
    assert [p.label for p in parts] == ["开场", "一、认清形势", "（一）子节", "结尾"]
    assert editing.items_of(draft, parts[1]) is draft.sections[0].items
    assert editing.items_of(draft, parts[-1]) is draft.closing


HS = HeadingSet(
    id="hs.yishi", frame="强化{X}意识", items=["担当", "攻坚", "效率", "交账", "团队"], role="tasks"
)


def test_apply_parallel_set_as_children():
    draft = _draft()
    warnings = editing.apply_parallel_set(draft, (0,), HS, 3)
    assert warnings == []
    children = draft.sections[0].children
    assert [c.heading for c in children] == ["担当", "攻坚", "效率"]
    assert all(c.heading_set == "hs.yishi" for c in children)
    shown = [editing.display_heading(c, {"hs.yishi": HS}) for c in children]
    assert shown == ["强化担当意识", "强化攻坚意识", "强化效率意识"]
    # shrinking drops empty children only
    children[2].items.append(DraftItem(text="有内容"))
    warnings = editing.apply_parallel_set(draft, (0,), HS, 2)
    assert len(draft.sections[0].children) == 3
    assert warnings and "已有内容" in warnings[0]


def test_apply_parallel_set_to_siblings_and_too_many():
    draft = _draft()
    draft.sections.append(DraftSection(role="tasks", heading="x"))
    warnings = editing.apply_parallel_set(draft, (1,), HS, 7, siblings=True)
    assert [s.heading for s in draft.sections[:5]] == HS.items
    assert "只有 5 项" in warnings[0]


def test_add_section():
    draft = _draft()
    assert editing.add_section(draft, "discipline") == 1
    assert editing.add_section(draft, "tasks", after=0) == 1
    assert [s.role for s in draft.sections] == ["situation", "tasks", "discipline"]


# ---------------------------------------------------------------- structures


class _Info:
    def __init__(self, name, roles):
        self.name = name
        self.roles = roles


def test_closest_template_prefers_exact_roles():
    templates = [_Info("a", ["tasks"]), _Info("b", ["situation", "tasks", "discipline"])]
    assert ws.closest_template(("situation", "tasks", "discipline"), templates).name == "b"
    assert ws.closest_template(("tasks", "tasks"), templates).name == "a"


def test_draft_for_structure_follows_roles_and_borrows_sections():
    templates = [_Info("a", ["situation", "tasks"]), _Info("b", ["discipline"])]

    def suggest(name, meeting, bank):
        roles = {"a": ["situation", "tasks"], "b": ["discipline"]}[name]
        return Draft(
            meeting=dict(meeting),
            template=name,
            sections=[DraftSection(role=r, heading=f"{name}-{r}") for r in roles],
        )

    draft = ws.draft_for_structure(
        ("discipline", "situation", "tasks"), templates, {"会议名称": "x"}, None, suggest=suggest
    )
    assert [s.heading for s in draft.sections] == ["b-discipline", "a-situation", "a-tasks"]
    assert draft.template == "a"


# ---------------------------------------------------------------- findings and states


class _Finding:
    def __init__(self, rule, message="m", section=None, severity="warning"):
        self.rule = rule
        self.message = message
        self.section = section
        self.severity = severity


def test_finding_step_and_path():
    draft = _draft()
    draft.sections[0].children = [DraftSection(role="situation", heading="子")]
    assert ws.finding_step(_Finding("parallel-headings")) == "headings"
    assert ws.finding_step(_Finding("count-mismatch")) == "structure"
    assert ws.finding_step(_Finding("stale-year")) == "meeting"
    assert ws.finding_step(_Finding("placeholder", "未填：【待补：地区】")) == "meeting"
    assert ws.finding_step(_Finding("placeholder", "XX")) == "content"
    assert ws.finding_path(_Finding("x", section=(0, 0, 3)), draft) == (0, 0)
    assert ws.finding_path(_Finding("x", section=(5,)), draft) is None
    assert ws.finding_path(_Finding("x"), draft) is None


def test_step_states():
    empty = Draft()
    states = ws.step_states(empty).states
    assert states["meeting"] == ws.PENDING
    assert states["structure"] == ws.PENDING
    assert states["export"] == ws.PENDING
    draft = _draft()
    draft.opening = [DraftItem(text="开场")]
    states = ws.step_states(draft).states
    assert states["meeting"] == states["structure"] == states["headings"] == states["content"] == ws.DONE
    draft.meeting["日期"] = "明天"
    draft.sections.append(DraftSection(role="tasks"))
    result = ws.step_states(draft, [_Finding("parallel-headings", "句式不一")], exported=True)
    assert result.states["meeting"] == ws.ATTENTION
    assert result.states["headings"] == ws.ATTENTION
    assert result.states["content"] == ws.ATTENTION
    assert result.states["preview"] == ws.ATTENTION
    assert result.states["export"] == ws.DONE
    assert "句式不一" in result.reasons["headings"]


# ---------------------------------------------------------------- export paths


def test_default_export_path(tmp_path):
    draft = _draft("县政府/第三次:全体会议")
    path = ws.default_export_path(draft, "docx", tmp_path)
    assert path == tmp_path / "县政府第三次全体会议讲话稿.docx"
    assert ws.default_export_path(Draft(), "md", tmp_path).name == "讲话稿.md"
    with pytest.raises(DrafterError):
        ws.default_export_path(draft, "pdf", tmp_path)
    assert ws.with_format(Path("a/b.docx"), "md") == Path("a/b.md")
    assert ws.with_format(Path("a/b"), "txt") == Path("a/b.txt")
    assert ws.format_for_path("x.TXT") == "txt"


def test_state_file_is_yaml(user_dir):
    spec = ws.new_autosave_path()
    autosave(_draft(), spec)
    data = yaml.safe_load(ws.state_path(spec).read_text(encoding="utf-8"))
    assert data["title"] == "县政府全体会议"


def test_missing_values_names_each_blank_once_in_order():
    text = "【待补：地区】召开会议……【待补：讲话人】强调，【待补：地区】要抓落实。【待补】不算"
    assert ws.missing_values(text) == ["地区", "讲话人"]
    assert ws.missing_meeting_fields(["某项目", "地区", "讲话人"]) == ["地区", "讲话人"]
    assert ws.missing_values("没有空") == []


def test_step_states_use_pending_not_todo():
    from drafter.model import Draft

    states = ws.step_states(Draft()).states
    assert set(states.values()) <= {ws.DONE, ws.ATTENTION, ws.PENDING}
    assert ws.PENDING == "pending"


# ---------------------------------------------------------------- repetition across drafts


def test_new_draft_repeating_an_earlier_one_is_found(user_dir):
    from drafter.phrasebank import load_phrasebank
    from drafter.workspace import Workspace

    bank = load_phrasebank()
    earlier = _draft("去年的全体会议")
    earlier.sections[0].items = [DraftItem(text=f"第{i}句要抓好工作落实，推动发展。") for i in range(6)]
    autosave(earlier, ws.new_autosave_path())
    other = _draft("无关的会议")
    other.sections[0].items = [DraftItem(text="完全不同的一句话。")]
    autosave(other, ws.new_autosave_path())
    current = Workspace([])
    current.draft = _draft("今年的全体会议")
    current.draft.sections[0].items = list(earlier.sections[0].items)
    found = current.repeated_drafts(current.draft, bank)
    assert [name for name, _ in found] == ["去年的全体会议"]
    assert found[0][1] > 0.5
