"""The SQLite journal: round trips, idempotency, WAL, schema version and migrations."""

from __future__ import annotations

import sqlite3
import threading
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path

import pytest

from bot.domain.model import Fill, FundingPayment, Order, OrderStatus, Side
from bot.store import (
    SCHEMA_VERSION,
    DuplicateClientId,
    Journal,
    JournalError,
    SchemaTooNew,
)
from bot.store.schema import MIGRATIONS, migrate


class FakeClock:
    """A settable millisecond clock."""

    def __init__(self, now: int = 1_700_000_000_000) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


@dataclass(frozen=True)
class Request:
    """Shaped like bot.exchange.OrderRequest (the journal only needs these attributes)."""

    symbol: str = "BTC/USDT:USDT"
    side: Side = Side.SELL
    amount: Decimal = Decimal("0.005")
    price: Decimal = Decimal("60000.1")
    client_id: str = "hb-BTC-1"
    post_only: bool = True
    reduce_only: bool = False


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock()


@pytest.fixture
def journal(tmp_path: Path, clock: FakeClock) -> Journal:
    with Journal(tmp_path / "j.sqlite", clock=clock) as j:
        yield j


def fill(trade_id: str, ts: int, amount: str = "0.002", price: str = "60000") -> Fill:
    return Fill(
        id=trade_id,
        order_id="ex-1",
        symbol="BTC/USDT:USDT",
        side=Side.SELL,
        amount=Decimal(amount),
        price=Decimal(price),
        fee=Decimal("0.0012"),
        fee_asset="USDT",
        maker=True,
        timestamp_ms=ts,
        client_id="hb-BTC-1",
    )


def test_opens_in_wal_mode_with_the_current_schema(journal: Journal) -> None:
    """A new journal is WAL, synchronous NORMAL, foreign keys on, at the latest version."""
    assert journal.pragma("journal_mode") == "wal"
    assert journal.pragma("synchronous") == 1  # NORMAL
    assert journal.pragma("foreign_keys") == 1
    assert journal.pragma("user_version") == SCHEMA_VERSION == len(MIGRATIONS)


def test_order_intent_round_trips_with_exact_decimals(journal: Journal, clock: FakeClock) -> None:
    """An intent is stored pending before sending and read back with the same values."""
    record = journal.record_order_intent(
        Request(), account="main", hedge="BTC", intent="grow", reason="ratio 0.50 < 1.00"
    )
    assert record.status == "pending" and record.is_live
    assert (record.amount, record.price, record.side) == (
        Decimal("0.005"),
        Decimal("60000.1"),
        Side.SELL,
    )
    assert record.created_at_ms == clock.now
    assert journal.order_by_client_id("hb-BTC-1") == record
    assert journal.pending_orders() == (record,)


def test_same_client_id_is_never_journaled_twice(journal: Journal) -> None:
    """A second intent with a used client id raises instead of allowing a second order."""
    journal.record_order_intent(Request(), account="main", hedge="BTC", intent="grow", reason="")
    with pytest.raises(DuplicateClientId, match="hb-BTC-1"):
        journal.record_order_intent(Request(), account="main", hedge="BTC", intent="g", reason="")


def test_venue_updates_apply_and_never_go_backwards(journal: Journal, clock: FakeClock) -> None:
    """Venue reports update status/fill; a stale 'open' never revives a closed order."""
    journal.record_order_intent(Request(), account="main", hedge="BTC", intent="grow", reason="")
    clock.now += 1000
    closed = Order(
        id="ex-1",
        client_id="hb-BTC-1",
        symbol="BTC/USDT:USDT",
        side=Side.SELL,
        amount=Decimal("0.005"),
        filled=Decimal("0.005"),
        price=Decimal("60000.1"),
        status=OrderStatus.CLOSED,
        average_price=Decimal("60000.1"),
    )
    assert journal.apply_order(closed)
    journal.update_order("hb-BTC-1", status=OrderStatus.OPEN, filled=Decimal("0.001"))
    record = journal.order_by_client_id("hb-BTC-1")
    assert record is not None
    assert (record.status, record.filled, record.exchange_id) == (
        "closed",
        Decimal("0.005"),
        "ex-1",
    )
    assert record.updated_at_ms == clock.now
    assert journal.open_orders_for("BTC") == ()
    assert not journal.apply_order(closed.__class__(**{**_fields(closed), "client_id": "alien"}))


def _fields(order: Order) -> dict[str, object]:
    return {name: getattr(order, name) for name in order.__slots__}


def test_open_and_unknown_orders_count_as_live(journal: Journal) -> None:
    """Pending, unknown and open orders are what may rest on the venue, per hedge."""
    for i, hedge in enumerate(["BTC", "BTC", "ETH"]):
        journal.record_order_intent(
            Request(client_id=f"c{i}"), account="main", hedge=hedge, intent="grow", reason=""
        )
    journal.update_order("c0", status="open", exchange_id="e0")
    journal.mark_unknown("c1")
    assert [o.client_id for o in journal.open_orders_for("BTC")] == ["c0", "c1"]
    assert [o.client_id for o in journal.pending_orders()] == ["c1", "c2"]
    assert len(journal.live_orders("main")) == 3 and journal.live_orders("other") == ()


