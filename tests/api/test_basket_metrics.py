"""`hedgebot_basket_share`: a basket member's share of its perp, one series per hedge that
follows the basket's membership and goes when the hedge is removed."""

from __future__ import annotations

from decimal import Decimal

from bot.api.metrics import Metrics


def _series(metrics: Metrics) -> list[str]:
    text = metrics.render().decode()
    return [line for line in text.splitlines() if line.startswith("hedgebot_basket_share{")]


def test_a_membership_change_replaces_the_hedges_series() -> None:
    """ETH leaves the SOL,ETH,XRP basket for SOL,ETH: one series, the new label only; removed
    from the config, none."""
    metrics = Metrics()
    metrics.set_basket("ETH", ("SOL", "ETH", "XRP"), Decimal("0.27"))
    metrics.set_basket("ETH", ("SOL", "ETH"), Decimal("0.33"))
    assert _series(metrics) == ['hedgebot_basket_share{basket="SOL,ETH",hedge="ETH"} 0.33']
    metrics.remove_hedge("ETH")
    assert _series(metrics) == []


def test_a_hedge_alone_on_its_perp_has_no_series() -> None:
    """No members: nothing exported for the hedge."""
    metrics = Metrics()
    metrics.set_basket("BTC", (), None)
    assert _series(metrics) == []
