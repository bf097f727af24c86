"""Configuration of holdings off the exchange: `exchange: wallet` accounts and `spot:` as one
source or a list of them — accepted shapes and every refusal naming its field."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
import yaml

from bot.config import ConfigError, parse_config, redacted_dump, settings_json_schema
from bot.engine.holding_sources import holding_sources, priced_account
from bot.engine.runtime import hedge_legs

KEYS = {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY": "key-123", "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "s-456"}
MAIN_AND_COLD = [{"account": "main", "asset": "BTC"}, {"account": "cold", "asset": "BTC"}]


def _doc(cold: dict[str, Any] | None = None, **hedge: Any) -> str:
    doc: dict[str, Any] = {
        "accounts": {
            "main": {"exchange": "binance", "mode": "demo"},
            "cold": cold or {"exchange": "wallet", "holdings": {"BTC": "2.5"}},
        },
        "hedges": {
            "BTC": {
                "spot": MAIN_AND_COLD,
                "perp": {"account": "main", "symbol": "BTC/USDT:USDT"},
                "target_ratio": 1.0,
                **hedge,
            }
        },
    }
    return yaml.safe_dump(doc)


def _problems(text: str, env: dict[str, str] | None = None) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(text, source="bad.yaml", env=KEYS if env is None else env)
    return str(info.value)


def test_wallet_account_needs_no_mode_or_keys_and_reads_strings_and_numbers() -> None:
    """A wallet account with string and number holdings loads without mode or keys; amounts
    are exact Decimals under upper-case assets."""
    cold = {"exchange": "wallet", "holdings": {"btc": "2.5", "ETH": 3, "SOL": 0.1}}
    settings = parse_config(_doc(cold), env=KEYS)
    account = settings.accounts["cold"]
    assert account.is_wallet and account.mode is None and not account.has_keys
    assert dict(account.holdings) == {
        "BTC": Decimal("2.5"),
        "ETH": Decimal(3),
        "SOL": Decimal("0.1"),
    }


def test_a_wallet_account_is_never_connected() -> None:
    """Only exchange accounts are connected; the wallet's holdings are read from the settings."""
    settings = parse_config(_doc(), env=KEYS)
    assert settings.accounts_in_use() == ("main",)
    assert settings.wallet_holdings() == {"cold": {"BTC": Decimal("2.5")}}


@pytest.mark.parametrize(
    ("cold", "problem"),
    [
        ({"exchange": "wallet", "mode": "sim"}, "accounts.cold.mode: not allowed on a wallet"),
        ({"exchange": "wallet", "url": "http://127.0.0.1:1"}, "accounts.cold.url: not allowed"),
        ({"exchange": "wallet", "mode": "testnet"}, "accounts.cold.mode: not allowed"),
        ({"exchange": "wallet", "position_mode": "hedge"}, "accounts.cold.position_mode: not"),
        ({"exchange": "wallet", "holdings": {"BTC": -1}},
         "accounts.cold.holdings.BTC: -1 is below 0"),
        ({"exchange": "wallet", "holdings": {"BTC": "lots"}},
         "accounts.cold.holdings.BTC: 'lots' is not a number"),
        ({"exchange": "binance", "mode": "demo", "holdings": {"BTC": 1}},
         "accounts.cold.holdings: only a wallet account"),
        ({"exchange": "binance"}, "accounts.cold.mode: missing"),
    ],
)  # fmt: skip
def test_wallet_account_refusals_name_the_field(cold: dict[str, Any], problem: str) -> None:
    """Venue settings on a wallet account, bad holdings, holdings on an exchange account and an
    exchange account without a mode are each refused naming the field."""
    assert problem in _problems(_doc(cold), env={**KEYS, "HEDGEBOT_ACCOUNTS__COLD__API_KEY": "k"})


def test_keys_in_the_environment_for_a_wallet_account_are_refused_unshown() -> None:
    """Keys set for a wallet account are refused naming the field; the value never shows."""
    env = {**KEYS, "HEDGEBOT_ACCOUNTS__COLD__API_KEY": "cold-key-789"}
    message = _problems(_doc(), env=env)
    assert "accounts.cold.api_key: a wallet account takes no API keys" in message
    assert "cold-key-789" not in message


