"""The HTTP API over real HTTP: health, metrics, status, and the token-guarded controls."""

from __future__ import annotations

from typing import Any

import aiohttp
import pytest
import structlog
from prometheus_client.parser import text_string_to_metric_families

from bot.api.metrics import Metrics
from bot.api.ports import Health
from bot.api.server import ApiHandle


async def _get(url: str) -> tuple[int, str, str]:
    async with aiohttp.ClientSession() as session, session.get(url) as response:
        return response.status, response.headers["Content-Type"], await response.text()


async def _post(
    url: str, *, json: Any = None, token: str | None = None, data: str | None = None
) -> tuple[int, Any]:
    headers = {"Authorization": f"Bearer {token}"} if token is not None else {}
    async with (
        aiohttp.ClientSession() as session,
        session.post(url, json=json, data=data, headers=headers) as response,
    ):
        return response.status, await response.json()


async def test_healthz_ok_when_last_cycle_recent(api: ApiHandle) -> None:
    """A recent successful cycle gives 200 with ok=true and the cycle's age."""
    async with aiohttp.ClientSession() as session, session.get(f"{api.url}/healthz") as r:
        body = await r.json()
    assert r.status == 200
    assert body["ok"] is True
    assert body["age_s"] == pytest.approx(5)


@pytest.mark.parametrize(
    ("ok", "reason", "cycle_age_s", "reason_part"),
    [
        (True, "", None, "no successful hedge cycle yet"),
        (True, "", 600, "600 s ago"),
        (False, "all breakers open", 0, "all breakers open"),
    ],
)
async def test_healthz_503_with_reason(
    metrics: Metrics,
    serve: Any,
    fake_engine_class: Any,
    now: float,
    ok: bool,
    reason: str,
    cycle_age_s: float | None,
    reason_part: str,
) -> None:
    """No cycle yet, a stale last cycle, or an engine-reported problem give 503 and say why."""
    last = None if cycle_age_s is None else now - cycle_age_s
    health = Health(ok=ok, reason=reason, last_cycle_ok_at=last)
    handle = await serve(fake_engine_class(health=health), metrics)
    async with aiohttp.ClientSession() as s, s.get(f"{handle.url}/healthz") as r:
        body = await r.json()
    assert r.status == 503
    assert body["ok"] is False
    assert reason_part in body["reason"]


async def test_metrics_exposes_every_documented_name(api: ApiHandle, metrics: Metrics) -> None:
    """/metrics serves Prometheus text with the names dashboards and alert rules rely on."""
    metrics.set_hedge("BTC", ratio=0.98, target=1, margin_ratio=0.1, liquidation_distance=0.4,
                      spot=5, perp_contracts=-4.9)  # fmt: skip
    metrics.count_order("BTC", "placed")
    metrics.count_error("main", "network")
    metrics.observe_cycle(0.2)
    status, content_type, text = await _get(f"{api.url}/metrics")
    assert status == 200
    assert content_type.startswith("text/plain") and "version=0.0.4" in content_type
    names = {f.name for f in text_string_to_metric_families(text)}
    for name in ("hedgebot_hedge_ratio", "hedgebot_target_ratio", "hedgebot_margin_ratio",
                 "hedgebot_liquidation_distance", "hedgebot_orders", "hedgebot_errors",
                 "hedgebot_cycle_duration_seconds"):  # fmt: skip
        assert name in names, name
    assert 'hedgebot_orders_total{hedge="BTC",kind="placed"} 1.0' in text


async def test_status_serves_the_engine_view_as_json(api: ApiHandle) -> None:
    """/status is the engine's document as JSON, Decimals as exact strings."""
    async with aiohttp.ClientSession() as session, session.get(f"{api.url}/status") as r:
        body = await r.json()
    assert r.status == 200
    assert body["hedges"]["BTC"]["ratio"] == "0.98"
    assert body["hedges"]["BTC"]["open_orders"][0]["price"] == "60010.5"
    assert body["hedges"]["ETH"]["paused"] is True


