"""``drafter serve [--host 127.0.0.1] [--port 8000] [--public]``: the wizard in a browser.

The same Textual app as ``drafter tui`` runs once per browser tab through
``textual-serve`` (each tab starts ``python -m drafter tui`` with Textual's web
driver).  Exporting in a browser session hands the file to the browser as a
download (the wizard calls ``App.deliver_binary`` when ``app.is_web``).

Only this machine can connect by default; binding to another address needs
``--public`` and prints a warning, since the wizard reads and writes files
with the rights of the user who started the server.
"""

from __future__ import annotations

import argparse
import ipaddress
import socket
import sys

from drafter.errors import DrafterError

LOCAL_HOSTS = {"127.0.0.1", "localhost", "::1", "ip6-localhost"}
PUBLIC_WARNING = (
    "警告：服务正对外开放（{host}:{port}），同一网络中的任何人都能打开并使用起草向导，"
    "并以当前用户的权限读写本机文件；请只在可信网络中使用，用完按 Ctrl+C 停止。"
)


def register(subparsers: argparse._SubParsersAction) -> None:
    parser = subparsers.add_parser(
        "serve",
        help="在浏览器中使用起草向导（本机网页服务）",
        description="启动一个网页服务，在浏览器中打开与 drafter tui 相同的起草向导；"
        "导出的文件由浏览器下载。默认只允许本机访问。",
    )
    parser.add_argument("--host", default="127.0.0.1", help="监听地址（默认 127.0.0.1，仅本机可访问）")
    parser.add_argument("--port", type=int, default=8000, help="端口（默认 8000）")
    parser.add_argument(
        "--public",
        action="store_true",
        help="允许监听本机以外的地址（同一网络中的任何人都能使用，请谨慎）",
    )
    parser.add_argument(
        "--public-url",
        metavar="网址",
        help="浏览器访问本服务所用的网址（对外开放且经由其他地址或代理访问时填写，如 http://192.168.1.5:8000）",
    )
    parser.set_defaults(func=run_serve)


def is_local_host(host: str) -> bool:
    """True for a loopback name or address (only this machine can connect)."""
    if host.strip().lower() in LOCAL_HOSTS:
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


def check_serve_args(host: str, port: int, public: bool) -> None:
    """Chinese ``DrafterError`` for a port out of range or a non-local host without ``--public``."""
    if not 1 <= port <= 65535:
        raise DrafterError(f"端口 {port} 无效（应在 1 到 65535 之间）")
    if not host.strip():
        raise DrafterError("监听地址不能为空")
    if not is_local_host(host) and not public:
        raise DrafterError(
            f"监听地址 {host} 不是本机地址：这样同一网络中的任何人都能使用起草向导。确需对外开放请加 --public"
        )


def run_serve(args: argparse.Namespace) -> int:
    check_serve_args(args.host, args.port, args.public)
    try:
        # Imported here: textual-serve brings aiohttp and rich, measured at 1.4-1.8 s of import
        # time, which every other command would pay at start-up.
        from drafter.tui.serve import serve
    except ImportError as exc:  # an install without it
        raise DrafterError("缺少 textual-serve，无法在浏览器中运行：pip install textual-serve") from exc

    public_url = args.public_url
    if public_url is None and args.host in ("0.0.0.0", "::"):
        public_url = f"http://{socket.gethostname()}:{args.port}"
    if not is_local_host(args.host):
        print(PUBLIC_WARNING.format(host=args.host, port=args.port), file=sys.stderr)
    serve(args.host, args.port, public_url)
    return 0
