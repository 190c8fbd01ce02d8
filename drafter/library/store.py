"""The library file: one SQLite database (WAL, busy timeout), its schema and its connection.

Every write is one transaction (``BEGIN IMMEDIATE`` … ``COMMIT``), so a
killed process leaves the database as it was before that file's import, and
two processes wait for each other instead of failing (WAL lets readers go on
while one writer works).
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator
from pathlib import Path

from drafter.errors import DrafterError
from drafter.util import locked, user_data_dir

LIBRARY_FILE = "library.sqlite3"
SCHEMA_VERSION = "1"
BUSY_TIMEOUT_MS = 60_000

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS files (
    id INTEGER PRIMARY KEY,
    path TEXT NOT NULL UNIQUE,          -- resolved path of the original file
    source TEXT NOT NULL,               -- its file name, as outline/mine show it
    hash TEXT NOT NULL,                 -- sha256 of the file's bytes
    code TEXT NOT NULL,                 -- fingerprint of the parsing/mining code that read it
    size INTEGER NOT NULL,
    imported REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS speeches (
    id INTEGER PRIMARY KEY,
    file_id INTEGER NOT NULL REFERENCES files(id) ON DELETE CASCADE,
    idx INTEGER NOT NULL,               -- 0-based position of the speech in its file
    title TEXT, subtitle TEXT, date TEXT, speaker TEXT,
    line INTEGER,
    sections INTEGER NOT NULL,
    sentences INTEGER NOT NULL,         -- size of its fingerprint (for near-duplicate checks)
    duplicate_of INTEGER,               -- speeches.id of the earlier near-identical speech
    UNIQUE (file_id, idx)
);
CREATE INDEX IF NOT EXISTS speeches_file ON speeches(file_id);
CREATE TABLE IF NOT EXISTS paragraphs (
    id INTEGER PRIMARY KEY,
    speech_id INTEGER NOT NULL REFERENCES speeches(id) ON DELETE CASCADE,
    line INTEGER NOT NULL,              -- 1-based line of the original file where the paragraph starts
    lines TEXT,                         -- JSON [[char offset, line], ...] when it spans several lines
    heading TEXT,
    role TEXT,
    text TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS paragraphs_speech ON paragraphs(speech_id);
CREATE VIRTUAL TABLE IF NOT EXISTS paragraph_grams USING fts5(
    grams, content='', detail='none', tokenize='unicode61'
);
CREATE TABLE IF NOT EXISTS structures (
    speech_id INTEGER PRIMARY KEY REFERENCES speeches(id) ON DELETE CASCADE,
    roles TEXT NOT NULL,                -- collapsed role sequence, JSON list
    sequence TEXT NOT NULL              -- roles of every top-level section, JSON list
);
CREATE INDEX IF NOT EXISTS structures_roles ON structures(roles);
CREATE TABLE IF NOT EXISTS heading_sets (
    id INTEGER PRIMARY KEY,
    speech_id INTEGER NOT NULL REFERENCES speeches(id) ON DELETE CASCADE,
    frame TEXT NOT NULL, items TEXT NOT NULL, role TEXT NOT NULL, line INTEGER NOT NULL
);
CREATE INDEX IF NOT EXISTS heading_sets_speech ON heading_sets(speech_id);
CREATE TABLE IF NOT EXISTS candidates (
    id INTEGER PRIMARY KEY,
    speech_id INTEGER NOT NULL REFERENCES speeches(id) ON DELETE CASCADE,
    key TEXT NOT NULL,                  -- the id shown to the writer: hash of role and text
    role TEXT NOT NULL, function TEXT NOT NULL, text TEXT NOT NULL, original TEXT NOT NULL,
    slots TEXT NOT NULL, topics TEXT NOT NULL,
    line INTEGER NOT NULL, score REAL NOT NULL,
    status TEXT NOT NULL DEFAULT 'new' CHECK (status IN ('new', 'accepted', 'rejected'))
);
CREATE INDEX IF NOT EXISTS candidates_key ON candidates(key);
CREATE INDEX IF NOT EXISTS candidates_speech ON candidates(speech_id);
CREATE TABLE IF NOT EXISTS decisions (    -- survives re-imports: a rejected sentence stays rejected
    key TEXT PRIMARY KEY,
    status TEXT NOT NULL CHECK (status IN ('accepted', 'rejected')),
    phrase_id TEXT,
    decided REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS fingerprints (hash INTEGER NOT NULL, speech_id INTEGER NOT NULL
    REFERENCES speeches(id) ON DELETE CASCADE);
CREATE INDEX IF NOT EXISTS fingerprints_hash_speech ON fingerprints(hash, speech_id);  -- covering
CREATE INDEX IF NOT EXISTS fingerprints_speech ON fingerprints(speech_id);
"""


