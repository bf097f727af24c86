"""Bybit v5 request parameters: `category`, symbols and typed values.

Bybit names instruments by `category` + `symbol`: "spot" BTCUSDT is the engine's spot pair,
"linear" BTCUSDT its USDⓈ-M perpetual, "inverse" BTCUSD its COIN-M perpetual BTCUSD_PERP
(quoted, not traded: Bybit's inverse quantity is USD where the engine's contract is 100 USD).
Every malformed value is Bybit's 10001 naming the parameter.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from bot.sim.bybit_errors import bybit_params_error
from bot.sim.errors import SimError
from bot.sim.specs import SymbolSpec, listed_spec

__all__ = [
    "CATEGORIES",
    "bybit_symbol",
    "category",
    "engine_market",
    "engine_symbol",
    "listed",
    "opt_decimal",
    "opt_int",
    "req",
    "req_decimal",
]

CATEGORIES = ("spot", "linear", "inverse", "option")
_MARKETS = {"spot": "spot", "linear": "usdm", "inverse": "coinm"}
_INVERSE_SUFFIX = "_PERP"


def req(params: dict[str, str], name: str) -> str:
    value = params.get(name, "")
    if value == "":
        raise bybit_params_error(f"{name} is required")
    return value


def category(params: dict[str, str], allowed: tuple[str, ...] = CATEGORIES) -> str:
    """The `category` parameter, one of `allowed` (10001 otherwise)."""
    value = req(params, "category")
    if value not in allowed:
        raise bybit_params_error(f"category {value!r} is not one of {', '.join(allowed)}")
    return value


def engine_market(cat: str) -> str:
    """The engine market of a Bybit category ("spot" | "usdm" | "coinm")."""
    if cat not in _MARKETS:
        raise bybit_params_error(f"category {cat!r} has no instruments in the simulator")
    return _MARKETS[cat]


def engine_symbol(cat: str, symbol: str) -> str:
    """The engine's id of a Bybit symbol (inverse BTCUSD → BTCUSD_PERP)."""
    return symbol + _INVERSE_SUFFIX if cat == "inverse" else symbol


def bybit_symbol(cat: str, engine_id: str) -> str:
    """The Bybit id of an engine symbol (BTCUSD_PERP → BTCUSD on inverse)."""
    return engine_id.removesuffix(_INVERSE_SUFFIX) if cat == "inverse" else engine_id


def listed(cat: str, symbol: str, now_ms: int) -> SymbolSpec:
    """The spec of a Bybit symbol listed in `cat` now (spot pairs and perpetuals; the engine's
    quarterlies are not on the Bybit side); 10001 naming the symbol otherwise."""
    try:
        spec = listed_spec(engine_market(cat), engine_symbol(cat, symbol), now_ms)
    except SimError:
        spec = None
    if spec is None or not spec.perpetual:
        raise bybit_params_error(f"symbol {symbol!r} is not listed on {cat}")
    return spec


def opt_int(params: dict[str, str], name: str) -> int | None:
    raw = params.get(name, "")
    if raw == "":
        return None
    try:
        return int(raw)
    except ValueError:
        raise bybit_params_error(f"{name} {raw!r} is not an integer") from None


def opt_decimal(params: dict[str, str], name: str) -> Decimal | None:
    raw = params.get(name, "")
    if raw == "":
        return None
    try:
        value = Decimal(raw)
    except InvalidOperation:
        raise bybit_params_error(f"{name} {raw!r} is not a number") from None
    if not value.is_finite():
        raise bybit_params_error(f"{name} {raw!r} is not a number")
    return value


def req_decimal(params: dict[str, str], name: str) -> Decimal:
    value = opt_decimal(params, name)
    if value is None:
        raise bybit_params_error(f"{name} is required")
    return value
