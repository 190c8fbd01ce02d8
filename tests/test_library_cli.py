"""``drafter corpus import/list/search/remove``, ``drafter structures``, ``drafter phrasebank candidates/accept/reject``;
two processes importing at once; a SIGKILL during an import."""

from __future__ import annotations

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import pytest

from drafter.cli.entry import main

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"


@pytest.fixture()
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "archive"
    d.mkdir()
    for f in sorted(SEEDS.glob("*.txt"))[:3]:
        (d / f.name).write_bytes(f.read_bytes())
    return d


def _json(capsys) -> object:
    return json.loads(capsys.readouterr().out)


def test_import_json_shape_and_idempotence(folder, capsys):
    assert main(["corpus", "import", str(folder), "--json"]) == 0
    data = _json(capsys)
    assert list(data) == [
        "files",
        "speeches",
        "duplicates",
        "errors",
        "sections_by_role",
        "structures",
        "candidates",
    ]
    assert data["files"] == 3 and data["speeches"] >= 3 and data["errors"] == []
    assert set(data["sections_by_role"]) == {"situation", "tasks", "discipline"}
    assert main(["corpus", "import", str(folder), "--json"]) == 0
    again = _json(capsys)
    assert again["files"] == 0 and again["speeches"] == 0 and again["candidates"] == 0


def test_import_reports_bad_files_and_goes_on(folder, tmp_path, capsys):
    (folder / "empty.txt").write_bytes(b"")
    assert main(["corpus", "import", str(folder), str(tmp_path / "missing"), "--json"]) == 0
    data = _json(capsys)
    files = {Path(e["file"]).name for e in data["errors"]}
    assert files == {"empty.txt", "missing"}
    assert all(e["message"] for e in data["errors"]) and data["files"] == 3


def test_import_of_nothing_readable_exits_1(tmp_path, capsys):
    bad = tmp_path / "bad.txt"
    bad.write_bytes(b"")
    assert main(["corpus", "import", str(bad)]) == 1
    assert "bad.txt" in capsys.readouterr().err


def test_list_search_remove(folder, capsys):
    assert main(["corpus", "import", str(folder), "--quiet"]) == 0
    capsys.readouterr()
    assert main(["corpus", "list", "--json"]) == 0
    listed = _json(capsys)
    assert listed and all(
        list(x) == ["source", "index", "title", "date", "speaker", "sections"] for x in listed
    )
    assert main(["corpus", "search", "招商引资", "--limit", "3", "--json"]) == 0
    hits = _json(capsys)
    assert 0 < len(hits) <= 3
    assert all(list(h) == ["source", "index", "line", "heading", "role", "text", "score"] for h in hits)
    for h in hits:
        original = (SEEDS / h["source"]).read_text("utf-8").splitlines()[h["line"] - 1]
        assert h["text"][:10] in original.replace(" ", "") or h["text"] in original
    assert main(["corpus", "search", "招商引资", "--role", "tasks", "--json"]) == 0
    assert all(h["role"] == "tasks" for h in _json(capsys))
    assert main(["corpus", "search", "招商引资"]) == 0
    assert "第" in capsys.readouterr().out
    name = listed[0]["source"]
    assert main(["corpus", "remove", name]) == 0
    capsys.readouterr()
    assert main(["corpus", "list", "--json"]) == 0
    assert name not in {x["source"] for x in _json(capsys)}
    assert main(["corpus", "remove", name]) == 1
    assert "没有" in capsys.readouterr().err


def test_search_limit_must_be_positive(capsys):
    assert main(["corpus", "search", "招商", "--limit", "0"]) == 1
    assert "--limit" in capsys.readouterr().err


def test_structures_json(folder, capsys):
    assert main(["structures", "--json"]) == 0
    seeds = _json(capsys)
    assert seeds and all(list(s) == ["roles", "count", "speeches", "origin"] for s in seeds)
    assert {s["origin"] for s in seeds} == {"seeds"}
    assert main(["corpus", "import", str(folder), "--quiet"]) == 0
    assert main(["structures", "--json"]) == 0
    both = _json(capsys)
    assert {s["origin"] for s in both} == {"seeds", "user"}
    assert main(["structures"]) == 0
    assert "本单位" in capsys.readouterr().out


def test_candidates_accept_reject(folder, capsys, user_dir):
    assert main(["corpus", "import", str(folder), "--quiet"]) == 0
    assert main(["phrasebank", "candidates", "--json"]) == 0
    cands = _json(capsys)
    assert cands and all(list(c) == ["id", "role", "function", "text", "slots", "source"] for c in cands)
    assert main(["phrasebank", "candidates", "--role", "closing", "--json"]) == 0
    assert all(c["role"] == "closing" for c in _json(capsys))
    pick, drop = cands[0], cands[1]
    assert main(["phrasebank", "accept", pick["id"]]) == 0
    assert "已采纳" in capsys.readouterr().out
    assert main(["phrasebank", "reject", drop["id"]]) == 0
    assert "已舍弃 1 条" in capsys.readouterr().out
    assert main(["phrasebank", "candidates", "--json"]) == 0
    left = {c["id"] for c in _json(capsys)}
    assert pick["id"] not in left and drop["id"] not in left
    assert main(["phrasebank", "accept", "nosuchid"]) == 1
    capsys.readouterr()
    assert main(["phrasebank", "check"]) == 0
    capsys.readouterr()
    assert main(["phrasebank", "search", pick["text"][:10], "--json", "--limit", "50"]) == 0
    assert pick["text"] in {h["text"] for h in _json(capsys)}
    assert pick["text"] in (user_dir / "phrasebank" / "mine.yaml").read_text("utf-8")


