"""What is sent of the planner's order: a GROW order funded by a transfer (auto_top_up) or
sized to the margin available, and a rejected plan backed off until it changes (issue 8
item 9: 1 BTC at 3x with 1,500 USDT free was rejected every cycle while 30,000 USDT sat in
the spot wallet)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from bot.domain.backoff import Backoff
from bot.domain.dispatch import Dispatch, dispatch
from bot.domain.memory import HedgeLegs, HedgeMemory
from bot.domain.model import AccountSnapshot, Balance, Position, Side, frozen_map
from bot.domain.planner import HedgePlan
from bot.domain.risk_policy import RiskPolicy
from bot.domain.sizing import PlannedOrder, Purpose

from ._factories import SYMBOL, linear, policy

MKT = replace(linear(min_amount="0.001", min_notional="100"), taker_fee=D("0.0005"))
MEMORY = HedgeMemory(HedgeLegs("main", "BTC", "main", SYMBOL))
FLAT = Position(symbol=SYMBOL, contracts=D(0))
NOW = 1_750_000_000_000
GROW = PlannedOrder(
    symbol=SYMBOL, side=Side.SELL, amount=D(1), price=D(6600), post_only=True,
    reduce_only=False, immediate_or_cancel=False, purpose=Purpose.GROW, intent="BTC:grow:0>-1",
)  # fmt: skip


def _perp(futures: str = "1500", spot: str = "30000") -> AccountSnapshot:
    usdt = {"futures": Balance("USDT", D(futures), D(0), D(futures)),
            "spot": Balance("USDT", D(spot), D(0), D(spot))}  # fmt: skip
    return AccountSnapshot(
        account="main",
        taken_at_ms=NOW,
        markets=frozen_map({SYMBOL: MKT}),
        futures=frozen_map({"USDT": usdt["futures"]}),
        spot=frozen_map({"USDT": usdt["spot"]}),
    )


def _send(
    order: PlannedOrder = GROW,
    *,
    auto: bool = False,
    memory: HedgeMemory = MEMORY,
    futures: str = "1500",
    position: Position = FLAT,
    now: int = NOW,
) -> Dispatch:
    return dispatch(
        HedgePlan("BTC", None, orders=(order,), notes=("grow: sell 1 @ 6600",)),
        policy=policy(leverage=3),
        risk_policy=RiskPolicy(auto_top_up=auto),
        perp=_perp(futures),
        position=position,
        memory=memory,
        now_ms=now,
    )


def test_with_auto_top_up_the_whole_order_is_sent_after_a_transfer() -> None:
    """auto_top_up: the 1 BTC sell is sent whole, funded by a 703.30 USDT transfer."""
    sent = _send(auto=True)
    assert sent.plan.orders == (GROW,)
    assert sent.funding is not None and sent.funding.transfer == D("703.30")
    assert not sent.memory.margin_short
    assert any("transfer 703.30 USDT" in n for n in sent.plan.notes)


def test_without_auto_top_up_a_smaller_order_is_sent_and_the_shortage_remembered() -> None:
    """No auto_top_up: 0.68 BTC (what 1,500 USDT affords at 3x) is sent, nothing moved, and
    `margin_short` is set (the shell alerts once on that change)."""
    sent = _send()
    (order,) = sent.plan.orders
    assert order.amount == D("0.68") and sent.funding is not None and sent.funding.transfer == 0
    assert sent.memory.margin_short and sent.key == GROW.intent


def test_with_no_margin_at_all_nothing_is_sent_and_the_note_says_what_to_do() -> None:
    """An empty futures wallet affords no order: none is sent, the note names the fix."""
    sent = _send(futures="0")
    assert sent.plan.orders == () and sent.memory.margin_short
    assert any("enable risk.auto_top_up" in n for n in sent.plan.notes)


def test_the_venues_leverage_sizes_the_margin_when_it_reports_one() -> None:
    """A position at 2x (lowered on the venue) needs more margin than the configured 3x."""
    at_two = replace(FLAT, contracts=D("-0.1"), leverage=D(2))
    (order,) = _send(position=at_two).plan.orders
    assert order.amount == D("0.454")  # 1,500 × 2 / (1 + 2 × 0.05 %) / 6,600


def test_a_rejected_plan_waits_and_a_changed_plan_is_sent_at_once() -> None:
    """The same plan inside its back-off sends nothing (and funds nothing); once the time
    is up it is sent; another plan is sent at once and forgets the back-off."""
    memory = replace(MEMORY, backoff=Backoff(GROW.intent, 2, NOW + 10_000))
    held = _send(auto=True, memory=memory)
    assert held.plan.orders == () and held.funding is None
    assert "next attempt in 10 s" in held.plan.notes[-1]
    assert _send(auto=True, memory=memory, now=NOW + 10_000).plan.orders == (GROW,)
    other = replace(GROW, amount=D("0.5"), intent="BTC:grow:0>-0.5")
    changed = _send(other, auto=True, memory=memory)
    assert changed.plan.orders == (other,) and changed.memory.backoff is None
