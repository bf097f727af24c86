"""Per-account risk view of one margin pool: position margins, P&L, liquidation prices,
availability.

A pool is a futures market and a margin asset: USDⓈ-M's USDT wallet with every USDⓈ-M
position, or one COIN-M coin's wallet with that coin's contracts (BTC for BTCUSD_PERP and the
BTCUSD quarterlies). Pure functions of an `Account` and the mark prices; nothing here mutates
state. Amounts are in the pool's asset; notionals are signed like the position (short < 0).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from bot.sim.accounts import Account, FuturesPosition
from bot.sim.contracts import contract_math
from bot.sim.margin import hedged_liquidation_price, maintenance_margin, margin_ratio
from bot.sim.specs import SymbolSpec, get_spec
from bot.sim.venue_tiers import position_tiers

__all__ = [
    "USDM_POOL",
    "AccountMetrics",
    "LegKey",
    "PositionMetrics",
    "account_metrics",
    "account_pools",
    "due_liquidations",
    "flat_metrics",
    "leg_key",
    "opening_qty",
    "pool_metrics",
]

LegKey = tuple[str, str]  # (symbol, positionSide)
Pool = tuple[str, str]  # (market, margin asset)
USDM_POOL: Pool = ("usdm", "USDT")

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
    """Cross-wallet totals of one pool plus every non-flat position leg's figures."""

    positions: dict[LegKey, PositionMetrics]
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


def _spec(pos: FuturesPosition) -> SymbolSpec:
    return get_spec(pos.market, pos.symbol)


def _order_margin(account: Account, marks: Mapping[str, Decimal], pool: Pool) -> Decimal:
    total = ZERO
    market, asset = pool
    for order in account.open_orders(market):
        spec = get_spec(market, order.symbol)
        if spec.margin_asset != asset:
            continue
        pos = account.position(order.symbol, order.position_side, market)
        qty = opening_qty(pos.amt, order.side, order.remaining, order.reducing)
        price = order.price if order.price is not None else marks[order.symbol]
        total += abs(contract_math(spec).notional(qty, price)) / pos.leverage
    return total


def _base_metrics(pos: FuturesPosition, mark: Decimal) -> tuple[Decimal, Decimal, Decimal, Decimal]:
    math = contract_math(_spec(pos))
    notional = math.notional(pos.amt, mark)
    upnl = math.upnl(pos.amt, pos.entry_price, mark)
    mm = maintenance_margin(position_tiers(pos), notional)
    return notional, upnl, mm, abs(notional) / pos.leverage


def leg_key(pos: FuturesPosition) -> LegKey:
    """(symbol, positionSide): how positions and their metrics are keyed."""
    return pos.symbol, pos.side


def _cross_liquidation(
    wallet: Decimal, legs: list[FuturesPosition], other_mm: Decimal, other_upnl: Decimal
) -> Decimal:
    """The liquidation price of a symbol's cross legs (one-way: its one leg; hedge mode: both
    legs move with the price)."""
    if len(legs) == 1:
        return contract_math(_spec(legs[0])).liquidation_price(
            wallet_balance=wallet,
            amt=legs[0].amt,
            entry_price=legs[0].entry_price,
            brackets=position_tiers(legs[0]),
            other_maint_margin=other_mm,
            other_upnl=other_upnl,
        )
    return hedged_liquidation_price(
        wallet_balance=wallet,
        legs=[(p.amt, p.entry_price) for p in legs],
        brackets=position_tiers(legs[0]),
        other_maint_margin=other_mm,
        other_upnl=other_upnl,
    )


def _liquidation_prices(
    wallet: Decimal,
    live: list[FuturesPosition],
    base: Mapping[LegKey, tuple[Decimal, ...]],
    cross_mm: Decimal,
    cross_upnl: Decimal,
) -> dict[LegKey, Decimal]:
    out: dict[LegKey, Decimal] = {}
    by_symbol: dict[str, list[FuturesPosition]] = {}
    for p in live:
        if p.isolated:
            out[leg_key(p)] = contract_math(_spec(p)).liquidation_price(
                wallet_balance=p.isolated_wallet,
                amt=p.amt,
                entry_price=p.entry_price,
                brackets=position_tiers(p),
            )
        else:
            by_symbol.setdefault(p.symbol, []).append(p)
    for legs in by_symbol.values():
        upnl = sum((base[leg_key(p)][1] for p in legs), ZERO)
        mm = sum((base[leg_key(p)][2] for p in legs), ZERO)
        price = _cross_liquidation(wallet, legs, cross_mm - mm, cross_upnl - upnl)
        out |= {leg_key(p): price for p in legs}
    return out


def account_metrics(account: Account, marks: Mapping[str, Decimal]) -> AccountMetrics:
    """USDⓈ-M risk view of `account` at `marks` (symbol → mark price)."""
    return pool_metrics(account, marks, *USDM_POOL)


def account_pools(account: Account) -> list[Pool]:
    """The pools of `account`: USDⓈ-M, then every COIN-M coin with a wallet or a position."""
    coins = set(account.coinm) | {
        _spec(p).margin_asset for p in account.market_positions("coinm") if p.amt != 0
    }
    return [USDM_POOL, *(("coinm", coin) for coin in sorted(coins))]


def pool_metrics(
    account: Account, marks: Mapping[str, Decimal], market: str, asset: str
) -> AccountMetrics:
    """Risk view of the (`market`, `asset`) pool of `account` at `marks` (symbol → mark);
    positions keyed by leg."""
    live = [
        p for p in account.market_positions(market) if p.amt != 0 and _spec(p).margin_asset == asset
    ]
    wallet = account.wallet(market, asset)
    base = {leg_key(p): _base_metrics(p, marks[p.symbol]) for p in live}
    cross = [p for p in live if not p.isolated]
    cross_upnl = sum((base[leg_key(p)][1] for p in cross), ZERO)
    cross_mm = sum((base[leg_key(p)][2] for p in cross), ZERO)
    liquidation = _liquidation_prices(wallet, live, base, cross_mm, cross_upnl)
    out: dict[LegKey, PositionMetrics] = {}
    for p in live:
        notional, upnl, mm, im = base[leg_key(p)]
        if p.isolated:
            ratio = margin_ratio(mm, p.isolated_wallet + upnl)
        else:
            ratio = margin_ratio(cross_mm, wallet + cross_upnl)
        out[leg_key(p)] = PositionMetrics(
            p, marks[p.symbol], notional, upnl, mm, im, liquidation[leg_key(p)], ratio
        )
    return AccountMetrics(
        positions=out,
        cross_wallet=wallet,
        cross_upnl=cross_upnl,
        cross_maint_margin=cross_mm,
        cross_initial_margin=sum((base[leg_key(p)][3] for p in cross), ZERO),
        open_order_margin=_order_margin(account, marks, (market, asset)),
        isolated_wallets=sum((p.isolated_wallet for p in live if p.isolated), ZERO),
    )


def flat_metrics(pos: FuturesPosition, mark: Decimal) -> PositionMetrics:
    """The figures of a flat leg (hedge mode lists both legs of a symbol, flat or not)."""
    return PositionMetrics(pos, mark, ZERO, ZERO, ZERO, ZERO, ZERO, ZERO)


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
