"""Fault injection for the simulator's Binance routes (never for the /sim/* admin API).

A `FaultConfig` is what `POST /sim/faults` sets (it replaces the previous one; `{}` clears it).
`Faults` holds the active config, a seeded RNG so a chaos run can be replayed, and counters of
every fault it injected, reported by `GET /sim/state`.

`corrupt` makes one kind of account/market reply malformed while it is set (the venue's state
is untouched): "positions" → every position's `positionAmt` is "NaN"; "book" → the best bid
of every depth snapshot is "NaN"; "balance" → every spot balance's `free` is negative and
`locked` is missing.

`fail_paths` makes the listed Binance paths (any method) answer HTTP 503 with -1001 "Internal
error" while it is set, e.g. `["/fapi/v1/leverageBracket"]` for a venue whose margin brackets
cannot be read; listed Bybit paths (`/v5/...`) answer a plain-text 503.
"""

from __future__ import annotations

import asyncio
import contextlib
import random
from dataclasses import asdict, dataclass, fields
from typing import Any

__all__ = [
    "CORRUPTIBLE",
    "FaultConfig",
    "Faults",
    "corrupt_balances",
    "corrupt_book",
    "corrupt_positions",
]

_PROBABILITIES = ("rate_limit_prob", "error_5xx_prob", "timeout_after_accept_prob")
CORRUPTIBLE = ("positions", "book", "balance")


@dataclass(frozen=True)
class FaultConfig:
    """Active faults. Probabilities are fractions 0..1 per request; latency in milliseconds."""

    latency_ms: int = 0
    rate_limit_prob: float = 0.0
    error_5xx_prob: float = 0.0
    timeout_after_accept_prob: float = 0.0
    stale_positions: bool = False
    corrupt: str | None = None  # one of CORRUPTIBLE
    seed: int | None = None
    fail_paths: tuple[str, ...] = ()  # Binance paths answered 503 / -1001 while set

    @classmethod
    def from_json(cls, data: object) -> FaultConfig:
        """Validate an admin payload; raise ValueError naming the offending field."""
        if not isinstance(data, dict):
            raise ValueError("body must be a JSON object")
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(data) - known)
        if unknown:
            raise ValueError(f"unknown field(s) {unknown}; allowed: {sorted(known)}")
        values: dict[str, Any] = {}
        if "latency_ms" in data:
            values["latency_ms"] = _non_negative_int(data["latency_ms"], "latency_ms")
        for name in _PROBABILITIES:
            if name in data:
                values[name] = _probability(data[name], name)
        if "stale_positions" in data:
            if not isinstance(data["stale_positions"], bool):
                raise ValueError("stale_positions must be true or false")
            values["stale_positions"] = data["stale_positions"]
        if data.get("corrupt") is not None:
            if data["corrupt"] not in CORRUPTIBLE:
                raise ValueError(
                    f"corrupt must be one of {list(CORRUPTIBLE)}, got {data['corrupt']!r}"
                )
            values["corrupt"] = data["corrupt"]
        if data.get("seed") is not None:
            values["seed"] = _non_negative_int(data["seed"], "seed")
        if "fail_paths" in data:
            values["fail_paths"] = _venue_paths(data["fail_paths"])
        return cls(**values)


def _venue_paths(value: object) -> tuple[str, ...]:
    if not isinstance(value, list) or not all(
        isinstance(p, str) and p.startswith("/") and not p.startswith("/sim/") for p in value
    ):
        raise ValueError(
            f"fail_paths must be a list of Binance paths such as '/fapi/v1/leverageBracket', "
            f"got {value!r}"
        )
    return tuple(value)


def _non_negative_int(value: object, name: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 0:
        raise ValueError(f"{name} must be a non-negative integer, got {value!r}")
    return value


def _probability(value: object, name: str) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float) or not 0 <= value <= 1:
        raise ValueError(f"{name} must be a number between 0 and 1, got {value!r}")
    return float(value)


class Faults:
    """The active fault config, its seeded RNG and the counters of injected faults."""

    def __init__(self, config: FaultConfig | None = None, *, hang_s: float = 30.0) -> None:
        """`hang_s` is how long a timeout-after-accept response is held back (seconds)."""
        self.hang_s = hang_s
        self.counters = {
            "rate_limited": 0,
            "errors_5xx": 0,
            "timeouts_after_accept": 0,
            "corrupted": 0,
        }
        self._closing = asyncio.Event()
        self.configure(config or FaultConfig())

    def configure(self, config: FaultConfig) -> None:
        """Replace the active config and reseed the RNG (counters keep counting)."""
        self.config = config
        self._rng = random.Random(config.seed)

    def _roll(self, probability: float) -> bool:
        return probability > 0 and self._rng.random() < probability

    def rate_limited(self) -> bool:
        """Decide (and count) whether this request gets a 429."""
        hit = self._roll(self.config.rate_limit_prob)
        self.counters["rate_limited"] += hit
        return hit

    def error_5xx(self) -> bool:
        """Decide (and count) whether this request gets a 503."""
        hit = self._roll(self.config.error_5xx_prob)
        self.counters["errors_5xx"] += hit
        return hit

    def timeout_after_accept(self) -> bool:
        """Decide (and count) whether a just-booked order's response is withheld."""
        hit = self._roll(self.config.timeout_after_accept_prob)
        self.counters["timeouts_after_accept"] += hit
        return hit

    def fails(self, path: str) -> bool:
        """Decide (and count, as a 5xx) whether a request to `path` gets `fail_paths`' 503."""
        hit = path in self.config.fail_paths
        self.counters["errors_5xx"] += hit
        return hit

    @property
    def stale_positions(self) -> bool:
        """True while position endpoints must pretend there are no positions."""
        return self.config.stale_positions

    def corrupts(self, part: str) -> bool:
        """Decide (and count) whether this reply of kind `part` must be malformed."""
        hit = self.config.corrupt == part
        self.counters["corrupted"] += hit
        return hit

    async def delay(self) -> None:
        """Sleep the configured latency."""
        if self.config.latency_ms > 0:
            await asyncio.sleep(self.config.latency_ms / 1000)

    async def hang(self) -> None:
        """Hold a response back for `hang_s`, or until the server shuts down."""
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._closing.wait(), self.hang_s)

    def release(self) -> None:
        """Wake every held-back response (called on shutdown)."""
        self._closing.set()

    def snapshot(self) -> dict[str, Any]:
        """JSON-able view for /sim/state: the active config and the counters."""
        return {"config": asdict(self.config), "counters": dict(self.counters)}


def corrupt_positions(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Position rows with a "NaN" size (the venue's state is not touched)."""
    return [{**row, "positionAmt": "NaN"} for row in rows]


def corrupt_book(book: dict[str, Any]) -> dict[str, Any]:
    """A depth snapshot whose best bid price is "NaN"."""
    bids = [list(level) for level in book.get("bids", [])]
    if bids:
        bids[0][0] = "NaN"
    return {**book, "bids": bids}


def corrupt_balances(account: dict[str, Any]) -> dict[str, Any]:
    """A spot account whose balances have a negative `free` and no `locked` field."""
    rows = [
        {"asset": b["asset"], "free": f"-{b['free']}" if b["free"] != "0" else "-1"}
        for b in account.get("balances", [])
    ]
    return {**account, "balances": rows}
