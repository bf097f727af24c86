"""`hedgebot backtest` end to end through the CLI on hand-made candles: the fill model, the
funding and fee arithmetic, a liquidation in a rally at high leverage, the --json keys, the
--sweep ranking, --out's self-contained HTML, and every bad-data error as one line."""

from __future__ import annotations

import re
from decimal import Decimal as D
from pathlib import Path

import pytest

from bot.backtest.metrics import METRIC_KEYS

from ._cli import START, candles, config, flat, run_error, run_json
from ._files import write

ISSUE_KEYS = {
    "pnl_unhedged",
    "pnl_hedged",
    "max_drawdown_unhedged",
    "max_drawdown_hedged",
    "hedge_effectiveness",
    "funding",
    "fees",
    "orders",
    "fills",
    "time_outside_band",
    "min_liquidation_distance",
    "top_ups",
    "liquidations",
}
ASK = "60000.1"  # the sell touch when the perp closes at 60000 (tick 0.1)
KEEP = {"execution": {"reprice_after_s": 86_400}}  # one order lives through the test


def _touch_then(tmp_path: Path, second_high: str) -> list[str]:
    rows = [
        flat("60000"),
        ("60000", ASK, "60000", "60000"),
        ("60000", second_high, "60000", "60000"),
    ]
    path = candles(tmp_path, rows + [flat("60000")] * 3)
    return [
        "-c",
        str(config(tmp_path, **KEEP)),
        "--series",
        f"BTC:perp={path}",
        "--funding",
        "BTC=0",
        "--collateral",
        "USDT=60000",
    ]


