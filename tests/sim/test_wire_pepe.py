"""The multiplied perpetual: `1000PEPEUSDT` (one unit = 1,000 PEPE) beside `PEPEUSDT` spot,
with Binance's filters, and a perp price that is 1,000 × the spot price."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from bot.sim.server import RunningSim
from tests.sim.wire import admin, ccxt_client

PERP, SPOT = "1000PEPE/USDT:USDT", "PEPE/USDT"


async def test_filters_as_binance_lists_them(served: RunningSim) -> None:
    """The perp: base 1000PEPE, tick 0.0000001, step 1, min quantity 1, min notional 5 USDT;
    the spot pair: base PEPE, tick 0.00000001, step 1, min notional 5."""
    async with ccxt_client(served.url, "binance") as exchange:
        perp, spot = exchange.market(PERP), exchange.market(SPOT)
    assert (perp["base"], perp["linear"], perp["contractSize"]) == ("1000PEPE", True, 1)
    assert perp["precision"]["price"] == 1e-7 and perp["precision"]["amount"] == 1
    assert perp["limits"]["amount"]["min"] == 1 and perp["limits"]["cost"]["min"] == 5
    assert (spot["base"], spot["precision"]["price"], spot["precision"]["amount"]) == (
        "PEPE",
        1e-8,
        1,
    )
    assert spot["limits"]["cost"]["min"] == 5


async def test_perp_price_is_a_thousand_times_spot(served: RunningSim) -> None:
    """Moving PEPEUSDT spot to 0.00001234 puts 1000PEPEUSDT at 0.01234 (its index too)."""
    await admin(served.url, "/sim/price", {"symbol": "PEPEUSDT", "price": "0.00001234"})
    async with ccxt_client(served.url, "binanceusdm") as usdm:
        ticker = await usdm.fetch_ticker(PERP)
        funding = await usdm.fetch_funding_rate(PERP)
    assert ticker["last"] == 0.01234 and funding["indexPrice"] == 0.01234
    async with ccxt_client(served.url, "binance") as spot:
        assert (await spot.fetch_ticker(SPOT))["last"] == 0.00001234


async def test_ten_million_pepe_hedge_is_ten_thousand_units(served: RunningSim) -> None:
    """Selling 10,000 units of 1000PEPEUSDT is a short of 10,000,000 PEPE: at 0.01 USDT per
    unit the position's notional is 100 USDT."""
    await admin(served.url, "/sim/price", {"symbol": "PEPEUSDT", "price": "0.00001"})
    async with ccxt_client(served.url, "binanceusdm") as usdm:
        await usdm.create_order(PERP, "market", "sell", 10000)
        [position] = await usdm.fetch_positions([PERP])
    assert position["contracts"] == 10000 and position["side"] == "short"
    assert abs(D(str(position["notional"])) - 100) < D("0.01")


async def test_state_lists_pepe_spot_and_the_multiplied_contract(served: RunningSim) -> None:
    """/sim/state shows PEPEUSDT under spot prices and 1000PEPEUSDT as a derived contract whose
    index is 1,000 × spot."""
    state: Any = await admin(served.url, "/sim/state")
    spot = D(state["spot"]["PEPEUSDT"])
    assert D(state["contracts"]["1000PEPEUSDT"]["index"]) == spot * 1000
    assert "1000PEPEUSDT" not in state["prices"]
