"""A run function for sweep tests that computes its result: a static hedge of
hedges.BTC.target_ratio on a fixed hand-made price path, through the real metrics."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal as D

from bot.backtest.errors import DataError
from bot.backtest.metrics import MetricsSink
from bot.backtest.result import RunSummary

from ._static import bars, static_hedge

PATH = ["100", "104", "97", "110", "90", "95", "101", "99", "108", "93"]


def static_run(params: Mapping[str, str]) -> RunSummary:
    """Metrics of a static BTC hedge at the swept ratio, band and collateral."""
    if params.get("data") == "broken":
        raise DataError("prices.csv", 7, "perp_close 'x' is not a number")
    sink = MetricsSink()
    steps = static_hedge(
        "BTC",
        bars(PATH, rate_every=3),
        ratio=D(params.get("hedges.BTC.target_ratio", "1")),
        band=D(params.get("hedges.BTC.band", "0.02")),
        collateral=D(params.get("collateral", "100")),
    )
    for step in steps:
        sink.add([step])
    run, hedges = sink.results()
    return RunSummary(dict(params), run, hedges)
