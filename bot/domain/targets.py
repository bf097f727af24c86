"""The effective target: `effective_target(rules, memory, obs) -> Target`. Pure.

Each cycle the rule state moves first (`advance`: a take-profit hit or re-armed, tranches
armed by price, funding settlements counted), then the first rule that speaks sets the
target, in this precedence (the risk guard and the operator's pause come before it, as the
planner's gate and pause):

    take_profit > windows > tranches and ladder (the larger) > target_ratio

A funding streak caps what the tranches, the ladder and the base ask for at its
`then_ratio` (it never lifts a target, and windows and the take-profit are not capped: event
protection wins over the cost of carry). The result is clamped to [0, max_ratio].

A take-profit hit disarms every tranche: once the price is back above `rearm_above` the
scale-in starts again from the first tranche.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import UTC, datetime
from decimal import Decimal

from bot.domain.numbers import plain
from bot.domain.rule_memory import RuleMemory
from bot.domain.target_rules import Observation, Rules, TakeProfit, Tranche

__all__ = ["Target", "advance", "arm_manual", "effective_target", "price_text"]

ZERO = Decimal(0)


@dataclass(frozen=True, slots=True)
class Target:
    """The target ratio (a fraction, within [0, max_ratio]), the sentence saying why, and the
    rule memory the next cycle starts from."""

    ratio: Decimal
    reason: str
    memory: RuleMemory


def price_text(value: Decimal) -> str:
    """A price for people: thousands separated, no trailing zeros (58000 → '58,000')."""
    if not value.is_finite():
        return str(value)
    text = f"{value:,f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def effective_target(rules: Rules, memory: RuleMemory, obs: Observation) -> Target:
    """This cycle's target for one hedge (see the module docstring)."""
    after = advance(rules, memory, obs)
    ratio, reason = _speaker(rules, after, obs)
    if ratio > rules.max_ratio:
        ratio, reason = rules.max_ratio, f"{reason} (capped at max_ratio {plain(rules.max_ratio)})"
    return Target(max(ratio, ZERO), reason, after)


def advance(rules: Rules, memory: RuleMemory, obs: Observation) -> RuleMemory:
    """The rule memory after this cycle's observation (take-profit, tranches, funding)."""
    after = _take_profit_step(rules.take_profit, memory, obs)
    if after.take_profit_at is None and obs.price is not None:
        after = _arm_by_price(rules.tranches, after, obs.price)
    return _funding_step(rules, after, obs)


def arm_manual(rules: Rules, memory: RuleMemory, number: int | None = None) -> RuleMemory:
    """Arm manual tranche `number` (1-based, as `tranche N of M` counts), or the first manual
    tranche not yet armed when None. Raises ValueError saying why none can be armed."""
    manual = [i for i, t in enumerate(rules.tranches) if t.manual]
    if not manual:
        raise ValueError("has no manual tranche (add one with manual: true under tranches)")
    if number is None:
        free = [i for i in manual if i not in memory.armed]
        if not free:
            raise ValueError("every manual tranche is already armed")
        return replace(memory, armed=(*memory.armed, free[0]))
    index = number - 1
    if index not in manual:
        listed = ", ".join(str(i + 1) for i in manual)
        raise ValueError(f"tranche {number} is not a manual tranche (manual: {listed})")
    if index in memory.armed:
        raise ValueError(f"tranche {number} is already armed")
    return replace(memory, armed=(*memory.armed, index))


# --- memory steps ---------------------------------------------------------------------------


def _take_profit_step(tp: TakeProfit | None, memory: RuleMemory, obs: Observation) -> RuleMemory:
    if tp is None:  # the rule was removed: nothing waits for a re-arm any more
        return memory if memory.take_profit_at is None else replace(memory, take_profit_at=None)
    if obs.price is None:
        return memory
    if memory.take_profit_at is not None:
        rearmed = obs.price > tp.rearm_above
        return replace(memory, take_profit_at=None) if rearmed else memory
    if _take_profit_hit(tp, obs):
        return replace(memory, take_profit_at=obs.price, armed=())
    return memory


