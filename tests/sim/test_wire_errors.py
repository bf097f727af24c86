"""Venue errors reach real ccxt as the same exception classes the real Binance produces."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import pytest
from ccxt.base import errors as ccxt_errors

from bot.exchange.sim_client import make_sim_exchange
from bot.sim.server import RunningSim, start

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


@pytest.fixture
async def spot(sim: RunningSim) -> AsyncIterator[Any]:
    exchange = make_sim_exchange("binance", sim.url)
    await exchange.load_markets()
    yield exchange
    await exchange.close()


async def test_bad_signature_is_authentication_error(sim: RunningSim) -> None:
    """A wrong secret: -1022 → ccxt AuthenticationError."""
    exchange = make_sim_exchange("binanceusdm", sim.url, secret="not-the-secret")
    try:
        await exchange.load_markets()
        with pytest.raises(ccxt_errors.AuthenticationError, match="-1022"):
            await exchange.fetch_balance()
    finally:
        await exchange.close()


async def test_unknown_api_key_is_authentication_error(sim: RunningSim) -> None:
    """An unknown key: HTTP 401 -2015 → ccxt AuthenticationError."""
    exchange = make_sim_exchange("binance", sim.url, api_key="nobody")
    try:
        await exchange.load_markets()
        with pytest.raises(ccxt_errors.AuthenticationError, match="-2015"):
            await exchange.fetch_balance()
    finally:
        await exchange.close()


async def test_stale_timestamp_is_invalid_nonce(sim: RunningSim) -> None:
    """A client clock 20 s behind: -1021 → ccxt InvalidNonce (a NetworkError subclass)."""
    exchange = make_sim_exchange("binanceusdm", sim.url, options={"timeDifference": 20_000})
    try:
        await exchange.load_markets()
        with pytest.raises(ccxt_errors.InvalidNonce, match="-1021"):
            await exchange.fetch_balance()
    finally:
        await exchange.close()


async def test_unknown_order_is_order_not_found(usdm: Any, spot: Any) -> None:
    """Query (-2013) and cancel (-2011) of an unknown order → OrderNotFound on both markets."""
    with pytest.raises(ccxt_errors.OrderNotFound):
        await usdm.fetch_order("123456", BTC)
    with pytest.raises(ccxt_errors.OrderNotFound):
        await usdm.cancel_order("123456", BTC)
    with pytest.raises(ccxt_errors.OrderNotFound):
        await spot.fetch_order("123456", "BTC/USDT")
    with pytest.raises(ccxt_errors.OrderNotFound):
        await spot.cancel_order("123456", "BTC/USDT")


async def test_margin_insufficient_is_insufficient_funds(usdm: Any) -> None:
    """An order needing more margin than the wallet has: -2019 → InsufficientFunds."""
    await usdm.set_leverage(1, BTC)
    with pytest.raises(ccxt_errors.InsufficientFunds, match="-2019"):
        await usdm.create_order(BTC, "limit", "sell", 2, 70_000)


async def test_post_only_crossing_futures_is_order_not_fillable(usdm: Any) -> None:
    """A GTX sell at the bid would take: -5022 → OrderNotFillable (the URL-map patch)."""
    bid = (await usdm.fetch_order_book(BTC, 5))["bids"][0][0]
    with pytest.raises(ccxt_errors.OrderNotFillable, match="-5022"):
        await usdm.create_order(BTC, "limit", "sell", 0.01, bid, {"postOnly": True})
    assert await usdm.fetch_open_orders(BTC) == []


async def test_post_only_crossing_spot_is_immediately_fillable(spot: Any) -> None:
    """Spot LIMIT_MAKER buy at the ask: -2010 'would match and take' → OrderImmediatelyFillable."""
    ask = (await spot.fetch_ticker("BTC/USDT"))["ask"]
    with pytest.raises(ccxt_errors.OrderImmediatelyFillable):
        await spot.create_order("BTC/USDT", "limit", "buy", 0.001, ask, {"postOnly": True})


async def test_spot_insufficient_balance_is_insufficient_funds(spot: Any) -> None:
    """Selling more BTC than held: -2010 insufficient balance → InsufficientFunds."""
    with pytest.raises(ccxt_errors.InsufficientFunds):
        await spot.create_order("BTC/USDT", "limit", "sell", 3, 70_000)


async def test_reduce_only_without_position_is_invalid_order(usdm: Any) -> None:
    """A reduceOnly order that would open a position: -2022 → InvalidOrder."""
    with pytest.raises(ccxt_errors.InvalidOrder, match="-2022"):
        await usdm.create_order(BTC, "market", "buy", 0.01, None, {"reduceOnly": True})


async def test_min_notional_is_invalid_order(usdm: Any) -> None:
    """0.001 BTC (≈65 USDT) is under BTCUSDT's 100 USDT minimum: -4164 → InvalidOrder."""
    with pytest.raises(ccxt_errors.InvalidOrder, match="-4164"):
        await usdm.create_order(BTC, "limit", "sell", 0.001, 65_000)


async def test_margin_mode_already_set(usdm: Any) -> None:
    """Setting the current margin type again: -4046 → MarginModeAlreadySet."""
    with pytest.raises(ccxt_errors.MarginModeAlreadySet):
        await usdm.set_margin_mode("cross", BTC)


async def test_future_is_not_a_binance_transfer_account(spot: Any) -> None:
    """ccxt 4.5.90 has no 'future' account: it asks for an isolated-margin transfer we reject."""
    with pytest.raises(ccxt_errors.BadRequest, match="MAIN_ISOLATED_MARGIN"):
        await spot.transfer("USDT", 10, "spot", "future")


async def test_transfer_more_than_held_is_insufficient_funds(spot: Any) -> None:
    """Transferring more than the spot wallet holds fails as insufficient funds."""
    with pytest.raises(ccxt_errors.InsufficientFunds):
        await spot.transfer("USDT", 1_000_000, "spot", "swap")


async def test_unknown_path_is_binance_style_404(sim: RunningSim) -> None:
    """An unserved Binance path answers 404 with a Binance error body naming the path."""
    async with aiohttp.ClientSession() as http, http.get(sim.url + "/fapi/v1/aggTrades") as resp:
        assert resp.status == 404
        body = await resp.json()
    assert body["code"] == -1020 and "/fapi/v1/aggTrades" in body["msg"]


async def test_malformed_params_are_binance_errors(usdm: Any) -> None:
    """Garbage in a numeric parameter is -1100 (BadRequest), not a server crash."""
    with pytest.raises(ccxt_errors.BadRequest, match="-1100"):
        await usdm.fapiPrivatePostOrder(
            {"symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "quantity": "abc"}
        )
    with pytest.raises(ccxt_errors.BadSymbol, match="-1121"):
        await usdm.fapiPublicGetDepth({"symbol": "NOPEUSDT"})


async def test_unexpected_engine_failure_is_500_minus_1000(
    sim: RunningSim, usdm: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An engine bug becomes 500 {"code":-1000} (ccxt OperationFailed), never a crash."""

    def boom(*_: object, **__: object) -> None:
        raise RuntimeError("engine bug")

    monkeypatch.setattr(sim.engine, "income", boom)
    with pytest.raises(ccxt_errors.OperationFailed, match="-1000"):
        await usdm.fetch_funding_history(BTC)
    assert (await usdm.fetch_balance())["USDT"]["total"] == 100_000  # still serving
