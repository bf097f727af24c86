"""Proxy hedges in the backtest are sized by value with beta, as the daemon sizes them
(`bot.domain.proxy`): 100 SOL at 150 hedged with ETH at 3,000, beta 1.2, target 1 →
100 × 150 / 3,000 × 1.2 = 6 ETH short, its ratio 1; the holding is valued at SOL's price."""

from __future__ import annotations

from decimal import Decimal as D
from pathlib import Path

import pytest
import yaml

from bot.backtest.account import HedgeSetup
from bot.backtest.bars import Bar, Ohlc
from bot.backtest.fills import FeeSchedule
from bot.backtest.replay import advance, start_run
from bot.backtest.run import collaterals
from bot.backtest.venue import perp_brackets, perp_market
from bot.domain.hedge import HedgePolicy
from bot.domain.risk_policy import RiskPolicy

from ._cli import run_json
from ._files import write

HOUR = 3_600_000
ETH = "ETH/USDT:USDT"
SOL_AT, ETH_AT = D(150), D(3000)


def _bars(n: int) -> list[Bar]:
    """SOL spot at 150, the ETH perp at 3,000, each candle wide enough to fill a resting order."""
    spot = Ohlc(SOL_AT, SOL_AT + 1, SOL_AT - 1, SOL_AT)
    perp = Ohlc(ETH_AT, ETH_AT + 5, ETH_AT - 5, ETH_AT)
    return [Bar(i * HOUR, spot, perp, perp) for i in range(n)]


def _setup(held: D, beta: D) -> HedgeSetup:
    """`held` SOL hedged 1:1 with the ETH perp at `beta` (2x isolated)."""
    return HedgeSetup(
        policy=HedgePolicy("SOL", "SOL", ETH, target_ratio=D(1), beta=beta),
        risk_policy=RiskPolicy(),
        market=perp_market(ETH, FeeSchedule()),
        brackets=perp_brackets(ETH),
        holding=held,
        max_age_ms=120_000,
        spot_symbol="SOL/USDT",
    )


@pytest.mark.parametrize(
    ("held", "beta", "short"),
    [
        (D(100), D("1.2"), D(6)),  # the example
        (D(100), D(1), D(5)),
        (D(40), D("1.5"), D(3)),
    ],
)
def test_a_proxy_short_is_sized_by_value_times_beta(held: D, beta: D, short: D) -> None:
    """After the first order fills the ETH short is held × SOL price / ETH price × beta, the
    reported ratio is 1 and the spot side is valued at SOL's price."""
    fees = FeeSchedule()
    setup = _setup(held, beta)
    run = start_run(setup, D(20_000))
    steps = []
    for bar in _bars(4):
        run, step = advance(setup, run, bar, HOUR, fees)
        steps.append(step)
    assert steps[-1].position == -short
    assert steps[-1].ratio == 1
    assert sum(s.orders for s in steps) == 1  # one order to the target, then within band
    assert steps[-1].equity_unhedged == held * SOL_AT + 20_000


def test_a_proxy_default_collateral_is_the_holding_value_times_beta() -> None:
    """The default collateral of a proxy hedge is its notional by value: 100 SOL × 150 × 1.2
    = 18,000 USDT (not 100 × 1.2 × the ETH price)."""
    setup = _setup(D(100), D("1.2"))
    assert collaterals([setup], (_bars(1)[0],), None) == [D(18_000)]


def _shared(path: Path, price: D, n: int) -> Path:
    """A shared-layout hourly file with perp and spot legs at `price`."""
    lines = ["ts,perp_open,perp_high,perp_low,perp_close,spot_open,spot_high,spot_low,spot_close"]
    hi, lo = price * D("1.01"), price * D("0.99")
    for i in range(n):
        ts = f"2025-01-{1 + i // 24:02d}T{i % 24:02d}:00:00Z"
        lines.append(f"{ts},{price},{hi},{lo},{price},{price},{hi},{lo},{price}")
    return write(path, lines)


def test_the_cli_prices_a_proxy_holding_from_its_own_file(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """With `--data DIR`, a SOL holding hedged with the ETH perp reads SOL's spot leg from
    SOL's file and ETH's perp from ETH's: the replay sells 6 ETH (beta 1.2) in one order."""
    data = tmp_path / "data"
    data.mkdir()
    _shared(data / "binance_solusdt_1h_test.csv", SOL_AT, 48)
    _shared(data / "binance_ethusdt_1h_test.csv", ETH_AT, 48)
    hedge = {
        "spot": {"account": "main", "asset": "SOL"},
        "perp": {"account": "main", "symbol": ETH},
        "target_ratio": 1.0,
        "beta": 1.2,
        "leverage": 2,
    }
    doc = {"accounts": {"main": {"exchange": "binance", "mode": "sim"}}, "hedges": {"SOL": hedge}}
    cfg = tmp_path / "proxy.yaml"
    cfg.write_text(yaml.safe_dump(doc), encoding="utf-8")
    out = run_json(
        capsys,
        ["-c", str(cfg), "--data", str(data), "--holdings", "SOL=100", "--funding", "SOL=0"],
    )
    sol = out["hedges"]["SOL"]
    assert (sol["orders"], sol["fills"], sol["liquidations"]) == (1, 1, 0)
    assert D(sol["time_outside_band"]) < D("0.1")  # the short reached 6 ETH at once
    fee = D(6) * (ETH_AT + D("0.01")) * D("0.0002")  # one maker sell of 6 at the ask
    assert D(sol["fees"]) == fee
