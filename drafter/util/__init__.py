"""drafter.util."""

from drafter.util.fsutil import atomic_write
from drafter.util.locks import lock_path, locked
from drafter.util.resources import (
    phrasebank_dir,
    project_root,
    seeds_dir,
    templates_dir,
    user_data_dir,
    user_drafts_dir,
    user_phrasebank_dir,
    user_templates_dir,
)

__all__ = [
    "atomic_write",
    "lock_path",
    "locked",
    "phrasebank_dir",
    "project_root",
    "seeds_dir",
    "templates_dir",
    "user_data_dir",
    "user_drafts_dir",
    "user_phrasebank_dir",
    "user_templates_dir",
]
