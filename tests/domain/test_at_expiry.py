"""`at_expiry: deliver`: a dated contract's short is held through its last hour instead of
being bought back (the venue delivers it). Prices USDT per BTC; times epoch ms."""

from __future__ import annotations

from dataclasses import replace

from bot.domain.decision import decide
from bot.domain.instrument import CLOSE_BEFORE_MS

from .test_dated import EXPIRY, _inputs


def test_a_delivered_contract_keeps_its_short_in_the_last_hour() -> None:
    """30 minutes before expiry with `deliver`: no buy-back, nothing sent, no close note."""
    decision = decide(replace(_inputs(EXPIRY - CLOSE_BEFORE_MS // 2), deliver=True))
    assert decision.plan.orders == ()
    assert not any("never delivered" in n for n in decision.plan.notes)
