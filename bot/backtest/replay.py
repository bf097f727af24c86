"""The replay loop: candles through the daemon's own decision code, one `Step` per hedge per bar.

Per hedge and bar, in order: the venue's events within the candle (`venue_events`: funding,
our order's fill, liquidation); then, at the candle's close, the same `DecisionInputs` the
engine builds (`account`), `decide` (staleness → risk guard → planner → memory), and the
shell's part of the cycle as the daemon does it (`bot.engine.act`): the risk guard's top-up
from the collateral, the plan's cancels, the orders (a GROW order already funded or sized to
the margin available by the domain's `dispatch`, i.e. `grow_margin.fund_grow`). Nothing
here decides anything `bot.domain` does not.

The target: the effective one (issue 10), `decide`'s `Decision.target` (ratio and reason),
from the hedge's `rules` and a per-bar `Observation` built from the bars (`rule_watch`: the
watched close, rolling highs per ladder lookback, the bars' funding settlements, the short's
gain). The rule memory (tranches armed, a take-profit hit, funding streaks) rides in the
hedge's memory from bar to bar, as the daemon keeps it from cycle to cycle. A hedge whose
rules watch nothing builds no observation (`decide` judges `target_ratio` at the close).
Not modelled: lowering leverage (the risk guard's DELEVER grade is journaled by the daemon,
the backtest keeps the configured leverage), spot schedules (holdings stay constant).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

from bot.backtest.account import (
    BarView,
    HedgeSetup,
    decision_inputs,
    ledger_liquidation,
    snapshot,
)
from bot.backtest.bars import Bar
from bot.backtest.fills import FeeSchedule, liquidated
from bot.backtest.ledger import Ledger, equity, transfer
from bot.backtest.quiet import Quiet, quiet_after, quiet_memory
from bot.backtest.rule_watch import RuleWatch, observation, start_watch, watch_bar
from bot.backtest.series import Frame, Step
from bot.backtest.venue_events import LiveOrder, Tally, venue_events
from bot.domain.decision import Decision, decide
from bot.domain.hedge import ratio_of, short_exposure
from bot.domain.memory import HedgeLegs, HedgeMemory, note_order_outcome
from bot.domain.model import AccountSnapshot, Fill, Order, OrderStatus, Side
from bot.domain.sizing import PlannedOrder
from bot.domain.target_rules import Observation

__all__ = [
    "HedgeRun",
    "advance",
    "advance_all",
    "observe_bar",
    "replay",
    "settled",
    "start_run",
]

ZERO = Decimal(0)
DAY_MS = 86_400_000


@dataclass(frozen=True, slots=True)
class HedgeRun:
    """One hedge's state between bars: the venue's money, our live order, the hedge's
    memory, what the journal would hold (fills since the baseline, newest fill, today's
    turnover), the starting collateral (for the unhedged equity), what the target rules
    watch from the bars (None: nothing) and, after a decision that changed nothing, what
    quiet candles repeat (`quiet`)."""

    ledger: Ledger
    memory: HedgeMemory
    start_collateral: Decimal
    live: LiveOrder | None = None
    fills_since: tuple[Fill, ...] = ()
    last_fill_ms: int | None = None
    day: int = -1
    turnover: Decimal = ZERO
    sent: int = 0
    watch: RuleWatch | None = None
    quiet: Quiet | None = None  # set while the next candles may skip `decide` (`quiet`)


def start_run(setup: HedgeSetup, collateral: Decimal) -> HedgeRun:
    """A hedge with `collateral` (quote) in its futures wallet, flat, with a fresh memory."""
    policy = setup.policy
    legs = HedgeLegs(setup.account, policy.spot_asset, setup.account, policy.perp_symbol)
    watch = start_watch(setup.rules)
    return HedgeRun(Ledger(collateral), HedgeMemory(legs=legs), collateral, watch=watch)


def _with_fills(run: HedgeRun, fills: tuple[Fill, ...], setup: HedgeSetup) -> HedgeRun:
    """The journal's side of this bar's fills: baseline list, newest, today's turnover."""
    if not fills:
        return run
    size = setup.market.contract_size
    day, turnover = run.day, run.turnover
    for fill in fills:
        if fill.timestamp_ms // DAY_MS != day:
            day, turnover = fill.timestamp_ms // DAY_MS, ZERO
        turnover += fill.amount * size * fill.price
    return replace(
        run,
        fills_since=run.fills_since + fills,
        last_fill_ms=fills[-1].timestamp_ms,
        day=day,
        turnover=turnover,
    )


def _view(run: HedgeRun, now_ms: int) -> BarView:
    live = () if run.live is None else (run.live.order,)
    sent = {o.client_id: o.timestamp_ms for o in live if o.client_id and o.timestamp_ms}
    return BarView(
        live_orders=live,
        sent_at_ms=sent,
        fills_since_trusted=run.fills_since,
        last_fill_ms=run.last_fill_ms,
        turnover_today=run.turnover if now_ms // DAY_MS == run.day else ZERO,
    )


