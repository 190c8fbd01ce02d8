"""The rule registry: every lint rule registers its id, severity and a one-line Chinese description.

A rule is a function ``check(ctx) -> list[Finding]`` decorated with :func:`rule`;
:func:`drafter.lint.lint_speech` runs every registered rule.  ``order`` fixes where the
rule's findings sort among findings on the same line, and where it appears in
``drafter lint --rules``.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from drafter.lint.finding import SEVERITIES

if TYPE_CHECKING:  # the context imports nothing from here; only for the type of ``check``
    from drafter.lint.context import LintContext
    from drafter.lint.finding import Finding

Check = Callable[["LintContext"], "list[Finding]"]


@dataclass(frozen=True)
class Rule:
    """One lint rule: ``severity`` is the strongest it reports; ``severities`` all it may report."""

    id: str
    severity: str
    description: str
    check: Check
    order: int
    severities: tuple[str, ...]


_REGISTRY: dict[str, Rule] = {}


def rule(
    rule_id: str, severity: str, description: str, *, order: int, also: tuple[str, ...] = ()
) -> Callable[[Check], Check]:
    """Register ``check`` as rule ``rule_id``; ``also`` lists weaker severities it may report."""
    if severity not in SEVERITIES or any(s not in SEVERITIES for s in also):
        raise ValueError(f"unknown severity for rule {rule_id}")

    def register(check: Check) -> Check:
        if rule_id in _REGISTRY:
            raise ValueError(f"rule {rule_id} registered twice")
        severities = tuple(s for s in SEVERITIES if s == severity or s in also)
        _REGISTRY[rule_id] = Rule(rule_id, severity, description, check, order, severities)
        return check

    return register


def all_rules() -> list[Rule]:
    """Every registered rule, in listing order."""
    return sorted(_REGISTRY.values(), key=lambda r: r.order)


def get_rule(rule_id: str) -> Rule:
    return _REGISTRY[rule_id]


__all__ = ["Rule", "all_rules", "get_rule", "rule"]
