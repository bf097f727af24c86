"""The Bybit gateway against the simulator's Bybit v5 routes (real ccxt bybit, real HTTP):
the unified wallet as holdings and margin, positions, leverage, the account's margin mode and
the key's permissions."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from bot.domain.model import MarginMode, OrderStatus, Side, Wallet
from bot.exchange.bybit_gateway import BybitExchange
from bot.exchange.errors import (
    AmbiguousOrderError,
    BadResponse,
    DuplicateOrderId,
    PostOnlyWouldTake,
    ReduceOnlyRejected,
)
from bot.exchange.factory import build_exchange
from bot.exchange.port import OrderRequest

from .simulated import FAST, PERP, Sim


async def bybit_gateway(sim: Sim, unified: dict[str, Any], **fields: Any) -> BybitExchange:
    """A new Bybit account on the simulator with the `unified` wallet, and its gateway."""
    key = f"bb-{uuid.uuid4().hex[:10]}"
    body = {"api_key": key, "secret": key + "-s", "venue": "bybit", "unified": unified, **fields}
    await sim.post("/sim/accounts", body)
    await sim.post("/sim/price", {"symbol": "BTCUSDT", "price": "60000"})
    gateway = build_exchange("main", exchange_id="bybit", mode="sim", sim_url=sim.url,
                             api_key=key, secret=key + "-s", retry=FAST)  # fmt: skip
    assert isinstance(gateway, BybitExchange)
    return gateway


@pytest.fixture
async def bybit(sim: Sim) -> AsyncIterator[BybitExchange]:
    gateway = await bybit_gateway(sim, {"USDT": "20000", "BTC": "1"})
    yield gateway
    await gateway.close()


async def test_unified_wallet_is_the_holding_and_the_margin(bybit: BybitExchange) -> None:
    """One wallet: 1 BTC held as spot, 20,000 USDT as the perp's margin."""
    assert (await bybit.fetch_balances(Wallet.SPOT))["BTC"].total == 1
    assert (await bybit.fetch_balances(Wallet.FUTURES))["USDT"].total == Decimal(20000)
    assert (await bybit.market(PERP)).unified_margin


async def test_a_flat_perp_reads_flat(bybit: BybitExchange) -> None:
    """The simulator lists the symbol's row with size 0: no position, not an error."""
    assert await bybit.fetch_positions([PERP]) == {}


async def test_leverage_twice_is_fine(bybit: BybitExchange) -> None:
    """Setting the same leverage again (Bybit 110043) is success."""
    await bybit.set_leverage(PERP, 3)
    await bybit.set_leverage(PERP, 3)


async def test_margin_mode_is_the_accounts(sim: Sim, bybit: BybitExchange) -> None:
    """Isolated is set on the whole account (ISOLATED_MARGIN)."""
    await bybit.set_margin_mode(PERP, MarginMode.ISOLATED)
    state = await sim.get("/sim/state")
    key = bybit._client.apiKey
    assert state["accounts"][key]["marginMode"] == "ISOLATED_MARGIN"


async def test_withdrawal_keys_are_reported(sim: Sim) -> None:
    """A key created with withdrawal permission is reported as able to withdraw."""
    gateway = await bybit_gateway(sim, {"USDT": "1"}, can_withdraw=True)
    try:
        assert (await gateway.fetch_api_restrictions()).can_withdraw is True
    finally:
        await gateway.close()


async def test_quote_and_brackets_of_the_perp(bybit: BybitExchange) -> None:
    """The perp's touch, mark (tickers) and risk-limit brackets, lowest notional first."""
    quote = await bybit.fetch_quote(PERP)
    assert quote.bid < quote.ask and quote.mark is not None
    brackets = await bybit.fetch_margin_brackets(PERP)
    assert brackets[0].notional_floor == 0 and brackets[0].maint_margin_ratio > 0
    assert all(a.notional_cap <= b.notional_floor for a, b in itertools.pairwise(brackets))


def _order(side: Side, price: Decimal, client_id: str, **flags: bool) -> OrderRequest:
    return OrderRequest(PERP, side, Decimal("0.01"), price, client_id, **flags)


async def test_a_post_only_sell_below_the_bid_is_cancelled_as_would_take(
    bybit: BybitExchange,
) -> None:
    """The venue books and cancels a post-only that would take: PostOnlyWouldTake, no fill."""
    quote = await bybit.fetch_quote(PERP)
    with pytest.raises(PostOnlyWouldTake):
        await bybit.place_order(_order(Side.SELL, quote.bid - 100, "hb000000000a-BTC"))
    assert await bybit.fetch_positions([PERP]) == {}
    assert await bybit.fetch_open_orders(PERP) == ()


