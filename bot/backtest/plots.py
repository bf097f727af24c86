"""PNG plots of a run, drawn headless (matplotlib's Agg canvas, no display, no pyplot state).

Four pictures: equity hedged vs unhedged (the run), ratio vs effective target (per hedge),
liquidation distance (per hedge, the worst moment of each bucket), cumulative funding and fees
(per hedge). PNG metadata is stripped of matplotlib's URL so the HTML that embeds them
references nothing external.
"""

from __future__ import annotations

import io
import math
from collections.abc import Callable, Sequence
from datetime import UTC

from matplotlib.axes import Axes
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from bot.backtest.sampler import FIELDS, RUN, Point, SeriesSampler

__all__ = ["PLOTS", "render_pngs"]

PLOTS = {
    "equity": "Equity: hedged vs unhedged",
    "ratio": "Hedge ratio vs effective target",
    "liquidation": "Liquidation distance",
    "costs": "Cumulative funding and fees",
}
_DAY_MS = 86_400_000
_COLUMN = {name: i for i, name in enumerate(FIELDS)}
_HEDGED, _UNHEDGED, _FUNDING, _FEES = "#1f77b4", "#d62728", "#2ca02c", "#ff7f0e"


def render_pngs(sampler: SeriesSampler) -> dict[str, bytes]:
    """PNG bytes of each plot in PLOTS, from the sampled series."""
    hedges = list(sampler.hedges())
    run = sampler.traces[RUN].series() if RUN in sampler.traces else []
    per_hedge = {name: sampler.traces[name].series() for name in hedges}
    return {
        "equity": _figure([("run", run)], _equity, PLOTS["equity"]),
        "ratio": _figure(list(per_hedge.items()), _ratio, PLOTS["ratio"]),
        "liquidation": _figure(list(per_hedge.items()), _distance, PLOTS["liquidation"]),
        "costs": _figure(list(per_hedge.items()), _costs, PLOTS["costs"]),
    }


Drawer = Callable[[Axes, list[float], list[Point]], None]


def _figure(panels: Sequence[tuple[str, list[Point]]], draw: Drawer, title: str) -> bytes:
    rows = max(1, len(panels))
    figure = Figure(figsize=(10, 2.6 * rows + 0.6), dpi=100, layout="constrained")
    FigureCanvasAgg(figure)
    figure.suptitle(title)
    for i, (name, points) in enumerate(panels or [("no data", [])]):
        axes = figure.add_subplot(rows, 1, i + 1)
        axes.set_title(name, loc="left", fontsize=9)
        draw(axes, [p.ts_ms / _DAY_MS for p in points], points)  # matplotlib's epoch is 1970
        axes.xaxis_date(tz=UTC)
        axes.grid(alpha=0.3)
        if axes.get_legend_handles_labels()[0]:
            axes.legend(loc="best", fontsize=8)
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _values(points: list[Point], field: str) -> list[float]:
    column = _COLUMN[field]
    return [math.nan if (value := p.values[column]) is None else value for p in points]


def _equity(axes: Axes, times: list[float], points: list[Point]) -> None:
    axes.plot(times, _values(points, "equity_unhedged"), color=_UNHEDGED, label="unhedged")
    axes.plot(times, _values(points, "equity_hedged"), color=_HEDGED, label="hedged")
    axes.set_ylabel("quote")


def _ratio(axes: Axes, times: list[float], points: list[Point]) -> None:
    target, band = _values(points, "target"), _values(points, "band")
    low = [t - b for t, b in zip(target, band, strict=True)]
    high = [t + b for t, b in zip(target, band, strict=True)]
    axes.fill_between(times, low, high, color="grey", alpha=0.15, label="band")
    axes.plot(times, _values(points, "ratio"), color=_HEDGED, label="ratio")
    axes.plot(times, _values(points, "target"), color="black", ls="--", lw=1, label="target")
    axes.set_ylabel("ratio")


def _distance(axes: Axes, times: list[float], points: list[Point]) -> None:
    percent = [v * 100 for v in _values(points, "liquidation_distance")]
    axes.plot(times, percent, color=_UNHEDGED, label="(liq − mark) / mark")
    axes.set_ylabel("%")


def _costs(axes: Axes, times: list[float], points: list[Point]) -> None:
    axes.plot(times, _values(points, "funding"), color=_FUNDING, label="funding received")
    axes.plot(times, _values(points, "fees"), color=_FEES, label="fees paid")
    axes.set_ylabel("quote")
