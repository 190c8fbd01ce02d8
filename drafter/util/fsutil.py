"""Safe file writing: atomic replace, atomic backups, clear messages on failure.

Every writer in drafter goes through :func:`atomic_write`, so the guarantees
below hold for every command and for the wizard:

- the target is at every instant either the old complete file or the new
  complete one (temp file beside it, fsync, rename);
- with ``backup`` the previous file becomes ``<name>.bak`` the same way: the
  backup is first made beside (a hard link, or a fsynced copy where links are
  not supported) and then renamed over the old ``.bak``, so a full disk or a
  SIGKILL never leaves a truncated backup;
- hidden temp files left by a write that was killed are removed by the next
  write into that folder (only our own pattern, only when no live writer holds
  them);
- pipes, devices, folders, names that are too long and ``~user`` paths of
  unknown users are refused with a Chinese message naming the path.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import stat
import tempfile
import time
from pathlib import Path

from drafter.errors import DrafterError

try:  # POSIX: a live writer holds an advisory lock on its temp file
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

# A temp file older than this is stale even where it cannot be lock-tested.
STALE_TEMP_SECONDS = 300
# A temp file nobody holds a lock on is stale after this (covers the instant
# between creating it and locking it).
UNLOCKED_TEMP_SECONDS = 30
# Bytes of the target name kept in a temp file name, so that a 255-byte target
# name still gets a temp name the file system accepts.
_TEMP_NAME_BYTES = 200
_TEMP_SUFFIX = ".tmp"
# mkstemp's random part: 8 characters of [a-z0-9_].
_TEMP_RANDOM = re.compile(r"^[a-z0-9_]{8}$")


# --- messages -----------------------------------------------------------------------


_ERRNO_REASONS = {
    errno.ENOENT: "无法写入：目标文件夹不存在，或不能在其中建立文件",
    errno.ENOTDIR: "无法写入：路径中有一段不是文件夹",
    errno.EACCES: "无法写入：没有写入权限",
    errno.EPERM: "无法写入：系统不允许在此处写文件",
    errno.EROFS: "无法写入：所在磁盘或文件夹是只读的",
    errno.ENOSPC: "磁盘空间不足，文件未写入",
    errno.EDQUOT: "磁盘配额已满，文件未写入",
    errno.EISDIR: "无法写入：目标是一个文件夹",
    errno.ENAMETOOLONG: "无法写入：文件名或路径太长（文件名一般不能超过 255 字节，约 85 个汉字），请换一个短一些的名字",
    errno.EINVAL: "无法写入：此处不能建立文件（文件名或位置无效）",
    errno.EBUSY: "无法写入：文件被占用",
    errno.ELOOP: "无法写入：路径中的符号链接过多（可能是循环链接）",
    errno.EMFILE: "无法写入：打开的文件过多，请关闭一些程序后再试",
    errno.EIO: "无法写入：磁盘读写出错",
    errno.EXDEV: "无法写入：备份与原文件不在同一磁盘",
}


def describe_write_error(exc: BaseException, folder: Path | None = None, *, replacing: bool = False) -> str:
    """A Chinese reason for an error met while writing (``strerror`` is English on most systems).

    ``replacing``: the error came when putting the new file in place, where a
    permission error most often means the file is open in Word or WPS.
    """
    if isinstance(exc, shutil.SpecialFileError):
        return "无法写入：目标不是普通文件（管道、设备或套接字）"
    if replacing and isinstance(exc, PermissionError):
        return "文件被占用或没有写入权限（是否已在 Word/WPS 中打开？）"
    if isinstance(exc, OSError):
        reason = _ERRNO_REASONS.get(exc.errno or -1)
        if reason:
            return reason
        where = f"文件夹 {folder}" if folder is not None else "文件"
        if exc.errno:
            return f"无法写入{where}（系统错误代码 {exc.errno}：{exc.strerror or ''}）"
        return f"无法写入{where}（{exc.strerror or exc.__class__.__name__}）"
    return f"无法写入（{exc.__class__.__name__}）"


def _unknown_user(text: str) -> str | None:
    """``nosuchuser`` when ``text`` starts with ``~nosuchuser`` and there is no such user."""
    if not text.startswith("~"):
        return None
    head = re.split(r"[/\\]", text, maxsplit=1)[0]
    if head == "~":
        return None
    if os.path.expanduser(head) == head:  # expanduser leaves unknown users alone
        return head[1:]
    return None


def user_path(text: str | os.PathLike[str]) -> Path:
    """A path typed by a user, with ``~`` and ``~user`` expanded.

    ``~nosuchuser/a.docx`` is a Chinese ``DrafterError`` naming the path (pathlib
    raises ``RuntimeError`` for it).  For the wizard and other places where no
    shell has expanded the path already.
    """
    raw = os.fspath(text)
    if "\0" in raw:
        raise DrafterError("文件名中含有非法字符（空字符）", raw.replace("\0", "\\0"))
    if raw.startswith("~"):
        who = _unknown_user(raw)
        if who is not None:
            raise DrafterError(
                f"路径开头的 ~{who} 表示用户 {who} 的主目录，但本机没有这个用户；请写出完整路径", raw
            )
        try:
            return Path(os.path.expanduser(raw))
        except (RuntimeError, KeyError) as exc:  # no home directory at all
            raise DrafterError("无法确定主目录（~），请写出完整路径", raw) from exc
    return Path(raw)


# --- checks -------------------------------------------------------------------------


def _lstat(path: Path) -> os.stat_result | None:
    """``lstat`` of ``path``; ``None`` when it does not exist; Chinese error when it cannot be asked."""
    try:
        return os.lstat(path)
    except FileNotFoundError:
        return None
    except NotADirectoryError as exc:
        raise DrafterError("无法写入：路径中有一段不是文件夹", str(path)) from exc
    except ValueError as exc:  # NUL in the name
        raise DrafterError("文件名中含有非法字符（空字符）", str(path).replace("\0", "\\0")) from exc
    except OSError as exc:
        raise DrafterError(describe_write_error(exc), str(path)) from exc


def check_output_target(path: str | os.PathLike[str], *, overwrite: bool = True) -> Path:
    """Refuse, in Chinese naming the path, a target drafter cannot or must not write.

    Returns the target as a ``Path``.  Refused: a missing or non-folder parent
    (with a hint for ``~user`` paths the shell did not expand), a name that is
    too long, a folder, a pipe, device or socket, and with ``overwrite=False``
    an existing file.
    """
    target = Path(path)
    shown = str(target)
    folder = target.parent if str(target.parent) else Path(".")
    if "\0" in shown:
        raise DrafterError("文件名中含有非法字符（空字符）", shown.replace("\0", "\\0"))
    st = _lstat(target)
    if st is None:
        _check_target_folder(folder, shown)
        return target
    mode = _followed_mode(target, st.st_mode)
    if stat.S_ISDIR(mode):
        raise DrafterError("目标是一个文件夹，不能写成文件", shown)
    if not stat.S_ISREG(mode):
        raise DrafterError("目标不是普通文件（管道、设备或套接字），不能写入；请换一个文件名", shown)
    if not overwrite:
        raise DrafterError("文件已存在；如需覆盖请加 --force", shown)
    return target


def _check_target_folder(folder: Path, shown: str) -> None:
    """Refuse a missing folder (naming an unknown ``~user``) or a parent that is not a folder."""
    if not os.path.exists(folder):
        who = _unknown_user(shown)
        if who is not None:
            raise DrafterError(
                f"路径开头的 ~{who} 表示用户 {who} 的主目录，但本机没有这个用户；请写出完整路径", shown
            )
        raise DrafterError(f"目标文件夹不存在：{folder}（请先建立该文件夹或换一个保存位置）", shown)
    if not os.path.isdir(folder):
        raise DrafterError(f"目标路径的上级不是文件夹：{folder}", shown)


def _followed_mode(target: Path, mode: int) -> int:
    """The mode of what a symbolic link ``target`` points to (``mode`` itself for other files)."""
    if not stat.S_ISLNK(mode):
        return mode
    try:
        return os.stat(target).st_mode
    except OSError:
        return stat.S_IFREG  # a dangling link is replaced like a missing file


def path_exists(path: str | os.PathLike[str]) -> bool:
    """``Path.exists`` that never raises: a name too long or a bad path counts as missing."""
    try:
        os.stat(path)
    except (OSError, ValueError):
        return False
    return True


# --- temp files ------------------------------------------------------------------------


def _temp_prefix(name: str) -> str:
    """``.<name>.`` with the name cut to at most ``_TEMP_NAME_BYTES`` bytes of UTF-8."""
    raw = name.encode("utf-8", errors="surrogateescape")
    if len(raw) > _TEMP_NAME_BYTES:
        name = raw[:_TEMP_NAME_BYTES].decode("utf-8", errors="ignore")
    return f".{name}."


def _mkstemp(folder: Path, name: str) -> tuple[int, str]:
    fd, tmp = tempfile.mkstemp(prefix=_temp_prefix(name), suffix=_TEMP_SUFFIX, dir=folder)
    if fcntl is not None:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except OSError:
            pass
    return fd, tmp


def _is_our_temp(name: str) -> bool:
    """``.<name>.<8 random chars>.tmp`` as written by :func:`_mkstemp`."""
    if not (name.startswith(".") and name.endswith(_TEMP_SUFFIX)):
        return False
    core = name[1 : -len(_TEMP_SUFFIX)]
    head, dot, rand = core.rpartition(".")
    return bool(dot and head and _TEMP_RANDOM.match(rand))


def _held_by_live_writer(path: str) -> bool:
    if fcntl is None:
        return True
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
    except OSError:
        return True
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return True
    else:
        fcntl.flock(fd, fcntl.LOCK_UN)
        return False
    finally:
        os.close(fd)


def remove_stale_temps(folder: str | os.PathLike[str]) -> list[str]:
    """Remove hidden temp files a killed drafter write left in ``folder``; their names.

    Only files of our own pattern (``.<name>.<8 random chars>.tmp``, regular
    files) are considered, and only when no live writer holds them (POSIX lock
    test, after ``UNLOCKED_TEMP_SECONDS``) or when older than
    ``STALE_TEMP_SECONDS``.
    """
    removed: list[str] = []
    try:
        entries = list(os.scandir(folder))
    except OSError:
        return removed
    now = time.time()
    for entry in entries:
        if not _is_our_temp(entry.name):
            continue
        try:
            st = entry.stat(follow_symlinks=False)
            if not stat.S_ISREG(st.st_mode):
                continue
            age = now - st.st_mtime
            if age > STALE_TEMP_SECONDS or (
                fcntl is not None and age > UNLOCKED_TEMP_SECONDS and not _held_by_live_writer(entry.path)
            ):
                os.unlink(entry.path)
                removed.append(entry.name)
        except OSError:
            continue
    return removed


def _fsync_folder(folder: Path) -> None:
    if os.name != "posix":
        return
    try:
        fd = os.open(folder, os.O_RDONLY)
    except OSError:
        return
    try:
        os.fsync(fd)
    except OSError:
        pass
    finally:
        os.close(fd)


def _unlink_quietly(path: str | None) -> None:
    if path:
        try:
            os.unlink(path)
        except OSError:
            pass


def _make_backup(target: Path, folder: Path) -> None:
    """``<name>.bak`` := the current target, atomically (made beside, then renamed)."""
    backup = target.with_name(target.name + ".bak")
    fd, tmp = _mkstemp(folder, backup.name)
    try:
        os.close(fd)
        fd = -1
        try:
            # A hard link is instant and needs no disk space; the old .bak stays until the rename.
            os.unlink(tmp)
            os.link(target, tmp, follow_symlinks=True)
        except OSError:
            fd2, tmp2 = _mkstemp(folder, backup.name)
            tmp, old_tmp = tmp2, tmp
            _unlink_quietly(old_tmp)
            with open(target, "rb") as src, os.fdopen(fd2, "wb") as dst:
                shutil.copyfileobj(src, dst, 1 << 20)
                dst.flush()
                os.fsync(dst.fileno())
            try:
                shutil.copystat(target, tmp)
            except OSError:
                pass
        os.replace(tmp, backup)
        tmp = ""
    finally:
        if fd >= 0:
            os.close(fd)
        _unlink_quietly(tmp)


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
    file first becomes ``<name>.bak``, atomically as well.  With
    ``overwrite=False`` an existing file is an error.  Every failure is a
    ``DrafterError`` in Chinese naming the path.
    """
    target = check_output_target(path, overwrite=overwrite)
    if isinstance(data, str):
        data = data.encode("utf-8")
    folder = target.parent if str(target.parent) else Path(".")
    exists = _lstat(target) is not None
    remove_stale_temps(folder)
    tmp: str | None = None
    replacing = False
    try:
        if backup and exists:
            replacing = True
            _make_backup(target, folder)
            replacing = False
        fd, tmp = _mkstemp(folder, target.name)
        replacing = True
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())
            # Still locked (the lock goes with the descriptor): a concurrent cleaner keeps off.
            if exists:
                try:
                    shutil.copymode(target, tmp)
                except OSError:
                    pass
            else:
                os.chmod(tmp, 0o644)
            os.replace(tmp, target)
            tmp = None
        _fsync_folder(folder)
    except BaseException as exc:
        _unlink_quietly(tmp)
        if isinstance(exc, (OSError, shutil.Error)):
            raise DrafterError(describe_write_error(exc, folder, replacing=replacing), str(target)) from exc
        raise
    return target


