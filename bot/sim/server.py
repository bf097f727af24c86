"""The simulator's HTTP server: Binance REST dialect + admin API + fault injection.

`start()` runs it inside an existing event loop (tests, the daemon's embedded default);
`serve()` is the blocking entry point behind `hedgebot sim`. A background task walks a price
path (synthetic, or a CSV replay) at `speed` steps per second and moves simulated time with it.
"""

from __future__ import annotations

import asyncio
import contextlib
import signal
from dataclasses import dataclass, field
from pathlib import Path

import structlog
from aiohttp import web
from aiohttp.typedefs import Handler

from bot.sim import routes_admin, routes_sapi, routes_spot, routes_usdm, routes_usdm_account
from bot.sim.engine import SimExchange
from bot.sim.errors import SimError
from bot.sim.faults import Faults
from bot.sim.prices import CsvReplay, PricePath, PriceTick, SyntheticPath
from bot.sim.render import (
    ENGINE,
    FAULTS,
    FUNDING,
    STATS,
    FundingLog,
    RequestStats,
    binance_error,
    json_ok,
)

__all__ = ["RunningSim", "build_app", "serve", "start"]

log = structlog.get_logger("bot.sim.server")

_VENUE_PREFIXES = ("/api/", "/fapi/", "/sapi/", "/dapi/")
_RETRY_AFTER_S = "1"


def build_app(engine: SimExchange, faults: Faults | None = None) -> web.Application:
    """The aiohttp application serving `engine` over Binance's REST paths and `/sim/*`."""
    app = web.Application(middlewares=[_admin_errors, _venue_errors])
    app[ENGINE] = engine
    app[FAULTS] = faults or Faults()
    app[STATS] = RequestStats()
    app[FUNDING] = FundingLog()
    app.add_routes(routes_spot.routes)
    app.add_routes(routes_usdm.routes)
    app.add_routes(routes_usdm_account.routes)
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
    request.app[STATS].count(_account_label(request), f"{request.method} {request.path}")
    if _is_venue(request):
        injected = await _inject_faults(request.app[FAULTS])
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


async def _inject_faults(faults: Faults) -> web.StreamResponse | None:
    await faults.delay()
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
async def _admin_errors(request: web.Request, handler: Handler) -> web.StreamResponse:
    """/sim/*: bad input → 400 {"error": ...}; nothing ever escapes as a traceback."""
    if not request.path.startswith("/sim/"):
        return await handler(request)
    try:
        return await handler(request)
    except routes_admin.AdminError as exc:
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
SYNTHETIC_STEP_MS = 60_000  # a synthetic step stands for a one-minute candle


def _tick_time(ticks: dict[str, PriceTick]) -> int | None:
    return next((t.ts_ms for t in ticks.values() if t.ts_ms is not None), None)


