"""Finding corpus files and loading one into cleaned paragraphs."""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Iterable
from pathlib import Path

from drafter.corpus.clean import clean_lines
from drafter.corpus.limits import MAX_PACKAGE_BYTES
from drafter.corpus.read import CORPUS_SUFFIXES, read_document
from drafter.errors import DrafterError
from drafter.model import Para
from drafter.util.safeio import describe_os_error, display_path, is_regular_file, open_regular


def iter_corpus_files(paths: Iterable[str | Path]) -> list[Path]:
    """The .txt/.docx/.doc/.wps files under the given files and folders (recursive, sorted, no duplicates).

    A file named explicitly is taken whatever its extension (and refused when read if it
    is not a regular file); inside folders, hidden files, Word lock files (``~$...``) and
    anything that is not a regular file (a FIFO, a socket, a device) are skipped, and
    symbolic links to folders are not followed.  A path that does not exist raises
    ``DrafterError``.
    """
    found: list[Path] = []
    seen: set[Path] = set()
    for raw in paths:
        path = Path(raw)
        shown = display_path(path)
        try:
            st = os.stat(path)
        except FileNotFoundError as exc:
            raise DrafterError("路径不存在", shown) from exc
        except OSError as exc:
            raise DrafterError(describe_os_error(exc), shown) from exc
        except ValueError as exc:  # an embedded NUL
            raise DrafterError("路径中含有非法字符", shown) from exc
        if stat.S_ISDIR(st.st_mode):
            try:
                items = sorted(
                    (
                        p
                        for p in path.rglob("*")
                        if p.suffix.lower() in CORPUS_SUFFIXES
                        and not p.name.startswith(("~$", "."))
                        and not any(part.startswith(".") for part in p.relative_to(path).parts[:-1])
                        and is_regular_file(p)
                    ),
                    key=lambda p: str(p.relative_to(path)),
                )
            except OSError as exc:
                raise DrafterError(f"无法列出文件夹内容：{describe_os_error(exc)}", shown) from exc
        else:
            items = [path]
        for item in items:
            try:
                key = item.resolve()
            except (OSError, RuntimeError):  # a symlink loop: let the reader report it
                key = item.absolute()
            if key not in seen:
                seen.add(key)
                found.append(item)
    return found


def file_digest(path: str | Path, limit: int = MAX_PACKAGE_BYTES) -> str:
    """SHA-256 (hex) of a corpus file's bytes, read as a stream of at most ``limit`` bytes.

    For content-hash caches and re-import checks: refuses a FIFO, a device or a socket
    (never hangs on one) and an oversized file, with a Chinese ``DrafterError`` naming it.
    """
    shown = display_path(path)
    digest = hashlib.sha256()
    try:
        with open_regular(path, limit) as handle:
            remaining = limit + 1
            while remaining > 0:
                chunk = handle.read(min(remaining, 1 << 20))
                if not chunk:
                    break
                digest.update(chunk)
                remaining -= len(chunk)
    except OSError as exc:
        raise DrafterError(describe_os_error(exc), shown) from exc
    if remaining <= 0:
        raise DrafterError(f"文件过大（超过 {limit // (1 << 20)} MB），未读取", shown)
    return digest.hexdigest()


def display_name(path: str | Path) -> str:
    """A file's name as it can always be printed (undecodable bytes shown as U+FFFD)."""
    return display_path(Path(path).name)


def load_paragraphs(path: str | Path) -> list[Para]:
    """One corpus file read and cleaned: its paragraphs, each with its 1-based line in the file.

    Raises a Chinese ``DrafterError`` naming the file when it cannot be read or holds
    nothing but boilerplate.
    """
    paras = [p for p in clean_lines(read_document(path)) if p.text]
    if not paras:
        raise DrafterError("清理广告和空行后没有剩下任何正文", display_path(path))
    return paras
