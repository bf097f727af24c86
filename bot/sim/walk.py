"""The seeded synthetic price walk: every symbol moves with one market factor plus its own
noise, so a broad listing rises and falls together as crypto does.

Per step, in log price: market shock `m ~ N(0, vol·√ρ)` (plus, with probability `jump_prob`,
a market-wide jump of ±`jump_size`), and per symbol `m + e`, `e ~ N(0, vol·√(1−ρ))`: each
symbol keeps the volatility `vol` per step and any two move with correlation `ρ`
(`correlation`). The perp trades at a small basis (a few bp) that mean-reverts to its centre
(0, or the premium an admin price set). Same seed and symbols → same path; `anchor` moves a
symbol's walk to given prices. Prices are rounded to the symbol's tick (`prices`).
"""

from __future__ import annotations

import math
import random
from decimal import Decimal

from bot.sim.prices import PriceTick, round_tick

__all__ = ["SyntheticPath"]


class SyntheticPath:
    """Correlated geometric random walk of `symbols_start` (USDT prices) from `seed`."""

    def __init__(
        self,
        symbols_start: dict[str, Decimal],
        seed: int,
        vol_per_step: float = 0.0005,
        jump_prob: float = 0.002,
        jump_size: float = 0.02,
        correlation: float = 0.6,
    ) -> None:
        if not 0 <= correlation <= 1:
            raise ValueError(f"correlation must be between 0 and 1, got {correlation}")
        self._rng = random.Random(seed)
        self._log = {s: math.log(float(p)) for s, p in symbols_start.items()}
        self._basis = dict.fromkeys(symbols_start, 0.0)
        self._centre = dict.fromkeys(symbols_start, 0.0)
        self._market_vol = vol_per_step * math.sqrt(correlation)
        self._own_vol = vol_per_step * math.sqrt(1 - correlation)
        self._jump_prob, self._jump_size = jump_prob, jump_size

    def anchor(self, symbol: str, spot: Decimal, perp: Decimal) -> None:
        """Continue `symbol`'s walk from `spot`, keeping the perp at its premium `perp`/`spot`
        (the next steps walk on from there; nothing snaps back)."""
        if symbol not in self._log or spot <= 0:
            return
        self._log[symbol] = math.log(float(spot))
        self._centre[symbol] = float(perp / spot) - 1
        self._basis[symbol] = 0.0

    def _market_shock(self) -> float:
        shock = self._rng.gauss(0.0, self._market_vol)
        if self._rng.random() < self._jump_prob:
            shock += self._rng.choice((-1, 1)) * self._jump_size
        return shock

    def next_ticks(self) -> dict[str, PriceTick]:
        """One step of every symbol (spot and perp prices)."""
        market, gauss = self._market_shock(), self._rng.gauss
        out = {}
        for symbol, log_price in self._log.items():
            log_price += market + gauss(0.0, self._own_vol)
            self._log[symbol] = log_price
            basis = 0.9 * self._basis[symbol] + gauss(0.0, 0.00005)
            self._basis[symbol] = basis
            spot = math.exp(log_price)
            perp = spot * (1 + self._centre[symbol] + basis)
            out[symbol] = PriceTick(
                round_tick(symbol, Decimal(repr(spot))), round_tick(symbol, Decimal(repr(perp)))
            )
        return out

    def step(self) -> dict[str, Decimal]:
        return {s: t.price for s, t in self.next_ticks().items()}
