"""The simulator's `fail_paths` fault as the real gateway meets it: one Binance path fails
(here the margin brackets, which the risk guard needs), everything else answers."""

from __future__ import annotations

import pytest

from bot.exchange.ccxt_gateway import CcxtExchange
from bot.exchange.errors import TemporaryError

from .simulated import PERP, Sim


async def test_a_path_failing_on_the_simulator_fails_only_that_read(
    sim: Sim, gw: CcxtExchange
) -> None:
    """The simulator's `fail_paths` fault (a venue whose margin brackets cannot be read):
    the brackets read ends as a temporary error after its retries, other reads answer, and
    clearing the fault brings the brackets back."""
    await sim.faults(fail_paths=["/fapi/v1/leverageBracket"])
    with pytest.raises(TemporaryError, match="-1001"):
        await gw.fetch_margin_brackets(PERP)
    assert (await gw.fetch_quote(PERP)).ask > 0
    await sim.faults()
    assert await gw.fetch_margin_brackets(PERP)
