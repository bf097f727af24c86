"""Real price history replayed through `hedgebot sim --prices`: a short BTC hedge at leverage 3
(isolated) through the 2023-10..2024-03 ETF rally (the worst case for a short) and the 2020
COVID crash. With spot USDT available the leg is never liquidated and every top-up is in the
journal; with none, the alert reaches a human before the liquidation distance falls below
`risk.reduce_distance`.

Needs ../shared/data (skipped cleanly when absent). At 50 candles (hours) per second the ETF
rally's 4,392 candles take ~90 s; the daemon polls every second (≈ 50 market hours).
"""

from __future__ import annotations

import csv
import json
import os
import time
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from tests.chaos.support import AlertReceiver, HedgeLeg, Sampler, journal_rows, ratios, record
from tests.e2e.harness import E2E, DaemonProcess, SimProcess, hedge_entry, wait_until

pytestmark = [pytest.mark.chaos, pytest.mark.e2e]

DATA = Path(
    os.environ.get("HEDGEBOT_DATA_DIR", Path(__file__).resolve().parents[3] / "shared" / "data")
)
ETF = DATA / "scenario_etf_rally_2023-10-01_2024-03-31_1h.csv"
COVID = DATA / "scenario_covid_crash_2020-02-15_2020-04-15_1h.csv"
SPEED = 50.0  # candles per second
FLOOR = Decimal("0.10")  # risk.reduce_distance
LEG = HedgeLeg("BTC", "BTC", "BTC/USDT:USDT")
RISK_WORDS = ("margin", "collateral", "liquidation", "hedge reduced")


def _need(path: Path) -> Path:
    if not path.exists():
        pytest.skip(f"real market data not available: {path}")
    return path


def _last_candle_ms(path: Path) -> int:
    with open(path, encoding="utf-8") as handle:
        last = list(csv.DictReader(handle))[-1]["ts"]
    return int(datetime.fromisoformat(last.replace("Z", "+00:00")).timestamp() * 1000)


def _stack(
    e2e: E2E, path: Path, *, spot_usdt: int, alerts: AlertReceiver
) -> tuple[SimProcess, DaemonProcess, Path]:
    sim = e2e.sim_process(prices=[path], speed=SPEED, seed=1)
    sim.create_account(
        "sim-key", "sim-secret", {"spot": {"BTC": 2, "USDT": spot_usdt}, "usdm": {"USDT": 20000}}
    )
    hedge = hedge_entry("BTC", 1.0, leverage=3, margin_mode="isolated")
    config = e2e.config(
        sim.url,
        {"BTC": hedge},
        schedule={"poll_seconds": 1, "risk_seconds": 1},
        # Earlier grades than the defaults: at 50 market hours per poll the distance can
        # drop ~20 points between two cycles (the 2023-10-23 spike), so act sooner.
        risk={
            "auto_top_up": True,
            "warn_distance": 0.45,
            "top_up_distance": 0.30,
            "delever_distance": 0.15,
            "reduce_distance": float(FLOOR),
            "restore_distance": 0.50,
        },
        notify={"urls": [alerts.url], "min_severity": "warning", "rate_limit_s": 60},
    )
    daemon = e2e.daemon(config)
    return sim, daemon, config.parent / "journal.sqlite"


def _top_ups(journal: Path) -> list[tuple[Any, ...]]:
    return journal_rows(
        journal,
        "SELECT ts, kind, amount, status FROM margin_actions "
        "WHERE kind IN ('transfer', 'add_margin') ORDER BY id",
    )


def _distances(journal: Path) -> list[tuple[int, Decimal]]:
    rows = journal_rows(journal, "SELECT taken_at, data FROM snapshots ORDER BY id")
    out = []
    for taken_at, data in rows:
        distance = json.loads(data or "{}").get("distance")
        if distance is not None:
            out.append((int(taken_at), Decimal(distance)))
    return out


