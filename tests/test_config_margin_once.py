"""Config check that each COIN-M wallet's coin is counted as holding by one hedge at most:
two hedges counting one wallet (a basket on one inverse perp, or a perp and a quarterly margined
in the same coin on one account) are refused, naming the hedges and `count_margin`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.cli import main
from bot.config import ConfigError, Settings, parse_config
from bot.domain.instrument import counts_margin
from tests.domain._factories import inverse

ACCOUNTS = {
    "main": {"exchange": "binance", "mode": "sim", "url": "http://127.0.0.1:9"},
    "other": {"exchange": "binance", "mode": "sim", "url": "http://127.0.0.1:9"},
    "cold": {"exchange": "wallet", "holdings": {"BTC": "2"}},
}
INVERSE_PERP = {"account": "main", "symbol": "BTC/USD:BTC"}
QUARTERLY = {"account": "main", "symbol": "BTC/USD:BTC-261225"}


def _config(cold: dict[str, Any], spot: dict[str, Any]) -> str:
    """Hedges BTC-cold (the cold wallet's BTC) and BTC-spot (main's spot BTC), in that order."""
    base = {"target_ratio": 1}
    data = {
        "accounts": ACCOUNTS,
        "hedges": {
            "BTC-cold": {"spot": {"account": "cold", "asset": "BTC"}, **base, **cold},
            "BTC-spot": {"spot": {"account": "main", "asset": "BTC"}, **base, **spot},
        },
    }
    return yaml.safe_dump(data, sort_keys=False)


def _parse(text: str) -> Settings:
    return parse_config(text, source="t.yaml", env={})


def _problems(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        _parse(text)
    return str(info.value)


REFUSED = [
    pytest.param({"perp": INVERSE_PERP}, {"perp": INVERSE_PERP}, id="basket-on-one-inverse-perp"),
    pytest.param({"perp": INVERSE_PERP}, {"future": QUARTERLY}, id="perp-and-quarterly"),
    pytest.param(
        {"future": {"account": "main", "series": "BTC/USD:BTC"}},
        {"perp": INVERSE_PERP, "count_margin": True},
        id="series-and-perp-count_margin-true",
    ),
]


@pytest.mark.parametrize(("cold", "spot"), REFUSED)
def test_two_hedges_counting_one_coinm_wallet_are_refused(
    cold: dict[str, Any], spot: dict[str, Any]
) -> None:
    """Two hedges counting main's BTC COIN-M wallet: one error at the second's count_margin,
    naming both hedges and how to fix it."""
    said = _problems(_config(cold, spot))
    assert "hedges.BTC-spot.count_margin: the BTC COIN-M wallet on account main" in said
    assert "hedges BTC-cold, BTC-spot" in said
    assert "set count_margin: false on all but one of them" in said
    assert said.count("COIN-M wallet") == 1


@pytest.mark.parametrize(("cold", "spot"), REFUSED)
def test_count_margin_false_on_one_counts_the_wallet_once(
    cold: dict[str, Any], spot: dict[str, Any]
) -> None:
    """The fix the error asks for loads, and the domain then counts the wallet for BTC-cold
    only."""
    settings = _parse(_config(cold, {**spot, "count_margin": False}))
    counted = {
        name: counts_margin(policy, inverse(symbol=policy.perp_symbol.removesuffix("-quarter")))
        for name, policy in settings.hedge_policies().items()
    }
    assert counted == {"BTC-cold": True, "BTC-spot": False}


@pytest.mark.parametrize(
    ("cold", "spot"),
    [
        pytest.param(
            {"perp": INVERSE_PERP},
            {"perp": {**INVERSE_PERP, "account": "other"}},
            id="wallets-on-two-accounts",
        ),
        pytest.param(
            {"perp": {"account": "main", "symbol": "BTC/USDT:USDT"}},
            {"perp": {"account": "main", "symbol": "BTC/USDC:USDC"}},
            id="linear-contracts",
        ),
        pytest.param(
            {"perp": INVERSE_PERP},
            {"perp": {"account": "main", "symbol": "BTC/USDT:USDT"}},
            id="inverse-and-linear",
        ),
    ],
)
def test_hedges_that_do_not_share_a_counted_wallet_load(
    cold: dict[str, Any], spot: dict[str, Any]
) -> None:
    """Wallets on different accounts, or linear contracts (no COIN-M wallet counted), are
    not refused."""
    assert set(_parse(_config(cold, spot)).hedges) == {"BTC-cold", "BTC-spot"}


def test_a_proxy_on_an_inverse_perp_counts_no_wallet() -> None:
    """An ETH holding hedged with BTC/USD:BTC counts no BTC wallet, so beside a BTC hedge on
    the same wallet it loads."""
    data = yaml.safe_load(_config({"perp": INVERSE_PERP}, {"perp": INVERSE_PERP}))
    data["hedges"]["BTC-spot"]["spot"]["asset"] = "ETH"
    data["hedges"]["BTC-spot"]["beta"] = "1.2"
    assert len(_parse(yaml.safe_dump(data, sort_keys=False)).hedges) == 2


def test_check_prints_the_refusal_as_one_config_error_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """`hedgebot check` on a basket counting one wallet twice exits 2 with one
    `hedges.BTC-spot.count_margin:` line, no traceback."""
    config = tmp_path / "hedgebot.yaml"
    config.write_text(_config({"perp": INVERSE_PERP}, {"perp": INVERSE_PERP}), encoding="utf-8")
    code = main(["check", "-c", str(config)])
    err = capsys.readouterr().err
    assert code == 2
    lines = [line for line in err.splitlines() if "count_margin" in line]
    assert len(lines) == 1 and lines[0].strip().startswith("- hedges.BTC-spot.count_margin: "), err
    assert "Traceback" not in err
