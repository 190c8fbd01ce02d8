"""The writer's library (drafter.library): import, list, search with provenance, structures, review."""

from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest

from drafter.errors import DrafterError
from drafter.library import Library, all_structures, library_path, search_all
from drafter.phrasebank import check_paths, load_phrasebank

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
SEED_A = SEEDS / "001_586566592891807d.txt"
SEED_B = SEEDS / "004_2057dfb1cf4794e1.txt"


def _wrapped(text: str, width: int = 30) -> str:
    """The text hard-wrapped at ``width`` characters, as some exported .txt files are."""
    out = []
    for line in text.splitlines():
        while len(line) > width:
            out.append(line[:width])
            line = line[width:]
        out.append(line)
    return "\n".join(out) + "\n"


@pytest.fixture()
def archive(tmp_path: Path) -> Path:
    """A small archive: two seeds, a hard-wrapped copy of a third in GB18030, and a file with three speeches."""
    folder = tmp_path / "archive"
    folder.mkdir()
    (folder / "a.txt").write_bytes(SEED_A.read_bytes())
    (folder / "b.txt").write_bytes(SEED_B.read_bytes())
    wrapped = _wrapped((SEEDS / "003_5b6d402b3b0bb00b.txt").read_text("utf-8"))
    (folder / "wrapped_gb.txt").write_bytes(wrapped.encode("gb18030"))
    three = []
    for k, name in enumerate(("第一篇", "第二篇", "第三篇")):
        three.append(name)
        three.append(f"在全县第{k + 1}次安全生产会议上的讲话")
        three.append("同志们：")
        three.append("今天召开会议，主要任务是分析安全生产形势，部署下一阶段的安全生产工作。")
        three.append("一、充分认识做好安全生产工作的重要性")
        three.append(f"安全生产事关人民群众生命财产安全，第{k + 1}个方面的形势依然严峻复杂，不能有丝毫松懈。")
        three.append("二、突出重点抓好隐患排查整治")
        three.append("要全面排查道路交通、危险化学品、建筑施工等重点行业领域的安全隐患，做到不留死角。")
        three.append("三、严格落实安全生产责任")
        three.append("各级各部门要严格落实属地管理责任和部门监管责任，对失职失责的严肃追责问责。")
    (folder / "three.txt").write_text("\n".join(three) + "\n", "utf-8")
    return folder


def test_import_counts_and_reimport_adds_nothing(archive):
    with Library.open() as lib:
        first = lib.import_paths([archive])
        assert first.files == 4 and not first.errors
        listed = lib.list_speeches()
        per_file = {}
        for s in listed:
            per_file[s.source] = per_file.get(s.source, 0) + 1
        assert per_file["three.txt"] == 3  # a file holding three speeches is split
        assert first.speeches == len(listed) == sum(per_file.values())
        assert first.candidates > 0 and first.structures >= 1
        assert sum(first.sections_by_role.values()) > 0
        rows_before = lib.conn.execute("SELECT COUNT(*) FROM paragraphs").fetchone()[0]

        again = lib.import_paths([archive])
        assert (again.files, again.speeches, again.candidates, again.unchanged) == (0, 0, 0, 4)
        assert lib.conn.execute("SELECT COUNT(*) FROM paragraphs").fetchone()[0] == rows_before
        assert len(lib.list_speeches()) == len(listed)


def test_changed_file_replaces_its_rows(archive):
    with Library.open() as lib:
        lib.import_paths([archive])
        before = [s for s in lib.list_speeches() if s.source == "three.txt"]
        assert len(before) == 3
        (archive / "three.txt").write_text(
            "在全县防汛工作会议上的讲话\n同志们：\n一、认清形势\n今年汛期降雨偏多，防汛形势十分严峻，各地要高度重视。\n",
            "utf-8",
        )
        report = lib.import_paths([archive])
        assert report.files == 1 and report.unchanged == 3
        after = [s for s in lib.list_speeches() if s.source == "three.txt"]
        assert len(after) == 1 and "防汛" in (after[0].title or "")
        assert not lib.search("隐患排查") or all(h.source != "three.txt" for h in lib.search("隐患排查"))
        assert [h.source for h in lib.search("防汛形势")] == ["three.txt"]


