"""Binance hedge mode in the venue core: LONG and SHORT legs, closes, margin and liquidation."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from bot.sim.engine import SimExchange
from bot.sim.errors import SimError
from bot.sim.margin import maintenance_margin, unrealized_pnl
from bot.sim.specs import brackets_for

KEY = "hedger"
BTC = "BTCUSDT"


@pytest.fixture
def venue(sim: SimExchange) -> SimExchange:
    """The conftest venue (BTC 65,000, frozen clock) plus a hedge-mode account."""
    sim.create_account(KEY, "s", {"usdm": {"USDT": D(100_000)}}, dual_side=True)
    return sim


def _market(venue: SimExchange, side: str, qty: str, leg: str | None, **kw: Any) -> Any:
    return venue.place_order(
        KEY, "usdm", BTC, side=side, order_type="MARKET", quantity=D(qty), position_side=leg, **kw
    )


def _error(call: Any) -> SimError:
    with pytest.raises(SimError) as err:
        call()
    return err.value


def _legs(venue: SimExchange) -> dict[str, D]:
    return {r["positionSide"]: D(r["positionAmt"]) for r in venue.position_risk(KEY, BTC)}


def test_long_and_short_legs_are_held_apart(venue: SimExchange) -> None:
    """BUY LONG and SELL SHORT open two legs that do not net (one-way mode would net them)."""
    _market(venue, "BUY", "0.3", "LONG")
    _market(venue, "SELL", "1", "SHORT")
    assert _legs(venue) == {"LONG": D("0.3"), "SHORT": D(-1)}


def test_position_risk_lists_the_flat_leg_too(venue: SimExchange) -> None:
    """A symbol with a short shows a flat LONG row beside it, as Binance's hedge mode does."""
    _market(venue, "SELL", "1", "SHORT")
    assert _legs(venue) == {"LONG": D(0), "SHORT": D(-1)}


def test_buy_short_closes_the_short_and_cannot_exceed_it(venue: SimExchange) -> None:
    """BUY on the SHORT leg shrinks it; more than the short is -2022; the LONG leg is untouched."""
    _market(venue, "BUY", "0.5", "LONG")
    _market(venue, "SELL", "1", "SHORT")
    assert _error(lambda: _market(venue, "BUY", "1.5", "SHORT")).code == -2022
    _market(venue, "BUY", "0.4", "SHORT")
    assert _legs(venue) == {"LONG": D("0.5"), "SHORT": D("-0.6")}


def test_closing_a_leg_that_is_flat_is_rejected(venue: SimExchange) -> None:
    """SELL on an empty LONG leg would open nothing: -2022, never a short."""
    assert _error(lambda: _market(venue, "SELL", "0.1", "LONG")).code == -2022


def test_a_small_close_is_exempt_from_min_notional(venue: SimExchange) -> None:
    """Closing 0.001 BTC (65 USDT < 100 minimum) on the SHORT leg is allowed, like reduce-only;
    opening that little is -4164."""
    _market(venue, "SELL", "0.01", "SHORT")
    assert _error(lambda: _market(venue, "SELL", "0.001", "SHORT")).code == -4164
    _market(venue, "BUY", "0.001", "SHORT")
    assert _legs(venue)["SHORT"] == D("-0.009")


@pytest.mark.parametrize(
    ("leg", "kw", "code"),
    [
        (None, {}, -4061),
        ("BOTH", {}, -4061),
        ("MIDDLE", {}, -4060),
        ("SHORT", {"reduce_only": True}, -1106),
        ("SHORT", {"reduce_only": False}, -1106),
    ],
    ids=["no-side", "both", "unknown-side", "reduce-only", "reduce-only-false"],
)
def test_hedge_mode_order_parameters(
    venue: SimExchange, leg: str | None, kw: Any, code: int
) -> None:
    """Hedge mode needs positionSide LONG|SHORT and refuses any reduceOnly parameter."""
    assert _error(lambda: _market(venue, "SELL", "0.01", leg, **kw)).code == code


def test_one_way_mode_refuses_a_hedge_leg(sim: SimExchange) -> None:
    """In one-way mode positionSide SHORT does not match the account's setting (-4061)."""
    error = _error(
        lambda: sim.place_order(
            "sim-key", "usdm", BTC, side="SELL", order_type="MARKET", quantity=D("0.01"),
            position_side="SHORT",
        )
    )  # fmt: skip
    assert error.code == -4061


def test_mode_switch_rules(venue: SimExchange) -> None:
    """Unchanged mode is -4059, an open order -4067, a position -4068; when flat it switches."""
    assert _error(lambda: venue.set_position_mode(KEY, True)).code == -4059
    bid, _ = venue.best_bid_ask("usdm", BTC)
    order = venue.place_order(
        KEY, "usdm", BTC, side="BUY", order_type="LIMIT", quantity=D("0.01"), price=bid - 100,
        time_in_force="GTC", position_side="LONG",
    )  # fmt: skip
    assert _error(lambda: venue.set_position_mode(KEY, False)).code == -4067
    venue.cancel_order(KEY, "usdm", BTC, order_id=order["orderId"])
    _market(venue, "SELL", "0.01", "SHORT")
    assert _error(lambda: venue.set_position_mode(KEY, False)).code == -4068
    _market(venue, "BUY", "0.01", "SHORT")
    assert venue.set_position_mode(KEY, False) == {"code": 200, "msg": "success"}
    assert venue.position_mode(KEY) == {"dualSidePosition": False}


