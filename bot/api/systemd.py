"""A minimal sd_notify(3) client: readiness, watchdog pings, status text, stopping.

Under systemd (`Type=notify`), $NOTIFY_SOCKET names a unix datagram socket (a path, or an
abstract-namespace name starting with '@'). Outside systemd every call is a silent no-op,
so the daemon calls these unconditionally.

How the daemon should use it: `Readiness.started()` once the first hedge cycle has run;
`watchdog()` from the hedge-cycle job each time a cycle *finishes* (successfully or not),
never from an independent timer, so a hung event loop or a stuck cycle stops the pings and
systemd restarts the daemon; `with Readiness.reloading():` around a SIGHUP reload (RELOADING=1
… READY=1, as sd_notify(3) asks); `stopping()` when SIGTERM arrives; `status(text)` for
`systemctl status`.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager

import structlog

__all__ = [
    "Readiness",
    "SystemdNotifier",
    "ready",
    "reloading",
    "status",
    "stopping",
    "watchdog",
    "watchdog_interval_s",
]

log = structlog.get_logger("bot.api.systemd")


def _address(raw: str) -> str | None:
    """$NOTIFY_SOCKET → an AF_UNIX address ('@name' → abstract '\\0name'); None if unusable."""
    if raw.startswith("@"):
        return "\0" + raw[1:]
    if raw.startswith("/"):
        return raw
    return None  # e.g. vsock:… addresses, which a VPS service never gets


class SystemdNotifier:
    """Sends sd_notify messages to one socket; `enabled` is False outside systemd."""

    def __init__(self, notify_socket: str | None, *, watchdog_usec: str | None = None) -> None:
        self._address = _address(notify_socket) if notify_socket else None
        self._watchdog_usec = watchdog_usec

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> SystemdNotifier:
        """Read $NOTIFY_SOCKET, $WATCHDOG_USEC and $WATCHDOG_PID (the latter two per sd(3))."""
        env = os.environ if env is None else env
        usec = env.get("WATCHDOG_USEC")
        pid = env.get("WATCHDOG_PID")
        if pid and pid != str(os.getpid()):
            usec = None  # the watchdog is meant for another process (e.g. our parent)
        return cls(env.get("NOTIFY_SOCKET"), watchdog_usec=usec)

    @property
    def enabled(self) -> bool:
        return self._address is not None

    def notify(self, message: str) -> bool:
        """Send one raw message ("READY=1\\nSTATUS=..."); True when it was delivered."""
        if self._address is None:
            return False
        try:
            with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM | socket.SOCK_CLOEXEC) as sock:
                sock.connect(self._address)
                sock.sendall(message.encode())
        except OSError as exc:
            # Never fatal: worst case systemd times us out and restarts us, which it logs.
            log.warning("systemd.notify_failed", error=str(exc), message=message.split("\n")[0])
            return False
        return True

    def ready(self, status_text: str | None = None) -> bool:
        """Tell systemd start-up (or a reload) is complete."""
        return self.notify(_join("READY=1", status_text))

    def reloading(self) -> bool:
        """Tell systemd a configuration reload started; follow with `ready()`."""
        usec = time.clock_gettime_ns(time.CLOCK_MONOTONIC) // 1000
        return self.notify(f"RELOADING=1\nMONOTONIC_USEC={usec}")

    def stopping(self, status_text: str | None = None) -> bool:
        """Tell systemd the daemon is shutting down."""
        return self.notify(_join("STOPPING=1", status_text))

    def watchdog(self) -> bool:
        """One keep-alive ping; send at least every `watchdog_interval_s()` seconds."""
        return self.notify("WATCHDOG=1")

    def status(self, text: str) -> bool:
        """One line shown by `systemctl status hedgebot`."""
        return self.notify(f"STATUS={text.splitlines()[0] if text else ''}")

    def watchdog_interval_s(self) -> float | None:
        """Seconds between pings (half of $WATCHDOG_USEC, as sd_watchdog_enabled(3) advises).

        None when no watchdog is configured for this process.
        """
        try:
            usec = int(self._watchdog_usec or 0)
        except ValueError:
            return None
        return usec / 2_000_000 if usec > 0 else None


class Readiness:
    """The sd_notify readiness protocol over one `SystemdNotifier`.

    READY=1 is sent once, when start-up is complete (`started`). A reload after that is
    RELOADING=1 (with MONOTONIC_USEC) then READY=1 — the READY also when the reload failed,
    or systemd would consider the service reloading until it times out. A reload before
    start-up completed sends neither: the first READY=1 is still to come.
    """

    def __init__(self, notifier: SystemdNotifier) -> None:
        self._notifier = notifier
        self._ready = False

    @property
    def ready(self) -> bool:
        """Whether start-up has been reported complete."""
        return self._ready

    def started(self, status_text: str | None = None) -> bool:
        """Report start-up complete; True only for the call that sent READY=1."""
        if self._ready:
            return False
        self._ready = True
        self._notifier.ready(status_text)
        return True

    @contextmanager
    def reloading(self, status_text: str | None = None) -> Iterator[None]:
        """Bracket a configuration reload with RELOADING=1 … READY=1 (see the class)."""
        announce = self._ready
        if announce:
            self._notifier.reloading()
        try:
            yield
        finally:
            if announce:
                self._notifier.ready(status_text)


def _join(first: str, status_text: str | None) -> str:
    return f"{first}\nSTATUS={status_text.splitlines()[0]}" if status_text else first


# Module-level helpers for the common case: the notifier described by this process's env.


def ready(status_text: str | None = None) -> bool:
    """`SystemdNotifier.from_env().ready(...)`."""
    return SystemdNotifier.from_env().ready(status_text)


def reloading() -> bool:
    """`SystemdNotifier.from_env().reloading()`."""
    return SystemdNotifier.from_env().reloading()


def stopping(status_text: str | None = None) -> bool:
    """`SystemdNotifier.from_env().stopping(...)`."""
    return SystemdNotifier.from_env().stopping(status_text)


def watchdog() -> bool:
    """`SystemdNotifier.from_env().watchdog()`."""
    return SystemdNotifier.from_env().watchdog()


def status(text: str) -> bool:
    """`SystemdNotifier.from_env().status(text)`."""
    return SystemdNotifier.from_env().status(text)


def watchdog_interval_s() -> float | None:
    """`SystemdNotifier.from_env().watchdog_interval_s()`."""
    return SystemdNotifier.from_env().watchdog_interval_s()
