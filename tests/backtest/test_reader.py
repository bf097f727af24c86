"""Candle files are read in every supported layout, and every kind of bad data is refused with
a message naming the file and the line."""

from __future__ import annotations

import io
import re
import zipfile
from decimal import Decimal as D
from pathlib import Path

import pytest

from bot.backtest.bars import Ohlc
from bot.backtest.errors import DataError
from bot.backtest.reader import read_rows
from bot.backtest.timestamps import DateRange, parse_date

from ._files import SHARED_HEADER, write

ROW_0 = "2025-01-01T00:00:00Z,100,110,90,105,99,109,89,104"
ROW_1 = "2025-01-01T01:00:00Z,105,106,100,101,104,105,99,100"


def _rows(path: Path, **kwargs: object) -> list:
    return list(read_rows(path, **kwargs))  # type: ignore[arg-type]


def _error(tmp_path: Path, lines: list[str], name: str = "c.csv") -> str:
    path = write(tmp_path / name, lines)
    with pytest.raises(DataError) as caught:
        _rows(path)
    return str(caught.value)


def test_shared_layout_gives_both_legs_as_decimals(tmp_path: Path) -> None:
    """The shared layout's perp_* and spot_* groups become exact Decimal candles."""
    rows = _rows(write(tmp_path / "c.csv.gz", [SHARED_HEADER, ROW_0, ROW_1]))
    assert [r.ts_ms for r in rows] == [1735689600000, 1735693200000]
    assert rows[0].perp == Ohlc(D(100), D(110), D(90), D(105))
    assert rows[1].spot == Ohlc(D(104), D(105), D(99), D(100))
    assert rows[0].mark is None and rows[0].funding is None


def test_generic_ohlcv_with_epoch_ms_and_extra_columns(tmp_path: Path) -> None:
    """Any OHLCV CSV works: `timestamp` in epoch ms, volume and other columns ignored."""
    lines = ["timestamp,open,high,low,close,volume", "1735689600000,1.5,2,1,1.75,10"]
    (row,) = _rows(write(tmp_path / "x.csv", lines))
    assert row.ts_ms == 1735689600000 and row.ohlc == Ohlc(D("1.5"), D(2), D(1), D("1.75"))


@pytest.mark.parametrize("open_time", ["1735689600000", "1735689600000000"])
def test_binance_kline_csv_without_header_in_ms_or_us(tmp_path: Path, open_time: str) -> None:
    """Binance's headerless 12-column klines are read; µs open times (2025+ dumps) too."""
    line = f"{open_time},94000.1,94100,93900,94050.5,12.3,1735689899999,1,2,3,4,0"
    (row,) = _rows(write(tmp_path / "BTCUSDT-5m-2025-01.csv", [line]))
    assert row.ts_ms == 1735689600000 and row.ohlc.close == D("94050.5")


def test_zip_download_with_one_csv_is_read(tmp_path: Path) -> None:
    """A data.binance.vision style zip holding one kline CSV is read without unpacking it."""
    path = tmp_path / "BTCUSDT-1h-2025-01.zip"
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("BTCUSDT-1h-2025-01.csv", "1735689600000,1,2,0.5,1.5,0,0,0,0,0,0,0\n")
    path.write_bytes(buffer.getvalue())
    assert _rows(path)[0].ohlc == Ohlc(D(1), D(2), D("0.5"), D("1.5"))


def test_scenario_file_rows_are_picked_by_symbol(tmp_path: Path) -> None:
    """A multi-symbol file gives only the hedge's rows; BTC/USDT:USDT matches BTC/USDT."""
    header = "ts,symbol,perp_open,perp_high,perp_low,perp_close"
    lines = [
        header,
        "2025-01-01T00:00:00Z,BTC/USDT,1,1,1,1",
        "2025-01-01T01:00:00Z,BTC/USDT,2,2,2,2",
        "2025-01-01T00:00:00Z,ETH/USDT,3,3,3,3",  # another symbol's block restarts the clock
    ]
    path = write(tmp_path / "scenario.csv", lines)
    assert [r.perp.close for r in _rows(path, symbol="BTC/USDT:USDT")] == [D(1), D(2)]
    assert [r.line for r in _rows(path, symbol="ETH/USDT:USDT")] == [4]


def test_symbol_absent_from_multi_symbol_file(tmp_path: Path) -> None:
    """Asking a scenario file for a symbol it lacks names the file, not a silent empty run."""
    path = write(tmp_path / "s.csv", ["ts,symbol,open,high,low,close", "1735689600000,X,1,1,1,1"])
    with pytest.raises(DataError, match=r"s\.csv: has no rows for SOL/USDT:USDT"):
        _rows(path, symbol="SOL/USDT:USDT")


