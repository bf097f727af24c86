"""The order rules, in-process against the fake venue: one live order per hedge, orders whose
outcome is unknown are looked up by client id (never re-sent blind), rejections alert."""

from __future__ import annotations

from pathlib import Path

from bot.exchange.errors import OrderRejected
from bot.notify.catalogue import AlertKind

from .fake_exchange import SYMBOL
from .service import Service, open_service

SELL_2 = f"place_order {SYMBOL} sell 2 @ 60000.1 post-only"


def _client_ids(service: Service) -> list[str | None]:
    return [o.client_id for o in service.fake.orders.values()]


async def test_first_cycle_sets_up_the_perp_and_places_one_post_only_sell(tmp_path: Path) -> None:
    """2 BTC spot, no short: margin mode, leverage, then ONE post-only sell of 2 at the ask."""
    service = open_service(tmp_path)
    report = await service.cycle()
    assert report.ok and report.skipped == {}, report
    assert service.fake.writes == [
        f"set_margin_mode {SYMBOL} isolated",
        f"set_leverage {SYMBOL} 2",
        SELL_2,
    ]


async def test_a_resting_order_that_is_still_right_is_kept_not_duplicated(tmp_path: Path) -> None:
    """Three more cycles with the order resting at the touch send nothing at all."""
    service = open_service(tmp_path)
    await service.cycle()
    await service.cycles(3)
    assert service.placed() == [SELL_2]
    assert len(service.fake.open_orders()) == 1


async def test_a_repriced_order_is_cancelled_in_one_cycle_and_replaced_in_the_next(
    tmp_path: Path,
) -> None:
    """The touch moves 50 USDT away: a cancel-only cycle, then one new sell at the new ask;
    never two live orders."""
    service = open_service(tmp_path)
    await service.cycle()
    service.fake.quotes[SYMBOL] = (
        service.fake.quotes[SYMBOL][0] + 50,
        service.fake.quotes[SYMBOL][1] + 50,
    )
    service.fake.calls.clear()
    await service.cycle()
    assert service.fake.writes == [f"cancel_order {SYMBOL} 1"]
    assert service.fake.open_orders() == []
    service.fake.calls.clear()
    await service.cycle()
    assert service.fake.writes == [f"place_order {SYMBOL} sell 2 @ 60050.1 post-only"]


async def test_a_booked_order_whose_answer_was_lost_is_found_by_client_id(tmp_path: Path) -> None:
    """place_order times out after the venue booked it: looked up by its client id at once,
    journaled as open, and not sent again."""
    service = open_service(tmp_path)
    service.fake.ambiguous_place(booked=True)
    await service.cycle()
    (cid,) = _client_ids(service)
    assert cid is not None and f"fetch_order {SYMBOL} {cid}" in service.fake.calls
    record = service.rt.journal.order_by_client_id(cid)
    assert record is not None and record.status == "open"
    await service.cycles(2)
    assert service.placed() == [SELL_2]


async def test_a_lost_order_blocks_the_hedge_until_it_cannot_be_booked_any_more(
    tmp_path: Path,
) -> None:
    """place_order times out and the venue never booked it: every cycle looks the client id
    up again and places nothing; 30 s later the request is dead and the hedge sells again,
    with a new client id."""
    service = open_service(tmp_path)
    service.fake.ambiguous_place(booked=False)
    await service.cycle()
    (first,) = [r.client_id for r in service.rt.journal.pending_orders()]
    await service.cycles(3, seconds=5)
    assert service.placed() == [SELL_2]
    assert service.fake.calls.count(f"fetch_order {SYMBOL} {first}") == 4
    service.clock.advance(20)
    await service.cycle()
    assert service.placed() == [SELL_2, SELL_2]
    (second,) = _client_ids(service)
    assert second != first
    record = service.rt.journal.order_by_client_id(first)
    assert record is not None and record.status == "rejected"


async def test_repeated_rejections_alert_once_the_count_is_reached(tmp_path: Path) -> None:
    """Three rejections in a row (cycles far enough apart to outlast each back-off): one
    `orders_rejected_repeatedly` alert, counted in the hedge's memory; an accepted order
    resets the count."""
    service = open_service(tmp_path)
    service.fake.fail("place_order", OrderRejected("-2019 Margin is insufficient."), times=3)
    await service.cycles(3, seconds=30)
    assert [a.kind for a in service.alerts(AlertKind.ORDERS_REJECTED_REPEATEDLY)] == [
        "orders_rejected_repeatedly"
    ]
    assert service.rt.memory["BTC"].rejections == 3
    await service.cycle()
    assert service.rt.memory["BTC"].rejections == 0
    assert len(service.fake.open_orders()) == 1
