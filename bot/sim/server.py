"""The simulator's HTTP server: Binance REST dialect + admin API + fault injection.

`start()` runs it inside an existing event loop (tests, the daemon's embedded default);
`serve()` is the blocking entry point behind `hedgebot sim`. A background task (`PriceFeed`)
walks a price path (synthetic, or a CSV replay) at `speed` steps per second. Simulated time
runs at `time_scale` simulated seconds per wall second (a replay's follows its candles); the
funding it passes settles before every request and every price step.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from bot.sim import (
    routes_admin,
    routes_coinm,
    routes_klines,
    routes_sapi,
    routes_spot,
    routes_usdm,
    routes_usdm_account,
)
from bot.sim.admin_input import AdminError
from bot.sim.clock import ClientOffsets
from bot.sim.engine import SimExchange
from bot.sim.errors import SimError
from bot.sim.faults import Faults
from bot.sim.feed import PriceFeed, tick_time
from bot.sim.prices import CsvReplay, PricePath, SyntheticPath
from bot.sim.quarterlies import DEFAULT_BASIS
from bot.sim.render import CLOCKS, ENGINE, FAULTS, STATS, RequestStats, binance_error, json_ok
from bot.sim.weight_gate import WEIGHTS, weigh
from bot.sim.weight_ledger import WeightLedger, binance_limits

__all__ = ["RunningSim", "build_app", "serve", "start"]

log = structlog.get_logger("bot.sim.server")

_VENUE_PREFIXES = ("/api/", "/fapi/", "/sapi/", "/dapi/")
_RETRY_AFTER_S = "1"


def build_app(
    engine: SimExchange, faults: Faults | None = None, weights: WeightLedger | None = None
) -> web.Application:
    """The aiohttp application serving `engine` over Binance's REST paths and `/sim/*`
    (`weights`: the request-weight budgets, default counted but not enforced)."""
    app = web.Application(middlewares=[_admin_errors, weigh, _venue_errors, _pass_time])
    app[ENGINE] = engine
    app[FAULTS] = faults or Faults()
    app[WEIGHTS] = weights or WeightLedger()
    app[STATS] = RequestStats()
    app[CLOCKS] = ClientOffsets()
    app.add_routes(routes_spot.routes)
    app.add_routes(routes_usdm.routes)
    app.add_routes(routes_usdm_account.routes)
    app.add_routes(routes_coinm.routes)
    app.add_routes(routes_klines.routes)
    app.add_routes(routes_sapi.routes)
    app.add_routes(routes_admin.routes)
    return app


def _is_venue(request: web.Request) -> bool:
    return request.path.startswith(_VENUE_PREFIXES)


def _account_label(request: web.Request) -> str:
    api_key = request.headers.get("X-MBX-APIKEY")
    if not api_key:
        return "public"
    return api_key if request.app[ENGINE].secret_for(api_key) is not None else "unknown-key"


@web.middleware
async def _venue_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Binance paths: count, inject faults, and turn every failure into Binance's error JSON."""
    if request.path.startswith("/sim/"):
        return await handler(request)
    request.app[STATS].count(_account_label(request), request.method, request.path)
    if _is_venue(request):
        injected = await _inject_faults(request.app[FAULTS], request.path)
        if injected is not None:
            return injected
    try:
        return await handler(request)
    except SimError as exc:
        return binance_error(exc)
    except web.HTTPException as exc:
        if exc.status in (404, 405):
            msg = (
                f"This operation is not supported: {request.method} {request.path} "
                "is not served by the simulator."
            )
            return binance_error(SimError(-1020, msg, exc.status))
        raise
    except Exception as exc:
        log.exception("sim.unexpected_error", method=request.method, path=request.path)
        msg = f"An unknown error occurred while processing the request: {type(exc).__name__}"
        return binance_error(SimError(-1000, msg, 500))


async def _inject_faults(faults: Faults, path: str) -> web.StreamResponse | None:
    await faults.delay()
    if faults.fails(path):
        msg = "Internal error; unable to process your request. Please try again. (simulated)"
        return binance_error(SimError(-1001, msg, 503))
    if faults.rate_limited():
        error = SimError(
            -1003,
            "Too many requests; current limit is 2400 request weight per 1 MINUTE. (simulated)",
            429,
        )
        return binance_error(error, headers={"Retry-After": _RETRY_AFTER_S})
    if faults.error_5xx():
        return web.Response(status=503, text="Service Unavailable", content_type="text/plain")
    return None


@web.middleware
async def _pass_time(request: web.Request, handler: Handler) -> web.StreamResponse:
    """Settle the funding simulated time has passed before the request sees the venue."""
    request.app[ENGINE].catch_up()
    return await handler(request)


