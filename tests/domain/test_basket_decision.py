"""A basket's cycle: SOL, AVAX and LINK hedged with one BTC/USDT:USDT short, decided once
and viewed per member. Holdings in coins; contracts BTC, signed (short < 0); prices USDT."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.basket_decision import decide_basket
from bot.domain.decision import DecisionInputs, decide
from bot.domain.liquidation import MarginBracket
from bot.domain.memory import HedgeLegs, HedgeMemory, Trusted
from bot.domain.model import (
    AccountSnapshot,
    Balance,
    Order,
    OrderStatus,
    Position,
    Quote,
    Side,
    frozen_map,
)
from bot.domain.risk_policy import RiskPolicy

from ._factories import SYMBOL, linear, policy

NOW = 1_795_000_000_000
BRACKETS = (MarginBracket(D(0), D(10_000_000), D("0.01"), D(0)),)
# coins, spot price, beta, target: SOL 0.25 BTC of value × 1.2 × 1 = 0.3 BTC short wanted,
# AVAX 0.1 × 0.5 = 0.05, LINK 0.125 × 0.8 = 0.1; the basket's short is 0.45 BTC.
MEMBERS = {
    "SOL": ("100", "150", "1.2", "1"),
    "AVAX": ("200", "30", "1", "0.5"),
    "LINK": ("500", "15", "1", "0.8"),
}


Spec = dict[str, tuple[str, str, str, str]]


def _snapshot(contracts: str, members: Spec) -> AccountSnapshot:
    quotes = {SYMBOL: Quote(SYMBOL, D("59999.9"), D("60000.1"), NOW, mark=D(60_000))}
    spot = {"USDT": Balance("USDT", D(0), D(0), D(0))}
    for asset, (coins, price, _beta, _target) in members.items():
        p = D(price)
        quotes[f"{asset}/USDT"] = Quote(f"{asset}/USDT", p, p, NOW, last=p)
        spot[asset] = Balance(asset, D(coins), D(0), D(coins))
    return AccountSnapshot(
        account="main",
        taken_at_ms=NOW,
        markets=frozen_map({SYMBOL: linear(min_amount="0.001")}),
        spot=frozen_map(spot),
        futures=frozen_map({"USDT": Balance("USDT", D(50_000), D(0), D(50_000))}),
        positions=frozen_map({SYMBOL: Position(SYMBOL, D(contracts), timestamp_ms=NOW)}),
        quotes=frozen_map(quotes),
    )


def _inputs(contracts: str = "0", members: Spec = MEMBERS, **kw: object) -> list[DecisionInputs]:
    snapshot = _snapshot(contracts, members)
    out = []
    for asset, (_coins, _price, beta, target) in members.items():
        hedge = policy(target, name=asset, spot_asset=asset, beta=D(beta), leverage=5)
        legs = HedgeLegs("main", asset, "main", SYMBOL)
        out.append(
            DecisionInputs(
                policy=hedge,
                risk_policy=RiskPolicy(),
                spot=snapshot,
                perp=snapshot,
                memory=HedgeMemory(legs),
                now_ms=NOW,
                max_age_ms=30_000,
                brackets=BRACKETS,
                **kw,  # type: ignore[arg-type]
            )
        )
    return out


def _sell(oid: str, amount: str) -> Order:
    return Order(oid, f"hb{oid}", SYMBOL, Side.SELL, D(amount), D(0), D("60000.1"),
                 OrderStatus.OPEN, post_only=True, timestamp_ms=NOW)  # fmt: skip


def test_a_flat_basket_sells_the_summed_short_in_one_order() -> None:
    """Flat perp: ONE sell of 0.45 BTC (0.3 + 0.05 + 0.1), named after the lead SOL."""
    b = decide_basket(_inputs())
    (order,) = b.trade.plan.orders
    assert order.side is Side.SELL and order.amount == D("0.450")
    assert order.intent.startswith("SOL:grow:")
    assert b.trade.basket is not None and b.trade.basket.members == ("SOL", "AVAX", "LINK")


def test_at_the_summed_short_each_member_reads_its_own_target() -> None:
    """A 0.45 BTC short: shares 0.3 / 0.05 / 0.1, ratios 1 / 0.5 / 0.8, nothing to trade."""
    b = decide_basket(_inputs("-0.45"))
    assert b.trade.plan.orders == () and b.trade.plan.cancels == ()
    shares = {n: d.position.contracts for n, d in b.members.items()}
    assert shares == {"SOL": D("-0.3"), "AVAX": D("-0.05"), "LINK": D("-0.1")}
    ratios = {n: round(d.plan.state.ratio, 9) for n, d in b.members.items() if d.plan.state}
    assert ratios == {"SOL": D(1), "AVAX": D("0.5"), "LINK": D("0.8")}
    assert {n: d.spot_amount for n, d in b.members.items()} == {
        "SOL": D(100), "AVAX": D(200), "LINK": D(500),
    }  # fmt: skip
    fractions = {n: round(d.basket.fraction, 9) for n, d in b.members.items() if d.basket}
    assert fractions == {
        "SOL": round(D(2) / 3, 9),
        "AVAX": round(D(1) / 9, 9),
        "LINK": round(D(2) / 9, 9),
    }


def test_alone_each_hedge_would_read_the_whole_position() -> None:
    """The bug baskets remove: SOL deciding alone on the shared 0.45 BTC short reads 1.5
    and buys back the partners' hedges; in the basket it reads 1 and trades nothing."""
    alone = decide(_inputs("-0.45")[0])
    assert alone.plan.state is not None and alone.plan.state.ratio == D("1.5")
    assert alone.plan.orders and alone.plan.orders[0].side is Side.BUY
    assert decide_basket(_inputs("-0.45")).trade.plan.orders == ()


