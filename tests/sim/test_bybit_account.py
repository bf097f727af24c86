"""Bybit v5 unified account routes and the admin side of Bybit accounts, over real ccxt."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import ccxt.async_support as ccxt_async
import pytest

from bot.sim.server import RunningSim
from tests.sim.bybit_wire import bybit_account, bybit_client
from tests.sim.wire import admin

PERP = "BTC/USDT:USDT"


@pytest.fixture
async def bybit(served: RunningSim) -> AsyncIterator[Any]:
    async with bybit_account(served.url, "bb", {"USDT": 20000, "BTC": "1"}) as exchange:
        yield exchange


async def test_unified_wallet_holds_usdt_and_coins_in_one_balance(bybit: Any) -> None:
    """fetch_balance (ccxt's UTA probe included) shows the one unified wallet."""
    balance = await bybit.fetch_balance()
    assert balance["total"]["USDT"] == 20000 and balance["total"]["BTC"] == 1
    assert bybit.options["enableUnifiedAccount"] is True
    assert balance["info"]["result"]["list"][0]["accountType"] == "UNIFIED"


async def test_sim_state_shows_the_unified_wallet(served: RunningSim, bybit: Any) -> None:
    """/sim/state names the venue, the margin mode and the unified wallet of a Bybit account."""
    state = await admin(served.url, "/sim/state")
    account = state["accounts"]["bb"]
    assert account["venue"] == "bybit" and account["marginMode"] == "REGULAR_MARGIN"
    assert account["unified"] == {"USDT": "20000", "BTC": "1"}


async def test_withdrawal_permission_is_listed_only_for_withdrawal_keys(served: RunningSim) -> None:
    """query-api lists Wallet Withdraw only when the account was created with can_withdraw."""
    body = {"venue": "bybit", "unified": {"USDT": 1}, "can_withdraw": True}
    await admin(served.url, "/sim/accounts", {"api_key": "w", "secret": "w-secret", **body})
    async with bybit_client(served.url, "w", "w-secret") as exchange:
        wallet = (await exchange.privateGetV5UserQueryApi())["result"]["permissions"]["Wallet"]
    assert "Withdraw" in wallet
    async with bybit_account(served.url, "nw", {"USDT": 1}) as exchange:
        wallet = (await exchange.privateGetV5UserQueryApi())["result"]["permissions"]["Wallet"]
    assert "Withdraw" not in wallet


async def test_leverage_set_then_unchanged_is_110043(bybit: Any) -> None:
    """set_leverage takes effect on the position; setting it again is Bybit's 110043."""
    await bybit.set_leverage(3, PERP)
    [position] = await bybit.fetch_positions([PERP])
    assert position["leverage"] == 3
    with pytest.raises(ccxt_async.BadRequest, match="110043"):
        await bybit.set_leverage(3, PERP)
    with pytest.raises(ccxt_async.BadRequest, match=r"outside 1\.\.100"):
        await bybit.set_leverage(101, PERP)


async def test_margin_mode_is_per_account(bybit: Any) -> None:
    """set_margin_mode isolated switches the account, and every linear position with it."""
    await bybit.set_margin_mode("isolated")
    info = await bybit.privateGetV5AccountInfo()
    assert info["result"]["marginMode"] == "ISOLATED_MARGIN"
    [position] = await bybit.fetch_positions([PERP])
    assert position["info"]["tradeMode"] == 1


async def test_admin_refuses_mixed_wallet_fields(served: RunningSim) -> None:
    """A Bybit account takes `unified`, a Binance one `balances`; the error names the field."""
    bad = {"api_key": "x", "secret": "y", "venue": "bybit", "balances": {"spot": {}}}
    async with aiohttp.ClientSession() as http:
        async with http.post(served.url + "/sim/accounts", json=bad) as resp:
            assert resp.status == 400 and "unified" in (await resp.json())["error"]
        bad = {"api_key": "x", "secret": "y", "venue": "bybit", "unified": {"USDT": -1}}
        async with http.post(served.url + "/sim/accounts", json=bad) as resp:
            assert resp.status == 400 and "unified.USDT" in (await resp.json())["error"]


async def test_position_mode_is_one_way_and_unchanged(bybit: Any) -> None:
    """set_position_mode(one-way) is Bybit's 110025 (already one-way); hedge mode is refused."""
    with pytest.raises(ccxt_async.NoChange, match="110025"):
        await bybit.set_position_mode(False, PERP)
    with pytest.raises(ccxt_async.BadRequest, match="one-way"):
        await bybit.set_position_mode(True, PERP)
