"""The risk guard fails closed: without margin brackets the hedge never grows and the venue's
liquidation price drives the ladder; with negative equity REDUCE stays reachable; a venue
that reports no liquidation price is not a "mismatch"; no reason ever reads "None"."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.liquidation import liquidation_distance, liquidation_price
from bot.domain.model import MarginMode, Position
from bot.domain.planner import plan
from bot.domain.risk import RiskView, assess
from bot.domain.risk_policy import RiskGate, RiskGrade, RiskPolicy

from ._factories import SYMBOL, linear, view
from .test_risk import BRACKETS, ENTRY, distance_after, risk_view


def blind(distance: str, *, reported: D | None, **kw: object) -> RiskView:
    """`risk_view(distance)` as assessed when the venue's brackets could not be read."""
    return replace(risk_view(distance, reported=reported, **kw), brackets=())  # type: ignore[arg-type]


def venue_price(distance: str) -> D:
    """The liquidation price the venue reports for `risk_view(distance)`."""
    return D(60_000) * (1 + D(distance))


def test_no_brackets_blocks_growth_and_uses_the_venues_price() -> None:
    """A healthy short without brackets grades from the venue's liquidation price, says
    brackets are unavailable, and its gate never lets the hedge grow."""
    result = assess(blind("0.50", reported=venue_price("0.50")))
    assert result.grade is RiskGrade.OK
    assert result.gate is RiskGate.BLOCK_INCREASE
    assert result.liquidation_price == venue_price("0.50")
    assert result.distance is not None and abs(result.distance - D("0.50")) < D("1e-20")
    assert result.own_liquidation_price is None and not result.liq_price_mismatch
    assert any("margin brackets unavailable" in r for r in result.reasons)


def test_no_brackets_and_no_venue_price_still_blocks() -> None:
    """Neither brackets nor a venue price: nothing to grade by, the hedge is not grown, and
    the reasons say so; a flat hedge is not opened either."""
    result = assess(blind("0.50", reported=None))
    assert result.gate is RiskGate.BLOCK_INCREASE and result.distance is None
    assert any("reports no liquidation price either" in r for r in result.reasons)
    flat = assess(blind("0.50", reported=None, contracts="0"))
    assert flat.gate is RiskGate.BLOCK_INCREASE
    assert any("margin brackets unavailable" in r for r in flat.reasons)


def test_blind_gate_stops_the_planner_growing_but_not_shrinking() -> None:
    """Fed to the planner, the bracket-less gate places no sell on a gap but still buys back
    a short above max_ratio."""
    gate = assess(blind("0.50", reported=venue_price("0.50"))).gate
    assert plan(view("2", "-1", risk_gate=gate)).orders == ()
    (buy,) = plan(view("1", "-1.5", risk_gate=gate)).orders
    assert buy.reduce_only and buy.amount == D("0.5")


def test_no_brackets_reduce_is_reachable_and_sized_from_the_venues_price() -> None:
    """Near the venue's liquidation price, REDUCE names a cut; with the bracket implied by
    that price, the cross position's remaining short is restore_distance away."""
    view_ = blind("0.05", reported=venue_price("0.05"), contracts="-10", mode=MarginMode.CROSS)
    result = assess(view_)
    assert result.grade is RiskGrade.REDUCE and result.gate is RiskGate.REDUCE
    assert 0 < result.reduce_contracts < 10
    implied = assess(replace(view_, brackets=BRACKETS))  # the venue's own brackets
    assert abs(result.reduce_contracts - implied.reduce_contracts) <= D("0.05")


def test_no_brackets_top_up_is_sized_from_the_venues_price() -> None:
    """With auto_top_up, the implied bracket sizes a top-up that, measured with the venue's
    real brackets, brings the distance back to restore_distance (within 0.1 point)."""
    policy = RiskPolicy(auto_top_up=True)
    view_ = blind("0.18", reported=venue_price("0.18"), policy=policy, spot_free="1e6")
    result = assess(view_)
    assert result.top_up is not None
    distance = distance_after(view_, result.top_up.amount)
    assert distance is not None and abs(distance - D("0.35")) < D("0.001")


def _underwater_cross() -> RiskView:
    """A cross short whose wallet is swamped by another position's loss: equity < 0 and no
    positive liquidation price solves the equation."""
    position = Position(SYMBOL, D(-1), entry_price=ENTRY, margin_mode=MarginMode.CROSS)
    return RiskView(
        hedge="BTC",
        policy=RiskPolicy(),
        market=linear(),
        position=position,
        mark=D(70_000),
        brackets=BRACKETS,
        margin_mode=MarginMode.CROSS,
        wallet_balance=D(2_000),
        other_unrealized_pnl=D(-70_000),
    )


