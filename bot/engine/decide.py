"""Decide, per hedge: snapshot values in, a `Decision` out. No I/O here — the views for the
pure core (staleness, risk, planner) are built from what gather read and what the journal
says; the shell then applies the decision.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from decimal import Decimal

from bot.domain.hedge import HedgePolicy
from bot.domain.liquidation import MarginBracket
from bot.domain.model import AccountSnapshot, Fill, MarginMode, Order, Position, Side
from bot.domain.planner import HedgePlan, HedgeView, plan, reference_price
from bot.domain.risk import RiskAssessment, RiskView, assess
from bot.domain.risk_policy import RiskGate, RiskGrade, RiskPolicy
from bot.domain.staleness import (
    DataVerdict,
    check_fresh,
    check_position_matches_fills,
    first_problem,
)
from bot.exchange.client_ids import hedge_of, hedge_tag, is_ours

__all__ = ["Decision", "Inputs", "decide", "expected_contracts", "our_orders", "signed"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Inputs:
    """Everything one hedge's decision depends on, already read."""

    policy: HedgePolicy
    risk_policy: RiskPolicy
    spot: AccountSnapshot
    perp: AccountSnapshot
    brackets: tuple[MarginBracket, ...]
    now_ms: int
    max_age_ms: int
    trusted: tuple[Decimal, int] | None  # last trusted position (contracts, ms)
    fills_since_trusted: tuple[Fill, ...]
    turnover_today: Decimal
    paused: bool
    blocked_reason: str | None  # e.g. an unresolved order: plan nothing
    allow_delever: bool = True
    allow_reduce: bool = True
    # client id → when WE sent the order (local clock, from the journal): order ages are
    # measured on the clock `now_ms` reads, never against the venue's order timestamps.
    sent_at_ms: Mapping[str, int] = field(default_factory=dict)
    # After the guard reached TOP_UP or worse, increases stay blocked until the distance is
    # back above `risk.restore_distance` (hysteresis: no re-selling right after a reduction).
    risk_hold: bool = False


@dataclass(frozen=True, slots=True)
class Decision:
    hedge: str
    verdict: DataVerdict
    risk: RiskAssessment | None
    plan: HedgePlan
    position: Position
    spot_amount: Decimal
    live_orders: tuple[Order, ...]


def signed(fill: Fill) -> Decimal:
    """A fill's effect on the position in contracts (sell = negative)."""
    return -fill.amount if fill.side is Side.SELL else fill.amount


def expected_contracts(
    trusted: tuple[Decimal, int] | None, fills: tuple[Fill, ...]
) -> Decimal | None:
    """The position our own fills imply since the last trusted reading, or None."""
    if trusted is None:
        return None
    contracts, at_ms = trusted
    return contracts + sum((signed(f) for f in fills if f.timestamp_ms > at_ms), ZERO)


def our_orders(snapshot: AccountSnapshot, hedge: str, symbol: str) -> tuple[Order, ...]:
    """Our live orders for `hedge` on `symbol` (client id carries the hedge's tag)."""
    tag = hedge_tag(hedge)
    return tuple(
        o
        for o in snapshot.open_orders
        if o.symbol == symbol
        and o.client_id
        and is_ours(o.client_id)
        and hedge_of(o.client_id) == tag
    )


def _venue_now(quote_ms: int | None, position: Position, last_fill: int | None) -> int:
    """The newest venue-clock time this snapshot shows (quote, position update, our fills)."""
    stamps = [t for t in (quote_ms, position.timestamp_ms, last_fill) if t is not None]
    return max(stamps, default=0)


def _verdict(i: Inputs, position: Position) -> DataVerdict:
    policy = i.policy
    market = i.perp.markets[policy.perp_symbol]
    quote = i.perp.quotes.get(policy.perp_symbol)
    quote_ms = quote.timestamp_ms if quote else None
    last_fill = max((f.timestamp_ms for f in i.fills_since_trusted), default=None)
    checks = [
        check_fresh("spot balances", i.spot.taken_at_ms, i.now_ms, i.max_age_ms),
        check_fresh("positions", i.perp.taken_at_ms, i.now_ms, i.max_age_ms),
        # The quote carries the venue's stamp: compare it with the venue's own clock (its
        # newest stamp in this snapshot), not ours. Mixing clocks paused every hedge forever
        # under clock skew or a replay's accelerated market clock; our read time is checked
        # above (`taken_at_ms`).
        check_fresh("quote", quote_ms, _venue_now(quote_ms, position, last_fill), i.max_age_ms),
        check_position_matches_fills(
            position,
            expected_contracts(i.trusted, i.fills_since_trusted),
            last_fill,
            market.amount_step / 2,
        ),
    ]
    return first_problem(checks)


def _isolated_wallet(position: Position) -> Decimal:
    """Binance's isolatedWallet: ccxt's collateral includes the unrealised P&L, the formula's
    wallet balance does not."""
    collateral = position.collateral or ZERO
    return collateral - (position.unrealized_pnl or ZERO)


