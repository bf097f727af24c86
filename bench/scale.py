"""Benchmark (issue 12): what a cycle costs at 1 to 100 hedges on two accounts, the
account-wide scheme against the old per-symbol one, measured side by side in one run.

Each case (hedges N, injected latency L, ccxt throttle off/on, scheme new/per-symbol) runs in
its own process (clean peak RSS) on a fresh in-process simulator: N hedges split over two
accounts (a0, a1) on the simulator's most traded perpetuals that have a spot pair, each
holding ~2,000 USDT of its coin, target 1.0 at 2x. It times `run_cycle`:
- first: the first cycle (setup, brackets, first orders);
- steady: K cycles in which every hedge keeps its resting order (after 2 warm-up cycles);
- act-all: every holding halved, so every hedge cancels (the next cycle places: both shown).
Requests and weight are counted per account on the ccxt client (each request's cost from
ccxt's own table, `calculate_rate_limiter_cost`): futures weight (/fapi, /dapi: the 2,400
per-minute budget) apart from spot weight (/api, ccxt's spot cost × 5 = Binance's weight).
Round trips = (cycle time at L − the same cycle at L = 0) / L. CPU ms per cycle is the whole
process (daemon + in-process simulator). Not part of the test suite.

    .venv/bin/python bench/scale.py [--hedges 1,10,50,100] [--latencies 0,50]
        [--throttle off,on] [--schemes new,per-symbol] [--cycles 5] [--cycle-timeout 20]
"""

from __future__ import annotations

import argparse
import asyncio
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from _harness import peak_rss_mb, quiet_logs
from scale_setup import ScaleBench, open_scale_bench

from bot.engine.cycle import run_cycle
from bot.sim.faults import FaultConfig
from bot.sim.server import start


def _list(text: str) -> list[str]:
    return [x.strip() for x in text.split(",") if x.strip()]


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--hedges", type=_list, default=["1", "10", "50", "100"])
    p.add_argument("--latencies", type=_list, default=["0", "50"], help="injected ms")
    p.add_argument("--throttle", type=_list, default=["off", "on"], help="ccxt's limiter")
    p.add_argument("--schemes", type=_list, default=["new", "per-symbol"])
    p.add_argument("--cycles", type=int, default=5, help="steady cycles timed (K)")
    p.add_argument("--cycle-timeout", type=float, default=20.0, help="give up a cycle after s")
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--case", help=argparse.SUPPRESS)  # one case, in a child process
    return p.parse_args(argv)


async def _cycle(bench: ScaleBench, timeout: float) -> dict[str, Any]:
    """One trading cycle: seconds, CPU ms, and requests/weight per account (a0)."""
    bench.meter.reset()
    cpu, started = time.process_time(), time.perf_counter()
    report = await asyncio.wait_for(run_cycle(bench.rt), timeout)
    elapsed = time.perf_counter() - started
    bad = {**report.failures, **report.skipped}
    return {
        "s": elapsed,
        "cpu_ms": (time.process_time() - cpu) * 1000,
        "clean": not bad,
        **bench.meter.totals("a0"),
    }


async def run_case(n: int, latency: int, throttle: bool, scheme: str, args: Any) -> dict[str, Any]:
    if scheme == "per-symbol":
        import per_symbol

        per_symbol.install()
    out: dict[str, Any] = {"n": n, "l": latency, "throttle": throttle, "scheme": scheme}
    with tempfile.TemporaryDirectory(prefix="hb-scale-") as tmp:
        sim = await start(port=0, feed=False, seed=args.seed)
        bench = await open_scale_bench(sim, Path(tmp), n, throttle=throttle)
        try:
            sim.faults.configure(FaultConfig(latency_ms=latency, seed=args.seed))
            out["first"] = await _cycle(bench, args.cycle_timeout)
            for _ in range(2):
                await _cycle(bench, args.cycle_timeout)
            out["steady"] = [await _cycle(bench, args.cycle_timeout) for _ in range(args.cycles)]
            await bench.halve_holdings()
            out["cancel_all"] = await _cycle(bench, args.cycle_timeout)
            out["place_all"] = await _cycle(bench, args.cycle_timeout)
        except TimeoutError:
            out["timeout"] = True
        finally:
            await bench.close()
    out["rss_mb"] = peak_rss_mb()
    return out


