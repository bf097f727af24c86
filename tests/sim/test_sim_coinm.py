"""The COIN-M venue: contracts of 100 USD margined in BTC, P&L, margin and liquidation in
coin, funding in coin, the wallet and its transfers, Binance's COIN-M errors."""

from __future__ import annotations

from decimal import Decimal as D
from typing import Any

import pytest

from bot.sim.coinm_margin import inverse_liquidation_price
from bot.sim.engine import SimExchange
from bot.sim.errors import SimError
from bot.sim.specs import brackets_for

HOLDER = "holder"
PERP = "BTCUSD_PERP"
HOUR = 3_600_000
T0 = 1_704_070_800_000  # 2024-01-01T01:00Z: seven hours before a funding boundary


@pytest.fixture
def venue() -> SimExchange:
    """BTC at 60,000; the holder has 4 BTC in spot and 1 BTC in the COIN-M wallet."""
    engine = SimExchange(seed=1, now_ms=lambda: T0)
    balances = {"spot": {"BTC": D(4)}, "coinm": {"BTC": D(1)}}
    engine.create_account(HOLDER, "secret", balances)
    engine.set_price("BTCUSDT", D(60000))
    return engine


def _order(venue: SimExchange, side: str, qty: str, price: D | None = None, **kw: Any) -> Any:
    return venue.place_order(
        HOLDER,
        "coinm",
        kw.pop("symbol", PERP),
        side=side,
        order_type="MARKET" if price is None else "LIMIT",
        quantity=D(qty),
        price=price,
        time_in_force=None if price is None else kw.pop("tif", "GTC"),
        **kw,
    )


def _short_at_60000(venue: SimExchange, qty: str = "3000") -> None:
    """Rest a sell at 60,000 and trade through it: a maker fill at exactly 60,000."""
    _order(venue, "SELL", qty, D(60000), tif="GTX")
    venue.set_price("BTCUSDT", D("60000.5"))


def _row(venue: SimExchange, symbol: str = PERP) -> dict[str, Any]:
    [row] = [r for r in venue.position_risk(HOLDER, market="coinm") if r["symbol"] == symbol]
    return row


def _wallet(venue: SimExchange) -> D:
    [asset] = venue.futures_account(HOLDER, "coinm")["assets"]
    return D(asset["walletBalance"])


def test_coin_derived_perpetual_follows_the_spot_index(venue: SimExchange) -> None:
    """BTCUSD_PERP trades at its index, the BTCUSDT spot price; moving spot moves it."""
    assert venue.price("coinm", PERP) == venue.index_price(PERP) == D(60000)
    venue.set_price("BTCUSDT", D("61000.37"), "spot")
    assert venue.price("coinm", PERP) == D("61000.4")  # on BTCUSD's 0.1 tick


def test_short_3000_contracts_is_5_btc_with_binances_liquidation_price(venue: SimExchange) -> None:
    """Short 3,000 × 100 USD at 60,000: −5 BTC notional at the 60,000.5 mark, uPnL in BTC,
    the maker fee (0.02 % of 5 BTC) taken from the 1 BTC wallet, and the positionRisk LP is
    Binance's COIN-M formula over that wallet and entry."""
    _short_at_60000(venue)
    row, mark = _row(venue), D("60000.5")
    assert (row["positionAmt"], row["entryPrice"]) == ("-3000", "60000.00000000")
    assert D(row["notionalValue"]) == round(D(-300000) / mark, 8)
    assert D(row["unRealizedProfit"]) == round(D(-300000) * (mark - 60000) / (60000 * mark), 8)
    assert _wallet(venue) == D(1) - D("0.001")
    lp = inverse_liquidation_price(
        wallet_balance=D("0.999"),
        amt=D(-3000),
        entry_price=D(60000),
        contract_size=D(100),
        brackets=brackets_for(PERP),
    )
    assert D(row["liquidationPrice"]) == round(lp, 8)
    assert D(74681) < lp < D(74682)  # (12 − 3000) / (0.999/100 − 0.05)
    assert row["marginType"] == "cross" and row["positionSide"] == "BOTH"


def test_funding_is_paid_in_coin_on_the_mark_notional(venue: SimExchange) -> None:
    """At the 08:00 boundary the short receives 3,000 × 100 / mark × 0.01 % BTC, booked as a
    FUNDING_FEE income row in BTC on the COIN-M history (none on USDⓈ-M's)."""
    _short_at_60000(venue)
    before = _wallet(venue)
    venue.advance(7 * HOUR)
    [row] = venue.income(HOLDER, income_type="FUNDING_FEE", market="coinm")
    credit = D(300000) / D("60000.5") * D("0.0001")
    assert (row["asset"], D(row["income"])) == ("BTC", round(credit, 8))
    assert _wallet(venue) == round(before + credit, 8)
    assert venue.income(HOLDER, income_type="FUNDING_FEE") == []


