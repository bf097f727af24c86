"""Parsers for the values of `hedgebot backtest`'s flags, each error one line naming the flag:
`--series HEDGE:spot=FILE`, `--funding HEDGE=FILE|RATE`, `--holdings BTC=1,ETH=10`,
`--collateral USDT=50000`, `--fees maker=0.0002,taker=0.0005`, `--from 2025-03-01 --to
2025-06-01`."""

from __future__ import annotations

from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from pathlib import Path

from bot.backtest.errors import BacktestError
from bot.backtest.fills import FeeSchedule
from bot.backtest.funding import FundingSpec, parse_funding_arg
from bot.backtest.spec import LEG_NAMES
from bot.backtest.timestamps import DateRange, parse_date

__all__ = [
    "FEE_NAMES",
    "parse_amounts",
    "parse_fees",
    "parse_funding",
    "parse_series",
    "parse_window",
]

FEE_NAMES = ("maker", "taker")


def parse_series(flags: Sequence[str]) -> dict[str, dict[str, Path]]:
    """hedge → leg → file from `--series HEDGE:spot=FILE` / `HEDGE:perp=FILE` flags."""
    out: dict[str, dict[str, Path]] = {}
    for flag in flags:
        target, sep, path = flag.partition("=")
        hedge, colon, leg = target.partition(":")
        if not (sep and colon and hedge and path) or leg not in LEG_NAMES:
            raise BacktestError(f"--series {flag}: use HEDGE:spot=FILE or HEDGE:perp=FILE")
        legs = out.setdefault(hedge, {})
        if leg in legs:
            raise BacktestError(f"--series {hedge}:{leg}: given twice")
        legs[leg] = Path(path)
    return out


def parse_funding(flags: Sequence[str]) -> dict[str, FundingSpec]:
    """hedge → funding source from `--funding HEDGE=FILE|RATE` flags."""
    out: dict[str, FundingSpec] = {}
    for flag in flags:
        hedge, sep, value = flag.partition("=")
        if not (sep and hedge and value):
            raise BacktestError(f"--funding {flag}: use HEDGE=FILE or HEDGE=RATE (e.g. 0.0001)")
        if hedge in out:
            raise BacktestError(f"--funding {hedge}: given twice")
        try:
            out[hedge] = parse_funding_arg(value)
        except ValueError as exc:
            raise BacktestError(str(exc)) from None
    return out


def parse_amounts(text: str, flag: str) -> dict[str, Decimal]:
    """ASSET → amount from `BTC=1,ETH=10` (`flag` names the option in errors); amounts are
    non-negative decimals, assets upper-cased."""
    out: dict[str, Decimal] = {}
    for item in text.split(","):
        asset, sep, amount = item.strip().partition("=")
        asset = asset.strip().upper()
        if not (sep and asset.isalnum()):
            raise BacktestError(f"{flag} {text}: use ASSET=AMOUNT,... such as BTC=1,ETH=10")
        try:
            value = Decimal(amount.strip())
        except InvalidOperation:
            value = Decimal("NaN")
        if not value.is_finite() or value < 0:
            raise BacktestError(f"{flag} {asset}={amount.strip()}: not a non-negative amount")
        if asset in out:
            raise BacktestError(f"{flag} {asset}: given twice")
        out[asset] = value
    return out


def parse_fees(text: str) -> dict[str, Decimal]:
    """maker/taker → rate from `--fees maker=0.0002,taker=0.0005` (either may be left out:
    it then comes from the config's `backtest.fees`). Errors name the item at fault."""
    out: dict[str, Decimal] = {}
    for item in text.split(","):
        name, sep, value = (part.strip() for part in item.partition("="))
        if not sep or name not in FEE_NAMES:
            raise BacktestError(
                f"--fees {item.strip()}: use maker=RATE,taker=RATE (fractions of notional, "
                "e.g. maker=0.0002,taker=0.0005)"
            )
        if name in out:
            raise BacktestError(f"--fees {name}: given twice")
        try:
            rate = Decimal(value)
            FeeSchedule(**{name: rate})  # the fill model's own bounds
        except (InvalidOperation, ValueError):
            raise BacktestError(
                f"--fees {name}={value}: not a fee rate (a fraction of notional such as "
                "0.0002 = 0.02 %, at most 0.01; only maker may be negative, a rebate)"
            ) from None
        out[name] = rate
    return out


def parse_window(start: str | None, end: str | None) -> DateRange:
    """The [--from, --to) window; either may be omitted."""
    try:
        return DateRange(
            None if start is None else parse_date(start, flag="--from"),
            None if end is None else parse_date(end, flag="--to"),
        )
    except ValueError as exc:
        raise BacktestError(str(exc)) from None
