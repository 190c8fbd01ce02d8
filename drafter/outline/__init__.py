"""drafter.outline: one speech's tree (front matter, opening, sections, closing) and its codecs."""

from drafter.outline.parser import CorpusResult, parse_corpus, parse_file, parse_speech
from drafter.outline.serialize import (
    section_to_dict,
    speech_data_ok,
    speech_from_data,
    speech_to_data,
    speech_to_dict,
    speech_to_text,
)

__all__ = [
    "CorpusResult",
    "parse_corpus",
    "parse_file",
    "parse_speech",
    "section_to_dict",
    "speech_data_ok",
    "speech_from_data",
    "speech_to_data",
    "speech_to_dict",
    "speech_to_text",
]
