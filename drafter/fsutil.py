"""Safe file writing: atomic replace, backups, clear messages on failure."""

from __future__ import annotations

import errno
import os
import shutil
import tempfile
from pathlib import Path

from drafter.errors import DrafterError


def atomic_write(
    path: str | os.PathLike[str],
    data: bytes | str,
    *,
    overwrite: bool = True,
    backup: bool = False,
) -> Path:
    """Write ``data`` to ``path`` so that a crash leaves either the old or the new file.

    The data goes to a hidden temporary file in the same folder, is flushed
    and fsynced, then renamed over the target.  With ``backup`` the previous
    file is first copied to ``<name>.bak``.  With ``overwrite=False`` an
    existing file is an error.
    """
    target = Path(path)
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = target.parent if str(target.parent) else Path(".")
    if not folder.exists():
        raise DrafterError(f"目标文件夹不存在：{folder}", str(target))
    if not folder.is_dir():
        raise DrafterError(f"目标路径的上级不是文件夹：{folder}", str(target))
    if target.exists() and not overwrite:
        raise DrafterError("文件已存在；如需覆盖请加 --force", str(target))
    if target.is_dir():
        raise DrafterError("目标是一个文件夹，不能写成文件", str(target))
    try:
        if backup and target.exists():
            shutil.copy2(target, target.with_name(target.name + ".bak"))
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=folder)
    except PermissionError as exc:
        raise DrafterError(f"没有写入权限：{exc.filename or folder}", str(target)) from exc
    except OSError as exc:
        raise DrafterError(f"无法写入：{exc.strerror}", str(target)) from exc
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
        if target.exists():
            try:
                shutil.copymode(target, tmp)
            except OSError:
                pass
        else:
            os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    except BaseException as exc:
        try:
            os.unlink(tmp)
        except OSError:
            pass
        if isinstance(exc, PermissionError):
            raise DrafterError("文件被占用或没有写入权限（是否已在 Word/WPS 中打开？）", str(target)) from exc
        if isinstance(exc, OSError):
            if exc.errno == errno.ENOSPC:
                raise DrafterError("磁盘空间不足，文件未写入", str(target)) from exc
            raise DrafterError(f"无法写入：{exc.strerror}", str(target)) from exc
        raise
    return target
