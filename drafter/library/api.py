"""The writer's library: ``Library.open()`` and what the CLI and the wizard ask of it.

The shipped seeds are kept in a library of their own under the cache dir
(``<cache>/seeds-library.sqlite3``), built by the same import on first use and
re-checked by content hash afterwards (a few milliseconds), so the wizard
never re-mines them at start.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import json
import multiprocessing
import sqlite3
import time
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.corpus import iter_corpus_files
from drafter.errors import DrafterError
from drafter.library.index import first_match, match_expression, score
from drafter.library.ingest import (
    FileOutcome,
    Pending,
    analyse_pending,
    check_file,
    delete_file,
    write_batch,
)
from drafter.library.store import connect, library_path, transaction
from drafter.mine import cache_dir, code_fingerprint
from drafter.model import PHRASE_ROLES, ROLE_LABELS, SECTION_ROLES, Source
from drafter.phrasebank import add_phrase
from drafter.roles import default_model, get_jieba
from drafter.util import seeds_dir

Progress = Callable[[int, int, str], None] | None

ORIGIN_SEEDS = "seeds"
ORIGIN_USER = "user"
SEARCH_ROLES = ("opening", "situation", "tasks", "discipline", "closing")
SEARCH_POOL = 300  # matching paragraphs scored per query
# Files written per transaction: each commit costs a few milliseconds whatever its size (the WAL pages,
# an FTS5 segment), so a batch keeps the write cheap; small enough that a kill loses little work and a
# second process does not wait long for the lock.
BATCH_FILES = 32
BATCH_BYTES = 256_000
_ROLE_RANK = {r: i for i, r in enumerate(PHRASE_ROLES)}


@dataclass
class SpeechInfo:
    source: str
    index: int
    title: str | None
    date: str | None
    speaker: str | None
    sections: int
    path: str

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "index": self.index,
            "title": self.title,
            "date": self.date,
            "speaker": self.speaker,
            "sections": self.sections,
        }


@dataclass
class SearchHit:
    source: str
    index: int
    line: int
    heading: str | None
    role: str | None
    text: str
    score: float
    path: str
    title: str | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "source": self.source,
            "index": self.index,
            "line": self.line,
            "heading": self.heading,
            "role": self.role,
            "text": self.text,
            "score": self.score,
        }


@dataclass
class StructureInfo:
    roles: tuple[str, ...]
    count: int
    speeches: list[tuple[str, int]]
    origin: str

    @property
    def labels(self) -> str:
        return " → ".join(ROLE_LABELS.get(r, r) for r in self.roles)

    def to_dict(self) -> dict[str, Any]:
        return {
            "roles": list(self.roles),
            "count": self.count,
            "speeches": [{"source": s, "index": i} for s, i in self.speeches],
            "origin": self.origin,
        }


@dataclass
class CandidateInfo:
    id: str
    role: str
    function: str
    text: str
    slots: list[str]
    source: tuple[str, int, int]
    topics: list[str] = field(default_factory=list)
    count: int = 1
    score: float = 0.0

    def to_dict(self) -> dict[str, Any]:
        file, speech, line = self.source
        return {
            "id": self.id,
            "role": self.role,
            "function": self.function,
            "text": self.text,
            "slots": self.slots,
            "source": {"file": file, "speech": speech, "line": line},
        }


@dataclass
class ImportReport:
    files: int = 0
    unchanged: int = 0
    speeches: int = 0
    duplicates: int = 0
    errors: list[tuple[str, str]] = field(default_factory=list)
    sections_by_role: dict[str, int] = field(default_factory=lambda: {r: 0 for r in SECTION_ROLES})
    structures: int = 0
    candidates: int = 0

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "speeches": self.speeches,
            "duplicates": self.duplicates,
            "errors": [{"file": f, "message": m} for f, m in self.errors],
            "sections_by_role": dict(self.sections_by_role),
            "structures": self.structures,
            "candidates": self.candidates,
        }


class Library:
    """One library database. ``Library.open()`` is the writer's own (under the user data dir)."""

    def __init__(self, conn: sqlite3.Connection, path: Path, origin: str = ORIGIN_USER) -> None:
        self.conn = conn
        self.path = path
        self.origin = origin

    @classmethod
    def open(cls, path: Path | None = None, *, origin: str = ORIGIN_USER) -> Library:
        target = Path(path) if path is not None else library_path()
        return cls(connect(target), target, origin)

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Library:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- import -------------------------------------------------------------

    def import_paths(
        self, paths: Sequence[str | Path], progress: Progress = None, *, workers: int = 1
    ) -> ImportReport:
        """Import files and folders; unchanged files are skipped by hash.

        Files are written a batch at a time (``BATCH_FILES`` files or ``BATCH_BYTES`` bytes), each batch in
        one transaction: a kill leaves the library as it was after the last whole batch.  With ``workers``
        > 1 the files are parsed in that many processes while this one writes; at most a batch and a few
        parsed files wait in memory at any time.
        """
        tally = _Tally(progress)
        files = tally.files(paths)
        code = _library_code()
        pending: list[Pending] = []
        for f in files:
            got = check_file(self.conn, f, code)
            if isinstance(got, FileOutcome):
                tally.record(f, got)
            else:
                pending.append(got)
        if pending:
            for batch in _batches(_analysed(pending, default_model(), workers)):
                for (item, _parsed), outcome in zip(batch, write_batch(self.conn, batch, code), strict=True):
                    tally.record(item.path, outcome)
        return tally.finish()

    def remove(self, source: str) -> int:
        """Remove the files whose path or file name is ``source`` (or that lie under that folder)."""
        resolved = str(Path(source).expanduser().resolve())
        rows = self.conn.execute(
            "SELECT id FROM files WHERE path = ? OR source = ? OR path LIKE ? ESCAPE '\\'",
            (resolved, source, _like_prefix(resolved.rstrip("/") + "/")),
        ).fetchall()
        if not rows:
            return 0
        with transaction(self.conn):
            for (file_id,) in rows:
                delete_file(self.conn, file_id)
        return len(rows)

    # -- reading ------------------------------------------------------------

    def list_speeches(self) -> list[SpeechInfo]:
        rows = self.conn.execute(
            "SELECT f.source, s.idx, s.title, s.date, s.speaker, s.sections, f.path FROM speeches s "
            "JOIN files f ON f.id = s.file_id ORDER BY f.path, s.idx"
        ).fetchall()
        return [SpeechInfo(*r) for r in rows]

    def search(self, query: str, role: str | None = None, limit: int = 20) -> list[SearchHit]:
        """Paragraphs holding the query's bigrams (all of them; any of them when none holds all)."""
        if limit < 1:
            return []
        scored = [
            (score(query, row[6]), row) for row in self._matching(query, role, max(limit * 10, SEARCH_POOL))
        ]
        scored.sort(key=lambda sr: (-sr[0], sr[1][0], sr[1][1], sr[1][2]))  # as _hit_order
        # Only for the hits shown: which of a wrapped paragraph's lines holds the match.
        return [
            SearchHit(src, idx, _line_of(query, text, line, lines), heading, prole, text, sc, path, title)
            for sc, (src, idx, line, lines, heading, prole, text, path, title) in scored[:limit]
        ]

    def _matching(self, query: str, role: str | None, pool: int) -> list[tuple[Any, ...]]:
        """Up to ``pool`` paragraphs (newest first) with all the query's bigrams, else with any of them."""
        for every in (True, False):
            expr = match_expression(query, every=every)
            if expr is None:
                return []
            sql = (
                "SELECT f.source, s.idx, p.line, p.lines, p.heading, p.role, p.text, f.path, s.title "
                "FROM paragraph_grams g JOIN paragraphs p ON p.id = g.rowid "
                "JOIN speeches s ON s.id = p.speech_id JOIN files f ON f.id = s.file_id "
                "WHERE paragraph_grams MATCH ? AND s.duplicate_of IS NULL"
                + (" AND p.role = ?" if role else "")
                # Newest first, a bounded pool, ranked by one score of our own: fast whatever the library's
                # size (ranking every match by bm25 costs time in proportion to the matches).
                + " ORDER BY g.rowid DESC LIMIT ?"
            )
            args = [expr, role, pool] if role else [expr, pool]
            try:
                rows = self.conn.execute(sql, args).fetchall()
            except sqlite3.OperationalError as exc:
                raise DrafterError(f"检索失败：{exc}", str(self.path)) from exc
            if rows:
                return rows
        return []

    def structures(self) -> list[StructureInfo]:
        """Role sequences of the library's (non-duplicate) speeches, most frequent first."""
        rows = self.conn.execute(
            "SELECT st.roles, f.source, s.idx FROM structures st JOIN speeches s ON s.id = st.speech_id "
            "JOIN files f ON f.id = s.file_id WHERE s.duplicate_of IS NULL ORDER BY f.path, s.idx"
        ).fetchall()
        groups: dict[tuple[str, ...], StructureInfo] = {}
        for roles, src, idx in rows:
            key = tuple(json.loads(roles))
            info = groups.setdefault(key, StructureInfo(key, 0, [], self.origin))
            info.count += 1
            info.speeches.append((src, idx))
        return sorted(groups.values(), key=lambda s: (-s.count, s.roles))

    def candidates(self, role: str | None = None) -> list[CandidateInfo]:
        """Candidates not yet reviewed (identical sentences merged), by role, function and score."""
        sql = (
            "SELECT c.key, c.role, c.function, c.text, c.slots, c.topics, f.source, s.idx, c.line, c.score "
            "FROM candidates c JOIN speeches s ON s.id = c.speech_id JOIN files f ON f.id = s.file_id "
            "WHERE c.status = 'new' AND s.duplicate_of IS NULL"
        )
        args: list[Any] = []
        if role:
            sql += " AND c.role = ?"
            args.append(role)
        sql += " ORDER BY f.path, s.idx, c.line"
        merged: dict[str, CandidateInfo] = {}
        seen: dict[str, set[tuple[str, int]]] = {}
        for key, crole, function, text, slots, topics, src, idx, line, sc in self.conn.execute(sql, args):
            seen.setdefault(key, set()).add((src, idx))
            if key not in merged:
                merged[key] = CandidateInfo(
                    key, crole, function, text, json.loads(slots), (src, idx, line), json.loads(topics), 1, sc
                )
        for key, info in merged.items():
            info.count = len(seen[key])
        return sorted(
            merged.values(), key=lambda c: (_ROLE_RANK.get(c.role, 99), c.function, -c.count, -c.score, c.id)
        )

    # -- review -------------------------------------------------------------

    def _candidate(self, cid: str) -> CandidateInfo:
        cid = cid.strip()
        row = self.conn.execute(
            "SELECT c.key, c.role, c.function, c.text, c.slots, c.topics, f.source, s.idx, c.line, c.score, "
            "c.status FROM candidates c JOIN speeches s ON s.id = c.speech_id JOIN files f ON f.id = s.file_id "
            "WHERE c.key = ? ORDER BY s.duplicate_of IS NOT NULL, f.path, s.idx, c.line LIMIT 1",
            (cid,),
        ).fetchone()
        if row is None:
            raise DrafterError(f"没有编号为“{cid}”的候选短语（用 drafter phrasebank candidates 查看）")
        if row[10] != "new":
            word = "采纳" if row[10] == "accepted" else "舍弃"
            raise DrafterError(f"候选短语“{cid}”已{word}过")
        key, role, function, text, slots, topics, src, idx, line, sc, _status = row
        return CandidateInfo(
            key, role, function, text, json.loads(slots), (src, idx, line), json.loads(topics), 1, sc
        )

    def _decide(self, key: str, status: str, phrase_id: str | None) -> None:
        with transaction(self.conn):
            self.conn.execute(
                "INSERT OR REPLACE INTO decisions(key, status, phrase_id, decided) VALUES (?, ?, ?, ?)",
                (key, status, phrase_id, time.time()),
            )
            self.conn.execute("UPDATE candidates SET status = ? WHERE key = ?", (status, key))

    def accept(self, ids: Sequence[str]) -> list[str]:
        """Append each candidate to the user phrasebank (through ``add_phrase``); the new phrase ids."""
        found = [self._candidate(i) for i in ids]  # every id checked before anything is written
        added = []
        for c in found:
            file, speech, line = c.source
            result = add_phrase(
                c.role,
                c.function,
                c.text,
                topics=c.topics,
                notes=f"讲话稿库候选 {c.id}",
                source=Source(file=file, speech=speech, line=line),
            )
            self._decide(c.id, "accepted", result.id)
            added.append(result.id)
        return added

    def reject(self, ids: Sequence[str]) -> int:
        found = [self._candidate(i) for i in ids]
        for c in found:
            self._decide(c.id, "rejected", None)
        return len(found)


