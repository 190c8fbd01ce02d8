"""The wizard in a browser: ``textual-serve`` runs ``python -m drafter tui`` once per browser tab.

The CLI (``drafter serve``) checks its arguments and prints the warnings; this
module owns everything that touches textual-serve, so the core and the CLI
never import it.
"""

from __future__ import annotations

import errno
import os
import shlex
import socket
import sys

import textual_serve.server as textual_server

from drafter.errors import DrafterError


def app_command() -> str:
    """The shell command textual-serve runs for each browser session."""
    return f"{shlex.quote(sys.executable)} -m drafter tui"


def serve(host: str, port: int, public_url: str | None) -> None:
    """Serve the wizard until Ctrl+C; OS errors become Chinese ``DrafterError``s."""
    # The app runs with pipes, not a terminal: tell the wizard it may start anyway.
    os.environ["DRAFTER_FORCE_TUI"] = "1"
    server = textual_server.Server(
        app_command(), host=host, port=port, title="讲稿助手", public_url=public_url
    )
    shown = public_url or f"http://{host}:{port}"
    print(f"起草向导已在 {shown} 启动，请用浏览器打开；按 Ctrl+C 停止。", file=sys.stderr)
    try:
        server.serve()
    except OSError as exc:
        raise DrafterError(_serve_error(exc, host, port)) from exc


def _serve_error(exc: OSError, host: str, port: int) -> str:
    if exc.errno == errno.EADDRINUSE:
        return f"端口 {port} 已被占用，请用 --port 换一个端口"
    if exc.errno in (errno.EADDRNOTAVAIL, errno.EAFNOSUPPORT) or isinstance(exc, socket.gaierror):
        return f"无法监听地址 {host}（本机没有这个地址）"
    if exc.errno == errno.EACCES:
        return f"没有权限使用端口 {port}（1024 以下的端口需要管理员权限）"
    return f"网页服务无法启动：{exc.strerror or exc}"
