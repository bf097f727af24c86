"""Engine outputs carry the real Binance response shapes and parse cleanly in ccxt."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import ccxt
import pytest

from bot.sim.engine import SimExchange
from bot.sim.errors import SimError

KEY = "sim-key"
FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "exchange-fixtures"


def _recorded(method: str, description: str) -> Any:
    path = FIXTURES / "binance.response.json"
    if not path.exists():
        pytest.skip("exchange fixtures are absent")
    cases = json.loads(path.read_text())["methods"][method]
    return next(c["httpResponse"] for c in cases if c["description"] == description)


def _short_filled(sim: SimExchange) -> dict[str, Any]:
    _, ask = sim.best_bid_ask("usdm", "BTCUSDT")
    sim.place_order(
        KEY,
        "usdm",
        "BTCUSDT",
        side="SELL",
        order_type="LIMIT",
        quantity=D("0.01"),
        price=ask,
        time_in_force="GTX",
    )
    sim.set_price("BTCUSDT", ask + 1)
    return sim.position_risk(KEY)[0]


def _spot_buy(sim: SimExchange) -> dict[str, Any]:
    return sim.place_order(
        KEY,
        "spot",
        "BTCUSDT",
        side="BUY",
        order_type="LIMIT",
        quantity=D("0.01"),
        price=D(66000),
        time_in_force="GTC",
    )


def test_spot_full_order_has_the_recorded_keys(sim: SimExchange) -> None:
    """Spot FULL create-order response: the recorded keys (minus iceberg) and string numbers."""
    order = _spot_buy(sim)
    recorded = _recorded("createOrder", "spot +selfTradePrevention +iceberg")
    assert set(recorded) - {"icebergQty"} <= set(order)
    assert order["status"] == "FILLED" and isinstance(order["price"], str)
    assert set(order["fills"][0]) == {"price", "qty", "commission", "commissionAsset", "tradeId"}


def test_futures_open_order_matches_recorded_keys(sim: SimExchange) -> None:
    """GET /fapi/v1/openOrders rows have the same keys as Binance's GTX open order."""
    sim.place_order(
        KEY,
        "usdm",
        "BTCUSDT",
        side="BUY",
        order_type="LIMIT",
        quantity=D("0.01"),
        price=D(60000),
        time_in_force="GTX",
    )
    row = sim.open_orders(KEY, "usdm", "BTCUSDT")[0]
    assert set(row) == set(_recorded("fetchOpenOrder", "swap open order"))


def test_position_risk_row_matches_recorded_keys(sim: SimExchange) -> None:
    """/fapi/v3/positionRisk rows have the recorded v3 keys."""
    row = _short_filled(sim)
    recorded = _recorded("fetchPositions", "Fetch linear positions with symbols")[0]
    assert set(row) == set(recorded)


def test_futures_account_matches_recorded_keys(sim: SimExchange) -> None:
    """/fapi/v3/account: top-level, asset and position keys as recorded."""
    _short_filled(sim)
    account = sim.futures_account(KEY)
    recorded = _recorded("fetchBalance", "Linear swap balance")
    assert set(account) == set(recorded)
    assert set(account["assets"][0]) == set(recorded["assets"][0])
    positions = _recorded("fetchPositions", "Fetch linear positions using account endnpoint")
    assert set(account["positions"][0]) == set(positions["positions"][0])


@pytest.mark.parametrize(
    ("market", "description"), [("spot", "Spot private trade"), ("usdm", "Swap private trade")]
)
def test_trades_match_recorded_keys(sim: SimExchange, market: str, description: str) -> None:
    """myTrades / userTrades rows have the recorded keys."""
    _spot_buy(sim) if market == "spot" else _short_filled(sim)
    row = sim.my_trades(KEY, market, "BTCUSDT")[0]
    assert set(row) == set(_recorded("fetchMyTrades", description)[0])


def test_spot_account_matches_recorded_keys(sim: SimExchange) -> None:
    """/api/v3/account has the recorded keys and free/locked string balances."""
    account = sim.spot_account(KEY)
    assert set(account) == set(_recorded("fetchBalance", "Spot balance"))
    assert {"asset", "free", "locked"} == set(account["balances"][0])


