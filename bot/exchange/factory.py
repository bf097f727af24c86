"""Build one account's `CcxtExchange` for a mode: sim | testnet | demo | live.

- `sim`: unmodified ccxt pointed at a hedgebot simulator (`bot.exchange.sim_client`).
- `testnet`: ccxt `set_sandbox_mode(True)`. **Binance futures have no testnet in ccxt any
  more** (ccxt refuses private calls to testnet.binancefuture.com): for Binance use
  `mode: demo`, which is Binance demo trading (demo-api / demo-fapi.binance.com) and covers
  both the spot and the USDⓈ-M leg. Bybit has a testnet (api-testnet.bybit.com).
- `demo`: ccxt `enable_demo_trading(True)` (Binance demo trading, Bybit demo trading).
- `live`: the real venue.

Secrets only travel into the ccxt instance and into the gateway's message scrubber.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from typing import Any, Literal

import ccxt.async_support as ccxt

from bot.domain.model import PositionMode
from bot.exchange.bybit_venue import gateway_class
from bot.exchange.ccxt_gateway import CcxtExchange
from bot.exchange.errors import NotSupported
from bot.exchange.retry import CircuitBreaker, RetryPolicy

__all__ = ["MODES", "Mode", "build_exchange"]

Mode = Literal["sim", "testnet", "demo", "live"]
MODES: tuple[str, ...] = ("sim", "testnet", "demo", "live")
_NO_FUTURES_TESTNET = ("binance", "binanceusdm", "binancecoinm")

# Per-venue defaults, merged under the caller's options. For Binance: sync the clock when
# markets load; skip the currency and margin-pair downloads (private /sapi calls we never
# need: currencies are derived from markets); load spot, USDⓈ-M and COIN-M markets (the
# latter for inverse hedges such as BTC/USD:BTC; one more exchangeInfo call per load).
_DEFAULT_OPTIONS: Mapping[str, Mapping[str, Any]] = {
    "binance": {
        "adjustForTimeDifference": True,
        "fetchCurrencies": False,
        "fetchMargins": False,
        "fetchMarkets": {"types": ["spot", "linear", "inverse"]},
    },
    "binanceusdm": {
        "adjustForTimeDifference": True,
        "fetchCurrencies": False,
        "fetchMargins": False,
    },
    # Bybit: no option listings (six more instruments-info calls per load).
    "bybit": {"fetchMarkets": {"types": ["spot", "linear", "inverse"]}},
}


def _merged_options(exchange_id: str, options: Mapping[str, Any] | None) -> dict[str, Any]:
    merged: dict[str, Any] = {"adjustForTimeDifference": True}
    merged.update(_DEFAULT_OPTIONS.get(exchange_id, {}))
    for key, value in (options or {}).items():
        current = merged.get(key)
        if isinstance(value, Mapping) and isinstance(current, Mapping):
            merged[key] = {**current, **value}
        else:
            merged[key] = value
    return merged


def _check_exchange_id(exchange_id: str) -> None:
    if exchange_id in ccxt.exchanges:
        return
    close = difflib.get_close_matches(exchange_id, ccxt.exchanges, n=3)
    hint = f"; did you mean {', '.join(close)}?" if close else " (e.g. binance, bybit, okx)"
    raise NotSupported(f"exchange: {exchange_id!r} is not a ccxt exchange id{hint}")


def _position_mode(value: str) -> PositionMode | None:
    if value == "auto":
        return None
    try:
        return PositionMode(value)
    except ValueError:
        raise NotSupported(f"position_mode: {value!r} is not auto, one_way or hedge") from None


def _venue_client(
    exchange_id: str,
    mode: str,
    *,
    api_key: str | None,
    secret: str | None,
    password: str | None,
    options: dict[str, Any],
    timeout_ms: int | None,
) -> Any:
    config: dict[str, Any] = {
        "apiKey": api_key,
        "secret": secret,
        "options": options,
        # ccxt's default leaky bucket spaces every request by `rateLimit` ms, so a 4-hedge
        # cycle took ~2 s at any latency; a 60 s rolling window still honours the venue's
        # per-minute weight budget while letting one cycle's burst through (docs/benchmarks.md).
        "rateLimiterAlgorithm": "rollingWindow",
        "rollingWindowSize": 60000,
        # The window holds rollingWindowSize / rateLimit cost units: 2,400, Binance's futures
        # weight per minute (ccxt's 50 ms gives 1,200, half the venue's budget, which a
        # 100-hedge daemon at a 5 s poll would hit; the engine watches the venue's own
        # X-MBX-USED-WEIGHT-1M and defers reads before that, see bot/engine/weight_budget.py).
        "rateLimit": 25,
    }
    if password:
        config["password"] = password
    if timeout_ms is not None:
        config["timeout"] = timeout_ms
    client = getattr(ccxt, exchange_id)(config)
    if mode == "testnet":
        if exchange_id in _NO_FUTURES_TESTNET:
            raise NotSupported(
                "mode: testnet: ccxt has retired the Binance futures testnet; "
                "use `mode: demo` (Binance demo trading) instead"
            )
        if "test" not in client.urls:
            raise NotSupported(f"mode: {exchange_id} has no testnet in ccxt; use demo or sim")
        client.set_sandbox_mode(True)
    elif mode == "demo":
        try:
            client.enable_demo_trading(True)
        except (KeyError, ccxt.NotSupported):  # base class reads urls['demo'] unconditionally
            raise NotSupported(
                f"mode: {exchange_id} has no demo trading in ccxt; use testnet or sim"
            ) from None
    return client


def _sim_client(
    exchange_id: str,
    sim_url: str | None,
    *,
    api_key: str | None,
    secret: str | None,
    options: dict[str, Any],
    timeout_ms: int | None,
) -> Any:
    from bot.exchange.sim_client import SIM_EXCHANGES, make_sim_exchange  # sim-only dependency

    if not sim_url:
        raise NotSupported("url: mode sim needs a simulator url")
    if exchange_id not in SIM_EXCHANGES:
        raise NotSupported(
            f"exchange: the simulator (mode sim) speaks {_spoken(SIM_EXCHANGES)} only, "
            f"not {exchange_id}; use one of those, or mode testnet, demo or live to trade "
            f"{exchange_id}"
        )
    keys = {"api_key": api_key, "secret": secret}
    try:
        return make_sim_exchange(
            exchange_id,
            sim_url,
            **{k: v for k, v in keys.items() if v},
            options=options,
            timeout_ms=timeout_ms,
        )
    except ValueError as exc:
        raise NotSupported(f"url: {exc}") from None


def _client(
    exchange_id: str, mode: str, sim_url: str | None, options: dict[str, Any], **kw: Any
) -> Any:
    _check_exchange_id(exchange_id)
    if mode not in MODES:
        raise NotSupported(f"mode: {mode!r} is not one of {', '.join(MODES)}")
    if mode == "sim":
        kw.pop("password", None)
        return _sim_client(exchange_id, sim_url, options=options, **kw)
    return _venue_client(exchange_id, mode, options=options, **kw)


def build_exchange(
    account_name: str,
    *,
    exchange_id: str,
    mode: str,
    api_key: str | None,
    secret: str | None,
    password: str | None = None,
    sim_url: str | None = None,
    options: Mapping[str, Any] | None = None,
    timeout_ms: int | None = None,
    retry: RetryPolicy | None = None,
    breaker: CircuitBreaker | None = None,
    position_mode: str = "auto",
) -> CcxtExchange:
    """The gateway for account `account_name` on ccxt venue `exchange_id` in `mode`.

    `sim_url` is required for `sim` (e.g. "http://127.0.0.1:8099"); in sim mode missing keys
    default to the simulator's demo account. `options` are ccxt options merged over hedgebot's
    per-venue defaults; `timeout_ms` is ccxt's per-request timeout (default 10 000 ms).
    `position_mode` is auto (follow the venue), one_way or hedge (set on the venue when it
    differs, on first use; see `ccxt_position_mode`).
    Raises NotSupported naming the field (`accounts.<name>.exchange`, `.mode`, `.url`,
    `.position_mode`) for an unknown exchange or mode, a mode the venue does not offer, or an
    exchange the simulator does not serve.
    """
    try:
        wanted = _position_mode(position_mode)
        client = _client(
            exchange_id,
            mode,
            sim_url,
            _merged_options(exchange_id, options),
            api_key=api_key,
            secret=secret,
            password=password,
            timeout_ms=timeout_ms,
        )
    except NotSupported as exc:
        raise NotSupported(f"accounts.{account_name}.{exc}", account=account_name) from None
    gateway = gateway_class(exchange_id, wanted, account_name)
    return gateway(
        account_name,
        client,
        retry=retry,
        breaker=breaker or CircuitBreaker(name=account_name),
        secrets=(api_key, secret, password),
        position_mode=wanted,
    )


def _spoken(names: tuple[str, ...]) -> str:
    """'a, b and c' for the refusal text."""
    return " and ".join(names) if len(names) < 3 else f"{', '.join(names[:-1])} and {names[-1]}"
