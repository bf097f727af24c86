"""Real ccxt `binanceusdm` against the simulator's /fapi routes."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest

from bot.exchange.sim_client import make_sim_exchange
from bot.sim.server import RunningSim, start
from bot.sim.spec_tables import USDM

BTC = "BTC/USDT:USDT"


@pytest.fixture
async def sim() -> AsyncIterator[RunningSim]:
    running = await start(port=0, feed=False)
    yield running
    await running.stop()


@pytest.fixture
async def usdm(sim: RunningSim) -> AsyncIterator[Any]:
    exchange = make_sim_exchange("binanceusdm", sim.url)
    await exchange.load_markets()
    yield exchange
    await exchange.close()


async def _admin(sim: RunningSim, path: str, body: dict[str, Any]) -> dict[str, Any]:
    async with aiohttp.ClientSession() as http, http.post(sim.url + path, json=body) as resp:
        assert resp.status == 200, await resp.text()
        data: dict[str, Any] = await resp.json()
        return data


async def test_load_markets_lists_linear_perpetuals(usdm: Any) -> None:
    """binanceusdm loads the USDT perpetuals with tick/step/min-notional from the venue (the
    core five among the whole listing), and BTC's and ETH's current and next quarterlies as
    futures."""
    btc = usdm.market(BTC)
    assert btc["swap"] and btc["linear"] and btc["settle"] == "USDT" and btc["active"]
    assert btc["precision"]["price"] == 0.1 and btc["precision"]["amount"] == 0.001
    assert btc["limits"]["cost"]["min"] == 100
    swaps = {s for s, m in usdm.markets.items() if m["swap"]}
    assert swaps > {BTC, "ETH/USDT:USDT", "SOL/USDT:USDT", "XRP/USDT:USDT", "1000PEPE/USDT:USDT"}
    assert {usdm.market(s)["id"] for s in swaps} == set(USDM)
    futures = sorted(s for s, m in usdm.markets.items() if m["future"])
    assert [s.split("-")[0] for s in futures] == [BTC, BTC, "ETH/USDT:USDT", "ETH/USDT:USDT"]


async def test_fetch_time_and_balance(usdm: Any) -> None:
    """fetch_time is the server clock; fetch_balance reads /fapi/v3/account (50 000 USDT)."""
    assert abs(await usdm.fetch_time() - usdm.milliseconds()) < 5_000
    balance = await usdm.fetch_balance()
    assert balance["USDT"] == {"free": 100_000.0, "used": 0.0, "total": 100_000.0}


async def test_ticker_book_and_funding_rate(sim: RunningSim, usdm: Any) -> None:
    """Ticker last, a two-sided book around it, and premiumIndex funding data."""
    await _admin(sim, "/sim/price", {"symbol": "BTCUSDT", "price": "70000"})
    assert (await usdm.fetch_ticker(BTC))["last"] == 70_000
    book = await usdm.fetch_order_book(BTC, 5)
    assert book["bids"][0][0] < 70_000 < book["asks"][0][0]
    funding = await usdm.fetch_funding_rate(BTC)
    assert funding["markPrice"] == 70_000 and funding["fundingRate"] == 0.0001
    assert funding["fundingTimestamp"] % (8 * 3600 * 1000) == 0


async def test_order_lifecycle_post_only_and_client_id(usdm: Any) -> None:
    """GTX order with clientOrderId: open, fetchable by id and cid, listed, then canceled."""
    ask = (await usdm.fetch_order_book(BTC, 5))["asks"][0][0]
    order = await usdm.create_order(
        BTC, "limit", "sell", 0.01, ask, {"postOnly": True, "clientOrderId": "hedge-1"}
    )
    assert order["status"] == "open" and order["postOnly"]
    assert order["clientOrderId"] == "hedge-1" and order["timeInForce"] == "PO"
    assert (await usdm.fetch_order(order["id"], BTC))["amount"] == 0.01
    by_cid = await usdm.fetch_order(None, BTC, {"origClientOrderId": "hedge-1"})
    assert by_cid["id"] == order["id"]
    assert [o["id"] for o in await usdm.fetch_open_orders()] == [order["id"]]
    assert (await usdm.fetch_open_order(order["id"], BTC))["status"] == "open"
    assert (await usdm.cancel_order(order["id"], BTC))["status"] == "canceled"
    assert await usdm.fetch_open_orders(BTC) == []


async def test_market_short_then_reduce_only_close(usdm: Any) -> None:
    """A market sell opens a short (positionRisk v3); a reduceOnly buy closes it."""
    sold = await usdm.create_order(BTC, "market", "sell", 0.01)
    assert sold["status"] == "closed"
    [position] = await usdm.fetch_positions([BTC])
    assert position["side"] == "short" and position["contracts"] == 0.01
    assert position["hedged"] is False and position["liquidationPrice"] > position["entryPrice"]
    closed = await usdm.create_order(BTC, "market", "buy", 0.01, None, {"reduceOnly": True})
    assert closed["reduceOnly"] is True and closed["status"] == "closed"
    assert await usdm.fetch_positions() == []
    trades = await usdm.fetch_my_trades(BTC)
    assert [t["side"] for t in trades] == ["sell", "buy"]
    assert all(t["fee"]["cost"] == pytest.approx(t["cost"] * 0.0005) for t in trades)


async def test_leverage_margin_mode_and_tiers(usdm: Any) -> None:
    """set_leverage / set_margin_mode reach the venue; tiers come from leverageBracket."""
    result = await usdm.set_leverage(7, BTC)
    assert result["leverage"] == 7
    assert (await usdm.set_margin_mode("isolated", BTC))["code"] == 200
    await usdm.create_order(BTC, "market", "sell", 0.01)
    [position] = await usdm.fetch_positions([BTC])
    # v3 positionRisk carries no `leverage` (ccxt leaves it None); the margin shows it.
    assert position["marginMode"] == "isolated"
    assert position["initialMarginPercentage"] == pytest.approx(1 / 7, rel=1e-6)
    tiers = await usdm.fetch_leverage_tiers([BTC])
    first = tiers[BTC][0]
    assert first["minNotional"] == 0 and first["maintenanceMarginRate"] == 0.004
    assert first["maxLeverage"] == 125


async def test_add_margin_to_isolated_position(usdm: Any) -> None:
    """add_margin (positionMargin type 1) grows the isolated wallet by the amount."""
    await usdm.set_margin_mode("isolated", BTC)
    await usdm.create_order(BTC, "market", "sell", 0.01)
    [before] = await usdm.fetch_positions([BTC])
    result = await usdm.add_margin(BTC, 25)
    assert result["type"] == "add" and result["status"] == "ok" and result["amount"] == 25
    [after] = await usdm.fetch_positions([BTC])
    wallet = float(after["info"]["isolatedWallet"]) - float(before["info"]["isolatedWallet"])
    assert wallet == pytest.approx(25)
    assert after["liquidationPrice"] > before["liquidationPrice"]


async def test_funding_history_after_settlement(sim: RunningSim, usdm: Any) -> None:
    """A settled funding on a short shows in fetch_funding_history as positive income."""
    await usdm.create_order(BTC, "market", "sell", 0.01)
    await _admin(sim, "/sim/funding", {"symbol": "BTCUSDT", "rate": "0.0003"})
    [entry] = await usdm.fetch_funding_history(BTC)
    mark = (await usdm.fetch_funding_rate(BTC))["markPrice"]
    assert entry["amount"] == pytest.approx(0.01 * mark * 0.0003, rel=1e-6)
    history = await usdm.fetch_funding_rate_history(BTC)
    assert history[-1]["fundingRate"] == 0.0003


async def test_advance_settles_funding_at_boundaries(sim: RunningSim, usdm: Any) -> None:
    """/sim/advance by 16 h crosses two 8-hourly boundaries: two funding payments."""
    await usdm.create_order(BTC, "market", "sell", 0.01)
    await _admin(sim, "/sim/advance", {"ms": 16 * 3600 * 1000})
    assert len(await usdm.fetch_funding_history(BTC)) == 2


async def test_raw_position_mode_and_multi_assets(usdm: Any) -> None:
    """One-way mode and single-asset margin, as the daemon's startup checks expect."""
    assert await usdm.fapiPrivateGetPositionSideDual() == {"dualSidePosition": False}
    assert await usdm.fapiPrivateGetMultiAssetsMargin() == {"multiAssetsMargin": False}
    assert (await usdm.fetch_position_mode(BTC))["hedged"] is False


async def test_v2_endpoints_serve_the_same_data(usdm: Any) -> None:
    """/fapi/v2/account, /v2/balance and /v2/positionRisk answer like their v3 twins."""
    await usdm.create_order(BTC, "market", "sell", 0.01)
    v2 = await usdm.fapiPrivateV2GetPositionRisk()
    v3 = await usdm.fapiPrivateV3GetPositionRisk()
    assert [r["positionAmt"] for r in v2] == [r["positionAmt"] for r in v3] == ["-0.010"]
    balance = await usdm.fapiPrivateV2GetBalance()
    assert balance[0]["asset"] == "USDT"
    account = await usdm.fapiPrivateV2GetAccount()
    assert account["positions"][0]["symbol"] == "BTCUSDT"
