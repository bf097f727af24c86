"""Every alert hedgebot sends: its kind, severity, a title and what the operator should do.

The same table feeds alert bodies and docs/operations.md (a test keeps the two in step), so
the advice a user reads on the phone is the advice in the docs.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType

from bot.notify.alert import Alert, Severity

__all__ = ["CATALOGUE", "AlertKind", "AlertSpec", "catalogue_markdown", "make_alert"]


class AlertKind(StrEnum):
    RISK_WARN = "risk_warn"
    RISK_TOP_UP = "risk_top_up"
    RISK_DELEVER = "risk_delever"
    RISK_REDUCE = "risk_reduce"
    COLLATERAL_EXHAUSTED = "collateral_exhausted"
    LIQUIDATION_NEAR = "liquidation_near"
    PAUSED = "paused"
    RESUMED = "resumed"
    BREAKER_OPEN = "breaker_open"
    BREAKER_CLOSED = "breaker_closed"
    ORDERS_REJECTED_REPEATEDLY = "orders_rejected_repeatedly"
    STALE_DATA = "stale_data"
    STARTED = "started"
    STOPPED = "stopped"
    KILL_SWITCH = "kill_switch"
    SETUP_REFUSED = "setup_refused"
    BRACKETS_UNAVAILABLE = "brackets_unavailable"
    RELOAD_REJECTED = "reload_rejected"
    GROW_FUNDED = "grow_funded"
    MARGIN_SHORT = "margin_short"
    ROLL_LATE = "roll_late"
    BETA_UNRELIABLE = "beta_unreliable"


@dataclass(frozen=True)
class AlertSpec:
    kind: AlertKind
    severity: Severity
    title: str  # short, shown as the notification title after the hedge name
    action: str  # one line: what the operator should do


_W, _C, _I = Severity.WARNING, Severity.CRITICAL, Severity.INFO
_SPECS = (
    AlertSpec(
        AlertKind.RISK_WARN,
        _W,
        "margin getting thin",
        "No action needed yet; check collateral in the futures wallet and be ready to add some.",
    ),
    AlertSpec(
        AlertKind.RISK_TOP_UP,
        _W,
        "margin topped up",
        "hedgebot moved collateral to the hedge; refill the spot/funding wallet it took it from.",
    ),
    AlertSpec(
        AlertKind.RISK_DELEVER,
        _C,
        "leverage lowered",
        "Top-ups were not enough; transfer collateral to the futures wallet now.",
    ),
    AlertSpec(
        AlertKind.RISK_REDUCE,
        _C,
        "hedge reduced to avoid liquidation",
        "Your holding is partly unhedged: add collateral, then resume or raise the target.",
    ),
    AlertSpec(
        AlertKind.GROW_FUNDED,
        _W,
        "collateral moved to the futures wallet to open the hedge",
        "Nothing to do: hedgebot moved it from the spot wallet (risk.auto_top_up) for the"
        " order's margin; refill the spot wallet if you need the balance there.",
    ),
    AlertSpec(
        AlertKind.MARGIN_SHORT,
        _W,
        "not enough margin to grow the hedge fully",
        "Add collateral to the futures wallet, or set risk.auto_top_up: true to let hedgebot"
        " move it from the spot wallet; the rest of the hedge is opened once it is there.",
    ),
    AlertSpec(
        AlertKind.ROLL_LATE,
        _W,
        "the roll to the next contract cannot finish post-only before expiry",
        "Nothing to do: the remaining roll steps are sent IOC (crossing the spread) so the"
        " expiring contract is flat an hour before delivery; check the book if it persists.",
    ),
    AlertSpec(
        AlertKind.COLLATERAL_EXHAUSTED,
        _C,
        "no collateral left to top up",
        "Deposit or transfer collateral to the futures wallet now, or reduce the hedge by hand.",
    ),
    AlertSpec(
        AlertKind.LIQUIDATION_NEAR,
        _C,
        "liquidation price close",
        "Add collateral or reduce the hedge now; see docs/operations.md 'Unwinding a hedge'.",
    ),
    AlertSpec(
        AlertKind.PAUSED,
        _W,
        "trading paused",
        "Check the reason; run `hedgebot resume HEDGE` once it is resolved.",
    ),
    AlertSpec(AlertKind.RESUMED, _I, "trading resumed", "Nothing to do."),
    AlertSpec(
        AlertKind.SETUP_REFUSED,
        _C,
        "venue refused the configured margin mode or leverage",
        "The hedge trades with the venue's current setting: change it by hand (close the"
        " position first if the venue requires it), then run `hedgebot check`.",
    ),
    AlertSpec(
        AlertKind.BRACKETS_UNAVAILABLE,
        _W,
        "margin brackets unavailable, hedge not grown",
        "Usually temporary (hedgebot retries every minute). If it persists, check that the API"
        " key may read futures account data, then run `hedgebot check`.",
    ),
    AlertSpec(
        AlertKind.RELOAD_REJECTED,
        _W,
        "config reload rejected, old config still in force",
        "Fix the problem the alert names in the YAML file, then reload again"
        " (`systemctl reload hedgebot` or SIGHUP).",
    ),
    AlertSpec(
        AlertKind.BREAKER_OPEN,
        _W,
        "exchange unreachable, circuit breaker open",
        "Check the venue's status page and the daemon's network; it retries by itself.",
    ),
    AlertSpec(AlertKind.BREAKER_CLOSED, _I, "exchange reachable again", "Nothing to do."),
    AlertSpec(
        AlertKind.ORDERS_REJECTED_REPEATEDLY,
        _W,
        "orders rejected repeatedly",
        "Read the rejection reason in the log (balance, permissions, min notional) and fix it.",
    ),
    AlertSpec(
        AlertKind.STALE_DATA,
        _W,
        "stale or inconsistent exchange data, hedge paused",
        "Compare the position on the exchange's website; trading resumes when data agrees.",
    ),
    AlertSpec(AlertKind.STARTED, _I, "daemon started", "Nothing to do."),
    AlertSpec(
        AlertKind.BETA_UNRELIABLE,
        _W,
        "estimated beta not trustworthy, last beta kept",
        "Check the two markets' candles; widen lookback_days or lower min_r2 if the fit is "
        "poor, or set a fixed beta. With no beta yet the hedge does not grow.",
    ),
    AlertSpec(
        AlertKind.STOPPED,
        _I,
        "daemon stopped",
        "If you did not stop it, check `journalctl -u hedgebot` or `docker compose logs bot`.",
    ),
    AlertSpec(
        AlertKind.KILL_SWITCH,
        _C,
        "kill switch engaged, all trading stopped",
        "Remove the kill switch file once you have checked positions, then restart or resume.",
    ),
)

CATALOGUE: Mapping[AlertKind, AlertSpec] = MappingProxyType({s.kind: s for s in _SPECS})


def make_alert(
    kind: AlertKind | str,
    hedge: str | None = None,
    detail: str = "",
    *,
    severity: Severity | None = None,
) -> Alert:
    """An `Alert` from the catalogue: title "hedgebot BTC: margin getting thin", body the
    `detail` line(s) then "What to do: ...". `severity` overrides the catalogue's."""
    spec = CATALOGUE[AlertKind(kind)]
    scope = f"hedgebot {hedge}" if hedge else "hedgebot"
    text = detail.strip()
    body = f"{text}\nWhat to do: {spec.action}" if text else f"What to do: {spec.action}"
    return Alert(
        severity=severity or spec.severity,
        kind=spec.kind.value,
        hedge=hedge,
        title=f"{scope}: {spec.title}",
        body=body,
    )


def catalogue_markdown() -> str:
    """The catalogue as a Markdown table (kind, severity, meaning, what to do)."""
    rows = ["| kind | severity | meaning | what to do |", "|---|---|---|---|"]
    for spec in _SPECS:
        rows.append(
            f"| `{spec.kind.value}` | {spec.severity.label} | {spec.title} | {spec.action} |"
        )
    return "\n".join(rows) + "\n"
