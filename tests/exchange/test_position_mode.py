"""Hedge mode inside the gateway: which mode is applied, the order flags each mode sends, and
what the key's permissions read as."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.model import Market, MarketKind, PositionMode, Side
from bot.exchange.ccxt_account import parse_api_restrictions
from bot.exchange.ccxt_position_mode import mode_to_apply
from bot.exchange.orders import order_params
from bot.exchange.port import ApiRestrictions, OrderRequest

HEDGE, ONE_WAY = PositionMode.HEDGE, PositionMode.ONE_WAY
PERP = Market(
    symbol="BTC/USDT:USDT",
    exchange_symbol="BTCUSDT",
    kind=MarketKind.LINEAR,
    base="BTC",
    quote="USDT",
    settle="USDT",
    contract_size=Decimal(1),
    amount_step=Decimal("0.001"),
    price_tick=Decimal("0.1"),
)


@pytest.mark.parametrize(
    ("wanted", "venue", "applied"),
    [
        (None, ONE_WAY, None),  # auto follows the venue
        (None, HEDGE, None),
        (ONE_WAY, ONE_WAY, None),
        (HEDGE, HEDGE, None),
        (HEDGE, ONE_WAY, HEDGE),  # configured differs: set it on the venue
        (ONE_WAY, HEDGE, ONE_WAY),
    ],
)
def test_mode_to_apply(
    wanted: PositionMode | None, venue: PositionMode, applied: PositionMode | None
) -> None:
    """auto never switches the venue; a configured mode is set only when the venue differs."""
    assert mode_to_apply(wanted, venue) is applied


def _request(side: Side, *, reduce_only: bool) -> OrderRequest:
    return OrderRequest(
        symbol=PERP.symbol,
        side=side,
        amount=Decimal("0.01"),
        price=Decimal("60000"),
        client_id="hb-test",
        reduce_only=reduce_only,
    )


@pytest.mark.parametrize(
    ("side", "reduce_only", "mode", "flags"),
    [
        (Side.SELL, False, ONE_WAY, {}),
        (Side.BUY, True, ONE_WAY, {"reduceOnly": True}),
        (Side.SELL, False, HEDGE, {"positionSide": "SHORT"}),
        (Side.BUY, True, HEDGE, {"positionSide": "SHORT"}),  # closes the short: no reduceOnly
    ],
)
def test_order_flags_per_mode(
    side: Side, reduce_only: bool, mode: PositionMode, flags: dict[str, object]
) -> None:
    """One-way orders carry reduceOnly to shrink; hedge-mode orders trade the SHORT leg and
    never carry reduceOnly (Binance answers -1106 otherwise)."""
    params = order_params(_request(side, reduce_only=reduce_only), PERP, mode)
    assert params == {"clientOrderId": "hb-test", "postOnly": True, **flags}


def test_hedge_mode_never_sells_to_reduce() -> None:
    """A reduce-only sell would close the LONG leg, which hedgebot never touches."""
    with pytest.raises(ValueError, match="SHORT leg only"):
        order_params(_request(Side.SELL, reduce_only=True), PERP, HEDGE)


@pytest.mark.parametrize(
    ("reply", "expected"),
    [
        ({"enableWithdrawals": True, "enableFutures": True}, ApiRestrictions(True, True)),
        ({"enableWithdrawals": False, "enableFutures": False}, ApiRestrictions(False, False)),
        ({"enableReading": True}, ApiRestrictions(None, None)),
        ({"enableWithdrawals": "yes"}, ApiRestrictions(None, None)),
    ],
)
def test_api_restrictions_reply(reply: dict[str, object], expected: ApiRestrictions) -> None:
    """Binance's flags become booleans; a missing or non-boolean flag is unknown (None)."""
    assert parse_api_restrictions(reply) == expected