@web.middleware
async def _admin_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """/sim/*: bad input → 400 {"error": ...}; nothing ever escapes as a traceback."""
    if not request.path.startswith("/sim/"):
        return await handler(request)
    try:
        return await handler(request)
    except AdminError as exc:
        return json_ok({"error": str(exc)}, status=400)
    except SimError as exc:
        return json_ok({"error": exc.msg, "code": exc.code}, status=400)
    except web.HTTPException as exc:
        if exc.status in (404, 405):
            error = f"{request.method} {request.path} is not an admin endpoint"
            return json_ok({"error": error}, status=exc.status)
        raise
    except Exception as exc:
        log.exception("sim.admin_unexpected_error", method=request.method, path=request.path)
        return json_ok({"error": f"internal error: {type(exc).__name__}"}, status=500)


STEPS_PER_CANDLE = 4  # replay ticks per candle: open, low/high, high/low, close


@dataclass
class RunningSim:
    """A simulator serving in the current event loop. `url` is e.g. "http://127.0.0.1:40123"."""

    url: str
    engine: SimExchange
    faults: Faults
    _runner: web.AppRunner
    _feed: asyncio.Task[None] | None = field(default=None, repr=False)

    async def stop(self) -> None:
        """Stop the price feed, release held-back responses and close the server."""
        self.faults.release()
        if self._feed is not None:
            self._feed.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._feed
        await self._runner.cleanup()


async def start(
    host: str = "127.0.0.1",
    port: int = 0,
    *,
    prices: list[Path] | None = None,
    speed: float = 1.0,
    seed: int = 0,
    engine: SimExchange | None = None,
    feed: bool = True,
    time_scale: float = 1.0,
    basis: Decimal = DEFAULT_BASIS,
    weight_limit: int = 0,
) -> RunningSim:
    """Serve a simulator on host:port (0 = an ephemeral port) and return a handle to stop it.

    `prices`: CSV files to replay (else a seeded synthetic path); `speed`: path steps (candles)
    per second; `engine`: an existing engine (default: a fresh one with the default account;
    with `prices`, its clock starts at the replay's first candle); `feed=False` keeps prices
    still until moved through `/sim/price` (`hedgebot sim --static`; what tests want);
    `time_scale`: simulated seconds per wall second of the engine created here (a replay's
    clock follows its candles, so it takes none); `basis`: the quarterlies' annualised basis
    over their index for the engine created here (fraction, default 0.08); `weight_limit`:
    the USDⓈ-M / COIN-M request weight per minute and API key (Binance: 2400; spot then gets
    Binance's 6000), 0 = counted and reported but not enforced.
    """
    if speed <= 0:
        raise ValueError(f"speed must be positive (candles per second), got {speed}")
    if prices and time_scale != 1:
        raise ValueError("time_scale does not apply to a replay: its clock follows its candles")
    replay = CsvReplay(list(prices), interpolate_steps=STEPS_PER_CANDLE) if prices else None
    first = replay.next_ticks() if replay is not None else None
    if engine is None:
        # A replay runs on its own recorded time, so funding settles on the candles that
        # recorded it; otherwise simulated time starts at the wall clock.
        start_ms = tick_time(first) if first else None
        clock = (lambda: start_ms) if start_ms is not None else None
        engine = SimExchange.with_default_account(
            seed=seed, now_ms=clock, time_scale=time_scale, basis=basis
        )
    if weight_limit < 0:
        raise ValueError(f"weight_limit must be >= 0 (0 = off), got {weight_limit}")
    faults = Faults()
    app = build_app(engine, faults, WeightLedger(binance_limits(weight_limit)))
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    task = None
    if feed:
        # The walk drives every spot pair (and the plain perp of the same id); derived
        # contracts follow their index.
        path: PricePath = replay or SyntheticPath(
            {s: engine.price("spot", s) for s in engine.symbols("spot")}, seed
        )
        steps_per_s = speed * STEPS_PER_CANDLE if replay else speed
        price_feed = PriceFeed(engine, path, first)
        task = asyncio.create_task(price_feed.run(steps_per_s), name="sim-price-feed")
    return RunningSim(f"http://{host}:{bound_port}", engine, faults, runner, task)


def serve(
    host: str = "127.0.0.1",
    port: int = 8099,
    prices: list[Path] | None = None,
    speed: float = 1.0,
    seed: int = 0,
    *,
    static: bool = False,
    time_scale: float = 1.0,
    basis: Decimal = DEFAULT_BASIS,
    weight_limit: int = 0,
) -> None:
    """Run the simulator until SIGINT/SIGTERM (blocking); prints the base URL on start.
    `static` holds prices still (only the admin API moves them); `basis` is the quarterlies'
    annualised basis (fraction); `weight_limit` the futures request weight per minute and key
    (0 = not enforced)."""
    options = {
        "prices": prices,
        "speed": speed,
        "seed": seed,
        "time_scale": time_scale,
        "basis": basis,
        "weight_limit": weight_limit,
    }
    asyncio.run(_serve(host, port, feed=not static, **options))


async def _serve(host: str, port: int, **options: Any) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    sim = await start(host, port, **options)
    print(f"hedgebot sim listening on {sim.url} (api key sim-key / secret sim-secret)", flush=True)
    try:
        await stop.wait()
    finally:
        await sim.stop()
        print("hedgebot sim stopped", flush=True)