def library_path() -> Path:
    """``<user data dir>/library.sqlite3`` (moves with ``DRAFTER_USER_DIR``)."""
    return user_data_dir() / LIBRARY_FILE


def connect(path: Path) -> sqlite3.Connection:
    """Open (creating if needed) the database at ``path``; a Chinese ``DrafterError`` when it cannot."""
    shown = str(path)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise DrafterError(f"无法创建文件夹：{exc.strerror or exc}", str(path.parent)) from exc
    try:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)
    except sqlite3.Error as exc:
        raise DrafterError(f"无法打开讲话稿库：{exc}", shown) from exc
    try:
        # Two processes opening a new library at once would race on the journal-mode switch and the
        # schema (SQLite answers "database is locked" there without waiting): set up under a file lock.
        with locked(path, timeout=BUSY_TIMEOUT_MS / 1000):
            _set_up(conn, shown)
    except sqlite3.OperationalError as exc:
        conn.close()
        if "locked" in str(exc) or "busy" in str(exc):
            raise DrafterError("讲话稿库正被另一个 drafter 进程长时间占用，请稍后再试", shown) from exc
        raise DrafterError(f"讲话稿库文件已损坏或不是数据库（{exc}），请删除此文件后重新导入", shown) from exc
    except sqlite3.DatabaseError as exc:
        conn.close()
        raise DrafterError(f"讲话稿库文件已损坏或不是数据库（{exc}），请删除此文件后重新导入", shown) from exc
    except BaseException:
        conn.close()
        raise
    return conn


def _set_up(conn: sqlite3.Connection, shown: str) -> None:
    """Journal mode, pragmas and schema of a fresh connection."""
    conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
    mode = conn.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if str(mode).lower() != "wal":
        conn.execute("PRAGMA journal_mode = DELETE")
    conn.execute("PRAGMA synchronous = NORMAL")
    conn.execute("PRAGMA foreign_keys = ON")
    version = _schema_version(conn)
    if version is None:
        # One script, one transaction (executescript would commit a transaction opened outside it).
        conn.executescript(
            "BEGIN IMMEDIATE;\n"
            + SCHEMA
            + f"\nINSERT OR IGNORE INTO meta(key, value) VALUES ('schema', '{SCHEMA_VERSION}');\nCOMMIT;"
        )
    elif version != SCHEMA_VERSION:
        raise DrafterError(
            f"讲话稿库的格式版本（{version}）与本程序（{SCHEMA_VERSION}）不符，请删除此文件后重新导入",
            shown,
        )
    else:
        _add_indexes(conn)


# Indexes added after a schema version was released (an index changes no data: same version).
_LATER_INDEXES = (
    # The duplicate check reads (hash, speech_id) pairs: a covering index spares a table lookup per pair.
    ("fingerprints_hash_speech", "CREATE INDEX fingerprints_hash_speech ON fingerprints(hash, speech_id)",
     "DROP INDEX IF EXISTS fingerprints_hash"),
)  # fmt: skip


def _add_indexes(conn: sqlite3.Connection) -> None:
    """Bring an existing library's indexes up to date (once, in one transaction)."""
    names = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
    missing = [(create, drop) for name, create, drop in _LATER_INDEXES if name not in names]
    if missing:
        with transaction(conn):
            for create, drop in missing:
                conn.execute(create)
                conn.execute(drop)


def _schema_version(conn: sqlite3.Connection) -> str | None:
    has_meta = conn.execute("SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = 'meta'").fetchone()
    if not has_meta:
        return None
    row = conn.execute("SELECT value FROM meta WHERE key = 'schema'").fetchone()
    return row[0] if row else None


@contextlib.contextmanager
def transaction(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """``BEGIN IMMEDIATE`` … ``COMMIT`` (rolled back on any exception, including KeyboardInterrupt)."""
    conn.execute("BEGIN IMMEDIATE")
    try:
        yield conn
    except BaseException:
        conn.execute("ROLLBACK")
        raise
    conn.execute("COMMIT")
