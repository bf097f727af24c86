"""The report's split of a dated-futures hedge: a quarterly settles in its quote (not in
"USDT-250328"), a series hedge is valued on the contract its readings held (not its label),
and a roll's two contracts are each valued instead of failing the whole report."""

from __future__ import annotations

from decimal import Decimal as D

from bot.domain.model import Fill, MarketKind, Side
from bot.report.journal_read import SnapshotRow
from bot.report.split import Split, increments, markets_for

OLD, NEW = "BTC/USDT:USDT-250328", "BTC/USDT:USDT-250627"
LABEL = "BTC/USDT:USDT-quarter"  # what a `future.series` hedge is named by in the config


def _reading(ms: int, mark: str, contracts: str, symbol: str = OLD, **kw: object) -> SnapshotRow:
    return SnapshotRow(
        taken_at_ms=ms, venue_ms=ms, spot=D(1), contracts=D(contracts), mark=D(mark),
        contract_size=D(1), ratio=None, target=None, distance=None, symbol=symbol,
        **kw,  # type: ignore[arg-type]
    )  # fmt: skip


def _fill(ms: int, symbol: str, side: Side, amount: str, price: str, fee: str) -> Fill:
    return Fill(f"f{ms}", f"o{ms}", symbol, side, D(amount), D(price), D(fee), "USDT", True, ms)


def _total(symbol: str, readings: list[SnapshotRow], fills: list[Fill]) -> Split:
    out = Split()
    for step in increments(symbol, readings, fills, []):
        out = out + step.split
    return out


def test_a_quarterly_is_a_linear_contract_settled_in_its_quote() -> None:
    """BTC/USDT:USDT-250328 is linear and settles in USDT (it was read as an inverse
    contract settled in "USDT-250328", so its P&L came out in the wrong unit)."""
    _, perp = markets_for(OLD, D(1))
    assert perp.kind is MarketKind.LINEAR and perp.settle == "USDT" and perp.symbol == OLD


def test_a_series_hedge_is_valued_on_the_contract_it_held() -> None:
    """1 BTC spot, a 1 BTC quarterly short sold at 60,000 (fee 1 USDT), the mark then up
    1,000: spot +1,000, perp −1,000, fees 1, whatever label the config gives the series."""
    readings = [_reading(0, "60000", "0"), _reading(1000, "61000", "-1")]
    fills = [_fill(500, OLD, Side.SELL, "1", "60000", "1")]
    split = _total(LABEL, readings, fills)
    assert (split.spot, split.perp, split.fees) == (D(1000), D(-1000), D(1))
    assert split.total == D(-1)


def test_a_roll_values_both_contracts_instead_of_failing() -> None:
    """Mid-roll, 0.5 BTC moved from OLD to NEW at one mark: both contracts' fills are valued
    (the old buy-back and the new sale), fees of both counted, and with the price unchanged
    the perp P&L is what the fills locked in against the mark."""
    legs = ((OLD, D("-1")), (NEW, D(0)))
    readings = [
        _reading(0, "60000", "-1", roll_legs=legs),
        _reading(1000, "60000", "-0.5", roll_legs=((OLD, D("-0.5")), (NEW, D("-0.5")))),
    ]
    fills = [
        _fill(300, OLD, Side.BUY, "0.5", "60000", "0.2"),
        _fill(600, NEW, Side.SELL, "0.5", "61000", "0.3"),
    ]
    split = _total(LABEL, readings, fills)
    assert split.fees == D("0.5")
    assert split.perp == D("0.5") * (D(61000) - D(60000))  # the new sale above the mark
    assert split.spot == 0
