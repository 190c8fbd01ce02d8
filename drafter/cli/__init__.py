"""Command-line shells over the core: ``main`` is the ``drafter`` entry point."""

from drafter.cli.entry import main

__all__ = ["main"]
