"""What the linter reports: a :class:`Finding` per problem, a :class:`LintReport` per speech."""

from __future__ import annotations

from dataclasses import dataclass, field

ERROR = "error"
WARNING = "warning"
INFO = "info"
SEVERITIES = (ERROR, WARNING, INFO)
SEVERITY_LABELS = {ERROR: "错误", WARNING: "警告", INFO: "提示"}


@dataclass
class Finding:
    """One problem in a speech.

    ``location`` is what a user reads (``plenary.txt:12 二、（三）``); ``line`` is
    the 1-based line in the linted text (or source file); ``section`` is the
    index path into ``Speech.sections`` (``(1, 2)`` = second top-level section,
    its third child) so the TUI can jump there.
    """

    rule: str
    severity: str
    message: str
    location: str
    line: int | None = None
    section: tuple[int, ...] | None = None

    def to_dict(self) -> dict[str, str]:
        return {
            "rule": self.rule,
            "severity": self.severity,
            "message": self.message,
            "location": self.location,
        }


@dataclass
class LintReport:
    """The findings for one speech of one file."""

    source: str
    index: int
    findings: list[Finding] = field(default_factory=list)
    title: str = ""

    @property
    def errors(self) -> int:
        return sum(1 for f in self.findings if f.severity == ERROR)

    def counts(self) -> dict[str, int]:
        return {sev: sum(1 for f in self.findings if f.severity == sev) for sev in SEVERITIES}


__all__ = ["ERROR", "INFO", "SEVERITIES", "SEVERITY_LABELS", "WARNING", "Finding", "LintReport"]