def test_a_post_only_sell_at_the_touch_fills_only_when_a_candle_trades_through(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The sell placed at the ask after the first candle is not filled by a candle whose high
    equals it, and is filled (as maker: 0.02 % fee at its price) by one whose high is above."""
    touched = run_json(capsys, _touch_then(tmp_path, ASK))
    assert (touched["orders"], touched["fills"], touched["fees"]) == (1, 0, "0")
    through = run_json(capsys, _touch_then(tmp_path, "60000.2"))
    assert (through["orders"], through["fills"]) == (1, 1)
    assert D(through["fees"]) == D(ASK) * D("0.0002")


def test_funding_and_fees_add_up_exactly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A 1 BTC short at a still 60,000 receives 0.01 % of 60,000 at each 00:00/08:00/16:00
    settlement after its fill; the hedged P&L is exactly funding − fees."""
    rows = [flat("60000"), ("60000", "60000.2", "60000", "60000")] + [flat("60000")] * 46
    path = candles(tmp_path, rows)
    doc = run_json(
        capsys,
        [
            "-c",
            str(config(tmp_path)),
            "--series",
            f"BTC:perp={path}",
            "--funding",
            "BTC=0.0001",
            "--collateral",
            "USDT=60000",
        ],
    )
    settlements = 5  # 08:00, 16:00, 00:00, 08:00, 16:00 after the fill at 01:30 (48 h span)
    assert D(doc["funding"]) == settlements * D(60000) * D("0.0001")
    assert D(doc["fees"]) == D(ASK) * D("0.0002")
    assert D(doc["pnl_hedged"]) == D(doc["funding"]) - D(doc["fees"]) + (D(ASK) - D(60000))
    assert D(doc["pnl_unhedged"]) == 0


def _rally(tmp_path: Path) -> list[tuple[str, str, str, str]]:
    closes = [60000 + i * 600 for i in range(40)]  # +40 % in 40 hours
    return [flat("60000")] + [
        (str(c - 600), str(c + 100), str(c - 700), str(c)) for c in closes[1:]
    ]


RALLY_CASES = [  # leverage, risk settings, collateral, liquidated
    (20, {"auto_top_up": False, "allow_reduce": False}, "3100", True),
    (2, {"auto_top_up": True}, "60000", False),
]


@pytest.mark.parametrize(("leverage", "risk", "collateral", "liquidated"), RALLY_CASES)
def test_a_rally_liquidates_a_high_leverage_short_not_a_funded_2x_one(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    leverage: int,
    risk: dict[str, bool],
    collateral: str,
    liquidated: bool,
) -> None:
    """At 20x with nothing left to top up from and cuts disabled, the short is liquidated
    (Binance's formula on the mark high) early in a +40 % rally; at 2x with auto top-ups
    from the collateral the risk guard keeps it alive."""
    path = candles(tmp_path, _rally(tmp_path))
    cfg = config(tmp_path, leverage=leverage, risk=risk)
    doc = run_json(
        capsys,
        [
            "-c",
            str(cfg),
            "--series",
            f"BTC:perp={path}",
            "--funding",
            "BTC=0",
            "--collateral",
            f"USDT={collateral}",
        ],
    )
    assert (doc["liquidations"] > 0) is liquidated
    if liquidated:
        assert D(doc["pnl_hedged"]) < D(doc["pnl_unhedged"]) - 2500  # the margin forfeited
    else:
        assert doc["top_ups"] >= 1 and D(doc["min_liquidation_distance"]) > D("0.1")


def test_json_has_exactly_the_issue_keys(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--json: the run's metrics under exactly the issue's keys, plus params, hedges, data."""
    path = candles(tmp_path, [flat("60000")] * 5)
    doc = run_json(capsys, ["-c", str(config(tmp_path)), "--series", f"BTC:perp={path}"])
    assert set(METRIC_KEYS) == ISSUE_KEYS
    assert set(doc) == ISSUE_KEYS | {"params", "hedges", "data"}
    assert set(doc["hedges"]["BTC"]) == ISSUE_KEYS
    assert doc["params"] == {}


def test_sweep_runs_are_ranked_best_first(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """On a falling market the full hedge has the highest effectiveness: the ranked list is
    target 1, then 0.5, then the unhedged 0 (effectiveness 0 or undefined, last)."""
    closes = [60000 - i * 300 + (i % 3) * 200 for i in range(30)]
    path = candles(tmp_path, [(str(c), str(c + 150), str(c - 150), str(c)) for c in closes])
    docs = run_json(
        capsys,
        [
            "-c",
            str(config(tmp_path)),
            "--series",
            f"BTC:perp={path}",
            "--sweep",
            "hedges.BTC.target_ratio=0,0.5,1",
        ],
    )
    assert [d["params"]["hedges.BTC.target_ratio"] for d in docs] == ["1", "0.5", "0"]


def test_out_writes_a_self_contained_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """--out DIR: result.json, steps.csv, the four PNGs and report.html, which references
    nothing outside itself (no http(s) links, scripts, or non-data sources)."""
    path = candles(tmp_path, _rally(tmp_path)[:20])
    out = tmp_path / "out"
    run_json(
        capsys, ["-c", str(config(tmp_path)), "--series", f"BTC:perp={path}", "--out", str(out)]
    )
    names = {p.name for p in out.iterdir()}
    assert {"result.json", "steps.csv", "report.html", "equity.png", "ratio.png"} <= names
    html = (out / "report.html").read_text(encoding="utf-8")
    assert not re.search(r"https?:|<script|<link|@import|url\(", html)
    assert all(src.startswith("data:") for src in re.findall(r'src="([^"]*)"', html))


BAD_ROWS = {
    "duplicate": (
        ["2025-01-01T00:00:00Z,1,2,1,2", "2025-01-01T00:00:00Z,1,2,1,2"],
        ":3: duplicate",
    ),
    "unordered": (["2025-01-01T01:00:00Z,1,2,1,2", "2025-01-01T00:00:00Z,1,2,1,2"], ":3:"),
    "unparsable": (["2025-01-01T00:00:00Z,1,x,1,2", "2025-01-01T01:00:00Z,1,2,1,2"], ":2:"),
    "not a candle": (["2025-01-01T00:00:00Z,1,2,3,2", "2025-01-01T01:00:00Z,1,2,1,2"], ":2:"),
    "bad time": (["yesterday,1,2,1,2", "2025-01-01T01:00:00Z,1,2,1,2"], ":2:"),
}


@pytest.mark.parametrize("case", list(BAD_ROWS))
def test_bad_rows_are_one_line_naming_file_and_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], case: str
) -> None:
    """Unordered or duplicate rows, unparsable values, a high below the low: exit 2 and one
    line `FILE:LINE: problem`, never a traceback."""
    rows, where = BAD_ROWS[case]
    path = write(tmp_path / "btc.csv", ["ts,open,high,low,close", *rows])
    err = run_error(capsys, ["-c", str(config(tmp_path)), "--series", f"BTC:perp={path}"])
    assert f"btc.csv{where}" in err


@pytest.mark.parametrize(
    ("args", "named"),
    [
        (["--series", "BTC:perp=MISSING.csv"], "MISSING.csv"),
        (["--data", "NO_SUCH_DIR"], "NO_SUCH_DIR"),
        (["--series", "ETH:perp=x.csv"], "ETH"),
        (["--holdings", "BTC=-1"], "--holdings"),
        (["--collateral", "BTC=5"], "--collateral"),
        (["--from", "2025-13-01", "--data", "."], "--from"),
        (["--sweep", "hedges.BTX.band=0.01"], "BTX"),
        ([], "--data"),
    ],
)
def test_user_mistakes_are_one_line_naming_the_flag(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], args: list[str], named: str
) -> None:
    """A missing file or directory, an unknown hedge, bad amounts or dates, a sweep key for a
    hedge the config lacks, no data at all: exit 2 and one line naming what is wrong."""
    good = candles(tmp_path, [flat("60000")] * 3)
    base = ["-c", str(config(tmp_path))]
    if not any(a in ("--series", "--data") for a in args) and args:
        base += ["--series", f"BTC:perp={good}"]
    assert named in run_error(capsys, [*base, *args])


def test_missing_column_names_the_column(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A file without a close column: one line naming the file and what is missing."""
    path = write(tmp_path / "btc.csv", ["ts,open,high,low", f"{START},1,2,1"])
    err = run_error(capsys, ["-c", str(config(tmp_path)), "--series", f"BTC:perp={path}"])
    assert "btc.csv" in err and "close" in err