def _analysed(pending: list[Pending], model: Any, workers: int) -> Iterator[tuple[Pending, Any]]:
    """Parse pending files here, or in ``workers`` processes (forked: jieba and the model are shared)."""
    if workers <= 1 or len(pending) < 2:
        for item in pending:
            yield analyse_pending(item, model)
        return
    get_jieba()  # load once; forked workers inherit it
    methods = multiprocessing.get_all_start_methods()
    ctx = multiprocessing.get_context("fork" if "fork" in methods else "spawn")
    with ctx.Pool(min(workers, len(pending))) as pool:
        yield from pool.imap(analyse_pending, pending, chunksize=1)


class _Tally:
    """What an import did, file by file, and its progress."""

    def __init__(self, progress: Progress) -> None:
        self.progress = progress
        self.report = ImportReport()
        self.roles: Counter[str] = Counter()
        self.structures: set[str] = set()
        self.total = 0
        self.done = 0

    def files(self, paths: Sequence[str | Path]) -> list[Path]:
        """The files to import under ``paths`` (a path that cannot be listed is an error of the report)."""
        files: list[Path] = []
        for p in paths:
            try:
                files.extend(iter_corpus_files([p]))
            except DrafterError as exc:
                self.report.errors.append((str(p), exc.message))
        self.total = len(files)
        return files

    def record(self, f: Path, outcome: FileOutcome) -> None:
        report = self.report
        self.done += 1
        if outcome.status == "unchanged":
            report.unchanged += 1
        elif outcome.status == "error":
            report.errors.append((str(f), outcome.error or "无法导入"))
        else:
            report.files += 1
            report.speeches += outcome.speeches
            report.duplicates += outcome.duplicates
            report.candidates += outcome.candidates
            self.roles.update(outcome.sections_by_role)
            self.structures.update(outcome.structures)
        if self.progress:
            self.progress(self.done, self.total, f.name)

    def finish(self) -> ImportReport:
        self.report.sections_by_role = {r: self.roles.get(r, 0) for r in SECTION_ROLES}
        self.report.structures = len(self.structures)
        return self.report


