"""The worked examples of the seed articles (../shared/seeds) as one table per topic."""

from __future__ import annotations

from decimal import Decimal as D

import pytest

from bot.domain.contracts import base_exposure, contracts_for_base, notional, round_amount_down
from bot.domain.hedge import measure
from bot.domain.model import Market
from bot.domain.pnl import hedged_pnl

from ._factories import inverse, linear, policy

BTC_1 = linear(contract_size="1", step="0.001")
BTC_MILLI = linear(contract_size="0.001", step="1")
BTC_MICRO = linear(contract_size="0.01", step="1")
BTC_USD_1 = inverse(contract_size="1")
BTC_USD_100 = inverse(contract_size="100")  # Binance's BTCUSD_PERP
ETH_1 = linear(contract_size="1", step="0.001", symbol="ETH/USDT:USDT")

SIZING = [
    # (seed, market, spot held, price, hedge ratio, contracts to short)
    ("000: 5 BTC at 60,000, 1 BTC contracts", BTC_1, "5", "60000", "1", "5"),
    ("001: 5 BTC at 60,000, 0.001 BTC contracts", BTC_MILLI, "5", "60000", "1", "5000"),
    ("001: 5 BTC at 60,000, 1 USD inverse contracts", BTC_USD_1, "5", "60000", "1", "300000"),
    ("001: 5 BTC at 60,000, 100 USD BTCUSD contracts", BTC_USD_100, "5", "60000", "1", "3000"),
    ("001: 5 BTC at 60,000, 100 USD, 50 % hedge", BTC_USD_100, "5", "60000", "0.5", "1500"),
    ("002: 5 BTC at 65,000, 1 BTC contracts", BTC_1, "5.0", "65000", "1", "5"),
    ("004: 3.5 BTC, 0.01 BTC micro contracts", BTC_MICRO, "3.5", "65000", "1", "350"),
    ("004: 3.5 BTC, micro contracts, 50 % hedge", BTC_MICRO, "3.5", "65000", "0.5", "175"),
    ("004: 1.5 BTC, micro contracts", BTC_MICRO, "1.5", "65000", "1", "150"),
    ("003: 5 BTC at 65,000, 60 % hedge", BTC_1, "5", "65000", "0.6", "3"),
    ("003: 10 ETH, 70 % hedge", ETH_1, "10", "2000", "0.7", "7"),
    ("003: 1 BTC at 60,000, full hedge", BTC_1, "1", "60000", "1", "1"),
    ("003: 1 BTC at 60,000, half hedge", BTC_1, "1", "60000", "0.5", "0.5"),
    ("002: 10 BTC, half hedge", BTC_1, "10", "60000", "0.5", "5"),
]


@pytest.mark.parametrize(("seed", "market", "spot", "price", "ratio", "expected"), SIZING)
def test_contracts_to_short(
    seed: str, market: Market, spot: str, price: str, ratio: str, expected: str
) -> None:
    """Converting the hedged base amount to contracts gives the seed's contract count."""
    base = D(spot) * D(ratio)
    contracts = round_amount_down(market, contracts_for_base(market, base, D(price)))
    assert contracts == D(expected), seed


@pytest.mark.parametrize(("seed", "market", "spot", "price", "ratio", "expected"), SIZING)
def test_measured_gap_from_flat(
    seed: str, market: Market, spot: str, price: str, ratio: str, expected: str
) -> None:
    """From a flat perp, `measure` reports the seed's contract count as the gap to sell."""
    pol = policy(ratio, perp_symbol=market.symbol)
    state = measure(pol, market, D(spot), D(0), D(price))
    assert state.gap_contracts == D(expected), seed
    assert state.ratio == 0


@pytest.mark.parametrize(("seed", "market", "spot", "price", "ratio", "expected"), SIZING)
def test_short_of_seed_size_hits_target_ratio(
    seed: str, market: Market, spot: str, price: str, ratio: str, expected: str
) -> None:
    """Holding the seed's short gives back exactly the seed's hedge ratio, with no gap."""
    pol = policy(ratio, perp_symbol=market.symbol)
    state = measure(pol, market, D(spot), -D(expected), D(price))
    assert state.ratio == D(ratio), seed
    assert state.gap_contracts == 0
    assert -base_exposure(market, -D(expected), D(price)) == D(spot) * D(ratio)


