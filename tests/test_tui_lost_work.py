"""Nothing a writer typed is lost: the same draft open twice, autosave failures, damaged state and
profile files, FIFOs (issue 12, the wizard's classes)."""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual.widgets import Input, Static
from tui_wait import wait_for

from drafter.errors import DrafterError
from drafter.model import Draft, DraftItem, DraftSection
from drafter.tui.app import DrafterApp
from drafter.tui.screens.dialogs import ConfirmScreen, QuitScreen, ResumeScreen, SaveAsScreen
from drafter.workspace import (
    DraftConflict,
    DraftFile,
    Workspace,
    new_autosave_path,
    open_draft,
    profile_path,
    read_profile,
    recent_drafts,
    state_path,
)
from drafter.workspace.autosave import autosave

SIZE = (120, 40)


@pytest.fixture(autouse=True)
def cwd(tmp_path, monkeypatch):
    monkeypatch.setenv("DRAFTER_EXPORT_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path


def _draft(name: str = "县政府全体会议", text: str = "正文") -> Draft:
    return Draft(
        meeting={"会议名称": name, "地区": "某某县"},
        sections=[DraftSection(role="situation", heading="认清形势", items=[DraftItem(text=text)])],
    )


def notices(app: DrafterApp) -> list[str]:
    return [n.message for n in app._notifications]


# ---------------------------------------------------------------- the same draft open twice


def test_second_window_on_same_draft_is_told_and_keeps_both_edits():
    spec = new_autosave_path()
    autosave(_draft(), spec)
    first, second = Workspace([]), Workspace([])
    first.open(spec)
    _problems, told = second.open(spec)
    try:
        assert first.shared is False
        assert second.shared and told and "另一个窗口" in told[0]
        first.draft.sections[0].items[0].text = "第一个窗口的修改"
        first.changed()
        second.draft.sections[0].items[0].text = "第二个窗口的修改"
        second.changed()
        assert first.save_now().path == spec
        saved = second.save_now()
        assert saved.path != spec  # never over the first window's file
        assert "第一个窗口的修改" in spec.read_text(encoding="utf-8")
        assert "第二个窗口的修改" in saved.path.read_text(encoding="utf-8")
    finally:
        first.release()
        second.release()


def test_file_changed_on_disk_is_not_overwritten():
    """Without a lock (another program, or an older drafter), the content check still holds."""
    spec = new_autosave_path()
    autosave(_draft(), spec)
    ws = Workspace([])
    ws.open(spec)
    ws.release()  # as if the lock could not be taken at all
    spec.write_text(spec.read_text(encoding="utf-8").replace("正文", "别处写入的修改"), encoding="utf-8")
    ws.draft.meeting["听众"] = "全体干部"
    ws.changed()
    result = ws.save_now()
    assert result.path != spec and result.note and "另一个窗口" in result.note
    assert "别处写入的修改" in spec.read_text(encoding="utf-8")
    assert "全体干部" in result.path.read_text(encoding="utf-8")
    with pytest.raises(DraftConflict):
        DraftFile(spec, "not-what-is-there").write("x")


def test_ctrl_s_does_not_overwrite_a_file_changed_elsewhere(tmp_path, plenary_spec):
    mine = tmp_path / "mine.yaml"
    mine.write_text(plenary_spec.read_text(encoding="utf-8"), encoding="utf-8")

    async def run() -> None:
        app = DrafterApp(mine, corpus=[])
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            mine.write_text(mine.read_text(encoding="utf-8") + "\n# 别处的修改\n", encoding="utf-8")
            app.workspace.draft.meeting["听众"] = "全体干部"
            app.draft_changed(meeting=True)
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, SaveAsScreen), "save-as offered")
            assert "别处的修改" in mine.read_text(encoding="utf-8")
            app.screen.query_one("#save-as-path", Input).value = str(tmp_path / "另存.yaml")
            await pilot.press("enter")
            await wait_for(pilot, lambda: (tmp_path / "另存.yaml").exists(), "saved elsewhere")
            assert "全体干部" in (tmp_path / "另存.yaml").read_text(encoding="utf-8")
            assert app.is_running
            app._quit_confirmed = True

    asyncio.run(run())


# ---------------------------------------------------------------- autosave that fails


def test_drafts_folder_is_a_file_quit_tells_the_truth_and_saves_elsewhere(user_dir, tmp_path):
    user_dir.mkdir(parents=True)
    (user_dir / "drafts").write_text("这里应是文件夹", encoding="utf-8")
    target = tmp_path / "救回的草稿.yaml"

    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"保存失败的会议")
            await wait_for(pilot, lambda: any("自动保存失败" in n for n in notices(app)), "failure notice")
            assert app.workspace.save_error
            # Ctrl+S never exits: it offers another place
            await pilot.press("ctrl+s")
            await wait_for(pilot, lambda: isinstance(app.screen, SaveAsScreen), "save-as on Ctrl+S")
            await pilot.press("escape")
            await pilot.pause()
            assert app.is_running
            # the quit dialog says the draft is NOT saved, and offers 另存为
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen), "quit dialog")
            text = str(app.screen.query_one("#quit-text", Static).render())
            assert "草稿未能保存" in text and "已自动保存" not in text
            await pilot.press("s")
            await wait_for(pilot, lambda: isinstance(app.screen, SaveAsScreen), "save-as dialog")
            app.screen.query_one("#save-as-path", Input).value = str(target)
            await pilot.press("enter")
            await wait_for(pilot, lambda: not app.is_running, "exit after saving elsewhere")
        assert app.return_code == 0
        assert "保存失败的会议" in target.read_text(encoding="utf-8")

    asyncio.run(run())


