"""Full-text search over paragraphs: character bigrams in an SQLite FTS5 table, one uniform score.

The tokenisation is ours: each paragraph is stored in the FTS5 table as its
character bigrams separated by spaces (``招商引资`` -> ``招商 商引 引资``; Latin
words and numbers as whole lower-case words), so FTS5's ``unicode61``
tokenizer only splits at the spaces.  The table is contentless: a paragraph is
removed by giving its bigrams back (``'delete'`` command), computed again from
the stored text.

Hits from different databases (the writer's library and the shipped seeds)
are ranked by one score computed from the text itself, not by FTS5's bm25
(whose figures depend on each database's statistics).
"""

from __future__ import annotations

import operator
import re

_WORD = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]+|[A-Za-z0-9]+")
_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def grams(text: str) -> list[str]:
    """Character bigrams of the Chinese runs (a lone character stands for itself), Latin words whole."""
    out: list[str] = []
    for run in _WORD.findall(text):
        if not _CJK.match(run):
            out.append(run.lower())
        elif len(run) == 1:
            out.append(run)
        else:
            out += map(operator.add, run[:-1], run[1:])  # each character and the next
    return out


def gram_text(text: str) -> str:
    """What is stored in the FTS5 table for ``text``."""
    return " ".join(grams(text))


def match_expression(query: str, *, every: bool = True) -> str | None:
    """An FTS5 MATCH expression for the query's bigrams (all of them, or any), or None when it has none."""
    parts = list(dict.fromkeys(grams(query)))
    if not parts:
        return None
    quoted = ['"' + p.replace('"', '""') + '"' for p in parts]
    return (" AND " if every else " OR ").join(quoted)


def score(query: str, text: str) -> float:
    """Relevance in [0, 1]: share of the query's bigrams in the text, the whole query verbatim, brevity."""
    q = set(grams(query))
    if not q:
        return 0.0
    cover = sum(1 for g in q if g in text) / len(q)  # substring tests: no need to cut the text into bigrams
    exact = 1.0 if query.strip() and query.strip() in text else 0.0
    brevity = 1.0 - min(1.0, len(text) / 600)
    return round(0.6 * cover + 0.3 * exact + 0.1 * brevity, 3)


def first_match(query: str, text: str) -> int:
    """Character offset in ``text`` of the query (or of its first bigram found), 0 when none."""
    q = query.strip()
    if q and q in text:
        return text.index(q)
    for g in grams(query):
        at = text.find(g)
        if at >= 0:
            return at
    return 0
