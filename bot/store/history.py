"""Read-only journal queries for the dashboard's charts and action lists (GET /history).

`JournalHistory(path)` opens its own read-only SQLite connection per query (`mode=ro`), so it
never takes the daemon's journal lock, never writes, and works while the daemon writes (WAL).

Long windows are thinned in SQL to at most `max_points` snapshots (every k-th row plus the
newest), so a chart costs the same for an hour or a month of 1-second cycles.
"""

from __future__ import annotations

import contextlib
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from bot.store.db import JournalError, opt_dec

__all__ = [
    "PNL_BASIS",
    "ActionRecord",
    "HedgeHistory",
    "HistoryPoint",
    "JournalHistory",
    "LegPnl",
    "funding_at",
    "leg_pnl",
]

ZERO = Decimal(0)
PNL_BASIS = (
    "mark-to-market at the perp's mark between chart points, holdings of the earlier point; "
    "fees excluded (the report issue adds the exact split)"
)


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
class LegPnl:
    """Cumulative P&L of each leg since the first point, in quote (gain > 0)."""

    spot: Decimal
    perp: Decimal


@dataclass(frozen=True, slots=True)
class ActionRecord:
    """Something the daemon did for a hedge: an order, a margin action or a risk decision."""

    ts_ms: int
    kind: str  # "order" | "margin" | "risk"
    text: str


@dataclass(frozen=True, slots=True)
class HedgeHistory:
    """A hedge's journal since a time: thinned `points` (oldest first), each leg's P&L and the
    funding received (quote, > 0 received) up to each point; `snapshots` is the count before
    thinning, `step` the thinning stride (1 = every snapshot)."""

    points: tuple[HistoryPoint, ...]
    pnl: tuple[LegPnl, ...]
    funding: tuple[Decimal, ...]
    funding_asset: str | None
    snapshots: int
    step: int


def leg_pnl(points: Sequence[HistoryPoint]) -> tuple[LegPnl, ...]:
    """Cumulative mark-to-market P&L per leg: between consecutive points the earlier point's
    holdings are valued at the change of mark. A long spot gains when the mark rises, the short
    (perp_base < 0) when it falls. A point without a mark carries the previous mark."""
    out: list[LegPnl] = []
    spot_total = perp_total = ZERO
    previous: HistoryPoint | None = None
    last_mark: Decimal | None = None
    for point in points:
        mark = point.mark if point.mark is not None else last_mark
        if previous is not None and mark is not None and last_mark is not None:
            move = mark - last_mark
            spot_total += (previous.spot or ZERO) * move
            perp_total += (previous.perp_base or ZERO) * move
        out.append(LegPnl(spot_total, perp_total))
        previous, last_mark = point, mark
    return tuple(out)


def funding_at(
    times_ms: Sequence[int], payments: Sequence[tuple[int, Decimal]]
) -> tuple[Decimal, ...]:
    """Funding received up to each of `times_ms` (ascending), from `payments` (ms, amount)
    sorted by time; amounts > 0 received, < 0 paid."""
    out: list[Decimal] = []
    total, i = ZERO, 0
    for t in times_ms:
        while i < len(payments) and payments[i][0] <= t:
            total += payments[i][1]
            i += 1
        out.append(total)
    return tuple(out)


_POINTS_SQL = """
SELECT taken_at, spot, perp_contracts, ratio, target, mark,
       json_extract(data, '$.perp_base'), json_extract(data, '$.margin_ratio'),
       json_extract(data, '$.distance')
FROM (
    SELECT *, ROW_NUMBER() OVER (ORDER BY taken_at, id) AS n, COUNT(*) OVER () AS total
    FROM snapshots WHERE hedge = ? AND taken_at >= ?
)
WHERE (n - 1) % ? = 0 OR n = total
ORDER BY n
"""


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
    """Read-only views of the journal at `path` for charts and lists."""

    def __init__(self, path: Path | str) -> None:
        self.path = Path(path)

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
            (count,) = conn.execute(
                "SELECT COUNT(*) FROM snapshots WHERE hedge = ? AND taken_at >= ?",
                (hedge, since_ms),
            ).fetchone()
            step = max(1, -(-int(count) // (max_points - 1)))  # ceil; the newest row is extra
            rows = conn.execute(_POINTS_SQL, (hedge, since_ms, step)).fetchall()
            funding = conn.execute(
                "SELECT ts, amount, asset FROM funding WHERE hedge = ? AND ts >= ? ORDER BY ts, id",
                (hedge, since_ms),
            ).fetchall()
        points = tuple(_point(r) for r in rows)
        asset = _main_asset([str(r[2]) for r in funding])
        payments = [(int(ts), Decimal(a)) for ts, a, asset_ in funding if asset_ == asset]
        return HedgeHistory(
            points=points,
            pnl=leg_pnl(points),
            funding=funding_at([p.ts_ms for p in points], payments),
            funding_asset=asset,
            snapshots=int(count),
            step=step,
        )

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


def _main_asset(assets: Sequence[str]) -> str | None:
    """The asset most funding payments were made in (a hedge settles in one)."""
    if not assets:
        return None
    return max(sorted(set(assets)), key=assets.count)
