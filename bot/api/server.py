"""The daemon's HTTP API (aiohttp): /healthz, /metrics, /status, POST /pause, /resume and
/tranche, and the dashboard: / with its /static files, /history, /alerts and /controls.

Reads go through `StatusSource`, writes through `Controls` (bot/api/ports.py). Mutating
endpoints need `Authorization: Bearer <token>`; with no token configured they are disabled
(403), so a daemon is never controllable by accident. The token is never logged. A browser's
cross-site request is refused before the token is checked, and every answer carries a strict
Content-Security-Policy (bot/api/security.py).
"""

from __future__ import annotations

import hmac
import json
import time
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass
from ipaddress import ip_address
from typing import Any

import structlog
from aiohttp import web

from bot.api.alerts import AlertSource, add_alert_routes
from bot.api.dashboard import add_dashboard_routes
from bot.api.history import HistorySource, add_history_routes
from bot.api.host_check import host_check
from bot.api.jsonio import error_response as _error
from bot.api.jsonio import json_response as _json
from bot.api.metrics import CONTENT_TYPE, Metrics
from bot.api.ports import Controls, StatusSource
from bot.api.security import add_security_headers, same_origin_only

__all__ = [
    "DEFAULT_HOST",
    "DEFAULT_PORT",
    "DEFAULT_STALE_AFTER_S",
    "ApiHandle",
    "build_api",
    "start_api",
]

DEFAULT_HOST = "127.0.0.1"
DEFAULT_PORT = 8080
DEFAULT_STALE_AFTER_S = 120.0
TOKEN_ENV = "HEDGEBOT_API_TOKEN"

log = structlog.get_logger("bot.api")

_SOURCE = web.AppKey("source", StatusSource)
_CONTROLS = web.AppKey("controls", Controls)
_METRICS = web.AppKey("metrics", Metrics)

Handler = Callable[[web.Request], Awaitable[web.StreamResponse]]


@dataclass(frozen=True)
class _Settings:
    token: str | None
    stale_after_s: float
    clock: Callable[[], float]

    def __repr__(self) -> str:  # the token must never reach a log line or a traceback
        return f"_Settings(token={'***' if self.token else None}, stale={self.stale_after_s})"


_SETTINGS = web.AppKey("settings", _Settings)


