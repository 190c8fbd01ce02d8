"""The real ``drafter`` in a real terminal (tmux): send keys, read the screen.

Skipped, with the reason, where tmux is not installed (``.ci/run`` installs it where it can).
"""

from __future__ import annotations

import os
import shlex
import shutil
import signal
import subprocess
import time
import uuid
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux 未安装：跳过真实终端测试")

DRAFTER = shutil.which("drafter")


class Tmux:
    def __init__(self, tmp: Path, width: int = 120, height: int = 40) -> None:
        self.name = f"drafter-test-{uuid.uuid4().hex[:8]}"
        # a private tmux server: nothing else's sessions are touched, and nothing else touches ours
        self.tmux = ["tmux", "-L", self.name]
        self.tmp = tmp
        self.width = width
        self.height = height

    def start(self, *args: str) -> None:
        env = {
            "DRAFTER_USER_DIR": str(self.tmp / "user"),
            "DRAFTER_EXPORT_DIR": str(self.tmp / "out"),
            "TERM": "xterm-256color",
            "LANG": "C.UTF-8",
            "PATH": os.environ.get("PATH", ""),
            "HOME": os.environ.get("HOME", str(self.tmp)),
        }
        exports = " ".join(f"{k}={shlex.quote(v)}" for k, v in env.items())
        program = " ".join(shlex.quote(a) for a in (DRAFTER or "drafter", *args))
        command = f"cd {shlex.quote(str(self.tmp))} && exec env {exports} {program}"
        subprocess.run(
            [
                *self.tmux,
                "new-session",
                "-d",
                "-s",
                self.name,
                "-x",
                str(self.width),
                "-y",
                str(self.height),
                command,
            ],
            check=True,
        )
        subprocess.run(
            [*self.tmux, "set-option", "-t", self.name, "escape-time", "0"], check=False, capture_output=True
        )

    def alive(self) -> bool:
        return (
            subprocess.run([*self.tmux, "has-session", "-t", self.name], capture_output=True).returncode == 0
        )

    def pid(self) -> int:
        out = subprocess.run(
            [*self.tmux, "list-panes", "-t", self.name, "-F", "#{pane_pid}"],
            capture_output=True,
            text=True,
            check=True,
        )
        return int(out.stdout.split()[0])

    def keys(self, *keys: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, *keys], check=True)

    def type(self, text: str) -> None:
        subprocess.run([*self.tmux, "send-keys", "-t", self.name, "-l", text], check=True)
        # A burst of text and a key in one read looks like a paste to the terminal driver;
        # a person (or an input method) commits text, then presses the next key.
        time.sleep(0.3)

    def screen(self) -> str:
        out = subprocess.run(
            [*self.tmux, "capture-pane", "-p", "-t", self.name], capture_output=True, text=True
        )
        return out.stdout

    def wait_for(self, text: str, timeout: float = 30.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text in screen:
                return screen
            time.sleep(0.1)
        raise AssertionError(f"{text!r} not on screen after {timeout}s:\n{screen}")

    def stop(self) -> None:
        subprocess.run([*self.tmux, "kill-server"], capture_output=True)


@pytest.fixture
def tmux(tmp_path):
    (tmp_path / "out").mkdir()
    session = Tmux(tmp_path)
    yield session
    session.stop()


def test_real_drafter_fast_path_exports_docx(tmux, tmp_path):
    tmux.start()
    tmux.wait_for("会议信息")  # type at once; the phrasebank loads meanwhile
    tmux.type("县政府全体会议")
    tmux.keys("Enter")
    tmux.type("青山县")
    tmux.keys("C-n")
    tmux.wait_for("政府全体会议讲话")  # the templates are listed
    tmux.keys("Enter")
    tmux.wait_for("〔作风纪律〕")  # the sections are prefilled
    tmux.keys("6")
    tmux.wait_for("第 6 步")
    tmux.keys("Enter")
    screen = tmux.wait_for("已导出到", timeout=60)
    docs = list((tmp_path / "out").glob("*.docx"))
    assert len(docs) == 1, screen
    assert docs[0].name == "县政府全体会议讲话稿.docx"
    import docx

    text = "\n".join(p.text for p in docx.Document(str(docs[0])).paragraphs)
    assert "县政府全体会议" in text
    tmux.keys("C-q")  # exported: quits without asking
    deadline = time.monotonic() + 15
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    assert not tmux.alive()


def test_real_drafter_type_ahead_while_loading(tmux, tmp_path):
    """Typing at once, before the phrasebank and jieba have loaded: each key lands in the field it was meant for."""
    tmux.start()
    tmux.wait_for("会议信息")  # the first screen, not the loaded phrasebank
    for text, key in (("甲会议", "Enter"), ("青山县", "Tab"), ("李四", "Enter"), ("县长x", "BSpace")):
        subprocess.run([*tmux.tmux, "send-keys", "-t", tmux.name, "-l", text], check=True)
        tmux.keys(key)  # no pause: the key follows the text as fast as tmux sends it
    screen = tmux.wait_for("条　F1")
    rows = {}
    for line in screen.splitlines():
        form = line.split("│")[2].split() if line.count("│") >= 2 else []  # right of the sidebar
        if len(form) >= 2 and form[0] in ("会议名称*", "地区", "讲话人", "职务"):
            rows[form[0]] = form[1]
    assert rows == {"会议名称*": "甲会议", "地区": "青山县", "讲话人": "李四", "职务": "县长"}, screen
    tmux.keys("C-q")
    tmux.wait_for("确定退出吗")
    tmux.keys("y")


def test_real_drafter_80x24_wide_characters(tmp_path):
    (tmp_path / "out").mkdir()
    small = Tmux(tmp_path, 80, 24)
    try:
        small.start()
        screen = small.wait_for("会议信息")
        small.type("县政府第三次全体（扩大）会议")
        screen = small.wait_for("县政府第三次全体（扩大）会议")
        lines = screen.splitlines()
        assert len(lines) <= 24
        import unicodedata

        for line in lines:
            width = sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in line)
            assert width <= 80, line
        assert "退出" in lines[-1]  # the footer is on the last line
        small.keys("F1")
        small.wait_for("按键一览")
        small.keys("Escape")
    finally:
        small.stop()


def test_real_drafter_resume_after_kill(tmux, tmp_path):
    tmux.start()
    tmux.wait_for("条　F1")
    tmux.type("被强行中断的会议")
    tmux.wait_for("被强行中断的会议")
    drafts = tmp_path / "user" / "drafts"
    deadline = time.monotonic() + 20
    while not (
        drafts.exists()
        and any("被强行中断的会议" in p.read_text(encoding="utf-8") for p in drafts.glob("*.yaml"))
    ):
        assert time.monotonic() < deadline, "no autosave"
        time.sleep(0.1)
    os.kill(tmux.pid(), signal.SIGKILL)
    deadline = time.monotonic() + 10
    while tmux.alive() and time.monotonic() < deadline:
        time.sleep(0.1)
    tmux.stop()
    again = Tmux(tmp_path)
    try:
        again.start()
        screen = again.wait_for("发现自动保存的草稿")
        assert "被强行中断的会议" in screen
        again.keys("Enter")
        again.wait_for("已恢复")
    finally:
        again.stop()