def _original_line(path: Path, line: int, encoding: str = "utf-8") -> str:
    return path.read_bytes().decode(encoding).splitlines()[line - 1]


def test_search_line_holds_the_text_in_the_original_file(archive):
    with Library.open() as lib:
        lib.import_paths([archive])
        for query, name, enc in (
            ("招商引资", "a.txt", "utf-8"),
            ("督查督办制度", "wrapped_gb.txt", "gb18030"),
        ):
            hits = lib.search(query, limit=10)
            assert hits, query
            mine = [h for h in hits if h.source == name]
            assert mine, (query, [h.source for h in hits])
            exact = [h for h in mine if query in h.text]
            assert exact
            for h in exact:
                original = _original_line(archive / name, h.line, enc)
                # The line named is the one that holds the match (wrapped files spread a paragraph over lines).
                compact = re.sub(r"\s", "", original)
                assert query[:2] in compact or query[-2:] in compact, (h.line, original)


def test_search_filters_by_role_and_ranks(archive):
    with Library.open() as lib:
        lib.import_paths([archive])
        hits = lib.search("安全生产", role="situation", limit=5)
        assert hits and all(h.role == "situation" for h in hits)
        assert [h.score for h in hits] == sorted((h.score for h in hits), reverse=True)
        assert lib.search("安全生产", limit=2) and len(lib.search("安全生产", limit=2)) == 2
        assert lib.search("！！！") == []


def test_search_all_includes_the_seeds_without_duplicates(archive):
    hits = search_all("效率意识", limit=50)
    assert hits and all(h.source.endswith(".txt") for h in hits)
    with Library.open() as lib:
        lib.import_paths([archive])
    both = search_all("效率意识", limit=50)
    keys = [(h.source, h.index, h.line, h.text) for h in both]
    assert len(keys) == len(set(keys))
    assert any(h.source == "wrapped_gb.txt" for h in both)


def test_structures_seeds_and_user(archive):
    seeds_only = all_structures()
    assert seeds_only and {s.origin for s in seeds_only} == {"seeds"}
    assert sum(s.count for s in seeds_only) == 8  # nine seed speeches, one a near-duplicate
    with Library.open() as lib:
        lib.import_paths([archive])
        user = lib.structures()
    assert user and all(s.origin == "user" for s in user)
    listed = all_structures()
    assert [s for s in listed if s.origin == "user"] == user
    three = next(s for s in user if ("three.txt", 0) in s.speeches)
    assert three.roles == ("situation", "tasks", "discipline") or len(three.roles) >= 2


def test_duplicate_speech_counted_once(tmp_path):
    folder = tmp_path / "dup"
    folder.mkdir()
    (folder / "one.txt").write_bytes(SEED_A.read_bytes())
    (folder / "two.txt").write_bytes(SEED_A.read_bytes())
    with Library.open() as lib:
        report = lib.import_paths([folder])
        assert report.speeches == 2 and report.duplicates == 1
        assert sum(s.count for s in lib.structures()) == 1
        assert {h.source for h in lib.search("招商引资")} == {"one.txt"}
        # Removing the original frees the copy: it now counts.
        assert lib.remove(str(folder / "one.txt")) == 1
        assert {h.source for h in lib.search("招商引资")} == {"two.txt"}


def test_remove_by_name_and_folder(archive):
    with Library.open() as lib:
        lib.import_paths([archive])
        assert lib.remove("b.txt") == 1
        assert "b.txt" not in {s.source for s in lib.list_speeches()}
        assert lib.remove("nothing.txt") == 0
        assert lib.remove(str(archive)) == 3
        assert lib.list_speeches() == []
        assert lib.conn.execute("SELECT COUNT(*) FROM candidates").fetchone()[0] == 0


