"""What the venue does to one backtest hedge within one candle, before the next decision, in
the order the fill model assumes (see `fills`): funding on the position held into the bar,
the live order's fill, the liquidation check on the mark. Pure.

Margin follows Binance's isolated mode: a fill that grows the short moves its initial margin
(notional / leverage) from the collateral into the position's wallet; one that shrinks it
releases the wallet pro rata; fees and realised P&L go through the wallet (`ledger`).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from bot.backtest.account import ledger_liquidation
from bot.backtest.bars import Bar
from bot.backtest.fills import FeeSchedule, bar_funding, fill_ioc, fill_post_only, liquidated
from bot.backtest.ledger import Ledger, apply_fill, apply_funding, liquidate, transfer
from bot.domain.liquidation import MarginBracket
from bot.domain.model import Fill, Market, Order, Side

__all__ = ["LiveOrder", "Tally", "VenueOutcome", "book_fill", "venue_events"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class LiveOrder:
    """Our one live order and, for an IOC, the far touch it was sent against."""

    order: Order
    touch: Decimal | None = None

    @property
    def ioc(self) -> bool:
        return self.touch is not None


@dataclass(frozen=True, slots=True)
class Tally:
    """One bar's money (quote: funding received +, fees paid +) and counts."""

    funding: Decimal = ZERO
    fees: Decimal = ZERO
    orders: int = 0
    fills: int = 0
    top_ups: int = 0
    liquidations: int = 0


@dataclass(frozen=True, slots=True)
class VenueOutcome:
    """The ledger and live order after the bar's venue events; `fills` what our account
    reports (a liquidation is reported as a fill too, as Binance lists its auto-close)."""

    ledger: Ledger
    live: LiveOrder | None
    fills: tuple[Fill, ...]
    tally: Tally
    liquidation: Decimal | None = None  # Binance's price for the ledger's position now


def book_fill(ledger: Ledger, fill: Fill, market: Market, leverage: int) -> Ledger:
    """`fill` applied to `ledger` with the isolated margin it opens or releases."""
    before = ledger.contracts
    after = apply_fill(ledger, fill, market)
    if abs(after.contracts) > abs(before):
        opened = (abs(after.contracts) - abs(before)) * market.contract_size * fill.price
        after, _ = transfer(after, opened / leverage)
    elif before != 0:
        keep = after.wallet * abs(after.contracts) / abs(before)
        after, _ = transfer(after, keep - after.wallet)
    return after


def _filled(live: LiveOrder, market: Market, bar: Bar, fees: FeeSchedule) -> Fill | None:
    if live.touch is not None:
        return fill_ioc(live.order, market, bar, live.touch, fees)
    return fill_post_only(live.order, market, bar, fees)


def _liquidation_fill(ledger: Ledger, market: Market, price: Decimal, ts_ms: int) -> Fill:
    side = Side.BUY if ledger.contracts < 0 else Side.SELL
    return Fill(
        id=f"liquidation-{ts_ms}",
        order_id=f"liquidation-{ts_ms}",
        symbol=market.symbol,
        side=side,
        amount=abs(ledger.contracts),
        price=price,
        fee=ZERO,
        fee_asset=market.settle,
        maker=False,
        timestamp_ms=ts_ms,
    )


def venue_events(
    ledger: Ledger,
    live: LiveOrder | None,
    bar: Bar,
    market: Market,
    leverage: int,
    fees: FeeSchedule,
    brackets: tuple[MarginBracket, ...],
    fill_ms: int,
) -> VenueOutcome:
    """Funding, our order's fill and the liquidation check (Binance's price for the position
    after the fill) within `bar`; fills are stamped `fill_ms` (inside the candle, after the
    decision that placed the order)."""
    funding = bar_funding(market, ledger.contracts, bar)
    ledger = apply_funding(ledger, funding)
    fills: list[Fill] = []
    fee = ZERO
    if live is not None:
        fill = _filled(live, market, bar, fees)
        if fill is not None:
            fill = replace(fill, timestamp_ms=fill_ms)
            ledger, fee = book_fill(ledger, fill, market, leverage), fill.fee
            fills.append(fill)
        if fill is not None or live.ioc:
            live = None  # filled in full, or an IOC that expired
    liquidations = 0
    liquidation = ledger_liquidation(ledger, market, brackets)
    if liquidation is not None and liquidated(ledger.contracts, liquidation, bar):
        fills.append(_liquidation_fill(ledger, market, liquidation, fill_ms))
        ledger, liquidations, live = liquidate(ledger, liquidation, market), 1, None
        liquidation = None
    tally = Tally(
        funding=funding, fees=fee, fills=len(fills) - liquidations, liquidations=liquidations
    )
    return VenueOutcome(ledger, live, tuple(fills), tally, liquidation)
