"""USDⓈ-M account behaviour: positions, margin, validation, funding, transfers, liquidation."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from bot.sim.engine import SimExchange
from bot.sim.errors import SimError
from bot.sim.margin import liquidation_price, maintenance_margin
from bot.sim.specs import brackets_for

KEY = "sim-key"
HOUR = 3_600_000


def _order(
    sim: SimExchange,
    side: str,
    qty: str,
    price: D | None = None,
    *,
    tif: str = "GTC",
    symbol: str = "BTCUSDT",
    reduce_only: bool = False,
) -> dict[str, Any]:
    return sim.place_order(
        KEY,
        "usdm",
        symbol,
        side=side,
        order_type="MARKET" if price is None else "LIMIT",
        quantity=D(qty),
        price=price,
        time_in_force=None if price is None else tif,
        reduce_only=reduce_only,
    )


def _open_short(sim: SimExchange, qty: str = "1") -> D:
    """Rest a post-only short at the ask and fill it by lifting the price; returns entry."""
    _, ask = sim.best_bid_ask("usdm", "BTCUSDT")
    _order(sim, "SELL", qty, ask, tif="GTX")
    sim.set_price("BTCUSDT", ask + D("0.1"))
    return ask


def _error(call: object) -> SimError:
    with pytest.raises(SimError) as err:
        call()  # type: ignore[operator]
    return err.value


def test_position_entry_pnl_and_liquidation_price_after_a_fill(sim: SimExchange) -> None:
    """positionRisk shows the short, its entry, uPnL at mark and Binance's cross LP."""
    entry = _open_short(sim)
    row = sim.position_risk(KEY, "BTCUSDT")[0]
    mark = sim.mark_price("BTCUSDT")
    assert row["positionSide"] == "BOTH" and D(row["positionAmt"]) == -1
    assert D(row["entryPrice"]) == entry
    assert D(row["unRealizedProfit"]) == (entry - mark).quantize(D("1e-8"))
    wallet = D(sim.futures_account(KEY)["totalCrossWalletBalance"])
    expected = liquidation_price(
        wallet_balance=wallet, amt=D(-1), entry_price=entry, brackets=brackets_for("BTCUSDT")
    )
    assert abs(D(row["liquidationPrice"]) - expected) < D("0.00000001")
    assert D(row["maintMargin"]) == maintenance_margin(brackets_for("BTCUSDT"), -mark).quantize(
        D("1e-8")
    )
    assert D(row["initialMargin"]) == (mark / 20).quantize(D("1e-8"))


def test_margin_ratio_in_state_is_maintenance_over_margin_balance(sim: SimExchange) -> None:
    """State reports margin ratio = cross maintenance margin / cross margin balance."""
    _open_short(sim)
    pos = sim.state()["accounts"][KEY]["positions"][0]
    acct = sim.futures_account(KEY)
    expected = D(acct["totalMaintMargin"]) / D(acct["totalMarginBalance"])
    assert abs(D(pos["marginRatio"]) - expected) < D("1e-8")


def test_reduce_only_that_would_increase_is_rejected(sim: SimExchange) -> None:
    """Reduce-only with no position, or in the position's direction: -2022."""
    assert _error(lambda: _order(sim, "SELL", "0.01", reduce_only=True)).code == -2022
    _open_short(sim, "0.01")
    assert _error(lambda: _order(sim, "SELL", "0.01", reduce_only=True)).code == -2022


def test_reduce_only_larger_than_position_is_trimmed_and_closes_it(sim: SimExchange) -> None:
    """A reduce-only buy for more than the short only closes the short."""
    _open_short(sim, "0.01")
    order = _order(sim, "BUY", "0.05", reduce_only=True)
    assert order["origQty"] == "0.010" and order["status"] == "FILLED"
    assert sim.position_risk(KEY) == []


def test_min_notional_rejected_unless_reduce_only(sim: SimExchange) -> None:
    """BTCUSDT needs 100 USDT notional (-4164); a small reduce-only close is allowed."""
    err = _error(lambda: _order(sim, "SELL", "0.001", D(66000)))
    assert err.code == -4164 and "no smaller than 100" in err.msg
    _open_short(sim, "0.002")
    assert _order(sim, "BUY", "0.001", reduce_only=True)["status"] == "FILLED"


