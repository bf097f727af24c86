"""One run's summary: its parameters, metrics per run and per hedge, and the data report.
Small and picklable, so sweep workers send it back to the parent."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any

from bot.backtest.gaps import DataReport
from bot.backtest.metrics import Metrics

__all__ = ["RunSummary"]


def _empty() -> Mapping[str, DataReport]:
    return MappingProxyType({})


@dataclass(frozen=True, slots=True)
class RunSummary:
    """`params` are the run's overrides (dotted config key → value as given, e.g.
    hedges.BTC.band → "0.02"); `metrics` the whole run; `hedges` each hedge's."""

    params: Mapping[str, str]
    metrics: Metrics
    hedges: Mapping[str, Metrics]
    data: Mapping[str, DataReport] = field(default_factory=_empty)

    def as_json(self) -> dict[str, Any]:
        """{"params": {...}, <the run's metric keys>, "hedges": {name: {...}}, "data": {...}}."""
        return {
            "params": dict(self.params),
            **self.metrics.as_json(),
            "hedges": {name: m.as_json() for name, m in self.hedges.items()},
            "data": {name: report.as_json() for name, report in self.data.items()},
        }

    def __reduce__(self) -> tuple[Any, ...]:  # MappingProxyType does not pickle
        return RunSummary, (dict(self.params), self.metrics, dict(self.hedges), dict(self.data))
