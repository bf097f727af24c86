"""The journal opened read-only (for `hedgebot plan` beside a running daemon), and the two
reads the engine's input builder added: the latest hedge memory, and whether a fill is in."""

from __future__ import annotations

import sqlite3
from decimal import Decimal
from pathlib import Path

import pytest

from bot.domain.model import Fill, Side
from bot.store import SCHEMA_VERSION, Journal, JournalError, SchemaTooNew


def _fill(trade_id: str) -> Fill:
    return Fill(trade_id, "o1", "BTC/USDT:USDT", Side.SELL, Decimal(1), Decimal(60_000),
                Decimal(0), "USDT", True, 1_000)  # fmt: skip


def _snapshot(journal: Journal, cycle: str, data: dict[str, object]) -> None:
    journal.start_cycle(cycle)
    journal.record_snapshot(
        cycle, "BTC", spot=None, perp_contracts=Decimal(-1), ratio=None, target=None, gap=None,
        data=data,
    )  # fmt: skip


def test_read_only_journal_reads_what_the_writer_wrote_and_refuses_writes(tmp_path: Path) -> None:
    """Rows written by the daemon's connection are visible; any write raises JournalError
    and leaves the file as it was."""
    path = tmp_path / "j.sqlite"
    with Journal(path) as writer:
        writer.record_fill(_fill("t1"), account="main", hedge="BTC")
        with Journal(path, read_only=True) as reader:
            assert reader.has_fill("main", "BTC/USDT:USDT", "t1")
            writer.record_fill(_fill("t2"), account="main", hedge="BTC")
            assert reader.count("fills") == 2
            with pytest.raises(JournalError, match="readonly"):
                reader.record_fill(_fill("t3"), account="main", hedge="BTC")
        assert writer.count("fills") == 2


def test_read_only_journal_must_exist_and_match_the_schema(tmp_path: Path) -> None:
    """A missing file, an older schema and a newer one each give one clear error."""
    with pytest.raises(JournalError, match="does not exist"):
        Journal(tmp_path / "missing.sqlite", read_only=True)
    for version, error in ((1, JournalError), (SCHEMA_VERSION + 1, SchemaTooNew)):
        path = tmp_path / f"v{version}.sqlite"
        with sqlite3.connect(path) as conn:
            conn.execute(f"PRAGMA user_version = {version}")
        with pytest.raises(error, match=f"v{version}"):
            Journal(path, read_only=True)


def test_last_memory_is_the_newest_snapshot_that_carries_one(tmp_path: Path) -> None:
    """Rows without a memory (older daemons) are skipped; no row at all gives None."""
    with Journal(tmp_path / "j.sqlite") as journal:
        assert journal.last_memory("BTC") is None
        _snapshot(journal, "c1", {"memory": {"risk_hold": True}})
        _snapshot(journal, "c2", {"trusted": True})
        assert journal.last_memory("BTC") == {"risk_hold": True}
        _snapshot(journal, "c3", {"memory": {"risk_hold": False}})
        assert journal.last_memory("BTC") == {"risk_hold": False}
        assert journal.last_memory("ETH") is None
        assert not journal.has_fill("main", "BTC/USDT:USDT", "t1")
