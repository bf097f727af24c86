"""Binance USDⓈ-M one-way liquidation math: worked examples and the defining property."""

from __future__ import annotations

from decimal import Decimal as D
from itertools import pairwise

import pytest

from bot.domain.liquidation import (
    MarginBracket,
    bracket_for,
    liquidation_distance,
    liquidation_price,
    maintenance_margin,
    margin_ratio,
)

# The first BTCUSDT leverage brackets as Binance published them (notional floor, cap, rate, cum).
BTCUSDT = (
    MarginBracket(D(0), D(50_000), D("0.004"), D(0), 125),
    MarginBracket(D(50_000), D(250_000), D("0.005"), D(50), 100),
    MarginBracket(D(250_000), D(1_000_000), D("0.01"), D(1_300), 50),
    MarginBracket(D(1_000_000), D(10_000_000), D("0.025"), D(16_300), 20),
)


def test_brackets_make_maintenance_margin_continuous() -> None:
    """At every bracket boundary both brackets give the same maintenance margin (cum's role)."""
    for low, high in pairwise(BTCUSDT):
        edge = high.notional_floor
        assert edge * low.maint_margin_ratio - low.cum == edge * high.maint_margin_ratio - high.cum


@pytest.mark.parametrize(
    ("notional", "expected"),
    [("10000", "40"), ("-10000", "40"), ("100000", "450"), ("300000", "1700"), ("2e6", "33700")],
)
def test_maintenance_margin(notional: str, expected: str) -> None:
    """Maintenance margin = |notional| × rate − cum of the notional's bracket."""
    assert maintenance_margin(D(notional), BTCUSDT) == D(expected)


def test_hand_worked_isolated_short() -> None:
    """1 BTC short at 60,000 with 30,000 isolated margin (2x): LP = 90,050 / 1.005.

    The notional at ~89,602 falls in bracket 2 (0.5 %, cum 50), so
    LP = (WB + cum − side·size·EP) / (size·MMR − side·size) = (30,000 + 50 + 60,000) / 1.005.
    """
    price = liquidation_price(
        size=D(-1), entry_price=D(60_000), wallet_balance=D(30_000), brackets=BTCUSDT
    )
    assert price == D(90_050) / D("1.005")
    assert bracket_for(price or D(0), BTCUSDT).cum == 50
    assert liquidation_distance(D(-1), D(60_000), price) == (price - 60_000) / 60_000


def test_recorded_binance_cross_position() -> None:
    """A real Binance position (ccxt fixture binance.response.json, fetchPositions): long
    0.009 BTCUSDT at 67,445.9, cross, ccxt collateral 25.72470371 → Binance reported
    liquidationPrice 64,846.98753790; our formula agrees to 1e-6."""
    price = liquidation_price(
        size=D("0.009"),
        entry_price=D("67445.9"),
        wallet_balance=D("25.72470371"),
        brackets=BTCUSDT,
    )
    assert price is not None
    assert abs(price - D("64846.98753790")) < D("0.000001")
    assert maintenance_margin(D("0.009") * D("67502.68519858"), BTCUSDT).quantize(
        D("0.00000001")
    ) == D("2.43009667")


CASES = [
    # (size, entry, wallet, other maint margin, other unrealized pnl)
    ("-1", "60000", "30000", "0", "0"),
    ("-1", "60000", "5000", "0", "0"),
    ("-10", "60000", "200000", "0", "0"),
    ("-0.5", "30000", "1000", "120", "-300"),
    ("-40", "60000", "2000000", "0", "0"),
    ("2", "60000", "20000", "0", "0"),
    ("0.009", "67445.9", "25.72470371", "0", "0"),
]


@pytest.mark.parametrize(("size", "entry", "wallet", "other_mm", "other_upnl"), CASES)
def test_margin_balance_equals_maintenance_at_liquidation(
    size: str, entry: str, wallet: str, other_mm: str, other_upnl: str
) -> None:
    """At the computed price, margin balance (wallet + P&L − others' maintenance + others'
    P&L) equals the maintenance margin of the position's bracket at that price."""
    s = D(size)
    price = liquidation_price(
        size=s,
        entry_price=D(entry),
        wallet_balance=D(wallet),
        brackets=BTCUSDT,
        other_maint_margin=D(other_mm),
        other_unrealized_pnl=D(other_upnl),
    )
    assert price is not None and price > 0
    balance = D(wallet) - D(other_mm) + D(other_upnl) + s * (price - D(entry))
    maint = maintenance_margin(abs(s) * price, BTCUSDT)
    assert abs(balance - maint) < D("1e-15")


def test_fully_collateralised_long_cannot_be_liquidated() -> None:
    """A long whose wallet covers a fall to zero has no liquidation price."""
    assert (
        liquidation_price(size=D(1), entry_price=D(100), wallet_balance=D(1000), brackets=BTCUSDT)
        is None
    )


@pytest.mark.parametrize(
    ("size", "mark", "liq", "distance"),
    [("-1", "100", "130", "0.3"), ("1", "100", "80", "0.2"), ("-1", "100", "95", "-0.05")],
)
def test_liquidation_distance_signs(size: str, mark: str, liq: str, distance: str) -> None:
    """Distance is the adverse move to liquidation as a fraction of mark; negative if past."""
    assert liquidation_distance(D(size), D(mark), D(liq)) == D(distance)


def test_margin_ratio() -> None:
    """Margin ratio is maintenance / balance; a gone balance is infinitely risky."""
    assert margin_ratio(D(40), D(200)) == D("0.2")
    assert margin_ratio(D(40), D(0)) == D("Infinity")


def test_empty_brackets_are_rejected() -> None:
    """Bracket data is required and the error says so."""
    with pytest.raises(ValueError, match="brackets"):
        maintenance_margin(D(1), ())
