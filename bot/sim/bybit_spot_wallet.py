"""Spot orders of a unified account draw on the same USDT the derivatives margin from.

The engine's spot matching spends and locks spot balances, and a Bybit account keeps its USDT
in the linear pool (`bybit_wallet`). Around a spot order or cancel, the USDT free for new
orders (the pool's available balance) is lent to the spot side and whatever is still free
afterwards returns; what a resting spot buy locks stays on the spot side, counted in the
unified USDT balance as `locked`. Resting spot fills settle on the spot side and rejoin the
pool on the account's next spot order or cancel.
"""

from __future__ import annotations

from collections.abc import Callable
from decimal import Decimal
from typing import TypeVar

from bot.sim.accounts import Account
from bot.sim.risk import account_metrics
from bot.sim.venue import Venue

__all__ = ["through_unified_usdt"]

T = TypeVar("T")
_USDT = "USDT"
ZERO = Decimal(0)


def through_unified_usdt(venue: Venue, account: Account, action: Callable[[], T]) -> T:
    """Run a spot `action` with the account's available USDT on the spot side, then sweep the
    spot side's free USDT back into the pool (also when `action` raises)."""
    available = max(ZERO, account_metrics(account, venue.marks()).available_balance)
    account.cross_wallet -= available
    account.balance(_USDT).free += available
    try:
        return action()
    finally:
        spot = account.balance(_USDT)
        account.cross_wallet += spot.free
        spot.free = ZERO
