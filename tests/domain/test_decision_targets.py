"""`decide` plans on the effective target: the rules' ratio replaces `target_ratio`, the
reason travels with the decision and the rule memory moves into the next hedge memory."""

from __future__ import annotations

from decimal import Decimal as D

from bot.domain.decision import decide
from bot.domain.model import Side
from bot.domain.target_rules import Observation, Rules, Tranche, Window

from ._factories import policy
from .test_decision import LOCAL_NOW, _inputs

HALF = Rules(base_ratio=D("0.5"), max_ratio=D(1))
OPEN = Window("fomc", LOCAL_NOW - 1_000, LOCAL_NOW + 1_000, D(1))


def test_an_open_window_grows_the_short_to_its_ratio() -> None:
    """2 BTC held, 1 BTC short, base 50 %: an open 100 % window sells the missing 1 BTC."""
    rules = Rules(HALF.base_ratio, HALF.max_ratio, windows=(OPEN,))
    d = decide(_inputs(policy=policy("0.5"), rules=rules))
    (sell,) = d.plan.orders
    assert sell.side is Side.SELL and sell.amount == D(1)
    assert d.target is not None and d.target.reason.startswith("window fomc until ")
    assert d.plan.state is not None and d.plan.state.target_short == D(2)


def test_without_a_rule_speaking_the_base_target_holds() -> None:
    """The same hedge with the window closed is within band at its 50 % base: nothing placed."""
    closed = Window("fomc", LOCAL_NOW - 2_000, LOCAL_NOW - 1_000, D(1))
    d = decide(_inputs(policy=policy("0.5"), rules=Rules(D("0.5"), D(1), windows=(closed,))))
    assert d.plan.orders == ()
    assert d.target is not None and d.target.reason == "target_ratio 0.5"


def test_a_tranche_armed_this_cycle_is_in_the_next_memory() -> None:
    """A price tranche arming is remembered: the decision's memory carries it."""
    rules = Rules(D("0.5"), D(1), tranches=(Tranche(D("0.5"), price_below=D(61000)),))
    obs = Observation(now_ms=LOCAL_NOW, price=D(60000))
    d = decide(_inputs(policy=policy("0.5"), rules=rules, observation=obs))
    assert d.memory.rules.armed == (0,)
    assert d.target is not None and d.target.reason == "tranche 1 of 1 armed at 61,000"


def test_without_rules_the_policy_target_is_the_target() -> None:
    """Callers that pass no rules (backtest, older tests) plan on target_ratio as before."""
    d = decide(_inputs(policy=policy("0.5")))
    assert d.target is not None and (d.target.ratio, d.target.reason) == (
        D("0.5"),
        "target_ratio 0.5",
    )
