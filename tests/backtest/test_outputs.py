"""A run's outputs: the rich table, --json, and --out DIR (JSON, per-step CSV, headless PNG
plots and one self-contained HTML report); the plot series stay bounded in memory."""

from __future__ import annotations

import csv
import gzip
import io
import json
import re
from decimal import Decimal as D
from pathlib import Path

import pytest
from rich.console import Console

from bot.backtest.errors import BacktestError
from bot.backtest.metrics import METRIC_KEYS, MetricsSink
from bot.backtest.render import STEPS_CSV, print_json, print_table, step_sink, write_outputs
from bot.backtest.result import RunSummary
from bot.backtest.sampler import RUN, SeriesSampler
from bot.backtest.series import Recorder
from bot.backtest.steps_csv import COLUMNS

from ._static import bars, static_hedge

PNG_MAGIC = b"\x89PNG\r\n\x1a\n"
CLOSES = [str(100 + (i % 7) * 3 - (i // 10)) for i in range(48)]


def _run(out: Path | None = None) -> tuple[RunSummary, SeriesSampler]:
    metrics, sampler = MetricsSink(), SeriesSampler(max_points=50)
    sinks = [metrics, sampler] + ([step_sink(out)] if out else [])
    recorder = Recorder(sinks)
    btc = static_hedge("BTC", bars(CLOSES, rate_every=8), ratio=D("0.9"), collateral=D(100))
    eth = static_hedge("ETH", bars(CLOSES[::-1]), ratio=D(1))
    for frame in zip(btc, eth, strict=True):
        recorder.add(frame)
    recorder.close()
    run, hedges = metrics.results()
    return RunSummary({"hedges.BTC.band": "0.05"}, run, hedges), sampler


def test_terminal_table_shows_run_and_hedges() -> None:
    """The table has a column for the run and each hedge, a row per metric."""
    console = Console(file=io.StringIO(), width=160, color_system=None)
    print_table(_run()[0], console)
    text = console.file.getvalue()  # type: ignore[attr-defined]
    assert "hedges.BTC.band=0.05" in text and "hedge effectiveness" in text
    assert re.search(r"metric\s+┃\s+run\s+┃\s+BTC\s+┃\s+ETH", text)


def test_json_output_is_the_documented_document() -> None:
    """--json prints params, the metric keys exactly, and per-hedge metrics."""
    stream = io.StringIO()
    print_json(_run()[0].as_json(), stream)
    document = json.loads(stream.getvalue())
    assert set(METRIC_KEYS) <= set(document) and set(document["hedges"]) == {"BTC", "ETH"}
    assert document["hedges"]["ETH"]["hedge_effectiveness"] == "1.000000"


def test_out_dir_has_json_csv_pngs_and_a_self_contained_html(tmp_path: Path) -> None:
    """--out writes result.json, steps.csv (one row per hedge per candle), four PNGs and a
    report.html that embeds the plots and references nothing external."""
    out = tmp_path / "out"
    summary, sampler = _run(out)
    written = write_outputs(out, summary, sampler)
    names = sorted(p.name for p in written)
    assert names == [
        "costs.png",
        "equity.png",
        "liquidation.png",
        "ratio.png",
        "report.html",
        "result.json",
    ]
    assert json.loads((out / "result.json").read_text())["params"] == {"hedges.BTC.band": "0.05"}
    for png in out.glob("*.png"):
        assert png.read_bytes().startswith(PNG_MAGIC)
    with (out / STEPS_CSV).open(newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == COLUMNS and len(rows) == 1 + 2 * len(CLOSES)
    html = (out / "report.html").read_text(encoding="utf-8")
    assert html.count('src="data:image/png;base64,') == 4
    assert not re.search(r"https?://", html)
    targets = re.findall(r"""(?:src|href)\s*=\s*["']?([^"'\s>]*)""", html)
    assert len(targets) == 4 and all(t.startswith("data:image/png;base64,") for t in targets)
    assert "<script" not in html and "@import" not in html and "url(" not in html


def test_out_dir_that_is_a_file_is_a_clear_error(tmp_path: Path) -> None:
    """--out pointing at a file is one line naming it, not a traceback."""
    target = tmp_path / "taken"
    target.write_text("x")
    with pytest.raises(BacktestError, match=r"--out .*taken: is a file, not a directory"):
        step_sink(target)


def test_plot_series_stay_bounded_and_keep_the_worst_distance() -> None:
    """10,000 steps keep at most 2 × max_points points per trace, and the liquidation
    distance plot keeps each bucket's minimum (the worst moment is never averaged away)."""
    sampler = SeriesSampler(max_points=50)
    series = bars(["100"] * 10_000, step_ms=300_000)
    spike = [*series[:5000], series[5000]._replace(mark=series[0].mark._replace(close=D(150)))]
    for step in static_hedge("BTC", spike + series[5_001:], ratio=D(1)):
        sampler.add([step])
    points = sampler.traces["BTC"].series()
    assert len(points) <= 100 and len(sampler.traces[RUN].series()) <= 100
    lowest = min(p.values[4] for p in points if p.values[4] is not None)
    assert lowest < 0  # the 150 mark spike is past the 2x short's liquidation price


def test_steps_csv_can_be_gzipped(tmp_path: Path) -> None:
    """compress=True writes steps.csv.gz with the same header and rows."""
    sink = step_sink(tmp_path, compress=True)
    for step in static_hedge("BTC", bars(["100", "101"]), ratio=D(1)):
        sink.add([step])
    sink.close()
    with gzip.open(tmp_path / "steps.csv.gz", "rt", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0]) == COLUMNS and [r[1] for r in rows[1:]] == ["BTC", "BTC"]
    assert rows[2][COLUMNS.index("perp_close")] == "101"
