"""The holding and instrument figures a hedge's status, plan and journal row show: where the
coins are (spot, COIN-M margin), the exposure in the instrument's base units and the
multiplier between the two (1000 for 1000PEPE against PEPE)."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from bot.domain.decision import Decision

__all__ = ["holding_fields"]


def holding_fields(d: Decision, *, text: bool = False) -> dict[str, Any]:
    """{"holding": "4 BTC spot + 1 BTC coinm margin", "holding_parts": {source: coins},
    "exposure": instrument base units, "multiplier": holding units per base unit}; amounts
    as strings when `text` (for the journal's JSON); `basis` a dated future's annualised
    basis; `basket` the hedges sharing the perp (`_basket`)."""
    h = d.holding

    def value(amount: Any) -> Any:
        return str(amount) if text else amount

    return {
        "holding": h.describe() if h else None,
        "holding_parts": {p.source: value(p.coins) for p in h.parts} if h else {},
        "exposure": value(d.exposure_units),
        "multiplier": value(d.multiplier),
        # dated futures: annualised basis (fraction per year), None for a perpetual
        "basis": None if d.basis is None else value(d.basis),
        "basket": _basket(d, value),
    }


def _basket(d: Decision, value: Callable[[Any], Any]) -> dict[str, Any] | None:
    """A basket member's place in it: every member (lead first), the partners, and its
    share of the perp position (fraction); None for a hedge alone on its perp."""
    b = d.basket
    if b is None:
        return None
    partners = list(b.partners(d.hedge))
    return {"members": list(b.members), "partners": partners, "share": value(b.fraction)}
