"""The report's exact P&L split on hand-made journal rows: per UTC day and in total, spot +
perp + funding − fees is the equity change worked out by hand; the window filters days; the
CLI's mistakes are one line."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from bot.backtest.timestamps import DateRange
from bot.cli import main
from bot.domain.model import Fill, FundingPayment, Side
from bot.report.hedge_report import hedge_report
from bot.report.journal_read import HedgeEvents, SnapshotRow
from tests.engine.service import Clock, open_service

DAY = 86_400_000
T0 = 1_735_689_600_000  # 2025-01-01T00:00:00Z
SYMBOL = "BTC/USDT:USDT"


def _reading(ms: int, contracts: str, mark: str) -> SnapshotRow:
    return SnapshotRow(ms, ms, D(1), D(contracts), D(mark), D(1), None, D(1), None)


READINGS = [
    _reading(T0, "0", "100"),
    _reading(T0 + 3_600_000, "-1", "101"),  # sold 1 at 101 in between
    _reading(T0 + DAY + 3_600_000, "-1", "90"),  # next day: the price fell, funding paid
]
FILLS = [Fill("t1", "o1", SYMBOL, Side.SELL, D(1), D(101), D("0.02"), "USDT", True, T0 + 60_000)]
FUNDING = [FundingPayment("f1", SYMBOL, "USDT", D("0.5"), T0 + DAY)]
NO_EVENTS = HedgeEvents((), (), ())


def test_days_and_total_sum_to_the_equity_change_worked_by_hand() -> None:
    """Day 1: spot +1 (100→101), perp 0 (sold at 101, marked 101), fee 0.02; day 2: spot −11,
    perp +11 (101→90 on the short), funding +0.5: the total is the hand-worked equity change,
    1.48, exactly, and each day's parts add up to its total."""
    report = hedge_report(
        "BTC", SYMBOL, D("0.02"), READINGS, FILLS, FUNDING, NO_EVENTS, DateRange()
    )
    day1, day2 = report.days
    assert (day1.day, day1.split.spot, day1.split.perp, day1.split.fees) == (
        "2025-01-01",
        D(1),
        D(0),
        D("0.02"),
    )
    assert (day2.split.spot, day2.split.perp, day2.split.funding) == (D(-11), D(11), D("0.5"))
    equity_change = (1 * 90 - 1 * 100) + (101 - 90) * 1 + D("0.5") - D("0.02")
    assert report.total.split.total == equity_change == D("1.48")
    assert day1.split.total + day2.split.total == report.total.split.total
    assert (day1.fills, day2.fills, report.total.fills) == (1, 0, 1)


def test_the_window_keeps_the_days_inside_it() -> None:
    """--from 2025-01-02 keeps only the second day's change (its start is the day-1 reading)."""
    window = DateRange(T0 + DAY, None)
    report = hedge_report("BTC", SYMBOL, D("0.02"), READINGS, FILLS, FUNDING, NO_EVENTS, window)
    assert [d.day for d in report.days] == ["2025-01-02"]
    assert report.total.split.total == D(-11) + D(11) + D("0.5")


def test_report_without_a_journal_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A config whose daemon never ran: exit 2 and one line naming journal.path."""
    config = tmp_path / "hedgebot.yaml"
    config.write_text(
        yaml.safe_dump(
            {
                "accounts": {"main": {"exchange": "binance", "mode": "sim"}},
                "journal": {"path": str(tmp_path / "none.sqlite")},
            }
        ),
        encoding="utf-8",
    )
    assert main(["report", "-c", str(config)]) == 2
    err = capsys.readouterr().err.strip()
    assert "journal.path" in err and "\n" not in err and "Traceback" not in err


def test_report_with_bad_dates_is_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--to before --from: exit 2 and one line naming the flags."""
    config = tmp_path / "hedgebot.yaml"
    config.write_text("accounts: {main: {exchange: binance, mode: sim}}\n", encoding="utf-8")
    assert main(["report", "-c", str(config), "--from", "2025-02-01", "--to", "2025-01-01"]) == 2
    assert "--to" in capsys.readouterr().err


async def test_report_reads_the_daemons_journal_and_writes_plots(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a journal the engine wrote (a fake venue: a 2 BTC sell filled at 60,000.1, marked at
    60,000.05), `hedgebot report --json --out DIR` shows the fill, the perp P&L +0.10 as the
    total, and writes report.json and the hedge's plots and HTML."""
    clock = Clock()
    service = open_service(tmp_path, clock=clock)
    await service.cycle()
    clock.advance(5)
    service.fake.fill(service.fake.open_orders()[0].client_id or "")
    for _ in range(2):
        clock.advance(10)
        await service.cycle()
    service.rt.journal.close()
    capsys.readouterr()  # the cycles' log lines
    out = tmp_path / "out"
    assert main(["report", "-c", str(service.config), "--json", "--out", str(out)]) == 0
    hedge = json.loads(capsys.readouterr().out)["hedges"]["BTC"]
    total = hedge["total"]
    assert "basket" not in hedge  # alone on its perp: no basket, the split as before
    assert (total["fills"], D(total["perp_pnl"]), D(total["total"])) == (1, D("0.10"), D("0.10"))
    assert (out / "report.json").is_file()
    assert {"report.html", "equity.png"} <= {p.name for p in (out / "BTC").iterdir()}
