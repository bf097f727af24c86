"""Benchmark: what one hedge cycle costs, in round trips, requests, memory and core CPU.

For every number of hedges N and injected latency L it starts the simulator in-process, writes
a `mode: sim` config, opens the daemon's runtime and times `run_cycle`:
- cold: the first cycle (margin mode/leverage setup, brackets, first orders);
- steady: K cycles in which every hedge keeps its resting order (what the daemon does most);
- cancel-all / place-all: halve every spot holding so each hedge must cancel its order, then
  place a smaller one next cycle (the worst ordinary cycles).
Cycle time / L is the number of sequential round trips a cycle costs; (cycle − cycle at L=0)
/ L removes the CPU part. Everything is measured side by side in one run: compare ratios,
not absolute milliseconds (the machines are noisy). Not part of the test suite.

    .venv/bin/python bench/cycle.py [--hedges 1,4,8] [--latencies 0,20,50,100] [--cycles 30]
"""

from __future__ import annotations

import argparse
import asyncio
import gc
import statistics
import tempfile
import time
import timeit
import tracemalloc
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

from _harness import SPOT, Bench, hedge_names, open_bench, peak_rss_mb, quiet_logs

import bot.domain.decision as domain_decision
import bot.domain.risk_inputs as domain_risk_inputs
import bot.engine.cycle_decide as engine_cycle_decide
from bot.domain.decision import decide
from bot.domain.planner import plan
from bot.domain.risk import assess
from bot.engine.cycle import run_cycle
from bot.sim.faults import FaultConfig
from bot.sim.server import start


@dataclass
class Row:
    """One (hedges, latency) run: steady cycle times, and the rare cycles' times/requests."""

    hedges: int
    latency_ms: int
    steady_s: list[float] = field(default_factory=list)
    steady_requests: int = 0  # over all steady cycles
    cold: tuple[float, int] = (0.0, 0)  # (seconds, requests)
    cancel_all: tuple[float, int] = (0.0, 0)
    place_all: tuple[float, int] = (0.0, 0)


