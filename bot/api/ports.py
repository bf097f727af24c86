"""What the HTTP API needs from the engine: a read-only view and two controls.

The engine implements these two protocols; the API (and its tests, with fakes) only ever
talk to them, so `bot/api/` never imports the engine.

`StatusSource.status()` returns a JSON-able mapping shaped like `DaemonStatus` below.
Values may be `Decimal` (the API serialises them as JSON strings, so no precision is lost),
`float`, `int`, `str`, `bool`, `None`, lists and nested mappings. Units and signs:

- `spot`: spot holding in base units (BTC), >= 0.
- `perp`: perp position in contracts, signed (short = negative).
- `perp_base`: the same position in base units, signed (optional).
- `long_leg`: hedge mode only: the account's LONG leg on the perp in contracts (>= 0),
  reported and never traded (`perp` is then the SHORT leg); 0 in one-way mode.
- `ratio`, `target`, `band`: fractions (1.0 = fully hedged, 0.02 = two points of band);
  `target` is the EFFECTIVE target this cycle (the rules' result), `target_reason` the
  sentence saying why (`window fomc until 2026-12-11T06:00Z`, `target_ratio 0.3`).
- `margin_ratio`: maintenance margin / margin balance of the hedge's position, fraction
  (0 = no risk, 1 = liquidation; Binance's definition).
- `liquidation_price`: quote per base (USDT per BTC); `None` when there is no position.
- `mark`: the reference price the hedge was measured at, quote per base.
- `price_tick`: the perp market's price tick, quote; clients round prices to it for display.
- `liquidation_distance`: (liquidation price - mark) / mark, fraction (0.25 = a 25 % rally
  liquidates the short).
- `funding_total`: funding received (+) or paid (-) since the hedge started, in quote.
- `risk_grade`: one of `RISK_GRADES` (or its index 0..4).
- `risk_hold`: true while the risk guard blocks growing the short: from a grade of `top_up` or
  worse until the liquidation distance is back at `restore_distance` (shrinking is allowed).
- `brackets_missing`: true when the risk was assessed without the venue's margin brackets (a
  cruder liquidation estimate).
- `open_orders`: list of `OpenOrderView` mappings.
- `holding`: the holding as one sentence (`4 BTC spot + 1 BTC coinm margin`), `holding_parts`
  {source: coins}; `exposure` (instrument base units), `multiplier` (holding units per base
  unit, 1000 for 1000PEPE), `basis` (a dated future's annualised basis, fraction; else None).
- `basket`: for a hedge sharing its perp, {`members`, `partners`, `share` (fraction of the
  position)}; None when alone on it.
- `beta`, `beta_r2`, `beta_samples`, `beta_text`, `beta_source` (`fitted` | `fixed`),
  `beta_refused` (why the latest fit was refused, else None): proxy hedges only.
- `roll`: while rolling a dated future, "rolling A → B (x of y moved)", else None; then also
  `roll_legs` {symbol: signed contracts}, `roll_cost` (quote: basis paid > 0, earned < 0),
  and the new contract's `roll_new_risk_grade`, `roll_new_liquidation_distance`,
  `roll_new_risk_hold`.
- timestamps: epoch seconds (float).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any, Protocol, TypedDict

__all__ = [
    "RISK_GRADES",
    "AccountStatus",
    "Controls",
    "DaemonStatus",
    "Health",
    "HedgeStatus",
    "OpenOrderView",
    "StatusSource",
    "risk_grade_index",
]

# The risk guard's grades, mildest first; the index is the `hedgebot_risk_grade` gauge value.
RISK_GRADES: tuple[str, ...] = ("ok", "warn", "top_up", "delever", "reduce")


def risk_grade_index(grade: int | str) -> int:
    """Map a grade name ("top_up") or index (2) to its index 0..4; ValueError names bad input."""
    if isinstance(grade, bool):
        raise ValueError(f"risk grade {grade!r} is not one of {', '.join(RISK_GRADES)}")
    if isinstance(grade, int):
        if 0 <= grade < len(RISK_GRADES):
            return grade
    elif grade in RISK_GRADES:
        return RISK_GRADES.index(grade)
    raise ValueError(f"risk grade {grade!r} is not one of {', '.join(RISK_GRADES)} (or 0..4)")


@dataclass(frozen=True)
class Health:
    """The engine's own verdict; the API adds the "last cycle too old" check on top.

    ok: False when the engine knows it is unhealthy (not started, lock lost, all breakers
        open, ...); `reason` then says why in one line.
    last_cycle_ok_at: epoch seconds when the last hedge cycle completed without error, or
        None before the first one.
    details: JSON-able extras shown as-is in /healthz (e.g. {"cycles": 42}).
    """

    ok: bool
    reason: str = ""
    last_cycle_ok_at: float | None = None
    details: Mapping[str, Any] = field(default_factory=dict)


class OpenOrderView(TypedDict, total=False):
    """One resting order as /status shows it (amount in contracts, price in quote)."""

    client_id: str
    side: str  # "buy" | "sell"
    amount: Any  # Decimal | str | float, contracts, unsigned
    price: Any  # Decimal | str | float, quote per base
    reduce_only: bool
    age_s: float


class HedgeStatus(TypedDict, total=False):
    """One hedge in /status (see the module docstring for units and signs)."""

    spot: Any
    perp: Any
    perp_base: Any
    long_leg: Any
    ratio: Any
    target: Any
    target_reason: str
    band: Any
    open_orders: list[OpenOrderView]
    margin: Any  # isolated margin or the account's margin balance, quote
    margin_ratio: Any
    liquidation_price: Any
    liquidation_distance: Any
    mark: Any
    price_tick: Any
    funding_total: Any
    last_action: str | None  # one line, e.g. "placed sell 0.5 @ 60000 (grow)"
    last_action_at: float | None
    paused: bool
    pause_reason: str | None  # "operator", "stale data", "kill switch", ...
    risk_grade: str | int
    risk_hold: bool
    brackets_missing: bool
    holding: str | None
    holding_parts: dict[str, Any]
    exposure: Any
    multiplier: Any
    basis: Any
    basket: dict[str, Any] | None
    beta: Any
    beta_r2: Any
    beta_samples: int | None
    beta_text: str
    beta_source: str  # "fitted" | "fixed"
    beta_refused: str | None
    roll: str | None
    roll_legs: dict[str, Any]
    roll_cost: Any
    roll_new_risk_grade: str | None
    roll_new_liquidation_distance: Any
    roll_new_risk_hold: bool


class AccountStatus(TypedDict, total=False):
    """One account's circuit breaker in /status."""

    exchange: str
    mode: str  # sim | testnet | demo | live
    breaker: str  # "closed" | "open" | "half_open"
    consecutive_failures: int
    last_error: str | None


