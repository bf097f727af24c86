"""COIN-M (inverse) margin math: notional and P&L in coin, harmonic entry, Binance's
liquidation price checked by hand and, for any position, against its own definition."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.sim.coinm_margin import (
    inverse_fill,
    inverse_liquidation_price,
    inverse_notional,
    inverse_upnl,
)
from bot.sim.margin import maintenance_margin
from bot.sim.specs import brackets_for

BTC = brackets_for("BTCUSD_PERP")
ETH = brackets_for("ETHUSD_PERP")
CS_BTC, CS_ETH = D(100), D(10)


def test_coin_brackets_are_binances_recorded_btc_table() -> None:
    """BTCUSD's brackets are the recorded coin table: floors 0/5/10/... BTC, MMR 0.4 %/0.5 %/1 %,
    maintenance amounts in BTC (cum(2) = 5 × (0.5 % − 0.4 %) = 0.005 BTC)."""
    assert [b.floor for b in BTC[:4]] == [0, 5, 10, 20]
    assert [b.mmr for b in BTC[:3]] == [D("0.004"), D("0.005"), D("0.01")]
    assert BTC[1].cum == D("0.005") and BTC[2].cum == D("0.055")


def test_notional_and_pnl_are_in_coin_and_signed() -> None:
    """3,000 short BTCUSD contracts at 60,000 are −5 BTC of notional; at 50,000 the short has
    made 300,000 × (1/60,000 − 1/50,000) × −1 = +1 BTC."""
    assert inverse_notional(D(-3000), CS_BTC, D(60000)) == D(-5)
    assert inverse_upnl(D(-3000), CS_BTC, D(60000), D(50000)) == D(1)
    assert inverse_upnl(D(3000), CS_BTC, D(60000), D(50000)) == D(-1)


def test_adding_averages_the_entry_harmonically_and_reducing_realises_in_coin() -> None:
    """Buying 100 at 50,000 then 100 at 100,000 gives entry 200 / (100/50,000 + 100/100,000)
    = 66,666.67 (not 75,000); selling 100 at 80,000 realises 100 × 100 × (1/entry − 1/80,000)
    = 10,000 × (0.000015 − 0.0000125) = 0.025 BTC; selling 150 more flips to 50 short."""
    amt, entry, realized = inverse_fill(D(100), D(50000), D(100), D(100000), CS_BTC)
    assert (amt, realized) == (D(200), 0)
    assert entry == D(200) / (D(100) / 50000 + D(100) / 100000)
    amt, same_entry, realized = inverse_fill(amt, entry, D(-100), D(80000), CS_BTC)
    assert (amt, same_entry) == (D(100), entry)
    assert abs(realized - D("0.025")) < D("1e-20")
    assert inverse_fill(amt, entry, D(-150), D(70000), CS_BTC)[:2] == (D(-50), D(70000))


def test_hand_worked_cross_short_3000_contracts_at_60000() -> None:
    """The seeds' hedge: 1 BTC in the COIN-M wallet, short 3,000 BTCUSD (100 USD each) at
    60,000, cross. Bracket 1 (0-5 BTC): MMR 0.004, cum 0; Q = 3,000, side = −1:

        LP = (Q·MMR + side·Q) / ((WB + cum)/CS + side·Q/EP)
           = (3000 × 0.004 − 3000) / ((1 + 0)/100 − 3000/60000)
           = (12 − 3000) / (0.01 − 0.05) = −2988 / −0.04 = 74,700

    The notional there is 300,000 / 74,700 = 4.016 BTC, inside bracket 1, so it stands. At
    74,700 the margin balance is 1 − 300,000 × (1/60,000 − 1/74,700) = 0.016064 BTC and the
    maintenance margin 4.016064 × 0.004 = 0.016064 BTC: equal, as a liquidation price must be.
    """
    lp = inverse_liquidation_price(
        wallet_balance=D(1), amt=D(-3000), entry_price=D(60000), contract_size=CS_BTC, brackets=BTC
    )
    assert lp == D(74700)
    balance = 1 + inverse_upnl(D(-3000), CS_BTC, D(60000), lp)
    mm = maintenance_margin(BTC, inverse_notional(D(-3000), CS_BTC, lp))
    assert round(balance, 6) == round(mm, 6) == D("0.016064")


def test_hand_worked_isolated_long_eth() -> None:
    """Isolated long 100 ETHUSD (10 USD each) at 3,000 with 0.05 ETH of margin:
    LP = (100 × 0.005 + 100) / (0.05/10 + 100/3000) = 100.5 / 0.0383333… = 2,621.74."""
    lp = inverse_liquidation_price(
        wallet_balance=D("0.05"),
        amt=D(100),
        entry_price=D(3000),
        contract_size=CS_ETH,
        brackets=ETH,
    )
    assert lp == D("100.5") / (D("0.005") + D(100) / 3000)
    assert D("2621.73") < lp < D("2621.75")


def test_short_whose_wallet_covers_its_notional_cannot_be_liquidated() -> None:
    """A short of 600 BTCUSD at 60,000 (1 BTC of notional) backed by 1.2 BTC loses at most
    1 BTC however high the price goes: no liquidation price (0, Binance shows none)."""
    lp = inverse_liquidation_price(
        wallet_balance=D("1.2"),
        amt=D(-600),
        entry_price=D(60000),
        contract_size=CS_BTC,
        brackets=BTC,
    )
    assert lp == 0


@settings(max_examples=300, deadline=None)
@given(
    contracts=st.integers(min_value=1, max_value=200_000),
    entry=st.integers(min_value=5_000, max_value=200_000),
    wallet=st.decimals(min_value=D("0.01"), max_value=D(40), places=4),
    long=st.booleans(),
    cross=st.booleans(),
    other_mm=st.decimals(min_value=D(0), max_value=D("0.3"), places=4),
    other_upnl=st.decimals(min_value=D("-0.3"), max_value=D("0.3"), places=4),
)
def test_margin_balance_equals_maintenance_margin_at_the_liquidation_price(
    contracts: int,
    entry: int,
    wallet: D,
    long: bool,
    cross: bool,
    other_mm: D,
    other_upnl: D,
) -> None:
    """For any one-way position (isolated, or cross with other contracts' maintenance margin
    and P&L), at the computed LP the margin balance equals the maintenance margin of the
    bracket the notional in coin falls in, to 1e-6 relative."""
    amt = D(contracts) * (1 if long else -1)
    others = (other_mm, other_upnl) if cross else (D(0), D(0))
    lp = inverse_liquidation_price(
        wallet_balance=wallet,
        amt=amt,
        entry_price=D(entry),
        contract_size=CS_BTC,
        brackets=BTC,
        other_maint_margin=others[0],
        other_upnl=others[1],
    )
    if lp == 0:
        return  # no liquidation price: the wallet covers every loss the position can make
    balance = wallet + others[1] + inverse_upnl(amt, CS_BTC, D(entry), lp)
    mm = others[0] + maintenance_margin(BTC, inverse_notional(amt, CS_BTC, lp))
    assert abs(balance - mm) <= D("1e-6") * mm


@pytest.mark.parametrize("amt", [D(-3000), D(3000)])
def test_liquidation_price_is_on_the_losing_side(amt: D) -> None:
    """A short is liquidated above its entry, a long below it."""
    lp = inverse_liquidation_price(
        wallet_balance=D("0.5"), amt=amt, entry_price=D(60000), contract_size=CS_BTC, brackets=BTC
    )
    assert (lp > 60000) if amt < 0 else (0 < lp < 60000)
