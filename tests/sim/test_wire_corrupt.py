"""The `corrupt` fault: malformed replies as our gateway sees them through real ccxt; the
venue's own state is untouched and the fault clears with `{}`."""

from __future__ import annotations

from collections.abc import AsyncIterator
from decimal import Decimal
from typing import Any

import aiohttp
import pytest

from bot.domain.model import Side, Wallet
from bot.exchange.ccxt_gateway import CcxtExchange
from bot.exchange.errors import BadResponse
from bot.exchange.factory import build_exchange
from bot.exchange.port import OrderRequest
from bot.sim.faults import FaultConfig
from bot.sim.server import RunningSim, start

BTC = "BTC/USDT:USDT"


@pytest.fixture
async def sim() -> AsyncIterator[RunningSim]:
    running = await start(port=0, feed=False)
    yield running
    await running.stop()


@pytest.fixture
async def gateway(sim: RunningSim) -> AsyncIterator[CcxtExchange]:
    exchange = build_exchange(
        "main", exchange_id="binance", mode="sim", api_key=None, secret=None, sim_url=sim.url
    )
    yield exchange
    await exchange.close()


async def _admin(sim: RunningSim, path: str, body: Any = None) -> Any:
    async with (
        aiohttp.ClientSession() as http,
        http.request("POST" if body is not None else "GET", sim.url + path, json=body) as resp,
    ):
        return resp.status, await resp.json()


async def _short(gateway: CcxtExchange) -> None:
    """Open a small short by selling into the book (an IOC at a low limit)."""
    quote = await gateway.fetch_quote(BTC)
    request = OrderRequest(
        symbol=BTC,
        side=Side.SELL,
        amount=Decimal("0.01"),
        price=quote.bid * Decimal("0.99"),
        client_id="corrupt-test-1",
        post_only=False,
        immediate_or_cancel=True,
    )
    await gateway.place_order(request)


@pytest.mark.parametrize(
    ("part", "read", "field"),
    [
        ("positions", lambda g: g.fetch_positions([BTC]), "fetch_positions.*NaN"),
        ("book", lambda g: g.fetch_quote(BTC), "order book.*bids.*not finite"),
        ("balance", lambda g: g.fetch_balances(Wallet.SPOT), "fetch_balances:spot.*missing"),
    ],
)
async def test_corrupt_reply_is_a_bad_response_naming_the_field(
    sim: RunningSim, gateway: CcxtExchange, part: str, read: Any, field: str
) -> None:
    """corrupt=<part>: the gateway refuses the reply with BadResponse naming the field; the
    fault is counted, and clearing it gives clean replies again."""
    await _short(gateway)
    status, _ = await _admin(sim, "/sim/faults", {"corrupt": part})
    assert status == 200
    with pytest.raises(BadResponse, match=field):
        await read(gateway)
    _, state = await _admin(sim, "/sim/state")
    assert state["faults"]["counters"]["corrupted"] >= 1
    await _admin(sim, "/sim/faults", {})
    assert await read(gateway)  # clean again: a non-empty mapping / a quote


async def test_corrupt_positions_leaves_the_venue_state_alone(
    sim: RunningSim, gateway: CcxtExchange
) -> None:
    """Only the wire reply is malformed: /sim/state still shows the real position."""
    await _short(gateway)
    await _admin(sim, "/sim/faults", {"corrupt": "positions"})
    _, state = await _admin(sim, "/sim/state")
    amounts = [p["amount"] for p in state["accounts"]["sim-key"]["positions"]]
    assert amounts == ["-0.01"]


@pytest.mark.parametrize("value", ["orders", 1, True, ""])
def test_corrupt_rejects_unknown_parts(value: object) -> None:
    """An unknown `corrupt` value is refused with a message naming the field."""
    with pytest.raises(ValueError, match="corrupt must be one of"):
        FaultConfig.from_json({"corrupt": value})


async def test_admin_rejects_bad_corrupt_value(sim: RunningSim) -> None:
    """POST /sim/faults with a bad `corrupt` answers 400 naming the field."""
    status, body = await _admin(sim, "/sim/faults", {"corrupt": "everything"})
    assert status == 400 and "corrupt" in body["error"]
