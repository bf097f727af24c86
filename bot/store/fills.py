"""Journal of executions and funding payments; both are idempotent (a re-read after a restart
or a gap journals nothing twice)."""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from bot.domain.model import Fill, FundingPayment, Side
from bot.store.db import Database, dec, text

__all__ = ["FillsJournal"]

ZERO = Decimal(0)


class FillsJournal(Database):
    """Fills (keyed by account, symbol, trade id) and funding (account, symbol, payment id)."""

    def record_fill(
        self, fill: Fill, *, account: str, hedge: str, notional: Decimal | None = None
    ) -> bool:
        """Journal a fill once; True if it was new. `notional` is its quote value (default
        amount × price, right for linear contracts of size 1: pass it for other sizes)."""
        value = notional if notional is not None else fill.amount * fill.price
        maker = None if fill.maker is None else int(fill.maker)
        cur = self._exec(
            "INSERT INTO fills (account, symbol, trade_id, order_exchange_id, client_id, hedge, "
            "side, amount, price, notional, fee, fee_asset, maker, ts) "
            "VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?) "
            "ON CONFLICT (account, symbol, trade_id) DO NOTHING",
            (account, fill.symbol, fill.id, fill.order_id, fill.client_id, hedge,
             text(fill.side), dec(fill.amount), dec(fill.price), dec(value), dec(fill.fee),
             fill.fee_asset, maker, fill.timestamp_ms),
        )  # fmt: skip
        return cur.rowcount == 1

    def has_fill(self, account: str, symbol: str, trade_id: str) -> bool:
        """Whether the venue's trade `trade_id` on `symbol` is journaled."""
        rows = self._rows(
            "SELECT 1 FROM fills WHERE account = ? AND symbol = ? AND trade_id = ?",
            (account, symbol, trade_id),
        )
        return bool(rows)

    def filled_by_client_id(self, client_ids: Iterable[str]) -> dict[str, Decimal]:
        """client id → the amount of its journaled fills (ids without any are left out)."""
        ids = sorted(set(client_ids))
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = self._rows(
            f"SELECT client_id, amount FROM fills WHERE client_id IN ({marks})", tuple(ids)
        )
        out: dict[str, Decimal] = {}
        for client_id, amount in rows:
            out[client_id] = out.get(client_id, Decimal(0)) + Decimal(amount)
        return out

    def fills_since(self, hedge: str, since_ms: int) -> tuple[Fill, ...]:
        """The hedge's fills at or after `since_ms`, oldest first."""
        rows = self._rows(
            "SELECT trade_id, order_exchange_id, symbol, side, amount, price, fee, fee_asset, "
            "maker, ts, client_id FROM fills WHERE hedge = ? AND ts >= ? ORDER BY ts, id",
            (hedge, since_ms),
        )
        return tuple(_fill(r) for r in rows)

    def turnover_since(self, hedge: str, since_ms: int) -> Decimal:
        """Quote notional the hedge traded at or after `since_ms` (buys plus sells)."""
        rows = self._rows(
            "SELECT notional FROM fills WHERE hedge = ? AND ts >= ?", (hedge, since_ms)
        )
        return sum((Decimal(r[0]) for r in rows), ZERO)

    def last_fill_ts(self, hedge: str) -> int | None:
        """Time of the hedge's latest fill (ms), None before the first."""
        rows = self._rows("SELECT MAX(ts) FROM fills WHERE hedge = ?", (hedge,))
        return None if rows[0][0] is None else int(rows[0][0])

    def record_funding(self, payment: FundingPayment, *, account: str, hedge: str) -> bool:
        """Journal a funding payment once; True if it was new."""
        cur = self._exec(
            "INSERT INTO funding (account, payment_id, hedge, symbol, asset, amount, ts) "
            "VALUES (?,?,?,?,?,?,?) ON CONFLICT (account, symbol, payment_id) DO NOTHING",
            (account, payment.id, hedge, payment.symbol, payment.asset, dec(payment.amount),
             payment.timestamp_ms),
        )  # fmt: skip
        return cur.rowcount == 1

    def funding_total(self, hedge: str, since_ms: int = 0) -> dict[str, Decimal]:
        """Funding received (> 0) or paid (< 0) by the hedge since `since_ms`, per asset."""
        totals: dict[str, Decimal] = {}
        rows = self._rows(
            "SELECT asset, amount FROM funding WHERE hedge = ? AND ts >= ?", (hedge, since_ms)
        )
        for asset, amount in rows:
            totals[asset] = totals.get(asset, ZERO) + Decimal(amount)
        return totals

    def last_funding_ts(self, account: str, symbol: str) -> int | None:
        """Time of the latest journaled funding payment on `symbol` (ms), None before any."""
        rows = self._rows(
            "SELECT MAX(ts) FROM funding WHERE account = ? AND symbol = ?", (account, symbol)
        )
        return None if rows[0][0] is None else int(rows[0][0])


def _fill(row: tuple[Any, ...]) -> Fill:
    trade_id, order_id, symbol, side, amount, price, fee, fee_asset, maker, ts, client_id = row
    return Fill(
        id=trade_id,
        order_id=order_id or "",
        symbol=symbol,
        side=Side(side),
        amount=Decimal(amount),
        price=Decimal(price),
        fee=Decimal(fee),
        fee_asset=fee_asset,
        maker=None if maker is None else bool(maker),
        timestamp_ms=ts,
        client_id=client_id,
    )
