"""Quarterlies on the simulated clock: price = index × (1 + decaying basis), delivery at the
index price (USDⓈ-M in USDT, COIN-M in coin), the listing rolling on, and time jumps that
cross several deliveries and funding boundaries in order."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from bot.sim import quarterlies
from bot.sim.engine import SimExchange
from bot.sim.errors import SimError

T0 = 1_704_070_800_000  # 2024-01-01T01:00Z
MARCH = quarterlies.delivery_ms(2024, 3)  # 2024-03-29T08:00Z
JUNE = quarterlies.delivery_ms(2024, 6)
KEY = "trader"
HOUR = 3_600_000


@pytest.fixture
def venue() -> SimExchange:
    """BTC at 60,000 on 2024-01-01; a trader with USDT on USDⓈ-M and 2 BTC on COIN-M."""
    engine = SimExchange(seed=2, now_ms=lambda: T0)
    balances = {"usdm": {"USDT": D(100000)}, "coinm": {"BTC": D(2)}, "spot": {"BTC": D(1)}}
    engine.create_account(KEY, "s", balances)
    engine.set_price("BTCUSDT", D(60000))
    return engine


def _order(venue: SimExchange, market: str, symbol: str, side: str, qty: str, **kw: Any) -> Any:
    price = kw.pop("price", None)
    return venue.place_order(
        KEY,
        market,
        symbol,
        side=side,
        order_type="MARKET" if price is None else "LIMIT",
        quantity=D(qty),
        price=price,
        time_in_force=None if price is None else "GTC",
    )


def _expected_quarterly(index: D, delivery: int, now: int, tick: D) -> D:
    fair = index * (1 + D("0.08") * D(delivery - now) / quarterlies.YEAR_MS)
    return (fair / tick).to_integral_value() * tick


def test_quarterlies_trade_at_the_index_plus_an_annualised_basis(venue: SimExchange) -> None:
    """BTCUSDT_240329 and BTCUSD_240329 trade at 60,000 × (1 + 8 % × τ/365 d), on their
    ticks; the June contracts, further out, higher."""
    usdm = _expected_quarterly(D(60000), MARCH, T0, D("0.1"))
    assert venue.price("usdm", "BTCUSDT_240329") == usdm == venue.price("coinm", "BTCUSD_240329")
    assert D(60000) < usdm < venue.price("usdm", "BTCUSDT_240628")


def test_the_basis_decays_as_simulated_time_passes(venue: SimExchange) -> None:
    """60 days later, with the index unchanged, the March contract is closer to the index."""
    start = venue.price("usdm", "BTCUSDT_240329")
    venue.advance(60 * 24 * HOUR)
    later = venue.price("usdm", "BTCUSDT_240329")
    assert later == _expected_quarterly(D(60000), MARCH, venue.now_ms(), D("0.1"))
    assert D(60000) < later < start


def test_a_moved_basis_reprices_the_quarterlies_at_once(venue: SimExchange) -> None:
    """set_basis(0) prices every quarterly at its index."""
    venue.set_basis(D(0))
    assert (
        venue.price("usdm", "BTCUSDT_240628") == D(60000) == venue.price("coinm", "BTCUSD_240329")
    )


def test_delivery_settles_a_usdm_position_at_the_index(venue: SimExchange) -> None:
    """A 0.5 BTC long in BTCUSDT_240329 is closed at the index (70,000) at 08:00 UTC on
    2024-03-29: +0.5 × (70,000 − entry) USDT, a DELIVERED_SETTELMENT row and a delivery record;
    its resting order is cancelled; the contract leaves the listing and September's arrives."""
    _order(venue, "usdm", "BTCUSDT_240329", "BUY", "0.5")
    entry = D(venue.position_risk(KEY, "BTCUSDT_240329")[0]["entryPrice"])
    resting = _order(venue, "usdm", "BTCUSDT_240329", "BUY", "0.1", price=D(50000))
    venue.set_price("BTCUSDT", D(70000))
    wallet = D(venue.futures_account(KEY)["totalWalletBalance"])
    venue.advance(MARCH - T0)
    assert all(r["symbol"] != "BTCUSDT_240329" for r in venue.position_risk(KEY))
    [row] = venue.income(KEY, income_type="DELIVERED_SETTELMENT")
    assert D(row["income"]) == round(D("0.5") * (70000 - entry), 8) and row["time"] == MARCH
    assert D(venue.futures_account(KEY)["totalWalletBalance"]) == round(
        wallet + D("0.5") * (70000 - entry), 8
    )
    [delivery] = venue.state()["accounts"][KEY]["deliveries"]
    assert (delivery["symbol"], delivery["deliveryPrice"]) == ("BTCUSDT_240329", "70000")
    order = venue.get_order(KEY, "usdm", "BTCUSDT_240329", order_id=resting["orderId"])
    assert order["status"] == "CANCELED"
    listed = venue.symbols("usdm")
    assert "BTCUSDT_240329" not in listed and {"BTCUSDT_240628", "BTCUSDT_240927"} <= set(listed)
    with pytest.raises(SimError, match="-1121"):
        _order(venue, "usdm", "BTCUSDT_240329", "BUY", "0.1")