def _placed(
    run: HedgeRun, planned: PlannedOrder, hedge: str, now_ms: int, bid: Decimal, ask: Decimal
) -> LiveOrder:
    oid = f"bt-{hedge}-{run.sent + 1}"
    order = Order(
        id=oid,
        client_id=oid,
        symbol=planned.symbol,
        side=planned.side,
        amount=planned.amount,
        filled=ZERO,
        price=planned.price,
        status=OrderStatus.OPEN,
        reduce_only=planned.reduce_only,
        post_only=planned.post_only,
        timestamp_ms=now_ms,
    )
    touch = (ask if planned.side is Side.BUY else bid) if planned.immediate_or_cancel else None
    return LiveOrder(order, touch)


def _act(
    setup: HedgeSetup, run: HedgeRun, d: Decision, now_ms: int, quote: tuple[Decimal, Decimal]
) -> tuple[HedgeRun, Tally]:
    """The shell's side of the cycle (`bot.engine.act`): top-up, cancels, orders. The GROW
    order's spot → futures transfer (`d.funding.transfer`) is always 0 here: the backtest's
    collateral already sits in the futures wallet (see `account`)."""
    ledger, live, memory, sent = run.ledger, run.live, d.memory, run.sent
    top_ups = orders = 0
    if d.verdict.ok and d.risk.top_up is not None:
        ledger, moved = transfer(ledger, d.risk.top_up.add_isolated_margin)
        top_ups = int(moved > 0)
        ledger = ledger if moved > 0 else run.ledger
    if d.plan.cancels:
        live = None
    for planned in d.plan.orders:  # already funded or sized by the domain (`dispatch`)
        live = _placed(replace(run, sent=sent), planned, setup.policy.name, now_ms, *quote)
        sent, orders = sent + 1, orders + 1
        memory = note_order_outcome(memory, rejected=False, now_ms=now_ms)
    fills = () if d.trusted else run.fills_since
    after = replace(run, ledger=ledger, live=live, memory=memory, sent=sent, fills_since=fills)
    return after, Tally(orders=orders, top_ups=top_ups)


def _target(setup: HedgeSetup, d: Decision) -> tuple[Decimal, str]:
    """The effective target the decision planned on and the rule that set it."""
    if d.target is None:  # decide always sets it; the policy's target is the fallback
        return setup.policy.target_ratio, "target_ratio"
    return d.target.ratio, d.target.reason


def observe_bar(
    setup: HedgeSetup, run: HedgeRun, bar: Bar, now_ms: int, account: AccountSnapshot
) -> tuple[HedgeRun, Observation | None]:
    """The bar seen by the hedge's rules; (run, None) when they watch nothing."""
    rules, watch = setup.rules, run.watch
    if rules is None or watch is None:
        return run, None
    watch = watch_bar(rules, watch, bar)
    position = account.position(setup.market.symbol)
    seen = observation(rules, watch, bar, now_ms, position, setup.market)
    return replace(run, watch=watch), seen


def advance(
    setup: HedgeSetup,
    run: HedgeRun,
    bar: Bar,
    interval_ms: int,
    fees: FeeSchedule,
    *,
    skip_quiet: bool = True,
) -> tuple[HedgeRun, Step]:
    """One bar for one hedge: venue events, then the decision at the bar's close. With
    `skip_quiet`, a candle on which `decide` provably changes nothing (`quiet`) repeats the
    last decision instead of running it."""
    if skip_quiet and run.quiet is not None:
        skipped = _quiet_bar(setup, run, run.quiet, bar, interval_ms)
        if skipped is not None:
            return skipped
        run = settled(run, bar.ts_ms)  # the streak ended at the previous close
    now = bar.ts_ms + interval_ms
    market, policy = setup.market, setup.policy
    events = venue_events(
        run.ledger,
        run.live,
        bar,
        market,
        policy.leverage,
        fees,
        setup.brackets,
        bar.ts_ms + interval_ms // 2,
    )
    run = _with_fills(replace(run, ledger=events.ledger, live=events.live), events.fills, setup)
    live = () if run.live is None else (run.live.order,)
    account = snapshot(setup, run.ledger, bar, now, live, events.liquidation)
    run, seen = observe_bar(setup, run, bar, now, account)
    d = decide(decision_inputs(setup, account, run.memory, now, _view(run, now), seen))
    quote = account.quotes[market.symbol]
    before = run.ledger
    run, acted = _act(setup, run, d, now, (quote.bid, quote.ask))
    liq = events.liquidation
    if run.ledger is not before:  # a top-up moved the liquidation price
        liq = ledger_liquidation(run.ledger, market, setup.brackets)
    step = _step(setup, run, bar, d, events.tally, acted, liq)
    quiet = None
    if skip_quiet and run.live is None:
        quiet = quiet_after(setup, d, run.ledger, liq, step)
    return replace(run, quiet=quiet), step


