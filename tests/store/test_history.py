"""Read-only journal history for the dashboard: thinning, leg P&L, funding, recent actions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from bot.domain.model import FundingPayment, Side
from bot.store import Journal, JournalError
from bot.store.history import HistoryPoint, JournalHistory, LegPnl, funding_at, leg_pnl

T0 = 1_700_000_000_000


class Clock:
    """A settable millisecond clock."""

    def __init__(self) -> None:
        self.now = T0

    def __call__(self) -> int:
        return self.now


@dataclass(frozen=True)
class Request:
    """Shaped like bot.exchange.OrderRequest."""

    client_id: str
    symbol: str = "BTC/USDT:USDT"
    side: Side = Side.SELL
    amount: Decimal = Decimal("0.5")
    price: Decimal = Decimal("60000")
    post_only: bool = True
    reduce_only: bool = False


def _point(ts: int, spot: str, perp: str, mark: str | None) -> HistoryPoint:
    return HistoryPoint(ts, Decimal(spot), Decimal(perp), None, None,
                        None if mark is None else Decimal(mark), None, None)  # fmt: skip


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def journal(tmp_path: Path, clock: Clock) -> Journal:
    with Journal(tmp_path / "journal.sqlite", clock=clock) as j:
        yield j


def _snapshots(journal: Journal, clock: Clock, marks: list[str], *, hedge: str = "BTC") -> None:
    for i, mark in enumerate(marks):
        clock.now = T0 + i * 1000
        journal.start_cycle(f"{hedge}{i}")
        journal.record_snapshot(
            f"{hedge}{i}", hedge, spot=Decimal(2), perp_contracts=Decimal("-1.8"),
            ratio=Decimal("0.9"), target=Decimal(1), gap=Decimal("0.2"), mark=Decimal(mark),
            data={"distance": "0.35", "margin_ratio": "0.08"},
        )  # fmt: skip


def test_leg_pnl_values_earlier_holdings_at_each_mark_move() -> None:
    """2 spot and a 1.5 short over marks 100 → 110 → 90 gain +20/−15 then −40/+30 per leg."""
    points = [_point(0, "2", "-1.5", "100"), _point(1, "2", "-1.5", "110"),
              _point(2, "3", "-1.5", "90")]  # fmt: skip
    assert leg_pnl(points) == (
        LegPnl(Decimal(0), Decimal(0)),
        LegPnl(Decimal(20), Decimal("-15")),
        LegPnl(Decimal("-20"), Decimal("15")),
    )


def test_leg_pnl_carries_the_last_mark_over_a_point_without_one() -> None:
    """A snapshot with no mark neither gains nor loses; the next move is measured from before."""
    points = [_point(0, "1", "0", "100"), _point(1, "1", "0", None), _point(2, "1", "0", "105")]
    assert [p.spot for p in leg_pnl(points)] == [Decimal(0), Decimal(0), Decimal(5)]


def test_funding_at_sums_payments_up_to_each_time() -> None:
    """Funding received before or at each chart time is summed, later payments wait."""
    payments = [(5, Decimal("1.5")), (10, Decimal("-0.5")), (30, Decimal(2))]
    assert funding_at([0, 5, 20, 40], payments) == (
        Decimal(0),
        Decimal("1.5"),
        Decimal(1),
        Decimal(3),
    )


def test_history_reads_snapshots_and_funding_in_order(journal: Journal, clock: Clock) -> None:
    """Points come oldest first with ratio, distance, margin ratio and cumulative funding."""
    _snapshots(journal, clock, ["60000", "60100", "59900"])
    journal.record_funding(
        FundingPayment("f1", "BTC/USDT:USDT", "USDT", Decimal("3.25"), T0 + 1500),
        account="main", hedge="BTC",
    )  # fmt: skip
    history = JournalHistory(journal.path).hedge_history("BTC", T0, 100)
    assert [p.ts_ms for p in history.points] == [T0, T0 + 1000, T0 + 2000]
    assert history.points[0].ratio == Decimal("0.9")
    assert history.points[0].liquidation_distance == Decimal("0.35")
    assert history.points[0].margin_ratio == Decimal("0.08")
    assert history.points[0].perp_base == Decimal("-1.8")
    assert history.funding == (Decimal(0), Decimal(0), Decimal("3.25"))
    assert history.funding_asset == "USDT"
    assert history.pnl[-1] == LegPnl(Decimal("-200"), Decimal("180"))


def test_history_thins_a_long_window_but_keeps_the_newest(journal: Journal, clock: Clock) -> None:
    """1,000 snapshots asked as 50 points come back as ≤ 50, evenly strided, newest included."""
    _snapshots(journal, clock, [str(60000 + i) for i in range(1000)])
    history = JournalHistory(journal.path).hedge_history("BTC", T0, 50)
    assert history.snapshots == 1000
    assert 40 <= len(history.points) <= 50
    assert history.points[0].ts_ms == T0
    assert history.points[-1].ts_ms == T0 + 999_000
    gaps = {b.ts_ms - a.ts_ms for a, b in zip(history.points, history.points[1:-1], strict=False)}
    assert gaps == {history.step * 1000}


def test_history_only_shows_the_asked_hedge_and_window(journal: Journal, clock: Clock) -> None:
    """Another hedge's rows and rows older than `since` are left out."""
    _snapshots(journal, clock, ["1", "2", "3"], hedge="ETH")
    _snapshots(journal, clock, ["60000", "60100", "59900"])
    history = JournalHistory(journal.path).hedge_history("BTC", T0 + 1000, 100)
    assert [p.mark for p in history.points] == [Decimal("60100"), Decimal("59900")]


