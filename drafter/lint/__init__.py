"""drafter.lint.api."""

from drafter.lint.api import (
    RULES,
    SEVERITIES,
    SEVERITY_LABELS,
    Finding,
    LintReport,
    lint_path,
    lint_speech,
    lint_text,
    marker_kind,
    meeting_year,
)

__all__ = [
    "RULES",
    "SEVERITIES",
    "SEVERITY_LABELS",
    "Finding",
    "LintReport",
    "lint_path",
    "lint_speech",
    "lint_text",
    "marker_kind",
    "meeting_year",
]
