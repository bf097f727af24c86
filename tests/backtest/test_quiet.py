"""Skipping quiet candles changes nothing: the same candles replayed with and without the
skip give the same hedge state (ledger, memory, live order, journal facts) and the same Step
on every bar, through fills, funding, top-ups, rallies and liquidations."""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import replace
from decimal import Decimal as D

import pytest

from bot.backtest.account import HedgeSetup
from bot.backtest.bars import Bar, Ohlc
from bot.backtest.data import MarketSpec, SeriesFile, open_market
from bot.backtest.fills import FeeSchedule
from bot.backtest.replay import HedgeRun, advance, settled, start_run
from bot.backtest.venue import perp_brackets, perp_market
from bot.domain.hedge import HedgePolicy
from bot.domain.risk_policy import RiskPolicy

from ._files import shared_data

HOUR = 3_600_000
SYMBOL = "BTC/USDT:USDT"
FEES = FeeSchedule()


def _walk(seed: int, n: int, drift: float) -> list[Bar]:
    """Hourly candles of a seeded random walk from 60,000 (`drift` per bar), funding 0.01 %
    every 8th bar, each candle 0.3 % wide around its open and close."""
    rng, price, out = random.Random(seed), 60_000.0, []
    for i in range(n):
        close = price * (1 + drift + rng.gauss(0, 0.004))
        o, c = D(f"{price:.1f}"), D(f"{close:.1f}")
        candle = Ohlc(o, max(o, c) * D("1.003"), min(o, c) * D("0.997"), c)
        out.append(Bar(i * HOUR, candle, candle, candle, D("0.0001") if i % 8 == 0 else None))
        price = close
    return out


def _setup(leverage: int, target: str, band: str, auto_top_up: bool) -> HedgeSetup:
    policy = HedgePolicy(
        "BTC", "BTC", SYMBOL, target_ratio=D(target), band=D(band), leverage=leverage
    )
    return HedgeSetup(
        policy=policy,
        risk_policy=RiskPolicy(auto_top_up=auto_top_up),
        market=perp_market(SYMBOL, FEES),
        brackets=perp_brackets(SYMBOL),
        holding=D(1),
        max_age_ms=120_000,
    )


def _both_ways(setup: HedgeSetup, bars: Sequence[Bar], collateral: D) -> tuple[int, int, int]:
    """Replay `bars` with and without the skip, asserting equal state and Step on every bar;
    returns (bars skipped, of which under the risk hold, top-ups + liquidations seen)."""
    interval = bars[1].ts_ms - bars[0].ts_ms
    full = fast = start_run(setup, collateral)
    skipped = events = held = 0
    for i, bar in enumerate(bars):
        full, full_step = advance(setup, full, bar, interval, FEES, skip_quiet=False)
        before = fast.quiet
        fast, fast_step = advance(setup, fast, bar, interval, FEES)
        skip = before is not None and fast.quiet is before
        skipped += skip
        held += skip and before is not None and before.memory.risk_hold
        assert fast_step == full_step, f"bar {i}"
        assert _state(settled(fast, bar.ts_ms + interval)) == _state(full), f"bar {i}"
        events += full_step.top_ups + full_step.liquidations
    return skipped, held, events


def _state(run: HedgeRun) -> HedgeRun:
    return replace(run, quiet=None)


RALLY = "rally at 5x: top-ups from the collateral"
LIQUIDATED = "rally at 10x without top-ups: liquidated"
# setup, drift per bar, seed, share of bars skipped at least (stressed hedges decide often),
# whether the risk guard must act (a top-up or a liquidation: the comparison covers it)
CASES = {
    "calm market, 2x, full hedge": (_setup(2, "1", "0.02", True), 0.0, 1, 0.8, False),
    RALLY: (_setup(5, "1", "0.02", True), 0.0005, 2, 0.1, True),
    LIQUIDATED: (_setup(10, "1", "0.02", False), 0.001, 3, 0.1, True),
    "falling market, half hedge, tight band": (
        _setup(3, "0.5", "0.005", True),
        -0.0005,
        4,
        0.8,
        False,
    ),
}


@pytest.mark.parametrize("case", list(CASES))
def test_skipping_quiet_candles_leaves_every_bar_unchanged(case: str) -> None:
    """On hand-made walks (calm, rally with top-ups, liquidation, tight band) the skip path
    and the full decision agree bar by bar; calm bars are skipped, and the stressed cases
    do reach the risk guard's top-ups or a liquidation and skip bars under its hold."""
    setup, drift, seed, least, acts = CASES[case]
    bars = _walk(seed, 1_200, drift)
    skipped, held, events = _both_ways(setup, bars, D(60_000))
    assert skipped >= least * len(bars)
    assert (events > 0 and held > 0) or not acts  # top-ups set the hold; quiet bars keep it


def test_skipping_quiet_candles_on_real_history() -> None:
    """One week of real BTC 5-minute candles (2025-03), 1 BTC fully hedged at 3x: the same
    every bar with and without the skip."""
    path = shared_data() / "binance_btcusdt_5m_perp_spot_2025.csv.gz"
    bars = []
    for bar in open_market(MarketSpec("BTC", SYMBOL, (SeriesFile(path),))):
        if bar.ts_ms >= 1_740_787_200_000:  # 2025-03-01
            bars.append(bar)
        if len(bars) == 2_016:
            break
    skipped, _, _ = _both_ways(_setup(3, "1", "0.02", True), bars, D(100_000))
    assert skipped > len(bars) * 9 // 10
