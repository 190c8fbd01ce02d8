"""Where the shipped data lives: seeds/, templates/, phrasebank/, and the user's folders."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import platformdirs

APP_NAME = "drafter"


def project_root() -> Path:
    """The folder holding seeds/, templates/ and phrasebank/.

    ``DRAFTER_HOME`` wins; then the checkout this package sits in (editable
    install); then ``<prefix>/share/drafter`` for a regular install.
    """
    env = os.environ.get("DRAFTER_HOME")
    if env:
        return Path(env)
    here = Path(__file__).resolve().parent.parent.parent
    if (here / "templates").is_dir():
        return here
    shared = Path(sys.prefix) / "share" / APP_NAME
    if shared.is_dir():
        return shared
    return here


def seeds_dir() -> Path:
    return project_root() / "seeds"


def templates_dir() -> Path:
    return project_root() / "templates"


def phrasebank_dir() -> Path:
    return project_root() / "phrasebank"


def user_data_dir() -> Path:
    """The user's own data (phrasebank layer, templates, drafts, profile).

    ``DRAFTER_USER_DIR`` overrides it (tests point it at a temporary folder).
    """
    env = os.environ.get("DRAFTER_USER_DIR")
    if env:
        return Path(env)
    return Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))


def user_phrasebank_dir() -> Path:
    return user_data_dir() / "phrasebank"


def user_templates_dir() -> Path:
    return user_data_dir() / "templates"


def user_drafts_dir() -> Path:
    return user_data_dir() / "drafts"


def crash_reports_dir() -> Path:
    """Where crash reports go (``drafter.util.crash``): ``crash/`` under the user data dir."""
    return user_data_dir() / "crash"