def test_fills_and_orders_carry_the_leg(venue: SimExchange) -> None:
    """Orders, userTrades rows and /sim/state fills name the positionSide they traded."""
    order = _market(venue, "SELL", "0.01", "SHORT")
    assert order["positionSide"] == "SHORT"
    [trade] = venue.my_trades(KEY, "usdm", BTC)
    assert trade["positionSide"] == "SHORT"
    [fill] = venue.state()["accounts"][KEY]["fills"]
    assert fill["positionSide"] == "SHORT"


def test_isolated_margin_is_per_leg(venue: SimExchange) -> None:
    """Adding isolated margin names the leg (required in hedge mode) and only that leg grows."""
    venue.set_margin_type(KEY, BTC, "ISOLATED")
    _market(venue, "BUY", "0.1", "LONG")
    _market(venue, "SELL", "0.1", "SHORT")
    assert _error(lambda: venue.modify_position_margin(KEY, BTC, D(50), 1)).code == -4061
    wallets = {r["positionSide"]: D(r["isolatedWallet"]) for r in venue.position_risk(KEY, BTC)}
    venue.modify_position_margin(KEY, BTC, D(50), 1, "SHORT")
    after = {r["positionSide"]: D(r["isolatedWallet"]) for r in venue.position_risk(KEY, BTC)}
    assert after == {"LONG": wallets["LONG"], "SHORT": wallets["SHORT"] + 50}


def test_isolated_short_leg_liquidates_alone(venue: SimExchange) -> None:
    """A rally past the isolated SHORT leg's liquidation price closes it; the LONG leg stays."""
    venue.set_margin_type(KEY, BTC, "ISOLATED")
    venue.set_leverage(KEY, BTC, 10)
    _market(venue, "BUY", "0.1", "LONG")
    _market(venue, "SELL", "0.1", "SHORT")
    rows = {r["positionSide"]: r for r in venue.position_risk(KEY, BTC)}
    venue.set_price(BTC, D(rows["SHORT"]["liquidationPrice"]) * D("1.01"))
    assert _legs(venue) == {"LONG": D("0.1"), "SHORT": D(0)}
    [event] = venue.state()["accounts"][KEY]["liquidations"]
    assert event["positionSide"] == "SHORT" and event["side"] == "BUY"


def test_cross_legs_share_the_hedge_mode_liquidation_price(venue: SimExchange) -> None:
    """In cross hedge mode both legs show one price, at which the margin balance of the two
    legs together equals their maintenance margin (Binance's hedge-mode formula)."""
    venue.set_balance(KEY, "usdm", "USDT", D(5000))
    _market(venue, "BUY", "0.2", "LONG")
    _market(venue, "SELL", "1", "SHORT")
    rows = {r["positionSide"]: r for r in venue.position_risk(KEY, BTC)}
    lp = D(rows["SHORT"]["liquidationPrice"])
    assert lp == D(rows["LONG"]["liquidationPrice"]) and lp > D(65_000)
    wallet = D(venue.futures_account(KEY)["totalCrossWalletBalance"])
    legs = [(D(r["positionAmt"]), D(r["entryPrice"])) for r in rows.values()]
    balance = wallet + sum(unrealized_pnl(a, e, lp) for a, e in legs)
    maint = sum(maintenance_margin(brackets_for(BTC), a * lp) for a, _ in legs)
    assert abs(balance - maint) < D("0.0001")


def test_a_fully_hedged_pair_survives_a_rally_that_kills_a_bare_short(venue: SimExchange) -> None:
    """Equal LONG and SHORT legs in cross cannot be liquidated by a 20 % rally; in a second
    account the same short alone is."""
    venue.set_balance(KEY, "usdm", "USDT", D(2000))
    venue.create_account("bare", "s", {"usdm": {"USDT": D(2000)}}, dual_side=True)
    _market(venue, "BUY", "0.2", "LONG")
    _market(venue, "SELL", "0.2", "SHORT")
    venue.place_order(
        "bare", "usdm", BTC, side="SELL", order_type="MARKET", quantity=D("0.2"),
        position_side="SHORT",
    )  # fmt: skip
    venue.set_price(BTC, D(78_000))
    assert _legs(venue) == {"LONG": D("0.2"), "SHORT": D("-0.2")}
    assert len(venue.state()["accounts"]["bare"]["liquidations"]) == 1


def test_funding_settles_each_leg(venue: SimExchange) -> None:
    """A positive rate charges the LONG leg and pays the SHORT leg, each on its own size."""
    _market(venue, "BUY", "0.5", "LONG")
    _market(venue, "SELL", "2", "SHORT")
    venue.settle_funding(BTC, D("0.0001"))
    amounts = sorted(D(r["income"]) for r in venue.income(KEY, income_type="FUNDING_FEE"))
    mark = venue.mark_price(BTC)
    assert amounts == [-D("0.5") * mark * D("0.0001"), 2 * mark * D("0.0001")]
