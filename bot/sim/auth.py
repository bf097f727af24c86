"""Binance request authentication: API key, HMAC-SHA256 signature, timestamp/recvWindow.

Binance signs `totalParams` = the query string followed by the request body, exactly as sent
(percent-encoding included), with the `signature` parameter removed. ccxt puts every parameter
of a GET/DELETE in the query and every parameter of a POST in a form-urlencoded body, with
`signature=` appended last; verifying over the raw text keeps us byte-exact with any client.

The recvWindow check is against the server's clock as each client may know it: the host's
wall clock plus one of the offsets clients can have learned through /time (`bot.sim.clock`).
"""

from __future__ import annotations

import hashlib
import hmac
from collections.abc import Callable, Collection
from dataclasses import dataclass
from urllib.parse import parse_qsl

from bot.sim.errors import SimError

__all__ = [
    "DEFAULT_RECV_WINDOW_MS",
    "MAX_RECV_WINDOW_MS",
    "SignedRequest",
    "parse_params",
    "sign",
    "verify_signed",
]

DEFAULT_RECV_WINDOW_MS = 5000
MAX_RECV_WINDOW_MS = 60000
_FUTURE_TOLERANCE_MS = 1000  # Binance accepts timestamps up to 1 s ahead of its clock

_BAD_KEY = "Invalid API-key, IP, or permissions for action."


@dataclass(frozen=True)
class SignedRequest:
    """An authenticated request: the account's API key and its parameters (last value wins)."""

    api_key: str
    params: dict[str, str]


def sign(payload: str, secret: str) -> str:
    """Hex HMAC-SHA256 of `payload` under `secret`, as Binance and ccxt compute it."""
    return hmac.new(secret.encode(), payload.encode(), hashlib.sha256).hexdigest()


def parse_params(*raw_parts: str) -> dict[str, str]:
    """Decode urlencoded parts (query, body) into one dict; later parts override earlier ones."""
    params: dict[str, str] = {}
    for raw in raw_parts:
        if raw:
            params.update(parse_qsl(raw, keep_blank_values=True))
    return params


def verify_signed(
    *,
    api_key: str | None,
    raw_query: str,
    raw_body: str,
    secret_for: Callable[[str], str | None],
    wall_ms: int,
    offsets_ms: Collection[int] = (0,),
) -> SignedRequest:
    """Authenticate a signed Binance request or raise `SimError` as Binance would.

    `raw_query`/`raw_body` are the undecoded query string and form body; `secret_for` maps an
    API key to its secret (None for an unknown key); `wall_ms` is the host's clock in ms and
    `offsets_ms` the clock offsets a client may sign with: the timestamp must sit inside the
    recvWindow of `wall_ms + k` for one of them (-1021 otherwise).
    """
    if not api_key:
        raise SimError(-2014, "API-key format invalid.", 401)
    secret = secret_for(api_key)
    if secret is None:
        raise SimError(-2015, _BAD_KEY, 401)
    unsigned, signature = _split_signature(_join(raw_query, raw_body))
    params = parse_params(unsigned)
    if signature is None:
        raise SimError(
            -1102, "Mandatory parameter 'signature' was not sent, was empty/null, or malformed."
        )
    if not hmac.compare_digest(sign(unsigned, secret), signature.lower()):
        raise SimError(-1022, "Signature for this request is not valid.")
    _check_timestamp(params, [wall_ms + k for k in offsets_ms])
    return SignedRequest(api_key=api_key, params=params)


def _join(raw_query: str, raw_body: str) -> str:
    # Binance's totalParams is the plain concatenation; ccxt never sends both, but a client
    # that does gets the same treatment as on the real venue.
    return raw_query + raw_body


def _split_signature(total: str) -> tuple[str, str | None]:
    """Remove the `signature=` pair from the raw text, keeping everything else byte-exact."""
    kept: list[str] = []
    signature: str | None = None
    for pair in total.split("&"):
        if pair.startswith("signature="):
            signature = pair[len("signature=") :]
        elif pair:
            kept.append(pair)
    return "&".join(kept), (signature or None)


def _check_timestamp(params: dict[str, str], server_clocks: list[int]) -> None:
    """Binance accepts `server - recvWindow <= timestamp < server + 1 s`; here `server` may be
    any of the clocks a client can be on."""
    timestamp = _int_param(params, "timestamp", required=True)
    recv_window = _int_param(params, "recvWindow", required=False)
    window = DEFAULT_RECV_WINDOW_MS if recv_window is None else recv_window
    if window <= 0 or window > MAX_RECV_WINDOW_MS:
        raise SimError(-1131, f"recvWindow must be less than {MAX_RECV_WINDOW_MS}.")
    assert timestamp is not None  # required=True guarantees it
    if not any(
        server - window <= timestamp < server + _FUTURE_TOLERANCE_MS for server in server_clocks
    ):
        raise SimError(-1021, "Timestamp for this request is outside of the recvWindow.")


def _int_param(params: dict[str, str], name: str, *, required: bool) -> int | None:
    raw = params.get(name)
    if raw is None or raw == "":
        if required:
            raise SimError(
                -1102, f"Mandatory parameter '{name}' was not sent, was empty/null, or malformed."
            )
        return None
    try:
        return int(raw)
    except ValueError:
        raise SimError(
            -1100,
            f"Illegal characters found in parameter '{name}'; legal range is '^[0-9]{{1,20}}$'.",
        ) from None