class DaemonStatus(TypedDict, total=False):
    """The whole /status document."""

    version: str
    started_at: float
    paused: bool  # True when every hedge is paused by the operator ("pause all")
    kill_switch: bool  # the kill switch file exists: nothing is placed
    dry_run: bool  # a dry run: decided and journaled, nothing sent to any venue
    hedges: dict[str, HedgeStatus]
    accounts: dict[str, AccountStatus]


class StatusSource(Protocol):
    """Read-only view of the running daemon; both calls must be cheap and never block."""

    def health(self) -> Health:
        """The engine's health verdict (the API also checks `last_cycle_ok_at` age)."""
        ...

    def status(self) -> Mapping[str, Any]:
        """A `DaemonStatus`-shaped, JSON-able snapshot (Decimals allowed)."""
        ...


class Controls(Protocol):
    """Operator controls behind POST /pause, /resume and /tranche."""

    def pause(self, hedge: str | None) -> None:
        """Stop placing orders for `hedge` (None = every hedge); KeyError for an unknown name.

        Pausing leaves the position as it is; whether resting orders are canceled is the
        engine's policy (documented in docs/operations.md).
        """
        ...

    def resume(self, hedge: str | None) -> None:
        """Undo `pause` for `hedge` (None = every hedge); KeyError for an unknown name."""
        ...

    def arm_tranche(self, hedge: str, number: int | None) -> str:
        """Arm manual tranche `number` (1-based; None = the next manual one not armed) of
        `hedge`; returns what was armed ("tranche 3 of 3 armed by operator"). KeyError for
        an unknown hedge, ValueError (its message for the operator) when none can be armed."""
        ...
