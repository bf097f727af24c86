"""One self-contained HTML report of a run: parameters, metrics per run and per hedge, the
data report, the fill model, and the plots embedded as base64 PNG. No scripts, no fonts, no
links: it references nothing outside itself, so it opens offline and can be mailed."""

from __future__ import annotations

import base64
from collections.abc import Mapping, Sequence
from html import escape

from bot.backtest.formatting import LABELS, display
from bot.backtest.metrics import METRIC_KEYS
from bot.backtest.plots import PLOTS
from bot.backtest.result import RunSummary

__all__ = ["FILL_MODEL", "report_html"]

FILL_MODEL = (
    "Post-only orders fill only when a later candle trades through their price (strictly); "
    "IOC orders fill at the far touch, bounded by the candle's range; maker/taker fees on "
    "notional; funding every 8 h on the mark notional at the recorded rate (positive: shorts "
    "receive); a short is liquidated when the candle's mark high reaches its liquidation price "
    "(Binance's formula); top-ups are drawn from the collateral; spot holdings stay constant "
    "unless the config's schedule changes them."
)
_STYLE = """
body { font-family: system-ui, sans-serif; margin: 2em auto; max-width: 1040px; color: #222; }
table { border-collapse: collapse; margin: 0.5em 0 1.5em; font-size: 0.9em; }
th, td { border: 1px solid #ccc; padding: 0.25em 0.6em; text-align: right; }
th:first-child, td:first-child { text-align: left; }
img { max-width: 100%; display: block; margin: 0.5em 0 1.5em; }
.note { color: #555; font-size: 0.85em; }
"""


def report_html(summary: RunSummary, pngs: Mapping[str, bytes], title: str = "") -> str:
    """The report as one HTML document (UTF-8 text)."""
    title = title or "hedgebot backtest"
    parts = [
        "<!DOCTYPE html>",
        '<html lang="en"><head><meta charset="utf-8">',
        f"<title>{escape(title)}</title><style>{_STYLE}</style></head><body>",
        f"<h1>{escape(title)}</h1>",
        _params(summary.params),
        "<h2>Results</h2>",
        _metrics(summary),
        _data(summary),
        f'<p class="note">Fill model: {escape(FILL_MODEL)}</p>',
        *(_plot(name, pngs[name]) for name in PLOTS if name in pngs),
        "</body></html>",
    ]
    return "\n".join(part for part in parts if part)


def _table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td>{escape(c)}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _params(params: Mapping[str, str]) -> str:
    if not params:
        return ""
    return "<h2>Parameters</h2>" + _table(["key", "value"], sorted(params.items()))


def _metrics(summary: RunSummary) -> str:
    columns = [("run", summary.metrics), *summary.hedges.items()]
    rows = [
        [LABELS[key], *(display(key, getattr(m, key)) for _, m in columns)] for key in METRIC_KEYS
    ]
    return _table(["", *(name for name, _ in columns)], rows)


def _data(summary: RunSummary) -> str:
    if not summary.data:
        return ""
    rows = []
    for name, report in summary.data.items():
        doc = report.as_json()
        gaps = ", ".join(
            f"{leg} {g['count']} (longest {g['longest_hours']} h)" for leg, g in doc["gaps"].items()
        )
        files = " + ".join(path.rsplit("/", 1)[-1] for path in doc["files"])
        rows.append(
            [name, files, f"{doc['from']} → {doc['to']}", str(doc["candles"]), gaps, doc["funding"]]
        )
    header = ["hedge", "files", "span (UTC)", "candles", "gaps bridged", "funding"]
    return "<h2>Data</h2>" + _table(header, rows)


def _plot(name: str, png: bytes) -> str:
    encoded = base64.b64encode(png).decode("ascii")
    label = escape(PLOTS[name])
    return f'<h2>{label}</h2><img alt="{label}" src="data:image/png;base64,{encoded}">'
