"""`exchange: bybit` in every mode: sim (the simulator URL on all five Bybit hosts), testnet
(ccxt sandbox), demo (ccxt demo trading), live; refusals name the field."""

from __future__ import annotations

import pytest

from bot.exchange.bybit_gateway import BybitExchange
from bot.exchange.errors import NotSupported
from bot.exchange.factory import build_exchange

KEYS = {"api_key": "key-123456", "secret": "secret-abcdef"}


@pytest.mark.parametrize(
    ("mode", "host"),
    [("testnet", "https://api-testnet.bybit.com"), ("demo", "https://api-demo.bybit.com"),
     ("live", "https://api.bybit.com")],
)  # fmt: skip
async def test_each_mode_reaches_its_bybit_host(mode: str, host: str) -> None:
    """testnet, demo and live each put every Bybit API family on that mode's host."""
    exchange = build_exchange("main", exchange_id="bybit", mode=mode, **KEYS)
    try:
        assert isinstance(exchange, BybitExchange)
        hosts = {
            exchange._client.implode_hostname(u) for u in exchange._client.urls["api"].values()
        }
        assert hosts == {host}
    finally:
        await exchange.close()


async def test_sim_mode_points_every_bybit_host_at_the_simulator() -> None:
    """mode sim sends all five Bybit API families to the simulator, as a unified account."""
    exchange = build_exchange(
        "main", exchange_id="bybit", mode="sim", sim_url="http://127.0.0.1:9", **KEYS
    )
    try:
        assert set(exchange._client.urls["api"].values()) == {"http://127.0.0.1:9"}
        assert exchange._client.options["enableUnifiedAccount"] is True
        assert "option" not in exchange._client.options["fetchMarkets"]["types"]
    finally:
        await exchange.close()


async def test_hedge_position_mode_is_refused_naming_the_field() -> None:
    """Bybit is traded in one-way mode: position_mode hedge names the field and the fix."""
    with pytest.raises(NotSupported, match=r"^accounts\.main\.position_mode: hedge.*one_way"):
        build_exchange("main", exchange_id="bybit", mode="live", position_mode="hedge", **KEYS)
