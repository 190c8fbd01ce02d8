"""Importing files into the library: hash, read, split, outline, label, mine; then a transaction per batch.

The expensive part (parsing, jieba once per paragraph, labelling, candidates) runs
outside any transaction; ``write_batch`` then writes a batch of analysed files in a
single ``BEGIN IMMEDIATE`` transaction: each file's old rows are replaced (cascade),
its hash re-checked under the lock so two processes importing the same file end
with one copy.  Nothing of a file is kept in memory once its batch is written.
"""

from __future__ import annotations

import hashlib
import json
import re
import sqlite3
import time
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drafter.corpus import sentence_keys
from drafter.corpus.limits import MAX_PACKAGE_BYTES
from drafter.errors import DrafterError
from drafter.library.index import gram_text
from drafter.library.store import transaction
from drafter.mine import heading_sets_of, read_speeches, role_sequence
from drafter.mine.candidates import Candidate, fix_lines, speech_candidates
from drafter.model import ROLE_CLOSING, ROLE_OPENING, ROLE_TASKS, Para, Speech
from drafter.roles import CueModel, label_speech, tokenize
from drafter.util.safeio import read_bounded

_NON_TEXT = re.compile(r"[\s\u3000]+")
DUPLICATE_THRESHOLD = 0.6
MIN_SENTENCES = 5
MAX_POSTING = 32


@dataclass
class FileOutcome:
    """What importing one file did."""

    status: str  # "imported", "unchanged" or "error"
    speeches: int = 0
    duplicates: int = 0
    sections_by_role: Counter[str] = field(default_factory=Counter)
    structures: set[str] = field(default_factory=set)
    candidates: int = 0
    error: str | None = None


@dataclass
class _Analysed:
    speech: Speech
    candidates: list[Candidate]
    fingerprint: set[int]


