"""Cross-process locks for files that two drafter processes may write.

Every writer of a shared file (the user phrasebank, the profile, autosaved
drafts, the archive library) holds ``locked(path)`` around its
read-check-write.  The lock is an OS file lock on ``<name>.lock`` beside the
target (through ``filelock``, which picks ``fcntl``/``msvcrt`` for us), so it
is released when the process dies, even by SIGKILL.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from filelock import FileLock, Timeout

from drafter.errors import DrafterError

DEFAULT_TIMEOUT = 30.0


def lock_path(path: str | os.PathLike[str]) -> Path:
    """The lock file that guards ``path``: ``.<name>.lock`` in the same folder."""
    target = Path(path)
    return target.with_name(f".{target.name}.lock")


@contextmanager
def locked(path: str | os.PathLike[str], *, timeout: float = DEFAULT_TIMEOUT) -> Iterator[None]:
    """Hold the cross-process lock of ``path``; a Chinese ``DrafterError`` after ``timeout`` seconds."""
    target = Path(path)
    guard = lock_path(target)
    try:
        guard.parent.mkdir(parents=True, exist_ok=True)
        lock = FileLock(str(guard), timeout=timeout)
        lock.acquire()
    except Timeout as exc:
        raise DrafterError(
            f"文件正被另一个 drafter 进程写入，等待 {timeout:g} 秒后仍未释放，请稍后再试", str(target)
        ) from exc
    except OSError as exc:
        raise DrafterError(f"无法建立文件锁 {guard.name}：{exc.strerror or exc}", str(target)) from exc
    try:
        yield
    finally:
        lock.release()
