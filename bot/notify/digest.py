"""The daily digest (`notify.daily_digest: "08:00"`): one alert, one line per hedge with its
ratio, the period's funding, fees and P&L split, and its risk events. Pure text over plain
values; the daemon's digest job fills them from the journal (`bot.report.digest`)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.notify.alert import Alert, Severity

__all__ = ["DIGEST_KIND", "DigestLine", "digest_alert"]

DIGEST_KIND = "daily_digest"


@dataclass(frozen=True, slots=True)
class DigestLine:
    """One hedge over the digest's period: `ratio` the latest (fraction, None unknown);
    quote amounts `spot`, `perp`, `funding` (received +), `fees` (paid +), `total`."""

    hedge: str
    ratio: Decimal | None
    spot: Decimal
    perp: Decimal
    funding: Decimal
    fees: Decimal
    total: Decimal
    risk_events: int


def _money(value: Decimal) -> str:
    return f"{value:+,.2f}"


def _line(d: DigestLine) -> str:
    ratio = "n/a" if d.ratio is None else f"{d.ratio:.3f}"
    risk = "no risk events" if d.risk_events == 0 else f"{d.risk_events} risk event(s)"
    return (
        f"{d.hedge}: ratio {ratio}; P&L {_money(d.total)} = spot {_money(d.spot)}"
        f" + perp {_money(d.perp)} + funding {_money(d.funding)} − fees {d.fees:,.2f}; {risk}"
    )


def digest_alert(day: str, lines: Sequence[DigestLine], severity: Severity) -> Alert:
    """The digest for the 24 h ending at the digest time on `day` (ISO date, UTC)."""
    body = "\n".join(_line(d) for d in lines) or "no hedges configured"
    return Alert(severity, DIGEST_KIND, None, f"hedgebot: daily digest {day}", body)
