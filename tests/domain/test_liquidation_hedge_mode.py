"""Hedge-mode cross margin: the LONG leg beside our short shares the liquidation price, and the
risk guard grades on that two-leg price (never cutting the short when the LONG outweighs it)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.hedge import HedgePolicy
from bot.domain.liquidation import (
    MarginBracket,
    bracket_for,
    hedged_liquidation_price,
    hedged_wallet_for_liquidation_at,
    implied_bracket,
    liquidation_distance,
    liquidation_price,
    liquidation_side,
)
from bot.domain.model import AccountSnapshot, Balance, MarginMode, Position
from bot.domain.risk import RiskView, assess
from bot.domain.risk_inputs import risk_view
from bot.domain.risk_policy import RiskGate, RiskGrade, RiskPolicy
from bot.sim.margin import hedged_liquidation_price as sim_hedged_liquidation_price
from bot.sim.specs import brackets_for

from ._factories import SYMBOL, linear

SIM_BTC = brackets_for("BTCUSDT")
BTCUSDT = tuple(MarginBracket(b.floor, b.cap, b.mmr, b.cum) for b in SIM_BTC)
MKT = linear(contract_size="1", step="0.001")
MARK = D(65_000)


def _ours(long: str, short: str, e_long: str, e_short: str, wallet: str) -> D | None:
    legs = ((D(long), D(e_long)), (-D(short), D(e_short)))
    return hedged_liquidation_price(legs=legs, wallet_balance=D(wallet), brackets=BTCUSDT)


def _venue(long: str, short: str, e_long: str, e_short: str, wallet: str) -> D:
    legs = [(D(long), D(e_long)), (-D(short), D(e_short))]
    return sim_hedged_liquidation_price(wallet_balance=D(wallet), legs=legs, brackets=SIM_BTC)


@pytest.mark.parametrize(
    ("long", "short", "e_long", "e_short", "wallet"),
    [
        ("0.5", "1", "65000", "65000", "25000"),  # the reproduced account
        ("0.3", "1", "60000", "66000", "12000"),
        ("1", "1", "65000", "65000", "3000"),  # fully offset: only maintenance can liquidate
        ("2", "0.5", "64000", "70000", "20000"),  # the LONG outweighs: liquidation below
        ("40", "60", "65000", "65000", "900000"),  # notionals in the upper brackets
        ("0.001", "5", "50000", "65000", "100000"),
    ],
)
def test_two_leg_price_equals_the_venues(
    long: str, short: str, e_long: str, e_short: str, wallet: str
) -> None:
    """Our cross hedge-mode liquidation price is the simulator's (Binance's) to the cent."""
    ours = _ours(long, short, e_long, e_short, wallet)
    assert ours is not None
    assert abs(ours - _venue(long, short, e_long, e_short, wallet)) < D("0.01")


def test_the_reproduced_account_is_far_from_the_short_only_price() -> None:
    """LONG 0.5 + SHORT 1 BTC on 25,000 USDT: ~113,497.5, not the short-only 89,601.75."""
    ours = _ours("0.5", "1", "65000", "65000", "25000")
    short_only = liquidation_price(
        size=D(-1), entry_price=D(65_000), wallet_balance=D(25_000), brackets=BTCUSDT
    )
    assert ours is not None and D("113497") < ours < D("113498")
    assert short_only is not None and short_only < D(90_000)


def test_a_single_leg_is_the_one_way_price() -> None:
    """A flat LONG leg leaves Binance's one-way price; no leg at all has none."""
    one_way = liquidation_price(
        size=D(-1), entry_price=MARK, wallet_balance=D(20_000), brackets=BTCUSDT
    )
    legs = ((D(0), MARK), (D(-1), MARK))
    assert hedged_liquidation_price(legs=legs, wallet_balance=D(20_000), brackets=BTCUSDT) == (
        one_way
    )
    assert hedged_liquidation_price(legs=(), wallet_balance=D(1), brackets=BTCUSDT) is None


@settings(max_examples=60, deadline=None)
@given(
    long=st.decimals("0.001", "30", places=3),
    short=st.decimals("0.001", "30", places=3),
    e_long=st.integers(20_000, 100_000),
    e_short=st.integers(20_000, 100_000),
    wallet=st.integers(0, 1_000_000),
)
def test_two_leg_price_matches_the_simulator_and_its_wallet_inverse(
    long: D, short: D, e_long: int, e_short: int, wallet: int
) -> None:
    """Wherever the venue liquidates the pair we find the same price, and the wallet solved
    back from it is the wallet we started from."""
    legs = ((long, D(e_long)), (-short, D(e_short)))
    venue = sim_hedged_liquidation_price(
        wallet_balance=D(wallet), legs=list(legs), brackets=SIM_BTC
    )
    ours = hedged_liquidation_price(legs=legs, wallet_balance=D(wallet), brackets=BTCUSDT)
    if venue == 0:
        assert ours is None
        return
    assert ours is not None and abs(ours - venue) <= venue * D("1e-20")
    if not _settled(legs, D(wallet), ours):
        return  # brackets that flip at the price (venue and we both end on the same price)
    back = hedged_wallet_for_liquidation_at(legs=legs, price=ours, brackets=BTCUSDT)
    assert abs(back - wallet) < D("1e-12")


