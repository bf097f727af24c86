"""The one order a hedge wants right now, sized so that its full fill keeps every invariant.

Invariants of a wanted order (checked by the planner's property tests):
- a SELL that grows the short never lets the short exceed `max_ratio` × spot × beta;
- a BUY is always reduce-only and never larger than the short (the perp never turns long);
- closing a net-long perp is a reduce-only SELL of at most the long;
- the amount is rounded down to the step (reductions forced by `max_ratio` round up, capped
  by the position), at most `max_order_notional` and the venue's `max_amount` (the rest is
  sliced to later cycles), and clears the venue's min amount and, unless it is reduce-only,
  its min notional (Binance exempts reduce-only orders), else it is dust;
- post-only prices sit at the touch on our side (sell at the ask, buy at the bid).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal
from enum import StrEnum

from bot.domain.contracts import (
    contracts_for_base,
    contracts_for_notional,
    notional,
    order_size_problem,
    plain,
    round_amount_down,
    round_amount_up,
    round_price_aggressive,
    round_price_passive,
)
from bot.domain.hedge import HedgePolicy, HedgeState
from bot.domain.model import Market, Quote, Side
from bot.domain.risk_policy import RiskGate

__all__ = ["PlannedOrder", "Purpose", "Want", "resized", "wanted_order"]

ZERO = Decimal(0)


class Purpose(StrEnum):
    """Why an order exists; part of its intent string."""

    GROW = "grow"  # sell: add to the short toward the target
    SHRINK = "shrink"  # buy back, reduce-only: toward the target or under max_ratio
    CLOSE_LONG = "close-long"  # sell, reduce-only: the perp is net long
    RISK_REDUCE = "risk-reduce"  # buy back, reduce-only: the risk guard demands it


@dataclass(frozen=True, slots=True)
class PlannedOrder:
    """A limit order the shell should place. `amount` is unsigned contracts on the step,
    `price` is on the tick. `intent` = "<hedge>:<purpose>:<position before>><position after>"
    (signed contracts) is deterministic for one state, so the shell can derive an idempotent
    client order id from it (add an attempt counter when re-placing the same intent)."""

    symbol: str
    side: Side
    amount: Decimal
    price: Decimal
    post_only: bool
    reduce_only: bool
    immediate_or_cancel: bool
    purpose: Purpose
    intent: str


@dataclass(frozen=True, slots=True)
class Want:
    """The outcome of sizing: an order, or why there is none (`note`)."""

    order: PlannedOrder | None
    note: str


@dataclass(frozen=True, slots=True)
class _Ctx:
    """What one sizing decision reads."""

    policy: HedgePolicy
    market: Market
    state: HedgeState
    quote: Quote
    turnover_left: Decimal | None  # quote; None = unlimited
    emergency: bool


def resized(order: PlannedOrder, amount: Decimal) -> PlannedOrder:
    """`order` for `amount` contracts (unsigned, on the step) instead, its intent's
    "position after" moved to match, so the shell derives a new client order id."""
    head, move = order.intent.rsplit(":", 1)
    before = Decimal(move.split(">", 1)[0])
    after = before + amount if order.side is Side.BUY else before - amount
    return replace(order, amount=amount, intent=f"{head}:{plain(before)}>{plain(after)}")


def wanted_order(
    policy: HedgePolicy,
    market: Market,
    state: HedgeState,
    quote: Quote,
    *,
    act: bool,
    gate: RiskGate,
    risk_reduce_contracts: Decimal,
    turnover_today: Decimal,
) -> Want:
    """The order this hedge wants now, or a note saying why none.

    `act` says the band was crossed (or an order is already working toward the target);
    forced cases (net long, above max_ratio, spot gone, risk reduction) act regardless.
    `risk_reduce_contracts` (unsigned) is how much the risk guard wants bought back when
    `gate` is REDUCE. `turnover_today` is quote already traded today on this hedge.
    """
    left = None if policy.max_daily_turnover is None else policy.max_daily_turnover - turnover_today
    ctx = _Ctx(policy, market, state, quote, left, _is_emergency(policy, state))
    if state.net_long:
        amount = round_amount_down(market, state.contracts)
        return _finish(ctx, Side.SELL, amount, Purpose.CLOSE_LONG)
    if gate is RiskGate.REDUCE and state.contracts < 0 and risk_reduce_contracts > 0:
        wanted = max(round_amount_up(market, risk_reduce_contracts), _shrink_amount(market, state))
        return _finish(ctx, Side.BUY, min(wanted, -state.contracts), Purpose.RISK_REDUCE)
    if state.over_max:
        return _finish(ctx, Side.BUY, _shrink_amount(market, state), Purpose.SHRINK)
    if not act:
        return Want(None, "within band")
    if state.gap > 0:
        if gate is not RiskGate.ALLOW:
            return Want(None, f"blocked by risk ({gate.value}): not adding to the short")
        return _finish(ctx, Side.SELL, _grow_amount(market, state), Purpose.GROW)
    return _finish(ctx, Side.BUY, _shrink_amount(market, state), Purpose.SHRINK)


def _is_emergency(policy: HedgePolicy, state: HedgeState) -> bool:
    if policy.emergency_band is None:
        return False
    if state.ratio is None:  # no spot left: any short is naked
        return state.short > 0
    return abs(state.ratio - policy.target_ratio) > policy.emergency_band


def _grow_amount(market: Market, state: HedgeState) -> Decimal:
    """Contracts to sell: the gap, but never past max_short (rounded down)."""
    room = max(state.max_short - state.short, ZERO)
    base = min(state.gap, room)
    return round_amount_down(market, contracts_for_base(market, base, state.price))


def _shrink_amount(market: Market, state: HedgeState) -> Decimal:
    """Contracts to buy back: down to the target (rounded down), but at least enough to get
    under max_short (rounded up), never more than the short itself."""
    held = -state.contracts
    if held <= 0:
        return ZERO
    to_target = round_amount_down(
        market, contracts_for_base(market, max(state.short - state.target_short, ZERO), state.price)
    )
    excess = state.short - state.max_short
    to_max = (
        round_amount_up(market, contracts_for_base(market, excess, state.price))
        if excess > 0
        else ZERO
    )
    return min(max(to_target, to_max), held)


def _finish(ctx: _Ctx, side: Side, amount: Decimal, purpose: Purpose) -> Want:
    """Apply price, slicing and turnover to `amount` and check the venue's minimums."""
    policy, market, state = ctx.policy, ctx.market, ctx.state
    # Safety trades (close-long, risk-reduce, back under max_ratio) ignore the turnover cap.
    safety = purpose is not Purpose.GROW and (purpose is not Purpose.SHRINK or state.over_max)
    aggressive = purpose is Purpose.RISK_REDUCE or ctx.emergency
    price = _price(market, ctx.quote, side, aggressive=aggressive)
    amount, capped_by = _slice(policy, market, amount, price)
    if ctx.turnover_left is not None and not safety:
        amount, capped = _cap_turnover(market, amount, price, ctx.turnover_left)
        capped_by = capped or capped_by
    problem = order_size_problem(market, amount, price, reduce_only=purpose is not Purpose.GROW)
    if problem:
        label = "dust" if capped_by is None else capped_by
        return Want(None, f"{label}: {purpose.value} {side.value} not placed, {problem}")
    after = state.contracts + (amount if side is Side.BUY else -amount)
    order = PlannedOrder(
        symbol=market.symbol,
        side=side,
        amount=amount,
        price=price,
        post_only=policy.post_only and not aggressive,
        reduce_only=purpose is not Purpose.GROW,
        immediate_or_cancel=aggressive,
        purpose=purpose,
        intent=f"{policy.name}:{purpose.value}:{plain(state.contracts)}>{plain(after)}",
    )
    note = f"{purpose.value}: {side.value} {plain(amount)} @ {plain(price)}"
    return Want(order, note + (f" ({capped_by})" if capped_by else ""))


