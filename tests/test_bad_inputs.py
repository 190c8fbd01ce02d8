"""Hostile inputs through the real CLI: each must give a clear Chinese message naming the file.

The catalogue is ``tests/bad_inputs/`` (see its README.md for each input and the message it
must give).  The two big inputs (a 10 MB single line, a 100 MB YAML) are generated here in a
temporary folder, never checked in.  Every case runs ``python -m drafter …`` in a subprocess
with ``DRAFTER_USER_DIR`` pointing at a temporary folder, and checks the exit code, a message
fragment, the file named on the same line, no traceback, and a Chinese main message.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BAD = Path(__file__).resolve().parent / "bad_inputs"
ROOT = BAD.parent.parent
SPEECH_TITLE = "在全县经济工作会议上的讲话"
SPEECH_HEADINGS = ["坚定信心，认清形势", "真抓实干，狠抓落实"]


@pytest.fixture
def user_dir(tmp_path: Path) -> Path:
    d = tmp_path / "user"
    d.mkdir()
    return d


def _env(user_dir: Path) -> dict[str, str]:
    env = dict(os.environ)
    env["DRAFTER_USER_DIR"] = str(user_dir)
    env.pop("DRAFTER_DEBUG", None)
    env["DRAFTER_CACHE_DIR"] = str(user_dir / "cache")
    env["PYTHONPATH"] = str(ROOT) + os.pathsep + env.get("PYTHONPATH", "")
    return env


def drafter(user_dir: Path, *args: str | Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "drafter", *map(str, args)],
        env=_env(user_dir),
        cwd=str(cwd or user_dir),
        capture_output=True,
        text=True,
        timeout=180,
    )


def drafter_rusage(user_dir: Path, *args: str | Path) -> tuple[int, str, int]:
    """(exit code, stdout+stderr, peak RSS in KiB) of one CLI run, measured for that process alone."""
    out = user_dir / "out.log"
    with open(out, "wb") as fh:
        proc = subprocess.Popen(
            [sys.executable, "-m", "drafter", *map(str, args)],
            env=_env(user_dir),
            cwd=str(user_dir),
            stdout=fh,
            stderr=subprocess.STDOUT,
        )
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
    return proc.returncode, out.read_text("utf-8", errors="replace"), usage.ru_maxrss


_ENGLISH_PROSE = re.compile(r"[A-Za-z]{2,}[ ,']+[A-Za-z]{2,}[ ,']+[A-Za-z]{2,}")


def assert_clear(
    proc: subprocess.CompletedProcess[str] | tuple[int, str], code: int, fragment: str, name: str | Path
) -> str:
    """Exit ``code``; a line holding ``fragment`` and the file ``name``; no traceback; Chinese main text."""
    if isinstance(proc, tuple):
        rc, output = proc
    else:
        rc, output = proc.returncode, proc.stdout + proc.stderr
    name = Path(name).name
    assert "Traceback" not in output, output
    assert "内部错误" not in output and "程序问题" not in output, output
    assert rc == code, f"exit code {rc}, expected {code}:\n{output}"
    lines = [line for line in output.splitlines() if fragment in line and name in line]
    assert lines, f"no line with “{fragment}” naming {name}:\n{output}"
    for line in lines:
        # The main message, without paths and without parenthesised technical detail, is Chinese.
        main = re.sub(r"（[^（）]*）|\([^()]*\)", "", line)
        main = re.sub(r"[A-Za-z0-9_~:./\\-]*[/\\.][A-Za-z0-9_~:./\\-]*", "", main)
        assert not _ENGLISH_PROSE.search(main), f"English text in the message: {line}"
        assert re.search(r"[\u4e00-\u9fff]", main), line
    return lines[0]


# ---------------------------------------------------------------- reading corpus files


@pytest.mark.parametrize(
    ("name", "fragment"),
    [
        ("empty.txt", "文件是空的"),
        ("binary.txt", "二进制文件"),
        ("truncated.docx", "不是有效的 Word 文档"),
        ("renamed_zip.docx", "Word 文档"),
    ],
)
def test_unreadable_file_outline(user_dir: Path, name: str, fragment: str) -> None:
    line = assert_clear(drafter(user_dir, "outline", BAD / name), 1, fragment, name)
    if name == "renamed_zip.docx":
        assert "损坏" in line or "不是" in line


UNREADABLE = {
    "empty.txt": "文件是空的",
    "binary.txt": "二进制文件",
    "truncated.docx": "不是有效的 Word 文档",
    "renamed_zip.docx": "Word 文档",
}


def test_unreadable_files_lint(user_dir: Path) -> None:
    # lint: exit code 2 = a file could not be read; every file is named with its own reason
    proc = drafter(user_dir, "lint", *(BAD / name for name in UNREADABLE))
    for name, fragment in UNREADABLE.items():
        assert_clear(proc, 2, fragment, name)


def test_unreadable_files_mine(user_dir: Path) -> None:
    proc = drafter(user_dir, "mine", "--no-cache", "--quiet", *(BAD / name for name in UNREADABLE))
    for name, fragment in UNREADABLE.items():
        line = assert_clear(proc, 1, fragment, name)
        assert "已跳过" in line
    assert "没有读到任何讲话稿" in proc.stderr


def test_bad_file_among_good_ones_is_skipped(user_dir: Path, tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    for name in ("binary.txt", "truncated.docx", "gb18030.txt"):
        shutil.copy(BAD / name, corpus / name)
    proc = drafter(user_dir, "outline", "--json", corpus)
    assert "Traceback" not in proc.stderr
    data = json.loads(proc.stdout)
    assert [d["source"] for d in data] == ["gb18030.txt"]
    for name in ("binary.txt", "truncated.docx"):
        assert any(name in line for line in proc.stderr.splitlines()), proc.stderr


ENCODINGS = ["gb18030.txt", "utf16.txt", "utf16le_nobom.txt"]


@pytest.fixture(scope="module")
def encoded_outlines(tmp_path_factory: pytest.TempPathFactory) -> dict[str, dict]:
    proc = drafter(tmp_path_factory.mktemp("user"), "outline", "--json", *(BAD / name for name in ENCODINGS))
    assert proc.returncode == 0, proc.stderr
    return {speech["source"]: speech for speech in json.loads(proc.stdout)}


@pytest.mark.parametrize("name", ENCODINGS)
def test_other_encodings_read_fine(encoded_outlines: dict[str, dict], name: str) -> None:
    speech = encoded_outlines[name]
    assert speech["title"] == SPEECH_TITLE
    assert [s["marker"] for s in speech["sections"]] == ["一、", "二、"]
    assert [s["heading"] for s in speech["sections"]] == SPEECH_HEADINGS
    assert speech["announced_sections"] == 2
    assert speech["opening"] == ["今天会议很重要。下面，我讲两点意见。"]
    assert speech["closing"] and speech["closing"][0].startswith("同志们，让我们共同努力")
    assert speech["sections"][0]["paragraphs"] == ["今年以来，全县经济运行总体平稳，成绩来之不易。"]


def test_gb18030_spec_reads_and_utf16_spec_is_refused_clearly(user_dir: Path) -> None:
    out = user_dir / "gb.txt"
    proc = drafter(user_dir, "draft", BAD / "gb18030_spec.yaml", "-o", out)
    assert proc.returncode == 0, proc.stderr
    text = out.read_text(encoding="utf-8")
    assert "一、坚定信心，认清形势" in text and "二、突出重点，狠抓落实" in text
    proc = drafter(user_dir, "draft", BAD / "utf16_spec.yaml", "-o", user_dir / "u16.txt")
    assert_clear(proc, 1, "编码", "utf16_spec.yaml")
    assert not (user_dir / "u16.txt").exists()


def test_phrasebank_in_other_encodings_is_refused_clearly(user_dir: Path) -> None:
    proc = drafter(user_dir, "phrasebank", "check", BAD / "gb18030_bank.yaml", BAD / "utf16_bank.yaml")
    for name in ("gb18030_bank.yaml", "utf16_bank.yaml"):
        assert_clear(proc, 1, "不是 UTF-8 编码", name)


@pytest.fixture(scope="module")
def long_line(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("long") / "one_line_10mb.txt"
    chunk = ("各乡镇、各部门要真抓实干，确保各项任务落到实处，" * 2000).encode("utf-8")
    with open(path, "wb") as fh:
        while fh.tell() < 10 * 1024 * 1024:
            fh.write(chunk)
    return path


def test_ten_mb_single_line(user_dir: Path, long_line: Path) -> None:
    line = assert_clear(drafter(user_dir, "outline", long_line), 1, "这一行长达", long_line)
    assert f"{long_line.name}:1:" in line
    assert_clear(drafter(user_dir, "lint", long_line), 2, "这一行长达", long_line)
    assert_clear(drafter(user_dir, "mine", "--no-cache", "--quiet", long_line), 1, "这一行长达", long_line)


# ---------------------------------------------------------------- YAML: phrasebank and draft specs


def test_alias_bomb_phrasebank_check(user_dir: Path) -> None:
    assert_clear(
        drafter(user_dir, "phrasebank", "check", BAD / "alias_bomb.yaml"), 1, "别名", "alias_bomb.yaml"
    )


def test_alias_bomb_lint(user_dir: Path) -> None:
    assert_clear(drafter(user_dir, "lint", BAD / "alias_bomb.yaml"), 2, "别名", "alias_bomb.yaml")


def test_alias_bomb_draft(user_dir: Path) -> None:
    proc = drafter(user_dir, "draft", BAD / "alias_bomb.yaml", "-o", user_dir / "out.docx")
    assert_clear(proc, 1, "别名", "alias_bomb.yaml")
    assert not (user_dir / "out.docx").exists()


@pytest.mark.parametrize(("command", "code"), [("draft", 1), ("lint", 2)])
def test_control_character_in_spec(user_dir: Path, command: str, code: int) -> None:
    spec = BAD / "control_char_spec.yaml"
    extra = ("-o", str(user_dir / "out.docx")) if command == "draft" else ()
    # a Chinese message naming the file and the line of the control character
    assert_clear(drafter(user_dir, command, spec, *extra), code, f"{spec.name}:4:", spec)
    assert not (user_dir / "out.docx").exists()


def test_control_character_in_phrasebank(user_dir: Path) -> None:
    bank = BAD / "control_char_bank.yaml"
    assert_clear(drafter(user_dir, "phrasebank", "check", bank), 1, f"{bank.name}:6:", bank)


def test_nesting_bomb(user_dir: Path) -> None:
    bomb = BAD / "nesting_bomb.yaml"
    assert_clear(drafter(user_dir, "phrasebank", "check", bomb), 1, "嵌套", bomb)
    assert_clear(drafter(user_dir, "draft", bomb, "-o", user_dir / "out.docx"), 1, "嵌套", bomb)
    assert not (user_dir / "out.docx").exists()


@pytest.fixture(scope="module")
def huge_yaml(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A 100 MB phrasebank file of valid entries, written in streamed 1 MB chunks."""
    path = tmp_path_factory.mktemp("huge") / "huge.yaml"
    entry = "  - {{id: tasks.huge.{n:07d}, role: tasks, function: 部署任务, text: 要真抓实干，确保各项任务落到实处。, origin: curated}}\n"
    n = 0
    with open(path, "w", encoding="utf-8") as fh:
        fh.write("phrases:\n")
        while fh.tell() < 100 * 1024 * 1024:
            block = "".join(entry.format(n=n + i) for i in range(8000))
            n += 8000
            fh.write(block)
    return path