def content_hash(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def candidate_key(role: str, text: str) -> str:
    """The id a writer types to accept or reject a candidate: stable across re-imports."""
    return hashlib.sha1(f"{role}\0{text}".encode()).hexdigest()[:10]


def _stable_hash(text: str) -> int:
    return int.from_bytes(hashlib.blake2b(text.encode("utf-8"), digest_size=8).digest(), "big", signed=True)


def fingerprint(speech: Speech) -> set[int]:
    """Stable hashes of the speech's sentences (punctuation and spaces removed, at least 8 characters)."""
    return {_stable_hash(key) for key in sentence_keys(speech)}


def line_spans(para: Para, raw_lines: dict[int, str], reach: int = 200) -> list[list[int]] | None:
    """``[[char offset, line], ...]`` when a paragraph was joined from several wrapped lines, else None."""
    text = para.text
    first = raw_lines.get(para.line)
    if first is None or first.strip() == text or _NON_TEXT.sub("", first) == _NON_TEXT.sub("", text):
        return None
    spans = [[0, para.line]]
    pos = len(first.strip())
    for line in range(para.line + 1, para.line + reach):
        if pos >= len(text):
            break
        raw = raw_lines.get(line)
        if raw is None:
            break
        probe = raw.strip()[:6]
        if not probe:
            continue
        at = text.find(probe, max(0, pos - 4))
        if at < 0:
            break
        spans.append([at, line])
        pos = at + len(raw.strip())
    return spans if len(spans) > 1 else None


def analyse_file(path: Path, model: CueModel | None) -> tuple[list[_Analysed], dict[int, str]]:
    """Read, split, outline, label and mine one file (raises DrafterError)."""
    speeches, raw_lines = read_speeches(path)
    out = []
    for speech in speeches:
        memo: dict[str, list[str]] = {}

        def tok(text: str, memo: dict[str, list[str]] = memo) -> list[str]:
            got = memo.get(text)
            if got is None:
                got = memo[text] = tokenize(text)
            return got

        label_speech(speech, model, tok)
        cands = speech_candidates(speech, tok, review=True)
        fix_lines(cands, raw_lines)
        out.append(_Analysed(speech, cands, fingerprint(speech)))
    return out, raw_lines


def _paragraph_rows(speech: Speech) -> list[tuple[Para, str | None, str]]:
    rows: list[tuple[Para, str | None, str]] = [(p, None, ROLE_OPENING) for p in speech.opening]
    for sec in speech.sections:
        role = sec.role or ROLE_TASKS
        for node in sec.iter_sections():
            heading = f"{node.marker}{node.heading}".strip() or None
            if node.heading and node.line:
                rows.append((Para(node.heading, node.line), heading, role))  # headings are searched too
            rows.extend((p, heading, role) for p in node.paragraphs)
    rows.extend((p, None, ROLE_CLOSING) for p in speech.closing)
    return rows


def _find_original(conn: sqlite3.Connection, fp: set[int]) -> tuple[int | None, list[int]]:
    """(The earlier speech this one nearly repeats (sentence containment >= 60 %) or None, the hashes
    of ``fp`` to record for it: those whose posting list is not full yet).

    Posting lists stay short (as in corpus.mark_duplicates): a sentence already in MAX_POSTING
    speeches (boilerplate) is not recorded again, so the duplicate check stays linear.  The hashes go
    to SQLite as one JSON list (no limit on parameters); SQLite counts the shared sentences per
    speech and returns only the speeches near the threshold, which are then checked exactly here.
    """
    if not fp:
        return None, []
    hashes = sorted(fp)
    listed = json.dumps(hashes)
    full = {
        h
        for (h,) in conn.execute(
            "SELECT hash FROM fingerprints WHERE hash IN (SELECT value FROM json_each(?)) "
            "GROUP BY hash HAVING COUNT(*) >= ?",
            (listed, MAX_POSTING),
        )
    }
    record = [h for h in hashes if h not in full]
    if len(fp) < MIN_SENTENCES:
        return None, record
    best: tuple[float, int] | None = None
    # A speech sharing fewer than 3 sentences cannot reach the threshold (it is met over >= MIN_SENTENCES);
    # the SQL bound is a little looser than the threshold, the exact test is the division below.
    for speech_id, size, dup_of, shared in conn.execute(
        "SELECT s.id, s.sentences, s.duplicate_of, g.n FROM (SELECT speech_id, COUNT(*) AS n FROM fingerprints "
        "WHERE hash IN (SELECT value FROM json_each(?)) GROUP BY speech_id) g JOIN speeches s ON s.id = g.speech_id "
        "WHERE g.n >= ? AND g.n >= ? * MIN(s.sentences, ?)",
        (listed, DUPLICATE_THRESHOLD * MIN_SENTENCES, 0.99 * DUPLICATE_THRESHOLD, len(fp)),
    ):
        smaller = min(len(fp), size)
        if smaller < MIN_SENTENCES:
            continue
        score = shared / smaller
        target = dup_of or speech_id
        if score >= DUPLICATE_THRESHOLD and (
            best is None or score > best[0] or (score == best[0] and target < best[1])
        ):
            best = (score, target)
    return (best[1] if best else None), record


def delete_file(conn: sqlite3.Connection, file_id: int) -> None:
    """Remove a file's rows (the FTS5 bigrams first: the table is contentless)."""
    rows = conn.execute(
        "SELECT p.id, p.text FROM paragraphs p JOIN speeches s ON s.id = p.speech_id WHERE s.file_id = ?",
        (file_id,),
    ).fetchall()
    conn.executemany(
        "INSERT INTO paragraph_grams(paragraph_grams, rowid, grams) VALUES ('delete', ?, ?)",
        ((pid, gram_text(text)) for pid, text in rows),
    )
    gone = [r[0] for r in conn.execute("SELECT id FROM speeches WHERE file_id = ?", (file_id,))]
    conn.execute("DELETE FROM files WHERE id = ?", (file_id,))
    if gone:
        marks = ",".join("?" * len(gone))
        conn.execute(f"UPDATE speeches SET duplicate_of = NULL WHERE duplicate_of IN ({marks})", gone)


def _json(values: list[Any]) -> str:
    return json.dumps(values, ensure_ascii=False) if values else "[]"


class _Writer:
    """Writes analysed files into the library, inside a transaction the caller holds.

    Keeps what is shared by the files of one transaction: whether any review decision exists and
    the decisions already looked up.
    """

    def __init__(self, conn: sqlite3.Connection, code: str) -> None:
        self.conn = conn
        self.code = code
        self.any_decisions = conn.execute("SELECT 1 FROM decisions LIMIT 1").fetchone() is not None
        self.decided: dict[str, str] = {}

    def file(self, pending: Pending, analysed: list[_Analysed], raw_lines: dict[int, str]) -> FileOutcome:
        """Replace the file's old rows by the analysed ones (``unchanged`` when another process was first)."""
        conn = self.conn
        old = conn.execute("SELECT id, hash, code FROM files WHERE path = ?", (pending.key,)).fetchone()
        if old and old[1] == pending.digest and old[2] == self.code:
            return FileOutcome("unchanged")  # another process imported it meanwhile
        if old:
            delete_file(conn, old[0])
        file_id = conn.execute(
            "INSERT INTO files(path, source, hash, code, size, imported) VALUES (?, ?, ?, ?, ?, ?)",
            (pending.key, pending.path.name, pending.digest, self.code, pending.size, time.time()),
        ).lastrowid
        # Paragraph ids are given here (under the write lock) so that paragraphs and their bigrams go in
        # two batches.
        next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM paragraphs").fetchone()[0]
        outcome = FileOutcome("imported")
        for item in analysed:
            next_id = self.speech(file_id, item, raw_lines, next_id, outcome)
        return outcome

    def speech(
        self, file_id: int, item: _Analysed, raw_lines: dict[int, str], next_id: int, outcome: FileOutcome
    ) -> int:
        """Store one speech and its paragraphs (searchable even when a near-duplicate); the next free
        paragraph id.  Structure, heading sets and candidates only for a speech that repeats none."""
        sp = item.speech
        original, record = _find_original(self.conn, item.fingerprint)
        speech_id = self.conn.execute(
            "INSERT INTO speeches(file_id, idx, title, subtitle, date, speaker, line, sections, sentences, "
            "duplicate_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (file_id, sp.index, sp.title, sp.subtitle, sp.date, sp.speaker, sp.line, len(sp.sections),
             len(item.fingerprint), original),
        ).lastrowid  # fmt: skip
        self.conn.executemany(
            "INSERT INTO fingerprints(hash, speech_id) VALUES (?, ?)", [(h, speech_id) for h in record]
        )
        rows = [
            (next_id + k, speech_id, para.line, _spans_json(para, raw_lines), heading, role, para.text)
            for k, (para, heading, role) in enumerate(_paragraph_rows(sp))
        ]
        self.conn.executemany(
            "INSERT INTO paragraphs(id, speech_id, line, lines, heading, role, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
            rows,
        )
        self.conn.executemany(
            "INSERT INTO paragraph_grams(rowid, grams) VALUES (?, ?)", [(r[0], gram_text(r[6])) for r in rows]
        )
        outcome.speeches += 1
        if original is None:
            self.mined(speech_id, item, outcome)
        else:
            outcome.duplicates += 1  # searchable, but counted once: no structure, sets or candidates
        return next_id + len(rows)

    def mined(self, speech_id: int, item: _Analysed, outcome: FileOutcome) -> None:
        """The speech's structure, heading sets and phrase candidates (with their review status)."""
        sp = item.speech
        sequence = [sec.role or ROLE_TASKS for sec in sp.sections]
        outcome.sections_by_role.update(sequence)
        if sp.sections:
            roles = _json(list(role_sequence(sp)))
            self.conn.execute(
                "INSERT INTO structures(speech_id, roles, sequence) VALUES (?, ?, ?)",
                (speech_id, roles, _json(sequence)),
            )
            outcome.structures.add(roles)
        self.conn.executemany(
            "INSERT INTO heading_sets(speech_id, frame, items, role, line) VALUES (?, ?, ?, ?, ?)",
            [
                (speech_id, hs.frame, _json(hs.items), hs.role, hs.source.line if hs.source else 0)
                for hs, _where in heading_sets_of(sp)
            ],
        )
        rows = []
        for c in item.candidates:
            key = candidate_key(c.role, c.text)
            status = self.status(key)
            rows.append(
                (speech_id, key, c.role, c.function, c.text, c.original, _json(c.slots), _json(c.topics),
                 c.source.line, c.score, status)
            )  # fmt: skip
            outcome.candidates += status == "new"
        self.conn.executemany(
            "INSERT INTO candidates(speech_id, key, role, function, text, original, slots, topics, line, "
            "score, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            rows,
        )

    def status(self, key: str) -> str:
        """A candidate's review status: the writer's earlier decision on the same sentence, else ``new``."""
        got = self.decided.get(key)
        if got is None:
            row = None
            if self.any_decisions:
                row = self.conn.execute("SELECT status FROM decisions WHERE key = ?", (key,)).fetchone()
            got = self.decided[key] = row[0] if row else "new"
        return got


