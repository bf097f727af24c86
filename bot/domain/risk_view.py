"""What the risk guard reads (`RiskView`) and the measured position it reasons about (`Leg`).

Amounts are in the settle currency (USDT); sizes are signed base units (short < 0); prices
quote per base. This `Leg` is the linear (USDⓈ-M) one; COIN-M positions are measured by
`risk_inverse.InverseLeg` (contracts and coin).

Hedge mode with cross margin: the account's LONG leg on the same symbol (never traded) shares
the wallet and the liquidation price, so a `Leg` carries it (`long`) and every figure — the
liquidation price, its side of the mark, the margin balance and ratio, a top-up — counts both
legs. In isolated margin the LONG leg has its own wallet and is left out.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_UP, Decimal

from bot.domain.contracts import base_exposure
from bot.domain.liquidation import (
    MarginBracket,
    SignedLeg,
    hedged_liquidation_price,
    hedged_wallet_for_liquidation_at,
    implied_bracket,
    liquidation_distance,
    liquidation_side,
    maintenance_margin,
    margin_ratio,
)
from bot.domain.model import MarginMode, Market, Position
from bot.domain.risk_policy import RiskPolicy

__all__ = ["Leg", "LegRules", "RiskView", "leg_of", "long_leg_of", "reported_liquidation"]

ZERO = Decimal(0)
CENT = Decimal("0.01")


@dataclass(frozen=True, slots=True)
class RiskView:
    """Everything one hedge's risk decision depends on. Amounts in the settle currency.

    `wallet_balance`: isolated → the position's isolated wallet (margin without unrealized
    P&L, Binance `isolatedWallet`); cross → the cross wallet balance. `futures_free` /
    `spot_free`: free settle-currency balances usable as top-up sources. `other_*`: the other
    positions sharing a cross wallet (0 in isolated mode). `brackets` empty = the venue's
    margin brackets could not be read (the guard then fails closed, see `risk`).
    """

    hedge: str
    policy: RiskPolicy
    market: Market
    position: Position
    mark: Decimal
    brackets: tuple[MarginBracket, ...]
    margin_mode: MarginMode
    wallet_balance: Decimal
    futures_free: Decimal = ZERO
    spot_free: Decimal = ZERO
    other_maint_margin: Decimal = ZERO
    other_unrealized_pnl: Decimal = ZERO
    leverage: int | None = None  # current leverage if the position does not report it


def reported_liquidation(position: Position) -> Decimal | None:
    """The venue's liquidation price; 0 or absent means it reports none."""
    price = position.liquidation_price
    return price if price is not None and price > 0 else None


class LegRules:
    """What every measured leg (linear `Leg`, COIN-M `risk_inverse.InverseLeg`) shares: the
    wallet sharing of cross mode, where a top-up should put the liquidation, and the margin
    ratio when no bracket can size it. Subclasses are frozen dataclasses with these fields."""

    __slots__ = ()
    view: RiskView
    size: Decimal

    @property
    def cross(self) -> bool:
        return self.view.margin_mode is MarginMode.CROSS

    def others(self, amount: Decimal) -> Decimal:
        """Other positions only share the wallet in cross mode."""
        return amount if self.cross else ZERO

    def exposure(self) -> Decimal:
        """Signed like the side the liquidation lies on: < 0 above the mark (a short), > 0
        below it (a long)."""
        return self.size

    def reported_side(self) -> Decimal | None:
        """Without brackets to weigh a hedge-mode pair's maintenance margin: the side the
        venue's own liquidation price lies on (+1 below the mark, −1 above), when reported."""
        exchange = reported_liquidation(self.view.position)
        if exchange is None:
            return None
        return Decimal(1 if exchange < self.view.mark else -1)

    def target(self) -> Decimal:
        """Where the liquidation price should sit after a top-up (restore_distance away)."""
        sign = 1 if self.exposure() < 0 else -1
        return self.view.mark * (1 + sign * self.view.policy.restore_distance)

    def unsized_ratio(self, balance: Decimal) -> Decimal | None:
        """Without brackets: the venue's margin ratio, else Infinity when the balance is
        gone, else unknown (None)."""
        if self.view.position.margin_ratio is not None:
            return self.view.position.margin_ratio
        return margin_ratio(ZERO, balance) if balance <= 0 else None


