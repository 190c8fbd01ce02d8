"""drafter.phrasebank.layers."""

from drafter.phrasebank.layers import (
    KNOWN_TOPICS,
    MAX_FILE_BYTES,
    USER_FILE_HEADER,
    add_phrase,
    check_paths,
    load_file,
    load_phrasebank,
    slot_names,
)
from drafter.phrasebank.search import (
    Hit,
    PhraseIndex,
    bigrams,
    jaccard,
    naive_search,
    searchable_text,
    warm_up,
)

__all__ = [
    "KNOWN_TOPICS",
    "MAX_FILE_BYTES",
    "USER_FILE_HEADER",
    "Hit",
    "PhraseIndex",
    "add_phrase",
    "bigrams",
    "check_paths",
    "jaccard",
    "load_file",
    "load_phrasebank",
    "naive_search",
    "searchable_text",
    "slot_names",
    "warm_up",
]
