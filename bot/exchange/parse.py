"""ccxt's unified dicts → frozen domain values, validated at once.

Every number goes through `Decimal(str(x))` (ccxt hands out floats; `str` gives the shortest
round-trip form, so 0.1 stays 0.1). Anything we cannot trust — a missing required field, NaN or
infinity, a negative size or price, a non-number — raises `BadResponse` naming the field and the
symbol, so the engine skips that hedge for the cycle instead of acting on garbage.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from decimal import Decimal

from bot.domain.liquidation import MarginBracket
from bot.domain.model import (
    Balance,
    Fill,
    FundingInfo,
    FundingPayment,
    Order,
    OrderStatus,
    Quote,
    Wallet,
    frozen_map,
)
from bot.exchange.errors import BadResponse
from bot.exchange.fields import (
    ZERO,
    Raw,
    bad,
    millis,
    num,
    order_side,
    positive_or_none,
    req,
    text,
)
from bot.exchange.parse_markets import parse_market, parse_markets
from bot.exchange.parse_positions import leg_of, parse_position, parse_positions, position_side

__all__ = [
    "leg_of",
    "parse_balances",
    "parse_fill",
    "parse_funding_payment",
    "parse_funding_rate",
    "parse_market",
    "parse_markets",
    "parse_order",
    "parse_position",
    "parse_positions",
    "parse_quote",
    "position_side",
]

_STATUS = {
    "open": OrderStatus.OPEN,
    "closed": OrderStatus.CLOSED,
    "canceled": OrderStatus.CANCELED,
    "cancelled": OrderStatus.CANCELED,
    "expired": OrderStatus.EXPIRED,
    "rejected": OrderStatus.REJECTED,
}


# --- balances ----------------------------------------------------------------------------


def parse_balances(raw: Raw, wallet: Wallet) -> Mapping[str, Balance]:
    """asset → Balance from a ccxt balance structure. Spot amounts must be ≥ 0; a futures
    wallet may legitimately be negative (losses beyond the wallet balance)."""
    totals = raw.get("total")
    if not isinstance(totals, Mapping):
        raise bad(f"{wallet.value} balance", "total", totals, "is missing")
    signed = wallet is not Wallet.SPOT
    balances = {}
    for asset in totals:
        what = f"{wallet.value} balance {asset}"
        entry = raw.get(asset) or {}
        total = req(entry.get("total", totals[asset]), "total", what, signed=signed)
        used = num(entry.get("used"), "used", what, signed=signed)
        free = num(entry.get("free"), "free", what, signed=signed)
        if free is None:  # e.g. portfolio-margin replies carry totals only
            free = total - (used or ZERO)
        if used is None:
            used = total - free
        balances[asset] = Balance(asset=asset, free=free, used=used, total=total)
    return frozen_map(balances)


# --- orders and fills --------------------------------------------------------------------


def _closes_a_leg(raw: Raw) -> bool:
    """Hedge-mode orders carry no reduceOnly flag, yet a BUY on the SHORT leg (or a SELL on the
    LONG) can only close it: that is what reduce-only means to the planner."""
    return (leg_of(raw), raw.get("side")) in (("SHORT", "buy"), ("LONG", "sell"))


def parse_order(raw: Raw) -> Order:
    """One ccxt order. `amount`/`filled` unsigned contracts; `price` None for market orders."""
    what = f"order {raw.get('id')!r} on {raw.get('symbol')!r}"
    status_raw = raw.get("status")
    status = _STATUS.get(str(status_raw).lower())
    if status is None:
        raise bad(what, "status", status_raw, "is not a known order status")
    amount = req(raw.get("amount"), "amount", what)
    filled = num(raw.get("filled"), "filled", what)
    if filled is None:
        remaining = num(raw.get("remaining"), "remaining", what)
        filled = amount - remaining if remaining is not None else ZERO
    if filled > amount:
        raise bad(what, "filled", filled, f"exceeds amount {amount}")
    return Order(
        id=text(raw, "id", what),
        client_id=raw.get("clientOrderId") or None,
        symbol=text(raw, "symbol", what),
        side=order_side(raw, what),
        amount=amount,
        filled=filled,
        price=positive_or_none(raw.get("price"), "price", what),
        status=status,
        reduce_only=bool(raw.get("reduceOnly")) or _closes_a_leg(raw),
        post_only=bool(raw.get("postOnly")) or raw.get("timeInForce") == "PO",
        timestamp_ms=millis(raw.get("timestamp")) or millis(raw.get("lastUpdateTimestamp")),
        average_price=positive_or_none(raw.get("average"), "average", what),
    )


def parse_fill(raw: Raw) -> Fill:
    """One ccxt trade of ours. `amount` unsigned contracts; `fee` in `fee_asset`."""
    what = f"trade {raw.get('id')!r} on {raw.get('symbol')!r}"
    fee = raw.get("fee") or {}
    timestamp = millis(raw.get("timestamp"))
    if timestamp is None:
        raise bad(what, "timestamp", raw.get("timestamp"), "is missing")
    price = req(raw.get("price"), "price", what)
    if price == 0:
        raise bad(what, "price", raw.get("price"), "is zero")
    maker = raw.get("takerOrMaker")
    return Fill(
        id=text(raw, "id", what),
        order_id=text(raw, "order", what),
        symbol=text(raw, "symbol", what),
        side=order_side(raw, what),
        amount=req(raw.get("amount"), "amount", what),
        price=price,
        fee=num(fee.get("cost"), "fee.cost", what, signed=True) or ZERO,
        fee_asset=fee.get("currency") or None,
        maker=None if maker is None else maker == "maker",
        timestamp_ms=timestamp,
        client_id=raw.get("clientOrderId") or None,
    )


# --- market data -------------------------------------------------------------------------


def _top(levels: object, field: str, what: str) -> Decimal:
    if not isinstance(levels, Sequence) or not levels:
        raise bad(what, field, levels, "is empty")
    level = levels[0]
    if not isinstance(level, Sequence) or not level:
        raise bad(what, field, level, "is not a [price, amount] level")
    price = req(level[0], f"{field}[0]", what)
    if price == 0:
        raise bad(what, f"{field}[0]", level[0], "is zero")
    return price


def parse_quote(symbol: str, book: Raw, *, now_ms: int, funding: Raw | None = None) -> Quote:
    """Top of a ccxt order book, with mark/index from a ccxt funding-rate structure when given.
    A crossed or locked book (bid ≥ ask) is refused: quoting at it would be nonsense."""
    what = f"order book {symbol!r}"
    bid = _top(book.get("bids"), "bids", what)
    ask = _top(book.get("asks"), "asks", what)
    if bid >= ask:
        raise BadResponse(f"{what}: crossed book, bid {bid} >= ask {ask}")
    funding = funding or {}
    return Quote(
        symbol=symbol,
        bid=bid,
        ask=ask,
        timestamp_ms=millis(book.get("timestamp")) or now_ms,
        mark=positive_or_none(funding.get("markPrice"), "markPrice", what),
        index=positive_or_none(funding.get("indexPrice"), "indexPrice", what),
    )


def _interval_hours(value: object) -> int:
    """ccxt funding `interval` ('8h', '4h', '1h') as whole hours; 8 when absent or odd."""
    text = str(value or "")
    return int(text[:-1]) if text.endswith("h") and text[:-1].isdigit() else 8


def parse_funding_rate(raw: Raw) -> FundingInfo:
    """Current funding of a perpetual; `rate` is a signed fraction per interval."""
    what = f"funding {raw.get('symbol')!r}"
    return FundingInfo(
        symbol=text(raw, "symbol", what),
        rate=req(raw.get("fundingRate"), "fundingRate", what, signed=True),
        next_funding_ms=millis(raw.get("nextFundingTimestamp"))
        or millis(raw.get("fundingTimestamp")),
        mark=positive_or_none(raw.get("markPrice"), "markPrice", what),
        index=positive_or_none(raw.get("indexPrice"), "indexPrice", what),
        interval_hours=_interval_hours(raw.get("interval")),
    )


def parse_funding_payment(raw: Raw) -> FundingPayment:
    """One funding settlement from ccxt funding history; `amount` > 0 was received."""
    what = f"funding payment {raw.get('id')!r} on {raw.get('symbol')!r}"
    timestamp = millis(raw.get("timestamp"))
    if timestamp is None:
        raise bad(what, "timestamp", raw.get("timestamp"), "is missing")
    return FundingPayment(
        id=text(raw, "id", what),
        symbol=text(raw, "symbol", what),
        asset=text(raw, "code", what),
        amount=req(raw.get("amount"), "amount", what, signed=True),
        timestamp_ms=timestamp,
    )


def parse_margin_brackets(symbol: str, tiers: Iterable[Raw]) -> tuple[MarginBracket, ...]:
    """ccxt leverage tiers → margin brackets (quote notionals; `cum` from the raw bracket)."""
    what = f"leverage tiers {symbol}"
    out = []
    for tier in tiers:
        info = tier.get("info") or {}
        if not isinstance(info, Mapping):
            raise bad(what, "info", info, "is not an object")
        cum = info.get("cum", info.get("cumFastMaintenanceAmount", 0))
        out.append(
            MarginBracket(
                notional_floor=req(tier.get("minNotional"), "minNotional", what),
                notional_cap=req(tier.get("maxNotional"), "maxNotional", what),
                maint_margin_ratio=req(
                    tier.get("maintenanceMarginRate"), "maintenanceMarginRate", what
                ),
                cum=req(cum if cum is not None else 0, "cum", what),
                max_leverage=int(tier["maxLeverage"]) if tier.get("maxLeverage") else None,
            )
        )
    if not out:
        raise bad(what, "tiers", [], "is empty")
    return tuple(sorted(out, key=lambda b: b.notional_floor))
