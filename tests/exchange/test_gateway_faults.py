"""The margin brackets as the real gateway reads them from the simulator: read afresh on every
call, and with the simulator's `fail_paths` fault only that path fails, everything else
answers."""

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


async def test_brackets_are_read_from_the_venue_on_every_call(
    sim: Sim, api_key: str, gw: CcxtExchange
) -> None:
    """No cache in the gateway: the engine keeps the brackets and its hourly refresh must
    reach the venue (a cached copy would answer it, and a changed bracket never arrive)."""
    await gw.fetch_margin_brackets(PERP)
    await gw.fetch_margin_brackets(PERP)
    counts = (await sim.get("/sim/requests"))["accounts"][api_key]["read_endpoints"]
    assert counts["GET /fapi/v1/leverageBracket"] == 2