def _quiet_bar(
    setup: HedgeSetup, run: HedgeRun, quiet: Quiet, bar: Bar, interval_ms: int
) -> tuple[HedgeRun, Step] | None:
    """The bar as `decide` would leave it, when it is quiet (see `quiet`); else None."""
    ledger, market = run.ledger, setup.market
    if run.live is not None or quiet.ledger is not ledger:
        return None
    if bar.funding_rate is not None and ledger.contracts != 0:
        return None  # funding settles: the wallet, hence the liquidation price, moves
    liq, mark = quiet.liquidation, bar.mark.close
    if liquidated(ledger.contracts, liq, bar) or bar.perp.close < market.price_tick:
        return None
    if not quiet.is_calm(setup, mark):
        return None
    last = quiet.step
    spot_value = setup.holding * bar.spot.close
    contracts, entry = ledger.contracts, ledger.entry_price
    upnl = (
        ZERO
        if contracts == 0 or entry is None
        else contracts * market.contract_size * (mark - entry)
    )
    step = Step(
        last.hedge,
        bar,
        last.holding,
        last.position,
        last.ratio,
        last.target,
        last.band,
        None if liq is None else (liq - mark) / mark,
        spot_value + (ledger.collateral + ledger.wallet + upnl),  # `ledger.equity`, inlined
        spot_value + run.start_collateral,
        reason=last.reason,
    )
    return run, step  # the memory is re-stamped once, when the streak ends (`settled`)


def settled(run: HedgeRun, close_ms: int) -> HedgeRun:
    """`run` as the daemon would hold it after a decision at `close_ms`: during a streak of
    quiet candles the loop leaves the run untouched, and only the trust baseline in its
    memory differs from what `decide` leaves (re-stamped at each close)."""
    if run.quiet is None:
        return run
    memory = quiet_memory(run.quiet, run.ledger.contracts, close_ms)
    return run if memory is run.memory else replace(run, memory=memory)


def _step(
    setup: HedgeSetup,
    run: HedgeRun,
    bar: Bar,
    d: Decision,
    venue: Tally,
    acted: Tally,
    liq: Decimal | None,
) -> Step:
    """The bar's Step; `liq` is the liquidation price of the ledger after the decision."""
    market, policy, ledger = setup.market, setup.policy, run.ledger
    mark = bar.mark.close
    position = ledger.contracts * market.contract_size
    spot_value = setup.holding * bar.spot.close
    target, reason = _target(setup, d)
    short = short_exposure(market, ledger.contracts, mark)
    return Step(
        hedge=policy.name,
        bar=bar,
        holding=setup.holding,
        position=position,
        ratio=ratio_of(short, policy.spot_exposure(d.exposure_units)),
        target=target,
        band=policy.band,
        liquidation_distance=None if liq is None else (liq - mark) / mark,
        equity_hedged=spot_value + equity(ledger, mark, market),
        equity_unhedged=spot_value + run.start_collateral,
        funding=venue.funding,
        fees=venue.fees,
        orders=acted.orders,
        fills=venue.fills,
        top_ups=acted.top_ups,
        liquidations=venue.liquidations,
        reason=reason,
    )


def advance_all(
    setups: Sequence[HedgeSetup],
    runs: Sequence[HedgeRun],
    bars: Sequence[Bar],
    interval_ms: int,
    fees: FeeSchedule,
    *,
    skip_quiet: bool = True,
) -> tuple[list[HedgeRun], list[Step]]:
    """One lockstep frame for every hedge (`advance`, in `setups` order): the new states
    and the frame of Steps."""
    states: list[HedgeRun] = []
    frame: list[Step] = []
    for setup, run, bar in zip(setups, runs, bars, strict=True):
        run, step = advance(setup, run, bar, interval_ms, fees, skip_quiet=skip_quiet)
        states.append(run)
        frame.append(step)
    return states, frame


def replay(
    setups: Sequence[HedgeSetup],
    runs: Sequence[HedgeRun],
    frames: Iterable[tuple[Bar, ...]],
    interval_ms: int,
    fees: FeeSchedule,
    *,
    skip_quiet: bool = True,
) -> Iterable[Frame]:
    """Each lockstep frame of bars (one per hedge, in `setups` order) → one frame of Steps
    (`skip_quiet`: see `advance`)."""
    state: Sequence[HedgeRun] = runs
    for bars in frames:
        state, frame = advance_all(setups, state, bars, interval_ms, fees, skip_quiet=skip_quiet)
        yield frame
