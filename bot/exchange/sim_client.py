"""Build an unmodified ccxt Binance or Bybit exchange that talks to a hedgebot simulator URL.

This is the one place that knows how to point ccxt at the simulator (`hedgebot sim`, the
daemon's `mode: sim`, the tests). It rewrites every `urls['api']` entry to the simulator's base
URL, turns off the private fetches `load_markets` would otherwise make (currencies, margin
pairs), and patches ccxt's URL-keyed error maps so that Binance's market-specific codes raise the
same ccxt exceptions at a loopback URL as they do at api.binance.com / fapi.binance.com.

It deliberately does not import `bot.sim`: the simulator is just another venue on the wire.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import urlsplit

import ccxt.async_support as ccxt_async

from bot.exchange.bybit_venue import BYBIT, SIM_OPTIONS

__all__ = ["SIM_API_KEY", "SIM_EXCHANGES", "SIM_SECRET", "make_sim_exchange"]

SIM_API_KEY = "sim-key"
SIM_SECRET = "sim-secret"  # the simulator's public demo credential, not a secret

# Which markets load_markets fetches per class (the simulator lists spot, USDⓈ-M perpetuals
# and quarterlies, and COIN-M perpetuals and quarterlies; options would ask it for /eapi).
_MARKET_TYPES = {
    "binance": ["spot", "linear", "inverse"],
    "binanceusdm": ["linear"],
    "binancecoinm": ["inverse"],
    "bybit": ["spot", "linear", "inverse"],  # Bybit v5 (unified account)
}
SIM_EXCHANGES: tuple[str, ...] = tuple(_MARKET_TYPES)  # the ccxt ids the simulator serves


def make_sim_exchange(
    exchange_id: str,
    url: str,
    *,
    api_key: str = SIM_API_KEY,
    secret: str = SIM_SECRET,
    options: dict[str, Any] | None = None,
    timeout_ms: int | None = None,
) -> Any:
    """Return `ccxt.async_support.<exchange_id>` wired to the simulator at `url`.

    `exchange_id` is "binance" (spot, USDⓈ-M and COIN-M through one class), "binanceusdm",
    "binancecoinm" or "bybit" (v5, a unified account: its five API hosts all at `url`);
    `url` is the simulator's base URL, e.g. "http://127.0.0.1:8099" (no trailing path).
    `options` are merged over the simulator defaults; `timeout_ms` is ccxt's request timeout.
    The caller owns the instance and must `await exchange.close()`.
    """
    if exchange_id not in _MARKET_TYPES:
        known = ", ".join(sorted(_MARKET_TYPES))
        raise ValueError(f"exchange_id {exchange_id!r} is not supported by the simulator ({known})")
    base = _base_url(url)
    config: dict[str, Any] = {
        "apiKey": api_key,
        "secret": secret,
        "enableRateLimit": False,
        "options": _sim_options(exchange_id, options or {}),
    }
    if timeout_ms is not None:
        config["timeout"] = timeout_ms
    exchange = getattr(ccxt_async, exchange_id)(config)
    exchange.urls["api"] = _rewrite_api_urls(exchange.urls["api"], base)
    # The sandbox/demo switches would swap our URLs back out; nothing else consults them.
    exchange.urls.pop("test", None)
    exchange.has["fetchCurrencies"] = False
    # close() waits this long for TLS sockets to shut down; plain-HTTP loopback needs none.
    exchange.timeout_on_exit = 0
    if exchange_id != BYBIT:  # Bybit maps its codes without looking at the URL
        _patch_error_maps(exchange, base)
    return exchange


def _base_url(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"simulator url {url!r} must look like http://127.0.0.1:8099")
    return f"{parts.scheme}://{parts.netloc}"


def _sim_options(exchange_id: str, overrides: dict[str, Any]) -> dict[str, Any]:
    if exchange_id == BYBIT:
        return _merged({**SIM_OPTIONS, "fetchMarkets": dict(SIM_OPTIONS["fetchMarkets"])},
                       overrides)  # fmt: skip
    options: dict[str, Any] = {
        "fetchCurrencies": False,  # else load_markets calls /sapi/v1/capital/config/getall
        "fetchMargins": False,  # else it calls /sapi/v1/margin/allPairs and isolated/allPairs
        "fetchMarkets": {"types": list(_MARKET_TYPES[exchange_id]), "loadAllOptions": False},
        "fetchOpenOrders": {"warnWithoutSymbol": False},
        "warnOnFetchOpenOrdersWithoutSymbol": False,
    }
    return _merged(options, overrides)


def _merged(options: dict[str, Any], overrides: dict[str, Any]) -> dict[str, Any]:
    for key, value in overrides.items():
        if isinstance(value, dict) and isinstance(options.get(key), dict):
            options[key] = {**options[key], **value}
        else:
            options[key] = value
    return options


def _rewrite_api_urls(api_urls: dict[str, Any], base: str) -> dict[str, Any]:
    """Keep each endpoint family's path ('/fapi/v3', '/sapi/v1', ...) on the simulator host."""
    rewritten: dict[str, Any] = {}
    for key, value in api_urls.items():
        if isinstance(value, str):
            rewritten[key] = base + urlsplit(value).path
        else:
            rewritten[key] = value
    return rewritten


def _market_type_for(url: str, base: str) -> str | None:
    path = url[len(base) :]
    if path.startswith("/fapi/"):
        return "linear"
    if path.startswith("/dapi/"):
        return "inverse"
    if path.startswith(("/api/", "/sapi/")):
        return "spot"
    return None


def _patch_error_maps(exchange: Any, base: str) -> None:
    """ccxt picks Binance's per-market error maps by URL prefix (https://fapi.binance.com/...),
    so at a loopback URL -2019/-5022/-2022/-4164 would all degrade to a bare ExchangeError.
    Route simulator URLs to the same per-market maps the real hosts get."""
    original = exchange.get_exceptions_by_url

    def exceptions_by_url(url: str | None, exact_or_broad: str) -> dict[str, Any]:
        if url is not None and url.startswith(base + "/"):
            market_type = _market_type_for(url, base)
            if market_type is not None:
                by_type = exchange.safe_dict(exchange.exceptions, market_type, {})
                mapped: dict[str, Any] = exchange.safe_dict(by_type, exact_or_broad, {})
                return mapped
        fallback: dict[str, Any] = original(url, exact_or_broad)
        return fallback

    exchange.get_exceptions_by_url = exceptions_by_url
