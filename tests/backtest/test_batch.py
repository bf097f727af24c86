"""Batched sweeps: runs over the same candles share one read of them and report exactly what
each run reports alone, in the order given, in one process or spread over workers."""

from __future__ import annotations

import math
from functools import partial
from pathlib import Path

from bot.backtest.batch import run_batch
from bot.backtest.run import BacktestRequest, run_backtest
from bot.backtest.sweep import grid, parse_sweep, run_batched

from ._cli import candles, config

SWEEP = ("hedges.BTC.band=0.01,0.05", "hedges.BTC.leverage=2,10", "hedges.BTC.target_ratio=0.5,1")


def _request(tmp_path: Path) -> BacktestRequest:
    """Two hundred hourly candles: a wavy rally, wide enough to fill the orders."""
    rows = []
    for i in range(200):
        close = 60_000 * (1 + i / 400) * (1 + 0.03 * math.sin(i / 5))
        o, c = f"{close * 0.998:.1f}", f"{close:.1f}"
        rows.append((o, f"{close * 1.01:.1f}", f"{close * 0.99:.1f}", c))
    data = candles(tmp_path, rows)
    cfg = config(tmp_path, risk={"auto_top_up": True})
    return BacktestRequest(cfg, series={"BTC": {"perp": data}})


def test_a_batch_reports_what_each_run_reports_alone(tmp_path: Path) -> None:
    """Eight runs batched over one read of the candles: each summary (metrics per run and
    per hedge, data report) equals the one from running it alone, in the order given."""
    request = _request(tmp_path)
    runs = grid(parse_sweep(SWEEP))
    batched = run_batch(request, runs)
    alone = [run_backtest(request, params) for params in runs]
    assert batched == alone
    assert len({s.metrics for s in batched}) > 1  # the overrides do change the outcome


def test_batches_spread_over_workers_keep_the_order(tmp_path: Path) -> None:
    """With two worker processes (runs dealt round-robin) the summaries come back in the
    order of the runs, equal to one batch in this process."""
    request = _request(tmp_path)
    runs = grid(parse_sweep(SWEEP))
    parallel = run_batched(partial(run_batch, request), runs, workers=2)
    assert [s.params for s in parallel] == runs
    assert parallel == run_batch(request, runs)
