"""Size and time limits for reading corpus files (one place, so every reader agrees)."""

from __future__ import annotations

# One paragraph longer than this is not a speech (a dump, a binary blob, a file without line breaks).
MAX_PARAGRAPH_CHARS = 200_000
# A text file larger than this is not one office's speech file.
MAX_TEXT_BYTES = 64 * 1024 * 1024
# A .docx may hold pictures: the package can be large, what is inflated from it cannot.
MAX_PACKAGE_BYTES = 256 * 1024 * 1024
MAX_PART_BYTES = 64 * 1024 * 1024
# XML compresses 10-30x, rarely above 100x; a bomb of zeros or spaces compresses ~1000x.
MAX_RATIO = 200
RATIO_FLOOR = 1024 * 1024  # parts smaller than this are not ratio-checked
# A .doc / .wps handed to LibreOffice, and the time one conversion may take.
MAX_CONVERTED_BYTES = 64 * 1024 * 1024
CONVERT_TIMEOUT = 120  # seconds
