"""drafter.phrasebank: phrases, blocks, meeting kinds and heading sets, layered from YAML files.

``nodes`` reads files into line-marked YAML nodes, ``entries`` validates every kind of entry,
``layers`` loads and merges folders, ``add`` appends entries safely, ``search`` indexes and ranks them.
"""

from drafter.phrasebank.add import AddResult, add_block, add_phrase
from drafter.phrasebank.entries import (
    BLOCK_MAX_CHARS,
    BLOCK_MIN_CHARS,
    KNOWN_FUNCTIONS,
    KNOWN_TOPICS,
    USER_FILE_HEADER,
    block_chars,
    load_file,
    slot_names,
)
from drafter.phrasebank.layers import Layer, Phrasebank, check_paths, fits_context, load_phrasebank
from drafter.phrasebank.nodes import MAX_FILE_BYTES, control_char, visible
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
    "BLOCK_MAX_CHARS",
    "BLOCK_MIN_CHARS",
    "KNOWN_FUNCTIONS",
    "KNOWN_TOPICS",
    "MAX_FILE_BYTES",
    "USER_FILE_HEADER",
    "AddResult",
    "Hit",
    "Layer",
    "PhraseIndex",
    "Phrasebank",
    "add_block",
    "add_phrase",
    "bigrams",
    "block_chars",
    "check_paths",
    "control_char",
    "fits_context",
    "jaccard",
    "load_file",
    "load_phrasebank",
    "naive_search",
    "searchable_text",
    "slot_names",
    "visible",
    "warm_up",
]