@pytest.mark.parametrize(
    ("command", "code"),
    [(("phrasebank", "check"), 1), (("draft",), 1), (("lint",), 2)],
)
def test_hundred_mb_yaml_refused_by_size(
    user_dir: Path, huge_yaml: Path, command: tuple[str, ...], code: int
) -> None:
    extra = ("-o", str(user_dir / "out.docx")) if command == ("draft",) else ()
    rc, output, maxrss_kb = drafter_rusage(user_dir, *command, huge_yaml, *extra)
    assert_clear((rc, output), code, "文件过大", huge_yaml)
    # Refused before reading: measured side by side with the same command on a small
    # broken file, the process never held anything like the 100 MB file in memory.
    small = user_dir / "small.yaml"
    small.write_text("phrases: [\n", encoding="utf-8")
    _, _, baseline_kb = drafter_rusage(user_dir, *command, small, *extra)
    assert maxrss_kb < baseline_kb + 30 * 1024, (
        f"peak RSS {maxrss_kb} KiB vs {baseline_kb} KiB: the file was read"
    )
    assert not (user_dir / "out.docx").exists()


def test_duplicate_ids(user_dir: Path) -> None:
    proc = drafter(user_dir, "phrasebank", "check", BAD / "duplicate_ids")
    line = assert_clear(proc, 1, "tasks.dup-test.001", "b.yaml")
    assert "重复" in line and "a.yaml:2" in line
    line = assert_clear(proc, 1, "tasks.dup-test.002", "b.yaml")
    assert "重复" in line and "b.yaml:12" in line and "第 7 行" in line


