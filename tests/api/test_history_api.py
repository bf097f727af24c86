"""GET /history: parameters (400 naming the bad one), the chart document, journal failures."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal
from pathlib import Path

import pytest

from bot.backtest.timestamps import DateRange
from bot.domain.model import Fill, Side
from bot.report.command import build_reports
from bot.report.journal_read import ReportJournal
from bot.report.pnl_series import PnlSeries
from bot.report.split import Split
from bot.store import Journal, JournalError
from bot.store.history import ActionRecord, HedgeHistory, HistoryPoint, JournalHistory
from tests.api.conftest import NOW
from tests.api.dashboard_support import ServeDashboard, fetch, serve_dashboard

__all__ = ["serve_dashboard"]

NOW_MS = int(NOW * 1000)


class FakeHistory:
    """A HistorySource answering one fixed history; records each query (hedge, since, points)."""

    def __init__(self, error: Exception | None = None) -> None:
        self.calls: list[tuple[str, int, int]] = []
        self.error = error

    def hedge_history(self, hedge: str, since_ms: int, max_points: int) -> HedgeHistory:
        self.calls.append((hedge, since_ms, max_points))
        if self.error:
            raise self.error
        d = Decimal
        point = HistoryPoint(NOW_MS - 1000, d(5), d("-4.9"), d("0.98"), d(1), d(60000),
                             d("0.12"), d("0.48"))  # fmt: skip
        return HedgeHistory((point,), PnlSeries((Split(),), "USDT"), 1, 1)

    def recent_actions(self, hedge: str, limit: int = 10) -> Sequence[ActionRecord]:
        return (ActionRecord(NOW_MS - 500, "order", "sell 0.1 @ 60000 (grow): resting"),)


@pytest.mark.parametrize(
    ("query", "param", "said"),
    [
        ("", "hedge", "is required (one of: BTC, ETH)"),
        ("hedge=DOGE", "hedge", "unknown hedge 'DOGE' (configured: BTC, ETH)"),
        ("hedge=BTC&since=yesterday", "since", "not a duration"),
        ("hedge=BTC&since=2023-11-14T00:00:00", "since", "has no time zone"),
        ("hedge=BTC&since=2099-01-01T00:00:00Z", "since", "in the future"),
        ("hedge=BTC&since=nan", "since", "is not a time"),
        ("hedge=BTC&since=-5", "since", "is not a time"),
        ("hedge=BTC&points=many", "points", "not a whole number"),
        ("hedge=BTC&points=1", "points", "outside 2..2000"),
        ("hedge=BTC&points=5000", "points", "outside 2..2000"),
    ],
)
async def test_bad_parameter_is_400_naming_it(
    serve_dashboard: ServeDashboard, query: str, param: str, said: str
) -> None:
    """Each malformed parameter gives 400 with `param` and a message that names it."""
    history = FakeHistory()
    api = await serve_dashboard(history=history)
    answer = await fetch("GET", f"{api.url}/history?{query}")
    assert answer.status == 400
    body = answer.json()
    assert body["param"] == param
    assert body["error"].startswith(f"{param}: ")
    assert said in body["error"]
    assert history.calls == []


@pytest.mark.parametrize(
    ("since", "since_ms"),
    [
        (None, NOW_MS - 24 * 3600_000),
        ("6h", NOW_MS - 6 * 3600_000),
        ("90s", NOW_MS - 90_000),
        ("7d", NOW_MS - 7 * 86400_000),
        ("1699990000", 1_699_990_000_000),
        ("2023-11-14T22:13:20Z", 1_700_000_000_000),
        ("2023-11-14T23:13:20+01:00", 1_700_000_000_000),
    ],
)
async def test_since_accepts_durations_epochs_and_iso_times(
    serve_dashboard: ServeDashboard, since: str | None, since_ms: int
) -> None:
    """`since` as a duration, epoch seconds or a zoned ISO time becomes the same millisecond."""
    history = FakeHistory()
    api = await serve_dashboard(history=history)
    query = "hedge=BTC&points=50" + (f"&since={since.replace('+', '%2B')}" if since else "")
    answer = await fetch("GET", f"{api.url}/history?{query}")
    assert answer.status == 200, answer.text
    assert history.calls == [("BTC", since_ms, 50)]


BTC = "BTC/USDT:USDT"


def _journal_with_two_cycles(path: Path) -> None:
    times = [NOW_MS - 2000, NOW_MS - 2000, NOW_MS - 1500, NOW_MS - 1000, NOW_MS - 1000]
    with Journal(path, clock=iter(times).__next__) as journal:
        for i, mark in enumerate(("60000", "59000")):
            journal.start_cycle(f"c{i}")
            journal.record_snapshot(
                f"c{i}", "BTC", spot=Decimal(2), perp_contracts=Decimal(-2), ratio=Decimal(1),
                target=Decimal(1), gap=Decimal(0), mark=Decimal(mark),
                data={"distance": "0.4", "margin_ratio": "0.1",
                      "venue_ms": NOW_MS - 2000 + i * 1000},
            )  # fmt: skip
            if i == 0:  # a 0.5 sold at 59500, 3 USDT fee, between the two readings
                journal.record_fill(
                    Fill("t1", "o1", BTC, Side.SELL, Decimal("0.5"), Decimal(59500), Decimal(3),
                         "USDT", True, NOW_MS - 1500), account="main", hedge="BTC",
                )  # fmt: skip


async def test_history_document_from_the_real_journal(
    serve_dashboard: ServeDashboard, tmp_path: Path
) -> None:
    """A journal's snapshots come back as equal-length columns of exact decimals, with the
    report's P&L split in USDT: fees paid, and a newest total equal to `hedgebot report`'s."""
    path = tmp_path / "journal.sqlite"
    _journal_with_two_cycles(path)
    api = await serve_dashboard(history=JournalHistory(path, lambda: {"BTC": BTC, "ETH": "x"}))
    body = (await fetch("GET", f"{api.url}/history?hedge=BTC&since=1h")).json()
    series = body["series"]
    assert series["t"] == [NOW - 2, NOW - 1]
    assert series["ratio"] == ["1", "1"]
    assert series["liquidation_distance"] == ["0.4", "0.4"]
    assert series["perp"] == ["-2", "-2"]
    assert {len(column) for column in series.values()} == {2}
    pnl = body["pnl"]
    assert (pnl["currency"], pnl["problem"]) == ("USDT", None)
    assert pnl["spot"] == ["0", "-2000"]
    assert pnl["perp"] == ["0", "2250.0"]  # the short of 2 from 60000, the 0.5 from 59500
    assert pnl["fees"] == ["0", "3"]
    assert pnl["total"] == ["0", "247.0"]
    with ReportJournal(path) as journal:
        (report,) = build_reports(journal, {"BTC": (BTC, Decimal("0.02"))}, DateRange())
    assert Decimal(pnl["total"][-1]) == report.total.split.total
    assert "fees" in pnl["basis"] and "report" not in pnl["basis"]
    assert (body["hedge"], body["snapshots"], body["sampled_every"]) == ("BTC", 2, 1)


async def test_history_lists_recent_actions(serve_dashboard: ServeDashboard) -> None:
    """The hedge's latest journaled actions come with the chart data, newest first."""
    api = await serve_dashboard(history=FakeHistory())
    body = (await fetch("GET", f"{api.url}/history?hedge=BTC")).json()
    assert body["actions"] == [
        {"at": NOW - 0.5, "kind": "order", "text": "sell 0.1 @ 60000 (grow): resting"}
    ]


async def test_unreadable_journal_is_503_saying_so(serve_dashboard: ServeDashboard) -> None:
    """A journal that cannot be read gives 503 with the reason, not a traceback."""
    history = FakeHistory(JournalError("cannot read journal /x: disk I/O error"))
    api = await serve_dashboard(history=history)
    answer = await fetch("GET", f"{api.url}/history?hedge=BTC")
    assert answer.status == 503
    assert "journal cannot be read" in answer.json()["error"]


async def test_history_without_a_journal_is_503(serve_dashboard: ServeDashboard) -> None:
    """An API built without a history source says it has none (after checking the params)."""
    api = await serve_dashboard(history=None)
    assert (await fetch("GET", f"{api.url}/history?hedge=NOPE")).status == 400
    answer = await fetch("GET", f"{api.url}/history?hedge=BTC")
    assert answer.status == 503
    assert "no journal history" in answer.json()["error"]
