"""Account-wide reads through the real gateway against the simulator (`ccxt_bulk.py`): many
symbols in one request per API family, the same values as the per-symbol reads; the
used-weight header; urgent requests skipping the client-side limiter's queue; the hold
after a rate-limit answer."""

from __future__ import annotations

import asyncio
from decimal import Decimal
from typing import Any

import pytest

from bot.domain.model import Side
from bot.exchange.ccxt_gateway import CcxtExchange
from bot.exchange.client_ids import make_client_id
from bot.exchange.errors import RateLimited
from bot.exchange.port import OrderRequest
from bot.exchange.rate_hold import RateHold
from bot.exchange.urgent import bypass_limiter_when_urgent, urgent
from bot.exchange.used_weight import UsedWeight, watch_used_weight

from .simulated import PERP, Sim

ETH = "ETH/USDT:USDT"


async def test_quotes_of_two_perps_come_from_one_book_ticker_and_one_premium_index(
    sim: Sim, api_key: str, gw: CcxtExchange
) -> None:
    """Two perps: bid/ask equal the per-symbol order-book top, mark is set, and the venue saw
    one bookTicker and one premiumIndex request without a symbol (no depth request)."""
    await gw.load_markets()
    state = await sim.get("/sim/state")
    before = dict(state["requests"].get("public", {}))
    quotes = await gw.fetch_quotes([PERP, ETH])
    after = (await sim.get("/sim/state"))["requests"]["public"]
    new = {k: v - before.get(k, 0) for k, v in after.items() if v != before.get(k, 0)}
    assert new == {"GET /fapi/v1/ticker/bookTicker": 1, "GET /fapi/v1/premiumIndex": 1}
    for symbol in (PERP, ETH):
        alone = await gw.fetch_quote(symbol)
        assert (quotes[symbol].bid, quotes[symbol].ask) == (alone.bid, alone.ask)
        assert quotes[symbol].mark is not None and quotes[symbol].mark > 0


async def test_open_orders_of_two_perps_come_from_one_request(
    sim: Sim, api_key: str, gw: CcxtExchange
) -> None:
    """Resting orders on BTC and ETH are both listed by one openOrders request."""
    for symbol, name in ((PERP, "BTC"), (ETH, "ETH")):
        quote = await gw.fetch_quote(symbol)
        amount = Decimal("0.01") if symbol == PERP else Decimal("0.1")
        request = OrderRequest(
            symbol, Side.SELL, amount, quote.ask * 2, make_client_id(name, "bulk")
        )
        await gw.place_order(request)
    before = await sim.requests(api_key, "GET /fapi/v1/openOrders")
    orders = await gw.fetch_account_open_orders([PERP, ETH])
    assert {o.symbol for o in orders} == {PERP, ETH}
    assert await sim.requests(api_key, "GET /fapi/v1/openOrders") == before + 1


async def test_brackets_of_two_perps_come_from_one_request(
    sim: Sim, api_key: str, gw: CcxtExchange
) -> None:
    """One leverageBracket request gives both perps' brackets, equal to the per-symbol read."""
    before = await sim.requests(api_key, "GET /fapi/v1/leverageBracket")
    both = await gw.fetch_margin_brackets_of([PERP, ETH])
    assert await sim.requests(api_key, "GET /fapi/v1/leverageBracket") == before + 1
    assert both[PERP] == await gw.fetch_margin_brackets(PERP) and both[ETH]


class _Client:
    """The two ccxt hooks the gateway wraps, on a stand-in client."""

    def __init__(self) -> None:
        self.throttler = type("T", (), {"timestamps": [], "config": {"algorithm": "rolling"}})()
        self.released = asyncio.Event()

    def on_rest_response(self, *args: Any) -> Any:
        return args[5]

    async def throttle(self, cost: float | None = None) -> None:
        await self.released.wait()  # a full window: routine requests wait here


def test_used_weight_is_kept_per_api_family_from_the_response_header() -> None:
    """X-MBX-USED-WEIGHT-1M of a /fapi reply and of a spot reply are kept apart; a reading
    older than a minute is dropped."""
    now = [0]
    used = UsedWeight(lambda: now[0])
    client = _Client()
    watch_used_weight(client, used)
    client.on_rest_response(200, "OK", "http://x/fapi/v3/positionRisk", "GET",
                            {"X-MBX-USED-WEIGHT-1M": "845"}, "[]")  # fmt: skip
    client.on_rest_response(200, "OK", "http://x/api/v3/account", "GET",
                            {"x-mbx-used-weight-1m": "20"}, "{}")  # fmt: skip
    assert used.by_family() == {"usdm": 845, "spot": 20}
    now[0] = 61_000
    assert used.by_family() == {}


async def test_an_urgent_request_passes_a_full_limiter_and_is_still_booked() -> None:
    """With the limiter's window full a routine request waits; one sent inside `urgent()`
    passes at once and its cost is booked in the window."""
    client = _Client()
    bypass_limiter_when_urgent(client)
    with urgent():
        await asyncio.wait_for(client.throttle(5), timeout=1)
    assert [t["cost"] for t in client.throttler.timestamps] == [5]
    routine = asyncio.ensure_future(client.throttle(1))
    await asyncio.sleep(0.05)
    assert not routine.done()
    client.released.set()
    await asyncio.wait_for(routine, timeout=1)


async def test_funding_of_two_perps_comes_from_one_income_request(
    sim: Sim, api_key: str, gw: CcxtExchange
) -> None:
    """Funding payments of BTC and ETH are read with one income request (weight 30), not one
    per perp; both symbols are in the answer."""
    before = await sim.requests(api_key, "GET /fapi/v1/income")
    found = await gw.fetch_account_funding_payments([PERP, ETH], since_ms=0)
    assert await sim.requests(api_key, "GET /fapi/v1/income") == before + 1
    assert set(found) == {PERP, ETH}


async def test_after_a_rate_limit_answer_requests_wait_for_retry_after() -> None:
    """A 429 with Retry-After 2 s holds the next request 2 s (not sent meanwhile); a ban of
    minutes refuses requests at once without sending them."""
    now = [100.0]
    slept: list[float] = []
    hold = RateHold("main", clock=lambda: now[0])

    async def sleep(s: float) -> None:
        slept.append(s)

    hold.note(RateLimited("429", retry_after_s=2))
    await hold.wait_out(sleep)
    assert slept == [2]
    hold.note(RateLimited("418", retry_after_s=120))
    with pytest.raises(RateLimited, match="not sent"):
        await hold.wait_out(sleep)
    now[0] += 121
    await hold.wait_out(sleep)
    assert slept == [2]
