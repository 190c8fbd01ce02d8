"""Issue 11 (points 3 and 4) on an archive of our own beyond the seeds: national, city, bureau,
school and 述职 speeches, a file holding three speeches, a 述职 file holding four reports.

``tests/archive/expected.yaml`` labels each file's speeches (front matter, closing, top-level
headings and their roles).  The test prints a table by genre and asserts the overall figures.
Run ``python tests/test_archive.py`` to print the table alone.
"""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path

import pytest
import yaml

from drafter.outline import parse_corpus, parse_speech, speech_to_dict, speech_to_text
from drafter.roles import label_speech

ARCHIVE = Path(__file__).resolve().parent / "archive"
EXPECTED = ARCHIVE / "expected.yaml"
FRONT_FIELDS = ("title", "subtitle", "date", "speaker", "salutation")
_SPACE = re.compile(r"\s+")


def _norm(text: str | None) -> str:
    return _SPACE.sub("", text or "")


@dataclass
class Tally:
    files: int = 0
    files_split_right: int = 0
    speeches_expected: int = 0
    speeches_found: int = 0
    headings_expected: int = 0
    headings_found: int = 0
    headings_matched: int = 0
    roles_right: int = 0
    front_fields: int = 0
    front_right: int = 0
    misses: list[str] = field(default_factory=list)

    def add(self, other: Tally) -> None:
        for name, value in vars(other).items():
            if name == "misses":
                self.misses.extend(value)
            else:
                setattr(self, name, getattr(self, name) + value)

    @staticmethod
    def ratio(a: int, b: int) -> float:
        return a / b if b else 1.0

    @property
    def precision(self) -> float:
        return self.ratio(self.headings_matched, self.headings_found)

    @property
    def recall(self) -> float:
        return self.ratio(self.headings_matched, self.headings_expected)

    @property
    def roles(self) -> float:
        return self.ratio(self.roles_right, self.headings_matched)

    @property
    def front(self) -> float:
        return self.ratio(self.front_right, self.front_fields)

    @property
    def split(self) -> float:
        return self.ratio(self.files_split_right, self.files)


def _front_of(speech) -> dict[str, str | None]:
    return {name: getattr(speech, name) for name in FRONT_FIELDS}


def _score_front(name: str, expected: list[dict], speeches: list, tally: Tally) -> None:
    for k, want in enumerate(expected):
        got = speeches[k] if k < len(speeches) else None
        checks = [(f, want[f]) for f in FRONT_FIELDS if f in want]
        if "closing" in want:
            checks.append(("closing", want["closing"]))
        for f, value in checks:
            tally.front_fields += 1
            if got is None:
                tally.misses.append(f"{name}#{k}: 缺少这一篇（{f}）")
                continue
            if f == "closing":
                have = got.closing[0].text if got.closing else ""
                ok = _norm(have).startswith(_norm(value))
            else:
                have = getattr(got, f)
                ok = _norm(have) == _norm(str(value))
            tally.front_right += ok
            if not ok:
                tally.misses.append(f"{name}#{k}: {f} 应为 {value!r}，读到 {have!r}")


def _score_sections(name: str, expected: list[dict], speeches: list, tally: Tally) -> None:
    wanted = [(k, _norm(h), role) for k, sp in enumerate(expected) for h, role in sp["sections"]]
    found = [(k, _norm(s.marker + s.heading), s.role) for k, sp in enumerate(speeches) for s in sp.sections]
    tally.headings_expected += len(wanted)
    tally.headings_found += len(found)
    pool = list(found)
    for k, heading, role in wanted:
        hit = next((f for f in pool if f[1] == heading and f[0] == k), None)
        if hit is None:
            tally.misses.append(f"{name}#{k}: 没有读到一级标题 {heading}")
            continue
        pool.remove(hit)
        tally.headings_matched += 1
        tally.roles_right += hit[2] == role
        if hit[2] != role:
            tally.misses.append(f"{name}#{k}: {heading} 应为 {role}，判为 {hit[2]}")
    tally.misses.extend(f"{name}#{k}: 多读的一级标题 {h}" for k, h, _r in pool)


