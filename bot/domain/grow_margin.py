"""Funding a GROW order's initial margin before it is placed, or sizing it to what the
margin available affords — so a hedge short of margin is not resent (and rejected with
Binance -2019 "Margin is insufficient") every cycle while collateral sits unused.

`fund_grow(order, market, leverage, collateral)` answers one of:
- place the order as planned, the futures wallet's free balance covers it;
- transfer `transfer` from the spot wallet to the futures wallet first (only with
  `auto_top_up`, at most `max_transfer`), then place it;
- place a smaller order: what the margin available (after any transfer) affords, rounded
  down to the step and still clearing the venue's minimums — a partial hedge beats none;
- place nothing (`order` None), with a note saying what to do.

Units: margin and balances are in the perp's settle currency (USDT for linear perps, the coin
for inverse ones). An order of c contracts at price p needs initial margin notional / leverage
plus a fee buffer of notional × max(maker, taker fee), notional = c × contract_size × p
(linear) or c × contract_size / p (inverse), rounded up to whole cents (linear) or 1e-8 coin.
Isolated and cross margin need the same: both take it from the futures wallet's available
balance (which already nets the margin of open orders and positions).

Example (issue 8): 1 BTC to sell at 6,600, 3x, 1,500 USDT free in futures, 30,000 in spot,
taker fee 0.05 %: the order needs 2,200 + 3.30 = 2,203.30; with auto_top_up transfer 703.30
then sell 1 BTC; without it sell what 1,500 affords: 0.680 BTC.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from bot.domain.contracts import order_size_problem, plain, round_amount_down
from bot.domain.model import Market, MarketKind
from bot.domain.sizing import PlannedOrder, Purpose, resized

__all__ = ["Collateral", "GrowFunding", "fund_grow", "margin_for"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Collateral:
    """Settle-currency balances a GROW order may be funded from: `futures_free` (Binance
    availableBalance), `spot_free` (the spot wallet; only moved with `auto_top_up`), and
    `max_transfer`, the most one transfer may move (risk.max_top_up; None = no cap)."""

    futures_free: Decimal
    spot_free: Decimal = ZERO
    auto_top_up: bool = False
    max_transfer: Decimal | None = None


@dataclass(frozen=True, slots=True)
class GrowFunding:
    """What to do about a GROW order's margin: transfer `transfer` `asset` spot → futures
    first (0 = nothing to move), then place `order` (None = place nothing). `margin` is what
    the order placed needs (initial margin + fee buffer); `note` says why, for the journal
    and the one alert."""

    order: PlannedOrder | None
    transfer: Decimal
    asset: str
    margin: Decimal
    note: str


def _quantum(market: Market) -> Decimal:
    return Decimal("1e-8") if market.kind is MarketKind.INVERSE else Decimal("0.01")


def _tied_up(market: Market, leverage: int, amount: Decimal, price: Decimal) -> Decimal:
    """Settle currency `amount` contracts tie up (unrounded): initial margin + fee buffer."""
    if market.kind is MarketKind.INVERSE:
        value = amount * market.contract_size / price
    else:
        value = amount * market.contract_size * price
    return value / leverage + value * max(market.maker_fee, market.taker_fee)


def margin_for(market: Market, leverage: int, amount: Decimal, price: Decimal) -> Decimal:
    """Initial margin + fee buffer (settle currency, rounded up to cents or 1e-8 coin) of
    selling `amount` contracts at `price` with `leverage`."""
    need = _tied_up(market, leverage, amount, price)
    return need.quantize(_quantum(market), rounding=ROUND_UP)


def fund_grow(
    order: PlannedOrder, market: Market, leverage: int, collateral: Collateral
) -> GrowFunding:
    """Fund `order` (a GROW sell) from `collateral`, or resize it (see the module doc).
    Raises ValueError for an order that does not grow the hedge or a leverage below 1."""
    if order.purpose is not Purpose.GROW:
        raise ValueError(f"{order.intent}: only GROW orders draw new margin")
    if leverage < 1:
        raise ValueError(f"{order.symbol}: leverage {leverage} must be at least 1")
    asset = market.settle or market.quote
    free = max(collateral.futures_free, ZERO)
    need = margin_for(market, leverage, order.amount, order.price)
    if need <= free:
        return GrowFunding(order, ZERO, asset, need, f"margin {need} {asset} is free")
    movable = _movable(market, collateral)
    if need - free <= movable:
        transfer = (need - free).quantize(_quantum(market), rounding=ROUND_UP)
        note = f"transfer {transfer} {asset} spot -> futures for margin {need}"
        return GrowFunding(order, min(transfer, movable), asset, need, note)
    return _resize(order, market, leverage, free, collateral)


def _movable(market: Market, collateral: Collateral) -> Decimal:
    """What may be transferred from the spot wallet now (0 without auto_top_up)."""
    if not collateral.auto_top_up:
        return ZERO
    movable = max(collateral.spot_free, ZERO)
    if collateral.max_transfer is not None:
        movable = min(movable, collateral.max_transfer)
    return movable.quantize(_quantum(market), rounding=ROUND_DOWN)


def _affordable(market: Market, leverage: int, budget: Decimal, price: Decimal) -> Decimal:
    """The most contracts (on the step) whose rounded-up margin fits `budget`: solves
    budget = value × (1/leverage + fee) for the value, then converts it to contracts."""
    fee = max(market.maker_fee, market.taker_fee)
    value = budget * leverage / (1 + leverage * fee)
    if market.kind is MarketKind.INVERSE:
        contracts = value * price / market.contract_size
    else:
        contracts = value / (market.contract_size * price)
    amount = round_amount_down(market, contracts)
    while amount > 0 and margin_for(market, leverage, amount, price) > budget:
        amount -= market.amount_step  # rounding the margin up may overshoot by one quantum
    return max(amount, ZERO)


def _resize(
    order: PlannedOrder, market: Market, leverage: int, free: Decimal, collateral: Collateral
) -> GrowFunding:
    """The largest order the free margin plus what may be moved affords, or none."""
    asset = market.settle or market.quote
    movable = _movable(market, collateral)
    budget = free + movable
    amount = min(_affordable(market, leverage, budget, order.price), order.amount)
    short = (
        f"margin short: selling {plain(order.amount)} needs"
        f" {margin_for(market, leverage, order.amount, order.price)} {asset},"
        f" {plain(budget)} available"
    )
    problem = order_size_problem(market, amount, order.price)
    if problem:
        fix = f"add {asset} to the futures wallet"
        if not collateral.auto_top_up:
            fix += " or enable risk.auto_top_up"
        return GrowFunding(None, ZERO, asset, ZERO, f"{short} affords no order ({problem}); {fix}")
    need = margin_for(market, leverage, amount, order.price)
    transfer = max(need - free, ZERO).quantize(_quantum(market), rounding=ROUND_UP)
    note = f"{short}: selling {plain(amount)} instead"
    if transfer > 0:
        note += f" after a transfer of {transfer} {asset}"
    return GrowFunding(resized(order, amount), min(transfer, movable), asset, need, note)
