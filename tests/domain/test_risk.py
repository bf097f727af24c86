"""The graded risk guard: grades, top-ups, leverage, reductions and collateral alerts."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from bot.domain.liquidation import (
    MarginBracket,
    liquidation_distance,
    liquidation_price,
    wallet_for_liquidation_at,
)
from bot.domain.model import MarginMode, Position
from bot.domain.risk import RiskView, assess
from bot.domain.risk_policy import RiskGate, RiskGrade, RiskPolicy, grade_for

from ._factories import SYMBOL, linear, spot_market

MKT = linear(contract_size="1", step="0.001")
BRACKETS = (
    MarginBracket(D(0), D(50_000), D("0.004"), D(0)),
    MarginBracket(D(50_000), D(250_000), D("0.005"), D(50)),
    MarginBracket(D(250_000), D(1_000_000), D("0.01"), D(1_300)),
)
ENTRY = D(60_000)


def risk_view(
    distance: str,
    *,
    mark: str = "60000",
    contracts: str = "-1",
    mode: MarginMode = MarginMode.ISOLATED,
    policy: RiskPolicy | None = None,
    futures_free: str = "0",
    spot_free: str = "0",
    reported: D | None = None,
    leverage: str | None = "3",
) -> RiskView:
    """A short whose wallet puts liquidation `distance` above `mark`."""
    m = D(mark)
    wallet = wallet_for_liquidation_at(
        size=D(contracts), entry_price=ENTRY, price=m * (1 + D(distance)), brackets=BRACKETS
    )
    position = Position(
        symbol=SYMBOL,
        contracts=D(contracts),
        entry_price=ENTRY,
        mark_price=m,
        liquidation_price=reported,
        leverage=None if leverage is None else D(leverage),
        margin_mode=mode,
    )
    return RiskView(
        hedge="BTC",
        policy=policy or RiskPolicy(),
        market=MKT,
        position=position,
        mark=m,
        brackets=BRACKETS,
        margin_mode=mode,
        wallet_balance=wallet,
        futures_free=D(futures_free),
        spot_free=D(spot_free),
    )


def distance_after(view: RiskView, added: D) -> D | None:
    """The 1-BTC short's liquidation distance with `added` more margin behind it."""
    after = liquidation_price(
        size=D(-1),
        entry_price=ENTRY,
        wallet_balance=view.wallet_balance + added,
        brackets=BRACKETS,
    )
    return liquidation_distance(D(-1), view.mark, after)


@pytest.mark.parametrize(
    ("distance", "grade", "gate"),
    [
        ("0.50", RiskGrade.OK, RiskGate.ALLOW),
        ("0.25", RiskGrade.WARN, RiskGate.ALLOW),
        ("0.18", RiskGrade.TOP_UP, RiskGate.BLOCK_INCREASE),
        ("0.12", RiskGrade.DELEVER, RiskGate.BLOCK_INCREASE),
        ("0.05", RiskGrade.REDUCE, RiskGate.REDUCE),
    ],
)
def test_grade_ladder_by_distance(distance: str, grade: RiskGrade, gate: RiskGate) -> None:
    """The distance to liquidation (vs mark) picks the grade; TOP_UP and up block increases."""
    result = assess(risk_view(distance))
    assert result.distance is not None
    assert abs(result.distance - D(distance)) < D("1e-20")
    assert result.grade is grade
    assert result.gate is gate
    assert grade.name in result.reasons[0]


@pytest.mark.parametrize(
    ("ratio", "grade"),
    [("0.3", RiskGrade.OK), ("0.5", RiskGrade.WARN), ("0.85", RiskGrade.TOP_UP)],
)
def test_margin_ratio_is_an_alternative_trigger(ratio: str, grade: RiskGrade) -> None:
    """Margin-ratio thresholds grade a position even with a comfortable distance."""
    assert grade_for(RiskPolicy(), D("0.9"), D(ratio)) is grade


def test_top_up_restores_distance() -> None:
    """With auto top-up, adding the proposed margin brings liquidation to restore_distance."""
    view = risk_view("0.18", policy=RiskPolicy(auto_top_up=True), futures_free="1000000")
    result = assess(view)
    assert result.top_up is not None
    assert result.top_up.add_isolated_margin == result.top_up_needed > 0
    assert result.top_up.transfer_from_spot == 0
    distance = distance_after(view, result.top_up.amount)
    assert distance is not None and D("0.35") <= distance < D("0.3501")


def test_isolated_top_up_uses_futures_free_then_spot() -> None:
    """Isolated top-ups take the futures wallet's free balance first, then transfer the rest."""
    view = risk_view(
        "0.18", policy=RiskPolicy(auto_top_up=True), futures_free="1000", spot_free="1000000"
    )
    result = assess(view)
    assert result.top_up is not None
    assert result.top_up.transfer_from_spot == result.top_up_needed - 1000
    assert result.top_up.add_isolated_margin == result.top_up_needed


