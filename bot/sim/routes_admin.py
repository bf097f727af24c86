"""The simulator's admin API (`/sim/*`, JSON in and out) for tests and demos.

Every input is validated here before it reaches the engine; a bad payload answers
400 `{"error": "<message naming the field>"}`. Faults never apply to these routes.
"""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

from bot.sim.faults import FaultConfig
from bot.sim.render import ENGINE, FAULTS, FUNDING, STATS, json_ok

__all__ = ["AdminError", "routes"]

routes = web.RouteTableDef()
_WALLETS = ("spot", "usdm")
_POSITION_MODES = ("one_way", "hedge")


class AdminError(ValueError):
    """Bad admin input; the message names the field and the value."""


async def _body(request: web.Request, allowed: set[str]) -> dict[str, Any]:
    try:
        data = json.loads(await request.text() or "{}")
    except json.JSONDecodeError as exc:
        raise AdminError(f"malformed JSON body: {exc.msg} at position {exc.pos}") from None
    if not isinstance(data, dict):
        raise AdminError("body must be a JSON object")
    unknown = sorted(set(data) - allowed)
    if unknown:
        raise AdminError(f"unknown field(s) {unknown}; allowed: {sorted(allowed)}")
    return data


def _str(data: dict[str, Any], name: str, *, required: bool = True) -> str | None:
    value = data.get(name)
    if value is None and not required:
        return None
    if not isinstance(value, str) or not value:
        raise AdminError(f"{name} must be a non-empty string, got {value!r}")
    return value


def _decimal(value: object, name: str, *, positive: bool = False) -> Decimal:
    """A JSON number or numeric string; never negative (never zero when `positive`)."""
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise AdminError(f"{name} must be a number or numeric string, got {value!r}")
    try:
        amount = Decimal(str(value))
    except InvalidOperation:
        raise AdminError(f"{name} must be a number, got {value!r}") from None
    if not amount.is_finite() or amount < 0 or (positive and amount == 0):
        need = "positive" if positive else "non-negative"
        raise AdminError(f"{name} must be a {need} number, got {value!r}")
    return amount


def _symbol(request: web.Request, data: dict[str, Any], market: str | None) -> str:
    symbol = _str(data, "symbol")
    assert symbol is not None
    engine = request.app[ENGINE]
    listed = [m for m in ("spot", "usdm") if symbol in engine.symbols(m)]
    if not listed or (market is not None and market not in listed):
        where = f"on market {market!r}" if market else "on any market"
        raise AdminError(f"symbol {symbol!r} is not listed {where}")
    return symbol


def _known_account(request: web.Request, api_key: str) -> None:
    if request.app[ENGINE].secret_for(api_key) is None:
        raise AdminError(f"api_key {api_key!r} is not a simulator account")


def _balances(raw: object) -> dict[str, dict[str, Decimal]]:
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise AdminError("balances must be an object like {'spot': {'BTC': '1'}}")
    balances: dict[str, dict[str, Decimal]] = {}
    for wallet, assets in raw.items():
        if wallet not in _WALLETS:
            raise AdminError(f"balances.{wallet}: unknown wallet; allowed: {list(_WALLETS)}")
        if not isinstance(assets, dict):
            raise AdminError(f"balances.{wallet} must be an object of asset -> amount")
        balances[wallet] = {
            str(asset).upper(): _decimal(amount, f"balances.{wallet}.{asset}")
            for asset, amount in assets.items()
        }
    return balances


@routes.post("/sim/accounts")
async def create_account(request: web.Request) -> web.Response:
    """Create (or replace) an account: {"api_key","secret","balances":{wallet:{asset:amt}},
    "position_mode"?: "one_way"|"hedge", "can_withdraw"?: bool}."""
    data = await _body(request, {"api_key", "secret", "balances", "position_mode", "can_withdraw"})
    api_key, secret = _str(data, "api_key"), _str(data, "secret")
    assert api_key is not None and secret is not None
    balances = _balances(data.get("balances"))
    mode = data.get("position_mode", "one_way")
    if mode not in _POSITION_MODES:
        raise AdminError(f"position_mode must be one of {list(_POSITION_MODES)}, got {mode!r}")
    can_withdraw = data.get("can_withdraw", False)
    if not isinstance(can_withdraw, bool):
        raise AdminError(f"can_withdraw must be true or false, got {can_withdraw!r}")
    request.app[ENGINE].create_account(
        api_key, secret, balances, dual_side=mode == "hedge", can_withdraw=can_withdraw
    )
    return json_ok({"api_key": api_key, "created": True})


