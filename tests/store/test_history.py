"""Read-only journal history for the dashboard: thinning, the report's P&L split with fees at
each chart point, recent actions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from bot.backtest.timestamps import DateRange
from bot.domain.model import Fill, FundingPayment, Side
from bot.report.command import build_reports
from bot.report.journal_read import ReportJournal
from bot.report.split import Split
from bot.store import Journal, JournalError
from bot.store.history import JournalHistory

T0 = 1_700_000_000_000
BTC = "BTC/USDT:USDT"
BTC_USD = "BTC/USD:BTC"
SYMBOLS = {"BTC": BTC}


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


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
def journal(tmp_path: Path, clock: Clock) -> Journal:
    with Journal(tmp_path / "journal.sqlite", clock=clock) as j:
        yield j


def _snapshots(
    journal: Journal,
    clock: Clock,
    marks: list[str],
    *,
    hedge: str = "BTC",
    perp: str = "-1.8",
    size: str = "1",
    start: int = 0,
) -> None:
    for i, mark in enumerate(marks, start):
        clock.now = T0 + i * 1000
        journal.start_cycle(f"{hedge}{i}")
        journal.record_snapshot(
            f"{hedge}{i}", hedge, spot=Decimal(2), perp_contracts=Decimal(perp),
            ratio=Decimal("0.9"), target=Decimal(1), gap=Decimal("0.2"), mark=Decimal(mark),
            data={"distance": "0.35", "margin_ratio": "0.08", "venue_ms": clock.now,
                  "contract_size": size},
        )  # fmt: skip


def _fill(journal: Journal, ts: int, *, fee: str, symbol: str = BTC, asset: str = "USDT") -> None:
    fill = Fill("t1", "o1", symbol, Side.SELL, Decimal("0.2"), Decimal("60050"), Decimal(fee),
                asset, True, ts)  # fmt: skip
    journal.record_fill(fill, account="main", hedge="BTC")


def _fund(
    journal: Journal, ts: int, amount: str, *, symbol: str = BTC, asset: str = "USDT"
) -> None:
    payment = FundingPayment("f1", symbol, asset, Decimal(amount), ts)
    journal.record_funding(payment, account="main", hedge="BTC")


def test_history_reads_snapshots_in_order(journal: Journal, clock: Clock) -> None:
    """Points come oldest first with ratio, distance, margin ratio and the short in base."""
    _snapshots(journal, clock, ["60000", "60100", "59900"])
    history = JournalHistory(journal.path, lambda: SYMBOLS).hedge_history("BTC", T0, 100)
    assert [p.ts_ms for p in history.points] == [T0, T0 + 1000, T0 + 2000]
    assert history.points[0].ratio == Decimal("0.9")
    assert history.points[0].liquidation_distance == Decimal("0.35")
    assert history.points[0].margin_ratio == Decimal("0.08")
    assert history.points[0].perp_base == Decimal("-1.8")


def test_history_pnl_has_fees_funding_and_the_report_total(journal: Journal, clock: Clock) -> None:
    """Each point carries the split summed so far — spot, perp, funding and the fill's fee —
    and the newest total is `hedgebot report`'s total over the same journal."""
    _snapshots(journal, clock, ["60000", "60100", "59900"])
    _fill(journal, T0 + 500, fee="1.2")
    _fund(journal, T0 + 1500, "3.25")
    pnl = JournalHistory(journal.path, lambda: SYMBOLS).hedge_history("BTC", T0, 100).pnl
    assert pnl.currency == "USDT" and pnl.problem is None
    assert [s.fees for s in pnl.splits] == [0, Decimal("1.2"), Decimal("1.2")]
    assert [s.funding for s in pnl.splits] == [0, 0, Decimal("3.25")]
    # 2 spot: +200 then −400; the 1.8 short: −180 then +360; the 0.2 sold at 60050: −10
    assert pnl.splits[-1] == Split(Decimal(-200), Decimal(170), Decimal("3.25"), Decimal("1.2"))
    with ReportJournal(journal.path) as read:
        (report,) = build_reports(read, {"BTC": (BTC, Decimal("0.02"))}, DateRange())
    assert pnl.splits[-1].total == report.total.split.total == Decimal("-27.95")


