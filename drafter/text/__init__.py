"""drafter.text."""

from drafter.text.numerals import from_chinese, marker_for, marker_ordinal, to_chinese

__all__ = ["from_chinese", "marker_for", "marker_ordinal", "to_chinese"]
