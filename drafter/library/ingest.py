"""Importing one file into the library: hash, read, split, outline, label, mine; then one transaction.

The expensive part (parsing, jieba, labelling, candidates) runs outside any
transaction; the write replaces the file's old rows (cascade) and inserts the
new ones in a single ``BEGIN IMMEDIATE`` transaction, re-checking the hash
under it so two processes importing the same file end with one copy.
Nothing of a file is kept in memory once it is written.
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
    if first is None or _NON_TEXT.sub("", first) == _NON_TEXT.sub("", text):
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


def _find_original(conn: sqlite3.Connection, fp: set[int]) -> int | None:
    """The earlier speech this one nearly repeats (sentence containment >= 60 %), or None."""
    conn.execute("CREATE TEMP TABLE IF NOT EXISTS probe (hash INTEGER PRIMARY KEY)")
    conn.execute("DELETE FROM probe")
    conn.executemany("INSERT OR IGNORE INTO probe(hash) VALUES (?)", ((h,) for h in fp))
    if len(fp) < MIN_SENTENCES:
        return None
    rows = conn.execute(
        "SELECT f.speech_id, COUNT(*), s.sentences, s.duplicate_of FROM fingerprints f "
        "JOIN probe p ON p.hash = f.hash JOIN speeches s ON s.id = f.speech_id "
        "GROUP BY f.speech_id"
    ).fetchall()
    best: tuple[float, int] | None = None
    for speech_id, shared, size, dup_of in rows:
        smaller = min(len(fp), size)
        if smaller < MIN_SENTENCES:
            continue
        score = shared / smaller
        target = dup_of or speech_id
        if score >= DUPLICATE_THRESHOLD and (
            best is None or score > best[0] or (score == best[0] and target < best[1])
        ):
            best = (score, target)
    return best[1] if best else None


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


def _write(
    conn: sqlite3.Connection,
    path: Path,
    key: str,
    digest: str,
    code: str,
    size: int,
    analysed: list[_Analysed],
    raw_lines: dict[int, str],
    outcome: FileOutcome,
) -> None:
    decided = {}
    with transaction(conn):
        old = conn.execute("SELECT id, hash, code FROM files WHERE path = ?", (key,)).fetchone()
        if old and old[1] == digest and old[2] == code:
            outcome.status = "unchanged"  # another process imported it meanwhile
            return
        if old:
            delete_file(conn, old[0])
        any_decisions = conn.execute("SELECT 1 FROM decisions LIMIT 1").fetchone() is not None
        file_id = conn.execute(
            "INSERT INTO files(path, source, hash, code, size, imported) VALUES (?, ?, ?, ?, ?, ?)",
            (key, path.name, digest, code, size, time.time()),
        ).lastrowid
        for item in analysed:
            sp = item.speech
            original = _find_original(conn, item.fingerprint)
            speech_id = conn.execute(
                "INSERT INTO speeches(file_id, idx, title, subtitle, date, speaker, line, sections, sentences, "
                "duplicate_of) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    file_id,
                    sp.index,
                    sp.title,
                    sp.subtitle,
                    sp.date,
                    sp.speaker,
                    sp.line,
                    len(sp.sections),
                    len(item.fingerprint),
                    original,
                ),
            ).lastrowid
            # Posting lists stay short (as in corpus.mark_duplicates): a sentence already in MAX_POSTING
            # speeches (boilerplate) is not recorded again, so the duplicate check stays linear.
            conn.execute(
                "INSERT INTO fingerprints(hash, speech_id) SELECT p.hash, ? FROM probe p WHERE "
                "(SELECT COUNT(*) FROM (SELECT 1 FROM fingerprints f WHERE f.hash = p.hash LIMIT ?)) < ?",
                (speech_id, MAX_POSTING, MAX_POSTING),
            )
            outcome.speeches += 1
            if original is not None:
                outcome.duplicates += 1
            # Ids given here (under the write lock) so that paragraphs and their bigrams go in two batches.
            next_id = conn.execute("SELECT COALESCE(MAX(id), 0) + 1 FROM paragraphs").fetchone()[0]
            rows = []
            grams_rows = []
            for k, (para, heading, role) in enumerate(_paragraph_rows(sp)):
                spans = line_spans(para, raw_lines)
                rows.append(
                    (
                        next_id + k,
                        speech_id,
                        para.line,
                        json.dumps(spans) if spans else None,
                        heading,
                        role,
                        para.text,
                    )
                )
                grams_rows.append((next_id + k, gram_text(para.text)))
            conn.executemany(
                "INSERT INTO paragraphs(id, speech_id, line, lines, heading, role, text) VALUES (?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            conn.executemany("INSERT INTO paragraph_grams(rowid, grams) VALUES (?, ?)", grams_rows)
            if original is not None:
                continue  # a near-duplicate is searchable, but counted once: no structure, sets or candidates
            for sec in sp.sections:
                outcome.sections_by_role[sec.role or ROLE_TASKS] += 1
            if sp.sections:
                roles = json.dumps(list(role_sequence(sp)), ensure_ascii=False)
                sequence = json.dumps([sec.role or ROLE_TASKS for sec in sp.sections], ensure_ascii=False)
                conn.execute(
                    "INSERT INTO structures(speech_id, roles, sequence) VALUES (?, ?, ?)",
                    (speech_id, roles, sequence),
                )
                outcome.structures.add(roles)
            for hs, _where in heading_sets_of(sp):
                conn.execute(
                    "INSERT INTO heading_sets(speech_id, frame, items, role, line) VALUES (?, ?, ?, ?, ?)",
                    (
                        speech_id,
                        hs.frame,
                        json.dumps(hs.items, ensure_ascii=False),
                        hs.role,
                        hs.source.line if hs.source else 0,
                    ),
                )
            cand_rows = []
            for c in item.candidates:
                ck = candidate_key(c.role, c.text)
                if ck not in decided:
                    row = (
                        conn.execute("SELECT status FROM decisions WHERE key = ?", (ck,)).fetchone()
                        if any_decisions
                        else None
                    )
                    decided[ck] = row[0] if row else "new"
                cand_rows.append(
                    (
                        speech_id,
                        ck,
                        c.role,
                        c.function,
                        c.text,
                        c.original,
                        json.dumps(c.slots, ensure_ascii=False),
                        json.dumps(c.topics, ensure_ascii=False),
                        c.source.line,
                        c.score,
                        decided[ck],
                    )
                )
                if decided[ck] == "new":
                    outcome.candidates += 1
            conn.executemany(
                "INSERT INTO candidates(speech_id, key, role, function, text, original, slots, topics, line, "
                "score, status) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                cand_rows,
            )


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


def write_pending(conn: sqlite3.Connection, pending: Pending, parsed: Any, code: str) -> FileOutcome:
    """Store an analysed file in one transaction (``parsed``: the analysis, or an error message)."""
    if isinstance(parsed, str):
        return FileOutcome("error", error=parsed)
    analysed, raw_lines = parsed
    outcome = FileOutcome("imported")
    _write(conn, pending.path, pending.key, pending.digest, code, pending.size, analysed, raw_lines, outcome)
    if outcome.status == "unchanged":
        return FileOutcome("unchanged")
    return outcome


def import_file(conn: sqlite3.Connection, path: Path, code: str, model: CueModel | None) -> FileOutcome:
    """Import one file (never raises DrafterError: a bad file is an ``error`` outcome)."""
    got = check_file(conn, path, code)
    if isinstance(got, FileOutcome):
        return got
    _pending, parsed = analyse_pending(got, model)
    return write_pending(conn, got, parsed, code)
