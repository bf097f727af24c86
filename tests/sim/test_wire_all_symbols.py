"""Account-wide reads in one request each, through real ccxt binanceusdm / binance: positions,
open orders, book tickers, mark prices / funding and leverage tiers of every symbol."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest

from bot.sim.server import RunningSim
from bot.sim.spec_tables import SPOT, USDM
from tests.sim.wire import admin, ccxt_client

SHORTS = {"BTC/USDT:USDT": 0.01, "DOGE/USDT:USDT": 100, "1000SHIB/USDT:USDT": 1000}
OPTIONS = {"warnOnFetchOpenOrdersWithoutSymbol": False}


@pytest.fixture
async def usdm(served: RunningSim) -> AsyncIterator[Any]:
    async with ccxt_client(served.url, "binanceusdm", options=OPTIONS) as exchange:
        yield exchange


async def _reads(sim: RunningSim, endpoint: str, key: str = "sim-key") -> int:
    counts = (await admin(sim.url, "/sim/requests"))["accounts"].get(key, {})
    return int(counts.get("read_endpoints", {}).get(endpoint, 0))


async def test_fetch_positions_reads_every_position_in_one_call(
    served: RunningSim, usdm: Any
) -> None:
    """fetch_positions() without symbols is one GET /fapi/v3/positionRisk listing each short."""
    for symbol, amount in SHORTS.items():
        await usdm.create_order(symbol, "market", "sell", amount)
    before = await _reads(served, "GET /fapi/v3/positionRisk")
    positions = await usdm.fetch_positions()
    assert await _reads(served, "GET /fapi/v3/positionRisk") == before + 1
    assert {p["symbol"]: p["contracts"] for p in positions} == SHORTS
    assert all(p["side"] == "short" for p in positions)


async def test_fetch_open_orders_without_symbol_lists_every_symbol(
    served: RunningSim, usdm: Any
) -> None:
    """fetch_open_orders() is one GET /fapi/v1/openOrders returning the orders of all symbols."""
    placed = {}
    for symbol, amount in SHORTS.items():
        bid = (await usdm.fetch_order_book(symbol, 5))["bids"][0][0]
        order = await usdm.create_order(symbol, "limit", "buy", amount, bid * 0.9)
        placed[order["id"]] = symbol
    before = await _reads(served, "GET /fapi/v1/openOrders")
    orders = await usdm.fetch_open_orders()
    assert await _reads(served, "GET /fapi/v1/openOrders") == before + 1
    assert {o["id"]: o["symbol"] for o in orders} == placed


async def test_fetch_bids_asks_quotes_every_contract(usdm: Any) -> None:
    """fetch_bids_asks() (bookTicker without symbol) quotes every listed contract, bid < ask."""
    quotes = await usdm.fetch_bids_asks()
    ids = {usdm.market(s)["id"] for s in quotes}
    assert set(USDM) <= ids and len(ids) == len(usdm.markets)
    assert all(0 < q["bid"] < q["ask"] for q in quotes.values())


async def test_spot_fetch_bids_asks_quotes_every_pair(served: RunningSim) -> None:
    """Spot fetch_bids_asks() (/api/v3/ticker/bookTicker without symbol) quotes every pair."""
    async with ccxt_client(served.url, "binance") as spot:
        quotes = await spot.fetch_bids_asks()
        assert {spot.market(s)["id"] for s in quotes} == set(SPOT)
        assert quotes["SHIB/USDT"]["bid"] < quotes["SHIB/USDT"]["ask"]


async def test_mark_prices_and_funding_rates_of_every_perpetual(usdm: Any) -> None:
    """premiumIndex without symbol: a mark for every contract and a funding rate for every
    perpetual (1000SHIB's index is 1,000 SHIB)."""
    marks = await usdm.fetch_mark_prices()
    assert {usdm.market(s)["id"] for s in marks} >= set(USDM)
    rates = await usdm.fetch_funding_rates()
    perps = {s for s in rates if usdm.market(s)["swap"]}
    assert {usdm.market(s)["id"] for s in perps} == set(USDM)
    shib = rates["1000SHIB/USDT:USDT"]
    assert shib["fundingRate"] == 0.0001 and shib["indexPrice"] == shib["markPrice"] > 0


async def test_fetch_leverage_tiers_of_every_symbol_in_one_call(
    served: RunningSim, usdm: Any
) -> None:
    """fetch_leverage_tiers() is one GET /fapi/v1/leverageBracket with every symbol's tiers."""
    before = await _reads(served, "GET /fapi/v1/leverageBracket")
    tiers = await usdm.fetch_leverage_tiers()
    assert await _reads(served, "GET /fapi/v1/leverageBracket") == before + 1
    assert {usdm.market(s)["id"] for s in tiers} >= set(USDM)
    doge = tiers["DOGE/USDT:USDT"]
    assert doge[0]["maxLeverage"] == 75 and doge[0]["minNotional"] == 0
