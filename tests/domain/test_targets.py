"""The effective target: each rule alone, the precedence between them, the memory they keep."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal as D

import pytest

from bot.domain.rule_memory import RuleMemory
from bot.domain.target_rules import (
    FundingRule,
    LadderStep,
    Observation,
    Rules,
    TakeProfit,
    Tranche,
    Window,
)
from bot.domain.targets import arm_manual, effective_target, price_text


def ms(text: str) -> int:
    return int(datetime.fromisoformat(text).replace(tzinfo=UTC).timestamp() * 1000)


FOMC = Window("fomc", ms("2026-12-10T18:00:00"), ms("2026-12-11T06:00:00"), D("0.7"))
SEED_TRANCHES = (
    Tranche(D("0.3"), price_below=D(62000)),
    Tranche(D("0.3"), price_below=D(58000)),
    Tranche(D("0.4"), manual=True),
)
SEED_TP = TakeProfit(then_ratio=D(0), rearm_above=D(60000), price_below=D(55000))
SEED_FUNDING = FundingRule(below=D("-0.0003"), for_settlements=3, then_ratio=D("0.5"))
SEED_LADDER = (
    LadderStep(D("0.10"), 30, D("0.5")),
    LadderStep(D("0.20"), 30, D("1.0")),
)
NOON = ms("2026-12-01T12:00:00")
EIGHT_H = 8 * 3600 * 1000


def rules(**kw: object) -> Rules:
    return Rules(base_ratio=D("0.3"), max_ratio=D(1), **kw)  # type: ignore[arg-type]


def seen(price: str | None = None, now: int = NOON, **kw: object) -> Observation:
    return Observation(now_ms=now, price=None if price is None else D(price), **kw)  # type: ignore[arg-type]


def walk(r: Rules, prices: list[str], memory: RuleMemory | None = None) -> list[tuple[D, str]]:
    """The (ratio, reason) of each cycle as the price walks through `prices`."""
    out, mem = [], memory or RuleMemory()
    for p in prices:
        t = effective_target(r, mem, seen(p))
        out.append((t.ratio, t.reason))
        mem = t.memory
    return out


def test_no_rules_is_the_base_target() -> None:
    """Without rules the target is target_ratio, and the reason says so."""
    t = effective_target(rules(), RuleMemory(), seen("60000"))
    assert (t.ratio, t.reason) == (D("0.3"), "target_ratio 0.3")


@pytest.mark.parametrize(
    ("now", "ratio", "reason"),
    [
        (ms("2026-12-10T17:59:59"), D("0.3"), "target_ratio 0.3"),
        (ms("2026-12-10T18:00:00"), D("0.7"), "window fomc until 2026-12-11T06:00Z"),
        (ms("2026-12-11T05:59:59"), D("0.7"), "window fomc until 2026-12-11T06:00Z"),
        (ms("2026-12-11T06:00:00"), D("0.3"), "target_ratio 0.3"),
    ],
)
def test_window_raises_the_target_only_while_open(now: int, ratio: D, reason: str) -> None:
    """A window holds its ratio from `from` (inclusive) to `to` (exclusive), on time."""
    t = effective_target(rules(windows=(FOMC,)), RuleMemory(), seen(now=now))
    assert (t.ratio, t.reason) == (ratio, reason)


def test_tranches_arm_on_price_and_stay_armed() -> None:
    """The seed's scale-in: 30 % below 62,000, 60 % below 58,000, kept when the price recovers."""
    steps = walk(rules(tranches=SEED_TRANCHES), ["63000", "61000", "57000", "63000"])
    assert steps == [
        (D("0.3"), "target_ratio 0.3"),
        (D("0.3"), "tranche 1 of 3 armed at 62,000"),
        (D("0.6"), "tranche 2 of 3 armed at 58,000"),
        (D("0.6"), "tranche 2 of 3 armed at 58,000"),
    ]


def test_manual_tranche_armed_by_the_operator_adds_its_ratio() -> None:
    """`hedgebot tranche` arms the manual tranche: the target becomes the sum armed."""
    r = rules(tranches=SEED_TRANCHES)
    memory = arm_manual(r, RuleMemory(armed=(0, 1)))
    t = effective_target(r, memory, seen("57000"))
    assert (t.ratio, t.reason) == (D("1.0"), "tranche 3 of 3 armed by operator")


