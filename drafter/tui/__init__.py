"""The Textual wizard (``drafter`` with no arguments): a thin shell over the core."""
