"""GET /history?hedge=BTC&since=24h&points=500: a hedge's journal over time, for charts.

Parameters (a bad one is a 400 whose `param` and message name it):
- `hedge` (required): a configured hedge's name.
- `since` (default `24h`): how far back — a duration (`90s`, `30m`, `6h`, `7d`), epoch seconds,
  or an ISO-8601 time with a zone (`2026-03-01T00:00:00Z`).
- `points` (default 500, 2..2000): at most this many chart points; longer windows are thinned.

Answer: `series` holds equal-length columns — `t` (epoch s), `ratio`, `target`,
`liquidation_distance`, `margin_ratio` (fractions), `spot`, `perp` (base units, short < 0),
`mark` (quote per base) — and `pnl` the `hedgebot report` split summed since the first point,
one value per point, in `pnl.currency` (the quote: USDT, or USD for a COIN-M hedge, whose coin
amounts are valued at the mark): `spot`, `perp` (legs' P&L, gain > 0), `funding` (received > 0),
`fees` (paid > 0) and `total` = spot + perp + funding − fees; `basis` says so in words, and
`problem` (else null) why the columns are empty. `actions` the latest orders, margin actions
and risk decisions. Numbers are exact decimal strings; unknown values are null.
"""

from __future__ import annotations

import asyncio
import math
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol

import structlog
from aiohttp import web

from bot.api.jsonio import error_response, json_response
from bot.report.pnl_series import PNL_BASIS, PnlSeries
from bot.store.db import JournalError
from bot.store.history import ActionRecord, HedgeHistory

__all__ = [
    "DEFAULT_POINTS",
    "DEFAULT_SINCE",
    "HistoryQuery",
    "HistorySource",
    "QueryError",
    "add_history_routes",
    "history_document",
    "parse_history_query",
]

log = structlog.get_logger("bot.api")

DEFAULT_SINCE = "24h"
DEFAULT_POINTS = 500
MAX_POINTS = 2000
ACTIONS = 10
_DURATION = re.compile(r"(\d+(?:\.\d+)?)\s*([smhd])")
_UNIT_S = {"s": 1, "m": 60, "h": 3600, "d": 86400}


class HistorySource(Protocol):
    """Read-only journal queries (bot.store.history.JournalHistory implements it)."""

    def hedge_history(self, hedge: str, since_ms: int, max_points: int) -> HedgeHistory: ...

    def recent_actions(self, hedge: str, limit: int = ACTIONS) -> Sequence[ActionRecord]: ...


class QueryError(ValueError):
    """A /history parameter is wrong; `param` names it."""

    def __init__(self, param: str, message: str) -> None:
        super().__init__(f"{param}: {message}")
        self.param = param


@dataclass(frozen=True, slots=True)
class HistoryQuery:
    """A validated /history request: since_s is epoch seconds."""

    hedge: str
    since_s: float
    points: int


def _since(raw: str, now_s: float) -> float:
    text = raw.strip().lower()
    duration = _DURATION.fullmatch(text)
    if duration:
        return now_s - float(duration.group(1)) * _UNIT_S[duration.group(2)]
    try:
        epoch = float(text)
    except ValueError:
        pass
    else:
        if not math.isfinite(epoch) or epoch < 0:
            raise QueryError("since", f"{raw!r} is not a time")
        return epoch
    try:
        moment = datetime.fromisoformat(raw.strip())
    except ValueError:
        raise QueryError(
            "since", f"{raw!r} is not a duration (6h, 7d), epoch seconds or an ISO-8601 time"
        ) from None
    if moment.tzinfo is None:
        raise QueryError("since", f"{raw!r} has no time zone (add Z or +00:00)")
    return moment.timestamp()


def _points(raw: str) -> int:
    try:
        points = int(raw)
    except ValueError:
        raise QueryError("points", f"{raw!r} is not a whole number") from None
    if not 2 <= points <= MAX_POINTS:
        raise QueryError("points", f"{points} is outside 2..{MAX_POINTS}")
    return points


def parse_history_query(
    query: Mapping[str, str], *, now_s: float, hedges: Collection[str]
) -> HistoryQuery:
    """Validate /history's query string; QueryError names the first bad parameter."""
    hedge = query.get("hedge", "").strip()
    if not hedge:
        known = ", ".join(sorted(hedges)) or "none configured"
        raise QueryError("hedge", f"is required (one of: {known})")
    if hedge not in hedges:
        known = ", ".join(sorted(hedges)) or "none configured"
        raise QueryError("hedge", f"unknown hedge {hedge!r} (configured: {known})")
    since_s = _since(query.get("since", DEFAULT_SINCE), now_s)
    if since_s > now_s:
        raise QueryError("since", "is in the future")
    points = _points(query.get("points", str(DEFAULT_POINTS)))
    return HistoryQuery(hedge, since_s, points)


def history_document(
    query: HistoryQuery, history: HedgeHistory, actions: Sequence[ActionRecord], now_s: float
) -> dict[str, Any]:
    """The JSON answer of /history (see the module docstring)."""
    points = history.points
    return {
        "hedge": query.hedge,
        "since": query.since_s,
        "until": now_s,
        "snapshots": history.snapshots,
        "sampled_every": history.step,
        "series": {
            "t": [p.ts_ms / 1000 for p in points],
            "ratio": [p.ratio for p in points],
            "target": [p.target for p in points],
            "liquidation_distance": [p.liquidation_distance for p in points],
            "margin_ratio": [p.margin_ratio for p in points],
            "spot": [p.spot for p in points],
            "perp": [p.perp_base for p in points],
            "mark": [p.mark for p in points],
        },
        "pnl": _pnl_document(history.pnl),
        "actions": [{"at": a.ts_ms / 1000, "kind": a.kind, "text": a.text} for a in actions],
    }


def _pnl_document(pnl: PnlSeries) -> dict[str, Any]:
    splits = pnl.splits
    return {
        "basis": PNL_BASIS,
        "currency": pnl.currency,
        "problem": pnl.problem,
        "spot": [s.spot for s in splits],
        "perp": [s.perp for s in splits],
        "funding": [s.funding for s in splits],
        "fees": [s.fees for s in splits],
        "total": [s.total for s in splits],
    }


def _handler(
    source: HistorySource | None,
    hedges: Callable[[], Collection[str]],
    clock: Callable[[], float],
) -> Callable[[web.Request], Any]:
    async def history(request: web.Request) -> web.Response:
        now_s = clock()
        try:
            query = parse_history_query(request.query, now_s=now_s, hedges=hedges())
        except QueryError as exc:
            return error_response(400, str(exc), param=exc.param)
        if source is None:
            return error_response(503, "this daemon keeps no journal history for the dashboard")
        since_ms = int(query.since_s * 1000)
        try:  # a worker thread: a long window never stalls /healthz
            found = await asyncio.to_thread(
                source.hedge_history, query.hedge, since_ms, query.points
            )
            actions = await asyncio.to_thread(source.recent_actions, query.hedge, ACTIONS)
        except JournalError as exc:
            log.warning("api.history_unreadable", detail=str(exc))
            return error_response(503, f"the journal cannot be read: {exc}")
        return json_response(history_document(query, found, actions, now_s))

    return history


def add_history_routes(
    app: web.Application,
    source: HistorySource | None,
    *,
    hedges: Callable[[], Collection[str]],
    clock: Callable[[], float],
) -> None:
    """GET /history; `hedges()` names the configured hedges, `clock()` is epoch seconds."""
    app.router.add_get("/history", _handler(source, hedges, clock))
