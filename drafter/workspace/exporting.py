"""Where exports go: the default file name from the meeting, formats from suffixes."""

from __future__ import annotations

import os
import re
from pathlib import Path

from drafter.errors import DrafterError
from drafter.model import Draft
from drafter.workspace.autosave import draft_title

EXPORT_FORMATS = ("docx", "md", "txt")
FORMAT_LABELS = {"docx": "Word 公文 .docx", "md": "Markdown .md", "txt": "纯文本 .txt"}

_UNSAFE = re.compile(r'[\\/:*?"<>|\x00-\x1f]+')


def default_export_path(draft: Draft, fmt: str = "docx", folder: Path | None = None) -> Path:
    """Where an export goes unless the writer says otherwise: ``<会议名称>讲话稿.<fmt>`` in the folder."""
    if fmt not in EXPORT_FORMATS:
        raise DrafterError(f"不支持的导出格式：{fmt}（可选 docx、md、txt）")
    name = _UNSAFE.sub("", draft_title(draft)).strip(" .") or "讲话稿"
    if not name.endswith("讲话稿") and not name.endswith("讲话"):
        name += "讲话稿"
    folder = folder or Path(os.environ.get("DRAFTER_EXPORT_DIR") or Path.cwd())
    return folder / f"{name[:60]}.{fmt}"


def format_for_path(path: str | Path, default: str = "docx") -> str:
    suffix = Path(path).suffix.lower().lstrip(".")
    return suffix if suffix in EXPORT_FORMATS else default


def with_format(path: str | Path, fmt: str) -> Path:
    """``path`` with its suffix switched to ``fmt`` (added when it has none of ours)."""
    p = Path(path)
    if p.suffix.lower().lstrip(".") in EXPORT_FORMATS:
        return p.with_suffix("." + fmt)
    return p.with_name(p.name + "." + fmt)


def resolve_export_path(path_text: str, fmt: str) -> Path:
    """The absolute path an export typed as ``path_text`` goes to, with the suffix of ``fmt``.

    ``~nosuchuser/a.docx`` and other paths that cannot be expanded are a Chinese ``DrafterError``.
    """
    try:
        path = Path(path_text).expanduser()
    except RuntimeError as exc:
        raise DrafterError("无法展开路径中的 ~（没有这个用户）", path_text) from exc
    if not path.is_absolute():
        path = Path.cwd() / path
    if format_for_path(path, "") != fmt:
        path = with_format(path, fmt)
    return path
