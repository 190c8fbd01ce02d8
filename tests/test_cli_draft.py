"""``drafter new`` / ``drafter draft`` / ``drafter templates``: outputs and exit codes."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from drafter.cli.entry import main
from drafter.drafting import draft_from_yaml
from drafter.util import project_root

EXAMPLES = project_root() / "examples"


def test_templates_lists_all(capsys):
    assert main(["templates"]) == 0
    out = capsys.readouterr().out
    for name in ("plenary", "implementation", "review", "parallel"):
        assert name in out
    assert "政府全体会议讲话" in out


def test_templates_json(capsys):
    assert main(["templates", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    by_name = {t["name"]: t for t in data}
    assert by_name["plenary"]["roles"] == ["situation", "tasks", "discipline"]
    assert by_name["review"]["title"] == "交帐亮相/季度总结会讲话"
    assert all(t["problem"] is None for t in data)


def test_new_writes_loadable_spec(tmp_path, capsys):
    out = tmp_path / "d.yaml"
    assert main(["new", "--template", "review", "-o", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    text = out.read_text(encoding="utf-8")
    draft = draft_from_yaml(text, str(out))
    assert draft.template == "review"
    assert "可选内容一览" in text
    # refuses to overwrite without --force
    out.write_text("keep me", encoding="utf-8")
    assert main(["new", "--template", "review", "-o", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "keep me"
    assert main(["new", "--template", "review", "-o", str(out), "--force"]) == 0
    assert out.read_text(encoding="utf-8") == text
    assert (tmp_path / "d.yaml.bak").read_text(encoding="utf-8") == "keep me"


def test_new_to_stdout_and_unknown_template(capsys):
    assert main(["new", "-t", "plenary"]) == 0
    assert "template: plenary" in capsys.readouterr().out
    assert main(["new", "-t", "nosuch"]) == 1
    err = capsys.readouterr().err
    assert "nosuch" in err and "plenary" in err and "Traceback" not in err


def test_draft_missing_spec_exit_1(tmp_path, capsys):
    assert main(["draft", str(tmp_path / "none.yaml"), "-o", str(tmp_path / "o.txt")]) == 1
    err = capsys.readouterr().err
    assert "不存在" in err and "Traceback" not in err


def test_draft_bad_spec_names_line(tmp_path, capsys):
    spec = tmp_path / "bad.yaml"
    spec.write_text(
        "meeting: {会议名称: 会}\ntemplate: plenary\nsections:\n  - role: nope\n    heading: 甲\n",
        encoding="utf-8",
    )
    assert main(["draft", str(spec), "-o", str(tmp_path / "o.txt")]) == 1
    err = capsys.readouterr().err
    assert f"{spec}:4:" in err and "nope" in err
    assert not (tmp_path / "o.txt").exists()


def test_draft_missing_slot_then_allow_blanks(tmp_path, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "meeting: {会议名称: 县政府全体会议, 日期: 2024-03-01}\ntemplate: plenary\n"
        "opening: ['下面，我讲{{ 意见条数 }}点意见。']\n"
        "sections:\n  - role: tasks\n    heading: 抓好重点工作\n    items: ['{{ 地区 }}要抓好落实。']\n"
        "closing: ['同志们，努力奋斗！']\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.txt"
    assert main(["draft", str(spec), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert "地区" in err and f"{spec}:7:" in err
    assert main(["draft", str(spec), "-o", str(out), "--allow-blanks"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert "【待补：地区】" in out.read_text(encoding="utf-8")
    assert "placeholder" in captured.err  # lint ran and printed its findings


@pytest.mark.parametrize("fmt", ["txt", "md", "docx"])
def test_draft_example_exports(tmp_path, capsys, fmt):
    spec = tmp_path / "plenary.yaml"
    shutil.copy(EXAMPLES / "plenary.yaml", spec)
    out = tmp_path / f"speech.{fmt}"
    assert main(["draft", str(spec), "-o", str(out)]) == 0, capsys.readouterr().err
    assert capsys.readouterr().out.strip() == str(out)
    assert out.exists() and out.stat().st_size > 0
    if fmt == "txt":
        text = out.read_text(encoding="utf-8")
        assert "一、坚定信心" in text and "【待补" not in text
    # an existing file is not overwritten without --force
    assert main(["draft", str(spec), "-o", str(out)]) == 1
    assert "--force" in capsys.readouterr().err
    assert main(["draft", str(spec), "-o", str(out), "--force"]) == 0


def test_draft_format_option_overrides_suffix(tmp_path, capsys):
    out = tmp_path / "speech.out"
    assert main(["draft", str(EXAMPLES / "review.yaml"), "-o", str(out), "--format", "txt"]) == 0
    assert Path(capsys.readouterr().out.strip()) == out
    assert out.read_text(encoding="utf-8").startswith("在全县交帐亮相暨一季度总结会上的讲话")


def test_draft_lint_findings_printed(tmp_path, capsys):
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "meeting: {会议名称: 县政府全体会议, 地区: 青山县, 日期: 2024-03-01}\ntemplate: plenary\n"
        "opening: ['下面，我讲{{ 意见条数 }}点意见。']\n"
        "sections:\n  - role: tasks\n    heading: 抓好重点工作\n    items: ['要抓好XX项目。']\n"
        "closing: ['同志们，努力奋斗！']\n",
        encoding="utf-8",
    )
    assert main(["draft", str(spec), "-o", str(tmp_path / "o.txt")]) == 0
    err = capsys.readouterr().err
    assert "placeholder" in err and "XX" in err


def test_draft_extra_phrasebank_dir(tmp_path, capsys):
    bank = tmp_path / "mybank"
    bank.mkdir()
    (bank / "mine.yaml").write_text(
        "phrases:\n  - {id: closing.mine.001, role: closing, function: 号召, origin: curated,\n"
        '     text: "同志们，让我们为{{ 地区 }}的明天共同奋斗！"}\n',
        encoding="utf-8",
    )
    spec = tmp_path / "s.yaml"
    spec.write_text(
        "meeting: {会议名称: 县政府全体会议, 地区: 青山县, 日期: 2024-03-01}\ntemplate: plenary\n"
        "opening: ['下面，我讲{{ 意见条数 }}点意见。']\n"
        "sections:\n  - role: tasks\n    heading: 抓好重点工作\n    items: ['要抓好落实。']\n"
        "closing:\n  - phrase: closing.mine.001\n",
        encoding="utf-8",
    )
    out = tmp_path / "o.txt"
    assert main(["draft", str(spec), "-o", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"{spec}:9:" in err and "closing.mine.001" in err
    assert main(["draft", str(spec), "-o", str(out), "--phrasebank", str(bank)]) == 0
    assert "为青山县的明天共同奋斗" in out.read_text(encoding="utf-8")


# ---------------------------------------------------------------- drafter suggest (issue 10)

SUGGEST_BANK = Path(__file__).parent / "data" / "suggest_bank"


def _suggest(*args: str) -> list[str]:
    return ["suggest", "--phrasebank", str(SUGGEST_BANK), *args]


def test_suggest_prints_a_loadable_spec_and_seed_changes_it(capsys):
    meeting = ["--set", "会议名称=全县防汛工作会议", "--set", "地区=青山县", "--set", "日期=2025-06-10"]
    assert main(_suggest(*meeting, "--set", "职务=副县长", "--set", "讲话人=李强")) == 0
    first = capsys.readouterr().out
    draft = draft_from_yaml(first, "s.yaml")
    assert draft.meeting["会议名称"] == "全县防汛工作会议" and draft.meeting["日期"] == "2025年6月10日"
    assert any(s.role == "tasks" and s.children for s in draft.sections)
    assert main(_suggest(*meeting, "--set", "职务=副县长", "--set", "讲话人=李强")) == 0
    assert capsys.readouterr().out == first, "same seed, same draft"
    assert main(_suggest(*meeting, "--set", "职务=副县长", "--set", "讲话人=李强", "--seed", "3")) == 0
    assert capsys.readouterr().out != first


def test_suggest_warns_about_an_uncovered_subject_and_writes_file(tmp_path, capsys):
    out = tmp_path / "s.yaml"
    args = _suggest(
        "--set", "会议名称=全县殡葬改革工作推进会", "--topic", "公墓", "--minutes", "10", "-o", str(out)
    )
    assert main(args) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == str(out)
    assert "殡葬改革" in captured.err and "公墓" in captured.err
    text = out.read_text(encoding="utf-8")
    assert "【待补：围绕“殡葬改革”" in text and "主题: 公墓" in text
    assert main(args) == 1 and "--force" in capsys.readouterr().err
    assert main([*args, "--force"]) == 0
    rendered = tmp_path / "s.txt"
    assert main(["draft", str(out), "-o", str(rendered), "--phrasebank", str(SUGGEST_BANK)]) == 0
    assert "殡葬改革" in rendered.read_text(encoding="utf-8")


def test_suggest_refuses_bad_fields_and_both_lengths(capsys):
    assert main(_suggest("--set", "地点=县城")) == 1
    err = capsys.readouterr().err
    assert "地点" in err and "会议名称" in err and "Traceback" not in err
    assert main(_suggest("--set", "会议名称")) == 1
    assert "字段=值" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(_suggest("--minutes", "10", "--chars", "3000"))
    capsys.readouterr()
    assert main(_suggest("--chars", "5")) == 1
    assert "--chars" in capsys.readouterr().err


def test_draft_refuses_a_format_contradicting_the_extension(tmp_path, capsys):
    out = tmp_path / "out.docx"
    assert main(["draft", str(EXAMPLES / "plenary.yaml"), "-o", str(out), "--format", "txt"]) == 1
    err = capsys.readouterr().err
    assert "不一致" in err and "out.docx" in err
    assert not out.exists()