def _settled(legs: tuple[tuple[D, D], ...], wallet: D, price: D) -> bool:
    """Whether `price` solves the two-leg equation with the brackets the legs' notionals AT
    `price` fall in. A deeply underwater pair (e.g. no wallet, a far-off entry) can have
    brackets that flip between two prices, so no price solves it exactly; the venue's
    iteration then stops where ours does (asserted by the caller)."""
    chosen = [bracket_for(abs(a) * price, BTCUSDT) for a, _ in legs]
    top = wallet + sum((b.cum for b in chosen), D(0)) - sum((a * e for a, e in legs), D(0))
    bottom = sum(
        (abs(a) * b.maint_margin_ratio - a for (a, _), b in zip(legs, chosen, strict=True)), D(0)
    )
    return bottom != 0 and abs(top / bottom - price) <= price * D("1e-20")


def test_a_bracket_implied_beside_a_long_leg_gives_back_the_venues_price() -> None:
    """Without the venue's brackets, the one implied from its two-leg price (LONG leg
    counted) solves back to that price, so top-ups and cuts are sized on it."""
    venue = _venue("0.5", "1", "65000", "65000", "25000")
    implied = implied_bracket(
        size=D(-1), entry_price=MARK, wallet_balance=D(25_000), liquidation=venue,
        same_symbol=((D("0.5"), MARK),),
    )  # fmt: skip
    assert implied is not None
    legs = ((D("0.5"), MARK), (D(-1), MARK))
    again = hedged_liquidation_price(legs=legs, wallet_balance=D(25_000), brackets=(implied,))
    assert again is not None and abs(again - venue) < D("1e-9")


@pytest.mark.parametrize(
    ("long", "short", "side"),
    [("0", "-1", -1), ("0.5", "-1", -1), ("1", "-1", -1), ("2", "-0.5", 1), ("1", "0", 1)],
)
def test_liquidation_side_follows_the_heavier_leg(long: str, short: str, side: int) -> None:
    """The liquidation lies above the mark while the short outweighs (or equals) the LONG,
    below it once the LONG outweighs the short."""
    legs = ((D(long), MARK), (D(short), MARK))
    assert liquidation_side(legs, MARK, BTCUSDT) == side


def _view(
    long: str,
    short: str,
    wallet: str,
    *,
    mode: MarginMode = MarginMode.CROSS,
    reported: D | None = None,
    spot_free: str = "0",
    policy: RiskPolicy | None = None,
) -> RiskView:
    """Our `short` BTC beside the account's `long` BTC LONG leg, both entered at the mark."""
    position = Position(
        symbol=SYMBOL,
        contracts=-D(short),
        entry_price=MARK,
        mark_price=MARK,
        liquidation_price=reported,
        leverage=D(3),
        margin_mode=mode,
        long_leg_contracts=D(long),
        long_leg_entry_price=MARK,
        long_leg_unrealized_pnl=D(0),
    )
    return RiskView(
        hedge="BTC",
        policy=policy or RiskPolicy(),
        market=MKT,
        position=position,
        mark=MARK,
        brackets=BTCUSDT,
        margin_mode=mode,
        wallet_balance=D(wallet),
        spot_free=D(spot_free),
    )


def test_the_guard_grades_on_the_two_leg_price_and_agrees_with_the_venue() -> None:
    """With the venue reporting its two-leg price, ours matches it: no mismatch reason, and the
    distance is the venue's (OK at ~75 %, not the short-only ~38 %)."""
    venue = _venue("0.5", "1", "65000", "65000", "25000")
    result = assess(_view("0.5", "1", "25000", reported=venue.quantize(D("0.01"))))
    assert not result.liq_price_mismatch
    assert not any("disagrees" in reason for reason in result.reasons)
    assert result.own_liquidation_price is not None
    assert abs(result.own_liquidation_price - venue) < D("0.01")
    assert result.grade is RiskGrade.OK and result.distance is not None
    assert D("0.74") < result.distance < D("0.75")


def test_isolated_margin_ignores_the_long_leg() -> None:
    """Isolated: each leg has its own wallet, so the short's price is the one-way one."""
    result = assess(_view("0.5", "1", "25000", mode=MarginMode.ISOLATED))
    one_way = liquidation_price(
        size=D(-1), entry_price=MARK, wallet_balance=D(25_000), brackets=BTCUSDT
    )
    assert result.own_liquidation_price == one_way


