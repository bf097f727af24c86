"""The Bybit gateway against the simulator's Bybit v5 routes (real ccxt bybit, real HTTP):
the unified wallet as holdings and margin, positions, leverage, the account's margin mode and
the key's permissions."""

from __future__ import annotations

import itertools
import uuid
from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import pytest

from bot.domain.model import MarginMode, Wallet
from bot.exchange.bybit_gateway import BybitExchange
from bot.exchange.factory import build_exchange

from .simulated import FAST, PERP, Sim


async def bybit_gateway(sim: Sim, unified: dict[str, Any], **fields: Any) -> BybitExchange:
    """A new Bybit account on the simulator with the `unified` wallet, and its gateway."""
    key = f"bb-{uuid.uuid4().hex[:10]}"
    body = {"api_key": key, "secret": key + "-s", "venue": "bybit", "unified": unified, **fields}
    await sim.post("/sim/accounts", body)
    await sim.post("/sim/price", {"symbol": "BTCUSDT", "price": "60000"})
    gateway = build_exchange("main", exchange_id="bybit", mode="sim", sim_url=sim.url,
                             api_key=key, secret=key + "-s", retry=FAST)  # fmt: skip
    assert isinstance(gateway, BybitExchange)
    return gateway


@pytest.fixture
async def bybit(sim: Sim) -> AsyncIterator[BybitExchange]:
    gateway = await bybit_gateway(sim, {"USDT": "20000", "BTC": "1"})
    yield gateway
    await gateway.close()


async def test_unified_wallet_is_the_holding_and_the_margin(bybit: BybitExchange) -> None:
    """One wallet: 1 BTC held as spot, 20,000 USDT as the perp's margin."""
    assert (await bybit.fetch_balances(Wallet.SPOT))["BTC"].total == 1
    assert (await bybit.fetch_balances(Wallet.FUTURES))["USDT"].total == Decimal(20000)
    assert (await bybit.market(PERP)).unified_margin


async def test_a_flat_perp_reads_flat(bybit: BybitExchange) -> None:
    """The simulator lists the symbol's row with size 0: no position, not an error."""
    assert await bybit.fetch_positions([PERP]) == {}


async def test_leverage_twice_is_fine(bybit: BybitExchange) -> None:
    """Setting the same leverage again (Bybit 110043) is success."""
    await bybit.set_leverage(PERP, 3)
    await bybit.set_leverage(PERP, 3)


async def test_margin_mode_is_the_accounts(sim: Sim, bybit: BybitExchange) -> None:
    """Isolated is set on the whole account (ISOLATED_MARGIN)."""
    await bybit.set_margin_mode(PERP, MarginMode.ISOLATED)
    state = await sim.get("/sim/state")
    key = bybit._client.apiKey
    assert state["accounts"][key]["marginMode"] == "ISOLATED_MARGIN"


async def test_withdrawal_keys_are_reported(sim: Sim) -> None:
    """A key created with withdrawal permission is reported as able to withdraw."""
    gateway = await bybit_gateway(sim, {"USDT": "1"}, can_withdraw=True)
    try:
        assert (await gateway.fetch_api_restrictions()).can_withdraw is True
    finally:
        await gateway.close()


async def test_quote_and_brackets_of_the_perp(bybit: BybitExchange) -> None:
    """The perp's touch, mark (tickers) and risk-limit brackets, lowest notional first."""
    quote = await bybit.fetch_quote(PERP)
    assert quote.bid < quote.ask and quote.mark is not None
    brackets = await bybit.fetch_margin_brackets(PERP)
    assert brackets[0].notional_floor == 0 and brackets[0].maint_margin_ratio > 0
    assert all(a.notional_cap <= b.notional_floor for a, b in itertools.pairwise(brackets))
