"""Bybit v5 `retCode`s hedgebot acts on, whatever class ccxt raised them as (ccxt maps
several to a bare InvalidOrder / ExchangeError). Consulted by `translate` for `bybit`."""

from __future__ import annotations

from bot.exchange import errors as E

__all__ = ["BYBIT_CODES"]

BYBIT_CODES: dict[str, type[E.ExchangeError]] = {
    "10002": E.ClockSkew,  # request expired: timestamp outside recv_window
    "10006": E.RateLimited,  # too many requests
    "10016": E.TemporaryError,  # "System error. Please try again later."
    "10018": E.RateLimited,  # IP rate limit
    "110001": E.OrderNotFound,  # order does not exist
    "110007": E.InsufficientFunds,  # available balance not enough
    "110012": E.InsufficientFunds,
    "110017": E.ReduceOnlyRejected,  # reduce-only rule not satisfied
    "110072": E.DuplicateOrderId,  # orderLinkId is duplicate
    "170213": E.OrderNotFound,  # spot: order does not exist
}
