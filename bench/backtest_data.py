"""Benchmark: how fast the backtest loads candles (the floor under any replay's speed).

Times, best of `--repeat`: the checked row reader alone on the 5-minute BTC file, the full
bar feed for it (legs aligned, gaps bridged, funding file merged), and four hedges (BTC, ETH,
SOL, XRP) stepped together. Reports candles per second of wall and of CPU time (the machines
are shared, so CPU time is the steadier figure) and peak memory. Not part of the test suite.

    .venv/bin/python bench/backtest_data.py [--data ../shared/data] [--repeat 3]
"""

from __future__ import annotations

import argparse
import os
import resource
import time
from collections.abc import Callable
from pathlib import Path

from bot.backtest.discover import market_spec
from bot.backtest.feed import open_market
from bot.backtest.lockstep import lockstep
from bot.backtest.reader import read_rows

REPO = Path(__file__).resolve().parents[1]
DEFAULT_DATA = Path(os.environ.get("HEDGEBOT_DATA_DIR", REPO.parent / "shared" / "data"))
BTC_5M = "binance_btcusdt_5m_perp_spot_2025.csv.gz"
SYMBOLS = ("BTC", "ETH", "SOL", "XRP")


def parse_args() -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--data", type=Path, default=DEFAULT_DATA, help="market data directory")
    p.add_argument("--repeat", type=int, default=3, help="runs per case; the best is kept")
    return p.parse_args()


def _timed(count: Callable[[], int], repeat: int) -> tuple[int, float, float]:
    """(candles, best wall s, best CPU s) over `repeat` runs of `count`."""
    best_wall = best_cpu = float("inf")
    candles = 0
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        candles = count()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return candles, best_wall, best_cpu


def _reader(data: Path) -> int:
    return sum(1 for _ in read_rows(data / BTC_5M))


def _feed(data: Path) -> int:
    return sum(1 for _ in open_market(market_spec("BTC", "BTC/USDT:USDT", data=data)))


def _four(data: Path) -> int:
    feeds = [open_market(market_spec(s, f"{s}/USDT:USDT", data=data)) for s in SYMBOLS]
    return sum(len(bars) for bars in lockstep(feeds))


def main() -> None:
    args = parse_args()
    if not (args.data / BTC_5M).exists():
        print(f"market data not found under {args.data}; skipping the backtest data benchmark")
        return
    cases = (
        ("reader, BTC 5m (rows)", _reader),
        ("bar feed, BTC 5m", _feed),
        ("4 hedges in lockstep, 5m", _four),
    )
    print(f"\n## Backtest data loading (best of {args.repeat})\n")
    print("| case | candles | wall s | candles / wall s | CPU s | candles / CPU s |")
    print("|---|---:|---:|---:|---:|---:|")
    for label, case in cases:
        candles, wall, cpu = _timed(lambda case=case: case(args.data), args.repeat)
        print(
            f"| {label} | {candles:,} | {wall:.2f} | {candles / wall:,.0f} "
            f"| {cpu:.2f} | {candles / cpu:,.0f} |"
        )
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    print(f"\nPeak RSS: {peak:.0f} MiB (the feed streams: it does not grow with the history)")


if __name__ == "__main__":
    main()
