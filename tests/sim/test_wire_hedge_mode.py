"""Hedge mode and API-key permissions through real ccxt `binanceusdm` against the simulator."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import ccxt.async_support as ccxt
import pytest

from bot.exchange.sim_client import make_sim_exchange
from bot.sim.server import RunningSim

BTC = "BTC/USDT:USDT"
FUNDS = {"usdm": {"USDT": "100000"}}


async def _account(served: RunningSim, key: str, **fields: Any) -> Any:
    body = {"api_key": key, "secret": key + "-s", "balances": FUNDS, **fields}
    async with (
        aiohttp.ClientSession() as http,
        http.post(served.url + "/sim/accounts", json=body) as r,
    ):
        assert r.status == 200, await r.text()
    exchange = make_sim_exchange("binanceusdm", served.url, api_key=key, secret=key + "-s")
    await exchange.load_markets()
    return exchange


@pytest.fixture
async def hedged(served: RunningSim) -> AsyncIterator[Any]:
    exchange = await _account(served, "hedger", position_mode="hedge")
    yield exchange
    await exchange.close()


async def test_position_mode_reads_and_switches(served: RunningSim) -> None:
    """fetch_position_mode follows set_position_mode; setting the same mode again is -4059."""
    exchange = await _account(served, "switcher")
    try:
        assert (await exchange.fetch_position_mode(BTC))["hedged"] is False
        assert (await exchange.set_position_mode(True))["code"] == 200
        assert (await exchange.fetch_position_mode(BTC))["hedged"] is True
        with pytest.raises(ccxt.ExchangeError, match="-4059"):
            await exchange.set_position_mode(True)
    finally:
        await exchange.close()


async def test_mode_switch_refused_with_a_position(hedged: Any) -> None:
    """With a SHORT leg open the mode cannot change (-4068) and stays hedged."""
    await hedged.create_order(BTC, "market", "sell", 0.01, None, {"positionSide": "SHORT"})
    with pytest.raises(ccxt.ExchangeError, match="-4068"):
        await hedged.set_position_mode(False)
    assert (await hedged.fetch_position_mode(BTC))["hedged"] is True


async def test_short_leg_opens_and_closes_through_ccxt(hedged: Any) -> None:
    """SELL SHORT opens the short (hedged position, fills tagged SHORT); BUY SHORT closes it."""
    opened = await hedged.create_order(BTC, "market", "sell", 0.02, None, {"positionSide": "SHORT"})
    assert opened["status"] == "closed" and opened["info"]["positionSide"] == "SHORT"
    [short] = await hedged.fetch_positions([BTC])
    assert (short["side"], short["contracts"], short["hedged"]) == ("short", 0.02, True)
    await hedged.create_order(BTC, "market", "buy", 0.02, None, {"positionSide": "SHORT"})
    assert await hedged.fetch_positions([BTC]) == []
    trades = await hedged.fetch_my_trades(BTC)
    assert [(t["side"], t["info"]["positionSide"]) for t in trades] == [
        ("sell", "SHORT"),
        ("buy", "SHORT"),
    ]


async def test_long_leg_stays_when_the_short_grows(hedged: Any) -> None:
    """A LONG leg and a SHORT leg coexist: fetch_positions reports both, unnetted."""
    await hedged.create_order(BTC, "market", "buy", 0.01, None, {"positionSide": "LONG"})
    await hedged.create_order(BTC, "market", "sell", 0.03, None, {"positionSide": "SHORT"})
    sides = {p["side"]: p["contracts"] for p in await hedged.fetch_positions([BTC])}
    assert sides == {"long": 0.01, "short": 0.03}


@pytest.mark.parametrize(
    ("params", "code"),
    [({}, "-4061"), ({"positionSide": "BOTH"}, "-4061"),
     ({"positionSide": "SHORT", "reduceOnly": True}, "-1106")],
    ids=["no-position-side", "both", "reduce-only"],
)  # fmt: skip
async def test_hedge_mode_rejects_one_way_orders(
    hedged: Any, params: dict[str, Any], code: str
) -> None:
    """Orders without a LONG/SHORT leg, or with reduceOnly, are refused as Binance refuses them."""
    with pytest.raises(ccxt.ExchangeError, match=code):
        await hedged.create_order(BTC, "market", "sell", 0.01, None, params)
    assert await hedged.fetch_positions([BTC]) == []


async def test_closing_more_than_the_short_is_rejected(hedged: Any) -> None:
    """BUY SHORT beyond the short's size is -2022 and leaves the short as it was."""
    await hedged.create_order(BTC, "market", "sell", 0.01, None, {"positionSide": "SHORT"})
    with pytest.raises(ccxt.InvalidOrder, match="-2022"):
        await hedged.create_order(BTC, "market", "buy", 0.02, None, {"positionSide": "SHORT"})
    [short] = await hedged.fetch_positions([BTC])
    assert short["contracts"] == 0.01


async def test_api_restrictions_default_key_cannot_withdraw(served: RunningSim) -> None:
    """apiRestrictions of a plain account: reading and futures on, withdrawals off."""
    exchange = await _account(served, "reader")
    try:
        restrictions = await exchange.sapiGetAccountApiRestrictions()
    finally:
        await exchange.close()
    assert restrictions["enableWithdrawals"] is False
    assert restrictions["enableReading"] is True and restrictions["enableFutures"] is True
    assert {"ipRestrict", "createTime", "permitsUniversalTransfer", "enableMargin"} <= set(
        restrictions
    )


async def test_api_restrictions_of_a_withdrawal_key(served: RunningSim) -> None:
    """An account created with "can_withdraw": true has enableWithdrawals true (IP-restricted)."""
    exchange = await _account(served, "withdrawer", can_withdraw=True)
    try:
        restrictions = await exchange.sapiGetAccountApiRestrictions()
    finally:
        await exchange.close()
    assert restrictions["enableWithdrawals"] is True and restrictions["ipRestrict"] is True