def test_fills_are_idempotent_and_sum_turnover(journal: Journal) -> None:
    """Re-recording a fill is a no-op; turnover and last fill time come from distinct fills."""
    assert journal.record_fill(fill("t1", 1000), account="main", hedge="BTC")
    assert not journal.record_fill(fill("t1", 1000), account="main", hedge="BTC")
    assert journal.record_fill(fill("t2", 2000, "0.001", "61000"), account="main", hedge="BTC")
    assert journal.record_fill(fill("t1", 3000), account="other", hedge="BTC")  # other account
    assert journal.count("fills") == 3
    assert journal.turnover_since("BTC", 1500) == Decimal("61") + Decimal("120")
    assert journal.last_fill_ts("BTC") == 3000 and journal.last_fill_ts("ETH") is None
    assert journal.fills_since("BTC", 0)[0] == fill("t1", 1000)


def test_fill_notional_can_be_given_for_other_contract_sizes(journal: Journal) -> None:
    """A caller-computed quote notional (e.g. inverse contracts) is what turnover sums."""
    journal.record_fill(
        fill("t1", 1000, "10", "60000"), account="m", hedge="BTC", notional=Decimal(1000)
    )
    assert journal.turnover_since("BTC", 0) == Decimal(1000)


def test_funding_is_idempotent_and_totals_per_asset(journal: Journal) -> None:
    """Funding payments are journaled once and summed per asset with their sign."""
    pay = FundingPayment("f1", "BTC/USDT:USDT", "USDT", Decimal("1.25"), 1000)
    assert journal.record_funding(pay, account="main", hedge="BTC")
    assert not journal.record_funding(pay, account="main", hedge="BTC")
    paid = FundingPayment("f2", "BTC/USDT:USDT", "USDT", Decimal("-0.5"), 2000)
    journal.record_funding(paid, account="main", hedge="BTC")
    assert journal.funding_total("BTC") == {"USDT": Decimal("0.75")}
    assert journal.last_funding_ts("main", "BTC/USDT:USDT") == 2000


def test_cycles_snapshots_and_events_are_recorded(journal: Journal, clock: FakeClock) -> None:
    """Cycles open and close; snapshots, risk and operator events and alerts are stored."""
    journal.start_cycle("c-1")
    journal.record_snapshot(
        "c-1",
        "BTC",
        spot=Decimal("5"),
        perp_contracts=Decimal("-2.5"),
        ratio=Decimal("0.5"),
        target=Decimal("1"),
        gap=Decimal("2.5"),
        data={"mark": Decimal("60000")},
    )
    clock.now += 500
    journal.finish_cycle("c-1", status="error", error="timeout")
    journal.record_risk_event("BTC", grade="warn", action="alert", reason="distance 0.25")
    journal.record_operator_event("pause", source="api", hedge="BTC")
    journal.record_margin_action(
        "BTC", account="main", kind="transfer", asset="USDT", amount=Decimal(100),
        status="ok", reason="top up",
    )  # fmt: skip
    journal.record_alert("warning", "risk:BTC", "BTC margin thin", "distance 0.25", delivered=True)
    (cycle,) = journal.recent_cycles(5)
    assert (cycle.cycle_id, cycle.status, cycle.error) == ("c-1", "error", "timeout")
    assert cycle.finished_at_ms == cycle.started_at_ms + 500
    assert journal.risk_events("BTC")[0]["reason"] == "distance 0.25"
    for table in ("snapshots", "operator_events", "margin_actions", "alerts"):
        assert journal.count(table) == 1


def test_snapshot_of_an_unknown_cycle_is_refused(journal: Journal) -> None:
    """Foreign keys are enforced: a snapshot must belong to a started cycle."""
    with pytest.raises(sqlite3.IntegrityError):
        journal.record_snapshot(
            "nope", "BTC", spot=None, perp_contracts=None, ratio=None, target=None, gap=None
        )


def test_config_versions_are_deduplicated(journal: Journal) -> None:
    """Re-applying the same config adds no row; a changed one does."""
    first = journal.record_config("aaa", "accounts: {}")
    assert journal.record_config("aaa", "accounts: {}") == first
    assert journal.record_config("bbb", "accounts: {x: 1}") != first
    assert journal.latest_config_fingerprint() == "bbb"


def test_migrates_an_older_journal_keeping_its_rows(tmp_path: Path) -> None:
    """A version-1 journal is upgraded in place and its rows survive."""
    path = tmp_path / "old.sqlite"
    conn = sqlite3.connect(path, isolation_level=None)
    assert migrate(conn, target=1) == 1
    conn.execute("INSERT INTO cycles (cycle_id, started_at) VALUES ('old', 1)")
    conn.close()
    with Journal(path) as journal:
        assert journal.pragma("user_version") == SCHEMA_VERSION
        assert [c.cycle_id for c in journal.recent_cycles()] == ["old"]
        journal.record_operator_event("pause", source="cli")  # a version-2 table
        assert journal.count("operator_events") == 1


def test_refuses_a_journal_from_a_newer_version(tmp_path: Path) -> None:
    """A journal written by a newer hedgebot is refused, not downgraded."""
    path = tmp_path / "new.sqlite"
    conn = sqlite3.connect(path)
    conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION + 1}")
    conn.close()
    with pytest.raises(SchemaTooNew):
        Journal(path)


def test_unopenable_path_is_a_journal_error(tmp_path: Path) -> None:
    """A journal in a missing directory fails with a JournalError naming the path."""
    with pytest.raises(JournalError, match="missing"):
        Journal(tmp_path / "missing" / "j.sqlite")


def test_concurrent_writers_from_threads_lose_nothing(journal: Journal) -> None:
    """Many threads recording fills through one Journal all land exactly once."""

    def work(n: int) -> None:
        for i in range(50):
            journal.record_fill(fill(f"t{n}-{i}", i), account="main", hedge="BTC")
            journal.record_fill(fill(f"t{n}-{i}", i), account="main", hedge="BTC")

    threads = [threading.Thread(target=work, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert journal.count("fills") == 400
