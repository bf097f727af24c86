"""Bybit v5 signing and error translation as pure functions (no server)."""

from __future__ import annotations

import json

import pytest

from bot.sim.auth import sign
from bot.sim.bybit_auth import bybit_payload, verify_bybit
from bot.sim.bybit_errors import BybitCode, to_bybit
from bot.sim.errors import (
    SimError,
    insufficient_margin,
    invalid_symbol,
    min_notional,
    reduce_only_rejected,
    unknown_order_cancel,
)

KEY, SECRET, NOW = "k", "s", 1_700_000_000_000


def _headers(payload: str, ts: int = NOW, secret: str = SECRET) -> dict[str, str]:
    signature = sign(bybit_payload(str(ts), KEY, "5000", payload), secret)
    return {
        "X-BAPI-API-KEY": KEY,
        "X-BAPI-TIMESTAMP": str(ts),
        "X-BAPI-RECV-WINDOW": "5000",
        "X-BAPI-SIGN": signature,
    }


def _verify(
    headers: dict[str, str], method: str = "GET", query: str = "", body: str = ""
) -> object:
    return verify_bybit(
        headers=headers,
        method=method,
        raw_query=query,
        raw_body=body,
        secret_for={KEY: SECRET}.get,
        wall_ms=NOW,
    )


def test_get_signs_the_query_and_post_the_json_body() -> None:
    """GET signs timestamp+key+recvWindow+query; POST the raw JSON body, values as strings."""
    query = "category=linear&symbol=BTCUSDT"
    assert _verify(_headers(query), query=query).params == {
        "category": "linear",
        "symbol": "BTCUSDT",
    }
    body = json.dumps({"category": "linear", "qty": "0.1", "reduceOnly": True, "positionIdx": 0})
    signed = _verify(_headers(body), "POST", body=body)
    assert signed.params == {
        "category": "linear",
        "qty": "0.1",
        "reduceOnly": "true",
        "positionIdx": "0",
    }


@pytest.mark.parametrize(
    ("headers", "code"),
    [
        (_headers("a=1", secret="other"), BybitCode.SIGN),
        ({**_headers("a=1"), "X-BAPI-API-KEY": "nobody"}, BybitCode.API_KEY),
        ({}, BybitCode.API_KEY),
        (_headers("a=1", ts=NOW - 6000), BybitCode.TIMESTAMP),
        (_headers("a=1", ts=NOW + 1500), BybitCode.TIMESTAMP),
    ],
    ids=["bad-sign", "unknown-key", "no-headers", "stale", "ahead"],
)
def test_authentication_failures_are_bybit_codes(headers: dict[str, str], code: int) -> None:
    """Wrong secret 10004, unknown or missing key 10003, outside recvWindow 10002."""
    with pytest.raises(SimError) as raised:
        _verify(headers, query="a=1")
    assert raised.value.code == code


@pytest.mark.parametrize(
    ("engine_error", "code"),
    [
        (insufficient_margin(), 110007),
        (reduce_only_rejected(), 110017),
        (min_notional("100"), 110094),
        (unknown_order_cancel(), 110001),
        (invalid_symbol(), 10001),
        (SimError(-1102, "Mandatory parameter 'qty' was not sent"), 10001),
        (SimError(110043, "leverage not modified"), 110043),
    ],
)
def test_engine_rejections_translate_to_bybit_codes(engine_error: SimError, code: int) -> None:
    """The engine's Binance codes become Bybit's, sent with HTTP 200 like Bybit's replies."""
    bybit = to_bybit(engine_error)
    assert (bybit.code, bybit.http_status) == (code, 200)