def _child(case: str, args: argparse.Namespace) -> None:
    quiet_logs()
    n, latency, throttle, scheme = case.split(":")
    result = asyncio.run(run_case(int(n), int(latency), throttle == "on", scheme, args))
    print(json.dumps(result))


def _spawn(case: str, argv: list[str]) -> dict[str, Any]:
    here = Path(__file__).resolve()
    done = subprocess.run(
        [sys.executable, str(here), "--case", case, *argv], capture_output=True, text=True
    )
    lines = [line for line in done.stdout.splitlines() if line.startswith("{")]
    if done.returncode != 0 or not lines:
        raise RuntimeError(f"case {case} failed:\n{done.stderr[-2000:]}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def _med(rows: list[dict[str, Any]], key: str) -> float:
    return statistics.median(r[key] for r in rows)


def _rt(seconds: float, base: float | None, latency: int) -> str:
    if not latency or base is None:
        return "–"
    return f"{(seconds - base) * 1000 / latency:.1f}"


def _row_rt(r: dict[str, Any], base: dict[str, Any] | None, key: str) -> str:
    """Round trips of cycle `key` of run `r` against the same cycle of its L = 0 run."""
    ok = base is not None and not base.get("timeout")
    return _rt(r[key]["s"], base[key]["s"] if base is not None and ok else None, r["l"])


def _line(r: dict[str, Any], base: dict[str, Any] | None) -> str:
    steady = r["steady"]
    med = _med(steady, "s")
    base_s = _med(base["steady"], "s") if base is not None and not base.get("timeout") else None
    return (
        f"| {_med(steady, 'requests'):.0f} | {_med(steady, 'futures_weight'):.0f} "
        f"| {_med(steady, 'spot_weight'):.0f} | {med * 1000:.0f} "
        f"| {_rt(med, base_s, r['l'])} "
        f"| {_row_rt(r, base, 'cancel_all')} / {_row_rt(r, base, 'place_all')} "
        f"| {_row_rt(r, base, 'first')} | {_med(steady, 'cpu_ms'):.0f} | {r['rss_mb']:.0f} |"
    )


def print_tables(results: list[dict[str, Any]]) -> None:
    by = {(r["n"], r["l"], r["throttle"], r["scheme"]): r for r in results}
    print("\n| scheme | throttle | hedges | L ms | steady req/acct | fut. weight/acct "
          "| spot weight/acct | steady ms | steady RT | act-all RT (cancel / place) "
          "| first RT | CPU ms/cycle | peak RSS MiB |")  # fmt: skip
    print("|---|---|" + "---:|" * 11)
    for (n, latency, throttle, scheme), r in sorted(by.items(), key=lambda kv: kv[0]):
        head = f"| {scheme} | {'on' if throttle else 'off'} | {n} | {latency} "
        if r.get("timeout"):
            print(head + "| a cycle ran over --cycle-timeout |" + " |" * 8)
            continue
        print(head + _line(r, by.get((n, 0, throttle, scheme))))


def main(args: argparse.Namespace, argv: list[str]) -> None:
    if args.case:
        _child(args.case, args)
        return
    passthrough = ["--cycles", str(args.cycles), "--cycle-timeout", str(args.cycle_timeout)]
    passthrough += ["--seed", str(args.seed)]
    results = []
    started = time.perf_counter()
    for scheme in args.schemes:
        for throttle in args.throttle:
            for n in args.hedges:
                for latency in args.latencies:
                    case = f"{n}:{latency}:{throttle}:{scheme}"
                    results.append(_spawn(case, passthrough))
                    print(f"  {case} done ({time.perf_counter() - started:.0f} s)",
                          file=sys.stderr)  # fmt: skip
    print_tables(results)
    print(f"\n(total {time.perf_counter() - started:.0f} s)")


if __name__ == "__main__":
    parsed = parse_args()
    main(parsed, sys.argv[1:])