def test_history_pnl_of_a_coin_margined_hedge_is_in_usd(journal: Journal, clock: Clock) -> None:
    """A COIN-M hedge's funding and fees, paid in BTC, are valued at the mark: all in USD."""
    _snapshots(journal, clock, ["60000", "60000"], perp="-1200", size="100")
    _fund(journal, T0 + 500, "0.001", symbol=BTC_USD, asset="BTC")
    history = JournalHistory(journal.path, lambda: {"BTC": BTC_USD}).hedge_history("BTC", T0, 10)
    assert history.pnl.currency == "USD"
    assert history.pnl.splits[-1].funding == Decimal(60)
    assert history.pnl.splits[-1].total == Decimal(60)


def test_history_pnl_says_why_it_is_missing(journal: Journal, clock: Clock) -> None:
    """No configured symbol leaves the P&L empty with a reason; a fill of another contract
    (a dated future the hedge moved to) is valued on its own, a linear USDT contract, its fee
    counted, instead of emptying the chart."""
    _snapshots(journal, clock, ["60000", "60100"])
    assert JournalHistory(journal.path).hedge_history("BTC", T0, 10).pnl.problem == (
        "hedge BTC has no configured perp symbol"
    )
    _fill(journal, T0 + 500, fee="1", symbol="BTC/USDT:USDT-250328")
    pnl = JournalHistory(journal.path, lambda: SYMBOLS).hedge_history("BTC", T0, 10).pnl
    assert pnl.problem is None and pnl.currency == "USDT"
    assert pnl.splits[-1].fees == 1


def test_history_thins_a_long_window_but_keeps_the_newest(journal: Journal, clock: Clock) -> None:
    """1,000 snapshots asked as 50 points come back as ≤ 50, strided by a power of two,
    newest included."""
    _snapshots(journal, clock, [str(60000 + i) for i in range(1000)])
    history = JournalHistory(journal.path, lambda: SYMBOLS).hedge_history("BTC", T0, 50)
    assert history.snapshots == 1000
    assert history.step == 32 and len(history.points) == 33
    assert history.points[0].ts_ms == T0
    assert history.points[-1].ts_ms == T0 + 999_000
    gaps = {b.ts_ms - a.ts_ms for a, b in zip(history.points, history.points[1:-1], strict=False)}
    assert gaps == {history.step * 1000}


def test_a_sliding_window_keeps_the_same_chart_points(journal: Journal, clock: Clock) -> None:
    """Moving `since` by a few snapshots keeps every chart point on the same journal rows
    (counted from the hedge's first row), so the chart does not shimmer between polls."""
    _snapshots(journal, clock, [str(60000 + i) for i in range(300)])
    history = JournalHistory(journal.path, lambda: SYMBOLS)
    wide = {p.ts_ms for p in history.hedge_history("BTC", T0, 40).points}
    slid = [p.ts_ms for p in history.hedge_history("BTC", T0 + 5000, 40).points]
    assert set(slid[:-1]) <= wide and slid[0] == T0 + 8000


def test_polled_pnl_equals_a_fresh_sum(journal: Journal, clock: Clock) -> None:
    """Polling as the journal grows and the window slides — with a fill journaled late for a
    time already summed — gives the P&L a fresh reader sums from scratch."""
    _snapshots(journal, clock, [str(60000 + 7 * (i % 13)) for i in range(200)])
    polled = JournalHistory(journal.path, lambda: SYMBOLS)
    polled.hedge_history("BTC", T0, 20)
    _snapshots(journal, clock, [str(60100 - i) for i in range(60)], start=200)
    for since in (T0 + 3000, T0 + 9000):
        got = polled.hedge_history("BTC", since, 20).pnl
        fresh = JournalHistory(journal.path, lambda: SYMBOLS).hedge_history("BTC", since, 20).pnl
        assert got == fresh and got.splits[-1].spot != 0
    _fill(journal, T0 + 100_500, fee="2.5")
    got = polled.hedge_history("BTC", T0 + 9000, 20).pnl
    assert (
        got == JournalHistory(journal.path, lambda: SYMBOLS).hedge_history("BTC", T0 + 9000, 20).pnl
    )
    assert got.splits[-1].fees == Decimal("2.5")


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
