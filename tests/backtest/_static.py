"""A static hedge computed by hand: what the replay loop would report for a hedge that shorts
`ratio` × holding once at the first close and never trades again. Used to exercise metrics,
outputs and sweeps with real arithmetic (not canned results)."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from decimal import Decimal as D

from bot.backtest.bars import Bar, Ohlc
from bot.backtest.series import Step

HOUR = 3_600_000


def bars(closes: Sequence[str], step_ms: int = HOUR, rate_every: int = 0) -> list[Bar]:
    """Flat candles at `closes`, `step_ms` apart; a 0.0001 funding rate every `rate_every`."""
    out = []
    for i, close in enumerate(closes):
        candle = Ohlc.flat(D(close))
        rate = D("0.0001") if rate_every and i % rate_every == 0 else None
        out.append(Bar(i * step_ms, candle, candle, candle, rate))
    return out


def static_hedge(
    hedge: str,
    series: Sequence[Bar],
    *,
    ratio: D,
    holding: D = D(1),
    collateral: D = D(0),
    band: D = D("0.02"),
    leverage: D = D(2),
) -> Iterator[Step]:
    """Steps of a short of `ratio` × `holding` opened at the first close (one maker fill, fee
    0.02 %), funding on the mark, liquidation distance of an isolated short at `leverage`."""
    entry = series[0].perp.close
    position = -ratio * holding
    fee = abs(position) * entry * D("0.0002")
    margin = abs(position) * entry / leverage
    wallet = margin - fee
    trade = 1 if position else 0
    for i, bar in enumerate(series):
        funding = -position * bar.mark.open * bar.funding_rate if bar.funding_rate else D(0)
        wallet += funding
        liq = entry + wallet / abs(position) if position else None
        yield Step(
            hedge=hedge,
            bar=bar,
            holding=holding,
            position=position,
            ratio=ratio,
            target=D(1),
            band=band,
            liquidation_distance=None if liq is None else (liq - bar.mark.close) / bar.mark.close,
            equity_hedged=collateral
            - margin
            + holding * bar.spot.close
            + wallet
            + position * (bar.perp.close - entry),
            equity_unhedged=collateral + holding * bar.spot.close,
            funding=funding,
            fees=fee if i == 0 else D(0),
            orders=trade if i == 0 else 0,
            fills=trade if i == 0 else 0,
        )
