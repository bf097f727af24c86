"""REDUCE on an ISOLATED short: the venue releases isolated margin pro rata when the short
shrinks (Binance; the simulator's `futures._move_isolated_margin`), so the cut is sized for
the margin that actually stays and the released margin is added back the next cycle: one
cut restores the distance and the next cycles do not cut again.

The venue is modelled here as the simulator books a fill: the isolated wallet keeps W·k/s,
the released W·(s−k)/s plus the realized P&L minus the fee goes to the futures wallet's free
balance; a top-up moves spot → futures, then futures → isolated. Amounts USDT, sizes BTC.
"""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.domain.liquidation import MarginBracket
from bot.domain.model import MarginMode, Position
from bot.domain.risk import RiskAssessment, RiskView, assess
from bot.domain.risk_policy import RiskGate, RiskGrade, RiskPolicy

from ._factories import SYMBOL, linear

MKT = linear(contract_size="1", step="0.001")
BRACKETS = (  # the simulator's first BTCUSDT brackets (Binance's)
    MarginBracket(D(0), D(50_000), D("0.004"), D(0)),
    MarginBracket(D(50_000), D(250_000), D("0.005"), D(50)),
    MarginBracket(D(250_000), D(3_000_000), D("0.01"), D(1_300)),
)
ENTRY = D(60_000)
FEE = D("0.0005")  # Binance's USDⓈ-M taker fee


def isolated(
    short: str, wallet: str, mark: str, *, free: str = "0", spot: str = "0", **policy: object
) -> RiskView:
    """An isolated short of `short` BTC entered at 60,000 with `wallet` USDT of margin."""
    position = Position(
        SYMBOL, -D(short), entry_price=ENTRY, leverage=D(4), margin_mode=MarginMode.ISOLATED
    )
    return RiskView(
        hedge="BTC",
        policy=RiskPolicy(**policy),  # type: ignore[arg-type]
        market=MKT,
        position=position,
        mark=D(mark),
        brackets=BRACKETS,
        margin_mode=MarginMode.ISOLATED,
        wallet_balance=D(wallet),
        futures_free=D(free),
        spot_free=D(spot),
    )


def after_top_up(view: RiskView, risk: RiskAssessment) -> RiskView:
    """The venue after the assessment's top-up: spot → futures, then futures → isolated."""
    top = risk.top_up
    if top is None:
        return view
    futures = view.futures_free + top.transfer_from_spot - top.add_isolated_margin
    return replace(
        view,
        spot_free=view.spot_free - top.transfer_from_spot,
        futures_free=futures,
        wallet_balance=view.wallet_balance + top.add_isolated_margin,
    )


def after_cut(view: RiskView, cut: D, price: D, fee_rate: D = D(0)) -> RiskView:
    """The venue after buying back `cut` BTC at `price`: margin released pro rata."""
    held = -view.position.contracts
    released = view.wallet_balance * cut / held
    entry = view.position.entry_price or view.mark
    realized = cut * (entry - price) - cut * price * fee_rate
    position = replace(view.position, contracts=view.position.contracts + cut)
    return replace(
        view,
        position=position,
        wallet_balance=view.wallet_balance - released,
        futures_free=view.futures_free + released + realized,
    )


def run_cycles(
    view: RiskView, cycles: int, slip: D = D(0), fee_rate: D = D(0)
) -> tuple[list[D], RiskView]:
    """Assess, top up, cut — `cycles` times at one mark; returns the cuts and the venue."""
    cuts: list[D] = []
    for _ in range(cycles):
        if view.position.contracts == 0:
            break
        risk = assess(view)
        view = after_top_up(view, risk)
        if risk.gate is RiskGate.REDUCE:
            cuts.append(risk.reduce_contracts)
            view = after_cut(view, risk.reduce_contracts, view.mark * (1 + slip), fee_rate)
    return cuts, view