@pytest.mark.parametrize(
    ("tranches", "armed", "number", "problem"),
    [
        (SEED_TRANCHES[:2], (), None, "has no manual tranche"),
        (SEED_TRANCHES, (2,), None, "every manual tranche is already armed"),
        (SEED_TRANCHES, (), 1, "tranche 1 is not a manual tranche (manual: 3)"),
        (SEED_TRANCHES, (2,), 3, "tranche 3 is already armed"),
    ],
)
def test_manual_arming_refusals_say_why(
    tranches: tuple[Tranche, ...], armed: tuple[int, ...], number: int | None, problem: str
) -> None:
    """Arming a tranche that is not manual, or already armed, is refused with the reason."""
    with pytest.raises(ValueError, match=problem.replace("(", r"\(").replace(")", r"\)")):
        arm_manual(rules(tranches=tranches), RuleMemory(armed=armed), number)


def test_take_profit_turns_the_hedge_off_until_the_rearm_price() -> None:
    """The seed: hit at 54,980 → target 0 until above 60,000, then the other rules again."""
    r = rules(tranches=SEED_TRANCHES, take_profit=SEED_TP)
    steps = walk(r, ["57000", "54980", "59000", "60000", "60001"])
    off = (D(0), "take-profit hit at 54,980: hedge off until above 60,000")
    assert steps == [
        (D("0.6"), "tranche 2 of 3 armed at 58,000"),
        off,
        off,
        off,
        (D("0.3"), "tranche 1 of 3 armed at 62,000"),  # the hit disarmed both; 60,001 < 62,000
    ]


def test_take_profit_by_pnl_pct_hits_on_the_short_gain() -> None:
    """`pnl_pct`: the short's unrealised gain reaching the percent hits, whatever the price."""
    tp = TakeProfit(then_ratio=D("0.1"), rearm_above=D(60000), pnl_pct=D(8))
    r = rules(take_profit=tp)
    below = effective_target(r, RuleMemory(), seen("56000", short_gain_pct=D("7.9")))
    hit = effective_target(r, below.memory, seen("55000", short_gain_pct=D("8.1")))
    assert below.ratio == D("0.3")
    assert (hit.ratio, hit.reason) == (
        D("0.1"),
        "take-profit hit at 55,000: hedge at 0.1 until above 60,000",
    )


def settlements(*rates: str, start: int = NOON) -> tuple[tuple[int, D], ...]:
    return tuple((start + i * EIGHT_H, D(r)) for i, r in enumerate(rates))


def test_funding_streak_caps_the_target_after_three_settlements() -> None:
    """Three settlements below -0.03 % in a row cap a 100 % ladder target at 50 %."""
    r = rules(funding=SEED_FUNDING, ladder=SEED_LADDER)
    highs = {30: D(70000)}
    two = effective_target(
        r, RuleMemory(), seen("55000", settlements=settlements("-0.0004", "-0.0005"), highs=highs)
    )
    assert two.ratio == D("1.0")
    three = effective_target(
        r,
        two.memory,
        seen("55000", settlements=settlements("-0.0004", "-0.0005", "-0.0004"), highs=highs),
    )
    assert three.ratio == D("0.5")
    assert three.reason.startswith("funding below -0.0003 for 3 settlements: 0.5 instead of ladder")


def test_funding_settlement_counts_once_and_a_normal_one_ends_the_streak() -> None:
    """Seeing the same settlements again adds nothing; one at or above `below` resets it."""
    r = rules(funding=SEED_FUNDING)
    rows = settlements("-0.0004", "-0.0004")
    first = effective_target(r, RuleMemory(), seen(settlements=rows))
    again = effective_target(r, first.memory, seen(settlements=rows))
    assert again.memory.funding_streak == 2
    reset = effective_target(
        r, again.memory, seen(settlements=settlements("-0.0004", "-0.0004", "0.0001"))
    )
    assert reset.memory.funding_streak == 0


def test_funding_never_raises_a_target_nor_caps_a_window() -> None:
    """The funding cap only lowers the tranches/ladder/base; an open window keeps its ratio."""
    r = rules(funding=SEED_FUNDING, windows=(FOMC,))
    streak = RuleMemory(funding_streak=5, funding_seen_ms=0)
    outside = effective_target(r, streak, seen())
    inside = effective_target(r, streak, seen(now=ms("2026-12-10T20:00:00")))
    assert outside.ratio == D("0.3")
    assert inside.ratio == D("0.7")