def _cross_inputs(
    snapshot: AccountSnapshot, symbol: str, total: Decimal
) -> tuple[Decimal, Decimal, Decimal]:
    """(cross wallet balance, maintenance margin and uPnL of the OTHER cross positions).
    ccxt's futures `total` is Binance's marginBalance: wallet + every position's uPnL."""
    wallet = total
    other_mm = other_upnl = ZERO
    for other in snapshot.positions.values():
        upnl = other.unrealized_pnl or ZERO
        wallet -= upnl
        if other.margin_mode is MarginMode.ISOLATED:
            wallet -= _isolated_wallet(other)
        elif other.symbol != symbol:
            other_mm += other.maintenance_margin or ZERO
            other_upnl += upnl
    return wallet, other_mm, other_upnl


def _risk(i: Inputs, position: Position, mark: Decimal) -> RiskAssessment:
    policy = i.policy
    market = i.perp.markets[policy.perp_symbol]
    settle = market.settle or market.quote
    futures = i.perp.futures.get(settle)
    spot_free = i.perp.spot.get(settle)
    mode = position.margin_mode or policy.margin_mode
    other_mm = other_upnl = ZERO
    if mode is MarginMode.ISOLATED:
        wallet = _isolated_wallet(position)
    else:
        total = futures.total if futures else ZERO
        wallet, other_mm, other_upnl = _cross_inputs(i.perp, policy.perp_symbol, total)
    view = RiskView(
        hedge=policy.name,
        policy=i.risk_policy,
        market=market,
        position=position,
        mark=mark,
        brackets=i.brackets,
        margin_mode=mode,
        wallet_balance=wallet,
        futures_free=futures.free if futures else ZERO,
        spot_free=spot_free.free if spot_free else ZERO,
        other_maint_margin=other_mm,
        other_unrealized_pnl=other_upnl,
        leverage=policy.leverage,
    )
    return assess(view)


def risk_hold_after(held: bool, risk: RiskAssessment | None, restore: Decimal) -> bool:
    """Whether increases stay blocked after this assessment: set from TOP_UP up, released once
    the position is flat or the distance is back at or above `restore`."""
    if risk is None:
        return held
    if risk.grade >= RiskGrade.TOP_UP:
        return True
    if risk.distance is None or risk.distance >= restore:
        return False
    return held


def decide(i: Inputs) -> Decision:
    """Staleness → risk → plan for one hedge."""
    policy = i.policy
    symbol = policy.perp_symbol
    position = i.perp.position(symbol)
    spot_balance = i.spot.spot.get(policy.spot_asset)
    spot_amount = spot_balance.total if spot_balance else ZERO
    live = _aged_locally(our_orders(i.perp, policy.name, symbol), i.sent_at_ms)
    verdict = _verdict(i, position)
    quote = i.perp.quotes[symbol]
    risk = _risk(i, position, reference_price(quote)) if i.brackets else None
    gate = risk.gate if risk else RiskGate.ALLOW
    if i.risk_hold and gate is RiskGate.ALLOW:
        gate = RiskGate.BLOCK_INCREASE
    reduce = risk.reduce_contracts if risk else ZERO
    if gate is RiskGate.REDUCE and not i.allow_reduce:
        gate, reduce = RiskGate.BLOCK_INCREASE, ZERO
    data_ok = verdict.ok and i.blocked_reason is None
    reason = verdict.reason if not verdict.ok else (i.blocked_reason or "")
    view = HedgeView(
        policy=policy,
        market=i.perp.markets[symbol],
        spot=spot_amount,
        position=position,
        quote=quote,
        now_ms=i.now_ms,
        live_orders=live,
        turnover_today=i.turnover_today,
        risk_gate=gate,
        risk_reduce_contracts=reduce,
        paused=i.paused,
        data_ok=data_ok,
        data_reason=reason,
    )
    if i.blocked_reason is not None and verdict.ok:
        # Waiting for an order's outcome is not bad data: keep live orders, place nothing.
        hedge_plan = HedgePlan(policy.name, None, notes=(i.blocked_reason,))
    else:
        hedge_plan = plan(view)
    return Decision(policy.name, verdict, risk, hedge_plan, position, spot_amount, live)


def _aged_locally(orders: tuple[Order, ...], sent_at: Mapping[str, int]) -> tuple[Order, ...]:
    """Our orders stamped with the local time we sent them, so the planner's reprice age
    (`now_ms` − `timestamp_ms`) compares one clock with itself."""
    return tuple(
        replace(o, timestamp_ms=sent_at[o.client_id])
        if o.client_id is not None and o.client_id in sent_at
        else o
        for o in orders
    )


def snapshot_pair(
    snapshots: Mapping[str, AccountSnapshot], spot_account: str, perp_account: str
) -> tuple[AccountSnapshot, AccountSnapshot] | None:
    if spot_account in snapshots and perp_account in snapshots:
        return snapshots[spot_account], snapshots[perp_account]
    return None
