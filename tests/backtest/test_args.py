"""The backtest flags' values parse into typed values, and each mistake is one line naming
the flag."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest

from bot.backtest.args import parse_amounts, parse_funding, parse_series, parse_window
from bot.backtest.errors import BacktestError
from bot.backtest.funding import FundingKind, FundingSpec
from bot.backtest.timestamps import parse_date


def test_series_flags_by_hedge_and_leg() -> None:
    """--series BTC:spot=a.csv --series BTC:perp=b.csv → {BTC: {spot, perp}}."""
    assert parse_series(["BTC:spot=a.csv", "BTC:perp=b.csv", "ETH:perp=e.csv"]) == {
        "BTC": {"spot": Path("a.csv"), "perp": Path("b.csv")},
        "ETH": {"perp": Path("e.csv")},
    }


@pytest.mark.parametrize("flag", ["BTC=a.csv", "BTC:mark=a.csv", ":spot=a.csv", "BTC:spot="])
def test_malformed_series_flag(flag: str) -> None:
    """A --series without HEDGE:leg=FILE says the expected spelling."""
    with pytest.raises(BacktestError, match=r"use HEDGE:spot=FILE or HEDGE:perp=FILE"):
        parse_series([flag])


def test_funding_flags_rate_or_file() -> None:
    """A number is a constant rate per settlement, anything else a file."""
    funding = parse_funding(["BTC=0.0001", "ETH=eth_funding.csv"])
    assert funding["BTC"] == FundingSpec(FundingKind.CONSTANT, rate=D("0.0001"))
    assert funding["ETH"] == FundingSpec(FundingKind.FILE, path=Path("eth_funding.csv"))
    with pytest.raises(BacktestError, match=r"--funding 5: is not a funding rate"):
        parse_funding(["BTC=5"])


def test_amounts() -> None:
    """--holdings BTC=1,eth=10.5 → exact Decimals by upper-case asset; mistakes name the flag."""
    assert parse_amounts("BTC=1, eth=10.5", "--holdings") == {"BTC": D(1), "ETH": D("10.5")}
    with pytest.raises(BacktestError, match=r"--holdings BTC=-1: not a non-negative amount"):
        parse_amounts("BTC=-1", "--holdings")
    with pytest.raises(BacktestError, match=r"--collateral USDT: given twice"):
        parse_amounts("USDT=1,USDT=2", "--collateral")
    with pytest.raises(BacktestError, match=r"--collateral 50000: use ASSET=AMOUNT"):
        parse_amounts("50000", "--collateral")


def test_window() -> None:
    """--from/--to give a half-open window; a bad date or a reversed window names the flag."""
    assert parse_window("2025-03-01", None).start_ms == parse_date("2025-03-01")
    with pytest.raises(BacktestError, match=r"--to 'June': use a date"):
        parse_window("2025-03-01", "June")
    with pytest.raises(BacktestError, match=r"is not after --from"):
        parse_window("2025-03-01", "2025-02-01")
