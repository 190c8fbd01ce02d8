"""Outline parsing throughput: MB of text per second, parsing alone.

Baseline side by side: a bare line split + one regex scan over the same text
(the least any parser must do), so the figure is also given as a ratio.
"""

from __future__ import annotations

import re
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drafter.corpus import clean_lines, read_document, split_speeches  # noqa: E402
from drafter.outline import parse_speech  # noqa: E402

_MARKER = re.compile(r"^(?:[一二三四五六七八九十]+、|（[一二三四五六七八九十]+）)")


def _speeches(target_mb: float):
    """Seed speeches (cleaned and split), repeated until about target_mb of UTF-8 text."""
    base = []
    for path in sorted((ROOT / "seeds").glob("*.txt")):
        paras = clean_lines(read_document(path))
        base.extend(split_speeches(paras, path.name, str(path)))
    size = sum(len(p.text.encode("utf-8")) + 1 for sp in base for p in sp)
    reps = max(1, round(target_mb * 1_000_000 / size))
    return base * reps, size * reps


def run(quick: bool = False) -> dict:
    speeches, nbytes = _speeches(1.0 if quick else 5.0)
    mb = nbytes / 1_000_000

    t0 = time.perf_counter()
    for paras in speeches:
        parse_speech(paras)
    parse_s = time.perf_counter() - t0

    t0 = time.perf_counter()
    hits = 0
    for paras in speeches:
        for p in paras:
            if _MARKER.match(p.text):
                hits += 1
    scan_s = time.perf_counter() - t0

    return {
        "outline_mb": round(mb, 2),
        "outline_seconds": round(parse_s, 3),
        "outline_mb_per_s": round(mb / parse_s, 2),
        "outline_vs_regex_scan_ratio": round(parse_s / max(scan_s, 1e-9), 1),
    }


if __name__ == "__main__":
    for key, value in run(quick="--quick" in sys.argv).items():
        print(f"{key:32} {value}")
