"""Real ccxt `binancecoinm` against the simulator's COIN-M dialect (/dapi): markets with
contract sizes, coin balances, orders, positions, funding, brackets, settings and errors."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal as D
from typing import Any

import ccxt.async_support as ccxt
import pytest

from bot.sim import quarterlies
from bot.sim.engine import SimExchange
from bot.sim.server import RunningSim, start
from tests.sim.wire import admin, ccxt_client, funded_client

PERP = "BTC/USD:BTC"
KEY, SECRET = "holder", "holder-secret"  # the secret funded_client gives KEY


@pytest.fixture
async def coinm(served: RunningSim) -> AsyncIterator[Any]:
    """binancecoinm for a holder with 4 BTC in spot and 1 BTC in COIN-M; BTC at 60,000."""
    balances = {"spot": {"BTC": "4"}, "coinm": {"BTC": "1"}}
    async with funded_client(served.url, "binancecoinm", KEY, balances) as exchange:
        yield exchange


async def test_markets_are_inverse_with_contract_sizes_and_quarterlies(
    served: RunningSim, coinm: Any
) -> None:
    """BTC/USD:BTC is an inverse swap of 100 USD contracts settled in BTC (ETH: 10 USD);
    each pair has its current and next quarterly as a future expiring at the delivery."""
    btc = coinm.market(PERP)
    assert btc["inverse"] and btc["swap"] and btc["settle"] == "BTC" and btc["contractSize"] == 100
    assert btc["precision"]["amount"] == 1 and btc["precision"]["price"] == 0.1
    assert coinm.market("ETH/USD:ETH")["contractSize"] == 10
    expiries = sorted(
        m["expiry"] for m in coinm.markets.values() if m["future"] and m["base"] == "BTC"
    )
    assert expiries == list(quarterlies.listed_deliveries(served.engine.now_ms()))


async def test_balance_is_the_coin_wallet(coinm: Any) -> None:
    """fetch_balance reads /dapi/v1/account: 1 BTC, all of it free."""
    balance = await coinm.fetch_balance()
    assert balance["BTC"] == {"free": 1.0, "used": 0.0, "total": 1.0}


async def test_a_short_through_ccxt_is_a_coin_margined_position(coinm: Any) -> None:
    """A market sell of 3,000 contracts fills (avg ≈ 60,000) and fetch_positions reads a short
    of 3,000 contracts, ≈ 5 BTC of notional, cross, with a liquidation price above 74,000."""
    order = await coinm.create_order(PERP, "market", "sell", 3000)
    assert order["status"] == "closed" and order["filled"] == 3000
    assert 59_990 < order["average"] < 60_000
    [position] = [p for p in await coinm.fetch_positions() if p["contracts"]]
    assert (position["symbol"], position["side"], position["contracts"]) == (PERP, "short", 3000)
    assert position["contractSize"] == 100 and position["marginMode"] == "cross"
    assert abs(position["notional"] - 5) < 0.001 and 74_000 < position["liquidationPrice"] < 75_000
    trades = await coinm.fetch_my_trades(PERP)
    assert sum(t["amount"] for t in trades) == 3000 and trades[0]["fee"]["currency"] == "BTC"


async def test_post_only_on_a_quarterly_rests_reads_and_cancels(
    served: RunningSim, coinm: Any
) -> None:
    """A post-only buy below the book on the current quarterly rests (GTX → postOnly), shows
    in open orders and fetch_order, and cancels."""
    current = quarterlies.listed_deliveries(served.engine.now_ms())[0]
    symbol = f"{PERP}-{quarterlies.suffix(current)}"
    order = await coinm.create_order(symbol, "limit", "buy", 5, 50000, {"postOnly": True})
    assert order["status"] == "open" and order["postOnly"]
    assert [o["id"] for o in await coinm.fetch_open_orders(symbol)] == [order["id"]]
    assert (await coinm.fetch_order(order["id"], symbol))["amount"] == 5
    assert (await coinm.cancel_order(order["id"], symbol))["status"] == "canceled"


async def test_funding_rate_and_funding_history_in_coin(served: RunningSim, coinm: Any) -> None:
    """fetch_funding_rate reads the premiumIndex list; after simulated time passes a funding
    boundary the short's FUNDING_FEE income is in BTC."""
    rate = await coinm.fetch_funding_rate(PERP)
    assert rate["fundingRate"] == 0.0001 and rate["markPrice"] == rate["indexPrice"] == 60000
    await coinm.create_order(PERP, "market", "sell", 600)
    await admin(served.url, "/sim/time", {"advance_ms": 8 * 3_600_000})
    [funding] = await coinm.fetch_funding_history(PERP)
    assert funding["code"] == "BTC" and 0 < funding["amount"] < 0.0002


