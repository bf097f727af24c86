"""How a metric reads to a person (terminal table, HTML): money to 2 places, fractions as
percentages, effectiveness to 3 places. Machines get the exact values from the JSON."""

from __future__ import annotations

from decimal import Decimal

__all__ = ["LABELS", "display"]

LABELS = {
    "pnl_unhedged": "P&L unhedged",
    "pnl_hedged": "P&L hedged",
    "max_drawdown_unhedged": "max drawdown unhedged",
    "max_drawdown_hedged": "max drawdown hedged",
    "hedge_effectiveness": "hedge effectiveness",
    "funding": "funding received",
    "fees": "fees paid",
    "orders": "orders",
    "fills": "fills",
    "time_outside_band": "time outside band",
    "min_liquidation_distance": "min liquidation distance",
    "top_ups": "margin top-ups",
    "liquidations": "liquidations",
}
_MONEY = frozenset({"pnl_unhedged", "pnl_hedged", "funding", "fees"})
_PERCENT = frozenset(
    {
        "max_drawdown_unhedged",
        "max_drawdown_hedged",
        "time_outside_band",
        "min_liquidation_distance",
    }
)


def display(key: str, value: object) -> str:
    """`value` of metric `key` for people; "—" where undefined."""
    if value is None:
        return "—"
    if not isinstance(value, Decimal):
        return str(value)
    if key in _MONEY:
        return f"{value:,.2f}"
    if key in _PERCENT:
        return f"{value * 100:.2f} %"
    return f"{value:.3f}"
