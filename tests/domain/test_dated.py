"""Dated futures held as a fixed contract: the annualised basis, and the short bought back in
the contract's last hour instead of going to delivery. Prices USDT per BTC; times epoch ms."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from bot.domain.decision import DecisionInputs, decide
from bot.domain.instrument import CLOSE_BEFORE_MS, annualised_basis
from bot.domain.liquidation import MarginBracket
from bot.domain.memory import HedgeLegs, HedgeMemory
from bot.domain.model import AccountSnapshot, Balance, MarginMode, Position, Quote, Side, frozen_map
from bot.domain.risk_policy import RiskPolicy

from ._factories import linear, policy

DAY = 86_400_000
EXPIRY = 1_798_185_600_000  # 2026-12-25 08:00 UTC
DATED = "BTC/USDT:USDT-261225"


@pytest.mark.parametrize(
    ("price", "index", "days", "expected"),
    [
        ("60394.52", "60000", "30", "0.08"),  # contango: 8 %/yr
        ("59605.48", "60000", "30", "-0.08"),  # backwardation
        ("60000", "60000", "10", "0"),
        ("61200", "60000", "365", "0.02"),
    ],
)
def test_annualised_basis(price: str, index: str, days: str, expected: str) -> None:
    """(future − index) / index × 365 days / days to expiry."""
    now = EXPIRY - int(D(days) * DAY)
    basis = annualised_basis(D(price), D(index), now, EXPIRY)
    assert basis is not None and abs(basis - D(expected)) < D("0.0001")


def test_no_basis_for_a_perpetual_or_at_expiry() -> None:
    """A perpetual (no expiry), a missing index or a contract past its expiry has no basis."""
    assert annualised_basis(D(60_000), D(60_000), EXPIRY - DAY, None) is None
    assert annualised_basis(D(60_000), None, EXPIRY - DAY, EXPIRY) is None
    assert annualised_basis(D(60_000), D(60_000), EXPIRY, EXPIRY) is None


def _inputs(now_ms: int) -> DecisionInputs:
    market = replace(linear(symbol=DATED), expiry_ms=EXPIRY)
    q = Quote(DATED, D("60100"), D("60100.1"), now_ms, mark=D("60100"), index=D("60000"))
    short = Position(DATED, D(-2), entry_price=D(60_000), timestamp_ms=now_ms, collateral=D(60_000))
    snapshot = AccountSnapshot(
        account="main",
        taken_at_ms=now_ms,
        markets=frozen_map({DATED: market}),
        spot=frozen_map({"BTC": Balance("BTC", D(2), D(0), D(2))}),
        futures=frozen_map({"USDT": Balance("USDT", D(0), D(0), D(0))}),
        positions=frozen_map({DATED: short}),
        quotes=frozen_map({DATED: q}),
    )
    return DecisionInputs(
        policy=policy(perp_symbol=DATED, margin_mode=MarginMode.ISOLATED),
        risk_policy=RiskPolicy(),
        spot=snapshot,
        perp=snapshot,
        memory=HedgeMemory(HedgeLegs("main", "BTC", "main", DATED)),
        now_ms=now_ms,
        max_age_ms=30_000,
        brackets=(MarginBracket(D(0), D(10_000_000), D("0.004"), D(0)),),
    )


def test_a_hedged_dated_contract_is_held_and_its_basis_measured() -> None:
    """A day before expiry a fully hedged fixed contract is left alone; its basis is known."""
    decision = decide(_inputs(EXPIRY - DAY))
    assert decision.plan.orders == ()
    assert decision.basis is not None and decision.basis > 0


def test_the_last_hour_buys_the_short_back_before_delivery() -> None:
    """In its last hour the fixed contract's whole short is bought back, reduce-only, with a
    note saying it is never delivered."""
    decision = decide(_inputs(EXPIRY - CLOSE_BEFORE_MS + 1))  # the quote's (venue) stamp
    (order,) = decision.plan.orders
    assert order.side is Side.BUY and order.reduce_only and order.amount == 2
    assert any("never delivered" in n for n in decision.plan.notes)
