"""One run's hedges in parallel processes: what brings a year of several hedges under 10 s.

The hedges of a run are independent accounts (each its own collateral share, ledger and
decisions), so each worker replays a group of them (hedges dealt round-robin) over its own
read of their candles. What a run reports across hedges needs no more than this:
- per hedge: the worker's `Accumulator` (counts, sums, its equity tracks), sent back;
- per run: the counters are the hedges' summed (`Accumulator.absorb_counts`), and the equity
  track is fed, bar by bar, the hedges' equities added in config order, exactly as the serial
  loop adds them. Workers write each bar's per-hedge equities to a temporary file (memory
  stays flat) and this process merges the files in lockstep.
Each hedge's starting collateral is worked out here from the first frame of all hedges, as
the serial run does. When the groups' candles do not cover the same bar times (hedges whose
files span different periods: the serial lockstep would cut them to the common span), the
split is abandoned (`run_split` returns None) and the caller runs serially. Metrics only:
runs with step sinks (`--out`) stay serial.
"""

from __future__ import annotations

import tempfile
from collections.abc import Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from decimal import Decimal
from itertools import chain
from pathlib import Path

from bot.backtest.data import DataReport, lockstep, open_market
from bot.backtest.metrics import Accumulator
from bot.backtest.replay import advance_all, start_run
from bot.backtest.result import RunSummary
from bot.backtest.run import BacktestRequest, PreparedRun, collaterals, first_frame, prepare_run

__all__ = ["run_split"]

ZERO = Decimal(0)


@dataclass(frozen=True)
class _Part:
    """One worker's result: its hedges' accumulators and data reports, the equity file, and
    the bar times it covered (first, last, count) to check the groups agree."""

    accumulators: Mapping[str, Accumulator]
    reports: Mapping[str, DataReport]
    equities: Path
    span: tuple[int, int, int]


def run_split(
    request: BacktestRequest, params: Mapping[str, str], workers: int
) -> RunSummary | None:
    """The run's summary with its hedges spread over `workers` processes, equal to
    `run_backtest`'s; None when it cannot be split (one hedge, one worker, or groups whose
    candles cover different times)."""
    prepared = prepare_run(request, params)
    count = len(prepared.setups)
    workers = min(workers, count)
    if workers < 2:
        return None
    start_ms, shares = _start(prepared, request)
    groups = [list(range(k, count, workers)) for k in range(workers)]
    with tempfile.TemporaryDirectory() as tmp, ProcessPoolExecutor(max_workers=workers) as pool:
        jobs = [
            pool.submit(
                _replay_group,
                _slice(prepared, group),
                [shares[i] for i in group],
                start_ms,
                Path(tmp) / f"group-{k}.txt",
            )
            for k, group in enumerate(groups)
        ]
        found_parts = [job.result() for job in jobs]
        parts = [part for part in found_parts if part is not None]
        if len(parts) != len(found_parts) or len({part.span for part in parts}) != 1:
            return None
        run = Accumulator()
        _merge_equities(run, parts, groups, count)
    names = [s.policy.name for s in prepared.setups]
    found = {name: acc for part in parts for name, acc in part.accumulators.items()}
    reports = {name: report for part in parts for name, report in part.reports.items()}
    hedges = [found[name] for name in names]
    run.absorb_counts(hedges)
    per_hedge = {name: acc.result() for name, acc in zip(names, hedges, strict=True)}
    return RunSummary(dict(params), run.result(), per_hedge, {n: reports[n] for n in names})


def _start(prepared: PreparedRun, request: BacktestRequest) -> tuple[int, list[Decimal]]:
    """The first bar time of ALL hedges' lockstep and each hedge's starting collateral at
    that frame (as serially)."""
    feeds = [open_market(spec) for spec in prepared.specs]
    try:
        first = first_frame(lockstep(feeds))
    finally:
        for feed in feeds:
            feed.close()
    return first[0].ts_ms, collaterals(prepared.setups, first, request.collateral)


def _slice(prepared: PreparedRun, group: Sequence[int]) -> PreparedRun:
    return replace(
        prepared,
        setups=tuple(prepared.setups[i] for i in group),
        specs=tuple(prepared.specs[i] for i in group),
    )


def _replay_group(
    prepared: PreparedRun, shares: Sequence[Decimal], start_ms: int, equities: Path
) -> _Part | None:
    """One worker: its hedges over their candles; each bar's equities to `equities` as
    `ts h0 u0 h1 u1 …` (hedged, unhedged per hedge of the group). None at once when the
    group's candles start later than all hedges' (`start_ms`): no split."""
    feeds = [open_market(spec) for spec in prepared.specs]
    accumulators = {s.policy.name: Accumulator() for s in prepared.setups}
    tracked = list(accumulators.values())
    try:
        frames = lockstep(feeds)
        first = first_frame(frames)
        if first[0].ts_ms != start_ms:
            return None
        runs = [start_run(s, c) for s, c in zip(prepared.setups, shares, strict=True)]
        interval, fees, setups = feeds[0].interval_ms, prepared.fees, prepared.setups
        bars_seen, last = 0, first[0].ts_ms
        with equities.open("w", encoding="utf-8") as out:
            for bars in chain([first], frames):
                runs, frame = advance_all(setups, runs, bars, interval, fees)
                cells = [str(bars[0].ts_ms)]
                for accumulator, step in zip(tracked, frame, strict=True):
                    accumulator.add_step(step)
                    cells += (str(step.equity_hedged), str(step.equity_unhedged))
                out.write(" ".join(cells) + "\n")
                bars_seen, last = bars_seen + 1, bars[0].ts_ms
        reports = {feed.spec.hedge: feed.report() for feed in feeds}
    finally:
        for feed in feeds:
            feed.close()
    return _Part(accumulators, reports, equities, (first[0].ts_ms, last, bars_seen))


def _merge_equities(
    run: Accumulator, parts: Sequence[_Part], groups: Sequence[Sequence[int]], count: int
) -> None:
    """Feed `run`'s equity tracks the hedges' equities summed in config order, bar by bar."""
    handles = [part.equities.open(encoding="utf-8") for part in parts]
    try:
        for lines in zip(*handles, strict=True):
            hedged: list[Decimal] = [ZERO] * count
            unhedged: list[Decimal] = [ZERO] * count
            ts = 0
            for line, group in zip(lines, groups, strict=True):
                cells = line.split()
                ts = int(cells[0])
                for j, index in enumerate(group):
                    hedged[index] = Decimal(cells[1 + 2 * j])
                    unhedged[index] = Decimal(cells[2 + 2 * j])
            run.hedged.add(ts, _total(hedged))
            run.unhedged.add(ts, _total(unhedged))
    finally:
        for handle in handles:
            handle.close()


def _total(values: Sequence[Decimal]) -> Decimal:
    """ZERO + v0 + v1 + …, the serial loop's order (so Decimal rounding is the same)."""
    total = ZERO
    for value in values:
        total += value
    return total