def test_candidates_are_reviewable(archive):
    with Library.open() as lib:
        lib.import_paths([archive])
        found = lib.candidates()
    assert found
    from drafter.phrasebank.entries import KNOWN_FUNCTIONS, KNOWN_TOPICS

    for c in found:
        assert c.function in KNOWN_FUNCTIONS, c  # never a topic name
        assert all(t in KNOWN_TOPICS for t in c.topics)
        assert not re.search(r"\d", re.sub(r"\{\{ \w+ \}\}", "", c.text)), c.text  # figures are slots
        assert "大家欢迎" not in c.text and not re.search(r"我(?![们县市区镇乡省国])", c.text)
        assert c.text[-1] in "。！？；", c.text
        for name in c.slots:
            assert "{{ " + name + " }}" in c.text
    assert any(c.slots for c in found)
    tasks = [c for c in found if c.role == "tasks"]
    assert tasks and any(c.topics for c in tasks)
    assert [c for c in found if c.role == "tasks"] == lib_candidates_role(archive, "tasks")


def lib_candidates_role(_archive: Path, role: str):
    with Library.open() as lib:
        return lib.candidates(role)


def test_accept_and_reject_round_trip(archive):
    with Library.open() as lib:
        lib.import_paths([archive])
        found = lib.candidates()
        with_slot = next(c for c in found if c.slots)
        plain = next(c for c in found if not c.slots and c.id != with_slot.id)
        other = next(c for c in found if c.id not in (with_slot.id, plain.id))
        added = lib.accept([with_slot.id, plain.id])
        assert len(added) == 2
        assert lib.reject([other.id]) == 1
        left = {c.id for c in lib.candidates()}
        assert not left & {with_slot.id, plain.id, other.id}
        with pytest.raises(DrafterError, match="已采纳"):
            lib.accept([plain.id])
        with pytest.raises(DrafterError, match="没有编号"):
            lib.reject(["nonexistent"])
        # A decision outlives a re-import of a changed file.
        (archive / "a.txt").write_bytes(SEED_A.read_bytes() + b"\n")
        lib.import_paths([archive])
        assert other.id not in {c.id for c in lib.candidates()}
    user_file = Path(library_path()).parent / "phrasebank" / "mine.yaml"
    assert user_file.exists()
    assert not [p for p in check_paths([user_file]) if p.severity == "error"]
    bank = load_phrasebank([])
    texts = {p.text: p for p in bank.phrases.values()}
    assert with_slot.text in texts and plain.text in texts
    assert texts[plain.text].role == plain.role and texts[plain.text].function == plain.function
    hits = bank.index.search(plain.text[:12], limit=50)
    assert plain.text in {h.phrase.text for h in hits}
    assert added[1] in bank.phrases


def test_corrupt_library_file_is_a_chinese_error(tmp_path):
    bad = tmp_path / "lib.sqlite3"
    bad.write_bytes(b"this is not a database" * 100)
    with pytest.raises(DrafterError, match="损坏"):
        Library.open(bad)


def test_library_moves_with_user_dir(user_dir, archive):
    with Library.open() as lib:
        lib.import_paths([archive / "a.txt"])
    assert (user_dir / "library.sqlite3").exists()
    con = sqlite3.connect(user_dir / "library.sqlite3")
    assert con.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert con.execute("PRAGMA integrity_check").fetchone()[0] == "ok"


def test_damaged_seeds_cache_is_rebuilt():
    from drafter.library import seeds_library_path

    all_structures()
    seeds_library_path().write_bytes(b"garbage" * 500)
    for suffix in ("-wal", "-shm"):
        Path(str(seeds_library_path()) + suffix).unlink(missing_ok=True)
    assert sum(s.count for s in all_structures()) == 8


ARCHIVE = ROOT / "tests" / "archive"


@pytest.mark.skipif(not (ARCHIVE / "expected.yaml").exists(), reason="the genre archive is not there")
def test_genre_archive_split_counts_and_clean_candidates():
    import yaml

    expected = yaml.safe_load((ARCHIVE / "expected.yaml").read_text("utf-8"))
    with Library.open() as lib:
        report = lib.import_paths([ARCHIVE])
        assert not report.errors
        got: dict[str, int] = {}
        for s in lib.list_speeches():
            rel = Path(s.path).resolve().relative_to(ARCHIVE.resolve()).as_posix()
            got[rel] = got.get(rel, 0) + 1
        assert got == {name: len(entry["speeches"]) for name, entry in expected.items()}
        for c in lib.candidates():
            assert not re.search(r"我(?![们县市区镇乡省国局委部院校厅党司办所])", c.text), c.text
            assert "欢迎" not in c.text or "热烈欢迎" in c.text, c.text
        # Provenance over another genre: the line named holds the text.
        for h in lib.search("高标准农田", limit=5):
            original = Path(h.path).read_text("utf-8").splitlines()[h.line - 1]
            assert h.text[:8] in original


