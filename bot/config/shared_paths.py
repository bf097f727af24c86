"""Where the material shared beside the repository lives: recorded exchange fixtures, seed
articles and market data sit in `../shared` relative to the repository root; market data may be
put elsewhere and named by the environment variable HEDGEBOT_DATA_DIR.

Nothing in the daemon needs these; tests, benchmarks and backtests do, and they say (with
`missing_reason`) why they skip when a fresh clone has no `../shared` next to it.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

__all__ = ["DATA_DIR_ENV", "data_dir", "missing_reason", "repo_root", "shared_dir"]

DATA_DIR_ENV = "HEDGEBOT_DATA_DIR"


def repo_root() -> Path:
    """The checkout this package runs from (the directory holding `bot/`)."""
    return Path(__file__).resolve().parents[2]


def shared_dir() -> Path:
    """`../shared` relative to the repository root."""
    return repo_root().parent / "shared"


def data_dir(env: Mapping[str, str] | None = None) -> Path:
    """Market data: $HEDGEBOT_DATA_DIR when set (and not empty), else `../shared/data`."""
    value = (os.environ if env is None else env).get(DATA_DIR_ENV, "")
    return Path(value) if value else shared_dir() / "data"


def missing_reason(path: Path, what: str) -> str | None:
    """None when `path` exists, else one line saying what is missing and how to provide it."""
    if path.exists():
        return None
    return (
        f"{what} not found at {path}: put the shared material in ../shared next to the "
        f"repository (market data may be anywhere named by ${DATA_DIR_ENV})"
    )
