"""A run's hedges spread over worker processes report exactly what the serial loop reports
(per hedge and for the run, to the last Decimal digit), and a run whose hedges' candles cover
different times is not split (the caller then runs it serially)."""

from __future__ import annotations

import math
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from bot.backtest.data import parse_funding_arg
from bot.backtest.run import BacktestRequest, run_backtest
from bot.backtest.split_run import run_split

from ._cli import HOUR, START
from ._files import write

HEDGES = {"BTC": 60_000, "ETH": 3_000, "SOL": 150}


def _request(
    tmp_path: Path, bars: dict[str, int], late: dict[str, int] | None = None
) -> BacktestRequest:
    """Three hedges (1 BTC, 10 ETH, 100 SOL; 3x, auto top-up) over wavy hourly rallies of
    `bars` candles each (the first `late` of them left out), with a constant funding rate."""
    series = {}
    for k, (name, price) in enumerate(HEDGES.items()):
        rows = []
        for i in range(bars[name]):
            close = price * (1 + i / 300) * (1 + 0.04 * math.sin(i / (4 + k)))
            o, c = f"{close * 0.998:.2f}", f"{close:.2f}"
            rows.append((o, f"{close * 1.01:.2f}", f"{close * 0.99:.2f}", c))
        skip = (late or {}).get(name, 0)
        series[name] = {"perp": _hourly(tmp_path / f"{name.lower()}.csv", rows, skip)}
    hedges = {
        name: {
            "spot": {"account": "main", "asset": name},
            "perp": {"account": "main", "symbol": f"{name}/USDT:USDT"},
            "target_ratio": 1.0,
            "leverage": 3,
        }
        for name in HEDGES
    }
    doc = {
        "accounts": {"main": {"exchange": "binance", "mode": "sim"}},
        "hedges": hedges,
        "risk": {"auto_top_up": True},
    }
    cfg = tmp_path / "three.yaml"
    cfg.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return BacktestRequest(
        cfg,
        series=series,
        funding={name: parse_funding_arg("0.0001") for name in HEDGES},
        holdings={"BTC": D(1), "ETH": D(10), "SOL": D(100)},
    )


def test_a_split_run_reports_what_the_serial_run_reports(tmp_path: Path) -> None:
    """Three hedges over two workers: the run's and each hedge's metrics and data reports
    equal the serial loop's exactly, trades and top-ups included."""
    request = _request(tmp_path, {name: 300 for name in HEDGES})
    split = run_split(request, {}, workers=2)
    serial = run_backtest(request, {})
    assert split is not None
    assert split == serial
    assert serial.metrics.fills > 3 and serial.metrics.top_ups > 0  # the hedges do trade


def _hourly(path: Path, rows: list[tuple[str, str, str, str]], skip: int) -> Path:
    lines = ["timestamp,open,high,low,close"]
    lines += [f"{START + i * HOUR},{','.join(row)}" for i, row in enumerate(rows) if i >= skip]
    return write(path, lines)


@pytest.mark.parametrize(
    ("bars", "late"),
    [
        ({"BTC": 300, "ETH": 250, "SOL": 300}, {}),  # ETH ends earlier
        ({"BTC": 300, "ETH": 300, "SOL": 300}, {"SOL": 24}),  # SOL starts a day later
    ],
)
def test_hedges_over_different_spans_are_not_split(
    tmp_path: Path, bars: dict[str, int], late: dict[str, int]
) -> None:
    """When one hedge's candles end earlier or start later, the serial lockstep cuts every
    hedge to the common span; a split would not, so it is refused."""
    request = _request(tmp_path, bars, late)
    assert run_split(request, {}, workers=2) is None
