"""translate.py: real ccxt exceptions (built directly, or raised by ccxt's own Binance error
handler from raw venue bodies) become the right hedgebot errors, with secrets scrubbed."""

from __future__ import annotations

import json

import ccxt
import pytest

from bot.exchange import errors as E
from bot.exchange.translate import error_code, retry_after_seconds, scrub, translate

FAPI = "https://fapi.binance.com/fapi/v1/order"
SPOT = "https://api.binance.com/api/v3/order"
LOOPBACK = "http://127.0.0.1:9/fapi/v1/order"


@pytest.mark.parametrize(
    ("ccxt_error", "ours"),
    [
        (ccxt.RequestTimeout, E.TemporaryError),
        (ccxt.NetworkError, E.TemporaryError),
        (ccxt.ExchangeNotAvailable, E.TemporaryError),
        (ccxt.OnMaintenance, E.TemporaryError),
        (ccxt.OperationFailed, E.TemporaryError),
        (ccxt.DDoSProtection, E.RateLimited),
        (ccxt.RateLimitExceeded, E.RateLimited),
        (ccxt.InvalidNonce, E.ClockSkew),
        (ccxt.AuthenticationError, E.AuthError),
        (ccxt.PermissionDenied, E.AuthError),
        (ccxt.AccountSuspended, E.AuthError),
        (ccxt.OrderNotFound, E.OrderNotFound),
        (ccxt.OrderNotFillable, E.PostOnlyWouldTake),
        (ccxt.OrderImmediatelyFillable, E.PostOnlyWouldTake),
        (ccxt.InsufficientFunds, E.InsufficientFunds),
        (ccxt.InvalidOrder, E.OrderRejected),
        (ccxt.DuplicateOrderId, E.DuplicateOrderId),
        (ccxt.BadSymbol, E.MarketNotFound),
        (ccxt.NotSupported, E.NotSupported),
        (ccxt.BadResponse, E.BadResponse),
        (ccxt.NullResponse, E.BadResponse),
        (ccxt.ExchangeError, E.ExchangeError),
        (ccxt.BadRequest, E.ExchangeError),
    ],
)
def test_class_mapping(ccxt_error: type[Exception], ours: type[E.ExchangeError]) -> None:
    """Each ccxt class lands on exactly the intended class of our tree."""
    translated = translate(ccxt_error("binance something"), account="main")
    assert type(translated) is ours
    assert translated.account == "main"


def test_invalid_order_2022_is_reduce_only_rejected() -> None:
    """InvalidOrder carrying -2022 is ReduceOnlyRejected, whatever the venue id."""
    body = '{"code":-2022,"msg":"ReduceOnly Order is rejected."}'
    translated = translate(ccxt.InvalidOrder(f"binanceusdm {body}"))
    assert type(translated) is E.ReduceOnlyRejected and translated.code == "-2022"


def _raised_by_binance(url: str, status: int, body: str) -> Exception:
    """The exception ccxt's own Binance error handler raises for this raw reply."""
    client = ccxt.binance()
    try:
        client.handle_errors(status, "x", url, "POST", {}, body, json.loads(body), {}, "")
    except Exception as exc:
        return exc
    raise AssertionError("ccxt raised nothing")


@pytest.mark.parametrize("url", [FAPI, LOOPBACK])
@pytest.mark.parametrize(
    ("code", "ours"),
    [
        (-2019, E.InsufficientFunds),
        (-5022, E.PostOnlyWouldTake),
        (-2022, E.ReduceOnlyRejected),
        (-4164, E.OrderRejected),
        (-1021, E.ClockSkew),
        (-2011, E.OrderNotFound),
        (-2013, E.OrderNotFound),
        (-2015, E.AuthError),
        (-1003, E.RateLimited),
    ],
)
def test_binance_codes_at_real_and_loopback_urls(
    url: str, code: int, ours: type[E.ExchangeError]
) -> None:
    """Binance codes classify the same at fapi.binance.com and at a loopback URL, where ccxt
    skips its per-market maps."""
    body = json.dumps({"code": code, "msg": "whatever the venue says"})
    translated = translate(_raised_by_binance(url, 400, body), exchange_id="binance")
    assert type(translated) is ours
    assert translated.code == str(code)


