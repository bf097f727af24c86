"""A hedge's bars: legs aligned on timestamps, gaps bridged by holding the last price and
reported, the mark and funding attached from the data, a file or a constant rate."""

from __future__ import annotations

import tracemalloc
from decimal import Decimal as D
from pathlib import Path

import pytest

from bot.backtest.bars import Bar, Ohlc
from bot.backtest.errors import DataError
from bot.backtest.feed import MarketFeed, open_market
from bot.backtest.funding import FundingKind, FundingSpec
from bot.backtest.gaps import GapStats
from bot.backtest.lockstep import lockstep
from bot.backtest.spec import MarketSpec, SeriesFile
from bot.backtest.timestamps import DateRange, parse_date

from ._files import SHARED_HEADER, hourly, shared_data, write

DAY = "2025-01-01"


def _leg_file(path: Path, closes: dict[int, str]) -> Path:
    """A generic OHLC file with one candle per hour in `closes` (hour → price)."""
    lines = ["ts,open,high,low,close"]
    lines += [f"{hourly(DAY, h)},{c},{c},{c},{c}" for h, c in sorted(closes.items())]
    return write(path, lines)


def _feed(*files: SeriesFile, funding: FundingSpec | None = None, **kw: object) -> MarketFeed:
    spec = MarketSpec("BTC", "BTC/USDT:USDT", files, funding or FundingSpec(), **kw)  # type: ignore[arg-type]
    return open_market(spec)


def test_missing_rows_hold_the_last_price_and_are_counted(tmp_path: Path) -> None:
    """Two outages (1 h and 2 h) are bridged at the last close and reported: 2 gaps, longest 2."""
    path = _leg_file(tmp_path / "btc_1h.csv", {0: "10", 1: "11", 3: "13", 6: "16"})
    feed = _feed(SeriesFile(path))
    bars = list(feed)
    assert [b.perp.close for b in bars] == [D(v) for v in (10, 11, 11, 13, 13, 13, 16)]
    assert bars[2].perp == Ohlc.flat(D(11))
    report = feed.report()
    assert report.gaps["perp"] == GapStats(count=2, longest=2, bridged=3)
    assert report.candles == 7 and report.follows == {"spot": "perp"}


def test_empty_leg_cells_are_a_gap_of_that_leg_only(tmp_path: Path) -> None:
    """A row whose spot cells are empty holds the spot price; the perp keeps its own candle."""
    lines = [
        SHARED_HEADER,
        f"{hourly(DAY, 0)},100,101,99,100,90,91,89,90",
        f"{hourly(DAY, 1)},102,103,101,102,,,,",
        f"{hourly(DAY, 2)},104,105,103,104,94,95,93,94",
    ]
    feed = _feed(SeriesFile(write(tmp_path / "c.csv", lines)))
    bars = list(feed)
    assert bars[1].spot == Ohlc.flat(D(90)) and bars[1].perp.close == D(102)
    assert feed.report().gaps["spot"] == GapStats(1, 1, 1)
    assert feed.report().gaps["perp"] == GapStats()


def test_two_leg_files_are_aligned_on_their_common_span(tmp_path: Path) -> None:
    """Spot and perp from separate files meet on timestamps: the run starts when both have
    started, a missing spot hour is bridged, and it ends with the shorter file."""
    spot = _leg_file(tmp_path / "spot.csv", {0: "1", 1: "2", 3: "4", 4: "5", 5: "6"})
    perp = _leg_file(tmp_path / "perp.csv", {1: "20", 2: "30", 3: "40", 4: "50"})
    feed = _feed(SeriesFile(spot, ("spot",)), SeriesFile(perp, ("perp",)))
    bars = list(feed)
    assert [(b.spot.close, b.perp.close) for b in bars] == [
        (D(2), D(20)),
        (D(2), D(30)),
        (D(4), D(40)),
        (D(5), D(50)),
    ]
    assert feed.report().gaps["spot"] == GapStats(1, 1, 1)


def test_a_leg_without_a_series_follows_the_other(tmp_path: Path) -> None:
    """Only a perp series: the spot leg is the perp's candle (basis 0) and the report says so."""
    perp = _leg_file(tmp_path / "perp.csv", {0: "5", 1: "6"})
    feed = _feed(SeriesFile(perp, ("perp",)))
    bars = list(feed)
    assert all(b.spot == b.perp for b in bars) and feed.report().follows == {"spot": "perp"}
    assert feed.report().mark == "perp" and all(b.mark == b.perp for b in bars)