def test_ccxt_parses_exchange_info_with_our_filters(sim: SimExchange) -> None:
    """ccxt's own market parser reads our exchangeInfo: perpetual, linear, right precision."""
    exchange = ccxt.binanceusdm()
    market = exchange.parse_market(sim.exchange_info("usdm")["symbols"][0])
    assert market["symbol"] == "BTC/USDT:USDT" and market["swap"] and market["linear"]
    assert market["precision"]["price"] == 0.1 and market["limits"]["amount"]["min"] == 0.001
    assert market["limits"]["cost"]["min"] == 100 and market["active"]
    spot_exchange = ccxt.binance()
    spot_exchange.options |= {"crossMarginPairsData": [], "isolatedMarginPairsData": []}
    spot = spot_exchange.parse_market(sim.exchange_info("spot")["symbols"][0])
    assert spot["symbol"] == "BTC/USDT" and "LIMIT_MAKER" in spot["info"]["orderTypes"]


def test_ccxt_parses_position_as_one_way_short(sim: SimExchange) -> None:
    """ccxt reads the positionRisk row as a non-hedged short with our liquidation price."""
    row = _short_filled(sim)
    exchange = ccxt.binanceusdm()
    exchange.set_markets([exchange.parse_market(s) for s in sim.exchange_info("usdm")["symbols"]])
    parsed = exchange.parse_position_risk(row)
    assert parsed["side"] == "short" and parsed["hedged"] is False
    assert parsed["liquidationPrice"] == float(row["liquidationPrice"])


def test_premium_index_and_ticker_shapes(sim: SimExchange) -> None:
    """premiumIndex carries mark, index, rate, next funding time; spot ticker has bid/ask."""
    premium = sim.premium_index("BTCUSDT")
    assert premium["lastFundingRate"] == "0.00010000"
    assert premium["nextFundingTime"] > sim.now_ms() and premium["markPrice"] == "65000.00000000"
    ticker = sim.ticker_24h("spot", "BTCUSDT")
    assert D(ticker["bidPrice"]) < D(ticker["lastPrice"]) < D(ticker["askPrice"])
    assert "bidPrice" not in sim.ticker_24h("usdm", "BTCUSDT")


def test_unknown_order_codes(sim: SimExchange) -> None:
    """Querying an unknown order: -2013; cancelling one: -2011."""
    with pytest.raises(SimError) as query:
        sim.get_order(KEY, "usdm", "BTCUSDT", order_id=1)
    with pytest.raises(SimError) as cancel:
        sim.cancel_order(KEY, "usdm", "BTCUSDT", order_id=1)
    assert (query.value.code, cancel.value.code) == (-2013, -2011)


def test_state_is_json_and_deterministic_given_the_seed() -> None:
    """Two venues with the same seed, clock and calls produce identical state JSON."""

    def run() -> str:
        sim = SimExchange.with_default_account(seed=3, now_ms=lambda: 1_704_070_800_000)
        _spot_buy(sim)
        _short_filled(sim)
        sim.place_order(
            KEY,
            "usdm",
            "ETHUSDT",
            side="BUY",
            order_type="LIMIT",
            quantity=D("0.1"),
            price=D(2900),
            time_in_force="GTC",
        )
        return json.dumps(sim.state(), sort_keys=True)

    first = run()
    assert first == run()
    state = json.loads(first)
    assert set(state) == {
        "time",
        "accounts",
        "prices",
        "spot",
        "contracts",
        "listings",
        "quarterlyBasis",
    }
    assert {
        "balances",
        "coinm",
        "positions",
        "quarterlies",
        "deliveries",
        "openOrders",
        "fills",
        "transfers",
        "liquidations",
        "income",
        "coinmIncome",
    } <= set(state["accounts"][KEY])
    fill = state["accounts"][KEY]["fills"][0]
    assert {"type", "timeInForce", "reduceOnly", "clientOrderId"} <= set(fill)
