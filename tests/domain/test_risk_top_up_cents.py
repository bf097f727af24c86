"""Top-ups are whole cents: a venue (and ccxt's precision check) refuses sub-cent margin
amounts, and a refused dust top-up used to be retried and alerted every cycle (found by the
chaos suite's ETF-rally replay: `add_margin 0.00045333` failed once a cycle)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.risk import assess
from bot.domain.risk_policy import RiskPolicy

from .test_risk import risk_view

POLICY = RiskPolicy(auto_top_up=True)
CENT = D("0.01")


@pytest.mark.parametrize(
    ("futures_free", "spot_free"),
    [("0.00045333", "0"), ("491.36745333", "100000.987654"), ("0", "12345.6789"), ("0.5", "0")],
)
def test_top_up_amounts_are_whole_cents(futures_free: str, spot_free: str) -> None:
    """Whatever odd balances feed it, a planned top-up moves whole cents (or nothing)."""
    risk = assess(risk_view("0.15", policy=POLICY, futures_free=futures_free, spot_free=spot_free))
    top = risk.top_up
    if top is None:
        return
    assert top.add_isolated_margin == top.add_isolated_margin.quantize(CENT) > 0
    assert top.transfer_from_spot == top.transfer_from_spot.quantize(CENT) >= 0
    assert top.transfer_from_spot <= top.add_isolated_margin


def test_sub_cent_collateral_plans_no_top_up() -> None:
    """Less than a cent available: no top-up (it would only be refused), still exhausted."""
    risk = assess(risk_view("0.15", policy=POLICY, futures_free="0.00045333"))
    assert risk.top_up is None and risk.collateral_exhausted


def test_transfer_covers_the_futures_shortfall() -> None:
    """The spot transfer plus the futures wallet's free balance pay for the margin added."""
    risk = assess(risk_view("0.15", policy=POLICY, futures_free="0.004", spot_free="1000000"))
    top = risk.top_up
    assert top is not None
    assert top.transfer_from_spot + D("0.004") >= top.add_isolated_margin
