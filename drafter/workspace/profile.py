"""The writer's profile: 地区, 讲话人, 职务 remembered between drafts, and the chosen theme.

Stored in ``user_data_dir()/profile.yaml``.  Reading validates every value (a
damaged or hostile file never stops the wizard: what is wrong is dropped and
reported); writing holds the file's cross-process lock around read-merge-write.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.errors import DrafterError
from drafter.model import Draft
from drafter.util import atomic_write, locked, user_data_dir
from drafter.workspace.files import dump_mapping, ensure_folder, read_yaml_mapping
from drafter.workspace.meeting import validate_meeting_field

PROFILE_FIELDS = ("地区", "讲话人", "职务")
THEME_KEY = "界面主题"
MAX_THEME_LENGTH = 40
WHAT = "常用信息文件"


@dataclass
class Profile:
    """What the profile file holds, validated; ``problems`` says what was dropped (Chinese)."""

    fields: dict[str, str] = field(default_factory=dict)
    theme: str | None = None
    problems: list[str] = field(default_factory=list)


def profile_path() -> Path:
    return user_data_dir() / "profile.yaml"


def _valid_theme(value: Any) -> bool:
    return (
        isinstance(value, str)
        and 0 < len(value) <= MAX_THEME_LENGTH
        and all(ch.isalnum() or ch in "-_" for ch in value)
    )


def read_profile() -> Profile:
    """The saved profile; empty when there is none.

    A file that cannot be read or parsed raises ``DrafterError`` naming it;
    single values of the wrong kind are dropped and listed in ``problems``.
    """
    path = profile_path()
    data = read_yaml_mapping(path, WHAT)
    profile = Profile()
    if not data:
        return profile
    for key in PROFILE_FIELDS:
        value = data.get(key)
        if value in (None, ""):
            continue
        if not isinstance(value, str | int) or isinstance(value, bool):
            profile.problems.append(f"{key} 的值不是文字，已忽略")
            continue
        text = str(value).strip()
        reason = validate_meeting_field(key, text)
        if reason:
            profile.problems.append(f"{key}：{reason}，已忽略")
            continue
        if text:
            profile.fields[key] = text
    theme = data.get(THEME_KEY)
    if theme is not None:
        if _valid_theme(theme):
            profile.theme = theme
        else:
            profile.problems.append(f"{THEME_KEY} 的值无效，已忽略")
    return profile


def load_profile() -> dict[str, str]:
    """The saved 地区, 讲话人, 职务; a damaged file raises ``DrafterError`` naming it."""
    return read_profile().fields


def _update(changes: Mapping[str, str]) -> Path | None:
    """Merge ``changes`` into the file under its lock; None when nothing changed."""
    path = profile_path()
    ensure_folder(path.parent)
    with locked(path):
        try:
            current = read_profile()
        except DrafterError:
            current = Profile()  # a damaged file is replaced (its previous text kept as .bak)
        stored: dict[str, Any] = dict(current.fields)
        if current.theme:
            stored[THEME_KEY] = current.theme
        merged = {**stored, **changes}
        if merged == stored and path.exists():
            return None
        return atomic_write(path, dump_mapping(merged), backup=path.exists())


def save_profile(meeting: Mapping[str, str]) -> Path | None:
    """Save 地区, 讲话人 and 职务 from ``meeting`` when they changed; returns the file or None."""
    profile = {k: (meeting.get(k) or "").strip() for k in PROFILE_FIELDS}
    profile = {k: v for k, v in profile.items() if v and validate_meeting_field(k, v) is None}
    if not profile:
        return None
    return _update(profile)


def save_theme(theme: str) -> Path | None:
    """Remember the interface theme the writer chose (a Textual theme name)."""
    if not _valid_theme(theme):
        return None
    return _update({THEME_KEY: theme})


def apply_profile(meeting: Mapping[str, str], profile: Mapping[str, str]) -> dict[str, str]:
    """``meeting`` with its empty profile fields filled from ``profile``."""
    result = dict(meeting)
    for key in PROFILE_FIELDS:
        if not (result.get(key) or "").strip() and profile.get(key):
            result[key] = profile[key]
    return result


def blank_draft(profile: Mapping[str, str] | None = None) -> Draft:
    """A new, empty draft with the profile's fields filled in."""
    return Draft(meeting=apply_profile({}, profile) if profile else {})
