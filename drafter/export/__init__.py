"""drafter.export.docx."""

from drafter.export.docx import (
    LINE_PITCH_TWIPS,
    TITLE_CHARS_PER_LINE,
    build_docx,
    export_docx,
    export_speech,
    speech_to_markdown,
    speech_to_plain,
    split_title,
)
from drafter.export.fonts import (
    DEFAULT_PROFILE,
    LATIN_FONT,
    PROFILES,
    ROLE_NAMES,
    FontProfile,
    font_report,
    get_profile,
    is_installed,
    parse_family_list,
    parse_registry_names,
)

__all__ = [
    "DEFAULT_PROFILE",
    "LATIN_FONT",
    "LINE_PITCH_TWIPS",
    "PROFILES",
    "ROLE_NAMES",
    "TITLE_CHARS_PER_LINE",
    "FontProfile",
    "build_docx",
    "export_docx",
    "export_speech",
    "font_report",
    "get_profile",
    "is_installed",
    "parse_family_list",
    "parse_registry_names",
    "speech_to_markdown",
    "speech_to_plain",
    "split_title",
]
