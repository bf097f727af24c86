"""`decide(DecisionInputs)`: one hedge's whole decision as a pure function.

Clocks: quote freshness is judged on the venue's clock, order ages on ours (the journal's send
time) — found by the chaos suite's replays (venue clock in 2023, ours in 2026). Risk: never
skipped; without margin brackets the short never grows. Memory: the decision returns the
memory the next cycle starts from."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

from bot.domain.decision import DecisionInputs, decide
from bot.domain.liquidation import MarginBracket
from bot.domain.memory import HedgeLegs, HedgeMemory, Suspect, Trusted
from bot.domain.model import (
    AccountSnapshot,
    Balance,
    MarginMode,
    Position,
    Quote,
    Side,
    frozen_map,
)
from bot.domain.risk_policy import RiskGrade, RiskPolicy
from bot.domain.sizing import Purpose

from ._factories import SYMBOL, linear, order, policy, quote

LOCAL_NOW = 1_795_000_000_000  # our clock (2026)
VENUE_NOW = 1_700_000_000_000  # the venue's (a 2023 replay)
CID = "hb-BTC-1"
LEGS = HedgeLegs("main", "BTC", "main", SYMBOL)
BRACKETS = (MarginBracket(D(0), D(10_000_000), D("0.004"), D(0)),)


def _position(contracts: str, ms: int = VENUE_NOW, **kw: object) -> Position:
    return Position(symbol=SYMBOL, contracts=D(contracts), timestamp_ms=ms, **kw)  # type: ignore[arg-type]


def _inputs(
    *,
    spot: str = "2",
    position: Position | None = None,
    quote_ms: int = VENUE_NOW,
    brackets: tuple[MarginBracket, ...] = BRACKETS,
    memory: HedgeMemory | None = None,
    **kw: object,
) -> DecisionInputs:
    q = quote(bid="60000", ask="60000.1")
    q = Quote(q.symbol, q.bid, q.ask, quote_ms, mark=q.mark)
    spot_snapshot = AccountSnapshot(
        account="main",
        taken_at_ms=LOCAL_NOW,
        spot=frozen_map({"BTC": Balance("BTC", D(spot), D(0), D(spot))}),
    )
    perp = AccountSnapshot(
        account="main",
        taken_at_ms=LOCAL_NOW,
        markets=frozen_map({SYMBOL: linear()}),
        positions=frozen_map({SYMBOL: position or _isolated("-1", collateral="30000")}),
        futures=frozen_map({"USDT": Balance("USDT", D(50_000), D(0), D(50_000))}),
        quotes=frozen_map({SYMBOL: q}),
    )
    fields: dict[str, object] = {
        "policy": policy(),
        "risk_policy": RiskPolicy(),
        "spot": spot_snapshot,
        "perp": perp,
        "memory": memory or HedgeMemory(LEGS),
        "now_ms": LOCAL_NOW,
        "max_age_ms": 30_000,
        "brackets": brackets,
    }
    fields.update(kw)
    return DecisionInputs(**fields)  # type: ignore[arg-type]


def _isolated(contracts: str, *, collateral: str, liq: str | None = None) -> Position:
    """A short with `collateral` USDT of isolated margin, entered at 60000."""
    return _position(
        contracts,
        entry_price=D(60_000),
        collateral=D(collateral),
        margin_mode=MarginMode.ISOLATED,
        liquidation_price=None if liq is None else D(liq),
    )


# --- clocks --------------------------------------------------------------------------------


def test_quote_on_a_far_venue_clock_is_fresh() -> None:
    """A quote stamped on the venue's clock years behind ours is fresh when it is as new as
    the venue's other stamps: the guard must not pause every hedge under skew or replay."""
    d = decide(_inputs(position=_position("-1", VENUE_NOW - 5_000)))
    assert d.verdict.ok, d.verdict.reason


def test_quote_older_than_the_venues_own_news_is_stale() -> None:
    """A book older than the position update it came with (by more than the bound) is stale."""
    d = decide(_inputs(quote_ms=VENUE_NOW - 60_000))
    assert not d.verdict.ok and "quote" in d.verdict.reason


def test_order_age_uses_our_send_time() -> None:
    """A resting order the venue stamped long ago (venue clock) but we sent 1 s ago (our
    clock) is young: kept, not cancelled every cycle."""
    live = replace(order(Side.SELL, "1", "60000.1", ts=VENUE_NOW, oid="a"), client_id=CID)
    d = decide(_inputs(live_orders=(live,), sent_at_ms={CID: LOCAL_NOW - 1_000}))
    assert d.plan.cancels == () and d.plan.kept == ("a",), d.plan.notes


def test_order_age_without_a_send_time_falls_back_to_the_venue_stamp() -> None:
    """An order the journal does not know keeps the venue's stamp (and is repriced if old)."""
    live = replace(order(Side.SELL, "1", "60000.1", ts=LOCAL_NOW - 120_000, oid="b"), client_id=CID)
    d = decide(_inputs(live_orders=(live,)))
    assert [c.order_id for c in d.plan.cancels] == ["b"]


