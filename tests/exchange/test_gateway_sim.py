"""End-to-end: the real gateway (`build_exchange(mode="sim")` → unmodified ccxt) against the
simulator over HTTP on 127.0.0.1. Assertions read the simulator's `/sim/state`, not our logs."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest

from bot.domain.model import MarginMode, MarketKind, OrderStatus, Side, Wallet
from bot.exchange import errors as E
from bot.exchange.ccxt_gateway import CcxtExchange
from bot.exchange.client_ids import make_client_id
from bot.exchange.port import Exchange, OrderRequest
from bot.exchange.retry import BreakerState, CircuitBreaker, RetryPolicy

from .simulated import FUNDS, PERP, Sim, gateway

SPOT = "BTC/USDT"


def _implements_the_port(gateway: CcxtExchange) -> Exchange:
    """mypy checks here that CcxtExchange satisfies the Exchange protocol."""
    return gateway


def _filters(info: dict[str, Any], symbol: str) -> dict[str, dict[str, str]]:
    row = next(s for s in info["symbols"] if s["symbol"] == symbol)
    return {f["filterType"]: f for f in row["filters"]}


async def _sell_at_touch(gw: CcxtExchange, name: str, amount: str = "0.01") -> OrderRequest:
    quote = await gw.fetch_quote(PERP)
    request = OrderRequest(
        symbol=PERP,
        side=Side.SELL,
        amount=Decimal(amount),
        price=quote.ask,
        client_id=make_client_id("BTC", name),
    )
    await gw.place_order(request)
    return request


async def _fill_by_rally(sim: Sim, price: Decimal) -> None:
    """Trade the market through our resting sell at `price` so it fills."""
    await sim.post("/sim/price", {"symbol": "BTCUSDT", "price": str(price * Decimal("1.001"))})


# --- reads -------------------------------------------------------------------------------


async def test_markets_match_the_venue_filters(sim: Sim, gw: CcxtExchange) -> None:
    """Step, tick and min notional equal the exchangeInfo filters the simulator serves."""
    markets = await gw.load_markets()
    perp, spot = markets[PERP], markets[SPOT]
    assert perp.kind is MarketKind.LINEAR and spot.kind is MarketKind.SPOT
    usdm = _filters(await sim.get("/fapi/v1/exchangeInfo"), "BTCUSDT")
    assert perp.amount_step == Decimal(usdm["LOT_SIZE"]["stepSize"])
    assert perp.price_tick == Decimal(usdm["PRICE_FILTER"]["tickSize"])
    assert perp.min_amount == Decimal(usdm["LOT_SIZE"]["minQty"])
    assert perp.min_notional == Decimal(usdm["MIN_NOTIONAL"]["notional"])
    spot_filters = _filters(await sim.get("/api/v3/exchangeInfo"), "BTCUSDT")
    assert spot.amount_step == Decimal(spot_filters["LOT_SIZE"]["stepSize"])
    assert spot.min_notional == Decimal(spot_filters["NOTIONAL"]["minNotional"])
    assert await gw.load_markets() is markets  # cached until reload


async def test_balances_in_both_wallets(sim: Sim, api_key: str, gw: CcxtExchange) -> None:
    """One call per wallet returns what the account was funded with."""
    spot = await gw.fetch_balances(Wallet.SPOT)
    futures = await gw.fetch_balances(Wallet.FUTURES)
    assert spot["BTC"].total == Decimal(FUNDS["spot"]["BTC"])
    assert futures["USDT"].total == Decimal(FUNDS["usdm"]["USDT"])
    assert await sim.requests(api_key, "GET /api/v3/account") == 1
    assert await sim.requests(api_key, "GET /fapi/v3/account") == 1


async def test_one_positions_call_for_many_symbols(
    sim: Sim, api_key: str, gw: CcxtExchange
) -> None:
    """Four perp symbols cost one positionRisk request; a filled sell reads back negative."""
    request = await _sell_at_touch(gw, "open-short")
    await _fill_by_rally(sim, request.price)
    symbols = ["BTC/USDT:USDT", "ETH/USDT:USDT", "SOL/USDT:USDT", "XRP/USDT:USDT"]
    before = await sim.requests(api_key, "GET /fapi/v3/positionRisk")
    positions = await gw.fetch_positions(symbols)
    assert await sim.requests(api_key, "GET /fapi/v3/positionRisk") == before + 1
    assert list(positions) == [PERP]
    assert positions[PERP].contracts == -request.amount


async def test_quote_has_book_top_and_mark(gw: CcxtExchange) -> None:
    """A perp quote has bid < ask from the book and a mark price from premiumIndex."""
    quote = await gw.fetch_quote(PERP)
    assert 0 < quote.bid < quote.ask
    assert quote.mark is not None and quote.bid <= quote.mark <= quote.ask
    funding = await gw.fetch_funding(PERP)
    assert funding.next_funding_ms is not None and funding.mark is not None


# --- orders ------------------------------------------------------------------------------


async def test_place_fetch_by_client_id_and_cancel(gw: CcxtExchange) -> None:
    """A post-only order is booked, found by its client id, cancelled once, then gone."""
    request = await _sell_at_touch(gw, "place-fetch-cancel")
    found = await gw.fetch_order(PERP, client_id=request.client_id)
    assert found is not None and found.status is OrderStatus.OPEN
    assert found.post_only and found.client_id == request.client_id
    assert [o.client_id for o in await gw.fetch_open_orders(PERP)] == [request.client_id]
    cancelled = await gw.cancel_order(PERP, order_id=found.id)
    assert cancelled is not None and cancelled.status is OrderStatus.CANCELED
    assert await gw.fetch_open_orders(PERP) == ()
    assert await gw.fetch_order(PERP, client_id=make_client_id("BTC", "never-sent")) is None


async def test_post_only_crossing_the_book_is_refused(gw: CcxtExchange) -> None:
    """A post-only buy at the ask would take: PostOnlyWouldTake, nothing rests."""
    quote = await gw.fetch_quote(PERP)
    request = OrderRequest(PERP, Side.BUY, Decimal("0.01"), quote.ask, make_client_id("BTC", "x"))
    with pytest.raises(E.PostOnlyWouldTake):
        await gw.place_order(request)
    assert await gw.fetch_open_orders(PERP) == ()


async def test_ambiguous_timeout_then_found_by_client_id(sim: Sim, api_key: str) -> None:
    """A reply lost after acceptance raises AmbiguousOrderError; the order exists by client id."""
    exchange = gateway(sim, api_key, timeout_ms=700)
    try:
        quote = await exchange.fetch_quote(PERP)
        request = OrderRequest(
            PERP, Side.SELL, Decimal("0.01"), quote.ask, make_client_id("BTC", "lost")
        )
        await sim.faults(timeout_after_accept_prob=1.0)
        with pytest.raises(E.AmbiguousOrderError) as caught:
            await exchange.place_order(request)
        assert caught.value.client_id == request.client_id
        await sim.faults()
        found = await exchange.fetch_order(PERP, client_id=request.client_id)
        assert found is not None and found.status is OrderStatus.OPEN
        assert await sim.requests(api_key, "POST /fapi/v1/order") == 1  # never resent
    finally:
        await exchange.close()


# --- faults ------------------------------------------------------------------------------


async def test_rate_limits_are_retried_honouring_retry_after(
    sim: Sim, api_key: str, gw: CcxtExchange
) -> None:
    """Reads survive intermittent 429s; with every request limited, RateLimited surfaces
    with the venue's Retry-After after exactly `attempts` requests."""
    await gw.load_markets()
    await sim.faults(rate_limit_prob=0.5, seed=3)
    balances = await gw.fetch_balances(Wallet.FUTURES)
    assert balances["USDT"].total > 0
    limited_so_far = (await sim.get("/sim/state"))["faults"]["counters"]["rate_limited"]
    assert limited_so_far >= 1  # the read above really went through a 429 and a retry
    await sim.faults()
    two_tries = gateway(sim, api_key, retry=RetryPolicy(attempts=2, total_s=5.0))
    try:
        await two_tries.load_markets()
        await sim.faults(rate_limit_prob=1.0)
        sent = await sim.requests(api_key, "GET /fapi/v3/account")
        with pytest.raises(E.RateLimited) as caught:
            await two_tries.fetch_balances(Wallet.FUTURES)
        assert caught.value.retry_after_s is not None and caught.value.retry_after_s > 0
        assert await sim.requests(api_key, "GET /fapi/v3/account") == sent + 2
    finally:
        await two_tries.close()


