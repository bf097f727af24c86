"""The price feed: walks a price path into the engine, step by step.

Synthetic steps happen at the current simulated time, which runs on its own (`SimClock`'s
time scale); before each step the feed re-anchors the walk of every symbol whose price someone
else moved since its last step (POST /sim/price), so the walk continues from the admin price
instead of snapping back. Replay ticks carry their candle time: simulated time is advanced to
it (settling the funding boundaries crossed; a replay's recorded rate is applied on its candle,
before the boundary settles), and an admin price lasts until the next recorded step.
"""

from __future__ import annotations

import asyncio
from decimal import Decimal

import structlog

from bot.sim.engine import SimExchange
from bot.sim.prices import PricePath, PriceTick

__all__ = ["PriceFeed", "tick_time"]

log = structlog.get_logger("bot.sim.feed")


def tick_time(ticks: dict[str, PriceTick]) -> int | None:
    """The source time of a step (epoch ms; replays only), None for a synthetic step."""
    return next((t.ts_ms for t in ticks.values() if t.ts_ms is not None), None)


class PriceFeed:
    """Applies `path` to `engine` one step at a time (`first`: an already-read first step)."""

    def __init__(
        self, engine: SimExchange, path: PricePath, first: dict[str, PriceTick] | None = None
    ) -> None:
        self._engine, self._path = engine, path
        self._pending = first
        self._listed = set(engine.symbols("usdm")) | set(engine.symbols("spot"))
        self._skipped: set[str] = set()
        self._perps = set(engine.symbols("usdm")) & set(engine.symbols("spot"))
        # What the path last set (at first: what it starts from), to tell admin moves apart.
        self._applied = {s: self._prices(s) for s in engine.symbols("spot")}
        self._offset_ms: int | None = None
        self._steps = 0

    async def run(self, steps_per_s: float) -> None:
        """Step every 1/`steps_per_s` seconds until the path is exhausted (or cancelled)."""
        while True:
            await asyncio.sleep(1 / steps_per_s)
            try:
                if not self.step():
                    log.info("sim.price_path_finished", steps=self._steps)
                    return
            except Exception:
                # A bad row or an engine surprise must not end the feed silently.
                log.exception("sim.price_feed_error", step=self._steps)

    def step(self) -> bool:
        """Apply one step; False when the path is exhausted."""
        self._engine.catch_up()
        self._reanchor()
        ticks = self._pending if self._pending is not None else self._path.next_ticks()
        self._pending = None
        if ticks is None:
            return False
        self._steps += 1
        listed = self._listed_only(ticks)
        self._engine.apply_ticks(listed)
        self._applied |= {s: self._prices(s) for s in listed if s in self._applied}
        target = self._target_ms(ticks)
        if target is not None and target > self._engine.now_ms():
            self._engine.advance(target - self._engine.now_ms())
        return True

    def _prices(self, symbol: str) -> tuple[Decimal, Decimal]:
        """(spot, perp) of a walked pair; a spot-only pair (PEPEUSDT) reports spot twice."""
        spot = self._engine.price("spot", symbol)
        return spot, self._engine.price("usdm", symbol) if symbol in self._perps else spot

    def _reanchor(self) -> None:
        for symbol, applied in self._applied.items():
            now = self._prices(symbol)
            if now != applied:
                self._path.anchor(symbol, *now)

    def _listed_only(self, ticks: dict[str, PriceTick]) -> dict[str, PriceTick]:
        unknown = set(ticks) - self._listed - self._skipped
        if unknown:
            self._skipped |= unknown
            log.warning("sim.price_path_symbols_not_listed", symbols=sorted(unknown))
        return {s: t for s, t in ticks.items() if s in self._listed}

    def _target_ms(self, ticks: dict[str, PriceTick]) -> int | None:
        """Replays: where simulated time must be after this step (the candle's time, shifted
        by the engine's start offset); synthetic steps: None (time runs on its own)."""
        tick_ms = tick_time(ticks)
        if tick_ms is None:
            return None
        if self._offset_ms is None:
            self._offset_ms = self._engine.now_ms() - tick_ms
        return tick_ms + self._offset_ms
