"""drafter.corpus: reading, cleaning and listing corpus files; splitting and de-duplicating speeches."""

from drafter.corpus.clean import (
    ANY_MARKER_RE,
    DATE_RE,
    HEADERISH_END_RE,
    MEETING_PHRASE_RE,
    PIAN_RE,
    SALUTATION_RE,
    SUBTITLE_RE,
    clean_lines,
    is_advert,
    join_soft_breaks,
    normalise_text,
    would_join,
    wrap_length,
)
from drafter.corpus.load import display_name, file_digest, iter_corpus_files, load_paragraphs
from drafter.corpus.read import CORPUS_SUFFIXES, decode_bytes, read_document, soffice_path
from drafter.corpus.split import mark_duplicates, sentence_keys, split_speeches

__all__ = [
    "ANY_MARKER_RE",
    "CORPUS_SUFFIXES",
    "DATE_RE",
    "HEADERISH_END_RE",
    "MEETING_PHRASE_RE",
    "PIAN_RE",
    "SALUTATION_RE",
    "SUBTITLE_RE",
    "clean_lines",
    "decode_bytes",
    "display_name",
    "file_digest",
    "is_advert",
    "iter_corpus_files",
    "join_soft_breaks",
    "load_paragraphs",
    "mark_duplicates",
    "normalise_text",
    "read_document",
    "sentence_keys",
    "soffice_path",
    "split_speeches",
    "would_join",
    "wrap_length",
]
