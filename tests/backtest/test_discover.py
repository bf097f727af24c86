"""`--data DIR` picks a hedge's candle file by a stated rule, and finds the funding file."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.backtest.discover import candle_file, market_spec
from bot.backtest.errors import BacktestError, DataError
from bot.backtest.funding import FundingKind, FundingSpec
from bot.backtest.spec import SeriesFile
from bot.backtest.timestamps import DateRange, parse_date

from ._files import SHARED_HEADER, shared_data, write

PERP_ONLY = "ts,perp_open,perp_high,perp_low,perp_close"


def _dir(tmp_path: Path) -> Path:
    write(tmp_path / "binance_btcusdt_1h_all.csv", [SHARED_HEADER, "2020-01-01,1,1,1,1,1,1,1,1"])
    write(tmp_path / "binance_btcusdt_5m_both.csv", [SHARED_HEADER, "2025-01-01,1,1,1,1,1,1,1,1"])
    write(tmp_path / "binance_btcusdt_1m_perp.csv", [PERP_ONLY, "2025-05-01,1,1,1,1"])
    write(tmp_path / "binance_btcusdt_perp_funding_8h.csv", ["ts,funding_rate", "2025-01-01,0"])
    write(tmp_path / "binance_ethusdt_1m_both.csv", [SHARED_HEADER, "2025-01-01,1,1,1,1,1,1,1,1"])
    return tmp_path


def test_finest_file_with_both_legs_that_covers_the_start(tmp_path: Path) -> None:
    """Both legs beat one leg, finer beats coarser, but only among files started by --from."""
    data = _dir(tmp_path)
    assert candle_file(data, "BTC/USDT:USDT").name == "binance_btcusdt_5m_both.csv"
    early = DateRange(parse_date("2021-01-01"), None)
    assert candle_file(data, "BTC/USDT:USDT", window=early).name == "binance_btcusdt_1h_all.csv"
    may = DateRange(parse_date("2025-05-02"), None)
    assert candle_file(data, "BTC/USDT:USDT", window=may, timeframe_ms=60_000).name == (
        "binance_btcusdt_1m_perp.csv"
    )


def test_no_file_for_the_symbol_says_what_was_expected(tmp_path: Path) -> None:
    """An unknown symbol names the directory and the expected file name pattern."""
    with pytest.raises(DataError, match=r"no candle file for SOL/USDT:USDT .*binance_solusdt_"):
        candle_file(_dir(tmp_path), "SOL/USDT:USDT")


def test_funding_file_beside_a_file_without_funding(tmp_path: Path) -> None:
    """The 5m file has no funding column, so the 8h funding history beside it is used."""
    spec = market_spec("BTC", "BTC/USDT:USDT", data=_dir(tmp_path))
    assert spec.funding.kind is FundingKind.FILE
    assert spec.funding.path == tmp_path / "binance_btcusdt_perp_funding_8h.csv"


def test_series_flags_take_their_legs_and_data_gives_the_rest(tmp_path: Path) -> None:
    """--series BTC:spot=FILE gives the spot leg; --data the perp; an explicit --funding wins."""
    spot = write(tmp_path / "mine.csv", ["ts,open,high,low,close", "2025-01-01,1,1,1,1"])
    spec = market_spec(
        "BTC",
        "BTC/USDT:USDT",
        data=_dir(tmp_path),
        series={"spot": spot},
        funding=FundingSpec(FundingKind.NONE),
    )
    assert spec.files == (
        SeriesFile(spot, ("spot",)),
        SeriesFile(tmp_path / "binance_btcusdt_5m_both.csv", ("perp",)),
    )
    assert spec.funding.kind is FundingKind.NONE


def test_a_hedge_without_any_data_is_refused() -> None:
    """Neither --data nor --series for a hedge: one message naming the hedge and the flags."""
    with pytest.raises(BacktestError, match=r"hedge ETH: no market data .*--data DIR or --series"):
        market_spec("ETH", "ETH/USDT:USDT", data=None)


def test_shared_data_choices() -> None:
    """On ../shared/data: 2025 gets the 5m file with the 8h funding file, 2020 the 1h one."""
    data = shared_data()
    spec = market_spec("BTC", "BTC/USDT:USDT", data=data)
    assert spec.files[0].path.name == "binance_btcusdt_5m_perp_spot_2025.csv.gz"
    assert spec.funding.path == data / "binance_btcusdt_perp_funding_8h.csv"
    covid = DateRange(parse_date("2020-02-15"), parse_date("2020-04-15"))
    spec = market_spec("BTC", "BTC/USDT:USDT", data=data, window=covid)
    assert spec.files[0].path.name == "binance_btcusdt_1h_perp_mark_spot_funding.csv.gz"
    assert spec.funding.kind is FundingKind.DATA