def test_history_never_writes_the_journal(journal: Journal, clock: Clock) -> None:
    """The history connection is read-only: the journal's rows are unchanged by any query."""
    _snapshots(journal, clock, ["60000"])
    before = journal.count("snapshots")
    history = JournalHistory(journal.path)
    history.hedge_history("BTC", 0, 10)
    history.recent_actions("BTC")
    with pytest.raises(JournalError, match="readonly"), history._connect() as conn:
        conn.execute("DELETE FROM snapshots")
    assert journal.count("snapshots") == before


def test_missing_journal_is_a_journal_error(tmp_path: Path) -> None:
    """A journal path that does not exist is reported, not created."""
    with pytest.raises(JournalError, match="cannot read journal"):
        JournalHistory(tmp_path / "absent.sqlite").hedge_history("BTC", 0, 10)
    assert not (tmp_path / "absent.sqlite").exists()


def test_recent_actions_merge_orders_margin_and_risk_newest_first(
    journal: Journal, clock: Clock
) -> None:
    """Orders, margin top-ups and risk decisions of the hedge come back newest first, readable."""
    clock.now = T0
    journal.record_order_intent(
        Request("hb-1"), account="main", hedge="BTC", intent="BTC:grow:0>-2", reason="grow"
    )
    journal.update_order("hb-1", status="closed", filled=Decimal("0.5"))
    clock.now = T0 + 1000
    journal.record_margin_action(
        "BTC", account="main", kind="top_up", asset="USDT", amount=Decimal(150), status="done",
        reason="distance 0.2",
    )  # fmt: skip
    clock.now = T0 + 2000
    journal.record_risk_event("BTC", grade="top_up", action="transfer", reason="distance 0.2")
    journal.record_order_intent(
        Request("hb-eth"), account="main", hedge="ETH", intent="grow", reason="other hedge"
    )
    actions = JournalHistory(journal.path).recent_actions("BTC")
    assert [a.kind for a in actions] == ["risk", "margin", "order"]
    assert actions[0].text == "top_up → transfer: distance 0.2"
    assert actions[1].text == "top_up 150 USDT done: distance 0.2"
    assert actions[2].text == "sell 0.5 @ 60000 (grow): filled"


def test_recent_actions_say_how_much_a_cancelled_order_filled(
    journal: Journal, clock: Clock
) -> None:
    """An order cancelled after a partial fill says how much of it filled."""
    journal.record_order_intent(
        Request("hb-2", side=Side.BUY, reduce_only=True), account="main", hedge="BTC",
        intent="BTC:shrink:-2>-1.5", reason="shrink",
    )  # fmt: skip
    journal.update_order("hb-2", status="canceled", filled=Decimal("0.2"))
    (action,) = JournalHistory(journal.path).recent_actions("BTC")
    assert action.text == "buy 0.5 @ 60000 (shrink): canceled, 0.2 filled"
