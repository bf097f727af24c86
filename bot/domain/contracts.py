"""Contract math: what a number of contracts is worth, and what the venue lets us send.

Units (see `model.Market`):
- linear:  one contract = `contract_size` base units (0.001 BTC); notional in quote.
- inverse: one contract = `contract_size` quote units (100 USD); base worth depends on price.
- spot:    one "contract" = one base unit (`contract_size` is ignored).
Contracts are signed where they describe a position (negative = short) and unsigned where they
describe an order amount. Prices are quote per base unit.
"""

from __future__ import annotations

from decimal import ROUND_CEILING, ROUND_DOWN, ROUND_FLOOR, ROUND_HALF_EVEN, ROUND_UP, Decimal

from bot.domain.model import Market, MarketKind, Side

__all__ = [
    "base_exposure",
    "contracts_for_base",
    "contracts_for_notional",
    "notional",
    "order_size_problem",
    "plain",
    "round_amount_down",
    "round_amount_up",
    "round_price_aggressive",
    "round_price_nearest",
    "round_price_passive",
]

ZERO = Decimal(0)


def _require_price(market: Market, price: Decimal | None) -> Decimal:
    if price is None or not price.is_finite() or price <= 0:
        raise ValueError(f"{market.symbol}: a positive price is needed for this conversion")
    return price


def base_exposure(market: Market, contracts: Decimal, price: Decimal | None = None) -> Decimal:
    """Base units that `contracts` (signed) stand for; the sign is kept.

    Linear: contracts × contract_size. Inverse: contracts × contract_size / price (price in
    quote per base, required). Spot: the amount itself.
    """
    if market.kind is MarketKind.SPOT:
        return contracts
    if market.kind is MarketKind.LINEAR:
        return contracts * market.contract_size
    return contracts * market.contract_size / _require_price(market, price)


def contracts_for_base(market: Market, base: Decimal, price: Decimal | None = None) -> Decimal:
    """Contracts (unrounded, sign kept) worth `base` base units; inverse needs `price`."""
    if market.kind is MarketKind.SPOT:
        return base
    if market.kind is MarketKind.LINEAR:
        return base / market.contract_size
    return base * _require_price(market, price) / market.contract_size


def notional(market: Market, contracts: Decimal, price: Decimal) -> Decimal:
    """Quote value of `contracts` (unsigned result) at `price`.

    Linear: contracts × contract_size × price. Inverse: contracts × contract_size (the
    contract is already quote-denominated). Spot: amount × price.
    """
    size = abs(contracts)
    if market.kind is MarketKind.INVERSE:
        return size * market.contract_size
    if market.kind is MarketKind.LINEAR:
        return size * market.contract_size * price
    return size * price


def contracts_for_notional(market: Market, quote_amount: Decimal, price: Decimal) -> Decimal:
    """Contracts (unrounded, unsigned) whose notional at `price` is `quote_amount`."""
    if market.kind is MarketKind.INVERSE:
        return abs(quote_amount) / market.contract_size
    per_contract = market.contract_size if market.kind is MarketKind.LINEAR else Decimal(1)
    return abs(quote_amount) / (per_contract * _require_price(market, price))


def plain(value: Decimal) -> str:
    """`value` as plain text for notes and intents: no exponent, no trailing zeros."""
    text = format(value.normalize(), "f")
    return "0" if text in ("-0", "0") else text


def _to_step(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    if step <= 0:
        raise ValueError(f"step must be positive, got {step}")
    return (value / step).to_integral_value(rounding=rounding) * step


def round_amount_down(market: Market, amount: Decimal) -> Decimal:
    """`amount` rounded toward zero to the market's `amount_step` (never trade more)."""
    return _to_step(amount, market.amount_step, ROUND_DOWN)


def round_amount_up(market: Market, amount: Decimal) -> Decimal:
    """`amount` rounded away from zero to `amount_step` (for reductions that must be enough)."""
    return _to_step(amount, market.amount_step, ROUND_UP)


def round_price_nearest(market: Market, price: Decimal) -> Decimal:
    """`price` rounded to the nearest tick (half to even)."""
    return _to_step(price, market.price_tick, ROUND_HALF_EVEN)


def round_price_passive(market: Market, price: Decimal, side: Side) -> Decimal:
    """`price` rounded to the tick on our own side of the book, so a maker order stays passive:
    buy prices round down, sell prices round up."""
    rounding = ROUND_FLOOR if side is Side.BUY else ROUND_CEILING
    return _to_step(price, market.price_tick, rounding)


def round_price_aggressive(market: Market, price: Decimal, side: Side) -> Decimal:
    """`price` rounded to the tick toward the other side (an IOC limit that must still cross):
    buy prices round up, sell prices round down."""
    rounding = ROUND_CEILING if side is Side.BUY else ROUND_FLOOR
    return _to_step(price, market.price_tick, rounding)


def order_size_problem(
    market: Market, amount: Decimal, price: Decimal, *, reduce_only: bool = False
) -> str | None:
    """Why an order of `amount` contracts at `price` breaks the venue's size rules, or None.

    Checks `min_amount` (contracts), `min_notional` (quote) and `max_amount`; the amount is
    expected to be already rounded to the step. A `reduce_only` order is exempt from
    `min_notional`, as on Binance (-4164: "... unless you choose reduce only"), so a small
    leftover short can always be closed; it still obeys `min_amount` and `max_amount`.
    """
    if amount <= 0:
        return f"amount {amount} is not positive"
    if amount < market.min_amount:
        return f"amount {amount} is below the minimum {market.min_amount} contracts"
    value = notional(market, amount, price)
    if value < market.min_notional and not reduce_only:
        return f"notional {value:.2f} is below the minimum {market.min_notional} {market.quote}"
    if market.max_amount is not None and amount > market.max_amount:
        return f"amount {amount} is above the maximum {market.max_amount} contracts"
    return None
