"""The synthetic walk moves the whole listing together: one market factor plus each symbol's
own noise, seeded and deterministic (`bot.sim.walk`)."""

from __future__ import annotations

import itertools
import math
import statistics
from decimal import Decimal as D

import pytest

from bot.sim.engine import SimExchange
from bot.sim.feed import PriceFeed
from bot.sim.walk import SyntheticPath

START = {"BTCUSDT": D(65000), "ETHUSDT": D(3000), "DOGEUSDT": D("0.31")}


def _returns(path: SyntheticPath, steps: int) -> dict[str, list[float]]:
    prices = [path.next_ticks() for _ in range(steps)]
    out: dict[str, list[float]] = {}
    for symbol in START:
        spots = [float(p[symbol].spot or 0) for p in prices]
        out[symbol] = [math.log(b / a) for a, b in itertools.pairwise(spots)]
    return out


@pytest.mark.parametrize("correlation", [0.0, 0.6, 0.9])
def test_symbols_move_with_the_chosen_correlation(correlation: float) -> None:
    """Log returns of two symbols correlate at about `correlation`; each keeps its volatility."""
    path = SyntheticPath(START, seed=3, vol_per_step=0.001, jump_prob=0.0, correlation=correlation)
    returns = _returns(path, 3000)
    measured = statistics.correlation(returns["BTCUSDT"], returns["ETHUSDT"])
    assert abs(measured - correlation) < 0.08
    assert abs(statistics.stdev(returns["ETHUSDT"]) / 0.001 - 1) < 0.1


def test_a_jump_moves_every_symbol_the_same_way() -> None:
    """A market-wide jump moves every symbol by about the jump size in one direction."""
    path = SyntheticPath(START, seed=0, vol_per_step=0.0, jump_prob=1.0)
    moved = path.step()
    changes = [moved[s] / START[s] - 1 for s in START]
    assert all(abs(c) > D("0.015") for c in changes)
    assert len({c > 0 for c in changes}) == 1


def test_same_seed_same_path_for_a_broad_listing() -> None:
    """The walk of the whole listing is reproducible from its seed."""
    engine = SimExchange.with_default_account(now_ms=lambda: 1_704_070_800_000)
    start = {s: engine.price("spot", s) for s in engine.symbols("spot")}
    a, b = SyntheticPath(start, seed=4), SyntheticPath(start, seed=4)
    assert [a.step() for _ in range(3)] == [b.step() for _ in range(3)]


def test_the_feed_moves_every_listed_pair_on_its_tick_grid() -> None:
    """Fed into the venue, every spot pair moves within a few steps, cheap coins included (DENT
    at 0.006 on its 0.000001 tick), and 1000SHIB follows SHIB."""
    engine = SimExchange.with_default_account(seed=1)
    spots = engine.symbols("spot")
    before = {s: engine.price("spot", s) for s in spots}
    path = SyntheticPath({s: before[s] for s in spots}, seed=1)
    feed = PriceFeed(engine, path)
    moved: set[str] = set()
    for _ in range(10):
        feed.step()
        moved |= {s for s in spots if engine.price("spot", s) != before[s]}
    assert moved == set(spots)
    dent = engine.price("usdm", "DENTUSDT")
    assert dent % D("0.000001") == 0 and abs(dent / D("0.006") - 1) < D("0.05")
    assert engine.price("usdm", "1000SHIBUSDT") == 1000 * engine.price("spot", "SHIBUSDT")


def test_a_correlation_outside_0_1_is_refused() -> None:
    """A correlation that is not a fraction between 0 and 1 is a ValueError naming it."""
    with pytest.raises(ValueError, match="correlation"):
        SyntheticPath(START, seed=0, correlation=1.5)
