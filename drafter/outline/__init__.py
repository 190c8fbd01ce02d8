"""drafter.outline.parser."""

from drafter.outline.parser import CorpusResult, parse_corpus, parse_speech, speech_to_dict, speech_to_text

__all__ = ["CorpusResult", "parse_corpus", "parse_speech", "speech_to_dict", "speech_to_text"]
