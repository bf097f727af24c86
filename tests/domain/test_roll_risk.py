"""The risk guard on a roll's new contract (`roll_risk`): graded from its own figures in the
same snapshot (isolated: its own margin; cross: the old leg shares the wallet), the roll's
gate the stricter of both legs' (each with its risk hold, the new leg's kept in the roll's
state), and at REDUCE a reduce-only buy-back of the new contract after any live order is
cancelled. Linear contracts of 1 BTC, prices USDT."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from bot.domain.liquidation import MarginBracket, wallet_for_liquidation_at
from bot.domain.model import (
    AccountSnapshot,
    Balance,
    MarginMode,
    Order,
    OrderStatus,
    Position,
    Quote,
    Side,
)
from bot.domain.risk import RiskAssessment
from bot.domain.risk_policy import RiskGate, RiskGrade, RiskPolicy
from bot.domain.roll_risk import leg_gate, new_leg_cut, new_leg_hold, new_leg_risk, roll_gate
from bot.domain.roll_state import roll_data, roll_from, start_roll
from bot.domain.roll_step import RollLeg, RollView
from bot.domain.sizing import Purpose

from ._factories import linear, policy

OLD, NEW = "BTC/USDT:USDT-261225", "BTC/USDT:USDT-270326"
BRACKETS = (MarginBracket(D(0), D(50_000), D("0.004"), D(0)),
            MarginBracket(D(50_000), D(10_000_000), D("0.005"), D(50)))  # fmt: skip
MARK = D(60_000)
ALLOW, BLOCK, REDUCE = RiskGate.ALLOW, RiskGate.BLOCK_INCREASE, RiskGate.REDUCE


@pytest.mark.parametrize(
    ("old", "new", "allow_reduce", "gate"),
    [
        (ALLOW, ALLOW, True, ALLOW),
        (ALLOW, BLOCK, True, BLOCK),
        (BLOCK, ALLOW, True, BLOCK),
        (ALLOW, REDUCE, True, REDUCE),
        (REDUCE, BLOCK, True, REDUCE),
        (ALLOW, REDUCE, False, BLOCK),
    ],
)
def test_the_roll_gate_is_the_stricter_of_both_legs(
    old: RiskGate, new: RiskGate, allow_reduce: bool, gate: RiskGate
) -> None:
    """REDUCE > BLOCK_INCREASE > ALLOW over the two legs; REDUCE without allow_reduce only
    blocks increases."""
    assert roll_gate(old, new, allow_reduce=allow_reduce) is gate


def _quote(symbol: str) -> Quote:
    return Quote(symbol, MARK - D("0.1"), MARK, timestamp_ms=1_000, mark=MARK)


def _isolated(symbol: str, contracts: str, distance: str) -> Position:
    """A short isolated at the margin that puts its liquidation `distance` above MARK."""
    size = D(contracts)
    wallet = wallet_for_liquidation_at(
        size=size, entry_price=MARK, price=MARK * (1 + D(distance)), brackets=BRACKETS
    )
    return Position(symbol, size, entry_price=MARK, margin_mode=MarginMode.ISOLATED,
                    collateral=wallet, unrealized_pnl=D(0), leverage=D(2))  # fmt: skip


def _snapshot(*positions: Position, futures: str = "0") -> AccountSnapshot:
    total = D(futures)
    return AccountSnapshot(
        "main",
        1_000,
        markets={s: linear(symbol=s) for s in (OLD, NEW)},
        futures={"USDT": Balance("USDT", total, D(0), total)},
        positions={p.symbol: p for p in positions},
        quotes={s: _quote(s) for s in (OLD, NEW)},
    )


def test_an_isolated_new_leg_is_graded_on_its_own_margin_and_named() -> None:
    """OLD well margined (50 % away), NEW 18 % from liquidation: NEW grades TOP_UP with its
    own distance, and each reason starts with NEW's symbol."""
    snapshot = _snapshot(_isolated(OLD, "-0.64", "0.5"), _isolated(NEW, "-0.68", "0.18"))
    risk = new_leg_risk(policy(perp_symbol=OLD), RiskPolicy(), snapshot, NEW, BRACKETS)
    assert risk.grade is RiskGrade.TOP_UP and risk.gate is RiskGate.BLOCK_INCREASE
    assert risk.distance is not None and abs(risk.distance - D("0.18")) < D("0.001")
    assert risk.reasons and all(r.startswith(f"{NEW}: ") for r in risk.reasons)


