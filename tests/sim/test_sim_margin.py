"""Margin math of the simulated USDⓈ-M venue against Binance's documented numbers."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.sim.margin import (
    bracket_for,
    liquidation_price,
    maintenance_margin,
    margin_ratio,
    unrealized_pnl,
)
from bot.sim.specs import brackets_for

BTC = brackets_for("BTCUSDT")


def _margin_balance_minus_mm(
    wallet: D, amt: D, entry: D, mark: D, other_mm: D = D(0), other_upnl: D = D(0)
) -> D:
    """Margin balance − maintenance margin of the account at `mark` (0 at liquidation)."""
    balance = wallet + other_upnl + unrealized_pnl(amt, entry, mark)
    return balance - other_mm - maintenance_margin(BTC, amt * mark)


def test_btc_maintenance_amount_level_3_matches_binance_faq() -> None:
    """Binance FAQ: level-3 maintenance amount = 250,000 × (1 % − 0.5 %) + 50 = 1,300 USDT."""
    assert BTC[2].cum == D(1300)
    assert bracket_for(BTC, D(500_000)).cum == D(1300)


def test_btc_264k_position_uses_one_percent_mmr() -> None:
    """Binance FAQ: a 264,000 USDT BTCUSDT position has a maintenance margin rate of 1 %."""
    assert bracket_for(BTC, D(264_000)).mmr == D("0.01")


@pytest.mark.parametrize(
    ("notional", "expected"),
    [
        (D(40_000), D(40_000) * D("0.004")),
        (D(100_000), D(100_000) * D("0.005") - 50),
        (D(-264_000), D(264_000) * D("0.01") - 1300),
    ],
)
def test_maintenance_margin_is_notional_times_rate_minus_amount(notional: D, expected: D) -> None:
    """Maintenance margin = |notional| × MMR − maintenance amount of the notional's bracket."""
    assert maintenance_margin(BTC, notional) == expected


def test_isolated_long_worked_example() -> None:
    """1 BTC long at 65,000 with 3,250 USDT isolated: LP = (3250+50−65000)/(0.005−1)."""
    lp = liquidation_price(wallet_balance=D(3250), amt=D(1), entry_price=D(65000), brackets=BTC)
    assert lp == (D(3250) + 50 - 65000) / (D("0.005") - 1)
    assert D("62010.05") < lp < D("62010.06")


def test_matches_real_binance_position_risk_row() -> None:
    """Recorded cross position (ccxt fixture): 0.009 BTC @ 67445.9, cross wallet 25.7261006
    → Binance reported liquidationPrice 64846.98753790; we agree within 0.01 %."""
    lp = liquidation_price(
        wallet_balance=D("25.72610060"), amt=D("0.009"), entry_price=D("67445.9"), brackets=BTC
    )
    assert abs(lp - D("64846.98753790")) / lp < D("0.0001")


CASES = [
    # wallet, amt, entry, other maintenance margin, other uPnL
    (D(3250), D(1), D(65000), D(0), D(0)),
    (D(3250), D(-1), D(65000), D(0), D(0)),
    (D(50_000), D("-0.1"), D(65000), D(0), D(0)),
    (D(20_000), D(-5), D(65000), D(120), D(-300)),
    (D(400_000), D(10), D(65000), D(500), D(1000)),
    (D(1_000), D("0.5"), D("30000.5"), D(0), D(0)),
]


@pytest.mark.parametrize(("wallet", "amt", "entry", "other_mm", "other_upnl"), CASES)
def test_margin_balance_equals_maintenance_at_liquidation_price(
    wallet: D, amt: D, entry: D, other_mm: D, other_upnl: D
) -> None:
    """At the computed liquidation mark, margin balance equals maintenance margin (±1 tick)."""
    lp = liquidation_price(
        wallet_balance=wallet,
        amt=amt,
        entry_price=entry,
        brackets=BTC,
        other_maint_margin=other_mm,
        other_upnl=other_upnl,
    )
    assert lp > 0
    gap = _margin_balance_minus_mm(wallet, amt, entry, lp, other_mm, other_upnl)
    assert abs(gap) < abs(amt) * D("0.1")


def test_overcollateralised_long_has_no_liquidation_price() -> None:
    """A long whose wallet covers the whole notional can never be liquidated: LP is 0."""
    lp = liquidation_price(wallet_balance=D(70_000), amt=D(1), entry_price=D(65000), brackets=BTC)
    assert lp == 0


@given(
    wallet=st.decimals(min_value=10, max_value=1_000_000, places=2),
    size=st.decimals(min_value=D("0.001"), max_value=50, places=3),
    entry=st.decimals(min_value=1000, max_value=150_000, places=1),
    short=st.booleans(),
)
def test_liquidation_price_is_a_root_in_a_consistent_bracket(
    wallet: D, size: D, entry: D, short: bool
) -> None:
    """Whenever an LP exists, the account is exactly at maintenance there and the bracket used
    is the one the notional at LP falls in."""
    amt = -size if short else size
    lp = liquidation_price(wallet_balance=wallet, amt=amt, entry_price=entry, brackets=BTC)
    if lp == 0:
        assert not short and wallet + unrealized_pnl(amt, entry, D(0)) >= 0
        return
    gap = _margin_balance_minus_mm(wallet, amt, entry, lp)
    assert abs(gap) <= max(D("1e-6"), size * D("1e-9") * lp)


def test_margin_ratio_is_maintenance_over_balance() -> None:
    """Margin ratio = maintenance margin / margin balance; 1 when the balance is gone."""
    assert margin_ratio(D(26), D(2600)) == D("0.01")
    assert margin_ratio(D(26), D(-5)) == 1
    assert margin_ratio(D(0), D(100)) == 0


def test_unrealized_pnl_sign_follows_position_side() -> None:
    """A short loses when the mark rises above entry; a long gains."""
    assert unrealized_pnl(D(-2), D(100), D(110)) == D(-20)
    assert unrealized_pnl(D(2), D(100), D(110)) == D(20)
