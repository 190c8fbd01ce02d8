"""Fixtures shared by the whole suite."""

from __future__ import annotations

from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
EXAMPLES = ROOT / "examples"


@pytest.fixture(autouse=True)
def user_dir(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test gets its own user data dir (profile, drafts, phrasebank, library, cache)."""
    path = tmp_path / "user"
    monkeypatch.setenv("DRAFTER_USER_DIR", str(path))
    monkeypatch.setenv("DRAFTER_CACHE_DIR", str(tmp_path / "cache"))
    return path


@pytest.fixture()
def plenary_spec() -> Path:
    """The shipped example draft of a plenary meeting."""
    return EXAMPLES / "plenary.yaml"


@pytest.fixture()
def seed_files() -> list[Path]:
    """The shipped seed speeches, sorted."""
    return sorted(SEEDS.glob("*.txt"))


@pytest.fixture()
def export_here(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Exports land in ``tmp_path``, which is also the working folder (wizard tests)."""
    monkeypatch.setenv("DRAFTER_EXPORT_DIR", str(tmp_path))
    monkeypatch.chdir(tmp_path)
    return tmp_path