async def test_brackets_are_per_symbol_and_per_pair_in_coin(coinm: Any) -> None:
    """fetch_leverage_tiers (/dapi/v2) gives coin caps (first tier 0-5 BTC at 0.4 %); the
    per-pair /dapi/v1 route gives the same brackets under the pair."""
    [first, second, *_] = (await coinm.fetch_leverage_tiers([PERP]))[PERP]
    assert (first["minNotional"], first["maxNotional"]) == (0, 5)
    assert first["maintenanceMarginRate"] == 0.004 and second["info"]["cum"] == 0.005
    [pair] = await coinm.dapiPrivateGetLeverageBracket({"pair": "BTCUSD"})
    assert pair["pair"] == "BTCUSD" and pair["brackets"][1]["qtyFloor"] == 5


async def test_leverage_margin_mode_and_isolated_margin(coinm: Any) -> None:
    """set_leverage answers maxQty, set_margin_mode isolates, positionMargin adds coin.
    (ccxt's add_margin rounds the amount to the market's *contract* step, 1, so a fraction of
    a BTC goes through the raw /dapi/v1/positionMargin call.)"""
    assert (await coinm.set_leverage(5, PERP))["maxQty"] == "200"
    await coinm.set_margin_mode("isolated", PERP)
    await coinm.create_order(PERP, "market", "sell", 600)
    body = {"symbol": "BTCUSD_PERP", "type": 1, "amount": "0.1"}
    added = coinm.parse_margin_modification(await coinm.dapiPrivatePostPositionMargin(body))
    assert added["amount"] == 0.1 and added["status"] == "ok"
    [position] = [p for p in await coinm.fetch_positions() if p["contracts"]]
    assert position["marginMode"] == "isolated" and position["positionMargin"] > 0.29


async def test_book_and_tickers_are_coin_m_shaped(coinm: Any) -> None:
    """The order book's quantities are contracts (25,000 USD at the touch = 250); the 24h
    ticker and book ticker are lists on /dapi, read by ccxt all the same."""
    book = await coinm.fetch_order_book(PERP, 5)
    assert book["bids"][0] == [59999.9, 250.0] and book["asks"][0] == [60000.1, 250.0]
    assert (await coinm.fetch_ticker(PERP))["last"] == 60000
    rows = await coinm.dapiPublicGetTickerBookTicker({"symbol": "BTCUSD_PERP"})
    assert [r["pair"] for r in rows] == ["BTCUSD"]


@pytest.mark.parametrize(
    ("params", "error"),
    [
        ({"quantity": "60000"}, ccxt.InsufficientFunds),  # -2019: 100 BTC at 20× > 1 BTC
        ({"quantity": "1.5"}, ccxt.BadRequest),  # -1111: a fraction of a contract
        ({"quantity": "10", "positionSide": "SHORT"}, ccxt.ExchangeError),  # -4061
    ],
)
async def test_rejections_map_to_ccxt_errors(
    coinm: Any, params: dict[str, str], error: type[Exception]
) -> None:
    """Binance's COIN-M codes reach ccxt as its inverse error map raises them."""
    body = {"symbol": "BTCUSD_PERP", "side": "SELL", "type": "MARKET", **params}
    with pytest.raises(error):
        await coinm.dapiPrivatePostOrder(body)


async def test_universal_transfer_between_spot_and_coin_m(served: RunningSim, coinm: Any) -> None:
    """ccxt's transfer spot → inverse is MAIN_CMFUTURE; the coin lands in the COIN-M wallet."""
    await coinm.transfer("BTC", 0.5, "spot", "inverse")
    assert (await coinm.fetch_balance())["BTC"]["total"] == 1.5
    state = await admin(served.url, "/sim/state")
    assert state["accounts"][KEY]["balances"]["spot"]["BTC"]["free"] == "3.5"
    assert state["accounts"][KEY]["coinm"]["BTC"]["walletBalance"] == "1.5"


async def test_binance_class_loads_inverse_markets_too(served: RunningSim) -> None:
    """The one `binance` class sees spot, USDⓈ-M and COIN-M markets of the simulator."""
    async with ccxt_client(served.url, "binance") as exchange:
        kinds = {(m["type"], m["linear"], m["inverse"]) for m in exchange.markets.values()}
    assert {("spot", None, None), ("swap", True, False), ("swap", False, True)} <= kinds
    assert D(str(exchange.markets[PERP]["contractSize"])) == 100


async def test_ohlcv_of_the_contract_and_of_its_index() -> None:
    """fetch_ohlcv reads /dapi/v1/klines; with price=index, /dapi/v1/indexPriceKlines of the
    pair: the minute's open/high/low/close of the prices the venue traded (a frozen clock
    keeps them in one minute)."""
    engine = SimExchange.with_default_account(now_ms=lambda: 1_704_070_800_000)
    sim = await start(port=0, feed=False, engine=engine)
    try:
        for price in ("61000", "59000", "60500"):
            await admin(sim.url, "/sim/price", {"symbol": "BTCUSDT", "price": price})
        async with ccxt_client(sim.url, "binancecoinm") as coinm:
            [candle] = await coinm.fetch_ohlcv(PERP, "1m")
            [index] = await coinm.fetch_ohlcv(PERP, "1m", params={"price": "index"})
    finally:
        await sim.stop()
    assert candle[1:5] == [65000, 65000, 59000, 60500] == index[1:5]
    assert candle[0] == 1_704_070_800_000