@pytest.mark.parametrize("action", ["pause", "resume"])
@pytest.mark.parametrize("token", [None, "wrong", ""])
async def test_controls_refuse_missing_or_wrong_token(
    api: ApiHandle, engine: Any, action: str, token: str | None
) -> None:
    """Without the right bearer token pause/resume answer 401 and do nothing."""
    status, body = await _post(f"{api.url}/{action}", json={"hedge": "BTC"}, token=token)
    assert status == 401
    assert body["ok"] is False
    assert engine.calls == []


async def test_controls_disabled_without_configured_token(
    engine: Any, metrics: Metrics, serve: Any
) -> None:
    """With no token configured the controls answer 403 and say to set HEDGEBOT_API_TOKEN."""
    handle = await serve(engine, metrics, token=None)
    status, body = await _post(f"{handle.url}/pause", json={}, token="anything")
    assert status == 403
    assert "HEDGEBOT_API_TOKEN" in body["error"]
    assert engine.calls == []


@pytest.mark.parametrize(
    ("action", "payload", "expected"),
    [
        ("pause", {"hedge": "BTC"}, ("pause", "BTC")),
        ("resume", {"hedge": "ETH"}, ("resume", "ETH")),
        ("pause", {}, ("pause", None)),
        ("resume", None, ("resume", None)),
    ],
)
async def test_controls_act_with_token(
    api: ApiHandle,
    engine: Any,
    api_token: str,
    action: str,
    payload: Any,
    expected: tuple[str, Any],
) -> None:
    """With the token, pause/resume reach the engine for one hedge or (no body) for all."""
    status, body = await _post(f"{api.url}/{action}", json=payload, token=api_token)
    assert status == 200
    assert body == {"ok": True, "action": expected[0], "hedge": expected[1]}
    assert engine.calls == [expected]


async def test_unknown_hedge_is_404_naming_it(api: ApiHandle, api_token: str) -> None:
    """Pausing a hedge the daemon does not manage is a 404 naming it and the known ones."""
    status, body = await _post(f"{api.url}/pause", json={"hedge": "DOGE"}, token=api_token)
    assert status == 404
    assert "DOGE" in body["error"]
    assert body["hedges"] == ["BTC", "ETH"]


@pytest.mark.parametrize("data", ["{not json", '{"hedge": 3}'])
async def test_bad_body_is_400(api: ApiHandle, engine: Any, api_token: str, data: str) -> None:
    """A body that is not {"hedge": "<name>"} is a 400, not a traceback."""
    status, body = await _post(f"{api.url}/pause", data=data, token=api_token)
    assert status == 400
    assert body["ok"] is False
    assert engine.calls == []


async def test_token_never_logged(api: ApiHandle, api_token: str) -> None:
    """Neither accepted nor refused control requests put the token in a log line."""
    with structlog.testing.capture_logs() as logs:
        await _post(f"{api.url}/pause", json={"hedge": "BTC"}, token=api_token)
        await _post(f"{api.url}/resume", json={}, token=api_token + "x")
    assert logs, "control requests are logged"
    assert api_token not in repr(logs)


async def test_engine_failure_is_json_500(
    metrics: Metrics, serve: Any, fake_engine_class: Any
) -> None:
    """An exception in the engine's view becomes a JSON 500 naming only the error type."""

    class Broken(fake_engine_class):  # type: ignore[misc]
        def status(self) -> Any:
            raise RuntimeError("boom")

    handle = await serve(Broken(), metrics)
    async with aiohttp.ClientSession() as s, s.get(f"{handle.url}/status") as r:
        body = await r.json()
    assert r.status == 500
    assert "RuntimeError" in body["error"]


async def test_handle_url_reports_the_bound_port(api: ApiHandle) -> None:
    """Port 0 binds a free port and the handle's url names the real one on loopback."""
    assert api.port != 0
    assert api.url == f"http://127.0.0.1:{api.port}"
