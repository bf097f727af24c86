"""Metrics: own registry, Decimal conversion, label hygiene and a parseable exposition."""

from __future__ import annotations

import math
from decimal import Decimal

import pytest
from prometheus_client.parser import text_string_to_metric_families

from bot.api.metrics import ORDER_KINDS, Metrics


def _samples(metrics: Metrics) -> dict[tuple[str, tuple[tuple[str, str], ...]], float]:
    text = metrics.render().decode()
    return {
        (s.name, tuple(sorted(s.labels.items()))): s.value
        for family in text_string_to_metric_families(text)
        for s in family.samples
    }


def _value(metrics: Metrics, name: str, **labels: str) -> float:
    return _samples(metrics)[(name, tuple(sorted(labels.items())))]


def test_every_documented_family_is_exported() -> None:
    """The exposition lists every metric family docs/operations.md and alert rules name."""
    m = Metrics()
    m.set_hedge("BTC", ratio=1, target=1)
    m.set_funding_total("BTC", 0)
    m.set_paused("BTC", False)
    m.set_risk_grade("BTC", 0)
    m.set_breaker("main", False)
    m.count_error("main", "network")
    m.observe_cycle(0.1)
    m.mark_cycle_ok(1.0)
    names = {f.name for f in text_string_to_metric_families(m.render().decode())}
    assert names >= {
        "hedgebot_hedge_ratio", "hedgebot_target_ratio", "hedgebot_margin_ratio",
        "hedgebot_liquidation_distance", "hedgebot_orders", "hedgebot_errors",
        "hedgebot_cycle_duration_seconds", "hedgebot_spot_amount", "hedgebot_perp_contracts",
        "hedgebot_funding_total", "hedgebot_paused", "hedgebot_breaker_open",
        "hedgebot_last_cycle_timestamp_seconds", "hedgebot_risk_grade",
    }  # fmt: skip


def test_instances_do_not_share_a_registry() -> None:
    """Two Metrics in one process neither clash nor see each other's values."""
    a, b = Metrics(), Metrics()
    a.set_hedge("BTC", ratio=Decimal("0.5"), target=1)
    b.set_hedge("BTC", ratio=Decimal("0.9"), target=1)
    assert _value(a, "hedgebot_hedge_ratio", hedge="BTC") == 0.5
    assert _value(b, "hedgebot_hedge_ratio", hedge="BTC") == 0.9


@pytest.mark.parametrize(
    ("field", "metric", "value"),
    [
        ("ratio", "hedgebot_hedge_ratio", Decimal("0.987654321")),
        ("target", "hedgebot_target_ratio", Decimal("0.5")),
        ("margin_ratio", "hedgebot_margin_ratio", Decimal("0.12")),
        ("liquidation_distance", "hedgebot_liquidation_distance", Decimal("0.33")),
        ("spot", "hedgebot_spot_amount", Decimal("3.5")),
        ("perp_contracts", "hedgebot_perp_contracts", Decimal("-350")),
    ],
)
def test_set_hedge_converts_decimals(field: str, metric: str, value: Decimal) -> None:
    """Each set_hedge field lands in its gauge as the float of the Decimal given."""
    m = Metrics()
    kwargs = {"ratio": 0, "target": 0, field: value}
    m.set_hedge("BTC", **kwargs)  # type: ignore[arg-type]
    assert _value(m, metric, hedge="BTC") == float(value)


def test_unknown_values_are_nan_not_zero() -> None:
    """A hedge without a position exports NaN margin/liquidation, never a reassuring 0."""
    m = Metrics()
    m.set_hedge("BTC", ratio=0, target=1, margin_ratio=None, liquidation_distance=None)
    assert math.isnan(_value(m, "hedgebot_margin_ratio", hedge="BTC"))
    assert math.isnan(_value(m, "hedgebot_liquidation_distance", hedge="BTC"))


def test_order_kinds_start_at_zero_and_count() -> None:
    """A hedge exports every order kind at 0 from first sight; count_order adds to one."""
    m = Metrics()
    m.set_hedge("ETH", ratio=0, target=1)
    m.count_order("ETH", "filled", 3)
    for kind in ORDER_KINDS:
        expected = 3.0 if kind == "filled" else 0.0
        assert _value(m, "hedgebot_orders_total", hedge="ETH", kind=kind) == expected


def test_unknown_order_kind_is_refused() -> None:
    """count_order rejects a kind outside ORDER_KINDS, naming it."""
    with pytest.raises(ValueError, match="'exploded'"):
        Metrics().count_order("BTC", "exploded")


@pytest.mark.parametrize(("grade", "index"), [("ok", 0), ("warn", 1), ("top_up", 2),
                                              ("delever", 3), ("reduce", 4), (2, 2)])  # fmt: skip
def test_risk_grade_by_name_or_index(grade: str | int, index: int) -> None:
    """Risk grades map to 0 ok .. 4 reduce whether given by name or index."""
    m = Metrics()
    m.set_risk_grade("BTC", grade)
    assert _value(m, "hedgebot_risk_grade", hedge="BTC") == index


@pytest.mark.parametrize("grade", ["panic", 5, -1, True])
def test_bad_risk_grade_is_refused(grade: object) -> None:
    """An unknown grade is a ValueError naming it, not a silent number."""
    with pytest.raises(ValueError, match="risk grade"):
        Metrics().set_risk_grade("BTC", grade)  # type: ignore[arg-type]


def test_remove_hedge_drops_all_its_series() -> None:
    """After a reload removes a hedge, none of its series remain; other hedges stay."""
    m = Metrics()
    for hedge in ("BTC", "ETH"):
        m.set_hedge(hedge, ratio=1, target=1, margin_ratio=0.1, liquidation_distance=0.5)
        m.set_paused(hedge, True)
        m.set_risk_grade(hedge, "warn")
        m.set_funding_total(hedge, 1)
        m.count_order(hedge, "placed")
    m.remove_hedge("BTC")
    m.remove_hedge("never-seen")
    labels = [dict(k[1]) for k in _samples(m)]
    assert not [lbl for lbl in labels if lbl.get("hedge") == "BTC"]
    assert [lbl for lbl in labels if lbl.get("hedge") == "ETH"]


def test_cycle_histogram_and_timestamp() -> None:
    """observe_cycle feeds the histogram; mark_cycle_ok sets the last-success timestamp."""
    m = Metrics()
    m.observe_cycle(Decimal("0.3"))
    m.observe_cycle(7)
    m.mark_cycle_ok(1_700_000_000)
    assert _value(m, "hedgebot_cycle_duration_seconds_count") == 2
    assert _value(m, "hedgebot_cycle_duration_seconds_sum") == pytest.approx(7.3)
    assert _value(m, "hedgebot_cycle_duration_seconds_bucket", le="0.5") == 1
    assert _value(m, "hedgebot_last_cycle_timestamp_seconds") == 1_700_000_000


def test_breaker_and_errors_by_account() -> None:
    """Breaker state and error counts are labelled by account."""
    m = Metrics()
    m.set_breaker("main", True)
    m.count_error("main", "rate_limit")
    m.count_error("main", "rate_limit")
    assert _value(m, "hedgebot_breaker_open", account="main") == 1
    assert _value(m, "hedgebot_errors_total", account="main", kind="rate_limit") == 2
