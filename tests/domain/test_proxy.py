"""Proxy hedges through the whole decision: a holding hedged with a perp on another asset is
sized by value (holding priced at its own spot market), then scaled by beta.
Contracts signed (short < 0); holdings in coins; prices USDT per coin."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from bot.domain.decision import DecisionInputs, decide
from bot.domain.liquidation import MarginBracket
from bot.domain.memory import HedgeLegs, HedgeMemory
from bot.domain.model import (
    AccountSnapshot,
    Balance,
    MarginMode,
    Market,
    Position,
    Quote,
    Side,
    frozen_map,
)
from bot.domain.proxy import value_multiplier
from bot.domain.risk_policy import RiskPolicy

from ._factories import linear, policy

NOW = 1_795_000_000_000
ETH = "ETH/USDT:USDT"
BRACKETS = (MarginBracket(D(0), D(10_000_000), D("0.01"), D(0)),)


def _eth() -> Market:
    return replace(linear(symbol=ETH), base="ETH", exchange_symbol="ETHUSDT")


def _balances(**coins: str) -> dict[str, Balance]:
    return {a: Balance(a, D(v), D(0), D(v)) for a, v in coins.items()}


def _inputs(
    coins: str, holding_price: str | None, perp_price: str, beta: str, target: str
) -> DecisionInputs:
    market, p = _eth(), D(perp_price)
    quotes = {ETH: Quote(ETH, p - D("0.1"), p + D("0.1"), NOW, mark=p)}
    if holding_price is not None:
        h = D(holding_price)
        quotes["SOL/USDT"] = Quote("SOL/USDT", h - D("0.01"), h + D("0.01"), NOW, last=h)
    snapshot = AccountSnapshot(
        account="main",
        taken_at_ms=NOW,
        markets=frozen_map({ETH: market}),
        spot=frozen_map(_balances(SOL=coins)),
        futures=frozen_map(_balances(USDT="100000")),
        positions=frozen_map({ETH: Position(symbol=ETH, contracts=D(0), timestamp_ms=NOW)}),
        quotes=frozen_map(quotes),
    )
    hedge = policy(
        target,
        name="SOL",
        spot_asset="SOL",
        perp_symbol=ETH,
        beta=D(beta),
        max_ratio=D(1),
        margin_mode=MarginMode.CROSS,
        leverage=10,
    )
    return DecisionInputs(
        policy=hedge,
        risk_policy=RiskPolicy(),
        spot=snapshot,
        perp=snapshot,
        memory=HedgeMemory(HedgeLegs("main", "SOL", "main", ETH)),
        now_ms=NOW,
        max_age_ms=30_000,
        brackets=BRACKETS,
    )


@pytest.mark.parametrize(
    ("coins", "holding_price", "perp_price", "beta", "target", "short"),
    [
        ("100", "150", "3000", "1.2", "1", "6"),  # the example
        ("100", "150", "3000", "1", "1", "5"),  # value only: 15,000 USDT of ETH
        ("100", "150", "3000", "1.2", "0.5", "3"),  # half the target, half the short
        ("40", "25", "2000", "0.8", "1", "0.4"),  # 1,000 USDT × 0.8 = 800 USDT of ETH
    ],
)
def test_proxy_short_is_target_times_beta_times_holding_value(
    coins: str, holding_price: str, perp_price: str, beta: str, target: str, short: str
) -> None:
    """Short notional = target × beta × holding value at its own spot price, in perp units."""
    decision = decide(_inputs(coins, holding_price, perp_price, beta, target))
    sold = sum((o.amount for o in decision.plan.orders if o.side is Side.SELL), D(0))
    assert sold == D(short)
    assert decision.spot_amount == D(coins)


def test_proxy_reports_the_value_equivalence_as_its_multiplier() -> None:
    """100 SOL at 150 against ETH at 3,000: 20 SOL per ETH, an exposure of 5 ETH."""
    decision = decide(_inputs("100", "150", "3000", "1.2", "1"))
    assert decision.multiplier == 20 and decision.exposure == 5


def test_proxy_without_the_holding_price_is_refused_naming_the_market() -> None:
    """No SOL/USDT quote: the domain refuses to size the proxy and says which price is missing."""
    with pytest.raises(ValueError, match=r"hedges\.SOL: no SOL/USDT price"):
        decide(_inputs("100", None, "3000", "1.2", "1"))


def test_value_multiplier_refuses_a_zero_price() -> None:
    """A zero holding price would divide by zero: refused with the prices named."""
    with pytest.raises(ValueError, match="prices must be positive"):
        value_multiplier(D(0), D(3000))


def test_a_proxy_over_several_sources_sizes_their_sum() -> None:
    """With `holding_sources` (exchange spot + wallet) the holding is their sum, each part
    named, and the priced snapshot's own wallet is not counted a second time."""
    sources = (("main spot", _balances(SOL="60")), ("cold wallet", _balances(SOL="40")))
    inputs = replace(_inputs("60", "150", "3000", "1.2", "1"), holding_sources=sources)
    decision = decide(inputs)
    sold = sum((o.amount for o in decision.plan.orders if o.side is Side.SELL), D(0))
    assert sold == D(6) and decision.spot_amount == D(100)
    assert decision.holding is not None
    assert decision.holding.describe() == "60 SOL main spot + 40 SOL cold wallet"