def describe_os_error_for_user(exc: OSError) -> str:
    """``PATH: reason`` in Chinese for an ``OSError`` that reached the command line unhandled."""
    path = exc.filename if exc.filename is not None else ""
    shown = os.fsdecode(path) if path != "" else ""
    reason = _ERRNO_REASONS.get(exc.errno or -1, "").removeprefix("无法写入：")
    if not reason:
        reason = f"文件操作失败（系统错误代码 {exc.errno}：{exc.strerror or exc.__class__.__name__}）"
    return f"{shown}: {reason}" if shown else reason


def precheck_output_path(path: str | os.PathLike[str]) -> None:
    """Refuse early, before any work, an output path no writer could use.

    Called by the command line for every ``-o``/``--output`` (a file or, for
    some commands, a folder) so that a long ``mine`` does not end in an error:
    a name too long, a ``~user`` of an unknown user, a pipe, device or socket.
    A missing folder or an existing file is left to the command.
    """
    raw = os.fspath(path)
    if not raw or raw == "-":
        return
    if "\0" in raw:
        raise DrafterError("文件名中含有非法字符（空字符）", raw.replace("\0", "\\0"))
    target = Path(raw)
    st = _lstat(target)  # ENAMETOOLONG and friends become Chinese errors naming the path
    if st is None:
        who = _unknown_user(raw)
        if who is not None and not os.path.exists(target.parent):
            raise DrafterError(
                f"路径开头的 ~{who} 表示用户 {who} 的主目录，但本机没有这个用户；请写出完整路径", raw
            )
        return
    mode = st.st_mode
    if stat.S_ISLNK(mode):
        try:
            mode = os.stat(target).st_mode
        except OSError:
            return
    if not (stat.S_ISREG(mode) or stat.S_ISDIR(mode)):
        raise DrafterError("目标不是普通文件（管道、设备或套接字），不能写入；请换一个文件名", raw)
