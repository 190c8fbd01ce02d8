"""Autosave and resume: every draft the wizard edits is kept under ``user_drafts_dir()``.

Beside each spec ``<name>.yaml`` a small ``<name>.state.yaml`` records its
title, when it was saved, where it came from and where it was last exported.

Nothing a writer typed is dropped silently:

- ``DraftFile`` remembers what this process last wrote; before each write it
  checks (under the file's cross-process lock) that nobody else wrote in
  between, and raises ``DraftConflict`` instead of overwriting the other edit;
- ``OpenGuard`` holds an OS lock on a draft while it is open, so a second
  window on the same file is told at once;
- every failure is a ``DrafterError`` in Chinese naming the path (full disk,
  read-only folder, a file where ``drafts/`` should be), never an ``OSError``;
- a damaged state file is validated and discarded with a reason, never a crash.
"""

from __future__ import annotations

import hashlib
import math
import os
import secrets
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from filelock import FileLock, Timeout

from drafter.errors import DrafterError
from drafter.model import Draft
from drafter.util import atomic_write, locked, user_drafts_dir
from drafter.util.safeio import check_regular, read_bounded
from drafter.workspace.files import dump_mapping, ensure_folder, read_yaml_mapping

STATE_SUFFIX = ".state.yaml"
MAX_SPEC_BYTES = 5_000_000
MAX_TITLE_LENGTH = 200
LATEST_TIME = 1e11  # seconds since 1970: about the year 5138; beyond it is not a time


class DraftConflict(DrafterError):
    """The file changed on disk since this process last read or wrote it (another window)."""


@dataclass
class DraftRecord:
    """An autosaved draft, as offered for resuming."""

    path: Path
    title: str
    updated: float
    exported_to: str | None = None
    origin: str | None = None
    problem: str | None = None  # what was wrong with its state file (already discarded)

    @property
    def label(self) -> str:
        when = time.strftime("%Y-%m-%d %H:%M", time.localtime(self.updated))
        state = "已导出" if self.exported_to else "未导出"
        return f"{self.title or '（未命名讲稿）'}　{when}　{state}"


def new_autosave_path(now: float | None = None) -> Path:
    """A fresh file name for a new draft under ``user_drafts_dir()``."""
    stamp = time.strftime("%Y%m%d-%H%M%S", time.localtime(now if now is not None else time.time()))
    return user_drafts_dir() / f"{stamp}-{secrets.token_hex(3)}.yaml"


def state_path(spec: Path) -> Path:
    return spec.with_name(spec.stem + STATE_SUFFIX)


def is_autosaved(path: Path) -> bool:
    """True when ``path`` is a draft in the autosave folder."""
    try:
        return path.resolve().parent == user_drafts_dir().resolve()
    except OSError:
        return False


# ---------------------------------------------------------------- state files


def _valid_time(value: Any) -> bool:
    return (
        isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
        and 0 <= value <= LATEST_TIME
    )


def _check_state(data: dict[str, Any]) -> tuple[dict[str, Any], list[str]]:
    state: dict[str, Any] = {}
    problems: list[str] = []
    for key, value in data.items():
        if key in ("updated", "exported_at"):
            ok = _valid_time(value)
        elif key == "title":
            ok = isinstance(value, str) and len(value) <= MAX_TITLE_LENGTH
        elif key in ("exported_to", "origin"):
            ok = isinstance(value, str) and 0 < len(value) <= 4096
        else:
            ok = False  # nothing else belongs in a state file
        if ok:
            state[key] = value
        else:
            problems.append(f"{key} 的值无效")
    return state, problems


def read_state_checked(spec: Path) -> tuple[dict[str, Any], list[str]]:
    """The valid part of a draft's state file, and what was wrong with it (Chinese)."""
    try:
        data = read_yaml_mapping(state_path(spec), "草稿状态文件")
    except DrafterError as exc:
        return {}, [exc.message]
    if data is None:
        return {}, []
    return _check_state(data)


def read_state(spec: Path) -> dict[str, Any]:
    """The sidecar state of an autosaved draft (only its valid entries; {} when missing or damaged)."""
    return read_state_checked(spec)[0]


def _write_state(spec: Path, state: dict[str, Any]) -> None:
    atomic_write(state_path(spec), dump_mapping(state))


def mark_exported(spec: Path, output: Path | str) -> None:
    """Remember that the draft autosaved at ``spec`` was exported to ``output``."""
    if not spec.exists():
        return
    with locked(spec):
        state = read_state(spec)
        state.update({"exported_to": str(output), "exported_at": time.time()})
        _write_state(spec, state)


def is_exported(spec: Path) -> bool:
    return bool(read_state(spec).get("exported_to"))


# ---------------------------------------------------------------- specs


def draft_title(draft: Draft) -> str:
    return (draft.meeting.get("会议名称") or draft.title or "").strip()


def draft_yaml(draft: Draft) -> str:
    # drafter.drafting: about 0.27 s to import (jinja2); first needed on the first autosave.
    from drafter.drafting import draft_to_yaml

    return draft_to_yaml(draft)


