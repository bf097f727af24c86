"""The risk guard's measured position for a COIN-M (inverse) contract: `InverseLeg`.

It answers the same questions as the linear `risk_view.Leg` (liquidation price, distance,
margin ratio, top-up, how much of the short can stay) with the COIN-M formula of
`liquidation_inverse`. Units: `size` is signed CONTRACTS (short < 0), every amount is in the
coin (BTC: wallet, margin, top-ups, rounded to 1e-8), prices USD per coin.

Hedge mode with cross margin: the account's LONG leg on the same symbol (never traded) shares
the coin wallet and the liquidation price (`InverseLeg.long`, in contracts), as for linear:
every figure counts both legs, and when the LONG outweighs the short the liquidation lies
below the mark and the short is never cut (`risk_cut.cut_for`). Isolated: left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from bot.domain.liquidation import MarginBracket, SignedLeg, liquidation_distance, margin_ratio
from bot.domain.liquidation_inverse import (
    inverse_hedged_liquidation_price,
    inverse_hedged_wallet_for_liquidation_at,
    inverse_liquidation_side,
    inverse_maintenance_margin,
    inverse_notional,
    inverse_upnl,
)
from bot.domain.model import MarginMode
from bot.domain.risk_policy import RiskGrade
from bot.domain.risk_top_up import top_up_sources
from bot.domain.risk_view import LegRules, RiskView

__all__ = ["SATOSHI", "InverseLeg", "inverse_leg_of", "inverse_long_leg_of"]

ZERO = Decimal(0)
SATOSHI = Decimal("1e-8")  # the coin's smallest unit: top-ups are whole satoshis


@dataclass(frozen=True, slots=True)
class InverseLeg(LegRules):
    """One non-flat COIN-M position being assessed (see the module docstring for units);
    `brackets` are the venue's coin brackets, or () when they could not be read (then only
    the venue's liquidation price grades it and nothing is sized). `long`: the hedge-mode
    LONG leg (contracts, entry) sharing a cross wallet, else None."""

    view: RiskView
    size: Decimal
    entry: Decimal
    brackets: tuple[MarginBracket, ...]
    long: SignedLeg | None = None

    def legs(self, size: Decimal | None = None) -> tuple[SignedLeg, ...]:
        """The symbol's legs behind this liquidation price: ours (`size` contracts, default
        all), and the LONG one if any."""
        ours = (self.size if size is None else size, self.entry)
        return (ours,) if self.long is None else (ours, self.long)

    def exposure(self) -> Decimal:
        """With a LONG leg the liquidation lies below the mark when that leg outweighs the
        short (`inverse_liquidation_side`); without brackets to weigh the legs' maintenance
        margin, the venue's own price says which side it lies on, when it reports one."""
        if self.long is None:
            return self.size
        reported = None if self.brackets else self.reported_side()
        if reported is not None:
            return reported
        return Decimal(self._side(self.legs()))

    def _side(self, legs: tuple[SignedLeg, ...]) -> int:
        return inverse_liquidation_side(legs, self.contract_size, self.view.mark, self.brackets)

    @property
    def contract_size(self) -> Decimal:
        return self.view.market.contract_size

    def notional(self) -> Decimal:
        """Notional in coin at the mark (what the leverage divides)."""
        return inverse_notional(self.size, self.contract_size, self.view.mark)

    def liquidation(self, wallet: Decimal, size: Decimal | None = None) -> Decimal | None:
        """Our liquidation price with `wallet` coin behind `size` contracts (default: all)."""
        if not self.brackets:
            return None
        return inverse_hedged_liquidation_price(
            legs=self.legs(size),
            wallet_balance=wallet,
            contract_size=self.contract_size,
            brackets=self.brackets,
            other_maint_margin=self.others(self.view.other_maint_margin),
            other_unrealized_pnl=self.others(self.view.other_unrealized_pnl),
        )

    def distance(self, wallet: Decimal) -> Decimal | None:
        """Liquidation distance (fraction of mark) with `wallet` behind the position."""
        return liquidation_distance(self.exposure(), self.view.mark, self.liquidation(wallet))

    def balance(self, wallet: Decimal) -> Decimal:
        """Margin balance in coin: wallet + unrealised P&L (of the other cross contracts too)."""
        mark, size = self.view.mark, self.contract_size
        upnl = sum((inverse_upnl(a, size, e, mark) for a, e in self.legs()), ZERO)
        return wallet + upnl + self.others(self.view.other_unrealized_pnl)

    def ratio(self, wallet: Decimal) -> Decimal | None:
        """Maintenance margin / margin balance; the venue's ratio without brackets."""
        balance = self.balance(wallet)
        if self.brackets:
            maint = sum(
                (
                    inverse_maintenance_margin(a, self.contract_size, self.view.mark, self.brackets)
                    for a, _ in self.legs()
                ),
                ZERO,
            )
            return margin_ratio(maint + self.others(self.view.other_maint_margin), balance)
        return self.unsized_ratio(balance)

    def top_up_needed(self) -> Decimal:
        """Coin (whole satoshis, rounded up) to restore `restore_distance`; 0 when nothing
        can size it."""
        if not self.brackets:
            return ZERO
        wallet = inverse_hedged_wallet_for_liquidation_at(
            legs=self.legs(),
            price=self.target(),
            contract_size=self.contract_size,
            brackets=self.brackets,
            other_maint_margin=self.others(self.view.other_maint_margin),
            other_unrealized_pnl=self.others(self.view.other_unrealized_pnl),
        )
        return max(wallet - self.view.wallet_balance, ZERO).quantize(SATOSHI, rounding=ROUND_UP)

    def keep(self, added: Decimal) -> Decimal:
        """Contracts of the short that can stay with `added` coin topped up this cycle: the
        largest step multiple whose liquidation sits at `restore_distance` or beyond, with the
        margin that stays (as `risk_cut` describes for linear: cross keeps the wallet; an
        isolated cut releases margin pro rata, added back next cycle from the free coin up to
        `max_top_up`), less the cut's taker fee, plus the P&L the cut books at the mark (the
        wallet excludes unrealised P&L; a pro-rata release already nets the kept part's share).
        Found by bisection (the distance grows as the
        short shrinks)."""
        step = self.view.market.amount_step
        held = int(abs(self.size) / step)
        low, high = 0, held
        while low < high:
            middle = (low + high + 1) // 2
            if self._holds(middle * step, added):
                low = middle
            else:
                high = middle - 1
        return low * step

    def _holds(self, kept: Decimal, added: Decimal) -> bool:
        """A rise to `restore_distance` does not liquidate `kept` contracts of the short (nor
        the pair, once a LONG leg outweighs what is kept: then a rise only helps)."""
        if self.long is not None and self._side(self.legs(-kept)) > 0:
            return True
        price = self.liquidation(self._wallet_kept(kept, added), -kept)
        return price is None or price >= self.target()

    def _wallet_kept(self, kept: Decimal, added: Decimal) -> Decimal:
        view = self.view
        held = abs(self.size)
        fee = (held - kept) * self.contract_size / view.mark * view.market.taker_fee
        booked = inverse_upnl(kept - held, self.contract_size, self.entry, view.mark) - fee
        wallet = view.wallet_balance + added
        if self.cross:
            return wallet + booked
        sources = top_up_sources(
            view.margin_mode,
            RiskGrade.REDUCE,
            futures_free=view.futures_free,
            spot_free=view.spot_free,
            auto=view.policy.auto_top_up,
        )
        leftover = max((sources.total if sources else ZERO) - added, ZERO)
        full = wallet + leftover + booked
        cap = view.policy.max_top_up
        if cap is None:
            return full
        return min(full, wallet * kept / held + cap - fee)


def inverse_long_leg_of(view: RiskView) -> SignedLeg | None:
    """The hedge-mode LONG leg (contracts, entry; the mark when not reported) sharing a cross
    coin wallet with the position, else None (one-way, isolated, or no LONG leg)."""
    position = view.position
    if view.margin_mode is not MarginMode.CROSS or position.long_leg_contracts <= 0:
        return None
    return position.long_leg_contracts, position.long_leg_entry_price or view.mark


def inverse_leg_of(view: RiskView) -> InverseLeg:
    """Measure a non-flat COIN-M position (entry defaults to the mark when not reported)."""
    entry = view.position.entry_price if view.position.entry_price else view.mark
    return InverseLeg(
        view, view.position.contracts, entry, view.brackets, inverse_long_leg_of(view)
    )
