"""The real daemon with 100 hedges on two simulated accounts (issue 12): every hedge reaches
its target and holds it inside Binance's 2,400-per-minute request-weight budget, which the
simulator enforces (no 429, no ban), while one hedge whose symbol errors (every order
refused) delays none of the other 99. The 10-minute hold is the soak in
tests/chaos/test_scale_soak.py."""

from __future__ import annotations

import pytest

from .harness import E2E
from .scale_stack import BROKEN, WEIGHT_LIMIT, filling, hold, reach_targets, start_scale_run

pytestmark = pytest.mark.e2e


def test_a_hundred_hedges_reach_their_targets_and_hold_them_within_the_weight_budget(
    e2e: E2E,
) -> None:
    """99 hedges reach ratio 1 (± band and a step) while SOL's orders are refused, then hold
    it for 45 s; no key is banned or rate-limited and used weight stays under 2,400/min."""
    run = start_scale_run(e2e)
    with filling(run):
        reach_targets(run, 150)
        drifted = hold(run, 45)
    assert drifted == []
    assert run.banned() == {}
    assert 0 < run.peak_weight < WEIGHT_LIMIT
    limited = [r for r in run.daemon.events() if "-1003" in str(r) or "429" in str(r)]
    assert limited == []
    refused = [r for r in run.daemon.events("order.rejected") if r.get("hedge") == BROKEN]
    assert refused, "the broken symbol's orders were never refused"
    assert run.ratios()[BROKEN] == 0
