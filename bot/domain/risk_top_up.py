"""Sizing the risk guard's top-ups: how much collateral to move, from which wallet.

Amounts are in the settle currency (USDT for USDⓈ-M), whole cents. Sources:
- with `auto_top_up`, from TOP_UP up: isolated → the futures wallet's free balance first (add
  margin), then the spot wallet (transfer, then add margin); cross → a spot transfer only
  (the cross wallet already counts its own free balance);
- without it, only at REDUCE and only for an isolated position: the futures wallet's free
  balance, added as margin before any part of the hedge is cut. A partial cut releases its
  isolated margin pro rata to that wallet, so without adding it back no cut can move an
  isolated liquidation price; adding free futures margin is the milder action.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_DOWN, ROUND_UP, Decimal

from bot.domain.model import MarginMode, Wallet
from bot.domain.risk_policy import RiskGrade

__all__ = ["CENT", "TopUp", "TopUpSources", "plan_top_up", "top_up_sources"]

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class TopUp:
    """Collateral to move, in `asset`: first `transfer_from_spot` spot → `wallet` (the
    futures wallet margining the position: USDⓈ-M, or COIN-M for an inverse one), then
    `add_isolated_margin` into the isolated position (0 in cross mode)."""

    asset: str
    transfer_from_spot: Decimal
    add_isolated_margin: Decimal
    wallet: Wallet = Wallet.FUTURES

    @property
    def amount(self) -> Decimal:
        """Total new collateral behind the position."""
        return max(self.transfer_from_spot, self.add_isolated_margin)


@dataclass(frozen=True, slots=True)
class TopUpSources:
    """What a top-up may draw on (settle currency, never negative)."""

    futures: Decimal
    spot: Decimal

    @property
    def total(self) -> Decimal:
        return self.futures + self.spot


def top_up_sources(
    mode: MarginMode, grade: RiskGrade, *, futures_free: Decimal, spot_free: Decimal, auto: bool
) -> TopUpSources | None:
    """The wallets a top-up may draw on at `grade` (see the module docstring), or None."""
    if grade < RiskGrade.TOP_UP:
        return None
    isolated = mode is MarginMode.ISOLATED
    futures = max(futures_free, ZERO) if isolated else ZERO
    if auto:
        return TopUpSources(futures, max(spot_free, ZERO))
    if grade is RiskGrade.REDUCE and isolated:
        return TopUpSources(futures, ZERO)
    return None


def plan_top_up(
    asset: str,
    mode: MarginMode,
    needed: Decimal,
    sources: TopUpSources | None,
    max_top_up: Decimal | None,
    *,
    unit: Decimal = CENT,
    wallet: Wallet = Wallet.FUTURES,
    slack: Decimal = ZERO,
) -> TopUp | None:
    """The top-up covering `needed` as far as `sources` and `max_top_up` allow, or None.

    `slack` is kept out of the futures wallet's free balance: the venue rounds the balance
    it reports to its own precision (up as often as down), so when `unit` is that precision
    (a coin top-up in satoshis) margin added up to the reported free balance can exceed what
    is really free (Binance -4050) and would be refused every cycle."""
    if sources is None:
        return None
    amount = min(needed, sources.total)
    if max_top_up is not None:
        amount = min(amount, max_top_up)
    # Whole cents (`unit`; a coin top-up uses satoshis): venues (and ccxt's precision check)
    # refuse sub-cent margin amounts, and a refused dust top-up would be retried and alerted
    # every cycle.
    amount = amount.quantize(unit, rounding=ROUND_DOWN)
    if amount <= 0:
        return None
    if mode is MarginMode.CROSS:
        return TopUp(asset, transfer_from_spot=amount, add_isolated_margin=ZERO, wallet=wallet)
    from_futures = min(amount, max(sources.futures - slack, ZERO))
    transfer = (amount - from_futures).quantize(unit, rounding=ROUND_UP)
    return TopUp(
        asset, transfer_from_spot=min(transfer, amount), add_isolated_margin=amount, wallet=wallet
    )
