"""Startup reconciliation against the fake venue: our orders are adopted or cancelled per
`reliability.on_start_own_orders`, foreign ones are left alone, and fills made while the
daemon was down are journaled by the first cycle, never hedged twice."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path

from bot.domain.model import Side
from bot.engine.reconcile import reconcile_open_orders
from bot.exchange.client_ids import make_client_id
from bot.exchange.port import OrderRequest
from bot.store import Journal

from .fake_exchange import SYMBOL, FakeExchange
from .service import Service, open_service


def _rest(fake: FakeExchange, client_id: str, amount: str = "2") -> None:
    """An order already resting on the venue when the daemon starts."""
    fake.book(OrderRequest(SYMBOL, Side.SELL, Decimal(amount), Decimal("60000.1"), client_id))


async def test_adopt_keeps_our_order_and_the_first_cycle_does_not_duplicate_it(
    tmp_path: Path,
) -> None:
    """on_start_own_orders: adopt → our resting sell is journaled as ours and kept; a
    foreign order is reported and untouched; nothing new is placed."""
    service = open_service(tmp_path, reliability={"on_start_own_orders": "adopt"})
    ours = make_client_id("BTC", "BTC:grow:0>-2")
    _rest(service.fake, ours)
    _rest(service.fake, "web_manual_1", "0.5")
    report = await reconcile_open_orders(service.rt)
    assert len(report.adopted) == 1 and len(report.foreign) == 1 and report.cancelled == []
    record = service.rt.journal.order_by_client_id(ours)
    assert record is not None and record.intent == "adopted"
    await service.cycles(2)
    assert service.placed() == [] and len(service.fake.open_orders()) == 2


async def test_cancel_removes_ours_and_orders_of_hedges_no_longer_configured(
    tmp_path: Path,
) -> None:
    """on_start_own_orders: cancel (default) → ours for BTC and ours for a removed hedge are
    cancelled; the foreign order stays."""
    service = open_service(tmp_path)
    _rest(service.fake, make_client_id("BTC", "BTC:grow:0>-2"))
    _rest(service.fake, make_client_id("OLD", "OLD:grow:0>-1"), "1")
    _rest(service.fake, "web_manual_1", "0.5")
    report = await reconcile_open_orders(service.rt)
    assert len(report.cancelled) == 2 and len(report.foreign) == 1
    (left,) = service.fake.open_orders()
    assert left.client_id == "web_manual_1"
    assert service.fake.writes == [f"cancel_order {SYMBOL} 1", f"cancel_order {SYMBOL} 2"]


async def test_a_fill_made_while_down_is_journaled_first_and_not_hedged_twice(
    tmp_path: Path,
) -> None:
    """The daemon's sell of 2 filled while it was stopped: after a restart (adopt) the first
    cycle journals the fill, trusts the -2 short and sells nothing more."""
    first = open_service(tmp_path, reliability={"on_start_own_orders": "adopt"})
    await first.cycle()
    first.rt.journal.close()
    first.clock.advance(60)
    first.fake.fill(first.fake.open_orders()[0].client_id or "")
    journal = Journal(first.settings().journal.path, clock=first.clock)
    again: Service = open_service(
        tmp_path, clock=first.clock, fake=first.fake, journal=journal,
        reliability={"on_start_own_orders": "adopt"},
    )  # fmt: skip
    await reconcile_open_orders(again.rt)
    report = await again.cycle()
    assert report.decisions["BTC"].verdict.ok and report.decisions["BTC"].trusted
    assert again.rt.journal.count("fills") == 1
    assert again.placed() == first.placed()  # the one sell from before the restart
