"""Bybit v5 error codes: the simulator's rejections in Bybit's `retCode` / `retMsg` terms.

The engine underneath speaks Binance (`SimError` with Binance's negative codes); the Bybit
routes raise Bybit's own codes (positive) and translate the engine's at the wire
(`to_bybit`), so ccxt's `bybit` class maps them to the same exception a real Bybit reply
gives (10001 BadRequest, 10002 InvalidNonce, 10003/10004 AuthenticationError, 10006
RateLimitExceeded, 110001 OrderNotFound, 110007 / 110012 InsufficientFunds, 110017 / 110072 / 110094
InvalidOrder, 110025 NoChange, 110026 MarginModeAlreadySet, 110043 BadRequest).
"""

from __future__ import annotations

from bot.sim.errors import SimError

__all__ = [
    "BybitCode",
    "bybit_params_error",
    "leverage_not_modified",
    "margin_mode_not_modified",
    "order_link_id_duplicate",
    "order_not_found",
    "position_mode_not_modified",
    "to_bybit",
]


class BybitCode:
    """Bybit v5 retCodes the simulator sends."""

    OK = 0
    PARAMS = 10001
    TIMESTAMP = 10002
    API_KEY = 10003
    SIGN = 10004
    PERMISSION = 10005
    RATE_LIMIT = 10006
    SYSTEM = 10016
    ORDER_NOT_FOUND = 110001
    INSUFFICIENT_BALANCE = 110007
    REDUCE_ONLY = 110017
    POSITION_MODE_UNCHANGED = 110025
    MARGIN_MODE_UNCHANGED = 110026
    LEVERAGE_UNCHANGED = 110043
    DUPLICATE_LINK_ID = 110072
    MIN_NOTIONAL = 110094
    AVAILABLE_BALANCE = 110012
    SPOT_INSUFFICIENT = 170131


def bybit_params_error(detail: str) -> SimError:
    """10001: a parameter is missing or invalid; `detail` names it and the value."""
    return SimError(BybitCode.PARAMS, f"params error: {detail}")


def order_not_found() -> SimError:
    return SimError(BybitCode.ORDER_NOT_FOUND, "order not exists or too late to cancel")


def order_link_id_duplicate() -> SimError:
    return SimError(BybitCode.DUPLICATE_LINK_ID, "OrderLinkedID is duplicate")


def leverage_not_modified() -> SimError:
    return SimError(BybitCode.LEVERAGE_UNCHANGED, "leverage not modified")


def margin_mode_not_modified() -> SimError:
    return SimError(BybitCode.MARGIN_MODE_UNCHANGED, "Cross/isolated margin mode is not modified")


def position_mode_not_modified() -> SimError:
    return SimError(BybitCode.POSITION_MODE_UNCHANGED, "Position mode is not modified")


# Binance code the engine raised → (Bybit code, Bybit message; None keeps the engine's text).
_FROM_BINANCE: dict[int, tuple[int, str | None]] = {
    -2019: (BybitCode.INSUFFICIENT_BALANCE, "ab not enough for new order"),
    -2022: (BybitCode.REDUCE_ONLY, "Reduce-only rule not satisfied"),
    -4164: (BybitCode.MIN_NOTIONAL, "Order notional value below the lower limit"),
    -4050: (BybitCode.AVAILABLE_BALANCE, "Available balance not enough"),
    -4051: (BybitCode.AVAILABLE_BALANCE, "Available balance not enough"),
    -2013: (BybitCode.ORDER_NOT_FOUND, "order not exists or too late to cancel"),
    -2011: (BybitCode.ORDER_NOT_FOUND, "order not exists or too late to cancel"),
    -4116: (BybitCode.DUPLICATE_LINK_ID, "OrderLinkedID is duplicate"),
    -2014: (BybitCode.API_KEY, "API key is invalid."),
    -2015: (BybitCode.API_KEY, "API key is invalid."),
    -1022: (BybitCode.SIGN, "error sign!"),
    -1021: (BybitCode.TIMESTAMP, None),
    -1121: (BybitCode.PARAMS, "params error: symbol invalid"),
    -1003: (BybitCode.RATE_LIMIT, "Too many visits!"),
    -1000: (BybitCode.SYSTEM, "System error. Please try again later."),
    -1001: (BybitCode.SYSTEM, "System error. Please try again later."),
}


def to_bybit(error: SimError) -> SimError:
    """The Bybit form of an error: Bybit's own (code > 0) unchanged, an engine (Binance)
    rejection translated; anything else is a 10001 parameter error keeping its message.
    Business errors travel with HTTP 200, as Bybit sends them; 429 and 5xx keep their status."""
    status = error.http_status if error.http_status >= 429 else 200
    if error.code >= 0:
        return SimError(error.code, error.msg, status)
    if error.code == -2010 and "insufficient balance" in error.msg:
        return SimError(BybitCode.SPOT_INSUFFICIENT, "Insufficient balance.", status)
    if error.code == -2010 and "Duplicate" in error.msg:
        return SimError(BybitCode.DUPLICATE_LINK_ID, "OrderLinkedID is duplicate", status)
    code, msg = _FROM_BINANCE.get(error.code, (BybitCode.PARAMS, None))
    if msg is None:
        msg = error.msg if code != BybitCode.PARAMS else f"params error: {error.msg}"
    return SimError(code, msg, status)
