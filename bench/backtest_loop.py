"""Benchmark: the backtest's replay loop (data → the daemon's `decide` → fill model → metrics)
on the shared 5-minute data for four hedges (BTC, ETH, SOL, XRP), and a 27-run sweep.

Reports candles (bars × hedges) per second of wall and CPU time, per core, the sweep's
speed-up over one core, and peak memory for two history lengths (it must stay flat). Not part
of the test suite; the machines are shared, so CPU time is the steadier figure. The sweep
runs as `hedgebot backtest --sweep` does (`run_batched` over `run_batch`: each worker reads
the candles once for all its runs); its CPU time is this process's plus its workers'.

    .venv/bin/python bench/backtest_loop.py [--data ../shared/data] [--from 2025-01-01]
        [--to 2026-01-01] [--short-to 2025-02-01] [--sweep-to 2026-01-01] [--no-one-core]
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from decimal import Decimal
from functools import partial
from pathlib import Path

import yaml

from bot.backtest.args import parse_window
from bot.backtest.batch import run_batch
from bot.backtest.run import BacktestRequest, run_backtest
from bot.backtest.split_run import run_split
from bot.backtest.sweep import available_cores, grid, parse_sweep, run_batched

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("HEDGEBOT_DATA_DIR", REPO.parent / "shared" / "data"))
SYMBOLS = ("BTC", "ETH", "SOL", "XRP")
HOLDINGS = {"BTC": Decimal(1), "ETH": Decimal(10), "SOL": Decimal(100), "XRP": Decimal(10_000)}
SWEEP = (
    "hedges.BTC.band=0.01,0.02,0.05",
    "hedges.BTC.leverage=2,3,5",
    "hedges.ETH.target_ratio=0.5,0.75,1",
)


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="market data directory")
    p.add_argument("--from", dest="start", default="2025-01-01", help="first candle (UTC)")
    p.add_argument("--to", dest="end", default="2026-01-01", help="end of the long run (UTC)")
    p.add_argument("--short-to", default="2025-02-01", help="end of the short run (UTC)")
    p.add_argument("--sweep-to", default="2026-01-01", help="end of each sweep run (UTC)")
    p.add_argument("--no-one-core", action="store_true", help="skip the 1-core sweep")
    return p.parse_args()


def _config(directory: Path) -> Path:
    hedges = {
        s: {
            "spot": {"account": "main", "asset": s},
            "perp": {"account": "main", "symbol": f"{s}/USDT:USDT"},
            "target_ratio": 1.0,
            "leverage": 2,
        }
        for s in SYMBOLS
    }
    doc = {
        "accounts": {"main": {"exchange": "binance", "mode": "sim"}},
        "hedges": hedges,
        "risk": {"auto_top_up": True},
    }
    path = directory / "bench.yaml"
    path.write_text(yaml.safe_dump(doc), encoding="utf-8")
    return path


def _request(config: Path, data: Path, start: str, end: str) -> BacktestRequest:
    return BacktestRequest(config, data=data, window=parse_window(start, end), holdings=HOLDINGS)


def _run(request: BacktestRequest) -> tuple[int, float, float]:
    """(candles = bars × hedges, wall s, CPU s) of one run."""
    wall, cpu = time.perf_counter(), time.process_time()
    summary = run_backtest(request, {})
    candles = sum(report.candles for report in summary.data.values())
    return candles, time.perf_counter() - wall, time.process_time() - cpu


def _cpu() -> float:
    """CPU seconds of this process and its finished children (the sweep's workers)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + kids.ru_utime + kids.ru_stime


def _split(request: BacktestRequest, workers: int) -> tuple[float, float, float, bool]:
    """(wall s, this process's CPU s, the workers' CPU s, equal to the serial summary) of one
    run with its hedges on `workers` processes (`split_run`, as `hedgebot backtest` without
    `--out` runs)."""
    own = resource.getrusage(resource.RUSAGE_SELF)
    kids = resource.getrusage(resource.RUSAGE_CHILDREN)
    wall = time.perf_counter()
    summary = run_split(request, {}, workers)
    wall = time.perf_counter() - wall
    own2 = resource.getrusage(resource.RUSAGE_SELF)
    kids2 = resource.getrusage(resource.RUSAGE_CHILDREN)
    parent = own2.ru_utime + own2.ru_stime - own.ru_utime - own.ru_stime
    workers_cpu = kids2.ru_utime + kids2.ru_stime - kids.ru_utime - kids.ru_stime
    return wall, parent, workers_cpu, summary == run_backtest(request, {})


def _sweep(request: BacktestRequest, workers: int) -> tuple[int, float, float]:
    """(candles over all runs, wall s, CPU s) of the 27-run sweep on `workers` cores."""
    runs = grid(parse_sweep(SWEEP))
    wall, cpu = time.perf_counter(), _cpu()
    summaries = run_batched(partial(run_batch, request), runs, workers=workers)
    candles = sum(r.candles for s in summaries for r in s.data.values())
    return candles, time.perf_counter() - wall, _cpu() - cpu


def main() -> None:
    args = parse_args()
    if not (args.data / "binance_btcusdt_5m_perp_spot_2025.csv.gz").exists():
        print(f"market data not found under {args.data}; skipping the replay benchmark")
        return
    with tempfile.TemporaryDirectory() as tmp:
        config = _config(Path(tmp))
        short = _request(config, args.data, args.start, args.short_to)
        candles_s, wall_s, cpu_s = _run(short)
        rss_short = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        candles, wall, cpu = _run(_request(config, args.data, args.start, args.end))
        rss_long = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        print("\n## Backtest replay loop (4 hedges, 5-minute candles)\n")
        print("| run | candles | wall s | CPU s | candles / CPU s (one core) | peak RSS MiB |")
        print("|---|---:|---:|---:|---:|---:|")
        for label, n, w, c, rss in (
            (f"{args.start} → {args.short_to}", candles_s, wall_s, cpu_s, rss_short),
            (f"{args.start} → {args.end}", candles, wall, cpu, rss_long),
        ):
            print(f"| {label} | {n:,} | {w:.1f} | {c:.1f} | {n / c:,.0f} | {rss:.0f} |")
        cores = available_cores()
        if cores > 1:
            w, parent, kids, same = _split(_request(config, args.data, args.start, args.end), cores)
            print(
                f"\nhedges split over {cores} processes: wall {w:.1f} s, parent CPU {parent:.1f} s,"
                f" workers CPU {kids:.1f} s in all, summary equal to the serial run: {same}"
            )
        _report_sweep(args, _request(config, args.data, args.start, args.sweep_to))


def _report_sweep(args: argparse.Namespace, request: BacktestRequest) -> None:
    cores = available_cores()
    print(f"\n27-run sweep ({args.start} → {args.sweep_to} each)\n")
    print("| cores | candles | wall s | CPU s | candles / CPU s | candles / wall s / core |")
    print("|---:|---:|---:|---:|---:|---:|")
    walls = {}
    for workers in (1, cores) if not args.no_one_core and cores > 1 else (cores,):
        n, w, c = _sweep(request, workers)
        walls[workers] = w
        print(f"| {workers} | {n:,} | {w:.1f} | {c:.1f} | {n / c:,.0f} | {n / w / workers:,.0f} |")
    if len(walls) == 2:
        print(f"\nspeed-up {cores} cores vs 1: {walls[1] / walls[cores]:.2f}x")


if __name__ == "__main__":
    main()