@routes.post("/sim/price")
async def set_price(request: web.Request) -> web.Response:
    """Move a price: {"symbol","price","market"?}; resting orders fill, liquidations run."""
    data = await _body(request, {"symbol", "price", "market"})
    market = _str(data, "market", required=False)
    if market is not None and market not in _WALLETS:
        raise AdminError(f"market must be 'spot' or 'usdm', got {market!r}")
    symbol = _symbol(request, data, market)
    price = _decimal(data.get("price"), "price", positive=True)
    request.app[ENGINE].set_price(symbol, price, market)
    return json_ok({"symbol": symbol, "price": str(price), "market": market})


@routes.post("/sim/balance")
async def set_balance(request: web.Request) -> web.Response:
    """Set a wallet balance absolutely: {"api_key","wallet","asset","amount"}."""
    data = await _body(request, {"api_key", "wallet", "asset", "amount"})
    api_key, wallet, asset = _str(data, "api_key"), _str(data, "wallet"), _str(data, "asset")
    assert api_key is not None and wallet is not None and asset is not None
    if wallet not in _WALLETS:
        raise AdminError(f"wallet must be 'spot' or 'usdm', got {wallet!r}")
    _known_account(request, api_key)
    amount = _decimal(data.get("amount"), "amount")
    request.app[ENGINE].set_balance(api_key, wallet, asset.upper(), amount)
    return json_ok(
        {"api_key": api_key, "wallet": wallet, "asset": asset.upper(), "amount": str(amount)}
    )


@routes.post("/sim/funding")
async def settle_funding(request: web.Request) -> web.Response:
    """Settle funding now: {"symbol","rate"?} (rate a fraction per interval; may be < 0)."""
    data = await _body(request, {"symbol", "rate"})
    symbol = _symbol(request, data, "usdm")
    rate = _rate(data.get("rate"))
    request.app[FUNDING].settle(request.app[ENGINE], symbol, rate)
    return json_ok({"symbol": symbol, "rate": None if rate is None else str(rate)})


def _rate(value: object) -> Decimal | None:
    if value is None:
        return None
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise AdminError(f"rate must be a number or numeric string, got {value!r}")
    try:
        rate = Decimal(str(value))
    except InvalidOperation:
        raise AdminError(f"rate must be a number, got {value!r}") from None
    if not rate.is_finite() or abs(rate) >= 1:
        raise AdminError(f"rate must be a fraction between -1 and 1, got {value!r}")
    return rate


@routes.post("/sim/faults")
async def set_faults(request: web.Request) -> web.Response:
    """Replace the fault config ({} clears every fault)."""
    data = await _body(request, {f for f in FaultConfig.__dataclass_fields__})
    try:
        config = FaultConfig.from_json(data)
    except ValueError as exc:
        raise AdminError(str(exc)) from None
    faults = request.app[FAULTS]
    faults.configure(config)
    return json_ok(faults.snapshot())


@routes.post("/sim/advance")
async def advance(request: web.Request) -> web.Response:
    """Move simulated time forward: {"ms": N}; funding boundaries crossed are settled."""
    data = await _body(request, {"ms"})
    ms = data.get("ms")
    if isinstance(ms, bool) or not isinstance(ms, int) or ms <= 0:
        raise AdminError(f"ms must be a positive integer, got {ms!r}")
    engine = request.app[ENGINE]
    request.app[FUNDING].advance(engine, ms)
    return json_ok({"now_ms": engine.now_ms()})


@routes.get("/sim/state")
async def state(request: web.Request) -> web.Response:
    """Everything: the engine's state plus request counts and fault counters."""
    app = request.app
    data = dict(app[ENGINE].state())
    data["requests"] = app[STATS].snapshot()
    data["faults"] = app[FAULTS].snapshot()
    return json_ok(data)