def read_spec(path: Path) -> str:
    """The text of a draft spec: a regular file of at most ``MAX_SPEC_BYTES`` (a FIFO cannot hang us)."""
    from drafter.drafting import read_spec_text  # see open_draft: drafting loads in the worker

    return read_spec_text(path)


def open_draft(path: str | os.PathLike[str]) -> tuple[Draft, list[Any]]:
    """Load a draft spec leniently: the draft and its problems (an unfinished draft still opens).

    Unreadable files (missing, a folder, a FIFO or device, too large, not YAML) raise
    ``DrafterError`` naming the file.
    """
    from drafter.drafting import parse_draft  # see draft_yaml

    text = read_spec(Path(path))
    try:
        return parse_draft(text, str(path))
    except DrafterError:
        raise
    except Exception as exc:  # a YAML error the spec parser did not turn into a message
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        reason = getattr(exc, "problem", None) or type(exc).__name__
        raise DrafterError(f"草稿文件不是有效的 YAML：{reason}", str(path), line) from exc


def _digest(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def file_digest(path: Path) -> str | None:
    """The content hash of a file, or None when it does not exist (or cannot be read)."""
    try:
        check_regular(path)
        return _digest(read_bounded(path, MAX_SPEC_BYTES))
    except DrafterError:
        return None


@dataclass
class DraftFile:
    """A draft file this process writes; it knows what it last read or wrote there.

    ``write`` refuses (``DraftConflict``) when the file now holds something else:
    another window wrote it meanwhile, and overwriting would drop that edit.
    """

    path: Path
    known: str | None = None  # digest of what we last read or wrote; None: we have not seen it

    @classmethod
    def opened(cls, path: Path) -> DraftFile:
        return cls(path, file_digest(path))

    def changed_on_disk(self) -> bool:
        current = file_digest(self.path)
        return current is not None and current != self.known

    def write(self, text: str, *, backup: bool = False) -> Path:
        ensure_folder(self.path.parent)
        data = text.encode("utf-8")
        with locked(self.path):
            if self.changed_on_disk():
                raise DraftConflict("草稿文件已被另一个窗口或程序修改", str(self.path))
            atomic_write(self.path, data, backup=backup)
            self.known = _digest(data)
        return self.path


def autosave_text(spec: Path | DraftFile, text: str, title: str, origin: str | None = None) -> Path:
    """Write an already serialised draft spec and update its state (thread-safe, cross-process locked)."""
    file = spec if isinstance(spec, DraftFile) else DraftFile(spec, file_digest(spec))
    path = file.write(text)
    with locked(state_path(path)):
        state = read_state(path)
        state.update({"title": title[:MAX_TITLE_LENGTH], "updated": time.time()})
        if origin:
            state["origin"] = origin
        _write_state(path, state)
    return path


def autosave(draft: Draft, spec: Path | DraftFile, origin: str | None = None) -> Path:
    """Serialise ``draft`` and write it to ``spec`` (atomic) with its state."""
    return autosave_text(spec, draft_yaml(draft), draft_title(draft), origin)


@dataclass
class OpenGuard:
    """An OS lock held on a draft while a wizard has it open (released on exit, even on SIGKILL)."""

    path: Path
    _lock: FileLock | None = field(default=None, repr=False)

    def acquire(self) -> bool:
        """Take the lock; False when another window holds it (True when locking is impossible here)."""
        guard = self.path.with_name(f".{self.path.name}.open.lock")
        try:
            lock = FileLock(str(guard), timeout=0)
            lock.acquire()
        except Timeout:
            return False
        except OSError:
            return True  # a read-only folder: the content check before each write still protects
        self._lock = lock
        return True

    def release(self) -> None:
        if self._lock is not None:
            self._lock.release()
            self._lock = None


# ---------------------------------------------------------------- resume


def recent_drafts(limit: int = 8, folder: Path | None = None) -> list[DraftRecord]:
    """Autosaved drafts, most recent first (a damaged state file is discarded, with its reason)."""
    folder = folder or user_drafts_dir()
    try:
        paths = list(folder.glob("*.yaml")) if folder.is_dir() else []
    except OSError:
        return []
    records = []
    for path in paths:
        if path.name.endswith(STATE_SUFFIX) or path.name.startswith("."):
            continue
        try:
            st = path.stat()
        except OSError:
            continue
        state, problems = read_state_checked(path)
        title = str(state.get("title") or "") or _title_from_spec(path)
        records.append(
            DraftRecord(
                path=path,
                title=title,
                updated=float(state.get("updated") or st.st_mtime),
                exported_to=state.get("exported_to"),
                origin=state.get("origin"),
                problem=f"{state_path(path).name}：{'；'.join(problems)}，已忽略" if problems else None,
            )
        )
    records.sort(key=lambda r: r.updated, reverse=True)
    return records[:limit]


def _title_from_spec(path: Path) -> str:
    try:
        data = read_yaml_mapping(path, "草稿文件", MAX_SPEC_BYTES)
    except DrafterError:
        return ""
    if not data:
        return ""
    meeting = data.get("meeting")
    if isinstance(meeting, dict) and isinstance(meeting.get("会议名称"), str):
        return meeting["会议名称"][:MAX_TITLE_LENGTH]
    title = data.get("title")
    return title[:MAX_TITLE_LENGTH] if isinstance(title, str) else ""
