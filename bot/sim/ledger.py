"""Id sequences and income bookkeeping shared by the simulator's state transitions."""

from __future__ import annotations

import random
import string
from decimal import Decimal
from typing import Any

from bot.sim.accounts import Account
from bot.sim.fmt import fixed
from bot.sim.symbol_spec import SymbolSpec

__all__ = ["Ids", "book_contract_income", "book_income", "select_rows"]

_ALPHABET = string.ascii_letters + string.digits


class Ids:
    """Deterministic id source: order/trade/transfer ids count up; generated client order ids
    come from a seeded RNG so a run is reproducible given the seed."""

    def __init__(self, seed: int) -> None:
        self._rng = random.Random(seed)
        self._order = 8_389_765_000
        self._trade = 5_200_000_000
        self._tran = 160_000_000_000

    def order_id(self) -> int:
        self._order += 1
        return self._order

    def trade_id(self) -> int:
        self._trade += 1
        return self._trade

    def tran_id(self) -> int:
        self._tran += 1
        return self._tran

    def client_order_id(self) -> str:
        """A Binance-like generated clientOrderId (22 alphanumerics)."""
        return "".join(self._rng.choice(_ALPHABET) for _ in range(22))


def book_income(
    account: Account,
    ids: Ids,
    *,
    symbol: str,
    income_type: str,
    amount: Decimal,
    time_ms: int,
    trade_id: str = "",
    asset: str = "USDT",
    market: str = "usdm",
) -> None:
    """Append a /fapi/v1/income (`market` "usdm") or /dapi/v1/income ("coinm") row; `amount`
    signed (credit > 0, debit < 0) in `asset`."""
    account.income_rows(market).append(
        {
            "symbol": symbol,
            "incomeType": income_type,
            "income": fixed(amount, 8),
            "asset": asset,
            "info": income_type,
            "time": time_ms,
            "tranId": ids.tran_id(),
            "tradeId": trade_id,
        }
    )


def book_contract_income(
    account: Account,
    ids: Ids,
    spec: SymbolSpec,
    rows: list[tuple[str, Decimal]],
    *,
    time_ms: int,
    trade_id: str = "",
) -> None:
    """Book `rows` of (incomeType, signed amount) for contract `spec`: on its market's income
    history, in its margin asset."""
    for income_type, amount in rows:
        book_income(
            account,
            ids,
            symbol=spec.symbol,
            income_type=income_type,
            amount=amount,
            time_ms=time_ms,
            trade_id=trade_id,
            asset=spec.margin_asset,
            market=spec.market,
        )


def select_rows(
    rows: list[dict[str, Any]],
    *,
    time_key: str,
    start_ms: int | None,
    end_ms: int | None,
    limit: int,
    **equal: str | None,
) -> list[dict[str, Any]]:
    """History rows oldest first, filtered like Binance's income / fundingRate endpoints: each
    `equal` field (None = any), `time_key` within [start_ms, end_ms]; the first `limit` from
    the start, else the latest `limit`."""
    picked = [
        r
        for r in rows
        if all(v is None or r[k] == v for k, v in equal.items())
        and (start_ms is None or r[time_key] >= start_ms)
        and (end_ms is None or r[time_key] <= end_ms)
    ]
    return picked[:limit] if start_ms is not None else picked[-limit:]
