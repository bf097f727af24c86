"""Simulator responses have the shape of the real Binance responses recorded in ccxt's fixtures.

For each recorded call we make the same raw call (ccxt's implicit API methods return the
venue's JSON untouched) and compare, recursively, that every recorded key is present with the
same kind of value (string / number / bool / list / object). Extra keys are allowed.

One documented leniency: where the recording holds an integer as a string ("orderId":
"9780331417", "updateTime": "0") the simulator may send a JSON integer. ccxt's fixture
recorder stringified some integers; the same fields are integers in other recordings of the
same endpoint (createOrders swap: "orderId": 4087922044, "updateTime": 1739781831932) and in
Binance's API documentation.
"""

from __future__ import annotations

import json
import re
from collections.abc import AsyncIterator, Awaitable, Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.exchange.sim_client import make_sim_exchange
from bot.sim.server import RunningSim, start

FIXTURES = Path(__file__).resolve().parents[3] / "shared" / "exchange-fixtures"
RESPONSES = FIXTURES / "binance.response.json"

pytestmark = pytest.mark.skipif(not RESPONSES.exists(), reason=f"{RESPONSES} not present")

_INT_TEXT = re.compile(r"^-?\d+$")


def _kind(value: Any) -> str:
    if isinstance(value, bool):
        return "bool"
    if isinstance(value, int | float):
        return "number"
    return {str: "str", list: "list", dict: "dict", type(None): "null"}[type(value)]


def shape_differences(recorded: Any, ours: Any, path: str = "$") -> list[str]:
    """Where `ours` lacks a recorded key or holds another kind of value (empty = same shape)."""
    kind, our_kind = _kind(recorded), _kind(ours)
    if kind == "str" and our_kind == "number" and _INT_TEXT.match(recorded):
        return []  # stringified integer in the recording (see module docstring)
    if kind != our_kind:
        return [f"{path}: recorded {kind} {recorded!r}, simulator {our_kind} {ours!r}"]
    if kind == "dict":
        missing = [f"{path}.{k}: missing" for k in recorded if k not in ours]
        nested = [
            d
            for k in recorded
            if k in ours
            for d in shape_differences(recorded[k], ours[k], f"{path}.{k}")
        ]
        return missing + nested
    if kind == "list" and recorded and ours:
        return shape_differences(recorded[0], ours[0], f"{path}[0]")
    return []


def _recorded(method: str, description: str) -> Any:
    data = json.loads(RESPONSES.read_text())
    [case] = [c for c in data["methods"][method] if c["description"] == description]
    return case["httpResponse"]


@pytest.fixture
async def sim() -> AsyncIterator[RunningSim]:
    running = await start(port=0, feed=False)
    yield running
    await running.stop()


@pytest.fixture
async def clients(sim: RunningSim) -> AsyncIterator[tuple[Any, Any]]:
    spot = make_sim_exchange("binance", sim.url)
    usdm = make_sim_exchange("binanceusdm", sim.url)
    yield spot, usdm
    await spot.close()
    await usdm.close()


Call = Callable[[Any, Any], Awaitable[Any]]


async def _spot_limit(spot: Any, _: Any) -> Any:
    return await spot.privatePostOrder(
        {"symbol": "SOLUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
         "quantity": "0.05", "price": "141", "newOrderRespType": "FULL"}
    )  # fmt: skip


async def _spot_closed_order(spot: Any, _: Any) -> Any:
    placed = await spot.privatePostOrder(
        {"symbol": "ETHUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.1"}
    )
    return await spot.privateGetOrder({"symbol": "ETHUSDT", "orderId": placed["orderId"]})


async def _spot_open_orders(spot: Any, _: Any) -> Any:
    await spot.privatePostOrder(
        {
            "symbol": "ETHUSDT",
            "side": "BUY",
            "type": "LIMIT_MAKER",
            "quantity": "0.2",
            "price": "2000",
        }
    )
    return await spot.privateGetOpenOrders({"symbol": "ETHUSDT"})


async def _spot_all_orders(spot: Any, _: Any) -> Any:
    placed = await spot.privatePostOrder(
        {"symbol": "ETHUSDT", "side": "BUY", "type": "LIMIT", "timeInForce": "GTC",
         "quantity": "0.1", "price": "2000"}
    )  # fmt: skip
    await spot.privateDeleteOrder({"symbol": "ETHUSDT", "orderId": placed["orderId"]})
    return await spot.privateGetAllOrders({"symbol": "ETHUSDT"})


