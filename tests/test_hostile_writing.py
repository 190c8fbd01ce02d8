"""Write-side hardening (issue 12): atomic backups, stale temp files, pipes and devices as
targets, names that are too long and ``~user`` paths, in the library and in every writing command."""

from __future__ import annotations

import errno
import os
import signal
import textwrap
import time
from pathlib import Path

import pytest
from test_export_docx import kill_when_ready

from drafter.cli.entry import build_parser, main
from drafter.errors import DrafterError
from drafter.export import export_speech
from drafter.model import Para, Speech
from drafter.util import fsutil
from drafter.util.fsutil import atomic_write, remove_stale_temps, user_path

LONG_NAME = "长" * 300 + ".docx"  # 900 bytes of UTF-8: ENAMETOOLONG on every common file system
NO_USER = "~nosuchuser_drafter_test"
EXAMPLES = Path(__file__).resolve().parent.parent / "examples"


def temps(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


# --- targets that are not regular files -----------------------------------------------------


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_fifo_as_target_is_refused_in_chinese_without_blocking(tmp_path):
    fifo = tmp_path / "out.docx"
    os.mkfifo(fifo)
    start = time.monotonic()
    for overwrite in (True, False):
        with pytest.raises(DrafterError) as err:
            atomic_write(fifo, b"data", overwrite=overwrite, backup=True)
        message = str(err.value)
        assert "不是普通文件" in message and str(fifo) in message
        assert "系统错误代码" not in message
    assert time.monotonic() - start < 5
    assert fifo.is_fifo()  # left alone
    assert temps(tmp_path) == []


@pytest.mark.skipif(not os.path.exists("/dev/null"), reason="needs /dev/null")
def test_device_as_target_is_refused():
    with pytest.raises(DrafterError, match="不是普通文件") as err:
        atomic_write("/dev/null", b"x", backup=True)
    assert "/dev/null" in str(err.value)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
def test_export_to_fifo_with_force_is_refused(tmp_path):
    fifo = tmp_path / "speech.docx"
    os.mkfifo(fifo)
    with pytest.raises(DrafterError, match="不是普通文件"):
        export_speech(Speech(title="标题", opening=[Para("正文。")]), fifo, force=True)
    assert fifo.is_fifo()


def test_folder_as_target_is_refused(tmp_path):
    (tmp_path / "d.yaml").mkdir()
    with pytest.raises(DrafterError, match="文件夹"):
        atomic_write(tmp_path / "d.yaml", "x")


# --- names ------------------------------------------------------------------------------------


def test_name_too_long_is_a_chinese_message_naming_the_path(tmp_path):
    target = tmp_path / LONG_NAME
    with pytest.raises(DrafterError) as err:
        atomic_write(target, b"x", backup=True)
    message = str(err.value)
    assert "太长" in message and str(target) in message
    assert temps(tmp_path) == []


def test_long_but_legal_name_still_writes(tmp_path):
    # 80 CJK characters = 240 bytes + ".docx": the target fits, a ".<name>.<random>.tmp" beside it
    # would not, so the temp name is shortened.
    target = tmp_path / ("长" * 80 + ".docx")
    atomic_write(target, b"one")
    atomic_write(target, b"two", backup=True)
    assert target.read_bytes() == b"two"
    assert Path(str(target) + ".bak").read_bytes() == b"one"
    assert temps(tmp_path) == []


def test_unknown_user_home_is_named(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    with pytest.raises(DrafterError) as err:
        atomic_write(f"{NO_USER}/a.docx", b"x")
    message = str(err.value)
    assert NO_USER in message and "没有这个用户" in message
    with pytest.raises(DrafterError, match="没有这个用户"):
        user_path(f"{NO_USER}/a.docx")


def test_user_path_expands_the_own_home(monkeypatch, tmp_path):
    monkeypatch.setenv("HOME", str(tmp_path))
    assert user_path("~/a.docx") == tmp_path / "a.docx"
    assert user_path("plain/a.docx") == Path("plain/a.docx")
    with pytest.raises(DrafterError, match="非法字符"):
        user_path("a\0b.docx")


def test_cli_oserror_fallback_names_the_path():
    exc = OSError(errno.ENAMETOOLONG, "File name too long", "/x/" + LONG_NAME)
    message = fsutil.describe_os_error_for_user(exc)
    assert message.startswith("/x/" + LONG_NAME) and "太长" in message
    assert "无法写入" not in message  # the fallback may come from a read as well


# --- every command that writes ---------------------------------------------------------------


def _writing_commands(out: str, corpus: Path) -> list[list[str]]:
    commands = [
        ["new", "-t", "plenary", "-o", out],
        ["draft", str(EXAMPLES / "plenary.yaml"), "--allow-blanks", "-o", out, "--force"],
        ["mine", str(corpus), "-o", out],
    ]
    parser = build_parser()
    choices = next(a for a in parser._subparsers._group_actions).choices  # type: ignore[union-attr]
    if "suggest" in choices:
        commands.append(["suggest", "-o", out])
    return commands


@pytest.mark.parametrize("kind", ["long", "nouser", "fifo"])
def test_every_writing_command_gives_a_chinese_message(tmp_path, monkeypatch, capsys, seed_files, kind):
    if kind == "fifo" and not hasattr(os, "mkfifo"):
        pytest.skip("needs FIFOs")
    monkeypatch.chdir(tmp_path)
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / seed_files[0].name).write_bytes(seed_files[0].read_bytes())
    targets = {
        "long": (str(tmp_path / LONG_NAME), str(tmp_path / ("长" * 300 + ".yaml"))),
        "nouser": (f"{NO_USER}/a.docx", f"{NO_USER}/a.yaml"),
        "fifo": (str(tmp_path / "pipe.docx"), str(tmp_path / "pipe.yaml")),
    }[kind]
    if kind == "fifo":
        for target in targets:
            os.mkfifo(target)
    for command in _writing_commands(targets[0], corpus):
        if command[0] in ("new", "mine", "suggest"):
            command[command.index("-o") + 1] = targets[1]
        start = time.monotonic()
        code = main(command)
        err = capsys.readouterr().err
        assert code == 1, (command[0], err)
        assert (
            "内部错误" not in err
            and "程序问题" not in err
            and "Traceback" not in err
            and "系统错误代码" not in err
        ), (
            command[0],
            err,
        )
        shown = targets[1] if command[0] in ("new", "mine", "suggest") else targets[0]
        assert shown in err, (command[0], err)
        reason = {"long": "太长", "nouser": "没有这个用户", "fifo": "不是普通文件"}[kind]
        assert reason in err, (command[0], err)
        assert time.monotonic() - start < 10  # refused before any mining or drafting work


# --- backups ------------------------------------------------------------------------------------


def test_backup_made_beside_then_renamed(tmp_path):
    target = tmp_path / "a.yaml"
    bak = tmp_path / "a.yaml.bak"
    atomic_write(target, "v1")
    atomic_write(target, "v2", backup=True)
    assert bak.read_text() == "v1"
    atomic_write(target, "v3", backup=True)
    assert (target.read_text(), bak.read_text()) == ("v3", "v2")
    assert temps(tmp_path) == []


def test_backup_copy_fallback_on_a_full_disk_keeps_the_older_backup(tmp_path, monkeypatch):
    target = tmp_path / "a.yaml"
    bak = tmp_path / "a.yaml.bak"
    target.write_text("current")
    bak.write_text("older backup")

    def no_link(*args, **kwargs):
        raise OSError(errno.EPERM, "links not supported")

    def full_disk(src, dst, length=0):
        dst.write(b"cur")  # a partial copy, then the disk is full
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(os, "link", no_link)
    monkeypatch.setattr(fsutil.shutil, "copyfileobj", full_disk)
    with pytest.raises(DrafterError, match="磁盘空间不足") as err:
        atomic_write(target, "new", backup=True)
    assert str(target) in str(err.value)
    assert target.read_text() == "current"
    assert bak.read_text() == "older backup"  # never truncated
    assert temps(tmp_path) == []


def test_backup_copy_fallback_works(tmp_path, monkeypatch):
    target = tmp_path / "a.yaml"
    target.write_text("current")

    def no_link(*args, **kwargs):
        raise OSError(errno.EPERM, "links not supported")

    monkeypatch.setattr(os, "link", no_link)
    atomic_write(target, "new", backup=True)
    assert (target.read_text(), (tmp_path / "a.yaml.bak").read_text()) == ("new", "current")


_KILL_BACKUP = textwrap.dedent(
    """
    import os, sys, time, shutil
    from pathlib import Path
    target, ready, stage = sys.argv[1], Path(sys.argv[2]), sys.argv[3]
    real_replace, real_copy = os.replace, shutil.copyfileobj

    def stall(what):
        ready.write_text(what)
        time.sleep(60)

    def slow_replace(src, dst):
        if str(dst).endswith(".bak"):
            stall("replace")
        real_replace(src, dst)

    def no_link(*a, **k):
        raise OSError(1, "no links")

    def slow_copy(src, dst, length=0):
        dst.write(src.read(10))
        dst.flush()
        stall("copy")

    if stage == "replace":
        os.replace = slow_replace
    else:
        os.link = no_link
        shutil.copyfileobj = slow_copy
    from drafter.util.fsutil import atomic_write
    atomic_write(target, b"new content " * 1000, backup=True)
    """
)


@pytest.mark.skipif(not hasattr(signal, "SIGKILL"), reason="SIGKILL needs a POSIX system")
@pytest.mark.parametrize("stage", ["replace", "copy"])
def test_sigkill_while_making_the_backup_leaves_both_files_complete(tmp_path, stage):
    target = tmp_path / "speech.docx"
    bak = tmp_path / "speech.docx.bak"
    previous = b"the user's current file " * 500
    older = b"an older backup " * 500
    target.write_bytes(previous)
    bak.write_bytes(older)
    ready = tmp_path / "ready"
    script = tmp_path / "kill_me.py"
    script.write_text(_KILL_BACKUP, encoding="utf-8")
    kill_when_ready([str(script), str(target), str(ready), stage], ready, tries=400, stall="no stall")
    assert target.read_bytes() == previous
    assert bak.read_bytes() == older  # the backup is old-complete, never partial
    leftovers = [tmp_path / n for n in temps(tmp_path)]
    assert leftovers  # the killed write left its hidden temp file
    # The next write into the folder removes it (no live writer holds it) once it is stale.
    old = time.time() - 3600
    for p in leftovers:
        os.utime(p, (old, old))
    atomic_write(target, b"next", backup=True)
    assert temps(tmp_path) == []
    assert (target.read_bytes(), bak.read_bytes()) == (b"next", previous)


# --- stale temp files -----------------------------------------------------------------------------


def _age(path: Path, seconds: float) -> None:
    t = time.time() - seconds
    os.utime(path, (t, t))


def test_stale_temps_of_any_target_are_removed_on_the_next_write_into_the_folder(tmp_path):
    stale = tmp_path / ".other.yaml.abcd1234.tmp"  # left by a killed `mine -o other.yaml`
    stale.write_bytes(b"partial")
    _age(stale, 3600)
    fresh = tmp_path / ".other.yaml.efgh5678.tmp"  # a concurrent writer's, seconds old
    fresh.write_bytes(b"being written")
    not_ours = [tmp_path / ".notes.tmp", tmp_path / "draft.abcd1234.tmp", tmp_path / ".x.ABCD1234.tmp"]
    for p in not_ours:
        p.write_bytes(b"keep")
        _age(p, 3600)
    atomic_write(tmp_path / "b.yaml", "x")
    assert not stale.exists()
    assert fresh.exists()
    assert all(p.exists() for p in not_ours)


@pytest.mark.skipif(fsutil.fcntl is None, reason="lock test needs fcntl")
def test_temp_held_by_a_live_writer_is_kept_unlocked_one_removed(tmp_path):
    held = tmp_path / ".a.yaml.held0001.tmp"
    loose = tmp_path / ".a.yaml.loose001.tmp"
    for p in (held, loose):
        p.write_bytes(b"x")
        _age(p, fsutil.UNLOCKED_TEMP_SECONDS + 30)  # older than the lock window, younger than stale
    fd = os.open(held, os.O_RDONLY)
    try:
        fsutil.fcntl.flock(fd, fsutil.fcntl.LOCK_EX)
        removed = remove_stale_temps(tmp_path)
    finally:
        os.close(fd)
    assert removed == [loose.name]
    assert held.exists() and not loose.exists()
