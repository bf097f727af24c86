"""`exchange: bybit` in the config: the margin mode is one per Bybit account, hedge position
mode and inverse perps are refused, each naming the field; the documented Bybit configs load."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.config import ConfigError, load_config, parse_config

REPO = Path(__file__).resolve().parents[1]
KEYS = {
    f"HEDGEBOT_ACCOUNTS__{name}__{part}": "x-123456"
    for name in ("MAIN", "BYBIT", "BINANCE")
    for part in ("API_KEY", "SECRET")
}
BASE = {
    "accounts": {"main": {"exchange": "bybit", "mode": "testnet"}},
    "hedges": {
        "BTC": {"spot": {"account": "main", "asset": "BTC"},
                "perp": {"account": "main", "symbol": "BTC/USDT:USDT"}, "target_ratio": 1.0},
        "ETH": {"spot": {"account": "main", "asset": "ETH"},
                "perp": {"account": "main", "symbol": "ETH/USDT:USDT"}, "target_ratio": 0.5},
    },
}  # fmt: skip


def _problems(change: dict[str, object], hedge: str = "ETH") -> str:
    data = yaml.safe_load(yaml.safe_dump(BASE))
    for key, value in change.items():
        if key == "position_mode":
            data["accounts"]["main"][key] = value
        else:
            data["hedges"][hedge][key] = value
    with pytest.raises(ConfigError) as info:
        parse_config(yaml.safe_dump(data), source="bybit.yaml", env=KEYS)
    return str(info.value)


def test_two_margin_modes_on_one_bybit_account_are_refused() -> None:
    """Bybit sets the margin mode per account: a second mode names the hedge's field."""
    text = _problems({"margin_mode": "cross"})
    assert "hedges.ETH.margin_mode" in text and "per account" in text


def test_hedge_position_mode_on_bybit_is_refused() -> None:
    """hedgebot trades Bybit one-way: position_mode hedge names the account's field."""
    assert "accounts.main.position_mode" in _problems({"position_mode": "hedge"})


def test_an_inverse_perp_on_bybit_is_refused() -> None:
    """BTC/USD:BTC on Bybit names the symbol and says to use a linear perp."""
    text = _problems({"perp": {"account": "main", "symbol": "BTC/USD:BTC"}}, "BTC")
    assert "hedges.BTC.perp.symbol" in text and "linear perp" in text


def test_one_margin_mode_per_bybit_account_loads() -> None:
    """The same margin mode on every hedge of the account is accepted."""
    settings = parse_config(yaml.safe_dump(BASE), source="bybit.yaml", env=KEYS)
    assert settings.accounts["main"].exchange == "bybit"


@pytest.mark.parametrize(
    "path", ["config/bybit-testnet.yaml", "config/bybit-demo.yaml", "config/cross-venue.yaml"]
)
def test_documented_bybit_configs_load_and_are_quoted(path: str) -> None:
    """Each Bybit config the docs show is valid, and the docs quote it verbatim."""
    settings = load_config(REPO / path, env=KEYS)
    assert any(a.exchange == "bybit" for a in settings.accounts.values())
    docs = [REPO / "README.md", *sorted((REPO / "docs" / "pending").glob("*.md"))]
    text = "\n".join(p.read_text(encoding="utf-8") for p in docs)
    body = (REPO / path).read_text(encoding="utf-8").split("\n", 1)[1]  # after the comment
    assert body.strip() in text
