"""The target rules of one hedge (`windows`, `tranches`, `take_profit`, `funding`, `ladder`,
`price`), their cross-field checks, and their domain form (`bot.domain.target_rules.Rules`).

`HedgeSettings` inherits `TargetRuleSettings`, so the keys sit directly under
`hedges.<name>`; its validator adds `rule_problems(max_ratio)` to its own.
"""

from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

from bot.domain.target_rules import (
    FundingRule,
    LadderStep,
    Rules,
    TakeProfit,
    Tranche,
    Window,
)

__all__ = [
    "FundingSettings",
    "LadderStepSettings",
    "TakeProfitSettings",
    "TargetRuleSettings",
    "TrancheSettings",
    "WindowSettings",
]

_FROZEN = ConfigDict(frozen=True, extra="forbid", populate_by_name=True)
Problems = list[tuple[str, str]]


def _ratio(description: str, default: Decimal | None = None) -> Decimal:
    if default is None:
        required: Decimal = Field(ge=0, le=10, description=description)
        return required
    value: Decimal = Field(default=default, ge=0, le=10, description=description)
    return value


def _price(description: str) -> Decimal | None:
    value: Decimal | None = Field(default=None, gt=0, description=description)
    return value


class WindowSettings(BaseModel):
    """Event protection: hold `target_ratio` from `from` to `to` (UTC times with a zone)."""

    model_config = _FROZEN

    name: str = Field(pattern=r"^[A-Za-z0-9_-]{1,32}$", description="the window's name, e.g. fomc")
    start: datetime = Field(
        alias="from", description="when the window opens, e.g. 2026-12-10T18:00:00Z"
    )
    end: datetime = Field(alias="to", description="when it closes (exclusive), with a zone")
    target_ratio: Decimal = _ratio("target during the window, a fraction")


class TrancheSettings(BaseModel):
    """One slice of a scale-in: armed by price (`price_below`) or by the operator (`manual`)."""

    model_config = _FROZEN

    ratio: Decimal = Field(gt=0, le=10, description="this slice of the target, a fraction")
    price_below: Decimal | None = _price("arm once the watched price is below this, quote")
    manual: bool = Field(default=False, description="armed by `hedgebot tranche HEDGE`")


class TakeProfitSettings(BaseModel):
    """Close (or shrink) the short once it has paid, until the price recovers."""

    model_config = _FROZEN

    price_below: Decimal | None = _price("hit when the watched price is at or below this, quote")
    pnl_pct: Decimal | None = Field(
        default=None,
        gt=0,
        description="hit when the short's unrealised gain reaches this percent of its notional",
    )
    then_ratio: Decimal = _ratio("target after the hit, a fraction", Decimal(0))
    rearm_above: Decimal = Field(
        gt=0, description="back to the other rules once the watched price is above this, quote"
    )


class FundingSettings(BaseModel):
    """Persistently negative funding makes the hedge a cost: cap it after a streak."""

    model_config = _FROZEN

    below: Decimal = Field(
        ge=-1, le=1, description="a settlement counts when its rate is below this"
    )
    for_settlements: int = Field(
        ge=1, le=1000, description="settlements in a row that start the cap"
    )
    then_ratio: Decimal = _ratio("cap on the tranches / ladder / base target, a fraction")


class LadderStepSettings(BaseModel):
    """One rung: hold `ratio` once the price is this far below its recent high."""

    model_config = _FROZEN

    drawdown_from_high: Decimal = Field(
        gt=0, lt=1, description="fall from the lookback's high that arms the rung, a fraction"
    )
    lookback_days: int = Field(ge=1, le=365, description="how far back the high is taken, days")
    ratio: Decimal = _ratio("target on this rung, a fraction")