@pytest.mark.parametrize("command", [["mine"], ["corpus", "stats"], ["corpus", "import", "x"]])
@pytest.mark.parametrize("value", ["0", "-5", "100000"])
def test_workers_rule_is_the_same_everywhere(command, value, capsys):
    assert main([*command, "--workers", value]) == 1
    err = capsys.readouterr().err
    assert f"--workers 应为 1 到 {os.cpu_count() or 1} 之间的整数" in err


# ---------------------------------------------------------------------------
# Two processes, and a kill


def _env(user_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DRAFTER_USER_DIR"] = str(user_dir)
    env.pop("DRAFTER_CACHE_DIR", None)
    env["PYTHONPATH"] = str(ROOT)
    return env


def _copies(folder: Path, n: int) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    seeds = [f for f in sorted(SEEDS.glob("*.txt")) if f.stat().st_size < 50_000]  # the small ones: fast
    for i in range(n):
        src = seeds[i % len(seeds)]
        # Each copy differs a little so that it is a new file (same text: near-duplicate, which is fine).
        (folder / f"{i:03d}_{src.name}").write_bytes(src.read_bytes() + f"\n（第{i}份）\n".encode())


@pytest.mark.slow  # two fresh processes load jieba
def test_two_concurrent_imports(tmp_path, user_dir):
    a, b = tmp_path / "a", tmp_path / "b"
    _copies(a, 4)
    _copies(b, 4)
    cmd = [sys.executable, "-m", "drafter", "corpus", "import", "--json"]
    procs = [
        subprocess.Popen(
            [*cmd, str(a), str(b)], env=_env(user_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        ),
        subprocess.Popen(
            [*cmd, str(b), str(a)], env=_env(user_dir), stdout=subprocess.PIPE, stderr=subprocess.PIPE
        ),
    ]
    outs = [p.communicate(timeout=300) for p in procs]
    assert [p.returncode for p in procs] == [0, 0], [o[1].decode() for o in outs]
    reports = [json.loads(o[0]) for o in outs]
    assert all(r["errors"] == [] for r in reports)
    con = sqlite3.connect(user_dir / "library.sqlite3")
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    assert con.execute("SELECT COUNT(*) FROM files").fetchone()[0] == 8
    paths = [r[0] for r in con.execute("SELECT path FROM files")]
    assert len(paths) == len(set(paths))
    # Every file is stored exactly once, whichever process wrote it.
    per_file = con.execute("SELECT file_id, COUNT(*) FROM speeches GROUP BY file_id").fetchall()
    assert len(per_file) == 8


@pytest.mark.slow  # a fresh process loads jieba, twice
def test_sigkill_during_import_leaves_a_readable_library(tmp_path, user_dir):
    folder = tmp_path / "many"
    _copies(folder, 48)
    db = user_dir / "library.sqlite3"
    proc = subprocess.Popen(
        [sys.executable, "-m", "drafter", "corpus", "import", str(folder), "--quiet"],
        env=_env(user_dir),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.monotonic() + 120
    stored = 0
    while time.monotonic() < deadline and proc.poll() is None:
        if db.exists():
            try:
                con = sqlite3.connect(f"file:{db}?mode=ro", uri=True, timeout=5)
                stored = con.execute("SELECT COUNT(*) FROM files").fetchone()[0]
                con.close()
            except sqlite3.Error:
                stored = 0
            if stored >= 2:
                break
        time.sleep(0.05)
    assert proc.poll() is None, "the import ended before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait(timeout=30)
    con = sqlite3.connect(db)
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    files = con.execute("SELECT COUNT(*) FROM files").fetchone()[0]
    assert 2 <= files < 48
    # Every stored file is whole: its speeches and paragraphs are there.
    assert (
        con.execute(
            "SELECT COUNT(*) FROM files f WHERE NOT EXISTS (SELECT 1 FROM speeches s WHERE s.file_id = f.id)"
        ).fetchone()[0]
        == 0
    )
    con.close()
    # The next import finishes the job and skips what was already stored.
    out = subprocess.run(
        [sys.executable, "-m", "drafter", "corpus", "import", str(folder), "--json"],
        env=_env(user_dir),
        capture_output=True,
        timeout=600,
    )
    assert out.returncode == 0, out.stderr.decode()
    assert json.loads(out.stdout)["files"] == 48 - files