def _batches(analysed: Iterable[tuple[Pending, Any]]) -> Iterator[list[tuple[Pending, Any]]]:
    """Analysed files in batches of at most ``BATCH_FILES`` files or about ``BATCH_BYTES`` bytes."""
    batch: list[tuple[Pending, Any]] = []
    size = 0
    for item in analysed:
        batch.append(item)
        size += item[0].size
        if len(batch) >= BATCH_FILES or size >= BATCH_BYTES:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


@functools.lru_cache(maxsize=1)
def _library_code() -> str:
    """The miner's fingerprint and this package's code: a change to either re-imports changed files."""
    h = hashlib.sha256(code_fingerprint().encode())
    for f in sorted(Path(__file__).resolve().parent.glob("*.py")):
        h.update(f.read_bytes())
    return h.hexdigest()[:16]


def _like_prefix(prefix: str) -> str:
    return prefix.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"


def _line_of(query: str, text: str, line: int, lines: str | None) -> int:
    """The original line holding the match (a paragraph joined from wrapped lines spans several)."""
    if not lines:
        return line
    at = first_match(query, text)
    best = line
    for offset, ln in json.loads(lines):
        if offset <= at:
            best = ln
    return best


def _hit_order(h: SearchHit) -> tuple[Any, ...]:
    return (-h.score, h.source, h.index, h.line)


