"""drafter.mine: structures, heading sets and phrase candidates of a labelled corpus.

``structures`` (role sequences), ``heading_sets`` (排比 frames), ``candidates``
(reusable sentences with slots), ``cache`` (per-file results keyed by content),
``pipeline`` (per-file workers and the one merge step), ``blocks`` (paragraph
blocks with provenance for the phrasebank).
"""

from drafter.mine.blocks import (
    BlockMining,
    Rejection,
    TopicRule,
    blocks_yaml,
    mine_block_paths,
    mine_blocks,
    topic_rules,
)
from drafter.mine.cache import cache_dir, code_fingerprint, valid_entry
from drafter.mine.candidates import Candidate, classify_function, slotify
from drafter.mine.heading_sets import common_frame, heading_sets_of
from drafter.mine.pipeline import MineResult, analyse_speech, mine, mine_paths, read_speeches
from drafter.mine.structures import Structure, role_sequence, structures

__all__ = [
    "BlockMining",
    "Candidate",
    "MineResult",
    "Rejection",
    "Structure",
    "TopicRule",
    "analyse_speech",
    "blocks_yaml",
    "cache_dir",
    "classify_function",
    "code_fingerprint",
    "common_frame",
    "heading_sets_of",
    "mine",
    "mine_block_paths",
    "mine_blocks",
    "mine_paths",
    "read_speeches",
    "role_sequence",
    "slotify",
    "structures",
    "topic_rules",
    "valid_entry",
]
