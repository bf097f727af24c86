"""Instruments through the whole decision: an inverse COIN-M hedge counts its coin margin
and sizes in 100-USD contracts; a 1000PEPE perp sizes PEPE spot in its own base.
Contracts signed (short < 0); holdings in coins of the spot asset; prices USD per coin."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal
from decimal import Decimal as D

import pytest

from bot.domain.decision import DecisionInputs, decide
from bot.domain.exposure import parse_multiplier
from bot.domain.liquidation import MarginBracket
from bot.domain.memory import HedgeLegs, HedgeMemory
from bot.domain.model import (
    AccountSnapshot,
    Balance,
    MarginMode,
    Market,
    MarketKind,
    Position,
    Quote,
    Side,
    frozen_map,
)
from bot.domain.risk_policy import RiskPolicy

from ._factories import inverse, policy

NOW = 1_795_000_000_000
INVERSE = "BTC/USD:BTC"
PEPE = "1000PEPE/USDT:USDT"
COIN_BRACKETS = (MarginBracket(D(0), D(1000), D("0.004"), D(0)),)
USDT_BRACKETS = (MarginBracket(D(0), D(10_000_000), D("0.01"), D(0)),)


def _pepe_market() -> Market:
    return Market(
        symbol=PEPE,
        exchange_symbol="1000PEPEUSDT",
        kind=MarketKind.LINEAR,
        base="1000PEPE",
        quote="USDT",
        settle="USDT",
        contract_size=D(1),
        amount_step=D(1),
        price_tick=D("0.0000001"),
        min_amount=D(1),
        min_notional=D(5),
    )


def _balances(**coins: str) -> dict[str, Balance]:
    return {a: Balance(a, D(v), D(0), D(v)) for a, v in coins.items()}


def _inputs(
    market: Market,
    asset: str,
    spot: str,
    price: str,
    *,
    coinm: dict[str, Balance] | None = None,
    futures: dict[str, Balance] | None = None,
    brackets: tuple[MarginBracket, ...] = COIN_BRACKETS,
    **policy_fields: object,
) -> DecisionInputs:
    p = D(price)
    tick = market.price_tick
    q = Quote(market.symbol, p - tick, p + tick, NOW, mark=p)
    flat = Position(symbol=market.symbol, contracts=D(0), timestamp_ms=NOW)
    perp = AccountSnapshot(
        account="main",
        taken_at_ms=NOW,
        markets=frozen_map({market.symbol: market}),
        spot=frozen_map(_balances(**{asset: spot})),
        futures=frozen_map(futures or {}),
        coinm=frozen_map(coinm or {}),
        positions=frozen_map({market.symbol: flat}),
        quotes=frozen_map({market.symbol: q}),
    )
    fields: dict[str, object] = {"leverage": 10, **policy_fields}  # 5 BTC at 10x: 0.5 BTC
    hedge = policy(
        spot_asset=asset, perp_symbol=market.symbol, margin_mode=MarginMode.CROSS, **fields
    )
    return DecisionInputs(
        policy=hedge,
        risk_policy=RiskPolicy(),
        spot=perp,
        perp=perp,
        memory=HedgeMemory(HedgeLegs("main", asset, "main", market.symbol)),
        now_ms=NOW,
        max_age_ms=30_000,
        brackets=brackets,
    )


def _sold(inputs: DecisionInputs) -> D:
    decision = decide(inputs)
    assert all(o.side is Side.SELL for o in decision.plan.orders), decision.plan
    return sum((o.amount for o in decision.plan.orders), D(0))


def test_inverse_hedge_counts_the_coin_margin_and_sizes_in_usd_contracts() -> None:
    """4 BTC spot + 1 BTC COIN-M margin is a 5 BTC holding: at 60,000 a full hedge sells
    3,000 BTCUSD contracts of 100 USD, and the holding's parts are kept."""
    inputs = _inputs(inverse(), "BTC", "4", "60000", coinm=_balances(BTC="1"))
    decision = decide(inputs)
    assert decision.spot_amount == 5
    assert decision.holding is not None
    assert decision.holding.describe() == "4 BTC spot + 1 BTC coinm margin"
    assert _sold(inputs) == 3000
    state = decision.plan.state
    assert state is not None and state.gap_contracts == 3000


def test_count_margin_false_leaves_the_coin_margin_out() -> None:
    """With count_margin: false only the 4 spot BTC are hedged: 2,400 contracts."""
    inputs = _inputs(inverse(), "BTC", "4", "60000", coinm=_balances(BTC="1"), count_margin=False)
    assert decide(inputs).spot_amount == 4
    assert _sold(inputs) == 2400


def test_partial_inverse_hedge_rounds_down_to_whole_contracts() -> None:
    """A 50 % hedge of 5.003 BTC at 61,234.5 wants 1,531.73 contracts: 1,531 are sold."""
    inputs = _inputs(
        inverse(), "BTC", "4.003", "61234.5", coinm=_balances(BTC="1"), target_ratio=D("0.5")
    )
    assert _sold(inputs) == 1531


def test_negative_coin_margin_counts_as_zero_with_a_note() -> None:
    """A COIN-M wallet under water is not subtracted from the spot holding; a note says so."""
    inputs = _inputs(inverse(), "BTC", "4", "60000", coinm=_balances(BTC="-0.2"))
    decision = decide(inputs)
    assert decision.spot_amount == 4
    assert any("coinm margin BTC is -0.2" in n for n in decision.plan.notes)


def test_pepe_spot_is_sized_in_the_1000pepe_base() -> None:
    """10,000,000 PEPE hedged with 1000PEPE/USDT:USDT (one unit = 1,000 PEPE) sells 10,000
    contracts; the ratio divides by 10,000 units, not by 10,000,000."""
    inputs = _inputs(
        _pepe_market(),
        "PEPE",
        "10000000",
        "0.012",
        futures=_balances(USDT="1000"),
        brackets=USDT_BRACKETS,
    )
    decision = decide(inputs)
    assert decision.multiplier == 1000 and decision.exposure == 10_000
    assert decision.spot_amount == 10_000_000
    assert _sold(inputs) == 10_000


@pytest.mark.parametrize(
    ("base", "asset", "expected"),
    [
        ("1000PEPE", "PEPE", "1000"),
        ("1000SHIB", "SHIB", "1000"),
        ("1000000MOG", "MOG", "1000000"),
        ("1MBABYDOGE", "BABYDOGE", "1000000"),
        ("BTC", "BTC", "1"),
        ("ETH", "SOL", None),
        ("1000SHIB", "PEPE", None),
    ],
)
def test_multiplier_is_read_from_the_base(base: str, asset: str, expected: str | None) -> None:
    """The multiplier is the `<N>[K|M]` prefix of the perp's base before the spot asset."""
    found = parse_multiplier(base, asset)
    assert found == (None if expected is None else D(expected))


def test_an_inverse_grow_is_funded_from_the_coinm_wallet_in_coin() -> None:
    """At 2x the 3,000 contracts need 2.5 BTC of margin: the COIN-M wallet's 1 free BTC
    counts, the rest is a BTC transfer from spot (auto_top_up), and the order is kept whole."""
    inputs = _inputs(inverse(), "BTC", "4", "60000", coinm=_balances(BTC="1"), leverage=2)
    inputs = replace(inputs, risk_policy=RiskPolicy(auto_top_up=True))
    decision = decide(inputs)
    funding = decision.funding
    assert funding is not None and funding.asset == "BTC"
    assert Decimal("1.49") < funding.transfer < Decimal("1.51")  # 2.5 BTC less the 1 free
    assert _sold(inputs) == 3000
