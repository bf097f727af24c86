"""Binance's COIN-M liquidation formula: the worked example, agreement with the simulator's
own implementation to 1e-6 relative, and the wallet solved back from a liquidation price.
Contracts signed (short < 0) of 100 USD; wallets and margin in BTC; prices USD per BTC."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.liquidation import MarginBracket
from bot.domain.liquidation_inverse import (
    inverse_liquidation_price,
    inverse_maintenance_margin,
    inverse_upnl,
    inverse_wallet_for_liquidation_at,
)
from bot.sim.coinm_margin import inverse_liquidation_price as sim_liquidation_price
from bot.sim.specs import brackets_for

SIM_BRACKETS = brackets_for("BTCUSD_PERP")
BRACKETS = tuple(
    MarginBracket(b.floor, b.cap, b.mmr, b.cum, b.initial_leverage) for b in SIM_BRACKETS
)
CS = D(100)


def test_worked_example_one_btc_against_3000_contracts() -> None:
    """1 BTC of cross wallet behind a 3,000-contract short opened at 60,000 liquidates at
    (3000·0.004 − 3000) / (1/100 − 3000/60000) = 74,700."""
    price = inverse_liquidation_price(
        contracts=D(-3000),
        entry_price=D(60_000),
        wallet_balance=D(1),
        contract_size=CS,
        brackets=BRACKETS,
    )
    assert price == D(74_700)


@pytest.mark.parametrize(
    ("contracts", "entry", "wallet", "other_mm", "other_upnl"),
    [
        ("-3000", "60000", "1", "0", "0"),
        ("-3000", "60000", "0.5", "0.01", "-0.02"),
        ("-200", "61234.5", "0.1667", "0", "0"),
        ("-120000", "58000", "40", "0", "0"),  # ~207 BTC notional: a higher bracket
        ("5000", "60000", "0.6", "0", "0"),  # a long liquidates below
        ("-4000000", "60000", "900", "1.5", "3"),
    ],
)
def test_agrees_with_the_simulator(
    contracts: str, entry: str, wallet: str, other_mm: str, other_upnl: str
) -> None:
    """Our COIN-M liquidation price and the simulator's agree to 1e-6 relative, across
    brackets, sides and cross wallets shared with other contracts."""
    ours = inverse_liquidation_price(
        contracts=D(contracts),
        entry_price=D(entry),
        wallet_balance=D(wallet),
        contract_size=CS,
        brackets=BRACKETS,
        other_maint_margin=D(other_mm),
        other_unrealized_pnl=D(other_upnl),
    )
    theirs = sim_liquidation_price(
        wallet_balance=D(wallet),
        amt=D(contracts),
        entry_price=D(entry),
        contract_size=CS,
        brackets=SIM_BRACKETS,
        other_maint_margin=D(other_mm),
        other_upnl=D(other_upnl),
    )
    assert ours is not None and theirs > 0
    assert abs(ours - theirs) / theirs < D("1e-6")


def test_margin_balance_equals_maintenance_at_the_liquidation_price() -> None:
    """At LP the margin balance (wallet + uPnL) equals the maintenance margin, in BTC."""
    price = inverse_liquidation_price(
        contracts=D(-3000),
        entry_price=D(60_000),
        wallet_balance=D("0.8"),
        contract_size=CS,
        brackets=BRACKETS,
    )
    assert price is not None
    balance = D("0.8") + inverse_upnl(D(-3000), CS, D(60_000), price)
    maint = inverse_maintenance_margin(D(-3000), CS, price, BRACKETS)
    assert abs(balance - maint) < D("1e-12")


def test_wallet_solved_back_from_a_price() -> None:
    """The wallet that puts the liquidation at 90,000 does put it there."""
    wallet = inverse_wallet_for_liquidation_at(
        contracts=D(-3000),
        entry_price=D(60_000),
        price=D(90_000),
        contract_size=CS,
        brackets=BRACKETS,
    )
    price = inverse_liquidation_price(
        contracts=D(-3000),
        entry_price=D(60_000),
        wallet_balance=wallet,
        contract_size=CS,
        brackets=BRACKETS,
    )
    assert price is not None and abs(price - 90_000) < D("1e-6")


def test_a_short_covered_beyond_its_notional_has_no_liquidation() -> None:
    """A short whose wallet exceeds its notional in coin cannot be liquidated: None."""
    price = inverse_liquidation_price(
        contracts=D(-600),
        entry_price=D(60_000),
        wallet_balance=D(2),
        contract_size=CS,
        brackets=BRACKETS,
    )
    assert price is None
