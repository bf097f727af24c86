"""The simulator's whole mutable state in one place, shared by the *_ops modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.sim.accounts import Account
from bot.sim.clock import SimClock
from bot.sim.errors import unknown_api_key
from bot.sim.ledger import Ids
from bot.sim.quotes import PriceBoard

__all__ = ["START_PRICES", "Venue"]

# Realistic starting prices (USDT) when no replay drives the market.
START_PRICES = {
    "BTCUSDT": Decimal("65000"),
    "ETHUSDT": Decimal("3000"),
    "SOLUSDT": Decimal("150"),
    "XRPUSDT": Decimal("0.6"),
}


@dataclass
class Venue:
    """Accounts by API key, prices, id sequences, the clock and the funding settled so far
    (`funding_history`: /fapi/v1/fundingRate rows; `funding_checked_ms`: settled up to)."""

    accounts: dict[str, Account]
    board: PriceBoard
    ids: Ids
    clock: SimClock
    funding_checked_ms: int
    funding_history: list[dict[str, Any]] = field(default_factory=list)

    @classmethod
    def create(cls, seed: int, clock: SimClock) -> Venue:
        now = clock.now()
        return cls({}, PriceBoard(dict(START_PRICES), now), Ids(seed), clock, now)

    def account(self, api_key: str) -> Account:
        """The account of `api_key`; SimError -2015 when no such key exists."""
        account = self.accounts.get(api_key)
        if account is None:
            raise unknown_api_key()
        return account

    def now(self) -> int:
        return self.clock.now()

    def marks(self) -> dict[str, Decimal]:
        return self.board.marks()