@web.middleware
async def _errors_as_json(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Unexpected failures in the engine's view become a JSON 500, logged once."""
    try:
        return await handler(request)
    except web.HTTPException:
        raise
    except Exception as exc:
        log.exception("api.error", path=request.path, error=type(exc).__name__)
        return _error(500, f"internal error ({type(exc).__name__}); see the daemon's log")


async def _healthz(request: web.Request) -> web.Response:
    settings = request.app[_SETTINGS]
    health = request.app[_SOURCE].health()
    now = settings.clock()
    last = health.last_cycle_ok_at
    age = None if last is None else max(0.0, now - last)
    body: dict[str, Any] = {
        "ok": False,
        "reason": health.reason,
        "last_cycle_ok_at": last,
        "age_s": None if age is None else round(age, 3),
        "stale_after_s": settings.stale_after_s,
        "details": dict(health.details),
    }
    if not health.ok:
        body["reason"] = health.reason or "the engine reports itself unhealthy"
    elif age is None:
        body["reason"] = "no successful hedge cycle yet"
    elif age > settings.stale_after_s:
        body["reason"] = (
            f"last successful hedge cycle was {age:.0f} s ago "
            f"(more than {settings.stale_after_s:.0f} s)"
        )
    else:
        body["ok"] = True
        body["reason"] = health.reason or "ok"
    return _json(body, status=200 if body["ok"] else 503)


async def _metrics(request: web.Request) -> web.Response:
    body = request.app[_METRICS].render()
    return web.Response(body=body, headers={"Content-Type": CONTENT_TYPE})


async def _status(request: web.Request) -> web.Response:
    return _json(request.app[_SOURCE].status())


def _authorize(request: web.Request) -> web.Response | None:
    """None when the request carries the configured bearer token, else the refusal."""
    token = request.app[_SETTINGS].token
    if not token:
        return _error(
            403,
            f"pause/resume are disabled: set {TOKEN_ENV} in the daemon's environment "
            "and restart it",
        )
    scheme, _, given = request.headers.get("Authorization", "").partition(" ")
    if scheme.lower() != "bearer" or not given:
        return _error(401, f"missing bearer token: send 'Authorization: Bearer ${TOKEN_ENV}'")
    if not hmac.compare_digest(given.strip().encode(), token.encode()):
        return _error(401, f"wrong bearer token: use the daemon's {TOKEN_ENV}")
    return None


def _bad_request(message: str) -> web.HTTPBadRequest:
    return web.HTTPBadRequest(
        text=json.dumps({"ok": False, "error": message}), content_type="application/json"
    )


async def _read_hedge(request: web.Request) -> str | None:
    """The optional {"hedge": "BTC"} body; an empty body means every hedge."""
    raw = await request.text()
    if not raw.strip():
        return None
    try:
        body = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise _bad_request(f"body is not JSON: {exc.msg}") from None
    hedge = body.get("hedge") if isinstance(body, dict) else body
    if hedge is not None and not isinstance(hedge, str):
        raise _bad_request('body must be {"hedge": "<name>"} or {} for every hedge')
    return hedge


def _control(action: str) -> Handler:
    async def handler(request: web.Request) -> web.Response:
        refusal = _authorize(request)
        if refusal is not None:
            log.warning("api.refused", action=action, status=refusal.status, peer=request.remote)
            return refusal
        hedge = await _read_hedge(request)
        controls = request.app[_CONTROLS]
        try:
            (controls.pause if action == "pause" else controls.resume)(hedge)
        except KeyError:
            known = sorted(request.app[_SOURCE].status().get("hedges", {}) or {})
            return _error(404, f"unknown hedge {hedge!r}", hedges=known)
        log.info(f"api.{action}", hedge=hedge or "*", peer=request.remote)
        return _json({"ok": True, "action": action, "hedge": hedge})

    return handler


def _tranche_body(raw: str) -> tuple[str, int | None]:
    """The {"hedge": "BTC", "tranche": 3} body of POST /tranche ("tranche" optional)."""
    try:
        body = json.loads(raw) if raw.strip() else {}
    except json.JSONDecodeError as exc:
        raise _bad_request(f"body is not JSON: {exc.msg}") from None
    hedge = body.get("hedge") if isinstance(body, dict) else None
    number = body.get("tranche") if isinstance(body, dict) else None
    if not isinstance(hedge, str) or not hedge:
        raise _bad_request('body must be {"hedge": "<name>"} with an optional "tranche": N')
    if number is not None and (not isinstance(number, int) or isinstance(number, bool)):
        raise _bad_request(f"tranche {number!r} is not a whole number (1 is the first)")
    return hedge, number


async def _tranche(request: web.Request) -> web.Response:
    """Arm a manual tranche (same token and same-origin rule as /pause)."""
    refusal = _authorize(request)
    if refusal is not None:
        log.warning("api.refused", action="tranche", status=refusal.status, peer=request.remote)
        return refusal
    hedge, number = _tranche_body(await request.text())
    try:
        armed = request.app[_CONTROLS].arm_tranche(hedge, number)
    except KeyError:
        known = sorted(request.app[_SOURCE].status().get("hedges", {}) or {})
        return _error(404, f"unknown hedge {hedge!r}", hedges=known)
    except ValueError as exc:
        return _error(409, str(exc))
    log.info("api.tranche", hedge=hedge, detail=armed, peer=request.remote)
    return _json({"ok": True, "action": "tranche", "hedge": hedge, "armed": armed})


def build_api(
    source: StatusSource,
    controls: Controls,
    metrics: Metrics,
    *,
    token: str | None,
    stale_after_s: float = DEFAULT_STALE_AFTER_S,
    clock: Callable[[], float] = time.time,
    history: HistorySource | None = None,
    alerts: AlertSource | None = None,
    hosts: Sequence[str] = (),
) -> web.Application:
    """The aiohttp app. `token` comes from $HEDGEBOT_API_TOKEN (None/"" disables writes).

    stale_after_s: /healthz turns 503 when the last successful cycle is older than this
    (seconds; a few poll intervals is sensible). clock: epoch seconds, injectable for tests.
    history: the journal's read-only queries behind /history (None: /history answers 503).
    alerts: the recent-alerts feed behind /alerts (None: an empty list, "recorded": false).
    hosts: the host names a browser may use besides IP literals and localhost (the bind
    address and `api.allowed_hosts`; DNS-rebinding protection, see `host_check`).
    """
    middlewares = [_errors_as_json, host_check(hosts), same_origin_only]
    app = web.Application(middlewares=middlewares)
    app.on_response_prepare.append(add_security_headers)
    app[_SOURCE] = source
    app[_CONTROLS] = controls
    app[_METRICS] = metrics
    app[_SETTINGS] = _Settings(token=token or None, stale_after_s=stale_after_s, clock=clock)
    app.router.add_get("/healthz", _healthz)
    app.router.add_get("/metrics", _metrics)
    app.router.add_get("/status", _status)
    app.router.add_post("/pause", _control("pause"))
    app.router.add_post("/resume", _control("resume"))
    app.router.add_post("/tranche", _tranche)
    add_dashboard_routes(app, writes_enabled=bool(token))
    add_history_routes(app, history, hedges=lambda: _hedge_names(source), clock=clock)
    add_alert_routes(app, alerts)
    return app


def _hedge_names(source: StatusSource) -> list[str]:
    return list(source.status().get("hedges") or {})


@dataclass
class ApiHandle:
    """A running API server: `url` (e.g. http://127.0.0.1:8080) and `stop()`."""

    runner: web.AppRunner
    host: str
    port: int

    @property
    def url(self) -> str:
        host = f"[{self.host}]" if ":" in self.host else self.host
        return f"http://{host}:{self.port}"

    async def stop(self) -> None:
        """Stop accepting requests and close open connections."""
        await self.runner.cleanup()


def _is_loopback(host: str) -> bool:
    try:
        return ip_address(host).is_loopback
    except ValueError:
        return host == "localhost"


async def start_api(
    app: web.Application, host: str = DEFAULT_HOST, port: int = DEFAULT_PORT
) -> ApiHandle:
    """Serve `app` on host:port (port 0 = any free port; the handle reports the real one).

    Raises OSError with the address when the port is taken.
    """
    runner = web.AppRunner(app, access_log=None, handle_signals=False)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    try:
        await site.start()
    except OSError as exc:
        await runner.cleanup()
        raise OSError(exc.errno, f"cannot serve the API on {host}:{port}: {exc.strerror}") from exc
    bound_port = port
    for address in runner.addresses:
        if isinstance(address, tuple) and len(address) >= 2:
            bound_port = int(address[1])
            break
    if not _is_loopback(host):
        log.warning(
            "api.exposed",
            host=host,
            port=bound_port,
            hint="/status and /metrics are readable by anyone who can reach this address",
        )
    handle = ApiHandle(runner=runner, host=host, port=bound_port)
    log.info("api.started", url=handle.url, writes_enabled=app[_SETTINGS].token is not None)
    return handle