def _rows(db: Path) -> dict[str, list[tuple]]:
    con = sqlite3.connect(db)
    try:
        return {
            "speeches": con.execute(
                "SELECT f.source, s.idx, s.title, s.sections, s.duplicate_of IS NOT NULL FROM speeches s "
                "JOIN files f ON f.id = s.file_id ORDER BY f.source, s.idx"
            ).fetchall(),
            "paragraphs": con.execute(
                "SELECT line, lines, heading, role, text FROM paragraphs ORDER BY text, line"
            ).fetchall(),
            "candidates": con.execute(
                "SELECT key, role, function, text, slots, line FROM candidates ORDER BY key, line"
            ).fetchall(),
            "structures": con.execute(
                "SELECT roles, sequence FROM structures ORDER BY roles, sequence"
            ).fetchall(),
        }
    finally:
        con.close()


def test_batched_import_stores_what_one_file_at_a_time_stores(archive, tmp_path, monkeypatch):
    import drafter.library.api as api

    (archive / "copy.txt").write_bytes(SEED_A.read_bytes())  # a near-duplicate inside the same batch
    (archive / "bad.txt").write_bytes(b"\xff\xfe\x00\xd8" * 10)  # an error among the files of a batch
    monkeypatch.setattr(api, "BATCH_FILES", 1)
    with Library.open(tmp_path / "one.sqlite3") as lib:
        single = lib.import_paths([archive])
    monkeypatch.setattr(api, "BATCH_FILES", 100)
    with Library.open(tmp_path / "all.sqlite3") as lib:
        batched = lib.import_paths([archive])
        assert [h.to_dict() for h in lib.search("安全生产")]  # the bigram index was written with the batch
    assert batched.to_dict() == single.to_dict()
    assert [f for f, _ in batched.errors] == [str(archive / "bad.txt")]
    rows = _rows(tmp_path / "all.sqlite3")
    assert rows == _rows(tmp_path / "one.sqlite3")
    assert "copy.txt" in {source for source, *_rest, dup in rows["speeches"] if dup}


def test_a_failed_batch_leaves_the_library_as_it_was(archive, tmp_path, monkeypatch):
    import drafter.library.ingest as ingest

    with Library.open(tmp_path / "lib.sqlite3") as lib:
        lib.import_paths([archive / "a.txt"])
        before = _rows(tmp_path / "lib.sqlite3")

        mined = ingest._Writer.mined
        calls = []

        def broken(self, *args):  # the second file's write fails: the first one goes back with it
            calls.append(1)
            if len(calls) > 1:
                raise sqlite3.OperationalError("disk I/O error")
            mined(self, *args)

        monkeypatch.setattr(ingest._Writer, "mined", broken)
        with pytest.raises(sqlite3.OperationalError):
            lib.import_paths([archive])
        assert _rows(tmp_path / "lib.sqlite3") == before  # the whole batch rolled back, nothing half-written
        monkeypatch.undo()
        assert lib.import_paths([archive]).files == 3


def test_an_older_library_gets_the_covering_fingerprint_index(archive, tmp_path):
    db = tmp_path / "old.sqlite3"
    with Library.open(db) as lib:
        lib.import_paths([archive / "a.txt"])
    con = sqlite3.connect(db)
    con.execute("DROP INDEX fingerprints_hash_speech")  # as libraries written before it was added
    con.execute("CREATE INDEX fingerprints_hash ON fingerprints(hash)")
    con.commit()
    con.close()
    with Library.open(db) as lib:
        names = {r[0] for r in lib.conn.execute("SELECT name FROM sqlite_master WHERE type = 'index'")}
        assert "fingerprints_hash_speech" in names and "fingerprints_hash" not in names
        assert lib.import_paths([archive]).files == 3  # and it goes on working
        assert lib.import_paths([archive / "a.txt"]).unchanged == 1
