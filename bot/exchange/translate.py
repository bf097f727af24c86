"""The one place where ccxt exceptions become hedgebot's error tree (`bot.exchange.errors`).

ccxt messages carry the request URL, and signed GET/DELETE URLs carry the HMAC `signature`
(and some venues put the key in the query), so every message is scrubbed before it leaves here.
The ccxt exception is never chained onto ours (`raise ... from None` at the call site) so a
traceback cannot leak it either.

Binance maps most of its business codes by URL prefix (`get_exceptions_by_url`); behind a proxy
or the simulator those maps may be skipped and the code arrives as a bare `ExchangeError`. The
`_BINANCE_CODES` table classifies the codes hedgebot acts on, from the message body, so the
translation does not depend on where the venue lives.
"""

from __future__ import annotations

import email.utils
import math
import re
import time
from collections.abc import Callable, Iterable, Mapping

import ccxt.async_support as ccxt

from bot.exchange import errors as E
from bot.exchange.bybit_codes import BYBIT_CODES

__all__ = ["error_code", "retry_after_seconds", "scrub", "translate"]

# key=value pairs in URLs/bodies whose value must never be shown.
_SECRET_PARAMS = re.compile(
    r"(?i)\b(signature|sign|apikey|api_key|api-key|x-mbx-apikey|secret|password|passphrase"
    r"|listenkey)(=|\"?\s*:\s*\"?)([^&\s\"',}]+)"
)
_CODE = re.compile(r"\"(?:code|retCode)\"\s*:\s*\"?(-?\d+)")
_BINANCE_ERROR = ("binance",)


def scrub(message: str, secrets: Iterable[str | None] = ()) -> str:
    """`message` with secret query/body parameters and any literal secret value redacted."""
    cleaned = _SECRET_PARAMS.sub(lambda m: f"{m.group(1)}{m.group(2)}***", message)
    for secret in secrets:
        if secret and len(secret) >= 4:
            cleaned = cleaned.replace(secret, "***")
    return cleaned


def error_code(message: str) -> str | None:
    """The venue's numeric error code from a ccxt message body (`{"code":-2019,...}`), if any."""
    found = _CODE.search(message)
    return found.group(1) if found else None


def retry_after_seconds(
    headers: Mapping[str, str] | None, *, now: Callable[[], float] = time.time
) -> float | None:
    """Seconds to wait from a `Retry-After` header (delta-seconds or HTTP date); None if absent
    or unparseable. Never negative."""
    if not headers:
        return None
    value = next((v for k, v in headers.items() if k.lower() == "retry-after"), None)
    if value is None:
        return None
    try:
        seconds = float(value)
    except ValueError:
        try:
            seconds = email.utils.parsedate_to_datetime(value).timestamp() - now()
        except (TypeError, ValueError):
            return None
    if math.isnan(seconds) or math.isinf(seconds):
        return None
    return max(0.0, seconds)


# Binance codes hedgebot acts on, whatever class ccxt raised them as (see module docstring).
_BINANCE_CODES: dict[str, type[E.ExchangeError]] = {
    "-1003": E.RateLimited,
    "-1021": E.ClockSkew,
    "-1121": E.MarketNotFound,
    "-2011": E.OrderNotFound,
    "-2013": E.OrderNotFound,
    "-2019": E.InsufficientFunds,
    "-2022": E.ReduceOnlyRejected,
    "-4061": E.PositionModeMismatch,  # order's position side does not match the setting
    "-4116": E.DuplicateOrderId,
    "-4164": E.OrderRejected,
    "-5022": E.PostOnlyWouldTake,
}

# Most specific ccxt class first: isinstance order matters (OrderNotFound is an InvalidOrder,
# InvalidNonce and RateLimitExceeded are NetworkErrors, ...).
_BY_CLASS: tuple[tuple[type[Exception], type[E.ExchangeError]], ...] = (
    (ccxt.DDoSProtection, E.RateLimited),
    (ccxt.RateLimitExceeded, E.RateLimited),
    (ccxt.InvalidNonce, E.ClockSkew),
    (ccxt.NetworkError, E.TemporaryError),  # RequestTimeout, ExchangeNotAvailable, OnMaintenance
    (ccxt.NullResponse, E.BadResponse),
    (ccxt.BadResponse, E.BadResponse),
    (ccxt.OperationFailed, E.TemporaryError),  # e.g. 5xx with {"code":-1001}, CancelPending
    (ccxt.AuthenticationError, E.AuthError),  # PermissionDenied, AccountSuspended
    (ccxt.OrderNotFound, E.OrderNotFound),
    (ccxt.OrderNotFillable, E.PostOnlyWouldTake),
    (ccxt.OrderImmediatelyFillable, E.PostOnlyWouldTake),
    (ccxt.DuplicateOrderId, E.DuplicateOrderId),
    (ccxt.InsufficientFunds, E.InsufficientFunds),
    (ccxt.BadSymbol, E.MarketNotFound),
    (ccxt.NotSupported, E.NotSupported),
)


def _is_binance(exchange_id: str | None) -> bool:
    return (exchange_id or "").startswith(_BINANCE_ERROR)


def _by_code(exchange_id: str | None, code: str | None) -> type[E.ExchangeError] | None:
    if code is None:
        return None
    if exchange_id == "bybit":
        return BYBIT_CODES.get(code)
    return _BINANCE_CODES.get(code) if _is_binance(exchange_id) else None


def _classify(
    exc: BaseException, exchange_id: str | None, code: str | None
) -> type[E.ExchangeError]:
    for ccxt_class, ours in _BY_CLASS:
        if isinstance(exc, ccxt_class):
            if ours is E.ClockSkew and isinstance(exc, ccxt.ChecksumError):
                return E.TemporaryError  # an order-book checksum, not our clock
            return ours
    by_code = _by_code(exchange_id, code)
    if by_code is not None:
        return by_code
    if isinstance(exc, ccxt.InvalidOrder):
        return E.OrderRejected
    if isinstance(exc, TimeoutError):
        return E.TemporaryError
    if isinstance(exc, ccxt.BaseError):
        return E.ExchangeError
    # ccxt's own parsers raise TypeError/KeyError/ValueError on payloads they cannot read.
    return E.BadResponse


def translate(
    exc: BaseException,
    *,
    account: str | None = None,
    exchange_id: str | None = None,
    secrets: Iterable[str | None] = (),
    headers: Mapping[str, str] | None = None,
) -> E.ExchangeError:
    """hedgebot's error for a ccxt (or transport/parsing) exception raised by one request.

    `headers` are the last response headers (`Retry-After` feeds `RateLimited.retry_after_s`);
    `secrets` are literal values (API key, secret, password) to redact from the message.
    Raise the result with `from None`.
    """
    if isinstance(exc, E.ExchangeError):
        return exc
    raw = str(exc) or type(exc).__name__
    code = error_code(raw)
    ours = _classify(exc, exchange_id, code)
    prefix = f"[{account}] " if account else ""
    message = scrub(f"{prefix}{type(exc).__name__}: {raw}", secrets)
    if ours is E.RateLimited:
        return E.RateLimited(
            message, retry_after_s=retry_after_seconds(headers), account=account, code=code
        )
    if ours is E.OrderRejected and code == "-2022":
        ours = E.ReduceOnlyRejected
    if code == "-1106" and "reduceonly" in raw.lower() and _is_binance(exchange_id):
        ours = E.PositionModeMismatch  # "Parameter 'reduceonly' sent when not required."
    return ours(message, account=account, code=code)
