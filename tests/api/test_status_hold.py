"""/status carries the risk guard's hold and the missing-brackets flag from the hedge's
memory, so the dashboard shows "risk hold" from the daemon's state, not from a guess."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from bot.engine.brackets import RETRY_AFTER_MS
from bot.exchange.errors import TemporaryError
from tests.engine.service import Service, collateral_for, open_service


def _btc(service: Service) -> dict[str, Any]:
    return dict(service.rt.state.status()["hedges"]["BTC"])


async def test_status_shows_the_hold_while_growth_is_blocked(tmp_path: Path) -> None:
    """Liquidation 18 % away (the top-up grade) puts `risk_hold` on in /status, as in the
    hedge's memory, while the 1 BTC gap is left unsold."""
    service = open_service(tmp_path, risk={"auto_top_up": True})
    service.fake.set_position("-1", collateral=collateral_for("0.18"))
    await service.cycle()
    assert _btc(service)["risk_hold"] is True
    assert service.rt.memory["BTC"].risk_hold is True
    assert not [c for c in service.placed() if " sell " in c]


async def test_status_says_when_brackets_are_missing(tmp_path: Path) -> None:
    """Unreadable margin brackets set `brackets_missing`; once they are read it clears, and a
    healthy hedge that trades again shows no hold."""
    service = open_service(tmp_path)
    service.fake.fail("fetch_margin_brackets", TemporaryError("-1001 Internal error"), times=5)
    await service.cycle()
    assert _btc(service)["brackets_missing"] is True
    service.fake.heal("fetch_margin_brackets")
    service.clock.ms += RETRY_AFTER_MS
    await service.cycle()
    assert (_btc(service)["brackets_missing"], _btc(service)["risk_hold"]) == (False, False)
    assert [c for c in service.placed() if " sell " in c]