def test_orders_of_two_members_are_cancelled_before_any_is_placed() -> None:
    """One live order per perp: two members' resting orders are both cancelled."""
    orders = (_sell("a", "0.2"), _sell("b", "0.2"))
    members = [replace(i, live_orders=(orders[n % 2],)) for n, i in enumerate(_inputs())]
    b = decide_basket(members)
    assert b.trade.plan.orders == ()
    assert {c.order_id for c in b.trade.plan.cancels} == {"a", "b"}


def test_a_paused_member_pauses_the_shared_perp() -> None:
    """Pausing any member stops the basket's trading: nothing is placed for the perp."""
    members = _inputs()
    members[2] = replace(members[2], paused=True)
    assert decide_basket(members).trade.plan.orders == ()


def test_every_member_remembers_the_baskets_baseline_with_its_own_legs() -> None:
    """The trust baseline read this cycle is every member's, each with its own legs."""
    members = _inputs("-0.45")
    members[0] = replace(members[0], memory=replace(members[0].memory, trusted=None))
    b = decide_basket(members)
    for name, d in b.members.items():
        assert d.memory.trusted == Trusted(D("-0.45"), NOW)
        assert d.memory.legs.spot_asset == name


@st.composite
def baskets(draw: st.DrawFn) -> Spec:
    """1–4 members: coins 0–1,000, spot price 1–200 USDT, beta 0.5–2, target 0–1."""
    count = draw(st.integers(1, 4))
    return {
        f"C{n}": (
            str(draw(st.integers(0, 1_000))),
            str(draw(st.integers(1, 200))),
            str(D(draw(st.integers(5, 20))) / 10),
            str(D(draw(st.integers(0, 100))) / 100),
        )
        for n in range(count)
    }


@settings(max_examples=150, deadline=None)
@given(baskets(), st.integers(-200, 3_000))
def test_a_basket_decision_keeps_the_invariants_for_the_whole_perp(spec: Spec, held: int) -> None:
    """Whatever the members and the position: at most one order, a sell never passes the
    summed max shorts (max_ratio 1: the summed exposure), a buy is reduce-only and never
    turns the perp long, and the members' shares add up to the position."""
    contracts = -D("0.001") * held
    b = decide_basket(_inputs(str(contracts), spec))
    assert len(b.trade.plan.orders) <= 1
    value = sum((D(c) * D(p) * D(beta) for c, p, beta, _t in spec.values()), D(0))
    cap = value / 60_000  # every max_ratio is 1; BTC at its mark
    for order in b.trade.plan.orders:
        after = contracts + (order.amount if order.side is Side.BUY else -order.amount)
        if order.side is Side.BUY:
            assert order.reduce_only and after <= 0
        elif not order.reduce_only:
            assert -after <= cap + D("1e-20")
    assert sum(d.position.contracts for d in b.members.values()) == contracts
    assert list(b.members) == list(spec)


def test_a_members_zeroed_holding_is_noted_on_every_view() -> None:
    """A negative AVAX balance counts as 0 and the note reaches the basket's plan notes."""
    spec = {**MEMBERS, "AVAX": ("-5", "30", "1", "0.5")}
    b = decide_basket(_inputs("0", spec))
    assert any("AVAX is -5: counted as 0" in n for n in b.members["SOL"].plan.notes)
    assert b.members["AVAX"].spot_amount == 0
