"""The hedge planner: one hedge's snapshot in, the cancels and orders for this cycle out.

`plan(view)` is pure. Rules it guarantees (pinned by property tests):
- it acts only when |ratio − target| > band, except when the perp is net long, the short is
  above `max_ratio` (or there is no spot at all) or the risk guard demands a reduction;
- at most ONE live order per hedge. A live order that is still right (same side and flags,
  within `reprice_ticks` of the touch, younger than `reprice_after_ms`, between half and all
  of the wanted size) is kept. Otherwise the cycle is CANCEL-ONLY: the replacement is planned
  next cycle, once the snapshot no longer shows the cancelled order. So a cancelled order that
  fills in the meantime is simply seen in the next position, and no two orders ever coexist;
- every order (new or kept) is sized so that its full fill keeps the ratio ≤ max_ratio and
  the perp not net long; shrinking is reduce-only; dust below the venue's minimums is
  reported in `notes`, not traded;
- paused hedges and untrusted data cancel our live orders and place nothing.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.domain.hedge import HedgePolicy, HedgeState, measure
from bot.domain.model import Market, Order, Position, Quote, Side
from bot.domain.numbers import plain
from bot.domain.risk_policy import RiskGate
from bot.domain.sizing import PlannedOrder, Purpose, Want, wanted_order
from bot.domain.staleness import check_quote

__all__ = [
    "Cancel",
    "HedgePlan",
    "HedgeView",
    "PlannedOrder",
    "Purpose",
    "keep_problem",
    "plan",
    "reference_price",
]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class HedgeView:
    """Everything one hedge's decision depends on (all values, no I/O).

    `spot` is the holding in the instrument's base units (`instrument.hedge_exposure`: the
    spot wallet's `policy.spot_asset`, plus counted COIN-M margin, over any multiplier);
    `position` the perp position (signed contracts); `quote` the perp's top of book and mark;
    `live_orders` OUR live orders for this hedge (the shell filters by client id prefix);
    `now_ms` the cycle's clock reading; `turnover_today` quote traded today on this hedge;
    `risk_gate` / `risk_reduce_contracts` come from `risk.assess`; `paused` is the operator's
    switch, `data_ok` / `data_reason` the staleness verdict.
    """

    policy: HedgePolicy
    market: Market
    spot: Decimal
    position: Position
    quote: Quote
    now_ms: int
    live_orders: tuple[Order, ...] = ()
    turnover_today: Decimal = ZERO
    risk_gate: RiskGate = RiskGate.ALLOW
    risk_reduce_contracts: Decimal = ZERO
    paused: bool = False
    data_ok: bool = True
    data_reason: str = ""


@dataclass(frozen=True, slots=True)
class Cancel:
    """Cancel our order `order_id` on `symbol`, for `reason`."""

    order_id: str
    symbol: str
    reason: str


@dataclass(frozen=True, slots=True)
class HedgePlan:
    """What to do for one hedge this cycle. Apply cancels first; `orders` is empty whenever
    `cancels` is not (cancel-only cycles). `kept` lists live order ids left working."""

    hedge: str
    state: HedgeState | None
    cancels: tuple[Cancel, ...] = ()
    orders: tuple[PlannedOrder, ...] = ()
    kept: tuple[str, ...] = ()
    notes: tuple[str, ...] = ()

    @property
    def is_noop(self) -> bool:
        return not self.cancels and not self.orders


def reference_price(quote: Quote) -> Decimal:
    """The price exposures are measured at: the mark, else the mid."""
    return quote.mark if quote.mark is not None and quote.mark > 0 else quote.mid


def plan(view: HedgeView) -> HedgePlan:
    """Decide this cycle's cancels and orders for one hedge (see the module docstring)."""
    name = view.policy.name
    _check_symbols(view)
    live = tuple(o for o in view.live_orders if o.status.is_live and o.remaining > 0)
    if view.paused or not view.data_ok:
        why = "paused by operator" if view.paused else f"data not trusted: {view.data_reason}"
        return HedgePlan(name, None, cancels=_cancel_all(live, why), notes=(why,))
    quote_verdict = check_quote(view.quote)
    if not quote_verdict.ok:
        return HedgePlan(name, None, notes=(f"no trading: {quote_verdict.reason}",))
    if len(live) > 1:
        why = f"{len(live)} live orders for one hedge; cancelling all before placing any"
        return HedgePlan(name, None, cancels=_cancel_all(live, why), notes=(why,))
    state = measure(
        view.policy,
        view.market,
        view.spot,
        view.position.contracts,
        reference_price(view.quote),
    )
    want = wanted_order(
        view.policy,
        view.market,
        state,
        view.quote,
        act=bool(live) or _outside_band(view.policy, state),
        gate=view.risk_gate,
        risk_reduce_contracts=view.risk_reduce_contracts,
        turnover_today=view.turnover_today,
    )
    if not live:
        orders = () if want.order is None else (want.order,)
        return HedgePlan(name, state, orders=orders, notes=(want.note,))
    return _handle_live(view, state, live[0], want)


