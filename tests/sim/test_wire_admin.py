"""The admin API (/sim/*): effects, and clear 4xx answers for bad input."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.exchange.sim_client import make_sim_exchange
from bot.sim.server import RunningSim, start

BAL = {"api_key": "sim-key", "wallet": "spot", "asset": "BTC", "amount": "1"}
ACC = {"api_key": "k", "secret": "s"}


@pytest.fixture
async def sim() -> AsyncIterator[RunningSim]:
    running = await start(port=0, feed=False)
    yield running
    await running.stop()


async def _call(sim: RunningSim, method: str, path: str, **kw: Any) -> tuple[int, Any]:
    async with aiohttp.ClientSession() as http, http.request(method, sim.url + path, **kw) as r:
        return r.status, await r.json()


@pytest.mark.parametrize(
    ("path", "body", "needle"),
    [
        ("/sim/price", {"symbol": "NOPEUSDT", "price": "1"}, "NOPEUSDT"),
        ("/sim/price", {"symbol": "BTCUSDT", "price": "-5"}, "price"),
        ("/sim/price", {"symbol": "BTCUSDT", "price": "abc"}, "price"),
        ("/sim/price", {"symbol": "BTCUSDT", "price": "1", "market": "coinm"}, "market"),
        ("/sim/price", {"symbol": "BTCUSDT", "price": "1", "colour": "red"}, "colour"),
        ("/sim/balance", {**BAL, "amount": "-1"}, "amount"),
        ("/sim/balance", {**BAL, "api_key": "ghost"}, "ghost"),
        ("/sim/balance", {**BAL, "wallet": "margin"}, "wallet"),
        ("/sim/accounts", {"api_key": "k", "secret": 5}, "secret"),
        ("/sim/accounts", {**ACC, "balances": {"spot": {"BTC": "-1"}}}, "balances.spot.BTC"),
        ("/sim/accounts", {**ACC, "balances": {"cash": {}}}, "cash"),
        ("/sim/accounts", {**ACC, "balances": {"coinm": {"BTC": "-1"}}}, "balances.coinm.BTC"),
        ("/sim/price", {"symbol": "BTCUSD_PERP", "price": "1", "market": "usdm"}, "BTCUSD_PERP"),
        ("/sim/funding", {"symbol": "PEPEUSDT"}, "PEPEUSDT"),
        ("/sim/basis", {"annual": "1.5"}, "annual"),
        ("/sim/basis", {}, "annual"),
        ("/sim/accounts", {**ACC, "position_mode": "dual"}, "position_mode"),
        ("/sim/accounts", {**ACC, "can_withdraw": "yes"}, "can_withdraw"),
        ("/sim/funding", {"symbol": "BTCUSDT", "rate": "two"}, "rate"),
        ("/sim/funding", {"symbol": "NOPE"}, "NOPE"),
        ("/sim/faults", {"rate_limit_prob": 2}, "rate_limit_prob"),
        ("/sim/faults", {"stale_positions": "yes"}, "stale_positions"),
        ("/sim/advance", {"ms": -5}, "ms"),
        ("/sim/advance", {"ms": "10"}, "ms"),
    ],
)  # fmt: skip
async def test_bad_admin_input_is_400_naming_the_field(
    sim: RunningSim, path: str, body: dict[str, Any], needle: str
) -> None:
    """Each invalid admin payload gets 400 with an error message that names the culprit."""
    status, data = await _call(sim, "POST", path, json=body)
    assert status == 400
    assert needle in data["error"]


@pytest.mark.parametrize("raw", ["{not json", "[1, 2]", '"text"'])
async def test_malformed_json_is_400(sim: RunningSim, raw: str) -> None:
    """A body that is not a JSON object is refused with 400, and the server keeps serving."""
    status, data = await _call(sim, "POST", "/sim/price", data=raw)
    assert status == 400 and data["error"]
    assert (await _call(sim, "GET", "/sim/state"))[0] == 200


async def test_unknown_admin_path_is_404(sim: RunningSim) -> None:
    """An unknown /sim/ path answers 404 JSON naming it."""
    status, data = await _call(sim, "POST", "/sim/teleport", json={})
    assert status == 404 and "/sim/teleport" in data["error"]


async def test_new_account_trades_with_its_own_keys(sim: RunningSim) -> None:
    """POST /sim/accounts creates a key pair ccxt can sign with, holding the given balances."""
    body = {"api_key": "alice", "secret": "alice-secret", "balances": {"spot": {"BTC": "5"}}}
    status, data = await _call(sim, "POST", "/sim/accounts", json=body)
    assert status == 200 and "alice-secret" not in str(data)
    exchange = make_sim_exchange("binance", sim.url, api_key="alice", secret="alice-secret")
    try:
        assert (await exchange.fetch_balance())["BTC"]["total"] == 5
    finally:
        await exchange.close()


async def test_set_balance_and_state(sim: RunningSim) -> None:
    """POST /sim/balance sets an absolute amount that /sim/state then reports."""
    body = {"api_key": "sim-key", "wallet": "usdm", "asset": "USDT", "amount": "1234.5"}
    assert (await _call(sim, "POST", "/sim/balance", json=body))[0] == 200
    status, state = await _call(sim, "GET", "/sim/state")
    assert status == 200
    assert state["accounts"]["sim-key"]["balances"]["usdm"]["USDT"] == "1234.5"
    assert set(state) >= {"accounts", "prices", "requests", "faults", "time"}


async def test_price_moves_spot_and_perp(sim: RunningSim) -> None:
    """POST /sim/price without market moves both; with market only that one."""
    await _call(sim, "POST", "/sim/price", json={"symbol": "SOLUSDT", "price": 171.5})
    await _call(
        sim, "POST", "/sim/price", json={"symbol": "SOLUSDT", "price": "172", "market": "usdm"}
    )
    prices = (await _call(sim, "GET", "/sim/state"))[1]["prices"]["SOLUSDT"]
    assert (prices["spot"], prices["perp"]) == ("171.5", "172")


async def test_advance_moves_simulated_time(sim: RunningSim) -> None:
    """POST /sim/advance returns the new simulated time, `ms` later."""
    before = sim.engine.now_ms()
    status, data = await _call(sim, "POST", "/sim/advance", json={"ms": 3_600_000})
    assert status == 200 and data["now_ms"] - before >= 3_600_000


async def test_coinm_wallet_is_set_through_the_admin_api(sim: RunningSim) -> None:
    """`"coinm": {"BTC": "1"}` at account creation and POST /sim/balance wallet "coinm" set the
    COIN-M wallet that binancecoinm's fetch_balance and /sim/state report."""
    body = {"api_key": "bob", "secret": "bob-s", "balances": {"coinm": {"BTC": "1"}}}
    assert (await _call(sim, "POST", "/sim/accounts", json=body))[0] == 200
    exchange = make_sim_exchange("binancecoinm", sim.url, api_key="bob", secret="bob-s")
    try:
        assert (await exchange.fetch_balance())["BTC"]["total"] == 1
        balance = {"api_key": "bob", "wallet": "coinm", "asset": "ETH", "amount": "3"}
        assert (await _call(sim, "POST", "/sim/balance", json=balance))[0] == 200
        assert (await exchange.fetch_balance())["ETH"]["total"] == 3
    finally:
        await exchange.close()
    state = (await _call(sim, "GET", "/sim/state"))[1]["accounts"]["bob"]
    assert state["balances"]["coinm"] == {"BTC": "1", "ETH": "3"}
    assert state["coinm"]["ETH"]["availableBalance"] == "3"