def test_one_cut_restores_the_distance_with_pro_rata_release() -> None:
    """A 4x isolated short rallied to 8 % from liquidation, no collateral, auto_top_up off:
    cycle 1 cuts, cycle 2 re-adds the released margin (no second cut), the distance is back
    at restore_distance, and later cycles leave the short alone."""
    view = isolated("1", "15000", "69000")
    first = assess(view)
    assert first.grade is RiskGrade.REDUCE and first.gate is RiskGate.REDUCE
    assert 0 < first.reduce_contracts < 1
    view = after_cut(view, first.reduce_contracts, view.mark)
    second = assess(view)
    # Pro-rata release: the cut alone did not move the distance; the re-add does.
    assert second.distance is not None and first.distance is not None
    assert abs(second.distance - first.distance) < D("0.001")
    assert second.reduce_contracts == 0 and second.gate is RiskGate.BLOCK_INCREASE
    assert second.top_up is not None and second.top_up.transfer_from_spot == 0
    assert second.top_up.add_isolated_margin == second.top_up_needed <= view.futures_free
    restored = assess(after_top_up(view, second))
    assert restored.distance is not None and restored.distance >= D("0.3499")
    assert restored.grade is RiskGrade.OK


def test_adding_free_futures_margin_comes_before_cutting() -> None:
    """At REDUCE, free futures margin that can restore the distance is added instead of a
    cut, even without auto_top_up (spot is only transferred with it); that re-add is the
    REDUCE grade's alone: at TOP_UP without auto_top_up no margin moves."""
    result = assess(isolated("1", "15000", "69000", free="20000", spot="50000"))
    assert result.grade is RiskGrade.REDUCE
    assert result.reduce_contracts == 0
    assert result.top_up is not None
    assert result.top_up.transfer_from_spot == 0
    assert result.top_up.add_isolated_margin == result.top_up_needed
    lesser = assess(isolated("1", "15000", "64000", free="20000"))
    assert lesser.grade is RiskGrade.TOP_UP and lesser.top_up is None


def test_a_capped_re_add_is_counted_in_the_cut() -> None:
    """With max_top_up capping the next cycle's re-add, the cut keeps only what the capped
    re-add can hold at restore_distance: still one cut."""
    view = isolated("1", "15000", "69000", max_top_up=D(500))
    cuts, end = run_cycles(view, 6)
    assert len(cuts) == 1
    assert cuts[0] > assess(isolated("1", "15000", "69000")).reduce_contracts
    final = assess(end)
    assert final.distance is not None and final.distance >= D("0.3499")


@settings(max_examples=150, deadline=None)
@given(
    short=st.integers(100, 20_000).map(lambda n: D(n) / 1000),
    leverage=st.sampled_from([3, 4, 5, 8, 10]),
    rally=st.integers(0, 40).map(lambda n: D(n) / 100),
    free=st.integers(0, 5_000).map(D),
    auto=st.booleans(),
    cap=st.one_of(st.none(), st.integers(50, 20_000).map(D)),
    slip=st.integers(0, 10).map(lambda n: D(n) / 10_000),
)
def test_one_rally_never_cuts_twice(
    short: D, leverage: int, rally: D, free: D, auto: bool, cap: D | None, slip: D
) -> None:
    """Whatever the size, leverage, rally, free margin and cap, holding the mark still for
    six cycles cuts an isolated short at most once (taker fee and up to 0.1 % slippage
    included), unless the venue would already have liquidated it."""
    wallet = short * ENTRY / leverage
    view = isolated(
        str(short), str(wallet), str(ENTRY * (1 + rally)), free=str(free),
        auto_top_up=auto, max_top_up=cap,
    )  # fmt: skip
    view = replace(view, market=replace(MKT, taker_fee=FEE))
    distance = assess(view).distance
    assume(distance is not None and distance > D("0.01"))  # the venue liquidates before
    cuts, _ = run_cycles(view, 6, slip=slip, fee_rate=FEE)
    assert len(cuts) <= 1, cuts
