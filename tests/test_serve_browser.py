"""``drafter serve`` driven by a real browser (Debian's chromium through Playwright).

The server runs in a subprocess on a free local port with its own user and
export folders; the browser types a meeting name, takes the fast path of the
wizard and exports.  A screenshot of the page is kept in ``tests/artifacts/``.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import pytest

from drafter.cli.serve import check_serve_args, is_local_host
from drafter.errors import DrafterError
from drafter.tui.serve import app_command

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
MEETING = "县政府全体会议"
# Bright pixels on xterm's text canvas (the app has drawn something).
_INK = """() => {
  const c = document.querySelector('.xterm-text-layer');
  if (!c) return 0;
  const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
  let n = 0;
  for (let i = 3; i < d.length; i += 28) { if (d[i - 3] + d[i - 2] + d[i - 1] > 300) n++; }
  return n;
}"""


def _chromium() -> str | None:
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    return None


# --- the command line contract (no browser needed) ---------------------------------------------


def test_localhost_is_the_default_and_other_hosts_need_public():
    assert is_local_host("127.0.0.1") and is_local_host("localhost") and is_local_host("::1")
    assert not is_local_host("0.0.0.0") and not is_local_host("192.168.1.5")
    check_serve_args("127.0.0.1", 8000, public=False)
    with pytest.raises(DrafterError, match="--public") as err:
        check_serve_args("0.0.0.0", 8000, public=False)
    assert "任何人" in str(err.value)
    check_serve_args("0.0.0.0", 8000, public=True)
    with pytest.raises(DrafterError, match="端口"):
        check_serve_args("127.0.0.1", 70000, public=False)


def test_serve_cli_refuses_public_host_without_flag(capsys):
    from drafter.cli.entry import main

    assert main(["serve", "--host", "0.0.0.0"]) == 1
    err = capsys.readouterr().err
    assert "--public" in err and "0.0.0.0" in err


def test_app_command_runs_the_wizard_module():
    assert app_command().endswith("-m drafter tui")
    assert sys.executable in app_command()


def test_public_warning_is_printed(monkeypatch, capsys):
    """With --public the warning reaches stderr before the server starts."""

    started = {}

    class FakeServer:
        def __init__(self, command, host, port, title, public_url):
            started.update(command=command, host=host, port=port, public_url=public_url)

        def serve(self):
            started["served"] = True

    import textual_serve.server

    monkeypatch.setattr(textual_serve.server, "Server", FakeServer)
    # setenv first so that monkeypatch restores (removes) the variable the command sets
    monkeypatch.setenv("DRAFTER_FORCE_TUI", "")
    monkeypatch.delenv("DRAFTER_FORCE_TUI")
    from drafter.cli.entry import main

    assert main(["serve", "--host", "0.0.0.0", "--port", "8123", "--public"]) == 0
    err = capsys.readouterr().err
    assert "警告" in err and "任何人" in err
    assert started["served"] and started["host"] == "0.0.0.0" and started["port"] == 8123
    assert os.environ.get("DRAFTER_FORCE_TUI") == "1"


# --- the real browser --------------------------------------------------------------------------


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _wait_port(port: int, proc: subprocess.Popen, timeout: float = 30) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise AssertionError(f"server exited: {proc.stderr.read().decode('utf-8', 'replace')}")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=0.5):
            return
        time.sleep(0.2)
    raise AssertionError("server did not start listening")


@pytest.fixture()
def server(tmp_path):
    port = _free_port()
    out = tmp_path / "out"
    out.mkdir()
    env = dict(
        os.environ,
        DRAFTER_USER_DIR=str(tmp_path / "user"),
        DRAFTER_CACHE_DIR=str(tmp_path / "cache"),
        DRAFTER_EXPORT_DIR=str(out),
        HOME=str(tmp_path / "home"),
        PYTHONDONTWRITEBYTECODE="1",
    )
    (tmp_path / "home").mkdir()
    proc = subprocess.Popen(
        [sys.executable, "-m", "drafter", "serve", "--port", str(port)],
        env=env,
        cwd=tmp_path,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        start_new_session=True,
    )
    try:
        _wait_port(port, proc)
        yield f"http://127.0.0.1:{port}", out
    finally:
        with contextlib.suppress(OSError):
            os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)
            proc.wait()


def _screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / name
    page.screenshot(path=str(path))
    return path


def _wait_until(condition, timeout: float, what: str, page=None) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        if page is not None:
            page.wait_for_timeout(200)
        else:
            time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.slow
@pytest.mark.skipif(_chromium() is None, reason="Chromium 未安装（Debian: apt-get install chromium）")
def test_browser_fast_path_exports_a_docx(server, tmp_path):
    playwright = pytest.importorskip(
        "playwright.sync_api", reason="playwright 未安装（pip install playwright）"
    )
    url, out = server
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=_chromium(), args=["--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage"]
        )
        try:
            context = browser.new_context(accept_downloads=True, viewport={"width": 1400, "height": 900})
            page = context.new_page()
            page.goto(url, wait_until="domcontentloaded")
            start = page.locator("#start")
            if start.is_visible():
                start.click()
            page.wait_for_selector(".xterm-text-layer", timeout=30_000)
            # The app starts in its own process: wait until it has drawn text on the terminal.
            _wait_until(lambda: page.evaluate(_INK) > 500, 60, "the wizard to draw", page)
            page.wait_for_timeout(1500)
            # Click into the first field (会议名称: row 2 of the 1400×900 terminal), then type.
            page.locator(".xterm").click(position={"x": 600, "y": 61})
            page.wait_for_timeout(300)
            page.keyboard.type(MEETING)
            page.keyboard.press("Enter")  # next field: 地区
            page.wait_for_timeout(500)
            page.keyboard.type("青山县")
            page.wait_for_timeout(500)
            page.keyboard.press("Control+n")  # 选择结构
            page.wait_for_timeout(6000)  # templates load
            page.keyboard.press("Enter")  # the first structure, prefilled
            page.wait_for_timeout(6000)
            downloaded: list = []
            page.on("download", lambda d: downloaded.append(d))
            page.keyboard.press("Control+t")  # 导出 now, with the defaults (.docx)

            try:
                # The wizard writes the file on the server, then hands it to the browser.
                _wait_until(lambda: bool(downloaded), 90, "the browser download", page)
            finally:
                shot = _screenshot(page, "serve_browser.png")
            assert shot.stat().st_size > 1000
            download = downloaded[0]
            assert download.suggested_filename.endswith(".docx"), download.suggested_filename
            target = tmp_path / "download.docx"
            download.save_as(str(target))
            on_server = list(out.glob("*.docx"))
            assert len(on_server) == 1 and on_server[0].read_bytes() == target.read_bytes()
            with zipfile.ZipFile(target) as z:
                body = z.read("word/document.xml").decode("utf-8")
            assert MEETING in body  # what the browser typed reached the app and the export
        finally:
            browser.close()