def test_a_cross_new_leg_counts_the_old_leg_in_the_shared_wallet() -> None:
    """Cross margin: the old leg's loss and maintenance margin come out of the wallet NEW
    is margined by, so NEW is nearer liquidation with a losing OLD beside it."""
    new = Position(NEW, D("-1"), entry_price=MARK, margin_mode=MarginMode.CROSS,
                   unrealized_pnl=D(0), maintenance_margin=D(240))  # fmt: skip
    old = Position(OLD, D("-1"), entry_price=D(59_000), margin_mode=MarginMode.CROSS,
                   unrealized_pnl=D(-1_000), maintenance_margin=D(240))  # fmt: skip
    alone = _snapshot(new, futures="20000")
    beside = _snapshot(new, old, futures="19000")  # the same 20,000 wallet less OLD's loss
    cross = policy(perp_symbol=OLD, margin_mode=MarginMode.CROSS)
    far = new_leg_risk(cross, RiskPolicy(), alone, NEW, BRACKETS).distance
    near = new_leg_risk(cross, RiskPolicy(), beside, NEW, BRACKETS).distance
    assert far is not None and near is not None and near < far


def _roll_view(live: tuple[Order, ...] = ()) -> RollView:
    def leg(symbol: str, contracts: str) -> RollLeg:
        return RollLeg(linear(symbol=symbol), Position(symbol, D(contracts)), _quote(symbol))

    return RollView(
        policy=policy(perp_symbol=OLD, band=D("0.34")),
        old=leg(OLD, "-0.64"),
        new=leg(NEW, "-0.68"),
        exposure=D(2),
        now_ms=2_000,
        venue_ms=1_000,
        size=D(2),
        live_orders=live,
    )


CUT = RiskAssessment("BTC", RiskGrade.REDUCE, reduce_contracts=D("0.25"))


def test_at_reduce_the_new_leg_is_bought_back_reduce_only_by_the_guards_cut() -> None:
    """No live order: one reduce-only buy of the guard's 0.25 on NEW (a risk reduction),
    and the plan's state measures old + new (1.32 of 2 BTC)."""
    cut = new_leg_cut(_roll_view(), CUT)
    (order,) = cut.orders
    assert (order.symbol, order.side, order.amount) == (NEW, Side.BUY, D("0.25"))
    assert order.reduce_only and order.purpose is Purpose.RISK_REDUCE and not cut.cancels
    assert cut.state is not None and cut.state.contracts == D("-1.32")


def test_at_reduce_any_live_order_is_cancelled_before_the_buy_back() -> None:
    """A step resting on OLD: it is cancelled and nothing is placed this cycle (one live
    order per hedge), the note naming NEW."""
    resting = Order("o1", "hb-o1", OLD, Side.BUY, D("0.5"), D(0), MARK - 1, OrderStatus.OPEN,
                    reduce_only=True, post_only=True, timestamp_ms=1_000)  # fmt: skip
    cut = new_leg_cut(_roll_view((resting,)), CUT)
    assert cut.orders == () and [c.order_id for c in cut.cancels] == ["o1"]
    assert cut.notes == (f"risk reduction on {NEW} first",)


def test_a_cut_is_at_most_the_new_legs_short() -> None:
    """A cut larger than NEW's 0.68 short buys back 0.68, never turning NEW long."""
    (order,) = new_leg_cut(_roll_view(), replace(CUT, reduce_contracts=D(5))).orders
    assert order.amount == D("0.68")


@pytest.mark.parametrize(
    ("held", "grade", "distance", "after"),
    [
        (False, RiskGrade.TOP_UP, "0.18", True),
        (True, RiskGrade.WARN, "0.25", True),
        (True, RiskGrade.OK, "0.36", False),
        (False, RiskGrade.WARN, "0.25", False),
    ],
)
def test_the_new_legs_hold_follows_the_held_contracts_hysteresis(
    held: bool, grade: RiskGrade, distance: str, after: bool
) -> None:
    """On from TOP_UP, kept while under restore_distance (35 %), off once back at it."""
    risk = RiskAssessment("BTC", grade, distance=D(distance))
    assert new_leg_hold(held, risk, D("0.35")) is after


def test_a_new_leg_graded_without_brackets_or_not_at_all_keeps_its_hold() -> None:
    """A bracketless grade or none cannot say the distance is restored: the hold stays."""
    blind = RiskAssessment("BTC", RiskGrade.OK, distance=D("0.5"), brackets_missing=True)
    assert new_leg_hold(True, blind, D("0.35")) and new_leg_hold(True, None, D("0.35"))


def test_a_held_or_ungraded_leg_blocks_increases_but_never_softens_a_reduce() -> None:
    """ALLOW held → BLOCK_INCREASE; no assessment → BLOCK_INCREASE; REDUCE stays REDUCE."""
    ok = RiskAssessment("BTC", RiskGrade.OK, distance=D("0.5"))
    assert leg_gate(ok, held=False) is ALLOW and leg_gate(ok, held=True) is BLOCK
    assert leg_gate(None, held=False) is BLOCK
    assert leg_gate(CUT, held=True) is REDUCE


def test_the_new_legs_hold_survives_a_restart() -> None:
    """The roll's journaled form keeps the new leg's hold (and older rows read as off)."""
    roll = replace(start_roll(OLD, NEW, 1_000, D(2)), risk_hold=True)
    data = roll_data(roll)
    assert data is not None and roll_from(data) == roll
    del data["risk_hold"]
    again = roll_from(data)
    assert again is not None and again.risk_hold is False