@pytest.mark.parametrize(
    ("market", "qty", "price", "code", "msg"),
    [
        ("usdm", "0.0015", D(66000), -1013, "Filter failure: LOT_SIZE"),
        ("usdm", "0.010", D("66000.05"), -1013, "Filter failure: PRICE_FILTER"),
        ("usdm", "0", D(66000), -4003, "Quantity less than or equal to zero."),
        ("spot", "0.00005", D(66000), -1013, "Filter failure: NOTIONAL"),
        ("spot", "0.000001", D(66000), -1013, "Filter failure: LOT_SIZE"),
        ("spot", "-1", D(66000), -1013, "Invalid quantity."),
    ],
)
def test_filter_failures(
    sim: SimExchange, market: str, qty: str, price: D, code: int, msg: str
) -> None:
    """Orders off the step/tick grid, too small or non-positive get Binance's filter errors."""
    err = _error(
        lambda: sim.place_order(
            KEY,
            market,
            "BTCUSDT",
            side="SELL",
            order_type="LIMIT",
            quantity=D(qty),
            price=price,
            time_in_force="GTC",
        )
    )
    assert (err.code, err.msg) == (code, msg)


def test_unknown_symbol_is_1121(sim: SimExchange) -> None:
    """A symbol the venue does not list: -1121 Invalid symbol."""
    assert _error(lambda: _order(sim, "BUY", "1", symbol="NOPEUSDT")).code == -1121


def test_order_beyond_available_margin_is_2019(sim: SimExchange) -> None:
    """20x leverage on 100,000 USDT allows ~2,000,000 notional; 40 BTC (2.6M) is refused."""
    assert _error(lambda: _order(sim, "SELL", "40", D(66000))).code == -2019


def test_funding_credits_a_short_with_a_positive_rate(sim: SimExchange) -> None:
    """Settling 0.01 % on a 1 BTC short credits |amt| × mark × rate as FUNDING_FEE income."""
    _open_short(sim)
    before = D(sim.futures_account(KEY)["totalWalletBalance"])
    sim.settle_funding("BTCUSDT", D("0.0001"))
    row = sim.income(KEY, income_type="FUNDING_FEE")[-1]
    credit = sim.mark_price("BTCUSDT") * D("0.0001")
    assert D(row["income"]) == credit.quantize(D("1e-8")) and row["asset"] == "USDT"
    assert D(sim.futures_account(KEY)["totalWalletBalance"]) == before + credit


def test_advancing_across_a_funding_boundary_settles(sim: SimExchange) -> None:
    """Sim time crossing 08:00 UTC settles funding once, stamped at the boundary."""
    _open_short(sim)
    sim.advance(6 * HOUR)
    assert sim.income(KEY, income_type="FUNDING_FEE") == []
    sim.advance(2 * HOUR)
    rows = sim.income(KEY, income_type="FUNDING_FEE")
    assert len(rows) == 1 and rows[0]["time"] % (8 * HOUR) == 0 and D(rows[0]["income"]) > 0


def test_isolated_margin_add_moves_wallet_and_lifts_short_liquidation(sim: SimExchange) -> None:
    """Adding isolated margin takes it from the cross wallet and raises a short's LP."""
    sim.set_margin_type(KEY, "BTCUSDT", "ISOLATED")
    _open_short(sim)
    lp_before = D(sim.position_risk(KEY)[0]["liquidationPrice"])
    cross_before = D(sim.futures_account(KEY)["totalCrossWalletBalance"])
    sim.modify_position_margin(KEY, "BTCUSDT", D(1000), 1)
    row = sim.position_risk(KEY)[0]
    assert D(row["liquidationPrice"]) > lp_before
    assert D(sim.futures_account(KEY)["totalCrossWalletBalance"]) == cross_before - 1000
    assert D(row["isolatedWallet"]) > 1000


def test_margin_type_rules(sim: SimExchange) -> None:
    """Same type: -4046; with a position: -4048; leverage beyond the bracket: -4028."""
    assert _error(lambda: sim.set_margin_type(KEY, "BTCUSDT", "CROSSED")).code == -4046
    _open_short(sim)
    assert _error(lambda: sim.set_margin_type(KEY, "BTCUSDT", "ISOLATED")).code == -4048
    assert _error(lambda: sim.set_leverage(KEY, "BTCUSDT", 126)).code == -4028
    assert sim.set_leverage(KEY, "BTCUSDT", 10)["leverage"] == 10