@pytest.mark.parametrize(
    ("seed", "market", "contracts", "price", "expected_notional"),
    [
        ("000: 5 contracts of 1 BTC at 60,000", BTC_1, "5", "60000", "300000"),
        ("001: 5,000 contracts of 0.001 BTC", BTC_MILLI, "5000", "60000", "300000"),
        ("001: 300,000 contracts of 1 USD", BTC_USD_1, "300000", "60000", "300000"),
        ("004: 350 micro contracts at 65,000", BTC_MICRO, "350", "65000", "227500"),
        ("002: 5 BTC at 65,000", BTC_1, "5", "65000", "325000"),
    ],
)
def test_notional(
    seed: str, market: Market, contracts: str, price: str, expected_notional: str
) -> None:
    """The quote notional of the seed's position matches the article's dollar figure."""
    assert notional(market, D(contracts), D(price)) == D(expected_notional), seed


PNL = [
    # (seed, market, spot, perp contracts, entry, exit, spot P&L, perp P&L, total)
    (
        "000: 5 BTC hedged, drop to 54,000",
        BTC_1,
        "5",
        "-5",
        "60000",
        "54000",
        "-30000",
        "30000",
        "0",
    ),
    (
        "000: 5 BTC hedged, rally to 66,000",
        BTC_1,
        "5",
        "-5",
        "60000",
        "66000",
        "30000",
        "-30000",
        "0",
    ),
    (
        "003: 1 BTC full hedge, rises to 70,000",
        BTC_1,
        "1",
        "-1",
        "60000",
        "70000",
        "10000",
        "-10000",
        "0",
    ),
    (
        "003: 1 BTC full hedge, falls to 50,000",
        BTC_1,
        "1",
        "-1",
        "60000",
        "50000",
        "-10000",
        "10000",
        "0",
    ),
    ("003: 1 BTC full hedge, stays at 60,000", BTC_1, "1", "-1", "60000", "60000", "0", "0", "0"),
    (
        "003: 0.5 BTC partial, rises to 70,000",
        BTC_1,
        "1",
        "-0.5",
        "60000",
        "70000",
        "10000",
        "-5000",
        "5000",
    ),
    (
        "003: 0.5 BTC partial, falls to 50,000",
        BTC_1,
        "1",
        "-0.5",
        "60000",
        "50000",
        "-10000",
        "5000",
        "-5000",
    ),
    ("003: 0.5 BTC partial, stays at 60,000", BTC_1, "1", "-0.5", "60000", "60000", "0", "0", "0"),
    (
        "003: 5 BTC, 60 % hedge at 65,000, pullback to 55,000",
        BTC_1,
        "5",
        "-3",
        "65000",
        "55000",
        "-50000",
        "30000",
        "-20000",
    ),
    (
        "001: 25 ETH ($100,000) hedged, drop 30 %",
        ETH_1,
        "25",
        "-25",
        "4000",
        "2800",
        "-30000",
        "30000",
        "0",
    ),
    (
        "001: 25 ETH ($100,000) hedged, rally 10 %",
        ETH_1,
        "25",
        "-25",
        "4000",
        "4400",
        "10000",
        "-10000",
        "0",
    ),
    (
        "001: 300,000 inverse USD contracts, drop to 54,000",
        BTC_USD_1,
        "5",
        "-300000",
        "60000",
        "54000",
        "-30000",
        "30000",
        "0",
    ),
]


@pytest.mark.parametrize(
    ("seed", "market", "spot", "contracts", "entry", "exit_", "spot_pnl", "perp_pnl", "total"),
    PNL,
)
def test_hedged_pnl(
    seed: str,
    market: Market,
    spot: str,
    contracts: str,
    entry: str,
    exit_: str,
    spot_pnl: str,
    perp_pnl: str,
    total: str,
) -> None:
    """Spot, perp and combined P&L (quote) match the article's scenario table."""
    pnl = hedged_pnl(D(spot), market, D(contracts), D(entry), D(exit_))
    cent = D("0.01")
    assert pnl.spot.quantize(cent) == D(spot_pnl), seed
    assert pnl.perp.quantize(cent) == D(perp_pnl), seed
    assert pnl.total.quantize(cent) == D(total), seed


@pytest.mark.parametrize(
    ("move", "spot_eth", "perp_eth", "net_eth"),
    [("-0.15", "-1.5", "1.05", "-0.45"), ("0.15", "1.5", "-1.05", "0.45")],
)
def test_eth_70_percent_hedge_in_eth(move: str, spot_eth: str, perp_eth: str, net_eth: str) -> None:
    """003: 10 ETH with 7 ETH short; a 15 % move nets ±0.45 ETH (valued at the entry price)."""
    entry = D(2000)
    exit_ = entry * (1 + D(move))
    pnl = hedged_pnl(D(10), ETH_1, D(-7), entry, exit_)
    assert pnl.spot / entry == D(spot_eth)
    assert pnl.perp / entry == D(perp_eth)
    assert pnl.total / entry == D(net_eth)
