"""Timestamps in every spelling the data uses, and the half-open date window."""

from __future__ import annotations

import pytest

from bot.backtest.timestamps import (
    DateRange,
    IsoClock,
    format_ms,
    parse_date,
    parse_timeframe,
    parse_timestamp,
    timeframe_in_name,
)

NEW_YEAR_MS = 1_735_689_600_000  # 2025-01-01T00:00:00Z


@pytest.mark.parametrize(
    "text",
    [
        "2025-01-01T00:00:00Z",
        "2025-01-01T00:00:00+00:00",
        "2025-01-01 00:00:00",  # no offset: UTC
        "2025-01-01",
        "2025-01-01T01:00:00+01:00",
        "1735689600000",
        "1735689600000000",  # µs, Binance spot dumps from 2025
    ],
)
def test_spellings_of_the_same_instant(text: str) -> None:
    """ISO-8601 with or without offset (none = UTC), epoch ms and epoch µs agree."""
    assert parse_timestamp(text) == NEW_YEAR_MS


@pytest.mark.parametrize("text", ["1735689600", "next tuesday", "1735689600000000000"])
def test_ambiguous_or_bad_timestamps_are_refused(text: str) -> None:
    """Epoch seconds (ambiguous), words and nanoseconds raise instead of guessing."""
    with pytest.raises(ValueError):
        parse_timestamp(text)


def test_fast_iso_path_matches_the_general_one() -> None:
    """The shared data's fixed format takes a fast path with the same result, and falls back
    to the general parser (and its errors) for anything else."""
    clock = IsoClock()
    for text in ("2025-03-09T23:55:00Z", "2024-02-29T12:34:56Z", "2025-03-09T23:55:00+00:00"):
        assert clock.parse(text) == parse_timestamp(text)
    for bad in ("2025-13-09T23:55:00Z", "2025-03-09T24:00:00Z", "2025-03-09T23:60:00Z"):
        with pytest.raises(ValueError):
            clock.parse(bad)


def test_format_and_timeframes() -> None:
    """format_ms round-trips; timeframes come from flags or file names."""
    assert format_ms(NEW_YEAR_MS) == "2025-01-01T00:00:00Z"
    assert parse_timeframe("5m") == 300_000 and parse_timeframe("8h") == 28_800_000
    assert timeframe_in_name("binance_btcusdt_5m_perp_spot_2025.csv.gz") == 300_000
    assert timeframe_in_name("binance_btcusdt_perp_funding_8h.csv") == 28_800_000
    assert timeframe_in_name("scenario_covid_crash.csv") is None
    with pytest.raises(ValueError, match="timeframe '0m'"):
        parse_timeframe("0m")


def test_window_is_half_open_and_ordered() -> None:
    """[from, to): from is inside, to is not; a to before from names both flags."""
    window = DateRange(parse_date("2025-03-01"), parse_date("2025-06-01"))
    assert not window.before(parse_date("2025-03-01")) and window.before(parse_date("2025-02-28"))
    assert window.after(parse_date("2025-06-01")) and not window.after(parse_date("2025-05-31"))
    with pytest.raises(ValueError, match="--to 2025-01-01T00:00:00Z is not after --from"):
        DateRange(parse_date("2025-02-01"), parse_date("2025-01-01"))
    with pytest.raises(ValueError, match="--from 'March'"):
        parse_date("March", flag="--from")