def test_mark_from_data_and_perp_where_it_is_missing(tmp_path: Path) -> None:
    """The mark comes from mark_* columns; a row without a mark uses the perp's, counted."""
    header = "ts,perp_open,perp_high,perp_low,perp_close,mark_open,mark_high,mark_low,mark_close"
    lines = [header, f"{hourly(DAY, 0)},10,12,9,11,10,13,9,12", f"{hourly(DAY, 1)},11,11,11,11,,,,"]
    feed = _feed(SeriesFile(write(tmp_path / "m.csv", lines)))
    bars = list(feed)
    assert bars[0].mark == Ohlc(D(10), D(13), D(9), D(12)) and bars[1].mark == bars[1].perp
    assert feed.report().mark_from_perp == 1


def test_funding_from_the_data_column(tmp_path: Path) -> None:
    """The rate on a row settles in that candle; rows without one settle nothing."""
    lines = ["ts,open,high,low,close,funding_rate"]
    lines += [f"{hourly(DAY, h)},1,1,1,1,{'0.0001' if h % 8 == 0 else ''}" for h in range(10)]
    feed = _feed(SeriesFile(write(tmp_path / "f.csv", lines)))
    rates = [b.funding_rate for b in feed]
    assert rates[0] == D("0.0001") and rates[8] == D("0.0001")
    assert [r for i, r in enumerate(rates) if i % 8] == [None] * 8
    assert feed.report().settlements == 2 and feed.report().funding == "data"


def test_funding_file_settlements_land_in_their_candle(tmp_path: Path) -> None:
    """A funding file's settlement at 08:00:00.001 lands in the 08:00 candle; earlier
    settlements (before the first candle) are dropped; two in one candle add up."""
    candles = _leg_file(tmp_path / "c.csv", {h: "1" for h in range(1, 10)})
    funding = write(
        tmp_path / "funding.csv",
        [
            "calc_time,funding_interval_hours,last_funding_rate",
            "1735689600000,8,0.5e-4",  # 00:00, before the first candle (01:00)
            "1735718400001,8,0.0001",  # 08:00:00.001
            "1735718400500,8,-0.00003",  # in the same candle: added
        ],
    )
    feed = _feed(SeriesFile(candles), funding=FundingSpec(FundingKind.FILE, path=funding))
    rates = {b.ts_ms: b.funding_rate for b in feed if b.funding_rate is not None}
    assert rates == {parse_date(hourly(DAY, 8)): D("0.00007")}


def test_constant_funding_settles_every_eight_hours(tmp_path: Path) -> None:
    """A constant rate settles at 00:00, 08:00 and 16:00 UTC, whatever the candle size."""
    candles = _leg_file(tmp_path / "c.csv", {h: "1" for h in range(24)})
    feed = _feed(SeriesFile(candles), funding=FundingSpec(FundingKind.CONSTANT, rate=D("0.0002")))
    settled = [b.ts_ms for b in feed if b.funding_rate == D("0.0002")]
    assert settled == [parse_date(hourly(DAY, h)) for h in (0, 8, 16)]


def test_date_window_bounds_the_bars(tmp_path: Path) -> None:
    """--from/--to select [from, to) of the bars."""
    candles = _leg_file(tmp_path / "c.csv", {h: str(h + 1) for h in range(6)})
    window = DateRange(parse_date(hourly(DAY, 2)), parse_date(hourly(DAY, 4)))
    assert [b.perp.close for b in _feed(SeriesFile(candles), window=window)] == [D(3), D(4)]


def test_legs_with_different_intervals_are_refused(tmp_path: Path) -> None:
    """A 1h spot with 30m perp candles is a DataError naming both intervals."""
    spot = _leg_file(tmp_path / "spot.csv", {0: "1", 1: "1"})
    perp = write(
        tmp_path / "perp.csv",
        ["ts,open,high,low,close", "2025-01-01T00:00:00Z,1,1,1,1", "2025-01-01T00:30:00Z,1,1,1,1"],
    )
    with pytest.raises(DataError, match=r"perp\.csv: has 30m candles but .*spot\.csv has 1h"):
        _feed(SeriesFile(spot, ("spot",)), SeriesFile(perp, ("perp",)))


