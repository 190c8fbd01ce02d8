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
from typing import BinaryIO

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


def display_path(path: str | os.PathLike[str] | bytes) -> str:
    """``path`` as text that can always be printed.

    A file name that is not valid UTF-8 (GBK bytes from a Windows share) arrives
    with surrogate escapes; printing those raises ``UnicodeEncodeError``.  The
    undecodable bytes become U+FFFD instead.
    """
    raw = os.fsencode(path)
    return raw.decode("utf-8", errors="replace")


def check_regular(path: str | os.PathLike[str], *, what: str = "文件") -> os.stat_result:
    """``stat`` of ``path``; a Chinese ``DrafterError`` unless it is an existing regular file."""
    shown = display_path(path)
    try:
        st = os.stat(path)
    except OSError as exc:
        raise DrafterError(describe_os_error(exc), shown) from exc
    except ValueError as exc:  # embedded NUL in the name
        raise DrafterError("文件名中含有非法字符", shown) from exc
    if stat.S_ISDIR(st.st_mode):
        raise DrafterError(f"这是一个文件夹，不是{what}", shown)
    if not stat.S_ISREG(st.st_mode):
        raise DrafterError(_not_regular(what), shown)
    return st


def read_bounded(path: str | os.PathLike[str], limit: int, *, what: str = "文件") -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, else a Chinese ``DrafterError``.

    Reads at most ``limit + 1`` bytes, so a file that grows while being read,
    or one that lies about its size, cannot take more memory than that.
    """
    shown = display_path(path)
    fd, st = _open_regular_fd(path, what, shown)
    try:
        data = _read_at_most(fd, limit + 1)
    except OSError as exc:
        raise DrafterError(describe_os_error(exc), shown) from exc
    finally:
        os.close(fd)
    if len(data) > limit:
        raise DrafterError(_too_big(what, st.st_size, limit), shown)
    return data


def open_regular(path: str | os.PathLike[str], limit: int, *, what: str = "文件") -> BinaryIO:
    """A binary file object on a regular file of at most ``limit`` bytes, else a Chinese ``DrafterError``.

    For containers read by seeking (a .docx is a zip): the file is opened without
    blocking, checked to be a regular file on the opened descriptor (so a FIFO
    swapped in after the check is refused too), and its size taken from that
    descriptor, which for a regular file is the real size.  The caller still caps
    what it inflates from it.
    """
    shown = display_path(path)
    fd, st = _open_regular_fd(path, what, shown)
    try:
        if st.st_size > limit:
            raise DrafterError(_too_big(what, st.st_size, limit), shown)
        return os.fdopen(fd, "rb")
    except BaseException:
        os.close(fd)
        raise


_READ_FLAGS = os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_BINARY", 0)


def _open_regular_fd(path: str | os.PathLike[str], what: str, shown: str) -> tuple[int, os.stat_result]:
    """A descriptor on ``path`` opened without blocking, and its ``fstat``: the file opened, not a
    FIFO swapped in after ``check_regular``, must be a regular file too (else a ``DrafterError``)."""
    check_regular(path, what=what)
    try:
        fd = os.open(path, _READ_FLAGS)
    except OSError as exc:
        raise DrafterError(describe_os_error(exc), shown) from exc
    try:
        st = os.fstat(fd)
        if not stat.S_ISREG(st.st_mode):
            raise DrafterError(_not_regular(what), shown)
    except OSError as exc:
        os.close(fd)
        raise DrafterError(describe_os_error(exc), shown) from exc
    except BaseException:
        os.close(fd)
        raise
    return fd, st


def _read_at_most(fd: int, size: int) -> bytes:
    """Up to ``size`` bytes from ``fd``, read in chunks of at most 1 MiB."""
    chunks: list[bytes] = []
    remaining = size
    while remaining > 0:
        chunk = os.read(fd, min(remaining, 1 << 20))
        if not chunk:
            break
        chunks.append(chunk)
        remaining -= len(chunk)
    return b"".join(chunks)


def _not_regular(what: str) -> str:
    return f"不是普通文件（管道、设备或套接字），不能作为{what}读取"


def _too_big(what: str, size: int, limit: int) -> str:
    """``文件过大（100.0 MB，上限 2.0 MB），未读取``; the size only when the file reports a true one."""
    detail = f"{_size(size)}，上限 {_size(limit)}" if size > limit else f"超过 {_size(limit)}"
    return f"{what}过大（{detail}），未读取"


def _size(n: int) -> str:
    if n >= 1 << 20:
        return f"{n / (1 << 20):.1f} MB"
    if n >= 1 << 10:
        return f"{n / (1 << 10):.1f} KB"
    return f"{n} 字节"


def is_regular_file(path: Path) -> bool:
    """True for an existing regular file (not a FIFO, device, socket or folder)."""
    try:
        return stat.S_ISREG(os.stat(path).st_mode)
    except (OSError, ValueError):
        return False