def test_delivery_settles_a_coinm_position_in_coin_and_returns_isolated_margin(
    venue: SimExchange,
) -> None:
    """An isolated short of 300 BTCUSD_240329 delivered at an index of 50,000 realises
    −300 × 100 × (1/entry − 1/50,000) BTC (a gain) and hands its isolated margin back."""
    venue.set_margin_type(KEY, "BTCUSD_240329", "ISOLATED", "coinm")
    _order(venue, "coinm", "BTCUSD_240329", "SELL", "300")
    [row] = [r for r in venue.position_risk(KEY, market="coinm") if r["positionAmt"] != "0"]
    entry = D(row["entryPrice"])
    wallet = D(venue.futures_account(KEY, "coinm")["assets"][0]["walletBalance"])
    venue.set_price("BTCUSDT", D(50000))
    venue.advance(MARCH - T0)
    gain = D(-300) * 100 * (50000 - entry) / (entry * 50000)
    [row] = venue.income(KEY, income_type="DELIVERED_SETTELMENT", market="coinm")
    assert (row["asset"], D(row["income"])) == ("BTC", round(gain, 8))
    asset = venue.futures_account(KEY, "coinm")["assets"][0]
    assert asset["walletBalance"] == asset["crossWalletBalance"]
    assert abs(D(asset["walletBalance"]) - (wallet + gain)) <= D("0.00000001")


def test_a_jump_over_two_deliveries_and_many_fundings_settles_them_in_time_order(
    venue: SimExchange,
) -> None:
    """One jump from January to July crosses the March and June deliveries and every 8-hourly
    funding of the perpetual short: both quarterlies are delivered at their own dates (March
    first), each funding is stamped at its boundary, and the COIN-M income is in time order."""
    _order(venue, "coinm", "BTCUSD_240329", "SELL", "100")
    _order(venue, "coinm", "BTCUSD_240628", "SELL", "100")
    _order(venue, "coinm", "BTCUSD_PERP", "SELL", "100")
    end = JUNE + 10 * 24 * HOUR
    venue.advance(end - T0)
    deliveries = venue.state()["accounts"][KEY]["deliveries"]
    assert [(d["symbol"], d["deliveryDate"]) for d in deliveries] == [
        ("BTCUSD_240329", MARCH),
        ("BTCUSD_240628", JUNE),
    ]
    rows = venue.income(KEY, market="coinm", limit=1000)
    fundings = [r["time"] for r in rows if r["incomeType"] == "FUNDING_FEE"]
    boundary = 8 * HOUR
    assert fundings == list(range((T0 // boundary + 1) * boundary, end + 1, boundary))
    assert [r["time"] for r in rows] == sorted(r["time"] for r in rows)
    assert [
        r["symbol"] for r in venue.position_risk(KEY, market="coinm") if r["positionAmt"] != "0"
    ] == ["BTCUSD_PERP"]


def test_state_shows_the_listings_and_the_quarterlies_held(venue: SimExchange) -> None:
    """/sim/state: per pair the current and next contract with delivery dates, and per account
    the quarterlies it holds — what a roll reads."""
    _order(venue, "usdm", "BTCUSDT_240329", "SELL", "0.2")
    state = venue.state()
    assert state["listings"]["usdm"]["BTCUSDT"] == {
        "current": {"symbol": "BTCUSDT_240329", "deliveryDate": MARCH},
        "next": {"symbol": "BTCUSDT_240628", "deliveryDate": JUNE},
    }
    held = state["accounts"][KEY]["quarterlies"]["BTCUSDT"]
    assert held["held"] == [
        {
            "symbol": "BTCUSDT_240329",
            "deliveryDate": MARCH,
            "contractType": "CURRENT_QUARTER",
            "positionSide": "BOTH",
            "amount": "-0.2",
        }
    ]
    contract = state["contracts"]["BTCUSDT_240329"]
    assert contract["contractType"] == "CURRENT_QUARTER" and contract["fundingRate"] is None
    assert D("0.079") < D(contract["annualisedBasis"]) < D("0.081")
