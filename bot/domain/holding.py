"""Holding: what the holder owns of one coin, summed over its sources, with each part kept.

Sources: the `spot` wallet balance (`total`); further named sources (another account's spot
wallet, a `wallet` account's YAML holdings via `wallet_balances`); and, for an inverse
(COIN-M) hedge with `count_margin`, the coin in the COIN-M wallet — wallet balance +
unrealised P&L in the coin (ccxt's COIN-M `total`), because coin posted as margin is itself
long exposure: 4 BTC spot and 1 BTC of COIN-M margin is a 5 BTC holding. A negative or
missing part counts as zero and is noted, never silently subtracted. Amounts are in the
holding asset (coins).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.domain.contracts import plain
from bot.domain.model import Balance

__all__ = ["Holding", "HoldingPart", "Sources", "holding_from", "holding_of", "wallet_balances"]

ZERO = Decimal(0)

# A hedge's holding sources in order: (label, balances) — "main spot", "cold wallet".
Sources = tuple[tuple[str, Mapping[str, Balance]], ...]


@dataclass(frozen=True, slots=True)
class HoldingPart:
    """One source's contribution: `source` ("spot", "coinm margin"), `coins` ≥ 0."""

    source: str
    coins: Decimal


@dataclass(frozen=True, slots=True)
class Holding:
    """Coins of `asset` held, the sum of `parts`; `notes` say which parts were zeroed."""

    asset: str
    coins: Decimal
    parts: tuple[HoldingPart, ...]
    notes: tuple[str, ...] = ()

    def describe(self) -> str:
        """'4 BTC spot + 1 BTC coinm margin' for status and the journal."""
        return " + ".join(f"{plain(p.coins)} {self.asset} {p.source}" for p in self.parts)


def _part(source: str, asset: str, balances: Mapping[str, Balance]) -> tuple[HoldingPart, str]:
    found = balances.get(asset)
    amount = found.total if found is not None else ZERO
    if amount >= 0:
        return HoldingPart(source, amount), ""
    return HoldingPart(source, ZERO), f"{source} {asset} is {plain(amount)}: counted as 0"


def holding_of(
    asset: str,
    spot: Mapping[str, Balance],
    coinm: Mapping[str, Balance] | None = None,
    more: Sequence[tuple[str, Mapping[str, Balance]]] = (),
) -> Holding:
    """The holding of `asset`: the spot wallet's total, plus each of `more` (source name,
    balances: 1 BTC spot + 2.5 BTC in a cold wallet is 3.5 BTC), plus the COIN-M wallet's
    total of the same coin when `coinm` is given (an inverse hedge counting its margin)."""
    return holding_from(asset, (("spot", spot), *more), coinm)


def holding_from(
    asset: str,
    sources: Sequence[tuple[str, Mapping[str, Balance]]],
    coinm: Mapping[str, Balance] | None = None,
) -> Holding:
    """The holding of `asset` summed over `sources` (label, balances) in order, plus the
    COIN-M wallet's total when `coinm` is given; each source is one part."""
    listed = [*sources, *((("coinm margin", coinm),) if coinm is not None else ())]
    parts, notes = [], []
    for source, balances in listed:
        part, note = _part(source, asset, balances)
        parts.append(part)
        if note:
            notes.append(note)
    total = sum((p.coins for p in parts), ZERO)
    return Holding(asset, total, tuple(parts), tuple(notes))


def wallet_balances(holdings: Mapping[str, Decimal]) -> dict[str, Balance]:
    """Balances of a `wallet` account from its YAML `holdings` (asset → coins, all free)."""
    return {a.upper(): Balance(a.upper(), c, ZERO, c) for a, c in holdings.items()}
