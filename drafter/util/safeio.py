"""Bounded, regular-file-only reads: no input can hang drafter or exhaust memory.

``st_size`` is 0 for FIFOs and character devices (``/dev/zero``), so a size
check alone does not bound a read.  Every reader of user files calls
``read_bounded``: it refuses anything that is not a regular file, opens
without blocking on a FIFO, and reads at most ``limit + 1`` bytes.
"""

from __future__ import annotations

import errno
import os
import stat
from pathlib import Path

from drafter.errors import DrafterError

_OPEN_REASONS = {
    errno.ENOENT: "文件不存在",
    errno.EACCES: "没有读取权限",
    errno.EPERM: "系统不允许读取此文件",
    errno.EISDIR: "这是一个文件夹，不是文件",
    errno.ENAMETOOLONG: "文件名或路径太长",
    errno.ENOTDIR: "路径中有一段不是文件夹",
    errno.ELOOP: "路径中的符号链接过多（可能是循环链接）",
}


def describe_os_error(exc: OSError) -> str:
    """A Chinese reason for an OS error met while reading."""
    reason = _OPEN_REASONS.get(exc.errno or -1)
    if reason:
        return reason
    return f"无法读取（系统错误：{exc.strerror or exc.__class__.__name__}）"


def check_regular(path: str | os.PathLike[str], *, what: str = "文件") -> os.stat_result:
    """``stat`` of ``path``; a Chinese ``DrafterError`` unless it is an existing regular file."""
    shown = str(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise DrafterError(describe_os_error(exc), shown) from exc
    except ValueError as exc:  # embedded NUL in the name
        raise DrafterError("文件名中含有非法字符", shown) from exc
    if stat.S_ISDIR(st.st_mode):
        raise DrafterError(f"这是一个文件夹，不是{what}", shown)
    if not stat.S_ISREG(st.st_mode):
        raise DrafterError(f"不是普通文件（管道、设备或套接字），不能作为{what}读取", shown)
    return st


def read_bounded(path: str | os.PathLike[str], limit: int, *, what: str = "文件") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, else a Chinese ``DrafterError``.

    Reads at most ``limit + 1`` bytes, so a file that grows while being read,
    or one that lies about its size, cannot take more memory than that.
    """
    shown = str(path)
    check_regular(path, what=what)
    flags = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise DrafterError(describe_os_error(exc), shown) from exc
    try:
        st = os.fstat(fd)  # the file we opened, not a swapped-in FIFO
        if not stat.S_ISREG(st.st_mode):
            raise DrafterError(f"不是普通文件（管道、设备或套接字），不能作为{what}读取", shown)
        chunks: list[bytes] = []
        remaining = limit + 1
        while remaining > 0:
            chunk = os.read(fd, min(remaining, 1 << 20))
            if not chunk:
                break
            chunks.append(chunk)
            remaining -= len(chunk)
    except OSError as exc:
        raise DrafterError(describe_os_error(exc), shown) from exc
    finally:
        os.close(fd)
    data = b"".join(chunks)
    if len(data) > limit:
        raise DrafterError(f"{what}太大（超过 {_size(limit)}），未读取", shown)
    return data


def _size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):g} MB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):g} KB"
    return f"{n} 字节"


def is_regular_file(path: Path) -> bool:
    """True for an existing regular file (not a FIFO, device, socket or folder)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
