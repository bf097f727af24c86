"""Running `hedgebot backtest` end to end on hand-made files: a config, candle files, the
CLI's exit code, JSON and one-line errors."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main

from ._files import write

START = 1_735_689_600_000  # 2025-01-01T00:00:00Z
HOUR = 3_600_000


def config(tmp_path: Path, **hedge: Any) -> Path:
    """A one-hedge BTC config (target 1, 2x, isolated) with `hedge` keys overridden; a
    top-level `risk` key goes to the risk section."""
    risk = hedge.pop("risk", {})
    btc = {
        "spot": {"account": "main", "asset": "BTC"},
        "perp": {"account": "main", "symbol": "BTC/USDT:USDT"},
        "target_ratio": 1.0,
        "leverage": 2,
        "margin_mode": "isolated",
        **hedge,
    }
    data = {"accounts": {"main": {"exchange": "binance", "mode": "sim"}}, "hedges": {"BTC": btc}}
    if risk:
        data["risk"] = risk
    path = tmp_path / "backtest.yaml"
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def candles(
    tmp_path: Path, rows: Sequence[tuple[str, str, str, str]], name: str = "btc.csv"
) -> Path:
    """An hourly OHLCV file from (open, high, low, close) rows starting 2025-01-01."""
    lines = ["timestamp,open,high,low,close"]
    lines += [f"{START + i * HOUR},{o},{h},{lo},{c}" for i, (o, h, lo, c) in enumerate(rows)]
    return write(tmp_path / name, lines)


def flat(price: str) -> tuple[str, str, str, str]:
    return (price, price, price, price)


def run_json(capsys: pytest.CaptureFixture[str], args: Sequence[str]) -> Any:
    """`hedgebot backtest ARGS --json` → the parsed document (exit 0 asserted)."""
    code = main(["backtest", *args, "--json"])
    out = capsys.readouterr()
    assert code == 0, out.err
    return json.loads(out.out)


def run_error(capsys: pytest.CaptureFixture[str], args: Sequence[str]) -> str:
    """`hedgebot backtest ARGS` that must fail as a user mistake: exit 2, one line, no
    traceback; returns the line."""
    code = main(["backtest", *args])
    err = capsys.readouterr().err.strip()
    assert code == 2, err
    assert "\n" not in err and "Traceback" not in err
    return err
