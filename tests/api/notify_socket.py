"""A unix datagram socket standing in for systemd's $NOTIFY_SOCKET, and what it heard."""

from __future__ import annotations

import socket
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

__all__ = ["heard", "listening"]


@contextmanager
def listening(directory: Path) -> Iterator[socket.socket]:
    """A non-blocking socket bound in `directory`; read it with `heard`."""
    sock = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    sock.bind(str(directory / "notify.sock"))
    sock.setblocking(False)
    try:
        yield sock
    finally:
        sock.close()


def heard(sock: socket.socket) -> list[str]:
    """The first line of every datagram received so far, watchdog pings left out."""
    out: list[str] = []
    while True:
        try:
            out.append(sock.recv(4096).decode().split("\n")[0])
        except BlockingIOError:
            return [m for m in out if m != "WATCHDOG=1"]