# ---------------------------------------------------------------------------
# The shipped seeds, and both together


def seeds_library_path() -> Path:
    return cache_dir() / "seeds-library.sqlite3"


def open_seeds() -> Library:
    """The seeds' library, brought up to date (imports only when a seed or the code changed)."""
    path = seeds_library_path()
    try:
        lib = Library.open(path, origin=ORIGIN_SEEDS)
    except DrafterError:
        # It is only a cache: a damaged or outdated one is rebuilt.
        for leftover in (path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")):
            with contextlib.suppress(OSError):
                leftover.unlink()
        lib = Library.open(path, origin=ORIGIN_SEEDS)
        _SEEDS_CHECKED.discard((path, seeds_dir()))
    folder = seeds_dir()
    if folder.is_dir() and (path, folder) not in _SEEDS_CHECKED:
        lib.import_paths([folder])
        _SEEDS_CHECKED.add((path, folder))  # once per process: the shipped seeds do not change under us
    return lib


_SEEDS_CHECKED: set[tuple[Path, Path]] = set()


def all_structures() -> list[StructureInfo]:
    """What the wizard offers: the seeds' structures, then the writer's own (``origin`` tells which)."""
    with open_seeds() as seeds:
        out = seeds.structures()
    if library_path().exists():
        with Library.open() as lib:
            out.extend(lib.structures())
    return out


def search_all(query: str, role: str | None = None, limit: int = 20) -> list[SearchHit]:
    """Paragraphs from the writer's library and the shipped seeds, best first."""
    with open_seeds() as seeds:
        hits = seeds.search(query, role, limit)
    if library_path().exists():
        with Library.open() as lib:
            hits.extend(lib.search(query, role, limit))
    hits.sort(key=_hit_order)
    unique: dict[tuple[str, int, int, str], SearchHit] = {}
    for h in hits:  # a seed imported into the library too is shown once
        unique.setdefault((h.source, h.index, h.line, h.text), h)
    return list(unique.values())[:limit]
