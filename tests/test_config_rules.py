"""Target rules in YAML: accepted as the issue writes them, turned into domain rules, and
every bad combination refused with a message naming the field."""

from __future__ import annotations

from decimal import Decimal as D

import pytest
import yaml

from bot.config import ConfigError, parse_config
from bot.domain.target_rules import LadderStep, TakeProfit, Tranche

KEYS = {"HEDGEBOT_ACCOUNTS__MAIN__API_KEY": "key-123", "HEDGEBOT_ACCOUNTS__MAIN__SECRET": "s-456"}
BASE = """
accounts:
  main: {exchange: binance, mode: demo}
hedges:
  BTC:
    spot: {account: main, asset: BTC}
    perp: {account: main, symbol: BTC/USDT:USDT}
    target_ratio: 1.0
"""

ISSUE_RULES = """
target_ratio: 0.3
windows:
  - {name: fomc, from: "2026-12-10T18:00:00Z", to: "2026-12-11T06:00:00Z", target_ratio: 0.7}
tranches:
  - {ratio: 0.3, price_below: 62000}
  - {ratio: 0.3, price_below: 58000}
  - {ratio: 0.4, manual: true}
take_profit:
  price_below: 55000
  then_ratio: 0
  rearm_above: 60000
funding:
  below: -0.0003
  for_settlements: 3
  then_ratio: 0.5
ladder:
  - {drawdown_from_high: 0.10, lookback_days: 30, ratio: 0.5}
  - {drawdown_from_high: 0.20, lookback_days: 30, ratio: 1.0}
"""


def with_rules(rules: dict[str, object]) -> str:
    data = yaml.safe_load(BASE)
    data["hedges"]["BTC"].update(rules)
    return yaml.safe_dump(data)


def issue_rules(**changes: object) -> dict[str, object]:
    rules: dict[str, object] = yaml.safe_load(ISSUE_RULES)
    rules.update(changes)
    return rules


def problems(rules: dict[str, object]) -> str:
    with pytest.raises(ConfigError) as info:
        parse_config(with_rules(rules), source="bad.yaml", env=KEYS)
    return str(info.value)


def test_the_issues_rules_load_into_domain_rules() -> None:
    """The issue's YAML example is accepted and becomes the domain's rules exactly."""
    settings = parse_config(with_rules(issue_rules()), source="ok.yaml", env=KEYS)
    rules = settings.hedges["BTC"].rules()
    assert rules.base_ratio == D("0.3") and rules.max_ratio == D(1)
    (fomc,) = rules.windows
    assert (fomc.name, fomc.end_ms - fomc.start_ms, fomc.ratio) == (
        "fomc",
        12 * 3_600_000,
        D("0.7"),
    )
    assert rules.tranches[2] == Tranche(D("0.4"), manual=True)
    assert rules.take_profit == TakeProfit(D(0), D(60000), price_below=D(55000))
    assert rules.funding is not None and rules.funding.for_settlements == 3
    assert rules.ladder[1] == LadderStep(D("0.20"), 30, D("1.0"))
    assert rules.perp_price is False


def test_unquoted_yaml_timestamps_with_a_zone_are_accepted() -> None:
    """YAML's own timestamps (unquoted, with Z) read as the same instants."""
    window = {"name": "cpi", "from": "2026-12-10T18:00:00Z", "to": "2026-12-10T20:00:00+00:00"}
    text = with_rules({"windows": [{**window, "target_ratio": 0.5}]}).replace("'", "")
    rules = parse_config(text, source="ok.yaml", env=KEYS).hedges["BTC"].rules()
    assert rules.windows[0].end_ms - rules.windows[0].start_ms == 7_200_000


def test_price_perp_switches_the_watched_price() -> None:
    """`price: perp` makes the rules watch the perp."""
    settings = parse_config(with_rules(issue_rules(price="perp")), source="ok.yaml", env=KEYS)
    assert settings.hedges["BTC"].rules().perp_price is True


FOMC = {
    "name": "fomc",
    "from": "2026-12-10T18:00:00Z",
    "to": "2026-12-11T06:00:00Z",
    "target_ratio": 0.7,
}
BAD = [
    (
        {"windows": [FOMC, {**FOMC, "name": "cpi", "from": "2026-12-11T05:00:00Z"}]},
        "hedges.BTC.windows.1: window cpi overlaps window fomc (windows.0)",
    ),
    (
        {"windows": [{**FOMC, "to": "2026-12-10T17:00:00Z"}]},
        "hedges.BTC.windows.0.to: window fomc ends before it begins",
    ),
    (
        {"windows": [{**FOMC, "from": "2026-12-10T18:00:00"}]},
        "hedges.BTC.windows.0.from: has no time zone (end it with Z for UTC)",
    ),
    (
        {"windows": [{**FOMC, "target_ratio": 1.2}]},
        "hedges.BTC.windows.0.target_ratio: 1.2 is above max_ratio 1",
    ),
    (
        {"tranches": [{"ratio": 0.6, "price_below": 62000}, {"ratio": 0.5, "manual": True}]},
        "hedges.BTC.tranches: ratios sum to 1.1, above max_ratio 1",
    ),
    (
        {"tranches": [{"ratio": 0.3}]},
        "hedges.BTC.tranches.0: give either price_below or manual: true",
    ),
    (
        {"take_profit": {"price_below": 55000, "rearm_above": 50000}},
        "hedges.BTC.take_profit.rearm_above: 50000 is below price_below 55000",
    ),
    (
        {"take_profit": {"price_below": 55000, "pnl_pct": 8, "rearm_above": 60000}},
        "hedges.BTC.take_profit: give either price_below or pnl_pct",
    ),
    (
        {
            "ladder": [
                {"drawdown_from_high": 0.20, "lookback_days": 30, "ratio": 1.0},
                {"drawdown_from_high": 0.10, "lookback_days": 30, "ratio": 0.5},
            ]
        },
        "hedges.BTC.ladder.1: out of order",
    ),
    (
        {"funding": {"below": -0.0003, "for_settlements": 3, "then_ratio": 2}},
        "hedges.BTC.funding.then_ratio: 2 is above max_ratio 1",
    ),
    ({"price": "mark"}, "hedges.BTC.price"),
]


@pytest.mark.parametrize(("rules", "problem"), BAD)
def test_bad_rule_combinations_name_the_field(rules: dict[str, object], problem: str) -> None:
    """Each combination the issue lists (and a few more) is one line naming the field."""
    message = problems(rules)
    assert problem in message
    assert "Traceback" not in message
