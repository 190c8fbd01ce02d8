"""drafter.library: the writer's own archive of speeches in SQLite.

``store`` (the database file, schema, transactions), ``index`` (bigram
full-text search), ``ingest`` (one file: hash, parse, label, mine, write in one
transaction), ``api`` (``Library`` and the seeds' library).
"""

from drafter.library.api import (
    ORIGIN_SEEDS,
    ORIGIN_USER,
    CandidateInfo,
    ImportReport,
    Library,
    SearchHit,
    SpeechInfo,
    StructureInfo,
    all_structures,
    open_seeds,
    search_all,
    seeds_library_path,
)
from drafter.library.store import library_path

__all__ = [
    "ORIGIN_SEEDS",
    "ORIGIN_USER",
    "CandidateInfo",
    "ImportReport",
    "Library",
    "SearchHit",
    "SpeechInfo",
    "StructureInfo",
    "all_structures",
    "library_path",
    "open_seeds",
    "search_all",
    "seeds_library_path",
]
