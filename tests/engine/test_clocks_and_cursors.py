"""Venue clock vs local clock: quote freshness is judged on the venue's clock, order ages on
ours (the journal's send time), and the fills query never starts more than the venue's
7-day window back. Found by the chaos suite's replays (venue clock in 2023, ours in 2026)."""

from __future__ import annotations

from dataclasses import replace
from decimal import Decimal as D

import pytest

from bot.domain.model import AccountSnapshot, Balance, Position, Side, frozen_map
from bot.domain.risk_policy import RiskPolicy
from bot.engine.cycle import FILL_LOOKBACK_MS, fill_query_start
from bot.engine.decide import Inputs, decide
from bot.exchange.client_ids import make_client_id
from tests.domain._factories import SYMBOL, linear, order, policy, quote

LOCAL_NOW = 1_795_000_000_000  # our clock (2026)
VENUE_NOW = 1_700_000_000_000  # the venue's (a 2023 replay)
DAY = 24 * 3600 * 1000
CID = make_client_id("BTC", "BTC:grow:-1>-2", 1)


def _inputs(*, quote_ms: int, position_ms: int, live=(), sent_at=None) -> Inputs:
    q = quote(bid="60000", ask="60000.1")
    q = type(q)(q.symbol, q.bid, q.ask, quote_ms, mark=q.mark)
    spot = AccountSnapshot(
        account="main",
        taken_at_ms=LOCAL_NOW,
        spot=frozen_map({"BTC": Balance("BTC", D(2), D(0), D(2))}),
    )
    perp = AccountSnapshot(
        account="main",
        taken_at_ms=LOCAL_NOW,
        markets=frozen_map({SYMBOL: linear()}),
        positions=frozen_map(
            {SYMBOL: Position(symbol=SYMBOL, contracts=D("-1"), timestamp_ms=position_ms)}
        ),
        open_orders=tuple(live),
        quotes=frozen_map({SYMBOL: q}),
    )
    return Inputs(
        policy=policy(),
        risk_policy=RiskPolicy(),
        spot=spot,
        perp=perp,
        brackets=(),
        now_ms=LOCAL_NOW,
        max_age_ms=30_000,
        trusted=None,
        fills_since_trusted=(),
        turnover_today=D(0),
        paused=False,
        blocked_reason=None,
        sent_at_ms=sent_at or {},
    )


def test_quote_on_a_far_venue_clock_is_fresh() -> None:
    """A quote stamped on the venue's clock years behind ours is fresh when it is as new as
    the venue's other stamps: the guard must not pause every hedge under skew or replay."""
    d = decide(_inputs(quote_ms=VENUE_NOW, position_ms=VENUE_NOW - 5_000))
    assert d.verdict.ok, d.verdict.reason


def test_quote_older_than_the_venues_own_news_is_stale() -> None:
    """A book older than the position update it came with (by more than the bound) is stale."""
    d = decide(_inputs(quote_ms=VENUE_NOW - 60_000, position_ms=VENUE_NOW))
    assert not d.verdict.ok and "quote" in d.verdict.reason


def test_order_age_uses_our_send_time() -> None:
    """A resting order the venue stamped long ago (venue clock) but we sent 1 s ago (our
    clock) is young: kept, not cancelled every cycle."""
    live = replace(order(Side.SELL, "1", "60000.1", ts=VENUE_NOW, oid="a"), client_id=CID)
    inputs = _inputs(
        quote_ms=VENUE_NOW,
        position_ms=VENUE_NOW,
        live=(live,),
        sent_at={CID: LOCAL_NOW - 1_000},
    )
    d = decide(_with_spot(inputs, "2"))
    assert d.plan.cancels == () and d.plan.kept == ("a",), d.plan.notes


def test_order_age_without_a_send_time_falls_back_to_the_venue_stamp() -> None:
    """An order the journal does not know keeps the venue's stamp (and is repriced if old)."""
    live = replace(order(Side.SELL, "1", "60000.1", ts=LOCAL_NOW - 120_000, oid="b"), client_id=CID)
    d = decide(_with_spot(_inputs(quote_ms=VENUE_NOW, position_ms=VENUE_NOW, live=(live,)), "2"))
    assert [c.order_id for c in d.plan.cancels] == ["b"]


def _with_spot(inputs: Inputs, amount: str) -> Inputs:
    """Spot `amount` BTC against the -1 short: the hedge wants to sell 1 more."""
    spot = AccountSnapshot(
        account="main",
        taken_at_ms=LOCAL_NOW,
        spot=frozen_map({"BTC": Balance("BTC", D(amount), D(0), D(amount))}),
    )
    fields = {f: getattr(inputs, f) for f in Inputs.__dataclass_fields__}
    fields["spot"] = spot
    return Inputs(**fields)


@pytest.mark.parametrize(
    ("cursor", "venue_now", "expected"),
    [
        (None, VENUE_NOW, None),  # nothing journaled yet: the venue's default window
        (VENUE_NOW - DAY, None, VENUE_NOW - DAY),  # venue clock unknown yet
        (VENUE_NOW - DAY, VENUE_NOW, VENUE_NOW - DAY),  # recent cursor kept
        (VENUE_NOW - 30 * DAY, VENUE_NOW, VENUE_NOW - FILL_LOOKBACK_MS),  # old: clamped
    ],
)
def test_fill_query_start(cursor: int | None, venue_now: int | None, expected: int | None) -> None:
    """The fills query starts at the cursor, never further back than the lookback."""
    assert fill_query_start(cursor, venue_now) == expected


def test_lookback_is_inside_binances_seven_day_window() -> None:
    """Binance/ccxt cut a query starting ≥ 7 days back to those 7 days."""
    assert FILL_LOOKBACK_MS < 7 * DAY