def test_transfer_moves_usdt_between_wallets_and_refuses_overdraft(sim: SimExchange) -> None:
    """MAIN_UMFUTURE / UMFUTURE_MAIN move USDT and are recorded; too much: -5002."""
    result = sim.transfer(KEY, "MAIN_UMFUTURE", "USDT", D(4000))
    assert D(sim.futures_account(KEY)["totalWalletBalance"]) == 104000
    assert sim.state()["accounts"][KEY]["transfers"][0]["tranId"] == result["tranId"]
    sim.transfer(KEY, "UMFUTURE_MAIN", "USDT", D(1000))
    usdt = next(b for b in sim.spot_account(KEY)["balances"] if b["asset"] == "USDT")
    assert D(usdt["free"]) == 7000
    assert _error(lambda: sim.transfer(KEY, "MAIN_UMFUTURE", "USDT", D(8000))).code == -5002


def test_isolated_short_is_liquidated_when_price_runs_away(sim: SimExchange) -> None:
    """Past the LP the isolated short is closed at its LP (on the tick grid), its margin lost,
    the event recorded."""
    sim.set_margin_type(KEY, "BTCUSDT", "ISOLATED")
    _open_short(sim)
    lp = D(sim.position_risk(KEY)[0]["liquidationPrice"])
    cross = D(sim.futures_account(KEY)["totalCrossWalletBalance"])
    sim.set_price("BTCUSDT", lp + 500)
    assert sim.position_risk(KEY) == []
    event = sim.state()["accounts"][KEY]["liquidations"][0]
    assert (event["symbol"], event["side"], event["qty"]) == ("BTCUSDT", "BUY", "1")
    assert abs(D(event["price"]) - lp) <= D("0.05")  # the LP rounded to the 0.1 tick
    assert D(sim.futures_account(KEY)["totalWalletBalance"]) == cross


def test_cross_short_is_liquidated_when_price_runs_away(sim: SimExchange) -> None:
    """A cross short on a small wallet is liquidated once the mark passes its LP."""
    sim.set_balance(KEY, "usdm", "USDT", D(5000))
    _open_short(sim)
    lp = D(sim.position_risk(KEY)[0]["liquidationPrice"])
    sim.set_price("BTCUSDT", lp - 50)
    assert sim.position_risk(KEY) != []
    sim.set_price("BTCUSDT", lp + 50)
    assert sim.position_risk(KEY) == []
    assert len(sim.state()["accounts"][KEY]["liquidations"]) == 1


def test_negative_balance_is_refused_with_a_clear_message(sim: SimExchange) -> None:
    """set_balance with a negative amount raises SimError naming the value."""
    err = _error(lambda: sim.set_balance(KEY, "usdm", "USDT", D(-1)))
    assert err.code == -1130 and "-1" in err.msg and "negative" in err.msg


def test_realized_pnl_and_commission_become_income(sim: SimExchange) -> None:
    """Closing a short at a loss books REALIZED_PNL and COMMISSION rows like Binance."""
    entry = _open_short(sim, "0.01")
    sim.set_price("BTCUSDT", D(66000))
    _order(sim, "BUY", "0.01", reduce_only=True)
    kinds = [r["incomeType"] for r in sim.income(KEY)]
    assert kinds.count("COMMISSION") == 2 and "REALIZED_PNL" in kinds
    pnl = D(sim.income(KEY, income_type="REALIZED_PNL")[-1]["income"])
    assert pnl < 0 and abs(pnl + (D(66000) - entry) * D("0.01")) < 2


def test_position_margin_rules(sim: SimExchange) -> None:
    """Cross position: -4049; flat isolated: -4054; more than available: -4050;
    reducing below initial margin: -4051; a valid reduce returns margin to the cross wallet."""
    _open_short(sim, "0.01")
    assert _error(lambda: sim.modify_position_margin(KEY, "BTCUSDT", D(10), 1)).code == -4049
    sim.set_margin_type(KEY, "ETHUSDT", "ISOLATED")
    assert _error(lambda: sim.modify_position_margin(KEY, "ETHUSDT", D(10), 1)).code == -4054
    sim.set_price("ETHUSDT", D(3000))
    sim.place_order(KEY, "usdm", "ETHUSDT", side="SELL", order_type="MARKET", quantity=D(1))
    assert _error(lambda: sim.modify_position_margin(KEY, "ETHUSDT", D(10**6), 1)).code == -4050
    assert _error(lambda: sim.modify_position_margin(KEY, "ETHUSDT", D(140), 2)).code == -4051
    cross = D(sim.futures_account(KEY)["totalCrossWalletBalance"])
    sim.modify_position_margin(KEY, "ETHUSDT", D(200), 1)
    sim.modify_position_margin(KEY, "ETHUSDT", D(50), 2)
    assert D(sim.futures_account(KEY)["totalCrossWalletBalance"]) == cross - 150
