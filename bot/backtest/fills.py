"""The backtest's fill model, pure functions over frozen values (candles know no order book).

- A post-only limit fills only in a candle that opens at or after the order was placed (the
  order's `timestamp_ms`: the loop places orders at the decision candle's close) and that
  trades THROUGH its price, strictly: a sell at P needs high > P, a buy at P needs low < P. A
  candle that only touches P leaves it resting (the queue ahead of us is unknown). It fills in
  full, at P, as maker.
- An IOC executes at the far touch it was sent against (ask for a buy, bid for a sell),
  clamped to the candle's range (the slippage bound), in full, as taker; if that price is
  beyond the order's limit, nothing fills and the IOC expires.
- Fees: notional × rate, Binance USDⓈ-M defaults 0.02 % maker / 0.05 % taker (VIP 0),
  overridable; a negative maker rate is a rebate.
- Funding at each settlement: −position × mark × rate on the mark at the candle's open (the
  settlement instant); a positive rate makes a short (negative position) receive.
- Liquidation: a short is liquidated in a candle whose mark high reaches its liquidation price
  (a long: whose mark low does), the price from `bot.domain.liquidation` (Binance's formula).
Linear (USDⓈ-M) perpetuals only: contracts × contract_size is base units, money is quote.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.backtest.bars import Bar, Ohlc
from bot.domain.model import Fill, Market, MarketKind, Order, Side

__all__ = [
    "FeeSchedule",
    "bar_funding",
    "fill_ioc",
    "fill_post_only",
    "funding_payment",
    "liquidated",
    "require_linear",
    "trades_through",
]

ZERO = Decimal(0)
_FEE_LIMIT = Decimal("0.01")  # 1 % of notional: beyond it a rate was surely given in percent


@dataclass(frozen=True, slots=True)
class FeeSchedule:
    """Perp fees as fractions of notional (0.0002 = 0.02 %); the defaults are Binance USDⓈ-M
    VIP 0. `maker` may be negative (a rebate)."""

    maker: Decimal = Decimal("0.0002")
    taker: Decimal = Decimal("0.0005")

    def __post_init__(self) -> None:
        for name, rate in (("maker", self.maker), ("taker", self.taker)):
            if not rate.is_finite() or abs(rate) > _FEE_LIMIT or (name == "taker" and rate < 0):
                raise ValueError(
                    f"fees.{name}: {rate} is not a fee rate (a fraction of notional such as "
                    f"0.0002 = 0.02 %, at most {_FEE_LIMIT})"
                )

    def fee(self, notional: Decimal, *, maker: bool) -> Decimal:
        """Fee paid on a trade of `notional` quote (positive = paid)."""
        return abs(notional) * (self.maker if maker else self.taker)


def trades_through(side: Side, price: Decimal, candle: Ohlc) -> bool:
    """The candle traded strictly beyond `price` on the side that fills a resting `side`
    order: above it for a sell, below it for a buy."""
    return candle.high > price if side is Side.SELL else candle.low < price


def fill_post_only(order: Order, market: Market, bar: Bar, fees: FeeSchedule) -> Fill | None:
    """The fill of a resting post-only limit `order` in `bar`, or None if it rests on."""
    if order.price is None or not _tradable(order, bar):
        return None
    if not trades_through(order.side, order.price, bar.perp):
        return None
    return _fill(order, market, order.price, bar.ts_ms, fees, maker=True)


def fill_ioc(
    order: Order, market: Market, bar: Bar, touch: Decimal, fees: FeeSchedule
) -> Fill | None:
    """The fill of an IOC `order` sent against the far `touch`, executed in `bar`, or None
    when the candle-bounded price is beyond the order's limit."""
    if not _tradable(order, bar):
        return None
    price = min(max(touch, bar.perp.low), bar.perp.high)
    if order.price is not None:
        beyond = price > order.price if order.side is Side.BUY else price < order.price
        if beyond:
            return None
    return _fill(order, market, price, bar.ts_ms, fees, maker=False)


def _tradable(order: Order, bar: Bar) -> bool:
    placed = order.timestamp_ms
    return order.remaining > 0 and placed is not None and bar.ts_ms >= placed


def _fill(
    order: Order, market: Market, price: Decimal, ts_ms: int, fees: FeeSchedule, *, maker: bool
) -> Fill:
    require_linear(market)
    amount = order.remaining
    notional = amount * market.contract_size * price
    return Fill(
        id=f"{order.id}-{ts_ms}",
        order_id=order.id,
        symbol=order.symbol,
        side=order.side,
        amount=amount,
        price=price,
        fee=fees.fee(notional, maker=maker),
        fee_asset=market.settle or market.quote,
        maker=maker,
        timestamp_ms=ts_ms,
        client_id=order.client_id,
    )


def funding_payment(market: Market, contracts: Decimal, mark: Decimal, rate: Decimal) -> Decimal:
    """Funding received (+) or paid (−), settle currency, by a position of signed `contracts`
    at `mark` for one settlement at `rate`: −contracts × contract_size × mark × rate."""
    require_linear(market)
    return -contracts * market.contract_size * mark * rate


def bar_funding(market: Market, contracts: Decimal, bar: Bar) -> Decimal:
    """Funding settled within `bar` (zero when none settles), on the mark at its open."""
    if bar.funding_rate is None or contracts == 0:
        return ZERO
    return funding_payment(market, contracts, bar.mark.open, bar.funding_rate)


def liquidated(contracts: Decimal, liquidation_price: Decimal | None, bar: Bar) -> bool:
    """The mark reached the liquidation price within `bar`: its high for a short, its low
    for a long. No liquidation price (flat, or a long that cannot be liquidated) → False."""
    if liquidation_price is None or contracts == 0:
        return False
    if contracts < 0:
        return bar.mark.high >= liquidation_price
    return bar.mark.low <= liquidation_price


def require_linear(market: Market) -> None:
    """ValueError unless `market` is a linear (USDⓈ-M) perpetual, the only kind modelled."""
    if market.kind is not MarketKind.LINEAR:
        raise ValueError(
            f"{market.symbol}: the backtest fill model handles linear (USDⓈ-M) perpetuals only"
        )
