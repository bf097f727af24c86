"""Hand-made candle files for the backtest tests (written under pytest's tmp_path)."""

from __future__ import annotations

import gzip
import os
from collections.abc import Iterable
from pathlib import Path

import pytest

SHARED_HEADER = "ts,perp_open,perp_high,perp_low,perp_close,spot_open,spot_high,spot_low,spot_close"
REPO = Path(__file__).resolve().parents[2]


def write(path: Path, lines: Iterable[str]) -> Path:
    """Write `lines` (newline-terminated) to `path`, gzipped when it ends in .gz."""
    text = "".join(f"{line}\n" for line in lines)
    if path.suffix == ".gz":
        path.write_bytes(gzip.compress(text.encode()))
    else:
        path.write_text(text, encoding="utf-8")
    return path


def hourly(day: str, hour: int) -> str:
    """ISO timestamp of `hour` o'clock on `day` (2025-01-01)."""
    return f"{day}T{hour:02d}:00:00Z"


def shared_data() -> Path:
    """../shared/data (or $HEDGEBOT_DATA_DIR); skips the test visibly when it is absent."""
    root = Path(os.environ.get("HEDGEBOT_DATA_DIR", REPO.parent / "shared" / "data"))
    if not (root / "README.md").exists():
        pytest.skip(f"shared market data not found at {root} (set HEDGEBOT_DATA_DIR)")
    return root
