"""From one cycle's perp snapshot to the risk guard's `RiskView` (which `risk.assess` grades,
with or without the venue's margin brackets).

The wallet figures follow Binance's liquidation formula (see `liquidation`): ccxt's futures
`total` is the margin balance (wallet + every position's unrealised P&L) and a position's
`collateral` includes its own unrealised P&L, so both are taken back to wallet balances here.
"""

from __future__ import annotations

from decimal import Decimal

from bot.domain.hedge import HedgePolicy
from bot.domain.liquidation import MarginBracket
from bot.domain.model import AccountSnapshot, MarginMode, Position
from bot.domain.risk import RiskView
from bot.domain.risk_policy import RiskPolicy

__all__ = ["BRACKETS_MISSING", "isolated_wallet", "risk_view"]

ZERO = Decimal(0)
BRACKETS_MISSING = "margin brackets unavailable"


def isolated_wallet(position: Position) -> Decimal:
    """Binance's isolatedWallet (settle currency): the collateral without the position's
    unrealised P&L."""
    collateral = position.collateral or ZERO
    return collateral - (position.unrealized_pnl or ZERO)


def _sharing(snapshot: AccountSnapshot, settle: str) -> list[Position]:
    """The positions margined in `settle` (a COIN-M coin's contracts share its wallet only;
    a position whose market was not read is assumed to share it)."""
    kept = []
    for position in snapshot.positions.values():
        market = snapshot.markets.get(position.symbol)
        if market is None or (market.settle or market.quote) == settle:
            kept.append(position)
    return kept


def _cross_inputs(
    snapshot: AccountSnapshot, symbol: str, total: Decimal, settle: str
) -> tuple[Decimal, Decimal, Decimal]:
    """(cross wallet balance, maintenance margin and uPnL of the OTHER cross positions).

    A hedge-mode LONG leg in cross margin is in the margin balance too: its uPnL comes out
    of the wallet; `symbol`'s own LONG leg is counted by the risk guard with the short
    (`risk_view.Leg.long`), another symbol's with that symbol's figures. Isolated legs keep
    their own wallets, taken out with their uPnL (a LONG leg's by its own margin mode: a
    LONG-only symbol has no SHORT leg to say it)."""
    wallet = total
    other_mm = other_upnl = ZERO
    for other in _sharing(snapshot, settle):
        upnl = other.unrealized_pnl or ZERO
        long_upnl = other.long_leg_unrealized_pnl or ZERO
        wallet -= upnl + long_upnl
        if other.margin_mode is MarginMode.ISOLATED:
            wallet -= isolated_wallet(other)
        elif other.symbol != symbol:
            other_mm += other.maintenance_margin or ZERO
            other_upnl += upnl
        if _long_leg_mode(other) is MarginMode.ISOLATED:
            wallet -= other.long_leg_isolated_wallet or ZERO
        elif other.symbol != symbol:
            other_mm += other.long_leg_maintenance_margin or ZERO
            other_upnl += long_upnl
    return wallet, other_mm, other_upnl


def _long_leg_mode(position: Position) -> MarginMode | None:
    """The LONG leg's margin mode: its own when reported, else the symbol's."""
    return position.long_leg_margin_mode or position.margin_mode


def risk_view(
    policy: HedgePolicy,
    risk_policy: RiskPolicy,
    perp: AccountSnapshot,
    brackets: tuple[MarginBracket, ...],
    mark: Decimal,
) -> RiskView:
    """The risk guard's view of `policy`'s perp position in `perp` at `mark`."""
    market = perp.markets[policy.perp_symbol]
    position = perp.position(policy.perp_symbol)
    settle = market.settle or market.quote
    futures = perp.margin_balances(market).get(settle)
    # A unified wallet (Bybit UTA) is the futures wallet itself: no spot source to move.
    spot_free = None if market.unified_margin else perp.spot.get(settle)
    mode = position.margin_mode or policy.margin_mode
    other_mm = other_upnl = ZERO
    if mode is MarginMode.ISOLATED:
        wallet = isolated_wallet(position)
    else:
        total = futures.total if futures else ZERO
        wallet, other_mm, other_upnl = _cross_inputs(perp, policy.perp_symbol, total, settle)
    return RiskView(
        hedge=policy.name,
        policy=risk_policy,
        market=market,
        position=position,
        mark=mark,
        brackets=brackets,
        margin_mode=mode,
        wallet_balance=wallet,
        futures_free=futures.free if futures else ZERO,
        spot_free=spot_free.free if spot_free else ZERO,
        other_maint_margin=other_mm,
        other_unrealized_pnl=other_upnl,
        leverage=policy.leverage,
    )
