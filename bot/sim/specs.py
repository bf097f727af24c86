"""The simulated venue's instruments: filters, precisions, fees and margin brackets.

Filter values are Binance's live values for these symbols (spot /api/v3/exchangeInfo and
USDⓈ-M /fapi/v1/exchangeInfo, 2024-2025). Bracket tables (floor, maintMarginRatio) are the
ones recorded from the real venue in ccxt's static fixture
(ts/src/test/static/response/binance.json `options.leverageBrackets`, BTC/ETH/LTC/ADA; the
LTC/ADA alt-coin table is used for SOL and XRP); caps are the next floor, initial leverage
follows the published tiers, `cum` is derived with Binance's maintenance-amount formula.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from bot.sim.errors import SimError, invalid_symbol
from bot.sim.margin import Bracket, build_brackets

__all__ = [
    "FEES",
    "MARKETS",
    "SymbolSpec",
    "brackets_for",
    "get_spec",
    "symbols",
]

MARKETS = ("spot", "usdm")
D = Decimal

# (maker, taker) fee rates: Binance standard (VIP 0, no BNB discount).
FEES: dict[str, tuple[Decimal, Decimal]] = {
    "spot": (D("0.001"), D("0.001")),
    "usdm": (D("0.0002"), D("0.0005")),
}


@dataclass(frozen=True, slots=True)
class SymbolSpec:
    """One tradable instrument. Prices in quote asset, quantities in base asset."""

    market: str
    symbol: str
    base: str
    quote: str
    tick: Decimal
    min_price: Decimal
    max_price: Decimal
    step: Decimal
    min_qty: Decimal
    max_qty: Decimal
    market_max_qty: Decimal
    min_notional: Decimal
    price_precision: int
    qty_precision: int

    @property
    def maker_fee(self) -> Decimal:
        return FEES[self.market][0]

    @property
    def taker_fee(self) -> Decimal:
        return FEES[self.market][1]


def _spot(symbol: str, base: str, tick: str, step: str, max_qty: str, mkt_max: str) -> SymbolSpec:
    return SymbolSpec(
        "spot",
        symbol,
        base,
        "USDT",
        D(tick),
        D(tick),
        D("1000000"),
        D(step),
        D(step),
        D(max_qty),
        D(mkt_max),
        D("5"),
        8,
        8,
    )


def _usdm(
    symbol: str,
    base: str,
    prices: tuple[str, str, str],
    lots: tuple[str, str, str, str],
    min_notional: str,
    precisions: tuple[int, int],
) -> SymbolSpec:
    tick, min_price, max_price = prices
    step, min_qty, max_qty, mkt_max = lots
    return SymbolSpec(
        "usdm",
        symbol,
        base,
        "USDT",
        D(tick),
        D(min_price),
        D(max_price),
        D(step),
        D(min_qty),
        D(max_qty),
        D(mkt_max),
        D(min_notional),
        precisions[0],
        precisions[1],
    )


_SPECS: dict[str, dict[str, SymbolSpec]] = {
    "spot": {
        s.symbol: s
        for s in (
            _spot("BTCUSDT", "BTC", "0.01", "0.00001", "9000", "85.84339916"),
            _spot("ETHUSDT", "ETH", "0.01", "0.0001", "9000", "1810.55357519"),
            _spot("SOLUSDT", "SOL", "0.01", "0.001", "9000000", "28410.41283113"),
            _spot("XRPUSDT", "XRP", "0.0001", "0.1", "9222449", "2574833.36865183"),
        )
    },
    "usdm": {
        s.symbol: s
        for s in (
            _usdm(
                "BTCUSDT",
                "BTC",
                ("0.10", "556.80", "4529764"),
                ("0.001", "0.001", "1000", "120"),
                "100",
                (2, 3),
            ),
            _usdm(
                "ETHUSDT",
                "ETH",
                ("0.01", "39.86", "306177"),
                ("0.001", "0.001", "10000", "2000"),
                "20",
                (2, 3),
            ),
            _usdm(
                "SOLUSDT",
                "SOL",
                ("0.0100", "0.4200", "6857"),
                ("1", "1", "1000000", "5000"),
                "5",
                (4, 0),
            ),
            _usdm(
                "XRPUSDT",
                "XRP",
                ("0.0001", "0.0143", "100000"),
                ("0.1", "0.1", "10000000", "2000000"),
                "5",
                (4, 1),
            ),
        )
    },
}

_BTC_TIERS = (
    (0, 50_000, "0.004", 125),
    (50_000, 250_000, "0.005", 100),
    (250_000, 3_000_000, "0.01", 50),
    (3_000_000, 20_000_000, "0.025", 20),
    (20_000_000, 40_000_000, "0.05", 10),
    (40_000_000, 100_000_000, "0.1", 5),
    (100_000_000, 120_000_000, "0.125", 4),
    (120_000_000, 200_000_000, "0.15", 3),
    (200_000_000, 300_000_000, "0.25", 2),
    (300_000_000, 500_000_000, "0.5", 1),
)
_ETH_TIERS = (
    (0, 100_000, "0.005", 100),
    (100_000, 250_000, "0.0065", 75),
    (250_000, 2_000_000, "0.01", 50),
    (2_000_000, 15_000_000, "0.02", 25),
    (15_000_000, 30_000_000, "0.05", 10),
    (30_000_000, 60_000_000, "0.1", 5),
    (60_000_000, 80_000_000, "0.125", 4),
    (80_000_000, 100_000_000, "0.15", 3),
    (100_000_000, 150_000_000, "0.25", 2),
    (150_000_000, 300_000_000, "0.5", 1),
)
_ALT_TIERS = (
    (0, 10_000, "0.0065", 75),
    (10_000, 50_000, "0.01", 50),
    (50_000, 250_000, "0.02", 25),
    (250_000, 1_000_000, "0.05", 10),
    (1_000_000, 2_000_000, "0.1", 5),
    (2_000_000, 5_000_000, "0.125", 4),
    (5_000_000, 10_000_000, "0.15", 3),
    (10_000_000, 20_000_000, "0.25", 2),
)

_BRACKETS: dict[str, tuple[Bracket, ...]] = {
    "BTCUSDT": build_brackets(_BTC_TIERS),
    "ETHUSDT": build_brackets(_ETH_TIERS),
    "SOLUSDT": build_brackets(_ALT_TIERS),
    "XRPUSDT": build_brackets(_ALT_TIERS),
}


def symbols(market: str) -> list[str]:
    """Venue symbol ids listed on `market` ("spot" | "usdm")."""
    if market not in _SPECS:
        raise SimError(-1130, f"unknown market {market!r}; expected 'spot' or 'usdm'")
    return list(_SPECS[market])


def get_spec(market: str, symbol: str) -> SymbolSpec:
    """The spec of `symbol` on `market`; SimError -1121 when it is not listed."""
    spec = _SPECS.get(market, {}).get(symbol)
    if spec is None:
        raise invalid_symbol()
    return spec


def brackets_for(symbol: str) -> tuple[Bracket, ...]:
    """Maintenance-margin brackets of a USDⓈ-M symbol; SimError -1121 when unknown."""
    brackets = _BRACKETS.get(symbol)
    if brackets is None:
        raise invalid_symbol()
    return brackets
