"""Market model: synthetic book, post-only rejection, taker fills, resting fills, spot funds."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from bot.sim.engine import SimExchange
from bot.sim.errors import SimError

KEY = "sim-key"


def _short(sim: SimExchange, price: D, qty: str = "0.1", tif: str = "GTX") -> dict[str, Any]:
    return sim.place_order(
        KEY,
        "usdm",
        "BTCUSDT",
        side="SELL",
        order_type="LIMIT",
        quantity=D(qty),
        price=price,
        time_in_force=tif,
    )


def test_book_straddles_the_price_with_a_few_ticks_and_growing_depth(sim: SimExchange) -> None:
    """Best bid < last < best ask, spread of two ticks; deeper levels hold more quantity."""
    bids, asks = sim.book("usdm", "BTCUSDT", limit=5)
    tick = sim.spec("usdm", "BTCUSDT").tick
    assert bids[0][0] < D(65000) < asks[0][0]
    assert asks[0][0] - bids[0][0] == 2 * tick
    assert [b[0] for b in bids] == sorted((b[0] for b in bids), reverse=True)
    assert asks[4][1] > asks[0][1] > 0


def test_post_only_short_crossing_the_bid_is_rejected_with_5022(sim: SimExchange) -> None:
    """A GTX sell at or below the best bid would take liquidity: -5022, nothing recorded."""
    bid, _ = sim.best_bid_ask("usdm", "BTCUSDT")
    with pytest.raises(SimError) as err:
        _short(sim, bid)
    assert (err.value.code, err.value.http_status) == (-5022, 400)
    assert sim.open_orders(KEY, "usdm", "BTCUSDT") == []


def test_post_only_short_at_the_touch_rests(sim: SimExchange) -> None:
    """A GTX sell at the best ask does not cross: it is accepted as NEW and rests."""
    _, ask = sim.best_bid_ask("usdm", "BTCUSDT")
    order = _short(sim, ask)
    assert order["status"] == "NEW" and order["timeInForce"] == "GTX"
    assert [o["orderId"] for o in sim.open_orders(KEY, "usdm")] == [order["orderId"]]


def test_spot_limit_maker_crossing_is_rejected_with_2010(sim: SimExchange) -> None:
    """Spot LIMIT_MAKER buying at the ask: -2010 'Order would immediately match and take.'"""
    _, ask = sim.best_bid_ask("spot", "BTCUSDT")
    with pytest.raises(SimError) as err:
        sim.place_order(
            KEY,
            "spot",
            "BTCUSDT",
            side="BUY",
            order_type="LIMIT_MAKER",
            quantity=D("0.01"),
            price=ask,
        )
    assert err.value.code == -2010
    assert err.value.msg == "Order would immediately match and take."


def test_crossing_limit_fills_immediately_as_taker(sim: SimExchange) -> None:
    """A GTC sell below the bid takes at the book's bid with the 0.05 % taker fee."""
    bid, _ = sim.best_bid_ask("usdm", "BTCUSDT")
    order = _short(sim, bid - 100, tif="GTC")
    assert order["status"] == "FILLED"
    trade = sim.my_trades(KEY, "usdm", "BTCUSDT")[0]
    assert D(trade["price"]) == bid and trade["maker"] is False
    assert D(trade["commission"]) == bid * D("0.1") * D("0.0005")


def test_resting_short_fills_fully_when_price_rises_through_it(sim: SimExchange) -> None:
    """A resting sell at P fills completely, as maker at P, once the price trades above P."""
    _, ask = sim.best_bid_ask("usdm", "BTCUSDT")
    order = _short(sim, ask)
    sim.set_price("BTCUSDT", ask + 5)
    got = sim.get_order(KEY, "usdm", "BTCUSDT", order_id=order["orderId"])
    assert got["status"] == "FILLED" and D(got["avgPrice"]) == ask
    trade = sim.my_trades(KEY, "usdm", "BTCUSDT")[0]
    assert trade["maker"] is True and D(trade["commission"]) == ask * D("0.1") * D("0.0002")


def test_touching_a_resting_order_fills_part_of_it(sim: SimExchange) -> None:
    """When the price only touches the level, half the order fills and the rest keeps resting."""
    _, ask = sim.best_bid_ask("usdm", "BTCUSDT")
    order = _short(sim, ask, qty="0.010")
    sim.set_price("BTCUSDT", ask)
    got = sim.get_order(KEY, "usdm", "BTCUSDT", order_id=order["orderId"])
    assert got["status"] == "PARTIALLY_FILLED" and got["executedQty"] == "0.005"


def test_resting_buy_below_does_not_fill_until_price_falls_through(sim: SimExchange) -> None:
    """A bid below the market stays NEW while the price stays above it."""
    order = sim.place_order(
        KEY,
        "usdm",
        "BTCUSDT",
        side="BUY",
        order_type="LIMIT",
        quantity=D("0.01"),
        price=D(64000),
        time_in_force="GTC",
    )
    sim.set_price("BTCUSDT", D("64000.1"))
    assert sim.get_order(KEY, "usdm", "BTCUSDT", order_id=order["orderId"])["status"] == "NEW"
    sim.set_price("BTCUSDT", D(63990))
    assert sim.get_order(KEY, "usdm", "BTCUSDT", order_id=order["orderId"])["status"] == "FILLED"


def _spot(sim: SimExchange, asset: str) -> tuple[D, D]:
    row = next(b for b in sim.spot_account(KEY)["balances"] if b["asset"] == asset)
    return D(row["free"]), D(row["locked"])


def test_spot_resting_buy_locks_quote_and_cancel_releases_it(sim: SimExchange) -> None:
    """A spot limit buy locks price × qty (+fee headroom) of USDT; cancelling frees it all."""
    order = sim.place_order(
        KEY,
        "spot",
        "BTCUSDT",
        side="BUY",
        order_type="LIMIT",
        quantity=D("0.1"),
        price=D(60000),
        time_in_force="GTC",
    )
    free, locked = _spot(sim, "USDT")
    assert locked == D(6000) * D("1.001") and free + locked == D(10000)
    sim.cancel_order(KEY, "spot", "BTCUSDT", order_id=order["orderId"])
    assert _spot(sim, "USDT") == (D(10000), D(0))


def test_spot_fill_moves_base_and_quote_with_quote_commission(sim: SimExchange) -> None:
    """A resting spot buy filled at 60,000 adds 0.1 BTC and costs 6,000 USDT + 0.1 % fee."""
    sim.place_order(
        KEY,
        "spot",
        "BTCUSDT",
        side="BUY",
        order_type="LIMIT",
        quantity=D("0.1"),
        price=D(60000),
        time_in_force="GTC",
    )
    sim.set_price("BTCUSDT", D(59000), market="spot")
    assert _spot(sim, "BTC") == (D("2.1"), D(0))
    assert _spot(sim, "USDT") == (D(10000) - D(6000) - D(6), D(0))


def test_spot_market_sell_without_funds_is_rejected(sim: SimExchange) -> None:
    """Selling more BTC than the spot wallet holds: -2010 insufficient balance."""
    with pytest.raises(SimError) as err:
        sim.place_order(KEY, "spot", "BTCUSDT", side="SELL", order_type="MARKET", quantity=D(3))
    assert err.value.code == -2010 and "insufficient balance" in err.value.msg


def test_ioc_remainder_expires(sim: SimExchange) -> None:
    """An IOC limit that does not cross expires instead of resting."""
    order = _short(sim, D(70000), tif="IOC")
    assert order["status"] == "EXPIRED"
    assert sim.open_orders(KEY, "usdm") == []
