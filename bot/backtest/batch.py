"""Several runs over the same candles in one pass: what makes a sweep fast.

A sweep's runs differ in their config overrides, rarely in their data: the runs whose
hedges read the same files over the same window (equal `PreparedRun.specs`) share one read
of it. Each lockstep frame of bars is handed to every run of the group in turn; each run keeps
its own hedge states and metrics, exactly as `run_backtest` would (same loop, same order),
so a batched run's summary equals the one it gets alone. Memory: one frame of bars plus
every run's state, flat in the history's length.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence

from bot.backtest.bars import Bar
from bot.backtest.data import MarketSpec, lockstep, open_market
from bot.backtest.metrics import MetricsSink
from bot.backtest.replay import HedgeRun, advance_all
from bot.backtest.result import RunSummary
from bot.backtest.run import BacktestRequest, PreparedRun, first_frame, prepare_run, start_runs
from bot.backtest.series import Recorder

__all__ = ["run_batch"]


def run_batch(request: BacktestRequest, runs: Sequence[Mapping[str, str]]) -> list[RunSummary]:
    """The summary of each of `runs` (overrides), in order; runs over the same data read it
    once (module-level: a sweep pickles `partial(run_batch, request)` to its workers)."""
    prepared = [prepare_run(request, params) for params in runs]
    groups: dict[tuple[MarketSpec, ...], list[int]] = {}
    for index, run in enumerate(prepared):
        groups.setdefault(run.specs, []).append(index)
    out: dict[int, RunSummary] = {}
    for specs, members in groups.items():
        summaries = _together(request, specs, [prepared[i] for i in members])
        out.update(zip(members, summaries, strict=True))
    return [out[i] for i in range(len(prepared))]


class _Member:
    """One run of a group: its hedges' states and its metrics."""

    def __init__(self, prepared: PreparedRun, states: list[HedgeRun]) -> None:
        self.prepared, self.states = prepared, states
        self.metrics = MetricsSink()
        self.recorder = Recorder([self.metrics])

    def add(self, bars: tuple[Bar, ...], interval_ms: int) -> None:
        p = self.prepared
        self.states, frame = advance_all(p.setups, self.states, bars, interval_ms, p.fees)
        self.recorder.add(frame)


def _together(
    request: BacktestRequest, specs: tuple[MarketSpec, ...], group: Sequence[PreparedRun]
) -> list[RunSummary]:
    feeds = [open_market(spec) for spec in specs]
    try:
        frames: Iterator[tuple[Bar, ...]] = lockstep(feeds)
        first = first_frame(frames)
        members = [_Member(p, start_runs(p, first, request.collateral)) for p in group]
        interval = feeds[0].interval_ms
        for member in members:
            member.add(first, interval)
        for bars in frames:
            for member in members:
                member.add(bars, interval)
        reports = {feed.spec.hedge: feed.report() for feed in feeds}
    finally:
        for feed in feeds:
            feed.close()
    summaries = []
    for member in members:
        member.recorder.close()
        run, per_hedge = member.metrics.results()
        summaries.append(RunSummary(dict(member.prepared.params), run, per_hedge, reports))
    return summaries