def _ints(text: str) -> list[int]:
    return [int(x) for x in text.split(",") if x.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--hedges", type=_ints, default=[1, 4, 8], help="hedge counts (default 1,4,8)")
    p.add_argument("--latencies", type=_ints, default=[0, 20, 50, 100], help="injected ms")
    p.add_argument("--cycles", type=int, default=30, help="steady cycles timed per run (K)")
    p.add_argument("--warmup", type=int, default=2, help="untimed steady cycles before K")
    p.add_argument("--mem-cycles", type=int, default=200, help="cycles of the tracemalloc pass")
    p.add_argument(
        "--ccxt-rate-limit", action="store_true", help="keep ccxt's throttle on, as live does"
    )
    p.add_argument("--seed", type=int, default=7, help="simulator and fault RNG seed")
    p.add_argument("--micro-s", type=float, default=1.0, help="seconds per microbenchmark")
    return p.parse_args(argv)


async def _timed_cycle(bench: Bench) -> tuple[float, int]:
    """(seconds, venue requests) for one trading cycle; fails loudly on a skipped hedge."""
    before = await bench.request_count()
    started = time.perf_counter()
    report = await run_cycle(bench.rt)
    elapsed = time.perf_counter() - started
    if report.failures or report.skipped:
        raise RuntimeError(f"cycle not clean: {report.failures} {report.skipped}")
    return elapsed, await bench.request_count() - before


async def _halve_spot(bench: Bench, n_hedges: int) -> None:
    for _, account, asset in hedge_names(n_hedges):
        amount = str(Decimal(SPOT[asset]) / 2)
        body = {"api_key": f"bench-{account}", "wallet": "spot", "asset": asset, "amount": amount}
        await bench.admin("POST", "/sim/balance", body)


async def measure(n_hedges: int, latency_ms: int, args: argparse.Namespace) -> Row:
    """One fresh simulator + runtime; cold, steady and act cycles at `latency_ms`."""
    row = Row(n_hedges, latency_ms)
    with tempfile.TemporaryDirectory(prefix="hb-bench-") as tmp:
        sim = await start(port=0, feed=False, seed=args.seed)
        bench = await open_bench(sim, Path(tmp), n_hedges, ccxt_rate_limit=args.ccxt_rate_limit)
        try:
            sim.faults.configure(FaultConfig(latency_ms=latency_ms, seed=args.seed))
            row.cold = await _timed_cycle(bench)
            for i in range(args.warmup + args.cycles):
                seconds, requests = await _timed_cycle(bench)
                if i >= args.warmup:
                    row.steady_s.append(seconds)
                    row.steady_requests += requests
            await _halve_spot(bench, n_hedges)
            row.cancel_all = await _timed_cycle(bench)
            row.place_all = await _timed_cycle(bench)
        finally:
            await bench.close()
    return row


def _per_l(seconds: float, latency_ms: int) -> str:
    return f"{seconds * 1000 / latency_ms:.1f}" if latency_ms else "–"


def print_cycle_tables(rows: list[Row]) -> None:
    base = {r.hedges: statistics.median(r.steady_s) for r in rows if r.latency_ms == 0}
    print("\n## Steady cycles (every hedge keeps its resting order)\n")
    print("| hedges | L ms | median ms | p95 ms | median / L | (median − L0) / L | requests |")
    print("|---:" * 7 + "|")
    for r in rows:
        med, p95 = statistics.median(r.steady_s), statistics.quantiles(r.steady_s, n=20)[-1]
        net = _per_l(med - base[r.hedges], r.latency_ms) if r.hedges in base else "–"
        print(
            f"| {r.hedges} | {r.latency_ms} | {med * 1000:.1f} | {p95 * 1000:.1f} "
            f"| {_per_l(med, r.latency_ms)} | {net} | {r.steady_requests / len(r.steady_s):.0f} |"
        )
    print("\n## Rare cycles: first cycle (cold), cancel-all, place-all — time / L (requests)\n")
    print("| hedges | L ms | cold ms | cold / L | cancel-all / L | place-all / L |")
    print("|---:" * 6 + "|")
    for r in rows:
        cells = [f"{_per_l(s, r.latency_ms)} ({n})" for s, n in (r.cold, r.cancel_all, r.place_all)]
        print(f"| {r.hedges} | {r.latency_ms} | {r.cold[0] * 1000:.0f} | {' | '.join(cells)} |")


async def memory_pass(n_hedges: int, cycles: int, args: argparse.Namespace) -> dict[str, float]:
    """tracemalloc over `cycles` steady cycles at L=0 (Python allocations of the bot AND the
    in-process simulator): peak per cycle, and bytes retained per cycle in the second half
    (the first half warms ccxt's, yarl's and aiohttp's caches)."""
    with tempfile.TemporaryDirectory(prefix="hb-bench-") as tmp:
        sim = await start(port=0, feed=False, seed=args.seed)
        bench = await open_bench(sim, Path(tmp), n_hedges)
        try:
            for _ in range(1 + args.warmup):
                await _timed_cycle(bench)
            tracemalloc.start()
            retained, peaks = [], []
            for i in range(cycles):
                if i in (0, cycles // 2):
                    gc.collect()  # measure what is still referenced, not pending garbage
                    retained.append(tracemalloc.get_traced_memory()[0])
                tracemalloc.reset_peak()
                before = tracemalloc.get_traced_memory()[0]
                await run_cycle(bench.rt)
                peaks.append(tracemalloc.get_traced_memory()[1] - before)
            gc.collect()
            retained.append(tracemalloc.get_traced_memory()[0])
            tracemalloc.stop()
        finally:
            await bench.close()
    half = cycles // 2
    return {
        "peak_kib_median": statistics.median(peaks) / 1024,
        "peak_kib_max": max(peaks) / 1024,
        "first_half_b": (retained[1] - retained[0]) / half,
        "second_half_b": (retained[2] - retained[1]) / (cycles - half),
    }


SPIED = (  # (module, function, key): the engine's references to its pure core
    (engine_cycle_decide, "decide", "inputs"),
    (domain_decision, "plan", "views"),
    (domain_risk_inputs, "assess", "risk_views"),
)


async def capture_core_inputs(n_hedges: int, args: argparse.Namespace) -> dict[str, Any]:
    """Run real cycles and keep the last `Inputs`, `HedgeView` and `RiskView` per hedge the
    engine built, by wrapping its references to the pure functions (benchmark only)."""
    seen: dict[str, list[Any]] = {}
    originals = [getattr(module, fn) for module, fn, _ in SPIED]

    def spy(key: str, fn: Any) -> Any:
        def wrapper(arg: Any) -> Any:
            seen.setdefault(key, []).append(arg)
            return fn(arg)

        return wrapper

    with tempfile.TemporaryDirectory(prefix="hb-bench-") as tmp:
        sim = await start(port=0, feed=False, seed=args.seed)
        bench = await open_bench(sim, Path(tmp), n_hedges)
        for (module, fn, key), original in zip(SPIED, originals, strict=True):
            setattr(module, fn, spy(key, original))
        try:
            for _ in range(3):
                await _timed_cycle(bench)
        finally:
            for (module, fn, _), original in zip(SPIED, originals, strict=True):
                setattr(module, fn, original)
            await bench.close()
    return {k: v[-n_hedges:] for k, v in seen.items()}


def micro(captured: dict[str, Any], seconds: float) -> dict[str, float]:
    """Best seconds per hedge for plan()+assess() and for the engine's whole decide()."""
    views, risks, inputs = captured["views"], captured["risk_views"], captured["inputs"]

    def core() -> None:
        for view, risk in zip(views, risks, strict=True):
            plan(view)
            assess(risk)

    def whole() -> None:
        for i in inputs:
            decide(i)

    out = {}
    for name, fn in (("plan+assess", core), ("decide", whole)):
        timer = timeit.Timer(fn)
        number, _ = timer.autorange()  # enough calls for ≥ 0.2 s
        best = min(timer.repeat(repeat=max(3, round(seconds / 0.2)), number=number))
        out[name] = best / number / len(views)
    return out


async def main(args: argparse.Namespace) -> None:
    quiet_logs()
    rows = [await measure(n, lat, args) for n in args.hedges for lat in args.latencies]
    if args.ccxt_rate_limit:
        print("\n(ccxt's client-side rate limiter ON, as in testnet/demo/live mode)")
    print_cycle_tables(rows)
    biggest = max(args.hedges)
    mem = await memory_pass(biggest, args.mem_cycles, args)
    print(f"\n## Memory ({biggest} hedges, {args.mem_cycles} steady cycles, L=0)\n")
    print(f"- peak RSS of the whole process (bot + in-process simulator): {peak_rss_mb():.1f} MiB")
    print(
        f"- tracemalloc peak per cycle: median {mem['peak_kib_median']:.0f} KiB, "
        f"max {mem['peak_kib_max']:.0f} KiB"
    )
    print(
        f"- retained per cycle: {mem['first_half_b']:.0f} B in the first half, "
        f"{mem['second_half_b']:.0f} B in the second half"
    )
    per_hedge = micro(await capture_core_inputs(biggest, args), args.micro_s)
    l0 = [statistics.median(r.steady_s) for r in rows if r.hedges == biggest and r.latency_ms == 0]
    print("\n## Pure core (microbenchmark, real views captured from a cycle)\n")
    print("| step | µs per hedge | hedges per second | share of an L=0 cycle |")
    print("|---|---:|---:|---:|")
    for name, s in per_hedge.items():
        share = f"{s * biggest / l0[0] * 100:.1f} %" if l0 else "–"
        print(f"| {name} | {s * 1e6:.0f} | {1 / s:,.0f} | {share} |")


if __name__ == "__main__":
    asyncio.run(main(parse_args()))
