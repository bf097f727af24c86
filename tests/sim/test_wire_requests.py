"""GET /sim/requests: what each API key sent, split into reads and mutating requests."""

from __future__ import annotations

from typing import Any

import aiohttp
import ccxt.async_support as ccxt
import pytest

from bot.sim.server import RunningSim
from tests.sim.wire import ccxt_client

BTC = "BTC/USDT:USDT"


async def _requests(served: RunningSim) -> Any:
    async with aiohttp.ClientSession() as http, http.get(served.url + "/sim/requests") as resp:
        assert resp.status == 200
        return (await resp.json())["accounts"]


async def test_reads_only_client_sends_no_mutating_request(served: RunningSim) -> None:
    """Balances, positions, orders and quotes are reads: the key's mutating count stays 0."""
    async with ccxt_client(served.url, "binanceusdm") as usdm:
        await usdm.fetch_balance()
        await usdm.fetch_positions()
        await usdm.fetch_open_orders(BTC)
        await usdm.fetch_order_book(BTC)
    mine = (await _requests(served))["sim-key"]
    assert mine["mutating"] == 0 and mine["mutating_endpoints"] == {}
    assert mine["reads"] == sum(mine["read_endpoints"].values()) >= 3
    assert mine["read_endpoints"]["GET /fapi/v3/account"] == 1


async def test_every_state_change_counts_as_mutating(served: RunningSim) -> None:
    """Order, cancel, leverage, margin type, position margin, transfer and position mode are
    counted as mutating, each under its endpoint."""
    async with ccxt_client(served.url, "binance") as exchange:
        await exchange.set_leverage(5, BTC)
        await exchange.set_margin_mode("isolated", BTC)
        await exchange.create_order(BTC, "market", "sell", 0.01)
        await exchange.add_margin(BTC, 10)
        bid = (await exchange.fetch_order_book(BTC))["bids"][0][0]
        order = await exchange.create_order(BTC, "limit", "buy", 0.01, bid * 0.9)
        await exchange.cancel_order(order["id"], BTC)
        await exchange.transfer("USDT", 5, "spot", "swap")
        with pytest.raises(ccxt.ExchangeError):
            await exchange.set_position_mode(True, BTC)  # refused (a position is open), still sent
    mine = (await _requests(served))["sim-key"]
    assert mine["mutating_endpoints"] == {
        "DELETE /fapi/v1/order": 1,
        "POST /fapi/v1/leverage": 1,
        "POST /fapi/v1/marginType": 1,
        "POST /fapi/v1/order": 2,
        "POST /fapi/v1/positionMargin": 1,
        "POST /fapi/v1/positionSide/dual": 1,
        "POST /sapi/v1/asset/transfer": 1,
    }
    assert mine["mutating"] == 8


async def test_requests_are_kept_per_key_and_public(served: RunningSim) -> None:
    """Another key's orders are its own; unsigned market data is counted under "public"."""
    body = {"api_key": "other", "secret": "other-s", "balances": {"usdm": {"USDT": "1000"}}}
    async with (
        aiohttp.ClientSession() as http,
        http.post(served.url + "/sim/accounts", json=body),
    ):
        pass
    async with ccxt_client(served.url, "binanceusdm", api_key="other", secret="other-s") as usdm:
        await usdm.create_order(BTC, "market", "sell", 0.002)
    counts = await _requests(served)
    assert counts["other"]["mutating_endpoints"] == {"POST /fapi/v1/order": 1}
    assert "sim-key" not in counts
    assert counts["public"]["read_endpoints"]["GET /fapi/v1/exchangeInfo"] == 1
    assert counts["public"]["mutating"] == 0
