"""``drafter outline`` and the no-argument summary: output shapes, bad input, exit codes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import jsonschema

from drafter.cli.corpus import format_outline, reading_progress, run_default_summary
from drafter.cli.entry import main
from drafter.model import SECTION_ROLES
from drafter.outline import parse_corpus

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
F002 = "002_91703a2dae1be214.txt"

GOOD = "关于做好全年工作的讲话\n同志们：\n今天召开会议。下面，我讲两点意见。\n一、认清形势\n成绩明显。\n二、狠抓落实\n要抓好落实。\n"

SECTION_SCHEMA: dict = {
    "type": "object",
    "additionalProperties": False,
    "required": ["marker", "heading", "paragraphs", "children"],
    "properties": {
        "marker": {"type": "string"},
        "heading": {"type": "string"},
        "paragraphs": {"type": "array", "items": {"type": "string"}},
        "children": {"type": "array", "items": {"$ref": "#/$defs/child"}},
    },
}
OUTLINE_SCHEMA = {
    "$defs": {"child": SECTION_SCHEMA},
    "type": "array",
    "items": {
        "type": "object",
        "additionalProperties": False,
        "required": [
            "source",
            "index",
            "title",
            "subtitle",
            "date",
            "speaker",
            "duplicate_of",
            "announced_sections",
            "opening",
            "closing",
            "warnings",
            "sections",
        ],
        "properties": {
            "source": {"type": "string"},
            "index": {"type": "integer", "minimum": 0},
            "title": {"type": "string"},
            "subtitle": {"type": ["string", "null"]},
            "date": {"type": ["string", "null"]},
            "speaker": {"type": ["string", "null"]},
            "duplicate_of": {
                "oneOf": [
                    {"type": "null"},
                    {
                        "type": "object",
                        "additionalProperties": False,
                        "required": ["source", "index"],
                        "properties": {"source": {"type": "string"}, "index": {"type": "integer"}},
                    },
                ]
            },
            "announced_sections": {"type": ["integer", "null"]},
            "opening": {"type": "array", "items": {"type": "string"}},
            "closing": {"type": "array", "items": {"type": "string"}},
            "warnings": {"type": "array", "items": {"type": "string"}},
            "sections": {
                "type": "array",
                "items": {
                    "type": "object",
                    "additionalProperties": False,
                    "required": [
                        "marker",
                        "heading",
                        "role",
                        "role_cues",
                        "role_confidence",
                        "paragraphs",
                        "children",
                    ],
                    "properties": {
                        "marker": {"type": "string"},
                        "heading": {"type": "string"},
                        "role": {"type": ["string", "null"]},
                        "role_cues": {"type": "array", "items": {"type": "string"}},
                        "role_confidence": {"type": "number"},
                        "paragraphs": {"type": "array", "items": {"type": "string"}},
                        "children": {"type": "array", "items": {"$ref": "#/$defs/child"}},
                    },
                },
            },
        },
    },
}


def _run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_outline_json_on_seeds(capsys):
    code, out, err = _run(capsys, "outline", "--json", str(SEEDS))
    assert code == 0, err
    data = json.loads(out)
    jsonschema.validate(data, OUTLINE_SCHEMA)
    assert [(d["source"][:3], d["index"]) for d in data] == [
        ("000", 0),
        ("001", 0),
        ("002", 0),
        ("002", 1),
        ("002", 2),
        ("002", 3),
        ("002", 4),
        ("003", 0),
        ("004", 0),
    ]
    by_key = {(d["source"][:3], d["index"]): d for d in data}
    assert by_key[("002", 3)]["duplicate_of"] == {"source": F002, "index": 2}
    first = by_key[("002", 0)]
    assert first["announced_sections"] == 3 and len(first["sections"]) == 1
    assert any("3" in w and "1" in w for w in first["warnings"])
    assert by_key[("002", 1)]["date"] == "2024年3月1日"
    assert by_key[("003", 0)]["title"] == "在县落实攻坚年动员大会上的讲话"
    assert "酷乐" not in out and "QQ群" not in out
    third = by_key[("000", 0)]["sections"][2]
    assert [c["marker"] for c in third["children"]] == ["（一）", "（二）", "（三）", "（四）", "（五）"]
    for d in data:
        for s in d["sections"]:
            assert s["role"] in SECTION_ROLES
            assert 0.0 <= s["role_confidence"] <= 1.0


def test_outline_default_path_is_seeds(capsys):
    code, out, _ = _run(capsys, "outline", "--json")
    assert code == 0
    assert len(json.loads(out)) == 9


def test_outline_readable_tree(capsys):
    code, out, err = _run(capsys, "outline", str(SEEDS / "000_bbf5857291d91b4d.txt"))
    assert code == 0, err
    assert "000_bbf5857291d91b4d.txt 第1篇：（无标题）" in out
    assert "一、强化五种意识，增强做好政府工作的紧迫感" in out
    assert "    （四）提高成事能力" in out  # children are indented under their section
    assert "〔开场〕2 段" in out
    assert "预告 4 个，实际 4 个" in out
    assert "（%1）" in out  # the repair warning
    # a repaired marker shows what the text wrote
    assert "    （四）提高成事能力（1 段）〔原文编号“（%1）”〕" in out
    assert "    （二）提高断事能力（1 段）\n" in out
    assert "【" in out and "依据" in out
    assert err == ""


def test_format_outline_shows_duplicates_closing_and_warnings():
    speeches = parse_corpus([SEEDS / F002]).speeches
    text = format_outline(speeches[3])
    assert "基本重复" in text and "第3篇" in text
    assert "〔结尾〕1 段：同志们，政府工作千头万绪" in text
    assert "缺少“（二）”" in text
    assert "讲话人：陆再义县长" in format_outline(speeches[1])


def test_bad_files_are_reported_and_the_rest_is_read(tmp_path, capsys):
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "a_good.txt").write_text(GOOD, encoding="utf-8")
    (folder / "b_empty.txt").write_bytes(b"")
    (folder / "c_binary.txt").write_bytes(b"\x00\x01\x02PK\x03\x04" * 100)
    (folder / "d_undecodable.txt").write_bytes(b"\x80\xff" * 200)
    (folder / "e_huge.txt").write_bytes(b"a" * (10 * 1024 * 1024))
    (folder / "f_broken.docx").write_bytes(b"PK\x03\x04 not really a zip")
    (folder / "g_gbk.txt").write_bytes(GOOD.encode("gbk"))
    code, out, err = _run(capsys, "outline", "--json", str(folder))
    assert code == 0
    data = json.loads(out)
    assert [d["source"] for d in data] == ["a_good.txt", "g_gbk.txt"]
    assert [s["heading"] for s in data[1]["sections"]] == ["认清形势", "狠抓落实"]
    lines = err.strip().splitlines()
    assert len(lines) == 5
    for name in ["b_empty.txt", "c_binary.txt", "d_undecodable.txt", "e_huge.txt", "f_broken.docx"]:
        assert any(line.startswith("drafter: ") and name in line for line in lines), name
    assert "Traceback" not in err


def test_nothing_readable_exits_non_zero(tmp_path, capsys):
    (tmp_path / "empty.txt").write_bytes(b"")
    code, out, err = _run(capsys, "outline", str(tmp_path / "empty.txt"))
    assert code == 1
    assert out == ""
    assert "empty.txt" in err and "空" in err
    code, out, err = _run(capsys, "outline", str(tmp_path / "missing"))
    assert code == 1
    assert "不存在" in err
    empty_dir = tmp_path / "nothing"
    empty_dir.mkdir()
    code, out, err = _run(capsys, "outline", str(empty_dir))
    assert code == 1
    assert "没有找到" in err


def test_missing_path_among_good_ones_is_reported_but_not_fatal(tmp_path, capsys):
    good = tmp_path / "good.txt"
    good.write_text(GOOD, encoding="utf-8")
    code, out, err = _run(capsys, "outline", "--json", str(tmp_path / "missing.txt"), str(good))
    assert code == 0
    assert [d["source"] for d in json.loads(out)] == ["good.txt"]
    assert "missing.txt" in err


def test_default_summary(capsys):
    code = run_default_summary(None)
    out, err = capsys.readouterr()
    assert code == 0, err
    assert "9 篇讲话" in out
    assert f"{F002} 第1篇：县长在县人民政府第三次全体会议上的讲话  〔预告3／实际1〕" in out
    assert "〔与第3篇重复〕" in out
    assert "    一、强化五种意识，增强做好政府工作的紧迫感" in out
    assert "— 认清形势" in out or "— 重点工作" in out or "— 作风纪律" in out


class _FakeTTY:
    def __init__(self, tty: bool):
        self.tty = tty
        self.written = ""

    def isatty(self) -> bool:
        return self.tty

    def write(self, text: str) -> None:
        self.written += text

    def flush(self) -> None:
        pass


def test_progress_only_on_a_terminal_and_only_for_large_corpora():
    pipe = _FakeTTY(False)
    progress = reading_progress(pipe)  # type: ignore[arg-type]
    for n in range(1, 51):
        progress(n, 50, "x.txt")
    progress.finish()
    assert pipe.written == ""
    small = _FakeTTY(True)
    progress = reading_progress(small, delay=60)  # type: ignore[arg-type]
    for n in range(1, 6):
        progress(n, 5, "x.txt")
    progress.finish()
    assert small.written == ""
    large = _FakeTTY(True)
    progress = reading_progress(large, delay=60)  # type: ignore[arg-type]
    for n in range(1, 31):
        progress(n, 30, "x.txt")
    progress.finish()
    assert "\r已读取 30/30 个文件" in large.written
    assert large.written.endswith("\n")


def test_command_line_never_shows_a_traceback(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"\xff\x00\xfe" * 1000)
    env = dict(os.environ, DRAFTER_USER_DIR=str(tmp_path / "user"))
    env.pop("DRAFTER_DEBUG", None)
    proc = subprocess.run(
        [sys.executable, "-m", "drafter", "outline", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "bad.txt" in proc.stderr


def test_drafter_without_a_terminal_prints_the_seed_summary(tmp_path):
    """`drafter` in a pipe (no screen for the wizard) shows the corpus summary instead of failing."""
    import os
    import subprocess
    import sys

    env = {**os.environ, "DRAFTER_USER_DIR": str(tmp_path)}
    env.pop("DRAFTER_FORCE_TUI", None)
    proc = subprocess.run(
        [sys.executable, "-m", "drafter"],
        capture_output=True,
        text=True,
        env=env,
        stdin=subprocess.DEVNULL,
        timeout=120,
    )
    assert proc.returncode == 0, proc.stderr
    assert "向导界面无法打开" in proc.stdout
    assert "9 篇讲话" in proc.stdout
    assert "Traceback" not in proc.stderr