def _spans_json(para: Para, raw_lines: dict[int, str]) -> str | None:
    spans = line_spans(para, raw_lines)
    return json.dumps(spans) if spans else None


@dataclass
class Pending:
    """A file whose content is not in the library yet (new or changed)."""

    path: Path
    key: str
    digest: str
    size: int


def check_file(conn: sqlite3.Connection, path: Path, code: str) -> Pending | FileOutcome:
    """Hash the file and compare it with the library: a ``Pending`` import, or an outcome already."""
    key = str(path.resolve())
    try:
        data = read_bounded(path, MAX_PACKAGE_BYTES)
    except DrafterError as exc:
        return FileOutcome("error", error=exc.message)
    digest = content_hash(data)
    size = len(data)
    del data
    row = conn.execute("SELECT hash, code FROM files WHERE path = ?", (key,)).fetchone()
    if row and row[0] == digest and row[1] == code:
        return FileOutcome("unchanged")
    return Pending(path, key, digest, size)


def analyse_pending(pending: Pending, model: CueModel | None = None) -> tuple[Pending, Any]:
    """The parse of a pending file, or its error message (runs in a worker process too; never raises)."""
    try:
        return pending, analyse_file(pending.path, model)
    except DrafterError as exc:
        return pending, exc.message if exc.line is None else f"第 {exc.line} 行：{exc.message}"
    except (RecursionError, ValueError, KeyError, IndexError, TypeError, AttributeError) as exc:
        # A defect met on one odd file must not stop a folder of hundreds.
        return pending, f"无法解析此文件，已跳过（{type(exc).__name__}: {exc}）"


