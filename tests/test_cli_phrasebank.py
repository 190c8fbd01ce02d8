"""``drafter phrasebank check/stats/search/add`` through the real CLI entry point."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from drafter.cli.entry import main

SHIPPED = """\
slots:
  - {name: 项目名称, prompt: 项目的名称, example: 新能源产业园}
phrases:
  - id: tasks.deploy.001
    role: tasks
    function: 部署任务
    topics: [招商引资, 项目建设]
    text: "要把招商引资作为经济工作的生命线，全力推进{{ 项目名称 }}。"
    source: {file: 001_586566592891807d.txt, speech: 0, line: 18}
  - id: discipline.conduct.001
    role: discipline
    function: 作风要求
    topics: [干部队伍]
    text: "要持续发扬严实作风，一步一个脚印抓好落实。"
    origin: curated
  - id: closing.call.001
    role: closing
    function: 号召
    text: "同志们，让我们团结一心、真抓实干，奋力完成全年目标任务！"
    origin: curated
heading_sets:
  - id: hs.qianghua-yishi
    frame: 强化{X}意识
    items: [担当, 攻坚, 效率]
    role: discipline
    origin: curated
"""


@pytest.fixture(autouse=True)
def home(tmp_path, monkeypatch) -> Path:
    home = tmp_path / "home"
    (home / "phrasebank").mkdir(parents=True)
    (home / "phrasebank" / "a.yaml").write_text(SHIPPED, encoding="utf-8")
    monkeypatch.setenv("DRAFTER_HOME", str(home))
    monkeypatch.setenv("DRAFTER_USER_DIR", str(tmp_path / "user"))
    monkeypatch.chdir(tmp_path)
    return home


def run(capsys, *args: str) -> tuple[int, str, str]:
    code = main(["phrasebank", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_check_clean(capsys):
    code, out, err = run(capsys, "check")
    assert code == 0 and out == ""
    assert "检查通过" in err and "共 3 条短语" in err


def test_check_reports_file_line_and_fails(capsys, tmp_path):
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "phrases:\n  - id: a.b.001\n    role: ending\n    function: 号召\n    text: 好。\n"
        "  - id: a.b.002\n    role: tasks\n    function: 随便\n    text: '{{ 未声明 }}'\n",
        encoding="utf-8",
    )
    code, out, err = run(capsys, "check", str(bad))
    assert code == 1
    lines = out.splitlines()
    assert lines[0].startswith("bad.yaml:3: ") and "ending" in lines[0]
    assert any(line.startswith("bad.yaml:8: 警告：") and "随便" in line for line in lines)
    assert any(line.startswith("bad.yaml:9: ") and "未声明" in line for line in lines)
    assert "检查未通过" in err and "2 个错误，1 个警告" in err


def test_check_warnings_do_not_fail(capsys, tmp_path):
    warn = tmp_path / "warn.yaml"
    warn.write_text(
        "phrases:\n  - id: a.b.001\n    role: tasks\n    function: 随便\n    text: 好。\n", encoding="utf-8"
    )
    code, out, _ = run(capsys, "check", str(warn))
    assert code == 0 and out.startswith("warn.yaml:4: 警告：")


def test_check_syntax_error_line_and_column(capsys, tmp_path):
    bad = tmp_path / "syntax.yaml"
    bad.write_text("phrases:\n  - id: a\n    text: [x\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", str(bad))
    assert code == 1
    (line,) = out.splitlines()
    assert line.startswith("syntax.yaml:") and "YAML 语法错误（第" in line and "列）" in line


def test_check_layers_with_extra_dir(capsys, tmp_path):
    extra = tmp_path / "extra"
    extra.mkdir()
    (extra / "x.yaml").write_text("phrases:\n  - id: x\n    role: tasks\n", encoding="utf-8")
    code, out, _ = run(capsys, "check", "--phrasebank", str(extra))
    assert code == 1 and out.startswith("extra/x.yaml:2: ")
    code, out, _ = run(capsys, "check", "--phrasebank", str(tmp_path / "missing"))
    assert code == 1 and "不存在" in out


def test_check_hostile_inputs_give_messages_not_tracebacks(capsys, tmp_path):
    bomb = tmp_path / "bomb.yaml"
    bomb.write_text("a: &a [x, x, x]\nb: &b [*a, *a, *a]\nphrases: *b\n", encoding="utf-8")
    huge = tmp_path / "huge.yaml"
    with open(huge, "wb") as fh:
        fh.truncate(100 * 1024 * 1024)
    code, out, err = run(capsys, "check", str(bomb), str(huge))
    assert code == 1
    assert "bomb.yaml:1: " in out and "别名" in out  # the shared loader refuses at the first anchor
    assert "huge.yaml:1: " in out and "文件过大" in out
    assert "Traceback" not in out + err


def test_stats_json(capsys):
    code, out, _ = run(capsys, "stats", "--json")
    assert code == 0
    data = json.loads(out)
    assert set(data) >= {"entries", "by_role", "by_function", "topics", "heading_sets", "with_provenance"}
    assert (data["blocks"], data["kinds"]) == (0, 0)  # keys added for blocks and meeting kinds (issue 10)
    assert data["entries"] == 3 and data["heading_sets"] == 1 and data["with_provenance"] == 1
    assert data["by_role"] == {"tasks": 1, "discipline": 1, "closing": 1}
    assert data["topics"] == {"招商引资": 1, "项目建设": 1, "干部队伍": 1}


def test_stats_text(capsys):
    code, out, _ = run(capsys, "stats")
    assert code == 0 and "短语条目：3" in out and "作风纪律（discipline）：1" in out


def test_search_json(capsys):
    code, out, _ = run(capsys, "search", "招商引资", "--json")
    assert code == 0
    hits = json.loads(out)
    assert hits[0]["id"] == "tasks.deploy.001"
    assert set(hits[0]) == {"id", "role", "function", "topics", "text", "score"}
    assert hits[0]["topics"] == ["招商引资", "项目建设"] and 0 < hits[0]["score"] <= 1


def test_search_filters_and_limit(capsys):
    code, out, _ = run(capsys, "search", "作风", "--role", "discipline", "--json")
    assert [h["id"] for h in json.loads(out)] == ["discipline.conduct.001"]
    code, out, _ = run(capsys, "search", "同志们", "--json", "--limit", "1")
    assert [h["id"] for h in json.loads(out)] == ["closing.call.001"]
    code, out, _ = run(capsys, "search", "落实", "--topic", "干部队伍", "--function", "作风要求", "--json")
    assert [h["id"] for h in json.loads(out)] == ["discipline.conduct.001"]
    code, out, err = run(capsys, "search", "作风", "--limit", "0")
    assert code == 1 and "--limit" in err


def test_search_text_and_nothing_found(capsys):
    code, out, _ = run(capsys, "search", "招商引姿")
    assert code == 0 and "tasks.deploy.001" in out and "招商引资" in out
    code, out, err = run(capsys, "search", "qwertyuiop")
    assert code == 0 and out == "" and "没有找到" in err


def test_add_then_search_and_check(capsys, tmp_path):
    code, out, err = run(
        capsys, "add", "--role", "tasks", "--function", "部署任务", "--text", "持续优化营商环境。",
        "--topic", "营商环境", "--topic", "改革开放",
    )  # fmt: skip
    assert code == 0, err
    assert "已添加：tasks.deploy.u001" in out
    mine = tmp_path / "user" / "phrasebank" / "mine.yaml"
    assert f"文件：{mine}" in out
    code, out, _ = run(capsys, "search", "营商环境", "--json")
    assert json.loads(out)[0]["topics"] == ["营商环境", "改革开放"]
    code, _, _ = run(capsys, "check")
    assert code == 0


def test_add_to_file_and_warnings(capsys, tmp_path):
    target = tmp_path / "team.yaml"
    target.write_text("# 科室共享\nphrases:\n", encoding="utf-8")
    code, _out, err = run(
        capsys, "add", "--role", "closing", "--function", "号召", "--to", str(target),
        "--text", "同志们，让我们团结一心、真抓实干，奋力完成全年目标任务！",
    )  # fmt: skip
    assert code == 0
    assert "几乎相同" in err and "closing.call.001" in err
    assert target.read_text(encoding="utf-8").startswith("# 科室共享\nphrases:\n  - id: closing.call.u001\n")


def test_add_errors(capsys, tmp_path):
    code, _out, err = run(capsys, "add", "--role", "tasks", "--function", "部署任务", "--text", "{{ 坏")
    assert code == 1 and err.startswith("drafter: ") and "模板语法错误" in err
    with pytest.raises(SystemExit) as info:
        main(["phrasebank", "add", "--role", "nope", "--function", "x", "--text", "y"])
    assert info.value.code == 2
    assert "参数错误" in capsys.readouterr().err


def test_installed_command_runs(tmp_path, home):
    env = {
        "DRAFTER_HOME": str(home),
        "DRAFTER_USER_DIR": str(tmp_path / "user"),
        "PATH": "/usr/bin:/bin",
        "PYTHONPATH": str(Path(__file__).resolve().parent.parent),
    }
    proc = subprocess.run(
        [sys.executable, "-m", "drafter", "phrasebank", "search", "作风", "--json"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert json.loads(proc.stdout)[0]["id"] == "discipline.conduct.001"
