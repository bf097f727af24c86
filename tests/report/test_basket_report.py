"""`hedgebot report` on a basket: each member's perp P&L, funding and fees are its share of
the basket's (the share journaled with the reading that starts each interval), its spot P&L
its own holding's, and the members add up to the basket exactly (the lead takes the
rounding remainder)."""

from __future__ import annotations

import json
from decimal import Decimal as D
from pathlib import Path

import pytest

from bot.backtest.timestamps import DateRange
from bot.cli import main
from bot.domain.model import Fill, FundingPayment, Side, Wallet
from bot.notify.alert import Severity
from bot.report.basket_split import basket_increments, basket_members
from bot.report.command import build_reports
from bot.report.digest import daily_digest
from bot.report.hedge_report import HedgeReport, report_of
from bot.report.journal_read import BasketTag, HedgeEvents, ReportJournal, SnapshotRow
from bot.report.pnl_series import PnlSeriesCache
from bot.report.split import Split
from tests.engine.fake_exchange import SYMBOL
from tests.engine.service import BTC_HEDGE, open_service

DAY = 86_400_000
T0 = 1_735_689_600_000  # 2025-01-01T00:00:00Z
THIRD, TWO_THIRDS = D(1) / 3, D(2) / 3
MEMBERS = ("A", "B")


def _row(cycle: int, ms: int, spot: str, contracts: str, mark: str, share: D) -> SnapshotRow:
    tag = BasketTag(MEMBERS, share)
    return SnapshotRow(
        ms, ms, D(spot), D(contracts), D(mark), D(1), None, None, None, f"c{cycle}", tag
    )


def _readings() -> dict[str, list[SnapshotRow]]:
    """A (1 coin, 1/3 of the position) and B (2 coins, 2/3): flat at 100, 3 sold at 101
    (A's share −1, B's −2), next day at 90."""
    times = (T0, T0 + 3_600_000, T0 + DAY + 3_600_000)
    marks, contracts = ("100", "101", "90"), {"A": ("0", "-1", "-1"), "B": ("0", "-2", "-2")}
    spot, share = {"A": "1", "B": "2"}, {"A": THIRD, "B": TWO_THIRDS}
    return {
        m: [_row(i, t, spot[m], contracts[m][i], marks[i], share[m]) for i, t in enumerate(times)]
        for m in MEMBERS
    }


ETH_MEMBER = {**BTC_HEDGE, "spot": {"account": "main", "asset": "ETH"}, "target_ratio": 0.5}
HEDGES = {"BTC": BTC_HEDGE, "ETH": ETH_MEMBER}
FILLS = [Fill("t1", "o1", SYMBOL, Side.SELL, D(3), D(101), D("0.03"), "USDT", True, T0 + 60_000)]
FUNDING = [FundingPayment("f1", SYMBOL, "USDT", D("0.5"), T0 + DAY)]


def _hand_reports() -> dict[str, HedgeReport]:
    incs = basket_increments(SYMBOL, _readings(), FILLS, FUNDING)
    none = HedgeEvents((), (), ())
    return {m: report_of(m, D("0.02"), incs[m], none, DateRange()) for m in MEMBERS}


def test_members_split_the_baskets_perp_funding_and_fees_by_their_shares() -> None:
    """Perp +33 (the 3-short from 101 to 90), funding 0.5, fee 0.03: B gets 2/3 of each (22,
    0.333333333333, 0.02), A the rest; spot is each one's own holding (−10, −20)."""
    reports = _hand_reports()
    a, b = (reports[m].total.split for m in MEMBERS)
    assert (b.spot, b.perp, b.funding, b.fees) == (D(-20), D(22), D("0.333333333333"), D("0.02"))
    assert (a.spot, a.perp, a.funding, a.fees) == (D(-10), D(11), D("0.166666666667"), D("0.01"))


def test_members_add_up_to_the_baskets_equity_change_exactly() -> None:
    """Spot −30 (3 coins 100→90) + perp 33 + funding 0.5 − fee 0.03 = 3.47: the members'
    totals and each of their parts sum to the basket's, to the last digit."""
    a, b = (r.total.split for r in _hand_reports().values())
    assert a.total + b.total == D("3.47")
    assert (a.perp + b.perp, a.funding + b.funding, a.fees + b.fees) == (D(33), D("0.5"), D("0.03"))


