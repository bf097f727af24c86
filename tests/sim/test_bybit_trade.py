"""Bybit v5 orders, executions, funding and closed P&L, driven by real ccxt bybit."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import ccxt.async_support as ccxt_async
import pytest

from bot.sim.server import RunningSim
from tests.sim.bybit_wire import bybit_account

PERP = "BTC/USDT:USDT"
ACK = {"acknowledged": True}


@pytest.fixture
async def bybit(served: RunningSim) -> AsyncIterator[Any]:
    async with bybit_account(served.url, "bb", {"USDT": 20000, "BTC": "1"}) as exchange:
        yield exchange


async def _short(bybit: Any, amount: float, link_id: str) -> Any:
    return await bybit.create_order(
        PERP, "market", "sell", amount, None, {"clientOrderId": link_id}
    )


async def test_post_only_resting_then_filled_by_a_move(served: RunningSim, bybit: Any) -> None:
    """A post-only above the touch rests (found by orderLinkId) and fills as maker on a rally."""
    placed = await bybit.create_order(
        PERP, "limit", "sell", 0.1, 60010, {"postOnly": True, "clientOrderId": "hb-1"}
    )
    [resting] = await bybit.fetch_open_orders(PERP)
    assert resting["clientOrderId"] == "hb-1" and resting["postOnly"] is True
    served.engine.set_price("BTCUSDT", Decimal(60100))
    filled = await bybit.fetch_order(placed["id"], PERP, ACK)
    assert filled["status"] == "closed" and filled["filled"] == 0.1
    [trade] = await bybit.fetch_my_trades(PERP)
    assert (
        trade["order"] == placed["id"]
        and trade["fee"]["cost"] > 0
        and trade["takerOrMaker"] == "maker"
    )
    [position] = await bybit.fetch_positions([PERP])
    assert position["side"] == "short" and position["contracts"] == 0.1
    assert position["entryPrice"] == 60010


async def test_post_only_that_would_take_is_cancelled_not_rejected(bybit: Any) -> None:
    """A crossing post-only: create succeeds, the order is Cancelled, never filled or refused."""
    placed = await bybit.create_order(
        PERP, "limit", "sell", 0.1, 59000, {"postOnly": True, "clientOrderId": "hb-2"}
    )
    order = await bybit.fetch_order(placed["id"], PERP, ACK)
    assert order["status"] == "canceled" and order["filled"] == 0
    assert order["info"]["orderStatus"] == "Cancelled"
    assert order["info"]["rejectReason"] == "EC_PostOnlyWillTakeLiquidity"
    [position] = await bybit.fetch_positions([PERP])
    assert position["contracts"] == 0


async def test_order_link_id_lookup_and_duplicate_refused(bybit: Any) -> None:
    """An order is found by orderLinkId; reusing the orderLinkId is Bybit's 110072."""
    await _short(bybit, 0.01, "hb-3")
    reply = await bybit.privateGetV5OrderRealtime({"category": "linear", "orderLinkId": "hb-3"})
    assert reply["result"]["list"][0]["orderStatus"] == "Filled"
    with pytest.raises(ccxt_async.InvalidOrder, match="110072"):
        await _short(bybit, 0.01, "hb-3")


async def test_reduce_only_shrinks_and_cannot_open(bybit: Any) -> None:
    """Reduce-only buys shrink a short; a reduce-only sell on a short is 110017."""
    await _short(bybit, 0.1, "hb-4")
    await bybit.create_order(PERP, "market", "buy", 0.04, None, {"reduceOnly": True})
    [position] = await bybit.fetch_positions([PERP])
    assert position["contracts"] == pytest.approx(0.06)
    with pytest.raises(ccxt_async.InvalidOrder, match="110017"):
        await bybit.create_order(PERP, "market", "sell", 0.01, None, {"reduceOnly": True})
    [closed] = (await bybit.privateGetV5PositionClosedPnl({"category": "linear"}))["result"]["list"]
    assert closed["closedSize"] == "0.04" and closed["avgEntryPrice"] == "59999.9"


async def test_insufficient_margin_is_110007(bybit: Any) -> None:
    """An order whose initial margin exceeds the wallet is InsufficientFunds (110007)."""
    with pytest.raises(ccxt_async.InsufficientFunds, match="110007"):
        await _short(bybit, 50, "hb-5")


async def test_cancel_then_cancel_again_is_110001(bybit: Any) -> None:
    """A resting order cancels once; the second cancel is OrderNotFound (110001)."""
    placed = await bybit.create_order(PERP, "limit", "buy", 0.01, 50000, {"clientOrderId": "hb-6"})
    await bybit.cancel_order(placed["id"], PERP)
    [cancelled] = await bybit.fetch_canceled_orders(PERP)
    assert cancelled["id"] == placed["id"] and cancelled["info"]["cancelType"] == "CancelByUser"
    with pytest.raises(ccxt_async.OrderNotFound, match="110001"):
        await bybit.cancel_order(placed["id"], PERP)


