"""Per-account USDⓈ-M risk view: position margins, P&L, liquidation prices, availability.

Pure functions of an `Account` and the mark prices; nothing here mutates state.
All amounts in USDT; notionals are signed like the position (short < 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from bot.sim.accounts import Account, FuturesPosition
from bot.sim.margin import liquidation_price, maintenance_margin, margin_ratio, unrealized_pnl
from bot.sim.specs import brackets_for

__all__ = [
    "AccountMetrics",
    "PositionMetrics",
    "account_metrics",
    "due_liquidations",
    "opening_qty",
]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class PositionMetrics:
    """Risk figures of one position at the current mark price."""

    position: FuturesPosition
    mark: Decimal
    notional: Decimal
    upnl: Decimal
    maint_margin: Decimal
    initial_margin: Decimal
    liquidation_price: Decimal
    margin_ratio: Decimal


@dataclass(frozen=True, slots=True)
class AccountMetrics:
    """Cross-wallet totals plus every non-flat position's figures."""

    positions: dict[str, PositionMetrics]
    cross_wallet: Decimal
    cross_upnl: Decimal
    cross_maint_margin: Decimal
    cross_initial_margin: Decimal
    open_order_margin: Decimal
    isolated_wallets: Decimal

    @property
    def cross_margin_balance(self) -> Decimal:
        return self.cross_wallet + self.cross_upnl

    @property
    def available_balance(self) -> Decimal:
        """What new orders and transfers out may use (Binance `availableBalance`)."""
        return self.cross_margin_balance - self.cross_initial_margin - self.open_order_margin

    @property
    def max_withdraw(self) -> Decimal:
        return max(ZERO, min(self.cross_wallet, self.available_balance))

    @property
    def cross_margin_ratio(self) -> Decimal:
        return margin_ratio(self.cross_maint_margin, self.cross_margin_balance)


def opening_qty(position_amt: Decimal, side: str, quantity: Decimal, reduce_only: bool) -> Decimal:
    """The part of an order (base qty, ≥ 0) that would open or increase exposure."""
    if reduce_only:
        return ZERO
    same_way = position_amt == 0 or (position_amt > 0) == (side == "BUY")
    return quantity if same_way else max(ZERO, quantity - abs(position_amt))


def _order_margin(account: Account, marks: Mapping[str, Decimal]) -> Decimal:
    total = ZERO
    for order in account.open_orders("usdm"):
        pos = account.position(order.symbol)
        qty = opening_qty(pos.amt, order.side, order.remaining, order.reduce_only)
        price = order.price if order.price is not None else marks[order.symbol]
        total += qty * price / pos.leverage
    return total


def _base_metrics(pos: FuturesPosition, mark: Decimal) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    notional = pos.amt * mark
    upnl = unrealized_pnl(pos.amt, pos.entry_price, mark)
    mm = maintenance_margin(brackets_for(pos.symbol), notional)
    return notional, upnl, mm, abs(notional) / pos.leverage


def account_metrics(account: Account, marks: Mapping[str, Decimal]) -> AccountMetrics:
    """Risk view of `account` at `marks` (symbol → mark price)."""
    live = [p for p in account.positions.values() if p.amt != 0]
    base = {p.symbol: _base_metrics(p, marks[p.symbol]) for p in live}
    cross = [p for p in live if not p.isolated]
    cross_upnl = sum((base[p.symbol][1] for p in cross), ZERO)
    cross_mm = sum((base[p.symbol][2] for p in cross), ZERO)
    out: dict[str, PositionMetrics] = {}
    for p in live:
        notional, upnl, mm, im = base[p.symbol]
        if p.isolated:
            wallet, other_mm, other_upnl = p.isolated_wallet, ZERO, ZERO
            ratio = margin_ratio(mm, p.isolated_wallet + upnl)
        else:
            wallet, other_mm, other_upnl = account.cross_wallet, cross_mm - mm, cross_upnl - upnl
            ratio = margin_ratio(cross_mm, account.cross_wallet + cross_upnl)
        liq = liquidation_price(
            wallet_balance=wallet,
            amt=p.amt,
            entry_price=p.entry_price,
            brackets=brackets_for(p.symbol),
            other_maint_margin=other_mm,
            other_upnl=other_upnl,
        )
        out[p.symbol] = PositionMetrics(p, marks[p.symbol], notional, upnl, mm, im, liq, ratio)
    return AccountMetrics(
        positions=out,
        cross_wallet=account.cross_wallet,
        cross_upnl=cross_upnl,
        cross_maint_margin=cross_mm,
        cross_initial_margin=sum((base[p.symbol][3] for p in cross), ZERO),
        open_order_margin=_order_margin(account, marks),
        isolated_wallets=sum((p.isolated_wallet for p in live if p.isolated), ZERO),
    )


def due_liquidations(metrics: AccountMetrics) -> list[PositionMetrics]:
    """Positions to liquidate now: isolated ones whose margin balance ≤ maintenance margin,
    and every cross position when the cross margin balance ≤ the cross maintenance margin."""
    due = [
        m
        for m in metrics.positions.values()
        if m.position.isolated and m.position.isolated_wallet + m.upnl <= m.maint_margin
    ]
    cross = [m for m in metrics.positions.values() if not m.position.isolated]
    if cross and metrics.cross_margin_balance <= metrics.cross_maint_margin:
        due.extend(cross)
    return due
