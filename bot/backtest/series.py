"""The seam between the replay loop and everything after it: one `Step` per hedge per candle.

The loop (wired onto the domain pipeline) produces, after each candle, one `Step` per hedge,
all with the same bar time, and hands them together (a frame) to a `StepSink`. Metrics, the
per-step CSV and the plots depend on nothing else, so they work the same for any loop.
"""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from typing import NamedTuple, Protocol

from bot.backtest.bars import Bar

__all__ = ["Frame", "Recorder", "Step", "StepSink"]

ZERO = Decimal(0)


class Step(NamedTuple):
    """One hedge's state at the END of one candle (after its fills, funding and risk actions).

    Units: `holding` spot base units held; `position` the perp position in base units,
    signed (negative = short); `ratio` short / (exposure × beta) as the domain measures it,
    the exposure being the holding in the perp's base units (a proxy's by value: holding ×
    its spot price / perp price) (None when there is no holding); `target` the effective
    target ratio this step and `reason` the rule that set it; `band` the hedge's band (a
    fraction of the holding);
    `liquidation_distance` (liq − mark) / mark for a short, None with no position.
    Money in the quote currency: `equity_hedged` = spot value + collateral left + perp
    margin balance (wallet incl. realised P&L, funding and fees, plus unrealised P&L);
    `equity_unhedged` = spot value + the starting collateral untouched. `funding` received
    (+) / paid (−) and `fees` paid (+) are THIS step's amounts; `orders`, `fills`, `top_ups`,
    `liquidations` are this step's counts. A NamedTuple, not a dataclass: the loop builds
    one per hedge per candle (a year of 5-minute candles for 4 hedges is 420k).
    """

    hedge: str
    bar: Bar
    holding: Decimal
    position: Decimal
    ratio: Decimal | None
    target: Decimal
    band: Decimal
    liquidation_distance: Decimal | None
    equity_hedged: Decimal
    equity_unhedged: Decimal
    funding: Decimal = ZERO
    fees: Decimal = ZERO
    orders: int = 0
    fills: int = 0
    top_ups: int = 0
    liquidations: int = 0
    reason: str = ""

    @property
    def ts_ms(self) -> int:
        return self.bar.ts_ms

    @property
    def outside_band(self) -> bool:
        """|ratio − target| > band, or a perp position with nothing held to hedge."""
        if self.ratio is None:
            return self.position != 0
        return abs(self.ratio - self.target) > self.band


Frame = Sequence[Step]  # every hedge's Step at one bar time


class StepSink(Protocol):
    """Consumes frames in time order; `close` after the last one."""

    def add(self, frame: Frame) -> None: ...

    def close(self) -> None: ...


class Recorder:
    """Fans each frame out to several sinks, checking the loop's side of the contract: one
    bar time per frame, strictly increasing, each hedge once."""

    def __init__(self, sinks: Sequence[StepSink]) -> None:
        self.sinks = tuple(sinks)
        self._last_ts: int | None = None

    def add(self, frame: Frame) -> None:
        if not frame:
            raise ValueError("a frame needs at least one step")
        ts = frame[0].bar.ts_ms
        hedges = set()
        for step in frame:
            if step.bar.ts_ms != ts:
                raise ValueError("every step of a frame must be at the same bar time")
            hedges.add(step.hedge)
        if len(hedges) != len(frame):
            raise ValueError("a frame holds each hedge once")
        if self._last_ts is not None and ts <= self._last_ts:
            raise ValueError("frames must come in increasing bar time")
        self._last_ts = ts
        for sink in self.sinks:
            sink.add(frame)

    def close(self) -> None:
        for sink in self.sinks:
            sink.close()
