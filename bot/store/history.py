"""Read-only journal queries for the dashboard's charts and action lists (GET /history).

`JournalHistory(path)` opens its own read-only SQLite connection per query (`mode=ro`), so it
never takes the daemon's journal lock, never writes, and works while the daemon writes (WAL).

Long windows are thinned in SQL to at most `max_points` snapshots: every k-th of the hedge's
rows (k a power of two, counted from its first row ever, so the same rows stay chart points as
the window slides) plus the newest. The P&L (`bot.report.pnl_series`, the report's exact
split) is summed over every reading in the window and sampled at those points; its cache
keeps the sums, so a poll only sums the readings journaled since the previous one.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.report.pnl_series import PnlSeries, PnlSeriesCache
from bot.store.db import JournalError, opt_dec

__all__ = [
    "ActionRecord",
    "HedgeHistory",
    "HistoryPoint",
    "JournalHistory",
]


@dataclass(frozen=True, slots=True)
class HistoryPoint:
    """One journaled hedge snapshot. spot: base units held; perp_base: signed base units
    (short < 0); ratio/target/margin_ratio/liquidation_distance: fractions; mark: quote per
    base; ts_ms: epoch milliseconds."""

    ts_ms: int
    spot: Decimal | None
    perp_base: Decimal | None
    ratio: Decimal | None
    target: Decimal | None
    mark: Decimal | None
    margin_ratio: Decimal | None
    liquidation_distance: Decimal | None


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """Something the daemon did for a hedge: an order, a margin action or a risk decision."""

    ts_ms: int
    kind: str  # "order" | "margin" | "risk"
    text: str


@dataclass(frozen=True, slots=True)
class HedgeHistory:
    """A hedge's journal since a time: thinned `points` (oldest first) and the report's P&L
    split summed up to each of them (`pnl`, quote); `snapshots` is the count before
    thinning, `step` the thinning stride (1 = every snapshot)."""

    points: tuple[HistoryPoint, ...]
    pnl: PnlSeries
    snapshots: int
    step: int


_POINTS_SQL = """
SELECT taken_at, spot, perp_contracts, ratio, target, mark,
       json_extract(data, '$.perp_base'), json_extract(data, '$.margin_ratio'),
       json_extract(data, '$.distance')