def evaluate() -> dict[str, Tally]:
    """Tallies by genre (and ``all``) of the archive against ``expected.yaml``."""
    expected = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    result = parse_corpus([ARCHIVE])
    assert result.errors == []
    by_file: dict[str, list] = defaultdict(list)
    for speech in result.speeches:
        label_speech(speech)
        rel = Path(speech.path).resolve().relative_to(ARCHIVE.resolve()).as_posix()
        by_file[rel].append(speech)
    tallies: dict[str, Tally] = defaultdict(Tally)
    for name, spec in expected.items():
        speeches = [s for s in by_file.get(name, []) if s.duplicate_of is None]
        tally = Tally(files=1, speeches_expected=len(spec["speeches"]), speeches_found=len(speeches))
        tally.files_split_right = int(len(speeches) == len(spec["speeches"]))
        _score_front(name, spec["speeches"], speeches, tally)
        _score_sections(name, spec["speeches"], speeches, tally)
        tallies[spec["genre"]].add(tally)
        tallies["all"].add(tally)
    return dict(tallies)


def table(tallies: dict[str, Tally]) -> str:
    head = f"{'genre':<9} {'files':>5} {'split':>6} {'speeches':>9} {'head P':>7} {'head R':>7} {'roles':>6} {'front':>6}"
    rows = [head]
    for genre in sorted(tallies, key=lambda g: (g == "all", g)):
        t = tallies[genre]
        rows.append(
            f"{genre:<9} {t.files:>5} {t.split:>6.0%} {t.speeches_found:>4}/{t.speeches_expected:<4} "
            f"{t.precision:>7.0%} {t.recall:>7.0%} {t.roles:>6.0%} {t.front:>6.0%}"
        )
    return "\n".join(rows)


@pytest.fixture(scope="module")
def tallies() -> dict[str, Tally]:
    return evaluate()


def test_archive_accuracy_by_genre(tallies):
    print("\n" + table(tallies))
    overall = tallies["all"]
    for miss in overall.misses:
        print("  ", miss)
    assert overall.split >= 0.9
    assert overall.precision >= 0.9
    assert overall.recall >= 0.9
    assert overall.roles >= 0.9
    assert overall.front >= 0.9


def test_every_genre_is_covered(tallies):
    assert {"national", "city", "bureau", "school", "shuzhi", "county"} <= set(tallies)
    assert tallies["all"].speeches_expected >= 20
    assert tallies["all"].headings_expected >= 70


def test_three_speech_file_and_four_report_file_split_exactly():
    result = parse_corpus(
        [ARCHIVE / "county" / "01_three_speeches.txt", ARCHIVE / "shuzhi" / "01_four_reports.txt"]
    )
    counts = defaultdict(int)
    for speech in result.speeches:
        counts[speech.source] += 1
        # No speech takes a later speech's numbering: each holds one 一、 … run.
        assert [s.ordinal for s in speech.sections] == list(range(1, len(speech.sections) + 1))
    assert counts == {"01_three_speeches.txt": 3, "01_four_reports.txt": 4}


def test_archive_speeches_round_trip_through_text():
    """``parse_speech(speech_to_text(s))`` gives the same speech for every genre's front matter."""
    for speech in parse_corpus([ARCHIVE]).speeches:
        again = parse_speech(speech_to_text(speech), source=speech.source, index=speech.index)
        a, b = speech_to_dict(speech), speech_to_dict(again)
        for d in (a, b):
            del d["warnings"], d["duplicate_of"]
        assert a == b, (speech.source, speech.index)


if __name__ == "__main__":
    got = evaluate()
    print(table(got))
    for line in got["all"].misses:
        print("  ", line)
