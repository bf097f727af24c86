"""One implementation of every decision: from the same snapshot, the backtest's input builder
and the daemon's (`bot.engine.cycle.decide_hedge` over a real journal and the fake venue)
make the same decision: same risk grade, top-up, cancels and orders."""

from __future__ import annotations

from dataclasses import replace
from datetime import UTC, datetime
from decimal import Decimal as D
from pathlib import Path

import pytest

from bot.backtest.account import BarView, HedgeSetup, decision_inputs, snapshot
from bot.backtest.bars import Bar, Ohlc
from bot.backtest.fills import FeeSchedule
from bot.backtest.ledger import Ledger
from bot.backtest.replay import advance, observe_bar, start_run
from bot.backtest.venue import perp_brackets, perp_market
from bot.domain.decision import Decision, decide
from bot.domain.memory import HedgeMemory
from bot.engine.cycle import decide_hedge
from bot.engine.gather import GatherResult
from tests.engine.fake_exchange import SYMBOL
from tests.engine.service import BTC_HEDGE, START_MS, Clock, open_service

NOW = START_MS
PRICE = D("60000")
LEDGERS = {
    "flat: grow the short to the target": Ledger(D(60_000)),
    "half hedged: grow the rest": Ledger(D(40_000), D(15_000), D("-0.5"), D(60_000)),
    "near liquidation: top up, block increases": Ledger(D(50_000), D(3_000), D("-0.6"), D(57_000)),
    "over hedged: buy back": Ledger(D(10_000), D(40_000), D("-1.3"), D(60_000)),
}


def _bar() -> Bar:
    candle = Ohlc(PRICE - 100, PRICE + 150, PRICE - 200, PRICE)
    return Bar(NOW - 3_600_000, candle, candle, candle, None)


def _backtest(setup: HedgeSetup, ledger: Ledger, memory: HedgeMemory) -> Decision:
    account = snapshot(setup, ledger, _bar(), NOW, ())
    return decide(decision_inputs(setup, account, memory, NOW, BarView()))


@pytest.mark.parametrize("case", list(LEDGERS))
async def test_backtest_and_daemon_decide_the_same(tmp_path: Path, case: str) -> None:
    """The backtest's DecisionInputs equal the engine's for the same snapshot, so the plan
    (orders, cancels, the GROW order's funding), the risk assessment and the next memory are
    identical."""
    service = open_service(tmp_path, clock=Clock(NOW), risk={"auto_top_up": True})
    rt = service.rt
    policy, legs = rt.policies["BTC"], rt.legs["BTC"]
    setup = HedgeSetup(
        policy=policy,
        risk_policy=rt.settings.risk.to_policy(),
        market=perp_market(SYMBOL, FeeSchedule()),
        brackets=perp_brackets(SYMBOL),
        holding=D(1),
        max_age_ms=int(rt.settings.data.max_snapshot_age_s * 1000),
        account=legs.perp_account,
    )
    service.fake.brackets[SYMBOL] = setup.brackets  # the venue answers with the same brackets
    ledger = LEDGERS[case]
    account = snapshot(setup, ledger, _bar(), NOW, ())
    daemon = await decide_hedge(
        rt, policy, legs, GatherResult({legs.perp_account: account}), NOW, None
    )
    backtest = _backtest(setup, ledger, HedgeMemory(legs=legs))
    assert not isinstance(daemon, str), daemon
    assert backtest.plan == daemon.plan
    assert backtest.risk == daemon.risk
    assert backtest.memory == daemon.memory
    assert backtest == daemon  # and everything else: verdict, GROW funding, back-off key
    assert backtest.plan.orders or backtest.plan.notes  # each case decides something visible


def test_the_cases_cover_growing_shrinking_and_the_risk_guard(tmp_path: Path) -> None:
    """The table above exercises a GROW order, a SHRINK order and a top-up, so the
    equivalence is shown on every kind of decision the loop applies."""
    service = open_service(tmp_path, clock=Clock(NOW), risk={"auto_top_up": True})
    rt = service.rt
    setup = HedgeSetup(
        rt.policies["BTC"],
        rt.settings.risk.to_policy(),
        perp_market(SYMBOL, FeeSchedule()),
        perp_brackets(SYMBOL),
        D(1),
        30_000,
        account="main",
    )
    memory = HedgeMemory(legs=rt.legs["BTC"])
    purposes = set()
    top_ups = 0
    for ledger in LEDGERS.values():
        d = _backtest(setup, ledger, memory)
        purposes |= {o.purpose.value for o in d.plan.orders}
        top_ups += d.risk.top_up is not None
    assert {"grow", "shrink"} <= purposes
    assert top_ups >= 1
    assert BTC_HEDGE["leverage"] == setup.policy.leverage


def _iso(ms: int) -> str:
    return datetime.fromtimestamp(ms / 1000, UTC).isoformat()


RULES = {
    "a window over a 0.5 base": {
        "windows": [
            {"name": "fomc", "from": _iso(NOW - 3_600_000), "to": _iso(NOW + 3_600_000)}
            | {"target_ratio": 1.0}
        ]
    },
    "a tranche armed by the spot price": {"tranches": [{"ratio": 0.8, "price_below": 65_000}]},
}


@pytest.mark.parametrize("case", list(RULES))
async def test_backtest_and_daemon_decide_the_same_with_rules(tmp_path: Path, case: str) -> None:
    """With target rules, the backtest's observation from the bar and the daemon's from the
    venue give the same effective target, reason, rule memory and plan."""
    hedge = {**BTC_HEDGE, "target_ratio": 0.5, **RULES[case]}
    service = open_service(tmp_path, clock=Clock(NOW), hedges={"BTC": hedge})
    rt = service.rt
    policy, legs = rt.policies["BTC"], rt.legs["BTC"]
    setup = HedgeSetup(
        policy=policy,
        risk_policy=rt.settings.risk.to_policy(),
        market=perp_market(SYMBOL, FeeSchedule()),
        brackets=perp_brackets(SYMBOL),
        holding=D(1),
        max_age_ms=int(rt.settings.data.max_snapshot_age_s * 1000),
        account=legs.perp_account,
        rules=rt.settings.hedges["BTC"].rules(),
    )
    service.fake.brackets[SYMBOL] = setup.brackets
    service.fake.quotes["BTC/USDT"] = (PRICE, PRICE)  # the spot market the tranche watches
    ledger = LEDGERS["flat: grow the short to the target"]
    account = snapshot(setup, ledger, _bar(), NOW, ())
    daemon = await decide_hedge(
        rt, policy, legs, GatherResult({legs.perp_account: account}), NOW, None
    )
    run = replace(start_run(setup, ledger.collateral), memory=HedgeMemory(legs=legs))
    _, step = advance(setup, run, _bar(), 3_600_000, FeeSchedule())
    assert not isinstance(daemon, str), daemon
    assert daemon.target is not None and daemon.target.ratio > D("0.5")
    assert (step.target, step.reason) == (daemon.target.ratio, daemon.target.reason)
    backtest = _backtest_with(setup, ledger, HedgeMemory(legs=legs))
    assert backtest == daemon


def _backtest_with(setup: HedgeSetup, ledger: Ledger, memory: HedgeMemory) -> Decision:
    """The loop's decision for `_bar()` at NOW, with the rules' observation of that bar."""
    account = snapshot(setup, ledger, _bar(), NOW, ())
    run = start_run(setup, ledger.collateral)
    _, seen = observe_bar(setup, run, _bar(), NOW, account)
    return decide(decision_inputs(setup, account, memory, NOW, BarView(), seen))
