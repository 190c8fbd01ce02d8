"""Draft spec YAML: parsing, validation messages with lines, dates, round trip, atomic save."""

from __future__ import annotations

import textwrap

import pytest

from drafter.drafting import (
    check_references,
    draft_from_yaml,
    draft_to_yaml,
    load_draft,
    normalise_date,
    parse_draft,
    save_draft,
)
from drafter.errors import DrafterError
from drafter.model import DraftItem, HeadingSet, Phrase
from drafter.phrasebank import Phrasebank

SPEC = textwrap.dedent("""\
    meeting:
      会议名称: 县政府第三次全体会议
      地区: 青山县
      日期: 2024-03-01
      年份: 2024年
    template: plenary
    title: 凝心聚力 狠抓落实
    opening:
      - phrase: opening.purpose.001
        values: {上级会议: 全市经济工作会议}
      - 下面，我讲{{ 意见条数 }}点意见。
    sections:
      - role: situation
        heading: 认清形势
        items:
          - text: 今年以来，{{ 地区 }}经济平稳。
      - role: tasks
        heading: 重点工作
        children:
          - heading_set: hs.yishi
            item: 担当
            items: [要敢于担当。]
          - heading: 抓项目
            role: tasks
    closing:
      - text: 同志们，让我们努力奋斗！
    """)


def _bank() -> Phrasebank:
    phrase = Phrase(
        id="opening.purpose.001",
        role="opening",
        function="会议目的",
        text="主要目的是贯彻{{ 上级会议 }}精神。",
    )
    hs = HeadingSet(id="hs.yishi", frame="强化{X}意识", items=["担当", "攻坚", "效率"], role="tasks")
    return Phrasebank(phrases={phrase.id: phrase}, heading_sets={hs.id: hs})


def test_parse_maps_onto_model():
    draft = draft_from_yaml(SPEC, "s.yaml")
    assert draft.meeting["日期"] == "2024年3月1日"
    assert draft.meeting["年份"] == "2024年"
    assert draft.template == "plenary"
    assert draft.title == "凝心聚力 狠抓落实"
    assert draft.opening[0] == DraftItem(
        phrase="opening.purpose.001", values={"上级会议": "全市经济工作会议"}
    )
    assert draft.opening[1].text == "下面，我讲{{ 意见条数 }}点意见。"
    assert [s.role for s in draft.sections] == ["situation", "tasks"]
    child = draft.sections[1].children[0]
    assert (child.role, child.heading_set, child.heading) == ("tasks", "hs.yishi", "担当")
    assert child.items[0].text == "要敢于担当。"
    assert draft.sections[1].children[1].heading == "抓项目"
    assert draft.closing[0].text == "同志们，让我们努力奋斗！"


def test_round_trip_keeps_everything():
    draft = draft_from_yaml(SPEC, "s.yaml")
    again = draft_from_yaml(draft_to_yaml(draft), "again.yaml")
    assert again == draft


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("2024-03-01", "2024年3月1日"),
        ("2024/3/1", "2024年3月1日"),
        ("2024年3月1日", "2024年3月1日"),
        (" 2024年03月01日 ", "2024年3月1日"),
        ("（2024年3月1日）", "2024年3月1日"),
        ("2024.12.31", "2024年12月31日"),
        ("2024-02-30", None),
        ("2024-13-01", None),
        ("三月一日", None),
        ("", None),
        (None, None),
    ],
)
def test_normalise_date(raw, expected):
    assert normalise_date(raw) == expected


def _error(text: str) -> DrafterError:
    with pytest.raises(DrafterError) as info:
        draft_from_yaml(text, "bad.yaml")
    return info.value


def test_yaml_syntax_error_has_line_and_column():
    err = _error("meeting:\n  地区: 青山县\nsections: [\n  - role: tasks\n")
    assert err.file == "bad.yaml" and err.line is not None and err.line >= 3
    assert "YAML 语法错误" in err.message and "列" in err.message


def test_unknown_role_names_line():
    text = "meeting: {会议名称: 会}\nsections:\n  - role: taks\n    heading: 甲\n"
    err = _error(text)
    assert err.line == 3
    assert "taks" in err.message and "situation" in err.message
    assert str(err).startswith("bad.yaml:3: ")


def test_wrong_types_are_reported_in_chinese():
    assert "应为列表" in _error("sections: 一段文字\n").message
    assert "应为映射" in _error("- 1\n- 2\n").message
    err = _error("sections:\n  - role: tasks\n    heading: 甲\n    items:\n      - {phrase: a, text: b}\n")
    assert err.line == 5 and "二选一" in err.message
    err = _error("sections:\n  - role: tasks\n    heading: [1, 2]\n")
    assert err.line == 3 and "heading" in err.message


