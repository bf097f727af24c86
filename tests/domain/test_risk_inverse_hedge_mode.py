"""Hedge-mode cross margin on COIN-M: the LONG leg beside our inverse short shares the coin
wallet and the liquidation price; the risk guard grades, tops up and cuts on that two-leg
price, and never cuts the short when the LONG outweighs it.
Contracts signed (short < 0) of 100 USD; amounts BTC; prices USD per BTC."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.domain.liquidation import MarginBracket, liquidation_distance
from bot.domain.liquidation_inverse import (
    inverse_hedged_liquidation_price,
    inverse_hedged_wallet_for_liquidation_at,
    inverse_liquidation_price,
    inverse_liquidation_side,
    inverse_maintenance_margin,
    inverse_upnl,
)
from bot.domain.model import MarginMode, Position
from bot.domain.risk import RiskView, assess
from bot.domain.risk_policy import RiskGate, RiskGrade, RiskPolicy
from bot.sim.specs import brackets_for

from ._factories import inverse

MKT = inverse()
CS = MKT.contract_size
SIM_BTCUSD = tuple(
    MarginBracket(b.floor, b.cap, b.mmr, b.cum) for b in brackets_for("BTCUSD_PERP")
)  # the simulator's coin brackets
FLAT_RATE = (MarginBracket(D(0), D("Infinity"), D("0.004"), D(0)),)
ENTRY = D(60_000)
SHORT = D(-3000)
TINY = D("1e-18")


def _pair(long: D, wallet: D, brackets: tuple[MarginBracket, ...] = SIM_BTCUSD) -> D | None:
    legs = ((SHORT, ENTRY), (long, ENTRY))
    return inverse_hedged_liquidation_price(
        legs=legs, wallet_balance=wallet, contract_size=CS, brackets=brackets
    )


def test_two_leg_price_hand_worked() -> None:
    """Short 3,000 and LONG 1,000 contracts at 60,000, 0.5 BTC wallet, MMR 0.4 %: the margin
    balance 0.5 − 10/3 + 200,000/P meets the maintenance margin 1,600/P at P = 1,190,400/17
    (≈ 70,023.53), not at the 70,305.88 of a one-way 2,000-contract short."""
    price = _pair(D(1000), D("0.5"), FLAT_RATE)
    assert price is not None and abs(price - D(1_190_400) / 17) < D("1e-18")
    net = inverse_liquidation_price(
        contracts=D(-2000),
        entry_price=ENTRY,
        wallet_balance=D("0.5"),
        contract_size=CS,
        brackets=FLAT_RATE,
    )
    assert net is not None and abs(net - price) > 280


@settings(max_examples=60, deadline=None)
@given(
    st.integers(min_value=1, max_value=2999),
    st.integers(min_value=50, max_value=100_000),
    st.integers(min_value=55_000, max_value=65_000),
)
def test_at_the_two_leg_price_balance_equals_maintenance(
    long: int, wallet_mbtc: int, long_entry: int
) -> None:
    """With the simulator's coin brackets, at the two-leg price the pair's margin balance
    (wallet + both legs' P&L) equals both legs' maintenance margin, and the wallet solved
    for that price is the wallet it came from."""
    legs = ((SHORT, ENTRY), (D(long), D(long_entry)))
    wallet = D(wallet_mbtc) / 1000
    price = inverse_hedged_liquidation_price(
        legs=legs, wallet_balance=wallet, contract_size=CS, brackets=SIM_BTCUSD
    )
    if price is None:
        return  # the wallet covers the net short at any price
    balance = wallet + sum((inverse_upnl(a, CS, e, price) for a, e in legs), D(0))
    maint = sum((inverse_maintenance_margin(a, CS, price, SIM_BTCUSD) for a, _ in legs), D(0))
    assert abs(balance - maint) < D("1e-15")
    solved = inverse_hedged_wallet_for_liquidation_at(
        legs=legs, price=price, contract_size=CS, brackets=SIM_BTCUSD
    )
    assert abs(solved - wallet) < D("1e-15")


def test_one_live_leg_is_the_one_way_price() -> None:
    """A flat LONG leg leaves the one-way COIN-M price unchanged."""
    one_way = inverse_liquidation_price(
        contracts=SHORT, entry_price=ENTRY, wallet_balance=D(1), contract_size=CS,
        brackets=SIM_BTCUSD,
    )  # fmt: skip
    assert _pair(D(0), D(1)) == one_way


@pytest.mark.parametrize(
    ("long", "side"),
    [("0", -1), ("1000", -1), ("2900", -1), ("2990", 1), ("5000", 1)],
)
def test_liquidation_side_follows_the_heavier_leg(long: str, side: int) -> None:
    """The liquidation lies above the mark while the short clearly outweighs the LONG (−1),
    below (+1) once the LONG outweighs it — or nearly matches it: 2,990 against 3,000 lose
    less on a rise (10 contracts) than their maintenance margin sheds (0.4 % of 5,990)."""
    legs = ((SHORT, ENTRY), (D(long), ENTRY))
    assert inverse_liquidation_side(legs, CS, ENTRY, SIM_BTCUSD) == side


def _view(
    long: str, wallet: D, *, mode: MarginMode = MarginMode.CROSS, spot_free: str = "0"
) -> RiskView:
    position = Position(
        symbol=MKT.symbol,
        contracts=SHORT,
        entry_price=ENTRY,
        mark_price=ENTRY,
        leverage=D(10),
        margin_mode=mode,
        long_leg_contracts=D(long),
        long_leg_entry_price=ENTRY,
    )
    return RiskView(
        hedge="BTC",
        policy=RiskPolicy(auto_top_up=True),
        market=MKT,
        position=position,
        mark=ENTRY,
        brackets=SIM_BTCUSD,
        margin_mode=mode,
        wallet_balance=wallet,
        spot_free=D(spot_free),
    )


def _wallet_at(distance: str, long: str) -> D:
    """The cross wallet putting the pair's liquidation `distance` above the mark."""
    return inverse_hedged_wallet_for_liquidation_at(
        legs=((SHORT, ENTRY), (D(long), ENTRY)),
        price=ENTRY * (1 + D(distance)),
        contract_size=CS,
        brackets=SIM_BTCUSD,
    )


def test_cross_guard_grades_on_the_two_leg_price() -> None:
    """A cross short with a 1,000-contract LONG leg whose pair liquidates 25 % above is WARN
    on that price; the short alone with the same wallet would sit much closer (TOP_UP)."""
    result = assess(_view("1000", _wallet_at("0.25", "1000")))
    assert result.grade is RiskGrade.WARN
    assert result.distance is not None and abs(result.distance - D("0.25")) < TINY
    alone = assess(_view("0", _wallet_at("0.25", "1000")))
    assert alone.distance is not None and alone.distance < D("0.20")


def test_isolated_short_ignores_the_long_leg() -> None:
    """In isolated margin the LONG leg has its own wallet: the short's price is one-way."""
    wallet = D("0.9")
    with_long = assess(_view("1000", wallet, mode=MarginMode.ISOLATED))
    without = assess(_view("0", wallet, mode=MarginMode.ISOLATED))
    assert with_long.own_liquidation_price == without.own_liquidation_price is not None


def test_cross_top_up_restores_the_pair_distance() -> None:
    """A cross pair 15 % from liquidation is topped up in whole satoshis until the TWO-LEG
    price is back at `restore_distance`."""
    view = _view("1000", _wallet_at("0.15", "1000"), spot_free="5")
    result = assess(view)
    top = result.top_up
    assert result.grade is RiskGrade.TOP_UP and top is not None and top.asset == "BTC"
    assert top.amount == top.amount.quantize(D("1e-8"))
    after = liquidation_distance(SHORT, ENTRY, _pair(D(1000), view.wallet_balance + top.amount))
    short_of = _pair(D(1000), view.wallet_balance + top.amount - D("1e-8"))
    before = liquidation_distance(SHORT, ENTRY, short_of)
    assert after is not None and before is not None
    assert before < view.policy.restore_distance <= after


def _kept_price(view: RiskView, cut: D) -> D | None:
    """The pair's price once `cut` contracts of the short are bought back at the mark (the
    taker fee out of the cross wallet), the LONG leg still held."""
    fee = cut * CS / ENTRY * MKT.taker_fee
    kept = ((SHORT + cut, ENTRY), (D(1000), ENTRY))
    return inverse_hedged_liquidation_price(
        legs=kept, wallet_balance=view.wallet_balance - fee, contract_size=CS, brackets=SIM_BTCUSD
    )


def test_cut_with_a_lighter_long_leg_restores_the_pair_distance() -> None:
    """No collateral, the pair 5 % from liquidation: the short is cut so the two-leg price
    (the LONG leg still held) is back at `restore_distance`; cutting one contract less would
    not be enough."""
    view = _view("1000", _wallet_at("0.05", "1000"))
    result = assess(view)
    assert result.grade is RiskGrade.REDUCE and result.gate is RiskGate.REDUCE
    cut = result.reduce_contracts
    assert 0 < cut < 3000
    target = ENTRY * (1 + view.policy.restore_distance)
    after = _kept_price(view, cut)
    assert after is None or after >= target
    short_of = _kept_price(view, cut - 1)
    assert short_of is not None and short_of < target


def test_long_leg_outweighing_the_short_is_never_cut() -> None:
    """A 5,000-contract LONG leg over the 3,000 short with a thin wallet: the pair liquidates
    BELOW the mark, within the REDUCE band — the distance is measured downwards, and the
    short is not bought back (that would add to the net long); the reason says so."""
    legs = ((SHORT, ENTRY), (D(5000), ENTRY))
    wallet = inverse_hedged_wallet_for_liquidation_at(
        legs=legs, price=ENTRY * D("0.95"), contract_size=CS, brackets=SIM_BTCUSD
    )
    result = assess(_view("5000", wallet))
    assert result.liquidation_price is not None and result.liquidation_price < ENTRY
    assert result.distance is not None and abs(result.distance - D("0.05")) < TINY
    assert result.grade is RiskGrade.REDUCE and result.reduce_contracts == 0
    assert result.gate is RiskGate.BLOCK_INCREASE
    assert any("LONG leg outweighs the short" in r for r in result.reasons)


def test_without_brackets_the_venues_price_below_the_mark_is_never_cut() -> None:
    """No coin brackets, a 2,990-contract LONG leg beside the 3,000 short (net short, but
    their maintenance margin sheds more on a rise than the 10 contracts lose), the venue
    reporting the pair's liquidation at 57,000, 5 % BELOW the mark: graded on that price
    downwards, the short is not bought back (not all of it, as a net-short reading would)
    and the hedge is not grown; the reasons say why."""
    view = _view("2990", D("0.05"))
    position = replace(view.position, liquidation_price=D(57_000))
    result = assess(replace(view, position=position, brackets=()))
    assert result.liquidation_price == 57_000 and result.distance == D("0.05")
    assert result.grade is RiskGrade.REDUCE and result.reduce_contracts == 0
    assert result.gate is RiskGate.BLOCK_INCREASE and result.brackets_missing
    assert any("LONG leg outweighs the short" in r for r in result.reasons)
    assert any("margin brackets unavailable" in r for r in result.reasons)
