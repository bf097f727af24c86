"""The COIN-M REDUCE cut books the closed contracts' P&L at the mark: the wallet the guard
reads excludes unrealised P&L, so a cut of a losing short takes its loss out of the coin
that stays. Contracts signed (short < 0) of 100 USD; amounts BTC; prices USD per BTC."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.liquidation_inverse import (
    inverse_liquidation_price,
    inverse_upnl,
    inverse_wallet_for_liquidation_at,
)
from bot.domain.model import MarginMode, Position
from bot.domain.risk import RiskView, assess
from bot.domain.risk_policy import RiskGrade, RiskPolicy

from ._factories import inverse
from .test_risk_inverse import BRACKETS

MKT = inverse()
CS = MKT.contract_size
ENTRY = D(50_000)
MARK = D(60_000)
SHORT = D(-3000)


def losing_short(mode: MarginMode, policy: RiskPolicy) -> RiskView:
    """A 3,000-contract short opened at 50,000, marked at 60,000, liquidating 2 % above."""
    wallet = inverse_wallet_for_liquidation_at(
        contracts=SHORT,
        entry_price=ENTRY,
        price=MARK * D("1.02"),
        contract_size=CS,
        brackets=BRACKETS,
    )
    position = Position(
        symbol=MKT.symbol,
        contracts=SHORT,
        entry_price=ENTRY,
        mark_price=MARK,
        leverage=D(3),
        margin_mode=mode,
    )
    return RiskView(
        hedge="BTC",
        policy=policy,
        market=MKT,
        position=position,
        mark=MARK,
        brackets=BRACKETS,
        margin_mode=mode,
        wallet_balance=wallet,
        futures_free=D(0),
        spot_free=D(0),
    )


def liquidation_after_cut(v: RiskView, cut: D) -> D | None:
    """The kept short's liquidation price, worked out apart from the guard: the cut's
    realised P&L and taker fee booked into the wallet."""
    realised = inverse_upnl(-cut, CS, ENTRY, MARK)
    fee = cut * CS / MARK * MKT.taker_fee
    return inverse_liquidation_price(
        contracts=SHORT + cut,
        entry_price=ENTRY,
        wallet_balance=v.wallet_balance + realised - fee,
        contract_size=CS,
        brackets=BRACKETS,
    )


@pytest.mark.parametrize("mode", [MarginMode.CROSS, MarginMode.ISOLATED])
def test_cut_of_losing_short_restores_target_with_its_loss_booked(mode: MarginMode) -> None:
    """After the sized cut of a losing COIN-M short, the kept contracts liquidate at or
    beyond the restore target once the cut's realised loss is out of the wallet."""
    policy = RiskPolicy()
    v = losing_short(mode, policy)
    a = assess(v)
    assert a.grade is RiskGrade.REDUCE
    assert 0 < a.reduce_contracts < abs(SHORT)
    price = liquidation_after_cut(v, a.reduce_contracts)
    assert price is not None
    assert price >= MARK * (1 + policy.restore_distance)
