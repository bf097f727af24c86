"""Which symbols' fills a cycle reads (`engine/fill_reads.py`): only where something of ours
can have traded since the last read."""

from __future__ import annotations

from decimal import Decimal

import pytest

from bot.domain.model import AccountSnapshot, Position, frozen_map
from bot.engine.fill_reads import FillWatch, SymbolSeen, wanted
from tests.domain._factories import linear

FLAT = SymbolSeen(Decimal(0))
SHORT = SymbolSeen(Decimal(-1))
PART_FILLED = SymbolSeen(Decimal("-1.5"))


@pytest.mark.parametrize(
    ("before", "now", "follow_up", "in_doubt", "tight", "read"),
    [
        (None, FLAT, False, False, False, True),  # never seen: read
        (SHORT, SHORT, False, False, False, False),  # resting, placed or cancelled: no move
        (SHORT, PART_FILLED, False, False, False, True),  # part of an order filled
        (FLAT, SHORT, False, False, False, True),  # the position moved
        (SHORT, SHORT, True, False, False, True),  # the follow-up after a change
        (SHORT, SHORT, False, True, False, True),  # an order of ours in doubt
        (SHORT, SHORT, True, False, True, False),  # tight: the follow-up waits
        (FLAT, SHORT, False, False, True, True),  # tight: a moved position is still read
        (SHORT, SHORT, False, True, True, True),  # tight: an order in doubt is still read
    ],
)
def test_fills_are_read_only_where_something_can_have_traded(
    before: SymbolSeen | None,
    now: SymbolSeen,
    follow_up: bool,
    in_doubt: bool,
    tight: bool,
    read: bool,
) -> None:
    """A symbol's fills are read when it is new, its position moved, a follow-up is due or
    an order is in doubt; with little weight left the follow-up waits."""
    chosen = wanted(
        {"S": now},
        {} if before is None else {"S": before},
        {"S"} if follow_up else set(),
        {"S"} if in_doubt else set(),
        tight=tight,
    )
    assert chosen == ({"S"} if read else set())


def _snapshot(symbols: list[str], short: dict[str, str]) -> AccountSnapshot:
    markets = {s: linear(symbol=s) for s in symbols}
    positions = {s: position(s, c) for s, c in short.items()}
    return AccountSnapshot(
        account="main",
        taken_at_ms=0,
        markets=frozen_map(markets),
        positions=frozen_map(positions),
    )


def position(symbol: str, contracts: str) -> Position:
    return Position(symbol=symbol, contracts=Decimal(contracts), entry_price=Decimal(100))


def test_a_failed_read_is_repeated_and_a_move_without_a_new_fill_is_read_again() -> None:
    """Observations are kept only for accounts read successfully (a failed cycle reads the
    same symbols again); a moved position whose read found no new fill is read once more,
    one whose read found it is not."""
    watch = FillWatch()
    flat = _snapshot(["A", "B"], {})
    assert watch.pick("main", flat, (), tight=False) == {"A", "B"}
    watch.commit({})  # the account's read failed
    assert watch.pick("main", flat, (), tight=False) == {"A", "B"}
    watch.commit({"main": set()})
    assert watch.pick("main", flat, (), tight=False) == set()
    watch.commit({"main": set()})
    moved = _snapshot(["A", "B"], {"A": "-1", "B": "-2"})
    assert watch.pick("main", moved, (), tight=False) == {"A", "B"}
    watch.commit({"main": {"A"}})  # A's fill was there, B's not yet
    assert watch.pick("main", moved, (), tight=False) == {"B"}
    watch.commit({"main": {"B"}})
    assert watch.pick("main", moved, (), tight=False) == set()