async def test_partial_fill_rests_the_rest(served: RunningSim, bybit: Any) -> None:
    """A limit bigger than the book's touch within its price fills partly and rests the rest."""
    placed = await bybit.create_order(PERP, "limit", "sell", 2, 59999.9, {"clientOrderId": "hb-7"})
    order = await bybit.fetch_order(placed["id"], PERP, ACK)
    assert order["status"] == "open" and 0 < order["filled"] < 2
    assert order["info"]["orderStatus"] == "PartiallyFilled"


async def test_funding_is_paid_into_the_unified_wallet(served: RunningSim, bybit: Any) -> None:
    """A short receives positive funding into the wallet; execution/list shows a negative fee."""
    await _short(bybit, 0.1, "hb-8")
    before = (await bybit.fetch_balance())["total"]["USDT"]
    served.engine.settle_funding("BTCUSDT", Decimal("0.0001"))
    [funding] = await bybit.fetch_funding_history(PERP)
    assert funding["amount"] < 0 and funding["info"]["side"] == "Sell"
    assert funding["info"]["execQty"] == "0.1" and funding["rate"] == 0.0001
    after = (await bybit.fetch_balance())["total"]["USDT"]
    assert after == pytest.approx(before - funding["amount"])


async def test_spot_trades_from_the_same_wallet(bybit: Any) -> None:
    """A spot buy spends the unified USDT the perps margin from (no transfer)."""
    await bybit.create_order("BTC/USDT", "market", "buy", 0.01, None)
    balance = await bybit.fetch_balance()
    assert balance["total"]["BTC"] == pytest.approx(1.01)
    assert balance["total"]["USDT"] < 20000 - 600


async def test_cancel_all_cancels_every_open_order(bybit: Any) -> None:
    """cancel_all_orders (/v5/order/cancel-all) cancels each resting order of the symbol."""
    for link_id in ("hb-9", "hb-10"):
        await bybit.create_order(PERP, "limit", "buy", 0.01, 50000, {"clientOrderId": link_id})
    await bybit.cancel_all_orders(PERP)
    assert await bybit.fetch_open_orders(PERP) == []
    assert len(await bybit.fetch_canceled_orders(PERP)) == 2


async def test_add_margin_to_an_isolated_short(bybit: Any) -> None:
    """/v5/position/add-margin moves USDT into an isolated short and lifts its liqPrice."""
    await bybit.set_margin_mode("isolated")
    await _short(bybit, 0.1, "hb-11")
    [before] = await bybit.fetch_positions([PERP])
    body = {"category": "linear", "symbol": "BTCUSDT", "margin": "300"}
    reply = await bybit.privatePostV5PositionAddMargin(body)
    added = float(reply["result"]["positionBalance"]) - float(before["info"]["positionBalance"])
    assert added == pytest.approx(300)
    [after] = await bybit.fetch_positions([PERP])
    assert after["liquidationPrice"] > before["liquidationPrice"]


async def test_add_margin_on_a_cross_position_is_refused(bybit: Any) -> None:
    """A cross position has no margin of its own to add to: 10001 saying so."""
    await _short(bybit, 0.01, "hb-12")
    body = {"category": "linear", "symbol": "BTCUSDT", "margin": "100"}
    with pytest.raises(ccxt_async.BadRequest, match="isolated"):
        await bybit.privatePostV5PositionAddMargin(body)


async def test_spot_post_only_that_would_take_is_cancelled(bybit: Any) -> None:
    """On spot too, a crossing post-only is booked Cancelled with Bybit's reject reason."""
    placed = await bybit.create_order("BTC/USDT", "limit", "buy", 0.01, 61000, {"postOnly": True})
    order = await bybit.fetch_order(placed["id"], "BTC/USDT", ACK)
    assert order["status"] == "canceled"
    assert order["info"]["rejectReason"] == "EC_PostOnlyWillTakeLiquidity"


async def test_spot_market_buy_in_quote_units_is_refused(bybit: Any) -> None:
    """A spot market buy without marketUnit baseCoin (qty in USDT) is refused, naming it."""
    body = {"category": "spot", "symbol": "BTCUSDT", "side": "Buy", "orderType": "Market"}
    with pytest.raises(ccxt_async.BadRequest, match="marketUnit"):
        await bybit.privatePostV5OrderCreate(body | {"qty": "100"})


@pytest.mark.parametrize("symbol", ["NOPEUSDT", "BTCUSDT_261225"])
async def test_unlisted_symbols_are_10001_everywhere(bybit: Any, symbol: str) -> None:
    """Orders, positions and leverage on a symbol Bybit does not list (an engine quarterly
    included) are 10001 naming it, never a server error."""
    linear = {"category": "linear", "symbol": symbol}
    order = {"side": "Sell", "orderType": "Market", "qty": "0.01"}
    leverage = {"buyLeverage": "2", "sellLeverage": "2"}
    calls = [
        lambda: bybit.privatePostV5OrderCreate(linear | order),
        lambda: bybit.privateGetV5PositionList(linear),
        lambda: bybit.privatePostV5PositionSetLeverage(linear | leverage),
    ]
    for call in calls:
        with pytest.raises(ccxt_async.BadRequest, match=f"{symbol}.*not listed"):
            await call()
