"""Field validators for ccxt payloads: every number through `Decimal(str(x))`, finite, and
non-negative unless stated; failures are `BadResponse` naming the field and what it belonged to
(`what`, e.g. "position 'BTC/USDT:USDT'")."""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.domain.model import Side
from bot.exchange.errors import BadResponse

__all__ = ["ZERO", "Raw", "bad", "millis", "num", "order_side", "positive_or_none", "req", "text"]

Raw = Mapping[str, Any]
ZERO = Decimal(0)


def bad(what: str, field: str, value: object, problem: str) -> BadResponse:
    return BadResponse(f"{what}: field {field!r} {problem} (got {value!r})")


def num(
    value: object, field: str, what: str, *, required: bool = False, signed: bool = False
) -> Decimal | None:
    """`value` as a finite Decimal; None when absent and not `required`.
    Negative values are refused unless `signed`."""
    if value is None or value == "":
        if required:
            raise bad(what, field, value, "is missing")
        return None
    if isinstance(value, bool) or not isinstance(value, int | float | str | Decimal):
        raise bad(what, field, value, "is not a number")
    try:
        number = Decimal(str(value))
    except InvalidOperation:
        raise bad(what, field, value, "is not a number") from None
    if not number.is_finite():
        raise bad(what, field, value, "is not finite")
    if number < 0 and not signed:
        raise bad(what, field, value, "is negative")
    return number


def req(value: object, field: str, what: str, *, signed: bool = False) -> Decimal:
    number = num(value, field, what, required=True, signed=signed)
    assert number is not None  # required=True never returns None
    return number


def positive_or_none(value: object, field: str, what: str) -> Decimal | None:
    """Prices where 0 means 'none' on the wire (Binance liquidationPrice "0")."""
    number = num(value, field, what)
    return number if number else None


def text(raw: Raw, field: str, what: str) -> str:
    value = raw.get(field)
    if not isinstance(value, str) or not value:
        raise bad(what, field, value, "is missing")
    return value


def millis(value: object) -> int | None:
    """A timestamp in ms, or None for absent / non-positive (Binance sends -1 on some orders)."""
    if isinstance(value, bool) or not isinstance(value, int | float | str):
        return None
    try:
        ms = int(Decimal(str(value)))
    except (InvalidOperation, ValueError):
        return None
    return ms if ms > 0 else None


def order_side(raw: Raw, what: str) -> Side:
    value = raw.get("side")
    try:
        return Side(str(value).lower())
    except ValueError:
        raise bad(what, "side", value, "is not 'buy' or 'sell'") from None
