"""The lint rules, one module per family; importing this package registers them all.

Each rule registers itself with :func:`drafter.lint.registry.rule` (id, severity, a one-line
Chinese description); ``drafter lint --rules`` lists them.  ``subjects`` is data (a lexicon).
"""

from drafter.lint.rules import (
    length,
    level,
    meeting,
    numbering,
    parallel,
    period,
    placeholder,
    punctuation,
    references,
    repeats,
    structure,
    topic,
    years,
)

__all__ = [
    "length",
    "level",
    "meeting",
    "numbering",
    "parallel",
    "period",
    "placeholder",
    "punctuation",
    "references",
    "repeats",
    "structure",
    "topic",
    "years",
]