def _price(market: Market, quote: Quote, side: Side, *, aggressive: bool) -> Decimal:
    """At the touch on our side (passive), or at the far touch for an IOC (aggressive)."""
    if aggressive:
        touch = quote.ask if side is Side.BUY else quote.bid
        return round_price_aggressive(market, touch, side)
    touch = quote.bid if side is Side.BUY else quote.ask
    return round_price_passive(market, touch, side)


def _slice(
    policy: HedgePolicy, market: Market, amount: Decimal, price: Decimal
) -> tuple[Decimal, str | None]:
    """At most `max_order_notional` and the venue's `max_amount` per order (the smaller
    binds); the rest waits for the next slice. Applies to forced reductions too: an order
    above `max_amount` would only be refused."""
    limits: list[tuple[Decimal, str]] = []
    if policy.max_order_notional is not None:
        most = contracts_for_notional(market, policy.max_order_notional, price)
        limits.append((most, f"max_order_notional {policy.max_order_notional}"))
    if market.max_amount is not None:
        limits.append((market.max_amount, f"the venue's max_amount {market.max_amount}"))
    if not limits:
        return amount, None
    most, name = min(limits, key=lambda limit: limit[0])
    most = round_amount_down(market, most)
    if amount <= most:
        return amount, None
    return most, f"sliced by {name}"


def _cap_turnover(
    market: Market, amount: Decimal, price: Decimal, left: Decimal
) -> tuple[Decimal, str | None]:
    """At most the quote turnover left for today."""
    left = max(left, ZERO)
    if notional(market, amount, price) <= left:
        return amount, None
    capped = round_amount_down(market, contracts_for_notional(market, left, price))
    return capped, f"capped by max_daily_turnover ({plain(left)} left)"
