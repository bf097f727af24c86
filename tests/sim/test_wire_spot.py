"""Real ccxt `binance` (spot) against the simulator's /api/v3 and /sapi routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import ccxt.async_support as ccxt_async
import pytest

from bot.exchange.sim_client import make_sim_exchange
from bot.sim.server import RunningSim, start


@pytest.fixture
async def sim() -> AsyncIterator[RunningSim]:
    running = await start(port=0, feed=False)
    yield running
    await running.stop()


@pytest.fixture
async def spot(sim: RunningSim) -> AsyncIterator[Any]:
    exchange = make_sim_exchange("binance", sim.url)
    await exchange.load_markets()
    yield exchange
    await exchange.close()


async def _admin(sim: RunningSim, path: str, body: dict[str, Any]) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.post(sim.url + path, json=body) as resp:
        assert resp.status == 200, await resp.text()
        data: dict[str, Any] = await resp.json()
        return data


async def test_load_markets_lists_spot_and_linear(spot: Any) -> None:
    """`binance` loads spot and USDⓈ-M markets with the venue's filters as precision/limits."""
    btc = spot.market("BTC/USDT")
    assert btc["spot"] and btc["active"]
    assert btc["precision"]["price"] == 0.01 and btc["precision"]["amount"] == 0.00001
    assert btc["limits"]["cost"]["min"] == 5
    assert spot.market("ETH/USDT:USDT")["linear"]
    assert {"BTC/USDT", "ETH/USDT", "SOL/USDT", "XRP/USDT"} <= set(spot.markets)


async def test_default_ccxt_binance_with_keys_loads_markets(sim: RunningSim) -> None:
    """A ccxt `binance` with default options (currencies, margin pairs, COIN-M) still loads."""
    exchange = ccxt_async.binance({"apiKey": "sim-key", "secret": "sim-secret"})
    exchange.urls["api"] = {
        k: sim.url + "/" + v.split("/", 3)[3] for k, v in exchange.urls["api"].items()
    }
    try:
        markets = await exchange.load_markets()
        assert "BTC/USDT" in markets and "BTC/USDT:USDT" in markets
    finally:
        await exchange.close()


async def test_fetch_time_is_server_clock(spot: Any) -> None:
    """fetch_time returns the server's epoch ms (the clock recvWindow is checked against)."""
    assert abs(await spot.fetch_time() - spot.milliseconds()) < 5_000


async def test_fetch_balance_shows_demo_wallet(spot: Any) -> None:
    """The default account's spot wallet comes back with free/used/total per asset."""
    balance = await spot.fetch_balance()
    assert balance["BTC"] == {"free": 2.0, "used": 0.0, "total": 2.0}
    assert balance["USDT"]["total"] == 10_000


async def test_ticker_and_book_straddle_the_price(sim: RunningSim, spot: Any) -> None:
    """Ticker and depth follow /sim/price: bid < last < ask, books sorted best first."""
    await _admin(sim, "/sim/price", {"symbol": "ETHUSDT", "price": "3100", "market": "spot"})
    ticker = await spot.fetch_ticker("ETH/USDT")
    assert ticker["last"] == 3100
    assert ticker["bid"] < 3100 < ticker["ask"]
    book = await spot.fetch_order_book("ETH/USDT", 5)
    assert len(book["bids"]) == len(book["asks"]) == 5
    assert book["bids"][0][0] == ticker["bid"] and book["asks"][0][0] == ticker["ask"]
    assert [p for p, _ in book["bids"]] == sorted((p for p, _ in book["bids"]), reverse=True)


async def test_limit_order_lifecycle(spot: Any) -> None:
    """Create (with clientOrderId) → fetch → open orders → cancel → no longer open."""
    order = await spot.create_order(
        "BTC/USDT", "limit", "buy", 0.01, 60_000, {"clientOrderId": "spot-cid-1"}
    )
    assert order["status"] == "open" and order["clientOrderId"] == "spot-cid-1"
    fetched = await spot.fetch_order(order["id"], "BTC/USDT")
    assert fetched["price"] == 60_000 and fetched["amount"] == 0.01
    by_cid = await spot.fetch_order(None, "BTC/USDT", {"origClientOrderId": "spot-cid-1"})
    assert by_cid["id"] == order["id"]
    assert [o["id"] for o in await spot.fetch_open_orders("BTC/USDT")] == [order["id"]]
    # Binance locks price × qty (600); the core also reserves the taker fee on top.
    assert 600 <= (await spot.fetch_balance())["USDT"]["used"] <= 600.6
    canceled = await spot.cancel_order(order["id"], "BTC/USDT")
    assert canceled["status"] == "canceled"
    assert await spot.fetch_open_orders() == []


async def test_post_only_at_the_touch_rests(spot: Any) -> None:
    """A spot postOnly (LIMIT_MAKER) order at the best bid rests as an open maker order."""
    bid = (await spot.fetch_ticker("BTC/USDT"))["bid"]
    order = await spot.create_order("BTC/USDT", "limit", "buy", 0.001, bid, {"postOnly": True})
    assert order["status"] == "open" and order["postOnly"]


async def test_market_order_fills_and_shows_in_my_trades(spot: Any) -> None:
    """A market sell fills at the bid, pays the 0.1 % taker fee and appears in myTrades."""
    order = await spot.create_order("BTC/USDT", "market", "sell", 0.01)
    assert order["status"] == "closed" and order["filled"] == 0.01
    trades = await spot.fetch_my_trades("BTC/USDT")
    assert len(trades) == 1
    trade = trades[0]
    assert trade["order"] == order["id"] and trade["side"] == "sell"
    assert trade["takerOrMaker"] == "taker"
    assert trade["fee"]["cost"] == pytest.approx(trade["cost"] * 0.001)
    assert (await spot.fetch_balance())["BTC"]["total"] == pytest.approx(1.99)


async def test_all_orders_lists_history(spot: Any) -> None:
    """fetch_orders (allOrders) includes canceled and filled orders."""
    placed = await spot.create_order("BTC/USDT", "limit", "buy", 0.001, 50_000)
    await spot.cancel_order(placed["id"], "BTC/USDT")
    await spot.create_order("BTC/USDT", "market", "buy", 0.001)
    statuses = sorted(o["status"] for o in await spot.fetch_orders("BTC/USDT"))
    assert statuses == ["canceled", "closed"]


async def test_transfer_spot_to_futures_and_back(spot: Any) -> None:
    """transfer(spot→swap) and back moves USDT between the wallets (MAIN_UMFUTURE / back)."""
    result = await spot.transfer("USDT", 1_000, "spot", "swap")
    assert result["id"]
    assert (await spot.fetch_balance())["USDT"]["total"] == 9_000
    futures = await spot.fetch_balance({"type": "swap"})
    assert futures["USDT"]["total"] == 101_000
    await spot.transfer("USDT", 400, "swap", "spot")
    assert (await spot.fetch_balance())["USDT"]["total"] == 9_400
    assert (await spot.fetch_balance({"type": "swap"}))["USDT"]["total"] == 100_600
