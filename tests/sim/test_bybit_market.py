"""Bybit v5 market routes, driven by real ccxt bybit over 127.0.0.1."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import ccxt.async_support as ccxt_async
import pytest

from bot.sim.server import RunningSim
from tests.sim.bybit_wire import bybit_account, make_bybit

KEY, SECRET = "bm", "bm-secret"


@pytest.fixture
async def bybit(served: RunningSim) -> AsyncIterator[Any]:
    async with bybit_account(served.url, KEY, {"USDT": 1000}) as exchange:
        yield exchange


async def test_load_markets_with_ccxt_defaults_lists_spot_linear_and_inverse(bybit: Any) -> None:
    """ccxt's default load_markets (every category, options, currencies) works offline."""
    assert {"BTC/USDT", "BTC/USDT:USDT", "BTC/USD:BTC"} <= set(bybit.markets)
    perp = bybit.market("BTC/USDT:USDT")
    assert perp["linear"] and perp["swap"] and perp["precision"]["price"] == 0.1
    assert perp["limits"]["leverage"]["max"] == 100
    assert "USDT" in bybit.currencies and "BTC" in bybit.currencies


async def test_time_ticker_and_book_follow_the_engine(served: RunningSim, bybit: Any) -> None:
    """fetch_time is the simulated clock; ticker and book sit around the admin-set price."""
    served.engine.set_price("BTCUSDT", Decimal(61000))
    assert abs(await bybit.fetch_time() - served.engine.now_ms()) < 5000
    ticker = await bybit.fetch_ticker("BTC/USDT:USDT")
    assert ticker["bid"] < 61000 < ticker["ask"] and ticker["last"] == 61000
    book = await bybit.fetch_order_book("BTC/USDT:USDT", 5)
    assert len(book["bids"]) == 5 and book["bids"][0][0] == ticker["bid"]


async def test_funding_rate_and_history_after_a_settlement(served: RunningSim, bybit: Any) -> None:
    """A settled funding interval shows in funding/history; the ticker carries the next one."""
    served.engine.settle_funding("BTCUSDT", Decimal("0.0003"))
    history = await bybit.fetch_funding_rate_history("BTC/USDT:USDT")
    assert [h["fundingRate"] for h in history][-1] == 0.0003
    rate = await bybit.fetch_funding_rate("BTC/USDT:USDT")
    assert rate["fundingTimestamp"] > served.engine.now_ms()


async def test_kline_rows_are_bybit_candles(bybit: Any) -> None:
    """fetch_ohlcv reads the recorded prices as Bybit candles (interval "60")."""
    candles = await bybit.fetch_ohlcv("BTC/USDT:USDT", "1h", limit=3)
    assert candles and candles[-1][4] == 60000


async def test_unknown_symbol_and_category_are_bybit_10001(served: RunningSim) -> None:
    """A bad category or symbol is retCode 10001, which ccxt raises as BadRequest."""
    exchange = make_bybit(served.url, KEY, SECRET)
    try:
        with pytest.raises(ccxt_async.BadRequest, match="10001"):
            await exchange.publicGetV5MarketTickers({"category": "linear", "symbol": "NOPEUSDT"})
        with pytest.raises(ccxt_async.BadRequest, match="category"):
            await exchange.publicGetV5MarketOrderbook({"category": "futures", "symbol": "BTCUSDT"})
    finally:
        await exchange.close()


async def test_signing_errors_are_bybit_codes(served: RunningSim, bybit: Any) -> None:
    """A wrong secret is 10004, an unknown or Binance key 10003, a stale timestamp 10002."""
    bad_sign = make_bybit(served.url, KEY, "wrong")
    unknown = make_bybit(served.url, "sim-key", "sim-secret")
    stale = make_bybit(served.url, KEY, SECRET, options={"timeDifference": 120_000})
    try:
        with pytest.raises(ccxt_async.AuthenticationError, match="10004"):
            await bad_sign.privateGetV5AssetCoinQueryInfo()
        with pytest.raises(ccxt_async.AuthenticationError, match="10003"):
            await unknown.privateGetV5AssetCoinQueryInfo()
        with pytest.raises(ccxt_async.InvalidNonce, match="10002"):
            await stale.privateGetV5AssetCoinQueryInfo()
    finally:
        for exchange in (bad_sign, unknown, stale):
            await exchange.close()


async def test_leverage_tiers_are_bybits_risk_limits(bybit: Any) -> None:
    """fetch_leverage_tiers reads /v5/market/risk-limit: tier 1 is 2,000,000 USDT at 0.5 %."""
    tiers = (await bybit.fetch_leverage_tiers(["BTC/USDT:USDT"]))["BTC/USDT:USDT"]
    assert tiers[0]["maxNotional"] == 2_000_000 and tiers[0]["maintenanceMarginRate"] == 0.005
    assert tiers[1]["maxLeverage"] == 50


async def test_inverse_sizes_are_usd(bybit: Any) -> None:
    """BTCUSD (inverse) book sizes are USD, as Bybit quotes them (engine contracts × 100)."""
    book = await bybit.fetch_order_book("BTC/USD:BTC", 1)
    assert book["bids"][0][1] == 25000
