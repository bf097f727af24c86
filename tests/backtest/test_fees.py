"""Backtest fees are overridable: `backtest.fees` in the YAML, `--fees maker=…,taker=…` on
the command line over it, Binance VIP 0 by default; a bad rate is one line naming it."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.backtest.args import parse_fees
from bot.backtest.errors import BacktestError
from bot.cli import main

from ._cli import candles, config, flat, run_error, run_json

ASK = "60000.1"  # the sell touch when the perp closes at 60000 (tick 0.1)


@pytest.mark.parametrize(
    ("text", "rates"),
    [
        ("maker=0.0002,taker=0.0005", {"maker": D("0.0002"), "taker": D("0.0005")}),
        ("taker=0.0004", {"taker": D("0.0004")}),
        (" maker = -0.0001 ", {"maker": D("-0.0001")}),  # a maker rebate
    ],
)
def test_fee_flag_values(text: str, rates: dict[str, D]) -> None:
    """`--fees` gives maker and/or taker as exact decimals; a negative maker is a rebate."""
    assert parse_fees(text) == rates


@pytest.mark.parametrize(
    ("text", "named"),
    [
        ("maker=0.02%", "--fees maker=0.02%: not a fee rate"),
        ("taker=-0.0001", "--fees taker=-0.0001: not a fee rate"),
        ("maker=0.05", "--fees maker=0.05: not a fee rate"),
        ("rebate=0.0001", "--fees rebate=0.0001: use maker=RATE,taker=RATE"),
        ("0.0002", "--fees 0.0002: use maker=RATE,taker=RATE"),
        ("maker=0.0001,maker=0.0002", "--fees maker: given twice"),
    ],
)
def test_bad_fee_flags_name_the_value(text: str, named: str) -> None:
    """Each mistake in `--fees` names the item at fault."""
    with pytest.raises(BacktestError, match="^" + re.escape(named)):
        parse_fees(text)


def _with_fees(tmp_path: Path, fees: dict[str, Any] | None) -> Path:
    path = config(tmp_path, execution={"reprice_after_s": 86_400})
    doc = yaml.safe_load(path.read_text(encoding="utf-8"))
    if fees is not None:
        doc["backtest"] = {"fees": fees}
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _maker_fill(tmp_path: Path, fees: dict[str, Any] | None) -> list[str]:
    """One post-only sell at the ask, filled by the next candle (as maker)."""
    rows = [flat("60000"), ("60000", "60000.2", "60000", "60000")] + [flat("60000")] * 3
    return [
        "-c",
        str(_with_fees(tmp_path, fees)),
        "--series",
        f"BTC:perp={candles(tmp_path, rows)}",
        "--funding",
        "BTC=0",
        "--collateral",
        "USDT=60000",
    ]


def test_the_config_sets_the_fees_and_the_flag_overrides_them(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The maker fill pays 0.02 % by default, the YAML's 0.01 %, and `--fees maker=0.0003`
    over that YAML 0.03 %."""
    default = run_json(capsys, _maker_fill(tmp_path, None))
    assert D(default["fees"]) == D(ASK) * D("0.0002")
    configured = run_json(capsys, _maker_fill(tmp_path, {"maker": 0.0001}))
    assert D(configured["fees"]) == D(ASK) * D("0.0001")
    flagged = run_json(
        capsys, [*_maker_fill(tmp_path, {"maker": 0.0001}), "--fees", "maker=0.0003"]
    )
    assert D(flagged["fees"]) == D(ASK) * D("0.0003")


def test_bad_fees_are_one_line_naming_the_key_or_value(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A YAML rate out of bounds names `backtest.fees.taker` (in the config's error list);
    a bad flag is one line naming its value."""
    assert main(["backtest", *_maker_fill(tmp_path, {"taker": -0.001})]) == 2
    err = capsys.readouterr().err
    assert "backtest.fees.taker: -0.001 is below 0" in err and "Traceback" not in err
    err = run_error(capsys, [*_maker_fill(tmp_path, None), "--fees", "taker=abc"])
    assert "--fees taker=abc" in err
