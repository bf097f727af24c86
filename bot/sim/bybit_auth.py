"""Bybit v5 request authentication: `X-BAPI-*` headers, HMAC-SHA256 signature, recv window.

Bybit signs `timestamp + apiKey + recvWindow + payload`, where the payload is the raw query
string of a GET and the raw JSON body of a POST (hex HMAC-SHA256 under the secret, sent as
`X-BAPI-SIGN`). A request is accepted when `server − recvWindow <= timestamp < server + 1 s`;
`server` is the host's wall clock plus one of the offsets clients learned through
/v5/market/time (`bot.sim.clock`). POST bodies are JSON objects whose values ccxt sends as
strings, numbers or booleans; they are handed on as strings ("true"/"false" for booleans).
"""

from __future__ import annotations

import hmac
import json
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass

from bot.sim.auth import parse_params, sign
from bot.sim.bybit_errors import BybitCode, bybit_params_error
from bot.sim.errors import SimError

__all__ = ["BybitSigned", "bybit_payload", "verify_bybit"]

DEFAULT_RECV_WINDOW_MS = 5000
_FUTURE_TOLERANCE_MS = 1000


@dataclass(frozen=True)
class BybitSigned:
    """An authenticated Bybit request: the account's API key and its parameters."""

    api_key: str
    params: dict[str, str]


def bybit_payload(timestamp: str, api_key: str, recv_window: str, body_or_query: str) -> str:
    """The text Bybit signs."""
    return timestamp + api_key + recv_window + body_or_query


def verify_bybit(
    *,
    headers: Mapping[str, str],
    method: str,
    raw_query: str,
    raw_body: str,
    secret_for: Callable[[str], str | None],
    wall_ms: int,
    offsets_ms: Collection[int] = (0,),
) -> BybitSigned:
    """Authenticate a private Bybit request or raise `SimError` with Bybit's code
    (10003 unknown or missing key, 10004 bad signature, 10002 timestamp outside the window,
    10001 malformed body)."""
    api_key = headers.get("X-BAPI-API-KEY", "")
    secret = secret_for(api_key) if api_key else None
    if secret is None:
        raise SimError(BybitCode.API_KEY, "API key is invalid.")
    timestamp = headers.get("X-BAPI-TIMESTAMP", "")
    recv_window = headers.get("X-BAPI-RECV-WINDOW", "")
    payload = raw_body if method == "POST" else raw_query
    expected = sign(bybit_payload(timestamp, api_key, recv_window, payload), secret)
    if not hmac.compare_digest(expected, headers.get("X-BAPI-SIGN", "").lower()):
        raise SimError(BybitCode.SIGN, "error sign! origin_string[(hidden)]")
    _check_window(timestamp, recv_window, [wall_ms + k for k in offsets_ms])
    params = _json_params(raw_body) if method == "POST" else parse_params(raw_query)
    return BybitSigned(api_key, params)


def _check_window(timestamp: str, recv_window: str, server_clocks: list[int]) -> None:
    if not timestamp.isdigit():
        raise bybit_params_error(f"X-BAPI-TIMESTAMP {timestamp!r} is not epoch milliseconds")
    window = int(recv_window) if recv_window.isdigit() else DEFAULT_RECV_WINDOW_MS
    ts = int(timestamp)
    if not any(s - window <= ts < s + _FUTURE_TOLERANCE_MS for s in server_clocks):
        server = server_clocks[-1]
        raise SimError(
            BybitCode.TIMESTAMP,
            "invalid request, please check your server timestamp or recv_window param. "
            f"req_timestamp[{ts}],server_timestamp[{server}],recv_window[{window}]",
        )


def _text(value: object) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    return str(value)


def _json_params(raw_body: str) -> dict[str, str]:
    if not raw_body.strip():
        return {}
    try:
        data = json.loads(raw_body)
    except json.JSONDecodeError:
        raise bybit_params_error("the request body is not JSON") from None
    if not isinstance(data, dict):
        raise bybit_params_error("the request body must be a JSON object")
    return {str(k): _text(v) for k, v in data.items() if v is not None}
