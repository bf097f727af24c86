"""The simulator's one clock: time scale, advances, funding as time passes, client offsets."""

from __future__ import annotations

import time
from decimal import Decimal as D

import pytest

from bot.sim.auth import sign, verify_signed
from bot.sim.clock import ClientOffsets, SimClock
from bot.sim.engine import SimExchange
from bot.sim.errors import SimError

HOUR = 3_600_000
T0 = 1_704_070_800_000  # 2024-01-01T01:00Z, one hour after a funding boundary


class Base:
    """A wall clock the test moves by hand (epoch ms)."""

    def __init__(self, now: int) -> None:
        self.now = now

    def __call__(self) -> int:
        return self.now


def test_scale_one_is_the_base_clock_plus_advances() -> None:
    """At time scale 1 simulated time is the base clock; advance adds on top and stays added."""
    base = Base(T0)
    clock = SimClock(base)
    base.now += 1_234
    assert clock.now() == T0 + 1_234
    clock.advance(HOUR)
    base.now += 10
    assert clock.now() == T0 + 1_244 + HOUR


def test_time_scale_runs_simulated_time_faster() -> None:
    """At time scale 60 a base second is a simulated minute, counted from the start."""
    base = Base(T0)
    clock = SimClock(base, time_scale=60)
    base.now += 2_000
    assert clock.now() == T0 + 120_000


@pytest.mark.parametrize("scale", [0, -1.5])
def test_time_scale_must_be_positive(scale: float) -> None:
    """A time scale of zero or below is refused with a message naming it."""
    with pytest.raises(ValueError, match="time_scale"):
        SimClock(Base(T0), time_scale=scale)


def test_funding_settles_as_time_passes_without_an_advance() -> None:
    """When the base clock alone carries simulated time over 08:00 UTC, catch_up settles the
    short's funding once, stamped at the boundary."""
    base = Base(T0)
    venue = SimExchange.with_default_account(now_ms=base)
    venue.place_order(
        "sim-key", "usdm", "BTCUSDT", side="SELL", order_type="MARKET", quantity=D("0.1")
    )
    base.now += 7 * HOUR + 1
    venue.catch_up()
    venue.catch_up()
    rows = venue.income("sim-key", income_type="FUNDING_FEE")
    assert [r["time"] for r in rows] == [T0 + 7 * HOUR]
    assert D(rows[0]["income"]) > 0


def test_client_offsets_keep_zero_and_the_newest_of_near_ones() -> None:
    """0 is always allowed; a re-sync within 50 ms replaces the older offset."""
    offsets = ClientOffsets()
    offsets.served(HOUR)
    offsets.served(HOUR + 20)
    offsets.served(-5_000)
    assert offsets.offsets() == (0, HOUR + 20, -5_000)


def _signed_at(timestamp: int, offsets: tuple[int, ...]) -> None:
    query = f"symbol=BTCUSDT&timestamp={timestamp}&recvWindow=5000"
    verify_signed(
        api_key="k",
        raw_query=f"{query}&signature={sign(query, 's')}",
        raw_body="",
        secret_for={"k": "s"}.get,
        wall_ms=time.time_ns() // 1_000_000,
        offsets_ms=offsets,
    )


def test_recv_window_follows_the_offset_the_client_was_given() -> None:
    """A timestamp an hour ahead of the wall passes when the server handed out that offset,
    and is -1021 when it did not; a plain wall-clock timestamp always passes."""
    ahead = time.time_ns() // 1_000_000 + HOUR
    _signed_at(ahead, (0, HOUR))
    _signed_at(time.time_ns() // 1_000_000, (0, HOUR))
    with pytest.raises(SimError) as err:
        _signed_at(ahead, (0,))
    assert err.value.code == -1021


def test_recv_window_refuses_a_clock_off_from_its_own_offset() -> None:
    """A client synced to +1 h whose clock then drifts 30 s ahead gets -1021."""
    with pytest.raises(SimError) as err:
        _signed_at(time.time_ns() // 1_000_000 + HOUR + 30_000, (0, HOUR))
    assert err.value.code == -1021
