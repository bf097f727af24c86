"""The alert value: what happened (kind), to which hedge, how bad (severity), and the text."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum

__all__ = ["Alert", "Severity"]


class Severity(IntEnum):
    """How urgently a human should look; ordered so `>=` filters work."""

    INFO = 10
    WARNING = 20
    CRITICAL = 30

    @classmethod
    def parse(cls, value: str | Severity) -> Severity:
        """ "warning" / "WARNING" / Severity.WARNING → Severity.WARNING; ValueError names it."""
        if isinstance(value, Severity):
            return value
        try:
            return cls[str(value).strip().upper()]
        except KeyError:
            names = ", ".join(s.name.lower() for s in cls)
            raise ValueError(f"severity {value!r} is not one of {names}") from None

    @property
    def label(self) -> str:
        return self.name.lower()


@dataclass(frozen=True)
class Alert:
    """One alert. `kind` is a catalogue key (bot/notify/catalogue.py) or any short slug;
    `hedge` is None for daemon- or account-wide events."""

    severity: Severity
    kind: str
    hedge: str | None
    title: str
    body: str

    @property
    def key(self) -> tuple[str, str | None]:
        """What deduplication groups by: the same kind for the same hedge."""
        return (self.kind, self.hedge)
