"""What the chaos scenarios add to the e2e harness: a background sampler of /sim/state that
keeps the worst values seen, an alert receiver for apprise's json:// URLs, read-only journal
queries, and the figures table.

Ratios are short exposure / spot holding as fractions (1 = fully hedged); positions from
/sim/state are signed base quantities (short < 0).
"""

from __future__ import annotations

import contextlib
import json
import sqlite3
import threading
import time
from collections import Counter
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from bot.exchange.client_ids import hedge_of, hedge_tag, is_ours
from tests.e2e.harness import SIM_KEY, SimAdmin, venue_symbol

__all__ = [
    "FIGURES",
    "AlertReceiver",
    "HedgeLeg",
    "Sampler",
    "duplicate_client_ids",
    "journal_rows",
    "live_orders_by_hedge",
    "ratios",
    "record",
]

FIGURES: dict[str, dict[str, Any]] = {}


def record(name: str, **figures: Any) -> None:
    """Keep (and print) one scenario's measured figures for the summary and docs."""
    FIGURES[name] = figures
    print(f"[chaos] {name}: " + ", ".join(f"{k}={v}" for k, v in figures.items()), flush=True)


@dataclass(frozen=True)
class HedgeLeg:
    """One configured hedge as the venue sees it: spot `asset`, perp `symbol`."""

    name: str
    asset: str
    symbol: str


def ratios(state: Mapping[str, Any], legs: list[HedgeLeg], api_key: str = SIM_KEY) -> dict:
    """hedge → short/spot from one /sim/state (None without spot; long perps count as 0)."""
    account = state["accounts"][api_key]
    positions = {p["symbol"]: Decimal(p["amount"]) for p in account["positions"]}
    out: dict[str, Decimal | None] = {}
    for leg in legs:
        b = account["balances"]["spot"].get(leg.asset)
        spot = Decimal(b["free"]) + Decimal(b["locked"]) if b else Decimal(0)
        short = max(-positions.get(venue_symbol(leg.symbol), Decimal(0)), Decimal(0))
        out[leg.name] = None if spot == 0 else short / spot
    return out


def live_orders_by_hedge(
    state: Mapping[str, Any], legs: list[HedgeLeg], api_key: str = SIM_KEY
) -> dict[str, int]:
    """hedge → our open orders on the venue ("?" collects ours of no configured hedge,
    "foreign" everything else)."""
    tags = {hedge_tag(leg.name): leg.name for leg in legs}
    counts: Counter[str] = Counter({leg.name: 0 for leg in legs})
    for order in state["accounts"][api_key]["openOrders"]:
        cid = order.get("clientOrderId")
        if not is_ours(cid):
            counts["foreign"] += 1
        else:
            counts[tags.get(hedge_of(cid) or "", "?")] += 1
    return dict(counts)


def duplicate_client_ids(state: Mapping[str, Any], api_key: str = SIM_KEY) -> dict[str, int]:
    """Client order ids the venue booked more than once (must be empty)."""
    seen = Counter(o["clientOrderId"] for o in state["accounts"][api_key]["orders"])
    return {cid: n for cid, n in seen.items() if n > 1}


@dataclass
class Sampler:
    """Polls /sim/state every `interval` s in a thread and keeps the worst values seen:
    the highest ratio and the most live orders per hedge, liquidations, and the samples'
    count. Use as a context manager around the part of the scenario it must watch."""

    sim: SimAdmin
    legs: list[HedgeLeg]
    interval: float = 0.1
    api_key: str = SIM_KEY
    samples: int = 0
    errors: int = 0
    max_ratio: dict[str, Decimal] = field(default_factory=dict)
    max_live: dict[str, int] = field(default_factory=dict)
    liquidations: int = 0
    first_liquidation_at: float | None = None
    last_state: dict[str, Any] | None = None
    _stop: threading.Event = field(default_factory=threading.Event)

    def sample_once(self) -> None:
        state = self.sim.state()
        self.last_state = state
        self.samples += 1
        for name, ratio in ratios(state, self.legs, self.api_key).items():
            if ratio is not None:
                self.max_ratio[name] = max(self.max_ratio.get(name, Decimal(0)), ratio)
        for name, count in live_orders_by_hedge(state, self.legs, self.api_key).items():
            self.max_live[name] = max(self.max_live.get(name, 0), count)
        liquidations = len(state["accounts"][self.api_key]["liquidations"])
        if liquidations and self.first_liquidation_at is None:
            self.first_liquidation_at = time.time()
        self.liquidations = max(self.liquidations, liquidations)

    def _loop(self) -> None:
        while not self._stop.is_set():
            try:
                self.sample_once()
            except Exception:  # a sample lost to a busy machine is only a gap, not a failure
                self.errors += 1
            self._stop.wait(self.interval)

    @contextlib.contextmanager
    def running(self) -> Iterator[Sampler]:
        thread = threading.Thread(target=self._loop, name="chaos-sampler", daemon=True)
        thread.start()
        try:
            yield self
        finally:
            self._stop.set()
            thread.join(timeout=10)
            with contextlib.suppress(Exception):
                self.sample_once()  # the final picture counts too


class AlertReceiver:
    """An HTTP endpoint for apprise's `json://127.0.0.1:PORT/` URLs; keeps every alert with
    the wall time (epoch s) it arrived. Use as a context manager."""

    def __init__(self) -> None:
        self.alerts: list[tuple[float, dict[str, Any]]] = []
        received = self.alerts

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with contextlib.suppress(ValueError):
                    received.append((time.time(), json.loads(body or b"{}")))
                self.send_response(200)
                self.end_headers()

            def log_message(self, *args: Any) -> None:
                return

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"json://127.0.0.1:{self._server.server_address[1]}/"

    def __enter__(self) -> AlertReceiver:
        threading.Thread(target=self._server.serve_forever, daemon=True).start()
        return self

    def __exit__(self, *exc: object) -> None:
        self._server.shutdown()
        self._server.server_close()

    def first(self, *words: str) -> float | None:
        """Arrival time of the first alert whose title or body mentions any of `words`."""
        for at, alert in self.alerts:
            text = f"{alert.get('title', '')} {alert.get('message', '')}".lower()
            if any(w.lower() in text for w in words):
                return at
        return None


def journal_rows(path: Path, sql: str, *params: Any) -> list[tuple[Any, ...]]:
    """Rows of a read-only query on the daemon's journal (safe while it runs: WAL)."""
    with contextlib.closing(sqlite3.connect(f"file:{path}?mode=ro", uri=True, timeout=5)) as db:
        return list(db.execute(sql, params))
