"""Soak (issue 12): 100 hedges on two simulated accounts hold their targets for 10 minutes
inside Binance's 2,400-per-minute request-weight budget (enforced by the simulator), with one
hedge whose orders are always refused. Enable with --soak."""

from __future__ import annotations

import pytest

from tests.chaos.support import record
from tests.e2e.harness import E2E
from tests.e2e.scale_stack import (
    BROKEN,
    WEIGHT_LIMIT,
    filling,
    hold,
    reach_targets,
    start_scale_run,
)

pytestmark = [pytest.mark.chaos, pytest.mark.e2e]


@pytest.mark.soak
@pytest.mark.timeout(1200)  # 10 minutes of holding after up to 3 of building
def test_soak_a_hundred_hedges_hold_for_ten_minutes_within_the_weight_budget(e2e: E2E) -> None:
    """After reaching their targets, 99 hedges stay at ratio 1 for 10 minutes; no key is ever
    banned, the used weight never reaches 2,400 per minute, SOL's refusals starve no one."""
    run = start_scale_run(e2e)
    with filling(run):
        reach_targets(run, 180)
        drifted = hold(run, 600)
    record("scale_soak", peak_weight=run.peak_weight, samples=len(run.samples))
    assert drifted == []
    assert run.banned() == {}
    assert 0 < run.peak_weight < WEIGHT_LIMIT
    assert [r for r in run.daemon.events() if "-1003" in str(r)] == []
    assert run.ratios()[BROKEN] == 0
