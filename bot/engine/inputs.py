"""The ONE input builder: this cycle's snapshots + the journal + the hedge's memory → one
`DecisionInputs`. The live cycle and `hedgebot plan` both call it, so a plan decides exactly
as the daemon would (plan reads the journal read-only and cannot journal this cycle's new
fills first, so fills the venue reported but the journal does not hold yet are merged in
here; in the daemon they are already journaled and the merge adds nothing).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import UTC, datetime
from decimal import Decimal

from bot.domain.contracts import notional
from bot.domain.decision import DecisionInputs
from bot.domain.hedge import HedgePolicy
from bot.domain.memory import HedgeLegs, HedgeMemory, Trusted, from_data
from bot.domain.model import AccountSnapshot, Fill, Market, Order
from bot.exchange.client_ids import hedge_of, hedge_tag, is_ours
from bot.exchange.errors import ExchangeError
from bot.store import Journal

from .beta_view import planned_policy
from .brackets import ensure_brackets
from .gather import GatherResult
from .holding_sources import holding_sources
from .roll_inputs import delivers
from .rule_inputs import observe
from .runtime import Runtime

__all__ = [
    "NO_QUOTE",
    "ensure_memories",
    "fill_notional",
    "hedge_inputs",
    "load_memory",
    "our_orders",
]

ZERO = Decimal(0)


# A hedge skipped for this reason had a venue reply it could not read: the cycle is not ok.
NO_QUOTE = "no quote for"


def load_memory(journal: Journal, hedge: str, legs: HedgeLegs) -> HedgeMemory:
    """The memory journaled with the hedge's latest snapshot when its legs are still these;
    a fresh one when the legs changed since; for a journal from before memories were
    journaled, the last trusted position and the newest fill stand in."""
    found = journal.last_memory(hedge)
    memory = from_data(found) if found is not None else None
    if memory is not None:
        return memory if memory.legs == legs else HedgeMemory(legs=legs)
    trusted = journal.last_trusted_position(hedge)
    return HedgeMemory(
        legs=legs,
        trusted=Trusted(*trusted) if trusted is not None else None,
        fill_cursor_ms=journal.last_fill_ts(hedge),
    )


def ensure_memories(rt: Runtime) -> None:
    """Give every configured hedge its memory (from the journal the first time)."""
    for name, legs in rt.legs.items():
        if name not in rt.memory:
            rt.memory[name] = load_memory(rt.journal, name, legs)


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


def fill_notional(market: Market | None, fill: Fill) -> Decimal:
    """A fill's quote value: contracts × contract size × price (linear), contracts ×
    contract size (inverse, whose contracts are USD)."""
    if market is None:
        return fill.amount * fill.price
    return notional(market, fill.amount, fill.price)


def _utc_day_start_ms(now_ms: int) -> int:
    day = datetime.fromtimestamp(now_ms / 1000, UTC).replace(
        hour=0, minute=0, second=0, microsecond=0
    )
    return int(day.timestamp() * 1000)


def _unjournaled(rt: Runtime, legs: HedgeLegs, fresh: Iterable[Fill]) -> tuple[Fill, ...]:
    return tuple(
        f for f in fresh if not rt.journal.has_fill(legs.perp_account, legs.perp_symbol, f.id)
    )


def _history(
    rt: Runtime, name: str, memory: HedgeMemory, market: Market, extra: tuple[Fill, ...], now: int
) -> tuple[tuple[Fill, ...], Decimal, int | None]:
    """(our fills since the baseline, quote turnover today, our newest fill's time)."""
    journal = rt.journal
    since_trusted: tuple[Fill, ...] = ()
    if memory.trusted is not None and not memory.rebaseline:
        at = memory.trusted.at_ms
        # this contract's only: during a roll the hedge also trades the next one
        ours = tuple(f for f in journal.fills_since(name, at) if f.symbol == market.symbol)
        since_trusted = ours + tuple(f for f in extra if f.timestamp_ms >= at)
    day = _utc_day_start_ms(now)
    turnover = journal.turnover_since(name, day) + sum(
        (fill_notional(market, f) for f in extra if f.timestamp_ms >= day), ZERO
    )
    stamps = [t for t in (journal.last_fill_ts(name), *(f.timestamp_ms for f in extra)) if t]
    ordered = tuple(sorted(since_trusted, key=lambda f: f.timestamp_ms))
    return ordered, turnover, max(stamps, default=None)


def _fresh_fills(result: GatherResult, legs: HedgeLegs) -> tuple[Fill, ...]:
    by_symbol: Mapping[str, tuple[Fill, ...]] = result.fills.get(legs.perp_account, {})
    return by_symbol.get(legs.perp_symbol, ())


async def hedge_inputs(
    rt: Runtime,
    policy: HedgePolicy,
    legs: HedgeLegs,
    result: GatherResult,
    now_ms: int,
    blocked: str | None,
) -> DecisionInputs | str:
    """One hedge's `DecisionInputs` from this cycle's `result`, or why it cannot be decided
    (an account unreadable, the market missing). Reads the journal and the venue's margin
    brackets; writes nothing to the journal."""
    snapshots = result.snapshots
    if legs.spot_account not in snapshots or legs.perp_account not in snapshots:
        return "account unreachable this cycle"
    spot, perp = snapshots[legs.spot_account], snapshots[legs.perp_account]
    if policy.perp_symbol not in perp.markets:
        return f"market {policy.perp_symbol} not found"
    if policy.perp_symbol not in perp.quotes:
        return f"{NO_QUOTE} {policy.perp_symbol} this cycle"
    name = policy.name
    sources = holding_sources(rt.settings, name, {a: s.spot for a, s in snapshots.items()})
    if isinstance(sources, str):
        return sources
    rules = rt.settings.hedges[name].rules()
    try:
        observation = await observe(rules, legs, rt.exchanges, perp, now_ms)
    except ExchangeError as exc:
        return f"target rules could not read their prices: {exc}"
    brackets = await ensure_brackets(rt, legs.perp_account, policy.perp_symbol)
    # Read after the last await: the cycle stores the decision's memory without yielding in
    # between, so an operator's resume that arrives meanwhile is never overwritten.
    memory = rt.memory.get(name) or load_memory(rt.journal, name, legs)
    policy, grow_blocked = planned_policy(rt.settings.hedges[name], policy, memory)
    extra = _unjournaled(rt, legs, _fresh_fills(result, legs))
    market = perp.markets[policy.perp_symbol]
    fills, turnover, last_fill = _history(rt, name, memory, market, extra, now_ms)
    settings = rt.settings
    return DecisionInputs(
        policy=policy,
        risk_policy=settings.risk.to_policy(),
        spot=spot,
        perp=perp,
        memory=memory,
        now_ms=now_ms,
        max_age_ms=int(settings.data.max_snapshot_age_s * 1000),
        brackets=brackets.brackets,
        live_orders=our_orders(perp, name, policy.perp_symbol),
        sent_at_ms={r.client_id: r.created_at_ms for r in rt.journal.open_orders_for(name)},
        fills_since_trusted=fills,
        last_fill_ms=last_fill,
        turnover_today=turnover,
        paused=rt.state.pause_reason(name) is not None,
        blocked_reason=blocked,
        allow_reduce=settings.risk.allow_reduce,
        rules=rules,
        observation=observation,
        deliver=delivers(settings.hedges[name]),
        holding_sources=sources,
        grow_blocked=grow_blocked,
    )
