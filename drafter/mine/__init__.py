"""drafter.mine.pipeline."""

from drafter.mine.pipeline import common_frame, mine, mine_paths, slotify, structures

__all__ = ["common_frame", "mine", "mine_paths", "slotify", "structures"]
