"""One hedge's money in the backtest account, as the venue would hold it (pure, frozen).

The loop keeps one `Ledger` per hedge and replaces it after every event: `transfer` (initial
margin, a risk top-up, margin released), `apply_fill` (average entry, realised P&L, the fee),
`apply_funding`, `liquidate`. It is the venue's side only: what to trade and when to top up is
decided by the daemon's domain code. Linear (USDⓈ-M) perpetuals, one-way mode; money in the
settle currency (USDT).

- `collateral`: quote not in the position's wallet: where top-ups come from.
- `wallet`: the isolated wallet backing the position (margin + realised P&L + funding − fees):
  the `wallet_balance` of `bot.domain.liquidation.liquidation_price`.
- `contracts`: signed (negative = short); `entry_price` the average entry (None when flat).
Equity (a Step's `equity_hedged` without the spot) = collateral + wallet + unrealised P&L.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from bot.backtest.fills import require_linear
from bot.domain.model import Fill, Market, Side

__all__ = [
    "Ledger",
    "apply_fill",
    "apply_funding",
    "equity",
    "liquidate",
    "transfer",
    "unrealised_pnl",
]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Ledger:
    """See the module docstring for units and signs."""

    collateral: Decimal
    wallet: Decimal = ZERO
    contracts: Decimal = ZERO
    entry_price: Decimal | None = None
    realised: Decimal = ZERO  # cumulative realised P&L (info; already in `wallet`)


def transfer(ledger: Ledger, amount: Decimal) -> tuple[Ledger, Decimal]:
    """Move `amount` from collateral into the wallet (negative: back out), bounded by what
    the source holds. Returns the new ledger and the amount actually moved."""
    moved = (
        min(amount, ledger.collateral) if amount >= 0 else -min(-amount, max(ledger.wallet, ZERO))
    )
    return replace(
        ledger, collateral=ledger.collateral - moved, wallet=ledger.wallet + moved
    ), moved


def apply_fill(ledger: Ledger, fill: Fill, market: Market) -> Ledger:
    """The ledger after `fill` (contracts on `market`): the position and its average entry,
    the P&L realised by the part that closes, the fee paid from the wallet."""
    require_linear(market)
    signed = fill.amount if fill.side is Side.BUY else -fill.amount
    held, entry = ledger.contracts, ledger.entry_price
    realised = ZERO
    after = held + signed
    if held == 0 or entry is None or (held > 0) == (signed > 0):
        entry = (held * (entry or ZERO) + signed * fill.price) / after if after else None
    else:
        closed = min(abs(signed), abs(held))
        realised = closed * market.contract_size * (fill.price - entry) * (1 if held > 0 else -1)
        if after == 0:
            entry = None
        elif (after > 0) != (held > 0):
            entry = fill.price  # flipped through flat: the rest opens at the fill price
    return replace(
        ledger,
        wallet=ledger.wallet + realised - fill.fee,
        contracts=after,
        entry_price=entry,
        realised=ledger.realised + realised,
    )


def apply_funding(ledger: Ledger, amount: Decimal) -> Ledger:
    """Funding received (+) or paid (−) into the wallet (see `fills.bar_funding`)."""
    return replace(ledger, wallet=ledger.wallet + amount)


def liquidate(ledger: Ledger, price: Decimal, market: Market) -> Ledger:
    """The position closed by the venue at its liquidation `price`: the P&L is realised and
    the isolated wallet is forfeited (what is left goes to the insurance fund)."""
    loss = unrealised_pnl(ledger, price, market)
    return replace(
        ledger,
        wallet=ZERO,
        contracts=ZERO,
        entry_price=None,
        realised=ledger.realised + loss,
    )


def unrealised_pnl(ledger: Ledger, mark: Decimal, market: Market) -> Decimal:
    """contracts × contract_size × (mark − entry), quote; zero when flat."""
    require_linear(market)
    if ledger.contracts == 0 or ledger.entry_price is None:
        return ZERO
    return ledger.contracts * market.contract_size * (mark - ledger.entry_price)


def equity(ledger: Ledger, mark: Decimal, market: Market) -> Decimal:
    """collateral + wallet + unrealised P&L at `mark`: the perp side of `equity_hedged`."""
    return ledger.collateral + ledger.wallet + unrealised_pnl(ledger, mark, market)
