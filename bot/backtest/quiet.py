"""Quiet bars: candles on which the daemon's `decide` provably plans nothing new.

After a full decision that placed nothing, cancelled nothing, topped up nothing and found the
hedge within its band, with no order live, the next candle's decision depends on that candle
only through the price. For a linear perpetual hedging the same asset with a constant target
(no rule watches the bars), the planner measures the hedge in base units (price-free), so it
again finds it within band and plans nothing — unless the risk guard's grade moves up to
TOP_UP or beyond (it would top up, block, cut, or set the hold). So while:

- the ledger is the very one the last decision saw (no funding settled, no fill, no top-up,
  no liquidation in the candle), and no order is live;
- at this candle's mark the liquidation distance stays at or above `top_up_distance` and the
  margin ratio below `critical_margin_ratio` (both with a small `MARGIN`, so a rounding
  difference between our liquidation price and the one the guard recomputes never matters),
  and while the risk hold is on (`bot.domain.hold`) the distance stays under
  `restore_distance` (else the hold would be released: a new memory);

the decision is the last one with the trust baseline re-stamped at this candle's close, and
the loop skips `decide` (and the snapshot it would build). Everything else goes through the
full path. `tests/backtest/test_quiet.py` replays the same candles both ways and compares
every hedge's state and Step on every bar.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from decimal import Decimal

from bot.backtest.account import HedgeSetup
from bot.backtest.ledger import Ledger
from bot.backtest.series import Step
from bot.domain.decision import Decision
from bot.domain.liquidation import maintenance_margin
from bot.domain.memory import HedgeMemory, Trusted
from bot.domain.model import MarketKind
from bot.domain.risk_policy import RiskGrade
from bot.domain.target_rules import Rules

__all__ = ["MARGIN", "Quiet", "calm", "held", "quiet_after", "quiet_memory", "quiet_setup"]

MARGIN = Decimal("0.000001")  # fraction of the mark kept clear of the risk thresholds
_HAIR = Decimal("0.999999999")  # the ceiling sits this much under the distance limit


@dataclass(frozen=True, slots=True)
class Quiet:
    """What a quiet candle repeats from the last full decision: the ledger it saw (compared
    by identity), that ledger's liquidation price, the memory, and its Step (holding,
    position, ratio, target, reason stay; prices and equities are the candle's).
    `ceiling`: a mark known `calm`, so every mark at or below it is calm too (None: check
    each mark)."""

    ledger: Ledger
    liquidation: Decimal | None
    memory: HedgeMemory
    step: Step
    ceiling: Decimal | None = None

    def is_calm(self, setup: HedgeSetup, mark: Decimal) -> bool:
        """`calm(setup, self, mark)`, answered by one comparison below the ceiling, and
        while the risk hold is on, the hold stays on (`held`)."""
        if self.memory.risk_hold and not held(setup, self, mark):
            return False
        ceiling = self.ceiling
        if ceiling is not None and mark <= ceiling:
            return True
        return calm(setup, self, mark)


def _static(rules: Rules | None) -> bool:
    """No rule watches the bars or the clock: the target is the same every candle."""
    if rules is None:
        return True
    return not (
        rules.windows or rules.tranches or rules.take_profit or rules.funding or rules.ladder
    )


def quiet_setup(setup: HedgeSetup) -> bool:
    """Whether quiet candles can be skipped for this hedge at all: a linear perp on the held
    asset itself (a proxy's exposure moves with both prices), real brackets, static rules."""
    market = setup.market
    return (
        market.kind is MarketKind.LINEAR
        and market.base == setup.policy.spot_asset
        and bool(setup.brackets)
        and _static(setup.rules)
    )


def quiet_after(
    setup: HedgeSetup, d: Decision, ledger: Ledger, liquidation: Decimal | None, step: Step
) -> Quiet | None:
    """A `Quiet` when the decision `d` (already acted on, leaving `ledger`, `step` and no
    live order: the caller checks) changed nothing and left the hedge within its band, so
    the next candles may be skipped while `calm`; else None."""
    if not (quiet_setup(setup) and _changed_nothing(d) and _within_band(setup, d)):
        return None
    quiet = Quiet(ledger, liquidation, d.memory, step)
    return replace(quiet, ceiling=_ceiling(setup, quiet))


def _ceiling(setup: HedgeSetup, quiet: Quiet) -> Decimal | None:
    """The highest mark the distance rule allows (a hair below), if it is `calm`. For a
    short, `calm` only gets harder as the mark rises: the distance shrinks, the margin
    balance falls and the maintenance margin grows. So a calm mark is a ceiling."""
    ledger, liq = quiet.ledger, quiet.liquidation
    if ledger.contracts == 0:
        return Decimal("Infinity")
    if liq is None or ledger.contracts > 0:
        return None
    limit = liq / (1 + setup.risk_policy.top_up_distance + MARGIN) * _HAIR
    return limit if calm(setup, quiet, limit) else None


def _changed_nothing(d: Decision) -> bool:
    """Trusted data, no order, no cancel, no top-up, a grade below TOP_UP (the risk hold
    may be on: quiet candles then keep it, see `held`)."""
    memory = d.memory
    return (
        d.verdict.ok
        and d.trusted
        and d.plan.is_noop
        and d.risk.grade < RiskGrade.TOP_UP
        and d.risk.top_up is None
        and not memory.rebaseline
    )


def _within_band(setup: HedgeSetup, d: Decision) -> bool:
    """The planner's own measure: not net long, not above max_ratio, |ratio − target| ≤
    band (no holding: no short either)."""
    state, target = d.plan.state, d.target
    if state is None or target is None or state.net_long or state.over_max:
        return False
    if state.ratio is None:
        return state.short == 0
    return abs(state.ratio - target.ratio) <= setup.policy.band


def calm(setup: HedgeSetup, quiet: Quiet, mark: Decimal) -> bool:
    """At `mark` (positive) the risk guard stays below TOP_UP with a `MARGIN` to spare (a
    short, or flat); False also for a long (the planner closes it)."""
    ledger, liq = quiet.ledger, quiet.liquidation
    if ledger.contracts == 0:
        return True
    if ledger.contracts > 0 or ledger.entry_price is None:
        return False
    base = ledger.contracts * setup.market.contract_size
    risk = setup.risk_policy
    if liq is not None and (liq - mark) / mark < risk.top_up_distance + MARGIN:
        return False
    balance = ledger.wallet + base * (mark - ledger.entry_price)
    if balance <= 0:
        return False
    maint = maintenance_margin(-base * mark, setup.brackets)
    return maint / balance < risk.critical_margin_ratio - MARGIN


def held(setup: HedgeSetup, quiet: Quiet, mark: Decimal) -> bool:
    """The risk hold stays on at `mark`: the distance is still under `restore_distance`, by
    a `MARGIN` (`hold.risk_hold_after` below TOP_UP releases it only at that distance)."""
    liq = quiet.liquidation
    if liq is None or quiet.ledger.contracts >= 0:
        return False
    return (liq - mark) / mark < setup.risk_policy.restore_distance - MARGIN


def quiet_memory(quiet: Quiet, contracts: Decimal, now_ms: int) -> HedgeMemory:
    """The memory `decide` leaves on a quiet candle: the trust baseline read at `now_ms`."""
    memory = quiet.memory
    trusted = memory.trusted
    if trusted is not None and trusted.at_ms == now_ms:
        return memory
    return replace(memory, trusted=Trusted(contracts, now_ms))
