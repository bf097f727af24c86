"""`DryRunExchange`: every port method is its own (nothing forwarded by default), reads reach
the venue, and no mutating request ever leaves — counted by the simulator itself."""

from __future__ import annotations

import inspect
from decimal import Decimal

from bot.domain.model import MarginMode, OrderStatus, Side, Wallet
from bot.exchange.ccxt_gateway import CcxtExchange
from bot.exchange.dry_run import DryRunExchange
from bot.exchange.port import Exchange, OrderRequest

from .simulated import PERP, Sim


def _port_methods() -> set[str]:
    return {n for n, v in vars(Exchange).items() if inspect.iscoroutinefunction(v)}


def test_every_port_method_is_defined_by_the_wrapper_itself() -> None:
    """A method added to the port must be written into DryRunExchange (read or no-op), never
    reach the live gateway by some default forwarding."""
    own = {n for n, v in vars(DryRunExchange).items() if inspect.iscoroutinefunction(v)}
    assert _port_methods() <= own, sorted(_port_methods() - own)
    assert not hasattr(DryRunExchange, "__getattr__")


async def test_reads_reach_the_venue_and_no_mutating_request_is_sent(
    sim: Sim, api_key: str, gw: CcxtExchange
) -> None:
    """Positions, balances and quotes are read from the simulator; an order, a cancel, a
    leverage and margin-mode change, a transfer and an isolated top-up are each recorded
    as "would" and answered without a request: the simulator counts 0 mutating requests."""
    dry = DryRunExchange(gw)
    assert (await dry.fetch_balances(Wallet.SPOT))["BTC"].total == Decimal(2)
    quote = await dry.fetch_quote(PERP)
    request = OrderRequest(PERP, Side.SELL, Decimal("0.01"), quote.ask, "hb-dry-1")
    order = await dry.place_order(request)
    assert order.status is OrderStatus.EXPIRED and order.filled == 0
    assert await dry.cancel_order(PERP, order_id="12345") is None
    await dry.set_leverage(PERP, 3)
    await dry.set_margin_mode(PERP, MarginMode.CROSS)
    await dry.transfer("USDT", Decimal(10), Wallet.SPOT, Wallet.FUTURES)
    await dry.add_margin(PERP, Decimal(5))
    assert await dry.fetch_open_orders(PERP) == ()
    counts = (await sim.get("/sim/requests"))["accounts"][api_key]
    assert counts["mutating"] == 0 and counts["reads"] == 2, counts  # the quote is public
    assert list(dry.would) == [
        f"place sell 0.01 {PERP} @ {quote.ask.normalize():f} post-only",
        f"cancel 12345 on {PERP}",
        f"set leverage 3x on {PERP}",
        f"set margin mode cross on {PERP}",
        "transfer 10 USDT spot -> futures",
        f"add 5 isolated margin to {PERP}",
    ]