@pytest.mark.parametrize(
    ("price", "ratio", "reason"),
    [
        ("64000", D("0.3"), "target_ratio 0.3"),
        ("58000", D("0.5"), "ladder: 10.9 % below the 30-day high 65,100"),
        ("52000", D("1.0"), "ladder: 20.1 % below the 30-day high 65,100"),
    ],
)
def test_ladder_follows_the_drawdown_from_the_recent_high(
    price: str, ratio: D, reason: str
) -> None:
    """10 % below the 30-day high → 50 %, 20 % below → 100 %."""
    t = effective_target(rules(ladder=SEED_LADDER), RuleMemory(), seen(price, highs={30: D(65100)}))
    assert (t.ratio, t.reason) == (ratio, reason)


def test_tranches_and_ladder_the_larger_wins() -> None:
    """Tranches armed to 30 % and a ladder rung at 50 %: the ladder speaks."""
    r = rules(tranches=SEED_TRANCHES, ladder=SEED_LADDER)
    t = effective_target(r, RuleMemory(armed=(0,)), seen("58000", highs={30: D(65000)}))
    assert t.ratio == D("0.5")
    assert t.reason.startswith("ladder:")


@pytest.mark.parametrize(
    ("memory", "now", "ratio", "who"),
    [
        # take-profit beats an open window and armed tranches
        (RuleMemory(armed=(0, 1), take_profit_at=D(54000)), FOMC.start_ms, D(0), "take-profit"),
        # an open window beats tranches and ladder
        (RuleMemory(armed=(0, 1)), FOMC.start_ms, D("0.7"), "window"),
        # outside the window: tranches/ladder (ladder 1.0 at 20 % down beats 0.6 armed)
        (RuleMemory(armed=(0, 1)), NOON, D("1.0"), "ladder"),
    ],
)
def test_precedence_take_profit_then_windows_then_tranches_and_ladder(
    memory: RuleMemory, now: int, ratio: D, who: str
) -> None:
    """take_profit > windows > tranches and ladder > target_ratio."""
    r = rules(windows=(FOMC,), tranches=SEED_TRANCHES, take_profit=SEED_TP, ladder=SEED_LADDER)
    t = effective_target(r, memory, seen("56000", now=now, highs={30: D(71000)}))
    assert (t.ratio, t.reason.split(" ")[0].rstrip(":")) == (ratio, who)


def test_target_is_clamped_to_max_ratio_and_says_so() -> None:
    """A rule asking for more than max_ratio gets max_ratio, with the cap in the reason."""
    r = Rules(base_ratio=D("0.3"), max_ratio=D("0.6"), windows=(FOMC,))
    wide = Window("fomc", FOMC.start_ms, FOMC.end_ms, D("0.9"))
    t = effective_target(
        Rules(r.base_ratio, r.max_ratio, windows=(wide,)), RuleMemory(), seen(now=FOMC.start_ms)
    )
    assert (t.ratio, t.reason) == (
        D("0.6"),
        "window fomc until 2026-12-11T06:00Z (capped at max_ratio 0.6)",
    )


def test_unread_price_leaves_price_rules_unchanged() -> None:
    """With no price this cycle nothing arms, hits or re-arms."""
    r = rules(tranches=SEED_TRANCHES, take_profit=SEED_TP)
    memory = RuleMemory(armed=(0,), take_profit_at=None)
    assert effective_target(r, memory, seen()).memory == memory


def test_removed_take_profit_forgets_its_hit() -> None:
    """A reload that drops take_profit releases the hedge from waiting for the re-arm."""
    t = effective_target(rules(), RuleMemory(take_profit_at=D(54000)), seen("50000"))
    assert t.memory.take_profit_at is None
    assert t.ratio == D("0.3")


@pytest.mark.parametrize(
    ("value", "text"),
    [
        (D(58000), "58,000"),
        (D("54980.50"), "54,980.5"),
        (D("0.1234"), "0.1234"),
        (D(1800), "1,800"),
    ],
)
def test_price_text_groups_thousands(value: D, text: str) -> None:
    """Prices in reasons read like the issue's: 58,000, never 5.8E+4."""
    assert price_text(value) == text