@pytest.mark.parametrize("leg", ["perp", "future"])
def test_a_wallet_account_cannot_carry_the_short(leg: str) -> None:
    """A wallet account named as the perp's or future's account is refused naming the leg."""
    contract = {
        "account": "cold",
        "symbol": "BTC/USDT:USDT" + ("-261225" if leg == "future" else ""),
    }
    text = _doc(**{"perp": None, leg: contract})
    assert f"hedges.BTC.{leg}.account: cold is a wallet account" in _problems(text)


@pytest.mark.parametrize(
    ("spot", "problem"),
    [
        ([], "hedges.BTC.spot: is empty"),
        ([{"account": "main", "asset": "BTC"}, {"account": "cold", "asset": "ETH"}],
         "hedges.BTC.spot.1.asset: ETH differs from spot.0.asset BTC"),
        ([{"account": "main", "asset": "BTC"}, {"account": "main", "asset": "BTC"}],
         "hedges.BTC.spot.1.account: account main is listed twice"),
        ([{"account": "main", "asset": "BTC"}, {"account": "nowhere", "asset": "BTC"}],
         "hedges.BTC.spot.1.account: unknown account 'nowhere'"),
        ([{"account": "main", "asset": "BTC"}, {"account": "cold"}],
         "hedges.BTC.spot.1.asset: missing"),
        ({"account": "main"}, "hedges.BTC.spot.asset: missing"),
    ],
)  # fmt: skip
def test_spot_source_list_refusals_name_the_element(spot: Any, problem: str) -> None:
    """An empty list, mixed assets, an account listed twice, an unknown account and a missing
    asset are refused naming the element (no union tags in the path)."""
    assert problem in _problems(_doc(spot=spot))


def test_a_wallet_source_shared_by_two_hedges_is_refused() -> None:
    """Two hedges counting the same wallet coins would hedge them twice: refused."""
    data = yaml.safe_load(_doc())
    data["hedges"]["BTC2"] = {
        "spot": {"account": "cold", "asset": "BTC"},
        "perp": {"account": "main", "symbol": "BTC/USDC:USDC"},
        "target_ratio": 0.5,
    }
    assert "BTC on account cold is already hedged by BTC" in _problems(yaml.safe_dump(data))


def test_one_source_and_a_list_both_load_and_dump_as_written() -> None:
    """`spot:` as one mapping stays one; as a list it stays a list, in show-config too."""
    one = parse_config(_doc(spot={"account": "main", "asset": "BTC"}), env=KEYS)
    many = parse_config(_doc(), env=KEYS)
    assert [s.account for s in one.hedges["BTC"].spot_sources] == ["main"]
    assert [s.account for s in many.hedges["BTC"].spot_sources] == ["main", "cold"]
    dumped = yaml.safe_load(redacted_dump(many))
    assert dumped["hedges"]["BTC"]["spot"] == MAIN_AND_COLD
    assert dumped["accounts"]["cold"] == {"exchange": "wallet", "holdings": {"BTC": 2.5}}


def test_the_holding_is_priced_on_the_first_exchange_source() -> None:
    """The priced (spot) leg is the first exchange source, or the perp's account when every
    source is a wallet account."""
    wallet_first = parse_config(_doc(spot=list(reversed(MAIN_AND_COLD))), env=KEYS)
    wallet_only = parse_config(_doc(spot={"account": "cold", "asset": "BTC"}), env=KEYS)
    assert hedge_legs(wallet_first)["BTC"].spot_account == "main"
    assert priced_account(wallet_only, wallet_only.hedges["BTC"]) == "main"


def test_sources_sum_and_an_unread_exchange_source_is_never_zero() -> None:
    """Each source is labelled and read (the wallet from the YAML); an exchange source that
    was not read makes the hedge undecidable instead of counting as 0."""
    settings = parse_config(_doc(), env=KEYS)
    read = holding_sources(settings, "BTC", {"main": {}})
    assert isinstance(read, tuple)
    assert [label for label, _ in read] == ["main spot", "cold wallet"]
    assert read[1][1]["BTC"].total == Decimal("2.5")
    missing = holding_sources(settings, "BTC", {})
    assert missing == "account main unreachable this cycle (its BTC is not counted)"


def test_the_json_schema_lets_a_wallet_account_omit_mode() -> None:
    """Editors validating against `show-config --schema` accept a wallet account without
    `mode` and see its `holdings`."""
    account = settings_json_schema()["$defs"]["AccountSettings"]
    assert "mode" not in account["required"] and "holdings" in account["properties"]
