"""Bybit unified-account margin in the engine: risk-limit tiers, liquidation price and the
liquidation itself, isolated mode, and funding every 8 h on the simulated clock."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.sim.bybit_risk_limits import bybit_tiers
from bot.sim.engine import SimExchange
from bot.sim.margin import bracket_for
from tests.sim.conftest import T0

KEY = "bb"
D = Decimal
EIGHT_HOURS_MS = 8 * 3600 * 1000


@pytest.fixture
def engine() -> SimExchange:
    """A venue on a frozen clock with a Bybit account of 20,000 USDT and 1 BTC; BTC at 60,000."""
    venue = SimExchange(seed=3, now_ms=lambda: T0)
    venue.create_account(
        KEY, "s", {"usdm": {"USDT": D(20000)}, "spot": {"BTC": D(1)}}, venue_name="bybit"
    )
    venue.set_price("BTCUSDT", D(60000))
    return venue


def _short(engine: SimExchange, qty: str) -> None:
    engine.bybit_create_order(
        KEY, "linear", "BTCUSDT", {"side": "Sell", "orderType": "Market", "qty": qty}
    )


def _position(engine: SimExchange) -> dict[str, object]:
    [row] = engine.bybit_positions(KEY, "BTCUSDT")
    return row


@pytest.mark.parametrize(
    ("value", "risk_id", "mmr", "max_leverage"),
    [("1999999", 1, "0.005", 100), ("2000000", 2, "0.01", 50), ("15000000", 3, "0.015", 33)],
)
def test_bybit_tiers_by_position_value(
    value: str, risk_id: int, mmr: str, max_leverage: int
) -> None:
    """A position value falls in Bybit's tier: its MMR rises and its max leverage falls."""
    tier = bracket_for(bybit_tiers("BTCUSDT"), D(value))
    assert (tier.number, tier.mmr, tier.initial_leverage) == (risk_id, D(mmr), max_leverage)


def test_cross_liquidation_price_is_where_margin_meets_maintenance(engine: SimExchange) -> None:
    """Cross short: at liqPrice the wallet plus uPnL equals the tier's maintenance margin."""
    _short(engine, "0.1")
    row = _position(engine)
    wallet = D(engine.bybit_wallet(KEY)["list"][0]["coin"][0]["walletBalance"])
    size, entry, liq = D(row["size"]), D(row["avgPrice"]), D(row["liqPrice"])
    assert wallet + size * (entry - liq) == pytest.approx(size * liq * D("0.005"))
    assert row["riskId"] == 1 and D(row["positionMM"]) == D("0.1") * D(60000) * D("0.005")


def test_the_engine_liquidates_at_bybits_price_not_before(engine: SimExchange) -> None:
    """A mark just under liqPrice leaves the short; just over it, the venue liquidates it."""
    _short(engine, "0.1")
    liq = D(_position(engine)["liqPrice"])
    engine.set_mark_price("BTCUSDT", liq * D("0.999"))
    assert _position(engine)["size"] == "0.1"
    engine.set_mark_price("BTCUSDT", liq * D("1.001"))
    assert _position(engine)["size"] == "0"
    assert engine.state()["accounts"][KEY]["liquidations"]
    [bust] = engine.bybit_executions(KEY, "linear", {"execType": "BustTrade"})
    assert bust["side"] == "Buy" and bust["execQty"] == "0.1"


def test_isolated_short_is_margined_by_its_own_wallet(engine: SimExchange) -> None:
    """ISOLATED_MARGIN at 10x: the short's margin is notional / 10, its liqPrice ≈ entry × 1.095."""
    engine.bybit_set_margin_mode(KEY, "ISOLATED_MARGIN")
    _short(engine, "0.1")
    row = _position(engine)
    assert row["tradeMode"] == 1 and D(row["positionBalance"]) == pytest.approx(
        D(600), rel=D("0.001")
    )
    assert D(row["liqPrice"]) == pytest.approx(D(row["avgPrice"]) * D("1.095"), rel=D("0.001"))


def test_margin_mode_cannot_change_with_a_position(engine: SimExchange) -> None:
    """Switching margin mode with an open linear position is refused, naming what to close."""
    _short(engine, "0.01")
    with pytest.raises(Exception, match="close every linear position"):
        engine.bybit_set_margin_mode(KEY, "ISOLATED_MARGIN")


def test_funding_settles_every_8_hours_into_the_unified_wallet(engine: SimExchange) -> None:
    """Advancing the sim clock 8 h settles one funding on the short, paid into the USDT wallet."""
    _short(engine, "0.1")
    before = D(engine.bybit_wallet(KEY)["list"][0]["coin"][0]["walletBalance"])
    engine.advance(EIGHT_HOURS_MS)
    rows = engine.bybit_executions(KEY, "linear", {"execType": "Funding"})
    assert len(rows) == 1
    after = D(engine.bybit_wallet(KEY)["list"][0]["coin"][0]["walletBalance"])
    assert after - before == -D(rows[0]["execFee"])


def test_wallet_margin_figures_follow_the_short(engine: SimExchange) -> None:
    """After a rally on a short: equity drops by the loss, MM rate = MM / margin balance,
    available = margin balance − initial margin; BTC is valued at the spot price."""
    _short(engine, "0.1")
    engine.set_price("BTCUSDT", D(63000))
    [wallet] = engine.bybit_wallet(KEY)["list"]
    usdt, btc = wallet["coin"]
    upnl = D(usdt["unrealisedPnl"])
    assert upnl == pytest.approx(D("-0.1") * (D(63000) - D("59999.9")), rel=D("0.001"))
    margin = D(wallet["totalMarginBalance"])
    assert margin == D(usdt["walletBalance"]) + upnl
    assert D(wallet["accountMMRate"]) == pytest.approx(
        D(wallet["totalMaintenanceMargin"]) / margin, abs=D("0.0001")
    )
    assert D(wallet["totalAvailableBalance"]) == margin - D(wallet["totalInitialMargin"])
    assert btc["coin"] == "BTC" and D(btc["usdValue"]) == D(63000)
