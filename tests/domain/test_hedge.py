"""Measuring a hedge: ratio, target, gap and max, with their signs; policy validation."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.hedge import contracts_after_fills, measure, ratio_after_fills
from bot.domain.model import Side

from ._factories import inverse, linear, order, policy

MKT = linear(contract_size="0.001", step="1")


@pytest.mark.parametrize(
    ("spot", "contracts", "target", "ratio", "gap", "gap_contracts"),
    [
        ("2", "-1000", "1", "0.5", "1", "1000"),
        ("2", "-2500", "1", "1.25", "-0.5", "-500"),
        ("2", "500", "1", "-0.25", "2.5", "2500"),
        ("2", "-1000", "0.5", "0.5", "0", "0"),
        ("4", "-1", "0.5", "0.00025", "1.999", "1999"),
    ],
)
def test_measure_signs(
    spot: str, contracts: str, target: str, ratio: str, gap: str, gap_contracts: str
) -> None:
    """Short is positive, net long negative; gap > 0 means sell more."""
    state = measure(policy(target), MKT, D(spot), D(contracts), D(60000))
    assert state.ratio == D(ratio)
    assert state.gap == D(gap)
    assert state.gap_contracts == D(gap_contracts)
    assert state.net_long == (D(contracts) > 0)


def test_spot_zero_has_undefined_ratio_and_zero_target() -> None:
    """With no spot the ratio is None, the target is 0 and any short is over the maximum."""
    state = measure(policy("1"), MKT, D(0), D(-10), D(60000))
    assert state.ratio is None
    assert state.target_short == 0
    assert state.over_max
    assert state.gap_contracts == D(-10)


def test_beta_scales_the_exposure() -> None:
    """A proxy hedge with beta 1.5 targets 1.5 × spot of short exposure."""
    state = measure(policy("1", beta=D("1.5")), MKT, D(2), D(0), D(60000))
    assert state.target_short == D(3)


def test_inverse_measured_at_price() -> None:
    """Inverse contracts are worth contract_size/price base each."""
    market = inverse(contract_size="100")
    state = measure(policy("1", perp_symbol=market.symbol), market, D(1), D(-300), D(60000))
    assert state.short == D("0.5")
    assert state.gap_contracts == D(300)


def test_ratio_after_fills() -> None:
    """The ratio if every live order fully filled counts only remaining amounts."""
    live = [order(Side.SELL, "1000", "60000", filled="400"), order(Side.BUY, "100", "1")]
    assert contracts_after_fills(D(-1000), live) == D(-1500)
    assert ratio_after_fills(policy(), MKT, D(2), D(-1000), live, D(60000)) == D("0.75")


@pytest.mark.parametrize(
    ("kw", "field"),
    [
        ({"target_ratio": D(-1)}, "target_ratio: -1 is below 0"),
        ({"target_ratio": D("1.2"), "max_ratio": D("1.3")}, "allow_over_hedge"),
        ({"target_ratio": D("0.9"), "max_ratio": D("0.8")}, "max_ratio"),
        ({"band": D("-0.1")}, "band"),
        ({"emergency_band": D("0.01")}, "emergency_band"),
        ({"max_order_notional": D(0)}, "max_order_notional"),
    ],
)
def test_policy_rejects_bad_values(kw: dict[str, object], field: str) -> None:
    """Bad policy values raise a ValueError naming hedges.<name>.<field>."""
    base: dict[str, object] = {
        "name": "BTC",
        "spot_asset": "BTC",
        "perp_symbol": "BTC/USDT:USDT",
        "target_ratio": D(1),
    }
    base.update(kw)
    from bot.domain.hedge import HedgePolicy

    with pytest.raises(ValueError, match=r"hedges\.BTC") as info:
        HedgePolicy(**base)  # type: ignore[arg-type]
    assert field in str(info.value)


def test_over_hedge_allowed_when_enabled() -> None:
    """target 1.2 with max 1.3 is accepted when allow_over_hedge is set."""
    pol = policy("1.2", max_ratio=D("1.3"), allow_over_hedge=True)
    assert pol.max_ratio == D("1.3")