def test_duplicate_ids_refused_by_add(user_dir: Path) -> None:
    target = user_dir / "mine.yaml"
    shutil.copy(BAD / "duplicate_ids" / "a.yaml", target)
    before = target.read_bytes()
    proc = drafter(
        user_dir,
        "phrasebank",
        "add",
        "--role",
        "tasks",
        "--function",
        "部署任务",
        "--text",
        "要压实责任。",
        "--id",
        "tasks.dup-test.001",
        "--to",
        target,
    )
    assert_clear(proc, 1, "tasks.dup-test.001", "mine.yaml")
    assert target.read_bytes() == before


# ---------------------------------------------------------------- template escapes


def test_template_escape_in_free_text(user_dir: Path) -> None:
    out = user_dir / "out.docx"
    spec = BAD / "template_escape_spec.yaml"
    proc = drafter(user_dir, "draft", spec, "-o", out)
    line = assert_clear(proc, 1, "安全", spec)
    assert f"{spec.name}:4:" in line
    assert "<class" not in proc.stdout + proc.stderr
    assert not out.exists()
    proc = drafter(user_dir, "lint", spec)
    assert_clear(proc, 2, "安全", spec)
    assert "<class" not in proc.stdout + proc.stderr


def test_template_escape_in_user_template(user_dir: Path) -> None:
    (user_dir / "templates").mkdir()
    shutil.copy(BAD / "template_escape.j2", user_dir / "templates" / "template_escape.j2")
    out = user_dir / "out.docx"
    spec = BAD / "template_escape_user_spec.yaml"
    proc = drafter(user_dir, "draft", spec, "-o", out)
    line = assert_clear(proc, 1, "安全", "template_escape.j2")
    assert "template_escape.j2:6:" in line
    assert "<class" not in proc.stdout + proc.stderr
    assert not out.exists()
    # Listing templates and starting a draft from it must not run it or crash.
    proc = drafter(user_dir, "templates")
    assert proc.returncode == 0 and "template_escape" in proc.stdout
    assert "Traceback" not in proc.stderr and "<class" not in proc.stdout