async def _spot_trades(spot: Any, _: Any) -> Any:
    await spot.privatePostOrder(
        {"symbol": "SOLUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.2"}
    )
    return await spot.privateGetMyTrades({"symbol": "SOLUSDT"})


async def _swap_limit(_: Any, usdm: Any) -> Any:
    return await usdm.fapiPrivatePostOrder(
        {"symbol": "BTCUSDT", "side": "SELL", "type": "LIMIT", "timeInForce": "GTC",
         "quantity": "0.2", "price": "70001", "newOrderRespType": "RESULT"}
    )  # fmt: skip


async def _swap_open_order(_: Any, usdm: Any) -> Any:
    placed = await _swap_limit(_, usdm)
    return await usdm.fapiPrivateGetOpenOrder({"symbol": "BTCUSDT", "orderId": placed["orderId"]})


async def _swap_short(usdm: Any) -> None:
    await usdm.fapiPrivatePostOrder(
        {"symbol": "BTCUSDT", "side": "SELL", "type": "MARKET", "quantity": "0.009"}
    )


async def _swap_positions(_: Any, usdm: Any) -> Any:
    await _swap_short(usdm)
    return await usdm.fapiPrivateV3GetPositionRisk()


async def _swap_account(_: Any, usdm: Any) -> Any:
    await _swap_short(usdm)
    return await usdm.fapiPrivateV3GetAccount()


async def _swap_account_v2(_: Any, usdm: Any) -> Any:
    return await usdm.fapiPrivateV2GetAccount()


async def _swap_trades(_: Any, usdm: Any) -> Any:
    await _swap_short(usdm)
    return await usdm.fapiPrivateGetUserTrades({"symbol": "BTCUSDT"})


BOOK = {"symbol": "BTCUSDT", "limit": 5}
ONE = {"symbol": "BTCUSDT"}

CASES: list[tuple[str, str, Call]] = [
    ("createOrder", "spot +selfTradePrevention +iceberg", _spot_limit),
    ("createOrders", "create swap orders", _swap_limit),
    ("fetchOrder", "Fetch spot closed order", _spot_closed_order),
    ("fetchOpenOrders", "Fetch spot open orders", _spot_open_orders),
    ("fetchOrders", "fetch spot orders", _spot_all_orders),
    ("fetchOpenOrder", "swap open order", _swap_open_order),
    ("fetchPositions", "Fetch linear positions without symbols", _swap_positions),
    ("fetchPositions", "Fetch linear positions using account endnpoint", _swap_account),
    ("fetchMyTrades", "Spot private trade", _spot_trades),
    ("fetchMyTrades", "Swap private trade", _swap_trades),
    ("fetchBalance", "Spot balance", lambda spot, _: spot.privateGetAccount()),
    ("fetchBalance", "Linear swap balance", _swap_account_v2),
    ("fetchOrderBook", "spot orderbook", lambda spot, _: spot.publicGetDepth(BOOK)),
    ("fetchOrderBook", "swap orderbook", lambda _, usdm: usdm.fapiPublicGetDepth(BOOK)),
    ("fetchTicker", "public spot ticker", lambda spot, _: spot.publicGetTicker24hr(ONE)),
]  # fmt: skip

# Recorded keys the simulator deliberately does not send, and why.
NOT_REPRODUCED = {
    # an iceberg order's own field; the simulator has no iceberg orders
    ("createOrder", "spot +selfTradePrevention +iceberg"): {"$.icebergQty"},
    # the recording is a list of per-order results from /fapi/v1/batchOrders (not simulated);
    # we compare it with a single /fapi/v1/order, whose shape each element has
}


@pytest.mark.parametrize(
    ("method", "description", "call"), CASES, ids=[f"{m}: {d}" for m, d, _ in CASES]
)
async def test_simulator_response_has_the_recorded_shape(
    clients: tuple[Any, Any], method: str, description: str, call: Call
) -> None:
    """Every recorded key is present with the same kind of value (strings for decimals)."""
    recorded = _recorded(method, description)
    ours = await call(*clients)
    if isinstance(recorded, list) and not isinstance(ours, list):
        recorded = recorded[0]  # batch recording vs single-order response
    allowed = {f"{p}: missing" for p in NOT_REPRODUCED.get((method, description), set())}
    differences = [d for d in shape_differences(recorded, ours) if d not in allowed]
    assert differences == []