@pytest.mark.parametrize("url", [FAPI, LOOPBACK])
@pytest.mark.parametrize(
    "body",
    [
        '{"code":-4061,"msg":"Order\'s position side does not match user\'s setting."}',
        '{"code":-1106,"msg":"Parameter \'reduceonly\' sent when not required."}',
    ],
)
def test_position_mode_refusals_are_a_mode_mismatch(url: str, body: str) -> None:
    """Binance's hedge/one-way flag refusals (-4061, -1106 reduceonly) say the mode changed."""
    translated = translate(_raised_by_binance(url, 400, body), exchange_id="binance")
    assert type(translated) is E.PositionModeMismatch
    assert isinstance(translated, E.OrderRejected)


def test_other_parameter_refusals_stay_generic() -> None:
    """-1106 about another parameter is not mistaken for a position-mode mismatch."""
    body = '{"code":-1106,"msg":"Parameter \'timeinforce\' sent when not required."}'
    translated = translate(_raised_by_binance(FAPI, 400, body), exchange_id="binance")
    assert not isinstance(translated, E.PositionModeMismatch)


def test_spot_post_only_would_take_by_message() -> None:
    """Spot -2010 'would immediately match' is a PostOnlyWouldTake."""
    body = '{"code":-2010,"msg":"Order would immediately match and take."}'
    translated = translate(_raised_by_binance(SPOT, 400, body), exchange_id="binance")
    assert type(translated) is E.PostOnlyWouldTake


def test_margin_mode_already_set_keeps_its_code() -> None:
    """-4046 keeps its code so the gateway can treat 'already set' as success."""
    body = '{"code":-4046,"msg":"No need to change margin type."}'
    translated = translate(_raised_by_binance(FAPI, 400, body), exchange_id="binance")
    assert translated.code == "-4046"


def test_429_carries_retry_after() -> None:
    """A 429 becomes RateLimited with the Retry-After header's seconds."""
    exc = _raised_by_binance(FAPI, 429, '{"code":-1003,"msg":"Too many requests"}')
    translated = translate(exc, headers={"Retry-After": "7"})
    assert isinstance(translated, E.RateLimited) and translated.retry_after_s == 7.0


@pytest.mark.parametrize(
    ("headers", "expected"),
    [
        (None, None),
        ({}, None),
        ({"retry-after": "2.5"}, 2.5),
        ({"Retry-After": "-3"}, 0.0),
        ({"Retry-After": "soon"}, None),
        ({"Retry-After": "nan"}, None),
        ({"Retry-After": "Thu, 01 Jan 1970 00:01:40 GMT"}, 60.0),
    ],
)
def test_retry_after_parsing(headers: dict[str, str] | None, expected: float | None) -> None:
    """Retry-After is read as seconds or an HTTP date, clamped at 0, None when unusable."""
    assert retry_after_seconds(headers, now=lambda: 40.0) == expected


def test_secrets_are_scrubbed_from_messages() -> None:
    """Signatures, keys in URLs and literal secret values never survive translation."""
    url = (
        "https://fapi.binance.com/fapi/v2/account?timestamp=1&recvWindow=10000&signature=abc123def"
    )
    exc = ccxt.RequestTimeout(f"binance GET {url} apiKey=KEY-1234 secret: hunter22")
    message = str(translate(exc, secrets=["hunter22", "KEY-1234"]))
    for leaked in ("abc123def", "KEY-1234", "hunter22"):
        assert leaked not in message
    assert "signature=***" in message and "recvWindow=10000" in message


def test_scrub_leaves_plain_text_alone() -> None:
    """Messages without secrets come through unchanged."""
    assert scrub('binance {"code":-2019}', ["unrelated-secret"]) == 'binance {"code":-2019}'


def test_error_code_extraction() -> None:
    """Venue codes are read from JSON bodies inside ccxt messages."""
    assert error_code('binance {"code":-1021,"msg":"x"}') == "-1021"
    assert error_code('bybit {"retCode":10003}') == "10003"
    assert error_code("binance GET https://x") is None


def test_non_ccxt_errors() -> None:
    """A bare timeout is temporary; ccxt's parser choking (TypeError) is a BadResponse; our
    own errors pass through untouched."""
    assert type(translate(TimeoutError())) is E.TemporaryError
    assert type(translate(TypeError("'NoneType' object is not subscriptable"))) is E.BadResponse
    ours = E.OrderNotFound("gone")
    assert translate(ours) is ours
