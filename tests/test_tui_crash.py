"""A program failure (not the writer's material) is never 「内部错误：ExcType: msg」: the draft is autosaved
there and then, a crash report (traceback, versions, step; no secrets) is written atomically under the
user data dir, and the writer reads where it is, in Chinese."""

from __future__ import annotations

import argparse
import asyncio
from pathlib import Path

import pytest

pytest.importorskip("textual")

from textual.widgets import Input
from tui_wait import wait_for

from drafter.cli import tui as cli_tui
from drafter.tui.app import DrafterApp
from drafter.util import crash_message, crash_reports_dir, write_crash_report

SIZE = (120, 40)
HEAD = "出现了程序问题（不是您的材料有误）"


def _raise(error: BaseException) -> BaseException:
    try:
        raise error
    except BaseException as exc:
        return exc


def test_crash_report_has_the_traceback_and_no_secrets(user_dir, tmp_path, monkeypatch):
    home = tmp_path / "home" / "zhangsan"
    home.mkdir(parents=True)
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("DRAFTER_TEST_TOKEN", "s3cr3t-token-value")
    error = _raise(ValueError(f"cannot read {home}/讲话稿.yaml"))
    path = write_crash_report(error, where="检查草稿", details={"step": "content"})
    assert path is not None and path.parent == crash_reports_dir() and path.parent.parent == user_dir
    text = path.read_text(encoding="utf-8")
    assert "Traceback (most recent call last)" in text and "ValueError" in text
    assert "where: 检查草稿" in text and "step: content" in text and "drafter: " in text
    assert "s3cr3t-token-value" not in text  # no environment
    assert str(home) not in text and "~/讲话稿.yaml" in text  # the home folder is ~
    assert not [p for p in path.parent.iterdir() if p.name.startswith(".")]  # no temp file left
    second = write_crash_report(error)
    assert second is not None and second != path  # one file per failure, never overwritten


def test_crash_message_says_what_to_do():
    report = Path("/u/crash/crash-1.txt")
    assert crash_message(report, saved=True) == (f"{HEAD}，已保存草稿；问题记录在 {report}，请把它发给维护者")
    assert crash_message(report) == f"{HEAD}；问题记录在 {report}，请把它发给维护者"
    text = crash_message(None, error=KeyError("x"), saved=False, unsaved="磁盘已满")
    assert text.startswith(f"{HEAD}，但草稿未能保存（磁盘已满）") and "KeyError" in text


def test_unwritable_crash_folder_is_no_second_failure(user_dir):
    user_dir.mkdir(parents=True, exist_ok=True)
    (user_dir / "crash").write_text("not a folder", encoding="utf-8")
    assert write_crash_report(_raise(RuntimeError("x"))) is None


def test_a_worker_defect_saves_the_draft_and_writes_a_report(user_dir):
    async def run() -> None:
        app = DrafterApp(corpus=[], resume=False)
        app.raise_defects = False  # as outside tests: a report, not a raised exception
        async with app.run_test(size=SIZE) as pilot:
            await wait_for(pilot, lambda: app.workspace.phrasebank_ready, "phrasebank")

            def broken(*args, **kwargs):
                raise RuntimeError("lint exploded")

            app.workspace.check = broken  # the next check (a worker) fails
            app.query_one("#meeting-0", Input).value = "崩溃测试会议"
            await wait_for(pilot, lambda: app.crash_report is not None, "crash report")
            report = app.crash_report
            assert report.parent == crash_reports_dir() and "lint exploded" in report.read_text("utf-8")
            assert "where: 检查草稿" in report.read_text("utf-8")
            messages = [n.message for n in app._notifications]
            shown = [t for t in messages if t.startswith(HEAD)]
            assert shown == [f"{HEAD}，已保存草稿；问题记录在 {report}，请把它发给维护者"]
            assert not any("内部错误" in t for t in messages)
            # 已保存草稿 is true: the autosave holds what was typed
            assert "崩溃测试会议" in Path(app.workspace.spec_path).read_text("utf-8")
            app._quit_confirmed = True

    asyncio.run(run())


class BrokenHandlerApp(DrafterApp):
    def on_draft_changed(self, message) -> None:
        super().on_draft_changed(message)
        if self.workspace.draft.meeting.get("会议名称") == "处理出错":
            raise RuntimeError("handler exploded")


def test_an_escaped_exception_ends_with_70_saved_and_reported(user_dir):
    async def run() -> DrafterApp:
        app = BrokenHandlerApp(corpus=[], resume=False)
        app.raise_defects = False
        async with app.run_test(size=SIZE) as pilot:
            app.query_one("#meeting-0", Input).value = "处理出错"
            await wait_for(pilot, lambda: app._crash is not None, "crash")
        return app

    app = asyncio.run(run())
    assert app.return_value == 70  # what app.run() returns; the CLI exits with 70
    assert app.crash_report is not None and "handler exploded" in app.crash_report.read_text("utf-8")
    assert app._crash == f"{HEAD}，已保存草稿；问题记录在 {app.crash_report}，请把它发给维护者"
    assert "处理出错" in Path(app.workspace.spec_path).read_text("utf-8")


def test_cli_prints_the_report_when_the_wizard_itself_fails(user_dir, monkeypatch, capsys):
    def broken_run(self, *args, **kwargs):
        self.workspace.draft.meeting["会议名称"] = "界面起不来"
        self.workspace.touched = True
        raise RuntimeError("terminal exploded")

    monkeypatch.setenv("DRAFTER_FORCE_TUI", "1")
    monkeypatch.delenv("DRAFTER_DEBUG", raising=False)
    monkeypatch.setattr(DrafterApp, "run", broken_run)
    code = cli_tui.run_tui(argparse.Namespace(file=None, no_resume=True))
    err = capsys.readouterr().err
    assert code == 70
    assert err.startswith(f"drafter: {HEAD}，已保存草稿；问题记录在 ") and "请把它发给维护者" in err
    assert "内部错误" not in err and "Traceback" not in err
    reports = list(crash_reports_dir().glob("crash-*.txt"))
    assert len(reports) == 1 and "terminal exploded" in reports[0].read_text("utf-8")
    saved = list((user_dir / "drafts").glob("*.yaml"))
    assert saved and any("界面起不来" in p.read_text("utf-8") for p in saved)
