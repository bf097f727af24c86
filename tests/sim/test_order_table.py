"""An account's open orders come from the orders still open, not a scan of its whole history
(`bot.sim.accounts.OrderTable`), and a price step fills resting orders across the listing."""

from __future__ import annotations

from decimal import Decimal as D

from bot.sim.engine import SimExchange
from bot.sim.prices import PriceTick

KEY = "sim-key"


def _sim() -> SimExchange:
    return SimExchange.with_default_account(now_ms=lambda: 1_704_070_800_000)


def _bid(sim: SimExchange, symbol: str, price: str, qty: str) -> int:
    order = sim.place_order(
        KEY, "usdm", symbol, side="BUY", order_type="LIMIT", quantity=D(qty), price=D(price),
        time_in_force="GTC",
    )  # fmt: skip
    return int(order["orderId"])


def test_open_orders_drop_what_filled_or_was_cancelled_oldest_first() -> None:
    """Open orders list only what still rests, in placement order, after fills and cancels."""
    sim = _sim()
    first = _bid(sim, "DOGEUSDT", "0.3", "100")
    second = _bid(sim, "DOGEUSDT", "0.29", "100")
    third = _bid(sim, "BNBUSDT", "450", "1")
    sim.cancel_order(KEY, "usdm", "DOGEUSDT", order_id=second)
    sim.place_order(KEY, "usdm", "LTCUSDT", side="SELL", order_type="MARKET", quantity=D("1"))
    assert [o["orderId"] for o in sim.open_orders(KEY, "usdm")] == [first, third]
    sim.set_price("DOGEUSDT", D("0.25"))
    assert [o["orderId"] for o in sim.open_orders(KEY, "usdm")] == [third]


def test_one_price_step_fills_resting_orders_in_many_symbols() -> None:
    """A step that trades through resting bids in three symbols fills all three at once."""
    sim = _sim()
    bids = {"DOGEUSDT": ("0.3", "100"), "BNBUSDT": ("450", "1"), "LTCUSDT": ("200", "1")}
    for symbol, (price, qty) in bids.items():
        _bid(sim, symbol, price, qty)
    low = {s: D(p) * D("0.99") for s, (p, _) in bids.items()}
    sim.apply_ticks({s: PriceTick(spot=p, perp=p) for s, p in low.items()})
    assert sim.open_orders(KEY, "usdm") == []
    held = {r["symbol"]: r["positionAmt"] for r in sim.position_risk(KEY, None)}
    assert held == {"DOGEUSDT": "100", "BNBUSDT": "1.00", "LTCUSDT": "1.000"}