def test_a_rally_past_the_liquidation_price_liquidates_in_coin(venue: SimExchange) -> None:
    """The short is closed when BTC trades above its LP: the position is flat, the loss is
    taken from the BTC wallet (never below 0) and the liquidation is recorded on COIN-M."""
    _short_at_60000(venue)
    venue.set_price("BTCUSDT", D(80000))
    assert _row(venue)["positionAmt"] == "0"
    [liquidation] = venue.state()["accounts"][HOLDER]["liquidations"]
    assert (liquidation["market"], liquidation["symbol"]) == ("coinm", PERP)
    assert D(0) <= _wallet(venue) < D("0.02")


def test_isolated_margin_in_coin_moves_the_liquidation_price(venue: SimExchange) -> None:
    """Isolated at 5×: a short of 600 contracts (1 BTC of notional) draws 0.2 BTC of margin;
    adding 0.3 BTC through positionMargin raises its LP; more than is available is -4050."""
    venue.set_margin_type(HOLDER, PERP, "ISOLATED", "coinm")
    venue.set_leverage(HOLDER, PERP, 5, "coinm")
    _short_at_60000(venue, "600")
    row = _row(venue)
    assert row["marginType"] == "isolated" and D(row["isolatedWallet"]) == D("0.2")
    lp_before = D(row["liquidationPrice"])
    venue.modify_position_margin(HOLDER, PERP, D("0.3"), 1, market="coinm")
    assert D(_row(venue)["isolatedWallet"]) == D("0.5")
    assert D(_row(venue)["liquidationPrice"]) > lp_before
    with pytest.raises(SimError, match="-4050"):
        venue.modify_position_margin(HOLDER, PERP, D(5), 1, market="coinm")


@pytest.mark.parametrize(
    ("qty", "kw", "code"),
    [
        ("30000", {}, -2019),  # 50 BTC of notional / 20× = 2.5 BTC > the 1 BTC wallet
        ("1.5", {}, -1111),  # a fraction of a contract
        ("10", {"position_side": "LONG"}, -4061),  # COIN-M positions are one-way here
    ],
)
def test_binance_coinm_rejections(venue: SimExchange, qty: str, kw: Any, code: int) -> None:
    """Margin beyond the coin wallet is -2019, fractional contracts -1111, a hedge-mode leg
    on a one-way account -4061 (no minimum notional on COIN-M: 1 contract is fine)."""
    with pytest.raises(SimError) as err:
        _order(venue, "SELL", qty, **kw)
    assert err.value.code == code
    assert _order(venue, "SELL", "1")["status"] == "FILLED"


def test_coinm_wallet_is_its_own_pool(venue: SimExchange) -> None:
    """Trading COIN-M leaves the USDⓈ-M USDT wallet alone, and a USDⓈ-M-only account has no
    COIN-M assets to show."""
    usdm_before = venue.futures_account(HOLDER)["availableBalance"]
    _short_at_60000(venue)
    assert venue.futures_account(HOLDER)["availableBalance"] == usdm_before
    venue.create_account("usdt-only", "s", {"usdm": {"USDT": D(1000)}})
    assert venue.futures_account("usdt-only", "coinm")["assets"] == []


def test_transfers_move_coin_between_spot_and_the_coinm_wallet(venue: SimExchange) -> None:
    """MAIN_CMFUTURE moves BTC from spot into the COIN-M wallet (a TRANSFER row in BTC);
    CMFUTURE_MAIN back is limited to what the open short leaves withdrawable (-5002)."""
    venue.transfer(HOLDER, "MAIN_CMFUTURE", "BTC", D(1))
    assert _wallet(venue) == D(2)
    assert venue.spot_account(HOLDER)["balances"][0] == {
        "asset": "BTC",
        "free": "3.00000000",
        "locked": "0.00000000",
    }
    [row] = venue.income(HOLDER, income_type="TRANSFER", market="coinm")
    assert (row["asset"], row["income"]) == ("BTC", "1.00000000")
    _short_at_60000(venue)
    with pytest.raises(SimError, match="-5002"):
        venue.transfer(HOLDER, "CMFUTURE_MAIN", "BTC", D("1.9"))
    venue.transfer(HOLDER, "CMFUTURE_MAIN", "BTC", D("1.5"))
    assert _wallet(venue) == D(2) - D("0.001") - D("1.5")


def test_usdm_position_mode_ignores_and_keeps_coinm_positions(venue: SimExchange) -> None:
    """Switching USDⓈ-M to hedge mode is not refused by a COIN-M short (-4068 is about USDⓈ-M
    positions) and leaves that short in place."""
    _short_at_60000(venue)
    venue.set_position_mode(HOLDER, True)
    assert _row(venue)["positionAmt"] == "-3000"
    assert venue.position_mode(HOLDER) == {"dualSidePosition": True}
