"""The backtest plans on the effective target: the hedge's rules judged on what the bars
show (windows, take-profit, ladder, tranches, funding), the rule memory carried bar to bar."""

from __future__ import annotations

from decimal import Decimal as D

from bot.domain.target_rules import FundingRule, LadderStep, TakeProfit, Tranche, Window

from ._rules_run import HOUR, START, hourly, replay_rules, rules


def _prices(*runs: tuple[int, int]) -> list[D]:
    """Closes from (bars, price) runs."""
    return [D(price) for count, price in runs for _ in range(count)]


def test_a_window_raises_the_hedge_during_it_and_lowers_it_after() -> None:
    """A window at ratio 1 over a 0.5 base: the short grows to 1 BTC inside the window,
    the steps' target says why, and it shrinks back to 0.5 BTC after the window."""
    window = Window("fomc", START + 10 * HOUR, START + 20 * HOUR, D(1))
    steps = replay_rules(rules("0.5", windows=(window,)), hourly(_prices((30, 60_000))), "0.5")
    assert steps[5].position == D("-0.5") and steps[5].target == D("0.5")
    assert steps[15].position == D(-1) and steps[15].target == D(1)
    assert steps[15].reason == "window fomc until 2025-01-01T20:00Z"
    assert steps[-1].position == D("-0.5") and steps[-1].target == D("0.5")


def test_a_take_profit_below_a_price_closes_the_short_then_rearms_above() -> None:
    """Price under 55,000 closes the short; 57,000 (below the re-arm) keeps it closed;
    above 58,000 the full hedge comes back."""
    tp = TakeProfit(then_ratio=D(0), rearm_above=D(58_000), price_below=D(55_000))
    closes = _prices((8, 60_000), (8, 54_000), (8, 57_000), (8, 59_000))
    steps = replay_rules(rules("1", take_profit=tp), hourly(closes))
    assert steps[7].position == D(-1)
    assert steps[15].position == 0 and steps[15].target == 0
    assert steps[15].reason.startswith("take-profit hit at 54,000")
    assert steps[23].position == 0  # still below the re-arm price
    assert steps[-1].position == D(-1) and steps[-1].target == D(1)


def test_a_ladder_arms_on_drawdown_from_the_rolling_high() -> None:
    """A 10 % drop from the 1-day high hedges half; once the old high has rolled out of
    the day's window the drawdown is gone and the hedge returns to the base 0."""
    step = LadderStep(drawdown=D("0.10"), lookback_days=1, ratio=D("0.5"))
    closes = _prices((6, 60_000), (40, 53_000))
    steps = replay_rules(rules("0", ladder=(step,)), hourly(closes), "0")
    assert steps[5].position == 0
    assert steps[10].position == D("-0.5")
    assert steps[10].reason.startswith("ladder: 12.5 % below the 1-day high 60,600")
    assert steps[-1].position == 0 and steps[-1].target == 0


def test_a_tranche_arms_on_price_and_stays_armed() -> None:
    """Two tranches at 58,000 and 55,000 add 0.3 each as the price falls through them and
    stay armed when it recovers."""
    tranches = (Tranche(D("0.3"), price_below=D(58_000)), Tranche(D("0.3"), D(55_000)))
    closes = _prices((5, 60_000), (5, 57_000), (5, 54_000), (5, 60_000))
    steps = replay_rules(rules("0", tranches=tranches), hourly(closes), "0")
    assert [steps[i].position for i in (4, 9, 14, 19)] == [0, D("-0.3"), D("-0.6"), D("-0.6")]
    assert steps[19].reason == "tranche 2 of 2 armed at 55,000"


def test_the_tranches_watch_the_perp_price_with_price_perp() -> None:
    """With `price: perp` the perp's close arms the tranche although the spot stays above."""
    tranche = (Tranche(D("0.5"), price_below=D(58_000)),)
    spot, perp = _prices((10, 60_000)), _prices((5, 60_000), (5, 57_000))
    watched = replay_rules(rules("0", tranches=tranche, perp_price=True), hourly(spot, perp), "0")
    by_spot = replay_rules(rules("0", tranches=tranche), hourly(spot, perp), "0")
    assert watched[-1].position == D("-0.5")
    assert by_spot[-1].position == 0


def test_a_negative_funding_streak_caps_the_hedge() -> None:
    """Two settlements in a row below -0.01 % cap the 1.0 target at 0.5."""
    rule = FundingRule(below=D("-0.0001"), for_settlements=2, then_ratio=D("0.5"))
    bars = hourly(_prices((20, 60_000)))
    bars = [b._replace(funding_rate=D("-0.0003")) if i % 4 == 3 else b for i, b in enumerate(bars)]
    steps = replay_rules(rules("1", funding=rule), bars)
    assert steps[5].position == D(-1)
    assert steps[-1].target == D("0.5") and steps[-1].position == D("-0.5")


def test_a_hedge_without_rules_keeps_its_target_ratio() -> None:
    """No rules: every step's target is the configured target_ratio."""
    steps = replay_rules(None, hourly(_prices((5, 60_000))), "0.7")
    assert {(s.target, s.reason) for s in steps} == {(D("0.7"), "target_ratio 0.7")}
    assert steps[-1].position == D("-0.7")
