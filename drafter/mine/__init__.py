"""drafter.mine: structures, heading sets and phrase candidates of a labelled corpus.

``structures`` (role sequences), ``heading_sets`` (排比 frames), ``candidates``
(reusable sentences with slots), ``cache`` (per-file results keyed by content),
``pipeline`` (per-file workers and the one merge step).
"""

from drafter.mine.cache import cache_dir, code_fingerprint, valid_entry
from drafter.mine.candidates import Candidate, classify_function, slotify
from drafter.mine.heading_sets import common_frame, heading_sets_of
from drafter.mine.pipeline import MineResult, analyse_speech, mine, mine_paths, read_speeches
from drafter.mine.structures import Structure, role_sequence, structures

__all__ = [
    "Candidate",
    "MineResult",
    "Structure",
    "analyse_speech",
    "cache_dir",
    "classify_function",
    "code_fingerprint",
    "common_frame",
    "heading_sets_of",
    "mine",
    "mine_paths",
    "read_speeches",
    "role_sequence",
    "slotify",
    "structures",
    "valid_entry",
]
