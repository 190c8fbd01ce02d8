"""Reading and writing the workspace's small YAML files (profile, autosave state), hardened.

Every read goes through the one hardened loader (``drafter.util.yamlpos``:
bounded, regular files only so a FIFO cannot hang the wizard, aliases refused
so an alias bomb cannot freeze it); folders are created with a Chinese message
when that is impossible.
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from drafter.errors import DrafterError
from drafter.util.fsutil import describe_write_error

SMALL_FILE_LIMIT = 256 * 1024  # a profile or a state file is a few hundred bytes


def read_yaml_mapping(path: Path, what: str, limit: int = SMALL_FILE_LIMIT) -> dict[str, Any] | None:
    """The mapping in a small YAML file; None when the file does not exist.

    Anything else that is wrong (not a regular file, too large, not UTF-8, not
    YAML, aliases, not a mapping) raises ``DrafterError`` naming the file and line.
    """
    # PyYAML (through yamlpos) costs about 27 ms to import (``python -X importtime``); these files are
    # read once the first screen is up, so it is not paid before the wizard can take keys.
    from drafter.util.yamlpos import load_file

    if _absent(path):
        return None
    data, _lines = load_file(path, limit_bytes=limit, what=what)
    if data is None:
        return {}
    if not isinstance(data, dict):
        raise DrafterError(f"{what}应是“键: 值”的形式", str(path))
    return data


def _absent(path: Path) -> bool:
    """True when nothing is at ``path``; any other OS error is left to ``load_file``'s Chinese reason."""
    try:
        os.stat(path)
    except FileNotFoundError:
        return True
    except OSError:
        return False
    return False


def dump_mapping(data: dict[str, Any]) -> str:
    import yaml  # see read_yaml_mapping

    return yaml.safe_dump(data, allow_unicode=True, sort_keys=False)


def ensure_folder(folder: Path) -> None:
    """Create ``folder``; a Chinese ``DrafterError`` naming it when that is impossible
    (a file in its place, a read-only parent, a full disk)."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except FileExistsError as exc:
        raise DrafterError("无法建立文件夹：同名的文件已存在", str(folder)) from exc
    except OSError as exc:
        raise DrafterError(describe_write_error(exc, folder), str(folder)) from exc