def test_full_disk_quit_dialog_does_not_claim_saved(monkeypatch):
    import drafter.workspace.autosave as saves

    def full(*args, **kwargs):
        raise DrafterError("磁盘空间不足，文件未写入", "drafts/x.yaml")

    monkeypatch.setattr(saves, "atomic_write", full)

    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"满盘会议")
            await wait_for(pilot, lambda: app.workspace.save_error, "autosave failed")
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen), "quit dialog")
            assert "磁盘空间不足" in str(app.screen.query_one("#quit-text", Static).render())
            await pilot.press("y")  # quit without saving: the writer chose it knowingly
            await wait_for(pilot, lambda: not app.is_running, "exit")
        assert app.return_code == 0

    asyncio.run(run())


@pytest.mark.skipif(os.geteuid() == 0, reason="root 可以写只读文件夹：无法模拟只读的用户目录")
def test_read_only_user_dir_is_a_notice_not_exit_70(user_dir):
    user_dir.mkdir(parents=True)
    user_dir.chmod(0o555)
    try:

        async def run() -> None:
            app = DrafterApp(corpus=[], resume=False)
            async with app.run_test(size=SIZE) as pilot:
                await pilot.press(*"只读会议")
                await wait_for(pilot, lambda: app.workspace.save_error, "autosave failed")
                await pilot.press("ctrl+q")
                await wait_for(pilot, lambda: isinstance(app.screen, QuitScreen), "quit dialog")
                await pilot.press("y")
            assert app.return_code == 0

        asyncio.run(run())
    finally:
        user_dir.chmod(0o755)


# ---------------------------------------------------------------- damaged files


@pytest.mark.parametrize("updated", ["abc", "1.0e+300", "[1, 2]", "-5"])
def test_corrupt_state_is_discarded_with_a_reason(updated):
    spec = new_autosave_path()
    autosave(_draft("状态损坏的会议"), spec)
    state_path(spec).write_text(f"title: 状态损坏的会议\nupdated: {updated}\n", encoding="utf-8")
    [record] = recent_drafts()
    assert record.title == "状态损坏的会议"
    assert record.problem and "updated" in record.problem
    assert record.label  # a time the label can show (the file's own mtime)

    async def run() -> None:
        app = DrafterApp(corpus=[])
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: isinstance(app.screen, ResumeScreen), "resume offer")
            await wait_for(pilot, lambda: any("已忽略" in n for n in notices(app)), "notice")

    asyncio.run(run())


def test_alias_bomb_in_profile_does_not_stop_the_wizard(user_dir):
    user_dir.mkdir(parents=True)
    lines = ['a0: &a0 ["哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈", "哈"]']
    lines += [f"a{i}: &a{i} [*a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}, *a{i - 1}]" for i in range(1, 12)]
    lines.append("地区: *a11")
    profile_path().write_text("\n".join(lines) + "\n", encoding="utf-8")
    started = time.monotonic()
    with pytest.raises(DrafterError) as info:
        read_profile()
    assert time.monotonic() - started < 2
    assert "profile.yaml" in str(info.value)

    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: any("profile.yaml" in n for n in notices(app)), "notice")
            assert app.query_one("#meeting-1", Input).value == ""
            await pilot.press(*"照常起草")
            assert app.workspace.draft.meeting["会议名称"] == "照常起草"

    asyncio.run(run())


def test_profile_values_of_the_wrong_kind_are_dropped(user_dir):
    user_dir.mkdir(parents=True)
    profile_path().write_text(
        '地区: [一, 二]\n讲话人: 张三\n职务: "{{ x }}"\n界面主题: 3\n', encoding="utf-8"
    )
    profile = read_profile()
    assert profile.fields == {"讲话人": "张三"}
    assert len(profile.problems) == 3


# ---------------------------------------------------------------- FIFOs


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="没有命名管道")
def test_fifo_never_hangs(tmp_path):
    fifo = tmp_path / "draft.yaml"
    os.mkfifo(fifo)
    with pytest.raises(DrafterError) as info:
        open_draft(fifo)
    assert "不是普通文件" in str(info.value)
    env = dict(os.environ, DRAFTER_FORCE_TUI="1")
    done = subprocess.run(
        [sys.executable, "-m", "drafter", "tui", str(fifo)],
        capture_output=True,
        text=True,
        stdin=subprocess.DEVNULL,
        timeout=30,
        env=env,
    )
    assert done.returncode == 1
    assert "不是普通文件" in done.stderr and "draft.yaml" in done.stderr
    assert "Traceback" not in done.stderr

    async def run() -> None:
        app = DrafterApp(fifo, corpus=[])
        async with app.run_test(size=SIZE) as pilot:
            await pilot.pause()
            assert any("不是普通文件" in n for n in notices(app))
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: not app.is_running, "Ctrl+Q quits")

    asyncio.run(run())


def test_ctrl_c_outside_a_field_quits():
    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            app.query_one("#steps").focus()
            await pilot.pause()
            await pilot.press("ctrl+c")
            await wait_for(pilot, lambda: not app.is_running, "Ctrl+C quits")
        assert app.return_code == 0

    asyncio.run(run())


def test_quit_dialog_after_autosave_names_the_file():
    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        async with app.run_test(size=SIZE) as pilot:
            await pilot.press(*"已保存的会议")
            await pilot.press("ctrl+q")
            await wait_for(pilot, lambda: isinstance(app.screen, ConfirmScreen), "confirm")
            text = str(app.screen.query_one(".dialog-text", Static).render())
            assert "已自动保存" in text and str(app.workspace.spec_path) in text
            assert Path(app.workspace.spec_path).exists()
            app._quit_confirmed = True

    asyncio.run(run())
