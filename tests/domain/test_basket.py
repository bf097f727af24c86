"""Baskets in the domain: several hedges on one perp summed into one combined policy, the
position attributed back pro rata to the targets. Exposures in the perp's base units (BTC);
contracts signed (short < 0)."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.basket import (
    Member,
    attributed,
    basket_exposure,
    combined_policy,
    disagreement,
    group_by_perp,
    weights,
)
from bot.domain.hedge import measure
from bot.domain.model import MarginMode
from bot.domain.planner import plan
from bot.domain.sizing import Purpose

from ._factories import linear, policy, view


def _member(name: str, exposure: str, target: str, **kw: object) -> Member:
    return Member(policy(target, name=name, spot_asset=name, **kw), D(exposure))


# SOL worth 0.5 BTC at target 1, AVAX worth 0.25 BTC at 0.8 with beta 2, LINK 0.2 at 0.5.
THREE = (
    _member("SOL", "0.5", "1", band=D("0.02")),
    _member("AVAX", "0.25", "0.8", beta=D(2), band=D("0.04"), max_ratio=D("0.9")),
    _member("LINK", "0.2", "0.5", band=D("0.1")),
)


def test_combined_target_band_and_cap_are_the_members_sums() -> None:
    """Target, band and max shorts of the basket are the sums of each member's (× beta)."""
    combined = combined_policy(THREE)
    total = basket_exposure(THREE)
    assert total == D("1.2")  # 0.5 + 0.25 × 2 + 0.2
    assert combined.target_ratio * total == D("0.5") + D("0.4") + D("0.1")
    assert combined.band * total == D("0.01") + D("0.02") + D("0.02")
    assert combined.max_ratio * total == D("0.5") + D("0.45") + D("0.2")
    assert combined.beta == 1 and combined.name == "SOL"


@pytest.mark.parametrize(
    ("exposures", "targets", "expected"),
    [
        (("0.5", "0.5"), ("1", "0.5"), ("2/3", "1/3")),  # pro rata to the target shorts
        (("0.3", "0.1"), ("0", "0"), ("3/4", "1/4")),  # no target at all: by exposure
        (("0", "0"), ("1", "1"), ("1/2", "1/2")),  # no exposure either: equal shares
        (("1", "0"), ("1", "1"), ("1", "0")),  # a member holding nothing gets nothing
    ],
)
def test_weights_follow_targets_then_exposures(
    exposures: tuple[str, str], targets: tuple[str, str], expected: tuple[str, str]
) -> None:
    """Shares of the position: pro rata to target shorts, else exposures, else equal."""
    pairs = enumerate(zip(exposures, targets, strict=True))
    members = [_member(f"H{i}", e, t) for i, (e, t) in pairs]
    got = weights(members)
    want = [D(a.split("/")[0]) / D(a.split("/")[1]) if "/" in a else D(a) for a in expected]
    assert [round(w, 20) for w in got] == [round(w, 20) for w in want]


def test_attributed_shares_sum_exactly_to_the_position() -> None:
    """-1 contract split in thirds: shares of 12 places, the last takes the remainder."""
    third = D(1) / 3
    shares = attributed(D(-1), (third, third, third))
    assert sum(shares) == D(-1)
    assert shares[0] == D("-0.333333333333")
    assert all(s < 0 for s in shares)


def test_at_the_target_each_member_reads_its_own_ratio() -> None:
    """Position = the summed target short → each member's ratio on its share is its target."""
    combined = combined_policy(THREE)
    short = combined.target_ratio * basket_exposure(THREE)
    shares = attributed(-short, weights(THREE))
    market = linear()
    ratios = [
        measure(m.policy, market, m.exposure, share, D(60_000)).ratio
        for m, share in zip(THREE, shares, strict=True)
    ]
    assert [round(r or 0, 9) for r in ratios] == [D(1), D("0.8"), D("0.5")]


def test_group_by_perp_keeps_config_order_with_the_lead_first() -> None:
    """Hedges naming the same account and symbol form one group; the first named leads."""
    perps = {
        "SOL": ("main", "BTC/USDT:USDT"),
        "ETH": ("main", "ETH/USDT:USDT"),
        "AVAX": ("main", "BTC/USDT:USDT"),
        "LINK": ("other", "BTC/USDT:USDT"),
    }
    assert group_by_perp(perps) == (("SOL", "AVAX"), ("ETH",), ("LINK",))


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("leverage", 5),
        ("margin_mode", MarginMode.CROSS),
        ("post_only", False),
        ("max_order_notional", D(1000)),
        ("reprice_ticks", 9),
    ],
)
def test_execution_settings_must_agree_within_a_basket(field: str, value: object) -> None:
    """One perp, one order and one leverage: a member that differs is refused, field named."""
    odd = _member("AVAX", "1", "1", **{field: value})
    members = (_member("SOL", "1", "1"), odd)
    assert disagreement([m.policy for m in members]) == field
    with pytest.raises(ValueError, match=rf"hedges\.SOL\.{field}: differs within the basket"):
        combined_policy(members)


def test_turnover_caps_add_up_and_any_missing_cap_means_none() -> None:
    """The basket may trade the sum of its members' daily turnover; one without a cap: none."""
    capped = [_member(n, "1", "1", max_daily_turnover=D(500)) for n in ("A", "B")]
    assert combined_policy(capped).max_daily_turnover == D(1000)
    assert combined_policy([*capped, _member("C", "1", "1")]).max_daily_turnover is None


def test_the_combined_plan_sells_the_summed_short_once() -> None:
    """Flat perp, three members: ONE sell order for the whole 1.0 BTC summed target short."""
    combined = combined_policy(THREE)
    hedge_plan = plan(view(str(basket_exposure(THREE)), "0", pol=combined))
    assert len(hedge_plan.orders) == 1
    order = hedge_plan.orders[0]
    assert order.purpose is Purpose.GROW and order.amount == D("1.000")


def test_the_combined_plan_buys_back_reduce_only_past_the_summed_cap() -> None:
    """A short above Σ max shorts (1.15 BTC) is bought back, reduce-only, to the target."""
    combined = combined_policy(THREE)
    hedge_plan = plan(view(str(basket_exposure(THREE)), "-1.3", pol=combined))
    (order,) = hedge_plan.orders
    assert order.purpose is Purpose.SHRINK and order.reduce_only
    assert order.amount == D("0.300")


def test_a_basket_without_any_holding_buys_its_short_back() -> None:
    """Every member's holding gone: the combined policy wants no short, reduce-only."""
    empty = [_member("SOL", "0", "1"), _member("AVAX", "0", "0.5")]
    combined = combined_policy(empty)
    (order,) = plan(view("0", "-0.5", pol=combined)).orders
    assert order.reduce_only and order.amount == D("0.5")
