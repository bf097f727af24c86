"""Profit and loss of a hedge: the spot leg, the perp leg, funding and fees.

Signs: a positive result is a profit; funding is positive when received; fees are positive
when paid (a maker rebate is a negative fee). Spot amounts are base units held (long). Perp
positions are signed contracts (negative = short).

Units:
- spot P&L and spot fees are in the spot market's quote (USDT); a fee charged in the base
  coin is valued at the end spot price (the coins it took would be worth that);
- perp P&L, funding and perp fees are in the perp's settle currency: the quote for linear
  perps (USDT), the coin for inverse perps (BTC). Linear: contracts × contract_size ×
  (exit − entry). Inverse: contracts × contract_size × (1/entry − 1/exit), which for a short
  (contracts < 0) gains coin when the price falls.

`hedge_pnl` marks every fill from its own price to the end price, so the parts add up to the
change in equity exactly, in Decimal: spot + perp + funding − fees = Δ equity (for a linear
hedge all in quote; for an inverse one the futures part holds in coin). Inverse coin values
(contracts × contract_size / price) have no finite decimal; each is rounded ONCE, to
`COIN_QUANTUM` (1e-18 coin, far below a satoshi), by `coin_value`, which keeps the sums exact.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

from bot.domain.model import Fill, FundingPayment, Market, MarketKind, Position, Side

__all__ = [
    "COIN_QUANTUM",
    "HedgePnl",
    "HedgedPnl",
    "Holdings",
    "Marks",
    "coin_value",
    "hedge_pnl",
    "hedged_pnl",
    "perp_pnl",
    "short_gain_pct",
    "spot_pnl",
]

ZERO = Decimal(0)
COIN_QUANTUM = Decimal("1e-18")


def spot_pnl(amount: Decimal, entry_price: Decimal, exit_price: Decimal) -> Decimal:
    """Quote P&L of holding `amount` base units from `entry_price` to `exit_price`."""
    return amount * (exit_price - entry_price)


def perp_pnl(
    market: Market, contracts: Decimal, entry_price: Decimal, exit_price: Decimal
) -> Decimal:
    """P&L of a perpetual position of signed `contracts` between two prices.

    Linear: contracts × contract_size × (exit − entry), in quote.
    Inverse: contracts × contract_size × (1/entry − 1/exit), in base.
    """
    if market.kind is MarketKind.INVERSE:
        return contracts * market.contract_size * (1 / entry_price - 1 / exit_price)
    if market.kind is MarketKind.LINEAR:
        return contracts * market.contract_size * (exit_price - entry_price)
    raise ValueError(f"{market.symbol}: perp_pnl needs a contract market, got {market.kind.value}")


@dataclass(frozen=True, slots=True)
class HedgedPnl:
    """Quote P&L of spot, of the perp leg, and their sum."""

    spot: Decimal
    perp: Decimal

    @property
    def total(self) -> Decimal:
        return self.spot + self.perp


def hedged_pnl(
    spot_amount: Decimal,
    market: Market,
    contracts: Decimal,
    entry_price: Decimal,
    exit_price: Decimal,
) -> HedgedPnl:
    """Combined quote P&L of `spot_amount` held and `contracts` on `market`, both entered at
    `entry_price` and marked at `exit_price`. Inverse perp P&L is converted to quote at exit.
    (No funding or fees: `hedge_pnl` is the full account.)"""
    perp = perp_pnl(market, contracts, entry_price, exit_price)
    if market.kind is MarketKind.INVERSE:
        perp = perp * exit_price
    return HedgedPnl(spot=spot_pnl(spot_amount, entry_price, exit_price), perp=perp)


def coin_value(market: Market, contracts: Decimal, price: Decimal) -> Decimal:
    """Coin worth (signed) of inverse `contracts` at `price`: contracts × contract_size /
    price, rounded half-even to `COIN_QUANTUM`."""
    value = contracts * market.contract_size / price
    return value.quantize(COIN_QUANTUM, rounding=ROUND_HALF_EVEN)


@dataclass(frozen=True, slots=True)
class Marks:
    """Prices (quote per base) the legs are valued at: the spot price and the perp's mark."""

    spot: Decimal
    perp: Decimal


@dataclass(frozen=True, slots=True)
class Holdings:
    """What the hedge held when the period began: `spot` base units and `contracts` (signed)
    on the perp, valued at `marks`."""

    spot: Decimal
    contracts: Decimal
    marks: Marks


@dataclass(frozen=True, slots=True)
class HedgePnl:
    """One hedge's P&L over a period (see the module docstring for units and signs).
    `spot`, `spot_fees` in quote; `perp`, `funding`, `perp_fees` in `settle`."""

    spot: Decimal
    spot_fees: Decimal
    perp: Decimal
    funding: Decimal
    perp_fees: Decimal
    settle: str
    settle_price: Decimal  # quote per settle unit at the end: 1 (linear) or the perp mark

    @property
    def futures(self) -> Decimal:
        """The futures account's change: perp + funding − perp fees, in `settle`."""
        return self.perp + self.funding - self.perp_fees

    @property
    def total(self) -> Decimal:
        """spot − spot fees + futures, in quote (inverse coin valued at the end mark)."""
        return self.spot - self.spot_fees + self.futures * self.settle_price


