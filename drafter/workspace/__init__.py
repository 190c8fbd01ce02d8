"""drafter.workspace."""

from drafter.workspace.session import DraftRecord

__all__ = ["DraftRecord"]
