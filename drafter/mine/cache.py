"""The per-file mining cache: JSON entries keyed by the file's content and the code's fingerprint.

Entries live under ``cache_dir()/mine`` (``<user dir>/cache`` by default, so
the cache moves with ``DRAFTER_USER_DIR``; ``DRAFTER_CACHE_DIR`` overrides it).
An entry that does not have the expected shape (a hand-edited or truncated
file, an older layout) is discarded and the file mined again.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from functools import lru_cache
from pathlib import Path
from typing import Any

from drafter.outline import speech_data_ok
from drafter.roles import DATA_DIR
from drafter.util import user_data_dir

CACHE_VERSION = "mine-2"  # mine-2: speeches coded by drafter.outline.speech_to_data


def cache_dir() -> Path:
    """Where cached results live: ``DRAFTER_CACHE_DIR``, else ``<user data dir>/cache``."""
    env = os.environ.get("DRAFTER_CACHE_DIR")
    if env:
        return Path(env)
    return user_data_dir() / "cache"


@lru_cache(maxsize=1)
def _code_fingerprint() -> str:
    """Changes whenever the parser, the labeller, the miner or their data change."""
    h = hashlib.sha256(CACHE_VERSION.encode())
    pkg = Path(__file__).resolve().parent.parent
    files = [
        p
        for name in ("corpus", "outline", "roles", "mine", "text")
        for p in sorted((pkg / name).glob("*.py"))
    ]
    files += sorted(DATA_DIR.glob("*"))
    for f in files:
        try:
            h.update(f.name.encode())
            h.update(f.read_bytes())
        except OSError:
            h.update(b"-")
    return h.hexdigest()[:16]


def code_fingerprint() -> str:
    """A short hash of the parsing, labelling and mining code and data (changes invalidate results)."""
    return _code_fingerprint()


def cache_key(path: Path, data: bytes) -> str:
    h = hashlib.sha256()
    h.update(_code_fingerprint().encode())
    h.update(path.name.encode("utf-8", "surrogatepass"))
    h.update(b"\0")
    h.update(data)
    return h.hexdigest()


def cache_load(key: str) -> dict[str, Any] | None:
    """A cached per-file result, or None when absent, unreadable or not of the expected shape."""
    f = cache_dir() / "mine" / key[:2] / f"{key}.json"
    try:
        with open(f, encoding="utf-8") as fh:
            got = json.load(fh)
    except (OSError, ValueError, RecursionError):
        return None
    if not valid_entry(got):
        with contextlib.suppress(OSError):
            f.unlink()  # discard it: the file is mined again and the entry rewritten
        return None
    return got


def cache_store(key: str, result: dict[str, Any]) -> None:
    """Write a cache entry: temp file + rename (atomic, no fsync: a lost entry only costs time)."""
    if result.get("error"):
        return
    folder = cache_dir() / "mine" / key[:2]
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".", suffix=".tmp", dir=folder)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as fh:
                json.dump(result, fh, ensure_ascii=False, separators=(",", ":"))
            os.replace(tmp, folder / f"{key}.json")
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError:
        return  # a cache that cannot be written only costs time


# ---------------------------------------------------------------------------
# Shape checks (a cache file is data from disk: trust nothing)


def _is_int(x: Any) -> bool:
    return isinstance(x, int) and not isinstance(x, bool)


def _opt_str(x: Any) -> bool:
    return x is None or isinstance(x, str)


def _str_list(x: Any) -> bool:
    return isinstance(x, list) and all(isinstance(v, str) for v in x)


def _candidate_ok(x: Any) -> bool:
    # Exact types (``type(v) is str``): what json.load gives; also rules out bool for the numbers.
    if type(x) is not dict:
        return False
    get = x.get
    src = get("source")
    if not (
        type(get("role")) is str
        and type(get("function")) is str
        and type(get("text")) is str
        and type(get("original")) is str
        and type(get("score")) in (int, float)
        and type(src) is list
        and len(src) == 3
        and type(src[0]) is str
        and type(src[1]) is int
        and type(src[2]) is int
    ):
        return False
    topics = get("topics", [])
    slots = get("slots", [])
    return (
        type(topics) is list
        and type(slots) is list
        and all(type(v) is str for v in topics)
        and all(type(v) is str for v in slots)
    )


def _role_counts_ok(x: Any) -> bool:
    return isinstance(x, dict) and all(
        isinstance(r, str)
        and isinstance(c, dict)
        and all(isinstance(w, str) and _is_int(n) for w, n in c.items())
        for r, c in x.items()
    )


def valid_entry(got: Any) -> bool:
    """True when ``got`` has exactly the shape ``_file_worker`` writes (every field typed)."""
    if not isinstance(got, dict) or got.get("error") is not None or not isinstance(got.get("file"), str):
        return False
    items = got.get("speeches")
    if not isinstance(items, list):
        return False
    for item in items:
        if not isinstance(item, dict) or not speech_data_ok(item.get("speech")):
            return False
        cands = item.get("candidates")
        if not isinstance(cands, list) or not all(_candidate_ok(c) for c in cands):
            return False
        if not _role_counts_ok(item.get("role_counts")):
            return False
    return True
