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
from bot.sim.specs import MARKETS
from bot.sim.weight_gate import WEIGHTS, weight_report
from bot.sim.weight_ledger import binance_limits

__all__ = ["AdminError", "routes"]

routes = web.RouteTableDef()
_POSITION_MODES = ("one_way", "hedge")


def _symbol(request: web.Request, data: dict[str, Any], markets: tuple[str, ...]) -> str:
    """The body's `symbol`, which must be listed now on one of `markets`."""
    symbol = field.text(data, "symbol")
    engine = request.app[ENGINE]
    if not any(symbol in engine.symbols(m) for m in markets):
        where = f"on market {markets[0]!r}" if len(markets) == 1 else f"on any of {list(markets)}"
        raise AdminError(f"symbol {symbol!r} is not listed {where}")
    return symbol


def _known_account(request: web.Request, api_key: str) -> None:
    if request.app[ENGINE].secret_for(api_key) is None:
        raise AdminError(f"api_key {api_key!r} is not a simulator account")


@routes.post("/sim/accounts")
async def create_account(request: web.Request) -> web.Response:
    """Create (or replace) an account: {"api_key","secret","balances":{wallet:{asset:amt}},
    "position_mode"?: "one_way"|"hedge", "can_withdraw"?: bool}; wallets "spot", "usdm" and
    "coinm" (COIN-M wallet per coin, e.g. {"BTC": "1"})."""
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
    """Move a price: {"symbol","price","market"?} (no market: every market listing the
    symbol); resting orders fill, liquidations run, the synthetic walk continues from it, and
    a moved spot price reprices the contracts derived from it (see `bot.sim.pricing`)."""
    data = await field.body(request, {"symbol", "price", "market"})
    market = field.choice(data, "market", MARKETS, None)
    symbol = _symbol(request, data, (market,) if market else MARKETS)
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
    """Settle funding now: {"symbol","rate"?} (a USDⓈ-M or COIN-M perpetual; rate a fraction
    per interval; may be < 0)."""
    data = await field.body(request, {"symbol", "rate"})
    symbol = _symbol(request, data, ("usdm", "coinm"))
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


@routes.get("/sim/weight")
async def weight(request: web.Request) -> web.Response:
    """Request weight: {"limits": {family: N}, "window_s": 60, "used": {key: {family: N}},
    "banned": {key: {family: seconds left}}} (families "api", "fapi", "dapi")."""
    return json_ok(weight_report(request.app[WEIGHTS]))


@routes.post("/sim/weight")
async def set_weight(request: web.Request) -> web.Response:
    """Set the budgets: {"limit": N} (futures weight per minute and key, 0 = off; spot then
    gets 6000, or "spot_limit"), "reset": true forgets every key's use and bans."""
    data = await field.body(request, {"limit", "spot_limit", "reset"})
    ledger = request.app[WEIGHTS]
    if "limit" in data or "spot_limit" in data:
        futures = field.count(data, "limit", ledger.limits["fapi"])
        spot = field.count(data, "spot_limit", None)
        ledger.limits = binance_limits(futures, spot)
    if field.flag(data, "reset"):
        ledger.reset()
    return json_ok(weight_report(ledger))


@routes.post("/sim/basis")
async def set_basis(request: web.Request) -> web.Response:
    """Set the quarterlies' annualised basis over their index: {"annual": "0.08"} (a fraction
    between -1 and 1; 0 prices them at the index). Quarterlies reprice at once."""
    data = await field.body(request, {"annual"})
    annual = field.signed_fraction(data.get("annual"), "annual")
    request.app[ENGINE].set_basis(annual)
    return json_ok({"annual": str(annual)})


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
