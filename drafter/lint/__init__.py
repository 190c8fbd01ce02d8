"""drafter.lint: the speech linter (registered rules, findings, ``lint_path`` dispatch)."""

from drafter.lint.api import lint_draft, lint_path, lint_speech, lint_text
from drafter.lint.dates import meeting_year
from drafter.lint.finding import ERROR, INFO, SEVERITIES, SEVERITY_LABELS, WARNING, Finding, LintReport
from drafter.lint.registry import Rule, all_rules
from drafter.text import marker_kind

# rule id -> one-line Chinese description, in listing order (for --help, --ignore and the TUI).
RULES: dict[str, str] = {item.id: item.description for item in all_rules()}

__all__ = [
    "ERROR",
    "INFO",
    "RULES",
    "SEVERITIES",
    "SEVERITY_LABELS",
    "WARNING",
    "Finding",
    "LintReport",
    "Rule",
    "all_rules",
    "lint_draft",
    "lint_path",
    "lint_speech",
    "lint_text",
    "marker_kind",
    "meeting_year",
]
