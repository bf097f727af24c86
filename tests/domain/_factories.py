"""Small builders for domain tests: markets, policies, quotes, orders and views."""

from __future__ import annotations

from decimal import Decimal as D

from bot.domain.hedge import HedgePolicy
from bot.domain.model import Market, MarketKind, Order, OrderStatus, Position, Quote, Side
from bot.domain.planner import HedgeView

SYMBOL = "BTC/USDT:USDT"


def linear(
    contract_size: str = "1",
    step: str = "0.001",
    tick: str = "0.1",
    min_amount: str = "0",
    min_notional: str = "0",
    symbol: str = SYMBOL,
) -> Market:
    """A linear (USDⓈ-M style) perpetual."""
    return Market(
        symbol=symbol,
        exchange_symbol="BTCUSDT",
        kind=MarketKind.LINEAR,
        base="BTC",
        quote="USDT",
        settle="USDT",
        contract_size=D(contract_size),
        amount_step=D(step),
        price_tick=D(tick),
        min_amount=D(min_amount),
        min_notional=D(min_notional),
    )


def inverse(contract_size: str = "100", symbol: str = "BTC/USD:BTC") -> Market:
    """An inverse (coin-margined) perpetual; one contract is `contract_size` USD."""
    return Market(
        symbol=symbol,
        exchange_symbol="BTCUSD_PERP",
        kind=MarketKind.INVERSE,
        base="BTC",
        quote="USD",
        settle="BTC",
        contract_size=D(contract_size),
        amount_step=D(1),
        price_tick=D("0.1"),
        min_amount=D(1),
    )


def spot_market() -> Market:
    return Market(
        symbol="BTC/USDT",
        exchange_symbol="BTCUSDT",
        kind=MarketKind.SPOT,
        base="BTC",
        quote="USDT",
        settle=None,
        contract_size=D(1),
        amount_step=D("0.00001"),
        price_tick=D("0.01"),
    )


def policy(target: str = "1", **kw: object) -> HedgePolicy:
    fields: dict[str, object] = {
        "name": "BTC",
        "spot_asset": "BTC",
        "perp_symbol": SYMBOL,
        "target_ratio": D(target),
    }
    fields.update(kw)
    return HedgePolicy(**fields)  # type: ignore[arg-type]


def quote(bid: str = "59999.9", ask: str = "60000", mark: str | None = "60000") -> Quote:
    return Quote(
        symbol=SYMBOL,
        bid=D(bid),
        ask=D(ask),
        timestamp_ms=1_000,
        mark=None if mark is None else D(mark),
    )


def order(
    side: Side,
    amount: str,
    price: str,
    *,
    filled: str = "0",
    reduce_only: bool = False,
    post_only: bool = True,
    ts: int | None = 1_000,
    oid: str = "o1",
) -> Order:
    return Order(
        id=oid,
        client_id=f"hb-{oid}",
        symbol=SYMBOL,
        side=side,
        amount=D(amount),
        filled=D(filled),
        price=D(price),
        status=OrderStatus.OPEN,
        reduce_only=reduce_only,
        post_only=post_only,
        timestamp_ms=ts,
    )


def view(
    spot: str,
    contracts: str,
    *,
    pol: HedgePolicy | None = None,
    market: Market | None = None,
    q: Quote | None = None,
    live: tuple[Order, ...] = (),
    now_ms: int = 2_000,
    **kw: object,
) -> HedgeView:
    return HedgeView(
        policy=pol or policy(),
        market=market or linear(),
        spot=D(spot),
        position=Position(symbol=SYMBOL, contracts=D(contracts)),
        quote=q or quote(),
        now_ms=now_ms,
        live_orders=live,
        **kw,  # type: ignore[arg-type]
    )
