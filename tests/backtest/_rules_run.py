"""Replaying hand-made hourly candles through the loop for one BTC hedge with target rules:
the Steps the backtest reports, bar by bar."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal as D

from bot.backtest.account import HedgeSetup
from bot.backtest.bars import Bar, Ohlc
from bot.backtest.fills import FeeSchedule
from bot.backtest.replay import advance, start_run
from bot.backtest.series import Step
from bot.backtest.venue import perp_brackets, perp_market
from bot.domain.hedge import HedgePolicy
from bot.domain.risk_policy import RiskPolicy
from bot.domain.target_rules import Rules

HOUR = 3_600_000
SYMBOL = "BTC/USDT:USDT"
START = 1_735_689_600_000  # 2025-01-01T00:00:00Z


def candle(close: D) -> Ohlc:
    """A candle around `close` wide enough for the previous close's orders to fill."""
    return Ohlc(close, close * D("1.01"), close * D("0.99"), close)


def hourly(closes: Sequence[D], perp: Sequence[D] | None = None) -> list[Bar]:
    """Hourly bars from START; the perp leg at `perp` (default: the spot closes)."""
    perp = closes if perp is None else perp
    return [
        Bar(START + i * HOUR, candle(c), candle(p), candle(p))
        for i, (c, p) in enumerate(zip(closes, perp, strict=True))
    ]


def rules(base: str, **kwargs: object) -> Rules:
    """Rules with `target_ratio` `base`, max_ratio 1, and the given rule fields."""
    return Rules(base_ratio=D(base), max_ratio=D(1), **kwargs)  # type: ignore[arg-type]


def replay_rules(hedge_rules: Rules | None, bars: Sequence[Bar], base: str = "1") -> list[Step]:
    """The Steps of one hedge (1 BTC held, 2x isolated, 200k collateral) over `bars`."""
    fees = FeeSchedule()
    setup = HedgeSetup(
        policy=HedgePolicy("BTC", "BTC", SYMBOL, target_ratio=D(base)),
        risk_policy=RiskPolicy(),
        market=perp_market(SYMBOL, fees),
        brackets=perp_brackets(SYMBOL),
        holding=D(1),
        max_age_ms=120_000,
        rules=hedge_rules,
    )
    run, steps = start_run(setup, D(200_000)), []
    for bar in bars:
        run, step = advance(setup, run, bar, HOUR, fees)
        steps.append(step)
    return steps
