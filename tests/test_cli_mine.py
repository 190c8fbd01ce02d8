"""``drafter mine`` and ``drafter corpus stats`` from the command line."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import yaml

from drafter.cli.entry import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture(scope="module")
def _shared_cache(tmp_path_factory):
    # The cache is keyed by content hash, so the tests of this file can share one.
    return tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _dirs(tmp_path, monkeypatch, _shared_cache):
    monkeypatch.setenv("DRAFTER_USER_DIR", str(tmp_path / "user"))
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(_shared_cache))


def test_mine_writes_yaml(tmp_path, capsys):
    out = tmp_path / "mined.yaml"
    assert main(["mine", str(SEEDS), "-o", str(out)]) == 0
    data = yaml.safe_load(out.read_text("utf-8"))
    assert set(data) >= {"stats", "structures", "heading_sets", "phrases", "role_cues"}
    assert data["stats"]["speeches"] == 9 and data["stats"]["duplicates"] == 1
    frames = {h["frame"] for h in data["heading_sets"]}
    assert {"强化{X}意识", "{X}抓落实", "建设效率政府，要{X}"} <= frames
    assert "强化{X}意识" in out.read_text("utf-8")  # allow_unicode: readable, not escaped
    err = capsys.readouterr().err
    assert "已挖掘" in err and "9 篇讲话" in err


def test_mine_default_path_to_stdout(capsys):
    assert main(["mine", "--quiet"]) == 0
    captured = capsys.readouterr()
    data = yaml.safe_load(captured.out)
    assert data["stats"]["files"] == 5
    assert captured.err == ""


def test_mine_keeps_backup_of_existing_output(tmp_path):
    out = tmp_path / "mined.yaml"
    out.write_text("旧内容\n", "utf-8")
    assert main(["mine", str(SEEDS / "001_586566592891807d.txt"), "-o", str(out), "--quiet"]) == 0
    assert (tmp_path / "mined.yaml.bak").read_text("utf-8") == "旧内容\n"
    assert "structures" in out.read_text("utf-8")


def test_mine_output_folder_missing(tmp_path, capsys):
    code = main(["mine", str(SEEDS / "001_586566592891807d.txt"), "-o", str(tmp_path / "no" / "x.yaml")])
    assert code == 1
    assert "目标文件夹不存在" in capsys.readouterr().err


def test_one_bad_file_does_not_stop_a_folder(tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "good.txt").write_bytes((SEEDS / "004_2057dfb1cf4794e1.txt").read_bytes())
    (corpus / "broken.txt").write_bytes(bytes(range(256)) * 40)
    assert main(["mine", str(corpus), "-o", str(tmp_path / "m.yaml")]) == 0
    err = capsys.readouterr().err
    assert "broken.txt" in err and "已跳过" in err
    assert "Traceback" not in err


def test_nothing_readable_is_an_error(tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "empty.txt").write_bytes(b"")
    assert main(["mine", str(corpus)]) == 1
    err = capsys.readouterr().err
    assert "empty.txt" in err and "没有读到任何讲话稿" in err


def test_missing_path(tmp_path, capsys):
    assert main(["mine", str(tmp_path / "nope")]) == 1
    assert "路径不存在" in capsys.readouterr().err


def test_progress_on_large_corpus(tmp_path, capsys):
    corpus = tmp_path / "c"
    corpus.mkdir()
    text = (SEEDS / "001_586566592891807d.txt").read_text("utf-8")
    for i in range(20):
        (corpus / f"s{i:02d}.txt").write_text(text.replace("县长", f"第{i}位县长"), "utf-8")
    assert main(["mine", str(corpus), "-o", str(tmp_path / "m.yaml")]) == 0
    err = capsys.readouterr().err
    assert "挖掘中" in err and "20/20" in err


def test_corpus_stats_text(capsys):
    assert main(["corpus", "stats", str(SEEDS)]) == 0
    out = capsys.readouterr().out
    assert "讲话 9 篇" in out
    assert "近似重复" in out and "第4篇" in out
    assert "结构表" in out and "认清形势 → 重点工作 → 作风纪律" in out


def test_corpus_stats_json(capsys):
    assert main(["corpus", "stats", str(SEEDS), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert data["speeches"] == 9 and data["distinct_speeches"] == 8
    assert data["duplicates"] == [
        {
            "source": "002_91703a2dae1be214.txt",
            "index": 3,
            "title": data["duplicates"][0]["title"],
            "duplicate_of": {"source": "002_91703a2dae1be214.txt", "index": 2},
        }
    ]
    # Follows from the pinned seed roles in test_roles.py (the duplicate counted once).
    assert data["sections_by_role"] == {"situation": 5, "tasks": 9, "discipline": 15}
    top = data["structures"][0]
    assert top["roles"] == ["situation", "tasks", "discipline"] and top["count"] == 3
    assert sum(s["count"] for s in data["structures"]) == 8


def test_corpus_without_subcommand_shows_help(capsys):
    assert main(["corpus"]) == 2
    assert "stats" in capsys.readouterr().err


def test_cli_subprocess_no_traceback(tmp_path):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    proc = subprocess.run(
        [sys.executable, "-m", "drafter", "corpus", "stats", str(bad)],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env={
            "PATH": "/usr/bin:/bin",
            "DRAFTER_USER_DIR": str(tmp_path / "u"),
            "DRAFTER_CACHE_DIR": str(tmp_path / "c"),
        },
    )
    assert proc.returncode == 1
    assert "Traceback" not in proc.stderr
    assert "bad.txt" in proc.stderr
