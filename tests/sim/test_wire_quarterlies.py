"""Quarterly futures over the wire: real ccxt `binanceusdm` / `binancecoinm` trade the listed
quarterlies, POST /sim/time delivers them, and the listing rolls to the next quarter."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal as D
from typing import Any

import pytest

from bot.sim import quarterlies
from bot.sim.server import RunningSim
from tests.sim.wire import admin, ccxt_client, funded_client

KEY, SECRET = "roller", "roller-secret"  # the secret funded_client gives KEY


def _listed(served: RunningSim) -> tuple[int, int]:
    return quarterlies.listed_deliveries(served.engine.now_ms())


@pytest.fixture
async def usdm(served: RunningSim) -> AsyncIterator[Any]:
    """binanceusdm for an account with 100,000 USDT and 1 BTC on COIN-M; BTC at 60,000."""
    balances = {"usdm": {"USDT": "100000"}, "coinm": {"BTC": "1"}}
    async with funded_client(served.url, "binanceusdm", KEY, balances) as exchange:
        yield exchange


async def _deliver_current(served: RunningSim) -> int:
    current = _listed(served)[0]
    await admin(served.url, "/sim/time", {"advance_ms": current - served.engine.now_ms()})
    return current


async def test_usdm_quarterly_delivers_and_the_listing_rolls(served: RunningSim, usdm: Any) -> None:
    """Short 0.2 of the current BTCUSDT quarterly through ccxt; at its delivery the position is
    settled at the index (a DELIVERED_SETTELMENT income row) and, reloading the markets, the
    delivered contract is gone while the next-but-one is listed."""
    current, following = _listed(served)
    symbol = f"BTC/USDT:USDT-{quarterlies.suffix(current)}"
    assert usdm.market(symbol)["future"] and usdm.market(symbol)["expiry"] == current
    await usdm.create_order(symbol, "market", "sell", 0.2)
    assert [p["contracts"] for p in await usdm.fetch_positions([symbol])] == [0.2]
    await _deliver_current(served)
    assert await usdm.fetch_positions() == []
    [row] = await usdm.fapiPrivateGetIncome({"incomeType": "DELIVERED_SETTELMENT"})
    assert row["symbol"] == usdm.market(symbol)["id"] and row["asset"] == "USDT"
    markets = await usdm.load_markets(reload=True)
    futures = sorted(m["expiry"] for m in markets.values() if m["future"] and m["base"] == "BTC")
    assert futures == [following, quarterlies.listed_deliveries(following)[0]]


async def test_coinm_quarterly_delivers_in_coin(served: RunningSim, usdm: Any) -> None:
    """A COIN-M quarterly short delivered at the index: contracts back to 0 and the
    settlement booked in BTC."""
    current = _listed(served)[0]
    async with ccxt_client(served.url, "binancecoinm", api_key=KEY, secret=SECRET) as coinm:
        symbol = f"BTC/USD:BTC-{quarterlies.suffix(current)}"
        await coinm.create_order(symbol, "market", "sell", 300)
        await _deliver_current(served)
        assert all(p["contracts"] == 0 for p in await coinm.fetch_positions())
        [row] = await coinm.dapiPrivateGetIncome({"incomeType": "DELIVERED_SETTELMENT"})
    assert row["asset"] == "BTC"


async def test_quarterly_premium_index_has_no_funding(served: RunningSim, usdm: Any) -> None:
    """A quarterly's premiumIndex has no funding ("" rate, nextFundingTime 0), its mark is
    its price, above the index by the basis; ccxt reads the rate as None."""
    market_id = f"BTCUSDT_{quarterlies.suffix(_listed(served)[0])}"
    row = await usdm.fapiPublicGetPremiumIndex({"symbol": market_id})
    assert (row["lastFundingRate"], row["nextFundingTime"]) == ("", 0)
    assert D(row["markPrice"]) > D(row["indexPrice"]) == D(60000)
    rate = await usdm.fetch_funding_rate(usdm.markets_by_id[market_id][0]["symbol"])
    assert rate["fundingRate"] is None


async def test_admin_prices_move_quarterlies_with_their_index(served: RunningSim) -> None:
    """Moving BTC's spot moves every BTC contract (perp and quarterlies of both dialects) by
    the same ratio; pricing a quarterly directly keeps that premium through later moves."""
    await admin(served.url, "/sim/price", {"symbol": "BTCUSDT", "price": "60000"})
    quarter = f"BTCUSD_{quarterlies.suffix(_listed(served)[1])}"
    before = D((await admin(served.url, "/sim/state"))["contracts"][quarter]["price"])
    await admin(served.url, "/sim/price", {"symbol": "BTCUSDT", "price": "66000"})
    contracts = (await admin(served.url, "/sim/state"))["contracts"]
    assert D(contracts["BTCUSD_PERP"]["price"]) == D(66000)
    assert abs(D(contracts[quarter]["price"]) / before - D("1.1")) < D("0.00001")
    await admin(served.url, "/sim/price", {"symbol": quarter, "price": "70000", "market": "coinm"})
    await admin(served.url, "/sim/price", {"symbol": "BTCUSDT", "price": "33000"})
    moved = D((await admin(served.url, "/sim/state"))["contracts"][quarter]["price"])
    assert abs(moved - D(35000)) <= D("0.1")


async def test_admin_basis_sets_the_annualised_premium(served: RunningSim) -> None:
    """POST /sim/basis {"annual": "0"} prices the quarterlies at their index; state shows it."""
    await admin(served.url, "/sim/basis", {"annual": "0"})
    state = await admin(served.url, "/sim/state")
    quarters = [c for c in state["contracts"].values() if c["deliveryDate"]]
    assert state["quarterlyBasis"] == "0" and len(quarters) == 8
    assert all(D(c["annualisedBasis"]) == 0 for c in quarters if c["pair"] == "BTCUSD")
