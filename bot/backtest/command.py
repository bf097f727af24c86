"""`hedgebot backtest`: the flags → one run (or a ranked sweep) → table / JSON / `--out DIR`.

A single run without `--out` spreads its hedges over the available cores (`split_run`);
it prints the rich table (or `--json`: the run's document, keys exactly as the
issue lists them, plus `params`, `hedges` and `data`); `--out DIR` writes result.json,
steps.csv (during the run), the PNG plots and report.html. With `--sweep` the runs go to
worker processes (one per available core; each reads the data once for all its runs,
`batch`) and are ranked (`sweep.RANKING`); `--json` prints
the ranked list and `--out DIR` writes it as sweep.json. User mistakes raise
`BacktestError` (one line); the CLI prints it and exits 2.
"""

from __future__ import annotations

import argparse
import sys
from functools import partial
from pathlib import Path

from rich.console import Console

from bot.backtest.args import (
    parse_amounts,
    parse_fees,
    parse_funding,
    parse_series,
    parse_window,
)
from bot.backtest.batch import run_batch
from bot.backtest.render import (
    prepare_out,
    print_json,
    print_table,
    step_sink,
    sweep_table,
    write_outputs,
)
from bot.backtest.run import BacktestRequest, run_backtest
from bot.backtest.sampler import SeriesSampler
from bot.backtest.series import StepSink
from bot.backtest.split_run import run_split
from bot.backtest.sweep import available_cores, grid, parse_sweep, rank, run_batched

__all__ = ["add_backtest_arguments", "backtest_command"]

SWEEP_JSON = "sweep.json"


def add_backtest_arguments(p: argparse.ArgumentParser) -> None:
    """The issue's flags, spelled exactly (-c is added by the CLI)."""
    p.add_argument(
        "--data",
        type=Path,
        default=None,
        metavar="DIR",
        help="candle data: a directory like ../shared/data, or one file",
    )
    p.add_argument(
        "--from",
        dest="start",
        default=None,
        metavar="DATE",
        help="first candle (UTC, ISO date or time), inclusive",
    )
    p.add_argument("--to", dest="end", default=None, metavar="DATE", help="end (UTC), exclusive")
    p.add_argument(
        "--series",
        action="append",
        default=[],
        metavar="HEDGE:LEG=FILE",
        help="a leg's own OHLCV file: HEDGE:spot=FILE or HEDGE:perp=FILE (repeatable)",
    )
    p.add_argument(
        "--funding",
        action="append",
        default=[],
        metavar="HEDGE=FILE|RATE",
        help="funding rates from a file or a constant rate per 8 h (repeatable)",
    )
    p.add_argument(
        "--holdings",
        default=None,
        metavar="BTC=1,ETH=10",
        help="spot held per asset (default: a wallet account's holdings, else 1 unit of each "
        "hedged asset)",
    )
    p.add_argument(
        "--collateral",
        default=None,
        metavar="USDT=50000",
        help="collateral in the perp's settle currency (default: the hedges' "
        "notional at the start); margin and top-ups are drawn from it",
    )
    p.add_argument(
        "--fees",
        default=None,
        metavar="maker=0.0002,taker=0.0005",
        help="perp fees as fractions of notional (default: the config's backtest.fees, "
        "else Binance USDⓈ-M VIP 0); either may be given alone",
    )
    p.add_argument(
        "--sweep",
        action="append",
        default=[],
        metavar="KEY=V1,V2,...",
        help="run the cartesian product of dotted config overrides (repeatable)",
    )
    p.add_argument(
        "--out",
        type=Path,
        default=None,
        metavar="DIR",
        help="write result.json, steps.csv, PNG plots and report.html here",
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of the table")


def _request(args: argparse.Namespace) -> BacktestRequest:
    return BacktestRequest(
        config=args.config,
        data=args.data,
        window=parse_window(args.start, args.end),
        series=parse_series(args.series),
        funding=parse_funding(args.funding),
        holdings=None if args.holdings is None else parse_amounts(args.holdings, "--holdings"),
        collateral=None
        if args.collateral is None
        else parse_amounts(args.collateral, "--collateral"),
        fees={} if args.fees is None else parse_fees(args.fees),
    )


def _single(request: BacktestRequest, args: argparse.Namespace) -> int:
    out: Path | None = args.out
    sampler = SeriesSampler()
    sinks: list[StepSink] = [sampler, step_sink(out)] if out is not None else []
    split = None if sinks else run_split(request, {}, available_cores())
    summary = split if split is not None else run_backtest(request, {}, sinks)
    if args.json:
        print_json(summary.as_json(), sys.stdout)
    else:
        print_table(summary, Console())
    if out is not None:
        write_outputs(out, summary, sampler)
    return 0


def _sweep(request: BacktestRequest, args: argparse.Namespace) -> int:
    axes = parse_sweep(args.sweep)
    ranked = rank(run_batched(partial(run_batch, request), grid(axes)))
    document = [summary.as_json() for summary in ranked]
    if args.json:
        print_json(document, sys.stdout)
    else:
        Console().print(sweep_table(ranked, [a.key for a in axes]))
    if args.out is not None:
        with (prepare_out(args.out) / SWEEP_JSON).open("w", encoding="utf-8") as handle:
            print_json(document, handle)
    return 0


def backtest_command(args: argparse.Namespace) -> int:
    """Run `hedgebot backtest`; raises BacktestError for anything the user can fix."""
    request = _request(args)
    return _sweep(request, args) if args.sweep else _single(request, args)
