"""The simulator's admin API (`/sim/*`, JSON in and out) for tests and demos.

Every input is validated (`admin_input`) before it reaches the engine; a bad payload answers
400 `{"error": "<message naming the field>"}`. Faults never apply to these routes.
"""

from __future__ import annotations

from typing import Any

from aiohttp import web

from bot.sim import admin_input as field
from bot.sim.admin_input import WALLETS, AdminError
from bot.sim.clock import wall_clock_ms
from bot.sim.faults import FaultConfig
from bot.sim.render import ENGINE, FAULTS, STATS, json_ok

__all__ = ["AdminError", "routes"]

routes = web.RouteTableDef()
_POSITION_MODES = ("one_way", "hedge")


def _symbol(request: web.Request, data: dict[str, Any], market: str | None) -> str:
    symbol = field.text(data, "symbol")
    engine = request.app[ENGINE]
    listed = [m for m in WALLETS if symbol in engine.symbols(m)]
    if not listed or (market is not None and market not in listed):
        where = f"on market {market!r}" if market else "on any market"
        raise AdminError(f"symbol {symbol!r} is not listed {where}")
    return symbol


def _known_account(request: web.Request, api_key: str) -> None:
    if request.app[ENGINE].secret_for(api_key) is None:
        raise AdminError(f"api_key {api_key!r} is not a simulator account")


@routes.post("/sim/accounts")
async def create_account(request: web.Request) -> web.Response:
    """Create (or replace) an account: {"api_key","secret","balances":{wallet:{asset:amt}},
    "position_mode"?: "one_way"|"hedge", "can_withdraw"?: bool}."""
    allowed = {"api_key", "secret", "balances", "position_mode", "can_withdraw"}
    data = await field.body(request, allowed)
    api_key, secret = field.text(data, "api_key"), field.text(data, "secret")
    balances = field.balances(data.get("balances"))
    mode = field.choice(data, "position_mode", _POSITION_MODES, "one_way")
    can_withdraw = field.flag(data, "can_withdraw")
    request.app[ENGINE].create_account(
        api_key, secret, balances, dual_side=mode == "hedge", can_withdraw=can_withdraw
    )
    return json_ok({"api_key": api_key, "created": True})


@routes.post("/sim/price")
async def set_price(request: web.Request) -> web.Response:
    """Move a price: {"symbol","price","market"?}; resting orders fill, liquidations run, and
    the synthetic walk continues from it."""
    data = await field.body(request, {"symbol", "price", "market"})
    market = field.choice(data, "market", WALLETS, None)
    symbol = _symbol(request, data, market)
    price = field.decimal(data.get("price"), "price", positive=True)
    request.app[ENGINE].set_price(symbol, price, market)
    return json_ok({"symbol": symbol, "price": str(price), "market": market})


@routes.post("/sim/balance")
async def set_balance(request: web.Request) -> web.Response:
    """Set a wallet balance absolutely: {"api_key","wallet","asset","amount"}."""
    data = await field.body(request, {"api_key", "wallet", "asset", "amount"})
    api_key, asset = field.text(data, "api_key"), field.text(data, "asset").upper()
    wallet = field.choice(data, "wallet", WALLETS, None)
    if wallet is None:
        raise AdminError(f"wallet must be one of {list(WALLETS)}, got None")
    _known_account(request, api_key)
    amount = field.decimal(data.get("amount"), "amount")
    request.app[ENGINE].set_balance(api_key, wallet, asset, amount)
    return json_ok({"api_key": api_key, "wallet": wallet, "asset": asset, "amount": str(amount)})


@routes.post("/sim/funding")
async def settle_funding(request: web.Request) -> web.Response:
    """Settle funding now: {"symbol","rate"?} (rate a fraction per interval; may be < 0)."""
    data = await field.body(request, {"symbol", "rate"})
    symbol = _symbol(request, data, "usdm")
    rate = field.rate(data.get("rate"))
    request.app[ENGINE].settle_funding(symbol, rate)
    return json_ok({"symbol": symbol, "rate": None if rate is None else str(rate)})


@routes.post("/sim/faults")
async def set_faults(request: web.Request) -> web.Response:
    """Replace the fault config ({} clears every fault)."""
    data = await field.body(request, {f for f in FaultConfig.__dataclass_fields__})
    try:
        config = FaultConfig.from_json(data)
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    faults = request.app[FAULTS]
    faults.configure(config)
    return json_ok(faults.snapshot())


def _advanced(request: web.Request, ms: int) -> web.Response:
    engine = request.app[ENGINE]
    engine.advance(ms)
    return json_ok({"now_ms": engine.now_ms()})


@routes.post("/sim/time")
async def advance_time(request: web.Request) -> web.Response:
    """Move simulated time forward: {"advance_ms": N}; funding boundaries crossed settle."""
    data = await field.body(request, {"advance_ms"})
    return _advanced(request, field.positive_int(data, "advance_ms"))


@routes.post("/sim/advance")
async def advance(request: web.Request) -> web.Response:
    """The older spelling of POST /sim/time: {"ms": N}."""
    data = await field.body(request, {"ms"})
    return _advanced(request, field.positive_int(data, "ms"))


@routes.get("/sim/time")
async def clock(request: web.Request) -> web.Response:
    """The simulated clock: now, the host's wall clock, their difference and the time scale."""
    engine, wall = request.app[ENGINE], wall_clock_ms()
    now = engine.now_ms()
    return json_ok(
        {"now_ms": now, "wall_ms": wall, "offset_ms": now - wall, "time_scale": engine.time_scale}
    )


@routes.get("/sim/requests")
async def request_counts(request: web.Request) -> web.Response:
    """Binance-route requests per account, split into reads and mutating requests."""
    return json_ok(request.app[STATS].summary())


@routes.get("/sim/state")
async def state(request: web.Request) -> web.Response:
    """Everything: the engine's state plus request counts and fault counters."""
    app = request.app
    data = dict(app[ENGINE].state())
    data["requests"] = app[STATS].snapshot()
    data["faults"] = app[FAULTS].snapshot()
    return json_ok(data)