def test_a_heavier_long_leg_puts_liquidation_below_the_mark_and_the_short_is_never_cut() -> None:
    """LONG 3 vs SHORT 1 with a thin wallet: liquidation is below the mark, graded REDUCE on
    the downward distance, but nothing of the short is bought back (that adds to the net
    long); the reason says so, and increases stay blocked rather than a REDUCE order."""
    view = _view("3", "1", "8000")
    result = assess(view)
    assert result.liquidation_price is not None and result.liquidation_price < MARK
    assert result.distance == liquidation_distance(D(1), MARK, result.liquidation_price)
    assert result.grade is RiskGrade.REDUCE
    assert result.reduce_contracts == 0
    assert result.gate is RiskGate.BLOCK_INCREASE
    assert any("LONG leg outweighs the short" in reason for reason in result.reasons)


def test_a_heavier_long_leg_is_topped_up_below_the_mark() -> None:
    """The top-up for a net-long pair puts the two-leg liquidation restore_distance BELOW the
    mark."""
    policy = RiskPolicy(auto_top_up=True)
    view = _view("3", "1", "8000", spot_free="1000000", policy=policy)
    result = assess(view)
    assert result.top_up is not None and result.top_up.amount == result.top_up_needed > 0
    legs = ((D(3), MARK), (D(-1), MARK))
    after = hedged_liquidation_price(
        legs=legs, wallet_balance=view.wallet_balance + result.top_up_needed, brackets=BTCUSDT
    )
    assert after is not None
    target = MARK * (1 - policy.restore_distance)
    assert target - D(1) <= after <= target


def test_a_cut_beside_a_lighter_long_leg_restores_the_two_leg_distance() -> None:
    """Net short in cross with no collateral: the cut is sized with the LONG leg counted, so
    the pair's liquidation after it is about restore_distance above the mark."""
    policy = RiskPolicy()
    view = _view("2", "10", "35000", policy=policy)
    result = assess(view)
    assert result.gate is RiskGate.REDUCE
    kept = D(10) - result.reduce_contracts * MKT.contract_size
    assert 0 < kept < 10
    fee = result.reduce_contracts * MARK * MKT.taker_fee  # bought back at the mark (entry)
    legs = ((D(2), MARK), (-kept, MARK))
    after = hedged_liquidation_price(
        legs=legs, wallet_balance=view.wallet_balance - fee, brackets=BTCUSDT
    )
    distance = liquidation_distance(-kept, MARK, after)
    assert distance is not None
    assert policy.restore_distance <= distance < policy.restore_distance + D("0.01")


def test_without_the_long_leg_the_same_short_is_graded_worse() -> None:
    """The LONG leg's offset matters: the reproduced short alone is ~38 % away, with the
    0.5 LONG ~75 % away."""
    alone = assess(_view("0", "1", "25000"))
    paired = assess(_view("0.5", "1", "25000"))
    assert alone.distance is not None and paired.distance is not None
    assert alone.distance < D("0.40") < D("0.74") < paired.distance


def test_the_cross_wallet_is_read_without_either_legs_unrealized_pnl() -> None:
    """ccxt's futures total is the margin balance (wallet + BOTH legs' uPnL): the guard takes
    the LONG leg's uPnL out too, so at a 70,000 mark the 25,000 wallet and the venue's price
    come back."""
    mark = D(70_000)
    position = Position(
        symbol=SYMBOL, contracts=D(-1), entry_price=MARK, mark_price=mark,
        margin_mode=MarginMode.CROSS, unrealized_pnl=D(-5_000), long_leg_contracts=D("0.5"),
        long_leg_entry_price=MARK, long_leg_unrealized_pnl=D(2_500),
    )  # fmt: skip
    futures = Balance("USDT", free=D(0), used=D(0), total=D(22_500))
    snapshot = AccountSnapshot(
        account="main", taken_at_ms=1, markets={SYMBOL: MKT}, futures={"USDT": futures},
        positions={SYMBOL: position},
    )  # fmt: skip
    policy = HedgePolicy(name="BTC", spot_asset="BTC", perp_symbol=SYMBOL, target_ratio=D(1),
                         margin_mode=MarginMode.CROSS)  # fmt: skip
    view = risk_view(policy, RiskPolicy(), snapshot, BTCUSDT, mark)
    assert view.wallet_balance == D(25_000)
    own = assess(view).own_liquidation_price
    assert own is not None
    assert abs(own - _venue("0.5", "1", "65000", "65000", "25000")) < D("0.01")


def test_a_pair_whose_brackets_flip_at_the_price_ends_where_the_venue_does() -> None:
    """The case hypothesis found (no wallet, LONG 0.242 @ 41,089 beside SHORT 0.237 @ 20,000:
    no price solves it exactly) gives the venue's price, not None and not another one."""
    legs = ((D("0.242"), D(41089)), (-D("0.237"), D(20000)))
    venue = sim_hedged_liquidation_price(wallet_balance=D(0), legs=list(legs), brackets=SIM_BTC)
    ours = hedged_liquidation_price(legs=legs, wallet_balance=D(0), brackets=BTCUSDT)
    assert venue > 0 and ours is not None and abs(ours - venue) <= venue * D("1e-20")
    assert not _settled(legs, D(0), ours)
