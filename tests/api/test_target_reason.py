"""The effective target and its reason as the operator sees them: `hedgebot status` (narrow
line and wide column) and `hedgebot_effective_target` in /metrics."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

from prometheus_client.parser import text_string_to_metric_families
from rich.console import Console

from bot.api.metrics import Metrics
from bot.api.status_view import render_status

REASON = "window fomc until 2026-12-11T06:00Z"


def _status() -> dict[str, Any]:
    hedge = {"spot": D(2), "perp": D("-1.4"), "ratio": D("0.7"), "target": D("0.7"),
             "target_reason": REASON, "band": D("0.02"), "risk_grade": "ok"}  # fmt: skip
    return {"version": "1", "hedges": {"BTC": hedge}, "accounts": {}}


def _render(wide: bool) -> str:
    console = Console(record=True, width=300 if wide else 80, color_system=None)
    render_status(_status(), console, now=0, wide=wide)
    return console.export_text()


def test_status_says_why_the_target_is_what_it_is() -> None:
    """The 80-column layout prints one `BTC target: <reason>` line under the table."""
    assert f"BTC target: {REASON}" in _render(wide=False)


def test_wide_status_has_a_target_reason_column() -> None:
    """--wide shows the reason as a column."""
    text = _render(wide=True)
    assert "target reason" in text and REASON in text


def _gauge(metrics: Metrics, name: str) -> dict[str, float]:
    families = text_string_to_metric_families(metrics.render().decode())
    family = next(f for f in families if f.name == name)
    return {s.labels["hedge"]: s.value for s in family.samples}


def test_effective_target_metric_is_the_rules_target_beside_the_configured_one() -> None:
    """hedgebot_effective_target{hedge} carries the rules' 0.7; hedgebot_target_ratio the 0.3
    configured; without an effective target the two agree."""
    metrics = Metrics()
    metrics.set_hedge("BTC", ratio=D("0.7"), target=D("0.3"), effective_target=D("0.7"))
    metrics.set_hedge("ETH", ratio=D("0.5"), target=D("0.5"))
    assert _gauge(metrics, "hedgebot_effective_target") == {"BTC": 0.7, "ETH": 0.5}
    assert _gauge(metrics, "hedgebot_target_ratio") == {"BTC": 0.3, "ETH": 0.5}