def test_cross_top_up_is_a_spot_transfer_only() -> None:
    """In cross mode only a spot → futures transfer adds collateral."""
    view = risk_view(
        "0.18",
        mode=MarginMode.CROSS,
        policy=RiskPolicy(auto_top_up=True),
        futures_free="1000000",
        spot_free="1000000",
    )
    result = assess(view)
    assert result.top_up is not None
    assert result.top_up.add_isolated_margin == 0
    assert result.top_up.transfer_from_spot == result.top_up_needed


def test_max_top_up_caps_one_action() -> None:
    """One top-up never exceeds max_top_up."""
    policy = RiskPolicy(auto_top_up=True, max_top_up=D(500))
    result = assess(risk_view("0.18", policy=policy, spot_free="1000000"))
    assert result.top_up is not None and result.top_up.amount == 500


def test_no_auto_top_up_reports_need_only() -> None:
    """Without auto_top_up the needed amount is reported but no action proposed."""
    result = assess(risk_view("0.18", spot_free="1000000"))
    assert result.top_up is None and result.top_up_needed > 0


def test_collateral_exhausted_alerts_from_warn() -> None:
    """At WARN with nothing to top up from, the assessment says collateral is exhausted."""
    result = assess(risk_view("0.25"))
    assert result.grade is RiskGrade.WARN
    assert result.collateral_exhausted
    assert any("collateral exhausted" in r for r in result.reasons)
    assert not assess(risk_view("0.25", spot_free="1000000")).collateral_exhausted


def test_top_up_avoids_reduction_when_collateral_suffices() -> None:
    """At REDUCE distance with enough collateral, the top-up is proposed and nothing is cut."""
    result = assess(risk_view("0.05", policy=RiskPolicy(auto_top_up=True), spot_free="1e6"))
    assert result.grade is RiskGrade.REDUCE
    assert result.reduce_contracts == 0
    assert result.gate is RiskGate.BLOCK_INCREASE


def test_reduction_restores_distance_when_no_collateral() -> None:
    """With no collateral, REDUCE names a buy-back after which liquidation is restore away."""
    view = risk_view("0.05", contracts="-10", mode=MarginMode.CROSS)
    result = assess(view)
    assert result.gate is RiskGate.REDUCE
    cut = result.reduce_contracts
    assert 0 < cut < 10
    # Cross: the margin balance stays; the smaller short is liquidated further away.
    balance = view.wallet_balance + D(-10) * (view.mark - ENTRY)
    remaining = D(-10) + cut
    after = liquidation_price(
        size=remaining, entry_price=view.mark, wallet_balance=balance, brackets=BRACKETS
    )
    distance = liquidation_distance(remaining, view.mark, after)
    assert distance is not None and D("0.35") <= distance < D("0.36")


def test_delever_names_a_lower_leverage() -> None:
    """At DELEVER in isolated mode a lower leverage is proposed; at 1x none is."""
    result = assess(risk_view("0.12", leverage="5"))
    assert result.target_leverage is not None and 1 <= result.target_leverage < 5
    assert assess(risk_view("0.12", leverage="1")).target_leverage is None


def test_exchange_liquidation_price_cross_check() -> None:
    """A venue liquidation price far from ours is flagged, and the nearer one is used."""
    view = risk_view("0.40", reported=D(63_000))
    result = assess(view)
    assert result.liq_price_mismatch
    assert result.liquidation_price == D(63_000)
    assert result.grade is RiskGrade.REDUCE
    agreeing = assess(risk_view("0.40", reported=D(84_000)))
    assert not agreeing.liq_price_mismatch


def test_flat_position_is_ok() -> None:
    """Nothing to liquidate means OK."""
    result = assess(risk_view("0.5", contracts="0"))
    assert result.grade is RiskGrade.OK and result.gate is RiskGate.ALLOW


def test_spot_market_is_refused_clearly() -> None:
    """A spot market has no position to liquidate: the error names the hedge and kind."""
    bad = replace(risk_view("0.5"), market=spot_market())
    with pytest.raises(ValueError, match=r"hedges\.BTC: the risk guard assesses futures"):
        assess(bad)


def test_policy_rejects_unordered_thresholds() -> None:
    """Distances must escalate and restore must exceed the top-up level."""
    with pytest.raises(ValueError, match="reduce_distance"):
        RiskPolicy(reduce_distance=D("0.5"))
    with pytest.raises(ValueError, match="restore_distance"):
        RiskPolicy(restore_distance=D("0.1"))