def test_shape_comparison_catches_differences() -> None:
    """The comparator flags a missing key and a number sent where a string was recorded."""
    recorded = {"price": "1.0", "orderId": "12", "fills": [{"qty": "1"}]}
    assert shape_differences(recorded, {"price": "2", "orderId": 12, "fills": [{"qty": "3"}]}) == []
    assert shape_differences(recorded, {"price": 2.0, "orderId": 12, "fills": [{}]}) == [
        "$.price: recorded str '1.0', simulator number 2.0",
        "$.fills[0].qty: missing",
    ]


# --- COIN-M (/dapi) against the recorded inverse responses, and whole listings against the
# complete 2021 USDⓈ-M exchangeInfo (quarterly and multiplied-contract entries included).

LISTING = FIXTURES / "binanceusdm.exchangeInfo.2021-09-06.json"


@pytest.fixture
async def coinm(sim: RunningSim) -> AsyncIterator[Any]:
    """binancecoinm for the default key with 1 BTC on COIN-M and a short of 300 BTCUSD_PERP."""
    sim.engine.set_balance("sim-key", "coinm", "BTC", Decimal(1))
    exchange = make_sim_exchange("binancecoinm", sim.url)
    await exchange.dapiPrivatePostOrder(
        {"symbol": "BTCUSD_PERP", "side": "SELL", "type": "MARKET", "quantity": "300"}
    )
    yield exchange
    await exchange.close()


INDEX_KLINES = {"pair": "BTCUSD", "interval": "1d"}
INVERSE: list[tuple[str, str, str, dict[str, str]]] = [
    ("fetchPositions", "inverse positions", "dapiPrivateGetPositionRisk", {}),
    ("fetchMarginMode", "inverse swap fetch margin mode", "dapiPrivateGetAccount", {}),
    ("fetchOHLCV", "inverse index price", "dapiPublicGetIndexPriceKlines", INDEX_KLINES),
]


@pytest.mark.parametrize(
    ("method", "description", "call", "params"), INVERSE, ids=[c[1] for c in INVERSE]
)
async def test_coinm_response_has_the_recorded_shape(
    coinm: Any, method: str, description: str, call: str, params: dict[str, str]
) -> None:
    """/dapi positionRisk, account and index klines carry every recorded key (kline: every
    field) with its recorded kind."""
    recorded = _recorded(method, description)
    ours = await getattr(coinm, call)(params)
    assert shape_differences(recorded, ours) == []
    if method == "fetchOHLCV":
        assert [_kind(v) for v in recorded[0]] == [_kind(v) for v in ours[0]]


def _recorded_listing() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(LISTING.read_text())
    return data


@pytest.mark.skipif(not LISTING.exists(), reason=f"{LISTING} not present")
@pytest.mark.parametrize(
    ("recorded_symbol", "pick"),
    [
        ("BTCUSDT", lambda s: s == "BTCUSDT"),
        ("BTCUSDT_210924", lambda s: s.startswith("BTCUSDT_")),
        ("1000SHIBUSDT", lambda s: s == "1000PEPEUSDT"),
    ],
    ids=["perpetual", "quarterly", "multiplied contract"],
)
async def test_usdm_listing_entries_have_the_recorded_shape(
    clients: tuple[Any, Any], recorded_symbol: str, pick: Callable[[str], bool]
) -> None:
    """A served /fapi/v1/exchangeInfo symbol (perpetual, quarterly, 1000PEPEUSDT) has every key
    of the recorded one (BTCUSDT, BTCUSDT_210924, 1000SHIBUSDT) with the same kind of value,
    and the document itself the recorded top-level keys."""
    recorded = _recorded_listing()
    ours = await clients[1].fapiPublicGetExchangeInfo()
    [entry] = [s for s in recorded["symbols"] if s["symbol"] == recorded_symbol]
    mine = next(s for s in ours["symbols"] if pick(s["symbol"]))
    assert shape_differences(entry, mine) == []
    top = {k: v for k, v in recorded.items() if k != "symbols"}
    assert shape_differences(top, {k: v for k, v in ours.items() if k != "symbols"}) == []
    assert {f["filterType"] for f in entry["filters"]} == {f["filterType"] for f in mine["filters"]}
