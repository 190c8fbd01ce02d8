"""Tests for ``drafter lint``: output shapes, exit codes, Chinese messages, no tracebacks."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import drafter.cli.lint as cli_lint
from drafter.cli.entry import main
from drafter.errors import DrafterError
from drafter.lint import RULES, LintReport, lint_speech
from drafter.model import Para, Section, Speech

ROOT = Path(__file__).resolve().parent.parent
SEED_002 = ROOT / "seeds" / "002_91703a2dae1be214.txt"


def _speech(source: str, *, placeholder: bool = False, closing: bool = True) -> Speech:
    body = "要抓好XX工作。" if placeholder else "要抓好项目工作。"
    return Speech(
        source=source,
        title="在全县大会上的讲话",
        date="2024年3月1日",
        salutation="同志们：",
        line=1,
        opening=[Para("下面，我讲两点意见。", 3)],
        sections=[
            Section(marker="一、", heading="抓项目", line=4, paragraphs=[Para(body, 5)]),
            Section(marker="二、", heading="抓招商", line=6, paragraphs=[Para("要主动上门对接企业。", 7)]),
        ],
        closing=[Para("同志们，让我们奋力完成全年任务！", 8)] if closing else [],
        announced_sections=2,
    )


# _speech() is a toy of two one-sentence sections: the length rules (short-speech, thin-section)
# rightly fire on it; these tests are about output shapes, so the fake leaves them out.
LENGTH_RULES = {"short-speech", "thin-section"}


def _fake_lint_path(mapping):
    def fake(path, *, year=None, on_error=None):
        name = Path(path).name
        if name not in mapping:
            raise DrafterError("文件不存在", str(path))
        return [
            LintReport(
                sp.source,
                i,
                [f for f in lint_speech(sp, year=year) if f.rule not in LENGTH_RULES],
                title=sp.title,
            )
            for i, sp in enumerate(mapping[name])
        ]

    return fake


def test_single_speech_json_is_plain_list_of_four_keys(monkeypatch, capsys):
    monkeypatch.setattr(
        cli_lint, "lint_path", _fake_lint_path({"a.txt": [_speech("a.txt", placeholder=True)]})
    )
    code = main(["lint", "a.txt", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert data and all(set(item) == {"rule", "severity", "message", "location"} for item in data)
    assert data[0]["rule"] == "placeholder" and data[0]["location"] == "a.txt:5 一、"


def test_several_speeches_json_adds_source_and_index(monkeypatch, capsys):
    speeches = [_speech("c.txt", closing=False), _speech("c.txt", placeholder=True)]
    monkeypatch.setattr(cli_lint, "lint_path", _fake_lint_path({"c.txt": speeches}))
    code = main(["lint", "c.txt", "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert {(item["index"], item["rule"]) for item in data} == {(0, "closing"), (1, "placeholder")}
    assert all(
        item["source"] == "c.txt" and {"rule", "severity", "message", "location"} <= set(item)
        for item in data
    )


def test_clean_file_exits_zero_and_says_so(monkeypatch, capsys):
    monkeypatch.setattr(cli_lint, "lint_path", _fake_lint_path({"ok.txt": [_speech("ok.txt")]}))
    code = main(["lint", "ok.txt"])
    out = capsys.readouterr().out
    assert code == 0
    assert "ok.txt 第1篇：在全县大会上的讲话" in out and "未发现问题" in out
    assert "错误 0 条" in out


def test_warnings_only_exit_zero(monkeypatch, capsys):
    monkeypatch.setattr(cli_lint, "lint_path", _fake_lint_path({"w.txt": [_speech("w.txt", closing=False)]}))
    assert main(["lint", "w.txt"]) == 0
    out = capsys.readouterr().out
    assert "警告  closing" in out


def test_human_output_grouped_per_speech(monkeypatch, capsys):
    speeches = [_speech("c.txt"), _speech("c.txt", placeholder=True)]
    monkeypatch.setattr(cli_lint, "lint_path", _fake_lint_path({"c.txt": speeches}))
    assert main(["lint", "c.txt"]) == 1
    out = capsys.readouterr().out.splitlines()
    second = out.index("c.txt 第2篇：在全县大会上的讲话")
    assert out[second + 1].startswith("  c.txt:5 一、  错误  placeholder  ")
    assert out[-1].startswith("共检查 2 篇")


def test_year_option_reaches_the_linter(monkeypatch, capsys):
    sp = _speech("y.txt")
    sp.sections[1].paragraphs[0].text = "今年是2024年的关键之年。"
    monkeypatch.setattr(cli_lint, "lint_path", _fake_lint_path({"y.txt": [sp]}))
    assert main(["lint", "y.txt", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []
    assert main(["lint", "y.txt", "--json", "--year", "2026"]) == 0
    assert any(item["rule"] == "stale-year" for item in json.loads(capsys.readouterr().out))


def test_bad_year_is_a_chinese_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["lint", "x.txt", "--year", "明年"])
    assert info.value.code == 2
    assert "年份" in capsys.readouterr().err


def test_missing_file_gives_chinese_message_and_exit_2(tmp_path, capsys):
    code = main(["lint", str(tmp_path / "nope.txt")])
    captured = capsys.readouterr()
    assert code == 2
    assert "nope.txt" in captured.err and "不存在" in captured.err
    assert "Traceback" not in captured.err + captured.out


def test_unreadable_file_does_not_stop_the_others(monkeypatch, capsys):
    monkeypatch.setattr(cli_lint, "lint_path", _fake_lint_path({"ok.txt": [_speech("ok.txt")]}))
    code = main(["lint", "gone.txt", "ok.txt"])
    captured = capsys.readouterr()
    assert code == 2
    assert "gone.txt" in captured.err
    assert "ok.txt 第1篇" in captured.out


def test_unsupported_type(tmp_path, capsys):
    bad = tmp_path / "a.pdf"
    bad.write_bytes(b"%PDF")
    assert main(["lint", str(bad)]) == 2
    assert "不支持" in capsys.readouterr().err


def test_help_lists_every_rule(capsys):
    with pytest.raises(SystemExit) as info:
        main(["lint", "--help"])
    assert info.value.code == 0
    out = capsys.readouterr().out
    for rule in RULES:
        assert rule in out
    assert "退出码" in out and "显示本帮助" in out


# ---------------------------------------------------------------------------
# With the outline parser: the real seed corpus


def test_seed_002_json_has_count_mismatch_for_speech_1(capsys):
    code = main(["lint", str(SEED_002), "--json"])
    data = json.loads(capsys.readouterr().out)
    assert code == 1
    assert any(
        item["index"] == 0 and item["rule"] == "count-mismatch" and item["source"] == SEED_002.name
        for item in data
    )


def test_seed_002_human_output(capsys):
    assert main(["lint", str(SEED_002)]) == 1
    out = capsys.readouterr().out
    assert f"{SEED_002.name} 第1篇" in out and f"{SEED_002.name} 第5篇" in out
    assert "count-mismatch" in out


def test_rendered_text_file(tmp_path, capsys):
    txt = tmp_path / "draft.txt"
    txt.write_text(
        "在全县大会上的讲话\n（2024年3月1日）\n同志们：\n下面，我讲两点意见。\n一、抓项目\n要抓好【待补：地区】项目。\n"
        "二、抓招商\n要主动上门对接企业。\n同志们，让我们奋力完成全年任务！\n",
        encoding="utf-8",
    )
    assert main(["lint", str(txt), "--json"]) == 1
    data = json.loads(capsys.readouterr().out)
    assert [item["rule"] for item in data if item["severity"] == "error"] == ["placeholder"]
    assert "【待补：地区】" in data[0]["message"] or any("【待补：地区】" in item["message"] for item in data)


def test_empty_text_file_is_a_clear_error(tmp_path, capsys):
    empty = tmp_path / "empty.txt"
    empty.write_bytes(b"")
    code = main(["lint", str(empty)])
    captured = capsys.readouterr()
    assert code == 2 and "empty.txt" in captured.err
    assert "Traceback" not in captured.err


def test_folder_with_one_broken_file_reports_it_and_lints_the_rest(tmp_path, capsys):
    (tmp_path / "good.txt").write_text(
        "在全县大会上的讲话\n同志们：\n下面，我讲两点意见。\n一、抓项目\n要抓好项目。\n二、抓招商\n要主动对接。\n"
        "同志们，让我们奋力完成全年任务！\n",
        encoding="utf-8",
    )
    (tmp_path / "broken.txt").write_bytes(bytes(range(256)) * 20)
    code = main(["lint", str(tmp_path)])
    captured = capsys.readouterr()
    assert code == 2
    assert "broken.txt" in captured.err
    assert "good.txt 第1篇" in captured.out


def test_ignore_drops_rules_and_can_change_the_exit_code(monkeypatch, capsys):
    speeches = [_speech("i.txt", placeholder=True, closing=False)]
    monkeypatch.setattr(cli_lint, "lint_path", _fake_lint_path({"i.txt": speeches}))
    assert main(["lint", "i.txt", "--json"]) == 1
    assert {item["rule"] for item in json.loads(capsys.readouterr().out)} == {"placeholder", "closing"}
    assert main(["lint", "i.txt", "--json", "--ignore", "placeholder"]) == 0
    assert [item["rule"] for item in json.loads(capsys.readouterr().out)] == ["closing"]
    assert main(["lint", "i.txt", "--json", "--ignore", "placeholder,closing"]) == 0
    assert json.loads(capsys.readouterr().out) == []


def test_ignore_unknown_rule_is_a_chinese_error(capsys):
    assert main(["lint", "x.txt", "--ignore", "spelling"]) == 2
    err = capsys.readouterr().err
    assert "没有这条规则：spelling" in err and "count-mismatch" in err


# ---------------------------------------------------------------------------
# --rules: what each rule means


def test_rules_lists_every_rule_with_severity_and_description(capsys):
    assert main(["lint", "--rules"]) == 0
    lines = capsys.readouterr().out.splitlines()
    for rule, description in RULES.items():
        (line,) = [x for x in lines if x.startswith(rule + " ")]
        assert description in line
    assert any(x.startswith("numbering ") and "错误/警告" in x for x in lines)
    assert any(x.startswith("period-mismatch ") and "警告" in x for x in lines)
    assert lines[-1].startswith(f"共 {len(RULES)} 条规则")


def test_rules_json_is_a_list_of_id_severity_description(capsys):
    assert main(["lint", "--rules", "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert [item["id"] for item in data] == list(RULES)
    assert all(set(item) == {"id", "severity", "description"} for item in data)
    assert all(item["severity"] in ("error", "warning", "info") for item in data)
    by_id = {item["id"]: item for item in data}
    assert by_id["placeholder"]["severity"] == "error"
    assert by_id["short-speech"] == {
        "id": "short-speech",
        "severity": "warning",
        "description": RULES["short-speech"],
    }


def test_rules_with_files_or_no_files_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as info:
        main(["lint", "--rules", "x.txt"])
    assert info.value.code == 2
    assert "--rules" in capsys.readouterr().err
    with pytest.raises(SystemExit) as info:
        main(["lint"])
    assert info.value.code == 2
    assert "缺少必需的参数：FILE" in capsys.readouterr().err


def test_new_rules_can_be_ignored(monkeypatch, capsys):
    sp = _speech("n.txt")
    monkeypatch.setattr(cli_lint, "lint_path", lambda path, **kw: [LintReport("n.txt", 0, lint_speech(sp))])
    assert main(["lint", "n.txt", "--json"]) == 0
    assert {item["rule"] for item in json.loads(capsys.readouterr().out)} == {"short-speech", "thin-section"}
    assert main(["lint", "n.txt", "--json", "--ignore", "short-speech,thin-section"]) == 0
    assert json.loads(capsys.readouterr().out) == []
