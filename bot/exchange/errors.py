"""hedgebot's own exchange error tree. ccxt exceptions are translated into these in exactly one
place (`bot/exchange/translate.py`); nothing outside `bot/exchange/` ever sees a ccxt exception.

Each class's docstring says what the daemon (and the operator) should do about it.
"""

from __future__ import annotations

__all__ = [
    "AmbiguousOrderError",
    "AuthError",
    "BadResponse",
    "CircuitOpen",
    "ClockSkew",
    "DuplicateOrderId",
    "ExchangeError",
    "InsufficientFunds",
    "MarketNotFound",
    "NotSupported",
    "OrderNotFound",
    "OrderRejected",
    "PositionModeMismatch",
    "PostOnlyWouldTake",
    "RateLimited",
    "ReduceOnlyRejected",
    "TemporaryError",
]


class ExchangeError(Exception):
    """Anything the venue refused or failed at. Catch the subclasses; this base means
    'the venue said no for a reason we did not classify' — skip the hedge this cycle and alert
    if it repeats."""

    def __init__(self, message: str, *, account: str | None = None, code: str | None = None):
        super().__init__(message)
        self.account = account
        self.code = code


class TemporaryError(ExchangeError):
    """Network trouble, timeouts, 5xx, maintenance. Reads are retried with backoff; the cycle
    is skipped for this account if they keep failing; the circuit breaker counts these."""


class RateLimited(TemporaryError):
    """429/418 or a rate-limit code. Back off (honour `retry_after_s` when known)."""

    def __init__(self, message: str, *, retry_after_s: float | None = None, **kw: str | None):
        super().__init__(message, **kw)
        self.retry_after_s = retry_after_s


class ClockSkew(TemporaryError):
    """-1021: our timestamp is outside the venue's recvWindow. Resync the clock offset and retry;
    never a crash loop."""


class CircuitOpen(TemporaryError):
    """The account's circuit breaker is open after repeated failures: no request was sent.
    Skip this account until the breaker half-opens by itself; alert the operator."""


class AmbiguousOrderError(TemporaryError):
    """An order request timed out or got a 5xx: it may or may not be booked. Never resend
    blindly — look the order up by its client order id first."""

    def __init__(self, message: str, *, client_id: str, **kw: str | None):
        super().__init__(message, **kw)
        self.client_id = client_id


class AuthError(ExchangeError):
    """Bad API key/secret/signature or missing permission. Nothing will work until the operator
    fixes the keys; stop trading this account and alert."""


class BadResponse(ExchangeError):
    """The venue answered with something we cannot trust (missing fields, negative sizes, NaN).
    Skip the hedge for this cycle and place nothing."""


class NotSupported(ExchangeError):
    """The venue (or its ccxt class) cannot do this (e.g. transfers on a testnet). Configuration
    problem: tell the operator which feature to turn off."""


class MarketNotFound(ExchangeError):
    """A configured symbol or asset does not exist on the venue. Fix the YAML."""


class OrderNotFound(ExchangeError):
    """The order id / client order id is unknown to the venue (-2011/-2013)."""


class OrderRejected(ExchangeError):
    """The venue refused an order for a reason that is final for that order as sent.
    Re-plan on the next cycle with fresh data; do not resend the same request."""


class PostOnlyWouldTake(OrderRejected):
    """A post-only order would have crossed the book (-5022 / -2010). Reprice at the new touch."""


class ReduceOnlyRejected(OrderRejected):
    """A reduce-only order would increase the position (-2022). Position data is stale: re-read."""


class InsufficientFunds(OrderRejected):
    """Not enough margin/balance (-2019 / -2010 balance). Risk guard: top up or shrink."""


class DuplicateOrderId(OrderRejected):
    """The venue already knows this client order id (-4116): an earlier request with it was
    booked. Look the order up by its client id instead of sending anything."""


class PositionModeMismatch(OrderRejected):
    """The venue's position mode is not the one hedgebot resolved for the account: Binance
    refused an order's position side or reduce-only flag (-4061, -1106 'reduceonly'), or the
    positions came back one-sided when two legs were expected (or the reverse). The mode was
    changed on the venue while we ran: nothing was booked; the gateway re-reads the mode before
    the next request, so the next cycle trades in the venue's current mode (or refuses it
    clearly when the configured `position_mode` cannot be applied)."""
