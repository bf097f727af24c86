"""The simulator's whole mutable state in one place, shared by the *_ops modules."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from bot.sim.accounts import Account
from bot.sim.clock import SimClock
from bot.sim.errors import unknown_api_key
from bot.sim.ledger import Ids
from bot.sim.listing import LISTED
from bot.sim.quarterlies import DEFAULT_BASIS
from bot.sim.quotes import PriceBoard
from bot.sim.specs import get_spec, symbols

__all__ = ["START_PRICES", "Venue"]

# Realistic starting spot prices (USDT) when no replay drives the market; the plain USDⓈ-M
# perpetuals start at their spot price, derived contracts at their fair price (`pricing`).
# The rest of the listing starts about where it traded on 2021-09-06 (`listing`).
START_PRICES = {
    "BTCUSDT": Decimal("65000"),
    "ETHUSDT": Decimal("3000"),
    "SOLUSDT": Decimal("150"),
    "XRPUSDT": Decimal("0.6"),
    "PEPEUSDT": Decimal("0.00001"),
} | {row.spot.symbol: row.start_price for row in LISTED}


@dataclass
class Venue:
    """Accounts by API key, prices, id sequences, the clock and the events settled so far
    (`funding_history`: /fapi|dapi/v1/fundingRate rows per market; `funding_checked_ms`:
    funding boundaries and deliveries settled up to)."""

    accounts: dict[str, Account]
    board: PriceBoard
    ids: Ids
    clock: SimClock
    funding_checked_ms: int
    funding_history: dict[str, list[dict[str, Any]]] = field(
        default_factory=lambda: {"usdm": [], "coinm": []}
    )

    @classmethod
    def create(cls, seed: int, clock: SimClock, basis: Decimal = DEFAULT_BASIS) -> Venue:
        """A venue at its start prices (derived contracts still unpriced: `pricing`)."""
        now = clock.now()
        board = PriceBoard(basis)
        for symbol in symbols("spot"):
            board.set_last("spot", symbol, START_PRICES[symbol], now)
        for symbol in symbols("usdm"):
            if not get_spec("usdm", symbol).derived:
                board.set_last("usdm", symbol, START_PRICES[symbol], now)
        return cls({}, board, Ids(seed), clock, now)

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