def test_negative_equity_reaches_reduce() -> None:
    """Wallet + uPnL ≤ 0 with no liquidation price of our own is at/through liquidation:
    REDUCE with a cut (the whole short: no collateral can hold any of it)."""
    view_ = _underwater_cross()
    assert liquidation_price(
        size=D(-1), entry_price=ENTRY, wallet_balance=D(2_000), brackets=BRACKETS,
        other_unrealized_pnl=D(-70_000),
    ) is None  # fmt: skip
    result = assess(view_)
    assert result.grade is RiskGrade.REDUCE and result.gate is RiskGate.REDUCE
    assert result.reduce_contracts == 1
    assert any("at or through liquidation" in r for r in result.reasons)


def test_no_brackets_and_negative_equity_buys_back_everything() -> None:
    """Even with nothing to size a partial cut, a gone margin balance reaches REDUCE."""
    result = assess(replace(_underwater_cross(), brackets=()))
    assert result.gate is RiskGate.REDUCE and result.reduce_contracts == 1


def test_a_venue_reporting_no_price_is_not_a_mismatch() -> None:
    """liq_price_mismatch needs two prices: a venue reporting 0 (none) is not flagged."""
    result = assess(risk_view("0.40", reported=D(0)))
    assert not result.liq_price_mismatch
    assert result.exchange_liquidation_price is None


@st.composite
def any_view(draw: st.DrawFn) -> RiskView:
    mode = draw(st.sampled_from(list(MarginMode)))
    contracts = -D(draw(st.integers(0, 5_000))) / 1000 * draw(st.sampled_from([1, 1, -1]))
    entry = draw(st.one_of(st.none(), st.integers(20_000, 100_000).map(D)))
    liq = draw(st.one_of(st.none(), st.just(D(0)), st.integers(1, 200_000).map(D)))
    leverage = draw(st.one_of(st.none(), st.integers(1, 20).map(D)))
    position = Position(
        SYMBOL, contracts, entry_price=entry, liquidation_price=liq, leverage=leverage,
        margin_mode=mode, margin_ratio=draw(st.one_of(st.none(), st.just(D("0.4")))),
    )  # fmt: skip
    market = draw(st.sampled_from([linear(), replace(linear(), settle=None)]))
    policy = RiskPolicy(
        auto_top_up=draw(st.booleans()),
        max_top_up=draw(st.one_of(st.none(), st.integers(1, 10_000).map(D))),
    )
    money = st.integers(-50_000, 100_000).map(D)
    return RiskView(
        hedge="BTC",
        policy=policy,
        market=market,
        position=position,
        mark=D(draw(st.integers(20_000, 120_000))),
        brackets=draw(st.sampled_from([BRACKETS, ()])),
        margin_mode=mode,
        wallet_balance=draw(money),
        futures_free=draw(money),
        spot_free=draw(money),
        other_maint_margin=D(draw(st.integers(0, 5_000))) if mode is MarginMode.CROSS else D(0),
        other_unrealized_pnl=draw(money) if mode is MarginMode.CROSS else D(0),
        leverage=draw(st.one_of(st.none(), st.integers(1, 20))),
    )


@settings(max_examples=200, deadline=None)
@given(any_view())
def test_reasons_never_read_none_and_blind_never_allows(view_: RiskView) -> None:
    """Over any inputs: no reason text shows "None", "NaN" or a raw Infinity; without
    brackets the gate never allows growth; a margin ratio ≥ 1 grades REDUCE; a REDUCE gate
    always names a cut within the position."""
    result = assess(view_)
    for reason in result.reasons:
        assert "None" not in reason and "NaN" not in reason and "Infinity" not in reason, reason
    if not view_.brackets:
        assert result.gate is not RiskGate.ALLOW
    if result.margin_ratio is not None and result.margin_ratio >= 1:
        assert result.grade is RiskGrade.REDUCE
    if result.gate is RiskGate.REDUCE:
        assert 0 < result.reduce_contracts <= abs(view_.position.contracts)
    if result.distance is not None and result.liquidation_price is not None:
        size = view_.position.contracts
        assert result.distance == liquidation_distance(size, view_.mark, result.liquidation_price)


def test_reasons_show_the_mark_at_the_markets_tick() -> None:
    """The venue's 8-decimal mark reads at the market's tick in the reason an alert carries
    (97039.95024876 → 97040.0 at a 0.1 tick), never in scientific notation."""
    result = assess(risk_view("0.20", mark="97039.95024876"))
    assert "from mark 97040.0;" in result.reasons[0]
    assert "97039.95024876" not in " ".join(result.reasons)
    round_mark = assess(risk_view("0.20", mark="1E+5"))
    assert "from mark 100000.0;" in round_mark.reasons[0]
