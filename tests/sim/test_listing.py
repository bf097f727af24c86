"""The simulator's listing: 100+ real Binance USDⓈ-M perpetuals and their spot pairs, with the
recorded filters, plausible start prices, and the hand-kept core markets unchanged."""

from __future__ import annotations

import importlib.util
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from bot.sim.engine import SimExchange
from bot.sim.listing import LISTED, parse_row
from bot.sim.server import RunningSim
from bot.sim.spec_tables import CORE_SPOT, CORE_USDM, SPOT, USDM, USDM_BRACKETS
from bot.sim.venue import START_PRICES
from tests.sim.wire import ccxt_client

REPO = Path(__file__).resolve().parents[2]
FIXTURE = REPO.parent / "shared" / "exchange-fixtures"
INFO = FIXTURE / "binanceusdm.exchangeInfo.2021-09-06.json"
D = Decimal


def test_more_than_a_hundred_perpetuals_each_with_its_spot_pair() -> None:
    """At least 100 USDT perpetuals are listed and every one's index is a listed spot pair."""
    assert len(USDM) >= 120 and len(SPOT) >= 120
    for spec in USDM.values():
        assert spec.index_of in SPOT, spec.symbol
        assert spec.symbol in USDM_BRACKETS, spec.symbol


def test_core_markets_keep_their_filters_and_start_prices() -> None:
    """The five hand-kept pairs keep their newer filters (BTC min notional 100) and prices."""
    assert USDM["BTCUSDT"] is CORE_USDM["BTCUSDT"] and SPOT["PEPEUSDT"] is CORE_SPOT["PEPEUSDT"]
    btc = USDM["BTCUSDT"]
    assert (btc.tick, btc.step, btc.min_notional, btc.max_qty) == (
        D("0.10"),
        D("0.001"),
        D("100"),
        D("1000"),
    )
    assert list(USDM)[:5] == list(CORE_USDM) and list(SPOT)[:5] == list(CORE_SPOT)
    assert START_PRICES["BTCUSDT"] == 65000 and START_PRICES["PEPEUSDT"] == D("0.00001")


def test_row_parses_into_the_recorded_filters() -> None:
    """A generated row gives the perpetual its recorded filters and its spot pair a finer
    tick, the same step and Binance spot's 5 USDT notional floor."""
    listed = parse_row(
        "DOGEUSDT 0.31 1569398400000 0.000010 0.002440 30 1 1 10000000 5000000 5 6 0"
    )
    perp, spot = listed.perp, listed.spot
    assert (perp.symbol, perp.base, perp.tick, perp.min_price, perp.max_price) == (
        "DOGEUSDT",
        "DOGE",
        D("0.000010"),
        D("0.002440"),
        D("30"),
    )
    assert (perp.step, perp.min_qty, perp.max_qty, perp.market_max_qty) == (
        D(1),
        D(1),
        D(10000000),
        D(5000000),
    )
    assert (perp.price_precision, perp.qty_precision, perp.derived) == (6, 0, False)
    assert (spot.symbol, spot.tick, spot.step, spot.min_notional) == ("DOGEUSDT", D("1E-5"), 1, 5)
    assert listed.start_price == D("0.31")


def test_multiplied_contract_is_indexed_on_its_coin() -> None:
    """1000SHIBUSDT is 1,000 SHIB, priced from SHIBUSDT × 1000 (a derived contract)."""
    shib = USDM["1000SHIBUSDT"]
    assert (shib.index_of, shib.index_multiplier, shib.derived) == ("SHIBUSDT", 1000, True)
    engine = SimExchange.with_default_account(now_ms=lambda: 1_704_070_800_000)
    assert engine.price("usdm", "1000SHIBUSDT") == 1000 * engine.price("spot", "SHIBUSDT")
    engine.set_price("SHIBUSDT", D("0.00001"), "spot")
    assert engine.price("usdm", "1000SHIBUSDT") == D("0.01")


@pytest.mark.parametrize("row", LISTED, ids=lambda r: r.perp.symbol)
def test_start_price_fits_the_filters(row: Any) -> None:
    """Each start price lies inside the perpetual's price band, at least 100 ticks above
    zero, and its maximum order is worth more than its minimum notional."""
    perp = row.perp
    price = row.start_price * perp.index_multiplier
    assert perp.min_price <= price <= perp.max_price
    assert price / perp.tick >= 100
    assert perp.max_qty * price > perp.min_notional


def _script() -> Any:
    spec = importlib.util.spec_from_file_location(
        "sim_listing", REPO / "scripts" / "sim_listing.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_generated_table_is_what_the_script_prints() -> None:
    """bot/sim/listing_usdm.py is exactly scripts/sim_listing.py's output for the recording."""
    if not INFO.exists():
        pytest.skip(f"the 2021-09-06 exchangeInfo recording is not at {INFO}")
    generated = (REPO / "bot" / "sim" / "listing_usdm.py").read_text(encoding="utf-8")
    assert generated == _script().render(INFO), (
        "run `.venv/bin/python scripts/sim_listing.py > bot/sim/listing_usdm.py`"
    )


async def test_ccxt_loads_every_perpetual_with_its_limits(served: RunningSim) -> None:
    """Real ccxt binanceusdm loads 100+ linear perpetuals with the recorded precision and
    limits (DOGE: price tick 0.00001, amount step 1, min notional 5)."""
    async with ccxt_client(served.url, "binanceusdm") as usdm:
        perps = [m for m in usdm.markets.values() if m["swap"] and m["linear"]]
        assert len(perps) >= 120
        doge = usdm.market("DOGE/USDT:USDT")
        assert (doge["precision"]["price"], doge["precision"]["amount"]) == (0.00001, 1.0)
        assert doge["limits"]["cost"]["min"] == 5
        assert usdm.market("1000SHIB/USDT:USDT")["id"] == "1000SHIBUSDT"
    async with ccxt_client(served.url, "binance") as spot:
        assert "SHIB/USDT" in spot.markets and len(spot.markets) >= 120
