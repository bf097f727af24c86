"""Growing a hedge short of margin, against the fake venue (issue 8 item 9): 1 BTC spot,
30,000 USDT in the spot wallet, 1,500 USDT in the futures wallet, 3x isolated at 6,600 —
the 1-BTC sell needs 2,200 USDT of margin. With auto_top_up the shortfall is transferred and
the hedge opened whole; without it the sell is sized to the margin there, and a venue that
keeps rejecting is backed off instead of being resent every cycle."""

from __future__ import annotations

from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.domain.model import Wallet
from bot.engine.inputs import ensure_memories
from bot.exchange.errors import ExchangeError, InsufficientFunds
from bot.notify.catalogue import AlertKind
from bot.store import Journal

from .fake_exchange import SYMBOL
from .service import BTC_HEDGE, Service, open_service

HEDGE = {"BTC": {**BTC_HEDGE, "leverage": 3}}
REJECTED = InsufficientFunds("-2019 Margin is insufficient.")


def _issue_venue(tmp_path: Path, **sections: Any) -> Service:
    service = open_service(tmp_path, hedges=HEDGE, **sections)
    fake = service.fake
    fake.balances[Wallet.SPOT] = {"BTC": Decimal(1), "USDT": Decimal(30_000)}
    fake.balances[Wallet.FUTURES] = {"USDT": Decimal(1_500)}
    fake.quotes[SYMBOL] = (Decimal("6599.9"), Decimal("6600"))
    return service


def _margin_actions(service: Service) -> list[tuple[str, str, str]]:
    rows = service.rows("SELECT kind, amount, status FROM margin_actions ORDER BY id")
    return [(kind, str(amount), status) for kind, amount, status in rows]


def _trades(service: Service) -> list[str]:
    return [w for w in service.fake.writes if w.startswith(("transfer", "place_order"))]


async def test_with_auto_top_up_the_shortfall_is_transferred_and_the_hedge_opened_whole(
    tmp_path: Path,
) -> None:
    """One transfer of 700 USDT spot → futures (journaled, alerted), then the whole 1 BTC
    sell: no rejection, no margin-short alert."""
    service = _issue_venue(tmp_path, risk={"auto_top_up": True})
    await service.cycle()
    assert _trades(service) == [
        "transfer 700 USDT spot>futures",
        f"place_order {SYMBOL} sell 1 @ 6600 post-only",
    ]
    assert _margin_actions(service) == [("transfer", "700.00", "ok")]
    assert [a.kind for a in service.alerts(AlertKind.GROW_FUNDED)] == ["grow_funded"]
    assert service.alerts(AlertKind.MARGIN_SHORT) == []


async def test_without_auto_top_up_a_partial_hedge_is_opened_and_alerted_once(
    tmp_path: Path,
) -> None:
    """0.681 BTC (what 1,500 USDT affords at 3x) is sold instead of nothing, nothing is
    transferred, and one `margin_short` alert says what to do — not one per cycle while the
    rest cannot be funded."""
    service = _issue_venue(tmp_path)
    await service.cycle()
    (sell,) = _trades(service)
    assert sell == f"place_order {SYMBOL} sell 0.681 @ 6600 post-only"
    service.fake.fill(service.fake.open_orders()[0].client_id or "")
    service.clock.advance(5)
    await service.cycles(4)
    assert _trades(service) == [sell]
    (alert,) = service.alerts(AlertKind.MARGIN_SHORT)
    assert "selling 0.681 instead" in alert.body and "risk.auto_top_up" in alert.body
    assert service.rt.memory["BTC"].margin_short is True


async def test_a_venue_that_keeps_rejecting_gets_far_fewer_attempts_than_cycles(
    tmp_path: Path,
) -> None:
    """Every order rejected (-2019): over 60 one-second cycles the sell is sent 4 times (0,
    5, 15, 35 s: the wait doubles), not 60, and the operator gets one "orders rejected
    repeatedly" alert; the back-off is journaled with the memory, so a restart inside the
    wait sends nothing either."""
    service = _issue_venue(tmp_path, risk={"auto_top_up": True})
    service.fake.fail("place_order", REJECTED, times=1_000)
    await service.cycles(60, seconds=1)
    assert len(service.placed()) == 4
    assert len(service.alerts(AlertKind.ORDERS_REJECTED_REPEATEDLY)) == 1
    backoff = service.rt.memory["BTC"].backoff
    assert backoff is not None and backoff.attempts == 4
    service.rt.journal.close()
    path = Path(service.settings().journal.path)
    again = open_service(
        tmp_path, hedges=HEDGE, clock=service.clock, fake=service.fake,
        journal=Journal(path, clock=service.clock), risk={"auto_top_up": True},
    )  # fmt: skip
    ensure_memories(again.rt)
    assert again.rt.memory["BTC"].backoff == backoff
    await again.cycles(10, seconds=1)
    assert len(again.placed()) == 4


async def test_a_rejection_streak_at_the_back_off_cap_is_alerted_once(tmp_path: Path) -> None:
    """Forty minutes of -2019 at one cycle a minute: once the wait reaches its 5-minute cap
    the sell is still resent every 5 minutes, but the operator gets one "orders rejected
    repeatedly" alert for the whole streak, not one per resend (~400 over the issue's run)."""
    service = _issue_venue(tmp_path, risk={"auto_top_up": True})
    service.fake.fail("place_order", REJECTED, times=1_000)
    await service.cycles(40, seconds=60)
    assert len(service.placed()) >= 10
    (alert,) = service.alerts(AlertKind.ORDERS_REJECTED_REPEATEDLY)
    assert "3 in a row" in alert.body and "-2019" in alert.body


async def test_an_accepted_order_ends_the_back_off(tmp_path: Path) -> None:
    """Two rejections, then the venue accepts: the order rests and the back-off is gone."""
    service = _issue_venue(tmp_path, risk={"auto_top_up": True})
    service.fake.fail("place_order", REJECTED, times=2)
    await service.cycles(20, seconds=1)
    assert len(service.placed()) == 3 and len(service.fake.open_orders()) == 1
    memory = service.rt.memory["BTC"]
    assert memory.backoff is None and memory.rejections == 0


async def test_a_funding_transfer_that_keeps_failing_is_alerted_once(tmp_path: Path) -> None:
    """The spot → futures transfer a growing order needs fails every time: each failure
    counts toward the rejection streak and backs off like a refused order, and the operator
    gets one "orders rejected repeatedly" alert naming the failed transfer (before, none:
    only log lines)."""
    service = _issue_venue(tmp_path, risk={"auto_top_up": True})
    service.fake.fail("transfer", ExchangeError("transfers suspended"), times=1_000)
    await service.cycles(40, seconds=60)
    assert not service.placed()
    (alert,) = service.alerts(AlertKind.ORDERS_REJECTED_REPEATEDLY)
    assert "3 in a row" in alert.body and "transfer of" in alert.body