def test_window_keeps_from_inclusive_to_exclusive(tmp_path: Path) -> None:
    """--from is inclusive, --to exclusive (a half-open window)."""
    lines = [SHARED_HEADER, ROW_0, ROW_1, "2025-01-01T02:00:00Z,1,1,1,1,1,1,1,1"]
    window = DateRange(parse_date("2025-01-01T01:00:00Z"), parse_date("2025-01-01T02:00"))
    rows = _rows(write(tmp_path / "c.csv", lines), window=window)
    assert [r.line for r in rows] == [3]


def test_empty_cells_of_one_leg_mean_no_candle_there(tmp_path: Path) -> None:
    """A leg whose four cells are empty (a spot outage) has no candle on that row."""
    lines = [SHARED_HEADER, "2025-01-01T00:00:00Z,100,110,90,105,,,,"]
    (row,) = _rows(write(tmp_path / "c.csv", lines))
    assert row.spot is None and row.perp is not None


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ([SHARED_HEADER, ROW_1, ROW_0], r"c\.csv:3: timestamp 2025-01-01T00:00:00Z is earlier "),
        ([SHARED_HEADER, ROW_0, ROW_0], r"c\.csv:3: duplicate timestamp .* \(line 2 has it too\)"),
        (["when,open,high,low,close"], r"c\.csv:1: missing column ts \(or timestamp / open_time\)"),
        (["ts,open,high,close"], r"c\.csv:1: missing column low \(the ohlc candle is incomplete\)"),
        (["ts,volume"], r"c\.csv:1: missing columns open, high, low, close"),
        ([SHARED_HEADER, ROW_0.replace("110", "1l0")], r"c\.csv:2: perp_high '1l0' is not a num"),
        ([SHARED_HEADER, ROW_0.rsplit(",", 1)[0]], r"c\.csv:2: has 8 columns, expected at leas"),
        ([SHARED_HEADER, ROW_0.replace(",105,", ",,")], r"c\.csv:2: perp_close is empty"),
        ([SHARED_HEADER, ROW_0.replace(",110,", ",NaN,")], r"c\.csv:2: perp_high 'NaN' is not"),
        ([SHARED_HEADER, ROW_0.replace(",90,", ",106,")], r"c\.csv:2: the perp candle open 100, "),
        ([SHARED_HEADER, ROW_0.replace("2025-01-01T00", "yesterday")], r"c\.csv:2: ts 'yesterda"),
        ([SHARED_HEADER, ROW_0.replace("2025-01-01T00:00:00Z", "1735689600")], r"epoch seconds"),
        (["ts,open,high,low,close,funding_rate", "1735689600000,1,1,1,1,0.1%"], r"funding rate"),
        ([], r"c\.csv: is empty"),
    ],
    ids=[
        "unordered",
        "duplicate",
        "no-time-column",
        "incomplete-candle",
        "no-price-columns",
        "unparsable-price",
        "short-row",
        "empty-cell",
        "nan",
        "not-a-candle",
        "bad-timestamp",
        "epoch-seconds",
        "bad-funding",
        "empty-file",
    ],
)
def test_bad_data_names_file_and_line(tmp_path: Path, lines: list[str], expected: str) -> None:
    """Each kind of bad data is a DataError whose message names the file, line and problem."""
    assert re.search(expected, _error(tmp_path, lines))


def test_missing_file_and_damaged_gzip(tmp_path: Path) -> None:
    """A missing file or a truncated gzip is a DataError naming the file, not a traceback."""
    with pytest.raises(DataError, match=r"nope\.csv: no such file"):
        _rows(tmp_path / "nope.csv")
    good = write(tmp_path / "c.csv.gz", [SHARED_HEADER] + [ROW_0] * 1).read_bytes()
    broken = tmp_path / "broken.csv.gz"
    broken.write_bytes(good[: len(good) // 2])
    with pytest.raises(DataError, match=r"broken\.csv\.gz: is a damaged archive"):
        _rows(broken)


def test_excel_byte_order_mark_is_ignored(tmp_path: Path) -> None:
    """A CSV saved by Excel starts with a UTF-8 BOM; its first column is still `ts`."""
    path = tmp_path / "excel.csv"
    path.write_bytes(b"\xef\xbb\xbfts,open,high,low,close\r\n2025-01-01,1,2,1,2\r\n")
    (row,) = _rows(path)
    assert row.ts_ms == 1735689600000 and row.ohlc == Ohlc(D(1), D(2), D(1), D(2))