async def test_a_post_only_at_the_ask_rests_and_cancels(bybit: BybitExchange) -> None:
    """At the touch on our side the order rests, is listed under its client id, and cancels."""
    quote = await bybit.fetch_quote(PERP)
    placed = await bybit.place_order(_order(Side.SELL, quote.ask, "hb000000000b-BTC"))
    assert placed.status is OrderStatus.OPEN and placed.post_only
    [listed] = await bybit.fetch_open_orders(PERP)
    assert listed.client_id == "hb000000000b-BTC"
    final = await bybit.cancel_order(PERP, order_id=placed.id)
    assert final is not None and final.status is OrderStatus.CANCELED
    assert await bybit.cancel_order(PERP, order_id=placed.id) is None  # gone: 110001


async def test_a_lost_create_reply_is_ambiguous_and_found_by_client_id(
    sim: Sim, bybit: BybitExchange
) -> None:
    """The venue booked the order but the reply was lost: ambiguous, then found by orderLinkId."""
    quote = await bybit.fetch_quote(PERP)
    bybit._client.timeout = 800
    await sim.faults(timeout_after_accept_prob=1, seed=1)
    with pytest.raises(AmbiguousOrderError):
        await bybit.place_order(_order(Side.SELL, quote.ask, "hb000000000c-BTC"))
    await sim.faults()
    found = await bybit.fetch_order(PERP, client_id="hb000000000c-BTC")
    assert found is not None and found.status is OrderStatus.OPEN
    assert await bybit.fetch_order(PERP, client_id="hb000000000d-BTC") is None


async def test_a_reduce_only_buy_with_no_short_is_refused(bybit: BybitExchange) -> None:
    """Bybit 110017: the reduce-only buy would open a long; ReduceOnlyRejected."""
    quote = await bybit.fetch_quote(PERP)
    with pytest.raises(ReduceOnlyRejected):
        await bybit.place_order(_order(Side.BUY, quote.bid, "hb000000000e-BTC", reduce_only=True))


@pytest.mark.parametrize("fault", [{"stale_positions": True}, {"corrupt": "positions"}])
async def test_a_hidden_or_corrupt_position_is_an_error_not_zero(
    sim: Sim, bybit: BybitExchange, fault: dict[str, Any]
) -> None:
    """A short the venue stops listing, or lists with size NaN, is never read as flat."""
    quote = await bybit.fetch_quote(PERP)
    await bybit.place_order(_order(Side.SELL, quote.bid, "hb000000000f-BTC", post_only=False,
                                   immediate_or_cancel=True))  # fmt: skip
    assert (await bybit.fetch_positions([PERP]))[PERP].contracts == Decimal("-0.01")
    await sim.faults(**fault)
    with pytest.raises(BadResponse):
        await bybit.fetch_positions([PERP])


async def test_funding_a_short_receives_is_journaled_positive(
    sim: Sim, bybit: BybitExchange
) -> None:
    """A positive funding rate pays the short: the payment read from the execution list is
    > 0, in USDT, and worth about rate x notional."""
    quote = await bybit.fetch_quote(PERP)
    await bybit.place_order(_order(Side.SELL, quote.bid, "hb000000000g-BTC", post_only=False,
                                   immediate_or_cancel=True))  # fmt: skip
    await sim.post("/sim/funding", {"symbol": "BTCUSDT", "rate": "0.001"})
    (payment,) = await bybit.fetch_funding_payments(PERP)
    assert payment.asset == "USDT"
    assert Decimal("0.5") < payment.amount < Decimal("0.7")  # 0.001 x 0.01 BTC x ~60,000


async def test_isolated_margin_is_added_from_the_unified_wallet(bybit: BybitExchange) -> None:
    """On an isolated Bybit account, add_margin moves wallet USDT behind the short: its
    collateral grows and its liquidation price moves away."""
    await bybit.set_margin_mode(PERP, MarginMode.ISOLATED)
    await bybit.set_leverage(PERP, 5)
    quote = await bybit.fetch_quote(PERP)
    await bybit.place_order(_order(Side.SELL, quote.bid, "hb000000000h-BTC", post_only=False,
                                   immediate_or_cancel=True))  # fmt: skip
    before = (await bybit.fetch_positions([PERP]))[PERP]
    await bybit.add_margin(PERP, Decimal(100))
    after = (await bybit.fetch_positions([PERP]))[PERP]
    assert before.liquidation_price is not None and after.liquidation_price is not None
    assert after.liquidation_price > before.liquidation_price


async def test_a_client_id_sent_twice_is_a_duplicate(bybit: BybitExchange) -> None:
    """Bybit 110072: an orderLinkId already booked is DuplicateOrderId (the engine then looks
    the first order up instead of sending another)."""
    quote = await bybit.fetch_quote(PERP)
    await bybit.place_order(_order(Side.SELL, quote.ask, "hb000000000i-BTC"))
    with pytest.raises(DuplicateOrderId):
        await bybit.place_order(_order(Side.SELL, quote.ask, "hb000000000i-BTC"))
    assert len(await bybit.fetch_open_orders(PERP)) == 1