def test_unknown_keys_are_errors():
    err = _error("meeting: {会议名称: 会}\nsectons: []\n")
    assert err.line == 2 and "sectons" in err.message
    err = _error("sections:\n  - role: tasks\n    heading: 甲\n    itmes: []\n")
    assert err.line == 4 and "itmes" in err.message


def test_missing_heading_and_heading_set_rules():
    assert "缺少标题" in _error("sections:\n  - role: tasks\n").message
    assert "需要 item" in _error("sections:\n  - role: tasks\n    heading_set: hs.a\n").message
    assert (
        "不要再写 heading"
        in _error(
            "sections:\n  - role: tasks\n    heading_set: hs.a\n    item: 甲\n    heading: 乙\n"
        ).message
    )


def test_bad_date_is_an_error():
    err = _error("meeting:\n  日期: 2024-02-30\n")
    assert err.line == 2 and "日期" in err.message


def test_all_problems_collected():
    _, problems = parse_draft(
        "sections:\n  - role: a\n    heading: 甲\n  - role: b\n    heading: 乙\n", "x.yaml"
    )
    assert [p.line for p in problems] == [2, 4]


def test_children_inherit_role():
    draft = draft_from_yaml(
        "sections:\n  - role: discipline\n    heading: 甲\n    children:\n      - heading: 乙\n", "x.yaml"
    )
    assert draft.sections[0].children[0].role == "discipline"


def test_references_checked_with_lines():
    text = SPEC.replace("opening.purpose.001", "opening.purpose.009").replace("item: 担当", "item: 奉献")
    draft = draft_from_yaml(text, "s.yaml")
    problems = check_references(draft, _bank(), ["plenary", "review"])
    messages = [(p.line, p.message) for p in problems]
    assert any(
        line == 9 and "opening.purpose.009" in m and "opening.purpose.001" in m for line, m in messages
    )
    assert any("奉献" in m and "担当" in m for _, m in messages)


def test_unknown_template_and_heading_set():
    text = SPEC.replace("template: plenary", "template: plenery").replace("hs.yishi", "hs.nope")
    draft = draft_from_yaml(text, "s.yaml")
    problems = check_references(draft, _bank(), ["plenary", "review"])
    assert any(p.line == 6 and "plenery" in p.message for p in problems)
    assert any("hs.nope" in p.message for p in problems)


def test_alias_bomb_refused():
    bomb = "a: &a [x, x, x, x, x, x, x, x, x, x]\n"
    prev = "a"
    for i in range(1, 8):
        bomb += f"l{i}: &l{i} [" + ", ".join([f"*{prev}"] * 10) + "]\n"
        prev = f"l{i}"
    with pytest.raises(DrafterError) as info:
        draft_from_yaml(bomb, "bomb.yaml")
    assert "别名" in info.value.message and info.value.file == "bomb.yaml"


@pytest.mark.parametrize("text", ["a: &a [*a]\n", "a: " + "[" * 3000 + "]" * 3000 + "\n"])
def test_self_reference_and_deep_nesting_refused(text):
    with pytest.raises(DrafterError) as info:
        draft_from_yaml(text, "deep.yaml")
    assert info.value.file == "deep.yaml"


def test_save_is_atomic_and_keeps_backup(tmp_path):
    draft = draft_from_yaml(SPEC, "s.yaml")
    path = tmp_path / "d.yaml"
    save_draft(draft, path)
    assert load_draft(path) == draft
    draft.title = "新标题"
    save_draft(draft, path)
    assert load_draft(path).title == "新标题"
    assert "凝心聚力" in (tmp_path / "d.yaml.bak").read_text(encoding="utf-8")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    with pytest.raises(DrafterError):
        save_draft(draft, path, overwrite=False)


def test_read_draft_missing_file(tmp_path):
    with pytest.raises(DrafterError) as info:
        load_draft(tmp_path / "none.yaml")
    assert "不存在" in info.value.message


def test_control_characters_give_a_chinese_message_with_the_line():
    from drafter.drafting import parse_draft

    with pytest.raises(DrafterError) as info:
        parse_draft("meeting:\n  会议名称: a\x00b\n", "nul.yaml")
    assert info.value.file == "nul.yaml"
    assert info.value.line == 2
    assert "控制字符" in info.value.message


def test_a_draft_with_a_thousand_sections_is_refused_with_its_line():
    """Issue 12: 1,000 sections used to end in 「内部错误」 (unsupported numeral); now a message with the line."""
    head = "meeting:\n  会议名称: 县政府全体会议\ntemplate: plenary\nsections:\n"
    body = "".join(
        f"  - role: tasks\n    heading: 第{i}项\n    items:\n      - 要抓好。\n" for i in range(1000)
    )
    _, problems = parse_draft(head + body, "many.yaml")
    errors = [p for p in problems if p.severity == "error"]
    assert len(errors) == 1
    assert errors[0].file == "many.yaml" and errors[0].line == 5  # where the sections list starts
    assert "1000 个部分" in errors[0].message and "99" in errors[0].message
