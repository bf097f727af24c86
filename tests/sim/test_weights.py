"""Binance's request weight per endpoint, as the simulator counts it (`bot.sim.weights`)."""

from __future__ import annotations

import pytest

from bot.sim.weights import family_of, weight_of

CASES = [
    ("GET", "/fapi/v1/openOrders", {"symbol": "BTCUSDT"}, 1),
    ("GET", "/fapi/v1/openOrders", {}, 40),
    ("GET", "/fapi/v1/ticker/bookTicker", {"symbol": "BTCUSDT"}, 2),
    ("GET", "/fapi/v1/ticker/bookTicker", {}, 5),
    ("GET", "/fapi/v1/premiumIndex", {"symbol": "BTCUSDT"}, 1),
    ("GET", "/fapi/v1/premiumIndex", {}, 10),
    ("GET", "/fapi/v3/positionRisk", {}, 5),
    ("GET", "/fapi/v2/positionRisk", {"symbol": "BTCUSDT"}, 5),
    ("GET", "/fapi/v3/account", {}, 5),
    ("GET", "/fapi/v1/leverageBracket", {}, 1),
    ("GET", "/fapi/v1/userTrades", {"symbol": "BTCUSDT"}, 5),
    ("GET", "/fapi/v1/income", {}, 30),
    ("GET", "/fapi/v1/depth", {"symbol": "BTCUSDT", "limit": "5"}, 2),
    ("GET", "/fapi/v1/depth", {"symbol": "BTCUSDT", "limit": "100"}, 5),
    ("GET", "/fapi/v1/depth", {"symbol": "BTCUSDT"}, 10),  # default limit 500
    ("GET", "/fapi/v1/depth", {"symbol": "BTCUSDT", "limit": "1000"}, 20),
    ("GET", "/fapi/v1/klines", {"limit": "1500"}, 10),
    ("POST", "/fapi/v1/order", {}, 0),
    ("DELETE", "/fapi/v1/order", {}, 1),
    ("GET", "/dapi/v1/premiumIndex", {}, 10),
    ("GET", "/dapi/v1/openOrders", {}, 5),
    ("GET", "/api/v3/ticker/bookTicker", {}, 4),
    ("GET", "/api/v3/exchangeInfo", {}, 20),
    ("GET", "/api/v3/account", {}, 20),
    ("GET", "/api/v3/depth", {"symbol": "BTCUSDT"}, 5),
    ("GET", "/api/v3/depth", {"symbol": "BTCUSDT", "limit": "5000"}, 250),
    ("GET", "/api/v3/openOrders", {}, 80),
    ("POST", "/sapi/v1/asset/transfer", {}, 1),
    ("GET", "/fapi/v1/notServedHere", {}, 1),
]


@pytest.mark.parametrize(("method", "path", "params", "weight"), CASES)
def test_weight_of_each_endpoint(
    method: str, path: str, params: dict[str, str], weight: int
) -> None:
    """Each call weighs what Binance documents (ccxt's cost table): all-symbol reads cost
    more than one symbol's, depth by its limit, a futures order 0, anything unlisted 1."""
    assert weight_of(method, path, params) == weight


@pytest.mark.parametrize(
    ("path", "family"),
    [
        ("/api/v3/order", "api"),
        ("/sapi/v1/asset/transfer", "api"),
        ("/fapi/v3/positionRisk", "fapi"),
        ("/dapi/v1/order", "dapi"),
        ("/sim/state", None),
    ],
)
def test_family_of_a_path(path: str, family: str | None) -> None:
    """Spot (/api, /sapi), USDⓈ-M and COIN-M spend separate budgets; /sim/* spends none."""
    assert family_of(path) == family