def _ride(e2e: E2E, path: Path, name: str, *, top_ups_expected: bool) -> None:
    end_ms = _last_candle_ms(path)
    with AlertReceiver() as alerts:
        sim, daemon, journal = _stack(e2e, path, spot_usdt=150_000, alerts=alerts)
        sampler = Sampler(sim, [LEG], interval=0.25)
        with sampler.running():
            wait_until(
                lambda: sim.state()["time"] >= end_ms,
                # The replay slows down, never skips, on a busy machine: a generous bound.
                3 * len(_candles(path)) / SPEED + 60,
                what="replay finished",
                interval=1,
                diagnostics=daemon.diagnostics,
            )
        state = sampler.last_state or sim.state()
    top_ups = _top_ups(journal)
    events = journal_rows(
        journal,
        "SELECT action FROM risk_events WHERE action IN ('transfer', 'add_margin')",
    )
    lowest = min((d for _, d in _distances(journal)), default=None)
    record(
        f"rally[{name}]",
        candles=len(_candles(path)),
        speed=SPEED,
        liquidations=len(state["accounts"]["sim-key"]["liquidations"]),
        top_ups=sum(1 for r in top_ups if r[3] == "ok"),
        margin_added_usdt=round(
            sum(Decimal(str(r[2])) for r in top_ups if r[3] == "ok" and r[1] == "add_margin"), 2
        ),
        failed_top_ups=sum(1 for r in top_ups if r[3] != "ok"),
        lowest_distance=None if lowest is None else round(lowest, 4),
        final_ratio=round(ratios(state, [LEG])["BTC"] or Decimal(0), 4),
        samples=sampler.samples,
    )
    assert sampler.liquidations == 0, state["accounts"]["sim-key"]["liquidations"]
    assert daemon.alive(), daemon.diagnostics()
    if top_ups_expected:
        assert any(r[3] == "ok" for r in top_ups), "no top-up was journaled"
        assert len(events) >= sum(1 for r in top_ups if r[3] == "ok")


def _candles(path: Path) -> list[str]:
    with open(path, encoding="utf-8") as handle:
        return [line for line in handle if line.startswith(("1", "2")) and ",BTC" in line]


def test_etf_rally_with_collateral_is_never_liquidated(e2e: E2E) -> None:
    """ETF rally, 150k spot USDT for top-ups: no liquidation, top-ups journaled."""
    _ride(e2e, _need(ETF), "etf_2023-10..2024-03", top_ups_expected=True)


def test_covid_crash_with_collateral_is_never_liquidated(e2e: E2E) -> None:
    """COVID crash and rebound: no liquidation."""
    _ride(e2e, _need(COVID), "covid_2020-02..04", top_ups_expected=False)


def test_no_collateral_alerts_before_the_floor(e2e: E2E) -> None:
    """ETF rally with no spot USDT: a risk alert arrives before the liquidation distance drops
    below risk.reduce_distance (or the leg is liquidated)."""
    path = _need(ETF)
    end_ms = _last_candle_ms(path)
    with AlertReceiver() as alerts:
        sim, daemon, journal = _stack(e2e, path, spot_usdt=0, alerts=alerts)
        sampler = Sampler(sim, [LEG], interval=0.25)

        def breached() -> bool:
            below = [t for t, d in _distances(journal) if d < FLOOR]
            return bool(below) or sampler.liquidations > 0 or sim.state()["time"] >= end_ms

        with sampler.running():
            wait_until(breached, 150, what="floor breach", interval=0.5)
            time.sleep(1)  # alerts are delivered in the background
        below = [t / 1000 for t, d in _distances(journal) if d < FLOOR]
    liquidated_at = [sampler.first_liquidation_at] if sampler.first_liquidation_at else []
    breach_at = min([*below, *liquidated_at], default=None)
    alert_at = alerts.first(*RISK_WORDS)
    lead_s = None if alert_at is None or breach_at is None else breach_at - alert_at
    record(
        "no_collateral[etf]",
        first_alert=_first_title(alerts),
        alert_lead_s=None if lead_s is None else round(lead_s, 1),
        alert_lead_market_h=None if lead_s is None else round(lead_s * SPEED),
        liquidations=sampler.liquidations,
        lowest_distance=round(min(d for _, d in _distances(journal)), 4),
    )
    assert alert_at is not None, alerts.alerts
    assert breach_at is None or alert_at < breach_at
    assert daemon.alive(), daemon.diagnostics()


def _first_title(alerts: AlertReceiver) -> str | None:
    for _, alert in alerts.alerts:
        title = str(alert.get("title", ""))
        if any(w in title.lower() for w in RISK_WORDS):
            return title
    return None