def hedge_pnl(
    spot_market: Market,
    perp_market: Market,
    start: Holdings,
    end: Marks,
    *,
    spot_fills: Sequence[Fill] = (),
    perp_fills: Sequence[Fill] = (),
    funding: Sequence[FundingPayment] = (),
) -> HedgePnl:
    """P&L from `start` to `end` of a hedge that traded `spot_fills` (amounts in base units)
    and `perp_fills` (contracts) and was paid `funding`. Raises ValueError naming the fill or
    payment whose symbol or fee/funding asset does not belong to the hedge."""
    settle = _settle(perp_market)
    spot_fee = sum((_spot_fee(spot_market, f, end.spot) for f in spot_fills), ZERO)
    perp_fee = sum((_perp_fee(settle, f) for f in perp_fills), ZERO)
    paid = sum((_funding(perp_market, settle, p) for p in funding), ZERO)
    inverse = perp_market.kind is MarketKind.INVERSE
    return HedgePnl(
        spot=_spot_leg(spot_market, start, end, spot_fills),
        spot_fees=spot_fee,
        perp=_perp_leg(perp_market, start, end, perp_fills),
        funding=paid,
        perp_fees=perp_fee,
        settle=settle,
        settle_price=end.perp if inverse else Decimal(1),
    )


def _signed(fill: Fill) -> Decimal:
    return fill.amount if fill.side is Side.BUY else -fill.amount


def _check_symbol(market: Market, fill: Fill) -> None:
    if fill.symbol != market.symbol:
        raise ValueError(f"fill {fill.id}: symbol {fill.symbol} is not {market.symbol}")


def _spot_leg(market: Market, start: Holdings, end: Marks, fills: Sequence[Fill]) -> Decimal:
    """Every unit held is marked to `end.spot`, from the start mark or its fill price."""
    for fill in fills:
        _check_symbol(market, fill)
    bought = sum((_signed(f) for f in fills), ZERO)
    paid = sum((_signed(f) * f.price for f in fills), ZERO)
    return (start.spot + bought) * end.spot - start.spot * start.marks.spot - paid


def _perp_leg(market: Market, start: Holdings, end: Marks, fills: Sequence[Fill]) -> Decimal:
    """Linear: Σ contracts × size × (end − fill price), start position from its mark.
    Inverse: the same in coin, Σ coin_value(fill) − coin_value(position at end)."""
    if not market.is_contract:
        raise ValueError(f"{market.symbol}: hedge_pnl needs a perp market, got spot")
    for fill in fills:
        _check_symbol(market, fill)
    held = start.contracts + sum((_signed(f) for f in fills), ZERO)
    if market.kind is MarketKind.INVERSE:
        entered = sum((coin_value(market, _signed(f), f.price) for f in fills), ZERO)
        entered += coin_value(market, start.contracts, start.marks.perp)
        return entered - coin_value(market, held, end.perp)
    cost = sum((_signed(f) * f.price for f in fills), ZERO)
    cost += start.contracts * start.marks.perp
    return (held * end.perp - cost) * market.contract_size


def _settle(market: Market) -> str:
    return market.settle or market.quote


def _spot_fee(market: Market, fill: Fill, end_price: Decimal) -> Decimal:
    """A spot fill's fee in quote: as charged, or a base-coin fee valued at `end_price`."""
    if fill.fee_asset in (None, market.quote):
        return fill.fee
    if fill.fee_asset == market.base:
        return fill.fee * end_price
    raise ValueError(
        f"fill {fill.id}: fee in {fill.fee_asset} cannot be valued; expected {market.quote}"
        f" or {market.base}"
    )


def _perp_fee(settle: str, fill: Fill) -> Decimal:
    if fill.fee_asset not in (None, settle):
        raise ValueError(f"fill {fill.id}: fee in {fill.fee_asset}, expected {settle}")
    return fill.fee


def _funding(market: Market, settle: str, payment: FundingPayment) -> Decimal:
    if payment.symbol != market.symbol:
        raise ValueError(f"funding {payment.id}: symbol {payment.symbol} is not {market.symbol}")
    if payment.asset != settle:
        raise ValueError(f"funding {payment.id}: paid in {payment.asset}, expected {settle}")
    return payment.amount


def short_gain_pct(position: Position, market: Market) -> Decimal | None:
    """The short's unrealised gain in percent of its entry notional (linear perps); None when
    flat, long, or the venue did not report the entry or the P&L."""
    pnl, entry = position.unrealized_pnl, position.entry_price
    if market.kind is MarketKind.INVERSE:
        return None
    if position.contracts >= 0 or pnl is None or entry is None or entry <= 0:
        return None
    notional = -position.contracts * market.contract_size * entry
    return pnl / notional * 100
