"""factory.py: modes map onto ccxt's sandbox/demo switches, bad ids and modes are clear errors,
and secrets never show in the gateway's repr. No network: only URLs are inspected."""

from __future__ import annotations

from typing import Any

import pytest

from bot.exchange.errors import NotSupported
from bot.exchange.factory import build_exchange

KEYS: dict[str, Any] = {"api_key": "AKIAxyz-key", "secret": "s3cr3t-value"}


async def test_unknown_exchange_id_is_named_with_suggestions() -> None:
    """A misspelt id names itself and suggests close ccxt ids."""
    with pytest.raises(NotSupported, match=r"'binanse'.*binance"):
        build_exchange("main", exchange_id="binanse", mode="live", **KEYS)


async def test_unknown_mode_is_refused() -> None:
    """Only sim/testnet/demo/live are modes."""
    with pytest.raises(NotSupported, match="paper"):
        build_exchange("main", exchange_id="binance", mode="paper", **KEYS)


@pytest.mark.parametrize("exchange_id", ["binance", "binanceusdm"])
async def test_binance_testnet_points_to_demo(exchange_id: str) -> None:
    """Binance futures testnet is retired in ccxt: the error tells the user to use demo."""
    with pytest.raises(NotSupported, match="mode: demo"):
        build_exchange("main", exchange_id=exchange_id, mode="testnet", **KEYS)


async def test_binance_demo_uses_demo_hosts() -> None:
    """mode demo switches every Binance API family to the demo-trading hosts."""
    exchange = build_exchange("main", exchange_id="binance", mode="demo", **KEYS)
    try:
        urls = exchange._client.urls["api"]
        assert urls["fapiPrivate"].startswith("https://demo-fapi.binance.com")
        assert urls["private"].startswith("https://demo-api.binance.com")
    finally:
        await exchange.close()


async def test_bybit_testnet_and_live_hosts() -> None:
    """Bybit testnet uses api-testnet; live keeps the production host."""
    testnet = build_exchange("acct", exchange_id="bybit", mode="testnet", **KEYS)
    live = build_exchange("acct", exchange_id="bybit", mode="live", **KEYS)
    try:
        assert "api-testnet" in str(testnet._client.urls["api"])
        assert "api-testnet" not in str(live._client.urls["api"])
    finally:
        await testnet.close()
        await live.close()


async def test_sim_mode_needs_a_url() -> None:
    """mode sim without a simulator URL is a clear configuration error."""
    with pytest.raises(NotSupported, match="simulator url"):
        build_exchange("main", exchange_id="binance", mode="sim", **KEYS)


async def test_user_options_merge_over_defaults() -> None:
    """Caller options override hedgebot's defaults key by key (nested dicts merged)."""
    exchange = build_exchange(
        "main",
        exchange_id="binance",
        mode="live",
        options={"fetchMarkets": {"loadAllOptions": True}, "recvWindow": 5000},
        **KEYS,
    )
    try:
        options = exchange._client.options
        assert options["fetchMarkets"]["types"] == ["spot", "linear", "inverse"]
        assert options["fetchMarkets"]["loadAllOptions"] is True
        assert options["recvWindow"] == 5000 and options["adjustForTimeDifference"] is True
    finally:
        await exchange.close()


async def test_repr_hides_secrets() -> None:
    """The gateway's repr names account and venue only."""
    exchange = build_exchange("main", exchange_id="binance", mode="live", **KEYS)
    try:
        text = repr(exchange)
        assert "main" in text and "binance" in text
        assert KEYS["api_key"] not in text and KEYS["secret"] not in text
    finally:
        await exchange.close()


def test_live_clients_rate_limit_with_a_rolling_window() -> None:
    """ccxt's limiter stays on, as a 60 s rolling window: a cycle's burst is not spaced out."""
    from bot.exchange.factory import build_exchange

    ex = build_exchange("main", exchange_id="binance", mode="live", api_key="k", secret="s")
    client = ex._client
    assert client.enableRateLimit is True
    assert client.tokenBucket["algorithm"] == "rollingWindow"
    assert client.rollingWindowSize == 60000


@pytest.mark.parametrize(
    ("kwargs", "field"),
    [
        ({"exchange_id": "okx", "mode": "sim", "sim_url": "http://127.0.0.1:9"}, "exchange"),
        ({"exchange_id": "binanse", "mode": "live"}, "exchange"),
        ({"exchange_id": "binance", "mode": "paper"}, "mode"),
        ({"exchange_id": "binance", "mode": "testnet"}, "mode"),
        ({"exchange_id": "binance", "mode": "sim"}, "url"),
        ({"exchange_id": "binance", "mode": "live", "position_mode": "dual"}, "position_mode"),
    ],
)
async def test_refusals_name_the_account_field(kwargs: dict[str, Any], field: str) -> None:
    """Every refusal names accounts.<name>.<field> and carries the account for the CLI."""
    with pytest.raises(NotSupported) as caught:
        build_exchange("main", **KEYS, **kwargs)
    assert str(caught.value).startswith(f"accounts.main.{field}: ")
    assert caught.value.account == "main"


async def test_sim_refuses_an_exchange_it_does_not_serve_with_what_to_do() -> None:
    """okx with mode sim says which exchanges the simulator speaks and which modes fit."""
    only = r"binance, binanceusdm, binancecoinm and bybit only.*testnet, demo or live"
    with pytest.raises(NotSupported, match=only):
        build_exchange("main", exchange_id="okx", mode="sim", sim_url="http://127.0.0.1:9", **KEYS)
