"""The admin side of Bybit accounts: which wallet fields /sim/accounts takes per venue."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from bot.sim import admin_input as field
from bot.sim.admin_input import AdminError
from bot.sim.bybit_wallet import unified_balances

__all__ = ["account_balances"]


def account_balances(data: dict[str, Any], venue_name: str) -> dict[str, dict[str, Decimal]]:
    """Engine balances of a /sim/accounts body: Binance's `balances` wallets, or a Bybit
    account's one `unified` wallet (each venue refuses the other's field)."""
    if venue_name == "bybit":
        if "balances" in data or "position_mode" in data:
            raise AdminError(
                "a bybit account takes a 'unified' wallet, not 'balances'/'position_mode'"
            )
        return unified_balances(data.get("unified", {}))
    if "unified" in data:
        raise AdminError("'unified' needs \"venue\": \"bybit\" (Binance accounts take 'balances')")
    return field.balances(data.get("balances"))