def write_batch(conn: sqlite3.Connection, batch: list[tuple[Pending, Any]], code: str) -> list[FileOutcome]:
    """Store analysed files in one transaction (each ``parsed``: the analysis, or an error message).

    A kill or an error rolls the whole batch back: the library stays as it was before it, and the next
    import does those files again.
    """
    outcomes: list[FileOutcome] = []
    if all(isinstance(parsed, str) for _, parsed in batch):
        return [FileOutcome("error", error=parsed) for _, parsed in batch]
    with transaction(conn):
        writer = _Writer(conn, code)
        for pending, parsed in batch:
            if isinstance(parsed, str):
                outcomes.append(FileOutcome("error", error=parsed))
            else:
                outcomes.append(writer.file(pending, *parsed))
    return outcomes


def write_pending(conn: sqlite3.Connection, pending: Pending, parsed: Any, code: str) -> FileOutcome:
    """Store one analysed file in one transaction (``parsed``: the analysis, or an error message)."""
    return write_batch(conn, [(pending, parsed)], code)[0]


def import_file(conn: sqlite3.Connection, path: Path, code: str, model: CueModel | None) -> FileOutcome:
    """Import one file (never raises DrafterError: a bad file is an ``error`` outcome)."""
    got = check_file(conn, path, code)
    if isinstance(got, FileOutcome):
        return got
    _pending, parsed = analyse_pending(got, model)
    return write_pending(conn, got, parsed, code)
