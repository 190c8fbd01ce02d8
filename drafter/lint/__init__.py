"""drafter.lint.api."""

from drafter.lint.api import Finding, LintReport, RULES, SEVERITIES, SEVERITY_LABELS, lint_path, lint_speech, lint_text, marker_kind, meeting_year

__all__ = ['Finding', 'LintReport', 'RULES', 'SEVERITIES', 'SEVERITY_LABELS', 'lint_path', 'lint_speech', 'lint_text', 'marker_kind', 'meeting_year']
