"""What the risk guard says for a position margined by a unified wallet (Bybit UTA): spot
and derivatives share that wallet, so a top-up has nothing to transfer from. The guard
de-risks by grade instead: it alerts, adds isolated margin from the wallet's free balance
where the position is isolated, lowers leverage where that helps (isolated), and as the last
resort reduces the hedge."""

from __future__ import annotations

from bot.domain.model import MarginMode, Market
from bot.domain.risk_policy import RiskGrade

__all__ = ["UNIFIED_NO_TRANSFER", "unified_reason"]

UNIFIED_NO_TRANSFER = (
    "unified account: spot and derivatives share one wallet, so there is nothing to transfer"
)


def unified_reason(market: Market, mode: MarginMode, grade: RiskGrade) -> str | None:
    """The reason line naming the unified wallet from TOP_UP up (None otherwise)."""
    if not market.unified_margin or grade < RiskGrade.TOP_UP:
        return None
    if mode is MarginMode.ISOLATED:
        then = "adding the wallet's free margin to the isolated position, then lowering leverage"
    else:
        then = "reducing the hedge at grade REDUCE (cross: leverage does not move liquidation)"
    return f"{UNIFIED_NO_TRANSFER}; de-risking by grade instead: {then}"