class PriceFeed:
    """Walks a price path into the engine and keeps simulated time in step with it.

    Replay ticks carry their candle time, so simulated time follows the recording; synthetic
    steps advance it by `SYNTHETIC_STEP_MS`. Funding settles at the 00/08/16 UTC boundaries
    crossed; a replay's recorded rate is applied on its candle, before the boundary settles.
    """

    def __init__(
        self,
        engine: SimExchange,
        funding: FundingLog,
        path: PricePath,
        first: dict[str, PriceTick] | None = None,
    ) -> None:
        self._engine, self._funding, self._path = engine, funding, path
        self._pending = first
        self._listed = set(engine.symbols("usdm")) | set(engine.symbols("spot"))
        self._skipped: set[str] = set()
        self._origin_ms = engine.now_ms()
        self._offset_ms: int | None = None
        self._steps = 0

    async def run(self, steps_per_s: float) -> None:
        """Step every 1/`steps_per_s` seconds until the path is exhausted (or cancelled)."""
        while True:
            await asyncio.sleep(1 / steps_per_s)
            try:
                if not self.step():
                    log.info("sim.price_path_finished", steps=self._steps)
                    return
            except Exception:
                # A bad row or an engine surprise must not end the feed silently.
                log.exception("sim.price_feed_error", step=self._steps)

    def step(self) -> bool:
        """Apply one step; False when the path is exhausted."""
        ticks = self._pending if self._pending is not None else self._path.next_ticks()
        self._pending = None
        if ticks is None:
            return False
        self._steps += 1
        self._engine.apply_ticks(self._listed_only(ticks))
        gap = self._target_ms(ticks) - self._engine.now_ms()
        if gap > 0:
            self._funding.advance(self._engine, gap)
        return True

    def _listed_only(self, ticks: dict[str, PriceTick]) -> dict[str, PriceTick]:
        unknown = set(ticks) - self._listed - self._skipped
        if unknown:
            self._skipped |= unknown
            log.warning("sim.price_path_symbols_not_listed", symbols=sorted(unknown))
        return {s: t for s, t in ticks.items() if s in self._listed}

    def _target_ms(self, ticks: dict[str, PriceTick]) -> int:
        tick_ms = _tick_time(ticks)
        if tick_ms is None:
            return self._origin_ms + self._steps * SYNTHETIC_STEP_MS
        if self._offset_ms is None:
            self._offset_ms = self._engine.now_ms() - tick_ms
        return tick_ms + self._offset_ms


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
) -> RunningSim:
    """Serve a simulator on host:port (0 = an ephemeral port) and return a handle to stop it.

    `prices`: CSV files to replay (else a seeded synthetic path); `speed`: path steps (candles)
    per second; `engine`: an existing engine (default: a fresh one with the default account;
    with `prices`, its clock starts at the replay's first candle); `feed=False` keeps prices
    still until moved through `/sim/price` (what tests want).
    """
    if speed <= 0:
        raise ValueError(f"speed must be positive (candles per second), got {speed}")
    replay = CsvReplay(list(prices), interpolate_steps=STEPS_PER_CANDLE) if prices else None
    first = replay.next_ticks() if replay is not None else None
    if engine is None:
        # A replay runs on its own recorded time, so funding settles on the candles that
        # recorded it; otherwise simulated time starts at the wall clock.
        start_ms = _tick_time(first) if first else None
        clock = (lambda: start_ms) if start_ms is not None else None
        engine = SimExchange.with_default_account(seed=seed, now_ms=clock)
    faults = Faults()
    app = build_app(engine, faults)
    runner = web.AppRunner(app, access_log=None, shutdown_timeout=2.0)
    await runner.setup()
    site = web.TCPSite(runner, host, port)
    await site.start()
    bound_port = runner.addresses[0][1]
    task = None
    if feed:
        path: PricePath = replay or SyntheticPath(
            {s: engine.price("usdm", s) for s in engine.symbols("usdm")}, seed
        )
        steps_per_s = speed * STEPS_PER_CANDLE if replay else speed
        price_feed = PriceFeed(engine, app[FUNDING], path, first)
        task = asyncio.create_task(price_feed.run(steps_per_s), name="sim-price-feed")
    return RunningSim(f"http://{host}:{bound_port}", engine, faults, runner, task)


def serve(
    host: str = "127.0.0.1",
    port: int = 8099,
    prices: list[Path] | None = None,
    speed: float = 1.0,
    seed: int = 0,
) -> None:
    """Run the simulator until SIGINT/SIGTERM (blocking); prints the base URL on start."""
    asyncio.run(_serve(host, port, prices, speed, seed))


async def _serve(host: str, port: int, prices: list[Path] | None, speed: float, seed: int) -> None:
    stop = asyncio.Event()
    loop = asyncio.get_running_loop()
    for sig in (signal.SIGINT, signal.SIGTERM):
        loop.add_signal_handler(sig, stop.set)
    sim = await start(host, port, prices=prices, speed=speed, seed=seed)
    print(f"hedgebot sim listening on {sim.url} (api key sim-key / secret sim-secret)", flush=True)
    try:
        await stop.wait()
    finally:
        await sim.stop()
        print("hedgebot sim stopped", flush=True)