# ---------------------------------------------------------------- where output goes


def test_valid_spec_exports(user_dir: Path) -> None:
    """The control case: the same spec exports fine to a writable folder."""
    out = user_dir / "ok.docx"
    proc = drafter(user_dir, "draft", BAD / "valid_spec.yaml", "-o", out)
    assert proc.returncode == 0, proc.stderr
    assert out.stat().st_size > 0


@pytest.mark.parametrize("suffix", ["docx", "md"])
def test_export_into_missing_folder(user_dir: Path, suffix: str) -> None:
    out = user_dir / "没有这个文件夹" / f"out.{suffix}"
    proc = drafter(user_dir, "draft", BAD / "valid_spec.yaml", "-o", out)
    assert_clear(proc, 1, "文件夹不存在", out)
    assert not out.parent.exists()


@pytest.mark.parametrize("suffix", ["docx", "txt"])
def test_export_under_a_regular_file(user_dir: Path, suffix: str) -> None:
    """A "folder" that is a file: fails for root too (chmod would not)."""
    blocker = user_dir / "some.txt"
    blocker.write_text("原有内容\n", encoding="utf-8")
    out = blocker / f"out.{suffix}"
    proc = drafter(user_dir, "draft", BAD / "valid_spec.yaml", "-o", out)
    assert_clear(proc, 1, "不是文件夹", out)
    assert blocker.read_text(encoding="utf-8") == "原有内容\n"
    assert sorted(p.name for p in user_dir.iterdir() if p.name != "cache") == ["some.txt"]


def test_export_into_unwritable_system_folder(user_dir: Path) -> None:
    out = Path("/proc/drafter-test-out.docx")
    proc = drafter(user_dir, "draft", BAD / "valid_spec.yaml", "-o", out)
    assert_clear(proc, 1, "无法写入", out)
    assert not out.exists()


@pytest.mark.parametrize(
    "args",
    [
        ("new", "-t", "plenary", "-o", "{missing}/draft.yaml"),
        ("new", "-t", "plenary", "-o", "{file}/draft.yaml"),
        ("mine", "--no-cache", "--quiet", "{gb}", "-o", "{missing}/mined.yaml"),
        (
            "phrasebank",
            "add",
            "--role",
            "tasks",
            "--function",
            "部署任务",
            "--text",
            "要压实责任。",
            "--to",
            "{file}/mine.yaml",
        ),
    ],
    ids=["new-missing", "new-under-file", "mine-missing", "add-under-file"],
)
def test_other_writers_bad_targets(user_dir: Path, args: tuple[str, ...]) -> None:
    blocker = user_dir / "some.txt"
    blocker.write_text("原有内容\n", encoding="utf-8")
    values = {
        "missing": str(user_dir / "没有这个文件夹"),
        "file": str(blocker),
        "gb": str(BAD / "gb18030.txt"),
    }
    argv = [a.format(**values) for a in args]
    target = Path(argv[argv.index("-o") + 1] if "-o" in argv else argv[argv.index("--to") + 1])
    proc = drafter(user_dir, *argv)
    fragment = "文件夹不存在" if "没有这个文件夹" in str(target) else "不是文件夹"
    assert_clear(proc, 1, fragment, target)
    assert blocker.read_text(encoding="utf-8") == "原有内容\n"
    assert not (user_dir / "没有这个文件夹").exists()


def test_catalogue_readme_lists_every_input() -> None:
    readme = (BAD / "README.md").read_text(encoding="utf-8")
    for path in BAD.rglob("*"):
        if path.is_file() and path.name != "README.md":
            assert path.name in readme, f"{path.name} is not described in tests/bad_inputs/README.md"
