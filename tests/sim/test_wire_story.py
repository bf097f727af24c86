"""The issue's "done when" story, end to end through real ccxt against the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest
from ccxt.base import errors as ccxt_errors

from bot.exchange.sim_client import make_sim_exchange
from bot.sim.server import RunningSim, start

BTC = "BTC/USDT:USDT"
QTY = Decimal("0.1")


@pytest.fixture
async def sim() -> AsyncIterator[RunningSim]:
    running = await start(port=0, feed=False)
    yield running
    await running.stop()


async def _admin(sim: RunningSim, method: str, path: str, body: Any = None) -> Any:
    async with (
        aiohttp.ClientSession() as http,
        http.request(method, sim.url + path, json=body) as resp,
    ):
        assert resp.status == 200, await resp.text()
        return await resp.json()


def _binance_isolated_liq_price(
    wallet: Decimal, size: Decimal, entry: Decimal, side: int, tiers: list[dict[str, Any]]
) -> Decimal:
    """Binance's documented one-way liquidation price for an isolated position:
    LP = (WB + cum − side·size·EP) / (size·MMR − side·size), using the bracket the position's
    notional at LP falls in (TMM1 = UPNL1 = 0 for isolated)."""
    for tier in tiers:
        mmr = Decimal(str(tier["info"]["maintMarginRatio"]))
        cum = Decimal(str(tier["info"]["cum"]))
        price = (wallet + cum - side * size * entry) / (size * mmr - side * size)
        if Decimal(str(tier["minNotional"])) <= size * price < Decimal(str(tier["maxNotional"])):
            return price
    raise AssertionError("no bracket matched")


async def _isolated_row(usdm: Any) -> dict[str, Any]:
    [row] = await usdm.fapiPrivateV3GetPositionRisk({"symbol": "BTCUSDT"})
    return dict(row)


async def test_hedge_story_from_post_only_to_liquidation(sim: RunningSim) -> None:
    """Post-only short: rejected crossing, rests at the touch, fills as price rises; position
    and liquidation price match Binance's formula; funding is credited; a transfer and added
    isolated margin top it up; a runaway price liquidates it."""
    usdm = make_sim_exchange("binanceusdm", sim.url)
    spot = make_sim_exchange("binance", sim.url)
    try:
        await _story(sim, usdm, spot)
    finally:
        await usdm.close()
        await spot.close()


async def _story(sim: RunningSim, usdm: Any, spot: Any) -> None:
    await _admin(sim, "POST", "/sim/price", {"symbol": "BTCUSDT", "price": "65000"})
    await usdm.load_markets()
    await usdm.set_margin_mode("isolated", BTC)
    await usdm.set_leverage(10, BTC)
    tiers = (await usdm.fetch_leverage_tiers([BTC]))[BTC]

    # 1. post-only short priced into the bid would take → rejected, nothing booked
    book = await usdm.fetch_order_book(BTC, 5)
    bid, ask = Decimal(str(book["bids"][0][0])), Decimal(str(book["asks"][0][0]))
    with pytest.raises(ccxt_errors.OrderNotFillable):
        await usdm.create_order(BTC, "limit", "sell", float(QTY), float(bid), {"postOnly": True})
    assert await usdm.fetch_open_orders(BTC) == []

    # 2. at the touch (our side: the best ask) it rests
    order = await usdm.create_order(
        BTC, "limit", "sell", float(QTY), float(ask), {"postOnly": True, "clientOrderId": "story-1"}
    )
    assert order["status"] == "open"

    # 3. the price rises through it → filled as maker
    await _admin(sim, "POST", "/sim/price", {"symbol": "BTCUSDT", "price": "65100"})
    filled = await usdm.fetch_order(order["id"], BTC)
    assert filled["status"] == "closed" and filled["filled"] == float(QTY)
    [trade] = await usdm.fetch_my_trades(BTC)
    assert trade["takerOrMaker"] == "maker"
    assert trade["fee"]["cost"] == pytest.approx(float(QTY * ask) * 0.0002)

    # 4. the position, and its liquidation price by Binance's formula
    [position] = await usdm.fetch_positions([BTC])
    assert position["side"] == "short" and position["contracts"] == float(QTY)
    assert position["entryPrice"] == float(ask) and position["markPrice"] == 65_100
    row = await _isolated_row(usdm)
    wallet = Decimal(row["isolatedWallet"])
    assert wallet == pytest.approx(QTY * ask / 10, rel=Decimal("0.001"))  # initial margin, 10x
    expected = _binance_isolated_liq_price(wallet, QTY, ask, -1, tiers)
    assert Decimal(row["liquidationPrice"]) == pytest.approx(expected, rel=Decimal("1e-8"))
    assert position["liquidationPrice"] == pytest.approx(float(expected))

    # 5. funding: a short receives a positive rate, amount = size × mark × rate
    await _admin(sim, "POST", "/sim/funding", {"symbol": "BTCUSDT", "rate": "0.0001"})
    [funding] = await usdm.fetch_funding_history(BTC)
    assert funding["amount"] == pytest.approx(float(QTY) * 65_100 * 0.0001)

    # 6. top up: move USDT from spot to futures, then add it to the isolated margin
    futures_before = (await usdm.fetch_balance())["USDT"]["total"]
    await spot.transfer("USDT", 500, "spot", "swap")
    assert (await usdm.fetch_balance())["USDT"]["total"] == pytest.approx(futures_before + 500)
    row = await _isolated_row(usdm)  # funding on an isolated position lands in its wallet
    wallet_before, liq_before = Decimal(row["isolatedWallet"]), Decimal(row["liquidationPrice"])
    assert wallet_before == pytest.approx(wallet + Decimal(str(funding["amount"])))
    await usdm.add_margin(BTC, 300)
    row = await _isolated_row(usdm)
    wallet = Decimal(row["isolatedWallet"])
    assert wallet == wallet_before + 300
    expected = _binance_isolated_liq_price(wallet, QTY, ask, -1, tiers)
    assert Decimal(row["liquidationPrice"]) == pytest.approx(expected, rel=Decimal("1e-8"))
    assert expected > liq_before

    # 7. the price runs away past the liquidation price → liquidated, position gone
    runaway = (expected * Decimal("1.02")).quantize(Decimal("0.1"))
    await _admin(sim, "POST", "/sim/price", {"symbol": "BTCUSDT", "price": str(runaway)})
    state = await _admin(sim, "GET", "/sim/state")
    account = state["accounts"]["sim-key"]
    assert [liq["symbol"] for liq in account["liquidations"]] == ["BTCUSDT"]
    assert account["positions"] == []
    assert await usdm.fetch_positions() == []
