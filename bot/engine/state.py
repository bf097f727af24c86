"""The daemon's live, in-memory view: what /status, /healthz and `hedgebot status` show, and the
operator's pause switches. Written by the shell after each cycle; read by the API.

Pauses are also journaled by the daemon so they survive a restart (a crash-restart under
systemd must not silently resume trading the operator stopped).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot.api.ports import Health

__all__ = ["HedgeLive", "RuntimeState"]


@dataclass
class HedgeLive:
    """Last known figures of one hedge (see bot/api/ports.py for units and signs)."""

    view: dict[str, Any] = field(default_factory=dict)
    operator_paused: bool = False
    data_pause_reason: str | None = None
    last_action: str | None = None
    last_action_at: float | None = None


class RuntimeState:
    """Implements the API's `StatusSource` and `Controls` protocols."""

    def __init__(
        self,
        hedges: Iterable[str],
        *,
        version: str,
        clock: Callable[[], float] = time.time,
        on_control: Callable[[str, str | None], None] | None = None,
        on_tranche: Callable[[str, int | None], str] | None = None,
        dry_run: bool = False,
    ) -> None:
        self._clock = clock
        self.version = version
        self.dry_run = dry_run  # nothing is sent: /status says so (the dashboard's banner)
        self.started_at = clock()
        self.hedges: dict[str, HedgeLive] = {name: HedgeLive() for name in hedges}
        self.accounts: dict[str, dict[str, Any]] = {}
        self.last_cycle_ok_at: float | None = None
        self.last_cycle_error: str | None = None
        self.cycles = 0
        self.kill_switch = False
        self.stopping = False
        self._on_control = on_control
        self.on_tranche = on_tranche  # the daemon arms tranches in the hedge's memory

    # --- hedge set (config reload) -------------------------------------------------------
    def set_hedges(self, names: Iterable[str]) -> None:
        """Keep the state of hedges that stay, add new ones, forget removed ones."""
        wanted = list(names)
        self.hedges = {n: self.hedges.get(n, HedgeLive()) for n in wanted}

    # --- Controls ------------------------------------------------------------------------
    def _targets(self, hedge: str | None) -> list[HedgeLive]:
        if hedge is None:
            return list(self.hedges.values())
        if hedge not in self.hedges:
            raise KeyError(hedge)
        return [self.hedges[hedge]]

    def pause(self, hedge: str | None) -> None:
        for live in self._targets(hedge):
            live.operator_paused = True
        if self._on_control:
            self._on_control("pause", hedge)

    def resume(self, hedge: str | None) -> None:
        for live in self._targets(hedge):
            live.operator_paused = False
        if self._on_control:
            self._on_control("resume", hedge)

    def arm_tranche(self, hedge: str, number: int | None) -> str:
        """Arm a manual tranche of `hedge` (None: the next one); returns what was armed.
        KeyError for an unknown hedge; ValueError saying why nothing can be armed."""
        if hedge not in self.hedges:
            raise KeyError(hedge)
        if self.on_tranche is None:
            raise ValueError("tranches can only be armed in a running daemon")
        return self.on_tranche(hedge, number)

    def restore_pauses(self, paused: Iterable[str]) -> None:
        """Re-apply pauses journaled before a restart (unknown names are ignored)."""
        for name in paused:
            if name in self.hedges:
                self.hedges[name].operator_paused = True

    def pause_reason(self, hedge: str) -> str | None:
        """Why `hedge` may not trade now, or None."""
        if self.kill_switch:
            return "kill switch"
        live = self.hedges.get(hedge)
        if live is None:
            return "unknown hedge"
        if live.operator_paused:
            return "operator"
        return None

    # --- written by the cycle ------------------------------------------------------------
    def record_action(self, hedge: str, text: str) -> None:
        live = self.hedges.get(hedge)
        if live is not None:
            live.last_action = text
            live.last_action_at = self._clock()

    def cycle_done(self, *, ok: bool, error: str | None = None) -> None:
        self.cycles += 1
        if ok:
            self.last_cycle_ok_at = self._clock()
            self.last_cycle_error = None
        else:
            self.last_cycle_error = error

    # --- StatusSource --------------------------------------------------------------------
    def health(self) -> Health:
        details = {"cycles": self.cycles, "kill_switch": self.kill_switch}
        if self.stopping:
            return Health(False, "stopping", self.last_cycle_ok_at, details)
        if self.last_cycle_ok_at is None:
            reason = self.last_cycle_error or "no hedge cycle has completed yet"
            return Health(False, reason, None, details)
        if self.last_cycle_error:
            return Health(
                False, f"last cycle failed: {self.last_cycle_error}", self.last_cycle_ok_at, details
            )
        return Health(True, "", self.last_cycle_ok_at, details)

    def status(self) -> Mapping[str, Any]:
        hedges = {}
        for name, live in self.hedges.items():
            view = dict(live.view)
            view["paused"] = self.pause_reason(name) is not None or bool(live.data_pause_reason)
            view["pause_reason"] = self.pause_reason(name) or live.data_pause_reason
            view["last_action"] = live.last_action
            view["last_action_at"] = live.last_action_at
            hedges[name] = view
        return {
            "version": self.version,
            "started_at": self.started_at,
            "dry_run": self.dry_run,
            "paused": bool(self.hedges) and all(h.operator_paused for h in self.hedges.values()),
            "kill_switch": self.kill_switch,
            "hedges": hedges,
            "accounts": {k: dict(v) for k, v in self.accounts.items()},
        }
