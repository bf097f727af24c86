"""The risk guard in the cycle, against the fake venue: never skipped (no brackets → the short
is not grown, one alert says why, shrinks still happen, brackets are retried and refreshed),
and its grades act as configured."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bot.domain.model import Wallet
from bot.engine.brackets import RETRY_AFTER_MS
from bot.engine.daemon import Daemon
from bot.exchange.errors import TemporaryError
from bot.notify.catalogue import AlertKind

from .fake_exchange import BRACKETS, SYMBOL
from .service import BTC_HEDGE, Service, collateral_for, open_service

BRACKETS_DOWN = TemporaryError("-1001 Internal error; unable to process your request.")


def _sells(service: Service) -> list[str]:
    return [c for c in service.placed() if " sell " in c]


def _money_moves(service: Service) -> list[str]:
    """The venue writes that move margin or the position (leverage and margin mode aside)."""
    return [w for w in service.fake.writes if not w.startswith("set_")]


async def test_without_brackets_the_short_never_grows_until_they_are_read_again(
    tmp_path: Path,
) -> None:
    """Brackets unreadable: 2 BTC spot against a 1 BTC short sells nothing for three cycles,
    one `brackets_unavailable` alert says why, the read is retried once a minute (not every
    cycle, not never); once it succeeds the hedge grows again."""
    service = open_service(tmp_path)
    service.fake.set_position("-1")
    service.fake.fail("fetch_margin_brackets", BRACKETS_DOWN, times=100)
    await service.cycles(3, seconds=5)
    assert _sells(service) == []
    (alert,) = service.alerts(AlertKind.BRACKETS_UNAVAILABLE)
    assert "unable to process" in alert.body and SYMBOL in alert.body
    assert service.fake.calls.count(f"fetch_margin_brackets {SYMBOL}") == 1
    service.fake.heal("fetch_margin_brackets")
    service.clock.ms += RETRY_AFTER_MS
    await service.cycle()
    assert _sells(service) == [f"place_order {SYMBOL} sell 1 @ 60000.1 post-only"]
    assert service.rt.memory["BTC"].brackets_missing is False
    assert len(service.alerts(AlertKind.BRACKETS_UNAVAILABLE)) == 1


async def test_without_brackets_an_excess_short_is_still_bought_back(tmp_path: Path) -> None:
    """Brackets unreadable, spot down to 1 BTC under a 2 BTC short: the reduce-only buy of 1
    is still placed (shrinking never waits for the risk data)."""
    service = open_service(tmp_path)
    service.fake.balances[Wallet.SPOT]["BTC"] = Decimal(1)
    service.fake.set_position("-2")
    service.fake.fail("fetch_margin_brackets", BRACKETS_DOWN, times=100)
    await service.cycle()
    assert service.placed() == [f"place_order {SYMBOL} buy 1 @ 60000 post-only reduce-only"]


async def test_the_hourly_markets_job_refreshes_brackets_and_keeps_them_when_it_fails(
    tmp_path: Path,
) -> None:
    """The markets job re-reads every perp's brackets; a failed re-read keeps the known ones
    in use (the hedge still grows) and the next cycle after a minute retries it."""
    service = open_service(tmp_path)
    await service.cycle()
    daemon = Daemon(service.settings(), service.config)
    daemon.rt = service.rt
    service.fake.fail("fetch_margin_brackets", BRACKETS_DOWN)
    await daemon.markets_job()
    assert service.fake.calls.count(f"fetch_margin_brackets {SYMBOL}") == 2
    assert "load_markets reload" in service.fake.calls
    entry = service.rt.brackets[f"main:{SYMBOL}"]
    assert entry.brackets == BRACKETS and entry.due and entry.error
    service.clock.ms += RETRY_AFTER_MS
    await service.cycle()
    assert service.fake.calls.count(f"fetch_margin_brackets {SYMBOL}") == 3
    assert not service.rt.brackets[f"main:{SYMBOL}"].due
    assert service.alerts(AlertKind.BRACKETS_UNAVAILABLE) == []


async def test_a_thin_margin_warns_without_acting(tmp_path: Path) -> None:
    """Liquidation 25 % away: a `risk_warn` alert, no margin moved, no order."""
    service = open_service(tmp_path)
    service.fake.balances[Wallet.SPOT]["BTC"] = Decimal(1)
    service.fake.set_position("-1", collateral=collateral_for("0.25"))
    await service.cycle()
    assert [a.kind for a in service.alerts(AlertKind.RISK_WARN)] == ["risk_warn"]
    assert _money_moves(service) == []


async def test_top_up_adds_isolated_margin_and_holds_growth(tmp_path: Path) -> None:
    """Liquidation 18 % away with auto_top_up: margin is added from the futures wallet (one
    add_margin, journaled), and the 1 BTC gap is NOT sold while the hold is on."""
    service = open_service(tmp_path, risk={"auto_top_up": True})
    service.fake.set_position("-1", collateral=collateral_for("0.18"))
    await service.cycle()
    (top_up,) = [w for w in service.fake.writes if w.startswith("add_margin")]
    assert top_up.startswith(f"add_margin {SYMBOL} ")
    assert _sells(service) == [] and service.rt.memory["BTC"].risk_hold is True
    assert [a.kind for a in service.alerts(AlertKind.RISK_TOP_UP)] == ["risk_top_up"]
    assert service.rt.journal.risk_events("BTC")[0]["grade"] == "top_up"


async def test_at_reduce_free_futures_margin_is_added_before_any_cut(tmp_path: Path) -> None:
    """Liquidation 5 % away, auto_top_up off, USDT free in the futures wallet: the isolated
    position gets that margin (the venue releases a cut's margin to the same wallet, so it is
    re-added even without auto_top_up), nothing is transferred from spot, nothing is bought
    back, and the alert says margin was added, not that the hedge was reduced."""
    service = open_service(tmp_path)
    service.fake.balances[Wallet.SPOT]["BTC"] = Decimal(1)
    service.fake.set_position("-1", collateral=collateral_for("0.05"))
    await service.cycle()
    (write,) = _money_moves(service)
    assert write.startswith(f"add_margin {SYMBOL} ")
    assert service.placed() == []
    assert [a.kind for a in service.alerts() if a.kind.startswith("risk")] == ["risk_top_up"]


async def test_at_reduce_without_free_margin_the_short_is_cut(tmp_path: Path) -> None:
    """Liquidation 5 % away, auto_top_up off, the futures wallet empty and 10,000 USDT in
    spot: no spot transfer (that needs auto_top_up), a reduce-only IOC buy is sent at once,
    and `risk_reduce` is alerted."""
    service = open_service(tmp_path)
    service.fake.balances[Wallet.SPOT]["BTC"] = Decimal(1)
    service.fake.balances[Wallet.FUTURES]["USDT"] = Decimal(0)
    service.fake.set_position("-1", collateral=collateral_for("0.05"))
    await service.cycle()
    (buy,) = _money_moves(service)
    assert buy.startswith(f"place_order {SYMBOL} buy ") and buy.endswith("reduce-only IOC")
    assert service.fake.positions[SYMBOL].contracts > -1
    assert [a.kind for a in service.alerts(AlertKind.RISK_REDUCE)] == ["risk_reduce"]


async def test_the_cycle_after_a_cut_alerts_the_margin_it_re_adds_not_a_second_cut(
    tmp_path: Path,
) -> None:
    """A cut releases its isolated margin pro rata to the futures wallet (as Binance does):
    the next cycle still grades REDUCE while it adds that margin back, and alerts
    `risk_top_up` — one `risk_reduce` alert for the one cut, not two."""
    service = open_service(tmp_path)
    service.fake.balances[Wallet.SPOT]["BTC"] = Decimal(1)
    service.fake.balances[Wallet.FUTURES]["USDT"] = Decimal(0)
    service.fake.set_position("-1", collateral=collateral_for("0.05"))
    service.fake.during("place_order", lambda: service.clock.advance(1))  # fills after reads
    await service.cycle()
    assert service.fake.balances[Wallet.FUTURES]["USDT"] > 0  # the released margin
    service.clock.advance(5)
    report = await service.cycle()
    assert report.decisions["BTC"].risk.grade.name == "REDUCE"
    assert [w.split(" ", 1)[0] for w in _money_moves(service)] == ["place_order", "add_margin"]
    kinds = [a.kind for a in service.alerts() if a.kind.startswith("risk")]
    assert kinds == ["risk_reduce", "risk_top_up"]


async def test_delever_lowers_the_leverage_the_venue_reports_never_resends_it(
    tmp_path: Path,
) -> None:
    """A 3x short 12 % from liquidation (DELEVER), nothing to top up from: each cycle lowers
    the leverage the POSITION reports by a step while the grade stays, and stops at 1x — the
    same leverage is never sent twice (it was, every cycle, when the configured 3x was used)."""
    service = open_service(tmp_path, hedges={"BTC": {**BTC_HEDGE, "leverage": 3}})
    service.fake.balances[Wallet.SPOT]["BTC"] = Decimal(1)
    service.fake.balances[Wallet.FUTURES]["USDT"] = Decimal(0)
    service.fake.leverage[SYMBOL] = 3
    service.fake.set_position("-1", collateral=collateral_for("0.12"))
    await service.cycles(5)
    sent = [w.rsplit(" ", 1)[1] for w in service.fake.writes if w.startswith("set_leverage")]
    assert sent[0] == "3" and len(sent) == len(set(sent)) and sent[-1] == "1", sent
    assert service.fake.positions[SYMBOL].leverage == 1