async def test_clock_skew_is_resynced(sim: Sim, api_key: str, gw: CcxtExchange) -> None:
    """A drifted local clock (-1021) is resynced and the read succeeds."""
    await gw.load_markets()
    gw._client.options["timeDifference"] = -30_000  # pretend our clock runs 30 s fast
    balances = await gw.fetch_balances(Wallet.SPOT)
    assert balances["BTC"].total == Decimal(FUNDS["spot"]["BTC"])
    assert abs(gw.time_offset_ms) < 5_000
    assert await sim.requests(api_key, "GET /api/v3/account") == 2  # rejected, then accepted


async def test_breaker_opens_on_outage_and_stops_sending(sim: Sim, api_key: str) -> None:
    """Repeated 5xx open the breaker; further calls fail fast without reaching the venue."""
    breaker = CircuitBreaker(failure_threshold=2, cool_down_s=60, name="main")
    exchange = gateway(sim, api_key, breaker=breaker, retry=RetryPolicy(attempts=1))
    try:
        await exchange.load_markets()
        await sim.faults(error_5xx_prob=1.0)
        for _ in range(2):
            with pytest.raises(E.TemporaryError):
                await exchange.fetch_balances(Wallet.SPOT)
        assert breaker.state is BreakerState.OPEN
        sent = await sim.requests(api_key, "GET /api/v3/account")
        with pytest.raises(E.CircuitOpen):
            await exchange.fetch_balances(Wallet.SPOT)
        assert await sim.requests(api_key, "GET /api/v3/account") == sent
    finally:
        await exchange.close()