def _take_profit_hit(tp: TakeProfit, obs: Observation) -> bool:
    by_price = tp.price_below is not None and obs.price is not None and obs.price <= tp.price_below
    gain = obs.short_gain_pct
    by_gain = tp.pnl_pct is not None and gain is not None and gain >= tp.pnl_pct
    return by_price or by_gain


def _arm_by_price(tranches: tuple[Tranche, ...], memory: RuleMemory, price: Decimal) -> RuleMemory:
    new = tuple(
        i
        for i, t in enumerate(tranches)
        if t.price_below is not None and price < t.price_below and i not in memory.armed
    )
    return replace(memory, armed=(*memory.armed, *new)) if new else memory


def _funding_step(rules: Rules, memory: RuleMemory, obs: Observation) -> RuleMemory:
    rule = rules.funding
    if rule is None:
        return memory
    streak, seen = memory.funding_streak, memory.funding_seen_ms
    for at_ms, rate in obs.settlements:
        if seen is not None and at_ms <= seen:
            continue
        streak = streak + 1 if rate < rule.below else 0
        seen = at_ms
    if (streak, seen) == (memory.funding_streak, memory.funding_seen_ms):
        return memory
    return replace(memory, funding_streak=streak, funding_seen_ms=seen)


# --- who speaks -----------------------------------------------------------------------------


def _speaker(rules: Rules, memory: RuleMemory, obs: Observation) -> tuple[Decimal, str]:
    tp = rules.take_profit
    if tp is not None and memory.take_profit_at is not None:
        after = "hedge off" if tp.then_ratio == 0 else f"hedge at {plain(tp.then_ratio)}"
        return tp.then_ratio, (
            f"take-profit hit at {price_text(memory.take_profit_at)}: "
            f"{after} until above {price_text(tp.rearm_above)}"
        )
    for window in rules.windows:
        if window.start_ms <= obs.now_ms < window.end_ms:
            return window.ratio, f"window {window.name} until {_utc(window.end_ms)}"
    return _funding_cap(rules, memory, _scaled(rules, memory, obs))


def _scaled(rules: Rules, memory: RuleMemory, obs: Observation) -> tuple[Decimal, str]:
    """Tranches and ladder, the larger of the two; the base when neither speaks."""
    spoken = [s for s in (_tranches(rules, memory), _ladder(rules, obs)) if s is not None]
    if not spoken:
        return rules.base_ratio, f"target_ratio {plain(rules.base_ratio)}"
    return max(spoken, key=lambda s: s[0])


def _tranches(rules: Rules, memory: RuleMemory) -> tuple[Decimal, str] | None:
    armed = [i for i in memory.armed if i < len(rules.tranches)]
    if not armed:
        return None
    total = sum((rules.tranches[i].ratio for i in armed), ZERO)
    last = rules.tranches[armed[-1]]
    how = "by operator" if last.price_below is None else f"at {price_text(last.price_below)}"
    return total, f"tranche {armed[-1] + 1} of {len(rules.tranches)} armed {how}"


def _ladder(rules: Rules, obs: Observation) -> tuple[Decimal, str] | None:
    best: tuple[Decimal, str] | None = None
    for step in rules.ladder:
        high = obs.highs.get(step.lookback_days)
        if high is None or obs.price is None or high <= 0:
            continue
        drawdown = 1 - obs.price / high
        if drawdown >= step.drawdown and (best is None or step.ratio > best[0]):
            pct = plain(round(drawdown * 100, 1))
            best = (
                step.ratio,
                (f"ladder: {pct} % below the {step.lookback_days}-day high {price_text(high)}"),
            )
    return best


def _funding_cap(
    rules: Rules, memory: RuleMemory, spoken: tuple[Decimal, str]
) -> tuple[Decimal, str]:
    rule = rules.funding
    if rule is None or memory.funding_streak < rule.for_settlements or spoken[0] <= rule.then_ratio:
        return spoken
    return rule.then_ratio, (
        f"funding below {plain(rule.below)} for {memory.funding_streak} settlements: "
        f"{plain(rule.then_ratio)} instead of {spoken[1]}"
    )


def _utc(ms: int) -> str:
    """2026-12-11T06:00Z (minutes; seconds shown only when not zero)."""
    moment = datetime.fromtimestamp(ms / 1000, UTC)
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ" if moment.second else "%Y-%m-%dT%H:%MZ")
