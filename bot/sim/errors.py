"""Binance-style venue errors raised by the simulator core.

Every rejection the simulated venue makes is a `SimError` carrying the HTTP status and the
`{"code", "msg"}` body Binance would send, so the wire layer only serialises it. The codes and
messages below are Binance's own (spot `/api/v3`, USDⓈ-M `/fapi`, `/sapi` transfer).
"""

from __future__ import annotations

__all__ = [
    "SimError",
    "bad_param",
    "duplicate_order",
    "filter_failure",
    "insufficient_margin",
    "invalid_symbol",
    "mandatory_param",
    "min_notional",
    "post_only_rejected",
    "reduce_only_rejected",
    "spot_insufficient_balance",
    "spot_would_take",
    "unknown_api_key",
    "unknown_order_cancel",
    "unknown_order_query",
]

POST_ONLY_MSG = (
    "Due to the order could not be executed as maker, the Post Only order will be rejected. "
    "The order will not be recorded in the order history"
)


class SimError(Exception):
    """A Binance-style error: HTTP status + {"code": int, "msg": str}."""

    def __init__(self, code: int, msg: str, http_status: int = 400) -> None:
        super().__init__(f"{code}: {msg}")
        self.code = code
        self.msg = msg
        self.http_status = http_status

    def body(self) -> dict[str, int | str]:
        """The JSON body Binance sends with this error."""
        return {"code": self.code, "msg": self.msg}


def invalid_symbol() -> SimError:
    return SimError(-1121, "Invalid symbol.")


def mandatory_param(name: str) -> SimError:
    return SimError(
        -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
    )


def bad_param(name: str, detail: str) -> SimError:
    """-1130: a parameter's value is invalid; `detail` names the value and why."""
    return SimError(-1130, f"Data sent for parameter '{name}' is not valid: {detail}")


def filter_failure(filter_name: str) -> SimError:
    return SimError(-1013, f"Filter failure: {filter_name}")


def min_notional(minimum: str) -> SimError:
    return SimError(
        -4164,
        f"Order's notional must be no smaller than {minimum} (unless you choose reduce only).",
    )


def post_only_rejected() -> SimError:
    return SimError(-5022, POST_ONLY_MSG)


def spot_would_take() -> SimError:
    return SimError(-2010, "Order would immediately match and take.")


def spot_insufficient_balance() -> SimError:
    return SimError(-2010, "Account has insufficient balance for requested action.")


def insufficient_margin() -> SimError:
    return SimError(-2019, "Margin is insufficient.")


def reduce_only_rejected() -> SimError:
    return SimError(-2022, "ReduceOnly Order is rejected.")


def unknown_order_query() -> SimError:
    return SimError(-2013, "Order does not exist.")


def unknown_order_cancel() -> SimError:
    return SimError(-2011, "Unknown order sent.")


def duplicate_order(market: str) -> SimError:
    if market == "spot":
        return SimError(-2010, "Duplicate order sent.")
    return SimError(-4116, "ClientOrderId is duplicated.")


def unknown_api_key() -> SimError:
    return SimError(-2015, "Invalid API-key, IP, or permissions for action.", http_status=401)