# --- collateral and settings -------------------------------------------------------------


async def test_transfer_spot_to_futures(gw: CcxtExchange) -> None:
    """USDT moved from spot to futures shows up in both wallets."""
    spot_before = (await gw.fetch_balances(Wallet.SPOT))["USDT"].total
    futures_before = (await gw.fetch_balances(Wallet.FUTURES))["USDT"].total
    await gw.transfer("USDT", Decimal("1234.5"), Wallet.SPOT, Wallet.FUTURES)
    assert (await gw.fetch_balances(Wallet.SPOT))["USDT"].total == spot_before - Decimal("1234.5")
    futures_after = (await gw.fetch_balances(Wallet.FUTURES))["USDT"].total
    assert futures_after == futures_before + Decimal("1234.5")


async def test_isolated_margin_leverage_and_add_margin(sim: Sim, gw: CcxtExchange) -> None:
    """Margin mode (twice: 'already set' is fine), leverage — read back from the position,
    which Binance's v3 positionRisk states only through its initial margin — then added
    isolated margin."""
    await gw.set_margin_mode(PERP, MarginMode.ISOLATED)
    await gw.set_margin_mode(PERP, MarginMode.ISOLATED)
    await gw.set_leverage(PERP, 3)
    request = await _sell_at_touch(gw, "isolated-short")
    await _fill_by_rally(sim, request.price)
    before = (await gw.fetch_positions([PERP]))[PERP]
    assert before.margin_mode is MarginMode.ISOLATED and before.collateral is not None
    assert before.leverage == 3
    await gw.set_leverage(PERP, 2)
    assert (await gw.fetch_positions([PERP]))[PERP].leverage == 2
    await gw.add_margin(PERP, Decimal("25"))
    after = (await gw.fetch_positions([PERP]))[PERP]
    assert after.collateral is not None
    assert after.collateral - before.collateral == pytest.approx(Decimal("25"), abs=Decimal("1"))
