"""drafter.corpus.read."""

from drafter.corpus.read import ANY_MARKER_RE, CN_NUM, DATE_RE, HEADERISH_END_RE, MEETING_PHRASE_RE, PIAN_RE, SALUTATION_RE, SUBTITLE_RE, clean_lines, decode_bytes, iter_corpus_files, join_soft_breaks, mark_duplicates, normalise_text, read_document, split_speeches, would_join, wrap_length

__all__ = ['ANY_MARKER_RE', 'CN_NUM', 'DATE_RE', 'HEADERISH_END_RE', 'MEETING_PHRASE_RE', 'PIAN_RE', 'SALUTATION_RE', 'SUBTITLE_RE', 'clean_lines', 'decode_bytes', 'iter_corpus_files', 'join_soft_breaks', 'mark_duplicates', 'normalise_text', 'read_document', 'split_speeches', 'would_join', 'wrap_length']