def test_row_off_the_candle_grid_is_refused(tmp_path: Path) -> None:
    """A row at 02:30 in an hourly file names its line: candles must sit on the grid."""
    lines = ["ts,open,high,low,close"]
    lines += [f"{t},1,1,1,1" for t in ("2025-01-01T00:00:00Z", "2025-01-01T01:00:00Z")]
    lines += ["2025-01-01T02:30:00Z,1,1,1,1"]
    with pytest.raises(DataError, match=r"c\.csv:4: timestamp 2025-01-01T02:30:00Z is off the 1h"):
        list(_feed(SeriesFile(write(tmp_path / "c.csv", lines))))


def test_legs_that_never_overlap_are_refused(tmp_path: Path) -> None:
    """Spot in January, perp in March: a DataError, not an empty run."""
    spot = _leg_file(tmp_path / "spot.csv", {0: "1", 1: "1"})
    perp = write(
        tmp_path / "perp.csv",
        ["ts,open,high,low,close", "2025-03-01T00:00:00Z,1,1,1,1", "2025-03-01T01:00:00Z,1,1,1,1"],
    )
    with pytest.raises(DataError, match="never overlap"):
        list(_feed(SeriesFile(spot, ("spot",)), SeriesFile(perp, ("perp",))))


def test_file_without_the_requested_leg_is_refused(tmp_path: Path) -> None:
    """--series BTC:spot=FILE on a perp-only shared file names the missing columns."""
    path = write(tmp_path / "p.csv", ["ts,perp_open,perp_high,perp_low,perp_close"])
    with pytest.raises(DataError, match=r"p\.csv:1: has no spot candles"):
        _feed(SeriesFile(path, ("spot",)))


def test_lockstep_runs_hedges_on_their_common_span(tmp_path: Path) -> None:
    """Two hedges starting an hour apart are stepped together from the later start."""
    a = _feed(SeriesFile(_leg_file(tmp_path / "a.csv", {0: "1", 1: "2", 2: "3"})))
    b = _feed(SeriesFile(_leg_file(tmp_path / "b.csv", {1: "20", 2: "30", 3: "40"})))
    steps: list[tuple[Bar, ...]] = list(lockstep([a, b]))
    assert [(x.perp.close, y.perp.close) for x, y in steps] == [(D(2), D(20)), (D(3), D(30))]


def test_real_covid_slice_reports_the_spot_outages() -> None:
    """The COVID scenario's BTC rows: 1464 hourly bars, the 2020 spot outages bridged."""
    path = shared_data() / "scenario_covid_crash_2020-02-15_2020-04-15_1h.csv"
    feed = _feed(SeriesFile(path))
    bars = list(feed)
    report = feed.report()
    assert len(bars) == 1464 and report.interval_ms == 3_600_000
    assert report.gaps["spot"].count >= 1 and report.gaps["perp"].count == 0
    assert report.settlements == 183 and report.mark == "data"  # every 8 h for 61 days
    assert min(b.perp.low for b in bars) < D(4000)  # 12 March 2020


def _long_file(path: Path, rows: int) -> Path:
    lines = ["ts,open,high,low,close"]
    lines += [
        f"{1_735_689_600_000 + i * 60_000},{100 + i % 50},{151},{99},{100}" for i in range(rows)
    ]
    return write(path, lines)


def _peak_bytes(path: Path) -> int:
    tracemalloc.start()
    try:
        for _ in _feed(SeriesFile(path)):
            pass
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def test_memory_does_not_grow_with_the_history(tmp_path: Path) -> None:
    """Streaming 10x more candles peaks at about the same memory (the feed keeps no history)."""
    short = _peak_bytes(_long_file(tmp_path / "short.csv.gz", 2_000))
    long = _peak_bytes(_long_file(tmp_path / "long.csv.gz", 20_000))
    assert long < short * 1.2 + 64_000


def test_data_funding_without_a_column_is_reported_as_none(tmp_path: Path) -> None:
    """Funding from the data on a file without funding_rate settles nothing and says why."""
    feed = _feed(SeriesFile(_leg_file(tmp_path / "c.csv", {0: "1", 1: "1"})))
    assert all(b.funding_rate is None for b in feed)
    assert feed.report().funding == "none (no funding_rate column)"


def test_a_feed_streams_once(tmp_path: Path) -> None:
    """A second pass over a feed is refused (its files were streamed, not kept)."""
    feed = _feed(SeriesFile(_leg_file(tmp_path / "c.csv", {0: "1", 1: "1"})))
    assert len(list(feed)) == 2
    with pytest.raises(RuntimeError, match="iterated only once"):
        iter(feed)
