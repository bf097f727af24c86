"""Benchmark: replay real market days through the simulator at full speed with the daemon's
cycle in-process; report simulated hours per wall second and memory growth.

Real Binance candles from $HEDGEBOT_DATA_DIR or ../shared/data (sliced to the chosen days)
drive the in-process simulator one price step at a time (4 steps per candle); after every step
the daemon's hedge cycle runs (`run_cycle`), and its funding job every 300 simulated seconds.
Every simulated hour the holder's spot amounts move by a seeded ±10 %, so hedges keep trading.
Memory growth is the mean RSS over the last 10 % of cycles / the first 10 % — a leak detector
for a months-long daemon (`--trace` adds tracemalloc: where the retained bytes were allocated).
Not part of the test suite.

    .venv/bin/python bench/replay.py [--set 1m|5m] [--start 2025-05-05] [--days 1] [--trace]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import gzip
import random
import statistics
import sys
import tempfile
import time
import tracemalloc
from datetime import date, datetime, timedelta
from decimal import Decimal
from pathlib import Path

from _harness import SPOT, hedge_names, open_bench, quiet_logs, rss_mb

from bot.config.shared_paths import data_dir, missing_reason
from bot.engine.cycle import run_cycle
from bot.engine.funding import record_funding
from bot.sim.engine import SimExchange
from bot.sim.feed import PriceFeed
from bot.sim.prices import CsvReplay
from bot.sim.server import STEPS_PER_CANDLE, start

SETS = {
    "1m": "binance_{}usdt_1m_perp_2025-05.csv.gz",
    "5m": "binance_{}usdt_5m_perp_spot_2025.csv.gz",
}
FUNDING_JOB_MS = 300_000  # the daemon's default funding_seconds
HOLDER_MOVE_MS = 3_600_000


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument(
        "--data", type=Path, default=data_dir(), help="market data directory (default %(default)s)"
    )
    p.add_argument("--set", choices=sorted(SETS), default="1m", help="candle set (default 1m)")
    p.add_argument("--start", type=date.fromisoformat, default=date(2025, 5, 5), help="UTC day")
    p.add_argument("--days", type=float, default=1.0, help="days to replay (default 1)")
    p.add_argument("--hedges", type=int, default=4, choices=range(1, 9), help="1..8 (default 4)")
    p.add_argument("--seed", type=int, default=7, help="simulator and holder RNG seed")
    p.add_argument("--trace", action="store_true", help="tracemalloc growth by package (slower)")
    return p.parse_args(argv)


def slice_days(src: Path, out_dir: Path, start: date, days: float) -> tuple[Path, int]:
    """Copy the header and the rows of [start, start + days) of `src` (ISO `ts` first column,
    sorted) to `out_dir`, keeping the file name (it names the symbol). Returns (path, rows)."""
    first = datetime(start.year, start.month, start.day)
    lo, hi = first.isoformat(), (first + timedelta(days=days)).isoformat()
    dst = out_dir / src.name.removesuffix(".gz")
    rows = 0
    with gzip.open(src, "rt", encoding="utf-8") as fin, dst.open("w", encoding="utf-8") as fout:
        fout.write(fin.readline())
        for line in fin:
            if line[:19] >= hi:
                break
            if line[:19] >= lo:
                fout.write(line)
                rows += 1
    return dst, rows


def _package(filename: str) -> str:
    for marker, label in (("/bot/sim/", "bot.sim (simulator)"), ("/bot/", "bot (daemon)")):
        if marker in filename:
            return label
    if "site-packages/" in filename:
        return filename.split("site-packages/")[1].split("/")[0]
    return "stdlib/other"


def growth_by_package(first: tracemalloc.Snapshot, last: tracemalloc.Snapshot) -> dict[str, int]:
    out: dict[str, int] = {}
    for stat in last.compare_to(first, "filename"):
        key = _package(stat.traceback[0].filename)
        out[key] = out.get(key, 0) + stat.size_diff
    return dict(sorted(out.items(), key=lambda kv: -abs(kv[1])))


async def _move_holder(engine: SimExchange, rng: random.Random, n_hedges: int) -> None:
    for _, account, asset in hedge_names(n_hedges):
        amount = Decimal(SPOT[asset]) * Decimal(str(round(rng.uniform(0.9, 1.1), 4)))
        engine.set_balance(f"bench-{account}", "spot", asset, amount)


async def replay(args: argparse.Namespace, tmp: Path) -> None:
    assets = sorted({a for _, _, a in hedge_names(args.hedges)})
    sliced = [
        slice_days(args.data / SETS[args.set].format(a.lower()), tmp, args.start, args.days)
        for a in assets
    ]
    if min(rows for _, rows in sliced) == 0:
        sys.exit(f"no rows for {args.start} (+{args.days} d) in the {args.set} set")
    path = CsvReplay([p for p, _ in sliced], interpolate_steps=STEPS_PER_CANDLE)
    first = path.next_ticks()
    assert first is not None
    start_ms = min(t.ts_ms for t in first.values() if t.ts_ms is not None)
    engine = SimExchange.with_default_account(seed=args.seed, now_ms=lambda: start_ms)
    feed = PriceFeed(engine, path, first)
    feed.step()
    total_cycles = max(rows for _, rows in sliced) * STEPS_PER_CANDLE - 1
    sim = await start(port=0, feed=False, seed=args.seed, engine=engine)
    bench = await open_bench(sim, tmp, args.hedges)
    bench.rt.now_ms = engine.now_ms  # type: ignore[method-assign]  # the daemon lives in sim time
    rng = random.Random(args.seed)
    rss, seconds, skipped = [], [], 0
    snaps: list[tracemalloc.Snapshot] = []
    if args.trace:
        tracemalloc.start()
    next_funding = next_move = start_ms
    started = time.perf_counter()
    try:
        while True:
            t0 = time.perf_counter()
            report = await run_cycle(bench.rt)
            seconds.append(time.perf_counter() - t0)
            skipped += len(report.skipped) + len(report.failures)
            rss.append(rss_mb())
            if args.trace and len(seconds) in (total_cycles // 10, total_cycles * 9 // 10):
                gc.collect()  # count only what is still referenced, not pending cyclic garbage
                snaps.append(tracemalloc.take_snapshot())
            now = engine.now_ms()
            if now >= next_funding:
                await record_funding(bench.rt)
                next_funding = now + FUNDING_JOB_MS
            if now >= next_move:
                await _move_holder(engine, rng, args.hedges)
                next_move = now + HOLDER_MOVE_MS
            if not feed.step():
                break
        wall = time.perf_counter() - started
        sim_hours = (engine.now_ms() - start_ms) / 3_600_000
        orders, fills = bench.rt.journal.count("orders"), bench.rt.journal.count("fills")
    finally:
        if args.trace:
            tracemalloc.stop()
        await bench.close()
    tenth = max(1, len(rss) // 10)
    rss_first, rss_last = statistics.mean(rss[:tenth]), statistics.mean(rss[-tenth:])
    print(
        f"\n## Replay: {args.set} candles, {args.start} + {args.days:g} d, {args.hedges} hedges\n"
    )
    print(
        "| cycles | simulated h | wall s | sim h / wall s | cycle median ms | p95 ms "
        "| orders | fills | hedge-skips |"
    )
    print("|---:" * 9 + "|")
    p95 = statistics.quantiles(seconds, n=20)[-1]
    print(
        f"| {len(seconds)} | {sim_hours:.1f} | {wall:.1f} | {sim_hours / wall:.2f} "
        f"| {statistics.median(seconds) * 1000:.1f} | {p95 * 1000:.1f} "
        f"| {orders} | {fills} | {skipped} |"
    )
    print("\n| RSS first 10 % MiB | RSS last 10 % MiB | ratio last/first | max sampled RSS MiB |")
    print("|---:|---:|---:|---:|")
    print(f"| {rss_first:.1f} | {rss_last:.1f} | {rss_last / rss_first:.3f} | {max(rss):.1f} |")
    for label, values, scale in (("RSS MiB", rss, 1), ("cycle median ms", seconds, 1000)):
        parts = [statistics.median(values[i * tenth : (i + 1) * tenth]) * scale for i in range(10)]
        print(f"\n{label} by tenth of the run: " + " → ".join(f"{v:.1f}" for v in parts))
    if len(snaps) == 2:
        n = total_cycles * 8 // 10
        print(f"\ntracemalloc, retained between the 10 % and 90 % marks ({n} cycles):\n")
        print("| allocated in | KiB | bytes per cycle |")
        print("|---|---:|---:|")
        for package, size in list(growth_by_package(*snaps).items())[:8]:
            print(f"| {package} | {size / 1024:.1f} | {size / n:.0f} |")


def main() -> None:
    args = parse_args()
    for asset in ("btc", "eth"):
        reason = missing_reason(args.data / SETS[args.set].format(asset), "market data")
        if reason:
            print(f"{reason}; skipping the replay benchmark")
            return
    quiet_logs()
    with tempfile.TemporaryDirectory(prefix="hb-replay-") as tmp:
        asyncio.run(replay(args, Path(tmp)))


if __name__ == "__main__":
    main()
