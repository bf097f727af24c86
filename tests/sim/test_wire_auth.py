"""Binance request authentication and the fault injector, without a running server."""

from __future__ import annotations

import asyncio
import time
from typing import Any

import ccxt.async_support as ccxt_async
import pytest

from bot.sim.auth import SignedRequest, sign, verify_signed
from bot.sim.errors import SimError
from bot.sim.faults import FaultConfig, Faults

SECRETS = {"sim-key": "sim-secret"}


def _ccxt_request(method: str, params: dict[str, str], secret: str = "sim-secret") -> Any:
    """What ccxt puts on the wire for a signed spot request (query for GET, body for POST)."""
    exchange = ccxt_async.binance({"apiKey": "sim-key", "secret": secret})
    return exchange.sign("order", ["private"], method, dict(params))  # opens no session


def _verify(request: Any, *, api_key: str = "sim-key", shift_ms: int = 0) -> SignedRequest:
    query = request["url"].partition("?")[2]
    return verify_signed(
        api_key=api_key,
        raw_query=query,
        raw_body=request["body"] or "",
        secret_for=SECRETS.get,
        wall_ms=time.time_ns() // 1_000_000 + shift_ms,
    )


@pytest.mark.parametrize("method", ["GET", "POST", "DELETE"])
def test_ccxt_signature_verifies_with_params_intact(method: str) -> None:
    """A request signed by real ccxt verifies, and its params decode exactly (incl. escapes)."""
    params = {"symbol": "BTCUSDT", "newClientOrderId": "x-a b/c+d", "quantity": "0.001"}
    signed = _verify(_ccxt_request(method, params))
    assert signed.api_key == "sim-key"
    assert {k: signed.params[k] for k in params} == params
    assert signed.params["recvWindow"] == "10000"


def test_tampered_body_fails_signature() -> None:
    """Changing any signed byte is -1022, HTTP 400."""
    request = _ccxt_request("POST", {"symbol": "BTCUSDT", "side": "BUY"})
    request["body"] = request["body"].replace("BUY", "SELL")
    with pytest.raises(SimError) as info:
        _verify(request)
    assert (info.value.code, info.value.http_status) == (-1022, 400)


def test_wrong_secret_fails_signature() -> None:
    """A signature made with another secret is -1022."""
    with pytest.raises(SimError) as info:
        _verify(_ccxt_request("GET", {"symbol": "BTCUSDT"}, secret="other"))
    assert info.value.code == -1022


@pytest.mark.parametrize(
    ("api_key", "code"), [("nobody", -2015), ("", -2014)], ids=["unknown", "missing"]
)
def test_unknown_or_missing_key_is_401(api_key: str, code: int) -> None:
    """An API key the venue does not know is rejected before anything else, with HTTP 401."""
    with pytest.raises(SimError) as info:
        _verify(_ccxt_request("GET", {"symbol": "BTCUSDT"}), api_key=api_key)
    assert (info.value.code, info.value.http_status) == (code, 401)


@pytest.mark.parametrize(
    ("shift_ms", "ok"),
    [(0, True), (9_000, True), (10_500, False), (-900, True), (-1_500, False)],
    ids=["now", "9s-old", "beyond-recvWindow", "slightly-ahead", "too-far-ahead"],
)
def test_timestamp_must_sit_inside_recv_window(shift_ms: int, ok: bool) -> None:
    """ccxt's timestamp may be up to recvWindow (10 s) old and at most 1 s ahead (-1021)."""
    request = _ccxt_request("GET", {"symbol": "BTCUSDT"})
    if ok:
        _verify(request, shift_ms=shift_ms)
        return
    with pytest.raises(SimError) as info:
        _verify(request, shift_ms=shift_ms)
    assert info.value.code == -1021


def test_missing_signature_is_mandatory_param() -> None:
    """A signed endpoint without `signature` is -1102."""
    now = time.time_ns() // 1_000_000
    with pytest.raises(SimError) as info:
        verify_signed(
            api_key="sim-key",
            raw_query=f"timestamp={now}",
            raw_body="",
            secret_for=SECRETS.get,
            wall_ms=now,
        )
    assert info.value.code == -1102


def test_default_recv_window_is_5s() -> None:
    """Without recvWindow, Binance's default of 5000 ms applies."""
    now = time.time_ns() // 1_000_000
    query = f"symbol=BTCUSDT&timestamp={now - 6000}"
    with pytest.raises(SimError) as info:
        verify_signed(
            api_key="sim-key",
            raw_query=f"{query}&signature={sign(query, 'sim-secret')}",
            raw_body="",
            secret_for=SECRETS.get,
            wall_ms=now,
        )
    assert info.value.code == -1021


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ({"latency_ms": -1}, "latency_ms"),
        ({"rate_limit_prob": 1.5}, "rate_limit_prob"),
        ({"error_5xx_prob": "0.5"}, "error_5xx_prob"),
        ({"stale_positions": 1}, "stale_positions"),
        ({"seed": "x"}, "seed"),
        ({"bogus": 1}, "bogus"),
    ],
)
def test_fault_config_rejects_bad_fields_by_name(payload: dict[str, Any], field: str) -> None:
    """Every invalid fault setting is refused with a message naming the field."""
    with pytest.raises(ValueError, match=field):
        FaultConfig.from_json(payload)


def test_faults_are_seeded_and_counted() -> None:
    """The same seed injects the same faults, and every injected fault is counted."""

    def run() -> tuple[list[bool], dict[str, int]]:
        faults = Faults(FaultConfig(rate_limit_prob=0.3, seed=7))
        rolls = [faults.rate_limited() for _ in range(200)]
        return rolls, faults.counters

    first, counters = run()
    second, _ = run()
    assert first == second
    assert counters["rate_limited"] == sum(first)
    assert 30 < sum(first) < 90


def test_cleared_faults_never_fire() -> None:
    """An empty config ({}) injects nothing."""
    faults = Faults(FaultConfig.from_json({}))
    assert not any(faults.rate_limited() or faults.error_5xx() for _ in range(100))
    assert faults.counters == {
        "rate_limited": 0,
        "errors_5xx": 0,
        "timeouts_after_accept": 0,
        "corrupted": 0,
    }


async def test_release_wakes_a_held_response() -> None:
    """A timed-out-after-accept response is released at shutdown instead of hanging it."""
    faults = Faults(hang_s=30)
    waiter = asyncio.create_task(faults.hang())
    await asyncio.sleep(0)
    faults.release()
    await asyncio.wait_for(waiter, 1)