# --- risk is never skipped -----------------------------------------------------------------


def test_without_brackets_the_short_is_not_grown() -> None:
    """Brackets unreadable: 2 BTC spot against a 1 BTC short places no sell, says why, and the
    memory records that the decision was made without brackets."""
    d = decide(_inputs(brackets=()))
    assert d.plan.orders == ()
    assert any("margin brackets unavailable" in n for n in d.plan.notes), d.plan.notes
    assert d.memory.brackets_missing is True
    assert d.risk is not None and d.risk.grade is RiskGrade.OK


def test_without_brackets_an_excess_short_is_still_bought_back() -> None:
    """Brackets unreadable, spot sold down to 0.5 BTC under a 1 BTC short: the shrink (a
    reduce-only buy) still happens."""
    d = decide(_inputs(spot="0.5", brackets=()))
    (buy,) = d.plan.orders
    assert buy.side is Side.BUY and buy.reduce_only and buy.purpose is Purpose.SHRINK


def test_with_brackets_the_same_hedge_grows() -> None:
    """The control case: brackets known, the gap is sold and nothing is flagged."""
    d = decide(_inputs())
    (sell,) = d.plan.orders
    assert sell.side is Side.SELL and sell.purpose is Purpose.GROW
    assert d.memory.brackets_missing is False


def test_without_brackets_the_venues_liquidation_price_is_graded() -> None:
    """No brackets, but the venue reports liquidation 8 % above the mark: the one assessment
    (`risk.assess`, never a bracketless shortcut) grades REDUCE on that price and sizes the
    top-up from it (the futures wallet's free margin, no spot transfer); nothing is sold and
    no reason reads "None"."""
    position = _isolated("-1", collateral="5000", liq="64800")
    d = decide(_inputs(position=position, brackets=()))
    assert d.risk.liquidation_price == D(64_800)
    assert d.risk.grade is RiskGrade.REDUCE and d.risk.brackets_missing
    assert d.risk.top_up is not None and d.risk.top_up.transfer_from_spot == 0
    assert d.risk.top_up.add_isolated_margin > 0
    assert d.plan.orders == ()
    text = " ".join(d.risk.reasons)
    assert "margin brackets unavailable" in text and "None" not in text


def test_risk_hold_blocks_growth_and_is_updated_only_from_trusted_readings() -> None:
    """A held hedge does not grow; a trusted healthy reading releases the hold for the next
    cycle; an untrusted one, or one graded without brackets, leaves it as it was."""
    held = HedgeMemory(LEGS, risk_hold=True)
    d = decide(_inputs(memory=held))
    assert d.plan.orders == () and d.memory.risk_hold is False  # flat-healthy: released
    stale = decide(_inputs(memory=held, quote_ms=VENUE_NOW - 60_000))
    assert stale.memory.risk_hold is True
    bracketless = decide(_inputs(memory=held, brackets=()))
    assert bracketless.memory.risk_hold is True


def test_a_critical_grade_sets_the_hold() -> None:
    """Liquidation 15 % away (TOP_UP or worse) holds increases from the next cycle on."""
    position = _isolated("-1", collateral="9300")
    d = decide(_inputs(position=position))
    assert d.risk.grade >= RiskGrade.TOP_UP, d.risk.reasons
    assert d.memory.risk_hold is True


# --- memory --------------------------------------------------------------------------------


def test_a_consistent_reading_becomes_the_baseline() -> None:
    """Fresh data: the reading is trusted and is the next cycle's baseline, venue-stamped."""
    d = decide(_inputs(position=_position("-1", VENUE_NOW - 5)))
    assert d.trusted is True
    assert d.memory.trusted == Trusted(D(-1), VENUE_NOW - 5)


def test_a_flat_report_against_our_fills_pauses_and_is_not_adopted() -> None:
    """Baseline -1, venue says flat: data not trusted, nothing traded, baseline kept."""
    memory = HedgeMemory(LEGS, trusted=Trusted(D(-1), VENUE_NOW - 1_000))
    d = decide(_inputs(position=_position("0"), memory=memory))
    assert not d.verdict.ok and "our fills imply -1" in d.verdict.reason
    assert d.plan.orders == ()
    assert d.memory.trusted == memory.trusted and d.memory.suspect == Suspect(D(0), 1)


def test_a_rebaseline_request_accepts_the_venues_reading() -> None:
    """After the operator resumed, the flat report is accepted as the new baseline."""
    memory = HedgeMemory(LEGS, trusted=Trusted(D(-1), VENUE_NOW - 1_000), rebaseline=True)
    d = decide(_inputs(position=_position("0"), memory=memory))
    assert d.verdict.ok and d.trusted
    assert d.memory.trusted == Trusted(D(0), VENUE_NOW) and d.memory.rebaseline is False
