"""/api/v3/ticker/price and /fapi/v1|v2/ticker/price through real ccxt, in Binance's shapes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import ccxt.async_support as ccxt
import pytest

from bot.sim.server import RunningSim
from bot.sim.spec_tables import SPOT, USDM
from tests.sim.wire import ccxt_client

LISTED = set(SPOT)
PERPETUALS = set(USDM)


@pytest.fixture(autouse=True)
async def btc_at_70000(served: RunningSim) -> None:
    """BTC trades at 70,000.5 on both markets."""
    async with aiohttp.ClientSession() as http:
        body = {"symbol": "BTCUSDT", "price": "70000.5"}
        async with http.post(served.url + "/sim/price", json=body) as resp:
            assert resp.status == 200


@pytest.fixture
async def spot(served: RunningSim) -> AsyncIterator[Any]:
    async with ccxt_client(served.url, "binance") as exchange:
        yield exchange


@pytest.fixture
async def usdm(served: RunningSim) -> AsyncIterator[Any]:
    async with ccxt_client(served.url, "binanceusdm") as exchange:
        yield exchange


async def test_spot_single_symbol_shape(spot: Any) -> None:
    """Spot answers {"symbol","price"} with 8 decimals, nothing else."""
    row = await spot.publicGetTickerPrice({"symbol": "BTCUSDT"})
    assert row == {"symbol": "BTCUSDT", "price": "70000.50000000"}


async def test_spot_all_and_some_symbols(spot: Any) -> None:
    """Without a symbol: one row per listed symbol; `symbols` picks a subset, as a list."""
    rows = await spot.publicGetTickerPrice()
    assert {r["symbol"] for r in rows} == LISTED and all(
        set(r) == {"symbol", "price"} for r in rows
    )
    some = await spot.publicGetTickerPrice({"symbols": '["ETHUSDT","BTCUSDT"]'})
    assert [r["symbol"] for r in some] == ["ETHUSDT", "BTCUSDT"]


async def test_fapi_single_symbol_shape_has_time(served: RunningSim, usdm: Any) -> None:
    """USDⓈ-M answers {"symbol","price","time"} at the symbol's price precision, stamped with
    the simulator's clock."""
    row = await usdm.fapiPublicGetTickerPrice({"symbol": "BTCUSDT"})
    assert set(row) == {"symbol", "price", "time"}
    assert (row["symbol"], row["price"]) == ("BTCUSDT", "70000.50")
    assert abs(int(row["time"]) - served.engine.now_ms()) < 5_000


async def test_fapi_all_symbols_through_fetch_last_prices(served: RunningSim, usdm: Any) -> None:
    """ccxt's fetch_last_prices (GET /fapi/v2/ticker/price) lists every contract's price: the
    perpetuals and the quarterlies listed at the simulated time."""
    prices = await usdm.fetch_last_prices()
    assert set(prices) == set(usdm.markets)
    assert prices["BTC/USDT:USDT"]["price"] == 70000.5
    rows = await usdm.fapiPublicGetTickerPrice()
    listed = set(served.engine.symbols("usdm"))
    assert listed > PERPETUALS and len(listed) == len(PERPETUALS) + 4
    assert {r["symbol"] for r in rows} == listed and all("time" in r for r in rows)


async def test_spot_fetch_last_prices(spot: Any) -> None:
    """ccxt's spot fetch_last_prices reads /api/v3/ticker/price."""
    prices = await spot.fetch_last_prices(["BTC/USDT"])
    assert prices["BTC/USDT"]["price"] == 70000.5


@pytest.mark.parametrize("family", ["spot", "usdm"])
async def test_unknown_symbol_is_1121(spot: Any, usdm: Any, family: str) -> None:
    """An unlisted symbol is Binance's -1121 Invalid symbol (ccxt BadSymbol) on both APIs."""
    with pytest.raises(ccxt.BadSymbol, match="-1121"):
        if family == "spot":
            await spot.publicGetTickerPrice({"symbol": "NOPEUSDT"})
        else:
            await usdm.fapiPublicGetTickerPrice({"symbol": "NOPEUSDT"})