@dataclass(frozen=True, slots=True)
class Leg(LegRules):
    """One non-flat position being assessed. `size` is signed base units (short < 0);
    `brackets` are the venue's, else one implied by its liquidation price, else () when
    nothing can size margin (then top-ups and partial cuts cannot be sized). `long`: the
    hedge-mode LONG leg (base units, entry) sharing a cross wallet, else None."""

    view: RiskView
    size: Decimal
    entry: Decimal
    brackets: tuple[MarginBracket, ...]
    long: SignedLeg | None = None

    def legs(self) -> tuple[SignedLeg, ...]:
        """The symbol's legs behind this liquidation price: ours, and the LONG one if any."""
        ours = (self.size, self.entry)
        return (ours,) if self.long is None else (ours, self.long)

    def exposure(self) -> Decimal:
        """With a LONG leg the liquidation lies below the mark when that leg outweighs the
        short (`liquidation.liquidation_side`); without brackets (none read nor implied) to
        weigh the legs' maintenance margin, the venue's own price says which side it lies on,
        when it reports one."""
        if self.long is None:
            return self.size
        reported = None if self.brackets else self.reported_side()
        if reported is not None:
            return reported
        return Decimal(liquidation_side(self.legs(), self.view.mark, self.brackets))

    def notional(self) -> Decimal:
        """Notional in quote at the mark (what the leverage divides)."""
        return abs(self.size) * self.view.mark

    def liquidation(self, wallet: Decimal) -> Decimal | None:
        """Our liquidation price with `wallet` behind the position (None: none found)."""
        if not self.brackets:
            return None
        return hedged_liquidation_price(
            legs=self.legs(),
            wallet_balance=wallet,
            brackets=self.brackets,
            other_maint_margin=self.others(self.view.other_maint_margin),
            other_unrealized_pnl=self.others(self.view.other_unrealized_pnl),
        )

    def distance(self, wallet: Decimal) -> Decimal | None:
        """Liquidation distance (fraction of mark) with `wallet` behind the position."""
        return liquidation_distance(self.exposure(), self.view.mark, self.liquidation(wallet))

    def balance(self, wallet: Decimal) -> Decimal:
        """Margin balance: wallet + unrealized P&L (of the other cross positions too)."""
        upnl = sum((a * (self.view.mark - e) for a, e in self.legs()), ZERO)
        return wallet + upnl + self.others(self.view.other_unrealized_pnl)

    def ratio(self, wallet: Decimal) -> Decimal | None:
        """Maintenance margin / margin balance; without brackets the venue's ratio, else
        Infinity when the balance is gone, else unknown (None)."""
        balance = self.balance(wallet)
        if self.brackets:
            mark = self.view.mark
            maint = sum((maintenance_margin(abs(a) * mark, self.brackets) for a, _ in self.legs()),
                        ZERO)  # fmt: skip
            return margin_ratio(maint + self.others(self.view.other_maint_margin), balance)
        return self.unsized_ratio(balance)

    def long_room(self, price: Decimal) -> Decimal:
        """What the LONG leg adds to the margin balance less maintenance margin when the mark
        moves to `price` (quote; 0 without one): L·(price − mark) − MM(L·price)."""
        if self.long is None or not self.brackets:
            return ZERO
        size = self.long[0]
        held = maintenance_margin(size * price, self.brackets)
        return size * (price - self.view.mark) - held

    def top_up_needed(self) -> Decimal:
        """Quote (whole cents, rounded up) to restore `restore_distance`; 0 when nothing can
        size it."""
        if not self.brackets:
            return ZERO
        wallet = hedged_wallet_for_liquidation_at(
            legs=self.legs(),
            price=self.target(),
            brackets=self.brackets,
            other_maint_margin=self.others(self.view.other_maint_margin),
            other_unrealized_pnl=self.others(self.view.other_unrealized_pnl),
        )
        return max(wallet - self.view.wallet_balance, ZERO).quantize(CENT, rounding=ROUND_UP)


def long_leg_of(view: RiskView) -> SignedLeg | None:
    """The hedge-mode LONG leg (base units, entry; the mark when not reported) that shares a
    cross wallet with the position, else None (one-way, isolated, or no LONG leg)."""
    position = view.position
    if view.margin_mode is not MarginMode.CROSS or position.long_leg_contracts <= 0:
        return None
    size = base_exposure(view.market, position.long_leg_contracts)
    return size, position.long_leg_entry_price or view.mark


def leg_of(view: RiskView) -> Leg:
    """Measure a non-flat position; without brackets, imply one from the venue's price."""
    size = base_exposure(view.market, view.position.contracts)
    entry = view.position.entry_price if view.position.entry_price else view.mark
    brackets = view.brackets
    long = long_leg_of(view)
    exchange = reported_liquidation(view.position)
    if not brackets and exchange is not None:
        cross = view.margin_mode is MarginMode.CROSS
        implied = implied_bracket(
            size=size,
            entry_price=entry,
            wallet_balance=view.wallet_balance,
            liquidation=exchange,
            other_maint_margin=view.other_maint_margin if cross else ZERO,
            other_unrealized_pnl=view.other_unrealized_pnl if cross else ZERO,
            same_symbol=(long,) if long else (),
        )
        brackets = () if implied is None else (implied,)
    return Leg(view, size, entry, brackets, long)
