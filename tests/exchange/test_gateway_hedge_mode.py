"""Binance hedge mode through the real gateway and unmodified ccxt against the simulator: the
venue's mode is followed or set as configured, the hedge trades the SHORT leg (positionSide
SHORT, never reduceOnly), the LONG leg is reported and untouched, a mode changed behind our
back is a clear error that heals, and the key's withdrawal permission is read."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from bot.domain.model import MarginMode, Side
from bot.exchange import errors as E
from bot.exchange.ccxt_gateway import CcxtExchange
from bot.exchange.client_ids import make_client_id
from bot.exchange.port import ApiRestrictions, OrderRequest
from bot.exchange.sim_client import make_sim_exchange

from .simulated import PERP, Sim, gateway

AMOUNT = Decimal("0.01")


@pytest.fixture
async def hedged_key(sim: Sim) -> str:
    """A funded account whose USDⓈ-M side is in hedge (dual-side) mode."""
    return await sim.account(position_mode="hedge")


@pytest.fixture
async def hedged(sim: Sim, hedged_key: str) -> AsyncIterator[CcxtExchange]:
    """The hedged account's gateway with the default `position_mode: auto`."""
    exchange = gateway(sim, hedged_key)
    yield exchange
    await exchange.close()


@pytest.fixture
async def human(sim: Sim, hedged_key: str) -> AsyncIterator[Any]:
    """Plain ccxt on the same account: the operator trading by hand next to the bot."""
    client = make_sim_exchange("binance", sim.url, api_key=hedged_key, secret=hedged_key + "-s")
    await client.load_markets()
    yield client
    await client.close()


async def _account_state(sim: Sim, key: str) -> dict[str, Any]:
    state: dict[str, Any] = (await sim.get("/sim/state"))["accounts"][key]
    return state


async def _sell_short(sim: Sim, gw: CcxtExchange, name: str) -> OrderRequest:
    """A post-only sell at the ask, filled by a rally through it."""
    quote = await gw.fetch_quote(PERP)
    request = OrderRequest(PERP, Side.SELL, AMOUNT, quote.ask, make_client_id("BTC", name))
    await gw.place_order(request)
    await sim.post("/sim/price", {"symbol": "BTCUSDT", "price": str(quote.ask * Decimal("1.001"))})
    return request


async def _buy_back(gw: CcxtExchange, name: str) -> OrderRequest:
    """A post-only reduce-only buy at the bid (rests: the book does not move)."""
    quote = await gw.fetch_quote(PERP)
    request = OrderRequest(
        PERP, Side.BUY, AMOUNT, quote.bid, make_client_id("BTC", name), reduce_only=True
    )
    await gw.place_order(request)
    return request


def _venue_order(state: dict[str, Any], client_id: str) -> dict[str, Any]:
    return next(o for o in state["orders"] if o["clientOrderId"] == client_id)


async def test_auto_follows_a_hedge_mode_venue_and_trades_the_short_leg(
    sim: Sim, hedged_key: str, hedged: CcxtExchange
) -> None:
    """auto reads hedge mode; the sell opens the SHORT leg, the reduce-only buy is sent on the
    SHORT leg without reduceOnly (Binance refuses it there) and reads back as reduce-only."""
    sold = await _sell_short(sim, hedged, "hm-open")
    position = (await hedged.fetch_positions([PERP]))[PERP]
    assert position.contracts == -AMOUNT and position.long_leg_contracts == 0
    bought = await _buy_back(hedged, "hm-close")
    state = await _account_state(sim, hedged_key)
    for request in (sold, bought):
        order = _venue_order(state, request.client_id)
        assert order["positionSide"] == "SHORT" and order["reduceOnly"] is False
    (resting,) = await hedged.fetch_open_orders(PERP)
    assert resting.client_id == bought.client_id and resting.reduce_only


async def test_long_leg_is_reported_and_never_touched(
    sim: Sim, hedged: CcxtExchange, human: Any
) -> None:
    """A LONG leg opened by hand shows as long_leg_contracts; its trades are not the hedge's
    fills, and the hedge's position is the SHORT leg alone."""
    await human.create_order(PERP, "market", "buy", 0.05, None, {"positionSide": "LONG"})
    await _sell_short(sim, hedged, "hm-beside-long")
    position = (await hedged.fetch_positions([PERP]))[PERP]
    assert position.contracts == -AMOUNT
    assert position.long_leg_contracts == Decimal("0.05")
    fills = await hedged.fetch_fills(PERP)
    assert [(f.side, f.amount) for f in fills] == [(Side.SELL, AMOUNT)]


async def test_configured_hedge_mode_is_set_on_a_flat_one_way_account(
    sim: Sim, api_key: str
) -> None:
    """position_mode: hedge on a one-way account without positions switches the venue, and
    the first order already goes to the SHORT leg."""
    exchange = gateway(sim, api_key, position_mode="hedge")
    try:
        request = await _sell_short(sim, exchange, "hm-switched")
    finally:
        await exchange.close()
    state = await _account_state(sim, api_key)
    assert state["positionMode"] == "hedge"
    assert _venue_order(state, request.client_id)["positionSide"] == "SHORT"