FROM (
    SELECT *, ROW_NUMBER() OVER (ORDER BY taken_at, id) AS n, COUNT(*) OVER () AS total
    FROM snapshots WHERE hedge = ? AND taken_at >= ?
)
WHERE (n + ? - 1) % ? = 0 OR n = total
ORDER BY n
"""
_COUNTS_SQL = (
    "SELECT (SELECT COUNT(*) FROM snapshots WHERE hedge = ?1 AND taken_at >= ?2), "
    "(SELECT COUNT(*) FROM snapshots WHERE hedge = ?1 AND taken_at < ?2)"
)


def _stride(count: int, max_points: int) -> int:
    """The smallest power of two k with ceil(count / k) <= max_points - 1 (the newest row is
    extra): a power of two so that a window of about the same size keeps its stride."""
    step = 1
    while -(-count // step) > max_points - 1:
        step *= 2
    return step


def _point(row: tuple[Any, ...]) -> HistoryPoint:
    ts, spot, contracts, ratio, target, mark, perp_base, margin_ratio, distance = row
    # Snapshots before the engine journals `perp_base` hold contracts only: for USDⓈ-M
    # perpetuals (contract size 1) those are base units.
    base = perp_base if perp_base is not None else contracts
    return HistoryPoint(
        ts_ms=int(ts),
        spot=opt_dec(spot),
        perp_base=opt_dec(None if base is None else str(base)),
        ratio=opt_dec(ratio),
        target=opt_dec(target),
        mark=opt_dec(mark),
        margin_ratio=opt_dec(None if margin_ratio is None else str(margin_ratio)),
        liquidation_distance=opt_dec(None if distance is None else str(distance)),
    )


_STATUS_WORDS = {"closed": "filled", "open": "resting", "pending": "sending",
                 "unknown": "outcome unknown"}  # fmt: skip


def _order_text(row: tuple[Any, ...]) -> str:
    """'sell 0.5 @ 60000 (grow): filled' — the reason is the planner's purpose; the intent
    column is a dedup key, not for people."""
    side, amount, price, status, reason, filled = row
    at = f" @ {price}" if price is not None else ""
    partly = status != "closed" and filled is not None and Decimal(filled) != 0
    word = _STATUS_WORDS.get(status, status) + (f", {filled} filled" if partly else "")
    return f"{side} {amount}{at} ({reason}): {word}"


def _margin_text(row: tuple[Any, ...]) -> str:
    kind, amount, asset, status, reason = row
    what = " ".join(str(part) for part in (kind, amount, asset) if part is not None)
    return f"{what} {status}: {reason}"


class JournalHistory:
    """Read-only views of the journal at `path` for charts and lists; `symbols()` maps each
    configured hedge to its perp symbol (read at each query: a reload may change it)."""

    def __init__(self, path: Path | str, symbols: Callable[[], Mapping[str, str]] = dict) -> None:
        self.path = Path(path)
        self.symbols = symbols
        self._pnl = PnlSeriesCache()

    @contextlib.contextmanager
    def _connect(self) -> Iterator[sqlite3.Connection]:
        uri = f"{self.path.resolve().as_uri()}?mode=ro"
        try:
            conn = sqlite3.connect(uri, uri=True, timeout=5.0)
        except sqlite3.Error as exc:
            raise JournalError(f"cannot read journal {self.path}: {exc}") from None
        try:
            yield conn
        except sqlite3.Error as exc:
            raise JournalError(f"journal {self.path}: {exc}") from None
        finally:
            conn.close()

    def hedge_history(self, hedge: str, since_ms: int, max_points: int) -> HedgeHistory:
        """Snapshots of `hedge` taken at or after `since_ms`, thinned to `max_points` (>= 2)."""
        if max_points < 2:
            raise ValueError(f"max_points must be at least 2, got {max_points}")
        with self._connect() as conn:
            count, before = conn.execute(_COUNTS_SQL, (hedge, since_ms)).fetchone()
            step = _stride(int(count), max_points)
            rows = conn.execute(_POINTS_SQL, (hedge, since_ms, int(before), step)).fetchall()
        points = tuple(_point(r) for r in rows)
        symbol = self.symbols().get(hedge)
        pnl = self._pnl.series(self.path, hedge, symbol, step, [p.ts_ms for p in points])
        return HedgeHistory(points=points, pnl=pnl, snapshots=int(count), step=step)

    def recent_actions(self, hedge: str, limit: int = 10) -> tuple[ActionRecord, ...]:
        """The hedge's latest orders, margin actions and risk decisions, newest first."""
        with self._connect() as conn:
            orders = conn.execute(
                "SELECT created_at, side, amount, price, status, reason, filled "
                "FROM orders WHERE hedge = ? ORDER BY id DESC LIMIT ?",
                (hedge, limit),
            ).fetchall()
            margin = conn.execute(
                "SELECT ts, kind, amount, asset, status, reason FROM margin_actions "
                "WHERE hedge = ? ORDER BY id DESC LIMIT ?",
                (hedge, limit),
            ).fetchall()
            risk = conn.execute(
                "SELECT ts, grade, action, reason FROM risk_events "
                "WHERE hedge = ? ORDER BY id DESC LIMIT ?",
                (hedge, limit),
            ).fetchall()
        records = [ActionRecord(int(r[0]), "order", _order_text(r[1:])) for r in orders]
        records += [ActionRecord(int(r[0]), "margin", _margin_text(r[1:])) for r in margin]
        records += [
            ActionRecord(int(ts), "risk", f"{grade} → {action}: {why}")
            for ts, grade, action, why in risk
        ]
        records.sort(key=lambda r: r.ts_ms, reverse=True)
        return tuple(records[:limit])
