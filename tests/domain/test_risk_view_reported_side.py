"""A hedge-mode pair without brackets (none read, none implied): the venue's liquidation
price says which side it lies on, not the net size with no maintenance margin."""

from __future__ import annotations

from decimal import Decimal as D

from bot.domain.model import MarginMode, Position
from bot.domain.risk import RiskView, assess
from bot.domain.risk_policy import RiskGrade, RiskPolicy

from ._factories import SYMBOL, linear

MARK = D(65_000)
VENUE = MARK * D("1.5")  # the venue's price, above the mark: the short side


def test_barely_net_long_pair_without_brackets_is_graded_on_the_venues_side() -> None:
    """Long 1.004 beside a 1.0 short, no brackets and a wallet no bracket reproduces: the
    venue's price 50 % above the mark is a 50 % distance (OK), not a negative one (REDUCE)."""
    position = Position(
        symbol=SYMBOL, contracts=D(-1), entry_price=MARK, mark_price=MARK,
        liquidation_price=VENUE, leverage=D(3), margin_mode=MarginMode.CROSS,
        long_leg_contracts=D("1.004"), long_leg_entry_price=MARK, long_leg_unrealized_pnl=D(0),
    )  # fmt: skip
    view = RiskView(
        hedge="BTC", policy=RiskPolicy(), market=linear(), position=position, mark=MARK,
        brackets=(), margin_mode=MarginMode.CROSS, wallet_balance=D(10_000_000),
    )  # fmt: skip
    a = assess(view)
    assert a.distance == D("0.5")
    assert a.grade is RiskGrade.OK
    assert a.reduce_contracts == 0