async def test_a_mode_the_venue_refuses_to_switch_names_the_account_and_the_fix(
    sim: Sim, hedged_key: str, hedged: CcxtExchange
) -> None:
    """position_mode: one_way on a hedge account holding a short: the venue refuses (-4068),
    and the error names accounts.main.position_mode and what to do; nothing is switched."""
    await _sell_short(sim, hedged, "hm-held")
    exchange = gateway(sim, hedged_key, position_mode="one_way")
    try:
        with pytest.raises(E.NotSupported) as caught:
            await exchange.fetch_positions([PERP])
    finally:
        await exchange.close()
    message = str(caught.value)
    assert message.startswith("accounts.main.position_mode is one_way")
    assert "-4068" in message and "set position_mode: auto" in message
    assert (await _account_state(sim, hedged_key))["positionMode"] == "hedge"


async def test_a_mode_changed_behind_our_back_is_refused_then_followed(
    sim: Sim, api_key: str, gw: CcxtExchange
) -> None:
    """After the venue is switched to hedge mode by hand, the next order is refused as a
    PositionModeMismatch (Binance -4061, nothing booked); the one after follows the venue."""
    await gw.fetch_positions([PERP])  # resolves one-way mode
    operator = make_sim_exchange("binance", sim.url, api_key=api_key, secret=api_key + "-s")
    try:
        await operator.load_markets()
        await operator.set_position_mode(True, PERP)
    finally:
        await operator.close()
    quote = await gw.fetch_quote(PERP)
    first = OrderRequest(PERP, Side.SELL, AMOUNT, quote.ask, make_client_id("BTC", "hm-stale"))
    with pytest.raises(E.PositionModeMismatch) as caught:
        await gw.place_order(first)
    assert caught.value.code == "-4061"
    assert "position mode was changed on the venue" in str(caught.value)
    again = OrderRequest(PERP, Side.SELL, AMOUNT, quote.ask, make_client_id("BTC", "hm-healed"))
    await gw.place_order(again)
    state = await _account_state(sim, api_key)
    assert [o["clientOrderId"] for o in state["openOrders"]] == [again.client_id]
    assert state["openOrders"][0]["positionSide"] == "SHORT"


async def test_isolated_margin_is_added_to_the_short_leg(sim: Sim, hedged: CcxtExchange) -> None:
    """add_margin in hedge mode names the SHORT leg (Binance requires positionSide there)."""
    await hedged.set_leverage(PERP, 3)
    await hedged.set_margin_mode(PERP, MarginMode.ISOLATED)
    await _sell_short(sim, hedged, "hm-isolated")
    before = (await hedged.fetch_positions([PERP]))[PERP].collateral
    await hedged.add_margin(PERP, Decimal("25"))
    after = (await hedged.fetch_positions([PERP]))[PERP].collateral
    assert before is not None and after is not None
    assert after - before == pytest.approx(Decimal("25"), abs=Decimal("1"))


@pytest.mark.parametrize("can_withdraw", [False, True])
async def test_api_restrictions_read_the_withdrawal_permission(
    sim: Sim, can_withdraw: bool
) -> None:
    """The key's enableWithdrawals/enableFutures arrive as ApiRestrictions."""
    key = await sim.account(can_withdraw=can_withdraw)
    exchange = gateway(sim, key)
    try:
        assert await exchange.fetch_api_restrictions() == ApiRestrictions(can_withdraw, True)
    finally:
        await exchange.close()


async def test_api_restrictions_with_a_refused_key_is_an_auth_error(sim: Sim) -> None:
    """An unknown key is refused with AuthError, not read as 'unknown permissions'."""
    exchange = gateway(sim, "nobody")
    try:
        with pytest.raises(E.AuthError):
            await exchange.fetch_api_restrictions()
    finally:
        await exchange.close()


async def test_long_leg_carries_what_it_adds_to_cross_margin(
    sim: Sim, hedged: CcxtExchange, human: Any
) -> None:
    """The LONG leg's entry price, unrealized P&L and maintenance margin are read from the
    venue's LONG row (a cross wallet shares them with the SHORT), beside its size."""
    await human.create_order(PERP, "market", "buy", 0.05, None, {"positionSide": "LONG"})
    await _sell_short(sim, hedged, "hm-long-figures")  # moves the mark: the LONG gains
    position = (await hedged.fetch_positions([PERP]))[PERP]
    rows = await human.fetch_positions([PERP])
    (long_row,) = [r["info"] for r in rows if r["info"]["positionSide"] == "LONG"]
    assert position.long_leg_contracts == Decimal("0.05")
    assert position.long_leg_entry_price == Decimal(long_row["entryPrice"])
    assert position.long_leg_unrealized_pnl == Decimal(long_row["unRealizedProfit"])
    assert position.long_leg_unrealized_pnl is not None and position.long_leg_unrealized_pnl > 0
    assert position.long_leg_maintenance_margin == Decimal(long_row["maintMargin"]) > 0
