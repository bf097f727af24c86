"""Validation of admin API (`/sim/*`) bodies: every error names the field and the value."""

from __future__ import annotations

import json
from decimal import Decimal, InvalidOperation
from typing import Any

from aiohttp import web

__all__ = [
    "WALLETS",
    "AdminError",
    "balances",
    "body",
    "choice",
    "decimal",
    "flag",
    "positive_int",
    "rate",
    "signed_fraction",
    "text",
]

WALLETS = ("spot", "usdm", "coinm")


class AdminError(ValueError):
    """Bad admin input; the message names the field and the value."""


async def body(request: web.Request, allowed: set[str]) -> dict[str, Any]:
    """The JSON object of the request (empty body = {}); unknown fields are refused."""
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


def text(data: dict[str, Any], name: str) -> str:
    """A mandatory non-empty string field."""
    value = data.get(name)
    if not isinstance(value, str) or not value:
        raise AdminError(f"{name} must be a non-empty string, got {value!r}")
    return value


def choice(data: dict[str, Any], name: str, allowed: tuple[str, ...], default: str | None) -> Any:
    """A field that is one of `allowed` (absent or null = `default`)."""
    value = data.get(name)
    if value is None:
        return default
    if value not in allowed:
        raise AdminError(f"{name} must be one of {list(allowed)}, got {value!r}")
    return value


def flag(data: dict[str, Any], name: str) -> bool:
    """A true/false field (absent = false)."""
    value = data.get(name, False)
    if not isinstance(value, bool):
        raise AdminError(f"{name} must be true or false, got {value!r}")
    return value


def positive_int(data: dict[str, Any], name: str) -> int:
    """A mandatory integer > 0 (a JSON number, not a string)."""
    value = data.get(name)
    if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
        raise AdminError(f"{name} must be a positive integer, got {value!r}")
    return value


def count(data: dict[str, Any], name: str, default: int | None) -> Any:
    """An optional integer >= 0 (a JSON number); `default` when absent."""
    if name not in data:
        return default
    value = data[name]
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise AdminError(f"{name} must be an integer >= 0 (0 = off), got {value!r}")
    return value


def _number(value: object, name: str) -> Decimal:
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise AdminError(f"{name} must be a number or numeric string, got {value!r}")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise AdminError(f"{name} must be a number, got {value!r}") from None
    if not number.is_finite():
        raise AdminError(f"{name} must be a finite number, got {value!r}")
    return number


def decimal(value: object, name: str, *, positive: bool = False) -> Decimal:
    """A JSON number or numeric string; never negative (never zero when `positive`)."""
    amount = _number(value, name)
    if amount < 0 or (positive and amount == 0):
        need = "positive" if positive else "non-negative"
        raise AdminError(f"{name} must be a {need} number, got {value!r}")
    return amount


def signed_fraction(value: object, name: str) -> Decimal:
    """A mandatory fraction strictly between -1 and 1 (a rate; may be negative)."""
    number = _number(value, name)
    if abs(number) >= 1:
        raise AdminError(f"{name} must be a fraction between -1 and 1, got {value!r}")
    return number


def rate(value: object) -> Decimal | None:
    """A funding rate: a fraction per interval strictly between -1 and 1 (None = absent)."""
    return None if value is None else signed_fraction(value, "rate")


def balances(raw: object) -> dict[str, dict[str, Decimal]]:
    """{"spot": {"BTC": "1"}, "usdm": {"USDT": "100"}, "coinm": {"BTC": "1"}} with
    non-negative amounts (COIN-M: coin → wallet balance in that coin)."""
    if raw is None:
        return {}
    if not isinstance(raw, dict):
        raise AdminError("balances must be an object like {'spot': {'BTC': '1'}}")
    out: dict[str, dict[str, Decimal]] = {}
    for wallet, assets in raw.items():
        if wallet not in WALLETS:
            raise AdminError(f"balances.{wallet}: unknown wallet; allowed: {list(WALLETS)}")
        if not isinstance(assets, dict):
            raise AdminError(f"balances.{wallet} must be an object of asset -> amount")
        out[wallet] = {
            str(asset).upper(): decimal(amount, f"balances.{wallet}.{asset}")
            for asset, amount in assets.items()
        }
    return out
