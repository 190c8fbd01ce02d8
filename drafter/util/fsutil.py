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
    except OSError as exc:
        raise DrafterError(_os_reason(exc, folder), str(target)) from exc
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
            raise DrafterError(_os_reason(exc, folder), str(target)) from exc
        raise
    return target


_ERRNO_REASONS = {
    errno.ENOENT: "无法写入：目标文件夹不存在，或不能在其中建立文件",
    errno.ENOTDIR: "无法写入：路径中有一段不是文件夹",
    errno.EACCES: "无法写入：没有写入权限",
    errno.EPERM: "无法写入：系统不允许在此处写文件",
    errno.EROFS: "无法写入：所在磁盘或文件夹是只读的",
    errno.ENOSPC: "磁盘空间不足，文件未写入",
    errno.EDQUOT: "磁盘配额已满，文件未写入",
    errno.EISDIR: "无法写入：目标是一个文件夹",
    errno.ENAMETOOLONG: "无法写入：文件名或路径太长",
    errno.EINVAL: "无法写入：此处不能建立文件（文件名或位置无效）",
    errno.EBUSY: "无法写入：文件被占用",
}


def _os_reason(exc: OSError, folder: Path) -> str:
    """A Chinese reason for an OS error (``strerror`` is English on most systems)."""
    reason = _ERRNO_REASONS.get(exc.errno or -1)
    if reason:
        return reason
    return f"无法写入文件夹 {folder}（系统错误代码 {exc.errno}）"
