"""A holding summed over several sources: an exchange spot wallet plus a `wallet` account's
YAML holdings (coins of the hedged asset), each part kept and named."""

from __future__ import annotations

from decimal import Decimal as D

from bot.domain.holding import holding_of, wallet_balances
from bot.domain.model import Balance


def _spot(**coins: str) -> dict[str, Balance]:
    return {a: Balance(a, D(v), D(0), D(v)) for a, v in coins.items()}


def test_exchange_spot_and_a_cold_wallet_are_summed() -> None:
    """1 BTC on Binance spot + 2.5 BTC in the wallet account is a 3.5 BTC holding."""
    cold = wallet_balances({"BTC": D("2.5")})
    held = holding_of("BTC", _spot(BTC="1"), more=[("wallet cold", cold)])
    assert held.coins == D("3.5")
    assert held.describe() == "1 BTC spot + 2.5 BTC wallet cold"


def test_a_wallet_without_the_asset_adds_nothing() -> None:
    """A wallet account holding only ETH leaves a BTC holding at its spot amount."""
    held = holding_of("BTC", _spot(BTC="1"), more=[("wallet cold", wallet_balances({"ETH": D(3)}))])
    assert held.coins == 1 and not held.notes


def test_a_negative_source_counts_as_zero_with_a_note() -> None:
    """A source reporting a negative amount is never subtracted from the others."""
    held = holding_of("BTC", _spot(BTC="1"), more=[("spot second", _spot(BTC="-0.5"))])
    assert held.coins == 1
    assert held.notes == ("spot second BTC is -0.5: counted as 0",)


def test_wallet_holdings_are_read_case_insensitively() -> None:
    """`holdings: {btc: 2.5}` is BTC, all of it free."""
    assert wallet_balances({"btc": D("2.5")})["BTC"] == Balance("BTC", D("2.5"), D(0), D("2.5"))
