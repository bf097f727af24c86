"""The data, step and metrics layers together on real history: a static full BTC hedge over
the COVID crash slice (no replay loop yet: a short of 1 BTC opened at the first close)."""

from __future__ import annotations

from decimal import Decimal as D

from bot.backtest.data import MarketSpec, SeriesFile, open_market
from bot.backtest.metrics import MetricsSink

from ._files import shared_data
from ._static import static_hedge


def test_static_full_hedge_through_the_covid_crash() -> None:
    """BTC fell ~60 % (Feb-Apr 2020); 1 BTC hedged 1:1 with 10,000 USDT of collateral keeps
    hourly effectiveness above 0.9 and its drawdown below a fifth of the unhedged one, and
    collects the (mostly positive) funding."""
    path = shared_data() / "scenario_covid_crash_2020-02-15_2020-04-15_1h.csv"
    bars = list(open_market(MarketSpec("BTC", "BTC/USDT:USDT", (SeriesFile(path),))))
    sink = MetricsSink()
    for step in static_hedge("BTC", bars, ratio=D(1), collateral=D(10_000)):
        sink.add([step])
    run, _ = sink.results()
    assert run.hedge_effectiveness is not None and run.hedge_effectiveness > D("0.9")
    assert run.max_drawdown_unhedged < D("-0.25")
    assert run.max_drawdown_hedged > run.max_drawdown_unhedged / 5
    assert run.funding > 0