async def test_report_splits_a_basket_the_daemon_journaled(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A real basket cycle (BTC 2 coins at target 1, ETH 10 coins at 0.5: one sell, filled,
    then BTC up 300, funding journaled on the lead): the members' perp P&L adds up to the
    fills marked to the last mark exactly, ETH's is its share of it, each spot P&L is its
    own holding's; `--json` names the basket and its share, the table the partners, and the
    daily digest and the dashboard's P&L chart show the same split."""
    service = open_service(tmp_path, hedges=HEDGES)
    fake = service.fake
    fake.balances[Wallet.SPOT]["ETH"] = D(10)
    fake.quotes["ETH/USDT"] = (D("2999.99"), D("3000.01"))
    await service.cycle()
    service.clock.advance(5)
    for order in fake.open_orders():
        fake.fill(order.client_id or "")
    service.clock.advance(5)
    await service.cycle()
    fake.quotes[SYMBOL] = (D("60300"), D("60300.1"))
    payment = FundingPayment("f1", SYMBOL, "USDT", D("1.25"), service.clock() + 1)
    service.rt.journal.record_funding(payment, account="main", hedge="BTC")
    service.clock.advance(5)
    await service.cycle()
    service.rt.journal.close()
    first, last = D("60000.05"), D("60300.05")
    (fill,) = fake.fills
    journal_path = service.settings().journal.path
    with ReportJournal(journal_path) as journal:
        btc, eth = build_reports(journal, {n: (SYMBOL, D("0.02")) for n in HEDGES}, DateRange())
        shares = [r.basket.share for r in journal.snapshots("ETH") if r.basket]
        times = [r.taken_at_ms for r in journal.snapshots("ETH")]
    chart = PnlSeriesCache().series(Path(journal_path), "ETH", SYMBOL, 1, times)
    b, e = btc.total.split, eth.total.split
    marked, moved = -fill.amount * (first - fill.price), -fill.amount * (last - first)
    assert b.perp + e.perp == marked + moved == -fill.amount * (last - fill.price)
    assert abs(e.perp - (marked * shares[0] + moved * shares[1])) < D("1e-11")
    assert b.funding + e.funding == D("1.25") and e.funding > 0
    assert (b.spot, e.spot) == (2 * (last - first), 10 * (last - first))
    assert chart.splits[-1] == e and chart.splits[0] == Split()  # the dashboard's P&L chart
    capsys.readouterr()
    assert main(["report", "-c", str(service.config), "--json"]) == 0
    hedges = json.loads(capsys.readouterr().out)["hedges"]
    assert hedges["ETH"]["basket"]["members"] == ["BTC", "ETH"]
    assert D(hedges["ETH"]["basket"]["share"]) == shares[-1]
    assert D(hedges["ETH"]["total"]["perp_pnl"]) == e.perp
    assert main(["report", "-c", str(service.config)]) == 0
    assert "hedge ETH (basket with BTC)" in capsys.readouterr().out
    digest = daily_digest(
        journal_path, {n: (SYMBOL, D("0.02")) for n in HEDGES}, service.clock() + 1, Severity.INFO
    )
    assert (
        f"ETH: ratio 0.500; P&L {e.total:+,.2f} = spot {e.spot:+,.2f} + perp {e.perp:+,.2f}"
        in digest.body
    )


def test_a_member_removed_by_a_reload_keeps_its_part_before_and_the_lead_takes_the_rest() -> None:
    """A, B, C (1/3 each) on one 3-short; C leaves by a reload after the second reading: the
    hedges still configured name C as a past member, C keeps its third of the fee before it
    left, and over the interval across the reload A takes C's part: every part still adds
    up to the basket's perp P&L (3 × 10 = 30) and fees (0.03) exactly."""
    three, two = BasketTag(("A", "B", "C"), THIRD), BasketTag(("A", "B"), D("0.5"))

    def rows(name: str, n: int) -> list[SnapshotRow]:
        marks, contracts = ("100", "100", "90"), ("0", "-1", "-1.5")
        return [
            SnapshotRow(T0 + i, T0 + i, D(1), D(contracts[i] if i < 2 or name != "C" else "0"),
                        D(marks[i]), D(1), None, None, None, f"c{i}", three if i < 2 else two)
            for i in range(n)
        ]  # fmt: skip

    readings = {"A": rows("A", 3), "B": rows("B", 3), "C": rows("C", 2)}
    sold = Fill("t1", "o1", SYMBOL, Side.SELL, D(3), D(100), D("0.03"), "USDT", True, T0 + 1)
    incs = basket_increments(SYMBOL, readings, [sold], [])
    parts = [i.split for name in "ABC" for i in incs[name]]
    assert basket_members(readings["A"]) == ("A", "B", "C")
    assert [i.split.fees for i in incs["C"]] == [D("0.01")] and len(incs["A"]) == 2
    assert (incs["A"][1].split.perp, incs["B"][1].split.perp) == (20, 10)
    assert sum((p.perp for p in parts), D(0)) == 30
    assert sum((p.fees for p in parts), D(0)) == D("0.03")
