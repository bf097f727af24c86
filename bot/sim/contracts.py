"""Contract math per instrument kind, so one futures engine serves USDⓈ-M and COIN-M.

`Linear` (USDⓈ-M: quantities in the base, amounts in USDT) and `Inverse` (COIN-M: quantities
in contracts of `contract_size` USD, amounts in the coin) answer the same questions: the signed
notional in the margin asset, unrealised P&L, the fill arithmetic, the liquidation price and
how many units a USD value buys (for the synthetic book's depth).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import NotRequired, TypedDict, Unpack

from bot.sim.accounts import apply_fill
from bot.sim.coinm_margin import (
    inverse_fill,
    inverse_liquidation_price,
    inverse_notional,
    inverse_upnl,
)
from bot.sim.margin import Bracket, liquidation_price, unrealized_pnl
from bot.sim.symbol_spec import SymbolSpec

__all__ = ["ContractMath", "Inverse", "Linear", "LiquidationTerms", "contract_math"]


class LiquidationTerms(TypedDict):
    """What a liquidation price depends on (amounts in the margin asset): the wallet (cross)
    or isolated margin, the signed position, its entry, its brackets, and for cross the other
    positions' maintenance margin and unrealised P&L."""

    wallet_balance: Decimal
    amt: Decimal
    entry_price: Decimal
    brackets: Sequence[Bracket]
    other_maint_margin: NotRequired[Decimal]
    other_upnl: NotRequired[Decimal]


@dataclass(frozen=True, slots=True)
class Linear:
    """USDⓈ-M: value = quantity × price (USDT)."""

    def notional(self, amt: Decimal, price: Decimal) -> Decimal:
        return amt * price

    def upnl(self, amt: Decimal, entry: Decimal, mark: Decimal) -> Decimal:
        return unrealized_pnl(amt, entry, mark)

    def fill(
        self, amt: Decimal, entry: Decimal, signed_qty: Decimal, price: Decimal
    ) -> tuple[Decimal, Decimal, Decimal]:
        return apply_fill(amt, entry, signed_qty, price)

    def liquidation_price(self, **terms: Unpack[LiquidationTerms]) -> Decimal:
        return liquidation_price(**terms)

    def units_for(self, value: Decimal, price: Decimal) -> Decimal:
        """Base quantity worth `value` (USDT) at `price`."""
        return value / price


@dataclass(frozen=True, slots=True)
class Inverse:
    """COIN-M: value in coin = contracts × `contract_size` / price."""

    contract_size: Decimal

    def notional(self, amt: Decimal, price: Decimal) -> Decimal:
        return inverse_notional(amt, self.contract_size, price)

    def upnl(self, amt: Decimal, entry: Decimal, mark: Decimal) -> Decimal:
        return inverse_upnl(amt, self.contract_size, entry, mark)

    def fill(
        self, amt: Decimal, entry: Decimal, signed_qty: Decimal, price: Decimal
    ) -> tuple[Decimal, Decimal, Decimal]:
        return inverse_fill(amt, entry, signed_qty, price, self.contract_size)

    def liquidation_price(self, **terms: Unpack[LiquidationTerms]) -> Decimal:
        return inverse_liquidation_price(contract_size=self.contract_size, **terms)

    def units_for(self, value: Decimal, price: Decimal) -> Decimal:
        """Contracts worth `value` USD (independent of the price)."""
        return value / self.contract_size


ContractMath = Linear | Inverse


def contract_math(spec: SymbolSpec) -> ContractMath:
    """The math of `spec`'s contract kind."""
    return Inverse(spec.contract_size) if spec.inverse else Linear()
