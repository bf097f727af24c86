"""`--sweep KEY=V1,V2,...`: the cartesian product of config overrides, run in parallel on the
available cores, ranked.

Keys are dotted paths into the YAML config (hedges.BTC.band, hedges.BTC.leverage,
risk.warn_distance). Values stay the strings given (the config's validation parses them, so
0.01 stays exactly 0.01); `true`/`false` become booleans and `null` None. Under `hedges` and
`accounts` the entry named must exist (a typo is an error, not a new hedge); any other missing
level is created.

Ranking (best first): higher `hedge_effectiveness` (undefined last), then the shallower
`max_drawdown_hedged` (closer to 0), then the higher `pnl_hedged`, then the order given.
"""

from __future__ import annotations

import copy
import itertools
import os
import re
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from bot.backtest.errors import SweepError
from bot.backtest.result import RunSummary

__all__ = [
    "RANKING",
    "SweepAxis",
    "apply_params",
    "available_cores",
    "grid",
    "parse_sweep",
    "rank",
    "run_batched",
    "run_sweep",
]

RANKING = (
    "hedge_effectiveness (higher first, undefined last), then max_drawdown_hedged (closer to 0 "
    "first), then pnl_hedged (higher first)"
)
NAMED = frozenset({"hedges", "accounts"})  # their keys are names the config must define
_KEY = re.compile(r"^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)+$")
_SCALARS: dict[str, Any] = {"true": True, "false": False, "null": None, "~": None}
RunFunction = Callable[[Mapping[str, str]], RunSummary]
BatchFunction = Callable[[Sequence[Mapping[str, str]]], list[RunSummary]]


@dataclass(frozen=True, slots=True)
class SweepAxis:
    """One `--sweep` flag: a dotted config key and the values to try, in the order given."""

    key: str
    values: tuple[str, ...]


def parse_sweep(flags: Sequence[str]) -> tuple[SweepAxis, ...]:
    """The axes of `--sweep KEY=V1,V2,...` flags; `SweepError` names the flag at fault."""
    axes: list[SweepAxis] = []
    for flag in flags:
        key, sep, listed = flag.partition("=")
        key = key.strip()
        if not sep or not _KEY.match(key):
            raise SweepError(
                f"--sweep {flag}: use KEY=V1,V2,... with a dotted key such as hedges.BTC.band"
            )
        values = tuple(v.strip() for v in listed.split(","))
        if not listed.strip() or any(not v for v in values):
            raise SweepError(f"--sweep {flag}: every value must be non-empty")
        if len(set(values)) != len(values):
            raise SweepError(f"--sweep {flag}: a value is listed twice")
        if any(axis.key == key for axis in axes):
            raise SweepError(f"--sweep {key}: given twice (list all its values in one flag)")
        axes.append(SweepAxis(key, values))
    return tuple(axes)


def grid(axes: Sequence[SweepAxis]) -> list[dict[str, str]]:
    """The cartesian product as one {key: value} per run; the last axis varies fastest."""
    keys = [axis.key for axis in axes]
    return [
        dict(zip(keys, combo, strict=True))
        for combo in itertools.product(*(a.values for a in axes))
    ]


def apply_params(config: Mapping[str, Any], params: Mapping[str, str]) -> dict[str, Any]:
    """A deep copy of the raw YAML `config` with each dotted key set to its value."""
    out = copy.deepcopy(dict(config))
    for key, value in params.items():
        node = out
        parts = key.split(".")
        for depth, part in enumerate(parts[:-1]):
            child = node.get(part)
            if child is None and depth == 1 and parts[0] in NAMED:
                raise SweepError(_unknown_name(key, parts[depth - 1], part, node))
            if child is None:
                child = node[part] = {}
            if not isinstance(child, dict):
                raise SweepError(f"--sweep {key}: {'.'.join(parts[: depth + 1])} is not a section")
            node = child
        node[parts[-1]] = _SCALARS.get(value.lower(), value)
    return out


def _unknown_name(key: str, section: str, name: str, node: Mapping[str, Any]) -> str:
    known = ", ".join(sorted(node)) or "none"
    return f"--sweep {key}: the config has no {section}.{name} ({section}: {known})"


def _rank_key(indexed: tuple[int, RunSummary]) -> tuple[Any, ...]:
    index, summary = indexed
    m = summary.metrics
    effectiveness = m.hedge_effectiveness
    return (
        effectiveness is None,
        -(effectiveness or Decimal(0)),
        -m.max_drawdown_hedged,
        -m.pnl_hedged,
        index,
    )


def rank(summaries: Sequence[RunSummary]) -> list[RunSummary]:
    """`summaries` best first, by RANKING."""
    return [s for _, s in sorted(enumerate(summaries), key=_rank_key)]


def available_cores() -> int:
    """The cores this process may run on (its CPU affinity), at least 1."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def run_sweep(
    run: RunFunction, runs: Sequence[Mapping[str, str]], workers: int | None = None
) -> list[RunSummary]:
    """`run(params)` for each of `runs`, in worker processes (`workers`, default the available
    cores; 1 runs in this process). Results in the order of `runs`. `run` must be a module-level
    function (it is pickled to the workers); an error in a run is raised here."""
    workers = min(workers or available_cores(), len(runs)) or 1
    if workers == 1:
        return [run(params) for params in runs]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        return list(pool.map(run, [dict(p) for p in runs]))


def run_batched(
    batch: BatchFunction, runs: Sequence[Mapping[str, str]], workers: int | None = None
) -> list[RunSummary]:
    """`batch(chunk)` on one chunk of `runs` per worker process (`workers`, default the
    available cores; 1 runs in this process), the runs dealt round-robin so the chunks are
    alike; results in the order of `runs`. A batch reads its data once for all its runs
    (`bot.backtest.batch`). `batch` must be module-level (pickled); errors are raised here."""
    workers = min(workers or available_cores(), len(runs)) or 1
    if workers == 1:
        return batch([dict(p) for p in runs])
    chunks = [[dict(p) for p in runs[i::workers]] for i in range(workers)]
    out: list[RunSummary | None] = [None] * len(runs)
    with ProcessPoolExecutor(max_workers=workers) as pool:
        for first, summaries in enumerate(pool.map(batch, chunks)):
            for j, summary in enumerate(summaries):
                out[first + j * workers] = summary
    return [s for s in out if s is not None]
