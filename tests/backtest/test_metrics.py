"""Backtest metrics from hand-built steps: P&L, drawdowns as fractions of the starting
equity, hourly hedge effectiveness, counters, and the JSON keys exactly as documented."""

from __future__ import annotations

import pickle
import statistics
from decimal import Decimal as D
from itertools import pairwise

import pytest

from bot.backtest.metrics import METRIC_KEYS, Accumulator, MetricsSink
from bot.backtest.result import RunSummary
from bot.backtest.series import Recorder, Step

from ._static import bars, static_hedge

RALLY_AND_CRASH = ["100", "120", "90", "110", "95", "105"]


def _metrics(steps: list[Step]):  # type: ignore[no-untyped-def]
    accumulator = Accumulator()
    for step in steps:
        accumulator.add_step(step)
    return accumulator.result()


def test_unhedged_drawdown_is_a_negative_fraction_of_starting_equity() -> None:
    """1 BTC and 100 USDT collateral at 100: the fall from 120 to 90 is −30 / 200 = −0.15."""
    steps = list(static_hedge("BTC", bars(RALLY_AND_CRASH), ratio=D(0), collateral=D(100)))
    m = _metrics(steps)
    assert m.max_drawdown_unhedged == D("-0.15") and m.pnl_unhedged == D(5)
    assert m.hedge_effectiveness == 0  # unhedged is its own benchmark


def test_full_hedge_removes_the_price_risk() -> None:
    """A 1.0 short opened at the first close: hedged equity only pays the entry fee, so
    effectiveness is 1 and the hedged drawdown is 0."""
    m = _metrics(list(static_hedge("BTC", bars(RALLY_AND_CRASH), ratio=D(1), collateral=D(100))))
    assert m.hedge_effectiveness == 1 and m.max_drawdown_hedged == 0
    assert m.pnl_hedged == 0  # the fee was paid before the first step's equity was taken
    assert (m.orders, m.fills, m.fees) == (1, 1, D("0.02"))


def test_half_hedge_effectiveness_matches_a_direct_computation() -> None:
    """The streaming variance equals statistics.variance over the hourly returns."""
    steps = list(static_hedge("BTC", bars(RALLY_AND_CRASH), ratio=D("0.5"), collateral=D(50)))
    hedged = [s.equity_hedged for s in steps]
    unhedged = [s.equity_unhedged for s in steps]

    def returns(values: list[D]) -> list[D]:
        return [b / a - 1 for a, b in pairwise(values)]

    expected = 1 - statistics.variance(returns(hedged)) / statistics.variance(returns(unhedged))
    m = _metrics(steps)
    assert m.hedge_effectiveness is not None
    assert abs(m.hedge_effectiveness - expected) < D("1e-20")
    assert D("0.6") < m.hedge_effectiveness < D("0.9")


def test_effectiveness_uses_hourly_closes_not_every_candle() -> None:
    """5-minute candles swinging inside each hour but closing every hour at 100: the hourly
    returns are all zero, so effectiveness is undefined (None) despite the noise."""
    closes = [("100" if i % 12 == 11 else ("130" if i % 2 else "70")) for i in range(12 * 5)]
    steps = list(static_hedge("BTC", bars(closes, step_ms=300_000), ratio=D("0.5")))
    assert _metrics(steps).hedge_effectiveness is None


def test_counters_band_and_liquidation_distance() -> None:
    """time_outside_band counts steps with |ratio − target| > band; the smallest liquidation
    distance is kept; funding received by the short is summed."""
    series = bars(["100", "100", "100", "100"], rate_every=2)
    steps = list(static_hedge("BTC", series, ratio=D("0.97"), band=D("0.02")))
    inside = [s for s in static_hedge("BTC", series, ratio=D("0.99"), band=D("0.02"))]
    m, m_inside = _metrics(steps), _metrics(inside)
    assert m.time_outside_band == 1 and m_inside.time_outside_band == 0
    assert m.funding == 2 * D("0.97") * 100 * D("0.0001")
    assert m.min_liquidation_distance == min(s.liquidation_distance for s in steps)  # type: ignore[type-var]


def test_run_totals_are_the_sum_of_the_hedges() -> None:
    """Per run, equity is summed over hedges at each bar time; counters add up."""
    btc = list(static_hedge("BTC", bars(RALLY_AND_CRASH), ratio=D(1), collateral=D(100)))
    eth = list(static_hedge("ETH", bars(["10", "9", "8", "9", "10", "11"]), ratio=D(0)))
    sink = MetricsSink()
    recorder = Recorder([sink])
    for pair in zip(btc, eth, strict=True):
        recorder.add(pair)
    run, hedges = sink.results()
    assert run.pnl_unhedged == hedges["BTC"].pnl_unhedged + hedges["ETH"].pnl_unhedged
    assert run.fills == 1 and run.time_outside_band == D("0.5")
    assert set(hedges) == {"BTC", "ETH"}


def test_recorder_refuses_frames_that_break_the_contract() -> None:
    """Mixed bar times, a hedge twice, or time going backwards are loop bugs, caught early."""
    a, b = list(static_hedge("BTC", bars(["1", "2"]), ratio=D(1)))
    recorder = Recorder([MetricsSink()])
    with pytest.raises(ValueError, match="same bar time"):
        recorder.add([a, b])
    with pytest.raises(ValueError, match="each hedge once"):
        recorder.add([a, a])
    recorder.add([b])
    with pytest.raises(ValueError, match="increasing bar time"):
        recorder.add([a])


def test_json_document_keys_exactly() -> None:
    """The JSON has params, exactly the documented metric keys per run and per hedge, and
    survives pickling (sweep workers send it back)."""
    sink = MetricsSink()
    for step in static_hedge("BTC", bars(RALLY_AND_CRASH), ratio=D("0.5")):
        sink.add([step])
    run, hedges = sink.results()
    summary = pickle.loads(pickle.dumps(RunSummary({"hedges.BTC.band": "0.02"}, run, hedges)))
    document = summary.as_json()
    assert list(document) == ["params", *METRIC_KEYS, "hedges", "data"]
    assert list(document["hedges"]["BTC"]) == list(METRIC_KEYS)
    assert document["params"] == {"hedges.BTC.band": "0.02"}
    assert document["max_drawdown_unhedged"] == "-0.300000"  # 120 → 90 on a start of 100