def _handle_live(view: HedgeView, state: HedgeState, order: Order, want: Want) -> HedgePlan:
    name = view.policy.name
    problem = keep_problem(view, order, want.order)
    if problem is None:
        return HedgePlan(name, state, kept=(order.id,), notes=(f"keeping {order.id}",))
    why = problem if want.order is not None else f"{problem}: {want.note}"
    cancel = Cancel(order.id, order.symbol, why)
    return HedgePlan(name, state, cancels=(cancel,), notes=(f"cancel {order.id}: {why}",))


def keep_problem(view: HedgeView, order: Order, wanted: PlannedOrder | None) -> str | None:
    """Why the live `order` should not be kept given the `wanted` order, or None to keep it.

    A kept order never exceeds the wanted size, so its fill is as safe as the wanted one.
    """
    if wanted is None:
        return "no order wanted now"
    if order.side is not wanted.side or order.reduce_only != wanted.reduce_only:
        return f"wanted {wanted.side.value} (reduce_only={wanted.reduce_only}) instead"
    if order.post_only != wanted.post_only or wanted.immediate_or_cancel:
        return "execution style changed"
    if order.remaining > wanted.amount:
        return f"remaining {order.remaining} is above the {wanted.amount} now allowed"
    if order.remaining * 2 < wanted.amount:
        return f"remaining {order.remaining} is under half of the {wanted.amount} wanted"
    age = None if order.timestamp_ms is None else view.now_ms - order.timestamp_ms
    if age is not None and age > view.policy.reprice_after_ms:
        return f"order is {age} ms old (max {view.policy.reprice_after_ms})"
    return _touch_problem(view, order)


def _touch_problem(view: HedgeView, order: Order) -> str | None:
    """Whether the touch has moved more than `reprice_ticks` away from our resting price."""
    if order.price is None:
        return "order has no price"
    quote, tick = view.quote, view.market.price_tick
    if order.side is Side.SELL:
        crossed, away = order.price <= quote.bid, order.price - quote.ask
    else:
        crossed, away = order.price >= quote.ask, quote.bid - order.price
    if crossed:
        return f"price {order.price} is on the wrong side of the touch"
    ticks = away / tick
    if ticks > view.policy.reprice_ticks:
        return f"touch moved {plain(ticks)} ticks away (max {view.policy.reprice_ticks})"
    return None


def _outside_band(policy: HedgePolicy, state: HedgeState) -> bool:
    if state.ratio is None:
        return state.short != 0
    return abs(state.ratio - policy.target_ratio) > policy.band


def _cancel_all(live: tuple[Order, ...], why: str) -> tuple[Cancel, ...]:
    return tuple(Cancel(o.id, o.symbol, why) for o in live)


def _check_symbols(view: HedgeView) -> None:
    expected = view.policy.perp_symbol
    symbols = {view.market.symbol, view.position.symbol, view.quote.symbol}
    symbols.update(o.symbol for o in view.live_orders)
    if symbols != {expected}:
        raise ValueError(
            f"hedges.{view.policy.name}: view mixes symbols {sorted(symbols)}; "
            f"expected only {expected}"
        )