class TargetRuleSettings(BaseModel):
    """The rule keys of a hedge (all optional); see `bot.domain.targets` for precedence."""

    model_config = _FROZEN

    windows: tuple[WindowSettings, ...] = Field(
        default=(), description="event windows: [{name, from, to, target_ratio}]"
    )
    tranches: tuple[TrancheSettings, ...] = Field(
        default=(), description="scale-in slices; the target is the sum of those armed"
    )
    take_profit: TakeProfitSettings | None = Field(
        default=None, description="{price_below or pnl_pct, then_ratio, rearm_above}"
    )
    funding: FundingSettings | None = Field(
        default=None, description="{below, for_settlements, then_ratio}"
    )
    ladder: tuple[LadderStepSettings, ...] = Field(
        default=(), description="[{drawdown_from_high, lookback_days, ratio}], deepest last"
    )
    price: Literal["spot", "perp"] = Field(
        default="spot", description="the price the rules watch: the holding's spot, or the perp"
    )

    def rule_problems(self, max_ratio: Decimal) -> Problems:
        """(field, problem) for every bad combination of rules, given the hedge's max_ratio."""
        return [
            *_window_problems(self.windows, max_ratio),
            *_tranche_problems(self.tranches, max_ratio),
            *_take_profit_problems(self.take_profit, max_ratio),
            *_ladder_problems(self.ladder, max_ratio),
            *(
                _above_max("funding.then_ratio", self.funding.then_ratio, max_ratio)
                if self.funding
                else []
            ),
        ]

    def to_rules(self, target_ratio: Decimal, max_ratio: Decimal) -> Rules:
        """The domain's view of these rules around the base `target_ratio`."""
        tp, fr = self.take_profit, self.funding
        return Rules(
            base_ratio=target_ratio,
            max_ratio=max_ratio,
            windows=tuple(
                Window(w.name, _ms(w.start), _ms(w.end), w.target_ratio) for w in self.windows
            ),
            tranches=tuple(Tranche(t.ratio, t.price_below, t.manual) for t in self.tranches),
            take_profit=TakeProfit(tp.then_ratio, tp.rearm_above, tp.price_below, tp.pnl_pct)
            if tp
            else None,
            funding=FundingRule(fr.below, fr.for_settlements, fr.then_ratio) if fr else None,
            ladder=tuple(
                LadderStep(s.drawdown_from_high, s.lookback_days, s.ratio) for s in self.ladder
            ),
            perp_price=self.price == "perp",
        )


def _ms(moment: datetime) -> int:
    return int(moment.timestamp() * 1000)


def _above_max(path: str, value: Decimal, max_ratio: Decimal) -> Problems:
    if value <= max_ratio:
        return []
    return [(path, f"{value} is above max_ratio {max_ratio} (use at most max_ratio)")]


def _window_problems(windows: tuple[WindowSettings, ...], max_ratio: Decimal) -> Problems:
    problems: Problems = []
    for i, w in enumerate(windows):
        at = f"windows.{i}"
        naive = [key for key, v in (("from", w.start), ("to", w.end)) if v.tzinfo is None]
        for key in naive:
            problems.append((f"{at}.{key}", "has no time zone (end it with Z for UTC)"))
        problems += _above_max(f"{at}.target_ratio", w.target_ratio, max_ratio)
        if naive:
            continue
        if w.end <= w.start:
            problems.append((f"{at}.to", f"window {w.name} ends before it begins"))
        for j, other in enumerate(windows[:i]):
            if all(v.tzinfo for v in (other.start, other.end)) and _overlap(w, other):
                problems.append((at, f"window {w.name} overlaps window {other.name} (windows.{j})"))
    names = [w.name for w in windows]
    if len(set(names)) != len(names):
        problems.append(("windows", "two windows share a name (give each its own)"))
    return problems


def _overlap(a: WindowSettings, b: WindowSettings) -> bool:
    return a.start < b.end and b.start < a.end


def _tranche_problems(tranches: tuple[TrancheSettings, ...], max_ratio: Decimal) -> Problems:
    problems: Problems = []
    for i, t in enumerate(tranches):
        if t.manual == (t.price_below is not None):
            problems.append((f"tranches.{i}", "give either price_below or manual: true"))
    total = sum((t.ratio for t in tranches), Decimal(0))
    if total > max_ratio:
        problems.append(
            ("tranches", f"ratios sum to {total}, above max_ratio {max_ratio} (lower them)")
        )
    return problems


def _take_profit_problems(tp: TakeProfitSettings | None, max_ratio: Decimal) -> Problems:
    if tp is None:
        return []
    problems = _above_max("take_profit.then_ratio", tp.then_ratio, max_ratio)
    if (tp.price_below is None) == (tp.pnl_pct is None):
        problems.append(("take_profit", "give either price_below or pnl_pct"))
    if tp.price_below is not None and tp.rearm_above < tp.price_below:
        problems.append(
            (
                "take_profit.rearm_above",
                f"{tp.rearm_above} is below price_below {tp.price_below} (use a higher price)",
            )
        )
    return problems


def _ladder_problems(ladder: tuple[LadderStepSettings, ...], max_ratio: Decimal) -> Problems:
    problems: Problems = []
    for i, step in enumerate(ladder):
        problems += _above_max(f"ladder.{i}.ratio", step.ratio, max_ratio)
        if i == 0:
            continue
        before = ladder[i - 1]
        if step.drawdown_from_high <= before.drawdown_from_high or step.ratio < before.ratio:
            problems.append(
                (
                    f"ladder.{i}",
                    "out of order (list rungs by growing drawdown_from_high, "
                    "each ratio at least the one before)",
                )
            )
    return problems
